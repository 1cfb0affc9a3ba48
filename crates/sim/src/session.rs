//! A run people can rewind, fork and share: the spec that determines it (seed, shape or
//! scenario, and the faults a person injected, each at the step it happened), checkpoints
//! every [`CHECKPOINT_EVERY`] events, and the one master event log.
//!
//! Seeking restores the nearest checkpoint and replays deterministically; acting in the past
//! forks the run there (the explored future is dropped and the UI says so).

use crate::scenario::Scenario;
use crate::trace::{LogEntry, MsgId};
use crate::{SimOptions, Simulation};
use core::fmt;
use zab::config::ConfigError;
use zab::output::Channel;
use zab::zk_database::TxnOp;
use zab::{Sid, Time};

/// A checkpoint every this many events.
pub const CHECKPOINT_EVERY: u64 = 1_000;

/// Something a person did to the run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UserAction {
    Crash(Sid),
    Restart(Sid),
    Partition {
        from: Sid,
        to: Sid,
        one_way: bool,
    },
    Heal,
    /// Break every connection between two servers (both channels).
    Break {
        a: Sid,
        b: Sid,
    },
    Drop(MsgId),
    Delay {
        msg: MsgId,
        extra_ms: u64,
    },
    /// A client write at a server: `create /w<step>` (or setData if it exists) = `v<step>`.
    Write(Sid),
}

impl UserAction {
    /// The compact form used in links: `c3`, `r3`, `p1-2`, `o1-2`, `h`, `b1-2`, `d17`,
    /// `l17+500`, `w3`.
    pub fn code(&self) -> String {
        match self {
            UserAction::Crash(s) => format!("c{s}"),
            UserAction::Restart(s) => format!("r{s}"),
            UserAction::Partition {
                from,
                to,
                one_way: false,
            } => format!("p{from}-{to}"),
            UserAction::Partition {
                from,
                to,
                one_way: true,
            } => format!("o{from}-{to}"),
            UserAction::Heal => "h".to_string(),
            UserAction::Break { a, b } => format!("b{a}-{b}"),
            UserAction::Drop(m) => format!("d{}", m.0),
            UserAction::Delay { msg, extra_ms } => format!("l{}+{extra_ms}", msg.0),
            UserAction::Write(s) => format!("w{s}"),
        }
    }

    pub fn parse(code: &str) -> Option<UserAction> {
        let pair = |r: &str| -> Option<(Sid, Sid)> {
            let (a, b) = r.split_once('-')?;
            Some((Sid(a.parse().ok()?), Sid(b.parse().ok()?)))
        };
        let (head, rest) = code.split_at(code.char_indices().nth(1).map_or(code.len(), |(i, _)| i));
        Some(match head {
            "c" => UserAction::Crash(Sid(rest.parse().ok()?)),
            "r" => UserAction::Restart(Sid(rest.parse().ok()?)),
            "w" => UserAction::Write(Sid(rest.parse().ok()?)),
            "p" | "o" => {
                let (from, to) = pair(rest)?;
                UserAction::Partition {
                    from,
                    to,
                    one_way: head == "o",
                }
            }
            "b" => {
                let (a, b) = pair(rest)?;
                UserAction::Break { a, b }
            }
            "h" if rest.is_empty() => UserAction::Heal,
            "d" => UserAction::Drop(MsgId(rest.parse().ok()?)),
            "l" => {
                let (m, ms) = rest.split_once('+')?;
                UserAction::Delay {
                    msg: MsgId(m.parse().ok()?),
                    extra_ms: ms.parse().ok()?,
                }
            }
            _ => return None,
        })
    }

    fn sids(&self) -> Vec<Sid> {
        match self {
            UserAction::Crash(s) | UserAction::Restart(s) | UserAction::Write(s) => vec![*s],
            UserAction::Partition { from, to, .. } => vec![*from, *to],
            UserAction::Break { a, b } => vec![*a, *b],
            _ => vec![],
        }
    }

