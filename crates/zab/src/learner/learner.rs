use crate::config::LearnerType;
use crate::ids::{Epoch, Sid, Time, Zxid};
use crate::leader::{RoleStep, SyncMode};
use crate::message::Message;
use crate::output::{Channel, ConnId, Effect, Outbox, Timer};
use crate::packet::{LearnerInfo, PacketData, PacketType, QuorumPacket, PROTOCOL_VERSION};
use crate::peer::{PeerCore, ZabState};
use crate::reason::{Note, ShutdownReason};
use crate::sessions::{ClientRequest, SessionId};
use crate::zk_database::{Txn, TxnOp};
use crate::zk_version::ZkVersion;
use std::collections::{BTreeSet, VecDeque};

/// `connectToLeader` tries at most this many times (`tries < 5`).
pub const MAX_CONNECT_TRIES: u32 = 5;
/// `zookeeper.leaderConnectDelayDuringRetryMs`.
pub const LEADER_CONNECT_DELAY_DURING_RETRY_MS: u64 = 100;

/// Where `followLeader` / `observeLeader` is (docs/protocol.md §5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LearnerPhase {
    /// `connectToLeader`: attempt `tries` (1-based) is on its way, or it sleeps before the next.
    ConnectToLeader {
        tries: u32,
        start: Time,
        sleeping: bool,
    },
    /// `registerWithLeader`: FOLLOWERINFO/OBSERVERINFO sent, reading LEADERINFO.
    RegisterWithLeader,
    /// `syncWithLeader`: reading DIFF/TRUNC/SNAP, proposals, commits, NEWLEADER, UPTODATE.
    SyncWithLeader,
    /// NEWLEADER: the committed sync txns are appended; waiting for their fsync before
    /// `setCurrentEpoch` and the ACK (ZOOKEEPER-4643/4646/4785).
    NewLeaderFsync,
    /// The `processPacket` loop.
    Broadcast,
}

/// Mirrors `org.apache.zookeeper.server.quorum.Learner` as `Follower` or `Observer`.
#[derive(Clone, Debug)]
pub struct Learner {
    pub learner_type: LearnerType,
    pub leader: Sid,
    pub conn: Option<ConnId>,
    pub phase: LearnerPhase,
    /// When the current read began, and its socket timeout: initLimit ticks until NEWLEADER,
    /// syncLimit ticks after.
    pub read_since: Time,
    pub read_deadline: Time,
    pub new_epoch: Epoch,
    pub sync_mode: SyncMode,
    /// `lastLoggedZxid` captured by `registerWithLeader` before anything is sent.
    pub(crate) last_logged_zxid: Zxid,
    pub(crate) packets_not_logged: VecDeque<Txn>,
    pub(crate) packets_committed: VecDeque<Zxid>,
    pub(crate) snapshot_needed: bool,
    pub(crate) write_to_txn_log: bool,
    pub(crate) first_sync_packet: bool,
    pub last_queued: Zxid,
    /// `FollowerZooKeeperServer.pendingTxns`: logged, waiting for COMMIT.
    pub(crate) pending_txns: VecDeque<Txn>,
    /// Proposals whose ACK `SendAckRequestProcessor` sends once they are durable.
    pub(crate) ack_after_sync: BTreeSet<Zxid>,
    /// 3.9.2's `requestsToAck`: the sync proposals persisted at NEWLEADER, ACKed after the
    /// ACK of UPTODATE (§12).
    pub(crate) requests_to_ack: Vec<Zxid>,
}

impl Learner {
    /// `followLeader()` / `observeLeader()` steps 1–3: DISCOVERY, `findLeader`, the first
    /// connect attempt.
    pub fn follow_leader(core: &mut PeerCore, now: Time, out: &mut Outbox) -> (Learner, RoleStep) {
        core.zab_state = ZabState::Discovery;
        let leader = core.current_vote.id;
        let mut l = Learner {
            learner_type: core.learner_type,
            leader,
            conn: None,
            phase: LearnerPhase::ConnectToLeader {
                tries: 1,
                start: now,
                sleeping: false,
            },
            read_since: now,
            read_deadline: now,
            new_epoch: Epoch(-1),
            sync_mode: SyncMode::None,
            last_logged_zxid: Zxid::NONE,
            packets_not_logged: VecDeque::new(),
            packets_committed: VecDeque::new(),
            snapshot_needed: true,
            write_to_txn_log: false,
            first_sync_packet: true,
            last_queued: Zxid::NONE,
            pending_txns: VecDeque::new(),
            ack_after_sync: BTreeSet::new(),
            requests_to_ack: Vec::new(),
        };
        if core.config.learner_type(leader).is_none() {
            return (
                l,
                RoleStep::Shutdown(ShutdownReason::LeaderNotInView { leader }),
            );
        }
        l.connect(core, now, now, out);
        (l, RoleStep::Continue)
    }

