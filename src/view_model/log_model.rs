//! The event log panel's lines: the last entries of `Simulation::log`, optionally only those
//! that concern one server and only some kinds of event, in ZooKeeper's words
//! (`describe::event`).
//!
//! ```text
//!   log (newest last) ──rev──▶ peer filter ──▶ kind filter (LogKinds) ──take(max)──▶ lines
//! ```
//!
//! An entry may belong to several kinds (a `notifyAll` is a thread event and part of
//! discovery); it is shown when any of its kinds is switched on.

use sim::{LogEntry, LogEvent, MsgId};
use zab::leader::{HandlerPhase, LeadPhase};
use zab::message::{Message, MessagePhase};
use zab::output::Channel;
use zab::peer::{LearnerStep, ServerState, ThreadId, ThreadPhase, ThreadView};
use zab::reason::Note;
use zab::Sid;

/// While playing, the event log catches up at most this often (wall-clock ms): 5 times a second.
pub const LOG_REFRESH_MS: f64 = 200.0;

/// How many entries the panel shows: the last 60 up to the cursor (about four panels' worth).
/// Each is three elements, and a scrub replaces them all every frame: 200 lines were 60 % of
/// the page's elements and most of a scrub frame's work. Earlier entries are a seek away.
pub const LOG_LINES: usize = 60;

#[derive(Clone, Debug, PartialEq)]
pub struct LogLine {
    pub index: u64,
    pub time_ms: u64,
    pub text: String,
    /// What kind of event, for its colour: `send`, `state`, `fault`, …
    pub class: &'static str,
    /// The message the entry is about (its send, delivery, drop or delay): a click on the
    /// line picks it, and the picked message's lines are marked.
    pub msg: Option<MsgId>,
}

/// The message an event is about, if it is one of a message's own events.
pub fn message_of(event: &LogEvent) -> Option<MsgId> {
    match event {
        LogEvent::Send(s) => Some(s.msg),
        LogEvent::Deliver { msg, .. }
        | LogEvent::Drop { msg, .. }
        | LogEvent::Delay { msg, .. } => Some(*msg),
        _ => None,
    }
}

/// The colour family of an event. Kinds added to the log later fall back to `note`.
pub fn class_of(event: &LogEvent) -> &'static str {
    use LogEvent::*;
    match event {
        PeerStarted { .. }
        | StartupFailed { .. }
        | Crashed { .. }
        | Paused { .. }
        | Resumed { .. } => "lifecycle",
        Connect { .. } | Accept { .. } | Connected { .. } | ConnectFailed { .. } => "connect",
        Close { .. } | Disconnected { .. } | Break { .. } | Partition { .. } | Heal => "fault",
        Send(_) => "send",
        Deliver { .. } => "deliver",
        Drop { .. } => "fault",
        Timer { .. } => "timer",
        StateChange { .. } => "state",
        Thread { .. } | ThreadEnded { .. } | NotifyAll { .. } => "thread",
        Exit { .. } => "lifecycle",
        PersistEpoch { .. }
        | AppendTxn { .. }
        | Fsync { .. }
        | TakeSnapshot { .. }
        | TruncateLog { .. } => "disk",
        _ => "note",
    }
}

/// The last `max` entries, newest last, that concern `filter` (all when `None`).
pub fn log_lines(log: &[LogEntry], filter: Option<Sid>, max: usize) -> Vec<LogLine> {
    log_lines_of_kinds(log, filter, LogKinds::ALL, max)
}

/// The last `max` entries, newest last, that concern `filter` and are of one of `kinds`.
pub fn log_lines_of_kinds(
    log: &[LogEntry],
    filter: Option<Sid>,
    kinds: LogKinds,
    max: usize,
) -> Vec<LogLine> {
    let all = kinds == LogKinds::ALL;
    let mut lines: Vec<LogLine> = log
        .iter()
        .rev()
        .filter(|e| filter.is_none_or(|sid| e.event.peers().contains(&sid)))
        .filter(|e| all || kinds_of(&e.event, log).intersects(kinds))
        .take(max)
        .map(|e| LogLine {
            index: e.index,
            time_ms: e.time.0,
            text: text_of(log, e),
            class: class_of(&e.event),
            msg: message_of(&e.event),
        })
        .collect();
    lines.reverse();
    lines
}

