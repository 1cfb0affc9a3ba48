//! Single-state-machine tests of `Learner` as follower and observer: connectToLeader,
//! registerWithLeader, syncWithLeader and the broadcast loop (docs/protocol.md §5).
//!
//! The learner is sid 1 (or observer 4) of 3 voters with leader 3, sample timing (initLimit
//! 20 000 ms, syncLimit 10 000 ms), on connection `C`. Effects are compared exactly.

use crate::config::{LearnerType, QuorumConfig};
use crate::election::Vote;
use crate::ids::{Epoch, Sid, Time, Zxid};
use crate::leader::{RoleStep, SyncMode};
use crate::learner::{Learner, LearnerPhase};
use crate::message::Message;
use crate::output::{Channel, ConnId, Effect, EpochFile, Outbox, Timer};
use crate::packet::{LearnerInfo, PacketData, PacketType, QuorumPacket, PROTOCOL_VERSION};
use crate::peer::{PeerCore, ServerState, ZabState};
use crate::reason::{Note, ShutdownReason};
use crate::test_fixtures::{txn, z};
use crate::zk_database::{DataTree, Snapshot, Txn, TxnOp, ZkDatabase};

const INIT_MS: u64 = 20_000;
const SYNC_MS: u64 = 10_000;
const C: ConnId = ConnId(9);
const LEADER: Sid = Sid(3);

fn db(log: &[(i64, u32)]) -> ZkDatabase {
    let log: Vec<Txn> = log.iter().map(|&(e, c)| txn(e, c)).collect();
    ZkDatabase::load(&Snapshot::default(), &log)
}

/// Learner `myid` of 3 voters and 1 observer (sid 4), whose election chose leader 3.
fn learner_core(myid: i64, epochs: (i64, i64), zk_db: ZkDatabase) -> PeerCore {
    let config = QuorumConfig::standard(3, 1).expect("a valid ensemble shape");
    let learner_type = config.learner_type(Sid(myid)).expect("in the view");
    let state = match learner_type {
        LearnerType::Participant => ServerState::Following,
        LearnerType::Observer => ServerState::Observing,
    };
    PeerCore {
        myid: Sid(myid),
        qv: config.verifier(),
        learner_type,
        config,
        current_epoch: Epoch(epochs.0),
        accepted_epoch: Epoch(epochs.1),
        current_vote: Vote {
            state,
            ..Vote::new(LEADER, Zxid::ZERO, 1, Epoch(epochs.0))
        },
        zab_state: ZabState::Election,
        zk_db,
        unsynced: Vec::new(),
        fsync_in_flight: None,
        clients: Default::default(),
    }
}

fn to_leader(p: QuorumPacket) -> Effect {
    Effect::Send {
        conn: C,
        msg: Message::Quorum(p),
    }
}

fn read_timer(at: u64) -> Effect {
    Effect::SetTimer {
        timer: Timer::Learner,
        at: Time(at),
    }
}

fn bare(ty: PacketType, zxid: Zxid) -> QuorumPacket {
    QuorumPacket::bare(ty, zxid)
}

fn ack(zxid: Zxid) -> Effect {
    to_leader(bare(PacketType::Ack, zxid))
}

fn proposal(t: &Txn) -> QuorumPacket {
    QuorumPacket::new(
        PacketType::Proposal,
        t.zxid,
        PacketData::Txn(Box::new(t.clone())),
    )
}

fn leader_info(epoch: i64) -> QuorumPacket {
    QuorumPacket::new(
        PacketType::LeaderInfo,
        z(epoch, 0),
        PacketData::ProtocolVersion(PROTOCOL_VERSION),
    )
}

fn new_leader(epoch: i64) -> QuorumPacket {
    QuorumPacket::new(
        PacketType::NewLeader,
        z(epoch, 0),
        PacketData::Config("version=0".to_string()),
    )
}

fn connect(timeout_ms: u64) -> Effect {
    Effect::Connect {
        channel: Channel::Quorum,
        to: LEADER,
        timeout_ms,
    }
}

fn persist(file: EpochFile, epoch: i64) -> Effect {
    Effect::PersistEpoch {
        file,
        epoch: Epoch(epoch),
    }
}