    fn connect(&mut self, core: &PeerCore, start: Time, now: Time, out: &mut Outbox) {
        let remaining = (start.0 + core.init_limit_ms()).saturating_sub(now.0);
        out.push(Effect::Connect {
            channel: Channel::Quorum,
            to: self.leader,
            timeout_ms: remaining.min(core.init_limit_ms()),
        });
    }

    pub(super) fn info_type(&self) -> PacketType {
        match self.learner_type {
            LearnerType::Participant => PacketType::FollowerInfo,
            LearnerType::Observer => PacketType::ObserverInfo,
        }
    }

    /// The socket is up: `registerWithLeader` (§5.3) sends FOLLOWERINFO/OBSERVERINFO.
    pub fn on_connected(&mut self, core: &mut PeerCore, conn: ConnId, now: Time, out: &mut Outbox) {
        self.conn = Some(conn);
        self.last_logged_zxid = core.zk_db.last_processed_zxid();
        let info = LearnerInfo {
            serverid: core.myid,
            protocol_version: PROTOCOL_VERSION,
            config_version: 0,
        };
        let p = QuorumPacket::new(
            self.info_type(),
            Zxid::make(core.accepted_epoch, 0),
            PacketData::LearnerInfo(info),
        );
        self.send(out, p);
        self.phase = LearnerPhase::RegisterWithLeader;
        self.set_read_timeout(now, core.init_limit_ms(), out);
    }

    /// A connect attempt failed: sleep 100 ms and retry, up to 5 tries within initLimit.
    pub fn on_connect_failed(&mut self, core: &PeerCore, now: Time, out: &mut Outbox) -> RoleStep {
        let LearnerPhase::ConnectToLeader { tries, start, .. } = self.phase else {
            return RoleStep::Continue;
        };
        let remaining = (start.0 + core.init_limit_ms()).saturating_sub(now.0);
        if tries >= MAX_CONNECT_TRIES || remaining <= LEADER_CONNECT_DELAY_DURING_RETRY_MS {
            return RoleStep::Shutdown(ShutdownReason::ConnectFailed {
                leader: self.leader,
                tries,
            });
        }
        self.phase = LearnerPhase::ConnectToLeader {
            tries,
            start,
            sleeping: true,
        };
        out.push(Effect::SetTimer {
            timer: Timer::Learner,
            at: now.plus_ms(LEADER_CONNECT_DELAY_DURING_RETRY_MS),
        });
        RoleStep::Continue
    }

    /// The learner's timer: the retry sleep ended, or a read timed out.
    pub fn on_timer(&mut self, core: &PeerCore, now: Time, out: &mut Outbox) -> RoleStep {
        match self.phase {
            LearnerPhase::ConnectToLeader {
                tries,
                start,
                sleeping: true,
            } => {
                self.phase = LearnerPhase::ConnectToLeader {
                    tries: tries + 1,
                    start,
                    sleeping: false,
                };
                self.connect(core, start, now, out);
                RoleStep::Continue
            }
            LearnerPhase::ConnectToLeader { .. } | LearnerPhase::NewLeaderFsync => {
                RoleStep::Continue
            }
            _ => RoleStep::Shutdown(ShutdownReason::ReadTimedOut),
        }
    }

    pub fn on_disconnected(&mut self) -> RoleStep {
        RoleStep::Shutdown(ShutdownReason::ConnectionClosed)
    }

    fn set_read_timeout(&mut self, now: Time, timeout_ms: u64, out: &mut Outbox) {
        self.read_since = now;
        let at = now.plus_ms(timeout_ms);
        self.read_deadline = at;
        out.push(Effect::SetTimer {
            timer: Timer::Learner,
            at,
        });
    }

