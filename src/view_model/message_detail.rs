//! The message detail panel: every field of one message, where it is, and what became of it.
//!
//! ```text
//!   MsgId ──log: its Send entry──▶ kind, from → to, channel, conn, fields (labels.rs)
//!         ──in_flight?──▶ on the wire, x % of the way (deliver_at may have been delayed)
//!         ──log after the send: Deliver / Drop──▶ delivered at t / dropped (reason)
//! ```
//!
//! The Send entry holds the whole message, so the panel stays readable after the message
//! arrived or was dropped.

use crate::view_model::labels::message_fields_full;
use crate::view_model::motion::progress;
use sim::trace::DropCause;
use sim::{LogEntry, LogEvent, MsgId, Simulation};
use zab::output::Channel;
use zab::Sid;

/// Where the message is.
#[derive(Clone, Debug, PartialEq)]
pub enum MessageStatus {
    /// On the wire, `percent` of the way, arriving at `deliver_ms`.
    InFlight {
        percent: u32,
        deliver_ms: u64,
    },
    Delivered {
        at_ms: u64,
    },
    Dropped {
        at_ms: u64,
        reason: DropCause,
    },
    /// Its connection closed under it (it never arrives).
    Lost,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MessageDetail {
    pub id: MsgId,
    pub kind: String,
    pub from: Sid,
    pub to: Sid,
    /// `Election` (QuorumCnxManager, electionPort) or `Quorum` (learner ↔ leader, quorumPort).
    pub channel: &'static str,
    pub conn: u64,
    pub sent_ms: u64,
    pub status: MessageStatus,
    /// Every field, Java names, zxids as `epoch:counter (hex)`.
    pub fields: Vec<(String, String)>,
    /// `Message::summary()`, the log's one-line form.
    pub summary: String,
    /// A person can still drop or delay it.
    pub can_act: bool,
    /// Why it was sent (DIFF/TRUNC/SNAP: syncFollower's rule; LEADERINFO: the epoch's choice).
    pub why: Option<describe::Why>,
}

/// How far back the log is searched for a message's send.
const MAX_SEARCH: usize = 50_000;

impl MessageDetail {
    pub fn build(
        sim: &Simulation,
        log: &[LogEntry],
        id: MsgId,
        display_ms: f64,
    ) -> Option<MessageDetail> {
        let (send_at, entry) = log
            .iter()
            .enumerate()
            .rev()
            .take(MAX_SEARCH)
            .find(|(_, e)| e.event.sent().is_some_and(|s| s.msg == id))?;
        let sent = entry.event.sent()?;
        let (conn, channel, from, to, message) = (
            &sent.conn,
            &sent.channel,
            &sent.from,
            &sent.to,
            &sent.message,
        );
        let status = match sim.in_flight().find(|m| m.msg == id) {
            Some(m) => MessageStatus::InFlight {
                percent: (progress(display_ms, m.sent_at.0, m.deliver_at.0, false) * 100.0).round()
                    as u32,
                deliver_ms: m.deliver_at.0,
            },
            None => log[send_at + 1..]
                .iter()
                .find_map(|e| match &e.event {
                    LogEvent::Deliver { msg, .. } if *msg == id => {
                        Some(MessageStatus::Delivered { at_ms: e.time.0 })
                    }
                    LogEvent::Drop { msg, reason, .. } if *msg == id => {
                        Some(MessageStatus::Dropped {
                            at_ms: e.time.0,
                            reason: *reason,
                        })
                    }
                    _ => None,
                })
                .unwrap_or(MessageStatus::Lost),
        };
        Some(MessageDetail {
            id,
            kind: message.kind().to_string(),
            from: *from,
            to: *to,
            channel: match channel {
                Channel::Election => "Election",
                Channel::Quorum => "Quorum",
            },
            conn: conn.0,
            sent_ms: entry.time.0,
            can_act: matches!(status, MessageStatus::InFlight { .. }),
            status,
            fields: message_fields_full(message),
            summary: message.summary(),
            why: describe::why(log, send_at),
        })
    }

    /// `on the wire, 40 % · arrives t=692 ms`, `delivered t=692 ms`, …
    pub fn status_text(&self) -> String {
        match &self.status {
            MessageStatus::InFlight {
                percent,
                deliver_ms,
            } => format!("on the wire, {percent} % of the way · arrives t={deliver_ms} ms"),
            MessageStatus::Delivered { at_ms } => format!("delivered t={at_ms} ms"),
            MessageStatus::Dropped { at_ms, reason } => {
                format!("dropped t={at_ms} ms ({})", describe::drop_cause(*reason))
            }
            MessageStatus::Lost => "lost: its connection closed".to_string(),
        }
    }
}

/// The delays a person may add to a message in flight (ms), and the default.
pub const DELAY_MIN_MS: u64 = 500;
pub const DELAY_MAX_MS: u64 = 2_000;
pub const DELAY_DEFAULT_MS: u64 = 1_000;

#[cfg(test)]
mod tests {
    use super::*;
    use sim::SimOptions;
    use zab::Time;

    #[test]
    fn test_a_followerinfo_in_flight_then_delivered() {
        let mut s = Simulation::new(SimOptions::new(7, 3, 0).expect("shape")).expect("starts");
        let mut id = None;
        while s.step() && s.now() < Time(3_000) {
            id = s
                .in_flight()
                .find(|m| m.message.kind() == "FOLLOWERINFO")
                .map(|m| m.msg);
            if id.is_some() {
                break;
            }
        }
        let id = id.expect("a FOLLOWERINFO is sent at startup");
        let now = s.now().0 as f64;
        let d = MessageDetail::build(&s, s.log(), id, now).expect("found");
        assert_eq!(d.kind, "FOLLOWERINFO");
        assert_eq!(d.channel, "Quorum");
        assert!(d.can_act);
        assert!(matches!(d.status, MessageStatus::InFlight { .. }), "{d:?}");
        assert!(d.status_text().starts_with("on the wire"));
        let names: Vec<&str> = d.fields.iter().map(|(k, _)| k.as_str()).collect();
        assert!(names.contains(&"learnerinfo.protocolVersion"), "{names:?}");
        s.run_until(Time(3_000));
        let d = MessageDetail::build(&s, s.log(), id, 3_000.0).expect("still in the log");
        assert!(matches!(d.status, MessageStatus::Delivered { .. }), "{d:?}");
        assert!(!d.can_act);
        assert!(MessageDetail::build(&s, s.log(), MsgId(u64::MAX), 3_000.0).is_none());
    }

    #[test]
    fn test_a_dropped_message_says_so() {
        let mut s = Simulation::new(SimOptions::new(7, 3, 0).expect("shape")).expect("starts");
        while s.in_flight().next().is_none() {
            assert!(s.step());
        }
        let id = s.in_flight().next().map(|m| m.msg).expect("one");
        s.drop_message(id);
        let d = MessageDetail::build(&s, s.log(), id, s.now().0 as f64).expect("found");
        assert!(
            matches!(
                &d.status,
                MessageStatus::Dropped {
                    reason: DropCause::ByHand,
                    ..
                }
            ),
            "{d:?}"
        );
    }
}
