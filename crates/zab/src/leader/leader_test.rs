//! Single-state-machine tests of `Leader.lead()` and its three monitors (docs/protocol.md §3, §4):
//! discovery and synchronization, driven through the leader's public inputs only. The fixture
//! is in `leader_fixture.rs`.

use crate::ids::{Epoch, Sid, Time, Zxid};
use crate::leader::{HandlerPhase, LeadPhase, RoleStep, StateSummary, SyncMode};
use crate::output::{Effect, EpochFile, Timer, Work};
use crate::packet::{PacketData, PacketType, QuorumPacket};
use crate::peer::{Wait, ZabState};
use crate::test_fixtures::{txn, z};
use crate::zk_database::{Snapshot, ZkDatabase};

use super::leader_fixture::*;

// ---- getEpochToPropose (§3.3) --------------------------------------------------------------

// docs/protocol.md §3.1 steps 2–6 and §3.3 step 4: lead() snapshots, then the leader alone is not a
// quorum of connecting followers, so it waits up to initLimit × tickTime.
#[test]
fn test_leader_alone_is_not_an_epoch_quorum() {
    let (fx, step, out) = Fx::lead(fresh(3, 0), 0);
    assert_eq!(step, RoleStep::Continue);
    assert_eq!(
        out,
        vec![
            Effect::TakeSnapshot {
                snapshot: Snapshot::default(),
                supersedes_log: false,
            },
            Effect::Note(Note::LeadingStarted),
            lead_timer(INIT_MS),
        ]
    );
    assert_eq!(
        fx.leader.phase,
        LeadPhase::GetEpochToPropose {
            deadline: Time(INIT_MS)
        }
    );
    assert_eq!(
        fx.core.accepted_epoch,
        Epoch(0),
        "not persisted before a quorum"
    );
    assert_eq!(fx.core.zab_state, ZabState::Discovery);
    let mut threads = Vec::new();
    fx.leader.threads_into(&fx.core, &mut threads);
    assert_eq!(
        threads[0].wait,
        Some(Wait {
            monitor: Monitor::ConnectingFollowers,
            since: Time(0),
            deadline: Time(INIT_MS),
            have: vec![Sid(LEADER)],
            need: 2,
            needs_self: Some(Sid(LEADER)),
        })
    );
}

// docs/protocol.md §3.3 step 4 and §4.1 step 8: the FOLLOWERINFO that completes the quorum persists
// acceptedEpoch, wakes lead(), and the handler sends LEADERINFO(makeZxid(epoch, 0), 0x10000).
#[test]
fn test_followerinfo_completes_the_epoch_quorum() {
    let mut fx = Fx::start(fresh(3, 0));
    fx.accept(1, 10);
    let out = fx.recv(1, follower_info(1, 0), 10);
    assert_eq!(
        out,
        vec![
            persist(EpochFile::Accepted, 1),
            notify_all(Monitor::ConnectingFollowers, &[Waiter::Lead]),
            to(1, leader_info(1)),
            handler_timer(1, 10 + INIT_MS),
            lead_timer(10 + INIT_MS),
        ]
    );
    assert_eq!(fx.core.accepted_epoch, Epoch(1));
    assert_eq!(fx.leader.epoch(), Epoch(1));
    assert_eq!(
        fx.leader.phase,
        LeadPhase::WaitForEpochAck {
            deadline: Time(10 + INIT_MS)
        }
    );
    assert_eq!(fx.phase_of(1), Some(HandlerPhase::ReadAckEpoch));
    assert_eq!(fx.handler(1).and_then(|h| h.new_epoch), Some(Epoch(1)));
}

// docs/protocol.md §3.3 step 5: handlers that waited for the epoch are named by the notifyAll and
// each sends its LEADERINFO once woken.
#[test]
fn test_epoch_quorum_wakes_every_waiting_handler() {
    let mut fx = Fx::start(fresh(5, 0));
    fx.accept(1, 10);
    let out = fx.recv(1, follower_info(1, 0), 10);
    assert_eq!(out, vec![handler_timer(1, 10 + INIT_MS)]);
    assert_eq!(
        fx.phase_of(1),
        Some(HandlerPhase::GetEpochToPropose {
            deadline: Time(10 + INIT_MS)
        })
    );
    fx.accept(2, 20);
    let out = fx.recv(2, follower_info(2, 0), 20);
    assert_eq!(
        out,
        vec![
            persist(EpochFile::Accepted, 1),
            notify_all(Monitor::ConnectingFollowers, &[Waiter::Lead, handler_of(1)]),
            to(2, leader_info(1)),
            handler_timer(2, 20 + INIT_MS),
            lead_timer(20 + INIT_MS),
            to(1, leader_info(1)),
            handler_timer(1, 20 + INIT_MS),
        ]
    );
}

