//! Process pause (issue 12, docs/protocol.md §11.5): nothing of a paused server runs, its
//! kernel buffers what arrives, and on resume its overdue timers fire in deadline order before
//! it reads the buffer in arrival order. The `leader-paused` scenario ends with a new leader in
//! a higher epoch and the old leader following it.

use sim::checker::Checker;
use sim::scenario::{KeyMoment, KeyMomentFinder, Scenario, LEADER_PAUSE_MS};
use sim::testkit::established_leader;
use sim::trace::{LogEntry, LogEvent};
use sim::{MsgId, SimOptions, Simulation, StartPlan};
use zab::message::Message;
use zab::output::Timer;
use zab::packet::PacketType;
use zab::peer::{ServerState, ZabState};
use zab::reason::{Note, ShutdownReason};
use zab::zk_database::TxnOp;
use zab::{Epoch, Sid, Time};

/// Step with every invariant checker after every event.
/// Then stand at `until`.
fn checked_run(sim: &mut Simulation, checker: &mut Checker, until: Time) {
    loop {
        if let Err(v) = checker.check(sim) {
            panic!("violation at {}: {v}", sim.now());
        }
        match sim.next_event_time() {
            Some(t) if t <= until => {
                sim.step();
            }
            _ => break,
        }
    }
    sim.run_until(until);
}

/// Three voters, started together, run (checked) until they are established behind one
/// leader.
fn established(seed: u64) -> (Simulation, Sid, Checker) {
    let mut options = SimOptions::new(seed, 3, 0).expect("3 voters");
    options.start = StartPlan::Together;
    let mut sim = Simulation::new(options).expect("valid");
    let mut checker = Checker::new();
    while established_leader(&sim).is_none() {
        checker.check(&sim).expect("no violation");
        assert!(
            sim.now() < Time(20_000) && sim.step(),
            "established by 20 s"
        );
    }
    let leader = established_leader(&sim).expect("just established");
    (sim, leader, checker)
}

fn index_of(log: &[LogEntry], pred: impl Fn(&LogEvent) -> bool) -> Option<usize> {
    log.iter().position(|e| pred(&e.event))
}

/// Whether the entry is something the server did or read (not something done to it, or sent
/// to it, or its kernel's).
fn ran(event: &LogEvent, sid: Sid) -> bool {
    match event {
        LogEvent::Timer { sid: s, .. }
        | LogEvent::StateChange { sid: s, .. }
        | LogEvent::Thread { sid: s, .. }
        | LogEvent::ThreadEnded { sid: s, .. }
        | LogEvent::NotifyAll { sid: s, .. }
        | LogEvent::Note { sid: s, .. }
        | LogEvent::Fsync { sid: s, .. }
        | LogEvent::AppendTxn { sid: s, .. }
        | LogEvent::PersistEpoch { sid: s, .. }
        | LogEvent::ClientWrite { sid: s, .. }
        | LogEvent::Disconnected { sid: s, .. }
        | LogEvent::Deliver { to: s, .. }
        | LogEvent::Close { by: s, .. } => *s == sid,
        LogEvent::Send(sent) => sent.from == sid,
        LogEvent::Accept { to, .. } => *to == sid,
        LogEvent::Connected { from, .. } | LogEvent::ConnectFailed { from, .. } => *from == sid,
        _ => false,
    }
}

