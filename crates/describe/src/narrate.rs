//! Narration: one plain sentence saying what just happened, made from the event log so that it
//! is true for any run, faults included; the moments a person should not miss, in words; and
//! "why?" for the decisions that surprise: the election's winner, the epoch getEpochToPropose
//! chose, the sync mode syncFollower picked, and a wait that timed out — each with the numbers
//! of this run.
//!
//! Everything here reads a log slice that ends at the position shown and looks back at most
//! [`LOOKBACK`] entries, so its cost does not grow with the run.

use sim::moments::{Moment, QuorumWait};
use sim::trace::{LogEntry, LogEvent, Sent};
use zab::election::Notification;
use zab::leader::{HandlerPhase, LeadPhase, SyncReason};
use zab::message::Message;
use zab::output::EpochFile;
use zab::packet::{PacketData, PacketType, QuorumPacket};
use zab::peer::{ElectionPhase, LearnerStep, Monitor, ServerState, ThreadId, ThreadPhase, Wait};
use zab::reason::{Note, ShutdownReason};
use zab::{Epoch, Sid, Zxid};

use crate::reason::{note, reason, sync_mode};
use crate::thread::{monitor, thread_name, waiters};

/// How far back narration and "why?" look, in log entries.
pub const LOOKBACK: usize = 4_000;

/// What the narration line says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Narration {
    /// The log entry it tells of.
    pub index: u64,
    pub text: String,
    /// The servers it is about.
    pub sids: Vec<Sid>,
    pub why: Option<Why>,
}

/// The answer to "why?": the question, the numbers it was decided from, and the rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Why {
    pub question: String,
    pub facts: Vec<(String, String)>,
    pub answer: String,
}

/// What the newest notable entry of `log` says. `None` for an empty log or one with nothing
/// worth a sentence in its last [`LOOKBACK`] entries.
pub fn narrate(log: &[LogEntry]) -> Option<Narration> {
    let from = log.len().saturating_sub(LOOKBACK);
    (from..log.len())
        .rev()
        .find_map(|i| sentence(log, i).map(|(text, sids)| (i, text, sids)))
        .map(|(i, text, sids)| Narration {
            index: log[i].index,
            text,
            sids,
            why: why(log, i),
        })
}

/// A moment, in one line.
pub fn moment(m: &Moment) -> String {
    match m {
        Moment::LeaderElected { sid } => format!("server {sid} elected leader"),
        Moment::QuorumReached { leader, wait } => match wait {
            QuorumWait::Epoch => {
                format!("server {leader}: a quorum registered; getEpochToPropose chose the epoch")
            }
            QuorumWait::EpochAck => format!("server {leader}: a quorum sent ACKEPOCH"),
            QuorumWait::NewLeaderAck => format!("server {leader}: a quorum ACKed NEWLEADER"),
        },
        Moment::SyncChosen {
            leader,
            learner,
            mode,
        } => format!(
            "server {leader} syncs server {learner} by {}",
            sync_mode(*mode)
        ),
        Moment::Established { leader, epoch } => {
            format!("server {leader} established epoch {epoch}: broadcast begins")
        }
        Moment::WaitTimedOut { leader, reason: r } => {
            format!("server {leader} timed out: {}", reason(r))
        }
        Moment::LostQuorum { leader } => {
            format!("server {leader} lost its quorum and stepped down")
        }
    }
}

