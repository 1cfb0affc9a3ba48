use crate::config::{LearnerType, QuorumConfig};
use crate::election::Vote;
use crate::ids::{Epoch, Sid, Zxid};
use crate::output::{Effect, EpochFile, Outbox};
use crate::peer::ZabState;
use crate::quorum::QuorumMaj;
use crate::sessions::ServerClients;
use crate::zk_database::{Txn, ZkDatabase};

/// The parts of `QuorumPeer` its roles (Leader, Learner) read and write: identity, config, the
/// two persisted epochs, the current vote and the database.
#[derive(Clone, Debug)]
pub struct PeerCore {
    pub myid: Sid,
    pub config: QuorumConfig,
    pub qv: QuorumMaj,
    pub learner_type: LearnerType,
    pub current_epoch: Epoch,
    pub accepted_epoch: Epoch,
    pub current_vote: Vote,
    pub zab_state: ZabState,
    pub zk_db: ZkDatabase,
    /// Txns appended to the log and not yet covered by an fsync.
    pub unsynced: Vec<Zxid>,
    /// The txns the fsync in progress covers (`SyncRequestProcessor` waits for it).
    pub fsync_in_flight: Option<Vec<Zxid>>,
    /// The client connections and the learner's session bookkeeping (§13).
    pub clients: ServerClients,
}

impl PeerCore {
    /// `setCurrentEpoch`: the file first, then memory (ZOOKEEPER-2307).
    pub fn set_current_epoch(&mut self, epoch: Epoch, out: &mut Outbox) {
        out.push(Effect::PersistEpoch {
            file: EpochFile::Current,
            epoch,
        });
        self.current_epoch = epoch;
    }

    /// `setAcceptedEpoch`: the file first, then memory.
    pub fn set_accepted_epoch(&mut self, epoch: Epoch, out: &mut Outbox) {
        out.push(Effect::PersistEpoch {
            file: EpochFile::Accepted,
            epoch,
        });
        self.accepted_epoch = epoch;
    }

    /// Append a txn to the log (not yet durable).
    pub fn append(&mut self, txn: Txn, out: &mut Outbox) {
        self.unsynced.push(txn.zxid);
        self.zk_db.log.push(txn.clone());
        out.push(Effect::AppendTxn { txn });
    }

    /// Start an fsync of everything appended so far, unless one is already running (the next
    /// one will cover what arrives meanwhile, as SyncRequestProcessor batches).
    pub fn request_fsync(&mut self, out: &mut Outbox) -> bool {
        if self.fsync_in_flight.is_some() || self.unsynced.is_empty() {
            return false;
        }
        self.fsync_in_flight = Some(std::mem::take(&mut self.unsynced));
        out.push(Effect::Fsync);
        true
    }

    /// The fsync finished: these txns are durable.
    pub fn fsync_done(&mut self) -> Vec<Zxid> {
        self.fsync_in_flight.take().unwrap_or_default()
    }

    pub fn is_participant(&self, sid: Sid) -> bool {
        self.qv.is_voter(sid)
    }

    /// `updateElectionVote(newEpoch)`: report the new epoch to servers still looking
    /// (ZOOKEEPER-1732/1818).
    pub fn update_election_vote(&mut self, epoch: Epoch) {
        self.current_vote.peer_epoch = epoch;
    }

    pub fn init_limit_ms(&self) -> u64 {
        self.config.init_limit_ms()
    }

    pub fn sync_limit_ms(&self) -> u64 {
        self.config.sync_limit_ms()
    }
}
