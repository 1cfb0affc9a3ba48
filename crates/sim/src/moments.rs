//! The moments of a run that a person should not miss: a leader elected, a quorum reached in
//! one of the leader's waits, a sync mode chosen, the leader established, a wait timed out, a
//! leader losing its quorum. They are read off the event log (typed, no wording: the words are
//! `describe::moment`), so they are true for any run, faults included. The timeline marks them,
//! the app announces them, and scenarios pause at them.
//!
//! A [`MomentScanner`] reads the log in order and keeps the little it needs to tell a first
//! time from a repeat (the ping loop logs its thread at every tick; only the first pass of
//! `Leader.lead` into it is the moment the leader was established).

use crate::trace::{LogEntry, LogEvent};
use std::collections::BTreeMap;
use zab::leader::LeadPhase;
use zab::leader::SyncMode;
use zab::peer::{Monitor, ServerState, ThreadPhase};
use zab::reason::{Note, ShutdownReason};
use zab::{Epoch, Sid};

/// Which wait of the leader a quorum released (docs/protocol.md §3.3–§3.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum QuorumWait {
    /// `getEpochToPropose` on `connectingFollowers`: the new epoch is chosen.
    Epoch,
    /// `waitForEpochAck` on `electingFollowers`: a quorum acknowledged it (ACKEPOCH).
    EpochAck,
    /// `waitForNewLeaderAck` on `newLeaderProposal`: a quorum ACKed NEWLEADER.
    NewLeaderAck,
}

/// One moment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Moment {
    /// FastLeaderElection ended with this server LEADING.
    LeaderElected { sid: Sid },
    /// A quorum released one of the leader's waits (its `notifyAll`).
    QuorumReached { leader: Sid, wait: QuorumWait },
    /// `syncFollower` chose how to bring `learner` up to date.
    SyncChosen {
        leader: Sid,
        learner: Sid,
        mode: SyncMode,
    },
    /// `Leader.lead` entered its ping loop: the epoch is established, broadcast begins.
    Established { leader: Sid, epoch: Epoch },
    /// One of the leader's quorum waits ran out of time and the leader stepped down.
    WaitTimedOut { leader: Sid, reason: ShutdownReason },
    /// The ping loop found fewer than a quorum synced: the leader stepped down.
    LostQuorum { leader: Sid },
}

impl Moment {
    /// The servers the moment is about (the leader first).
    pub fn sids(&self) -> Vec<Sid> {
        match self {
            Moment::LeaderElected { sid } => vec![*sid],
            Moment::QuorumReached { leader, .. }
            | Moment::Established { leader, .. }
            | Moment::WaitTimedOut { leader, .. }
            | Moment::LostQuorum { leader } => vec![*leader],
            Moment::SyncChosen {
                leader, learner, ..
            } => vec![*leader, *learner],
        }
    }
}

/// Reads the log in order and says which entries are moments.
#[derive(Clone, Debug, Default)]
pub struct MomentScanner {
    /// Servers whose `Leader.lead` has reached its ping loop in its current term.
    established: BTreeMap<Sid, bool>,
}

impl MomentScanner {
    /// The moment `entry` is, if it is one. Call it on every entry, in order.
    pub fn scan(&mut self, entry: &LogEntry) -> Option<Moment> {
        match &entry.event {
            LogEvent::StateChange { sid, to, .. } => {
                self.established.insert(*sid, false);
                (*to == ServerState::Leading).then_some(Moment::LeaderElected { sid: *sid })
            }
            LogEvent::Crashed { sid } => {
                self.established.insert(*sid, false);
                None
            }
            LogEvent::NotifyAll { sid, monitor, .. } => {
                let wait = match monitor {
                    Monitor::ConnectingFollowers => QuorumWait::Epoch,
                    Monitor::ElectingFollowers => QuorumWait::EpochAck,
                    Monitor::NewLeaderProposal => QuorumWait::NewLeaderAck,
                    _ => return None,
                };
                Some(Moment::QuorumReached { leader: *sid, wait })
            }
            LogEvent::Thread { sid, view } => match view.phase {
                ThreadPhase::Lead {
                    phase: LeadPhase::Broadcast,
                    epoch,
                    ..
                } => {
                    let seen = self.established.insert(*sid, true).unwrap_or(false);
                    (!seen).then_some(Moment::Established {
                        leader: *sid,
                        epoch,
                    })
                }
                _ => None,
            },
            LogEvent::Note { sid, note } => match note.as_ref() {
                Note::SyncFollower { learner, mode, .. } => Some(Moment::SyncChosen {
                    leader: *sid,
                    learner: *learner,
                    mode: *mode,
                }),
                Note::LeaderShutdown(
                    r @ (ShutdownReason::EpochTimeout
                    | ShutdownReason::EpochAckTimeout
                    | ShutdownReason::NewLeaderAckTimeout
                    | ShutdownReason::QuorumNotSynced { .. }),
                ) => Some(Moment::WaitTimedOut {
                    leader: *sid,
                    reason: r.clone(),
                }),
                Note::LeaderShutdown(ShutdownReason::NotSufficientFollowersSynced { .. }) => {
                    Some(Moment::LostQuorum { leader: *sid })
                }
                _ => None,
            },
            _ => None,
        }
    }
}