    fn send(&self, out: &mut Outbox, p: QuorumPacket) {
        if let Some(conn) = self.conn {
            out.push(Effect::Send {
                conn,
                msg: Message::Quorum(p),
            });
        }
    }

    /// One packet from the leader.
    pub fn on_packet(
        &mut self,
        core: &mut PeerCore,
        p: QuorumPacket,
        now: Time,
        out: &mut Outbox,
    ) -> RoleStep {
        // initLimit until NEWLEADER is handled (its ACK resets sync_mode to NONE), then
        // syncLimit.
        let newleader_acked = !self.first_sync_packet && self.sync_mode == SyncMode::None;
        let timeout = match self.phase {
            LearnerPhase::RegisterWithLeader => core.init_limit_ms(),
            LearnerPhase::SyncWithLeader if !newleader_acked => core.init_limit_ms(),
            _ => core.sync_limit_ms(),
        };
        self.set_read_timeout(now, timeout, out);
        match self.phase {
            LearnerPhase::RegisterWithLeader => self.on_leader_info(core, p, now, out),
            LearnerPhase::SyncWithLeader | LearnerPhase::NewLeaderFsync => {
                self.sync_with_leader(core, p, now, out)
            }
            LearnerPhase::Broadcast => self.process_packet(core, p, out),
            LearnerPhase::ConnectToLeader { .. } => RoleStep::Continue,
        }
    }

    /// `registerWithLeader` steps 3–4: LEADERINFO → acceptedEpoch → ACKEPOCH.
    fn on_leader_info(
        &mut self,
        core: &mut PeerCore,
        p: QuorumPacket,
        now: Time,
        out: &mut Outbox,
    ) -> RoleStep {
        if p.ty != PacketType::LeaderInfo {
            return RoleStep::Shutdown(ShutdownReason::NotLeaderInfo { got: p.ty });
        }
        let new_epoch = p.zxid.epoch();
        let epoch_bytes = if new_epoch > core.accepted_epoch {
            let current = core.current_epoch.0;
            if core.config.bugs.epoch_files_out_of_order {
                core.set_current_epoch(new_epoch, out);
            }
            core.set_accepted_epoch(new_epoch, out);
            current
        } else if new_epoch == core.accepted_epoch {
            // "I already accepted this epoch, don't count me" — but sync me.
            -1
        } else {
            return RoleStep::Shutdown(ShutdownReason::LeaderEpochBelowAccepted {
                leader_epoch: new_epoch,
                accepted: core.accepted_epoch,
            });
        };
        self.send(
            out,
            QuorumPacket::new(
                PacketType::AckEpoch,
                self.last_logged_zxid,
                PacketData::CurrentEpoch(epoch_bytes),
            ),
        );
        self.new_epoch = new_epoch;
        core.zab_state = ZabState::Synchronization;
        self.phase = LearnerPhase::SyncWithLeader;
        self.set_read_timeout(now, core.init_limit_ms(), out);
        RoleStep::Continue
    }

