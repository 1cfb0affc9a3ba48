use crate::config::LearnerType;
use crate::ids::{Epoch, Sid, Time, Zxid};
use crate::leader::learner_handler::MonitorView;
use crate::leader::{sync_follower, HandlerPhase, LearnerHandler, RoleStep, StateSummary};
use crate::message::Message;
use crate::output::{ConnId, Effect, Outbox, Timer};
use crate::packet::{PacketData, PacketType, QuorumPacket, PROTOCOL_VERSION};
use crate::peer::{Blocked, PeerCore, ThreadView, ZabState};
use crate::quorum::SyncedLearnerTracker;
use crate::zk_database::{Snapshot, Txn, TxnOp};
use std::collections::{BTreeMap, BTreeSet};

/// Where `Leader.lead()` is (reference §3.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeadPhase {
    /// Step 6: `getEpochToPropose(myid, acceptedEpoch)` on `connectingFollowers`.
    GetEpochToPropose { deadline: Time },
    /// Step 10: `waitForEpochAck(myid, leaderStateSummary)` on `electingFollowers`.
    WaitForEpochAck { deadline: Time },
    /// Step 13: `waitForNewLeaderAck(myid, zxid)` on `newLeaderProposal`.
    WaitForNewLeaderAck { deadline: Time },
    /// Step 17: the ping loop, one pass every tickTime/2.
    Broadcast,
}

/// An outstanding proposal and its ack set (`Leader.Proposal`).
#[derive(Clone, Debug)]
pub struct Proposal {
    pub txn: Txn,
    pub acks: SyncedLearnerTracker,
}

/// Who called a blocking Leader method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Caller {
    Lead,
    Handler(ConnId),
}

/// Mirrors `org.apache.zookeeper.server.quorum.Leader` with its `LearnerCnxAcceptor` and the
/// `LearnerHandler`s it created: `lead()` and every handler are threads sharing the monitors
/// `connectingFollowers`, `electingFollowers` and `newLeaderProposal`.
#[derive(Clone, Debug)]
pub struct Leader {
    pub phase: LeadPhase,
    /// `epoch`: −1 until the first `getEpochToPropose`.
    epoch: Epoch,
    waiting_for_new_epoch: bool,
    connecting_followers: BTreeSet<Sid>,
    electing_followers: BTreeSet<Sid>,
    election_finished: bool,
    leader_state_summary: StateSummary,
    new_leader_proposal: SyncedLearnerTracker,
    new_leader_zxid: Zxid,
    quorum_formed: bool,
    /// `zk.isRunning()`: `startZkServer` has run.
    zk_running: bool,
    /// `self.tick`: advanced by the ping loop once per tickTime.
    pub tick: u64,
    tick_skip: bool,
    pub last_proposed: Zxid,
    pub last_committed: Zxid,
    outstanding_proposals: BTreeMap<Zxid, Proposal>,
    forwarding_followers: BTreeSet<ConnId>,
    observing_learners: BTreeSet<ConnId>,
    handlers: BTreeMap<ConnId, LearnerHandler>,
}

impl Leader {
    /// `lead()` steps 1–6: DISCOVERY, `loadData` (a snapshot), the state summary, the
    /// acceptor, and the leader's own `getEpochToPropose`.
    pub fn lead(core: &mut PeerCore, now: Time, out: &mut Outbox) -> (Leader, RoleStep) {
        core.zab_state = ZabState::Discovery;
        out.push(Effect::TakeSnapshot {
            snapshot: core.zk_db.take_snapshot(),
        });
        let mut leader = Leader {
            phase: LeadPhase::Broadcast,
            epoch: Epoch(-1),
            waiting_for_new_epoch: true,
            connecting_followers: BTreeSet::new(),
            electing_followers: BTreeSet::new(),
            election_finished: false,
            leader_state_summary: StateSummary {
                current_epoch: core.current_epoch,
                last_zxid: core.zk_db.last_processed_zxid(),
            },
            new_leader_proposal: SyncedLearnerTracker::new(core.qv.clone()),
            new_leader_zxid: Zxid::NONE,
            quorum_formed: false,
            zk_running: false,
            tick: 0,
            tick_skip: true,
            last_proposed: Zxid::NONE,
            last_committed: Zxid::NONE,
            outstanding_proposals: BTreeMap::new(),
            forwarding_followers: BTreeSet::new(),
            observing_learners: BTreeSet::new(),
            handlers: BTreeMap::new(),
        };
        out.push(Effect::Log {
            text: "LEADING - LEADER ELECTION TOOK; LearnerCnxAcceptor started".to_string(),
        });
        let deadline = now.plus_ms(core.init_limit_ms());
        let step = match leader.get_epoch_to_propose(
            core,
            core.myid,
            core.accepted_epoch,
            Caller::Lead,
            out,
        ) {
            Some(epoch) => leader.after_epoch(core, epoch, now, out),
            None => {
                leader.phase = LeadPhase::GetEpochToPropose { deadline };
                out.push(Effect::SetTimer {
                    timer: Timer::Lead,
                    at: deadline,
                });
                RoleStep::Continue
            }
        };
        (leader, step)
    }