/// The learner and the peer state it mutates.
struct Lx {
    core: PeerCore,
    l: Learner,
}

impl Lx {
    /// `followLeader()` / `observeLeader()` at t=0: DISCOVERY and the first connect attempt.
    fn follow(core: PeerCore) -> (Lx, RoleStep, Outbox) {
        let mut core = core;
        let mut out = Vec::new();
        let (l, step) = Learner::follow_leader(&mut core, Time(0), &mut out);
        (Lx { core, l }, step, out)
    }

    fn connected(&mut self, now: u64) -> Outbox {
        let mut out = Vec::new();
        self.l.on_connected(&mut self.core, C, Time(now), &mut out);
        out
    }

    fn recv_step(&mut self, p: QuorumPacket, now: u64) -> (RoleStep, Outbox) {
        let mut out = Vec::new();
        let step = self.l.on_packet(&mut self.core, p, Time(now), &mut out);
        if step == RoleStep::Continue {
            self.l.check_invariants(&self.core);
        }
        (step, out)
    }

    /// A packet from the leader; the learner must carry on.
    fn recv(&mut self, p: QuorumPacket, now: u64) -> Outbox {
        let (step, out) = self.recv_step(p, now);
        assert_eq!(step, RoleStep::Continue, "{out:?}");
        out
    }

    /// The disk finished the fsync in flight.
    fn fsync_done(&mut self, now: u64) -> Outbox {
        let mut out = Vec::new();
        let synced = self.core.fsync_done();
        self.l
            .on_fsync_done(&mut self.core, synced, Time(now), &mut out);
        self.l.check_invariants(&self.core);
        out
    }
}

/// Connected and registered: LEADERINFO(epoch) answered at t=10, now reading the sync data.
fn registered(core: PeerCore, epoch: i64) -> Lx {
    let (mut lx, step, _) = Lx::follow(core);
    assert_eq!(step, RoleStep::Continue);
    lx.connected(5);
    lx.recv(leader_info(epoch), 10);
    assert_eq!(lx.l.phase, LearnerPhase::SyncWithLeader);
    lx
}

/// A fresh follower 1 (or observer 4) in BROADCAST of epoch 1 after an empty DIFF, at t=30.
fn broadcasting(myid: i64) -> Lx {
    let mut lx = registered(learner_core(myid, (0, 0), ZkDatabase::default()), 1);
    lx.recv(bare(PacketType::Diff, Zxid::ZERO), 20);
    lx.recv(new_leader(1), 25);
    lx.recv(bare(PacketType::UpToDate, Zxid::NONE), 30);
    assert_eq!(lx.l.phase, LearnerPhase::Broadcast);
    lx
}

// ---- connectToLeader (§5.1–§5.2) -----------------------------------------------------------

// docs/protocol.md §5.1 steps 1–3: followLeader enters DISCOVERY and connects to the voted leader with
// the initLimit budget.
#[test]
fn test_follow_leader_connects_to_the_voted_leader() {
    let (lx, step, out) = Lx::follow(learner_core(1, (0, 0), ZkDatabase::default()));
    assert_eq!(step, RoleStep::Continue);
    assert_eq!(out, vec![connect(INIT_MS)]);
    assert_eq!(lx.core.zab_state, ZabState::Discovery);
    assert_eq!(lx.l.leader, LEADER);
}

// docs/protocol.md §5.1 step 2: a vote for a sid outside the config cannot be followed.
#[test]
fn test_follow_leader_of_an_unknown_sid_fails() {
    let mut core = learner_core(1, (0, 0), ZkDatabase::default());
    core.current_vote.id = Sid(9);
    let (_, step, out) = Lx::follow(core);
    assert!(matches!(step, RoleStep::Shutdown(_)), "{step:?}");
    assert_eq!(out, vec![]);
}

