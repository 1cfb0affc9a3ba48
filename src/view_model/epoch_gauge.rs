//! The epoch wait on the leader, as a gauge: `Leader.lead()`'s three blocking waits in order,
//! the monitor the current one waits on with its set filling up, the quorum it needs (which
//! must include the leader itself), the deadline, and the `notifyAll` that ends each wait.
//!
//! ```text
//!   getEpochToPropose ──notifyAll──▶ waitForEpochAck ──notifyAll──▶ waitForNewLeaderAck ──▶ BROADCAST
//!   connectingFollowers              electingFollowers               newLeaderProposal
//!   (FOLLOWERINFO/LearnerInfo)       (ACKEPOCH)                      (ACK of NEWLEADER)
//!         │ deadline = start + initLimit × tickTime: on timeout lead() ends, back to LOOKING
//! ```
//!
//! Live parts (the set, the deadline, who waits) come from the leader's threads
//! (`ThreadView::blocked`); finished parts (when each `notifyAll` happened and whom it woke,
//! or why the leader gave up) come from the event log since the leader began to lead.

use crate::view_model::labels::countdown_text;
use crate::view_model::recent::MAX_SCAN;
use sim::{LogEntry, LogEvent, Simulation};
use zab::leader::LeadPhase;
use zab::peer::{Monitor, ServerState, ThreadId, Waiter};
use zab::reason::{Note, ShutdownReason};
use zab::{Epoch, Sid};

/// One of `Leader.lead()`'s blocking waits (docs/protocol.md §3.1 steps 6, 10, 13).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    GetEpochToPropose,
    WaitForEpochAck,
    WaitForNewLeaderAck,
}

impl Stage {
    pub const ALL: [Stage; 3] = [
        Stage::GetEpochToPropose,
        Stage::WaitForEpochAck,
        Stage::WaitForNewLeaderAck,
    ];

    pub fn method(self) -> &'static str {
        match self {
            Stage::GetEpochToPropose => "getEpochToPropose",
            Stage::WaitForEpochAck => "waitForEpochAck",
            Stage::WaitForNewLeaderAck => "waitForNewLeaderAck",
        }
    }

    /// The monitor this wait blocks on.
    pub fn monitor(self) -> Monitor {
        match self {
            Stage::GetEpochToPropose => Monitor::ConnectingFollowers,
            Stage::WaitForEpochAck => Monitor::ElectingFollowers,
            Stage::WaitForNewLeaderAck => Monitor::NewLeaderProposal,
        }
    }

    /// The monitor's Java name.
    pub fn monitor_name(self) -> &'static str {
        describe::monitor(self.monitor())
    }

    /// What fills the monitor's set.
    pub fn filled_by(self) -> &'static str {
        match self {
            Stage::GetEpochToPropose => "FOLLOWERINFO (LearnerInfo)",
            Stage::WaitForEpochAck => "ACKEPOCH",
            Stage::WaitForNewLeaderAck => "ACK of NEWLEADER",
        }
    }

    fn of_monitor(monitor: Monitor) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.monitor() == monitor)
    }

    fn of_phase(phase: LeadPhase) -> Option<Stage> {
        match phase {
            LeadPhase::GetEpochToPropose { .. } => Some(Stage::GetEpochToPropose),
            LeadPhase::WaitForEpochAck { .. } => Some(Stage::WaitForEpochAck),
            LeadPhase::WaitForNewLeaderAck { .. } => Some(Stage::WaitForNewLeaderAck),
            // startZkServer comes after the three waits: none of the gauge's stages.
            LeadPhase::StartZkServer { .. } | LeadPhase::Broadcast => None,
        }
    }
}

/// Where each wait stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StageState {
    /// Not reached yet.
    Pending,
    /// The leader waits in it now.
    Waiting,
    /// Its quorum formed: `notifyAll` at `at_ms` woke these threads.
    Done { at_ms: u64, woke: Vec<String> },
    /// The leader gave up in it (deadline passed, or lead() ended for another reason).
    Failed,
}

/// One voter's chip in the monitor's set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chip {
    pub sid: Sid,
    pub have: bool,
    /// The leader's own chip: the quorum must include it (`needs_self`).
    pub is_self: bool,
    /// The server's process runs (a crashed voter can never join the set).
    pub up: bool,
}