    /// `syncWithLeader` (§5.4), one packet at a time.
    fn sync_with_leader(
        &mut self,
        core: &mut PeerCore,
        p: QuorumPacket,
        now: Time,
        out: &mut Outbox,
    ) -> RoleStep {
        if self.first_sync_packet {
            self.first_sync_packet = false;
            return self.first_sync(core, p, out);
        }
        match p.ty {
            PacketType::Proposal => {
                let PacketData::Txn(txn) = p.data else {
                    return RoleStep::Continue;
                };
                let txn = *txn;
                if self.last_queued != Zxid::NONE && txn.zxid.0 != self.last_queued.0 + 1 {
                    let expected = Zxid(self.last_queued.0 + 1);
                    // enforceContinuousProposal (3.9.4+, §12): a gap within an epoch is
                    // fatal. Older releases only log "Got zxid … expected …".
                    if core.config.zk.enforces_continuous_proposals() {
                        if txn.zxid.epoch() <= self.last_queued.epoch() {
                            return RoleStep::Shutdown(ShutdownReason::UnexpectedZxid {
                                got: txn.zxid,
                                expected,
                            });
                        }
                    } else {
                        out.push(Effect::Note(Note::ProposalGap {
                            got: txn.zxid,
                            expected,
                        }));
                    }
                }
                self.last_queued = txn.zxid;
                self.packets_not_logged.push_back(txn);
            }
            PacketType::Commit => {
                // Every release reads `packetsNotLogged.peekFirst().hdr` first: with nothing
                // buffered that is a NullPointerException, and the learner gives up
                // (ZOOKEEPER-4394; reachable when NEWLEADER cleared the buffer, §12).
                let Some(head) = self.packets_not_logged.front() else {
                    return RoleStep::Shutdown(ShutdownReason::CommitWithNothingBuffered {
                        zxid: p.zxid,
                    });
                };
                if !self.write_to_txn_log {
                    if head.zxid == p.zxid {
                        let t = self.packets_not_logged.pop_front().expect("front exists");
                        core.zk_db.apply_committed(t);
                    } else {
                        out.push(Effect::Note(Note::CommitOutOfOrder { zxid: p.zxid }));
                    }
                } else {
                    self.packets_committed.push_back(p.zxid);
                }
            }
            PacketType::Inform => {
                let PacketData::Txn(txn) = p.data else {
                    return RoleStep::Continue;
                };
                let txn = *txn;
                if !self.write_to_txn_log {
                    core.zk_db.apply_committed(txn);
                } else {
                    self.packets_committed.push_back(txn.zxid);
                    self.packets_not_logged.push_back(txn);
                }
            }
            PacketType::NewLeader => return self.on_new_leader(core, now, out),
            PacketType::UpToDate => return self.on_up_to_date(core, now, out),
            // syncWithLeader's loop has no case for PING: it is read and ignored.
            PacketType::Ping => {}
            ty => out.push(Effect::Note(Note::UnexpectedSyncPacket { ty })),
        }
        RoleStep::Continue
    }

    /// The first sync packet decides the mode.
    fn first_sync(&mut self, core: &mut PeerCore, p: QuorumPacket, out: &mut Outbox) -> RoleStep {
        match (p.ty, p.data) {
            (PacketType::Diff, _) => {
                self.sync_mode = SyncMode::Diff;
                self.snapshot_needed = false;
                // DIFF's zxid is not applied as lastProcessedZxid (ZOOKEEPER-2355).
            }
            (PacketType::Snap, PacketData::Snapshot(snapshot)) => {
                self.sync_mode = SyncMode::Snap;
                core.zk_db.load_snapshot(&snapshot);
                core.zk_db.set_last_processed_zxid(p.zxid);
            }
            (PacketType::Trunc, _) => {
                self.sync_mode = SyncMode::Trunc;
                core.zk_db.truncate_log(p.zxid);
                out.push(Effect::TruncateLog { zxid: p.zxid });
                core.zk_db.set_last_processed_zxid(p.zxid);
            }
            (ty, _) => {
                let reason = ShutdownReason::UnexpectedFirstSyncPacket { got: ty };
                out.push(Effect::Exit {
                    reason: reason.clone(),
                });
                return RoleStep::Shutdown(reason);
            }
        }
        self.write_to_txn_log = !self.snapshot_needed;
        RoleStep::Continue
    }

    /// NEWLEADER (§5.4, §12): snapshot if needed, then the version's way of making the sync
    /// txns durable, `setCurrentEpoch`, and the ACK.
    fn on_new_leader(&mut self, core: &mut PeerCore, now: Time, out: &mut Outbox) -> RoleStep {
        if self.snapshot_needed {
            // Simplification (labelled): after a SNAP the leader's snapshot replaces this
            // server's history, so its old txn log is dropped. ZooKeeper keeps the old files
            // but never replays below the newest snapshot.
            let supersedes_log = self.sync_mode == SyncMode::Snap;
            if supersedes_log {
                core.zk_db.log.clear();
            }
            out.push(Effect::TakeSnapshot {
                snapshot: core.zk_db.take_snapshot(),
                supersedes_log,
            });
        }
        let zk = core.config.zk;
        if zk.current_epoch_before_sync_txns() {
            // 3.8: currentEpoch first, before anything below is durable (ZOOKEEPER-4643).
            core.set_current_epoch(self.new_epoch, out);
        }
        self.write_to_txn_log = true;
        if self.learner_type != LearnerType::Participant {
            self.ack_new_leader(core, now, out);
            return RoleStep::Continue;
        }
        let appended = match zk {
            ZkVersion::V3_8 => {
                // 3.8: every buffered proposal goes to the asynchronous `logRequest`; the
                // SyncThread ACKs each after its fsync. The NEWLEADER ACK goes out at once,
                // before any of them is durable (ZOOKEEPER-4646).
                while let Some(t) = self.packets_not_logged.pop_front() {
                    self.log_request(core, t, out);
                }
                false
            }
            ZkVersion::V3_9_2 => self.append_every_sync_proposal(core, out),
            ZkVersion::V3_9_3 | ZkVersion::V3_9_4 => self.persist_committed_sync_txns(core, out),
        };
        debug_assert!(!(appended && zk.ack_newleader_before_fsync()));
        if appended && core.request_fsync(out) {
            self.phase = LearnerPhase::NewLeaderFsync;
            return RoleStep::Continue;
        }
        self.ack_new_leader(core, now, out);
        RoleStep::Continue
    }

