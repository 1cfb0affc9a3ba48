use crate::config::LearnerType;
use crate::ids::{Epoch, Sid, Time, Zxid};
use crate::leader::{HandlerPhase, LearnerHandler, RoleStep, StateSummary};
use crate::message::Message;
use crate::output::{ConnId, Effect, Outbox, Timer, Work};
use crate::packet::{PacketData, PacketType, QuorumPacket};
use crate::peer::{Monitor, PeerCore, Waiter, ZabState};
use crate::quorum::SyncedLearnerTracker;
use crate::reason::{Note, ShutdownReason};
use crate::sessions::SessionTracker;
use crate::zk_database::Txn;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Where `Leader.lead()` is (docs/protocol.md §3.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LeadPhase {
    /// Step 6: `getEpochToPropose(myid, acceptedEpoch)` on `connectingFollowers`.
    GetEpochToPropose { deadline: Time },
    /// Step 10: `waitForEpochAck(myid, leaderStateSummary)` on `electingFollowers`.
    WaitForEpochAck { deadline: Time },
    /// Step 13: `waitForNewLeaderAck(myid, zxid)` on `newLeaderProposal`.
    WaitForNewLeaderAck { deadline: Time },
    /// Step 14: inside `startZkServer` (§3.6), holding the Leader's monitor, while
    /// `zk.startup()` runs (since `since`); `lastProcessedZxid` is still the old one.
    StartZkServer { since: Time },
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
pub(super) enum Caller {
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
    pub(crate) epoch: Epoch,
    pub(crate) waiting_for_new_epoch: bool,
    pub(crate) connecting_followers: BTreeSet<Sid>,
    pub(crate) electing_followers: BTreeSet<Sid>,
    pub(crate) election_finished: bool,
    pub(crate) leader_state_summary: StateSummary,
    pub(crate) new_leader_proposal: SyncedLearnerTracker,
    pub(crate) new_leader_zxid: Zxid,
    pub(crate) quorum_formed: bool,
    /// `zk.isRunning()`: `startZkServer` has run.
    pub(crate) zk_running: bool,
    /// `self.tick`: advanced by the ping loop once per tickTime.
    pub tick: u64,
    pub(crate) tick_skip: bool,
    pub last_proposed: Zxid,
    pub last_committed: Zxid,
    pub(crate) outstanding_proposals: BTreeMap<Zxid, Proposal>,
    pub(crate) forwarding_followers: BTreeSet<ConnId>,
    pub(crate) observing_learners: BTreeSet<ConnId>,
    pub(crate) handlers: BTreeMap<ConnId, LearnerHandler>,
    /// `SessionTrackerImpl`, created by `zk.startup()` (§13).
    pub sessions: Option<SessionTracker>,
    /// Where the SessionTracker's timer is set, if it is.
    pub(crate) session_timer: Option<Time>,
}

impl Leader {
    /// `lead()` steps 1–6: DISCOVERY, `loadData` (a snapshot), the state summary, the
    /// acceptor, and the leader's own `getEpochToPropose`.
    pub fn lead(core: &mut PeerCore, now: Time, out: &mut Outbox) -> (Leader, RoleStep) {
        core.zab_state = ZabState::Discovery;
        out.push(Effect::TakeSnapshot {
            snapshot: core.zk_db.take_snapshot(),
            supersedes_log: false,
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
            sessions: None,
            session_timer: None,
        };
        out.push(Effect::Note(Note::LeadingStarted));
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

    /// Whether any session is tracked (runs without clients never have one).
    pub fn sessions_in_use(&self) -> bool {
        self.sessions
            .as_ref()
            .is_some_and(|t| !t.sessions.is_empty())
            || self.session_timer.is_some()
    }

    /// A quorum has ACKed NEWLEADER: the leader's initial history is committed (§3.5), even
    /// while `zk.startup()` still runs (§3.6).
    pub fn history_committed(&self) -> bool {
        self.quorum_formed
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
    pub(super) fn get_epoch_to_propose(
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
        let quorum = core.qv.contains_quorum(&self.connecting_followers)
            || core.config.bugs.discovery_without_quorum;
        if self.connecting_followers.contains(&core.myid) && quorum {
            self.waiting_for_new_epoch = false;
            core.set_accepted_epoch(self.epoch, out);
            let woke = self.waiters(
                caller,
                |p| matches!(p, HandlerPhase::GetEpochToPropose { .. }),
                |l| matches!(l, LeadPhase::GetEpochToPropose { .. }),
            );
            out.push(Effect::NotifyAll {
                monitor: Monitor::ConnectingFollowers,
                woke,
            });
            return Some(self.epoch);
        }
        None
    }

    /// `waitForEpochAck(id, ss)` under `electingFollowers` (§3.4). `Err` is the IOException
    /// "Follower is ahead of the leader", thrown in that learner's handler only.
    pub(super) fn wait_for_epoch_ack(
        &mut self,
        core: &PeerCore,
        id: Sid,
        ss: StateSummary,
        caller: Caller,
        out: &mut Outbox,
    ) -> Result<bool, ShutdownReason> {
        if self.election_finished {
            return Ok(true);
        }
        if ss.current_epoch != Epoch(-1) {
            if ss.is_more_recent_than(&self.leader_state_summary) {
                return Err(ShutdownReason::FollowerAhead {
                    leader_epoch: self.leader_state_summary.current_epoch,
                    leader_zxid: self.leader_state_summary.last_zxid,
                });
            }
            if ss.last_zxid != Zxid::NONE && core.is_participant(id) {
                self.electing_followers.insert(id);
            }
        }
        let quorum = core.qv.contains_quorum(&self.electing_followers)
            || core.config.bugs.discovery_without_quorum;
        if self.electing_followers.contains(&core.myid) && quorum {
            self.election_finished = true;
            let woke = self.waiters(
                caller,
                |p| matches!(p, HandlerPhase::WaitForEpochAck { .. }),
                |l| matches!(l, LeadPhase::WaitForEpochAck { .. }),
            );
            out.push(Effect::NotifyAll {
                monitor: Monitor::ElectingFollowers,
                woke,
            });
            return Ok(true);
        }
        Ok(false)
    }

    /// `waitForNewLeaderAck(sid, zxid)` under `newLeaderProposal.qvAcksetPairs` (§3.5).
    pub(super) fn wait_for_new_leader_ack(
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
            out.push(Effect::Note(Note::NewLeaderAckOtherEpoch {
                sid,
                current: self.new_leader_zxid,
                received: zxid,
            }));
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
                monitor: Monitor::NewLeaderProposal,
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
    ) -> Vec<Waiter> {
        let mut woke = Vec::new();
        if caller != Caller::Lead && lead_waits(&self.phase) {
            woke.push(Waiter::Lead);
        }
        for h in self.handlers.values() {
            if Caller::Handler(h.conn) != caller && handler_waits(&h.phase) {
                let learner = h
                    .sid
                    .expect("a handler waits on a monitor only after LearnerInfo");
                woke.push(Waiter::Handler {
                    conn: h.conn,
                    learner,
                });
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
            LeadPhase::StartZkServer { .. } | LeadPhase::Broadcast => false,
        };
        if lead_ready {
            let step = match self.phase {
                LeadPhase::GetEpochToPropose { .. } => self.after_epoch(core, self.epoch, now, out),
                LeadPhase::WaitForEpochAck { .. } => self.after_epoch_ack(core, now, out),
                _ => self.start_zk_server(now, out),
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
                    h.resume_handler(l, core, now, out)
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
            return self.start_zk_server(now, out);
        }
        let deadline = now.plus_ms(core.init_limit_ms());
        self.phase = LeadPhase::WaitForNewLeaderAck { deadline };
        out.push(Effect::SetTimer {
            timer: Timer::Lead,
            at: deadline,
        });
        RoleStep::Continue
    }

    /// `startZkServer()` (§3.6) steps 1–3: `lastCommitted`, then `zk.startup()`, which takes
    /// the JVM a while (the world's `JvmTiming`). The method is synchronized: until it
    /// returns, a handler's `startForwarding` waits for the monitor (§4.4).
    fn start_zk_server(&mut self, now: Time, out: &mut Outbox) -> RoleStep {
        self.last_committed = self.new_leader_zxid;
        self.phase = LeadPhase::StartZkServer { since: now };
        out.push(Effect::CancelTimer { timer: Timer::Lead });
        out.push(Effect::Work {
            work: Work::ZkStartup { epoch: self.epoch },
        });
        RoleStep::Continue
    }

    /// The JVM's work ended: `zk.startup()` returned.
    pub fn on_work_done(
        &mut self,
        core: &mut PeerCore,
        work: Work,
        now: Time,
        out: &mut Outbox,
    ) -> RoleStep {
        match work {
            Work::ZkStartup { epoch }
                if epoch == self.epoch && matches!(self.phase, LeadPhase::StartZkServer { .. }) =>
            {
                self.zk_started(core, now, out)
            }
            Work::ZkStartup { .. } => RoleStep::Continue,
        }
    }

    /// `startZkServer()` (§3.6) steps 3–5 and what follows: `startup()` ends with RUNNING and
    /// `notifyAll()`, which wakes every `waitForStartup` at once (§4.5); then
    /// `updateElectionVote`, `setlastProcessedZxid(epoch<<32)`, and the monitor is free for
    /// the handlers blocked in `startForwarding`. Then BROADCAST and the ping loop.
    fn zk_started(&mut self, core: &mut PeerCore, now: Time, out: &mut Outbox) -> RoleStep {
        self.zk_running = true;
        // `startup()` → `createSessionTracker`: the database's sessions, tracked afresh.
        self.sessions = Some(SessionTracker::new(
            core.myid,
            core.config.tick_time_ms,
            now,
            &core.zk_db,
        ));
        self.arm_session_timer(out);
        let woke = self.waiters(
            Caller::Lead,
            |p| matches!(p, HandlerPhase::WaitForStartup),
            |_| false,
        );
        out.push(Effect::NotifyAll {
            monitor: Monitor::ZooKeeperServer,
            woke,
        });
        core.update_election_vote(self.epoch);
        core.zk_db.set_last_processed_zxid(self.new_leader_zxid);
        core.zab_state = ZabState::Broadcast;
        self.phase = LeadPhase::Broadcast;
        self.tick_skip = true;
        out.push(Effect::SetTimer {
            timer: Timer::Lead,
            at: now.plus_ms(core.config.tick_time_ms / 2),
        });
        self.wake_after_startup(core, now, out)
    }

    /// Every handler blocked on the server's startup goes on, in connection order: those in
    /// `waitForStartup` send UPTODATE, those in `startForwarding` their sync data.
    fn wake_after_startup(&mut self, core: &mut PeerCore, now: Time, out: &mut Outbox) -> RoleStep {
        let conns: Vec<ConnId> = self
            .handlers
            .values()
            .filter(|h| {
                matches!(
                    h.phase,
                    HandlerPhase::WaitForStartup | HandlerPhase::StartForwarding
                )
            })
            .map(|h| h.conn)
            .collect();
        for conn in conns {
            let step = self.with_handler(conn, core, now, out, |l, h, core, now, out| {
                h.resume_after_startup(l, core, now, out)
            });
            if step != RoleStep::Continue {
                return step;
            }
        }
        RoleStep::Continue
    }

    /// The `lead()` timer: a wait's deadline passed, or a ping-loop pass is due.
    pub fn on_lead_timer(&mut self, core: &mut PeerCore, now: Time, out: &mut Outbox) -> RoleStep {
        match self.phase {
            LeadPhase::GetEpochToPropose { .. } => RoleStep::Shutdown(ShutdownReason::EpochTimeout),
            LeadPhase::WaitForEpochAck { .. } => {
                RoleStep::Shutdown(ShutdownReason::EpochAckTimeout)
            }
            LeadPhase::WaitForNewLeaderAck { .. } => {
                RoleStep::Shutdown(ShutdownReason::QuorumNotSynced {
                    synced: self.new_leader_proposal.ackset().iter().copied().collect(),
                })
            }
            // No timer runs while `zk.startup()` does (its end is `on_work_done`).
            LeadPhase::StartZkServer { .. } => RoleStep::Continue,
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
            return RoleStep::Shutdown(ShutdownReason::NotSufficientFollowersSynced {
                synced: synced.ackset().iter().copied().collect(),
            });
        }
        self.tick_skip = !self.tick_skip;
        let conns: Vec<ConnId> = self.handlers.keys().copied().collect();
        for conn in conns {
            self.with_handler(conn, core, now, out, |l, h, core, now, out| {
                h.ping(l, core, now, out)
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
                let timer = Timer::LearnerHandler(conn);
                out.push(match h.deadline() {
                    Some(at) => Effect::SetTimer { timer, at },
                    None => Effect::CancelTimer { timer },
                });
                self.handlers.insert(conn, h);
            }
            HandlerStep::Shutdown(reason) => {
                out.push(Effect::Note(Note::HandlerShutdown {
                    conn,
                    learner: h.sid,
                    reason,
                }));
                self.shutdown_handler(&h, out);
            }
            HandlerStep::LeaderShutdown(reason) => {
                self.handlers.insert(conn, h);
                return RoleStep::Shutdown(reason);
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
                    | HandlerPhase::StartForwarding
            );
            if blocked {
                // The thread is not reading: the packet waits in the socket.
                h.inbox.push_back(p);
                return HandlerStep::Continue;
            }
            h.handler_read(l, core, p, now, out)
        })
    }

    pub fn on_handler_timer(
        &mut self,
        core: &mut PeerCore,
        conn: ConnId,
        now: Time,
        out: &mut Outbox,
    ) -> RoleStep {
        self.with_handler(conn, core, now, out, |_, h, _, _, _| match h.phase {
            HandlerPhase::GetEpochToPropose { .. } => {
                HandlerStep::Shutdown(ShutdownReason::EpochTimeout)
            }
            HandlerPhase::WaitForEpochAck { .. } => {
                HandlerStep::Shutdown(ShutdownReason::EpochAckTimeout)
            }
            HandlerPhase::WaitForNewLeaderAck { .. } => {
                HandlerStep::Shutdown(ShutdownReason::NewLeaderAckTimeout)
            }
            // Neither wait has a timer: both end when `zk.startup()` does.
            HandlerPhase::WaitForStartup | HandlerPhase::StartForwarding => HandlerStep::Continue,
            _ => HandlerStep::Shutdown(ShutdownReason::ReadTimedOut),
        })
    }

    pub fn on_disconnected(&mut self, conn: ConnId, out: &mut Outbox) {
        if let Some(h) = self.handlers.remove(&conn) {
            out.push(Effect::Note(Note::HandlerShutdown {
                conn,
                learner: h.sid,
                reason: ShutdownReason::ConnectionClosed,
            }));
            self.shutdown_handler(&h, out);
        }
    }

    /// `startForwarding(handler, lastSeenZxid)` (§4.4): outstanding proposals newer than
    /// what the learner will have, then live broadcasts from now on.
    pub(super) fn start_forwarding(
        &mut self,
        h: &LearnerHandler,
        last_seen: Zxid,
    ) -> Vec<QuorumPacket> {
        let mut packets = Vec::new();
        if self.last_proposed > last_seen && h.learner_type == LearnerType::Participant {
            for (zxid, p) in self.outstanding_proposals.range(last_seen..) {
                if *zxid > last_seen {
                    packets.push(QuorumPacket::new(
                        PacketType::Proposal,
                        *zxid,
                        PacketData::Txn(Box::new(p.txn.clone())),
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

    /// `Leader.shutdown(reason)`: stop the acceptor, close every handler's socket.
    pub fn shutdown(&mut self, out: &mut Outbox) {
        for h in std::mem::take(&mut self.handlers).into_values() {
            self.shutdown_handler(&h, out);
        }
        out.push(Effect::CancelTimer { timer: Timer::Lead });
        if self.session_timer.take().is_some() {
            out.push(Effect::CancelTimer {
                timer: Timer::SessionTracker,
            });
        }
    }
}

/// What happened to a handler thread.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum HandlerStep {
    Continue,
    /// The handler thread ends (its learner must reconnect).
    Shutdown(ShutdownReason),
    /// Something the handler did ends leadership (e.g. a zxid rollover).
    LeaderShutdown(ShutdownReason),
}

pub(super) fn send(out: &mut Outbox, conn: ConnId, p: QuorumPacket) {
    out.push(Effect::Send {
        conn,
        msg: Message::Quorum(p),
    });
}

/// The config text NEWLEADER carries (`QuorumVerifier.toString()`).
pub(super) fn config_text(core: &PeerCore) -> String {
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
