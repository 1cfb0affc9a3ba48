//! The reducer's time travel: seeking, phase jumps, starting a scenario or a link, importing a
//! trace, and what the time-travel views read from the state. `crate::time_travel` holds the
//! cache and the models; this is where the reducer drives them.

use super::{Action, Run, UiState};
use crate::link::Link;
use crate::time_travel::timeline::{phase_target, TimelineModel};
use crate::time_travel::{DiagramSource, SharedSession, TravelAction};

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
        }
    }

    /// A new run in place of this one, keeping how the page is looked at.
    fn fresh(&self, mut next: UiState) -> UiState {
        next.speed = self.speed;
        next.hidden = self.hidden;
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

    /// The link to what is on screen. The position is left out while playing (it changes
    /// every frame) unless `with_pos`.
    pub fn link(&self, with_pos: bool) -> Option<Link> {
        let s = self.session()?;
        let pos = (with_pos || !self.playing).then(|| s.position());
        Some(Link::of_spec(s.spec(), self.speed, pos))
    }

    /// The event log up to the position as a trace file (JSON lines with a header naming the
    /// run).
    pub fn trace_text(&self) -> Option<String> {
        self.session().map(|s| sim::trace_file::write_trace(&s))
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
        Some(TimelineModel::build(
            &cache.table,
            &cache.index,
            s.position(),
            s.explored(),
            &s.spec().actions,
            cache.fork,
        ))
    }
}

/// The state a link asks for: its run (with `seed` when the link has none), its speed, its
/// position, playing if it says so.
pub fn state_for_link(link: &Link, seed: u64) -> UiState {
    let mut state = UiState::from_spec(link.spec(link.seed.unwrap_or(seed)));
    if let Some(speed) = link.speed {
        state.speed = speed;
    }
    if let Some(t) = link.at_ms {
        state = state.starting_at(t);
    }
    state.sync_travel();
    if let Some(pos) = link.pos {
        state.seek(pos);
    }
    if link.play {
        state.apply(Action::Play);
    }
    state
}

/// The state a query string asks for, or the page that says what is wrong with it.
pub fn state_for_query(query: &str) -> UiState {
    match Link::parse(query) {
        Ok(link) => {
            let seed = link.seed.unwrap_or_else(crate::browser::random_seed);
            state_for_link(&link, seed)
        }
        Err(e) => UiState::failed(e.to_string(), crate::run_params::RunParams::default()),
    }
}