    /// 3.9.2 (ZOOKEEPER-4785): `appendRequest` for every buffered proposal, committed or
    /// not, remembered in `requestsToAck`; the caller fsyncs before the ACK. True if any.
    fn append_every_sync_proposal(&mut self, core: &mut PeerCore, out: &mut Outbox) -> bool {
        let mut appended = false;
        while let Some(t) = self.packets_not_logged.pop_front() {
            self.requests_to_ack.push(t.zxid);
            self.pending_txns.push_back(t.clone());
            core.append(t, out);
            appended = true;
        }
        appended
    }

    /// 3.9.3+ (ZOOKEEPER-4394): append and apply only the committed sync txns, without ACKs;
    /// the outstanding ones stay buffered until UPTODATE. The caller fsyncs before the ACK.
    fn persist_committed_sync_txns(&mut self, core: &mut PeerCore, out: &mut Outbox) -> bool {
        let mut appended = false;
        while let Some(zxid) = self.packets_committed.pop_front() {
            match self.packets_not_logged.front() {
                Some(t) if t.zxid == zxid => {
                    let t = self.packets_not_logged.pop_front().expect("front exists");
                    core.append(t.clone(), out);
                    if core.config.zk.sync_txns_enter_committed_log() {
                        core.zk_db.apply_committed(t);
                    } else {
                        // 3.9.3's `processTxn(hdr, txn)`: applied, but not in the
                        // committedLog, which a later DIFF from here reads (ZOOKEEPER-4925).
                        core.zk_db.apply_outside_committed_log(t);
                    }
                    appended = true;
                }
                _ => out.push(Effect::Note(Note::CommitNotNextProposal { zxid })),
            }
        }
        appended
    }

    /// NEWLEADER steps 5–7: currentEpoch (unless 3.8 wrote it first), socket timeout →
    /// syncLimit, ACK.
    fn ack_new_leader(&mut self, core: &mut PeerCore, now: Time, out: &mut Outbox) {
        if !core.config.zk.current_epoch_before_sync_txns() {
            core.set_current_epoch(self.new_epoch, out);
        }
        self.sync_mode = SyncMode::None;
        self.phase = LearnerPhase::SyncWithLeader;
        self.set_read_timeout(now, core.sync_limit_ms(), out);
        self.send(
            out,
            QuorumPacket::bare(PacketType::Ack, Zxid::make(self.new_epoch, 0)),
        );
    }

    /// UPTODATE: serve, ACK, then log what is left (its ACKs follow the fsync).
    fn on_up_to_date(&mut self, core: &mut PeerCore, now: Time, out: &mut Outbox) -> RoleStep {
        self.send(
            out,
            QuorumPacket::bare(PacketType::Ack, Zxid::make(self.new_epoch, 0)),
        );
        core.update_election_vote(self.new_epoch);
        core.zab_state = ZabState::Broadcast;
        self.phase = LearnerPhase::Broadcast;
        // The learner's ZooKeeperServer starts serving: `LearnerSessionTracker` is created,
        // with `initializeNextSessionId(myid)` (§13).
        core.clients.next_session_id =
            Some(crate::sessions::initialize_next_session_id(core.myid, now));
        self.set_read_timeout(now, core.sync_limit_ms(), out);
        match self.learner_type {
            LearnerType::Participant => {
                // 3.9.2: the proposals persisted at NEWLEADER are ACKed now, after the ACK
                // of UPTODATE (so none can be taken for the NEWLEADER ACK: ZOOKEEPER-4685).
                for zxid in std::mem::take(&mut self.requests_to_ack) {
                    self.send(out, QuorumPacket::bare(PacketType::Ack, zxid));
                }
                while let Some(t) = self.packets_not_logged.pop_front() {
                    self.log_request(core, t, out);
                }
                while let Some(zxid) = self.packets_committed.pop_front() {
                    if let step @ RoleStep::Shutdown(_) = self.commit(core, zxid, out) {
                        return step;
                    }
                }
            }
            LearnerType::Observer => {
                while let Some(zxid) = self.packets_committed.pop_front() {
                    if let Some(i) = self.packets_not_logged.iter().position(|t| t.zxid == zxid) {
                        let t = self.packets_not_logged.remove(i).expect("position exists");
                        core.append(t.clone(), out);
                        core.zk_db.apply_committed(t);
                    }
                }
                core.request_fsync(out);
            }
        }
        RoleStep::Continue
    }

