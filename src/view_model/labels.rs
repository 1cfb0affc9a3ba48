//! The words on the screen: vote lines, countdowns, message labels, truncation. Pure functions
//! of protocol values, so each is tested natively and every view says things the same way.

use zab::election::Vote;
use zab::{Epoch, Sid};

/// `text` cut to at most `max` characters, ending with `…` when cut.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// A vote as the card shows it: proposed leader, its zxid as `epoch:counter`, its peerEpoch.
pub fn vote_text(vote: &Vote, compact: bool) -> String {
    if compact {
        format!(
            "vote {} · {} · pE {}",
            vote.id,
            vote.zxid.short(),
            vote.peer_epoch
        )
    } else {
        format!(
            "vote {} · zxid {} · peerEpoch {}",
            vote.id,
            vote.zxid.short(),
            vote.peer_epoch
        )
    }
}

/// FastLeaderElection's `logicalclock` (the election round), with the current epoch.
pub fn clock_text(logicalclock: i64, current_epoch: Epoch, compact: bool) -> String {
    if compact {
        format!("clock {logicalclock} · epoch {current_epoch}")
    } else {
        format!("logicalclock {logicalclock} · currentEpoch {current_epoch}")
    }
}

/// Time left until a deadline, as people read it: `143 ms`, `1.2 s`, `due`.
pub fn countdown_text(deadline_ms: u64, now_ms: f64) -> String {
    let left = deadline_ms as f64 - now_ms;
    if left <= 0.0 {
        return "due".to_string();
    }
    let ms = left.ceil() as u64;
    if ms < 1000 {
        format!("{ms} ms")
    } else {
        format!("{:.1} s", left / 1000.0)
    }
}

/// A set of sids as `{1, 3}`.
pub fn sid_set_text(sids: &[Sid]) -> String {
    let inner: Vec<String> = sids.iter().map(|s| s.to_string()).collect();
    format!("{{{}}}", inner.join(", "))
}

/// The short line under a message's kind: the fields of its `summary()` after the kind, whole
/// words only, at most `max` characters. Works for any message kind, present or future.
pub fn message_fields(kind: &str, summary: &str, max: usize) -> String {
    let rest = summary.strip_prefix(kind).unwrap_or(summary).trim();
    let mut out = String::new();
    for word in rest.split_whitespace() {
        let extra = if out.is_empty() {
            word.len()
        } else {
            word.len() + 1
        };
        if out.chars().count() + extra > max {
            if out.is_empty() {
                return truncate(word, max);
            }
            out.push_str(" …");
            return out;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The sim clock for the status line: `1234.5 ms` below ten seconds, `12.35 s` above.
pub fn clock_label(ms: f64) -> String {
    if ms < 10_000.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{:.2} s", ms / 1000.0)
    }
}

/// "1 voter", "5 voters + 2 observers".
pub fn ensemble_label(voters: u32, observers: u32) -> String {
    let v = if voters == 1 { "voter" } else { "voters" };
    match observers {
        0 => format!("{voters} {v}"),
        1 => format!("{voters} {v} + 1 observer"),
        o => format!("{voters} {v} + {o} observers"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zab::peer::ServerState;
    use zab::Zxid;

    fn vote() -> Vote {
        Vote {
            id: Sid(3),
            zxid: Zxid::make(Epoch(1), 4),
            election_epoch: 2,
            peer_epoch: Epoch(1),
            state: ServerState::Looking,
        }
    }

    #[test]
    fn test_vote_text_shows_leader_zxid_and_peer_epoch() {
        assert_eq!(vote_text(&vote(), false), "vote 3 · zxid 1:4 · peerEpoch 1");
        assert_eq!(vote_text(&vote(), true), "vote 3 · 1:4 · pE 1");
    }

    #[test]
    fn test_clock_text() {
        assert_eq!(
            clock_text(2, Epoch(0), false),
            "logicalclock 2 · currentEpoch 0"
        );
        assert_eq!(clock_text(2, Epoch(0), true), "clock 2 · epoch 0");
    }

    #[test]
    fn test_truncate_counts_characters_not_bytes() {
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("abcd", 3), "ab…");
        assert_eq!(truncate("→→→→", 3), "→→…");
        assert_eq!(truncate("", 0), "");
    }

    #[test]
    fn test_countdown() {
        assert_eq!(countdown_text(500, 357.2), "143 ms");
        assert_eq!(countdown_text(500, 500.0), "due");
        assert_eq!(countdown_text(500, 900.0), "due");
        assert_eq!(countdown_text(20_000, 0.0), "20.0 s");
        assert_eq!(countdown_text(1_250, 0.0), "1.2 s");
    }

    #[test]
    fn test_sid_set() {
        assert_eq!(sid_set_text(&[Sid(1), Sid(3)]), "{1, 3}");
        assert_eq!(sid_set_text(&[]), "{}");
    }

    #[test]
    fn test_message_fields_keeps_whole_words() {
        let s = "NOTIFICATION LOOKING leader=2 zxid=0:0 electionEpoch=1 peerEpoch=0";
        assert_eq!(
            message_fields("NOTIFICATION", s, 100),
            "LOOKING leader=2 zxid=0:0 electionEpoch=1 peerEpoch=0"
        );
        assert_eq!(
            message_fields("NOTIFICATION", s, 26),
            "LOOKING leader=2 zxid=0:0 …"
        );
        assert_eq!(message_fields("CONNECT", "CONNECT sid=3", 26), "sid=3");
        assert_eq!(message_fields("PING", "PING", 26), "");
        assert_eq!(message_fields("X", "X averyveryverylongword", 6), "avery…");
        // A summary that does not start with its kind is shown whole.
        assert_eq!(message_fields("ACK", "ack zxid=1:1", 26), "ack zxid=1:1");
    }

    #[test]
    fn test_status_labels() {
        assert_eq!(clock_label(1234.56), "1234.6 ms");
        assert_eq!(clock_label(12_345.0), "12.35 s");
        assert_eq!(ensemble_label(1, 0), "1 voter");
        assert_eq!(ensemble_label(5, 1), "5 voters + 1 observer");
        assert_eq!(ensemble_label(3, 2), "3 voters + 2 observers");
    }
}
