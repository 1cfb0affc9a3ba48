use crate::config::LearnerType;
use crate::ids::{Epoch, Sid, Time, Zxid};
use crate::leader::leader::{config_text, send, Caller, HandlerStep};
use crate::leader::{sync_follower_with, LeadPhase, Leader, RoleStep, SyncPlan};
use crate::leader::{StateSummary, SyncMode};
use crate::output::ConnId;
use crate::output::{Effect, Outbox};
use crate::packet::{LearnerInfo, QuorumPacket};
use crate::packet::{PacketData, PacketType, PROTOCOL_VERSION};
use crate::peer::PeerCore;
use crate::peer::{Monitor, ThreadId, ThreadPhase, ThreadView, Wait};
use crate::reason::{Note, ShutdownReason};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};

/// Where a `LearnerHandler.run()` is. A wait on a monitor carries its deadline; a read phase
/// is bounded by the socket timeout in `read_deadline`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum HandlerPhase {
    /// Reading the first packet: FOLLOWERINFO or OBSERVERINFO.
    ReadLearnerInfo,
    /// Blocked in `getEpochToPropose` on `connectingFollowers`.
    GetEpochToPropose { deadline: Time },
    /// LEADERINFO sent; reading ACKEPOCH.
    ReadAckEpoch,
    /// Blocked in `waitForEpochAck` on `electingFollowers`.
    WaitForEpochAck {
        deadline: Time,
        summary: StateSummary,
    },
    /// Sync data and NEWLEADER sent; reading the NEWLEADER ACK.
    ReadNewLeaderAck,
    /// Blocked in `waitForNewLeaderAck` on `newLeaderProposal`.
    WaitForNewLeaderAck { deadline: Time },
    /// `waitForStartup`: waiting on the leader's `ZooKeeperServer` until it runs; the
    /// `notifyAll()` that ends `startup()` wakes it at once (§4.5).
    WaitForStartup,
    /// `syncFollower` chose the mode while `startZkServer` holds the Leader's monitor, so
    /// `startForwarding` waits for it (§4.4); the sync data goes out when it is free.
    StartForwarding,
    /// UPTODATE sent: the steady-state read loop (ACK, PING, REQUEST).
    Running,
}

/// Mirrors `org.apache.zookeeper.server.quorum.LearnerHandler`: the leader's thread for one
/// learner connection, created by the `LearnerCnxAcceptor` on accept.
#[derive(Clone, Debug)]
pub struct LearnerHandler {
    pub conn: ConnId,
    /// Known once FOLLOWERINFO / OBSERVERINFO arrives.
    pub sid: Option<Sid>,
    pub learner_type: LearnerType,
    pub learner_info: Option<LearnerInfo>,
    pub phase: HandlerPhase,
    /// When the current read began, and its socket timeout: initLimit ticks until the
    /// NEWLEADER ACK, syncLimit ticks after.
    pub read_since: Time,
    pub read_deadline: Time,
    /// `tickOfNextAckDeadline`, in the leader's ticks.
    pub tick_of_next_ack_deadline: u64,
    /// The sender thread runs (sync data queued): from now on `ping()` sends.
    pub sender_started: bool,
    pub sync_mode: SyncMode,
    pub new_epoch: Option<Epoch>,
    pub peer_last_zxid: Option<Zxid>,
    /// `SyncLimitCheck`: send time of each PROPOSAL not yet ACKed, once started.
    pub sync_limit_check: Option<BTreeMap<Zxid, Time>>,
    /// Packets that arrived while the thread was blocked on a monitor, unread.
    pub(crate) inbox: VecDeque<QuorumPacket>,
    /// What `syncFollower` queued while `startForwarding` waits for the monitor.
    pub(crate) pending_sync: Option<Box<SyncPlan>>,
}

impl LearnerHandler {
    /// The acceptor's `new LearnerHandler(socket, ...)`: socket timeout initLimit ticks,
    /// `tickOfNextAckDeadline = tick + initLimit + syncLimit`.
    pub fn new(conn: ConnId, now: Time, init_limit_ms: u64, initial_ack_deadline: u64) -> Self {
        LearnerHandler {
            conn,
            sid: None,
            learner_type: LearnerType::Participant,
            learner_info: None,
            phase: HandlerPhase::ReadLearnerInfo,
            read_since: now,
            read_deadline: now.plus_ms(init_limit_ms),
            tick_of_next_ack_deadline: initial_ack_deadline,
            sender_started: false,
            sync_mode: SyncMode::None,
            new_epoch: None,
            peer_last_zxid: None,
            sync_limit_check: None,
            inbox: VecDeque::new(),
            pending_sync: None,
        }
    }

