//! Cluster scenarios of the leader/learner protocol (docs/protocol.md §3–§7), each reaching the state
//! it names. Faults are scheduled by hand; every wait has a bound.

use sim::network::Direction;
use sim::testkit::{established_leader, leaders, quorum_packets};
use sim::trace::LogEvent;
use sim::{SimOptions, Simulation, StartPlan};
use std::collections::BTreeMap;
use zab::leader::SyncMode;
use zab::packet::{PacketData, PacketType, QuorumPacket};
use zab::peer::{Monitor, ServerState, ZabState};
use zab::reason::{Note, ShutdownReason};
use zab::zk_database::TxnOp;
use zab::{Epoch, Sid, Time, Zxid};

fn cluster(seed: u64, voters: u32, observers: u32) -> Simulation {
    Simulation::new(SimOptions::new(seed, voters, observers).expect("shape")).expect("options")
}

/// Run until every server is in BROADCAST behind one leader; panics past `bound_ms` from now.
fn settle(sim: &mut Simulation, bound_ms: u64) -> Sid {
    let deadline = Time(sim.now().0 + bound_ms);
    assert!(
        sim.run_until_pred(deadline, |s| established_leader(s).is_some()),
        "not settled by {deadline}"
    );
    established_leader(sim).expect("settled")
}

fn create(path: &str) -> TxnOp {
    TxnOp::Create {
        path: path.to_string(),
        data: "v".to_string(),
    }
}

/// Write at the leader and run until every running server applied it.
fn write_and_apply(sim: &mut Simulation, leader: Sid, path: &str) -> Zxid {
    sim.client_write(leader, create(path));
    let deadline = Time(sim.now().0 + 5_000);
    let path = path.to_string();
    assert!(
        sim.run_until_pred(deadline, |s| {
            s.sids()
                .filter_map(|sid| s.peer(sid))
                .all(|p| p.database().tree.nodes.contains_key(&path))
        }),
        "{path} was not applied everywhere"
    );
    sim.peer(leader)
        .expect("leader up")
        .database()
        .last_processed_zxid()
}

fn types(ps: &[(Sid, QuorumPacket)]) -> Vec<PacketType> {
    ps.iter().map(|(_, p)| p.ty).collect()
}

/// The sync packet (DIFF, TRUNC or SNAP) the leader sent a learner after log index `from`.
fn sync_mode_after(sim: &Simulation, leader: Sid, learner: Sid, from: usize) -> (PacketType, Zxid) {
    sim.log()[from..]
        .iter()
        .find_map(|e| match e.event.sent_packet() {
            Some((f, to, p))
                if (f, to) == (leader, learner)
                    && matches!(
                        p.ty,
                        PacketType::Diff | PacketType::Trunc | PacketType::Snap
                    ) =>
            {
                Some((p.ty, p.zxid))
            }
            _ => None,
        })
        .expect("a sync packet was sent")
}