    pub fn epoch(&self) -> Epoch {
        self.epoch
    }

    pub fn is_running(&self) -> bool {
        self.zk_running
    }

    pub fn handlers(&self) -> impl Iterator<Item = &LearnerHandler> {
        self.handlers.values()
    }

    pub fn owns(&self, conn: ConnId) -> bool {
        self.handlers.contains_key(&conn)
    }

    pub fn outstanding(&self) -> impl Iterator<Item = (&Zxid, &Proposal)> {
        self.outstanding_proposals.iter()
    }

    // ---- The three monitors ----------------------------------------------------------

    /// `getEpochToPropose(sid, lastAcceptedEpoch)` under `connectingFollowers` (§3.3).
    /// `Some(epoch)` when the caller goes on; `None` when it must wait.
    fn get_epoch_to_propose(
        &mut self,
        core: &mut PeerCore,
        sid: Sid,
        last_accepted_epoch: Epoch,
        caller: Caller,
        out: &mut Outbox,
    ) -> Option<Epoch> {
        if !self.waiting_for_new_epoch {
            return Some(self.epoch);
        }
        if last_accepted_epoch >= self.epoch {
            self.epoch = Epoch(last_accepted_epoch.0 + 1);
        }
        if core.is_participant(sid) {
            self.connecting_followers.insert(sid);
        }
        if self.connecting_followers.contains(&core.myid)
            && core.qv.contains_quorum(&self.connecting_followers)
        {
            self.waiting_for_new_epoch = false;
            core.set_accepted_epoch(self.epoch, out);
            let woke = self.waiters(
                caller,
                |p| matches!(p, HandlerPhase::GetEpochToPropose { .. }),
                |l| matches!(l, LeadPhase::GetEpochToPropose { .. }),
            );
            out.push(Effect::NotifyAll {
                monitor: "connectingFollowers".to_string(),
                woke,
            });
            return Some(self.epoch);
        }
        None
    }

    /// `waitForEpochAck(id, ss)` under `electingFollowers` (§3.4). `Err` is the IOException
    /// "Follower is ahead of the leader", thrown in that learner's handler only.
    fn wait_for_epoch_ack(
        &mut self,
        core: &PeerCore,
        id: Sid,
        ss: StateSummary,
        caller: Caller,
        out: &mut Outbox,
    ) -> Result<bool, String> {
        if self.election_finished {
            return Ok(true);
        }
        if ss.current_epoch != Epoch(-1) {
            if ss.is_more_recent_than(&self.leader_state_summary) {
                return Err(format!(
                    "Follower is ahead of the leader, leader summary: {} (current epoch), {} \
                     (last zxid)",
                    self.leader_state_summary.current_epoch, self.leader_state_summary.last_zxid
                ));
            }
            if ss.last_zxid != Zxid::NONE && core.is_participant(id) {
                self.electing_followers.insert(id);
            }
        }
        if self.electing_followers.contains(&core.myid)
            && core.qv.contains_quorum(&self.electing_followers)
        {
            self.election_finished = true;
            let woke = self.waiters(
                caller,
                |p| matches!(p, HandlerPhase::WaitForEpochAck { .. }),
                |l| matches!(l, LeadPhase::WaitForEpochAck { .. }),
            );
            out.push(Effect::NotifyAll {
                monitor: "electingFollowers".to_string(),
                woke,
            });
            return Ok(true);
        }
        Ok(false)
    }

    /// `waitForNewLeaderAck(sid, zxid)` under `newLeaderProposal.qvAcksetPairs` (§3.5).
    fn wait_for_new_leader_ack(
        &mut self,
        sid: Sid,
        zxid: Zxid,
        caller: Caller,
        out: &mut Outbox,
    ) -> bool {
        if self.quorum_formed {
            return true;
        }
        if zxid != self.new_leader_zxid {
            // The root of ZOOKEEPER-4685: not counted, and no wait either.
            out.push(Effect::Log {
                text: format!(
                    "NEWLEADER ACK from sid: {sid} is from a different epoch - current {} \
                     received {zxid}",
                    self.new_leader_zxid
                ),
            });
            return true;
        }
        self.new_leader_proposal.add_ack(sid);
        if self.new_leader_proposal.has_all_quorums() {
            self.quorum_formed = true;
            let woke = self.waiters(
                caller,
                |p| matches!(p, HandlerPhase::WaitForNewLeaderAck { .. }),
                |l| matches!(l, LeadPhase::WaitForNewLeaderAck { .. }),
            );
            out.push(Effect::NotifyAll {
                monitor: "newLeaderProposal".to_string(),
                woke,
            });
            return true;
        }
        false
    }

    /// The threads other than `caller` that a `notifyAll` on this monitor wakes.
    fn waiters(
        &self,
        caller: Caller,
        handler_waits: impl Fn(&HandlerPhase) -> bool,
        lead_waits: impl Fn(&LeadPhase) -> bool,
    ) -> Vec<String> {
        let mut woke = Vec::new();
        if caller != Caller::Lead && lead_waits(&self.phase) {
            woke.push("Leader.lead".to_string());
        }
        for h in self.handlers.values() {
            if Caller::Handler(h.conn) != caller && handler_waits(&h.phase) {
                woke.push(h.name());
            }
        }
        woke
    }