// docs/protocol.md §3.3 step 2: epoch = 1 + the largest acceptedEpoch of every caller before the
// quorum, observers included, although an observer does not count towards the quorum.
#[test]
fn test_epoch_is_one_more_than_the_largest_accepted_epoch_including_observers() {
    let mut fx = Fx::start(leader_core(3, 1, (3, 3), ZkDatabase::default()));
    assert_eq!(fx.leader.epoch(), Epoch(4));
    fx.accept(4, 10);
    let out = fx.recv(4, observer_info(4, 7), 10);
    assert_eq!(out, vec![handler_timer(4, 10 + INIT_MS)]);
    assert_eq!(fx.leader.epoch(), Epoch(8));
    fx.accept(1, 20);
    let out = fx.recv(1, follower_info(1, 5), 20);
    assert_eq!(
        out,
        vec![
            persist(EpochFile::Accepted, 8),
            notify_all(Monitor::ConnectingFollowers, &[Waiter::Lead, handler_of(4)]),
            to(1, leader_info(8)),
            handler_timer(1, 20 + INIT_MS),
            lead_timer(20 + INIT_MS),
            to(4, leader_info(8)),
            handler_timer(4, 20 + INIT_MS),
        ]
    );
}

// docs/protocol.md §3.3 step 3: only participants join connectingFollowers — leader + observer is
// not a quorum, so nothing is persisted and both keep waiting.
#[test]
fn test_observerinfo_does_not_count_towards_the_epoch_quorum() {
    let mut fx = Fx::start(fresh(3, 1));
    fx.accept(4, 10);
    let out = fx.recv(4, observer_info(4, 0), 10);
    assert_eq!(out, vec![handler_timer(4, 10 + INIT_MS)]);
    assert_eq!(fx.core.accepted_epoch, Epoch(0));
    assert!(matches!(
        fx.leader.phase,
        LeadPhase::GetEpochToPropose { .. }
    ));
    assert!(matches!(
        fx.phase_of(4),
        Some(HandlerPhase::GetEpochToPropose { .. })
    ));
}

// docs/protocol.md §3.3 step 1: once the epoch is settled, a late learner gets it at once, whatever
// its own acceptedEpoch.
#[test]
fn test_late_learner_gets_the_settled_epoch_at_once() {
    let mut fx = Fx::start(fresh(3, 0));
    fx.accept(1, 10);
    fx.recv(1, follower_info(1, 0), 10);
    fx.accept(2, 30);
    let out = fx.recv(2, follower_info(2, 5), 30);
    assert_eq!(
        out,
        vec![to(2, leader_info(1)), handler_timer(2, 30 + INIT_MS)]
    );
    assert_eq!(fx.leader.epoch(), Epoch(1));
    assert_eq!(fx.core.accepted_epoch, Epoch(1));
}

// docs/protocol.md §3.3 step 5: a handler whose getEpochToPropose deadline passes throws; only that
// handler ends, the leader keeps waiting.
#[test]
fn test_handler_epoch_wait_timeout_closes_only_that_handler() {
    let mut fx = Fx::start(fresh(5, 0));
    fx.accept(1, 10);
    fx.recv(1, follower_info(1, 0), 10);
    let (step, out) = fx.handler_timer(1, 10 + INIT_MS);
    assert_eq!(step, RoleStep::Continue);
    assert_eq!(no_logs(&out), closed(1));
    assert_eq!(
        logs(&out),
        vec![Note::HandlerShutdown {
            conn: conn(1),
            learner: Some(Sid(1)),
            reason: ShutdownReason::EpochTimeout
        }]
    );
    assert!(fx.handler(1).is_none());
    assert!(matches!(
        fx.leader.phase,
        LeadPhase::GetEpochToPropose { .. }
    ));
}

// docs/protocol.md §3.1 step 6 and §3.3 step 5: the leader's own deadline ends lead().
#[test]
fn test_leader_epoch_wait_timeout_shuts_down() {
    let mut fx = Fx::start(fresh(3, 0));
    let (step, out) = fx.lead_timer(INIT_MS);
    assert_eq!(step, RoleStep::Shutdown(ShutdownReason::EpochTimeout));
    assert_eq!(out, vec![]);
}

