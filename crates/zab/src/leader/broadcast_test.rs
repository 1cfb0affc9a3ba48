//! Single-state-machine tests of the leader's ping loop and broadcast (docs/protocol.md §3.7, §4.7,
//! §7), driven through its public inputs only. The fixture is in `leader_fixture.rs`.

use crate::ids::{Sid, Time, Zxid};
use crate::leader::RoleStep;
use crate::output::Effect;
use crate::packet::{PacketData, PacketType, QuorumPacket};
use crate::test_fixtures::{op, z};
use crate::zk_database::Txn;

use super::leader_fixture::*;

// ---- The ping loop (§3.7, §4.7) ------------------------------------------------------------

// docs/protocol.md §3.7: a pass every tickTime/2 pings every learner with lastProposed; the tick
// advances on every other pass.
#[test]
fn test_ping_loop_pings_every_half_tick_and_ticks_every_other_pass() {
    let mut fx = established(0);
    let mut ticks = Vec::new();
    for pass in 1..=4 {
        let now = 30 + pass * HALF_TICK_MS;
        let (step, out) = fx.lead_timer(now);
        assert_eq!(step, RoleStep::Continue);
        assert_eq!(
            out,
            vec![
                to(1, bare(PacketType::Ping, z(1, 0))),
                handler_timer(1, 30 + SYNC_MS),
                lead_timer(now + HALF_TICK_MS),
            ],
            "pass {pass}"
        );
        ticks.push(fx.leader.tick);
    }
    assert_eq!(ticks, vec![0, 1, 1, 2]);
}

// docs/protocol.md §3.7 step 5 and §4.6–§4.7: every packet from a learner sets its ack deadline to
// tick + syncLimit; once the tick passes it, the learner is not synced() and, without a
// quorum, the leader shuts down on the next checking pass. A learner that keeps answering
// keeps the quorum.
#[test]
fn test_ping_loop_shuts_down_when_followers_stop_sending() {
    // Control: the follower answers every ping; 40 passes (20 ticks) are fine.
    let mut fx = established(0);
    for pass in 1..=40 {
        let now = 30 + pass * HALF_TICK_MS;
        let (step, _) = fx.lead_timer(now);
        assert_eq!(step, RoleStep::Continue, "pass {pass}");
        fx.recv(1, bare(PacketType::Ping, z(1, 0)), now + 10);
    }
    assert_eq!(fx.leader.tick, 20);

    // The follower answers once, at tick 0, then goes silent.
    let mut fx = established(0);
    fx.lead_timer(30 + HALF_TICK_MS);
    let out = fx.recv(1, bare(PacketType::Ping, z(1, 0)), 1040);
    assert_eq!(out, vec![handler_timer(1, 1040 + SYNC_MS)]);
    assert_eq!(fx.handler(1).map(|h| h.tick_of_next_ack_deadline), Some(5));
    for pass in 2..=11 {
        let (step, _) = fx.lead_timer(30 + pass * HALF_TICK_MS);
        assert_eq!(
            step,
            RoleStep::Continue,
            "pass {pass}, tick {}",
            fx.leader.tick
        );
    }
    let (step, out) = fx.lead_timer(30 + 12 * HALF_TICK_MS);
    assert_eq!(
        step,
        RoleStep::Shutdown(ShutdownReason::NotSufficientFollowersSynced {
            synced: vec![Sid(3)]
        })
    );
    assert_eq!(out, vec![]);
    assert_eq!(fx.leader.tick, 6);
}

// docs/protocol.md §4.7 (SyncLimitCheck): a learner whose oldest un-ACKed PROPOSAL has waited
// tickTime × syncLimit is closed by ping() ("transaction timeout"); the others are pinged.
#[test]
fn test_unacked_proposal_older_than_sync_limit_closes_the_handler() {
    let mut fx = established(0);
    join(&mut fx, 2, follower_info(2, 0), 100);
    fx.propose("/a", 2000);
    fx.recv(2, bare(PacketType::Ack, z(1, 1)), 2100);
    fx.fsync_done();
    assert_eq!(fx.leader.last_committed, z(1, 1));

    let (step, out) = fx.lead_timer(2000 + SYNC_MS - 1);
    assert_eq!(step, RoleStep::Continue);
    assert_eq!(sent_to(&out, 1), vec![bare(PacketType::Ping, z(1, 1))]);

    let now = 2000 + SYNC_MS;
    let (step, out) = fx.lead_timer(now);
    assert_eq!(step, RoleStep::Continue);
    let mut want = closed(1);
    want.extend([
        to(2, bare(PacketType::Ping, z(1, 1))),
        handler_timer(2, 2100 + SYNC_MS),
        lead_timer(now + HALF_TICK_MS),
    ]);
    assert_eq!(no_logs(&out), want);
    assert_eq!(
        logs(&out),
        vec![Note::HandlerShutdown {
            conn: conn(1),
            learner: Some(Sid(1)),
            reason: ShutdownReason::TransactionTimeout
        }]
    );
    assert!(fx.handler(1).is_none());
}