    /// After a `notifyAll`: every thread whose wait is now satisfied goes on, `lead()` first.
    fn wake_waiters(&mut self, core: &mut PeerCore, now: Time, out: &mut Outbox) -> RoleStep {
        let lead_ready = match self.phase {
            LeadPhase::GetEpochToPropose { .. } => !self.waiting_for_new_epoch,
            LeadPhase::WaitForEpochAck { .. } => self.election_finished,
            LeadPhase::WaitForNewLeaderAck { .. } => self.quorum_formed,
            LeadPhase::Broadcast => false,
        };
        if lead_ready {
            let step = match self.phase {
                LeadPhase::GetEpochToPropose { .. } => self.after_epoch(core, self.epoch, now, out),
                LeadPhase::WaitForEpochAck { .. } => self.after_epoch_ack(core, now, out),
                _ => self.start_zk_server(core, now, out),
            };
            if step != RoleStep::Continue {
                return step;
            }
        }
        let conns: Vec<ConnId> = self.handlers.keys().copied().collect();
        for conn in conns {
            let Some(h) = self.handlers.get(&conn) else {
                continue;
            };
            let ready = match h.phase {
                HandlerPhase::GetEpochToPropose { .. } => !self.waiting_for_new_epoch,
                HandlerPhase::WaitForEpochAck { .. } => self.election_finished,
                HandlerPhase::WaitForNewLeaderAck { .. } => self.quorum_formed,
                _ => false,
            };
            if ready {
                let step = self.with_handler(conn, core, now, out, |l, h, core, now, out| {
                    l.resume_handler(h, core, now, out)
                });
                if step != RoleStep::Continue {
                    return step;
                }
            }
        }
        RoleStep::Continue
    }

    // ---- lead() ---------------------------------------------------------------------

    /// Steps 7–10: the new zxid, the NEWLEADER proposal, `waitForEpochAck`.
    fn after_epoch(
        &mut self,
        core: &mut PeerCore,
        epoch: Epoch,
        now: Time,
        out: &mut Outbox,
    ) -> RoleStep {
        self.epoch = epoch;
        self.last_proposed = Zxid::make(epoch, 0);
        self.new_leader_zxid = Zxid::make(epoch, 0);
        let ss = self.leader_state_summary;
        match self.wait_for_epoch_ack(core, core.myid, ss, Caller::Lead, out) {
            Ok(true) => self.after_epoch_ack(core, now, out),
            Ok(false) => {
                let deadline = now.plus_ms(core.init_limit_ms());
                self.phase = LeadPhase::WaitForEpochAck { deadline };
                out.push(Effect::SetTimer {
                    timer: Timer::Lead,
                    at: deadline,
                });
                RoleStep::Continue
            }
            Err(e) => RoleStep::Shutdown(e),
        }
    }

    /// Steps 11–13: established — `setCurrentEpoch`, SYNCHRONIZATION, `waitForNewLeaderAck`.
    fn after_epoch_ack(&mut self, core: &mut PeerCore, now: Time, out: &mut Outbox) -> RoleStep {
        core.set_current_epoch(self.epoch, out);
        core.zab_state = ZabState::Synchronization;
        if self.wait_for_new_leader_ack(core.myid, self.new_leader_zxid, Caller::Lead, out) {
            return self.start_zk_server(core, now, out);
        }
        let deadline = now.plus_ms(core.init_limit_ms());
        self.phase = LeadPhase::WaitForNewLeaderAck { deadline };
        out.push(Effect::SetTimer {
            timer: Timer::Lead,
            at: deadline,
        });
        RoleStep::Continue
    }

    /// `startZkServer()` (§3.6), then BROADCAST and the ping loop.
    fn start_zk_server(&mut self, core: &mut PeerCore, now: Time, out: &mut Outbox) -> RoleStep {
        self.last_committed = self.new_leader_zxid;
        self.zk_running = true;
        core.update_election_vote(self.epoch);
        core.zk_db.set_last_processed_zxid(self.new_leader_zxid);
        core.zab_state = ZabState::Broadcast;
        self.phase = LeadPhase::Broadcast;
        self.tick_skip = true;
        out.push(Effect::SetTimer {
            timer: Timer::Lead,
            at: now.plus_ms(core.config.tick_time_ms / 2),
        });
        RoleStep::Continue
    }

    /// The `lead()` timer: a wait's deadline passed, or a ping-loop pass is due.
    pub fn on_lead_timer(&mut self, core: &mut PeerCore, now: Time, out: &mut Outbox) -> RoleStep {
        match self.phase {
            LeadPhase::GetEpochToPropose { .. } => {
                RoleStep::Shutdown("Timeout while waiting for epoch from quorum".to_string())
            }
            LeadPhase::WaitForEpochAck { .. } => RoleStep::Shutdown(
                "Timeout while waiting for epoch to be acked by quorum".to_string(),
            ),
            LeadPhase::WaitForNewLeaderAck { .. } => RoleStep::Shutdown(format!(
                "Waiting for a quorum of followers, only synced with sids: [ {} ]",
                join(self.new_leader_proposal.ackset().iter())
            )),
            LeadPhase::Broadcast => self.ping_pass(core, now, out),
        }
    }