// ---- waitForEpochAck (§3.4) ----------------------------------------------------------------

// docs/protocol.md §3.4 steps 2–4 and §3.1 step 11: a quorum of ACKEPOCHs establishes the leader — the
// handler syncs (DIFF then NEWLEADER) and lead() persists currentEpoch and waits for the
// NEWLEADER ACKs. (Java runs these on two threads; this is one legal interleaving.)
#[test]
fn test_epoch_ack_quorum_establishes_the_leader_then_the_handler_syncs() {
    let mut fx = Fx::start(fresh(3, 0));
    fx.accept(1, 10);
    fx.recv(1, follower_info(1, 0), 10);
    let out = fx.recv(1, ack_epoch(Zxid::ZERO, 0), 20);
    assert_eq!(
        no_logs(&out),
        vec![
            notify_all(Monitor::ElectingFollowers, &[Waiter::Lead]),
            to(1, bare(PacketType::Diff, Zxid::ZERO)),
            to(1, new_leader(1, 3, 0)),
            handler_timer(1, 20 + INIT_MS),
            persist(EpochFile::Current, 1),
            lead_timer(20 + INIT_MS),
        ]
    );
    assert_eq!(fx.core.current_epoch, Epoch(1));
    assert_eq!(fx.core.zab_state, ZabState::Synchronization);
    assert_eq!(
        fx.leader.phase,
        LeadPhase::WaitForNewLeaderAck {
            deadline: Time(20 + INIT_MS)
        }
    );
    let h = fx.handler(1).expect("handler 1 is alive");
    assert_eq!(h.phase, HandlerPhase::ReadNewLeaderAck);
    assert_eq!(h.sync_mode, SyncMode::Diff);
    assert_eq!(h.peer_last_zxid, Some(Zxid::ZERO));
}

// docs/protocol.md §3.4 step 3: an ACKEPOCH with currentEpoch −1 ("already accepted") is not counted;
// its handler waits and is synced when someone else completes the quorum.
#[test]
fn test_ackepoch_with_minus_one_is_not_counted() {
    let mut fx = Fx::start(fresh(3, 0));
    fx.accept(1, 10);
    fx.recv(1, follower_info(1, 0), 10);
    let out = fx.recv(1, ack_epoch(Zxid::ZERO, -1), 20);
    assert_eq!(out, vec![handler_timer(1, 20 + INIT_MS)]);
    assert_eq!(
        fx.phase_of(1),
        Some(HandlerPhase::WaitForEpochAck {
            deadline: Time(20 + INIT_MS),
            summary: StateSummary {
                current_epoch: Epoch(-1),
                last_zxid: Zxid::ZERO
            },
        })
    );
    assert_eq!(fx.core.current_epoch, Epoch(0));
    assert!(matches!(fx.leader.phase, LeadPhase::WaitForEpochAck { .. }));

    fx.accept(2, 30);
    fx.recv(2, follower_info(2, 0), 30);
    let out = fx.recv(2, ack_epoch(Zxid::ZERO, 0), 40);
    assert_eq!(
        no_logs(&out),
        vec![
            notify_all(Monitor::ElectingFollowers, &[Waiter::Lead, handler_of(1)]),
            to(2, bare(PacketType::Diff, Zxid::ZERO)),
            to(2, new_leader(1, 3, 0)),
            handler_timer(2, 40 + INIT_MS),
            persist(EpochFile::Current, 1),
            lead_timer(40 + INIT_MS),
            to(1, bare(PacketType::Diff, Zxid::ZERO)),
            to(1, new_leader(1, 3, 0)),
            handler_timer(1, 40 + INIT_MS),
        ]
    );
}

/// A leader that was established in epoch 2 (currentEpoch 2) and holds 1:1, 1:2; learner 1
/// has just been sent LEADERINFO for epoch 3.
fn leader_with_history() -> Fx {
    let db = ZkDatabase::load(&Snapshot::default(), &[txn(1, 1), txn(1, 2)]);
    let mut fx = Fx::start(leader_core(3, 0, (2, 2), db));
    fx.accept(1, 10);
    let out = fx.recv(1, follower_info(1, 2), 10);
    assert!(out.contains(&to(1, leader_info(3))));
    fx
}