// docs/protocol.md §4.7 and §4.3: every PROPOSAL queued to a learner is tracked by its SyncLimitCheck
// (LearnerHandler.sendPackets → updateProposal), including one the learner's own REQUEST
// caused (§4.6).
#[test]
fn test_proposal_from_a_learner_request_is_tracked_by_its_sync_limit_check() {
    let mut fx = established(0);
    join(&mut fx, 2, follower_info(2, 0), 100);
    let request = QuorumPacket::new(
        PacketType::Request,
        Zxid::NONE,
        PacketData::Request(Box::new(op("/a"))),
    );
    let out = fx.recv(1, request, 2000);
    assert_eq!(
        sent_to(&out, 1),
        vec![proposal(&Txn {
            zxid: z(1, 1),
            op: op("/a"),
            origin: None,
        })]
    );
    let tracked = |fx: &Fx, sid| {
        fx.handler(sid)
            .and_then(|h| h.sync_limit_check.clone())
            .map(|m| m.into_iter().collect::<Vec<_>>())
    };
    assert_eq!(tracked(&fx, 2), Some(vec![(z(1, 1), Time(2000))]));
    assert_eq!(tracked(&fx, 1), Some(vec![(z(1, 1), Time(2000))]));
    // So learner 1, which never ACKs it, is closed after syncLimit.
    fx.recv(2, bare(PacketType::Ack, z(1, 1)), 2100);
    fx.fsync_done();
    let (_, out) = fx.lead_timer(2000 + SYNC_MS);
    assert!(out.contains(&Effect::Close { conn: conn(1) }), "{out:?}");
}

// ---- Broadcast (§7) ------------------------------------------------------------------------

// docs/protocol.md §7.1–§7.3: propose sends PROPOSAL to the forwarding followers only (not observers),
// logs and fsyncs; the leader ACKs itself once durable; the quorum's ACK sends COMMIT to the
// followers and INFORM (with the txn) to observers, and the leader applies it.
#[test]
fn test_propose_ack_commit_and_inform() {
    let mut fx = established(1);
    join(&mut fx, 4, observer_info(4, 0), 100);
    join(&mut fx, 2, follower_info(2, 0), 110);
    let a = Txn {
        zxid: z(1, 1),
        op: op("/a"),
        origin: None,
    };
    let out = fx.propose("/a", 2000);
    assert_eq!(
        out,
        vec![
            to(1, proposal(&a)),
            to(2, proposal(&a)),
            Effect::AppendTxn { txn: a.clone() },
            Effect::Fsync,
        ]
    );
    assert_eq!(fx.leader.last_proposed, z(1, 1));

    // Follower 1's ACK alone is not a quorum: the leader's own ACK waits for its fsync.
    let out = fx.recv(1, bare(PacketType::Ack, z(1, 1)), 2100);
    assert_eq!(out, vec![handler_timer(1, 2100 + SYNC_MS)]);
    assert_eq!(fx.leader.last_committed, z(1, 0));

    let out = fx.fsync_done();
    let inform = QuorumPacket::new(
        PacketType::Inform,
        z(1, 1),
        PacketData::Txn(Box::new(a.clone())),
    );
    assert_eq!(
        out,
        vec![
            to(1, bare(PacketType::Commit, z(1, 1))),
            to(2, bare(PacketType::Commit, z(1, 1))),
            to(4, inform),
        ]
    );
    assert_eq!(fx.leader.last_committed, z(1, 1));
    assert_eq!(fx.core.zk_db.last_processed_zxid(), z(1, 1));
    assert_eq!(
        fx.core.zk_db.tree.nodes.get("/a").map(String::as_str),
        Some("v")
    );
    assert_eq!(fx.leader.outstanding().count(), 0);
}