/// The wait in progress.
#[derive(Clone, Debug, PartialEq)]
pub struct ActiveWait {
    pub stage: Stage,
    /// Voters in order: the leader first, then those in the set, then the missing.
    pub chips: Vec<Chip>,
    pub have: usize,
    pub need: u32,
    pub deadline_ms: u64,
    /// `19.9 s` until the deadline.
    pub countdown: String,
    /// Fraction of the initLimit × tickTime wait left, 1 → 0.
    pub left: f64,
    /// The threads blocked on this monitor now.
    pub waiters: Vec<String>,
}

/// How the leader's discovery ended, if it has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Running,
    /// All three waits done: BROADCAST.
    Established,
    /// lead() ended before BROADCAST; the server went back to LOOKING (`reason` is `None`
    /// when the log of that lead() was not scanned).
    Failed {
        reason: Option<ShutdownReason>,
        at_ms: u64,
    },
}

/// The latest `notifyAll` of this leader's waits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotifyFlash {
    pub index: u64,
    pub monitor: String,
    pub woke: Vec<String>,
    pub at_ms: u64,
    /// It just happened (inside the highlight window): the view flashes it.
    pub fresh: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EpochGauge {
    pub leader: Sid,
    /// The epoch the leader proposes, once getEpochToPropose has settled it.
    pub epoch: Option<Epoch>,
    pub stages: Vec<(Stage, StageState)>,
    pub active: Option<ActiveWait>,
    pub last_notify: Option<NotifyFlash>,
    pub outcome: Outcome,
}

impl EpochGauge {
    /// The gauge for the leader that began to lead most recently, while it waits, for a
    /// moment after it reached BROADCAST (`linger_ms`), or after it gave up until another
    /// server leads. `None` when there is nothing to show.
    pub fn build(
        sim: &Simulation,
        log: &[LogEntry],
        display_ms: f64,
        fresh_ms: f64,
        linger_ms: f64,
    ) -> Option<EpochGauge> {
        let init_limit_ms = sim.options().config.init_limit_ms();
        let (leader, start) = newest_leader(sim, log)?;
        let history = History::read(&log[start..], leader);
        let peer = sim.peer(leader);
        let lead = peer.and_then(|p| p.leader());
        let leading = peer.is_some_and(|p| p.state() == ServerState::Leading);
        let live_stage = lead.and_then(|l| Stage::of_phase(l.phase));

        let outcome = match (leading, live_stage, &history.ended) {
            (true, Some(_), _) => Outcome::Running,
            (true, None, _) => Outcome::Established,
            (false, _, Some((reason, at_ms))) => Outcome::Failed {
                reason: reason.clone(),
                at_ms: *at_ms,
            },
            // Crashed while leading: the card says so; no gauge.
            (false, _, None) => return None,
        };
        if outcome == Outcome::Established {
            let since = history
                .done
                .iter()
                .find(|(s, _, _)| *s == Stage::WaitForNewLeaderAck)
                .map(|(_, at, _)| *at as f64)?;
            if display_ms - since > linger_ms {
                return None;
            }
        }

        // The wait it gave up in: the first one not done.
        let failed = matches!(outcome, Outcome::Failed { .. })
            .then(|| {
                Stage::ALL
                    .into_iter()
                    .find(|st| !history.done.iter().any(|(s, _, _)| s == st))
            })
            .flatten();
        let stages = Stage::ALL
            .into_iter()
            .map(|stage| {
                let done = history.done.iter().find(|(s, _, _)| *s == stage);
                let state = if let Some((_, at, woke)) = done {
                    StageState::Done {
                        at_ms: *at,
                        woke: woke.clone(),
                    }
                } else if live_stage == Some(stage) {
                    StageState::Waiting
                } else if failed == Some(stage) {
                    StageState::Failed
                } else {
                    StageState::Pending
                };
                (stage, state)
            })
            .collect();

        let active = live_stage.and_then(|stage| {
            let threads = peer?.threads();
            let lead_thread = threads
                .iter()
                .find(|t| t.thread == ThreadId::Lead)
                .and_then(|t| t.wait.as_ref())?;
            let have = &lead_thread.have;
            let mut chips: Vec<Chip> = sim
                .options()
                .config
                .voters()
                .map(|sid| Chip {
                    sid,
                    have: have.contains(&sid),
                    is_self: sid == leader,
                    up: sim.peer(sid).is_some(),
                })
                .collect();
            // The leader first, then the set as it fills, then the rest.
            chips.sort_by_key(|c| (!c.is_self, !c.have, c.sid));
            let waiters = threads
                .iter()
                .filter(|t| {
                    t.wait
                        .as_ref()
                        .is_some_and(|w| w.monitor == stage.monitor())
                })
                .map(describe::thread_name)
                .collect();
            let deadline_ms = lead_thread.deadline.0;
            let left_ms = (deadline_ms as f64 - display_ms).max(0.0);
            Some(ActiveWait {
                stage,
                have: have.len(),
                need: lead_thread.need,
                chips,
                deadline_ms,
                countdown: countdown_text(deadline_ms, display_ms),
                left: if init_limit_ms == 0 {
                    0.0
                } else {
                    (left_ms / init_limit_ms as f64).clamp(0.0, 1.0)
                },
                waiters,
            })
        });

        let last_notify = history
            .notifies
            .last()
            .map(|(index, monitor, woke, at)| NotifyFlash {
                index: *index,
                monitor: describe::monitor(*monitor).to_string(),
                woke: woke.iter().map(|w| describe::waiter(*w)).collect(),
                at_ms: *at,
                fresh: display_ms - *at as f64 <= fresh_ms,
            });

        Some(EpochGauge {
            leader,
            // Settled only once getEpochToPropose returns (until then it grows with each
            // FOLLOWERINFO's acceptedEpoch).
            epoch: lead
                .map(|l| l.epoch())
                .filter(|e| e.0 >= 0 && live_stage != Some(Stage::GetEpochToPropose)),
            stages,
            active,
            last_notify,
            outcome,
        })
    }
}