/// The sentence for entry `i`, if it is worth one.
fn sentence(log: &[LogEntry], i: usize) -> Option<(String, Vec<Sid>)> {
    use LogEvent::*;
    let e = &log[i].event;
    let one = |s: Sid, text: String| Some((text, vec![s]));
    match e {
        PeerStarted { sid } => one(
            *sid,
            format!(
                "server {sid} started (QuorumPeer.start): it loads its snapshot and txn log, then \
                 runs FastLeaderElection as LOOKING"
            ),
        ),
        StartupFailed { sid, .. } => one(*sid, format!("server {sid} could not start")),
        Crashed { sid } => one(
            *sid,
            format!(
                "server {sid} crashed: its threads stop, its connections close, and what it had \
                 not fsynced is lost"
            ),
        ),
        StateChange { sid, from, to } => one(*sid, state_change(log, i, *sid, *from, *to)),
        Thread { sid, view } => {
            let name = thread_name(view);
            let text = match &view.phase {
                ThreadPhase::Lead { phase, epoch, .. } => match phase {
                    LeadPhase::GetEpochToPropose { .. } => blocked(
                        *sid,
                        &name,
                        "getEpochToPropose",
                        view.wait.as_ref(),
                        "have registered",
                    ),
                    LeadPhase::WaitForEpochAck { .. } => blocked(
                        *sid,
                        &name,
                        "waitForEpochAck",
                        view.wait.as_ref(),
                        "have sent ACKEPOCH",
                    ),
                    LeadPhase::WaitForNewLeaderAck { .. } => blocked(
                        *sid,
                        &name,
                        "waitForNewLeaderAck",
                        view.wait.as_ref(),
                        "have ACKed NEWLEADER",
                    ),
                    LeadPhase::Broadcast if first_of_step(log, i) => format!(
                        "server {sid}'s Leader.lead ran startZkServer and entered its ping loop: \
                         epoch {epoch} is established and client writes can be proposed"
                    ),
                    LeadPhase::Broadcast => return None,
                },
                ThreadPhase::Handle { learner, phase, .. } => {
                    let who = learner.map_or("the learner".to_string(), |l| format!("server {l}"));
                    match phase {
                        HandlerPhase::ReadLearnerInfo => format!(
                            "server {sid}'s LearnerCnxAcceptor accepted a connection and started a \
                             LearnerHandler for it; it reads the learner's first packet, \
                             FOLLOWERINFO or OBSERVERINFO"
                        ),
                        HandlerPhase::GetEpochToPropose { .. } => blocked(
                            *sid,
                            &name,
                            "getEpochToPropose",
                            view.wait.as_ref(),
                            "have registered",
                        ),
                        HandlerPhase::ReadAckEpoch => format!(
                            "server {sid}'s {name} sent LEADERINFO with the new epoch to {who} \
                             and reads its ACKEPOCH"
                        ),
                        HandlerPhase::WaitForEpochAck { .. } => blocked(
                            *sid,
                            &name,
                            "waitForEpochAck",
                            view.wait.as_ref(),
                            "have sent ACKEPOCH",
                        ),
                        HandlerPhase::ReadNewLeaderAck => format!(
                            "server {sid}'s {name} queued the sync for {who}, then NEWLEADER, and \
                             reads the ACK of NEWLEADER"
                        ),
                        HandlerPhase::WaitForNewLeaderAck { .. } => blocked(
                            *sid,
                            &name,
                            "waitForNewLeaderAck",
                            view.wait.as_ref(),
                            "have ACKed NEWLEADER",
                        ),
                        HandlerPhase::WaitForStartup => format!(
                            "server {sid}'s {name} waits for the leader's server to start \
                             (waitForStartup) before it sends UPTODATE to {who}"
                        ),
                        HandlerPhase::Running if first_of_step(log, i) => format!(
                            "server {sid}'s {name} sent UPTODATE: {who} is synced and serves \
                             clients"
                        ),
                        HandlerPhase::Running => return None,
                    }
                }
                ThreadPhase::Learn(step) => learner_sentence(*sid, view.thread, step, log, i)?,
                ThreadPhase::LookForLeader(ElectionPhase::Poll {
                    round, proposal, ..
                }) => {
                    let (have, need) = view
                        .wait
                        .as_ref()
                        .map_or((0, 0), |w| (w.have.len(), w.need));
                    format!(
                        "server {sid}'s FastLeaderElection (round {round}) votes for server \
                         {proposal}; {have} of the {need} votes a quorum needs agree so far"
                    )
                }
                ThreadPhase::LookForLeader(ElectionPhase::FinalizeWait { proposal, .. }) => {
                    format!(
                        "server {sid} sees a quorum for server {proposal} and waits finalizeWait \
                     ({} ms) for a better vote before it decides",
                        zab::election::FINALIZE_WAIT_MS
                    )
                }
                ThreadPhase::Run { .. }
                | ThreadPhase::Accept { .. }
                | ThreadPhase::Fsync { .. } => return None,
            };
            one(*sid, text)
        }
        NotifyAll {
            sid,
            monitor: m,
            woke,
        } => {
            let what = match m {
                Monitor::ConnectingFollowers => {
                    "a quorum of voters has registered, so the new epoch is chosen"
                }
                Monitor::ElectingFollowers => "a quorum has acknowledged the new epoch",
                Monitor::NewLeaderProposal => "a quorum has ACKed NEWLEADER",
                _ => "its wait is over",
            };
            let who = if woke.is_empty() {
                "nobody else was waiting".to_string()
            } else {
                format!("it wakes {}", waiters(woke))
            };
            one(
                *sid,
                format!("server {sid}: {}.notifyAll(): {what}; {who}", monitor(*m)),
            )
        }
        Note { sid, note: n } => match n.as_ref() {
            zab::reason::Note::SyncFollower { learner, mode, .. } => Some((
                format!(
                    "server {sid}'s LearnerHandler-{learner} ran syncFollower and chose {} for \
                     server {learner}",
                    sync_mode(*mode)
                ),
                vec![*sid, *learner],
            )),
            zab::reason::Note::LeaderShutdown(r) => one(
                *sid,
                format!(
                    "server {sid} stops leading and goes back to LOOKING: {}",
                    reason(r)
                ),
            ),
            zab::reason::Note::LearnerShutdown(r) => one(
                *sid,
                format!(
                    "server {sid} stops following and goes back to LOOKING: {}",
                    reason(r)
                ),
            ),
            zab::reason::Note::LeadingStarted => None,
            other => one(*sid, format!("server {sid}: {}", note(*sid, other))),
        },
        Send(s) => send_sentence(s),
        Drop { msg, .. } => {
            let sent = sent_at(log, i, *msg)?;
            Some((
                format!(
                    "{} from server {} to server {} was lost: {}",
                    sent.message.kind(),
                    sent.from,
                    sent.to,
                    crate::event(e).split(": ").nth(1).unwrap_or("dropped")
                ),
                vec![sent.from, sent.to],
            ))
        }
        Partition { from, to, .. } => Some((
            format!(
                "the network between server {from} and server {to} is cut: {}",
                crate::event(e)
            ),
            vec![*from, *to],
        )),
        Heal => Some((
            "the network healed: every link works again".to_string(),
            vec![],
        )),
        Break { .. } => Some((
            format!("{}: both ends see it close", crate::event(e)),
            vec![],
        )),
        ConnectFailed { from, to, .. } => Some((
            format!("server {from} could not connect to server {to}: {}", {
                let line = crate::event(e);
                line.rsplit(": ").next().unwrap_or("").to_string()
            }),
            vec![*from, *to],
        )),
        Exit { sid, reason: r } => one(*sid, format!("server {sid} exits: {}", reason(r))),
        PersistEpoch { sid, file, epoch } => one(
            *sid,
            match file {
                EpochFile::Accepted => format!(
                    "server {sid} wrote acceptedEpoch={epoch} to disk: it has promised to follow \
                     epoch {epoch}"
                ),
                EpochFile::Current => format!(
                    "server {sid} wrote currentEpoch={epoch} to disk: it has the new epoch's \
                     history"
                ),
            },
        ),
        TruncateLog { sid, zxid, removed } => one(
            *sid,
            format!(
                "server {sid} truncated its txn log after {} (TRUNC): it removed {} txn(s) the \
                 leader never committed",
                zxid.short(),
                removed.len()
            ),
        ),
        TakeSnapshot { sid, zxid } => one(
            *sid,
            format!("server {sid} wrote a snapshot at {}", zxid.short()),
        ),
        ClientWrite { sid, op, taken } => one(
            *sid,
            if *taken {
                format!("a client sent {op} to server {sid}")
            } else {
                format!("a client sent {op} to server {sid}, which is not serving: refused")
            },
        ),
        Delay { .. } => Some((crate::event(e), vec![])),
        Connect { .. }
        | Accept { .. }
        | Connected { .. }
        | Close { .. }
        | Disconnected { .. }
        | Deliver { .. }
        | Timer { .. }
        | ThreadEnded { .. }
        | AppendTxn { .. }
        | Fsync { .. } => None,
    }
}

