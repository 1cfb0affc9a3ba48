//! The reducer's time travel: seeking, phase jumps, starting a scenario or a link, importing a
//! trace, and what the time-travel views read from the state. `crate::time_travel` holds the
//! cache and the models; this is where the reducer drives them.

use super::{Action, Build, BuildTarget, Run, UiState, VIOLATION_SEARCH_EVENTS};

/// A link's position is reached at once up to this many events; further, a frame at a time.
pub const INSTANT_BUILD_EVENTS: u64 = 20_000;
/// A link's `t` is reached at once up to this simulated time (ms); later, a frame at a time.
pub const INSTANT_BUILD_MS: u64 = 60_000;
/// Events run per animation frame while building: about 18 ms of work in wasm (measured with
/// scripts/bench-memory.js: ~9 µs an event), so the tab keeps drawing its progress.
pub const BUILD_EVENTS_PER_FRAME: u64 = 2_000;
use crate::link::Link;
use crate::time_travel::timeline::{phase_target, TimelineModel};
use crate::time_travel::{DiagramSource, SharedSession, TravelAction};
use sim::session::SessionError;

impl UiState {
    /// Apply a time-travel action.
    pub(super) fn travel(&mut self, action: TravelAction) {
        match action {
            TravelAction::SeekTo(p) => self.seek(p),
            TravelAction::SeekToTime(t) => {
                let step = self.travel.cache.borrow().table.step_at_time(t);
                self.seek(step);
            }
            TravelAction::StepBack => {
                if let Some(p) = self.session().map(|s| s.position()) {
                    self.seek(p.saturating_sub(1));
                }
            }
            TravelAction::PhaseBack => {
                let target = self.session().and_then(|s| {
                    let cache = self.travel.cache.borrow();
                    phase_target(&cache.table, &cache.index, s.position(), false)
                });
                self.seek(target.unwrap_or(0));
            }
            TravelAction::PhaseForward => {
                let target = match &self.run {
                    Run::Running { session } => self
                        .travel
                        .cache
                        .borrow_mut()
                        .next_phase(&mut session.borrow_mut()),
                    Run::Failed { .. } => None,
                };
                match target {
                    Some(t) => self.seek(t),
                    // Nothing happened within the bound: stand at the end of what ran.
                    None => {
                        let end = self.session().map_or(0, |s| s.explored());
                        self.seek(end);
                    }
                }
            }
            TravelAction::Start { spec, pos } => {
                *self = self.fresh(UiState::from_spec(spec));
                if let Some(p) = pos {
                    self.seek(p);
                }
            }
            TravelAction::Import(SharedSession(session)) => {
                let spec = session.borrow().spec().clone();
                let mut next = self.fresh(UiState::from_spec(spec));
                next.display_ms = session.borrow().sim().now().0 as f64;
                next.run = Run::Running { session };
                *self = next;
            }
            TravelAction::DismissFork => self.travel.cache.borrow_mut().fork = None,
            TravelAction::FindViolation => self.find_violation(),
        }
    }

    /// A new run in place of this one, keeping how the page is looked at.
    fn fresh(&self, mut next: UiState) -> UiState {
        next.speed = self.speed;
        next.hidden = self.hidden;
        next.key_stops = self.key_stops;
        next.version = self.version + 1;
        next
    }

    /// Seek the session to `target` and stand the display clock at its time.
    pub fn seek(&mut self, target: u64) {
        let Run::Running { session } = &self.run else {
            return;
        };
        let mut s = session.borrow_mut();
        self.travel.cache.borrow_mut().seek(&mut s, target);
        self.display_ms = s.sim().now().0 as f64;
        drop(s);
        self.version += 1;
    }

    /// Keep the cache in step with the session (after every action).
    pub(super) fn sync_travel(&mut self) {
        if let Run::Running { session } = &self.run {
            self.travel
                .cache
                .borrow_mut()
                .sync(&mut session.borrow_mut());
        }
    }

    /// While playing a scenario, stop at its key moment the first time play passes it (the
    /// tick that began with `len_before` log entries ran its entry): stand just after the
    /// moment's log entry, paused.
    /// Play stops at a broken safety check the moment a tick crosses it (in a frame too: a
    /// violation is what the run is about), standing at the event that broke it.
    pub(super) fn pause_at_violation(&mut self, pos_before: u64) {
        if !self.playing {
            return;
        }
        let step = {
            let Some(s) = self.session() else { return };
            match s.checks().violation() {
                Some(v) if pos_before < v.step && s.position() >= v.step => v.step,
                _ => return,
            }
        };
        self.playing = false;
        self.travel(TravelAction::SeekTo(step));
        self.sync_travel();
    }

