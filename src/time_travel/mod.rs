//! Time travel: the timeline, the space-time diagram, seeking, forks, scenarios and links.
//!
//! ```text
//!   UiState.travel ─ cache: StepTable (position → log length, time)
//!                  │        LogIndex  (arrows, phases, markers; from the explored log)
//!                  │        fork notice
//!                  └ diagram: zoom, scroll, filters, selection
//!
//!   TravelAction ──apply──▶ Session::seek / a fresh session (scenario, link, import)
//!   every Action ──after_apply──▶ cache.sync(session)   (records, densifies, indexes)
//!   render ──▶ TimelineModel, DiagramModel (plain data for the components)
//! ```
//!
//! The session keeps one master log and replays from checkpoints; this module adds what the
//! views need on top of it and nothing the simulation depends on, so losing it (a new cache)
//! only costs a replay.

pub mod diagram;
pub mod log_index;
pub mod step_table;
pub mod timeline;

use crate::link::Link;
use crate::state::{Action, Run, UiState};
use diagram::{DiagramModel, DiagramSettings};
use log_index::{KindGroup, LogIndex};
use sim::session::{RunSpec, Session};
use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;
use step_table::StepTable;
use timeline::{phase_target, TimelineModel};

/// How far "next phase" runs ahead of the explored range looking for a boundary.
pub const MAX_RUN_AHEAD: u64 = 100_000;

/// Acting in the past forked the run at `at`, dropping `dropped` explored events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fork {
    pub at: u64,
    pub dropped: u64,
}

/// What the time-travel views know about the session, kept in step with it by [`sync`].
///
/// [`sync`]: TravelCache::sync
#[derive(Debug, Default)]
pub struct TravelCache {
    pub table: StepTable,
    pub index: LogIndex,
    pub fork: Option<Fork>,
    explored_seen: u64,
}

impl TravelCache {
    /// Record the position just run to, if it is the next one (cheap; called per event).
    pub fn note(&mut self, s: &Session) {
        let p = s.position();
        if p == self.table.len() {
            self.table.record(p, s.log().len() as u64, s.sim().now().0);
        }
    }

    /// Catch up with whatever happened to the session: a fork, an action at the current
    /// position, events run without [`note`](Self::note) (those are replayed to record them),
    /// and new log entries.
    pub fn sync(&mut self, s: &mut Session) {
        let explored = s.explored();
        if explored < self.explored_seen {
            self.fork = Some(Fork {
                at: explored,
                dropped: self.explored_seen - explored,
            });
            self.table.truncate(explored);
        }
        self.explored_seen = explored;
        if (s.full_log().len() as u64) < self.index.scanned {
            self.index = LogIndex::default();
        }
        let p = s.position();
        if self
            .table
            .log_len_at(p)
            .is_some_and(|l| l != s.log().len() as u64)
        {
            // An action at this position added entries.
            self.table.truncate(p);
        }
        if self.table.len() <= explored {
            if self.table.len() == p && p == explored {
                self.note(s);
            } else {
                self.densify(s, explored);
                if s.position() != p {
                    s.seek(p);
                }
            }
        }
        self.extend_index(s);
    }

    fn extend_index(&mut self, s: &Session) {
        let log = s.full_log();
        let from = (self.index.scanned as usize).min(log.len());
        if let Some(new) = log.get(from..) {
            self.index.extend(new);
        }
    }

    /// Replay from the last recorded position to `target`, recording each one.
    fn densify(&mut self, s: &mut Session, target: u64) {
        let from = self.table.last().unwrap_or(0);
        s.seek(from);
        self.table.truncate(from);
        self.note(s);
        while s.position() < target && s.step() {
            self.note(s);
        }
    }

    /// Go to `target`: back through the checkpoints, forward by replay or by running new
    /// events (recorded as they run).
    pub fn seek(&mut self, s: &mut Session, target: u64) {
        self.sync(s);
        if target <= s.explored() {
            s.seek(target);
        } else {
            s.seek(s.explored());
            while s.position() < target && s.step() {
                self.note(s);
            }
        }
        self.sync(s);
    }

