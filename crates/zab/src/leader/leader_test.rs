//! Single-state-machine tests of `Leader.lead()`, its three monitors, the ping loop and
//! broadcast (reference §3, §4, §7), driven through the leader's public inputs only.
//!
//! The leader is sid 3 with the sample timing (tickTime 2000 ms, initLimit 10, syncLimit 5), so
//! every wait is 20 000 ms, a handler's steady read timeout is 10 000 ms and the ping loop runs
//! every 1000 ms. Learner `n` talks on `ConnId(10 + n)`. Effects are compared exactly, except
//! `Log` lines, which are checked separately where their wording is ZooKeeper's.

use crate::config::QuorumConfig;
use crate::election::Vote;
use crate::ids::{Epoch, Sid, Time, Zxid};
use crate::leader::{
    HandlerPhase, LeadPhase, Leader, LearnerHandler, RoleStep, StateSummary, SyncMode,
};
use crate::message::Message;
use crate::output::{ConnId, Effect, EpochFile, Outbox, Timer};
use crate::packet::{LearnerInfo, PacketData, PacketType, QuorumPacket, PROTOCOL_VERSION};
use crate::peer::{Blocked, PeerCore, ServerState, ZabState};
use crate::test_fixtures::{op, txn, z};
use crate::zk_database::{Snapshot, Txn, ZkDatabase};

const INIT_MS: u64 = 20_000;
const SYNC_MS: u64 = 10_000;
const HALF_TICK_MS: u64 = 1_000;
const LEADER: i64 = 3;
/// `Leader.propose`'s message when the zxid counter would roll over (ZOOKEEPER-1277).
const ROLLOVER: &str =
    "zxid lower 32 bits have rolled over, forcing re-election, and therefore new epoch start";

fn conn(sid: i64) -> ConnId {
    ConnId(10 + sid as u64)
}

/// The leader's `PeerCore`: sid 3 of `voters` voters and `observers` observers, with its
/// (currentEpoch, acceptedEpoch) and database.
fn leader_core(voters: u32, observers: u32, epochs: (i64, i64), db: ZkDatabase) -> PeerCore {
    let config = QuorumConfig::standard(voters, observers).expect("a valid ensemble shape");
    let myid = Sid(LEADER);
    let vote = Vote::new(myid, db.last_processed_zxid(), 1, Epoch(epochs.0));
    PeerCore {
        myid,
        qv: config.verifier(),
        learner_type: config
            .learner_type(myid)
            .expect("the leader is in the view"),
        config,
        current_epoch: Epoch(epochs.0),
        accepted_epoch: Epoch(epochs.1),
        current_vote: Vote {
            state: ServerState::Leading,
            ..vote
        },
        zab_state: ZabState::Election,
        zk_db: db,
        unsynced: Vec::new(),
        fsync_in_flight: None,
    }
}

fn fresh(voters: u32, observers: u32) -> PeerCore {
    leader_core(voters, observers, (0, 0), ZkDatabase::default())
}

// ---- Packets and effects -------------------------------------------------------------------

fn learner_info(ty: PacketType, sid: i64, accepted_epoch: i64) -> QuorumPacket {
    QuorumPacket::new(
        ty,
        z(accepted_epoch, 0),
        PacketData::LearnerInfo(LearnerInfo {
            serverid: Sid(sid),
            protocol_version: PROTOCOL_VERSION,
            config_version: 0,
        }),
    )
}

fn follower_info(sid: i64, accepted_epoch: i64) -> QuorumPacket {
    learner_info(PacketType::FollowerInfo, sid, accepted_epoch)
}

fn observer_info(sid: i64, accepted_epoch: i64) -> QuorumPacket {
    learner_info(PacketType::ObserverInfo, sid, accepted_epoch)
}

fn ack_epoch(last_zxid: Zxid, current_epoch: i64) -> QuorumPacket {
    QuorumPacket::new(
        PacketType::AckEpoch,
        last_zxid,
        PacketData::CurrentEpoch(current_epoch),
    )
}

fn bare(ty: PacketType, zxid: Zxid) -> QuorumPacket {
    QuorumPacket::bare(ty, zxid)
}

fn leader_info(epoch: i64) -> QuorumPacket {
    QuorumPacket::new(
        PacketType::LeaderInfo,
        z(epoch, 0),
        PacketData::ProtocolVersion(PROTOCOL_VERSION),
    )
}

