//! Decision-table tests of syncFollower (docs/protocol.md §4.2): which of DIFF, TRUNC, TRUNC+proposals
//! and SNAP the leader picks for a learner's last zxid, and what it queues before NEWLEADER.

use super::*;
use crate::test_fixtures::{txn, z};
use crate::zk_database::{DataTree, Snapshot};

fn txns(zxids: &[(i64, u32)]) -> Vec<Txn> {
    zxids.iter().map(|&(e, c)| txn(e, c)).collect()
}

/// A leader database restored from an empty snapshot and this log: every txn is in the
/// committedLog, and lastProcessedZxid is the last one.
fn db(log: &[(i64, u32)]) -> ZkDatabase {
    ZkDatabase::load(&Snapshot::default(), txns(log))
}

/// A snapshot at `at` with `nodes` znodes of about 100 bytes each, so the txn-log size limit
/// (`snapshotSizeFactor` × snapshot size) is under the caller's control.
fn snapshot(at: (i64, u32), nodes: usize) -> Snapshot {
    let mut tree = DataTree::default();
    for i in 0..nodes {
        tree.nodes.insert(format!("/big{i:03}"), "x".repeat(40));
    }
    Snapshot {
        zxid: z(at.0, at.1),
        tree,
        history: Vec::new().into(),
    }
}

/// A database whose txn log also holds txns older than its committedLog: the snapshot is at
/// `snap`, so only the log entries after it are replayed into the committedLog.
fn db_with_snapshot(snap: (i64, u32), nodes: usize, log: &[(i64, u32)]) -> ZkDatabase {
    ZkDatabase::load(&snapshot(snap, nodes), txns(log))
}

/// The plan as the learner would read it: `SNAP`, or the queued packets in order.
fn render(plan: &SyncPlan) -> String {
    if plan.need_snap {
        assert!(
            plan.packets.is_empty(),
            "a SNAP plan queues no diff packets"
        );
        return "SNAP".to_string();
    }
    plan.packets
        .iter()
        .map(|p| format!("{} {}", p.ty, p.zxid.short()))
        .collect::<Vec<_>>()
        .join(", ")
}

struct Row {
    name: &'static str,
    db: ZkDatabase,
    peer: Zxid,
    want: &'static str,
    /// Where `startForwarding` starts (`currentZxid`).
    current: Zxid,
    mode: SyncMode,
}

fn check(rows: Vec<Row>) {
    for row in rows {
        let plan = sync_follower(row.peer, &row.db, false);
        assert_eq!(render(&plan), row.want, "{}", row.name);
        assert_eq!(plan.current_zxid, row.current, "{}: currentZxid", row.name);
        assert_eq!(plan.mode(), row.mode, "{}: mode", row.name);
    }
}

// docs/protocol.md §4.2, cases 2–6 in Java's order, over a committedLog window.
#[test]
fn test_sync_follower_decision_table() {
    check(vec![
        Row {
            name: "case 2: in sync → empty DIFF(peerLastZxid)",
            db: db(&[(1, 1), (1, 2)]),
            peer: z(1, 2),
            want: "DIFF 1:2",
            current: z(1, 2),
            mode: SyncMode::Diff,
        },
        Row {
            name: "case 3: peer ahead of maxCommittedLog, same epoch → TRUNC(max)",
            db: db(&[(1, 1), (1, 2)]),
            peer: z(1, 3),
            want: "TRUNC 1:2",
            current: z(1, 2),
            mode: SyncMode::Trunc,
        },
        Row {
            name: "case 3 does not look at the epoch: a later-epoch peer zxid → TRUNC(max)",
            db: db(&[(1, 1), (1, 2)]),
            peer: z(2, 1),
            want: "TRUNC 1:2",
            current: z(1, 2),
            mode: SyncMode::Trunc,
        },
        Row {
            name: "isPeerNewEpochZxid above max skips case 3 and falls to SNAP",
            db: db(&[(1, 1), (1, 2)]),
            peer: z(2, 0),
            want: "SNAP",
            current: z(1, 2),
            mode: SyncMode::Snap,
        },
        Row {
            name: "isPeerNewEpochZxid inside the window → DIFF(max) then the newer proposals",
            db: db(&[(1, 1), (1, 2), (2, 1), (2, 2)]),
            peer: z(2, 0),
            want: "DIFF 2:2, PROPOSAL 2:1, COMMIT 2:1, PROPOSAL 2:2, COMMIT 2:2",
            current: z(2, 2),
            mode: SyncMode::Diff,
        },
        Row {
            name: "case 4: peer zxid in the committedLog → DIFF(max) + PROPOSAL/COMMIT pairs",
            db: db(&[(1, 1), (1, 2), (1, 3), (1, 4)]),
            peer: z(1, 2),
            want: "DIFF 1:4, PROPOSAL 1:3, COMMIT 1:3, PROPOSAL 1:4, COMMIT 1:4",
            current: z(1, 4),
            mode: SyncMode::Diff,
        },
        Row {
            name: "case 4: peer at minCommittedLog",
            db: db(&[(1, 1), (1, 2)]),
            peer: z(1, 1),
            want: "DIFF 1:2, PROPOSAL 1:2, COMMIT 1:2",
            current: z(1, 2),
            mode: SyncMode::Diff,
        },
        Row {
            name: "case 4: peer zxid missing, newer proposals in its epoch → TRUNC(prev) + \
                   proposals, no DIFF packet",
            db: db(&[(1, 1), (1, 2), (1, 4), (1, 5)]),
            peer: z(1, 3),
            want: "TRUNC 1:2, PROPOSAL 1:4, COMMIT 1:4, PROPOSAL 1:5, COMMIT 1:5",
            current: z(1, 5),
            mode: SyncMode::Trunc,
        },
        Row {
            name: "case 4: the next proposal is in a later epoch → a TRUNC may not cross it → SNAP",
            db: db(&[(1, 1), (1, 2), (2, 1)]),
            peer: z(1, 3),
            want: "SNAP",
            current: z(2, 1),
            mode: SyncMode::Snap,
        },
        Row {
            name: "case 6: below the window with no txn log at all → SNAP",
            db: db(&[(1, 4), (1, 5)]),
            peer: z(1, 2),
            want: "SNAP",
            current: z(1, 5),
            mode: SyncMode::Snap,
        },
    ]);
}