    /// `fzk.logRequest`: append, then SyncRequestProcessor's fsync, then the ACK.
    fn log_request(&mut self, core: &mut PeerCore, t: Txn, out: &mut Outbox) {
        self.ack_after_sync.insert(t.zxid);
        self.pending_txns.push_back(t.clone());
        core.append(t, out);
        core.request_fsync(out);
    }

    /// `fzk.commit(zxid)`: the head of pendingTxns must be it, or the process exits.
    /// With nothing pending, ZooKeeper only warns ("Committing … without seeing txn") and
    /// goes on, in 3.8.0 as on master; a COMMIT for another zxid than the head exits.
    fn commit(&mut self, core: &mut PeerCore, zxid: Zxid, out: &mut Outbox) -> RoleStep {
        match self.pending_txns.front() {
            None => {
                out.push(Effect::Note(Note::CommitWithoutTxn { zxid }));
                RoleStep::Continue
            }
            Some(t) if t.zxid == zxid => {
                let t = self.pending_txns.pop_front().expect("front exists");
                let (origin, op) = (t.origin, t.op.clone());
                core.zk_db.apply_committed(t);
                core.clients.on_applied(origin, &op, zxid, out);
                RoleStep::Continue
            }
            Some(first) => {
                let reason = ShutdownReason::CommitMismatch {
                    zxid,
                    pending: first.zxid,
                };
                out.push(Effect::Exit {
                    reason: reason.clone(),
                });
                RoleStep::Shutdown(reason)
            }
        }
    }

    /// `Follower.processPacket` / `Observer.processPacket` (§5.5).
    fn process_packet(
        &mut self,
        core: &mut PeerCore,
        p: QuorumPacket,
        out: &mut Outbox,
    ) -> RoleStep {
        match (self.learner_type, p.ty) {
            (_, PacketType::Ping) => {
                // `Learner.ping`: the reply carries the sessions touched since the last one
                // (none in runs without clients, so the PING stays bare).
                let touched = std::mem::take(&mut core.clients.touch_table);
                let data = if touched.is_empty() {
                    PacketData::None
                } else {
                    PacketData::Sessions(touched.into_iter().collect())
                };
                self.send(out, QuorumPacket::new(PacketType::Ping, p.zxid, data));
            }
            (_, PacketType::Revalidate) => {
                // `Learner.revalidate` → `finishSessionInit(cnxn, valid)`.
                if let PacketData::Revalidated { session, valid } = p.data {
                    match core.clients.by_session(session) {
                        Some(client) => {
                            let timeout_ms = core.clients.cnxns[&client].timeout_ms;
                            crate::leader::finish_session_init(
                                core, client, session, timeout_ms, valid, out,
                            );
                        }
                        None => out.push(Effect::Note(Note::IgnoredInBroadcast { ty: p.ty })),
                    }
                }
            }
            (LearnerType::Participant, PacketType::Proposal) => {
                if let PacketData::Txn(txn) = p.data {
                    let txn = *txn;
                    if self.last_queued != Zxid::NONE && txn.zxid.0 != self.last_queued.0 + 1 {
                        out.push(Effect::Note(Note::ProposalGap {
                            got: txn.zxid,
                            expected: Zxid(self.last_queued.0 + 1),
                        }));
                    }
                    self.last_queued = txn.zxid;
                    self.log_request(core, txn, out);
                }
            }
            (LearnerType::Participant, PacketType::Commit) => {
                return self.commit(core, p.zxid, out)
            }
            (LearnerType::Observer, PacketType::Inform) => {
                if let PacketData::Txn(txn) = p.data {
                    let txn = *txn;
                    core.append(txn.clone(), out);
                    let (origin, op, zxid) = (txn.origin, txn.op.clone(), txn.zxid);
                    core.zk_db.apply_committed(txn);
                    core.clients.on_applied(origin, &op, zxid, out);
                    core.request_fsync(out);
                }
            }
            (_, ty) => out.push(Effect::Note(Note::IgnoredInBroadcast { ty })),
        }
        RoleStep::Continue
    }