    /// One pass of the ping loop (§3.7): every other pass advances the tick and checks that
    /// a quorum of handlers is `synced()`.
    fn ping_pass(&mut self, core: &mut PeerCore, now: Time, out: &mut Outbox) -> RoleStep {
        if !self.tick_skip {
            self.tick += 1;
        }
        let mut synced = SyncedLearnerTracker::new(core.qv.clone());
        synced.add_ack(core.myid);
        for h in self.handlers.values() {
            if let Some(sid) = h.sid.filter(|_| h.synced(self.tick)) {
                if h.learner_type == LearnerType::Participant {
                    synced.add_ack(sid);
                }
            }
        }
        if !self.tick_skip && !synced.has_all_quorums() {
            return RoleStep::Shutdown(format!(
                "Not sufficient followers synced, only synced with sids: [ {} ]",
                join(synced.ackset().iter())
            ));
        }
        self.tick_skip = !self.tick_skip;
        let conns: Vec<ConnId> = self.handlers.keys().copied().collect();
        for conn in conns {
            self.with_handler(conn, core, now, out, |l, h, core, now, out| {
                l.ping(h, core, now, out)
            });
        }
        out.push(Effect::SetTimer {
            timer: Timer::Lead,
            at: now.plus_ms(core.config.tick_time_ms / 2),
        });
        RoleStep::Continue
    }

    // ---- LearnerCnxAcceptor and the handlers ------------------------------------------

    /// `LearnerCnxAcceptor.acceptConnections`: a new `LearnerHandler` for the socket.
    pub fn on_accept(&mut self, core: &PeerCore, conn: ConnId, now: Time, out: &mut Outbox) {
        let deadline = self.tick + core.config.init_limit_ticks + core.config.sync_limit_ticks;
        let h = LearnerHandler::new(conn, now, core.init_limit_ms(), deadline);
        out.push(Effect::SetTimer {
            timer: Timer::LearnerHandler(conn),
            at: h.read_deadline,
        });
        self.handlers.insert(conn, h);
    }

    /// Run `f` on one handler; a handler that returns false is shut down.
    fn with_handler(
        &mut self,
        conn: ConnId,
        core: &mut PeerCore,
        now: Time,
        out: &mut Outbox,
        f: impl FnOnce(
            &mut Leader,
            &mut LearnerHandler,
            &mut PeerCore,
            Time,
            &mut Outbox,
        ) -> HandlerStep,
    ) -> RoleStep {
        let Some(mut h) = self.handlers.remove(&conn) else {
            return RoleStep::Continue;
        };
        let step = f(self, &mut h, core, now, out);
        match step {
            HandlerStep::Continue => {
                out.push(Effect::SetTimer {
                    timer: Timer::LearnerHandler(conn),
                    at: h.deadline(now),
                });
                self.handlers.insert(conn, h);
            }
            HandlerStep::Shutdown(reason) => {
                out.push(Effect::Log {
                    text: format!("{}: {reason}; shutting down", h.name()),
                });
                self.shutdown_handler(&h, out);
            }
        }
        self.wake_waiters(core, now, out)
    }

    /// `LearnerHandler.shutdown()`: close the socket, leave the forwarding sets.
    fn shutdown_handler(&mut self, h: &LearnerHandler, out: &mut Outbox) {
        out.push(Effect::Close { conn: h.conn });
        out.push(Effect::CancelTimer {
            timer: Timer::LearnerHandler(h.conn),
        });
        self.forwarding_followers.remove(&h.conn);
        self.observing_learners.remove(&h.conn);
    }

    pub fn on_packet(
        &mut self,
        core: &mut PeerCore,
        conn: ConnId,
        p: QuorumPacket,
        now: Time,
        out: &mut Outbox,
    ) -> RoleStep {
        self.with_handler(conn, core, now, out, |l, h, core, now, out| {
            let blocked = matches!(
                h.phase,
                HandlerPhase::GetEpochToPropose { .. }
                    | HandlerPhase::WaitForEpochAck { .. }
                    | HandlerPhase::WaitForNewLeaderAck { .. }
                    | HandlerPhase::WaitForStartup
            );
            if blocked {
                // The thread is not reading: the packet waits in the socket.
                h.inbox.push_back(p);
                return HandlerStep::Continue;
            }
            l.handler_read(h, core, p, now, out)
        })
    }