/// §3–§4 happy path: each learner's handshake in docs/protocol.md's order, then PINGs every
/// tickTime/2. The sync mode is what §4.2 decides at the moment its ACKEPOCH is handled:
/// until `startZkServer` ends (its `zk.startup()` takes time, §12 rule 5) the leader's
/// lastProcessedZxid is 0 and an empty DIFF(0) results; after it, lastProcessedZxid is
/// epoch<<32 and the fresh learner (zxid 0) gets SNAP (§3.6).
#[test]
fn test_happy_path_handshake_and_sync_mode_by_arrival() {
    let (mut saw_before, mut saw_after) = (0, 0);
    for voters in [3, 5] {
        for seed in 0..40 {
            let mut opts = SimOptions::new(seed, voters, 0).expect("shape");
            opts.start = StartPlan::Staggered { max_ms: 1500 };
            let mut sim = Simulation::new(opts).expect("options");
            let leader = settle(&mut sim, 65_000);
            sim.run_until(Time(sim.now().0 + 2_500));
            // `startup()`'s notifyAll: the end of startZkServer.
            let is_started = |e: &&sim::LogEntry| {
                matches!(&e.event, LogEvent::NotifyAll { sid, monitor, .. }
                    if *sid == leader && *monitor == Monitor::ZooKeeperServer)
            };
            let started = sim
                .log()
                .iter()
                .rev()
                .find(is_started)
                .map(|e| e.index)
                .expect("the leader's server started");
            for learner in sim.sids().filter(|s| *s != leader) {
                let ps = quorum_packets(&sim, learner, leader);
                // The last session between them (earlier ones may have been abandoned).
                let start = ps
                    .iter()
                    .rposition(|(_, p)| p.ty == PacketType::FollowerInfo)
                    .expect("registered");
                let ps = &ps[start..];
                // The leader's ping loop may already run: PINGs interleave with the handshake
                // (syncWithLeader ignores them).
                let ps: Vec<_> = ps
                    .iter()
                    .filter(|(_, p)| p.ty != PacketType::Ping)
                    .cloned()
                    .collect();
                let ps = &ps[..];
                let t = types(ps);
                let mode = t[3];
                assert_eq!(
                    &t[..8],
                    &[
                        PacketType::FollowerInfo,
                        PacketType::LeaderInfo,
                        PacketType::AckEpoch,
                        mode,
                        PacketType::NewLeader,
                        PacketType::Ack,
                        PacketType::UpToDate,
                        PacketType::Ack,
                    ],
                    "seed {seed} learner {learner}"
                );
                assert_eq!(t.len(), 8, "then only PINGs");
                let epoch = ps[1].1.zxid.epoch();
                assert_eq!(
                    ps[4].1.zxid,
                    Zxid::make(epoch, 0),
                    "NEWLEADER carries epoch<<32"
                );
                assert_eq!(ps[6].1.zxid, Zxid::NONE, "UPTODATE carries -1");
                // Which side of startZkServer its ACKEPOCH was handled on decides the mode.
                // `syncFollower` decides (and logs) the mode when ACKEPOCH is handled; the
                // packets may leave later, once startZkServer frees the monitor.
                let ackepoch_handled = sim
                    .log()
                    .iter()
                    .rev()
                    .find(|e| match &e.event {
                        LogEvent::Note { sid, note } if *sid == leader => matches!(
                            note.as_ref(),
                            Note::SyncFollower { learner: l, .. } if *l == learner
                        ),
                        _ => false,
                    })
                    .map(|e| e.index)
                    .expect("sync decided");
                if ackepoch_handled < started {
                    assert_eq!(
                        (mode, ps[3].1.zxid),
                        (PacketType::Diff, Zxid(0)),
                        "seed {seed}"
                    );
                    saw_before += 1;
                } else {
                    assert_eq!(
                        (mode, ps[3].1.zxid),
                        (PacketType::Snap, Zxid::make(epoch, 0)),
                        "seed {seed}"
                    );
                    saw_after += 1;
                }
            }
        }
    }
    assert!(
        saw_before > 0 && saw_after > 0,
        "both cases: {saw_before} before, {saw_after} after"
    );
}

/// §3.3: with no learner able to register, the leader's own getEpochToPropose times out at
/// exactly initLimit × tickTime and it goes back to LOOKING.
#[test]
fn test_no_quorum_epoch_wait_times_out_at_init_limit() {
    let mut opts = SimOptions::new(5, 3, 0).expect("shape");
    opts.start = StartPlan::At(BTreeMap::from([(Sid(2), Time(0)), (Sid(3), Time(0))]));
    let mut sim = Simulation::new(opts).expect("options");
    // As soon as 3 leads, cut it off from 2: nobody can register.
    assert!(sim.run_until_pred(Time(5_000), |s| s
        .peer(Sid(3))
        .is_some_and(|p| p.state() == ServerState::Leading)));
    let led_at = sim.now();
    sim.partition(Sid(3), Sid(2), Direction::Both);
    assert!(sim.run_until_pred(Time(led_at.0 + 30_000), |s| s
        .peer(Sid(3))
        .is_some_and(|p| p.state() == ServerState::Looking)));
    assert_eq!(
        sim.now(),
        Time(led_at.0 + 20_000),
        "initLimit 10 × tickTime 2000 ms"
    );
    let said = sim.log().iter().any(|e| {
        e.event.note().is_some_and(|(sid, n)| {
            sid == Sid(3) && *n == Note::LeaderShutdown(ShutdownReason::EpochTimeout)
        })
    });
    assert!(said);
    // Once a quorum can form again, the ensemble settles in a new epoch, and sid 1, started
    // late, gets the settled epoch without taking part in the epoch choice.
    sim.heal();
    let leader = settle(&mut sim, 65_000);
    let epoch = sim.peer(leader).expect("up").current_epoch();
    sim.restart(Sid(1));
    settle(&mut sim, 65_000);
    assert_eq!(sim.peer(Sid(1)).expect("up").current_epoch(), epoch);
    assert_eq!(established_leader(&sim), Some(leader));
}