    fn apply(&self, sim: &mut Simulation, step: u64) {
        match self {
            UserAction::Crash(s) => sim.crash(*s),
            UserAction::Restart(s) => sim.restart(*s),
            UserAction::Partition { from, to, one_way } => sim.partition(*from, *to, *one_way),
            UserAction::Heal => sim.heal(),
            UserAction::Break { a, b } => {
                let conns: Vec<_> = sim
                    .connections()
                    .filter(|c| {
                        (c.initiator, c.acceptor) == (*a, *b)
                            || (c.initiator, c.acceptor) == (*b, *a)
                    })
                    .map(|c| c.id)
                    .collect();
                for c in conns {
                    sim.break_connection(c);
                }
            }
            UserAction::Drop(m) => sim.drop_message(*m),
            UserAction::Delay { msg, extra_ms } => sim.delay_message(*msg, *extra_ms),
            UserAction::Write(s) => {
                let path = format!("/w{step}");
                sim.client_write(
                    *s,
                    TxnOp::Create {
                        path,
                        data: format!("v{step}"),
                    },
                );
            }
        }
    }
}

impl fmt::Display for UserAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UserAction::Crash(s) => write!(f, "crash {s}"),
            UserAction::Restart(s) => write!(f, "restart {s}"),
            UserAction::Partition {
                from,
                to,
                one_way: false,
            } => write!(f, "partition {from} ↮ {to}"),
            UserAction::Partition {
                from,
                to,
                one_way: true,
            } => write!(f, "partition {from} ↛ {to}"),
            UserAction::Heal => f.write_str("heal"),
            UserAction::Break { a, b } => write!(f, "break {a}–{b}"),
            UserAction::Drop(m) => write!(f, "drop message #{}", m.0),
            UserAction::Delay { msg, extra_ms } => {
                write!(f, "delay message #{} by {extra_ms} ms", msg.0)
            }
            UserAction::Write(s) => write!(f, "client write at {s}"),
        }
    }
}

/// Everything that determines a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunSpec {
    pub seed: u64,
    pub voters: u32,
    pub observers: u32,
    pub scenario: Option<Scenario>,
    /// (step, action): applied once `step` events have run.
    pub actions: Vec<(u64, UserAction)>,
}

impl RunSpec {
    pub fn new(seed: u64, voters: u32, observers: u32) -> RunSpec {
        RunSpec {
            seed,
            voters,
            observers,
            scenario: None,
            actions: Vec::new(),
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
        }
    }

    /// A fresh simulation at step 0.
    pub fn build(&self) -> Result<Simulation, ConfigError> {
        match self.scenario {
            Some(s) => Ok(s.build(self.seed)),
            None => Simulation::new(SimOptions::new(self.seed, self.voters, self.observers)?),
        }
    }

    /// Check that every action names a server of this ensemble.
    pub fn validate_actions(&self) -> Result<(), String> {
        let n = i64::from(self.voters + self.observers);
        for (step, a) in &self.actions {
            if let Some(s) = a.sids().into_iter().find(|s| s.0 < 1 || s.0 > n) {
                return Err(format!(
                    "`{}` at step {step} names server {s}, but the ensemble has servers 1..={n}",
                    a.code()
                ));
            }
        }
        Ok(())
    }
}

/// A run with its past: the current state, checkpoints, and the master log.
#[derive(Clone, Debug)]
pub struct Session {
    spec: RunSpec,
    sim: Simulation,
    /// Every entry ever produced on this timeline (possibly beyond the current position).
    log: Vec<LogEntry>,
    /// (steps, state with an empty log buffer), ascending; the first is step 0.
    checkpoints: Vec<(u64, Simulation)>,
    /// The furthest step this timeline has reached.
    explored: u64,
}