    pub fn on_handler_timer(
        &mut self,
        core: &mut PeerCore,
        conn: ConnId,
        now: Time,
        out: &mut Outbox,
    ) -> RoleStep {
        self.with_handler(conn, core, now, out, |l, h, core, now, out| match h.phase {
            HandlerPhase::GetEpochToPropose { .. } => {
                HandlerStep::Shutdown("Timeout while waiting for epoch from quorum".to_string())
            }
            HandlerPhase::WaitForEpochAck { .. } => HandlerStep::Shutdown(
                "Timeout while waiting for epoch to be acked by quorum".to_string(),
            ),
            HandlerPhase::WaitForNewLeaderAck { .. } => HandlerStep::Shutdown(
                "Timeout while waiting for NEWLEADER to be acked by quorum".to_string(),
            ),
            HandlerPhase::WaitForStartup => l.wait_for_startup(h, core, now, out),
            _ => {
                HandlerStep::Shutdown("java.net.SocketTimeoutException: Read timed out".to_string())
            }
        })
    }

    pub fn on_disconnected(&mut self, conn: ConnId, out: &mut Outbox) {
        if let Some(h) = self.handlers.remove(&conn) {
            out.push(Effect::Log {
                text: format!("{}: connection closed by the learner (EOF)", h.name()),
            });
            self.shutdown_handler(&h, out);
        }
    }

    /// A handler reads one packet in its current read phase.
    fn handler_read(
        &mut self,
        h: &mut LearnerHandler,
        core: &mut PeerCore,
        p: QuorumPacket,
        now: Time,
        out: &mut Outbox,
    ) -> HandlerStep {
        match h.phase {
            HandlerPhase::ReadLearnerInfo => self.on_learner_info(h, core, p, now, out),
            HandlerPhase::ReadAckEpoch => {
                if p.ty != PacketType::AckEpoch {
                    return HandlerStep::Shutdown(format!(
                        "Next packet was supposed to be an ACKEPOCH, but received packet: {}",
                        p.ty
                    ));
                }
                let current_epoch = match p.data {
                    PacketData::CurrentEpoch(e) => Epoch(e),
                    _ => Epoch(-1),
                };
                let ss = StateSummary {
                    current_epoch,
                    last_zxid: p.zxid,
                };
                self.on_state_summary(h, core, ss, now, out)
            }
            HandlerPhase::ReadNewLeaderAck => {
                if p.ty != PacketType::Ack {
                    return HandlerStep::Shutdown(format!(
                        "Next packet was supposed to be an ACK, but received packet: {}",
                        p.ty
                    ));
                }
                let sid = h.sid.expect("a handler past LEARNERINFO knows its sid");
                if self.wait_for_new_leader_ack(sid, p.zxid, Caller::Handler(h.conn), out) {
                    self.after_new_leader_ack(h, core, now, out)
                } else {
                    h.phase = HandlerPhase::WaitForNewLeaderAck {
                        deadline: now.plus_ms(core.init_limit_ms()),
                    };
                    HandlerStep::Continue
                }
            }
            HandlerPhase::Running => self.steady_read(h, core, p, now, out),
            _ => HandlerStep::Continue,
        }
    }

    /// Steps 2–6 of §4.1: LearnerInfo, then `getEpochToPropose`.
    fn on_learner_info(
        &mut self,
        h: &mut LearnerHandler,
        core: &mut PeerCore,
        p: QuorumPacket,
        now: Time,
        out: &mut Outbox,
    ) -> HandlerStep {
        if p.ty != PacketType::FollowerInfo && p.ty != PacketType::ObserverInfo {
            return HandlerStep::Shutdown(format!(
                "First packet {} is not FOLLOWERINFO or OBSERVERINFO!",
                p.ty
            ));
        }
        let PacketData::LearnerInfo(info) = p.data else {
            return HandlerStep::Shutdown("FOLLOWERINFO without LearnerInfo".to_string());
        };
        if info.config_version > 0 {
            return HandlerStep::Shutdown(
                "Follower is ahead of the leader (has a later activated configuration)".to_string(),
            );
        }
        h.sid = Some(info.serverid);
        h.learner_info = Some(info);
        if p.ty == PacketType::ObserverInfo {
            h.learner_type = LearnerType::Observer;
        }
        let last_accepted_epoch = p.zxid.epoch();
        match self.get_epoch_to_propose(
            core,
            info.serverid,
            last_accepted_epoch,
            Caller::Handler(h.conn),
            out,
        ) {
            Some(epoch) => self.send_leader_info(h, core, epoch, now, out),
            None => {
                h.phase = HandlerPhase::GetEpochToPropose {
                    deadline: now.plus_ms(core.init_limit_ms()),
                };
                HandlerStep::Continue
            }
        }
    }

    fn send_leader_info(
        &mut self,
        h: &mut LearnerHandler,
        core: &PeerCore,
        epoch: Epoch,
        now: Time,
        out: &mut Outbox,
    ) -> HandlerStep {
        h.new_epoch = Some(epoch);
        send(
            out,
            h.conn,
            QuorumPacket::new(
                PacketType::LeaderInfo,
                Zxid::make(epoch, 0),
                PacketData::ProtocolVersion(PROTOCOL_VERSION),
            ),
        );
        h.phase = HandlerPhase::ReadAckEpoch;
        h.read_deadline = now.plus_ms(core.init_limit_ms());
        HandlerStep::Continue
    }

