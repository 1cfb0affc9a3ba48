//! The reducer's tour: opening it (the user's run is kept aside), standing at a step (the
//! step's own run at its resolved position), and closing it (the user's run comes back
//! exactly as it was, its position included). Also the first visit's state.
//!
//! ```text
//!   Open(step) ──▶ plan = tour::resolve()   user = the state as it was (Rc)
//!        │
//!   Next / Back / GoTo ──▶ the step's run (a new session when the run differs) ──seek──▶ pos
//!        │
//!   Close / Esc ──▶ *self = user (with a newer version, so every view rebuilds)
//! ```

use super::{Run, UiState};
use crate::link::Link;
use crate::time_travel::TravelState;
use crate::tour::{self, Plan, Task, TourView};
use crate::view_model::cluster_model::Highlight;
use crate::view_model::speed::Speed;
use sim::session::{Session, UserAction};
use std::rc::Rc;
use zab::Sid;

/// The first visit plays at 0.05×: a 20 ms hop takes 0.4 s to cross, so a message can be read
/// in flight, and the whole startup (about a second of simulated time) takes about 20 s.
pub const FIRST_VISIT_SPEED: Speed = Speed(-65);

#[derive(Clone, Debug, PartialEq)]
pub enum TourAction {
    /// Open the tour at this step (whole-tour index), or go there if it is open.
    Open(usize),
    Next,
    Back,
    /// The first step of the next / previous chapter.
    NextChapter,
    PrevChapter,
    /// Close the tour: the user's run comes back.
    Close,
    /// Hide the first visit's offer.
    DismissOffer,
}

/// The open tour.
#[derive(Clone)]
pub struct TourState {
    /// The step it stands at (whole-tour index).
    pub step: usize,
    pub plan: Rc<Plan>,
    /// The user's run as it was when the tour opened.
    pub user: Rc<UiState>,
}

impl std::fmt::Debug for TourState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TourState")
            .field("step", &self.step)
            .finish_non_exhaustive()
    }
}

/// The page with no parameters: a three-voter startup on the tour's seed, playing slowly,
/// with the tour on offer.
pub fn first_visit() -> UiState {
    let mut state = UiState::from_spec(tour::TourRun::Startup.spec());
    state.speed = FIRST_VISIT_SPEED;
    state.tour_offer = true;
    state.sync_travel();
    state.apply(super::Action::Play);
    state
}

impl UiState {
    pub(super) fn tour_action(&mut self, action: TourAction) {
        let last = tour::step_count().saturating_sub(1);
        match action {
            TourAction::Open(step) => self.tour_go(step.min(last)),
            TourAction::Next => {
                if let Some(t) = &self.tour {
                    let to = (t.step + 1).min(last);
                    self.tour_go(to);
                }
            }
            TourAction::Back => {
                if let Some(t) = &self.tour {
                    let to = t.step.saturating_sub(1);
                    self.tour_go(to);
                }
            }
            TourAction::NextChapter | TourAction::PrevChapter => {
                let Some(t) = &self.tour else { return };
                let (ci, _) = tour::locate(t.step).unwrap_or((0, 0));
                let target = if action == TourAction::NextChapter {
                    ci + 2
                } else {
                    ci.max(1)
                };
                if let Some(step) = tour::first_step_of(target) {
                    self.tour_go(step);
                }
            }
            TourAction::Close => self.tour_close(),
            TourAction::DismissOffer => self.tour_offer = false,
        }
    }