/// The config text NEWLEADER carries for sids 1..=voters then the observers.
fn qv_text(voters: i64, observers: i64) -> String {
    let mut lines: Vec<String> = (1..=voters)
        .map(|s| format!("server.{s}=zk{s}:2888:3888:participant"))
        .collect();
    lines.extend(
        (voters + 1..=voters + observers).map(|s| format!("server.{s}=zk{s}:2888:3888:observer")),
    );
    lines.push("version=0".to_string());
    lines.join("\n")
}

fn new_leader(epoch: i64, voters: i64, observers: i64) -> QuorumPacket {
    QuorumPacket::new(
        PacketType::NewLeader,
        z(epoch, 0),
        PacketData::Config(qv_text(voters, observers)),
    )
}

fn proposal(t: &Txn) -> QuorumPacket {
    QuorumPacket::new(PacketType::Proposal, t.zxid, PacketData::Txn(t.clone()))
}

fn to(sid: i64, p: QuorumPacket) -> Effect {
    Effect::Send {
        conn: conn(sid),
        msg: Message::Quorum(p),
    }
}

fn handler_timer(sid: i64, at: u64) -> Effect {
    Effect::SetTimer {
        timer: Timer::LearnerHandler(conn(sid)),
        at: Time(at),
    }
}

fn lead_timer(at: u64) -> Effect {
    Effect::SetTimer {
        timer: Timer::Lead,
        at: Time(at),
    }
}

fn persist(file: EpochFile, epoch: i64) -> Effect {
    Effect::PersistEpoch {
        file,
        epoch: Epoch(epoch),
    }
}

fn notify_all(monitor: &str, woke: &[&str]) -> Effect {
    Effect::NotifyAll {
        monitor: monitor.to_string(),
        woke: woke.iter().map(|s| s.to_string()).collect(),
    }
}

fn closed(sid: i64) -> Vec<Effect> {
    vec![
        Effect::Close { conn: conn(sid) },
        Effect::CancelTimer {
            timer: Timer::LearnerHandler(conn(sid)),
        },
    ]
}

/// The effects without the `Log` lines.
fn no_logs(out: &Outbox) -> Vec<Effect> {
    out.iter()
        .filter(|e| !matches!(e, Effect::Log { .. }))
        .cloned()
        .collect()
}

fn logs(out: &Outbox) -> Vec<String> {
    out.iter()
        .filter_map(|e| match e {
            Effect::Log { text } => Some(text.clone()),
            _ => None,
        })
        .collect()
}

/// The packets sent to learner `sid`, in order.
fn sent_to(out: &Outbox, sid: i64) -> Vec<QuorumPacket> {
    out.iter()
        .filter_map(|e| match e {
            Effect::Send {
                conn: c,
                msg: Message::Quorum(p),
            } if *c == conn(sid) => Some(p.clone()),
            _ => None,
        })
        .collect()
}

// ---- The fixture ---------------------------------------------------------------------------

/// The leader and the peer state it mutates.
struct Fx {
    core: PeerCore,
    leader: Leader,
}

impl Fx {
    /// `lead()` at time `now`.
    fn lead(core: PeerCore, now: u64) -> (Fx, RoleStep, Outbox) {
        let mut core = core;
        let mut out = Vec::new();
        let (leader, step) = Leader::lead(&mut core, Time(now), &mut out);
        (Fx { core, leader }, step, out)
    }

    /// `lead()` at t=0, which must block in getEpochToPropose.
    fn start(core: PeerCore) -> Fx {
        let (fx, step, _) = Fx::lead(core, 0);
        assert_eq!(step, RoleStep::Continue);
        assert!(matches!(
            fx.leader.phase,
            LeadPhase::GetEpochToPropose { .. }
        ));
        fx
    }

    /// The acceptor takes learner `sid`'s socket: a handler reading with initLimit.
    fn accept(&mut self, sid: i64, now: u64) {
        let mut out = Vec::new();
        self.leader
            .on_accept(&self.core, conn(sid), Time(now), &mut out);
        assert_eq!(out, vec![handler_timer(sid, now + INIT_MS)]);
    }