    fn on_state_summary(
        &mut self,
        h: &mut LearnerHandler,
        core: &mut PeerCore,
        ss: StateSummary,
        now: Time,
        out: &mut Outbox,
    ) -> HandlerStep {
        let sid = h.sid.expect("a handler past LEARNERINFO knows its sid");
        match self.wait_for_epoch_ack(core, sid, ss, Caller::Handler(h.conn), out) {
            Err(e) => HandlerStep::Shutdown(e),
            Ok(true) => self.sync_learner(h, core, ss, now, out),
            Ok(false) => {
                h.phase = HandlerPhase::WaitForEpochAck {
                    deadline: now.plus_ms(core.init_limit_ms()),
                    summary: ss,
                };
                HandlerStep::Continue
            }
        }
    }

    /// A woken handler goes on from the wait it was in.
    fn resume_handler(
        &mut self,
        h: &mut LearnerHandler,
        core: &mut PeerCore,
        now: Time,
        out: &mut Outbox,
    ) -> HandlerStep {
        let step = match h.phase {
            HandlerPhase::GetEpochToPropose { .. } => {
                self.send_leader_info(h, core, self.epoch, now, out)
            }
            HandlerPhase::WaitForEpochAck { summary, .. } => {
                self.sync_learner(h, core, summary, now, out)
            }
            HandlerPhase::WaitForNewLeaderAck { .. } => {
                self.after_new_leader_ack(h, core, now, out)
            }
            _ => HandlerStep::Continue,
        };
        if step != HandlerStep::Continue {
            return step;
        }
        // Packets that arrived while it waited are read now.
        while let Some(p) = h.inbox.pop_front() {
            let step = self.handler_read(h, core, p, now, out);
            if step != HandlerStep::Continue {
                return step;
            }
        }
        HandlerStep::Continue
    }

    /// §4.2–§4.3: `syncFollower`, `startForwarding`, the sync data, NEWLEADER.
    fn sync_learner(
        &mut self,
        h: &mut LearnerHandler,
        core: &mut PeerCore,
        ss: StateSummary,
        now: Time,
        out: &mut Outbox,
    ) -> HandlerStep {
        let peer_last_zxid = ss.last_zxid;
        h.peer_last_zxid = Some(peer_last_zxid);
        let db = &core.zk_db;
        let plan = sync_follower(peer_last_zxid, db, false);
        let (min, max) = db.committed_log_bounds();
        out.push(Effect::Log {
            text: format!(
                "Synchronizing with Learner sid: {} maxCommittedLog={max} minCommittedLog={min} \
                 lastProcessedZxid={} peerLastZxid={peer_last_zxid}: {:?} ({})",
                h.sid.map_or(-1, |s| s.0),
                db.last_processed_zxid(),
                plan.mode(),
                plan.reason
            ),
        });
        h.sync_mode = plan.mode();
        let forwarded = self.start_forwarding(h, plan.current_zxid);
        if plan.need_snap {
            // Written straight to the socket, ahead of the queue; NEWLEADER only after the
            // whole snapshot (ZOOKEEPER-3104).
            let snapshot = Snapshot {
                zxid: core.zk_db.last_processed_zxid(),
                tree: core.zk_db.tree.clone(),
            };
            send(
                out,
                h.conn,
                QuorumPacket::new(
                    PacketType::Snap,
                    snapshot.zxid,
                    PacketData::Snapshot(snapshot),
                ),
            );
        }
        for p in plan.packets.into_iter().chain(forwarded) {
            send(out, h.conn, p);
        }
        send(
            out,
            h.conn,
            QuorumPacket::new(
                PacketType::NewLeader,
                self.new_leader_zxid,
                PacketData::Config(config_text(core)),
            ),
        );
        h.sender_started = true;
        h.phase = HandlerPhase::ReadNewLeaderAck;
        h.read_deadline = now.plus_ms(core.init_limit_ms());
        HandlerStep::Continue
    }

    /// `startForwarding(handler, lastSeenZxid)` (§4.4): outstanding proposals newer than
    /// what the learner will have, then live broadcasts from now on.
    fn start_forwarding(&mut self, h: &LearnerHandler, last_seen: Zxid) -> Vec<QuorumPacket> {
        let mut packets = Vec::new();
        if self.last_proposed > last_seen && h.learner_type == LearnerType::Participant {
            for (zxid, p) in self.outstanding_proposals.range(last_seen..) {
                if *zxid > last_seen {
                    packets.push(QuorumPacket::new(
                        PacketType::Proposal,
                        *zxid,
                        PacketData::Txn(p.txn.clone()),
                    ));
                }
            }
        }
        if h.learner_type == LearnerType::Participant {
            self.forwarding_followers.insert(h.conn);
        } else {
            self.observing_learners.insert(h.conn);
        }
        packets
    }

    /// §4.5 steps 3–6: SyncLimitCheck, socket timeout → syncLimit, `waitForStartup`.
    fn after_new_leader_ack(
        &mut self,
        h: &mut LearnerHandler,
        core: &mut PeerCore,
        now: Time,
        out: &mut Outbox,
    ) -> HandlerStep {
        h.sync_limit_check = Some(BTreeMap::new());
        h.read_deadline = now.plus_ms(core.sync_limit_ms());
        h.phase = HandlerPhase::WaitForStartup;
        self.wait_for_startup(h, core, now, out)
    }

