//! A run people can rewind, fork and share: the spec that determines it (seed, shape or
//! scenario, and the faults a person injected, each at the step it happened), checkpoints
//! every [`CHECKPOINT_EVERY`] events, and the one master event log.
//!
//! Seeking restores the nearest checkpoint and replays deterministically; acting in the past
//! forks the run there (the explored future is dropped and the UI says so).
//!
//! A checkpoint is a `Simulation::clone()`, which shares structure with the live world (the
//! databases and disks are persistent collections, see `zab::zk_database`), so a checkpoint
//! costs what changed since the one before and memory grows linearly with the run.
//!
//! Every action is checked when the run first reaches it: one that would change nothing or
//! contradicts the run (`r1` while server 1 runs, `h` with nothing partitioned, a second `c2`,
//! dropping a message that is not in flight) is refused with an [`ActionError`], by
//! [`Session::act`] and, for the actions of a spec, by [`Session::new`].

pub(crate) mod action_error;
mod live_checks;
mod user_action;

pub use action_error::{ActionError, ActionRefusal, SessionError};
pub use live_checks::{LiveChecks, Violation};
use user_action::between;
pub use user_action::{UserAction, MAX_DELAY_MS};

use crate::scenario::Scenario;
use crate::trace::LogEntry;
use crate::{SimOptions, Simulation};
use zab::config::{BugSwitches, ConfigError};
use zab::output::Channel;
use zab::{Sid, Time, ZkVersion};

/// A checkpoint every this many events, to begin with.
pub const CHECKPOINT_EVERY: u64 = 1_000;
/// At most this many checkpoints are kept: when a run outgrows them, the spacing doubles and
/// every other one goes. Memory for checkpoints then stays bounded however long the run, and
/// a seek replays at most `spacing` events (4 000 at a million, under 5 ms natively).
#[cfg(not(test))]
pub const MAX_CHECKPOINTS: usize = 256;
/// The unit tests thin after a few checkpoints, so a short run exercises it.
#[cfg(test)]
pub const MAX_CHECKPOINTS: usize = 8;

/// The largest seed: 2^53 − 1. Seeds travel in links and trace files read by JavaScript, whose
/// numbers hold integers exactly only up to here, so a larger seed would name another run.
pub const MAX_SEED: u64 = (1 << 53) - 1;

/// The longest run a spec or a trace file may describe, in events. It bounds the work an
/// imported trace or a link can ask for: `Session::new` replays up to the last action, and
/// `read_trace` up to the header's `steps`.
pub const MAX_TRACE_STEPS: u64 = 2_000_000;

/// Everything that determines a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunSpec {
    pub seed: u64,
    pub voters: u32,
    pub observers: u32,
    pub scenario: Option<Scenario>,
    /// (step, action): applied once `step` events have run, in step order.
    pub actions: Vec<(u64, UserAction)>,
    /// The ZooKeeper release the servers follow (§12 of docs/protocol.md).
    pub zk: ZkVersion,
    /// Clients added at a time, each connecting to a server and holding a session with an
    /// ephemeral `/client-N` (§13; `zabsim run --client SID@MS`). Not carried by trace files
    /// or links yet.
    pub clients: Vec<(Time, Sid)>,
    /// Historical bugs switched back on (`zab::config::BugSwitches`; all off by default). Not
    /// carried by trace files or links: a run with a switch on is a native replay
    /// (`sim::bugs`, `zabsim bugs run`), and every shared run has them off.
    pub bugs: BugSwitches,
}

impl RunSpec {
    pub fn new(seed: u64, voters: u32, observers: u32) -> RunSpec {
        RunSpec {
            seed,
            voters,
            observers,
            scenario: None,
            actions: Vec::new(),
            zk: ZkVersion::default(),
            clients: Vec::new(),
            bugs: BugSwitches::default(),
        }
    }

    pub fn with_scenario(seed: u64, scenario: Scenario) -> RunSpec {
        let (voters, observers) = scenario.shape();
        RunSpec {
            seed,
            voters,
            observers,
            scenario: Some(scenario),
            actions: Vec::new(),
            zk: ZkVersion::default(),
            clients: Vec::new(),
            bugs: BugSwitches::default(),
        }
    }

    /// The same run under another ZooKeeper version profile.
    pub fn with_zk(mut self, zk: ZkVersion) -> RunSpec {
        self.zk = zk;
        self
    }