    fn recv_step(&mut self, sid: i64, p: QuorumPacket, now: u64) -> (RoleStep, Outbox) {
        let mut out = Vec::new();
        let step = self
            .leader
            .on_packet(&mut self.core, conn(sid), p, Time(now), &mut out);
        (step, out)
    }

    /// A packet from learner `sid`; the leader itself must carry on.
    fn recv(&mut self, sid: i64, p: QuorumPacket, now: u64) -> Outbox {
        let (step, out) = self.recv_step(sid, p, now);
        assert_eq!(step, RoleStep::Continue, "{out:?}");
        out
    }

    fn handler_timer(&mut self, sid: i64, now: u64) -> (RoleStep, Outbox) {
        let mut out = Vec::new();
        let step = self
            .leader
            .on_handler_timer(&mut self.core, conn(sid), Time(now), &mut out);
        (step, out)
    }

    fn lead_timer(&mut self, now: u64) -> (RoleStep, Outbox) {
        let mut out = Vec::new();
        let step = self
            .leader
            .on_lead_timer(&mut self.core, Time(now), &mut out);
        (step, out)
    }

    fn propose(&mut self, path: &str, now: u64) -> Outbox {
        let mut out = Vec::new();
        let step = self
            .leader
            .propose(&mut self.core, op(path), Time(now), &mut out);
        assert_eq!(step, RoleStep::Continue);
        out
    }

    /// The disk finished the leader's fsync in flight.
    fn fsync_done(&mut self) -> Outbox {
        let mut out = Vec::new();
        let synced = self.core.fsync_done();
        self.leader.on_fsync_done(&mut self.core, synced, &mut out);
        out
    }

    fn handler(&self, sid: i64) -> Option<&LearnerHandler> {
        self.leader.handlers().find(|h| h.conn == conn(sid))
    }

    fn phase_of(&self, sid: i64) -> Option<HandlerPhase> {
        self.handler(sid).map(|h| h.phase)
    }
}

/// Leader 3 of 3 voters (plus `observers`), everyone fresh (zxid 0, epochs 0). Follower 1 has
/// gone through discovery and sync: epoch 1 is established, startZkServer ran at t=30, and
/// UPTODATE went out at t=50. The ping loop's first pass is due at t=1030.
fn established(observers: u32) -> Fx {
    let mut fx = Fx::start(fresh(3, observers));
    fx.accept(1, 10);
    fx.recv(1, follower_info(1, 0), 10);
    fx.recv(1, ack_epoch(Zxid::ZERO, 0), 20);
    fx.recv(1, bare(PacketType::Ack, z(1, 0)), 30);
    let (step, _) = fx.handler_timer(1, 50);
    assert_eq!(step, RoleStep::Continue);
    assert_eq!(fx.phase_of(1), Some(HandlerPhase::Running));
    assert!(fx.leader.is_running());
    fx
}

/// A learner joining an established leader at `now`: every wait returns at once, so it goes
/// from FOLLOWERINFO/OBSERVERINFO to UPTODATE in three packets. Returns all effects.
fn join(fx: &mut Fx, sid: i64, info: QuorumPacket, now: u64) -> Outbox {
    fx.accept(sid, now);
    let mut out = fx.recv(sid, info, now);
    out.extend(fx.recv(sid, ack_epoch(Zxid::ZERO, 0), now));
    out.extend(fx.recv(sid, bare(PacketType::Ack, z(1, 0)), now));
    assert_eq!(fx.phase_of(sid), Some(HandlerPhase::Running));
    out
}

// ---- getEpochToPropose (§3.3) --------------------------------------------------------------

// Reference §3.1 steps 2–6 and §3.3 step 4: lead() snapshots, then the leader alone is not a
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
            Effect::Log {
                text: "LEADING - LEADER ELECTION TOOK; LearnerCnxAcceptor started".to_string()
            },
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
    let threads = fx.leader.threads(&fx.core);
    assert_eq!(
        threads[0].blocked,
        Some(Blocked {
            monitor: "connectingFollowers".to_string(),
            have: vec![Sid(LEADER)],
            need: 2,
            needs_self: Some(Sid(LEADER)),
            deadline: Time(INIT_MS),
        })
    );
}

// Reference §3.3 step 4 and §4.1 step 8: the FOLLOWERINFO that completes the quorum persists
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
            notify_all("connectingFollowers", &["Leader.lead"]),
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