// docs/protocol.md §3.4 step 2 and StateSummary.isMoreRecentThan: a follower ahead of the leader
// (higher currentEpoch, or the same epoch and a higher zxid) kills only its own handler.
#[test]
fn test_follower_ahead_of_the_leader_is_dropped_table() {
    // The leader's summary is (currentEpoch 2, lastZxid 1:2).
    let rows: &[(&str, Zxid, i64, bool)] = &[
        ("higher currentEpoch", z(1, 1), 3, true),
        ("same epoch, higher zxid", z(1, 3), 2, true),
        ("same epoch, same zxid", z(1, 2), 2, false),
        ("lower epoch, higher zxid", z(1, 9), 1, false),
    ];
    for (why, zxid, epoch, ahead) in rows {
        let mut fx = leader_with_history();
        let out = fx.recv(1, ack_epoch(*zxid, *epoch), 20);
        if *ahead {
            assert_eq!(no_logs(&out), closed(1), "{why}");
            assert!(
                matches!(
                    logs(&out)[0],
                    Note::HandlerShutdown {
                        reason: ShutdownReason::FollowerAhead { .. },
                        ..
                    }
                ),
                "{why}: {out:?}"
            );
            assert!(fx.handler(1).is_none(), "{why}");
            assert_eq!(fx.core.current_epoch, Epoch(2), "{why}");
            assert!(
                matches!(fx.leader.phase, LeadPhase::WaitForEpochAck { .. }),
                "{why}"
            );
        } else {
            assert!(out.contains(&persist(EpochFile::Current, 3)), "{why}");
            assert_eq!(
                fx.phase_of(1),
                Some(HandlerPhase::ReadNewLeaderAck),
                "{why}"
            );
        }
    }
}

// docs/protocol.md §4.2–§4.3: the sync data (DIFF, TRUNC or SNAP, then any PROPOSAL/COMMIT pairs)
// goes out before NEWLEADER(newEpoch<<32, config).
#[test]
fn test_sync_data_precedes_newleader_table() {
    let snap = Snapshot {
        zxid: z(1, 2),
        tree: ZkDatabase::load(&Snapshot::default(), &[txn(1, 1), txn(1, 2)]).tree,
        history: vec![z(1, 1), z(1, 2)].into(),
    };
    let rows: Vec<(&str, Zxid, i64, SyncMode, Vec<QuorumPacket>)> = vec![
        (
            "in sync → empty DIFF",
            z(1, 2),
            2,
            SyncMode::Diff,
            vec![bare(PacketType::Diff, z(1, 2))],
        ),
        (
            "behind inside the committedLog → DIFF + proposals",
            z(1, 1),
            2,
            SyncMode::Diff,
            vec![
                bare(PacketType::Diff, z(1, 2)),
                proposal(&txn(1, 2)),
                bare(PacketType::Commit, z(1, 2)),
            ],
        ),
        (
            "older epoch with an extra txn → TRUNC",
            z(1, 3),
            1,
            SyncMode::Trunc,
            vec![bare(PacketType::Trunc, z(1, 2))],
        ),
        (
            "fresh learner below the committedLog → SNAP",
            Zxid::ZERO,
            0,
            SyncMode::Snap,
            vec![QuorumPacket::new(
                PacketType::Snap,
                z(1, 2),
                PacketData::Snapshot(Box::new(snap)),
            )],
        ),
    ];
    for (why, zxid, epoch, mode, mut want) in rows {
        let mut fx = leader_with_history();
        let out = fx.recv(1, ack_epoch(zxid, epoch), 20);
        want.push(new_leader(3, 3, 0));
        assert_eq!(sent_to(&out, 1), want, "{why}");
        assert_eq!(fx.handler(1).map(|h| h.sync_mode), Some(mode), "{why}");
    }
}

// ---- waitForNewLeaderAck, startZkServer, waitForStartup (§3.5, §3.6, §4.5) ------------------