/// An entry's line; `Leader.lead()`'s first one with the number "LEADER ELECTION TOOK"
/// stands for (see [`crate::view_model::stats::election_took`]).
fn text_of(log: &[LogEntry], e: &LogEntry) -> String {
    match &e.event {
        LogEvent::Note { sid, note } if matches!(**note, Note::LeadingStarted) => {
            let took = crate::view_model::stats::election_took(log, e.index as usize, *sid);
            format!("{sid}: {}", describe::leading_started(took))
        }
        _ => describe::event(&e.event),
    }
}

/// The kinds of event the log panel can show or hide.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogKind {
    /// FastLeaderElection: notifications, election connections, LOOKING.
    Election,
    /// Discovery and synchronisation: FOLLOWERINFO … UPTODATE, the leader's epoch waits.
    Sync,
    /// Broadcast: PROPOSAL, ACK, COMMIT, PING, client writes.
    Broadcast,
    /// The txn log, snapshots and epoch files.
    Disk,
    /// Crashes, restarts, partitions, broken connections, dropped or delayed messages.
    Faults,
    /// Thread phases and `notifyAll`.
    Threads,
}

impl LogKind {
    pub const EVERY: [LogKind; 6] = [
        LogKind::Election,
        LogKind::Sync,
        LogKind::Broadcast,
        LogKind::Disk,
        LogKind::Faults,
        LogKind::Threads,
    ];