/// "server 3's Leader.lead is blocked in getEpochToPropose: 2 of 3 voters have registered
/// (1, 3); it needs one more".
fn blocked(sid: Sid, name: &str, method: &str, wait: Option<&Wait>, verb: &str) -> String {
    let Some(w) = wait else {
        return format!("server {sid}'s {name} is in {method}");
    };
    let have = w.have.len();
    let need = w.need as usize;
    let list = if w.have.is_empty() {
        String::new()
    } else {
        format!(" ({})", crate::sid_list(&w.have))
    };
    let missing = need.saturating_sub(have);
    let self_missing = w.needs_self.filter(|s| !w.have.contains(s));
    let needs = match (self_missing, missing) {
        (_, 0) => "that is a quorum".to_string(),
        (Some(_), 1) => "it needs the leader itself".to_string(),
        (Some(_), n) => format!("it needs the leader itself and {} more", n - 1),
        (None, 1) => "it needs one more".to_string(),
        (None, n) => format!("it needs {n} more"),
    };
    format!(
        "server {sid}'s {name} is blocked in {method}: {have} of {need} voters {verb}{list}; \
         {needs}"
    )
}

fn learner_sentence(
    sid: Sid,
    thread: ThreadId,
    step: &LearnerStep,
    log: &[LogEntry],
    i: usize,
) -> Option<String> {
    let (method, info) = match thread {
        ThreadId::ObserveLeader => ("Observer.observeLeader", "OBSERVERINFO"),
        _ => ("Follower.followLeader", "FOLLOWERINFO"),
    };
    Some(match *step {
        LearnerStep::ConnectToLeader {
            leader,
            tries,
            sleeping: false,
        } => format!(
            "server {sid}'s {method} connects to leader {leader} (try {tries} of {})",
            zab::learner::MAX_CONNECT_TRIES
        ),
        LearnerStep::ConnectToLeader {
            leader,
            sleeping: true,
            ..
        } => format!(
            "server {sid} could not reach leader {leader}; it sleeps {} ms and tries again",
            zab::learner::LEADER_CONNECT_DELAY_DURING_RETRY_MS
        ),
        LearnerStep::RegisterWithLeader => format!(
            "server {sid}'s {method} sent {info} (LearnerInfo: its sid, protocol version 0x10000, \
             config version; the zxid field carries its acceptedEpoch) and reads LEADERINFO"
        ),
        LearnerStep::AwaitSyncMode => format!(
            "server {sid} sent ACKEPOCH (its currentEpoch and lastLoggedZxid) and waits to learn \
             how it will be synced: DIFF, TRUNC or SNAP"
        ),
        LearnerStep::Sync { mode, buffered } => {
            if !first_of_step(log, i) {
                return None;
            }
            format!(
                "server {sid} is syncing by {} ({buffered} proposals buffered until NEWLEADER)",
                sync_mode(mode)
            )
        }
        LearnerStep::NewLeaderFsync { txns } => format!(
            "server {sid} read NEWLEADER: it makes its {txns} synced txn(s) durable, writes \
             currentEpoch, then ACKs"
        ),
        LearnerStep::AwaitUpToDate => {
            format!("server {sid} ACKed NEWLEADER and waits for UPTODATE")
        }
        LearnerStep::ProcessPacket { leader, .. } => {
            if !first_of_step(log, i) {
                return None;
            }
            format!("server {sid} read UPTODATE: it follows server {leader} in broadcast and serves clients")
        }
    })
}