/// Leader crash → new election → epoch 2: every survivor re-registers (its acceptedEpoch 1 <
/// 2, so it reports its currentEpoch 1) and, having the same committed history as the new
/// leader, is synced by DIFF.
#[test]
fn test_leader_crash_new_epoch_survivors_resync_by_diff() {
    let mut sim = cluster(11, 5, 0);
    let old = settle(&mut sim, 65_000);
    let z = write_and_apply(&mut sim, old, "/a");
    assert_eq!(z, Zxid::make(Epoch(1), 1));
    let mark = sim.log().len();
    sim.crash(old);
    let leader = settle(&mut sim, 65_000);
    assert_ne!(leader, old);
    for sid in sim.sids().filter(|s| *s != old) {
        let p = sim.peer(sid).expect("survivor up");
        assert_eq!(
            (p.current_epoch(), p.accepted_epoch()),
            (Epoch(2), Epoch(2)),
            "sid {sid}"
        );
        assert!(
            p.database().tree.nodes.contains_key("/a"),
            "the committed txn survives"
        );
        if sid != leader {
            let (ty, zxid) = sync_mode_after(&sim, leader, sid, mark);
            // DIFF(1:1): in sync (before startZkServer) or inside the committedLog window.
            assert_eq!((ty, zxid), (PacketType::Diff, z), "sid {sid}");
            let ackepoch = quorum_packets(&sim, sid, leader)
                .into_iter()
                .find(|(_, p)| p.ty == PacketType::AckEpoch)
                .expect("ACKEPOCH");
            assert_eq!(
                ackepoch.1.data,
                PacketData::CurrentEpoch(1),
                "it had not accepted epoch 2"
            );
        }
    }
    assert_eq!(
        sim.disk(leader).expect("disk").durable.current_epoch,
        Some(Epoch(2))
    );
}

/// A follower restarted behind is synced by DIFF with the PROPOSAL/COMMIT pairs it missed.
#[test]
fn test_follower_restarted_behind_gets_diff_with_proposals() {
    let mut sim = cluster(3, 3, 0);
    let leader = settle(&mut sim, 65_000);
    let z1 = write_and_apply(&mut sim, leader, "/a");
    let f = sim.sids().find(|s| *s != leader).expect("a follower");
    sim.crash(f);
    sim.run_until(Time(sim.now().0 + 100));
    sim.client_write(leader, create("/b"));
    sim.client_write(leader, create("/c"));
    sim.run_until(Time(sim.now().0 + 500));
    let mark = sim.log().len();
    sim.restart(f);
    settle(&mut sim, 65_000);
    let ps: Vec<_> = quorum_packets(&sim, f, leader)
        .into_iter()
        .skip_while(|_| false)
        .collect();
    let last = ps
        .iter()
        .rposition(|(_, p)| p.ty == PacketType::FollowerInfo)
        .expect("registered");
    let t = types(&ps[last..]);
    let (z2, z3) = (Zxid(z1.0 + 1), Zxid(z1.0 + 2));
    assert_eq!(
        sync_mode_after(&sim, leader, f, mark),
        (PacketType::Diff, z3)
    );
    assert_eq!(
        &t[3..8],
        &[
            PacketType::Diff,
            PacketType::Proposal,
            PacketType::Commit,
            PacketType::Proposal,
            PacketType::Commit
        ]
    );
    let zxids: Vec<Zxid> = ps[last + 4..last + 8].iter().map(|(_, p)| p.zxid).collect();
    assert_eq!(zxids, vec![z2, z2, z3, z3]);
    assert_eq!(t[8], PacketType::NewLeader);
    let db = sim.peer(f).expect("up").database();
    assert!(["/a", "/b", "/c"]
        .iter()
        .all(|p| db.tree.nodes.contains_key(*p)));
    // The synced txns were made durable before the NEWLEADER ACK (ZOOKEEPER-4646 fix).
    assert_eq!(sim.disk(f).expect("disk").durable.log.len(), 3);
}