impl Session {
    pub fn new(spec: RunSpec) -> Result<Session, ConfigError> {
        let mut sim = spec.build()?;
        let mut log = sim.drain_log();
        let checkpoints = vec![(0, sim.clone())];
        let mut session = Session {
            spec,
            sim,
            log: Vec::new(),
            checkpoints,
            explored: 0,
        };
        session.log.append(&mut log);
        session.apply_due_actions();
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

    fn apply_due_actions(&mut self) {
        let step = self.sim.steps();
        let due: Vec<UserAction> = self
            .spec
            .actions
            .iter()
            .filter(|(s, _)| *s == step)
            .map(|(_, a)| a.clone())
            .collect();
        for a in due {
            a.apply(&mut self.sim, step);
        }
        self.absorb_log();
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

    /// Run one event. Returns false when nothing is left to happen.
    pub fn step(&mut self) -> bool {
        if !self.sim.step() {
            return false;
        }
        let step = self.sim.steps();
        self.apply_due_actions();
        if step > self.explored {
            self.explored = step;
        }
        if step.is_multiple_of(CHECKPOINT_EVERY)
            && self.checkpoints.last().is_some_and(|(s, _)| *s < step)
        {
            self.checkpoints.push((step, self.sim.clone()));
        }
        true
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
        let at = self.checkpoints.partition_point(|(s, _)| *s <= steps);
        let (cp_steps, cp) = &self.checkpoints[at.saturating_sub(1)];
        if steps < self.sim.steps() || *cp_steps > self.sim.steps() {
            self.sim = cp.clone();
        }
        while self.sim.steps() < steps {
            if !self.step() {
                break;
            }
        }
    }

    /// Act now. Returns true when this forked the run (it was in the past): the explored
    /// future and the actions after this point are gone.
    pub fn act(&mut self, action: UserAction) -> bool {
        let step = self.sim.steps();
        let forked = step < self.explored;
        if forked {
            self.spec.actions.retain(|(s, _)| *s < step);
            self.log.truncate(self.sim.log_len() as usize);
            self.checkpoints.retain(|(s, _)| *s <= step);
            self.explored = step;
        }
        self.spec.actions.push((step, action.clone()));
        action.apply(&mut self.sim, step);
        self.absorb_log();
        forked
    }

    /// The connections between two servers, for the Break action's UI.
    pub fn connections_between(&self, a: Sid, b: Sid) -> Vec<Channel> {
        self.sim
            .connections()
            .filter(|c| (c.initiator, c.acceptor) == (a, b) || (c.initiator, c.acceptor) == (b, a))
            .map(|c| c.channel)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_seek_back_and_forth_gives_the_same_state_as_live_play() {
        let mut live = Session::new(RunSpec::new(7, 5, 1)).expect("valid");
        live.run_until(Time(6_000));
        let end = live.position();
        let hash = live.trace_hash();
        let mut s = Session::new(RunSpec::new(7, 5, 1)).expect("valid");
        s.seek(end);
        s.seek(end / 3);
        s.seek(end);
        assert_eq!((s.position(), s.trace_hash()), (end, hash));
        s.seek(1234);
        let mut fresh = Session::new(RunSpec::new(7, 5, 1)).expect("valid");
        fresh.seek(1234);
        assert_eq!(s.trace_hash(), fresh.trace_hash());
        assert_eq!(s.log().len(), fresh.log().len());
    }

    #[test]
    fn test_acting_in_the_past_forks_and_the_spec_replays_it() {
        let mut s = Session::new(RunSpec::new(3, 3, 0)).expect("valid");
        s.run_until(Time(5_000));
        let pos = s.position() / 2;
        s.seek(pos);
        assert!(s.act(UserAction::Crash(Sid(3))), "acting in the past forks");
        s.run_until(Time(8_000));
        let replay = {
            let mut r = Session::new(s.spec().clone()).expect("valid");
            r.seek(s.position());
            r
        };
        assert_eq!(replay.trace_hash(), s.trace_hash());
        assert!(
            !s.act(UserAction::Restart(Sid(3))),
            "at the head it does not fork"
        );
    }

    #[test]
    fn test_action_codes_round_trip() {
        let all = [
            UserAction::Crash(Sid(3)),
            UserAction::Restart(Sid(1)),
            UserAction::Partition {
                from: Sid(1),
                to: Sid(2),
                one_way: false,
            },
            UserAction::Partition {
                from: Sid(2),
                to: Sid(5),
                one_way: true,
            },
            UserAction::Heal,
            UserAction::Break {
                a: Sid(1),
                b: Sid(3),
            },
            UserAction::Drop(MsgId(17)),
            UserAction::Delay {
                msg: MsgId(4),
                extra_ms: 500,
            },
            UserAction::Write(Sid(2)),
        ];
        for a in all {
            assert_eq!(
                UserAction::parse(&a.code()),
                Some(a.clone()),
                "{}",
                a.code()
            );
        }
        for bad in ["", "x1", "c", "cq", "p1", "p1-", "hh", "l3", "l3+x", "d-1"] {
            assert_eq!(UserAction::parse(bad), None, "{bad:?}");
        }
    }
}
