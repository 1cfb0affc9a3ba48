//! Threads: their Java names, what each is doing, and the monitors they wait on.

use zab::election::FINALIZE_WAIT_MS;
use zab::leader::{HandlerPhase, LeadPhase};
use zab::learner::{LEADER_CONNECT_DELAY_DURING_RETRY_MS, MAX_CONNECT_TRIES};
use zab::packet::PacketType;
use zab::peer::{
    ElectionPhase, LearnerStep, Monitor, ServerState, ThreadId, ThreadPhase, ThreadView, Wait,
    Waiter,
};

use crate::reason::sync_mode;

/// The Java name of a thread when only its identity is known: `Leader.lead`,
/// `LearnerHandler (conn #7)`.
pub fn thread_id(id: ThreadId) -> String {
    match id {
        ThreadId::QuorumPeer => "QuorumPeer".to_string(),
        ThreadId::FastLeaderElection => "FastLeaderElection".to_string(),
        ThreadId::Lead => "Leader.lead".to_string(),
        ThreadId::LearnerCnxAcceptor => "LearnerCnxAcceptor".to_string(),
        ThreadId::LearnerHandler(conn) => format!("LearnerHandler (conn #{})", conn.0),
        ThreadId::FollowLeader => "Follower.followLeader".to_string(),
        ThreadId::ObserveLeader => "Observer.observeLeader".to_string(),
        ThreadId::SyncThread => "SyncThread".to_string(),
    }
}

/// The name a thread goes by: a `LearnerHandler` is named after its learner once it knows it
/// (`LearnerHandler-2`).
pub fn thread_name(t: &ThreadView) -> String {
    match (t.thread, &t.phase) {
        (
            ThreadId::LearnerHandler(_),
            ThreadPhase::Handle {
                learner: Some(sid), ..
            },
        ) => format!("LearnerHandler-{sid}"),
        (id, _) => thread_id(id),
    }
}

/// A thread a `notifyAll` woke.
pub fn waiter(w: Waiter) -> String {
    match w {
        Waiter::Lead => "Leader.lead".to_string(),
        Waiter::Handler { learner, .. } => format!("LearnerHandler-{learner}"),
    }
}

/// `Leader.lead, LearnerHandler-2`.
pub fn waiters(woke: &[Waiter]) -> String {
    woke.iter()
        .map(|w| waiter(*w))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A monitor's Java name: `connectingFollowers`, `recvqueue`.
pub fn monitor(m: Monitor) -> &'static str {
    match m {
        Monitor::RecvQueue => "recvqueue",
        Monitor::ConnectingFollowers => "connectingFollowers",
        Monitor::ElectingFollowers => "electingFollowers",
        Monitor::NewLeaderProposal => "newLeaderProposal",
        Monitor::SocketRead => "socket read (soTimeout)",
        Monitor::ZooKeeperServer => "ZooKeeperServer",
    }
}

/// What a thread's wait is on, as its row says: `recvqueue (finalizeWait)` while
/// FastLeaderElection's final poll runs.
pub fn wait_monitor(t: &ThreadView, w: &Wait) -> &'static str {
    match (&t.phase, w.monitor) {
        (ThreadPhase::LookForLeader(ElectionPhase::FinalizeWait { .. }), Monitor::RecvQueue) => {
            "recvqueue (finalizeWait)"
        }
        (_, m) => monitor(m),
    }
}

/// `2 of 3` for a quorum wait (0 of 0 when the thread is not waiting).
fn count(w: Option<&Wait>) -> (usize, u32) {
    w.map_or((0, 0), |w| (w.have.len(), w.need))
}

