use crate::config::LearnerType;
use crate::ids::{Epoch, Sid, Time, Zxid};
use crate::leader::{StateSummary, SyncMode};
use crate::output::ConnId;
use crate::packet::{LearnerInfo, QuorumPacket};
use crate::peer::{Blocked, ThreadView};
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
    /// `waitForStartup`: polling every 20 ms until the leader's server runs.
    WaitForStartup,
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
    /// The socket timeout of the current read: initLimit ticks until the NEWLEADER ACK,
    /// syncLimit ticks after.
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
            read_deadline: now.plus_ms(init_limit_ms),
            tick_of_next_ack_deadline: initial_ack_deadline,
            sender_started: false,
            sync_mode: SyncMode::None,
            new_epoch: None,
            peer_last_zxid: None,
            sync_limit_check: None,
            inbox: VecDeque::new(),
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

    /// When its timer should fire: a monitor deadline, a poll, or the socket timeout.
    pub fn deadline(&self, now: Time) -> Time {
        match self.phase {
            HandlerPhase::GetEpochToPropose { deadline }
            | HandlerPhase::WaitForEpochAck { deadline, .. }
            | HandlerPhase::WaitForNewLeaderAck { deadline } => deadline,
            HandlerPhase::WaitForStartup => now.plus_ms(WAIT_FOR_STARTUP_POLL_MS),
            _ => self.read_deadline,
        }
    }

    pub fn name(&self) -> String {
        match self.sid {
            Some(sid) => format!("LearnerHandler-{sid}"),
            None => format!("LearnerHandler (conn #{})", self.conn.0),
        }
    }

    pub fn thread_view(&self, monitors: &MonitorView) -> ThreadView {
        let read = |what: &str| {
            (
                what.to_string(),
                Some(Blocked::socket_read(self.read_deadline)),
            )
        };
        let (phase, blocked) = match self.phase {
            HandlerPhase::ReadLearnerInfo => read("readRecord: FOLLOWERINFO/OBSERVERINFO"),
            HandlerPhase::GetEpochToPropose { deadline } => (
                format!(
                    "getEpochToPropose: {} of {}, needs self, deadline t={} ms",
                    monitors.connecting.len(),
                    monitors.quorum,
                    deadline.0
                ),
                Some(monitors.blocked("connectingFollowers", &monitors.connecting, deadline)),
            ),
            HandlerPhase::ReadAckEpoch => read("LEADERINFO sent; readRecord: ACKEPOCH"),
            HandlerPhase::WaitForEpochAck { deadline, .. } => (
                format!(
                    "waitForEpochAck: {} of {}, deadline t={} ms",
                    monitors.electing.len(),
                    monitors.quorum,
                    deadline.0
                ),
                Some(monitors.blocked("electingFollowers", &monitors.electing, deadline)),
            ),
            HandlerPhase::ReadNewLeaderAck => read(&format!(
                "syncFollower: {:?}; NEWLEADER sent; readRecord: ACK",
                self.sync_mode
            )),
            HandlerPhase::WaitForNewLeaderAck { deadline } => (
                format!(
                    "waitForNewLeaderAck: {} of {}, deadline t={} ms",
                    monitors.new_leader_acks.len(),
                    monitors.quorum,
                    deadline.0
                ),
                Some(monitors.blocked("newLeaderProposal", &monitors.new_leader_acks, deadline)),
            ),
            HandlerPhase::WaitForStartup => {
                ("waitForStartup: polling every 20 ms".to_string(), None)
            }
            HandlerPhase::Running => read("UPTODATE sent; run: reading ACK/PING/REQUEST"),
        };
        ThreadView {
            id: format!("LearnerHandler#{}", self.conn.0),
            name: self.name(),
            phase,
            blocked,
        }
    }
}

/// `waitForStartup`'s poll period.
pub const WAIT_FOR_STARTUP_POLL_MS: u64 = 20;

/// The three monitors' contents, for the thread rows.
pub struct MonitorView {
    pub myid: Sid,
    pub quorum: u32,
    pub connecting: Vec<Sid>,
    pub electing: Vec<Sid>,
    pub new_leader_acks: Vec<Sid>,
}

impl MonitorView {
    pub fn blocked(&self, monitor: &str, have: &[Sid], deadline: Time) -> Blocked {
        Blocked {
            monitor: monitor.to_string(),
            have: have.to_vec(),
            need: self.quorum,
            needs_self: Some(self.myid),
            deadline,
        }
    }
}
