//! Reachability marks (stateright's `Sometimes`, TigerBeetle's coverage marks): proof that a
//! sweep reached the interesting paths, counted over all its seeds.

use crate::trace::LogEvent;
use crate::Simulation;
use std::collections::BTreeMap;
use zab::config::LearnerType;
use zab::message::Message;
use zab::packet::PacketType;
use zab::reason::{Note, ShutdownReason};

/// A path worth reaching.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Mark {
    Diff,
    Trunc,
    Snap,
    EpochWaitTimeout,
    NotifyAllWokeTwo,
    LeaderLostQuorum,
    ObserverSynced,
}

impl Mark {
    pub const ALL: [Mark; 7] = [
        Mark::Diff,
        Mark::Trunc,
        Mark::Snap,
        Mark::EpochWaitTimeout,
        Mark::NotifyAllWokeTwo,
        Mark::LeaderLostQuorum,
        Mark::ObserverSynced,
    ];
}

/// How often each mark was hit.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Marks {
    pub counts: BTreeMap<Mark, u64>,
}

impl Marks {
    fn hit(&mut self, m: Mark) {
        *self.counts.entry(m).or_insert(0) += 1;
    }

    pub fn count(&self, m: Mark) -> u64 {
        self.counts.get(&m).copied().unwrap_or(0)
    }

    pub fn merge(&mut self, other: &Marks) {
        for (m, n) in &other.counts {
            *self.counts.entry(*m).or_insert(0) += n;
        }
    }

    pub fn observe(&mut self, sim: &Simulation, event: &LogEvent) {
        match event {
            LogEvent::Send(s) => {
                if let Message::Quorum(p) = &s.message {
                    match p.ty {
                        PacketType::Diff => self.hit(Mark::Diff),
                        PacketType::Trunc => self.hit(Mark::Trunc),
                        PacketType::Snap => self.hit(Mark::Snap),
                        PacketType::UpToDate
                            if sim.options().config.learner_type(s.to)
                                == Some(LearnerType::Observer) =>
                        {
                            self.hit(Mark::ObserverSynced)
                        }
                        _ => {}
                    }
                }
            }
            LogEvent::Note { note, .. } => match note.as_ref() {
                Note::LeaderShutdown(ShutdownReason::EpochTimeout)
                | Note::HandlerShutdown {
                    reason: ShutdownReason::EpochTimeout,
                    ..
                } => self.hit(Mark::EpochWaitTimeout),
                Note::LeaderShutdown(ShutdownReason::NotSufficientFollowersSynced { .. }) => {
                    self.hit(Mark::LeaderLostQuorum)
                }
                _ => {}
            },
            LogEvent::NotifyAll { woke, .. } if woke.len() >= 2 => self.hit(Mark::NotifyAllWokeTwo),
            _ => {}
        }
    }
}