/// Every moment of `log`, with the index of its entry.
pub fn moments(log: &[LogEntry]) -> Vec<(u64, Moment)> {
    let mut scanner = MomentScanner::default();
    log.iter()
        .filter_map(|e| scanner.scan(e).map(|m| (e.index, m)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    fn run(s: Scenario, seed: u64, until_ms: u64) -> Vec<(u64, Moment)> {
        let mut sim = s.build(seed);
        sim.run_until(zab::Time(until_ms));
        moments(sim.log())
    }

    #[test]
    fn a_fresh_start_has_one_election_three_quorums_two_syncs_and_one_establishment() {
        let m = run(Scenario::FreshStart, 1, 10_000);
        let elected: Vec<Sid> = m
            .iter()
            .filter_map(|(_, m)| match m {
                Moment::LeaderElected { sid } => Some(*sid),
                _ => None,
            })
            .collect();
        assert_eq!(elected.len(), 1, "{m:?}");
        let leader = elected[0];
        let waits: Vec<QuorumWait> = m
            .iter()
            .filter_map(|(_, m)| match m {
                Moment::QuorumReached { leader: l, wait } if *l == leader => Some(*wait),
                _ => None,
            })
            .collect();
        assert_eq!(
            waits,
            vec![
                QuorumWait::Epoch,
                QuorumWait::EpochAck,
                QuorumWait::NewLeaderAck
            ]
        );
        let syncs = m
            .iter()
            .filter(|(_, m)| matches!(m, Moment::SyncChosen { leader: l, .. } if *l == leader))
            .count();
        assert_eq!(syncs, 2, "both followers are synced once: {m:?}");
        let established: Vec<_> = m
            .iter()
            .filter(|(_, m)| matches!(m, Moment::Established { .. }))
            .collect();
        assert_eq!(
            established.len(),
            1,
            "the ping loop's later ticks are no moment"
        );
        // In order: elected, then the quorums, then established after the NEWLEADER quorum.
        let at = |f: &dyn Fn(&Moment) -> bool| m.iter().find(|(_, x)| f(x)).map(|(i, _)| *i);
        let e = at(&|x| matches!(x, Moment::LeaderElected { .. })).expect("the run has it");
        let nl = at(&|x| {
            matches!(
                x,
                Moment::QuorumReached {
                    wait: QuorumWait::NewLeaderAck,
                    ..
                }
            )
        })
        .expect("the run has it");
        let est = established[0].0;
        assert!(e < nl && nl <= est, "{m:?}");
    }

    #[test]
    fn a_leader_cut_from_its_majority_loses_its_quorum_and_the_majority_elects_again() {
        let m = run(Scenario::LeaderCutFromMajority, 1, 40_000);
        let first = m
            .iter()
            .find_map(|(_, m)| match m {
                Moment::Established { leader, .. } => Some(*leader),
                _ => None,
            })
            .expect("the run has it");
        assert!(
            m.iter()
                .any(|(_, x)| *x == Moment::LostQuorum { leader: first }),
            "{m:?}"
        );
        let later_leaders = m
            .iter()
            .skip_while(|(_, x)| !matches!(x, Moment::Established { .. }))
            .filter(|(_, x)| matches!(x, Moment::LeaderElected { sid } if *sid != first))
            .count();
        assert!(later_leaders >= 1, "{m:?}");
    }

    #[test]
    fn no_quorum_times_out_in_get_epoch_to_propose() {
        let m = run(Scenario::NoQuorum, 1, 30_000);
        assert!(
            m.iter().any(|(_, x)| matches!(
                x,
                Moment::WaitTimedOut {
                    reason: ShutdownReason::EpochTimeout,
                    ..
                }
            )),
            "{m:?}"
        );
    }
}