// docs/protocol.md §3.5 steps 3–4, §3.6, §4.5 steps 3–6 and §12 rules 4–5: the NEWLEADER ACK
// quorum starts startZkServer, whose `zk.startup()` is JVM work (the world answers later); until
// it returns lastProcessedZxid is still 0. Its `notifyAll` then wakes the handler in
// waitForStartup at once (no 20 ms poll): UPTODATE, vote's peerEpoch, lastProcessedZxid =
// epoch<<32, BROADCAST.
#[test]
fn test_newleader_ack_quorum_runs_zk_startup_then_uptodate_on_its_notify_all() {
    let mut fx = synced(3, 1);
    let out = fx.recv(1, bare(PacketType::Ack, z(1, 0)), 30);
    assert_eq!(
        out,
        vec![
            notify_all(Monitor::NewLeaderProposal, &[Waiter::Lead]),
            cancel(Timer::LearnerHandler(conn(1))),
            cancel(Timer::Lead),
            Effect::Work {
                work: Work::ZkStartup { epoch: Epoch(1) }
            },
        ]
    );
    assert!(!fx.leader.is_running());
    assert!(fx.leader.history_committed());
    assert_eq!(
        fx.leader.phase,
        LeadPhase::StartZkServer { since: Time(30) }
    );
    assert_eq!(fx.leader.last_committed, z(1, 0));
    assert_eq!(fx.core.zk_db.last_processed_zxid(), Zxid::ZERO);
    assert_eq!(fx.phase_of(1), Some(HandlerPhase::WaitForStartup));

    let (step, out) = fx.zk_started(147);
    assert_eq!(step, RoleStep::Continue);
    assert_eq!(
        out,
        vec![
            notify_all(Monitor::ZooKeeperServer, &[handler_of(1)]),
            lead_timer(147 + HALF_TICK_MS),
            to(1, bare(PacketType::UpToDate, Zxid::NONE)),
            handler_timer(1, 147 + SYNC_MS),
        ]
    );
    assert!(fx.leader.is_running());
    assert_eq!(fx.leader.phase, LeadPhase::Broadcast);
    assert_eq!(fx.core.zk_db.last_processed_zxid(), z(1, 0));
    assert_eq!(fx.core.current_vote.peer_epoch, Epoch(1));
    assert_eq!(fx.core.zab_state, ZabState::Broadcast);
    assert_eq!(fx.phase_of(1), Some(HandlerPhase::Running));
}

// docs/protocol.md §3.6, §4.4 and §12 rule 5: a learner whose ACKEPOCH is handled while
// `zk.startup()` runs gets the mode of the old lastProcessedZxid (DIFF(0) for a fresh one), but
// startForwarding is synchronized like startZkServer, so its data leaves when startup ends.
#[test]
fn test_learner_syncing_inside_zk_startup_gets_diff_0_sent_when_startup_ends() {
    let mut fx = synced(3, 1);
    fx.recv(1, bare(PacketType::Ack, z(1, 0)), 30);
    fx.accept(2, 40);
    fx.recv(2, follower_info(2, 0), 40);
    let out = fx.recv(2, ack_epoch(Zxid::ZERO, 0), 50);
    assert!(sent_to(&out, 2).is_empty(), "{out:?}");
    assert_eq!(fx.phase_of(2), Some(HandlerPhase::StartForwarding));
    assert_eq!(fx.handler(2).map(|h| h.sync_mode), Some(SyncMode::Diff));
    let (_, out) = fx.zk_started(147);
    assert_eq!(
        sent_to(&out, 2),
        vec![bare(PacketType::Diff, Zxid::ZERO), new_leader(1, 3, 0)]
    );
    assert_eq!(fx.phase_of(2), Some(HandlerPhase::ReadNewLeaderAck));
}

// docs/protocol.md §3.5 step 2 (the root of ZOOKEEPER-4685): an ACK whose zxid is not NEWLEADER's is
// neither counted nor waited on; the real ACK that follows is never read as the NEWLEADER ACK,
// and the leader gives up at its deadline.
#[test]
fn test_newleader_ack_with_another_zxid_is_not_counted_and_does_not_block() {
    let mut fx = synced(3, 1);
    let out = fx.recv(1, bare(PacketType::Ack, z(0, 2)), 30);
    assert_eq!(no_logs(&out), vec![cancel(Timer::LearnerHandler(conn(1)))]);
    assert_eq!(
        logs(&out),
        vec![Note::NewLeaderAckOtherEpoch {
            sid: Sid(1),
            current: z(1, 0),
            received: z(0, 2)
        }]
    );
    assert_eq!(fx.phase_of(1), Some(HandlerPhase::WaitForStartup));
    assert!(matches!(
        fx.leader.phase,
        LeadPhase::WaitForNewLeaderAck { .. }
    ));
    assert!(!fx.leader.is_running());

    let out = fx.recv(1, bare(PacketType::Ack, z(1, 0)), 40);
    assert_eq!(out, vec![cancel(Timer::LearnerHandler(conn(1)))]);
    assert!(!fx.leader.is_running());

    let (step, out) = fx.lead_timer(20 + INIT_MS);
    assert_eq!(
        step,
        RoleStep::Shutdown(ShutdownReason::QuorumNotSynced {
            synced: vec![Sid(3)]
        })
    );
    assert_eq!(out, vec![]);
}

