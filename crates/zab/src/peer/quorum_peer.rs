use crate::config::{LearnerType, QuorumConfig};
use crate::election::{
    ElectionView, FastLeaderElection, Notification, PeerContext, QuorumCnxManager, Vote,
};
use crate::ids::{Epoch, Sid, Time, Zxid};
use crate::leader::{Leader, RoleStep};
use crate::learner::Learner;
use crate::message::Message;
use crate::output::{Channel, ConnId, Effect, Outbox, Timer, Work};
use crate::peer::{PeerCore, ServerState, ThreadId, ThreadPhase, ThreadView, ZabState};
use crate::reason::Note;
use crate::sessions::{
    ClientCnxn, ClientId, ClientReply, ClientRequest, Origin, ServerClients, SessionId,
};
use crate::zk_database::{Snapshot, TxnLog, TxnOp, ZkDatabase};
use serde::{Deserialize, Serialize};

/// What a server finds on its disk at start: the `currentEpoch` and `acceptedEpoch` files
/// (absent on a fresh data dir), the latest snapshot and the durable txn log.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DurableState {
    pub current_epoch: Option<Epoch>,
    pub accepted_epoch: Option<Epoch>,
    pub snapshot: Snapshot,
    pub log: TxnLog,
}

impl DurableState {
    /// The zxid replay reaches: the last logged txn, or the snapshot's.
    pub fn last_zxid(&self) -> Zxid {
        self.log
            .last()
            .map_or(self.snapshot.zxid, |t| t.zxid)
            .max(self.snapshot.zxid)
    }
}

/// Why `QuorumPeer.start()` refuses to start (`loadDataBase`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StartupError {
    /// "My id N not in the peer list".
    NotInView { myid: Sid },
    /// ZOOKEEPER-1653: "The current epoch, X, is older than the last zxid, Y".
    CurrentEpochOlderThanLastZxid {
        current_epoch: Epoch,
        last_zxid: Zxid,
    },
    /// "The accepted epoch, X is less than the current epoch, Y".
    AcceptedEpochLessThanCurrent { accepted: Epoch, current: Epoch },
}

impl StartupError {
    /// The exception `QuorumPeer.start()` fails with: `loadDataBase` throws an IOException
    /// for both epoch checks (the first is how ZOOKEEPER-1653 shows, §1.2); a missing own id
    /// is a configuration error, not an exception of the protocol.
    pub fn exception(&self) -> Option<&'static str> {
        match self {
            StartupError::NotInView { .. } => None,
            StartupError::CurrentEpochOlderThanLastZxid { .. }
            | StartupError::AcceptedEpochLessThanCurrent { .. } => Some("IOException"),
        }
    }
}

/// The role `run()` is in, with the state of its thread(s).
#[derive(Clone, Debug)]
enum Role {
    Looking,
    Leading(Box<Leader>),
    Learning(Box<Learner>),
}

/// Mirrors `org.apache.zookeeper.server.quorum.QuorumPeer`: one server's quorum side, its
/// `run()` loop over `ServerState`, its election (FastLeaderElection over QuorumCnxManager),
/// and the role it plays once elected.
#[derive(Clone, Debug)]
pub struct QuorumPeer {
    core: PeerCore,
    state: ServerState,
    qcm: QuorumCnxManager,
    fle: FastLeaderElection,
    role: Role,
}

impl QuorumPeer {
    /// `QuorumPeer.start()` up to the election: check the view and `loadDataBase` (§1.2).
    pub fn new(
        myid: Sid,
        config: &QuorumConfig,
        disk: &DurableState,
    ) -> Result<Self, StartupError> {
        let learner_type = config
            .learner_type(myid)
            .ok_or(StartupError::NotInView { myid })?;
        let zk_db = ZkDatabase::load(&disk.snapshot, &disk.log);
        let last_zxid = zk_db.last_processed_zxid();
        let epoch_of_zxid = last_zxid.epoch();
        let current_epoch = disk.current_epoch.unwrap_or(epoch_of_zxid);
        if epoch_of_zxid > current_epoch {
            return Err(StartupError::CurrentEpochOlderThanLastZxid {
                current_epoch,
                last_zxid,
            });
        }
        let accepted_epoch = disk.accepted_epoch.unwrap_or(epoch_of_zxid);
        if accepted_epoch < current_epoch {
            return Err(StartupError::AcceptedEpochLessThanCurrent {
                accepted: accepted_epoch,
                current: current_epoch,
            });
        }
        let qv = config.verifier();
        Ok(QuorumPeer {
            core: PeerCore {
                myid,
                config: config.clone(),
                qv: qv.clone(),
                learner_type,
                current_epoch,
                accepted_epoch,
                current_vote: Vote::new(myid, last_zxid, -1, current_epoch),
                zab_state: ZabState::Election,
                zk_db,
                unsynced: Vec::new(),
                fsync_in_flight: None,
                clients: ServerClients::default(),
            },
            state: ServerState::Looking,
            qcm: QuorumCnxManager::new(myid),
            fle: FastLeaderElection::new(myid, qv),
            role: Role::Looking,
        })
    }

