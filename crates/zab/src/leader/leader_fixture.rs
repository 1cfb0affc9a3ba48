//! The leader under test and the packets and effects the leader tests compare against.
//!
//! The leader is sid 3 with the sample timing (tickTime 2000 ms, initLimit 10, syncLimit 5), so
//! every wait is 20 000 ms, a handler's steady read timeout is 10 000 ms and the ping loop runs
//! every 1000 ms. Learner `n` talks on `ConnId(10 + n)`. Effects are compared exactly, except
//! `Log` lines, which are checked separately where their wording is ZooKeeper's.

use crate::config::QuorumConfig;
use crate::election::Vote;
use crate::ids::{Epoch, Sid, Time, Zxid};
use crate::leader::{HandlerPhase, LeadPhase, Leader, LearnerHandler, RoleStep};
use crate::message::Message;
use crate::output::{ConnId, Effect, EpochFile, Outbox, Timer, Work};
use crate::packet::{LearnerInfo, PacketData, PacketType, QuorumPacket, PROTOCOL_VERSION};
pub(super) use crate::peer::{Monitor, Waiter};
use crate::peer::{PeerCore, ServerState, ZabState};
pub(super) use crate::reason::{Note, ShutdownReason};
use crate::test_fixtures::{op, z};
use crate::zk_database::{Txn, ZkDatabase};

pub(super) const INIT_MS: u64 = 20_000;
pub(super) const SYNC_MS: u64 = 10_000;
pub(super) const HALF_TICK_MS: u64 = 1_000;
pub(super) const LEADER: i64 = 3;

pub(super) fn conn(sid: i64) -> ConnId {
    ConnId(10 + sid as u64)
}

/// The leader's `PeerCore`: sid 3 of `voters` voters and `observers` observers, with its
/// (currentEpoch, acceptedEpoch) and database.
pub(super) fn leader_core(
    voters: u32,
    observers: u32,
    epochs: (i64, i64),
    db: ZkDatabase,
) -> PeerCore {
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
        clients: Default::default(),
    }
}

pub(super) fn fresh(voters: u32, observers: u32) -> PeerCore {
    leader_core(voters, observers, (0, 0), ZkDatabase::default())
}

// ---- Packets and effects -------------------------------------------------------------------

