//! Why a thread, a role or the process stopped, and the notable things a server's log says,
//! as values. ZooKeeper logs these as text; here they are data, so a trace does not change
//! when their wording does. The words are the app's and the CLI's (each variant's doc gives
//! the gist of ZooKeeper's own log line, for readers of its source).

use crate::ids::{Epoch, Sid, Zxid};
use crate::leader::{SyncMode, SyncReason};
use crate::output::ConnId;
use crate::packet::PacketType;
use crate::sessions::SessionId;
use crate::zk_database::TxnOp;
use serde::{Deserialize, Serialize};

/// Why `Leader.lead()`, a `LearnerHandler`, or `followLeader`/`observeLeader` ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ShutdownReason {
    // ---- the leader's monitors (lead() or a handler, each with its own deadline) ----
    /// `getEpochToPropose`: "Timeout while waiting for epoch from quorum".
    EpochTimeout,
    /// `waitForEpochAck`: "Timeout while waiting for epoch to be acked by quorum".
    EpochAckTimeout,
    /// A handler's `waitForNewLeaderAck`: "Timeout while waiting for NEWLEADER to be acked by
    /// quorum".
    NewLeaderAckTimeout,
    /// `lead()`'s `waitForNewLeaderAck`: "Waiting for a quorum of followers, only synced with
    /// sids: [ … ]".
    QuorumNotSynced { synced: Vec<Sid> },
    // ---- the ping loop and broadcast ----
    /// "Not sufficient followers synced, only synced with sids: [ … ]".
    NotSufficientFollowersSynced { synced: Vec<Sid> },
    /// ZOOKEEPER-1277: "zxid lower 32 bits have rolled over, forcing re-election".
    ZxidRollover,
    /// `SyncLimitCheck`: "Closing connection to peer due to transaction timeout".
    TransactionTimeout,
    // ---- a LearnerHandler's reads ----
    /// `waitForEpochAck`'s IOException "Follower is ahead of the leader", with the leader's
    /// state summary.
    FollowerAhead {
        leader_epoch: Epoch,
        leader_zxid: Zxid,
    },
    /// The first packet was neither FOLLOWERINFO nor OBSERVERINFO.
    NotLearnerInfo { got: PacketType },
    /// FOLLOWERINFO without a LearnerInfo record.
    MissingLearnerInfo,
    /// The learner has a later activated configuration than the leader.
    LearnerConfigAhead,
    /// "Next packet was supposed to be an `expected`, but received packet: `got`".
    UnexpectedPacket {
        expected: PacketType,
        got: PacketType,
    },
    // ---- either side of the quorum connection ----
    /// `java.net.SocketTimeoutException: Read timed out` (initLimit or syncLimit ticks).
    ReadTimedOut,
    /// The other end closed the connection (EOF).
    ConnectionClosed,
    // ---- the learner ----
    /// "Couldn't find the leader with id = …".
    LeaderNotInView { leader: Sid },
    /// `connectToLeader` gave up after `tries` attempts.
    ConnectFailed { leader: Sid, tries: u32 },
    /// "First packet should have been LEADERINFO".
    NotLeaderInfo { got: PacketType },
    /// "Leaders epoch, X is less than accepted epoch, Y".
    LeaderEpochBelowAccepted {
        leader_epoch: Epoch,
        accepted: Epoch,
    },
    /// `enforceContinuousProposal`: "Got unexpected zxid …, expected …".
    UnexpectedZxid { got: Zxid, expected: Zxid },
    /// The first sync packet was not DIFF, TRUNC or SNAP ("Got unexpected packet from
    /// leader … exiting"; the process exits).
    UnexpectedFirstSyncPacket { got: PacketType },
    /// `FollowerZooKeeperServer.commit`: the COMMIT is not for the head of pendingTxns
    /// (the process exits: `UNMATCHED_TXN_COMMIT`).
    CommitMismatch { zxid: Zxid, pending: Zxid },
    /// `syncWithLeader`, COMMIT: nothing is buffered, so `packetsNotLogged.peekFirst()` is
    /// null and reading its header throws a NullPointerException (ZOOKEEPER-4394).
    CommitWithNothingBuffered { zxid: Zxid },
}