    /// `startLeaderElection()` then the first pass of `run()`: LOOKING → `lookForLeader`.
    /// Returns the epoch files `loadDataBase` creates when they are missing.
    pub fn start(&mut self, now: Time, out: &mut Outbox) {
        let c = &self.core;
        self.core.current_vote =
            Vote::new(c.myid, c.zk_db.last_processed_zxid(), -1, c.current_epoch);
        self.enter_looking(now, out);
    }

    /// `setPeerState(LOOKING)` and `lookForLeader()`.
    fn enter_looking(&mut self, now: Time, out: &mut Outbox) {
        self.state = ServerState::Looking;
        self.core.zab_state = ZabState::Election;
        self.role = Role::Looking;
        let participant = self.core.learner_type == LearnerType::Participant;
        let (zxid, epoch) = (
            self.core.zk_db.last_processed_zxid(),
            self.core.current_epoch,
        );
        self.fle
            .look_for_leader(now, participant, zxid, epoch, &mut self.qcm, out);
        self.drain_loopback(now, out);
    }

    /// Whether something listens on this channel's port: the election port always, the
    /// quorum port only while the LearnerCnxAcceptor runs.
    pub fn is_listening(&self, channel: Channel) -> bool {
        match channel {
            Channel::Election => true,
            Channel::Quorum => matches!(self.role, Role::Leading(_)),
        }
    }

    pub fn on_connected(
        &mut self,
        now: Time,
        conn: ConnId,
        channel: Channel,
        remote: Sid,
        out: &mut Outbox,
    ) {
        match channel {
            Channel::Election => self.qcm.on_connected(conn, remote, out),
            Channel::Quorum => match &mut self.role {
                Role::Learning(l) if l.conn.is_none() && remote == l.leader => {
                    l.on_connected(&mut self.core, conn, now, out);
                }
                _ => out.push(Effect::Close { conn }),
            },
        }
        self.drain_loopback(now, out);
    }

    pub fn on_connect_failed(
        &mut self,
        now: Time,
        channel: Channel,
        remote: Sid,
        out: &mut Outbox,
    ) {
        match channel {
            Channel::Election => self.qcm.on_connect_failed(remote),
            Channel::Quorum => {
                if let Role::Learning(l) = &mut self.role {
                    let step = l.on_connect_failed(&self.core, now, out);
                    self.after(step, now, out);
                }
            }
        }
    }

    pub fn on_accepted(&mut self, now: Time, conn: ConnId, channel: Channel, out: &mut Outbox) {
        match channel {
            Channel::Election => self.qcm.on_accepted(conn),
            Channel::Quorum => match &mut self.role {
                Role::Leading(leader) => leader.on_accept(&self.core, conn, now, out),
                _ => out.push(Effect::Close { conn }),
            },
        }
    }

    pub fn on_message(
        &mut self,
        now: Time,
        conn: ConnId,
        channel: Channel,
        msg: &Message,
        out: &mut Outbox,
    ) {
        match (channel, msg) {
            (Channel::Election, _) => {
                if let Some(n) = self.qcm.on_message(conn, msg, out) {
                    self.receive_notification(now, n, out);
                }
            }
            (Channel::Quorum, Message::Quorum(p)) => {
                let step = match &mut self.role {
                    Role::Leading(leader) => {
                        leader.on_packet(&mut self.core, conn, p.clone(), now, out)
                    }
                    Role::Learning(l) if l.conn == Some(conn) => {
                        l.on_packet(&mut self.core, p.clone(), now, out)
                    }
                    _ => RoleStep::Continue,
                };
                self.after(step, now, out);
            }
            (Channel::Quorum, _) => {}
        }
        self.drain_loopback(now, out);
    }

