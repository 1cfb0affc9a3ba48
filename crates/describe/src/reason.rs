//! Why things stopped, what a server's log notes, and why syncFollower chose its mode.

use zab::leader::{SyncMode, SyncReason};
use zab::peer::StartupError;
use zab::reason::{Note, ShutdownReason};
use zab::Sid;

use crate::sid_list;

/// `QuorumPeer.SyncMode` as ZooKeeper names it.
pub fn sync_mode(m: SyncMode) -> &'static str {
    match m {
        SyncMode::None => "NONE",
        SyncMode::Diff => "DIFF",
        SyncMode::Snap => "SNAP",
        SyncMode::Trunc => "TRUNC",
    }
}

/// Which rule of `syncFollower` chose the mode, in the leader's words.
pub fn sync_reason(r: SyncReason) -> &'static str {
    match r {
        SyncReason::ForcedSnap => "Forcing snapshot sync",
        SyncReason::InSync => "Sending DIFF: peer is in sync with the leader",
        SyncReason::PeerAheadOfCommittedLog => "Sending TRUNC: peer is ahead of maxCommittedLog",
        SyncReason::CommittedLog => "Using committedLog",
        SyncReason::TxnLogGap => "Detected gap between end of txnlog and start of committedLog",
        SyncReason::TxnLogAndCommittedLog => "Use txnlog and committedLog",
        SyncReason::TxnLogCannotServe => {
            "txnlog cannot serve this peer (missing start or too large)"
        }
        SyncReason::Unhandled => "Unhandled scenario",
        SyncReason::Zk1154Diff => {
            "ZOOKEEPER-1154 (bug switched on): DIFF to a peer that has txns the leader lacks"
        }
    }
}

/// Why `loadDataBase` refused to start, in ZooKeeper's words.
pub fn startup_error(e: &StartupError) -> String {
    match e {
        StartupError::NotInView { myid } => format!("My id {myid} not in the peer list"),
        StartupError::CurrentEpochOlderThanLastZxid {
            current_epoch,
            last_zxid,
        } => {
            format!("The current epoch, {current_epoch}, is older than the last zxid, {last_zxid}")
        }
        StartupError::AcceptedEpochLessThanCurrent { accepted, current } => {
            format!("The accepted epoch, {accepted} is less than the current epoch, {current}")
        }
    }
}

/// Why a role or a thread ended, in the words of ZooKeeper's log.
pub fn reason(r: &ShutdownReason) -> String {
    match r {
        ShutdownReason::EpochTimeout => "Timeout while waiting for epoch from quorum".to_string(),
        ShutdownReason::EpochAckTimeout => {
            "Timeout while waiting for epoch to be acked by quorum".to_string()
        }
        ShutdownReason::NewLeaderAckTimeout => {
            "Timeout while waiting for NEWLEADER to be acked by quorum".to_string()
        }
        ShutdownReason::QuorumNotSynced { synced } => format!(
            "Waiting for a quorum of followers, only synced with sids: [ {} ]",
            sid_list(synced)
        ),
        ShutdownReason::NotSufficientFollowersSynced { synced } => format!(
            "Not sufficient followers synced, only synced with sids: [ {} ]",
            sid_list(synced)
        ),
        ShutdownReason::ZxidRollover => "zxid lower 32 bits have rolled over, forcing \
                                         re-election, and therefore new epoch start"
            .to_string(),
        ShutdownReason::TransactionTimeout => {
            "Closing connection to peer due to transaction timeout.".to_string()
        }
        ShutdownReason::FollowerAhead {
            leader_epoch,
            leader_zxid,
        } => format!(
            "Follower is ahead of the leader, leader summary: {leader_epoch} (current epoch), \
             {leader_zxid} (last zxid)"
        ),
        ShutdownReason::NotLearnerInfo { got } => {
            format!("First packet {got} is not FOLLOWERINFO or OBSERVERINFO!")
        }
        ShutdownReason::MissingLearnerInfo => "FOLLOWERINFO without LearnerInfo".to_string(),
        ShutdownReason::LearnerConfigAhead => {
            "Follower is ahead of the leader (has a later activated configuration)".to_string()
        }
        ShutdownReason::UnexpectedPacket { expected, got } => {
            format!("Next packet was supposed to be an {expected}, but received packet: {got}")
        }
        ShutdownReason::ReadTimedOut => {
            "java.net.SocketTimeoutException: Read timed out".to_string()
        }
        ShutdownReason::ConnectionClosed => "the other end closed the connection (EOF)".to_string(),
        ShutdownReason::LeaderNotInView { leader } => {
            format!("Couldn't find the leader with id = {leader}")
        }
        ShutdownReason::ConnectFailed { leader, tries } => {
            format!("Failed connect to leader {leader} after {tries} tries")
        }
        ShutdownReason::NotLeaderInfo { got } => {
            format!("First packet should have been LEADERINFO, got {got}")
        }
        ShutdownReason::LeaderEpochBelowAccepted {
            leader_epoch,
            accepted,
        } => format!("Leaders epoch, {leader_epoch} is less than accepted epoch, {accepted}"),
        ShutdownReason::UnexpectedZxid { got, expected } => {
            format!("Got unexpected zxid {got}, expected {expected}")
        }
        ShutdownReason::UnexpectedFirstSyncPacket { got } => {
            format!("Got unexpected packet from leader: {got}, exiting ... ")
        }
        ShutdownReason::CommitMismatch { zxid, pending } => {
            format!("Committing zxid {zxid} but next pending txn {pending}")
        }
        ShutdownReason::CommitWithNothingBuffered { zxid } => format!(
            "Exception when following the leader: NullPointerException on COMMIT {zxid} \
             (no buffered proposal; ZOOKEEPER-4394)"
        ),
    }
}