    /// Stand at `step`: open the tour first if needed (keeping the user's run aside).
    fn tour_go(&mut self, step: usize) {
        let Some(data) = tour::step(step) else {
            return;
        };
        let tour_state = match self.tour.take() {
            Some(t) => TourState { step, ..t },
            None => {
                let mut user = self.clone();
                user.tour_offer = false;
                TourState {
                    step,
                    plan: Rc::new(tour::resolve()),
                    user: Rc::new(user),
                }
            }
        };
        let spec = data.run.spec();
        let same_run = self.session().is_some_and(|s| *s.spec() == spec);
        if !same_run {
            // The step's own run, in a session of the tour's own: the user's is untouched.
            let fresh = Session::new(spec)
                .map(|s| Run::Running {
                    session: Rc::new(std::cell::RefCell::new(s)),
                })
                .unwrap_or_else(|e| Run::Failed {
                    message: format!("The tour cannot start its run: {e}."),
                });
            self.run = fresh;
            self.travel = TravelState::default();
            self.log_filter = None;
            self.sync_travel();
        }
        let pos = tour_state.plan.stop(step).map_or(0, |s| s.pos);
        self.tour = Some(tour_state);
        self.tour_offer = false;
        self.playing = false;
        self.building = None;
        self.selected = None;
        self.selected_msg = None;
        self.refused = None;
        self.seek(pos);
    }

    fn tour_close(&mut self) {
        let Some(t) = self.tour.take() else {
            return;
        };
        let version = self.version + 1;
        let hidden = self.hidden;
        let help_open = self.help_open;
        *self = (*t.user).clone();
        self.version = version;
        self.hidden = hidden;
        self.help_open = help_open;
    }

    /// What the tour highlights now: the servers and message kinds of its step.
    pub fn tour_highlight(&self) -> Highlight {
        let Some(stop) = self.tour.as_ref().and_then(|t| t.plan.stop(t.step)) else {
            return Highlight::default();
        };
        Highlight {
            sids: stop.sids.clone(),
            kinds: stop.kinds.clone(),
        }
    }

    /// The tour's link (`?tour=N`, N the chapter), while it is open.
    pub fn tour_link(&self) -> Option<Link> {
        let t = self.tour.as_ref()?;
        let (ci, _) = tour::locate(t.step)?;
        Some(Link::tour(ci + 1))
    }

    /// What the tour panel shows.
    pub fn tour_view(&self) -> Option<TourView> {
        let t = self.tour.as_ref()?;
        let (ci, si) = tour::locate(t.step)?;
        let chapter = &tour::CHAPTERS[ci];
        let step = &chapter.steps[si];
        let stop = t.plan.stop(t.step);
        let problem = match t.plan.stops.get(t.step) {
            Some(Err(e)) => Some(format!("This step could not be placed ({e}).")),
            _ => None,
        };
        let leader = stop.and_then(|s| s.sids.first().copied());
        let code = step.code.then(|| {
            let line = leader.and_then(|l| self.running_line(l));
            (tour::epoch_wait_code(), line)
        });
        let task = step.task.map(|task| {
            (
                task.words(),
                self.task_done(task, stop.map(|s| &s.sids[..])),
            )
        });
        Some(TourView {
            chapter: ci + 1,
            chapters: tour::CHAPTERS.len(),
            chapter_title: chapter.title,
            step_in_chapter: si + 1,
            steps_in_chapter: chapter.steps.len(),
            title: step.title,
            text: step.text,
            code,
            task,
            can_back: t.step > 0,
            can_next: t.step + 1 < tour::step_count(),
            problem,
        })
    }

    /// Chapter 7's running line at the current position, read from the simulation.
    pub fn running_line(&self, leader: Sid) -> Option<(usize, &'static str)> {
        let s = self.session()?;
        let p = s.position();
        let cache = self.travel.cache.borrow();
        let from = p
            .checked_sub(1)
            .and_then(|q| cache.table.log_len_at(q))
            .unwrap_or(0) as usize;
        let log = s.log();
        tour::running_line(s.sim(), log.get(from..).unwrap_or(&[]), leader)
    }

    /// Whether the reader did what the step asks, in the tour's run.
    fn task_done(&self, task: Task, spot: Option<&[Sid]>) -> bool {
        let Some(s) = self.session() else {
            return false;
        };
        let actions = &s.spec().actions;
        match task {
            Task::CrashLeader => actions.iter().any(|(_, a)| {
                matches!(a, UserAction::Crash(sid) if spot.is_some_and(|l| l.contains(sid)))
            }),
            Task::CutQuorum => actions.iter().any(|(_, a)| {
                matches!(a, UserAction::Partition { .. } | UserAction::Break { .. })
            }),
        }
    }
}
