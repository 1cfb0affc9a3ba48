//! `UiState` and its `Action`s: the one reducer that owns the simulation (SG-21).
//!
//! ```text
//!   rAF driver ──Tick{dt_ms}──┐
//!   buttons ──Step/Play/…─────┼──▶ UiState::apply ──▶ Simulation (step, crash, restart)
//!   clicks ──Select(sid)──────┘          │
//!                                        └──▶ version += 1 when the simulation changed
//! ```
//!
//! The `Simulation` is not `PartialEq` and is too big to clone per frame, so the state keeps it
//! behind `Rc<RefCell<…>>` and counts its changes in `version`; views never see it, only the
//! plain view-models built from it. Only `apply` mutates it.

use crate::run_params::RunParams;
use crate::time_travel::{TravelAction, TravelState};
use crate::view_model::keys::{KeyCommand, SPEED_KEY_STEP};
use crate::view_model::log_model::LogKinds;
use crate::view_model::speed::Speed;
use sim::session::{RunSpec, Session, SessionError, UserAction};
use sim::{MsgId, Simulation};
use std::cell::{Ref, RefCell};
use std::rc::Rc;
use zab::{Sid, Time};

/// At most this many events run per frame, so a frame never freezes the page at high speed.
pub const MAX_EVENTS_PER_TICK: usize = 2000;

#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Real time passed (from the animation-frame driver only): advance the display clock by
    /// `speed × dt_ms` and run every event due by then.
    Tick {
        dt_ms: f64,
    },
    /// Run exactly one event and stand at its time.
    Step,
    Play,
    Pause,
    SetSpeed(Speed),
    /// Start over with these parameters (the seed is always chosen by then).
    Reset {
        seed: u64,
        voters: u32,
        observers: u32,
    },
    /// A fault or a client write by hand: it goes through `Session::act`, so it is recorded
    /// and a link reproduces it.
    Act(UserAction),
    /// Select a server for the inspector (`None` clears).
    Select(Option<Sid>),
    /// Take back the last fault at or before the position (`Session::undo`): stand just
    /// before it, as if it had never happened.
    Undo,
    /// Pick a message (a pill on the wire, an arrow of the diagram): every view shows it.
    SelectMessage(Option<MsgId>),
    /// The timeline's scrubber is held (pointer down) or let go. While held, the event log
    /// keeps its lines and catches up on release: rebuilding it every frame of a drag was
    /// most of the frame's work, and nobody reads a log that is racing by.
    Scrubbing(bool),
    /// Show only the log entries concerning this server.
    FilterLog(Option<Sid>),
    /// The page became hidden or visible; the driver does not run while hidden.
    SetHidden(bool),
    /// A keyboard shortcut, resolved against the current state.
    Key(KeyCommand),
    /// Show only these kinds of entries in the event log.
    SetLogKinds(LogKinds),
    /// Open or close the keyboard help.
    ShowHelp(bool),
    /// Time travel, scenarios, links and imports (issue 6; see `crate::time_travel`).
    Travel(TravelAction),
    /// The guided tour (issue 11; see `crate::tour`).
    Tour(TourAction),
}

impl From<TravelAction> for Action {
    fn from(a: TravelAction) -> Action {
        Action::Travel(a)
    }
}

/// The run the state holds: a session (the simulation with its past), or why there is none.
#[derive(Clone)]
pub enum Run {
    Running { session: Rc<RefCell<Session>> },
    Failed { message: String },
}

#[derive(Clone)]
pub struct UiState {
    pub run: Run,
    /// Bumped whenever the simulation changed, so memoised views know to rebuild.
    pub version: u64,
    pub seed: u64,
    pub voters: u32,
    pub observers: u32,
    /// The display clock in simulated ms: between the last event's time and the next one's.
    pub display_ms: f64,
    pub playing: bool,
    pub hidden: bool,
    pub speed: Speed,
    pub selected: Option<Sid>,
    pub selected_msg: Option<MsgId>,
    /// The scrubber is held (see `Action::Scrubbing`).
    pub scrubbing: bool,
    pub log_filter: Option<Sid>,
    /// The kinds of entries the event log shows.
    pub log_kinds: LogKinds,
    /// The keyboard help overlay is open.
    pub help_open: bool,
    /// Time travel (issue 6): the timeline and diagram cache.
    pub travel: TravelState,
    /// A link asked for a position too far to reach in one frame: it is reached a frame at a
    /// time, with a progress bar, so the page never freezes.
    pub building: Option<Build>,
    /// Why the last fault by hand was refused (it would have done nothing).
    pub refused: Option<String>,
    /// Play already stopped once at the scenario's key moment (it does not stop there again).
    pub key_paused: bool,
    /// Play stops at the scenario's key moment. The full app does (its narration says why);
    /// an embedded frame plays on: it has no room to say why it stopped, and the host page's
    /// text is the guide there.
    pub key_stops: bool,
    /// The guided tour, while it is open (it keeps the user's own run to go back to).
    pub tour: Option<TourState>,
    /// The first visit's "Take the tour" offer is shown.
    pub tour_offer: bool,
    /// A search for the first violation explored up to this step and found none.
    pub searched_clean: Option<u64>,
}