/// Whether the thread view at `i` is the first of its kind of step (its previous view, if
/// any within [`LOOKBACK`], was a different step): the ping loop and the learner's packet loop
/// log a view per tick or proposal, and only the first is news.
fn first_of_step(log: &[LogEntry], i: usize) -> bool {
    let LogEvent::Thread { sid, view } = &log[i].event else {
        return true;
    };
    let kind = |p: &ThreadPhase| -> u8 {
        match p {
            ThreadPhase::Lead {
                phase: LeadPhase::Broadcast,
                ..
            } => 1,
            ThreadPhase::Handle {
                phase: HandlerPhase::Running,
                ..
            } => 2,
            ThreadPhase::Learn(LearnerStep::ProcessPacket { .. }) => 3,
            ThreadPhase::Learn(LearnerStep::Sync { .. }) => 4,
            _ => 0,
        }
    };
    let from = i.saturating_sub(LOOKBACK);
    for j in (from..i).rev() {
        match &log[j].event {
            LogEvent::Thread { sid: s, view: v } if s == sid && v.thread == view.thread => {
                return kind(&v.phase) != kind(&view.phase);
            }
            LogEvent::ThreadEnded { sid: s, thread } if s == sid && *thread == view.thread => {
                return true;
            }
            LogEvent::Crashed { sid: s } if s == sid => return true,
            _ => {}
        }
    }
    true
}

fn state_change(
    log: &[LogEntry],
    i: usize,
    sid: Sid,
    from: ServerState,
    to: ServerState,
) -> String {
    match (from, to) {
        (_, ServerState::Leading) => format!(
            "server {sid} won FastLeaderElection and is LEADING: Leader.lead starts \
             LearnerCnxAcceptor and waits for learners to register"
        ),
        (_, ServerState::Following) | (_, ServerState::Observing) => {
            let leader = elected(log, i, sid);
            let how = if to == ServerState::Following {
                "FOLLOWING"
            } else {
                "OBSERVING"
            };
            match leader {
                Some(l) => format!(
                    "server {sid} left FastLeaderElection {how} server {l}; next it connects to \
                     the leader"
                ),
                None => format!("server {sid} left FastLeaderElection {how}"),
            }
        }
        (_, ServerState::Looking) => format!(
            "server {sid} is LOOKING: lookForLeader starts a new round and sends its vote to \
             every server"
        ),
    }
}