    /// The next phase boundary after the position; when the explored range has none, run on
    /// (at most [`MAX_RUN_AHEAD`] events) until one happens.
    pub fn next_phase(&mut self, s: &mut Session) -> Option<u64> {
        self.sync(s);
        let p = s.position();
        if let Some(t) = phase_target(&self.table, &self.index, p, true) {
            return Some(t);
        }
        s.seek(s.explored());
        let known = self.index.boundaries.len();
        let limit = s.position() + MAX_RUN_AHEAD;
        while s.position() < limit && s.step() {
            self.note(s);
            self.extend_index(s);
            if self.index.boundaries.len() > known {
                break;
            }
        }
        self.sync(s);
        phase_target(&self.table, &self.index, p, true)
    }
}

/// The reducer's time-travel part: the cache and the diagram's view settings.
#[derive(Clone, Default)]
pub struct TravelState {
    pub cache: Rc<RefCell<TravelCache>>,
    pub diagram: DiagramSettings,
}

impl fmt::Debug for TravelState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TravelState")
            .field("diagram", &self.diagram)
            .finish_non_exhaustive()
    }
}

impl TravelState {
    /// Per-event recording for the reducer's run loops.
    pub fn note(&self, s: &Session) {
        self.cache.borrow_mut().note(s);
    }
}

/// A session handed to the reducer (an imported trace). Equal when it is the same session.
#[derive(Clone)]
pub struct SharedSession(pub Rc<RefCell<Session>>);