    /// A fresh simulation at step 0.
    pub fn build(&self) -> Result<Simulation, ConfigError> {
        let mut sim = match self.scenario {
            Some(s) => s.build_with_bugs(self.seed, self.zk, self.bugs),
            None => {
                let mut options = SimOptions::new(self.seed, self.voters, self.observers)?;
                options.config.zk = self.zk;
                options.config.bugs = self.bugs;
                Simulation::new(options)?
            }
        };
        for (i, (at, sid)) in self.clients.iter().enumerate() {
            let n = i + 1 + sim.clients().count();
            sim.add_client_at(
                *at,
                crate::clients::ClientSpec {
                    ops: vec![crate::clients::ClientOp::ephemeral(
                        &format!("/client-{n}"),
                        "alive",
                    )],
                    ..crate::clients::ClientSpec::at(*sid)
                },
            );
        }
        Ok(sim)
    }

    /// What can be checked without running: the seed, the scenario's shape, and each action's
    /// parameters and step (see [`RunSpec::check_actions`]).
    pub fn check(&self) -> Result<(), SessionError> {
        if self.seed > MAX_SEED {
            return Err(SessionError::Seed { seed: self.seed });
        }
        if let Some(scenario) = self.scenario {
            if scenario.shape() != (self.voters, self.observers) {
                return Err(SessionError::Shape {
                    scenario,
                    voters: self.voters,
                    observers: self.observers,
                });
            }
        }
        self.check_actions().map_err(SessionError::Action)
    }

    /// The actions' static checks: each names servers of this ensemble, partitions or breaks
    /// two different servers, delays by 1..=[`MAX_DELAY_MS`], and comes at a step no earlier
    /// than the one before and no later than [`MAX_TRACE_STEPS`].
    pub fn check_actions(&self) -> Result<(), ActionError> {
        // u64: voters + observers of a hostile trace header must not overflow.
        let servers = u64::from(self.voters) + u64::from(self.observers);
        let mut previous = 0;
        for (step, action) in &self.actions {
            let refusal = if *step > MAX_TRACE_STEPS {
                Some(ActionRefusal::StepBeyondLimit)
            } else if *step < previous {
                Some(ActionRefusal::OutOfOrder { previous })
            } else {
                action.static_refusal(servers)
            };
            if let Some(why) = refusal {
                return Err(ActionError {
                    step: *step,
                    action: action.clone(),
                    why,
                });
            }
            previous = *step;
        }
        Ok(())
    }

    /// [`RunSpec::check_actions`] as a sentence (the app's link parser shows it).
    pub fn validate_actions(&self) -> Result<(), String> {
        self.check_actions().map_err(|e| e.to_string())
    }
}

/// A run with its past: the current state, checkpoints, and the master log.
#[derive(Clone, Debug)]
pub struct Session {
    spec: RunSpec,
    sim: Simulation,
    /// Every entry ever produced on this timeline (possibly beyond the current position).
    log: Vec<LogEntry>,
    /// The state after a step's actions, ascending; the first is step 0.
    checkpoints: Vec<Checkpoint>,
    /// The steps between checkpoints: [`CHECKPOINT_EVERY`], doubled each time the run
    /// outgrows [`MAX_CHECKPOINTS`].
    spacing: u64,
    /// The furthest step this timeline has reached. Every action of the spec is at or before
    /// it, and was checked when the run reached it.
    explored: u64,
    /// The safety checks, run at the frontier of exploration.
    checks: LiveChecks,
}

/// A state a seek can replay from, with the live checks as they stood there.
#[derive(Clone, Debug)]
struct Checkpoint {
    step: u64,
    /// With an empty log buffer.
    sim: Simulation,
    checks: LiveChecks,
}

impl Session {
    /// Build the run and check its spec: the static checks of [`RunSpec::check`], then a
    /// replay up to the last action's step (at most [`MAX_TRACE_STEPS`] events) that checks
    /// each action against the state it meets, as [`Session::act`] would. On success the
    /// session stands at step 0 with that span explored and checkpointed, so seeking into it
    /// is cheap; otherwise the error names the first action refused, its step and why.
    pub fn new(spec: RunSpec) -> Result<Session, SessionError> {
        let mut session = Session::start(spec)?;
        let last = session.spec.actions.last().map_or(0, |(s, _)| *s);
        while session.position() < last {
            if !session.advance()? {
                let (step, action) = session
                    .spec
                    .actions
                    .iter()
                    .find(|(s, _)| *s > session.position())
                    .cloned()
                    .expect("an action lies beyond the position");
                return Err(SessionError::Action(ActionError {
                    step,
                    action,
                    why: ActionRefusal::RunEnded {
                        at: session.position(),
                    },
                }));
            }
        }
        session.seek(0);
        Ok(session)
    }

