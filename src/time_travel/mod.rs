//! Time travel: the timeline, the space-time diagram, seeking, forks, scenarios and links.
//!
//! ```text
//!   TravelCache ─ StepTable (position → log length, time)
//!               ├ LogIndex  (arrows, phases, markers; from the explored log)
//!               └ fork notice
//!
//!   the reducer (crate::state) ──▶ TravelCache::seek / sync / next_phase
//!   render ──▶ TimelineModel, DiagramModel (plain data for the components)
//! ```
//!
//! This module knows the session and nothing of the reducer: `crate::state` drives it, and
//! the diagram's component keeps how the diagram is looked at (zoom, scroll, filters, hover).
//!
//! The session keeps one master log and replays from checkpoints; this module adds what the
//! views need on top of it and nothing the simulation depends on, so losing it (a new cache)
//! only costs a replay.

pub mod diagram;
pub mod log_index;
pub mod step_table;
pub mod timeline;

use log_index::LogIndex;
use sim::session::{RunSpec, Session};
use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;
use step_table::StepTable;
use timeline::phase_target;

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
        if self.index.scanned == 0 && self.index.key().is_none() {
            self.index
                .watch_key(s.spec().scenario.and_then(|sc| sc.key_moment()));
        }
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

/// The reducer's time-travel part: the cache, shared with the views that read it.
#[derive(Clone, Default)]
pub struct TravelState {
    pub cache: Rc<RefCell<TravelCache>>,
}

impl fmt::Debug for TravelState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TravelState").finish_non_exhaustive()
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

/// What the space-time diagram is drawn from: the session and the cache as they stand, the
/// cursor and the picked message. Equal while none of those changed, so the diagram's
/// component rebuilds its model only then (or when its own view settings change).
#[derive(Clone)]
pub struct DiagramSource {
    pub session: Rc<RefCell<Session>>,
    pub cache: Rc<RefCell<TravelCache>>,
    /// The reducer's count of simulation changes.
    pub version: u64,
    pub cursor_ms: f64,
    pub selected: Option<sim::MsgId>,
}

impl PartialEq for DiagramSource {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.session, &other.session)
            && Rc::ptr_eq(&self.cache, &other.cache)
            && self.version == other.version
            && self.cursor_ms == other.cursor_ms
            && self.selected == other.selected
    }
}

impl fmt::Debug for DiagramSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DiagramSource")
            .field("version", &self.version)
            .field("cursor_ms", &self.cursor_ms)
            .field("selected", &self.selected)
            .finish_non_exhaustive()
    }
}

impl DiagramSource {
    /// The visible part of the diagram under these view settings.
    pub fn model(&self, settings: &diagram::DiagramSettings) -> diagram::DiagramModel {
        let s = self.session.borrow();
        let cache = self.cache.borrow();
        let sids: Vec<zab::Sid> = s.sim().sids().collect();
        diagram::DiagramModel::build(
            &cache.index,
            s.full_log(),
            &sids,
            settings,
            self.selected,
            self.cursor_ms,
        )
    }
}

/// What the reducer does about time: where to stand, which run to show. How the diagram is
/// looked at (zoom, scroll, filters, hover) is the diagram's own state, not the reducer's.
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
    /// Go to the first broken safety check, exploring on to find it (`pos=violation`).
    FindViolation,
}
