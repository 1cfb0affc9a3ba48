//! The words on the screen: vote lines, countdowns, message labels, truncation. Pure functions
//! of protocol values, so each is tested natively and every view says things the same way.

use zab::election::Vote;
use zab::message::Message;
use zab::packet::{PacketData, PacketType, QuorumPacket};
use zab::{Epoch, Sid, Zxid};

/// `text` cut to at most `max` characters, ending with `…` when cut.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// `text` wrapped at spaces into at most `lines` lines of at most `max` characters; the last
/// line ends with `…` when text is left over.
pub fn wrap_words(text: &str, max: usize, lines: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    let words: Vec<&str> = text.split_whitespace().collect();
    for (i, word) in words.iter().enumerate() {
        let len = cur.chars().count();
        let need = if cur.is_empty() { 0 } else { 1 } + word.chars().count();
        if len + need > max && !cur.is_empty() {
            if out.len() + 1 == lines {
                let rest = words[i..].join(" ");
                out.push(truncate(&format!("{cur} {rest}"), max));
                return out;
            }
            out.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
    }
    if !cur.is_empty() && out.len() < lines {
        out.push(truncate(&cur, max));
    }
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
/// Wall-clock milliseconds a countdown holds still while playing (10 updates a second).
pub const COUNTDOWN_HOLD_MS: f64 = 100.0;

/// The clock a countdown is shown at. Paused, the display clock itself. Playing at `speed`×,
/// the display clock rounded down to steps of 100 ms of wall time: a countdown read by a person
/// needs no more than 10 updates a second, and each update of an SVG text or ring is paint.
pub fn countdown_clock(display_ms: f64, playing: bool, speed: f64) -> f64 {
    let step = COUNTDOWN_HOLD_MS * speed;
    if !playing || step <= 0.0 || !step.is_finite() {
        return display_ms;
    }
    (display_ms / step).floor() * step
}

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

/// A zxid as people read it, `epoch:counter`, with ZooKeeper's hex beside it: `1:0 (0x100000000)`.
pub fn zxid_long(z: Zxid) -> String {
    format!("{} ({z})", z.short())
}

/// The lines a message's pill shows under its kind: the fields that matter for that packet,
/// zxids as `epoch:counter`. FOLLOWERINFO / OBSERVERINFO show their `LearnerInfo` and the
/// acceptedEpoch zxid (`makeZxid(acceptedEpoch, 0)`), the learner's part of the epoch vote.
pub fn message_pill_lines(message: &Message) -> Vec<String> {
    match message {
        Message::QcmHeader { sid } => vec![format!("sid={sid}")],
        Message::Notification(n) => vec![
            format!("{:?} leader={}", n.state, n.leader),
            format!(
                "zxid {} · e{} · pE {}",
                n.zxid.short(),
                n.election_epoch,
                n.peer_epoch
            ),
        ],
        Message::Quorum(p) => packet_pill_lines(p),
    }
}

fn packet_pill_lines(p: &QuorumPacket) -> Vec<String> {
    use PacketType::*;
    let z = p.zxid.short();
    match (&p.data, p.ty) {
        (PacketData::LearnerInfo(li), _) => vec![
            format!(
                "LearnerInfo sid={} 0x{:x} cfg={}",
                li.serverid, li.protocol_version, li.config_version
            ),
            format!("acceptedEpoch zxid {z}"),
        ],
        (PacketData::ProtocolVersion(v), _) => {
            vec![
                format!("newEpoch {} · zxid {z}", p.zxid.epoch()),
                format!("0x{v:x}"),
            ]
        }
        (PacketData::CurrentEpoch(e), _) => vec![format!("currentEpoch {e} · zxid {z}")],
        (PacketData::Txn(t), _) => vec![format!("zxid {}", t.zxid.short()), short_op(&t.op)],
        (PacketData::Snapshot(s), _) => vec![format!("zxid {z} · {} znodes", s.tree.len())],
        (PacketData::Config(_), _) => vec![format!("newEpoch {} · zxid {z}", p.zxid.epoch())],
        (PacketData::Request(op), _) => vec![short_op(op)],
        // Client sessions (issue 12): minimal labels, no UI work yet.
        (PacketData::ClientRequest(r), _) => vec![short_op(&r.op)],
        (PacketData::Sessions(s), _) => vec![format!("{} session(s) touched", s.len())],
        (PacketData::Revalidate { session, .. }, _) => vec![format!("session {session}")],
        (PacketData::Revalidated { session, valid }, _) => {
            vec![format!("session {session} valid={valid}")]
        }
        (PacketData::None, UpToDate | Ping) => Vec::new(),
        (PacketData::None, _) => vec![format!("zxid {z}")],
    }
}

fn short_op(op: &zab::zk_database::TxnOp) -> String {
    truncate(&op.to_string(), 28)
}

/// Every field of a message, for the message detail panel: `(name, value)` in wire order,
/// Java names, zxids as `epoch:counter (hex)`.
pub fn message_fields_full(message: &Message) -> Vec<(String, String)> {
    let f = |k: &str, v: String| (k.to_string(), v);
    match message {
        Message::QcmHeader { sid } => vec![
            f(
                "protocolVersion",
                "-65536 (PROTOCOL_VERSION_V1)".to_string(),
            ),
            f("sid", sid.to_string()),
        ],
        Message::Notification(n) => vec![
            f("version", format!("0x{:x}", n.version)),
            f("state", format!("{:?}", n.state)),
            f("leader", n.leader.to_string()),
            f("zxid", zxid_long(n.zxid)),
            f("electionEpoch", n.election_epoch.to_string()),
            f("peerEpoch", n.peer_epoch.to_string()),
            f("sid", n.sid.to_string()),
        ],
        Message::Quorum(p) => {
            let mut fields = vec![
                f("type", format!("{} ({})", p.ty, p.ty as i32)),
                f("zxid", zxid_long(p.zxid)),
            ];
            match &p.data {
                PacketData::None => {}
                PacketData::LearnerInfo(li) => {
                    fields.push(f("learnerinfo.serverid", li.serverid.to_string()));
                    fields.push(f(
                        "learnerinfo.protocolVersion",
                        format!("0x{:x}", li.protocol_version),
                    ));
                    fields.push(f(
                        "learnerinfo.configVersion",
                        format!("0x{:x}", li.config_version),
                    ));
                    fields.push(f("acceptedEpoch (from zxid)", p.zxid.epoch().to_string()));
                }
                PacketData::ProtocolVersion(v) => {
                    fields.push(f("newEpoch (from zxid)", p.zxid.epoch().to_string()));
                    fields.push(f("protocolVersion", format!("0x{v:x}")));
                }
                PacketData::CurrentEpoch(e) => {
                    fields.push(f("currentEpoch", e.to_string()));
                    fields.push(f("lastLoggedZxid (zxid)", p.zxid.short()));
                }
                PacketData::Txn(t) => {
                    fields.push(f("txn.zxid", zxid_long(t.zxid)));
                    fields.push(f("txn", t.op.to_string()));
                }
                PacketData::Snapshot(s) => {
                    fields.push(f("snapshot.zxid", zxid_long(s.zxid)));
                    fields.push(f("znodes", s.tree.len().to_string()));
                }
                PacketData::Config(c) => {
                    fields.push(f("newEpoch (from zxid)", p.zxid.epoch().to_string()));
                    fields.push(f("qv", c.lines().collect::<Vec<_>>().join("; ")));
                }
                PacketData::Request(op) => fields.push(f("request", op.to_string())),
                PacketData::ClientRequest(r) => {
                    fields.push(f("sessionId", r.origin.session.to_string()));
                    fields.push(f("cxid", r.origin.cxid.to_string()));
                    fields.push(f("request", r.op.to_string()));
                }
                PacketData::Sessions(list) => {
                    for (session, timeout) in list {
                        fields.push(f("touched session", format!("{session} ({timeout} ms)")));
                    }
                }
                PacketData::Revalidate {
                    session,
                    timeout_ms,
                } => {
                    fields.push(f("sessionId", session.to_string()));
                    fields.push(f("timeout", timeout_ms.to_string()));
                }
                PacketData::Revalidated { session, valid } => {
                    fields.push(f("sessionId", session.to_string()));
                    fields.push(f("valid", valid.to_string()));
                }
            }
            fields
        }
    }
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
    fn test_countdown_clock_holds_for_100_ms_of_wall_time_while_playing_only() {
        // Paused: exact.
        assert_eq!(countdown_clock(1_234.5, false, 0.25), 1_234.5);
        // At 0.25x, 100 ms of wall time is 25 ms of simulated time.
        assert_eq!(countdown_clock(1_234.5, true, 0.25), 1_225.0);
        assert_eq!(countdown_clock(1_249.9, true, 0.25), 1_225.0);
        assert_eq!(countdown_clock(1_250.0, true, 0.25), 1_250.0);
        // At 10x, 1 s of simulated time.
        assert_eq!(countdown_clock(12_345.0, true, 10.0), 12_000.0);
        // Never ahead of the display clock.
        for i in 0..1000 {
            let t = f64::from(i) * 7.3;
            let c = countdown_clock(t, true, 1.7);
            assert!(c <= t && t - c < 170.0 + 1e-9, "{t} -> {c}");
        }
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
    fn test_wrap_words() {
        let t = "Timeout while waiting for epoch from quorum";
        assert_eq!(
            wrap_words(t, 20, 3),
            vec!["Timeout while", "waiting for epoch", "from quorum"]
        );
        assert_eq!(
            wrap_words(t, 20, 2),
            vec!["Timeout while", "waiting for epoch f…"]
        );
        assert_eq!(wrap_words("short", 20, 2), vec!["short"]);
        assert!(wrap_words("", 20, 2).is_empty());
        assert_eq!(wrap_words("averyveryverylongword x", 6, 1), vec!["avery…"]);
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
    fn test_followerinfo_pill_shows_learner_info_and_accepted_epoch_zxid() {
        use zab::packet::{LearnerInfo, PROTOCOL_VERSION};
        let p = QuorumPacket::new(
            PacketType::FollowerInfo,
            Zxid::make(Epoch(1), 0),
            PacketData::LearnerInfo(LearnerInfo {
                serverid: Sid(2),
                protocol_version: PROTOCOL_VERSION,
                config_version: 0,
            }),
        );
        let m = Message::Quorum(p);
        assert_eq!(
            message_pill_lines(&m),
            vec!["LearnerInfo sid=2 0x10000 cfg=0", "acceptedEpoch zxid 1:0"]
        );
        let fields = message_fields_full(&m);
        let get = |k: &str| {
            fields
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        assert_eq!(get("type"), "FOLLOWERINFO (11)");
        assert_eq!(get("zxid"), "1:0 (0x100000000)");
        assert_eq!(get("learnerinfo.serverid"), "2");
        assert_eq!(get("learnerinfo.protocolVersion"), "0x10000");
        assert_eq!(get("learnerinfo.configVersion"), "0x0");
    }

    #[test]
    fn test_pill_lines_of_other_packets() {
        let uptodate = Message::Quorum(QuorumPacket::bare(PacketType::UpToDate, Zxid::NONE));
        assert!(message_pill_lines(&uptodate).is_empty());
        let ack = Message::Quorum(QuorumPacket::bare(PacketType::Ack, Zxid::make(Epoch(2), 3)));
        assert_eq!(message_pill_lines(&ack), vec!["zxid 2:3"]);
        let ackepoch = Message::Quorum(QuorumPacket::new(
            PacketType::AckEpoch,
            Zxid::ZERO,
            PacketData::CurrentEpoch(0),
        ));
        assert_eq!(
            message_pill_lines(&ackepoch),
            vec!["currentEpoch 0 · zxid 0:0"]
        );
        assert_eq!(
            message_pill_lines(&Message::QcmHeader { sid: Sid(3) }),
            vec!["sid=3"]
        );
        assert_eq!(zxid_long(Zxid::NONE), "-1 (0xffffffffffffffff)");
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