// docs/protocol.md §5.2: up to 5 tries, 100 ms apart, each bounded by what is left of the budget;
// the fifth failure gives up.
#[test]
fn test_connect_to_leader_retries_five_times_100_ms_apart() {
    let (mut lx, _, _) = Lx::follow(learner_core(1, (0, 0), ZkDatabase::default()));
    let mut now = 0;
    for try_no in 1..=4 {
        let mut out = Vec::new();
        let step = lx.l.on_connect_failed(&lx.core, Time(now), &mut out);
        assert_eq!(step, RoleStep::Continue, "try {try_no}");
        assert_eq!(out, vec![read_timer(now + 100)], "try {try_no}");
        now += 100;
        let mut out = Vec::new();
        assert_eq!(
            lx.l.on_timer(&lx.core, Time(now), &mut out),
            RoleStep::Continue
        );
        assert_eq!(out, vec![connect(INIT_MS - now)], "try {}", try_no + 1);
    }
    let mut out = Vec::new();
    let step = lx.l.on_connect_failed(&lx.core, Time(now), &mut out);
    assert_eq!(
        step,
        RoleStep::Shutdown(ShutdownReason::ConnectFailed {
            leader: Sid(3),
            tries: 5
        })
    );
    assert_eq!(out, vec![]);
}

// docs/protocol.md §5.2: a failure with no more than leaderConnectDelayDuringRetryMs (100 ms) of the
// budget left is final, whatever the try count.
#[test]
fn test_connect_gives_up_when_the_budget_is_spent() {
    let (mut lx, _, _) = Lx::follow(learner_core(1, (0, 0), ZkDatabase::default()));
    let mut out = Vec::new();
    let step =
        lx.l.on_connect_failed(&lx.core, Time(INIT_MS - 100), &mut out);
    assert!(matches!(step, RoleStep::Shutdown(_)), "{step:?}");
    assert_eq!(out, vec![]);
}

// ---- registerWithLeader (§5.3) -------------------------------------------------------------

// docs/protocol.md §5.3 step 2: FOLLOWERINFO carries makeZxid(acceptedEpoch, 0) and LearnerInfo(sid,
// 0x10000, configVersion 0); the read that follows is bounded by initLimit.
#[test]
fn test_registration_sends_followerinfo_with_the_accepted_epoch() {
    let (mut lx, _, _) = Lx::follow(learner_core(1, (2, 3), db(&[(2, 1)])));
    let out = lx.connected(5);
    let info = LearnerInfo {
        serverid: Sid(1),
        protocol_version: 0x10000,
        config_version: 0,
    };
    assert_eq!(
        out,
        vec![
            to_leader(QuorumPacket::new(
                PacketType::FollowerInfo,
                z(3, 0),
                PacketData::LearnerInfo(info)
            )),
            read_timer(5 + INIT_MS),
        ]
    );
    assert_eq!(lx.l.phase, LearnerPhase::RegisterWithLeader);
}

// docs/protocol.md §5.1 (Observer.observeLeader) and §5.3 step 2: an observer sends OBSERVERINFO.
#[test]
fn test_observer_registers_with_observerinfo() {
    let (mut lx, _, _) = Lx::follow(learner_core(4, (0, 0), ZkDatabase::default()));
    let out = lx.connected(5);
    let info = LearnerInfo {
        serverid: Sid(4),
        protocol_version: PROTOCOL_VERSION,
        config_version: 0,
    };
    assert_eq!(
        out[0],
        to_leader(QuorumPacket::new(
            PacketType::ObserverInfo,
            Zxid::ZERO,
            PacketData::LearnerInfo(info)
        ))
    );
}

// docs/protocol.md §5.3 step 4: a larger LEADERINFO epoch is persisted as acceptedEpoch before
// ACKEPOCH(lastLoggedZxid, currentEpoch); an equal one is acked with −1 ("don't count me").
#[test]
fn test_leaderinfo_newer_or_equal_epoch_is_acked() {
    let rows: &[(&str, i64, Vec<Effect>)] = &[
        (
            "larger epoch",
            3,
            vec![
                read_timer(10 + INIT_MS),
                persist(EpochFile::Accepted, 3),
                to_leader(QuorumPacket::new(
                    PacketType::AckEpoch,
                    z(1, 4),
                    PacketData::CurrentEpoch(1),
                )),
                read_timer(10 + INIT_MS),
            ],
        ),
        (
            "equal epoch",
            2,
            vec![
                read_timer(10 + INIT_MS),
                to_leader(QuorumPacket::new(
                    PacketType::AckEpoch,
                    z(1, 4),
                    PacketData::CurrentEpoch(-1),
                )),
                read_timer(10 + INIT_MS),
            ],
        ),
    ];
    for (why, epoch, want) in rows {
        let core = learner_core(1, (1, 2), db(&[(1, 3), (1, 4)]));
        let (mut lx, _, _) = Lx::follow(core);
        lx.connected(5);
        let out = lx.recv(leader_info(*epoch), 10);
        assert_eq!(&out, want, "{why}");
        assert_eq!(lx.core.accepted_epoch, Epoch((*epoch).max(2)), "{why}");
        assert_eq!(
            lx.core.current_epoch,
            Epoch(1),
            "{why}: not before NEWLEADER"
        );
        assert_eq!(lx.l.new_epoch, Epoch(*epoch), "{why}");
        assert_eq!(lx.core.zab_state, ZabState::Synchronization, "{why}");
    }
}

