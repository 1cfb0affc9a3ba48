//! The event log: every connect, send, delivery, timer, phase change, state change, fault and
//! `notifyAll`, in order, with send → delivery links. It is the product's spine: the views,
//! the timeline and the trace file are all read from it.

use serde::{Deserialize, Serialize};
use std::hash::Hasher;
use zab::message::Message;
use zab::output::{Channel, ConnId, EpochFile, Timer};
use zab::peer::ServerState;
use zab::{Epoch, Sid, Time, Zxid};

/// A message on the wire, numbered by the world.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MsgId(pub u64);

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
        reason: String,
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
        reason: String,
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
        reason: String,
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
        reason: String,
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
    Phase {
        sid: Sid,
        thread: String,
        phase: Option<String>,
    },
    NotifyAll {
        sid: Sid,
        monitor: String,
        woke: Vec<String>,
    },
    Log {
        sid: Sid,
        text: String,
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
        op: String,
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
            | Phase { sid, .. }
            | NotifyAll { sid, .. }
            | Log { sid, .. }
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

    /// One line in ZooKeeper's words, for the event log panel and `zabsim run`.
    pub fn describe(&self) -> String {
        use LogEvent::*;
        match self {
            PeerStarted { sid } => format!("server {sid} started: QuorumPeer.start()"),
            StartupFailed { sid, reason } => format!("server {sid} failed to start: {reason}"),
            Crashed { sid } => format!("server {sid} crashed"),
            Connect {
                channel, from, to, ..
            } => format!("{from} → {to} connect ({channel:?})"),
            Accept {
                channel, from, to, ..
            } => format!("{to} accepted {from} ({channel:?})"),
            Connected {
                channel, from, to, ..
            } => format!("{from} → {to} connected ({channel:?})"),
            ConnectFailed {
                from, to, reason, ..
            } => format!("{from} → {to} connect failed: {reason}"),
            Close { conn, by } => format!("{by} closed connection #{}", conn.0),
            Disconnected { conn, sid } => format!("{sid} saw connection #{} close", conn.0),
            Break { conn, reason } => format!("connection #{} broke: {reason}", conn.0),
            Send {
                from, to, message, ..
            } => format!("{from} → {to} {}", message.summary()),
            Deliver { from, to, msg, .. } => format!("{from} → {to} delivered #{}", msg.0),
            Drop { msg, reason, .. } => format!("message #{} dropped: {reason}", msg.0),
            Delay { msg, extra_ms } => format!("message #{} held {extra_ms} ms longer", msg.0),
            Timer { sid, timer } => format!("{sid} timer {timer:?}"),
            StateChange { sid, from, to } => format!("server {sid}: {from} → {to}"),
            Phase {
                sid,
                thread,
                phase: Some(p),
            } => format!("{sid} {thread}: {p}"),
            Phase {
                sid,
                thread,
                phase: None,
            } => format!("{sid} {thread} ended"),
            NotifyAll { sid, monitor, woke } => {
                format!("{sid} {monitor}.notifyAll() woke {}", woke.join(", "))
            }
            Log { sid, text } => format!("{sid}: {text}"),
            Partition {
                from,
                to,
                one_way: true,
            } => format!("partition {from} ↛ {to}"),
            Partition {
                from,
                to,
                one_way: false,
            } => format!("partition {from} ↮ {to}"),
            Heal => "network healed".to_string(),
            PersistEpoch {
                sid,
                file: EpochFile::Current,
                epoch,
            } => {
                format!("{sid} wrote currentEpoch={epoch}")
            }
            PersistEpoch {
                sid,
                file: EpochFile::Accepted,
                epoch,
            } => {
                format!("{sid} wrote acceptedEpoch={epoch}")
            }
            AppendTxn { sid, zxid } => format!("{sid} appended {} to the txn log", zxid.short()),
            Fsync { sid, upto: Some(z) } => {
                format!("{sid} fsync: txn log durable up to {}", z.short())
            }
            Fsync { sid, upto: None } => format!("{sid} fsync: nothing to flush"),
            TakeSnapshot { sid, zxid } => format!("{sid} wrote snapshot.{:x}", zxid.0),
            TruncateLog { sid, zxid, removed } => format!(
                "{sid} truncated its txn log after {} (removed {} txn(s))",
                zxid.short(),
                removed.len()
            ),
            ClientWrite {
                sid,
                op,
                taken: true,
            } => format!("client → {sid}: {op}"),
            ClientWrite {
                sid,
                op,
                taken: false,
            } => format!("client → {sid}: {op} refused (not serving)"),
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