#[test]
fn test_leader_paused_ends_with_a_new_leader_and_the_old_one_following_it() {
    for seed in 0..8 {
        let mut sim = Scenario::LeaderPaused.build(seed);
        let mut checker = Checker::new();
        checked_run(&mut sim, &mut checker, Time(70_000));
        let log = sim.log();
        let (paused_at, old) = log
            .iter()
            .find_map(|e| match e.event {
                LogEvent::Paused { sid } => Some((e.index as usize, sid)),
                _ => None,
            })
            .expect("the script pauses the leader");
        let resumed_at = index_of(
            log,
            |e| matches!(e, LogEvent::Resumed { sid, .. } if *sid == old),
        )
        .expect("and resumes it");
        assert_eq!(
            log[resumed_at].event,
            LogEvent::Resumed {
                sid: old,
                paused_ms: LEADER_PAUSE_MS
            }
        );
        // While it was stopped the followers' reads timed out and they elected a new leader,
        // which reached broadcast before the old one woke.
        let during = &log[paused_at..resumed_at];
        assert!(
            during.iter().all(|e| !ran(&e.event, old)),
            "seed {seed}: server {old} ran while paused"
        );
        let timed_out = during
            .iter()
            .filter(|e| {
                matches!(
                    e.event.note(),
                    Some((_, Note::LearnerShutdown(ShutdownReason::ReadTimedOut)))
                )
            })
            .count();
        assert_eq!(timed_out, 2, "seed {seed}: both followers' reads time out");
        assert!(
            during.iter().any(|e| matches!(
                &e.event,
                LogEvent::StateChange { sid, to: ServerState::Leading, .. } if *sid != old
            )),
            "seed {seed}: a new leader while the old one is stopped"
        );
        // It woke LEADING, and only its own quorum check told it otherwise.
        let woke_as = log[..resumed_at].iter().rev().find_map(|e| match &e.event {
            LogEvent::StateChange { sid, to, .. } if *sid == old => Some(*to),
            _ => None,
        });
        assert_eq!(woke_as, Some(ServerState::Leading), "seed {seed}");
        let stepped_down = log[resumed_at..].iter().position(|e| {
            matches!(
                e.event.note(),
                Some((s, Note::LeaderShutdown(ShutdownReason::NotSufficientFollowersSynced { synced })))
                    if s == old && synced.as_slice() == [old]
            )
        });
        assert!(
            stepped_down.is_some(),
            "seed {seed}: no \"Not sufficient followers synced\""
        );
        // The end: a leader in a higher epoch, the old leader following it, the write kept.
        let leader = established_leader(&sim).expect("established again");
        assert_ne!(leader, old, "seed {seed}");
        let epoch = sim.peer(leader).map(|p| p.current_epoch());
        assert!(
            epoch.is_some_and(|e| e >= Epoch(2)),
            "seed {seed}: {epoch:?}"
        );
        let old_peer = sim.peer(old).expect("running");
        assert_eq!(
            (
                old_peer.state(),
                old_peer.zab_state(),
                old_peer.current_vote().id
            ),
            (ServerState::Following, ZabState::Broadcast, leader),
            "seed {seed}"
        );
        assert_eq!(
            old_peer.current_epoch(),
            epoch.expect("checked"),
            "seed {seed}"
        );
        assert!(sim.sids().all(|s| sim.peer(s).is_some_and(|p| p
            .database()
            .tree
            .nodes
            .contains_key("/a"))));
        // The key moment is the step-down after the resume.
        let mut finder = KeyMomentFinder::new(KeyMoment::DeposedAfterPause);
        let key = log.iter().position(|e| finder.scan(e));
        assert_eq!(key, stepped_down.map(|i| resumed_at + i), "seed {seed}");
    }
}