pub(super) fn learner_info(ty: PacketType, sid: i64, accepted_epoch: i64) -> QuorumPacket {
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

pub(super) fn follower_info(sid: i64, accepted_epoch: i64) -> QuorumPacket {
    learner_info(PacketType::FollowerInfo, sid, accepted_epoch)
}

pub(super) fn observer_info(sid: i64, accepted_epoch: i64) -> QuorumPacket {
    learner_info(PacketType::ObserverInfo, sid, accepted_epoch)
}

pub(super) fn ack_epoch(last_zxid: Zxid, current_epoch: i64) -> QuorumPacket {
    QuorumPacket::new(
        PacketType::AckEpoch,
        last_zxid,
        PacketData::CurrentEpoch(current_epoch),
    )
}

pub(super) fn bare(ty: PacketType, zxid: Zxid) -> QuorumPacket {
    QuorumPacket::bare(ty, zxid)
}

pub(super) fn leader_info(epoch: i64) -> QuorumPacket {
    QuorumPacket::new(
        PacketType::LeaderInfo,
        z(epoch, 0),
        PacketData::ProtocolVersion(PROTOCOL_VERSION),
    )
}

/// The config text NEWLEADER carries for sids 1..=voters then the observers.
pub(super) fn qv_text(voters: i64, observers: i64) -> String {
    let mut lines: Vec<String> = (1..=voters)
        .map(|s| format!("server.{s}=zk{s}:2888:3888:participant"))
        .collect();
    lines.extend(
        (voters + 1..=voters + observers).map(|s| format!("server.{s}=zk{s}:2888:3888:observer")),
    );
    lines.push("version=0".to_string());
    lines.join("\n")
}

pub(super) fn new_leader(epoch: i64, voters: i64, observers: i64) -> QuorumPacket {
    QuorumPacket::new(
        PacketType::NewLeader,
        z(epoch, 0),
        PacketData::Config(qv_text(voters, observers)),
    )
}

pub(super) fn proposal(t: &Txn) -> QuorumPacket {
    QuorumPacket::new(
        PacketType::Proposal,
        t.zxid,
        PacketData::Txn(Box::new(t.clone())),
    )
}

pub(super) fn to(sid: i64, p: QuorumPacket) -> Effect {
    Effect::Send {
        conn: conn(sid),
        msg: Message::Quorum(p),
    }
}

pub(super) fn handler_timer(sid: i64, at: u64) -> Effect {
    Effect::SetTimer {
        timer: Timer::LearnerHandler(conn(sid)),
        at: Time(at),
    }
}

pub(super) fn cancel(timer: Timer) -> Effect {
    Effect::CancelTimer { timer }
}

pub(super) fn lead_timer(at: u64) -> Effect {
    Effect::SetTimer {
        timer: Timer::Lead,
        at: Time(at),
    }
}

pub(super) fn persist(file: EpochFile, epoch: i64) -> Effect {
    Effect::PersistEpoch {
        file,
        epoch: Epoch(epoch),
    }
}

pub(super) fn notify_all(monitor: Monitor, woke: &[Waiter]) -> Effect {
    Effect::NotifyAll {
        monitor,
        woke: woke.to_vec(),
    }
}

/// The LearnerHandler of learner `sid` as a waiter a `notifyAll` wakes.
pub(super) fn handler_of(sid: i64) -> Waiter {
    Waiter::Handler {
        conn: conn(sid),
        learner: Sid(sid),
    }
}

pub(super) fn closed(sid: i64) -> Vec<Effect> {
    vec![
        Effect::Close { conn: conn(sid) },
        Effect::CancelTimer {
            timer: Timer::LearnerHandler(conn(sid)),
        },
    ]
}

/// The effects without the log notes.
pub(super) fn no_logs(out: &Outbox) -> Vec<Effect> {
    out.iter()
        .filter(|e| !matches!(e, Effect::Note(_)))
        .cloned()
        .collect()
}

pub(super) fn logs(out: &Outbox) -> Vec<Note> {
    out.iter()
        .filter_map(|e| match e {
            Effect::Note(note) => Some(note.clone()),
            _ => None,
        })
        .collect()
}

/// The packets sent to learner `sid`, in order.
pub(super) fn sent_to(out: &Outbox, sid: i64) -> Vec<QuorumPacket> {
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
pub(super) struct Fx {
    pub(super) core: PeerCore,
    pub(super) leader: Leader,
}

impl Fx {
    /// `lead()` at time `now`.
    pub(super) fn lead(core: PeerCore, now: u64) -> (Fx, RoleStep, Outbox) {
        let mut core = core;
        let mut out = Vec::new();
        let (leader, step) = Leader::lead(&mut core, Time(now), &mut out);
        leader.check_invariants(&core);
        (Fx { core, leader }, step, out)
    }

    /// `lead()` at t=0, which must block in getEpochToPropose.
    pub(super) fn start(core: PeerCore) -> Fx {
        let (fx, step, _) = Fx::lead(core, 0);
        assert_eq!(step, RoleStep::Continue);
        assert!(matches!(
            fx.leader.phase,
            LeadPhase::GetEpochToPropose { .. }
        ));
        fx
    }

    /// The acceptor takes learner `sid`'s socket: a handler reading with initLimit.
    pub(super) fn accept(&mut self, sid: i64, now: u64) {
        let mut out = Vec::new();
        self.leader
            .on_accept(&self.core, conn(sid), Time(now), &mut out);
        assert_eq!(out, vec![handler_timer(sid, now + INIT_MS)]);
    }

    pub(super) fn recv_step(&mut self, sid: i64, p: QuorumPacket, now: u64) -> (RoleStep, Outbox) {
        let mut out = Vec::new();
        let step = self
            .leader
            .on_packet(&mut self.core, conn(sid), p, Time(now), &mut out);
        self.leader.check_invariants(&self.core);
        (step, out)
    }

    /// A packet from learner `sid`; the leader itself must carry on.
    pub(super) fn recv(&mut self, sid: i64, p: QuorumPacket, now: u64) -> Outbox {
        let (step, out) = self.recv_step(sid, p, now);
        assert_eq!(step, RoleStep::Continue, "{out:?}");
        out
    }

    pub(super) fn handler_timer(&mut self, sid: i64, now: u64) -> (RoleStep, Outbox) {
        let mut out = Vec::new();
        let step = self
            .leader
            .on_handler_timer(&mut self.core, conn(sid), Time(now), &mut out);
        self.leader.check_invariants(&self.core);
        (step, out)
    }

    pub(super) fn lead_timer(&mut self, now: u64) -> (RoleStep, Outbox) {
        let mut out = Vec::new();
        let step = self
            .leader
            .on_lead_timer(&mut self.core, Time(now), &mut out);
        self.leader.check_invariants(&self.core);
        (step, out)
    }

    /// The world answers the leader's `zk.startup()` (§3.6): it returned at `now`.
    pub(super) fn zk_started(&mut self, now: u64) -> (RoleStep, Outbox) {
        let mut out = Vec::new();
        let work = Work::ZkStartup {
            epoch: self.leader.epoch(),
        };
        let step = self
            .leader
            .on_work_done(&mut self.core, work, Time(now), &mut out);
        self.leader.check_invariants(&self.core);
        (step, out)
    }

    pub(super) fn propose(&mut self, path: &str, now: u64) -> Outbox {
        let mut out = Vec::new();
        let step = self
            .leader
            .propose(&mut self.core, op(path), Time(now), &mut out);
        self.leader.check_invariants(&self.core);
        assert_eq!(step, RoleStep::Continue);
        out
    }

    /// The disk finished the leader's fsync in flight.
    pub(super) fn fsync_done(&mut self) -> Outbox {
        let mut out = Vec::new();
        let synced = self.core.fsync_done();
        self.leader.on_fsync_done(&mut self.core, synced, &mut out);
        self.leader.check_invariants(&self.core);
        out
    }

    pub(super) fn handler(&self, sid: i64) -> Option<&LearnerHandler> {
        self.leader.handlers().find(|h| h.conn == conn(sid))
    }

    pub(super) fn phase_of(&self, sid: i64) -> Option<HandlerPhase> {
        self.handler(sid).map(|h| h.phase)
    }
}

/// Leader 3 of 3 voters (plus `observers`), everyone fresh (zxid 0, epochs 0). Follower 1 has
/// gone through discovery and sync: epoch 1 is established, startZkServer ran at t=30 (its
/// `zk.startup()` answered at once), and UPTODATE went out then. The ping loop's first pass
/// is due at t=1030.
pub(super) fn established(observers: u32) -> Fx {
    let mut fx = Fx::start(fresh(3, observers));
    fx.accept(1, 10);
    fx.recv(1, follower_info(1, 0), 10);
    fx.recv(1, ack_epoch(Zxid::ZERO, 0), 20);
    fx.recv(1, bare(PacketType::Ack, z(1, 0)), 30);
    let (step, _) = fx.zk_started(30);
    assert_eq!(step, RoleStep::Continue);
    assert_eq!(fx.phase_of(1), Some(HandlerPhase::Running));
    assert!(fx.leader.is_running());
    fx
}

/// A learner joining an established leader at `now`: every wait returns at once, so it goes
/// from FOLLOWERINFO/OBSERVERINFO to UPTODATE in three packets. Returns all effects.
pub(super) fn join(fx: &mut Fx, sid: i64, info: QuorumPacket, now: u64) -> Outbox {
    fx.accept(sid, now);
    let mut out = fx.recv(sid, info, now);
    out.extend(fx.recv(sid, ack_epoch(Zxid::ZERO, 0), now));
    out.extend(fx.recv(sid, bare(PacketType::Ack, z(1, 0)), now));
    assert_eq!(fx.phase_of(sid), Some(HandlerPhase::Running));
    out
}

/// Leader 3 of `voters` voters; learners 1..=`synced` have been synced (NEWLEADER sent).
pub(super) fn synced(voters: u32, synced: i64) -> Fx {
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