/// What a thread is doing, in ZooKeeper's words: the method and the step it is in, e.g.
/// `getEpochToPropose: 1 of 2, needs self, deadline t=20000 ms`.
pub fn phase(t: &ThreadView) -> String {
    let (have, need) = count(t.wait.as_ref());
    let deadline = t.wait.as_ref().map_or(0, |w| w.deadline.0);
    match &t.phase {
        ThreadPhase::Run { state, zab_state } => {
            let run = match state {
                ServerState::Looking => "run: LOOKING → lookForLeader()",
                ServerState::Following => "run: FOLLOWING → followLeader()",
                ServerState::Leading => "run: LEADING → lead()",
                ServerState::Observing => "run: OBSERVING → observeLeader()",
            };
            format!("{run} [{zab_state}]")
        }
        ThreadPhase::LookForLeader(ElectionPhase::Poll {
            round,
            timeout_ms,
            proposal,
        }) => format!(
            "lookForLeader: recvqueue.poll({timeout_ms} ms), round {round}, votes for \
             {proposal}: {have} of {need}"
        ),
        ThreadPhase::LookForLeader(ElectionPhase::FinalizeWait { proposal, .. }) => {
            format!("lookForLeader: finalizeWait {FINALIZE_WAIT_MS} ms, quorum for {proposal}")
        }
        ThreadPhase::Lead {
            phase,
            tick,
            last_proposed,
            last_committed,
            ..
        } => match phase {
            LeadPhase::GetEpochToPropose { .. } => {
                format!("getEpochToPropose: {have} of {need}, needs self, deadline t={deadline} ms")
            }
            LeadPhase::WaitForEpochAck { .. } => {
                format!("waitForEpochAck: {have} of {need}, deadline t={deadline} ms")
            }
            LeadPhase::WaitForNewLeaderAck { .. } => {
                format!("waitForNewLeaderAck: {have} of {need}, deadline t={deadline} ms")
            }
            LeadPhase::StartZkServer { since } => {
                format!("startZkServer: zk.startup() since t={} ms", since.0)
            }
            LeadPhase::Broadcast => format!(
                "ping loop: tick {tick}, lastProposed {}, lastCommitted {}",
                last_proposed.short(),
                last_committed.short()
            ),
        },
        ThreadPhase::Accept { handlers } => format!("accept(): {handlers} LearnerHandler(s)"),
        ThreadPhase::Handle {
            phase,
            sync_mode: m,
            ..
        } => match phase {
            HandlerPhase::ReadLearnerInfo => "readRecord: FOLLOWERINFO/OBSERVERINFO".to_string(),
            HandlerPhase::GetEpochToPropose { .. } => {
                format!("getEpochToPropose: {have} of {need}, needs self, deadline t={deadline} ms")
            }
            HandlerPhase::ReadAckEpoch => "LEADERINFO sent; readRecord: ACKEPOCH".to_string(),
            HandlerPhase::WaitForEpochAck { .. } => {
                format!("waitForEpochAck: {have} of {need}, deadline t={deadline} ms")
            }
            HandlerPhase::ReadNewLeaderAck => {
                format!(
                    "syncFollower: {}; NEWLEADER sent; readRecord: ACK",
                    sync_mode(*m)
                )
            }
            HandlerPhase::WaitForNewLeaderAck { .. } => {
                format!("waitForNewLeaderAck: {have} of {need}, deadline t={deadline} ms")
            }
            HandlerPhase::WaitForStartup => {
                "waitForStartup: until startup()'s notifyAll".to_string()
            }
            HandlerPhase::StartForwarding => format!(
                "syncFollower: {}; startForwarding waits for the Leader's monitor",
                sync_mode(*m)
            ),
            HandlerPhase::Running => "UPTODATE sent; run: reading ACK/PING/REQUEST".to_string(),
        },
        ThreadPhase::Learn(step) => learner_step(t.thread, step),
        ThreadPhase::Fsync { txns, upto } => format!(
            "SyncRequestProcessor: fsync of {txns} txn(s) up to {}",
            upto.map_or(String::new(), |z| z.short())
        ),
    }
}

fn learner_step(thread: ThreadId, step: &LearnerStep) -> String {
    let info = match thread {
        ThreadId::ObserveLeader => PacketType::ObserverInfo,
        _ => PacketType::FollowerInfo,
    };
    match *step {
        LearnerStep::ConnectToLeader {
            leader,
            tries,
            sleeping: false,
        } => format!("connectToLeader: try {tries} of {MAX_CONNECT_TRIES} to leader {leader}"),
        LearnerStep::ConnectToLeader {
            tries,
            sleeping: true,
            ..
        } => format!(
            "connectToLeader: try {tries} failed; sleeping {LEADER_CONNECT_DELAY_DURING_RETRY_MS} ms"
        ),
        LearnerStep::RegisterWithLeader => {
            format!("registerWithLeader: {info} sent; readRecord LEADERINFO")
        }
        LearnerStep::AwaitSyncMode => "syncWithLeader: ACKEPOCH sent; reading DIFF/TRUNC/SNAP".to_string(),
        LearnerStep::Sync { mode, buffered } => format!(
            "syncWithLeader: {}, {buffered} proposals buffered",
            sync_mode(mode)
        ),
        LearnerStep::NewLeaderFsync { txns } => {
            format!("syncWithLeader: NEWLEADER — fsync of {txns} txns before currentEpoch")
        }
        LearnerStep::AwaitUpToDate => "syncWithLeader: NEWLEADER acked; waiting for UPTODATE".to_string(),
        LearnerStep::ProcessPacket {
            leader,
            last_queued,
            pending,
        } => format!(
            "processPacket: following {leader} (lastQueued {}, {pending} pending)",
            last_queued.short()
        ),
    }
}