// docs/protocol.md §4.2 worked example / §9.15 (ZOOKEEPER-1154): committedLog 7:1,7:2,7:3,8:1 and a
// peer with the never-committed 7:4.
#[test]
fn test_zookeeper_1154_trunc_across_an_epoch_becomes_snap() {
    check(vec![
        Row {
            name: "with 8:1 the TRUNC would cross into epoch 8 → SNAP",
            db: db(&[(7, 1), (7, 2), (7, 3), (8, 1)]),
            peer: z(7, 4),
            want: "SNAP",
            current: z(8, 1),
            mode: SyncMode::Snap,
        },
        Row {
            name: "without 8:1 the peer is ahead of maxCommittedLog → TRUNC(7:3)",
            db: db(&[(7, 1), (7, 2), (7, 3)]),
            peer: z(7, 4),
            want: "TRUNC 7:3",
            current: z(7, 3),
            mode: SyncMode::Trunc,
        },
    ]);
}

// docs/protocol.md §4.2 case 5: a peer below minCommittedLog is served from the on-disk txn log when
// the log holds its zxid and the rest weighs at most snapshotSizeFactor × the snapshot.
#[test]
fn test_sync_follower_txn_log_table() {
    let log = [(1, 1), (1, 2), (1, 3), (1, 4), (1, 5)];
    check(vec![
        Row {
            name: "txn log holds the peer's zxid and is small → DIFF via txnlog + committedLog",
            // Snapshot at 1:3: the committedLog is 1:4, 1:5; the log still has 1:1..1:3.
            db: db_with_snapshot((1, 3), 10, &log),
            peer: z(1, 2),
            want: "DIFF 1:5, PROPOSAL 1:3, COMMIT 1:3, PROPOSAL 1:4, COMMIT 1:4, \
                   PROPOSAL 1:5, COMMIT 1:5",
            current: z(1, 5),
            mode: SyncMode::Diff,
        },
        Row {
            name: "txn log too large for snapshotSizeFactor × snapshot → SNAP",
            db: db_with_snapshot((1, 3), 1, &log),
            peer: z(1, 2),
            want: "SNAP",
            current: z(1, 5),
            mode: SyncMode::Snap,
        },
        Row {
            name: "txn log does not start at the peer's zxid → SNAP",
            db: db_with_snapshot((1, 3), 10, &[(1, 3), (1, 4), (1, 5)]),
            peer: z(1, 2),
            want: "SNAP",
            current: z(1, 5),
            mode: SyncMode::Snap,
        },
    ]);
}

// docs/protocol.md §4.2 case 5: "if this leaves a gap before minCommittedLog, clear the queue and fall
// back to SNAP".
#[test]
fn test_gap_between_txn_log_and_committed_log_falls_back_to_snap() {
    // The log ends at 1:3; the committedLog holds only 1:5 (applied without being logged).
    let mut leader_db = db_with_snapshot((1, 3), 10, &[(1, 2), (1, 3)]);
    leader_db.apply_committed(txn(1, 5));
    assert_eq!(leader_db.committed_log_bounds(), (z(1, 5), z(1, 5)));
    let plan = sync_follower(z(1, 2), &leader_db, false);
    assert_eq!(render(&plan), "SNAP");
    assert_eq!(plan.current_zxid, z(1, 5));
    // The Java log line: "Detected gap between end of txnlog and start of committedLog".
    assert_eq!(plan.reason, SyncReason::TxnLogGap);
}