#[test]
fn test_a_paused_servers_timers_wait_and_fire_at_resume_in_deadline_order() {
    let (mut sim, leader, mut checker) = established(4);
    let t0 = sim.now();
    sim.pause(leader);
    // 15 s: past every handler's read deadline (syncLimit × tickTime = 10 s).
    let resume = t0.plus_ms(15_000);
    checked_run(&mut sim, &mut checker, resume);
    let paused_at =
        index_of(sim.log(), |e| *e == LogEvent::Paused { sid: leader }).expect("logged");
    assert!(sim.log()[paused_at..]
        .iter()
        .all(|e| !ran(&e.event, leader)));
    // Its timers are all still pending, every one of them overdue.
    let mut overdue: Vec<(Time, Timer)> = sim
        .pending_timers(leader)
        .map(|(timer, at)| (at, timer))
        .collect();
    overdue.sort();
    assert!(
        overdue.len() >= 3,
        "the ping loop and two handlers: {overdue:?}"
    );
    assert!(overdue.iter().all(|(at, _)| *at < resume), "{overdue:?}");
    assert_eq!(
        overdue[0].1,
        Timer::Lead,
        "the ping loop's next pass comes due first"
    );

    sim.resume(leader);
    let log = sim.log();
    let resumed = index_of(
        log,
        |e| matches!(e, LogEvent::Resumed { sid, .. } if *sid == leader),
    )
    .expect("logged");
    assert!(
        log[resumed..].iter().all(|e| e.time == resume),
        "resume is one instant"
    );
    let fired: Vec<Timer> = log[resumed..]
        .iter()
        .filter_map(|e| match e.event {
            LogEvent::Timer { sid, timer } if sid == leader => Some(timer),
            _ => None,
        })
        .collect();
    // Each overdue timer once, by deadline (a tie goes to the one set first, which the
    // pending list cannot show: it is checked by the deadlines alone).
    let deadline = |t: &Timer| overdue.iter().find(|(_, o)| o == t).map(|(at, _)| *at);
    let fired_at: Vec<Option<Time>> = fired.iter().map(deadline).collect();
    assert!(fired_at.iter().all(Option::is_some), "{fired:?}");
    assert!(
        fired_at.windows(2).all(|w| w[0] <= w[1]),
        "{fired:?} {overdue:?}"
    );
    let mut sorted = fired.clone();
    sorted.sort();
    let mut expected: Vec<Timer> = overdue.iter().map(|(_, t)| *t).collect();
    expected.sort();
    assert_eq!(sorted, expected, "every overdue timer fires, once");
    // Every timer before anything it reads.
    let last_timer = log
        .iter()
        .rposition(|e| matches!(e.event, LogEvent::Timer { sid, .. } if sid == leader))
        .expect("fired");
    let first_read = log[resumed..]
        .iter()
        .position(|e| matches!(e.event, LogEvent::Deliver { to, .. } if to == leader))
        .map(|i| resumed + i);
    assert!(
        first_read.is_none_or(|r| r > last_timer),
        "timers first, then reads"
    );
    // The handlers' read timeouts are what ended them.
    let handler_timeouts = log[resumed..]
        .iter()
        .filter(|e| {
            matches!(
                e.event.note(),
                Some((s, Note::HandlerShutdown { reason: ShutdownReason::ReadTimedOut, .. })) if s == leader
            )
        })
        .count();
    assert_eq!(handler_timeouts, 2);
    assert!(
        sim.pending_timers(leader).all(|(_, at)| at > resume),
        "nothing left overdue"
    );
    // Deposed meanwhile, it steps down at its next tick and rejoins; every invariant holds.
    checked_run(&mut sim, &mut checker, resume.plus_ms(20_000));
    let now_leading = established_leader(&sim).expect("established");
    assert_ne!(now_leading, leader);
    assert_eq!(
        sim.peer(leader).map(|p| p.state()),
        Some(ServerState::Following)
    );
}

