//! What the views show of a learner: its thread row and the values it is made of.

use crate::config::LearnerType;
use crate::leader::SyncMode;
use crate::learner::{
    Learner, LearnerPhase, LEADER_CONNECT_DELAY_DURING_RETRY_MS, MAX_CONNECT_TRIES,
};
use crate::peer::{Blocked, PeerCore, ThreadView};

impl Learner {
    /// The values its phase text is made of (see `QuorumPeer::phase_inputs`).
    pub fn phase_inputs(&self, out: &mut Vec<u64>) {
        let (variant, tries, sleeping) = match self.phase {
            LearnerPhase::ConnectToLeader {
                tries, sleeping, ..
            } => (0, tries, sleeping),
            LearnerPhase::RegisterWithLeader => (1, 0, false),
            LearnerPhase::SyncWithLeader => (2, 0, false),
            LearnerPhase::NewLeaderFsync => (3, 0, false),
            LearnerPhase::Broadcast => (4, 0, false),
        };
        out.extend([
            variant,
            u64::from(tries),
            u64::from(sleeping),
            u64::from(self.first_sync_packet),
            self.sync_mode as u64,
            self.packets_not_logged.len() as u64,
            self.leader.0 as u64,
            self.last_queued.0 as u64,
            self.pending_txns.len() as u64,
        ]);
    }

    pub fn thread_view(&self, core: &PeerCore) -> ThreadView {
        let name = match self.learner_type {
            LearnerType::Participant => "Follower.followLeader",
            LearnerType::Observer => "Observer.observeLeader",
        };
        let phase = match self.phase {
            LearnerPhase::ConnectToLeader { tries, sleeping: false, .. } => {
                format!("connectToLeader: try {tries} of {MAX_CONNECT_TRIES} to leader {}", self.leader)
            }
            LearnerPhase::ConnectToLeader { tries, sleeping: true, .. } => format!(
                "connectToLeader: try {tries} failed; sleeping {LEADER_CONNECT_DELAY_DURING_RETRY_MS} ms"
            ),
            LearnerPhase::RegisterWithLeader => {
                format!("registerWithLeader: {} sent; readRecord LEADERINFO", self.info_type())
            }
            LearnerPhase::SyncWithLeader if self.first_sync_packet => {
                "syncWithLeader: ACKEPOCH sent; reading DIFF/TRUNC/SNAP".to_string()
            }
            LearnerPhase::SyncWithLeader if self.sync_mode == SyncMode::None => {
                "syncWithLeader: NEWLEADER acked; waiting for UPTODATE".to_string()
            }
            LearnerPhase::SyncWithLeader => format!(
                "syncWithLeader: {:?}, {} proposals buffered",
                self.sync_mode,
                self.packets_not_logged.len()
            ),
            LearnerPhase::NewLeaderFsync => format!(
                "syncWithLeader: NEWLEADER — fsync of {} txns before currentEpoch",
                core.fsync_in_flight.as_ref().map_or(0, Vec::len)
            ),
            LearnerPhase::Broadcast => format!(
                "processPacket: following {} (lastQueued {}, {} pending)",
                self.leader,
                self.last_queued.short(),
                self.pending_txns.len()
            ),
        };
        let blocked = match self.phase {
            LearnerPhase::ConnectToLeader { .. } | LearnerPhase::NewLeaderFsync => None,
            _ => Some(Blocked::socket_read(self.read_deadline)),
        };
        ThreadView::named(name, phase, blocked)
    }
}