// docs/protocol.md §5.3 step 4: a LEADERINFO epoch below acceptedEpoch is refused, with no ACKEPOCH.
#[test]
fn test_leaderinfo_with_a_lower_epoch_is_refused() {
    let (mut lx, _, _) = Lx::follow(learner_core(1, (1, 2), ZkDatabase::default()));
    lx.connected(5);
    let (step, out) = lx.recv_step(leader_info(1), 10);
    assert_eq!(
        step,
        RoleStep::Shutdown(ShutdownReason::LeaderEpochBelowAccepted {
            leader_epoch: Epoch(1),
            accepted: Epoch(2)
        })
    );
    assert_eq!(out, vec![read_timer(10 + INIT_MS)]);
    assert_eq!(lx.core.accepted_epoch, Epoch(2));
}

// ---- syncWithLeader (§5.4) -----------------------------------------------------------------

// docs/protocol.md §5.4 (DIFF, then NEWLEADER steps 4–7; ZOOKEEPER-4643/4646/4785): committed diff
// txns are appended and fsynced at NEWLEADER, and only once durable are currentEpoch written
// and the NEWLEADER ACK sent.
#[test]
fn test_diff_sync_makes_committed_txns_durable_before_epoch_and_ack() {
    let mut lx = registered(learner_core(1, (1, 1), db(&[(1, 1)])), 2);
    lx.recv(bare(PacketType::Diff, z(1, 3)), 20);
    for p in [
        proposal(&txn(1, 2)),
        bare(PacketType::Commit, z(1, 2)),
        proposal(&txn(1, 3)),
        bare(PacketType::Commit, z(1, 3)),
    ] {
        let out = lx.recv(p, 21);
        assert!(
            out.iter().all(|e| matches!(e, Effect::SetTimer { .. })),
            "nothing but the read timeout before NEWLEADER: {out:?}"
        );
    }
    assert_eq!(
        lx.core.zk_db.last_processed_zxid(),
        z(1, 1),
        "DIFF's zxid is not applied (ZOOKEEPER-2355)"
    );
    let out = lx.recv(new_leader(2), 30);
    assert_eq!(
        &out[1..],
        &[
            Effect::AppendTxn { txn: txn(1, 2) },
            Effect::AppendTxn { txn: txn(1, 3) },
            Effect::Fsync,
        ]
    );
    assert_eq!(lx.l.phase, LearnerPhase::NewLeaderFsync);
    assert_eq!(lx.core.current_epoch, Epoch(1));
    let out = lx.fsync_done(40);
    assert_eq!(
        out,
        vec![
            persist(EpochFile::Current, 2),
            read_timer(40 + SYNC_MS),
            ack(z(2, 0)),
        ]
    );
    assert_eq!(lx.core.current_epoch, Epoch(2));
    assert_eq!(lx.core.zk_db.last_processed_zxid(), z(1, 3));
    assert_eq!(lx.l.sync_mode, SyncMode::None);
}

// docs/protocol.md §5.2/§10 ("Learner socket timeout: tickTime*initLimit; tickTime*syncLimit from
// NEWLEADER on") and §5.4 NEWLEADER step 6: sync packets before NEWLEADER are read with
// initLimit, in a DIFF sync as in the others.
#[test]
fn test_diff_sync_reads_with_init_limit_until_newleader() {
    let mut lx = registered(learner_core(1, (1, 1), db(&[(1, 1)])), 2);
    assert_eq!(
        lx.recv(bare(PacketType::Diff, z(1, 2)), 20),
        vec![read_timer(20 + INIT_MS)]
    );
    assert_eq!(
        lx.recv(proposal(&txn(1, 2)), 21),
        vec![read_timer(21 + INIT_MS)]
    );
}