    pub(super) fn pause_at_key_moment(&mut self, len_before: u64) {
        if self.key_paused || !self.playing || !self.key_stops {
            return;
        }
        let step = {
            let Some(s) = self.session() else { return };
            let cache = self.travel.cache.borrow();
            let Some(k) = cache.index.key_moment else {
                return;
            };
            if (s.log().len() as u64) <= k || len_before > k {
                return;
            }
            cache.table.step_of_entry(k)
        };
        self.key_paused = true;
        self.playing = false;
        self.travel(TravelAction::SeekTo(step));
        self.sync_travel();
    }

    /// The newest significant change at or before the position, for the live region: a
    /// moment of the protocol or a fault (its log index, its words).
    pub fn announcement(&self) -> Option<(u64, String)> {
        use crate::time_travel::log_index::MarkerKind::*;
        let len = self.session()?.log().len() as u64;
        let cache = self.travel.cache.borrow();
        let markers = &cache.index.markers;
        let upto = markers.partition_point(|m| m.index < len);
        markers[..upto]
            .iter()
            .rev()
            .find(|m| {
                m.kind.is_moment()
                    || matches!(m.kind, Crash | Restart | Pause | Resume | Partition | Heal)
            })
            .map(|m| (m.index, m.label.clone()))
    }

    /// The safety checks panel: what the live checks found, seen from the position.
    pub fn checks_model(&self) -> Option<crate::view_model::checks::ChecksModel> {
        let s = self.session()?;
        let mut m = crate::view_model::checks::ChecksModel::of(
            s.checks(),
            s.spec().zk,
            s.position(),
            self.playing,
        );
        m.searched_clean = self.searched_clean;
        Some(m)
    }

    /// Where the scenario's key moment is, once reached: (its position, what it is).
    pub fn key_moment(&self) -> Option<(u64, &'static str)> {
        let cache = self.travel.cache.borrow();
        let k = cache.index.key_moment?;
        Some((cache.table.step_of_entry(k), cache.index.key()?.what()))
    }

    /// The link to what is on screen. The position is left out while playing (it changes
    /// every frame) unless `with_pos`.
    pub fn link(&self, with_pos: bool) -> Option<Link> {
        // While the tour is open the address is the tour's chapter (`?tour=N`).
        if let Some(link) = self.tour_link() {
            return Some(link);
        }
        let s = self.session()?;
        let pos = (with_pos || !self.playing).then(|| s.position());
        Link::of_spec(s.spec(), self.speed, pos)
    }

    /// The event log up to the position as a trace file (JSON lines with a header naming the
    /// run).
    pub fn trace_text(&self) -> Option<String> {
        self.session().map(|s| sim::trace_file::write_trace(&s))
    }

    /// Go to the first broken check: at once when the checks already found it, else by
    /// exploring on, a frame at a time, for at most [`VIOLATION_SEARCH_EVENTS`] events.
    pub(super) fn find_violation(&mut self) {
        let Some(limit) = self
            .session()
            .map(|s| s.explored().max(s.position()) + VIOLATION_SEARCH_EVENTS)
        else {
            return;
        };
        if let Some(step) = self.violation_step() {
            self.seek(step);
            return;
        }
        self.playing = false;
        self.searched_clean = None;
        self.building = Some(Build {
            target: BuildTarget::Violation(limit),
            play_after: false,
        });
    }

    /// The event of the first violation the live checks found so far.
    fn violation_step(&self) -> Option<u64> {
        self.session()?.checks().violation().map(|v| v.step)
    }

    /// One frame of a long build: run up to [`BUILD_EVENTS_PER_FRAME`] events toward its
    /// target; once there, stand there (and play if asked).
    pub(super) fn build_frame(&mut self) {
        let (Some(build), Run::Running { session }) = (self.building, &self.run) else {
            self.building = None;
            return;
        };
        let done = {
            let mut s = session.borrow_mut();
            let mut cache = self.travel.cache.borrow_mut();
            match build.target {
                BuildTarget::Position(target) => {
                    let next = target.min(s.position() + BUILD_EVENTS_PER_FRAME);
                    cache.seek(&mut s, next);
                    s.position() >= target || s.sim().next_event_time().is_none()
                }
                BuildTarget::Time(ms) => {
                    let mut ran = 0;
                    while ran < BUILD_EVENTS_PER_FRAME
                        && s.sim().next_event_time().is_some_and(|t| t.0 <= ms)
                    {
                        s.step();
                        cache.note(&s);
                        ran += 1;
                    }
                    ran < BUILD_EVENTS_PER_FRAME
                }
                BuildTarget::Violation(limit) => {
                    let next = limit.min(s.position() + BUILD_EVENTS_PER_FRAME);
                    cache.seek(&mut s, next);
                    s.checks().violation().is_some()
                        || s.position() >= limit
                        || s.sim().next_event_time().is_none()
                }
            }
        };
        let now = session.borrow().sim().now().0;
        self.display_ms = match build.target {
            BuildTarget::Time(ms) if done => ms.max(now) as f64,
            _ => now as f64,
        };
        self.version += 1;
        if done {
            self.building = None;
            self.playing = build.play_after;
            if let BuildTarget::Violation(_) = build.target {
                match self.violation_step() {
                    Some(step) => {
                        self.playing = false;
                        self.seek(step);
                    }
                    None => self.searched_clean = self.session().map(|s| s.position()),
                }
            }
        }
    }