    /// The fsync finished: finish NEWLEADER, or ACK the durable proposals.
    pub fn on_fsync_done(
        &mut self,
        core: &mut PeerCore,
        synced: Vec<Zxid>,
        now: Time,
        out: &mut Outbox,
    ) {
        if self.phase == LearnerPhase::NewLeaderFsync {
            self.ack_new_leader(core, now, out);
        }
        for zxid in synced {
            if self.ack_after_sync.remove(&zxid) && self.learner_type == LearnerType::Participant {
                self.send(out, QuorumPacket::bare(PacketType::Ack, zxid));
            }
        }
        core.request_fsync(out);
    }

    /// A client write at this learner: forwarded to the leader as REQUEST.
    pub fn request(&self, op: TxnOp, out: &mut Outbox) -> bool {
        if self.phase != LearnerPhase::Broadcast {
            return false;
        }
        self.send(
            out,
            QuorumPacket::new(
                PacketType::Request,
                Zxid::NONE,
                PacketData::Request(Box::new(op)),
            ),
        );
        true
    }

    /// A session's request at this learner: `touch`, then forwarded as REQUEST with its
    /// session and cxid (`FollowerRequestProcessor`).
    pub fn session_request(
        &self,
        core: &mut PeerCore,
        req: ClientRequest,
        timeout_ms: u64,
        out: &mut Outbox,
    ) -> bool {
        if self.phase != LearnerPhase::Broadcast {
            return false;
        }
        core.clients
            .touch_table
            .insert(req.origin.session, timeout_ms);
        self.send(
            out,
            QuorumPacket::new(
                PacketType::Request,
                Zxid::NONE,
                PacketData::ClientRequest(Box::new(req)),
            ),
        );
        true
    }

    /// A client reconnects here with its session: `validateSession` asks the leader.
    pub fn revalidate(&self, session: SessionId, timeout_ms: u64, out: &mut Outbox) -> bool {
        if self.phase != LearnerPhase::Broadcast {
            return false;
        }
        self.send(
            out,
            QuorumPacket::new(
                PacketType::Revalidate,
                Zxid::NONE,
                PacketData::Revalidate {
                    session,
                    timeout_ms,
                },
            ),
        );
        true
    }

    /// `Learner.shutdown()`: close the socket; an unfinished SNAP clears the database
    /// (ZOOKEEPER-3642), otherwise fast-forward (ZOOKEEPER-2845), after stopping the
    /// SyncThread (3.9.3+) or while it still writes (ZOOKEEPER-4712).
    pub fn shutdown(&mut self, core: &mut PeerCore, out: &mut Outbox) {
        if let Some(conn) = self.conn.take() {
            out.push(Effect::Close { conn });
        }
        out.push(Effect::CancelTimer {
            timer: Timer::Learner,
        });
        let bugs = core.config.bugs;
        if self.sync_mode == SyncMode::Snap && !bugs.zk3642_snap_kept_in_memory {
            core.zk_db.reload_from_disk();
        } else if bugs.zk2845_no_fast_forward {
            // ZOOKEEPER-2845 (switch): the tree stays as it is, without the logged txns that
            // were never committed here.
        } else if core.config.zk.stops_learner_sync_before_fast_forward() {
            core.zk_db.fast_forward();
        } else {
            // ZOOKEEPER-4712 (3.8, 3.9.2): the SyncThread is not stopped; what it has not
            // flushed is missing from the fast-forward, and it writes it afterwards (our
            // fsync goes on while LOOKING, `QuorumPeer::on_fsync_done`).
            core.zk_db.fast_forward_flushed(&core.unsynced);
        }
    }
}