// docs/protocol.md §4.2: "If committedLog is empty, set min = max = lastProcessedZxid".
#[test]
fn test_empty_committed_log_uses_last_processed_zxid_as_min_and_max() {
    let empty_log = || ZkDatabase::load(&snapshot((1, 5), 10), &[]);
    assert!(empty_log().committed_log().is_empty());
    check(vec![
        Row {
            name: "peer == lastProcessedZxid → DIFF",
            db: empty_log(),
            peer: z(1, 5),
            want: "DIFF 1:5",
            current: z(1, 5),
            mode: SyncMode::Diff,
        },
        Row {
            name: "peer above lastProcessedZxid → TRUNC(lastProcessedZxid)",
            db: empty_log(),
            peer: z(1, 7),
            want: "TRUNC 1:5",
            current: z(1, 5),
            mode: SyncMode::Trunc,
        },
        Row {
            name: "peer below lastProcessedZxid, no txn log → SNAP",
            db: empty_log(),
            peer: z(1, 3),
            want: "SNAP",
            current: z(1, 5),
            mode: SyncMode::Snap,
        },
    ]);
}

// docs/protocol.md §3.6 step 5 with §4.2: startZkServer sets the leader's lastProcessedZxid to
// epoch<<32, so a fresh learner joining afterwards gets SNAP, one syncing before gets DIFF(0).
#[test]
fn test_fresh_peer_before_and_after_start_zk_server() {
    let before = ZkDatabase::default();
    let mut after = ZkDatabase::default();
    after.set_last_processed_zxid(z(1, 0));
    check(vec![
        Row {
            name: "before startZkServer: both at 0 → empty DIFF",
            db: before,
            peer: Zxid::ZERO,
            want: "DIFF 0:0",
            current: Zxid::ZERO,
            mode: SyncMode::Diff,
        },
        Row {
            name: "after startZkServer: leader at 1:0 → SNAP of the empty tree",
            db: after,
            peer: Zxid::ZERO,
            want: "SNAP",
            current: z(1, 0),
            mode: SyncMode::Snap,
        },
    ]);
}

// docs/protocol.md §4.2 case 1: forceSnapSync wins over everything, even an in-sync peer.
#[test]
fn test_force_snap_sync() {
    let leader_db = db(&[(1, 1), (1, 2)]);
    let plan = sync_follower(z(1, 2), &leader_db, true);
    assert_eq!(render(&plan), "SNAP");
    assert_eq!(plan.current_zxid, z(1, 2));
}

// docs/protocol.md §4.2 queueCommittedProposals step 5: each PROPOSAL carries the committed txn
// itself, and is followed by the COMMIT of the same zxid.
#[test]
fn test_diff_proposals_carry_the_committed_txns() {
    let leader_db = db(&[(1, 1), (1, 2), (1, 3)]);
    let plan = sync_follower(z(1, 1), &leader_db, false);
    assert_eq!(
        plan.packets,
        vec![
            QuorumPacket::bare(PacketType::Diff, z(1, 3)),
            QuorumPacket::new(
                PacketType::Proposal,
                z(1, 2),
                PacketData::Txn(Box::new(txn(1, 2)))
            ),
            QuorumPacket::bare(PacketType::Commit, z(1, 2)),
            QuorumPacket::new(
                PacketType::Proposal,
                z(1, 3),
                PacketData::Txn(Box::new(txn(1, 3)))
            ),
            QuorumPacket::bare(PacketType::Commit, z(1, 3)),
        ]
    );
}

/// ZOOKEEPER-1154's switch takes release-3.3.3's path only where it differs from today's: a
/// zxid inside the committedLog's range but not in it gets a plain DIFF; above the range it
/// is still TRUNC, as 3.3.3's `LearnerHandler.run` did too.
#[test]
fn test_zk1154_switch_only_changes_a_zxid_inside_the_range_but_not_in_the_log() {
    let d = db(&[(7, 1), (7, 2), (7, 3), (8, 1)]);
    let old = sync_follower_with(z(7, 4), &d, false, true);
    assert_eq!(render(&old), "DIFF 8:1, PROPOSAL 8:1, COMMIT 8:1");
    assert_eq!(old.reason, SyncReason::Zk1154Diff);
    let today = sync_follower_with(z(7, 4), &d, false, false);
    assert_ne!(today.reason, SyncReason::Zk1154Diff);
    let above = sync_follower_with(z(8, 2), &d, false, true);
    assert_eq!(render(&above), render(&sync_follower(z(8, 2), &d, false)));
    assert_eq!(
        render(&sync_follower_with(z(7, 2), &d, false, true)),
        render(&sync_follower(z(7, 2), &d, false))
    );
}