/// Put a txn in the old leader's log only: partition it and write at once, then crash it.
/// Returns (old leader, the orphan zxid).
fn orphan_txn_on_old_leader(sim: &mut Simulation) -> (Sid, Zxid) {
    let old = settle(sim, 65_000);
    write_and_apply(sim, old, "/a");
    let now = sim.now();
    for other in sim.sids().filter(|s| *s != old).collect::<Vec<_>>() {
        sim.partition(old, other, Direction::Both);
    }
    sim.client_write(old, create("/orphan"));
    sim.run_until(Time(now.0 + 50));
    let orphan = Zxid::make(Epoch(1), 2);
    assert!(
        sim.disk(old)
            .expect("disk")
            .durable
            .log
            .iter()
            .any(|t| t.zxid == orphan),
        "the old leader logged and synced the orphan"
    );
    sim.crash(old);
    sim.heal();
    (old, orphan)
}

/// §4.2 case 3: a server with an uncommitted txn of the old epoch, ahead of the new leader's
/// maxCommittedLog in that epoch, is TRUNCated back to it.
#[test]
fn test_uncommitted_txn_from_old_epoch_is_truncated() {
    let mut sim = cluster(21, 3, 0);
    let (old, orphan) = orphan_txn_on_old_leader(&mut sim);
    let leader = settle(&mut sim, 65_000);
    let mark = sim.log().len();
    sim.restart(old);
    settle(&mut sim, 65_000);
    assert_eq!(
        sync_mode_after(&sim, leader, old, mark),
        (PacketType::Trunc, Zxid(orphan.0 - 1))
    );
    let p = sim.peer(old).expect("up");
    assert!(!p.database().tree.nodes.contains_key("/orphan"));
    assert!(
        !sim.disk(old)
            .expect("disk")
            .durable
            .log
            .iter()
            .any(|t| t.zxid == orphan),
        "cut from disk"
    );
}

/// ZOOKEEPER-1154's setting: when the new leader already has a txn of its own epoch, a TRUNC
/// would cross an epoch boundary, so the server gets SNAP instead.
#[test]
fn test_trunc_across_an_epoch_becomes_snap() {
    let mut sim = cluster(21, 3, 0);
    let (old, orphan) = orphan_txn_on_old_leader(&mut sim);
    let leader = settle(&mut sim, 65_000);
    let z = write_and_apply(&mut sim, leader, "/new");
    assert_eq!(z.epoch(), Epoch(2));
    let mark = sim.log().len();
    sim.restart(old);
    settle(&mut sim, 65_000);
    let (ty, _) = sync_mode_after(&sim, leader, old, mark);
    assert_eq!(ty, PacketType::Snap);
    let db = sim.peer(old).expect("up").database();
    assert!(db.tree.nodes.contains_key("/new") && !db.tree.nodes.contains_key("/orphan"));
    let _ = orphan;
}

/// §4.2 case 5: a follower behind the committedLog window (500 txns) whose missing txns
/// outweigh a third of the snapshot gets SNAP.
#[test]
fn test_follower_behind_the_committed_log_window_gets_snap() {
    let mut sim = cluster(4, 3, 0);
    let leader = settle(&mut sim, 65_000);
    write_and_apply(&mut sim, leader, "/a");
    let f = sim.sids().find(|s| *s != leader).expect("a follower");
    sim.crash(f);
    for i in 0..510 {
        sim.client_write(
            leader,
            TxnOp::SetData {
                path: "/a".into(),
                data: format!("{i}"),
            },
        );
        sim.run_until(Time(sim.now().0 + 2));
    }
    sim.run_until(Time(sim.now().0 + 1_000));
    let db = sim.peer(leader).expect("up").database();
    let (min, _) = db.committed_log_bounds();
    assert!(
        min > Zxid::make(Epoch(1), 1),
        "the window moved past the follower's zxid"
    );
    let mark = sim.log().len();
    sim.restart(f);
    settle(&mut sim, 65_000);
    assert_eq!(sync_mode_after(&sim, leader, f, mark).0, PacketType::Snap);
    assert_eq!(
        sim.peer(f)
            .expect("up")
            .database()
            .tree
            .nodes
            .get("/a")
            .map(String::as_str),
        Some("509")
    );
}