/// What a thread is doing in a few words, for a card's one line (the full sentence is
/// [`phase`]); the wait's count and countdown are shown beside it.
pub fn brief(t: &ThreadView) -> String {
    match &t.phase {
        ThreadPhase::Run { state, .. } => match state {
            ServerState::Looking => "run: lookForLeader()".to_string(),
            ServerState::Following => "run: followLeader()".to_string(),
            ServerState::Leading => "run: lead()".to_string(),
            ServerState::Observing => "run: observeLeader()".to_string(),
        },
        ThreadPhase::LookForLeader(ElectionPhase::Poll {
            round, proposal, ..
        }) => format!("round {round}: votes for {proposal}"),
        ThreadPhase::LookForLeader(ElectionPhase::FinalizeWait { proposal, .. }) => {
            format!("finalizeWait: {proposal} has a quorum")
        }
        ThreadPhase::Lead { phase, tick, .. } => match phase {
            LeadPhase::GetEpochToPropose { .. } => "getEpochToPropose".to_string(),
            LeadPhase::WaitForEpochAck { .. } => "waitForEpochAck".to_string(),
            LeadPhase::WaitForNewLeaderAck { .. } => "waitForNewLeaderAck".to_string(),
            LeadPhase::StartZkServer { .. } => "startZkServer".to_string(),
            LeadPhase::Broadcast => format!("ping loop, tick {tick}"),
        },
        ThreadPhase::Accept { handlers } => format!("accept(): {handlers} handlers"),
        ThreadPhase::Handle {
            phase,
            sync_mode: m,
            ..
        } => match phase {
            HandlerPhase::ReadLearnerInfo => "reading LearnerInfo".to_string(),
            HandlerPhase::GetEpochToPropose { .. } => "getEpochToPropose".to_string(),
            HandlerPhase::ReadAckEpoch => "reading ACKEPOCH".to_string(),
            HandlerPhase::WaitForEpochAck { .. } => "waitForEpochAck".to_string(),
            HandlerPhase::ReadNewLeaderAck => format!("sent {}; reading ACK", sync_mode(*m)),
            HandlerPhase::WaitForNewLeaderAck { .. } => "waitForNewLeaderAck".to_string(),
            HandlerPhase::WaitForStartup => "waitForStartup".to_string(),
            HandlerPhase::StartForwarding => format!("{}: startForwarding", sync_mode(*m)),
            HandlerPhase::Running => "serving the learner".to_string(),
        },
        ThreadPhase::Learn(step) => match *step {
            LearnerStep::ConnectToLeader {
                leader,
                tries,
                sleeping,
            } => {
                if sleeping {
                    format!("connect to {leader}: retry {tries}")
                } else {
                    format!("connect to {leader}: try {tries}")
                }
            }
            LearnerStep::RegisterWithLeader => "registerWithLeader".to_string(),
            LearnerStep::AwaitSyncMode => "sync: reading DIFF/TRUNC/SNAP".to_string(),
            LearnerStep::Sync { mode, .. } => format!("syncWithLeader: {}", sync_mode(mode)),
            LearnerStep::NewLeaderFsync { .. } => "NEWLEADER: fsync first".to_string(),
            LearnerStep::AwaitUpToDate => "NEWLEADER acked; to UPTODATE".to_string(),
            LearnerStep::ProcessPacket { leader, .. } => format!("following {leader}"),
        },
        ThreadPhase::Fsync { txns, .. } => format!("fsync of {txns} txn(s)"),
    }
}
