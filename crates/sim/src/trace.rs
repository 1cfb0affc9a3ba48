//! The event log: every connect, send, delivery, timer, phase change, state change, fault and
//! `notifyAll`, in order, with send → delivery links. It is the product's spine: the views,
//! the timeline and the trace file are all read from it.

use crate::clients::ClientEvent;
use crate::network::Direction;
use serde::{Deserialize, Serialize};
use std::hash::Hasher;
use zab::message::Message;
use zab::output::{Channel, ConnId, EpochFile, Timer};
use zab::packet::QuorumPacket;
use zab::peer::{Monitor, ServerState, StartupError, ThreadId, ThreadView, Waiter};
use zab::reason::{Note, ShutdownReason};
use zab::sessions::ClientId;
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

/// A message on its way: who sent it to whom, on which connection, and when it arrives.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sent {
    pub msg: MsgId,
    pub conn: ConnId,
    pub channel: Channel,
    pub from: Sid,
    pub to: Sid,
    pub message: Message,
    pub deliver_at: Time,
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
        reason: Box<StartupError>,
    },
    Crashed {
        sid: Sid,
    },
    /// The process stopped (SIGSTOP, or a stop-the-world GC pause): no thread of it runs
    /// until it resumes, but its kernel still buffers what arrives (§11.5).
    Paused {
        sid: Sid,
    },
    /// The process goes on after `paused_ms`: its overdue timers fire, then it reads what
    /// arrived meanwhile.
    Resumed {
        sid: Sid,
        paused_ms: u64,
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
    /// A message written to a connection. Boxed, like every large payload here, so a log
    /// entry stays small: a long run keeps a million of them (a box serializes as its
    /// contents, so the trace is the same as with the fields inline).
    Send(Box<Sent>),
    /// A message arrived at `to`; its send (sender, packet) is the entry at `send_index`.
    Deliver {
        msg: MsgId,
        send_index: u64,
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
        view: Box<ThreadView>,
    },
    /// A thread ended (its role ended, or the wait it stood for is over).
    ThreadEnded {
        sid: Sid,
        thread: ThreadId,
    },
    NotifyAll {
        sid: Sid,
        monitor: Monitor,
        woke: Box<[Waiter]>,
    },
    /// A notable line of the server's log.
    Note {
        sid: Sid,
        note: Box<Note>,
    },
    /// `ServiceUtils.requestSystemExit`: the process exits (a crash follows at once).
    Exit {
        sid: Sid,
        reason: Box<ShutdownReason>,
    },
    Partition {
        from: Sid,
        to: Sid,
        direction: Direction,
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
        removed: Box<Vec<Zxid>>,
    },
    ClientWrite {
        sid: Sid,
        op: Box<TxnOp>,
        taken: bool,
    },
    /// A client's connect, request, reply, connection loss or expiry, at server `sid` (§13).
    Client {
        client: ClientId,
        sid: Sid,
        event: Box<ClientEvent>,
    },
}

impl LogEvent {
    /// A sent quorum packet: (from, to, packet).
    pub fn sent_packet(&self) -> Option<(Sid, Sid, &QuorumPacket)> {
        match self {
            LogEvent::Send(s) => match &s.message {
                Message::Quorum(p) => Some((s.from, s.to, p)),
                _ => None,
            },
            _ => None,
        }
    }

    /// A send, with its fields.
    pub fn sent(&self) -> Option<&Sent> {
        match self {
            LogEvent::Send(s) => Some(s),
            _ => None,
        }
    }

    /// A server's log note: (server, note).
    pub fn note(&self) -> Option<(Sid, &Note)> {
        match self {
            LogEvent::Note { sid, note } => Some((*sid, note)),
            _ => None,
        }
    }

    /// The peers this event concerns, for filtering by peer.
    pub fn peers(&self) -> Vec<Sid> {
        use LogEvent::*;
        match self {
            PeerStarted { sid }
            | StartupFailed { sid, .. }
            | Crashed { sid }
            | Paused { sid }
            | Resumed { sid, .. }
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
            | ClientWrite { sid, .. }
            | Client { sid, .. }
            | Deliver { to: sid, .. } => vec![*sid],
            Connect { from, to, .. }
            | Accept { from, to, .. }
            | Connected { from, to, .. }
            | ConnectFailed { from, to, .. }
            | Partition { from, to, .. } => vec![*from, *to],
            Send(s) => vec![s.from, s.to],
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

#[cfg(test)]
mod tests {
    use super::*;

    // Issue 9: a long run keeps a million entries, so each must stay small; large payloads
    // (a packet, a thread's view, a note, a client's op) are boxed.
    #[test]
    fn test_a_log_entry_stays_small() {
        assert!(
            std::mem::size_of::<LogEntry>() <= 48,
            "{} bytes",
            std::mem::size_of::<LogEntry>()
        );
    }
}
