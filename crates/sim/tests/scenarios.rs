//! Every scenario preset reaches the state its caption names (seeds 0..8 each).

use sim::scenario::Scenario;
use sim::testkit::established_leader;
use sim::trace::LogEvent;
use sim::Simulation;
use zab::message::Message;
use zab::packet::PacketType;
use zab::peer::ServerState;
use zab::reason::{Note, ShutdownReason};
use zab::{Epoch, Time};

fn run(s: Scenario, seed: u64, until_ms: u64) -> Simulation {
    let mut sim = s.build(seed);
    sim.run_until(Time(until_ms));
    sim
}

fn sent(sim: &Simulation, ty: PacketType) -> usize {
    sim.log()
        .iter()
        .filter(|e| match &e.event {
            LogEvent::Send(s) => matches!(&s.message, Message::Quorum(p) if p.ty == ty),
            _ => false,
        })
        .count()
}

/// Whether a leader's `lead()` ended for a reason of this kind.
fn leader_shut_down(sim: &Simulation, why: impl Fn(&ShutdownReason) -> bool) -> bool {
    sim.log().iter().any(|e| match &e.event {
        LogEvent::Note { note, .. } => matches!(note.as_ref(), Note::LeaderShutdown(r) if why(r)),
        _ => false,
    })
}

fn leader_epoch(sim: &Simulation) -> Option<Epoch> {
    established_leader(sim)
        .and_then(|l| sim.peer(l))
        .map(|p| p.current_epoch())
}

#[test]
fn test_every_scenario_reaches_what_its_caption_says() {
    for seed in 0..8 {
        let sim = run(Scenario::FreshStart, seed, 10_000);
        assert!(established_leader(&sim).is_some(), "fresh-start {seed}");
        assert!(sent(&sim, PacketType::Diff) + sent(&sim, PacketType::Snap) >= 2);

        let sim = run(Scenario::ObserversToo, seed, 15_000);
        let observing = sim
            .sids()
            .filter(|s| {
                sim.peer(*s)
                    .is_some_and(|p| p.state() == ServerState::Observing)
            })
            .count();
        assert_eq!(observing, 2, "observers {seed}");
        assert!(sent(&sim, PacketType::ObserverInfo) >= 2 && sent(&sim, PacketType::Inform) >= 2);

        let sim = run(Scenario::NoQuorum, seed, 80_000);
        assert!(
            leader_shut_down(&sim, |r| *r == ShutdownReason::EpochTimeout),
            "no-quorum {seed}"
        );
        assert!(established_leader(&sim).is_some() && sim.peer(zab::Sid(1)).is_some());

        let sim = run(Scenario::LeaderCrash, seed, 40_000);
        assert!(
            leader_epoch(&sim).is_some_and(|e| e >= Epoch(2)),
            "leader-crash {seed}"
        );
        assert!(sim.sids().all(|s| sim.peer(s).is_some_and(|p| p
            .database()
            .tree
            .nodes
            .contains_key("/a"))));

        let sim = run(Scenario::FollowerBehindDiff, seed, 20_000);
        assert!(
            sent(&sim, PacketType::Diff) >= 2 && sent(&sim, PacketType::Proposal) >= 4,
            "diff {seed}"
        );
        assert!(sim.sids().all(|s| sim.peer(s).is_some_and(|p| p
            .database()
            .tree
            .nodes
            .contains_key("/d"))));

        let sim = run(Scenario::UncommittedTrunc, seed, 40_000);
        assert!(sent(&sim, PacketType::Trunc) >= 1, "trunc {seed}");
        assert!(sim.sids().all(|s| sim.peer(s).is_some_and(|p| !p
            .database()
            .tree
            .nodes
            .contains_key("/orphan"))));

        let sim = run(Scenario::FarBehindSnap, seed, 20_000);
        assert!(sent(&sim, PacketType::Snap) >= 1, "snap {seed}");
        assert!(sim.sids().all(|s| sim.peer(s).is_some_and(|p| p
            .database()
            .tree
            .nodes
            .get("/a")
            .map(String::as_str)
            == Some("12"))));

        let sim = run(Scenario::LeaderCutFromMinority, seed, 100_000);
        assert!(
            !leader_shut_down(&sim, |r| {
                matches!(r, ShutdownReason::NotSufficientFollowersSynced { .. })
            }),
            "minority {seed}"
        );
        assert_eq!(leader_epoch(&sim), Some(Epoch(1)));
        assert!(sim.sids().all(|s| sim.peer(s).is_some_and(|p| p
            .database()
            .tree
            .nodes
            .contains_key("/still-serving"))));

        // After the heal the old leader's notification backoff (never reset within a round,
        // up to 60 s) decides when it hears of the new leader.
        let sim = run(Scenario::LeaderCutFromMajority, seed, 100_000);
        assert!(
            leader_shut_down(&sim, |r| {
                matches!(r, ShutdownReason::NotSufficientFollowersSynced { .. })
            }),
            "majority {seed}"
        );
        assert!(
            leader_epoch(&sim).is_some_and(|e| e >= Epoch(2)),
            "majority {seed}"
        );

        let sim = run(Scenario::OneWayPartition, seed, 100_000);
        let dropped_out = sim.log().iter().any(|e| {
            matches!(
                &e.event,
                LogEvent::StateChange {
                    from: ServerState::Following,
                    to: ServerState::Looking,
                    ..
                }
            )
        });
        assert!(
            dropped_out && established_leader(&sim).is_some(),
            "one-way {seed}"
        );
    }
}