    /// `synced()`: alive and not past its ack deadline.
    pub fn synced(&self, tick: u64) -> bool {
        tick <= self.tick_of_next_ack_deadline
    }

    /// `SyncLimitCheck.check(now)`: the oldest un-ACKed proposal has waited less than
    /// syncLimit × tickTime.
    pub fn sync_limit_ok(&self, now: Time, sync_limit_ms: u64) -> bool {
        self.sync_limit_check
            .as_ref()
            .and_then(|m| m.values().next())
            .is_none_or(|sent| now.0 < sent.0 + sync_limit_ms)
    }

    /// `SyncLimitCheck.updateAck(zxid)`.
    pub fn update_ack(&mut self, zxid: Zxid) {
        if let Some(m) = self.sync_limit_check.as_mut() {
            m.retain(|z, _| *z > zxid);
        }
    }

    /// When its timer should fire: a monitor deadline or the socket timeout. None while it
    /// waits for the server's startup, which has no timeout.
    pub fn deadline(&self) -> Option<Time> {
        match self.phase {
            HandlerPhase::GetEpochToPropose { deadline }
            | HandlerPhase::WaitForEpochAck { deadline, .. }
            | HandlerPhase::WaitForNewLeaderAck { deadline } => Some(deadline),
            HandlerPhase::WaitForStartup | HandlerPhase::StartForwarding => None,
            _ => Some(self.read_deadline),
        }
    }

    /// Start a read with a socket timeout of `timeout_ms` from `now`.
    fn read_timeout(&mut self, now: Time, timeout_ms: u64) {
        self.read_since = now;
        self.read_deadline = now.plus_ms(timeout_ms);
    }

    /// Its thread, for the views.
    pub fn thread_view(&self, monitors: &MonitorView) -> ThreadView {
        let read = Some(Wait::socket_read(self.read_since, self.read_deadline));
        let wait = match self.phase {
            HandlerPhase::ReadLearnerInfo
            | HandlerPhase::ReadAckEpoch
            | HandlerPhase::ReadNewLeaderAck
            | HandlerPhase::Running => read,
            HandlerPhase::GetEpochToPropose { deadline } => {
                Some(monitors.wait(Monitor::ConnectingFollowers, &monitors.connecting, deadline))
            }
            HandlerPhase::WaitForEpochAck { deadline, .. } => {
                Some(monitors.wait(Monitor::ElectingFollowers, &monitors.electing, deadline))
            }
            HandlerPhase::WaitForNewLeaderAck { deadline } => Some(monitors.wait(
                Monitor::NewLeaderProposal,
                &monitors.new_leader_acks,
                deadline,
            )),
            HandlerPhase::WaitForStartup | HandlerPhase::StartForwarding => None,
        };
        ThreadView {
            thread: ThreadId::LearnerHandler(self.conn),
            phase: ThreadPhase::Handle {
                learner: self.sid,
                phase: self.phase,
                sync_mode: self.sync_mode,
            },
            wait,
        }
    }
}

/// The thread body of `LearnerHandler.run()`, one step per packet read or wake-up. Each step
/// reads and writes the leader's shared state (its monitors) through `leader`.
impl LearnerHandler {
    /// A handler reads one packet in its current read phase.
    pub(super) fn handler_read(
        &mut self,
        leader: &mut Leader,
        core: &mut PeerCore,
        p: QuorumPacket,
        now: Time,
        out: &mut Outbox,
    ) -> HandlerStep {
        match self.phase {
            HandlerPhase::ReadLearnerInfo => self.on_learner_info(leader, core, p, now, out),
            HandlerPhase::ReadAckEpoch => {
                if p.ty != PacketType::AckEpoch {
                    return HandlerStep::Shutdown(ShutdownReason::UnexpectedPacket {
                        expected: PacketType::AckEpoch,
                        got: p.ty,
                    });
                }
                let current_epoch = match p.data {
                    PacketData::CurrentEpoch(e) => Epoch(e),
                    _ => Epoch(-1),
                };
                let ss = StateSummary {
                    current_epoch,
                    last_zxid: p.zxid,
                };
                self.on_state_summary(leader, core, ss, now, out)
            }
            HandlerPhase::ReadNewLeaderAck => {
                if p.ty != PacketType::Ack {
                    return HandlerStep::Shutdown(ShutdownReason::UnexpectedPacket {
                        expected: PacketType::Ack,
                        got: p.ty,
                    });
                }
                let sid = self.sid.expect("a handler past LEARNERINFO knows its sid");
                if leader.wait_for_new_leader_ack(sid, p.zxid, Caller::Handler(self.conn), out) {
                    self.after_new_leader_ack(leader, core, now, out)
                } else {
                    self.phase = HandlerPhase::WaitForNewLeaderAck {
                        deadline: now.plus_ms(core.init_limit_ms()),
                    };
                    HandlerStep::Continue
                }
            }
            HandlerPhase::Running => self.steady_read(leader, core, p, now, out),
            _ => HandlerStep::Continue,
        }
    }

