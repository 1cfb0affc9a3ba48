//! Client sessions (issue 12, docs/protocol.md §13): createSession and closeSession are txns,
//! ephemerals die with their session, the leader expires sessions nobody touches, a client
//! reconnects after a connection loss and keeps its session within its timeout.

use sim::clients::{ClientEvent, ClientOp, ClientSpec, ClientState};
use sim::testkit::established_leader;
use sim::{LogEvent, SimOptions, Simulation};
use zab::sessions::ClientId;
use zab::zk_database::TxnOp;
use zab::{Sid, Time};

fn established(seed: u64) -> (Simulation, Sid) {
    let mut sim = Simulation::new(SimOptions::new(seed, 3, 0).expect("3 voters")).expect("valid");
    assert!(sim.run_until_pred(Time(30_000), |s| established_leader(s).is_some()));
    let leader = established_leader(&sim).expect("established");
    (sim, leader)
}

fn follower(sim: &Simulation, leader: Sid) -> Sid {
    sim.sids().find(|s| *s != leader).expect("a follower")
}

fn client_events(sim: &Simulation, id: ClientId) -> Vec<ClientEvent> {
    sim.log()
        .iter()
        .filter_map(|e| match &e.event {
            LogEvent::Client { client, event, .. } if *client == id => Some((**event).clone()),
            _ => None,
        })
        .collect()
}

fn committed_ops(sim: &Simulation, sid: Sid) -> Vec<TxnOp> {
    let db = sim.peer(sid).expect("running").database();
    db.committed_log().iter().map(|t| t.op.clone()).collect()
}

fn with_ops(server: Sid, timeout_ms: u64, ops: Vec<ClientOp>) -> ClientSpec {
    ClientSpec {
        timeout_ms,
        ops,
        ..ClientSpec::at(server)
    }
}

#[test]
fn test_session_txns_and_ephemerals_at_the_leader_and_through_a_follower() {
    for seed in 0..4 {
        let (mut sim, leader) = established(seed);
        let f = follower(&sim, leader);
        for server in [leader, f] {
            let id = sim.add_client(with_ops(
                server,
                6_000,
                vec![
                    ClientOp::ephemeral(&format!("/e{server}"), "x"),
                    ClientOp::create(&format!("/p{server}"), "y"),
                    ClientOp::Close,
                ],
            ));
            let t = sim.now().0 + 3_000;
            sim.run_until(Time(t));
            let c = sim.client(id).expect("added");
            assert_eq!(
                c.state,
                ClientState::Closed,
                "seed {seed} client at {server}"
            );
            let events = client_events(&sim, id);
            let replies = events
                .iter()
                .filter(|e| matches!(e, ClientEvent::Reply { .. }))
                .count();
            assert_eq!(replies, 3, "seed {seed}: {events:?}");
            let session = c.session.expect("had a session");
            for sid in sim.sids() {
                let tree = &sim.peer(sid).expect("up").database().tree;
                assert!(!tree.sessions.contains_key(&session), "closed everywhere");
                assert!(
                    !tree.nodes.contains_key(&format!("/e{server}")),
                    "ephemeral gone"
                );
                assert!(
                    tree.nodes.contains_key(&format!("/p{server}")),
                    "persistent stays"
                );
            }
            let ops = committed_ops(&sim, leader);
            assert!(ops.contains(&TxnOp::CreateSession {
                session,
                timeout_ms: 6_000
            }));
            assert!(ops.contains(&TxnOp::CloseSession {
                session,
                ephemerals: vec![format!("/e{server}")]
            }));
        }
    }
}