// docs/protocol.md §5.4 NEWLEADER steps 4–7: with nothing committed to persist, currentEpoch and the
// ACK follow NEWLEADER at once, and the socket timeout becomes syncLimit.
#[test]
fn test_newleader_without_committed_txns_acks_at_once() {
    let mut lx = registered(learner_core(1, (0, 0), ZkDatabase::default()), 1);
    lx.recv(bare(PacketType::Diff, Zxid::ZERO), 20);
    let out = lx.recv(new_leader(1), 30);
    assert_eq!(
        &out[1..],
        &[
            persist(EpochFile::Current, 1),
            read_timer(30 + SYNC_MS),
            ack(z(1, 0)),
        ]
    );
}

// docs/protocol.md §5.4 (SNAP): the snapshot replaces the database and sets lastProcessedZxid; commits
// before NEWLEADER are applied in memory; NEWLEADER takes the snapshot before currentEpoch and
// the ACK (no fsync of txns needed).
#[test]
fn test_snap_sync_takes_the_snapshot_at_newleader() {
    let mut lx = registered(learner_core(1, (0, 0), db(&[(0, 1)])), 2);
    let mut tree = DataTree::default();
    tree.nodes.insert("/x".to_string(), "1".to_string());
    let snap = Snapshot {
        zxid: z(1, 5),
        tree,
        history: vec![z(1, 5)].into(),
    };
    let out = lx.recv(
        QuorumPacket::new(
            PacketType::Snap,
            z(1, 5),
            PacketData::Snapshot(Box::new(snap.clone())),
        ),
        20,
    );
    assert_eq!(out, vec![read_timer(20 + INIT_MS)]);
    assert_eq!(lx.l.sync_mode, SyncMode::Snap);
    assert_eq!(lx.core.zk_db.last_processed_zxid(), z(1, 5));
    assert_eq!(lx.core.zk_db.tree, snap.tree);
    lx.recv(proposal(&txn(1, 6)), 21);
    lx.recv(bare(PacketType::Commit, z(1, 6)), 22);
    assert_eq!(lx.core.zk_db.last_processed_zxid(), z(1, 6));

    let out = lx.recv(new_leader(2), 30);
    let mut tree = snap.tree.clone();
    tree.nodes.insert("/n1_6".to_string(), "v".to_string());
    assert_eq!(
        out,
        vec![
            read_timer(30 + INIT_MS),
            Effect::TakeSnapshot {
                snapshot: Snapshot {
                    zxid: z(1, 6),
                    tree,
                    history: vec![z(1, 5), z(1, 6)].into(),
                },
                supersedes_log: true,
            },
            persist(EpochFile::Current, 2),
            read_timer(30 + SYNC_MS),
            ack(z(2, 0)),
        ]
    );
}

// docs/protocol.md §5.4 (TRUNC): the log is cut at the TRUNC zxid and lastProcessedZxid set to it;
// NEWLEADER takes a snapshot before currentEpoch and the ACK.
#[test]
fn test_trunc_sync_truncates_then_snapshots_at_newleader() {
    let mut lx = registered(learner_core(1, (1, 1), db(&[(1, 1), (1, 2), (1, 3)])), 2);
    let out = lx.recv(bare(PacketType::Trunc, z(1, 2)), 20);
    assert_eq!(
        out,
        vec![
            read_timer(20 + INIT_MS),
            Effect::TruncateLog { zxid: z(1, 2) }
        ]
    );
    assert_eq!(lx.l.sync_mode, SyncMode::Trunc);
    assert_eq!(lx.core.zk_db.last_processed_zxid(), z(1, 2));
    let logged: Vec<Zxid> = lx.core.zk_db.log.iter().map(|t| t.zxid).collect();
    assert_eq!(logged, vec![z(1, 1), z(1, 2)]);

    let out = lx.recv(new_leader(2), 30);
    let [_, Effect::TakeSnapshot {
        snapshot,
        supersedes_log,
    }, rest @ ..] = out.as_slice()
    else {
        panic!("expected the read timeout then TakeSnapshot: {out:?}");
    };
    assert_eq!(snapshot.zxid, z(1, 2));
    assert!(
        !supersedes_log,
        "a TRUNC keeps the log up to the TRUNC zxid"
    );
    assert!(!snapshot.tree.nodes.contains_key("/n1_3"));
    assert_eq!(
        rest,
        &[
            persist(EpochFile::Current, 2),
            read_timer(30 + SYNC_MS),
            ack(z(2, 0)),
        ]
    );
}