/// `Leader.lead()`'s first line. The note carries no number (the log holds values, and the
/// time is the log's own); a reader that found when `lookForLeader` began passes it.
pub fn leading_started(took_ms: Option<u64>) -> String {
    match took_ms {
        Some(ms) => format!("LEADING - LEADER ELECTION TOOK - {ms} MS; LearnerCnxAcceptor started"),
        None => "LEADING - LEADER ELECTION TOOK; LearnerCnxAcceptor started".to_string(),
    }
}

/// A notable line of server `sid`'s log.
pub fn note(sid: Sid, n: &Note) -> String {
    match n {
        Note::SessionExpiring {
            session,
            timeout_ms,
        } => format!(
            "Expiring session {session}, timeout of {timeout_ms}ms exceeded (a closeSession txn follows)"
        ),
        Note::SessionRevalidated {
            session,
            valid: true,
        } => format!("Session {session} is valid: revalidated"),
        Note::SessionRevalidated {
            session,
            valid: false,
        } => format!("Session {session} is not valid: it expired"),
        Note::LeadingStarted => leading_started(None),
        Note::LeaderShutdown(r) => format!("Shutting down: {}", reason(r)),
        Note::LearnerShutdown(ShutdownReason::ConnectionClosed) => {
            "Exception when following the leader: Connection to the leader closed (EOF)".to_string()
        }
        Note::LearnerShutdown(r) => format!("Exception when following the leader: {}", reason(r)),
        Note::HandlerShutdown {
            conn,
            learner,
            reason: r,
        } => {
            let name = match learner {
                Some(s) => format!("LearnerHandler-{s}"),
                None => format!("LearnerHandler (conn #{})", conn.0),
            };
            match r {
                ShutdownReason::ConnectionClosed => {
                    format!("{name}: connection closed by the learner (EOF)")
                }
                r => format!("{name}: {}; shutting down", reason(r)),
            }
        }
        Note::SyncFollower {
            learner,
            peer_last_zxid,
            min_committed,
            max_committed,
            last_processed,
            mode,
            reason: why,
        } => format!(
            "Synchronizing with Learner sid: {learner} maxCommittedLog={max_committed} \
             minCommittedLog={min_committed} lastProcessedZxid={last_processed} \
             peerLastZxid={peer_last_zxid}: {} ({})",
            sync_mode(*mode),
            sync_reason(*why)
        ),
        Note::NewLeaderAckOtherEpoch {
            sid: from,
            current,
            received,
        } => format!(
            "NEWLEADER ACK from sid: {from} is from a different epoch - current {current} \
             received {received}"
        ),
        Note::RequestNotServed { op } => format!("not serving yet; dropped request {op}"),
        Note::AckForUnknownProposal { zxid, sid: from } => {
            format!("Trying to commit future proposal: zxid {zxid} from {from}")
        }
        Note::UnexpectedQuorumPacket { ty } => format!("unexpected quorum packet, type: {ty}"),
        Note::CommitOutOfOrder { zxid } => format!("Committing {zxid} out of order"),
        Note::CommitWithoutTxn { zxid } => format!("Committing {zxid} without seeing txn"),
        Note::CommitNotNextProposal { zxid } => {
            format!("Committing {zxid}, but the next proposal is not it")
        }
        Note::UnexpectedSyncPacket { ty } => format!("unexpected packet during sync: {ty}"),
        Note::ProposalGap { got, expected } => format!("Got zxid {got} expected {expected}"),
        Note::IgnoredInBroadcast { ty } => format!("Ignoring {ty} in broadcast"),
        Note::NonMemberNotification { leader, sid: from } => {
            format!("Ignoring notification for non-cluster member sid {leader} from sid {from}")
        }
        Note::DropSmallerSidConnection { sid: to } => format!(
            "Have smaller server identifier, so dropping the connection: (myId:{sid} --> \
             sid:{to})"
        ),
        Note::OwnIdConnection { sid: from } => {
            format!("We got a connection request from a server with our own ID ({from})")
        }
    }
}