    /// Steps 2–6 of §4.1: LearnerInfo, then `getEpochToPropose`.
    pub(super) fn on_learner_info(
        &mut self,
        leader: &mut Leader,
        core: &mut PeerCore,
        p: QuorumPacket,
        now: Time,
        out: &mut Outbox,
    ) -> HandlerStep {
        if p.ty != PacketType::FollowerInfo && p.ty != PacketType::ObserverInfo {
            return HandlerStep::Shutdown(ShutdownReason::NotLearnerInfo { got: p.ty });
        }
        let PacketData::LearnerInfo(info) = p.data else {
            return HandlerStep::Shutdown(ShutdownReason::MissingLearnerInfo);
        };
        if info.config_version > 0 {
            return HandlerStep::Shutdown(ShutdownReason::LearnerConfigAhead);
        }
        self.sid = Some(info.serverid);
        self.learner_info = Some(info);
        if p.ty == PacketType::ObserverInfo {
            self.learner_type = LearnerType::Observer;
        }
        let last_accepted_epoch = p.zxid.epoch();
        match leader.get_epoch_to_propose(
            core,
            info.serverid,
            last_accepted_epoch,
            Caller::Handler(self.conn),
            out,
        ) {
            Some(epoch) => self.send_leader_info(core, epoch, now, out),
            None => {
                self.phase = HandlerPhase::GetEpochToPropose {
                    deadline: now.plus_ms(core.init_limit_ms()),
                };
                HandlerStep::Continue
            }
        }
    }

    pub(super) fn send_leader_info(
        &mut self,
        core: &PeerCore,
        epoch: Epoch,
        now: Time,
        out: &mut Outbox,
    ) -> HandlerStep {
        self.new_epoch = Some(epoch);
        send(
            out,
            self.conn,
            QuorumPacket::new(
                PacketType::LeaderInfo,
                Zxid::make(epoch, 0),
                PacketData::ProtocolVersion(PROTOCOL_VERSION),
            ),
        );
        self.phase = HandlerPhase::ReadAckEpoch;
        self.read_timeout(now, core.init_limit_ms());
        HandlerStep::Continue
    }

    pub(super) fn on_state_summary(
        &mut self,
        leader: &mut Leader,
        core: &mut PeerCore,
        ss: StateSummary,
        now: Time,
        out: &mut Outbox,
    ) -> HandlerStep {
        let sid = self.sid.expect("a handler past LEARNERINFO knows its sid");
        match leader.wait_for_epoch_ack(core, sid, ss, Caller::Handler(self.conn), out) {
            Err(e) => HandlerStep::Shutdown(e),
            Ok(true) => self.sync_learner(leader, core, ss, now, out),
            Ok(false) => {
                self.phase = HandlerPhase::WaitForEpochAck {
                    deadline: now.plus_ms(core.init_limit_ms()),
                    summary: ss,
                };
                HandlerStep::Continue
            }
        }
    }

    /// A woken handler goes on from the wait it was in.
    pub(super) fn resume_handler(
        &mut self,
        leader: &mut Leader,
        core: &mut PeerCore,
        now: Time,
        out: &mut Outbox,
    ) -> HandlerStep {
        let step = match self.phase {
            HandlerPhase::GetEpochToPropose { .. } => {
                self.send_leader_info(core, leader.epoch, now, out)
            }
            HandlerPhase::WaitForEpochAck { summary, .. } => {
                self.sync_learner(leader, core, summary, now, out)
            }
            HandlerPhase::WaitForNewLeaderAck { .. } => {
                self.after_new_leader_ack(leader, core, now, out)
            }
            _ => HandlerStep::Continue,
        };
        if step != HandlerStep::Continue {
            return step;
        }
        self.read_inbox(leader, core, now, out)
    }