    pub fn on_disconnected(&mut self, now: Time, conn: ConnId, channel: Channel, out: &mut Outbox) {
        match channel {
            Channel::Election => self.qcm.on_disconnected(conn),
            Channel::Quorum => {
                let step = match &mut self.role {
                    Role::Leading(leader) => {
                        leader.on_disconnected(conn, out);
                        RoleStep::Continue
                    }
                    Role::Learning(l) if l.conn == Some(conn) => {
                        l.conn = None;
                        l.on_disconnected()
                    }
                    _ => RoleStep::Continue,
                };
                self.after(step, now, out);
            }
        }
        self.drain_loopback(now, out);
    }

    pub fn on_timer(&mut self, now: Time, timer: Timer, out: &mut Outbox) {
        let step = match (timer, &mut self.role) {
            (Timer::FleRecvPoll, _) => {
                if let Some(d) = self.fle.on_timer(now, &mut self.qcm, out) {
                    self.apply_decision(now, d.vote, d.state, out);
                }
                RoleStep::Continue
            }
            (Timer::Lead, Role::Leading(leader)) => leader.on_lead_timer(&mut self.core, now, out),
            (Timer::LearnerHandler(conn), Role::Leading(leader)) => {
                leader.on_handler_timer(&mut self.core, conn, now, out)
            }
            (Timer::Learner, Role::Learning(l)) => l.on_timer(&self.core, now, out),
            (Timer::SessionTracker, Role::Leading(leader)) => {
                leader.on_session_timer(&mut self.core, now, out)
            }
            _ => RoleStep::Continue,
        };
        self.after(step, now, out);
        self.drain_loopback(now, out);
    }

    /// The disk finished an fsync this server asked for.
    pub fn on_fsync_done(&mut self, now: Time, out: &mut Outbox) {
        let synced = self.core.fsync_done();
        match &mut self.role {
            Role::Leading(leader) => leader.on_fsync_done(&mut self.core, synced, out),
            Role::Learning(l) => l.on_fsync_done(&mut self.core, synced, now, out),
            Role::Looking => {
                self.core.request_fsync(out);
            }
        }
    }

    /// A piece of the JVM's work this server started has finished.
    pub fn on_work_done(&mut self, now: Time, work: Work, out: &mut Outbox) {
        let step = match &mut self.role {
            Role::Leading(leader) => leader.on_work_done(&mut self.core, work, now, out),
            _ => RoleStep::Continue,
        };
        self.after(step, now, out);
        self.drain_loopback(now, out);
    }

    /// A client write submitted at this server: proposed here when leading, forwarded as
    /// REQUEST when following; refused while not serving. Returns whether it was taken.
    pub fn on_client_request(&mut self, now: Time, op: TxnOp, out: &mut Outbox) -> bool {
        let step = match &mut self.role {
            Role::Leading(leader) if leader.is_running() => {
                leader.propose(&mut self.core, op, now, out)
            }
            Role::Learning(l) => {
                let taken = l.request(op, out);
                if !taken {
                    return false;
                }
                RoleStep::Continue
            }
            _ => return false,
        };
        self.after(step, now, out);
        true
    }

    // ---- Clients (§13) -----------------------------------------------------------------

