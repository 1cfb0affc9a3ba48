//! What a peer asks of the world. A state machine never performs I/O: each input handler pushes
//! [`Effect`]s into an [`Outbox`], and the simulator carries them out.
//!
//! ```text
//!   sim ──on_connected / on_accepted / on_message / on_disconnected / on_timer──▶ QuorumPeer
//!   sim ◀──────────── Connect / Send / Close / SetTimer / NotifyAll / Note ──────────── (Outbox)
//! ```

use crate::ids::{Epoch, Sid, Time, Zxid};
use crate::message::Message;
use crate::peer::{Monitor, Waiter};
use crate::reason::{Note, ShutdownReason};
use crate::sessions::{ClientId, ClientReply};
use crate::zk_database::{Snapshot, Txn};
use serde::{Deserialize, Serialize};

/// Which of ZooKeeper's two server-to-server channels a connection belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Channel {
    /// `QuorumCnxManager`'s election connections (electionPort, 3888 in most configs).
    Election,
    /// The learner → leader connection (quorumPort, 2888), served by a `LearnerHandler`.
    Quorum,
}

/// A connection, numbered by the world in the order it was opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ConnId(pub u64);

/// The timers a peer can ask for. Setting a timer again replaces the pending one of that kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Timer {
    /// `recvqueue.poll(notTimeout)` or `poll(finalizeWait)` in `lookForLeader`.
    FleRecvPoll,
    /// `Leader.lead()`: the deadline of its current wait, or the ping loop's next pass.
    Lead,
    /// A `LearnerHandler`'s monitor deadline, socket read timeout or `waitForStartup` poll.
    LearnerHandler(ConnId),
    /// The learner's socket read timeout, or its sleep between connect tries.
    Learner,
    /// The leader's `SessionTracker` thread: the next expiry bucket is due (§13).
    SessionTracker,
}

/// The two epoch files in the snapshot dir.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum EpochFile {
    /// `currentEpoch`.
    Current,
    /// `acceptedEpoch`.
    Accepted,
}

/// One thing a peer asks the world to do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Effect {
    /// Open a TCP connection to `to` on `channel`; the answer is `on_connected` or
    /// `on_connect_failed` (refused, or no answer within `timeout_ms`).
    Connect {
        channel: Channel,
        to: Sid,
        timeout_ms: u64,
    },
    /// Write `msg` to an open connection (FIFO per direction).
    Send {
        conn: ConnId,
        msg: Message,
    },
    /// Close a connection; the other end sees `on_disconnected`.
    Close {
        conn: ConnId,
    },
    SetTimer {
        timer: Timer,
        at: Time,
    },
    CancelTimer {
        timer: Timer,
    },
    /// A monitor's `notifyAll()` and the waiters it woke.
    NotifyAll {
        monitor: Monitor,
        woke: Vec<Waiter>,
    },
    /// A notable line of the server's log, as data.
    Note(Note),
    /// `writeLongToFile`: write `<file>.tmp`, fsync, rename. Durable when it returns.
    PersistEpoch {
        file: EpochFile,
        epoch: Epoch,
    },
    /// Append a txn to the txn log: in the OS buffer, lost by a crash until an `Fsync`.
    AppendTxn {
        txn: Txn,
    },
    /// `FileTxnLog.commit()`: make every append so far durable. The world answers with
    /// `on_fsync_done` after the disk's latency.
    Fsync,
    /// `takeSnapshot()`: write `snapshot.<zxid>`, durable when it returns.
    /// With `supersedes_log`, the txn log before it is dropped (after a SNAP sync).
    TakeSnapshot {
        snapshot: Snapshot,
        supersedes_log: bool,
    },
    /// `truncateLog(zxid)`: cut the txn log after `zxid`.
    TruncateLog {
        zxid: Zxid,
    },
    /// `ServiceUtils.requestSystemExit`: the process exits.
    Exit {
        reason: ShutdownReason,
    },
    /// The JVM starts a piece of work that takes time (the world decides how long); the world
    /// answers with `on_work_done(work)` when it ends.
    Work {
        work: Work,
    },
    /// Write to a client's connection (§13): a ConnectResponse, a reply, or the close.
    ClientReply {
        client: ClientId,
        reply: ClientReply,
    },
}

/// Work of the JVM whose duration the world models (sim's `JvmTiming`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Work {
    /// `ZooKeeperServer.startup()` inside `Leader.startZkServer` (§3.6): the session tracker,
    /// the request processors, JMX and metrics, then RUNNING and `notifyAll()`. `epoch` is
    /// the leader's, so a late answer cannot end a later leadership's startup.
    ZkStartup { epoch: Epoch },
}

/// The effects of one input, in order.
pub type Outbox = Vec<Effect>;