/// A short pause (under syncLimit × tickTime) of a follower: the leader's packets, proposals
/// included, wait in its socket buffer and are read at resume, in the order they were sent; the
/// connection survives and the follower stays FOLLOWING.
#[test]
fn test_packets_to_a_paused_server_are_buffered_and_read_in_order_at_resume() {
    let (mut sim, leader, mut checker) = established(2);
    let follower = sim.sids().find(|s| *s != leader).expect("3 voters");
    let t0 = sim.now();
    sim.pause(follower);
    let log_from = sim.log().len();
    for (i, ms) in [300, 900, 1_500].into_iter().enumerate() {
        sim.client_write_at(
            t0.plus_ms(ms),
            leader,
            TxnOp::Create {
                path: format!("/p{i}"),
                data: "x".into(),
            },
        );
    }
    let resume = t0.plus_ms(4_000);
    checked_run(&mut sim, &mut checker, resume);
    let sent: Vec<(MsgId, PacketType)> = sim.log()[log_from..]
        .iter()
        .filter_map(|e| {
            e.event
                .sent()
                .filter(|s| s.to == follower && s.deliver_at < resume)
        })
        .map(|s| match &s.message {
            Message::Quorum(p) => (s.msg, p.ty),
            other => panic!("{other:?} to a follower during broadcast"),
        })
        .collect();
    let types: Vec<PacketType> = sent.iter().map(|(_, ty)| *ty).collect();
    assert_eq!(
        types
            .iter()
            .filter(|ty| **ty == PacketType::Proposal)
            .count(),
        3,
        "{types:?}"
    );
    assert!(types.contains(&PacketType::Ping), "{types:?}");
    // None was read: all of them are in its socket buffer, in order, none on the wire.
    assert!(sim.log()[log_from..]
        .iter()
        .all(|e| !ran(&e.event, follower)));
    let held: Vec<MsgId> = sim.held_messages(follower).map(|m| m.msg).collect();
    let sent_ids: Vec<MsgId> = sent.iter().map(|(m, _)| *m).collect();
    assert_eq!(held, sent_ids);
    assert!(sim.in_flight().all(|m| !held.contains(&m.msg)));
    // The other follower's ACKs made the quorum: committed without it, unseen by it.
    let has = |s: Sid, path: &str| {
        sim.peer(s)
            .is_some_and(|p| p.database().tree.nodes.contains_key(path))
    };
    assert!(has(leader, "/p2") && !has(follower, "/p0"));

    sim.resume(follower);
    let read: Vec<(MsgId, Time)> = sim.log()[log_from..]
        .iter()
        .filter_map(|e| match e.event {
            LogEvent::Deliver { msg, to, .. } if to == follower => Some((msg, e.time)),
            _ => None,
        })
        .collect();
    assert_eq!(
        read.iter().map(|(m, _)| *m).collect::<Vec<_>>(),
        sent_ids,
        "read in the order sent"
    );
    assert!(read.iter().all(|(_, t)| *t == resume), "all at the resume");
    assert_eq!(sim.held_messages(follower).count(), 0);

    checked_run(&mut sim, &mut checker, resume.plus_ms(5_000));
    let breaks = sim.log()[log_from..].iter().any(|e| {
        matches!(e.event, LogEvent::Break { .. })
            || matches!(e.event, LogEvent::Disconnected { sid, .. } if sid == follower || sid == leader)
    });
    assert!(!breaks, "a pause alone breaks no connection");
    assert_eq!(established_leader(&sim), Some(leader));
    assert!(sim.sids().all(|s| sim.peer(s).is_some_and(|p| {
        (0..3).all(|i| p.database().tree.nodes.contains_key(&format!("/p{i}")))
    })));
}

/// A paused server can be crashed: its backlog dies with it, and it restarts from its disk.
#[test]
fn test_crashing_a_paused_server_drops_its_backlog() {
    let (mut sim, leader, mut checker) = established(6);
    let follower = sim.sids().find(|s| *s != leader).expect("3 voters");
    sim.pause(follower);
    let t0 = sim.now();
    checked_run(&mut sim, &mut checker, t0.plus_ms(3_000));
    assert!(sim.held_messages(follower).count() > 0, "pings wait for it");
    sim.crash(follower);
    assert!(!sim.is_paused(follower));
    assert_eq!(sim.held_messages(follower).count(), 0);
    let crashed_at = sim.log().len();
    sim.resume(follower);
    assert_eq!(sim.log().len(), crashed_at, "nothing to resume");
    sim.restart_at(t0.plus_ms(4_000), follower);
    checked_run(&mut sim, &mut checker, t0.plus_ms(15_000));
    assert!(sim.log()[crashed_at..]
        .iter()
        .all(|e| { !matches!(e.event, LogEvent::Resumed { .. }) }));
    assert_eq!(established_leader(&sim), Some(leader));
}