// docs/protocol.md §5.4 "Anything else: the process exits" for the first sync packet.
#[test]
fn test_unexpected_first_sync_packet_exits() {
    let mut lx = registered(learner_core(1, (0, 0), ZkDatabase::default()), 1);
    let (step, out) = lx.recv_step(proposal(&txn(1, 1)), 20);
    assert!(matches!(step, RoleStep::Shutdown(_)), "{step:?}");
    assert!(
        matches!(out.as_slice(), [_, Effect::Exit { .. }]),
        "{out:?}"
    );
}

// docs/protocol.md §5.4 enforceContinuousProposal: during sync a gap within an epoch is fatal, a jump
// into a newer epoch is allowed.
#[test]
fn test_enforce_continuous_proposal_table() {
    let rows: &[(&str, Zxid, bool)] = &[
        ("next in the epoch", z(1, 3), true),
        ("gap in the epoch", z(1, 4), false),
        ("jump into a newer epoch", z(2, 1), true),
        ("older epoch", z(0, 9), false),
    ];
    for (why, next, ok) in rows {
        let mut lx = registered(learner_core(1, (1, 1), db(&[(1, 1)])), 2);
        lx.recv(bare(PacketType::Diff, z(1, 1)), 20);
        lx.recv(proposal(&txn(1, 2)), 21);
        let t = Txn {
            zxid: *next,
            op: txn(1, 9).op,
            origin: None,
        };
        let (step, _) = lx.recv_step(proposal(&t), 22);
        assert_eq!(step == RoleStep::Continue, *ok, "{why}: {step:?}");
    }
}

// docs/protocol.md §5.4 UPTODATE and "After the loop" (ZOOKEEPER-4685's fix): UPTODATE is ACKed with
// newEpoch<<32; proposals still uncommitted are logged only now, and each is ACKed only after
// its fsync.
#[test]
fn test_uptodate_acks_then_logs_remaining_proposals_acked_after_fsync() {
    let mut lx = registered(learner_core(1, (1, 1), db(&[(1, 1)])), 2);
    lx.recv(bare(PacketType::Diff, z(1, 1)), 20);
    lx.recv(proposal(&txn(1, 2)), 21);
    let out = lx.recv(new_leader(2), 30);
    assert!(
        !out.iter().any(|e| matches!(e, Effect::AppendTxn { .. })),
        "{out:?}"
    );
    assert!(out.contains(&ack(z(2, 0))));

    let out = lx.recv(bare(PacketType::UpToDate, Zxid::NONE), 40);
    assert_eq!(
        out,
        vec![
            read_timer(40 + SYNC_MS),
            ack(z(2, 0)),
            read_timer(40 + SYNC_MS),
            Effect::AppendTxn { txn: txn(1, 2) },
            Effect::Fsync,
        ]
    );
    assert_eq!(lx.l.phase, LearnerPhase::Broadcast);
    assert_eq!(lx.core.zab_state, ZabState::Broadcast);
    assert_eq!(lx.core.current_vote.peer_epoch, Epoch(2));
    assert_eq!(lx.fsync_done(50), vec![ack(z(1, 2))]);
}