// Reference §3.3 step 5: handlers that waited for the epoch are named by the notifyAll and
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
            notify_all("connectingFollowers", &["Leader.lead", "LearnerHandler-1"]),
            to(2, leader_info(1)),
            handler_timer(2, 20 + INIT_MS),
            lead_timer(20 + INIT_MS),
            to(1, leader_info(1)),
            handler_timer(1, 20 + INIT_MS),
        ]
    );
}

// Reference §3.3 step 2: epoch = 1 + the largest acceptedEpoch of every caller before the
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
            notify_all("connectingFollowers", &["Leader.lead", "LearnerHandler-4"]),
            to(1, leader_info(8)),
            handler_timer(1, 20 + INIT_MS),
            lead_timer(20 + INIT_MS),
            to(4, leader_info(8)),
            handler_timer(4, 20 + INIT_MS),
        ]
    );
}

// Reference §3.3 step 3: only participants join connectingFollowers — leader + observer is
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

// Reference §3.3 step 1: once the epoch is settled, a late learner gets it at once, whatever
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

// Reference §3.3 step 5: a handler whose getEpochToPropose deadline passes throws; only that
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
        vec!["LearnerHandler-1: Timeout while waiting for epoch from quorum; shutting down"]
    );
    assert!(fx.handler(1).is_none());
    assert!(matches!(
        fx.leader.phase,
        LeadPhase::GetEpochToPropose { .. }
    ));
}

// Reference §3.1 step 6 and §3.3 step 5: the leader's own deadline ends lead().
#[test]
fn test_leader_epoch_wait_timeout_shuts_down() {
    let mut fx = Fx::start(fresh(3, 0));
    let (step, out) = fx.lead_timer(INIT_MS);
    assert_eq!(
        step,
        RoleStep::Shutdown("Timeout while waiting for epoch from quorum".to_string())
    );
    assert_eq!(out, vec![]);
}

// ---- waitForEpochAck (§3.4) ----------------------------------------------------------------

// Reference §3.4 steps 2–4 and §3.1 step 11: a quorum of ACKEPOCHs establishes the leader — the
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
            notify_all("electingFollowers", &["Leader.lead"]),
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

// Reference §3.4 step 3: an ACKEPOCH with currentEpoch −1 ("already accepted") is not counted;
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
            notify_all("electingFollowers", &["Leader.lead", "LearnerHandler-1"]),
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

// Reference §3.4 step 2 and StateSummary.isMoreRecentThan: a follower ahead of the leader
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
                logs(&out)[0].contains("Follower is ahead of the leader"),
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