    /// The toggle's label.
    pub fn label(self) -> &'static str {
        match self {
            LogKind::Election => "election",
            LogKind::Sync => "discovery+sync",
            LogKind::Broadcast => "broadcast",
            LogKind::Disk => "disk",
            LogKind::Faults => "faults",
            LogKind::Threads => "threads",
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// A set of [`LogKind`]s.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogKinds(u8);

impl LogKinds {
    pub const NONE: LogKinds = LogKinds(0);
    pub const ALL: LogKinds = LogKinds(0b11_1111);

    pub fn of(kinds: &[LogKind]) -> LogKinds {
        LogKinds(kinds.iter().fold(0, |acc, k| acc | k.bit()))
    }

    pub fn contains(self, kind: LogKind) -> bool {
        self.0 & kind.bit() != 0
    }

    pub fn intersects(self, other: LogKinds) -> bool {
        self.0 & other.0 != 0
    }

    /// The set with `kind` switched on or off.
    pub fn toggled(self, kind: LogKind) -> LogKinds {
        LogKinds(self.0 ^ kind.bit())
    }

    /// The set with only `kind` on.
    pub fn only(kind: LogKind) -> LogKinds {
        LogKinds(kind.bit())
    }
}

impl Default for LogKinds {
    fn default() -> Self {
        LogKinds::ALL
    }
}

/// The kinds of a message on the wire: its phase (`Message::phase`, the one classification
/// the diagram and the timeline use too), with PINGs counted as broadcast.
fn message_kinds(m: &Message) -> LogKinds {
    match m.phase() {
        MessagePhase::Election => LogKinds::of(&[LogKind::Election]),
        MessagePhase::Sync => LogKinds::of(&[LogKind::Sync]),
        MessagePhase::Broadcast | MessagePhase::Ping => LogKinds::of(&[LogKind::Broadcast]),
    }
}

/// The kinds of a thread's change: threads, and the protocol part its step belongs to.
fn thread_kinds(t: &ThreadView) -> LogKinds {
    let protocol = match &t.phase {
        ThreadPhase::LookForLeader(_) => LogKind::Election,
        ThreadPhase::Fsync { .. } => LogKind::Disk,
        ThreadPhase::Run {
            state: ServerState::Looking,
            ..
        } => LogKind::Election,
        ThreadPhase::Lead {
            phase: LeadPhase::Broadcast,
            ..
        }
        | ThreadPhase::Handle {
            phase: HandlerPhase::Running,
            ..
        }
        | ThreadPhase::Learn(LearnerStep::ProcessPacket { .. }) => LogKind::Broadcast,
        _ => LogKind::Sync,
    };
    LogKinds::of(&[LogKind::Threads, protocol])
}

/// The kinds of a thread that ended, known only by its identity.
fn ended_thread_kinds(thread: ThreadId) -> LogKinds {
    let protocol = match thread {
        ThreadId::FastLeaderElection => LogKind::Election,
        ThreadId::SyncThread => LogKind::Disk,
        _ => LogKind::Sync,
    };
    LogKinds::of(&[LogKind::Threads, protocol])
}

/// The kinds of a server log note.
fn note_kinds(n: &Note) -> LogKinds {
    match n {
        Note::NonMemberNotification { .. }
        | Note::DropSmallerSidConnection { .. }
        | Note::OwnIdConnection { .. } => LogKinds::of(&[LogKind::Election]),
        Note::RequestNotServed { .. }
        | Note::AckForUnknownProposal { .. }
        | Note::ProposalGap { .. }
        | Note::IgnoredInBroadcast { .. } => LogKinds::of(&[LogKind::Broadcast]),
        _ => LogKinds::of(&[LogKind::Sync]),
    }
}

/// The kinds an entry belongs to. `log` is the whole log from index 0, so a delivery finds
/// its send by index.
pub fn kinds_of(event: &LogEvent, log: &[LogEntry]) -> LogKinds {
    use LogEvent::*;
    let channel = |c: &Channel| match c {
        Channel::Election => LogKinds::of(&[LogKind::Election]),
        Channel::Quorum => LogKinds::of(&[LogKind::Sync]),
    };
    match event {
        PeerStarted { .. }
        | StartupFailed { .. }
        | Crashed { .. }
        | Paused { .. }
        | Resumed { .. } => LogKinds::of(&[LogKind::Faults]),
        Break { .. } | Drop { .. } | Delay { .. } | Partition { .. } | Heal => {
            LogKinds::of(&[LogKind::Faults])
        }
        Connect { channel: c, .. }
        | Accept { channel: c, .. }
        | Connected { channel: c, .. }
        | ConnectFailed { channel: c, .. } => channel(c),
        // A close names only its connection id: it belongs to either protocol.
        Close { .. } | Disconnected { .. } => LogKinds::of(&[LogKind::Election, LogKind::Sync]),
        Send(s) => message_kinds(&s.message),
        Deliver { send_index, .. } => match log.get(*send_index as usize).map(|e| &e.event) {
            Some(Send(s)) => message_kinds(&s.message),
            _ => LogKinds::of(&[LogKind::Election, LogKind::Sync, LogKind::Broadcast]),
        },
        Timer { timer, .. } => match timer {
            zab::output::Timer::FleRecvPoll => LogKinds::of(&[LogKind::Election]),
            _ => LogKinds::of(&[LogKind::Sync, LogKind::Broadcast]),
        },
        StateChange { .. } => LogKinds::of(&[LogKind::Election, LogKind::Sync]),
        Thread { view, .. } => thread_kinds(view),
        ThreadEnded { thread, .. } => ended_thread_kinds(*thread),
        NotifyAll { .. } => LogKinds::of(&[LogKind::Threads, LogKind::Sync]),
        Note { note, .. } => note_kinds(note),
        Exit { .. } => LogKinds::of(&[LogKind::Faults]),
        PersistEpoch { .. }
        | AppendTxn { .. }
        | Fsync { .. }
        | TakeSnapshot { .. }
        | TruncateLog { .. } => LogKinds::of(&[LogKind::Disk]),
        ClientWrite { .. } | Client { .. } => LogKinds::of(&[LogKind::Broadcast]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim::{SimOptions, Simulation};
    use zab::Time;

    #[test]
    fn test_last_lines_newest_last_and_filtered_by_peer() {
        let mut s = Simulation::new(SimOptions::new(11, 3, 0).expect("shape")).expect("starts");
        s.run_until(Time(2_000));
        let all = log_lines(s.log(), None, 50);
        assert_eq!(all.len(), 50.min(s.log().len()));
        assert!(
            all.windows(2).all(|w| w[0].index < w[1].index),
            "newest last"
        );
        assert_eq!(all.last().map(|l| l.index), s.log().last().map(|e| e.index));

        let only3 = log_lines(s.log(), Some(Sid(3)), 1000);
        assert!(!only3.is_empty());
        for line in &only3 {
            let entry = &s.log()[line.index as usize];
            assert!(entry.event.peers().contains(&Sid(3)), "{}", line.text);
        }
        assert!(log_lines(s.log(), Some(Sid(42)), 10).is_empty());
    }

    #[test]
    fn test_kind_filter_keeps_only_entries_of_those_kinds() {
        let mut s = Simulation::new(SimOptions::new(7, 3, 0).expect("shape")).expect("starts");
        s.run_until(Time(3_000));
        let log = s.log();
        let disk = log_lines_of_kinds(log, None, LogKinds::only(LogKind::Disk), 1000);
        assert!(!disk.is_empty(), "a startup writes epochs and a snapshot");
        assert!(disk.iter().all(|l| l.class == "disk"), "{disk:?}");
        let sync = log_lines_of_kinds(log, None, LogKinds::only(LogKind::Sync), 1000);
        assert!(sync.iter().any(|l| l.text.contains("FOLLOWERINFO")));
        assert!(sync.iter().any(|l| l.text.contains("notifyAll")));
        assert!(!sync.iter().any(|l| l.text.contains("NOTIFICATION")));
        let election = log_lines_of_kinds(log, None, LogKinds::only(LogKind::Election), 1000);
        assert!(election.iter().any(|l| l.text.contains("NOTIFICATION")));
        assert!(!election.iter().any(|l| l.text.contains("FOLLOWERINFO")));
        // A delivery belongs to its send's kind.
        assert!(election.iter().any(|l| l.text.contains("delivered")));
        assert!(log_lines_of_kinds(log, None, LogKinds::NONE, 1000).is_empty());
        assert_eq!(
            log_lines_of_kinds(log, Some(Sid(2)), LogKinds::ALL, 40),
            log_lines(log, Some(Sid(2)), 40)
        );
    }

    #[test]
    fn test_kind_sets() {
        let k = LogKinds::of(&[LogKind::Disk, LogKind::Faults]);
        assert!(k.contains(LogKind::Disk) && !k.contains(LogKind::Sync));
        assert_eq!(k.toggled(LogKind::Disk), LogKinds::only(LogKind::Faults));
        assert_eq!(LogKinds::default(), LogKinds::ALL);
        assert!(LogKind::EVERY.iter().all(|k| LogKinds::ALL.contains(*k)));
        assert!(!LogKinds::NONE.intersects(LogKinds::ALL));
    }

    // A message's lines (its send, its delivery) name it, so the log can mark and pick it;
    // other lines name none.
    #[test]
    fn test_a_message_s_send_and_delivery_lines_name_it() {
        let mut s = Simulation::new(SimOptions::new(7, 3, 0).expect("shape")).expect("starts");
        s.run_until(Time(3_000));
        let lines = log_lines(s.log(), None, 10_000);
        let send = lines.iter().find(|l| l.class == "send").expect("a send");
        let id = send.msg.expect("a send names its message");
        let own: Vec<&LogLine> = lines.iter().filter(|l| l.msg == Some(id)).collect();
        let classes: Vec<&str> = own.iter().map(|l| l.class).collect();
        assert_eq!(classes, ["send", "deliver"], "{own:?}");
        assert!(own.iter().all(|l| match &s.log()[l.index as usize].event {
            LogEvent::Send(x) => x.msg == id,
            LogEvent::Deliver { msg, .. } => *msg == id,
            _ => false,
        }));
        assert!(lines
            .iter()
            .filter(|l| !matches!(l.class, "send" | "deliver"))
            .filter(|l| l.class != "fault")
            .all(|l| l.msg.is_none()));
        let drop = LogEvent::Drop {
            msg: MsgId(9),
            send_index: 0,
            reason: sim::trace::DropCause::ByHand,
        };
        assert_eq!(message_of(&drop), Some(MsgId(9)));
        assert_eq!(message_of(&LogEvent::Heal), None);
    }

    #[test]
    fn test_classes() {
        assert_eq!(class_of(&LogEvent::Heal), "fault");
        assert_eq!(class_of(&LogEvent::Crashed { sid: Sid(1) }), "lifecycle");
    }
}
