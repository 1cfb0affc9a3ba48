//! What the views show of a learner: its thread, as data.

use crate::config::LearnerType;
use crate::leader::SyncMode;
use crate::learner::{Learner, LearnerPhase};
use crate::peer::{LearnerStep, PeerCore, ThreadId, ThreadPhase, ThreadView, Wait};

impl Learner {
    /// The step it is in, with only the numbers that matter there (so the world logs a change
    /// when one of those changes, not when an unrelated counter moves).
    pub fn step(&self, core: &PeerCore) -> LearnerStep {
        match self.phase {
            LearnerPhase::ConnectToLeader {
                tries, sleeping, ..
            } => LearnerStep::ConnectToLeader {
                leader: self.leader,
                tries,
                sleeping,
            },
            LearnerPhase::RegisterWithLeader => LearnerStep::RegisterWithLeader,
            LearnerPhase::SyncWithLeader if self.first_sync_packet => LearnerStep::AwaitSyncMode,
            LearnerPhase::SyncWithLeader if self.sync_mode == SyncMode::None => {
                LearnerStep::AwaitUpToDate
            }
            LearnerPhase::SyncWithLeader => LearnerStep::Sync {
                mode: self.sync_mode,
                buffered: self.packets_not_logged.len() as u32,
            },
            LearnerPhase::NewLeaderFsync => LearnerStep::NewLeaderFsync {
                txns: core.fsync_in_flight.as_ref().map_or(0, Vec::len) as u32,
            },
            LearnerPhase::Broadcast => LearnerStep::ProcessPacket {
                leader: self.leader,
                last_queued: self.last_queued,
                pending: self.pending_txns.len() as u32,
            },
        }
    }

    pub fn thread_view(&self, core: &PeerCore) -> ThreadView {
        let thread = match self.learner_type {
            LearnerType::Participant => ThreadId::FollowLeader,
            LearnerType::Observer => ThreadId::ObserveLeader,
        };
        let wait = match self.phase {
            LearnerPhase::ConnectToLeader { .. } | LearnerPhase::NewLeaderFsync => None,
            _ => Some(Wait::socket_read(self.read_since, self.read_deadline)),
        };
        ThreadView {
            thread,
            phase: ThreadPhase::Learn(self.step(core)),
            wait,
        }
    }
}
