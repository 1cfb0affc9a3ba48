//! What each of a server's Java threads is doing, as data: which thread, the step it is in, and
//! what it waits for. The simulator logs every change; the app and the CLI turn these values
//! into words in one place of their own, so no wording lives here and rewording a label
//! changes no trace.

use crate::ids::{Epoch, Sid, Time, Zxid};
use crate::leader::{HandlerPhase, LeadPhase, SyncMode};
use crate::output::ConnId;
use crate::peer::{ServerState, ZabState};
use serde::{Deserialize, Serialize};

/// One of a server's Java threads, stable for as long as the thread lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ThreadId {
    /// `QuorumPeer.run()`, the server's main loop over `ServerState`.
    QuorumPeer,
    /// `FastLeaderElection.lookForLeader()`, while a round runs.
    FastLeaderElection,
    /// `Leader.lead()`.
    Lead,
    /// `Leader.LearnerCnxAcceptor`, which makes one `LearnerHandler` per accepted socket.
    LearnerCnxAcceptor,
    /// One `LearnerHandler`, keyed by the connection it serves (its learner's sid is known
    /// only once FOLLOWERINFO/OBSERVERINFO arrives, so it is part of the phase).
    LearnerHandler(ConnId),
    /// `Follower.followLeader()`.
    FollowLeader,
    /// `Observer.observeLeader()`.
    ObserveLeader,
    /// `SyncRequestProcessor`'s thread, while an fsync of the txn log runs.
    SyncThread,
}

/// A monitor or blocking call a thread can wait in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Monitor {
    /// `FastLeaderElection.recvqueue`: `poll(notTimeout)`, or `poll(finalizeWait)` once a
    /// quorum agrees with the proposal.
    RecvQueue,
    /// `Leader.connectingFollowers`, in `getEpochToPropose`.
    ConnectingFollowers,
    /// `Leader.electingFollowers`, in `waitForEpochAck`.
    ElectingFollowers,
    /// `Leader.newLeaderProposal.qvAcksetPairs`, in `waitForNewLeaderAck`.
    NewLeaderProposal,
    /// A blocking socket read bounded by the socket's `soTimeout`.
    SocketRead,
    /// The leader's `ZooKeeperServer`: `waitForStartup` waits on it, and `startup()` ends with
    /// its `notifyAll()` (§4.5).
    ZooKeeperServer,
}

/// A thread's blocking wait: on what, since and until when, what it has and what it needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wait {
    pub monitor: Monitor,
    /// When the wait began (its deadline's clock started).
    pub since: Time,
    /// When it gives up (the monitor's timeout, the poll's end, the read's soTimeout).
    pub deadline: Time,
    /// The sids in the set it waits on (empty for a plain read or timer).
    pub have: Vec<Sid>,
    /// How many voters make the quorum it waits for (0 when it waits for a timer only).
    pub need: u32,
    /// The sid that must be among `have` (the leader itself in the leader's monitors).
    pub needs_self: Option<Sid>,
}

impl Wait {
    /// A blocking socket read, from `since` until its soTimeout at `deadline`.
    pub fn socket_read(since: Time, deadline: Time) -> Wait {
        Wait {
            monitor: Monitor::SocketRead,
            since,
            deadline,
            have: Vec::new(),
            need: 0,
            needs_self: None,
        }
    }

    /// Whether it waits for a quorum in a set, not only for a timer or a read.
    pub fn is_quorum_wait(&self) -> bool {
        self.need > 0
    }
}

/// Where `lookForLeader`'s loop is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ElectionPhase {
    /// `recvqueue.poll(notTimeout)` in round `round`, proposing `proposal`.
    Poll {
        round: i64,
        timeout_ms: u64,
        proposal: Sid,
    },
    /// A quorum agrees with `proposal`: `recvqueue.poll(finalizeWait)` before deciding.
    FinalizeWait { round: i64, proposal: Sid },
}

/// Where `Follower.followLeader` / `Observer.observeLeader` is, with the numbers that matter
/// in that step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LearnerStep {
    /// `connectToLeader`: attempt `tries` (1-based) is on its way, or it sleeps before the next.
    ConnectToLeader {
        leader: Sid,
        tries: u32,
        sleeping: bool,
    },
    /// `registerWithLeader`: FOLLOWERINFO/OBSERVERINFO sent, reading LEADERINFO.
    RegisterWithLeader,
    /// `syncWithLeader`: ACKEPOCH sent, reading the first sync packet (DIFF, TRUNC or SNAP).
    AwaitSyncMode,
    /// `syncWithLeader`: reading the sync stream, `buffered` proposals not yet logged.
    Sync { mode: SyncMode, buffered: u32 },
    /// NEWLEADER: the fsync of the `txns` committed sync txns runs before currentEpoch and
    /// the ACK.
    NewLeaderFsync { txns: u32 },
    /// NEWLEADER is acked; reading on until UPTODATE.
    AwaitUpToDate,
    /// The `processPacket` loop.
    ProcessPacket {
        leader: Sid,
        last_queued: Zxid,
        pending: u32,
    },
}

/// What a thread is doing, by thread.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ThreadPhase {
    /// `QuorumPeer.run()`: the state it runs and the ZabState it reports.
    Run {
        state: ServerState,
        zab_state: ZabState,
    },
    LookForLeader(ElectionPhase),
    /// `Leader.lead()`: its step; in the ping loop, the tick and the proposal counters.
    Lead {
        phase: LeadPhase,
        epoch: Epoch,
        tick: u64,
        last_proposed: Zxid,
        last_committed: Zxid,
    },
    /// `LearnerCnxAcceptor.run()`: how many `LearnerHandler`s it has made that still run.
    Accept {
        handlers: u32,
    },
    /// `LearnerHandler.run()` for `learner` (once it has said who it is).
    Handle {
        learner: Option<Sid>,
        phase: HandlerPhase,
        sync_mode: SyncMode,
    },
    Learn(LearnerStep),
    /// `SyncRequestProcessor`: an fsync of `txns` appended txns, up to `upto`.
    Fsync {
        txns: u32,
        upto: Option<Zxid>,
    },
}

/// One thread: which, what it is doing, and its wait when blocked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadView {
    pub thread: ThreadId,
    pub phase: ThreadPhase,
    pub wait: Option<Wait>,
}

impl ThreadView {
    /// Whether `other` is this thread doing the same thing. A blocking socket read's timeout
    /// restarts with every packet it reads (a PING each half tick), so a read whose only
    /// change is its start and deadline is the same step: the world logs steps, not every
    /// restarted soTimeout. Every other difference counts.
    pub fn same_step(&self, other: &ThreadView) -> bool {
        self.thread == other.thread
            && self.phase == other.phase
            && match (&self.wait, &other.wait) {
                (Some(a), Some(b))
                    if a.monitor == Monitor::SocketRead && b.monitor == Monitor::SocketRead =>
                {
                    true
                }
                (a, b) => a == b,
            }
    }
}

/// A thread a `notifyAll` woke: `lead()` or a `LearnerHandler` (whose learner is known, since
/// every monitor wait comes after LearnerInfo).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Waiter {
    Lead,
    Handler { conn: ConnId, learner: Sid },
}

impl Waiter {
    pub fn thread(self) -> ThreadId {
        match self {
            Waiter::Lead => ThreadId::Lead,
            Waiter::Handler { conn, .. } => ThreadId::LearnerHandler(conn),
        }
    }
}