    /// Packets that arrived while the thread waited on a monitor are read now, in order.
    fn read_inbox(
        &mut self,
        leader: &mut Leader,
        core: &mut PeerCore,
        now: Time,
        out: &mut Outbox,
    ) -> HandlerStep {
        while let Some(p) = self.inbox.pop_front() {
            let step = self.handler_read(leader, core, p, now, out);
            if step != HandlerStep::Continue {
                return step;
            }
        }
        HandlerStep::Continue
    }

    /// §4.2–§4.3: `syncFollower`, `startForwarding`, the sync data, NEWLEADER.
    pub(super) fn sync_learner(
        &mut self,
        leader: &mut Leader,
        core: &mut PeerCore,
        ss: StateSummary,
        now: Time,
        out: &mut Outbox,
    ) -> HandlerStep {
        let peer_last_zxid = ss.last_zxid;
        self.peer_last_zxid = Some(peer_last_zxid);
        let db = &core.zk_db;
        let zk1154 = core.config.bugs.zk1154_diff_instead_of_trunc;
        let plan = sync_follower_with(peer_last_zxid, db, false, zk1154);
        let (min_committed, max_committed) = db.committed_log_bounds();
        out.push(Effect::Note(Note::SyncFollower {
            learner: self.sid.expect("a handler past LEARNERINFO knows its sid"),
            peer_last_zxid,
            min_committed,
            max_committed,
            last_processed: db.last_processed_zxid(),
            mode: plan.mode(),
            reason: plan.reason,
        }));
        self.sync_mode = plan.mode();
        if matches!(leader.phase, LeadPhase::StartZkServer { .. }) {
            // `startForwarding` is synchronized, and `startZkServer` holds the monitor: the
            // mode is chosen (with the old lastProcessedZxid), the data waits.
            self.pending_sync = Some(Box::new(plan));
            self.phase = HandlerPhase::StartForwarding;
            return HandlerStep::Continue;
        }
        self.send_sync(leader, core, plan, now, out)
    }

    /// `startForwarding`, the SNAP stream if any, the queued sync packets, NEWLEADER.
    fn send_sync(
        &mut self,
        leader: &mut Leader,
        core: &mut PeerCore,
        plan: SyncPlan,
        now: Time,
        out: &mut Outbox,
    ) -> HandlerStep {
        let forwarded = leader.start_forwarding(self, plan.current_zxid);
        if plan.need_snap {
            // Written straight to the socket, ahead of the queue; NEWLEADER only after the
            // whole snapshot (ZOOKEEPER-3104).
            let mut snapshot = core.zk_db.snapshot_now();
            snapshot.zxid = core.zk_db.last_processed_zxid();
            send(
                out,
                self.conn,
                QuorumPacket::new(
                    PacketType::Snap,
                    snapshot.zxid,
                    PacketData::Snapshot(Box::new(snapshot)),
                ),
            );
        }
        for p in plan.packets.into_iter().chain(forwarded) {
            send(out, self.conn, p);
        }
        send(
            out,
            self.conn,
            QuorumPacket::new(
                PacketType::NewLeader,
                leader.new_leader_zxid,
                PacketData::Config(config_text(core)),
            ),
        );
        self.sender_started = true;
        self.phase = HandlerPhase::ReadNewLeaderAck;
        self.read_timeout(now, core.init_limit_ms());
        HandlerStep::Continue
    }

    /// §4.5 steps 3–6: SyncLimitCheck, socket timeout → syncLimit, `waitForStartup`.
    pub(super) fn after_new_leader_ack(
        &mut self,
        leader: &mut Leader,
        core: &mut PeerCore,
        now: Time,
        out: &mut Outbox,
    ) -> HandlerStep {
        self.sync_limit_check = Some(BTreeMap::new());
        self.read_timeout(now, core.sync_limit_ms());
        self.phase = HandlerPhase::WaitForStartup;
        self.wait_for_startup(leader, core, now, out)
    }

    /// `zk.startup()` returned: a `waitForStartup` goes on to UPTODATE, a blocked
    /// `startForwarding` gets the monitor and sends the sync data.
    pub(super) fn resume_after_startup(
        &mut self,
        leader: &mut Leader,
        core: &mut PeerCore,
        now: Time,
        out: &mut Outbox,
    ) -> HandlerStep {
        match self.phase {
            HandlerPhase::WaitForStartup => self.wait_for_startup(leader, core, now, out),
            HandlerPhase::StartForwarding => {
                let Some(plan) = self.pending_sync.take() else {
                    return HandlerStep::Continue;
                };
                let step = self.send_sync(leader, core, *plan, now, out);
                if step != HandlerStep::Continue {
                    return step;
                }
                self.read_inbox(leader, core, now, out)
            }
            _ => HandlerStep::Continue,
        }
    }