/// The leader `sid` settled on when it left the election at entry `i`: the proposal of its
/// last election view before `i`, or the leader its learner thread connects to after it.
fn elected(log: &[LogEntry], i: usize, sid: Sid) -> Option<Sid> {
    let from = i.saturating_sub(LOOKBACK);
    let before = (from..i).rev().find_map(|j| match &log[j].event {
        LogEvent::Thread { sid: s, view } if *s == sid => match view.phase {
            ThreadPhase::LookForLeader(ElectionPhase::FinalizeWait { proposal, .. })
            | ThreadPhase::LookForLeader(ElectionPhase::Poll { proposal, .. }) => Some(proposal),
            _ => None,
        },
        _ => None,
    });
    before.or_else(|| {
        log[i..log.len().min(i + 64)]
            .iter()
            .find_map(|e| match &e.event {
                LogEvent::Thread { sid: s, view } if *s == sid => match view.phase {
                    ThreadPhase::Learn(LearnerStep::ConnectToLeader { leader, .. }) => Some(leader),
                    _ => None,
                },
                _ => None,
            })
    })
}

fn send_sentence(s: &Sent) -> Option<(String, Vec<Sid>)> {
    let (from, to) = (s.from, s.to);
    let text =
        match &s.message {
            Message::QcmHeader { .. } => return None,
            Message::Notification(n) => {
                format!(
            "server {from} tells server {to} its vote: server {} (zxid {}, peerEpoch {}), as \
             {:?} in electionEpoch {}",
            n.leader, n.zxid.short(), n.peer_epoch, n.state, n.election_epoch
        )
            }
            Message::Quorum(p) => match p.ty {
                PacketType::Ping => return None,
                _ => format!("server {from} → server {to}: {}", packet_words(p)),
            },
        };
    Some((text, vec![from, to]))
}

/// A quorum packet in plain words.
fn packet_words(p: &QuorumPacket) -> String {
    let z = p.zxid.short();
    match p.ty {
        PacketType::FollowerInfo | PacketType::ObserverInfo => {
            match &p.data {
                PacketData::LearnerInfo(li) => {
                    format!(
                "{} registers: LearnerInfo sid {}, protocol version 0x{:x}, config version \
                 {}; acceptedEpoch {} in the zxid",
                p.ty, li.serverid, li.protocol_version, li.config_version, p.zxid.epoch()
            )
                }
                _ => format!("{} with no LearnerInfo", p.ty),
            }
        }
        PacketType::LeaderInfo => format!("LEADERINFO proposes epoch {}", p.zxid.epoch()),
        PacketType::AckEpoch => match &p.data {
            PacketData::CurrentEpoch(e) if *e >= 0 => format!(
                "ACKEPOCH accepts the new epoch: its currentEpoch is {e}, its lastLoggedZxid {z}"
            ),
            _ => format!("ACKEPOCH: it had already accepted this epoch (lastLoggedZxid {z})"),
        },
        PacketType::Diff => format!("DIFF: the learner's log is kept; proposals up to {z} follow"),
        PacketType::Trunc => format!("TRUNC: the learner must drop every txn after {z}"),
        PacketType::Snap => format!("SNAP: the whole database follows, as of {z}"),
        PacketType::NewLeader => format!(
            "NEWLEADER for epoch {}: the sync is complete, ACK it",
            p.zxid.epoch()
        ),
        PacketType::UpToDate => "UPTODATE: start serving clients".to_string(),
        PacketType::Ack if p.zxid.counter() == 0 => {
            format!("ACK of NEWLEADER (epoch {})", p.zxid.epoch())
        }
        PacketType::Ack => format!("ACK of proposal {z}"),
        PacketType::Proposal => match &p.data {
            PacketData::Txn(t) => format!("PROPOSAL {z}: {}", t.op),
            _ => format!("PROPOSAL {z}"),
        },
        PacketType::Commit => format!("COMMIT {z}: apply it"),
        PacketType::Inform => format!("INFORM {z}: an observer learns a committed txn"),
        PacketType::Request => "REQUEST: a client write, forwarded to the leader".to_string(),
        _ => p.summary(),
    }
}

/// The send of message `msg`, looking back from `i`.
fn sent_at(log: &[LogEntry], i: usize, msg: sim::MsgId) -> Option<&Sent> {
    let from = i.saturating_sub(LOOKBACK);
    log[from..i].iter().rev().find_map(|e| match &e.event {
        LogEvent::Send(s) if s.msg == msg => Some(s.as_ref()),
        _ => None,
    })
}

// ---- why? ----