/// The server that most recently became LEADING (within the scanned tail of the log), and
/// the index in `log` where that happened.
fn newest_leader(sim: &Simulation, log: &[LogEntry]) -> Option<(Sid, usize)> {
    let tail = log.len().saturating_sub(MAX_SCAN * 2);
    let found = log[tail..]
        .iter()
        .enumerate()
        .rev()
        .find_map(|(i, e)| match e.event {
            LogEvent::StateChange {
                sid,
                to: ServerState::Leading,
                ..
            } => Some((sid, tail + i)),
            _ => None,
        });
    if found.is_some() {
        return found;
    }
    // A leader that began long ago and still waits (a stuck wait with a busy log).
    sim.sids()
        .find(|&sid| {
            sim.peer(sid)
                .and_then(|p| p.leader())
                .is_some_and(|l| l.phase != LeadPhase::Broadcast)
        })
        .map(|sid| (sid, log.len()))
}

/// What the log says about one lead() since it began.
struct History {
    /// (stage, time, woke) per finished wait, in order.
    done: Vec<(Stage, u64, Vec<String>)>,
    /// (index, monitor, woke, time) of every notifyAll.
    notifies: Vec<(u64, Monitor, Vec<Waiter>, u64)>,
    /// Why and when lead() ended, when the server left LEADING.
    ended: Option<(Option<ShutdownReason>, u64)>,
}