// docs/protocol.md §7.3 step 1: a proposal commits only once its predecessor has; an ACK for the next
// one does not carry the chain on by itself (only its own ACKs do).
#[test]
fn test_commits_go_out_strictly_in_zxid_order() {
    let mut fx = established(0);
    join(&mut fx, 2, follower_info(2, 0), 100);
    let out = fx.propose("/a", 2000);
    assert!(out.ends_with(&[Effect::Fsync]));
    let out = fx.propose("/b", 2001);
    assert!(
        !out.contains(&Effect::Fsync),
        "one fsync at a time: {out:?}"
    );
    assert_eq!(
        fx.fsync_done(),
        vec![Effect::Fsync],
        "the second batch starts"
    );
    assert_eq!(fx.fsync_done(), vec![]);

    let out = fx.recv(1, bare(PacketType::Ack, z(1, 2)), 2100);
    assert_eq!(
        out,
        vec![handler_timer(1, 2100 + SYNC_MS)],
        "1:1 is still outstanding"
    );
    let out = fx.recv(1, bare(PacketType::Ack, z(1, 1)), 2110);
    assert_eq!(
        out,
        vec![
            to(1, bare(PacketType::Commit, z(1, 1))),
            to(2, bare(PacketType::Commit, z(1, 1))),
            handler_timer(1, 2110 + SYNC_MS),
        ]
    );
    let outstanding: Vec<Zxid> = fx.leader.outstanding().map(|(z, _)| *z).collect();
    assert_eq!(outstanding, vec![z(1, 2)]);
    let out = fx.recv(2, bare(PacketType::Ack, z(1, 2)), 2120);
    assert_eq!(
        out,
        vec![
            to(1, bare(PacketType::Commit, z(1, 2))),
            to(2, bare(PacketType::Commit, z(1, 2))),
            handler_timer(2, 2120 + SYNC_MS),
        ]
    );
    assert_eq!(fx.leader.last_committed, z(1, 2));
}

// docs/protocol.md §7.2: ACKs with counter 0, for already committed zxids, or for unknown ("future")
// proposals change nothing.
#[test]
fn test_acks_that_commit_nothing_are_ignored() {
    let mut fx = established(0);
    join(&mut fx, 2, follower_info(2, 0), 100);
    fx.propose("/a", 2000);
    fx.fsync_done();
    fx.recv(1, bare(PacketType::Ack, z(1, 1)), 2100);
    assert_eq!(fx.leader.last_committed, z(1, 1));
    fx.propose("/b", 2200);
    for (why, zxid) in [
        ("NEWLEADER/UPTODATE ACK", z(1, 0)),
        ("already committed", z(1, 1)),
        ("future proposal", z(1, 5)),
    ] {
        let out = fx.recv(2, bare(PacketType::Ack, zxid), 2300);
        assert_eq!(
            no_logs(&out),
            vec![handler_timer(2, 2300 + SYNC_MS)],
            "{why}"
        );
        assert_eq!(fx.leader.last_committed, z(1, 1), "{why}");
    }
}

// docs/protocol.md §4.6 (finally: shutdown removes the handler from the forwarding sets): a learner
// whose connection closes gets no more proposals.
#[test]
fn test_disconnected_learner_leaves_the_forwarding_set() {
    let mut fx = established(0);
    join(&mut fx, 2, follower_info(2, 0), 100);
    let mut out = Vec::new();
    fx.leader.on_disconnected(conn(2), &mut out);
    assert_eq!(no_logs(&out), closed(2));
    assert!(fx.handler(2).is_none());
    let out = fx.propose("/a", 2000);
    assert_eq!(sent_to(&out, 2), vec![]);
    assert_eq!(sent_to(&out, 1).len(), 1);
}

// docs/protocol.md §7.4 / §3.1 step 15: the leader proposes only once its server runs.
#[test]
fn test_propose_before_the_server_runs_is_refused() {
    let mut fx = Fx::start(fresh(3, 0));
    let out = fx.propose("/a", 10);
    assert_eq!(no_logs(&out), vec![]);
    assert_eq!(logs(&out).len(), 1);
    assert_eq!(fx.leader.outstanding().count(), 0);
}

// docs/protocol.md §1.3 (ZOOKEEPER-1277) and §7.1 step 1: "if the zxid of a request to propose has
// counter 0xffffffff, the leader shuts down" — that txn is never proposed.
#[test]
fn test_propose_refuses_the_zxid_with_counter_0xffffffff() {
    let mut fx = established(0);
    fx.leader.last_proposed = z(1, u32::MAX - 1);
    let mut out = Vec::new();
    let step = fx
        .leader
        .propose(&mut fx.core, op("/a"), Time(2000), &mut out);
    assert_eq!(step, RoleStep::Shutdown(ShutdownReason::ZxidRollover));
    assert_eq!(out, vec![]);
}

// docs/protocol.md §1.3 and §4.6: a learner's REQUEST goes through the same Leader.propose, whose
// rollover check shuts the leader down (Java's propose calls shutdown itself, whoever called).
#[test]
fn test_learner_request_at_rollover_shuts_the_leader_down() {
    let mut fx = established(0);
    fx.leader.last_proposed = z(1, u32::MAX - 1);
    let request = QuorumPacket::new(
        PacketType::Request,
        Zxid::NONE,
        PacketData::Request(Box::new(op("/a"))),
    );
    let (step, _) = fx.recv_step(1, request, 2000);
    assert_eq!(step, RoleStep::Shutdown(ShutdownReason::ZxidRollover));
}