// docs/protocol.md §9.10 (ZOOKEEPER-4394) and §5.4: DIFF, PROPOSAL(a), COMMIT(a), PROPOSAL(b),
// NEWLEADER, COMMIT(b), UPTODATE — only a is persisted at NEWLEADER; b stays buffered, is
// logged after UPTODATE and its late COMMIT applies it.
#[test]
fn test_commit_after_newleader_is_applied_after_uptodate() {
    let mut lx = registered(learner_core(1, (1, 1), db(&[(1, 1)])), 2);
    lx.recv(bare(PacketType::Diff, z(1, 2)), 20);
    lx.recv(proposal(&txn(1, 2)), 21);
    lx.recv(bare(PacketType::Commit, z(1, 2)), 22);
    lx.recv(proposal(&txn(1, 3)), 23);
    let out = lx.recv(new_leader(2), 30);
    assert_eq!(
        &out[1..],
        &[Effect::AppendTxn { txn: txn(1, 2) }, Effect::Fsync]
    );
    let out = lx.fsync_done(31);
    assert!(out.contains(&ack(z(2, 0))), "{out:?}");
    let out = lx.recv(bare(PacketType::Commit, z(1, 3)), 32);
    assert_eq!(out, vec![read_timer(32 + SYNC_MS)]);
    assert_eq!(lx.core.zk_db.last_processed_zxid(), z(1, 2));

    let out = lx.recv(bare(PacketType::UpToDate, Zxid::NONE), 40);
    assert_eq!(
        out,
        vec![
            read_timer(40 + SYNC_MS),
            ack(z(2, 0)),
            read_timer(40 + SYNC_MS),
            Effect::AppendTxn { txn: txn(1, 3) },
            Effect::Fsync,
        ]
    );
    assert_eq!(lx.core.zk_db.last_processed_zxid(), z(1, 3));
    assert_eq!(lx.fsync_done(50), vec![ack(z(1, 3))]);
}

// ---- Broadcast (§5.5) ----------------------------------------------------------------------

// docs/protocol.md §5.5 Follower PROPOSAL and §7.4: logRequest appends, SyncRequestProcessor fsyncs,
// and SendAckRequestProcessor ACKs only once the txn is durable.
#[test]
fn test_broadcast_proposal_is_acked_only_after_fsync() {
    let mut lx = broadcasting(1);
    let out = lx.recv(proposal(&txn(1, 1)), 100);
    assert_eq!(
        out,
        vec![
            read_timer(100 + SYNC_MS),
            Effect::AppendTxn { txn: txn(1, 1) },
            Effect::Fsync,
        ]
    );
    assert_eq!(lx.fsync_done(110), vec![ack(z(1, 1))]);
    // COMMIT applies it.
    let out = lx.recv(bare(PacketType::Commit, z(1, 1)), 120);
    assert_eq!(out, vec![read_timer(120 + SYNC_MS)]);
    assert_eq!(lx.core.zk_db.last_processed_zxid(), z(1, 1));
}

// docs/protocol.md §7.4 (SyncRequestProcessor batches): a proposal logged while an fsync runs is
// covered by the next fsync, and ACKed after it.
#[test]
fn test_proposal_during_an_fsync_is_acked_after_the_next_one() {
    let mut lx = broadcasting(1);
    lx.recv(proposal(&txn(1, 1)), 100);
    let out = lx.recv(proposal(&txn(1, 2)), 101);
    assert_eq!(
        out,
        vec![
            read_timer(101 + SYNC_MS),
            Effect::AppendTxn { txn: txn(1, 2) }
        ]
    );
    assert_eq!(lx.fsync_done(110), vec![ack(z(1, 1)), Effect::Fsync]);
    assert_eq!(lx.fsync_done(120), vec![ack(z(1, 2))]);
}

// docs/protocol.md §5.5 Follower COMMIT: the head of pendingTxns must be the committed zxid, otherwise
// the process exits (UNMATCHED_TXN_COMMIT).
#[test]
fn test_commit_not_at_the_head_of_pending_exits() {
    let mut lx = broadcasting(1);
    lx.recv(proposal(&txn(1, 1)), 100);
    lx.recv(proposal(&txn(1, 2)), 101);
    let (step, out) = lx.recv_step(bare(PacketType::Commit, z(1, 2)), 110);
    let reason = ShutdownReason::CommitMismatch {
        zxid: z(1, 2),
        pending: z(1, 1),
    };
    assert_eq!(step, RoleStep::Shutdown(reason.clone()));
    assert_eq!(
        out,
        vec![read_timer(110 + SYNC_MS), Effect::Exit { reason }]
    );
}