/// "Why?" for entry `i`, if it is a decision that surprises.
pub fn why(log: &[LogEntry], i: usize) -> Option<Why> {
    match &log[i].event {
        LogEvent::Note { sid, note } => match note.as_ref() {
            Note::SyncFollower { .. } => why_sync(log, i, *sid, note),
            Note::LeaderShutdown(r) | Note::LearnerShutdown(r) => why_timeout(log, i, *sid, r),
            _ => None,
        },
        LogEvent::StateChange { sid, from, to } if *from == ServerState::Looking => {
            why_election(log, i, *sid, *to)
        }
        LogEvent::NotifyAll {
            sid,
            monitor: Monitor::ConnectingFollowers,
            ..
        } => why_epoch(log, i, *sid),
        // The handler that just queued the sync: the decision it logged before it.
        LogEvent::Thread { sid, view } => match view.phase {
            ThreadPhase::Handle {
                learner: Some(learner),
                phase: HandlerPhase::ReadNewLeaderAck,
                ..
            } => {
                let from = i.saturating_sub(LOOKBACK);
                (from..i).rev().find_map(|j| match &log[j].event {
                    LogEvent::Note { sid: s, note } if s == sid => match note.as_ref() {
                        Note::SyncFollower { learner: l, .. } if *l == learner => {
                            why_sync(log, j, *sid, note)
                        }
                        _ => None,
                    },
                    _ => None,
                })
            }
            _ => None,
        },
        LogEvent::Send(s) => match &s.message {
            Message::Quorum(p)
                if matches!(
                    p.ty,
                    PacketType::Diff | PacketType::Trunc | PacketType::Snap
                ) =>
            {
                why_sync_of_send(log, i, s)
            }
            Message::Quorum(p) if p.ty == PacketType::LeaderInfo => {
                let at = notify_before(log, i, s.from)?;
                why_epoch(log, at, s.from)
            }
            _ => None,
        },
        _ => None,
    }
}

/// "Why DIFF / TRUNC / SNAP?" for the sync packet sent at `i`: the decision logged just before it.
pub fn why_sync_of_send(log: &[LogEntry], i: usize, s: &Sent) -> Option<Why> {
    let from = i.saturating_sub(LOOKBACK);
    (from..i).rev().find_map(|j| match &log[j].event {
        LogEvent::Note { sid, note } if *sid == s.from => match note.as_ref() {
            Note::SyncFollower { learner, .. } if *learner == s.to => why_sync(log, j, *sid, note),
            _ => None,
        },
        _ => None,
    })
}

fn why_sync(log: &[LogEntry], i: usize, leader: Sid, n: &Note) -> Option<Why> {
    let Note::SyncFollower {
        learner,
        peer_last_zxid: p,
        min_committed: min,
        max_committed: max,
        last_processed: lp,
        mode,
        reason: r,
    } = n
    else {
        return None;
    };
    let started = zk_server_started(log, i, leader);
    let mode = sync_mode(*mode);
    let (p_, min_, max_, lp_) = (p.short(), min.short(), max.short(), lp.short());
    let rule = match r {
        SyncReason::ForcedSnap => "forceSnapSync is set, so the leader always sends SNAP".to_string(),
        SyncReason::InSync => format!(
            "rule 2: peerLastZxid {p_} equals the leader's lastProcessedZxid {lp_}, so the learner \
             already has everything: an empty DIFF"
        ),
        SyncReason::PeerAheadOfCommittedLog => format!(
            "rule 3: peerLastZxid {p_} is above maxCommittedLog {max_} (and is not a new epoch's \
             first zxid): the learner holds txns the leader never committed, so TRUNC back to \
             {max_}"
        ),
        SyncReason::CommittedLog => format!(
            "rule 4: peerLastZxid {p_} lies within the committedLog, {min_} to {max_}: the leader \
             replays what came after it from memory ({mode})"
        ),
        SyncReason::TxnLogAndCommittedLog => format!(
            "rule 5: peerLastZxid {p_} is below minCommittedLog {min_}, but the txn log on disk \
             reaches back to it: DIFF from the txn log, then the committedLog"
        ),
        SyncReason::TxnLogGap => format!(
            "rule 5: peerLastZxid {p_} is below minCommittedLog {min_} and the txn log leaves a gap \
             before the committedLog: SNAP"
        ),
        SyncReason::TxnLogCannotServe => format!(
            "rule 5: peerLastZxid {p_} is below minCommittedLog {min_}, and the txn log cannot \
             serve it (it does not reach back to {p_}, or its txns would weigh more than a third \
             of the snapshot): SNAP"
        ),
        SyncReason::Unhandled => "none of the rules applies (\"Unhandled scenario\"): SNAP".to_string(),
        SyncReason::Zk1154Diff => "the ZOOKEEPER-1154 bug switch is on: the historic DIFF to a \
             peer that holds txns the leader lacks"
            .to_string(),
    };
    let mut answer =
        format!("syncFollower tries its rules in order and the first that applies wins: {rule}.");
    if *p == Zxid(0) && started && lp.counter() == 0 && lp.epoch().0 > 0 && mode == "SNAP" {
        answer.push_str(&format!(
            " The learner's log is empty, but the leader's lastProcessedZxid is {lp_}, not 0: \
             startZkServer has already run and set it to the new epoch's first zxid. A learner \
             that registered before that got an empty DIFF instead. Both are correct; only the \
             arrival time differs."
        ));
    }
    Some(Why {
        question: format!("Why {mode} for server {learner}?"),
        facts: vec![
            ("peerLastZxid (the learner's)".to_string(), p_),
            ("minCommittedLog".to_string(), min_),
            ("maxCommittedLog".to_string(), max_),
            ("lastProcessedZxid (the leader's)".to_string(), lp_),
            (
                "startZkServer has run".to_string(),
                if started { "yes" } else { "no" }.to_string(),
            ),
        ],
        answer,
    })
}