/// client-failover: client 1 loses the crashed leader, reconnects to a follower of the new
/// leader and keeps its session and ephemeral; client 2 never returns, and the new leader's
/// closeSession txn deletes its ephemeral (issue 12).
#[test]
fn test_client_failover_keeps_one_session_and_expires_the_other() {
    use sim::clients::{ClientEvent, ClientState};
    use zab::zk_database::TxnOp;
    for seed in 0..8 {
        let sim = run(Scenario::ClientFailover, seed, 40_000);
        let leader = established_leader(&sim).expect("a new leader");
        let c1 = sim.clients().find(|c| c.id.0 == 1).expect("client 1");
        let c2 = sim.clients().find(|c| c.id.0 == 2).expect("client 2");
        assert_eq!(c1.state, ClientState::Connected, "seed {seed}");
        assert_eq!(c2.state, ClientState::GaveUp, "seed {seed}");
        let old_leader = sim
            .log()
            .iter()
            .find_map(|e| match e.event {
                LogEvent::Crashed { sid } => Some(sid),
                _ => None,
            })
            .expect("the leader crashed");
        assert_ne!(c1.server, old_leader, "seed {seed}: client 1 moved");
        let saw = |id: u32, f: &dyn Fn(&ClientEvent) -> bool| {
            sim.log().iter().any(|e| match &e.event {
                LogEvent::Client { client, event, .. } => client.0 == id && f(event),
                _ => false,
            })
        };
        assert!(saw(1, &|e| matches!(e, ClientEvent::ConnectionLoss { .. })));
        assert!(saw(1, &|e| matches!(
            e,
            ClientEvent::Connected {
                reconnected: true,
                ..
            }
        )));
        let db = sim.peer(leader).expect("up").database();
        let (s1, s2) = (c1.session.expect("s1"), c2.session.expect("s2"));
        assert!(db.tree.sessions.contains_key(&s1), "seed {seed}");
        assert!(db.tree.nodes.contains_key("/client-1"), "seed {seed}");
        assert!(!db.tree.sessions.contains_key(&s2), "seed {seed}");
        assert!(!db.tree.nodes.contains_key("/client-2"), "seed {seed}");
        assert!(
            db.committed_log().iter().any(|t| t.op
                == TxnOp::CloseSession {
                    session: s2,
                    ephemerals: vec!["/client-2".into()]
                }),
            "seed {seed}"
        );
    }
}