    /// A client's ConnectRequest: a new session (`session` None) or a reconnect. Answered
    /// with `Effect::ClientReply`: at once when refused (not serving) or revalidated by the
    /// leader itself, after the createSession commits, or after the leader's REVALIDATE.
    pub fn on_client_connect(
        &mut self,
        now: Time,
        client: ClientId,
        session: Option<SessionId>,
        timeout_ms: u64,
        out: &mut Outbox,
    ) {
        let refused = |out: &mut Outbox| {
            out.push(Effect::ClientReply {
                client,
                reply: ClientReply::Closed,
            })
        };
        let step = match &mut self.role {
            Role::Leading(leader) => {
                leader.client_connect(&mut self.core, client, session, timeout_ms, now, out)
            }
            Role::Learning(l) if l.phase == crate::learner::LearnerPhase::Broadcast => {
                let core = &mut self.core;
                match session {
                    None => {
                        let session = core.clients.next_learner_session(core.myid, now);
                        core.clients.cnxns.insert(
                            client,
                            ClientCnxn {
                                session,
                                timeout_ms,
                                connected: false,
                            },
                        );
                        let req = ClientRequest {
                            origin: Origin { session, cxid: 0 },
                            op: TxnOp::CreateSession {
                                session,
                                timeout_ms,
                            },
                        };
                        l.session_request(core, req, timeout_ms, out);
                    }
                    Some(session) => {
                        core.clients.cnxns.insert(
                            client,
                            ClientCnxn {
                                session,
                                timeout_ms,
                                connected: false,
                            },
                        );
                        l.revalidate(session, timeout_ms, out);
                    }
                }
                RoleStep::Continue
            }
            _ => {
                refused(out);
                RoleStep::Continue
            }
        };
        self.after(step, now, out);
    }

    /// A request of a connected client (a write, or its closeSession): touched, then
    /// proposed here (leading) or forwarded (learning). The reply follows the commit.
    pub fn on_session_request(
        &mut self,
        now: Time,
        client: ClientId,
        cxid: u32,
        op: TxnOp,
        out: &mut Outbox,
    ) {
        let Some(c) = self.core.clients.cnxns.get(&client).filter(|c| c.connected) else {
            out.push(Effect::ClientReply {
                client,
                reply: ClientReply::Closed,
            });
            return;
        };
        let (session, timeout_ms) = (c.session, c.timeout_ms);
        let req = ClientRequest {
            origin: Origin { session, cxid },
            op,
        };
        let step = match &mut self.role {
            Role::Leading(leader) if leader.is_running() => {
                leader.touch_session(session, now, out);
                leader.prep_request(&mut self.core, req, now, out)
            }
            Role::Learning(l) => {
                if !l.session_request(&mut self.core, req, timeout_ms, out) {
                    out.push(Effect::ClientReply {
                        client,
                        reply: ClientReply::Closed,
                    });
                }
                RoleStep::Continue
            }
            _ => RoleStep::Continue,
        };
        self.after(step, now, out);
    }

    /// A client's ping: `touch` (the leader's tracker, or the learner's touch table).
    pub fn on_client_ping(&mut self, now: Time, client: ClientId, out: &mut Outbox) {
        let Some(c) = self.core.clients.cnxns.get(&client).filter(|c| c.connected) else {
            return;
        };
        let (session, timeout_ms) = (c.session, c.timeout_ms);
        match &mut self.role {
            Role::Leading(leader) => {
                leader.touch_session(session, now, out);
            }
            Role::Learning(_) => {
                self.core.clients.touch_table.insert(session, timeout_ms);
            }
            Role::Looking => {}
        }
    }

    /// The client connections this server holds, for the views.
    pub fn clients(&self) -> &ServerClients {
        &self.core.clients
    }

    fn receive_notification(&mut self, now: Time, n: Notification, out: &mut Outbox) {
        let ctx = PeerContext {
            state: self.state,
            current_vote: &self.core.current_vote,
        };
        if let Some(d) = self.fle.on_notification(now, n, ctx, &mut self.qcm, out) {
            self.apply_decision(now, d.vote, d.state, out);
        }
    }

    /// Notifications to myself go through the receive queue like any other.
    fn drain_loopback(&mut self, now: Time, out: &mut Outbox) {
        // Bounded: a loopback notification is only sent for a strictly better proposal.
        for _ in 0..1024 {
            let Some(n) = self.qcm.loopback.pop_front() else {
                return;
            };
            self.receive_notification(now, n, out);
        }
        panic!("loopback did not drain on peer {}", self.core.myid);
    }

    /// `QuorumPeer.run` stores the end vote; `setPeerState` chose the state; the next pass
    /// of the loop runs `lead()`, `followLeader()` or `observeLeader()`.
    fn apply_decision(&mut self, now: Time, vote: Vote, state: ServerState, out: &mut Outbox) {
        self.core.current_vote = Vote { state, ..vote };
        self.state = state;
        let step = match state {
            ServerState::Leading => {
                let (leader, step) = Leader::lead(&mut self.core, now, out);
                self.role = Role::Leading(Box::new(leader));
                step
            }
            ServerState::Following | ServerState::Observing => {
                let (learner, step) = Learner::follow_leader(&mut self.core, now, out);
                self.role = Role::Learning(Box::new(learner));
                step
            }
            ServerState::Looking => RoleStep::Continue,
        };
        self.after(step, now, out);
    }