/// Whether `leader`'s startZkServer ran in its current term before entry `i` (its Leader.lead
/// reached the ping loop, which follows startZkServer).
fn zk_server_started(log: &[LogEntry], i: usize, leader: Sid) -> bool {
    let from = i.saturating_sub(LOOKBACK);
    for e in log[from..i].iter().rev() {
        match &e.event {
            LogEvent::Thread { sid, view } if *sid == leader => {
                if let ThreadPhase::Lead { phase, .. } = view.phase {
                    return phase == LeadPhase::Broadcast;
                }
            }
            LogEvent::StateChange { sid, .. } if *sid == leader => return false,
            _ => {}
        }
    }
    false
}

/// The index of `leader`'s connectingFollowers.notifyAll before `i`.
fn notify_before(log: &[LogEntry], i: usize, leader: Sid) -> Option<usize> {
    let from = i.saturating_sub(LOOKBACK);
    (from..i).rev().find(|&j| {
        matches!(&log[j].event, LogEvent::NotifyAll { sid, monitor: Monitor::ConnectingFollowers, .. } if *sid == leader)
    })
}

fn why_epoch(log: &[LogEntry], i: usize, leader: Sid) -> Option<Why> {
    let from = i.saturating_sub(LOOKBACK);
    // The term began at the leader's last state change to LEADING.
    let term = (from..i).rev().find(|&j| {
        matches!(&log[j].event, LogEvent::StateChange { sid, to: ServerState::Leading, .. } if *sid == leader)
    })?;
    let own = log[..term]
        .iter()
        .rev()
        .take(LOOKBACK)
        .find_map(|e| match &e.event {
            LogEvent::PersistEpoch {
                sid,
                file: EpochFile::Accepted,
                epoch,
            } if *sid == leader => Some(*epoch),
            _ => None,
        });
    let mut facts = vec![(
        format!("server {leader} (the leader) acceptedEpoch"),
        own.map_or("0 (none written yet)".to_string(), |e| e.to_string()),
    )];
    let mut max = own.unwrap_or(Epoch(0));
    for e in &log[term..i] {
        if let LogEvent::Deliver { send_index, to, .. } = &e.event {
            if *to != leader {
                continue;
            }
            let Some(sent) = log
                .get(send_index.saturating_sub(log[0].index) as usize)
                .and_then(|s| s.event.sent())
            else {
                continue;
            };
            if let Message::Quorum(p) = &sent.message {
                if matches!(p.ty, PacketType::FollowerInfo | PacketType::ObserverInfo) {
                    let e = p.zxid.epoch();
                    max = max.max(e);
                    facts.push((
                        format!("server {} acceptedEpoch ({})", sent.from, p.ty),
                        e.to_string(),
                    ));
                }
            }
        }
    }
    let chosen = log[i..log.len().min(i + 200)]
        .iter()
        .find_map(|e| match e.event.sent_packet() {
            Some((f, _, p)) if f == leader && p.ty == PacketType::LeaderInfo => {
                Some(p.zxid.epoch())
            }
            _ => None,
        })
        .unwrap_or(Epoch(max.0 + 1));
    facts.push((
        "the epoch proposed (LEADERINFO)".to_string(),
        chosen.to_string(),
    ));
    Some(Why {
        question: format!("Why epoch {chosen}?"),
        facts,
        answer: format!(
            "getEpochToPropose keeps the largest acceptedEpoch among the servers that register \
             before a quorum is in, the leader's own included, and proposes one more: {} + 1 = \
             {chosen}. It blocks until a quorum of voters, the leader among them, has \
             registered, so the new epoch is above any epoch a quorum could have accepted.",
            max
        ),
    })
}