// docs/protocol.md §5.5 Follower COMMIT with nothing pending: a warning, not an exit
// (FollowerZooKeeperServer.commit, 3.8.0 and master).
#[test]
fn test_commit_with_nothing_pending_only_warns() {
    let mut lx = broadcasting(1);
    let (step, out) = lx.recv_step(bare(PacketType::Commit, z(1, 1)), 110);
    assert_eq!(step, RoleStep::Continue);
    assert_eq!(
        out,
        vec![
            read_timer(110 + SYNC_MS),
            Effect::Note(Note::CommitWithoutTxn { zxid: z(1, 1) })
        ]
    );
}

// docs/protocol.md §5.5 PING: the learner answers with a PING carrying the same zxid.
#[test]
fn test_ping_is_answered_with_the_same_zxid() {
    for myid in [1, 4] {
        let mut lx = broadcasting(myid);
        let out = lx.recv(bare(PacketType::Ping, z(1, 7)), 100);
        assert_eq!(
            out,
            vec![
                read_timer(100 + SYNC_MS),
                to_leader(bare(PacketType::Ping, z(1, 7)))
            ],
            "learner {myid}"
        );
    }
}

// docs/protocol.md §5.5 Observer: INFORM is logged and applied, and an observer never ACKs; PROPOSAL
// and COMMIT are ignored.
#[test]
fn test_observer_applies_inform_and_never_acks() {
    let mut lx = broadcasting(4);
    let t = txn(1, 1);
    let inform = QuorumPacket::new(
        PacketType::Inform,
        t.zxid,
        PacketData::Txn(Box::new(t.clone())),
    );
    let out = lx.recv(inform, 100);
    assert_eq!(
        out,
        vec![
            read_timer(100 + SYNC_MS),
            Effect::AppendTxn { txn: t },
            Effect::Fsync,
        ]
    );
    assert_eq!(lx.core.zk_db.last_processed_zxid(), z(1, 1));
    assert_eq!(lx.fsync_done(110), vec![]);
    let out = lx.recv(proposal(&txn(1, 2)), 120);
    assert!(
        !out.iter()
            .any(|e| matches!(e, Effect::AppendTxn { .. } | Effect::Send { .. })),
        "{out:?}"
    );
}

// docs/protocol.md §7.4 (Learner.request): a client write at a learner is forwarded as REQUEST, only
// once it serves (after UPTODATE).
#[test]
fn test_request_is_forwarded_only_in_broadcast() {
    let write = TxnOp::Create {
        path: "/w".to_string(),
        data: "1".to_string(),
    };
    let lx = registered(learner_core(1, (0, 0), ZkDatabase::default()), 1);
    let mut out = Vec::new();
    assert!(!lx.l.request(write.clone(), &mut out));
    assert_eq!(out, vec![]);
    let lx = broadcasting(1);
    assert!(lx.l.request(write.clone(), &mut out));
    assert_eq!(
        out,
        vec![to_leader(QuorumPacket::new(
            PacketType::Request,
            Zxid::NONE,
            PacketData::Request(Box::new(write))
        ))]
    );
}

// docs/protocol.md §9.4 (ZOOKEEPER-3642) and §1.4: a learner shut down before its SNAP sync finished
// drops the in-memory snapshot and reloads from disk; otherwise it fast-forwards its log.
#[test]
fn test_shutdown_during_snap_sync_reloads_from_disk() {
    let mut lx = registered(learner_core(1, (1, 1), db(&[(1, 1)])), 2);
    let snap = Snapshot {
        zxid: z(1, 9),
        tree: DataTree::default(),
        history: vec![].into(),
    };
    lx.recv(
        QuorumPacket::new(
            PacketType::Snap,
            z(1, 9),
            PacketData::Snapshot(Box::new(snap)),
        ),
        20,
    );
    assert_eq!(lx.core.zk_db.last_processed_zxid(), z(1, 9));
    let mut out = Vec::new();
    lx.l.shutdown(&mut lx.core, &mut out);
    assert_eq!(
        out,
        vec![
            Effect::Close { conn: C },
            Effect::CancelTimer {
                timer: Timer::Learner
            }
        ]
    );
    assert_eq!(lx.core.zk_db.last_processed_zxid(), z(1, 1));
    assert!(lx.core.zk_db.tree.nodes.contains_key("/n1_1"));
}