    /// A role that shut down: clean up (`Leader.shutdown` / `Learner.shutdown`, which
    /// fast-forward the database) and `updateServerState()` → LOOKING.
    fn after(&mut self, step: RoleStep, now: Time, out: &mut Outbox) {
        let RoleStep::Shutdown(reason) = step else {
            return;
        };
        // The ZooKeeperServer stops serving: every client connection closes (§13).
        self.core.clients.close_all(out);
        match std::mem::replace(&mut self.role, Role::Looking) {
            Role::Leading(mut leader) => {
                out.push(Effect::Note(Note::LeaderShutdown(reason)));
                leader.shutdown(out);
                // The leader's SyncRequestProcessor is in its processor chain, which
                // `shutdown(boolean)` stops first in every profile.
                if !self.core.config.bugs.zk2845_no_fast_forward {
                    self.core.zk_db.fast_forward();
                }
            }
            Role::Learning(mut l) => {
                out.push(Effect::Note(Note::LearnerShutdown(reason)));
                l.shutdown(&mut self.core, out);
            }
            Role::Looking => return,
        }
        self.enter_looking(now, out);
    }

    pub(crate) fn core(&self) -> &PeerCore {
        &self.core
    }

    pub fn myid(&self) -> Sid {
        self.core.myid
    }

    pub fn state(&self) -> ServerState {
        self.state
    }

    pub fn zab_state(&self) -> ZabState {
        self.core.zab_state
    }

    pub fn learner_type(&self) -> LearnerType {
        self.core.learner_type
    }

    pub fn current_vote(&self) -> Vote {
        self.core.current_vote
    }

    pub fn current_epoch(&self) -> Epoch {
        self.core.current_epoch
    }

    pub fn accepted_epoch(&self) -> Epoch {
        self.core.accepted_epoch
    }

    /// `getLastLoggedZxid()`: the data tree's last processed zxid.
    pub fn last_logged_zxid(&self) -> Zxid {
        self.core.zk_db.last_processed_zxid()
    }

    pub fn database(&self) -> &ZkDatabase {
        &self.core.zk_db
    }

    pub fn election(&self) -> ElectionView {
        self.fle.view()
    }

    pub fn config(&self) -> &QuorumConfig {
        &self.core.config
    }

    pub fn leader(&self) -> Option<&Leader> {
        match &self.role {
            Role::Leading(l) => Some(l),
            _ => None,
        }
    }

    pub fn learner(&self) -> Option<&Learner> {
        match &self.role {
            Role::Learning(l) => Some(l),
            _ => None,
        }
    }

    /// Election peers with a live connection (a SendWorker), for the views.
    pub fn election_peers(&self) -> Vec<Sid> {
        self.qcm.connected_peers().collect()
    }

    /// The server's threads, QuorumPeer's main loop first, written into `out` (cleared
    /// first) so the world can reuse one buffer and compare with what it logged last.
    pub fn threads_into(&self, out: &mut Vec<ThreadView>) {
        out.clear();
        out.push(ThreadView {
            thread: ThreadId::QuorumPeer,
            phase: ThreadPhase::Run {
                state: self.state,
                zab_state: self.core.zab_state,
            },
            wait: None,
        });
        out.extend(self.fle.thread_view());
        match &self.role {
            Role::Leading(l) => l.threads_into(&self.core, out),
            Role::Learning(l) => out.push(l.thread_view(&self.core)),
            Role::Looking => {}
        }
        if let Some(batch) = &self.core.fsync_in_flight {
            out.push(ThreadView {
                thread: ThreadId::SyncThread,
                phase: ThreadPhase::Fsync {
                    txns: batch.len() as u32,
                    upto: batch.last().copied(),
                },
                wait: None,
            });
        }
    }

    /// The server's threads, QuorumPeer's main loop first.
    pub fn threads(&self) -> Vec<ThreadView> {
        let mut out = Vec::new();
        self.threads_into(&mut out);
        out
    }
}