// Reference §4.2–§4.3: the sync data (DIFF, TRUNC or SNAP, then any PROPOSAL/COMMIT pairs)
// goes out before NEWLEADER(newEpoch<<32, config).
#[test]
fn test_sync_data_precedes_newleader_table() {
    let snap = Snapshot {
        zxid: z(1, 2),
        tree: ZkDatabase::load(&Snapshot::default(), &[txn(1, 1), txn(1, 2)]).tree,
        history: vec![z(1, 1), z(1, 2)],
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
                PacketData::Snapshot(snap),
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

/// Leader 3 of `voters` voters; learners 1..=`synced` have been synced (NEWLEADER sent).
fn synced(voters: u32, synced: i64) -> Fx {
    let mut fx = Fx::start(fresh(voters, 0));
    for sid in 1..=synced {
        fx.accept(sid, 10);
        fx.recv(sid, follower_info(sid, 0), 10);
    }
    for sid in 1..=synced {
        fx.recv(sid, ack_epoch(Zxid::ZERO, 0), 20);
    }
    for sid in 1..=synced {
        assert_eq!(fx.phase_of(sid), Some(HandlerPhase::ReadNewLeaderAck));
    }
    fx
}

// Reference §3.5 steps 3–4, §3.6 and §4.5 steps 3–6: the NEWLEADER ACK quorum runs
// startZkServer (lastCommitted and lastProcessedZxid = epoch<<32, vote's peerEpoch updated,
// BROADCAST); the handler that was waiting for startup sends UPTODATE on its 20 ms poll.
#[test]
fn test_newleader_ack_quorum_starts_the_server_then_uptodate_after_the_startup_poll() {
    let mut fx = synced(3, 1);
    let out = fx.recv(1, bare(PacketType::Ack, z(1, 0)), 30);
    assert_eq!(
        out,
        vec![
            notify_all("newLeaderProposal", &["Leader.lead"]),
            handler_timer(1, 30 + 20),
            lead_timer(30 + HALF_TICK_MS),
        ]
    );
    assert!(fx.leader.is_running());
    assert_eq!(fx.leader.phase, LeadPhase::Broadcast);
    assert_eq!(fx.leader.last_committed, z(1, 0));
    assert_eq!(fx.core.zk_db.last_processed_zxid(), z(1, 0));
    assert_eq!(fx.core.current_vote.peer_epoch, Epoch(1));
    assert_eq!(fx.core.zab_state, ZabState::Broadcast);
    assert_eq!(fx.phase_of(1), Some(HandlerPhase::WaitForStartup));

    let (step, out) = fx.handler_timer(1, 50);
    assert_eq!(step, RoleStep::Continue);
    assert_eq!(
        out,
        vec![
            to(1, bare(PacketType::UpToDate, Zxid::NONE)),
            handler_timer(1, 50 + SYNC_MS),
        ]
    );
    assert_eq!(fx.phase_of(1), Some(HandlerPhase::Running));
}

// Reference §3.5 step 2 (the root of ZOOKEEPER-4685): an ACK whose zxid is not NEWLEADER's is
// neither counted nor waited on; the real ACK that follows is never read as the NEWLEADER ACK,
// and the leader gives up at its deadline.
#[test]
fn test_newleader_ack_with_another_zxid_is_not_counted_and_does_not_block() {
    let mut fx = synced(3, 1);
    let out = fx.recv(1, bare(PacketType::Ack, z(0, 2)), 30);
    assert_eq!(no_logs(&out), vec![handler_timer(1, 30 + 20)]);
    assert_eq!(
        logs(&out),
        vec![
            "NEWLEADER ACK from sid: 1 is from a different epoch - current 0x100000000 \
              received 0x2"
        ]
    );
    assert_eq!(fx.phase_of(1), Some(HandlerPhase::WaitForStartup));
    assert!(matches!(
        fx.leader.phase,
        LeadPhase::WaitForNewLeaderAck { .. }
    ));
    assert!(!fx.leader.is_running());

    let out = fx.recv(1, bare(PacketType::Ack, z(1, 0)), 40);
    assert_eq!(out, vec![handler_timer(1, 40 + 20)]);
    assert!(!fx.leader.is_running());

    let (step, out) = fx.lead_timer(20 + INIT_MS);
    assert_eq!(
        step,
        RoleStep::Shutdown(
            "Waiting for a quorum of followers, only synced with sids: [ 3 ]".into()
        )
    );
    assert_eq!(out, vec![]);
}

// Reference §3.5 step 5 and §4.5: a handler that waited in waitForNewLeaderAck is woken by the
// quorum; here startZkServer has run by then, so it sends UPTODATE at once, while the handler
// whose ACK completed the quorum polls waitForStartup.
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
            notify_all("newLeaderProposal", &["Leader.lead", "LearnerHandler-1"]),
            handler_timer(2, 60 + 20),
            lead_timer(60 + HALF_TICK_MS),
            to(1, bare(PacketType::UpToDate, Zxid::NONE)),
            handler_timer(1, 60 + SYNC_MS),
        ]
    );
    assert_eq!(fx.phase_of(2), Some(HandlerPhase::WaitForStartup));
}

// Reference §3.5 step 5: the leader's own NEWLEADER-ACK deadline ends lead() with the sids it
// did get.
#[test]
fn test_newleader_ack_timeout_shuts_the_leader_down() {
    let mut fx = synced(5, 2);
    fx.recv(1, bare(PacketType::Ack, z(1, 0)), 50);
    let (step, out) = fx.lead_timer(20 + INIT_MS);
    assert_eq!(
        step,
        RoleStep::Shutdown(
            "Waiting for a quorum of followers, only synced with sids: [ 1,3 ]".into()
        )
    );
    assert_eq!(out, vec![]);
}

