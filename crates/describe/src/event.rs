//! One line per event-log entry, and the faults a person can inject.

use sim::checker::Mark;
use sim::network::Direction;
use sim::session::UserAction;
use sim::trace::{BreakCause, ConnectFailure, DropCause, LogEvent};
use zab::output::EpochFile;

use crate::reason::{note, reason, startup_error};
use crate::thread::{monitor, phase, thread_id, thread_name, waiters};

/// One entry of the event log in ZooKeeper's words, for the log panel and `zabsim run`.
pub fn event(e: &LogEvent) -> String {
    use LogEvent::*;
    match e {
        PeerStarted { sid } => format!("server {sid} started: QuorumPeer.start()"),
        StartupFailed { sid, reason } => {
            format!("server {sid} failed to start: {}", startup_error(reason))
        }
        Crashed { sid } => format!("server {sid} crashed"),
        Paused { sid } => format!("server {sid} paused (SIGSTOP or a GC pause): no thread runs"),
        Resumed { sid, paused_ms } => format!(
            "server {sid} resumed after {paused_ms} ms: overdue timers fire, then it reads what \
             arrived"
        ),
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
        } => format!("{from} → {to} connect failed: {}", connect_failure(*reason)),
        Close { conn, by } => format!("{by} closed connection #{}", conn.0),
        Disconnected { conn, sid } => format!("{sid} saw connection #{} close", conn.0),
        Break { conn, reason } => {
            format!("connection #{} broke: {}", conn.0, break_cause(*reason))
        }
        Send(s) => format!("{} → {} {}", s.from, s.to, s.message.summary()),
        Deliver { to, msg, .. } => format!("#{} delivered to {to}", msg.0),
        Drop { msg, reason, .. } => format!("message #{} dropped: {}", msg.0, drop_cause(*reason)),
        Delay { msg, extra_ms } => format!("message #{} held {extra_ms} ms longer", msg.0),
        Timer { sid, timer } => format!("{sid} timer {timer:?}"),
        StateChange { sid, from, to } => format!("server {sid}: {from} → {to}"),
        Thread { sid, view } => format!("{sid} {}: {}", thread_name(view), phase(view)),
        ThreadEnded { sid, thread } => format!("{sid} {} ended", thread_id(*thread)),
        NotifyAll {
            sid,
            monitor: m,
            woke,
        } => {
            format!("{sid} {}.notifyAll() woke {}", monitor(*m), waiters(woke))
        }
        Note { sid, note: n } => format!("{sid}: {}", note(*sid, n)),
        Exit { sid, reason: r } => format!("{sid}: exiting: {}", reason(r)),
        Partition {
            from,
            to,
            direction: Direction::OneWay,
        } => format!("partition {from} ↛ {to}"),
        Partition {
            from,
            to,
            direction: Direction::Both,
        } => format!("partition {from} ↮ {to}"),
        Heal => "network healed".to_string(),
        PersistEpoch {
            sid,
            file: EpochFile::Current,
            epoch,
        } => format!("{sid} wrote currentEpoch={epoch}"),
        PersistEpoch {
            sid,
            file: EpochFile::Accepted,
            epoch,
        } => format!("{sid} wrote acceptedEpoch={epoch}"),
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
        Client { client, sid, event } => crate::client::client_event(*client, *sid, event),
    }
}

/// Why a connect() failed, in the words of the Java exception.
pub fn connect_failure(f: ConnectFailure) -> &'static str {
    match f {
        ConnectFailure::Refused => "Connection refused",
        ConnectFailure::TimedOut => "connect timed out",
    }
}

/// Why a connection broke.
pub fn break_cause(c: BreakCause) -> &'static str {
    match c {
        BreakCause::Partition => "network partition",
        BreakCause::ByHand => "broken by hand",
    }
}

/// Why a message in flight was lost.
pub fn drop_cause(c: DropCause) -> &'static str {
    match c {
        DropCause::ConnectionClosed => "connection closed",
        DropCause::ByHand => "dropped by hand",
    }
}

/// A reachability mark of a seed sweep.
pub fn mark(m: Mark) -> &'static str {
    match m {
        Mark::Diff => "DIFF sync",
        Mark::Trunc => "TRUNC sync",
        Mark::Snap => "SNAP sync",
        Mark::EpochWaitTimeout => "getEpochToPropose timed out",
        Mark::NotifyAllWokeTwo => "a notifyAll woke ≥ 2 waiters",
        Mark::LeaderLostQuorum => "leader lost its quorum",
        Mark::ObserverSynced => "an observer synced",
    }
}

/// A fault or action a person injected, as the timeline and the log say it.
pub fn user_action(a: &UserAction) -> String {
    match a {
        UserAction::Crash(s) => format!("crash {s}"),
        UserAction::Restart(s) => format!("restart {s}"),
        UserAction::Partition {
            from,
            to,
            direction: Direction::Both,
        } => format!("partition {from} ↮ {to}"),
        UserAction::Partition {
            from,
            to,
            direction: Direction::OneWay,
        } => format!("partition {from} ↛ {to}"),
        UserAction::Heal => "heal".to_string(),
        UserAction::Break { a, b } => format!("break {a}–{b}"),
        UserAction::Drop(m) => format!("drop message #{}", m.0),
        UserAction::Delay { msg, extra_ms } => {
            format!("delay message #{} by {extra_ms} ms", msg.0)
        }
        UserAction::Write(s) => format!("client write at {s}"),
        UserAction::Connect(s) => format!("a client connects to {s} (session, ephemeral znode)"),
        UserAction::Pause(s) => format!("pause {s}"),
        UserAction::Resume(s) => format!("resume {s}"),
    }
}