/// An observer registers with OBSERVERINFO, never counts in a quorum, and learns commits by
/// INFORM (it never ACKs a proposal).
#[test]
fn test_observer_registers_with_observerinfo_and_receives_inform() {
    let mut sim = cluster(8, 3, 1);
    let leader = settle(&mut sim, 65_000);
    let observer = Sid(4);
    assert_eq!(
        sim.peer(observer).expect("up").state(),
        ServerState::Observing
    );
    write_and_apply(&mut sim, leader, "/a");
    let ps = quorum_packets(&sim, observer, leader);
    assert_eq!(ps[0].1.ty, PacketType::ObserverInfo);
    assert!(ps
        .iter()
        .any(|(from, p)| *from == leader && p.ty == PacketType::Inform));
    assert!(!ps
        .iter()
        .any(|(_, p)| p.ty == PacketType::Proposal || p.ty == PacketType::Commit));
    assert!(!ps
        .iter()
        .any(|(from, p)| *from == observer && p.ty == PacketType::Ack && p.zxid.counter() != 0));
    // Two voters down: the observer does not make a quorum with the leader.
    let followers: Vec<Sid> = sim
        .sids()
        .filter(|s| *s != leader && *s != observer)
        .collect();
    for f in followers {
        sim.crash(f);
    }
    let deadline = Time(sim.now().0 + 15_000);
    assert!(sim.run_until_pred(deadline, |s| leaders(s).is_empty()));
    let said = sim.log().iter().any(|e| {
        e.event.note().is_some_and(|(_, n)| {
            matches!(
                n,
                Note::LeaderShutdown(ShutdownReason::NotSufficientFollowersSynced { .. })
            )
        })
    });
    assert!(said);
}

/// A crash between a txn's write and its fsync loses it on that server only; nothing
/// committed is lost, and the server is resynced.
#[test]
fn test_crash_between_write_and_fsync_loses_only_that_copy() {
    let mut opts = SimOptions::new(2, 3, 0).expect("shape");
    opts.fsync_ms = (300, 300);
    let mut sim = Simulation::new(opts).expect("options");
    let leader = settle(&mut sim, 65_000);
    let f = sim.sids().find(|s| *s != leader).expect("follower");
    sim.client_write(leader, create("/x"));
    let appended = sim.run_until_pred(Time(sim.now().0 + 1_000), |s| {
        s.disk(f).is_some_and(|d| !d.pending.is_empty())
    });
    assert!(appended, "the follower appended /x");
    sim.crash(f);
    assert!(
        sim.disk(f).expect("disk").durable.log.is_empty(),
        "lost with the OS buffer"
    );
    // The leader and the other follower still commit it.
    sim.run_until(Time(sim.now().0 + 1_000));
    assert!(sim
        .peer(leader)
        .expect("up")
        .database()
        .tree
        .nodes
        .contains_key("/x"));
    sim.restart(f);
    settle(&mut sim, 65_000);
    sim.run_until(Time(sim.now().0 + 1_000));
    assert!(
        sim.peer(f)
            .expect("up")
            .database()
            .tree
            .nodes
            .contains_key("/x"),
        "resynced"
    );
    assert_eq!(sim.peer(f).expect("up").zab_state(), ZabState::Broadcast);
}

/// A client write at a follower is forwarded as REQUEST and committed everywhere.
#[test]
fn test_write_at_a_follower_is_forwarded_as_request() {
    let mut sim = cluster(6, 3, 0);
    let leader = settle(&mut sim, 65_000);
    let f = sim.sids().find(|s| *s != leader).expect("follower");
    sim.client_write(f, create("/via-follower"));
    sim.run_until(Time(sim.now().0 + 1_000));
    assert!(quorum_packets(&sim, f, leader)
        .iter()
        .any(|(from, p)| *from == f && p.ty == PacketType::Request));
    for sid in sim.sids().collect::<Vec<_>>() {
        assert!(sim
            .peer(sid)
            .expect("up")
            .database()
            .tree
            .nodes
            .contains_key("/via-follower"));
    }
    let _ = SyncMode::Diff;
}