/// Where a long build is going, and what to do once there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Build {
    pub target: BuildTarget,
    /// Start playing when it arrives (the link said `play=1`, or Play was pressed meanwhile).
    pub play_after: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BuildTarget {
    /// Stand after this many events (`pos`).
    Position(u64),
    /// Run every event due by this simulated time, ms (`t`).
    Time(u64),
    /// Explore until the live checks find a violation, then stand at its event; give up after
    /// this many events (`pos=violation`, the checks panel's "Find the first violation").
    Violation(u64),
}

/// How far "find the first violation" looks: events explored past where it starts.
pub const VIOLATION_SEARCH_EVENTS: u64 = 200_000;

impl UiState {
    /// A state for a run; `message` is shown instead when the parameters were refused.
    pub fn new(seed: u64, voters: u32, observers: u32) -> UiState {
        UiState::from_spec(RunSpec::new(seed, voters, observers))
    }

    /// A state for any run: a shape, a scenario, faults recorded earlier (a link).
    pub fn from_spec(spec: RunSpec) -> UiState {
        UiState::from_spec_or(spec, |e| format!("Cannot start this ensemble: {e}."))
    }

    /// [`UiState::from_spec`], with the words for a spec the session refuses.
    pub fn from_spec_or(spec: RunSpec, refusal: impl FnOnce(&SessionError) -> String) -> UiState {
        let (seed, voters, observers) = (spec.seed, spec.voters, spec.observers);
        let run = match Session::new(spec) {
            Ok(session) => Run::Running {
                session: Rc::new(RefCell::new(session)),
            },
            Err(e) => Run::Failed {
                message: refusal(&e),
            },
        };
        UiState {
            run,
            version: 0,
            seed,
            voters,
            observers,
            display_ms: 0.0,
            playing: false,
            hidden: false,
            speed: Speed::DEFAULT,
            selected: None,
            selected_msg: None,
            scrubbing: false,
            log_filter: None,
            log_kinds: LogKinds::ALL,
            help_open: false,
            travel: Default::default(),
            building: None,
            refused: None,
            key_paused: false,
            key_stops: true,
            tour: None,
            tour_offer: false,
            searched_clean: None,
        }
    }

    /// A state that shows an error message (e.g. a bad URL) instead of a run.
    pub fn failed(message: String, params: RunParams) -> UiState {
        UiState {
            run: Run::Failed { message },
            ..UiState::new(params.seed.unwrap_or(0), params.voters, params.observers)
        }
    }