#[test]
fn test_a_silent_session_expires_by_a_close_session_txn_that_deletes_its_ephemeral() {
    let (mut sim, leader) = established(3);
    let id = sim.add_client(ClientSpec {
        reconnect: false,
        ..with_ops(leader, 4_000, vec![ClientOp::ephemeral("/lock", "me")])
    });
    let t = sim.now().0 + 1_000;
    sim.run_until(Time(t));
    let session = sim.client(id).and_then(|c| c.session).expect("connected");
    assert!(sim
        .peer(leader)
        .expect("up")
        .database()
        .tree
        .nodes
        .contains_key("/lock"));
    // The client stays connected and pings: its session lives on.
    let t = sim.now().0 + 20_000;
    sim.run_until(Time(t));
    assert!(sim
        .peer(leader)
        .expect("up")
        .database()
        .tree
        .nodes
        .contains_key("/lock"));
    // The leader crashes and its client does not reconnect (it stands for a process that died
    // with the leader's machine): the next leader tracks the session afresh, nobody touches
    // it, and it expires.
    sim.crash(leader);
    let t = sim.now().0 + 30_000;
    sim.run_until(Time(t));
    let new_leader = established_leader(&sim).expect("re-established");
    let ops = committed_ops(&sim, new_leader);
    assert!(
        ops.contains(&TxnOp::CloseSession {
            session,
            ephemerals: vec!["/lock".into()]
        }),
        "{ops:?}"
    );
    let tree = &sim.peer(new_leader).expect("up").database().tree;
    assert!(!tree.nodes.contains_key("/lock"));
    assert!(tree.sessions.is_empty());
    assert!(sim.log().iter().any(|e| matches!(
        e.event.note(),
        Some((_, zab::reason::Note::SessionExpiring { .. }))
    )));
}

#[test]
fn test_a_client_of_a_crashed_leader_reconnects_and_keeps_its_session() {
    for seed in 0..6 {
        let (mut sim, leader) = established(seed);
        let id = sim.add_client(with_ops(
            leader,
            10_000,
            vec![ClientOp::ephemeral("/me", "1")],
        ));
        let t = sim.now().0 + 1_000;
        sim.run_until(Time(t));
        let session = sim.client(id).and_then(|c| c.session).expect("connected");
        sim.crash(leader);
        let t = sim.now().0 + 40_000;
        sim.run_until(Time(t));
        let c = sim.client(id).expect("added");
        assert_eq!(c.state, ClientState::Connected, "seed {seed}");
        assert_ne!(c.server, leader);
        let events = client_events(&sim, id);
        assert!(events
            .iter()
            .any(|e| matches!(e, ClientEvent::ConnectionLoss { .. })));
        assert!(events.iter().any(|e| matches!(
            e,
            ClientEvent::Connected {
                reconnected: true,
                ..
            }
        )));
        let new_leader = established_leader(&sim).expect("re-established");
        let tree = &sim.peer(new_leader).expect("up").database().tree;
        assert!(
            tree.sessions.contains_key(&session),
            "seed {seed}: survived"
        );
        assert!(
            tree.nodes.contains_key("/me"),
            "seed {seed}: its ephemeral too"
        );
    }
}

/// Without clients nothing changes: no client line, no session in any tree.
#[test]
fn test_runs_without_clients_have_no_client_lines() {
    let (sim, _) = established(9);
    assert!(!sim
        .log()
        .iter()
        .any(|e| matches!(e.event, LogEvent::Client { .. })));
}

// A paused server's kernel buffers its clients' packets too (§11.5): a client that connects
// while its follower is paused is answered only after the resume, and its session is created.
#[test]
fn test_a_client_of_a_paused_follower_is_answered_after_the_resume() {
    for seed in 0..4 {
        let (mut sim, leader) = established(seed);
        let f = follower(&sim, leader);
        let paused_at = sim.now().0;
        sim.pause(f);
        let id = sim.add_client(with_ops(f, 30_000, vec![ClientOp::create("/held", "x")]));
        sim.run_until(Time(paused_at + 1_500));
        let before = client_events(&sim, id);
        assert!(
            !before
                .iter()
                .any(|e| matches!(e, ClientEvent::Connected { .. })),
            "seed {seed}: nothing answers while paused: {before:?}"
        );
        sim.resume(f);
        sim.run_until(Time(paused_at + 4_000));
        let after = client_events(&sim, id);
        assert!(
            after
                .iter()
                .any(|e| matches!(e, ClientEvent::Connected { .. })),
            "seed {seed}: answered after the resume: {after:?}"
        );
        assert!(
            after.iter().any(|e| matches!(e, ClientEvent::Reply { .. })),
            "seed {seed}: its write completed: {after:?}"
        );
    }
}
