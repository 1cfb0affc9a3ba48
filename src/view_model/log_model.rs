//! The event log panel's lines: the last entries of `Simulation::log`, optionally only those
//! that concern one server, in ZooKeeper's words (`LogEvent::describe`).

use sim::{LogEntry, LogEvent};
use zab::Sid;

/// How many entries the panel shows.
pub const LOG_LINES: usize = 200;

#[derive(Clone, Debug, PartialEq)]
pub struct LogLine {
    pub index: u64,
    pub time_ms: u64,
    pub text: String,
    /// What kind of event, for its colour: `send`, `state`, `fault`, …
    pub class: &'static str,
}

/// The colour family of an event. Kinds added to the log later fall back to `note`.
pub fn class_of(event: &LogEvent) -> &'static str {
    use LogEvent::*;
    match event {
        PeerStarted { .. } | StartupFailed { .. } | Crashed { .. } => "lifecycle",
        Connect { .. } | Accept { .. } | Connected { .. } | ConnectFailed { .. } => "connect",
        Close { .. } | Disconnected { .. } | Break { .. } | Partition { .. } | Heal => "fault",
        Send { .. } => "send",
        Deliver { .. } => "deliver",
        Drop { .. } => "fault",
        Timer { .. } => "timer",
        StateChange { .. } => "state",
        Phase { .. } | NotifyAll { .. } => "thread",
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
    let mut lines: Vec<LogLine> = log
        .iter()
        .rev()
        .filter(|e| filter.is_none_or(|sid| e.event.peers().contains(&sid)))
        .take(max)
        .map(|e| LogLine {
            index: e.index,
            time_ms: e.time.0,
            text: e.event.describe(),
            class: class_of(&e.event),
        })
        .collect();
    lines.reverse();
    lines
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
    fn test_classes() {
        assert_eq!(class_of(&LogEvent::Heal), "fault");
        assert_eq!(class_of(&LogEvent::Crashed { sid: Sid(1) }), "lifecycle");
    }
}