    /// The simulation at the current position, for building view-models. `None` when the
    /// run failed to start. Its own log buffer is empty: read the log from `session()`.
    pub fn sim(&self) -> Option<Ref<'_, Simulation>> {
        self.session().map(|s| Ref::map(s, Session::sim))
    }

    /// The session: the simulation, its event log, checkpoints and the injected faults.
    pub fn session(&self) -> Option<Ref<'_, Session>> {
        match &self.run {
            Run::Running { session } => Some(session.borrow()),
            Run::Failed { .. } => None,
        }
    }

    /// The scenario the run follows, if any.
    pub fn scenario(&self) -> Option<sim::scenario::Scenario> {
        self.session().and_then(|s| s.spec().scenario)
    }

    /// The real ZooKeeper bug this run replays (`sim::bugs`), and whether it runs on the fixed
    /// release: the run's spec is that bug's script, as the bug picker opened it.
    pub fn bug(&self) -> Option<(&'static sim::bugs::Bug, bool)> {
        let s = self.session()?;
        let spec = s.spec();
        sim::bugs::BUGS
            .iter()
            // Called every render: only a bug whose seed and shape match builds its specs.
            .filter(|b| b.seed() == spec.seed && b.voters() == spec.voters)
            .find_map(|b| {
                if *spec == b.spec(false) {
                    Some((b, false))
                } else if *spec == b.spec(true) {
                    Some((b, true))
                } else {
                    None
                }
            })
    }

    /// The ZooKeeper release the run's servers follow.
    pub fn zk(&self) -> zab::ZkVersion {
        self.session().map(|s| s.spec().zk).unwrap_or_default()
    }

    pub fn error(&self) -> Option<&str> {
        match &self.run {
            Run::Running { .. } => None,
            Run::Failed { message } => Some(message),
        }
    }

    /// Whether the animation-frame driver should run.
    pub fn wants_frames(&self) -> bool {
        (self.playing || self.building.is_some()) && !self.hidden && self.error().is_none()
    }

    pub fn params(&self) -> RunParams {
        RunParams {
            seed: Some(self.seed),
            voters: self.voters,
            observers: self.observers,
            at_ms: None,
            play: false,
        }
    }

    /// Open the run paused at `at_ms`: every event due by then has run (a link's `t`).
    pub fn starting_at(mut self, at_ms: u64) -> UiState {
        if let Run::Running { session } = &self.run {
            session.borrow_mut().run_until(Time(at_ms));
            self.display_ms = at_ms as f64;
            self.version += 1;
        }
        self
    }

    /// The reducer's body: plain Rust, tested natively.
    pub fn apply(&mut self, action: Action) {
        let ticking = matches!(action, Action::Tick { .. });
        // How long the log was before this tick: play stops at the key moment only when this
        // tick carried it past the moment (a run opened, or sought, beyond it plays on).
        let len_before = if ticking {
            self.session().map(|s| s.log().len() as u64)
        } else {
            None
        };
        let pos_before = ticking
            .then(|| self.session().map(|s| s.position()))
            .flatten();
        match action {
            Action::Tick { dt_ms } => self.tick(dt_ms),
            Action::Step => self.step(),
            Action::Play => match &mut self.building {
                Some(b) => b.play_after = true,
                None => self.playing = self.error().is_none(),
            },
            Action::Pause => {
                self.playing = false;
                if let Some(b) = &mut self.building {
                    b.play_after = false;
                }
            }
            Action::SetSpeed(s) => self.speed = s,
            Action::Reset {
                seed,
                voters,
                observers,
            } => {
                // A scenario's run starts over as that scenario while the shape is its own.
                // The same release as before.
                let spec = match self.scenario() {
                    Some(s) if s.shape() == (voters, observers) => RunSpec::with_scenario(seed, s),
                    _ => RunSpec::new(seed, voters, observers),
                }
                .with_zk(self.zk());
                *self = UiState {
                    speed: self.speed,
                    hidden: self.hidden,
                    key_stops: self.key_stops,
                    version: self.version + 1,
                    ..UiState::from_spec(spec)
                };
            }
            Action::Act(a) => self.fault(a),
            Action::Undo => self.undo(),
            Action::Select(sid) => self.selected = sid,
            Action::SelectMessage(m) => self.selected_msg = m,
            Action::Scrubbing(held) => self.scrubbing = held,
            Action::FilterLog(sid) => self.log_filter = sid,
            Action::SetHidden(hidden) => self.hidden = hidden,
            Action::Key(cmd) => self.key(cmd),
            Action::SetLogKinds(kinds) => self.log_kinds = kinds,
            Action::ShowHelp(open) => self.help_open = open,
            Action::Travel(a) => self.travel(a),
            Action::Tour(a) => self.tour_action(a),
        }
        // Time travel: keep the timeline's index in step with whatever the action did.
        self.sync_travel();
        if let Some(pos_before) = pos_before {
            self.pause_at_violation(pos_before);
        }
        if let Some(len_before) = len_before {
            self.pause_at_key_moment(len_before);
        }
    }

    /// A shortcut means what the matching button would do now; one that does not apply
    /// (crash with nothing selected, restart a running server) does nothing.
    fn key(&mut self, cmd: KeyCommand) {
        let selected_up = self
            .selected
            .map(|sid| self.sim().is_some_and(|s| s.peer(sid).is_some()));
        let action = match cmd {
            KeyCommand::TogglePlay if self.playing => Action::Pause,
            KeyCommand::TogglePlay => Action::Play,
            KeyCommand::Step => Action::Step,
            KeyCommand::Forward if self.tour.is_some() => Action::Tour(TourAction::Next),
            KeyCommand::Forward => Action::Step,
            KeyCommand::Back if self.tour.is_some() => Action::Tour(TourAction::Back),
            KeyCommand::Back => Action::Travel(TravelAction::StepBack),
            KeyCommand::PhaseBack => Action::Travel(TravelAction::PhaseBack),
            KeyCommand::PhaseForward => Action::Travel(TravelAction::PhaseForward),
            KeyCommand::Home => Action::Travel(TravelAction::SeekTo(0)),
            KeyCommand::End => match self.session() {
                Some(s) => Action::Travel(TravelAction::SeekTo(s.explored())),
                None => return,
            },
            KeyCommand::Faster => Action::SetSpeed(Speed::clamped(self.speed.0 + SPEED_KEY_STEP)),
            KeyCommand::Slower => Action::SetSpeed(Speed::clamped(self.speed.0 - SPEED_KEY_STEP)),
            KeyCommand::CrashSelected => match (self.selected, selected_up) {
                (Some(sid), Some(true)) => Action::Act(UserAction::Crash(sid)),
                _ => return,
            },
            KeyCommand::RestartSelected => match (self.selected, selected_up) {
                (Some(sid), Some(false)) => Action::Act(UserAction::Restart(sid)),
                _ => return,
            },
            KeyCommand::WriteSelected => match (self.selected, selected_up) {
                (Some(sid), Some(true)) => Action::Act(UserAction::Write(sid)),
                _ => return,
            },
            KeyCommand::PauseSelected => match (self.selected, selected_up) {
                (Some(sid), Some(true)) => {
                    let paused = self.sim().is_some_and(|s| s.is_paused(sid));
                    Action::Act(if paused {
                        UserAction::Resume(sid)
                    } else {
                        UserAction::Pause(sid)
                    })
                }
                _ => return,
            },
            KeyCommand::ConnectSelected => match self.selected {
                Some(sid) => Action::Act(UserAction::Connect(sid)),
                None => return,
            },
            KeyCommand::Undo => Action::Undo,
            KeyCommand::Escape if self.help_open => Action::ShowHelp(false),
            KeyCommand::Escape if self.tour.is_some() => Action::Tour(TourAction::Close),
            KeyCommand::Escape if self.selected_msg.is_some() => Action::SelectMessage(None),
            KeyCommand::Escape => Action::Select(None),
            KeyCommand::ToggleHelp => Action::ShowHelp(!self.help_open),
        };
        self.apply(action);
    }

    fn tick(&mut self, dt_ms: f64) {
        if self.building.is_some() {
            self.build_frame();
            return;
        }
        let Run::Running { session } = &self.run else {
            return;
        };
        // `dt_ms > 0.0` is false for NaN too: a bad frame time never moves the clock.
        let forward = dt_ms > 0.0;
        if !self.playing || !forward {
            return;
        }
        let mut session = session.borrow_mut();
        let target = self.display_ms + dt_ms * self.speed.factor();
        let mut ran = 0;
        while ran < MAX_EVENTS_PER_TICK {
            match session.sim().next_event_time() {
                Some(t) if (t.0 as f64) <= target => {
                    session.step();
                    self.travel.note(&session);
                    ran += 1;
                }
                _ => break,
            }
        }
        let sim = session.sim();
        let behind = sim
            .next_event_time()
            .is_some_and(|t| (t.0 as f64) <= target);
        // When the frame's budget ran out, the clock waits for the events it has not run.
        self.display_ms = if behind { sim.now().0 as f64 } else { target };
        let finished = sim.next_event_time().is_none();
        drop(session);
        if ran > 0 {
            self.version += 1;
        }
        if finished {
            // Nothing can happen any more: stop asking for frames.
            self.playing = false;
        }
    }

    fn step(&mut self) {
        let Run::Running { session } = &self.run else {
            return;
        };
        let mut session = session.borrow_mut();
        if session.step() {
            self.display_ms = session.sim().now().0 as f64;
            drop(session);
            self.version += 1;
        }
    }

    fn undo(&mut self) {
        let Run::Running { session } = &self.run else {
            return;
        };
        let mut session = session.borrow_mut();
        if session.undo().is_some() {
            self.display_ms = session.sim().now().0 as f64;
            self.refused = None;
            self.playing = false;
            drop(session);
            self.version += 1;
        }
    }

    /// The last fault Undo would take back, in words.
    pub fn undoable(&self) -> Option<String> {
        let s = self.session()?;
        s.last_action().map(|(_, a)| describe::user_action(a))
    }

    /// Apply a fault at the display clock: bring the world to that time, act there (recorded
    /// in the session, so a link reproduces it), and run anything else due at that instant.
    fn fault(&mut self, action: UserAction) {
        let Run::Running { session } = &self.run else {
            return;
        };
        let mut session = session.borrow_mut();
        let at = Time((self.display_ms.floor() as u64).max(session.sim().now().0));
        session.run_until(at);
        // A fault that would do nothing (restart a running server, drop a message that has
        // arrived) is refused by the session and changes nothing; the page says why.
        self.refused = session.act(action).err().map(|e| e.to_string());
        session.run_until(at);
        drop(session);
        self.display_ms = self.display_ms.max(at.0 as f64);
        self.version += 1;
    }
}

impl yew::Reducible for UiState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = Rc::unwrap_or_clone(self);
        next.apply(action);
        Rc::new(next)
    }
}

mod tour;
mod travel;

pub use tour::{first_visit, TourAction, TourState, FIRST_VISIT_SPEED};
pub use travel::{state_for_link, state_for_query};

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tour_tests;
#[cfg(test)]
mod travel_tests;