// docs/protocol.md §3.5 step 5 and §4.5: a handler that waited in waitForNewLeaderAck is woken by
// the quorum and, like the handler whose ACK completed it, waits for `zk.startup()`; its
// `notifyAll` wakes both at once.
#[test]
fn test_woken_newleader_waiter_and_the_quorum_completer() {
    let mut fx = synced(5, 2);
    let out = fx.recv(1, bare(PacketType::Ack, z(1, 0)), 50);
    assert_eq!(out, vec![handler_timer(1, 50 + INIT_MS)]);
    assert_eq!(
        fx.phase_of(1),
        Some(HandlerPhase::WaitForNewLeaderAck {
            deadline: Time(50 + INIT_MS)
        })
    );
    let out = fx.recv(2, bare(PacketType::Ack, z(1, 0)), 60);
    assert_eq!(
        out,
        vec![
            notify_all(Monitor::NewLeaderProposal, &[Waiter::Lead, handler_of(1)]),
            cancel(Timer::LearnerHandler(conn(2))),
            cancel(Timer::Lead),
            Effect::Work {
                work: Work::ZkStartup { epoch: Epoch(1) }
            },
            cancel(Timer::LearnerHandler(conn(1))),
        ]
    );
    assert_eq!(fx.phase_of(1), Some(HandlerPhase::WaitForStartup));
    assert_eq!(fx.phase_of(2), Some(HandlerPhase::WaitForStartup));
    let (_, out) = fx.zk_started(177);
    assert_eq!(
        out[0],
        notify_all(Monitor::ZooKeeperServer, &[handler_of(1), handler_of(2)])
    );
    assert_eq!(
        sent_to(&out, 1),
        vec![bare(PacketType::UpToDate, Zxid::NONE)]
    );
    assert_eq!(
        sent_to(&out, 2),
        vec![bare(PacketType::UpToDate, Zxid::NONE)]
    );
}

// docs/protocol.md §3.5 step 5: the leader's own NEWLEADER-ACK deadline ends lead() with the sids it
// did get.
#[test]
fn test_newleader_ack_timeout_shuts_the_leader_down() {
    let mut fx = synced(5, 2);
    fx.recv(1, bare(PacketType::Ack, z(1, 0)), 50);
    let (step, out) = fx.lead_timer(20 + INIT_MS);
    assert_eq!(
        step,
        RoleStep::Shutdown(ShutdownReason::QuorumNotSynced {
            synced: vec![Sid(1), Sid(3)]
        })
    );
    assert_eq!(out, vec![]);
}

// docs/protocol.md §11.2 step 11 with §4.2 and §3.6: after startZkServer the leader's lastProcessedZxid
// is epoch<<32, so a fresh learner joining late gets SNAP; every wait returns at once and
// UPTODATE follows its NEWLEADER ACK immediately.
#[test]
fn test_late_learner_after_start_zk_server_gets_snap_and_uptodate_at_once() {
    let mut fx = established(0);
    fx.accept(2, 100);
    let out = fx.recv(2, follower_info(2, 0), 100);
    assert_eq!(
        out,
        vec![to(2, leader_info(1)), handler_timer(2, 100 + INIT_MS)]
    );
    let out = fx.recv(2, ack_epoch(Zxid::ZERO, 0), 110);
    let snap = Snapshot {
        zxid: z(1, 0),
        tree: Default::default(),
        history: vec![].into(),
    };
    assert_eq!(
        no_logs(&out),
        vec![
            to(
                2,
                QuorumPacket::new(
                    PacketType::Snap,
                    z(1, 0),
                    PacketData::Snapshot(Box::new(snap))
                )
            ),
            to(2, new_leader(1, 3, 0)),
            handler_timer(2, 110 + INIT_MS),
        ]
    );
    let out = fx.recv(2, bare(PacketType::Ack, z(1, 0)), 120);
    assert_eq!(
        out,
        vec![
            to(2, bare(PacketType::UpToDate, Zxid::NONE)),
            handler_timer(2, 120 + SYNC_MS),
        ]
    );
}