fn why_election(log: &[LogEntry], i: usize, sid: Sid, to: ServerState) -> Option<Why> {
    let winner = if to == ServerState::Leading {
        sid
    } else {
        elected(log, i, sid)?
    };
    // Each candidate's own vote: the newest notification in which a server proposes itself.
    let from = i.saturating_sub(LOOKBACK);
    let mut own: std::collections::BTreeMap<Sid, &Notification> = Default::default();
    for e in &log[from..i] {
        if let Some(Sent {
            from,
            message: Message::Notification(n),
            ..
        }) = e.event.sent()
        {
            if n.leader == *from && n.state == ServerState::Looking {
                own.insert(*from, n);
            }
        }
    }
    let key = |n: &Notification| (n.peer_epoch, n.zxid, n.leader);
    let win = own.get(&winner).copied()?;
    let runner_up = own
        .values()
        .filter(|n| n.leader != winner)
        .max_by_key(|n| key(n))
        .copied();
    let facts = own
        .values()
        .map(|n| {
            (
                format!("server {}'s own vote", n.leader),
                format!(
                    "peerEpoch {}, zxid {}, sid {}",
                    n.peer_epoch,
                    n.zxid.short(),
                    n.leader
                ),
            )
        })
        .collect();
    let decided = match runner_up {
        Some(r) if r.peer_epoch != win.peer_epoch => format!(
            "server {winner}'s peerEpoch {} is higher than server {}'s {}",
            win.peer_epoch, r.leader, r.peer_epoch
        ),
        Some(r) if r.zxid != win.zxid => format!(
            "the peerEpochs tie, and server {winner}'s zxid {} is higher than server {}'s {}",
            win.zxid.short(),
            r.leader,
            r.zxid.short()
        ),
        Some(r) => format!(
            "peerEpoch and zxid tie ({}, {}), so the higher sid wins: {winner} over {}",
            win.peer_epoch,
            win.zxid.short(),
            r.leader
        ),
        None => format!("server {winner} was the only candidate seen"),
    };
    Some(Why {
        question: format!("Why server {winner}?"),
        facts,
        answer: format!(
            "totalOrderPredicate orders votes by peerEpoch, then zxid, then sid, and every server \
             switches to the best vote it hears: {decided}. Once a quorum agreed on server \
             {winner} and finalizeWait passed with no better vote, server {sid} decided."
        ),
    })
}

fn why_timeout(log: &[LogEntry], i: usize, sid: Sid, r: &ShutdownReason) -> Option<Why> {
    let (method, wanted): (&str, fn(&ThreadPhase) -> bool) = match r {
        ShutdownReason::EpochTimeout => ("getEpochToPropose", |p| {
            matches!(
                p,
                ThreadPhase::Lead {
                    phase: LeadPhase::GetEpochToPropose { .. },
                    ..
                }
            )
        }),
        ShutdownReason::EpochAckTimeout => ("waitForEpochAck", |p| {
            matches!(
                p,
                ThreadPhase::Lead {
                    phase: LeadPhase::WaitForEpochAck { .. },
                    ..
                }
            )
        }),
        ShutdownReason::NewLeaderAckTimeout | ShutdownReason::QuorumNotSynced { .. } => {
            ("waitForNewLeaderAck", |p| {
                matches!(
                    p,
                    ThreadPhase::Lead {
                        phase: LeadPhase::WaitForNewLeaderAck { .. },
                        ..
                    }
                )
            })
        }
        ShutdownReason::ReadTimedOut => ("a blocking socket read", |p| {
            matches!(p, ThreadPhase::Learn(_) | ThreadPhase::Handle { .. })
        }),
        _ => return None,
    };
    let from = i.saturating_sub(LOOKBACK);
    let w = log[from..i].iter().rev().find_map(|e| match &e.event {
        LogEvent::Thread { sid: s, view } if *s == sid && wanted(&view.phase) => view.wait.clone(),
        _ => None,
    })?;
    let span = w.deadline.0.saturating_sub(w.since.0);
    let limit = if method == "a blocking socket read" {
        format!("its soTimeout, {span} ms")
    } else {
        format!("initLimit × tickTime = {span} ms")
    };
    let mut facts = vec![
        (
            "the wait began".to_string(),
            format!("t = {} ms", w.since.0),
        ),
        (
            "its deadline".to_string(),
            format!("t = {} ms ({limit} later)", w.deadline.0),
        ),
    ];
    if w.need > 0 {
        facts.push((
            "in the set at the deadline".to_string(),
            format!(
                "{} of {} ({})",
                w.have.len(),
                w.need,
                crate::sid_list(&w.have)
            ),
        ));
    }
    Some(Why {
        question: format!("Why did {method} time out?"),
        facts,
        answer: format!(
            "server {sid} began waiting in {method} at t = {} ms; the deadline was set then, {limit} \
             ahead, and it passed before the wait was satisfied, so server {sid} gave up: {}.",
            w.since.0,
            reason(r)
        ),
    })
}

#[cfg(test)]
mod tests;