    pub(super) fn wait_for_startup(
        &mut self,
        leader: &mut Leader,
        core: &mut PeerCore,
        now: Time,
        out: &mut Outbox,
    ) -> HandlerStep {
        if !leader.zk_running {
            return HandlerStep::Continue;
        }
        send(
            out,
            self.conn,
            QuorumPacket::bare(PacketType::UpToDate, Zxid::NONE),
        );
        self.phase = HandlerPhase::Running;
        self.read_timeout(now, core.sync_limit_ms());
        self.read_inbox(leader, core, now, out)
    }

    /// The steady-state loop (§4.6).
    pub(super) fn steady_read(
        &mut self,
        leader: &mut Leader,
        core: &mut PeerCore,
        p: QuorumPacket,
        now: Time,
        out: &mut Outbox,
    ) -> HandlerStep {
        self.tick_of_next_ack_deadline = leader.tick + core.config.sync_limit_ticks;
        self.read_timeout(now, core.sync_limit_ms());
        let sid = self.sid.expect("a running handler knows its sid");
        match p.ty {
            PacketType::Ack => {
                self.update_ack(p.zxid);
                leader.process_ack(core, sid, p.zxid, out);
            }
            PacketType::Ping => leader.on_ping_sessions(&p.data, now, out),
            PacketType::Revalidate => leader.on_revalidate(self.conn, &p.data, now, out),
            PacketType::Request if matches!(p.data, PacketData::ClientRequest(_)) => {
                if let PacketData::ClientRequest(req) = p.data {
                    if let RoleStep::Shutdown(reason) = leader.prep_request(core, *req, now, out) {
                        return HandlerStep::LeaderShutdown(reason);
                    }
                    if leader.forwarding_followers.contains(&self.conn) {
                        if let Some(m) = self.sync_limit_check.as_mut() {
                            m.insert(leader.last_proposed, now);
                        }
                    }
                }
            }
            PacketType::Request => {
                if let PacketData::Request(op) = p.data {
                    let op = *op;
                    if let RoleStep::Shutdown(reason) = leader.propose(core, op, now, out) {
                        return HandlerStep::LeaderShutdown(reason);
                    }
                    // `propose` reached every forwarding handler but this one, which is
                    // mid-step: its SyncLimitCheck starts tracking the proposal here.
                    if leader.forwarding_followers.contains(&self.conn) {
                        if let Some(m) = self.sync_limit_check.as_mut() {
                            m.insert(leader.last_proposed, now);
                        }
                    }
                }
            }
            ty => out.push(Effect::Note(Note::UnexpectedQuorumPacket { ty })),
        }
        HandlerStep::Continue
    }

    /// `LearnerHandler.ping()`.
    pub(super) fn ping(
        &mut self,
        leader: &mut Leader,
        core: &mut PeerCore,
        now: Time,
        out: &mut Outbox,
    ) -> HandlerStep {
        if !self.sender_started {
            return HandlerStep::Continue;
        }
        if !self.sync_limit_ok(now, core.sync_limit_ms()) {
            return HandlerStep::Shutdown(ShutdownReason::TransactionTimeout);
        }
        send(
            out,
            self.conn,
            QuorumPacket::bare(PacketType::Ping, leader.last_proposed),
        );
        HandlerStep::Continue
    }
}

/// `Leader.waitForStartup`'s `zk.wait(20)`: the most it sleeps between checks. It never
/// decides anything here, because `ZooKeeperServer.startup()` ends with `notifyAll()`, which
/// wakes the waiters at once (§4.5, every release from 3.8.0 to 3.9.4).
pub const WAIT_FOR_STARTUP_POLL_MS: u64 = 20;

/// The three monitors' contents, for the thread rows.
pub struct MonitorView {
    pub myid: Sid,
    pub quorum: u32,
    pub init_limit_ms: u64,
    pub connecting: Vec<Sid>,
    pub electing: Vec<Sid>,
    pub new_leader_acks: Vec<Sid>,
}

impl MonitorView {
    /// A wait on one of the leader's monitors: initLimit × tickTime from its start, for a
    /// quorum that must include the leader itself.
    pub fn wait(&self, monitor: Monitor, have: &[Sid], deadline: Time) -> Wait {
        Wait {
            monitor,
            since: Time(deadline.0.saturating_sub(self.init_limit_ms)),
            deadline,
            have: have.to_vec(),
            need: self.quorum,
            needs_self: Some(self.myid),
        }
    }
}