impl ShutdownReason {
    /// The exception the real release throws here when nothing in its code expects it, as
    /// opposed to the deliberate ones (a socket timeout, "Leaders epoch … is less than …",
    /// `enforceContinuousProposal`'s) that end a role on purpose. Only
    /// `CommitWithNothingBuffered` is one: `syncWithLeader` dereferences the null head of an
    /// empty `packetsNotCommitted` (ZOOKEEPER-4394, every tag through `release-3.9.2` and
    /// `release-3.8.6`).
    pub fn unexpected_exception(&self) -> Option<&'static str> {
        match self {
            ShutdownReason::CommitWithNothingBuffered { .. } => Some("NullPointerException"),
            _ => None,
        }
    }
}

/// A notable line of a server's log, as data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Note {
    /// `lead()` began: "LEADING - LEADER ELECTION TOOK", and the LearnerCnxAcceptor started.
    LeadingStarted,
    /// `lead()` ended ("Shutting down").
    LeaderShutdown(ShutdownReason),
    /// `followLeader`/`observeLeader` ended ("Exception when following the leader").
    LearnerShutdown(ShutdownReason),
    /// A `LearnerHandler` ended; its learner must reconnect.
    HandlerShutdown {
        conn: ConnId,
        learner: Option<Sid>,
        reason: ShutdownReason,
    },
    /// `syncFollower`'s decision for one learner, with the numbers it was made from.
    SyncFollower {
        learner: Sid,
        peer_last_zxid: Zxid,
        min_committed: Zxid,
        max_committed: Zxid,
        last_processed: Zxid,
        mode: SyncMode,
        reason: SyncReason,
    },
    /// `waitForNewLeaderAck`: an ACK for a different epoch's NEWLEADER is neither counted
    /// nor waited for (the root of ZOOKEEPER-4685).
    NewLeaderAckOtherEpoch {
        sid: Sid,
        current: Zxid,
        received: Zxid,
    },
    /// A client write reached the leader before `startZkServer`: dropped.
    RequestNotServed { op: TxnOp },
    /// `processAck`: "Trying to commit future proposal".
    AckForUnknownProposal { zxid: Zxid, sid: Sid },
    /// A `LearnerHandler`'s steady loop read a packet it has no case for.
    UnexpectedQuorumPacket { ty: PacketType },
    /// `syncWithLeader`: a COMMIT that is not for the next buffered proposal.
    CommitOutOfOrder { zxid: Zxid },
    /// `FollowerZooKeeperServer.commit` with nothing pending: "Committing … without seeing
    /// txn" (a warning; the follower goes on).
    CommitWithoutTxn { zxid: Zxid },
    /// NEWLEADER: a committed zxid that is not the next buffered proposal.
    CommitNotNextProposal { zxid: Zxid },
    /// `syncWithLeader` read a packet it has no case for.
    UnexpectedSyncPacket { ty: PacketType },
    /// `Follower.processPacket`: a proposal out of sequence ("Got zxid … expected …").
    ProposalGap { got: Zxid, expected: Zxid },
    /// `processPacket` read a packet it ignores.
    IgnoredInBroadcast { ty: PacketType },
    /// FastLeaderElection ignored a notification about a non-member.
    NonMemberNotification { leader: Sid, sid: Sid },
    /// QuorumCnxManager: the initiator has the smaller sid, so its connection is dropped and
    /// the other side dials back.
    DropSmallerSidConnection { sid: Sid },
    /// QuorumCnxManager: a connection from a server claiming this server's own id.
    OwnIdConnection { sid: Sid },
    /// `ZooKeeperServer.expire`: "Expiring session 0x…, timeout of …ms exceeded" (the
    /// leader's SessionTracker; a closeSession txn follows).
    SessionExpiring { session: SessionId, timeout_ms: u64 },
    /// The leader answered a REVALIDATE (`checkIfValidGlobalSession`), or revalidated a
    /// reconnecting client of its own.
    SessionRevalidated { session: SessionId, valid: bool },
}