    /// The session at step 0 after the static checks and step 0's actions; the caller explores
    /// on with [`Session::advance`] (`Session::new` to the last action, `read_trace` entry by
    /// entry).
    pub(crate) fn start(spec: RunSpec) -> Result<Session, SessionError> {
        spec.check()?;
        let mut sim = spec.build().map_err(SessionError::Config)?;
        let log = sim.drain_log();
        let mut session = Session {
            spec,
            sim,
            log,
            checkpoints: Vec::new(),
            spacing: CHECKPOINT_EVERY,
            explored: 0,
            checks: LiveChecks::default(),
        };
        session.apply_due_actions()?;
        let n = session.log.len();
        session.checks.here(&session.sim, &session.log[..n], 0);
        // After step 0's actions: a checkpoint is the state its replay continues from.
        session.push_checkpoint(0);
        Ok(session)
    }

    pub fn spec(&self) -> &RunSpec {
        &self.spec
    }

    /// The state at the current position.
    pub fn sim(&self) -> &Simulation {
        &self.sim
    }

    pub fn position(&self) -> u64 {
        self.sim.steps()
    }

    pub fn explored(&self) -> u64 {
        self.explored
    }

    /// The live safety checks: how far they reached and the first violation, if any.
    pub fn checks(&self) -> &LiveChecks {
        &self.checks
    }

    /// The log up to the current position.
    pub fn log(&self) -> &[LogEntry] {
        let n = (self.sim.log_len() as usize).min(self.log.len());
        &self.log[..n]
    }

    /// Everything explored on this timeline, including what lies after the position.
    pub fn full_log(&self) -> &[LogEntry] {
        &self.log
    }

    pub fn trace_hash(&self) -> u64 {
        crate::trace::trace_hash(self.log())
    }

    /// Apply the spec's actions at the current step, checking each against the state it meets.
    /// The actions are in step order, so the due ones are found by binary search: the cost
    /// per event does not grow with the number of actions injected.
    fn apply_due_actions(&mut self) -> Result<(), ActionError> {
        let step = self.sim.steps();
        let actions = &self.spec.actions;
        let from = actions.partition_point(|(s, _)| *s < step);
        let to = from + actions[from..].partition_point(|(s, _)| *s == step);
        for i in from..to {
            let action = &self.spec.actions[i].1;
            if let Some(why) = action.refusal(&self.sim) {
                return Err(ActionError {
                    step,
                    action: action.clone(),
                    why,
                });
            }
            action.apply(&mut self.sim, step);
        }
        self.absorb_log();
        Ok(())
    }

    fn absorb_log(&mut self) {
        for entry in self.sim.drain_log() {
            let i = entry.index as usize;
            if i == self.log.len() {
                self.log.push(entry);
            } else {
                debug_assert_eq!(self.log.get(i), Some(&entry), "replay diverged at {i}");
            }
        }
    }

    /// Run one event and the actions due after it, checkpointing new ground. Returns false
    /// when nothing is left to happen; an error when a due action is refused (only on ground
    /// not explored before: a replay meets the same state as the first run did).
    pub(crate) fn advance(&mut self) -> Result<bool, ActionError> {
        let from = self.sim.log_len();
        if !self.sim.step() {
            return Ok(false);
        }
        let step = self.sim.steps();
        self.apply_due_actions()?;
        if step > self.explored {
            self.explored = step;
        }
        let to = (self.sim.log_len() as usize).min(self.log.len());
        let entries = &self.log[(from as usize).min(to)..to];
        self.checks.step(&self.sim, step, entries, from);
        if step.is_multiple_of(self.spacing)
            && self.checkpoints.last().is_some_and(|c| c.step < step)
        {
            self.push_checkpoint(step);
        }
        Ok(true)
    }

    /// Run one event. Returns false when nothing is left to happen.
    pub fn step(&mut self) -> bool {
        self.advance()
            .expect("every action of the spec was checked when the run first reached it")
    }

    /// Run every event due at or before `until`.
    pub fn run_until(&mut self, until: Time) {
        while self.sim.next_event_time().is_some_and(|t| t <= until) {
            if !self.step() {
                break;
            }
        }
    }

    /// Go to `steps` events from the start: back by restoring a checkpoint and replaying.
    pub fn seek(&mut self, steps: u64) {
        // The nearest checkpoint at or before the target, when it beats where we stand (going
        // back, or far ahead into explored ground).
        let at = self.checkpoints.partition_point(|c| c.step <= steps);
        let cp = &self.checkpoints[at.saturating_sub(1)];
        if steps < self.sim.steps() || cp.step > self.sim.steps() {
            self.sim = cp.sim.clone();
        }
        while self.sim.steps() < steps {
            if !self.step() {
                break;
            }
        }
    }