impl PartialEq for SharedSession {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl fmt::Debug for SharedSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SharedSession")
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum TravelAction {
    /// Stand after this many events.
    SeekTo(u64),
    /// Stand at the last position whose time is at or before this (ms): a click on the diagram.
    SeekToTime(u64),
    StepBack,
    PhaseBack,
    PhaseForward,
    /// Start this run (a scenario, a link) and stand at `pos`.
    Start {
        spec: RunSpec,
        pos: Option<u64>,
    },
    /// Show an imported run, standing where it ends.
    Import(SharedSession),
    DismissFork,
    /// Zoom the diagram (factor > 1 zooms out) around a point of the drawing.
    Zoom {
        factor: f64,
        anchor_px: Option<f64>,
    },
    Pan {
        dx_px: f64,
    },
    Follow,
    Toggle(KindGroup),
    SetWidth(f64),
    SelectArrow(Option<u64>),
    /// The arrow under the pointer (its fields show under the diagram).
    Hover(Option<u64>),
}

impl From<TravelAction> for Action {
    fn from(a: TravelAction) -> Action {
        Action::Travel(a)
    }
}

/// Apply a time-travel action to the state.
pub fn apply(state: &mut UiState, action: TravelAction) {
    let cursor = state.display_ms;
    let d = &mut state.travel.diagram;
    match action {
        TravelAction::SeekTo(p) => seek(state, p),
        TravelAction::SeekToTime(t) => {
            let step = state.travel.cache.borrow().table.step_at_time(t);
            seek(state, step);
        }
        TravelAction::StepBack => {
            if let Some(p) = state.session().map(|s| s.position()) {
                seek(state, p.saturating_sub(1));
            }
        }
        TravelAction::PhaseBack => {
            let target = state.session().and_then(|s| {
                let cache = state.travel.cache.borrow();
                phase_target(&cache.table, &cache.index, s.position(), false)
            });
            seek(state, target.unwrap_or(0));
        }
        TravelAction::PhaseForward => {
            let target = match &state.run {
                Run::Running { session } => state
                    .travel
                    .cache
                    .borrow_mut()
                    .next_phase(&mut session.borrow_mut()),
                Run::Failed { .. } => None,
            };
            match target {
                Some(t) => seek(state, t),
                // Nothing happened within the bound: stand at the end of what ran.
                None => {
                    let end = state.session().map_or(0, |s| s.explored());
                    seek(state, end);
                }
            }
        }
        TravelAction::Start { spec, pos } => {
            *state = fresh(state, UiState::from_spec(spec));
            if let Some(p) = pos {
                seek(state, p);
            }
        }
        TravelAction::Import(SharedSession(session)) => {
            let spec = session.borrow().spec().clone();
            let mut next = fresh(state, UiState::from_spec(spec));
            next.display_ms = session.borrow().sim().now().0 as f64;
            next.run = Run::Running { session };
            *state = next;
        }
        TravelAction::DismissFork => state.travel.cache.borrow_mut().fork = None,
        TravelAction::Zoom { factor, anchor_px } => d.zoom(factor, anchor_px, cursor),
        TravelAction::Pan { dx_px } => d.pan(dx_px, cursor),
        TravelAction::Follow => d.follow = true,
        TravelAction::Toggle(g) => {
            if let Some(i) = KindGroup::ALL.iter().position(|x| *x == g) {
                d.show[i] = !d.show[i];
            }
        }
        TravelAction::SetWidth(px) => {
            if px.is_finite() {
                d.width_px = px.clamp(240.0, 8_000.0);
            }
        }
        TravelAction::SelectArrow(m) => d.selected = m,
        TravelAction::Hover(m) => d.hovered = m,
    }
}

/// A new run in place of the old one, keeping how the page is looked at.
fn fresh(old: &UiState, mut next: UiState) -> UiState {
    next.speed = old.speed;
    next.hidden = old.hidden;
    next.version = old.version + 1;
    next.travel.diagram = DiagramSettings {
        selected: None,
        hovered: None,
        follow: true,
        ..old.travel.diagram.clone()
    };
    next
}

/// Seek the session to `target` and stand the display clock at its time.
pub fn seek(state: &mut UiState, target: u64) {
    let Run::Running { session } = &state.run else {
        return;
    };
    let mut s = session.borrow_mut();
    state.travel.cache.borrow_mut().seek(&mut s, target);
    state.display_ms = s.sim().now().0 as f64;
    drop(s);
    state.version += 1;
}

/// Called by the reducer after every action: keep the cache in step with the session.
pub fn after_apply(state: &mut UiState) {
    if let Run::Running { session } = &state.run {
        state
            .travel
            .cache
            .borrow_mut()
            .sync(&mut session.borrow_mut());
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
    after_apply(&mut state);
    if let Some(pos) = link.pos {
        seek(&mut state, pos);
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

/// The link to what is on screen. The position is left out while playing (it changes every
/// frame) unless `with_pos`.
pub fn link_of(state: &UiState, with_pos: bool) -> Option<Link> {
    let s = state.session()?;
    let pos = (with_pos || !state.playing).then(|| s.position());
    Some(Link::of_spec(s.spec(), state.speed, pos))
}

/// The event log up to the position as a trace file (JSON lines with a header naming the run).
pub fn trace_text(state: &UiState) -> Option<String> {
    state.session().map(|s| sim::trace_file::write_trace(&s))
}

pub fn timeline_model(state: &UiState) -> Option<TimelineModel> {
    let s = state.session()?;
    let cache = state.travel.cache.borrow();
    Some(TimelineModel::build(
        &cache.table,
        &cache.index,
        s.position(),
        s.explored(),
        &s.spec().actions,
        cache.fork,
    ))
}

pub fn diagram_model(state: &UiState) -> Option<DiagramModel> {
    let s = state.session()?;
    let cache = state.travel.cache.borrow();
    let sids: Vec<zab::Sid> = s.sim().sids().collect();
    Some(DiagramModel::build(
        &cache.index,
        s.full_log(),
        &sids,
        &state.travel.diagram,
        state.display_ms,
    ))
}

#[cfg(test)]
mod tests;