impl History {
    fn read(since: &[LogEntry], leader: Sid) -> History {
        let mut h = History {
            done: Vec::new(),
            notifies: Vec::new(),
            ended: None,
        };
        let mut reason = None;
        for e in since {
            match &e.event {
                LogEvent::NotifyAll { sid, monitor, woke } if *sid == leader => {
                    if let Some(stage) = Stage::of_monitor(*monitor) {
                        if !h.done.iter().any(|(s, _, _)| *s == stage) {
                            let names = woke.iter().map(|w| describe::waiter(*w)).collect();
                            h.done.push((stage, e.time.0, names));
                        }
                    }
                    h.notifies
                        .push((e.index, *monitor, woke.to_vec(), e.time.0));
                }
                LogEvent::Note { sid, note } if *sid == leader => {
                    if let Note::LeaderShutdown(r) = note.as_ref() {
                        reason = Some(r.clone());
                    }
                }
                LogEvent::StateChange {
                    sid,
                    from: ServerState::Leading,
                    ..
                } if *sid == leader => {
                    h.ended = Some((reason.take(), e.time.0));
                    break;
                }
                _ => {}
            }
        }
        h
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim::SimOptions;
    use zab::Time;

    fn sim(seed: u64, voters: u32) -> Simulation {
        Simulation::new(SimOptions::new(seed, voters, 0).expect("shape")).expect("starts")
    }

    /// Step until a predicate on the gauge holds (bounded).
    fn run_to(s: &mut Simulation, what: &str, ok: impl Fn(&EpochGauge) -> bool) -> EpochGauge {
        for _ in 0..20_000 {
            let now = s.now().0 as f64;
            if let Some(g) = EpochGauge::build(s, s.log(), now, 50.0, 500.0) {
                if ok(&g) {
                    return g;
                }
            }
            assert!(s.step(), "the run ended before {what}");
        }
        panic!("{what} did not happen");
    }

    #[test]
    fn test_five_voters_fill_connecting_followers_and_notify_all_wakes_the_waiters() {
        let mut s = sim(7, 5);
        // The leader waits in getEpochToPropose with its own chip first and in the set.
        let g = run_to(&mut s, "getEpochToPropose", |g| {
            g.active
                .as_ref()
                .is_some_and(|a| a.stage == Stage::GetEpochToPropose && a.have == 2)
        });
        let a = g.active.as_ref().expect("active");
        assert_eq!(a.need, 3);
        assert_eq!(a.chips.len(), 5);
        assert!(a.chips[0].is_self && a.chips[0].have && a.chips[0].sid == g.leader);
        assert!(a.chips[1].have && !a.chips[2].have);
        assert!(
            a.waiters.iter().any(|w| w == "Leader.lead"),
            "{:?}",
            a.waiters
        );
        assert!(
            a.waiters.iter().any(|w| w.starts_with("LearnerHandler-")),
            "a handler waits too: {:?}",
            a.waiters
        );
        assert!(a.left > 0.99 && a.left <= 1.0, "{}", a.left);
        assert_eq!(g.stages[0].1, StageState::Waiting);
        assert_eq!(g.outcome, Outcome::Running);
        assert_eq!(g.epoch, None, "the epoch is settled by the wait");

        // The third arrival completes the quorum: notifyAll wakes every waiter at once.
        let g = run_to(&mut s, "the connectingFollowers notifyAll", |g| {
            matches!(g.stages[0].1, StageState::Done { .. })
        });
        let StageState::Done { woke, .. } = &g.stages[0].1 else {
            unreachable!("matched above")
        };
        assert!(woke.len() >= 2, "{woke:?}");
        assert!(woke.iter().any(|w| w == "Leader.lead"));
        let flash = g.last_notify.as_ref().expect("the notifyAll");
        assert_eq!(flash.monitor, "connectingFollowers");
        assert!(flash.fresh);
        assert!(g.epoch.is_some_and(|e| e.0 >= 1));

        // Then the two other waits, and BROADCAST.
        let g = run_to(&mut s, "BROADCAST", |g| g.outcome == Outcome::Established);
        assert!(g
            .stages
            .iter()
            .all(|(_, st)| matches!(st, StageState::Done { .. })));
        assert!(g.active.is_none());
        // Some time later the gauge goes away.
        let later = s.now().0 as f64 + 10_000.0;
        assert!(EpochGauge::build(&s, s.log(), later, 50.0, 500.0).is_none());
    }

    #[test]
    fn test_a_leader_without_followers_times_out_back_to_looking() {
        let mut s = sim(7, 3);
        let g = run_to(&mut s, "the leader's wait", |g| g.active.is_some());
        let leader = g.leader;
        // Its followers die before they register: nobody can join connectingFollowers.
        for sid in s.sids().collect::<Vec<_>>() {
            if sid != leader {
                s.crash(sid);
            }
        }
        let g = run_to(&mut s, "the timeout", |g| {
            matches!(g.outcome, Outcome::Failed { .. })
        });
        let Outcome::Failed { reason, at_ms } = &g.outcome else {
            unreachable!("matched above")
        };
        assert_eq!(*reason, Some(ShutdownReason::EpochTimeout));
        assert!(*at_ms >= s.options().config.init_limit_ms());
        assert!(g.stages.iter().any(|(_, st)| *st == StageState::Failed));
        assert_eq!(
            s.peer(leader).map(|p| p.state()),
            Some(ServerState::Looking)
        );
    }

    #[test]
    fn test_no_gauge_before_anyone_leads() {
        let mut s = sim(7, 3);
        s.run_until(Time(100));
        assert!(EpochGauge::build(&s, s.log(), 100.0, 50.0, 500.0).is_none());
    }
}
