//! The event log: every connect, send, delivery, timer, phase change, state change, fault and
//! `notifyAll`, in order, with send → delivery links. It is the product's spine: the views,
//! the timeline and the trace file are all read from it.

use serde::{Deserialize, Serialize};
use std::hash::Hasher;
use zab::message::Message;
use zab::output::{Channel, ConnId, EpochFile, Timer};
use zab::peer::{Monitor, ServerState, StartupError, ThreadId, ThreadView, Waiter};
use zab::reason::{Note, ShutdownReason};
use zab::zk_database::TxnOp;
use zab::{Epoch, Sid, Time, Zxid};

/// A message on the wire, numbered by the world.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MsgId(pub u64);

/// Why a connect() failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConnectFailure {
    /// Nothing listens on that port (the quorum port is open only while leading).
    Refused,
    /// No answer within the connect timeout (the path is cut, or the server is absent).
    TimedOut,
}

/// Why a connection broke (both ends see it reset at once).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BreakCause {
    Partition,
    ByHand,
}

/// Why a message in flight was lost.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DropCause {
    /// Its connection closed or broke, or its receiver went down, before it arrived.
    ConnectionClosed,
    ByHand,
}

/// One line of the log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    pub index: u64,
    pub time: Time,
    #[serde(flatten)]
    pub event: LogEvent,
}

/// What happened. Serialized as JSON with a `"kind"` tag; this is the trace schema.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LogEvent {
    PeerStarted {
        sid: Sid,
    },
    StartupFailed {
        sid: Sid,
        reason: StartupError,
    },
    Crashed {
        sid: Sid,
    },
    Connect {
        conn: ConnId,
        channel: Channel,
        from: Sid,
        to: Sid,
    },
    Accept {
        conn: ConnId,
        channel: Channel,
        from: Sid,
        to: Sid,
    },
    Connected {
        conn: ConnId,
        channel: Channel,
        from: Sid,
        to: Sid,
    },
    ConnectFailed {
        conn: ConnId,
        channel: Channel,
        from: Sid,
        to: Sid,
        reason: ConnectFailure,
    },
    Close {
        conn: ConnId,
        by: Sid,
    },
    Disconnected {
        conn: ConnId,
        sid: Sid,
    },
    Break {
        conn: ConnId,
        reason: BreakCause,
    },
    Send {
        msg: MsgId,
        conn: ConnId,
        channel: Channel,
        from: Sid,
        to: Sid,
        message: Message,
        deliver_at: Time,
    },
    Deliver {
        msg: MsgId,
        send_index: u64,
        from: Sid,
        to: Sid,
    },
    Drop {
        msg: MsgId,
        send_index: u64,
        reason: DropCause,
    },
    Delay {
        msg: MsgId,
        extra_ms: u64,
    },
    Timer {
        sid: Sid,
        timer: Timer,
    },
    StateChange {
        sid: Sid,
        from: ServerState,
        to: ServerState,
    },
    /// A thread began, or what it does changed (its step, or what its wait has).
    Thread {
        sid: Sid,
        view: ThreadView,
    },
    /// A thread ended (its role ended, or the wait it stood for is over).
    ThreadEnded {
        sid: Sid,
        thread: ThreadId,
    },
    NotifyAll {
        sid: Sid,
        monitor: Monitor,
        woke: Vec<Waiter>,
    },
    /// A notable line of the server's log.
    Note {
        sid: Sid,
        note: Note,
    },
    /// `ServiceUtils.requestSystemExit`: the process exits (a crash follows at once).
    Exit {
        sid: Sid,
        reason: ShutdownReason,
    },
    Partition {
        from: Sid,
        to: Sid,
        one_way: bool,
    },
    Heal,
    PersistEpoch {
        sid: Sid,
        file: EpochFile,
        epoch: Epoch,
    },
    AppendTxn {
        sid: Sid,
        zxid: Zxid,
    },
    Fsync {
        sid: Sid,
        upto: Option<Zxid>,
    },
    TakeSnapshot {
        sid: Sid,
        zxid: Zxid,
    },
    TruncateLog {
        sid: Sid,
        zxid: Zxid,
        removed: Vec<Zxid>,
    },
    ClientWrite {
        sid: Sid,
        op: TxnOp,
        taken: bool,
    },
}

impl LogEvent {
    /// The peers this event concerns, for filtering by peer.
    pub fn peers(&self) -> Vec<Sid> {
        use LogEvent::*;
        match self {
            PeerStarted { sid }
            | StartupFailed { sid, .. }
            | Crashed { sid }
            | Close { by: sid, .. }
            | Disconnected { sid, .. }
            | Timer { sid, .. }
            | StateChange { sid, .. }
            | Thread { sid, .. }
            | ThreadEnded { sid, .. }
            | NotifyAll { sid, .. }
            | Note { sid, .. }
            | Exit { sid, .. }
            | PersistEpoch { sid, .. }
            | AppendTxn { sid, .. }
            | Fsync { sid, .. }
            | TakeSnapshot { sid, .. }
            | TruncateLog { sid, .. }
            | ClientWrite { sid, .. } => vec![*sid],
            Connect { from, to, .. }
            | Accept { from, to, .. }
            | Connected { from, to, .. }
            | ConnectFailed { from, to, .. }
            | Send { from, to, .. }
            | Deliver { from, to, .. }
            | Partition { from, to, .. } => vec![*from, *to],
            Break { .. } | Drop { .. } | Delay { .. } | Heal => vec![],
        }
    }
}

/// FNV-1a over the JSON lines of the log: equal logs, equal hashes, on every target.
pub fn trace_hash(entries: &[LogEntry]) -> u64 {
    let mut h = fnv::FnvHasher::default();
    for e in entries {
        h.write(to_json_line(e).as_bytes());
        h.write(b"\n");
    }
    h.finish()
}

/// One entry as a JSON line (the trace file schema).
pub fn to_json_line(e: &LogEntry) -> String {
    serde_json::to_string(e).expect("log entries are plain data and always serialize")
}