// Reference §11.2 step 11 with §4.2 and §3.6: after startZkServer the leader's lastProcessedZxid
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
        history: vec![],
    };
    assert_eq!(
        no_logs(&out),
        vec![
            to(
                2,
                QuorumPacket::new(PacketType::Snap, z(1, 0), PacketData::Snapshot(snap))
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

// ---- The ping loop (§3.7, §4.7) ------------------------------------------------------------

// Reference §3.7: a pass every tickTime/2 pings every learner with lastProposed; the tick
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
                handler_timer(1, 50 + SYNC_MS),
                lead_timer(now + HALF_TICK_MS),
            ],
            "pass {pass}"
        );
        ticks.push(fx.leader.tick);
    }
    assert_eq!(ticks, vec![0, 1, 1, 2]);
}

// Reference §3.7 step 5 and §4.6–§4.7: every packet from a learner sets its ack deadline to
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
        RoleStep::Shutdown("Not sufficient followers synced, only synced with sids: [ 3 ]".into())
    );
    assert_eq!(out, vec![]);
    assert_eq!(fx.leader.tick, 6);
}

// Reference §4.7 (SyncLimitCheck): a learner whose oldest un-ACKed PROPOSAL has waited
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
        vec![
            "LearnerHandler-1: Closing connection to peer due to transaction timeout.; \
              shutting down"
        ]
    );
    assert!(fx.handler(1).is_none());
}

// Reference §4.7 and §4.3: every PROPOSAL queued to a learner is tracked by its SyncLimitCheck
// (LearnerHandler.sendPackets → updateProposal), including one the learner's own REQUEST
// caused (§4.6).
#[test]
fn test_proposal_from_a_learner_request_is_tracked_by_its_sync_limit_check() {
    let mut fx = established(0);
    join(&mut fx, 2, follower_info(2, 0), 100);
    let request = QuorumPacket::new(
        PacketType::Request,
        Zxid::NONE,
        PacketData::Request(op("/a")),
    );
    let out = fx.recv(1, request, 2000);
    assert_eq!(
        sent_to(&out, 1),
        vec![proposal(&Txn {
            zxid: z(1, 1),
            op: op("/a")
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

// Reference §7.1–§7.3: propose sends PROPOSAL to the forwarding followers only (not observers),
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
    let inform = QuorumPacket::new(PacketType::Inform, z(1, 1), PacketData::Txn(a.clone()));
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

// Reference §7.3 step 1: a proposal commits only once its predecessor has; an ACK for the next
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

// Reference §7.2: ACKs with counter 0, for already committed zxids, or for unknown ("future")
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

// Reference §4.6 (finally: shutdown removes the handler from the forwarding sets): a learner
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

// Reference §7.4 / §3.1 step 15: the leader proposes only once its server runs.
#[test]
fn test_propose_before_the_server_runs_is_refused() {
    let mut fx = Fx::start(fresh(3, 0));
    let out = fx.propose("/a", 10);
    assert_eq!(no_logs(&out), vec![]);
    assert_eq!(logs(&out).len(), 1);
    assert_eq!(fx.leader.outstanding().count(), 0);
}

// Reference §1.3 (ZOOKEEPER-1277) and §7.1 step 1: "if the zxid of a request to propose has
// counter 0xffffffff, the leader shuts down" — that txn is never proposed.
#[test]
fn test_propose_refuses_the_zxid_with_counter_0xffffffff() {
    let mut fx = established(0);
    fx.leader.last_proposed = z(1, u32::MAX - 1);
    let mut out = Vec::new();
    let step = fx
        .leader
        .propose(&mut fx.core, op("/a"), Time(2000), &mut out);
    assert_eq!(step, RoleStep::Shutdown(ROLLOVER.into()));
    assert_eq!(out, vec![]);
}

// Reference §1.3 and §4.6: a learner's REQUEST goes through the same Leader.propose, whose
// rollover check shuts the leader down (Java's propose calls shutdown itself, whoever called).
#[test]
fn test_learner_request_at_rollover_shuts_the_leader_down() {
    let mut fx = established(0);
    fx.leader.last_proposed = z(1, u32::MAX - 1);
    let request = QuorumPacket::new(
        PacketType::Request,
        Zxid::NONE,
        PacketData::Request(op("/a")),
    );
    let (step, _) = fx.recv_step(1, request, 2000);
    assert_eq!(step, RoleStep::Shutdown(ROLLOVER.into()));
}
