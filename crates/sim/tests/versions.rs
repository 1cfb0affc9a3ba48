//! The ZooKeeper version profiles (docs/protocol.md §12): what a learner ACKs while it syncs
//! by DIFF, per release, in the `follower-behind-diff` scenario (a follower misses three
//! committed writes, restarts, and gets DIFF with their PROPOSAL/COMMIT pairs).

use sim::scenario::Scenario;
use sim::testkit::{established_leader, quorum_packets};
use sim::Simulation;
use zab::packet::PacketType;
use zab::{Sid, Time, ZkVersion, Zxid};

/// The restarted follower's DIFF sync: (its sid, the zxids of the sync PROPOSALs, the zxids
/// it ACKed from its NEWLEADER on, in send order, up to and including its ACK of UPTODATE
/// and the proposal ACKs right after it).
fn diff_sync_acks(sim: &Simulation) -> (Sid, Vec<Zxid>, Vec<Zxid>) {
    let leader = established_leader(sim).expect("a leader");
    for learner in sim.sids().filter(|s| *s != leader) {
        let packets = quorum_packets(sim, learner, leader);
        let Some(diff) = packets
            .iter()
            .rposition(|(from, p)| *from == leader && p.ty == PacketType::Diff)
        else {
            continue;
        };
        let rest = &packets[diff..];
        let newleader = rest
            .iter()
            .position(|(from, p)| *from == leader && p.ty == PacketType::NewLeader)
            .expect("NEWLEADER follows the DIFF");
        let proposals: Vec<Zxid> = rest[..newleader]
            .iter()
            .filter(|(_, p)| p.ty == PacketType::Proposal)
            .map(|(_, p)| p.zxid)
            .collect();
        if proposals.is_empty() {
            continue;
        }
        let acks: Vec<Zxid> = rest[newleader..]
            .iter()
            .filter(|(from, p)| *from == learner && p.ty == PacketType::Ack)
            .map(|(_, p)| p.zxid)
            .take(proposals.len() + 2)
            .collect();
        return (learner, proposals, acks);
    }
    panic!("no DIFF with proposals in this run");
}

fn run(zk: ZkVersion, seed: u64) -> Simulation {
    let mut sim = Scenario::FollowerBehindDiff.build_with(seed, zk);
    sim.run_until(Time(14_000));
    sim
}

/// 3.8 (`Learner.syncWithLeader`, case NEWLEADER, release-3.8.0-1): every sync proposal goes
/// to `logRequest`, so `SendAckRequestProcessor` ACKs each one once the SyncThread has
/// fsynced it. The NEWLEADER ACK is written by the QuorumPeer thread right after handing them
/// over, so on the wire it comes first, then one ACK per proposal, in order.
#[test]
fn test_3_8_acks_every_sync_proposal() {
    for seed in 0..4 {
        let sim = run(ZkVersion::V3_8, seed);
        let (learner, proposals, acks) = diff_sync_acks(&sim);
        let epoch = acks[0];
        assert_eq!(
            epoch.counter(),
            0,
            "seed {seed}: the NEWLEADER ACK comes first"
        );
        let after: Vec<Zxid> = acks[1..]
            .iter()
            .copied()
            .filter(|z| z.counter() != 0)
            .collect();
        assert_eq!(after, proposals, "seed {seed}: learner {learner}");
    }
}

/// 3.9.2 (release-3.9.2, ZOOKEEPER-4785): the sync proposals are appended and fsynced before
/// the NEWLEADER ACK, and ACKed only after the ACK of UPTODATE.
#[test]
fn test_3_9_2_acks_the_sync_proposals_after_uptodate() {
    for seed in 0..4 {
        let sim = run(ZkVersion::V3_9_2, seed);
        let (learner, proposals, acks) = diff_sync_acks(&sim);
        let e0 = acks[0];
        assert_eq!(e0.counter(), 0, "seed {seed}");
        let mut want = vec![e0, e0];
        want.extend(&proposals);
        assert_eq!(acks, want, "seed {seed}: learner {learner}");
    }
}

/// 3.9.3 and 3.9.4+ (ZOOKEEPER-4394): the committed sync txns are persisted without an ACK;
/// the learner ACKs only NEWLEADER and UPTODATE.
#[test]
fn test_3_9_3_and_later_ack_only_newleader_and_uptodate() {
    for zk in [ZkVersion::V3_9_3, ZkVersion::V3_9_4] {
        for seed in 0..4 {
            let sim = run(zk, seed);
            let (learner, _, acks) = diff_sync_acks(&sim);
            assert_eq!(
                acks.len(),
                2,
                "{zk} seed {seed}: learner {learner} sent {acks:?}"
            );
            assert!(acks.iter().all(|z| z.counter() == 0), "{zk} seed {seed}");
        }
    }
}

/// 3.8 writes currentEpoch before the synced txns are durable (ZOOKEEPER-4643) and ACKs
/// NEWLEADER before their fsync (ZOOKEEPER-4646); from 3.9.2 on, the fsync comes first.
#[test]
fn test_newleader_ack_before_or_after_the_fsync() {
    use sim::trace::LogEvent;
    use zab::message::Message;
    for (zk, ack_before_fsync) in [
        (ZkVersion::V3_8, true),
        (ZkVersion::V3_9_2, false),
        (ZkVersion::V3_9_4, false),
    ] {
        let sim = run(zk, 1);
        let (learner, _, _) = diff_sync_acks(&sim);
        // The restart's NEWLEADER ACK, and the first fsync of that learner after its DIFF.
        let log = sim.log();
        let diff_at = log
            .iter()
            .rposition(|e| {
                matches!(e.event.sent_packet(), Some((_, to, p)) if to == learner
                    && p.ty == PacketType::Diff)
            })
            .expect("a DIFF");
        let ack = log[diff_at..]
            .iter()
            .position(|e| match &e.event {
                LogEvent::Send(s) if s.from == learner => {
                    matches!(&s.message, Message::Quorum(p) if p.ty == PacketType::Ack)
                }
                _ => false,
            })
            .expect("the NEWLEADER ACK");
        let fsync = log[diff_at..]
            .iter()
            .position(|e| matches!(&e.event, LogEvent::Fsync { sid, .. } if *sid == learner))
            .expect("an fsync");
        assert_eq!(ack < fsync, ack_before_fsync, "{zk}");
    }
}