    fn wait_for_startup(
        &mut self,
        h: &mut LearnerHandler,
        core: &mut PeerCore,
        now: Time,
        out: &mut Outbox,
    ) -> HandlerStep {
        if !self.zk_running {
            return HandlerStep::Continue;
        }
        send(
            out,
            h.conn,
            QuorumPacket::bare(PacketType::UpToDate, Zxid::NONE),
        );
        h.phase = HandlerPhase::Running;
        h.read_deadline = now.plus_ms(core.sync_limit_ms());
        while let Some(p) = h.inbox.pop_front() {
            let step = self.steady_read(h, core, p, now, out);
            if step != HandlerStep::Continue {
                return step;
            }
        }
        HandlerStep::Continue
    }

    /// The steady-state loop (§4.6).
    fn steady_read(
        &mut self,
        h: &mut LearnerHandler,
        core: &mut PeerCore,
        p: QuorumPacket,
        now: Time,
        out: &mut Outbox,
    ) -> HandlerStep {
        h.tick_of_next_ack_deadline = self.tick + core.config.sync_limit_ticks;
        h.read_deadline = now.plus_ms(core.sync_limit_ms());
        let sid = h.sid.expect("a running handler knows its sid");
        match p.ty {
            PacketType::Ack => {
                h.update_ack(p.zxid);
                self.process_ack(core, sid, p.zxid, out);
            }
            PacketType::Ping => {}
            PacketType::Request => {
                if let PacketData::Request(op) = p.data {
                    self.propose(core, op, now, out);
                }
            }
            other => out.push(Effect::Log {
                text: format!("unexpected quorum packet, type: {other}"),
            }),
        }
        HandlerStep::Continue
    }

    /// `LearnerHandler.ping()`.
    fn ping(
        &mut self,
        h: &mut LearnerHandler,
        core: &mut PeerCore,
        now: Time,
        out: &mut Outbox,
    ) -> HandlerStep {
        if !h.sender_started {
            return HandlerStep::Continue;
        }
        if !h.sync_limit_ok(now, core.sync_limit_ms()) {
            return HandlerStep::Shutdown(
                "Closing connection to peer due to transaction timeout.".to_string(),
            );
        }
        send(
            out,
            h.conn,
            QuorumPacket::bare(PacketType::Ping, self.last_proposed),
        );
        HandlerStep::Continue
    }

    // ---- Broadcast (§7) -----------------------------------------------------------------

    /// A client write at the leader (`PrepRequestProcessor` → `propose`). Only while serving.
    pub fn propose(
        &mut self,
        core: &mut PeerCore,
        op: TxnOp,
        now: Time,
        out: &mut Outbox,
    ) -> RoleStep {
        if !self.zk_running {
            out.push(Effect::Log {
                text: format!("not serving yet; dropped request {op}"),
            });
            return RoleStep::Continue;
        }
        if self.last_proposed.counter() == u32::MAX {
            return RoleStep::Shutdown(
                "zxid lower 32 bits have rolled over, forcing re-election, and therefore new \
                 epoch start"
                    .to_string(),
            );
        }
        let zxid = Zxid(self.last_proposed.0 + 1);
        let txn = Txn { zxid, op };
        self.last_proposed = zxid;
        self.outstanding_proposals.insert(
            zxid,
            Proposal {
                txn: txn.clone(),
                acks: SyncedLearnerTracker::new(core.qv.clone()),
            },
        );
        let packet = QuorumPacket::new(PacketType::Proposal, zxid, PacketData::Txn(txn.clone()));
        for conn in self.forwarding_followers.clone() {
            send(out, conn, packet.clone());
            if let Some(m) = self
                .handlers
                .get_mut(&conn)
                .and_then(|h| h.sync_limit_check.as_mut())
            {
                m.insert(zxid, now);
            }
        }
        // SyncRequestProcessor → AckRequestProcessor: the leader ACKs itself once durable.
        core.append(txn, out);
        core.request_fsync(out);
        RoleStep::Continue
    }

    /// The leader's own fsync finished: `AckRequestProcessor` → `processAck(myid, zxid)`.
    pub fn on_fsync_done(&mut self, core: &mut PeerCore, synced: Vec<Zxid>, out: &mut Outbox) {
        for zxid in synced {
            self.process_ack(core, core.myid, zxid, out);
        }
        core.request_fsync(out);
    }

    /// `processAck(sid, zxid)` (§7.2).
    fn process_ack(&mut self, core: &mut PeerCore, sid: Sid, zxid: Zxid, out: &mut Outbox) {
        if zxid.counter() == 0
            || self.outstanding_proposals.is_empty()
            || self.last_committed >= zxid
        {
            return;
        }
        let Some(p) = self.outstanding_proposals.get_mut(&zxid) else {
            out.push(Effect::Log {
                text: format!("Trying to commit future proposal: zxid {zxid} from {sid}"),
            });
            return;
        };
        p.acks.add_ack(sid);
        self.try_to_commit(core, zxid, out);
    }