    /// Act now. Returns true when this forked the run (it was in the past): the explored
    /// future and the actions after this step are gone. An action that would change nothing
    /// or contradicts the state here is refused, and then nothing changes.
    pub fn act(&mut self, action: UserAction) -> Result<bool, ActionError> {
        let step = self.sim.steps();
        let refusal = if step > MAX_TRACE_STEPS {
            Some(ActionRefusal::StepBeyondLimit)
        } else {
            action.refusal(&self.sim)
        };
        if let Some(why) = refusal {
            return Err(ActionError { step, action, why });
        }
        let forked = step < self.explored;
        if forked {
            // The checks saw the future being dropped: take them back to this step first.
            self.recheck_to_here();
            // The actions at this step were applied on the way here: they stay, before it.
            let keep = self.spec.actions.partition_point(|(s, _)| *s <= step);
            self.spec.actions.truncate(keep);
            self.log.truncate(self.sim.log_len() as usize);
            self.explored = step;
        }
        // Later checkpoints are a dropped future; one at this step predates this action.
        self.checkpoints.retain(|c| c.step < step);
        self.spec.actions.push((step, action.clone()));
        let from = self.sim.log_len();
        action.apply(&mut self.sim, step);
        self.absorb_log();
        let to = (self.sim.log_len() as usize).min(self.log.len());
        self.checks
            .here(&self.sim, &self.log[(from as usize).min(to)..to], from);
        if step.is_multiple_of(self.spacing) {
            self.push_checkpoint(step);
        }
        Ok(forked)
    }

    /// The last action at or before the position, which [`Session::undo`] would take back.
    pub fn last_action(&self) -> Option<&(u64, UserAction)> {
        let pos = self.sim.steps();
        let k = self.spec.actions.partition_point(|(s, _)| *s <= pos);
        k.checked_sub(1).and_then(|i| self.spec.actions.get(i))
    }

    /// Take back the last action at or before the position: stand just before it, as if it
    /// had never happened (it and the explored future after it are dropped, as a fork drops
    /// them). Returns what was undone.
    pub fn undo(&mut self) -> Option<(u64, UserAction)> {
        let pos = self.sim.steps();
        let k = self.spec.actions.partition_point(|(s, _)| *s <= pos);
        let undone = self.spec.actions.get(k.checked_sub(1)?)?.clone();
        let step = undone.0;
        self.spec.actions.truncate(k - 1);
        // A checkpoint at `step` holds the state after that step's actions: keep only earlier
        // ones. Step 0's checkpoint is rebuilt when an action at step 0 goes.
        self.checkpoints.retain(|c| c.step < step);
        if self.checkpoints.is_empty() {
            let mut sim = self.spec.build().expect("the spec built this session");
            self.log = sim.drain_log();
            self.sim = sim;
            self.explored = 0;
            self.checks = LiveChecks::default();
            self.apply_due_actions()
                .expect("the remaining actions were checked when first applied");
            let n = self.log.len();
            self.checks.here(&self.sim, &self.log[..n], 0);
            self.push_checkpoint(0);
        } else {
            let cp = self.checkpoints.last().expect("checked non-empty").clone();
            self.sim = cp.sim;
            self.checks = cp.checks;
            self.log.truncate(self.sim.log_len() as usize);
            self.explored = cp.step;
        }
        while self.sim.steps() < step {
            if !self.step() {
                break;
            }
        }
        self.explored = self.sim.steps();
        Some(undone)
    }

    /// Keep the state at `step`, thinning the checkpoints when there are too many.
    fn push_checkpoint(&mut self, step: u64) {
        self.checkpoints.push(Checkpoint {
            step,
            sim: self.sim.clone(),
            checks: self.checks.clone(),
        });
        if self.checkpoints.len() > MAX_CHECKPOINTS {
            self.spacing *= 2;
            let spacing = self.spacing;
            self.checkpoints.retain(|c| c.step.is_multiple_of(spacing));
        }
    }

    /// Bring the live checks back to the position, when they have run ahead of it (they follow
    /// exploration): restore the checks of the nearest checkpoint at or before it, and replay
    /// from there checking each step again. Costs at most `spacing` events, as a seek does.
    fn recheck_to_here(&mut self) {
        let step = self.sim.steps();
        if self.checks.checked() <= step {
            return;
        }
        let at = self.checkpoints.partition_point(|c| c.step <= step);
        let cp = self.checkpoints[at.saturating_sub(1)].clone();
        self.sim = cp.sim;
        self.checks = cp.checks;
        while self.sim.steps() < step {
            if !self.step() {
                break;
            }
        }
        debug_assert_eq!(
            self.sim.steps(),
            step,
            "the replay reaches the position again"
        );
    }

    /// How many checkpoints the session keeps, and their spacing in events.
    pub fn checkpoints(&self) -> (usize, u64) {
        (self.checkpoints.len(), self.spacing)
    }

    /// The connections between two servers, for the Break action's UI.
    pub fn connections_between(&self, a: Sid, b: Sid) -> Vec<Channel> {
        self.sim
            .connections()
            .filter(|c| between(c.initiator, c.acceptor, a, b))
            .map(|c| c.channel)
            .collect()
    }
}

#[cfg(test)]
mod tests;