    /// How far a long build has come: (done, of), in events or simulated ms.
    pub fn build_progress(&self) -> Option<(u64, u64, BuildTarget)> {
        let build = self.building?;
        let s = self.session()?;
        Some(match build.target {
            BuildTarget::Position(p) => (s.position(), p, build.target),
            BuildTarget::Time(ms) => (s.sim().now().0.min(ms), ms, build.target),
            BuildTarget::Violation(limit) => (s.position(), limit, build.target),
        })
    }

    /// What the space-time diagram draws from.
    pub fn diagram_source(&self) -> Option<DiagramSource> {
        let Run::Running { session } = &self.run else {
            return None;
        };
        Some(DiagramSource {
            session: session.clone(),
            cache: self.travel.cache.clone(),
            version: self.version,
            cursor_ms: self.display_ms,
            selected: self.selected_msg,
        })
    }

    pub fn timeline_model(&self) -> Option<TimelineModel> {
        let s = self.session()?;
        let cache = self.travel.cache.borrow();
        let mut model = TimelineModel::build(
            &cache.table,
            &cache.index,
            s.position(),
            s.explored(),
            &s.spec().actions,
            cache.fork,
        );
        // The first broken safety check, among the moments in step order.
        if let Some(v) = s.checks().violation().filter(|v| v.step <= s.explored()) {
            let at = model.markers.partition_point(|m| m.step <= v.step);
            let title = crate::view_model::checks::property(&v.what).title;
            model.markers.insert(
                at,
                crate::time_travel::timeline::MarkerView {
                    step: v.step,
                    kind: crate::time_travel::log_index::MarkerKind::Violation,
                    label: format!("broken: {title}"),
                    time_ms: v.time.0,
                    key: false,
                },
            );
        }
        Some(model)
    }
}

/// The state a link asks for: its run (with `seed` when the link has none), its speed, its
/// position, playing if it says so.
pub fn state_for_link(link: &Link, seed: u64) -> UiState {
    let faults = sim::trace_file::encode_actions(&link.faults);
    let mut state = UiState::from_spec_or(link.spec(link.seed.unwrap_or(seed)), |e| match e {
        // A fault the replay refused (a no-op or a contradiction) is the link's `f`.
        SessionError::Action(a) => format!("The URL parameter f=\"{faults}\" is not valid: {a}."),
        e => format!("Cannot start this ensemble: {e}."),
    });
    if let Some(speed) = link.speed {
        state.speed = speed;
    }
    // `pos` is where to stand; an older link's `t` counts only without one (seeking to a
    // position after running to a time ends at that position all the same).
    let far = match (link.pos, link.at_ms) {
        (Some(p), _) if p > INSTANT_BUILD_EVENTS => Some(BuildTarget::Position(p)),
        (None, Some(t)) if t > INSTANT_BUILD_MS => Some(BuildTarget::Time(t)),
        (None, Some(t)) => {
            state = state.starting_at(t);
            None
        }
        _ => None,
    };
    state.sync_travel();
    if link.to_violation {
        state.find_violation();
        if let Some(b) = state.building.as_mut() {
            b.play_after = link.play;
        }
        return state;
    }
    match (far, link.pos) {
        (Some(target), _) => {
            state.building = Some(Build {
                target,
                play_after: link.play,
            })
        }
        (None, Some(pos)) => state.seek(pos),
        (None, None) => {}
    }
    if link.play {
        state.apply(Action::Play);
    }
    state
}

/// The state a query string asks for, or the page that says what is wrong with it. No
/// parameters at all is a first visit ([`super::first_visit`]); `tour=N` opens the tour at
/// chapter N over the rest of the link (or over the first visit's run, paused).
pub fn state_for_query(query: &str) -> UiState {
    if query.trim_start_matches('?').is_empty() {
        return super::first_visit();
    }
    match Link::parse(query) {
        Ok(link) => {
            let mut state = match link.names_a_run() {
                true => {
                    let seed = link.seed.unwrap_or_else(crate::browser::random_seed);
                    state_for_link(&link, seed)
                }
                false => {
                    let mut s = super::first_visit();
                    s.apply(Action::Pause);
                    s
                }
            };
            // The embed frame has no tour panel: it shows the run.
            let tour = link.tour.filter(|_| !link.embed);
            if let Some(step) = tour.and_then(crate::tour::first_step_of) {
                state.apply(Action::Tour(super::TourAction::Open(step)));
            }
            state
        }
        Err(e) => UiState::failed(e.to_string(), crate::run_params::RunParams::default()),
    }
}