    /// `tryToCommit` (§7.3): strictly in zxid order.
    fn try_to_commit(&mut self, core: &mut PeerCore, zxid: Zxid, out: &mut Outbox) -> bool {
        if self.outstanding_proposals.contains_key(&Zxid(zxid.0 - 1)) {
            return false;
        }
        let Some(p) = self.outstanding_proposals.get(&zxid) else {
            return false;
        };
        if !p.acks.has_all_quorums() {
            return false;
        }
        let p = self
            .outstanding_proposals
            .remove(&zxid)
            .expect("just looked up");
        self.last_committed = zxid;
        let commit = QuorumPacket::bare(PacketType::Commit, zxid);
        for conn in &self.forwarding_followers {
            send(out, *conn, commit.clone());
        }
        let inform = QuorumPacket::new(PacketType::Inform, zxid, PacketData::Txn(p.txn.clone()));
        for conn in &self.observing_learners {
            send(out, *conn, inform.clone());
        }
        // CommitProcessor → FinalRequestProcessor: applied and added to the committedLog.
        // (Simplification: ZooKeeper's toBeApplied queue is always empty here, since the
        // leader applies a txn in the same step as it commits it.)
        core.zk_db.apply_committed(p.txn);
        true
    }

    // ---- Views ----------------------------------------------------------------------------

    fn monitors(&self, core: &PeerCore) -> MonitorView {
        MonitorView {
            myid: core.myid,
            quorum: core.qv.quorum_size(),
            connecting: self.connecting_followers.iter().copied().collect(),
            electing: self.electing_followers.iter().copied().collect(),
            new_leader_acks: self.new_leader_proposal.ackset().iter().copied().collect(),
        }
    }

    /// The thread rows: `Leader.lead`, `LearnerCnxAcceptor`, then one per handler.
    pub fn threads(&self, core: &PeerCore) -> Vec<ThreadView> {
        let m = self.monitors(core);
        let blocked = |monitor: &str, have: &[Sid], deadline: Time| Blocked {
            monitor: monitor.to_string(),
            have: have.to_vec(),
            need: m.quorum,
            needs_self: Some(core.myid),
            deadline,
        };
        let (phase, b) = match self.phase {
            LeadPhase::GetEpochToPropose { deadline } => (
                format!(
                    "getEpochToPropose: {} of {}, needs self, deadline t={} ms",
                    m.connecting.len(),
                    m.quorum,
                    deadline.0
                ),
                Some(blocked("connectingFollowers", &m.connecting, deadline)),
            ),
            LeadPhase::WaitForEpochAck { deadline } => (
                format!(
                    "waitForEpochAck: {} of {}, deadline t={} ms",
                    m.electing.len(),
                    m.quorum,
                    deadline.0
                ),
                Some(blocked("electingFollowers", &m.electing, deadline)),
            ),
            LeadPhase::WaitForNewLeaderAck { deadline } => (
                format!(
                    "waitForNewLeaderAck: {} of {}, deadline t={} ms",
                    m.new_leader_acks.len(),
                    m.quorum,
                    deadline.0
                ),
                Some(blocked("newLeaderProposal", &m.new_leader_acks, deadline)),
            ),
            LeadPhase::Broadcast => (
                format!(
                    "ping loop: tick {}, lastProposed {}, lastCommitted {}",
                    self.tick,
                    self.last_proposed.short(),
                    self.last_committed.short()
                ),
                None,
            ),
        };
        let accepted = format!("accept(): {} LearnerHandler(s)", self.handlers.len());
        let mut threads = vec![
            ThreadView::named("Leader.lead", phase, b),
            ThreadView::named("LearnerCnxAcceptor", accepted, None),
        ];
        threads.extend(self.handlers.values().map(|h| h.thread_view(&m)));
        threads
    }

    /// `Leader.shutdown(reason)`: stop the acceptor, close every handler's socket.
    pub fn shutdown(&mut self, out: &mut Outbox) {
        for h in std::mem::take(&mut self.handlers).into_values() {
            self.shutdown_handler(&h, out);
        }
        out.push(Effect::CancelTimer { timer: Timer::Lead });
    }
}

/// What happened to a handler thread.
#[derive(Clone, Debug, PartialEq, Eq)]
enum HandlerStep {
    Continue,
    Shutdown(String),
}

fn send(out: &mut Outbox, conn: ConnId, p: QuorumPacket) {
    out.push(Effect::Send {
        conn,
        msg: Message::Quorum(p),
    });
}

fn join<'a>(sids: impl Iterator<Item = &'a Sid>) -> String {
    sids.map(|s| s.to_string()).collect::<Vec<_>>().join(",")
}

/// The config text NEWLEADER carries (`QuorumVerifier.toString()`).
fn config_text(core: &PeerCore) -> String {
    let mut parts: Vec<String> = core
        .config
        .servers
        .iter()
        .map(|(sid, t)| {
            let role = if *t == LearnerType::Observer {
                "observer"
            } else {
                "participant"
            };
            format!("server.{sid}=zk{sid}:2888:3888:{role}")
        })
        .collect();
    parts.push("version=0".to_string());
    parts.join("\n")
}
