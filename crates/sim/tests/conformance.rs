//! Conformance with a real ZooKeeper 3.8 ensemble: crates/sim/testdata/real-zk/
//! startup-3-voters.txt, three voters on loopback started in sid order.
//!
//! Timing differs (a JVM is slower than our state machines), so we compare what the protocol
//! fixes: the election's outcome, each sender's sequence of distinct notifications to each
//! peer, and per learner the quorum-channel packets, their order, zxids and LearnerInfo.

use sim::testkit::{established_leader, notifications, quorum_packets};
use sim::{SimOptions, Simulation, StartPlan};
use std::collections::BTreeMap;
use zab::message::Message;
use zab::packet::{PacketData, PacketType};
use zab::{Sid, Time};

const FIXTURE: &str = include_str!("../testdata/real-zk/startup-3-voters.txt");

/// One decoded line of the capture.
struct Line {
    channel: char,
    from: i64,
    to: i64,
    text: String,
}

fn capture() -> Vec<Line> {
    FIXTURE
        .lines()
        .filter(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let mut w = l.split_whitespace();
            let _time = w.next();
            let channel = w
                .next()
                .and_then(|c| c.chars().next())
                .expect("channel column");
            let (from, to) = w
                .next()
                .and_then(|p| p.split_once("->"))
                .expect("from->to column");
            let _stream = w.next();
            Line {
                channel,
                from: from.parse().expect("sid"),
                to: to.parse().expect("sid"),
                text: w.collect::<Vec<_>>().join(" "),
            }
        })
        .collect()
}

fn field<'a>(text: &'a str, key: &str) -> &'a str {
    text.split_whitespace()
        .find_map(|w| w.strip_prefix(key).and_then(|r| r.strip_prefix('=')))
        .unwrap_or_else(|| panic!("no {key} in {text}"))
}

fn hex(s: &str) -> i64 {
    u64::from_str_radix(s.trim_start_matches("0x"), 16).expect("hex") as i64
}

/// (state, leader, zxid, electionEpoch, peerEpoch) of a NOTIFICATION line or message.
type NotificationKey = (String, i64, i64, i64, i64);

fn distinct(v: Vec<NotificationKey>) -> Vec<NotificationKey> {
    let mut out: Vec<NotificationKey> = Vec::new();
    for k in v {
        if out.last() != Some(&k) {
            out.push(k);
        }
    }
    out
}

/// Runs the capture's start order: sid 1, then sid 2 half a second later, then sid 3 while
/// sid 1's NEWLEADER ACK is still on its way, as in the capture (there sid 1 took 160 ms to
/// answer NEWLEADER and the leader ~130 ms more to start serving; our servers do no such JVM
/// work, so the test holds that ACK in flight for the same interleaving).
fn replay_capture() -> Simulation {
    let mut opts = SimOptions::new(42, 3, 0).expect("3 voters");
    opts.start = StartPlan::At(BTreeMap::from([(Sid(1), Time(0)), (Sid(2), Time(500))]));
    opts.latency_ms = (5, 30);
    let mut sim = Simulation::new(opts).expect("valid");
    let newleader_ack_sent = sim.run_until_pred(Time(20_000), |s| {
        s.in_flight().any(|m| {
            (m.from, m.to) == (Sid(1), Sid(2))
                && matches!(&m.message, Message::Quorum(p) if p.ty == PacketType::Ack)
        })
    });
    assert!(newleader_ack_sent, "sid 1 never ACKed NEWLEADER");
    let ack = sim
        .in_flight()
        .find(|m| (m.from, m.to) == (Sid(1), Sid(2)))
        .map(|m| m.msg);
    sim.delay_message(ack.expect("the ACK is in flight"), 600);
    sim.restart(Sid(3));
    let done = sim.run_until_pred(Time(60_000), |s| established_leader(s).is_some());
    assert!(done, "the ensemble did not settle");
    sim.run_until(Time(sim.now().0 + 3000));
    sim
}

#[test]
fn test_election_outcome_and_notifications_match_the_capture() {
    let sim = replay_capture();
    assert_eq!(
        established_leader(&sim),
        Some(Sid(2)),
        "the capture elects sid 2"
    );
    let lines = capture();
    for (from, to) in [(1, 2), (2, 1), (1, 3), (3, 1), (3, 2), (2, 3)] {
        let want: Vec<NotificationKey> = lines
            .iter()
            .filter(|l| l.channel == 'e' && (l.from, l.to) == (from, to))
            .filter(|l| l.text.starts_with("NOTIFICATION"))
            .map(|l| {
                (
                    field(&l.text, "state").to_string(),
                    field(&l.text, "leader").parse().expect("leader"),
                    hex(field(&l.text, "zxid")),
                    field(&l.text, "electionEpoch").parse().expect("ee"),
                    field(&l.text, "peerEpoch").parse().expect("pe"),
                )
            })
            .collect();
        let got: Vec<NotificationKey> = notifications(&sim, Sid(from), Sid(to))
            .iter()
            .map(|n| {
                (
                    n.state.to_string(),
                    n.leader.0,
                    n.zxid.0,
                    n.election_epoch,
                    n.peer_epoch.0,
                )
            })
            .collect();
        assert_eq!(
            distinct(got),
            distinct(want),
            "notifications {from} -> {to}"
        );
    }
}

/// A packet reduced to what the capture shows: type, zxid and the data fields it decodes.
fn packet_key(ty: &str, zxid: i64, extra: String) -> (String, i64, String) {
    (ty.to_string(), zxid, extra)
}

#[test]
fn test_each_learners_handshake_matches_the_capture() {
    let sim = replay_capture();
    let lines = capture();
    for learner in [1, 3] {
        // Up to the first PING, after which only PINGs follow in the capture.
        let want: Vec<_> = lines
            .iter()
            .filter(|l| l.channel == 'q' && (l.from == learner || l.to == learner))
            .take_while(|l| !l.text.starts_with("PING"))
            .map(|l| {
                let ty = l.text.split_whitespace().next().expect("type");
                let extra = match ty {
                    "FOLLOWERINFO" => format!(
                        "sid={} v={} cv={}",
                        field(&l.text, "learnerinfo.sid"),
                        field(&l.text, "protocolVersion"),
                        field(&l.text, "configVersion")
                    ),
                    "LEADERINFO" => format!("v={}", field(&l.text, "protocolVersion")),
                    "ACKEPOCH" => format!("currentEpoch={}", field(&l.text, "currentEpoch")),
                    _ => String::new(),
                };
                packet_key(ty, hex(field(&l.text, "zxid")), extra)
            })
            .collect();
        let got: Vec<_> = quorum_packets(&sim, Sid(learner), Sid(2))
            .into_iter()
            .take_while(|(_, p)| p.ty != PacketType::Ping)
            .map(|(_, p)| {
                let extra = match &p.data {
                    PacketData::LearnerInfo(li) => format!(
                        "sid={} v=0x{:x} cv=0x{:x}",
                        li.serverid, li.protocol_version, li.config_version
                    ),
                    PacketData::ProtocolVersion(v) => format!("v=0x{v:x}"),
                    PacketData::CurrentEpoch(e) => format!("currentEpoch={e}"),
                    _ => String::new(),
                };
                packet_key(p.ty.name(), p.zxid.0, extra)
            })
            .collect();
        assert_eq!(got, want, "learner {learner}'s quorum channel");
    }
    // Then PINGs every tickTime/2 both ways, each echoing the leader's lastProposed.
    let pings: Vec<_> = quorum_packets(&sim, Sid(1), Sid(2))
        .into_iter()
        .filter(|(_, p)| p.ty == PacketType::Ping)
        .collect();
    assert!(pings.len() >= 4, "pings flow after UPTODATE");
    assert!(pings.iter().all(|(_, p)| p.zxid.0 == 0x1_0000_0000));
    let leader_ping_times: Vec<u64> = sim
        .log()
        .iter()
        .filter_map(|e| match e.event.sent_packet() {
            Some((from, to, p)) if (from, to) == (Sid(2), Sid(1)) && p.ty == PacketType::Ping => {
                Some(e.time.0)
            }
            _ => None,
        })
        .collect();
    for w in leader_ping_times.windows(2) {
        assert_eq!(w[1] - w[0], 1000, "the leader pings every tickTime/2");
    }
}
