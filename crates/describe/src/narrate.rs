//! Narration: one plain sentence saying what just happened, made from the event log so that it
//! is true for any run, faults included, and the moments a person should not miss, in words.
//! The "why?" of the decisions it tells of is [`why`] (its own module).
//!
//! Everything here reads a log slice that ends at the position shown and looks back at most
//! [`LOOKBACK`] entries, so its cost does not grow with the run.

use sim::moments::{Moment, QuorumWait};
use sim::trace::{LogEntry, LogEvent, Sent};
use zab::leader::{HandlerPhase, LeadPhase};
use zab::message::Message;
use zab::output::EpochFile;
use zab::packet::{PacketData, PacketType, QuorumPacket};
use zab::peer::{ElectionPhase, LearnerStep, Monitor, ServerState, ThreadId, ThreadPhase, Wait};
use zab::Sid;

use crate::event::{connect_failure, drop_cause};
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
        Paused { sid } => one(
            *sid,
            format!(
                "server {sid} is paused (SIGSTOP, or a long GC pause): none of its threads or \
                 timers run, but its connections stay up and its kernel buffers what arrives, \
                 so its peers notice only when their read timeouts expire"
            ),
        ),
        Resumed { sid, paused_ms } => one(
            *sid,
            format!(
                "server {sid} resumed after {paused_ms} ms, still believing what it believed \
                 when it stopped: its overdue timers fire first, then it reads what arrived \
                 meanwhile"
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
                    LeadPhase::StartZkServer { .. } => format!(
                        "server {sid}'s Leader.lead has its NEWLEADER quorum and runs \
                         startZkServer: zk.startup() builds the request processors; until it \
                         returns, the leader's lastProcessedZxid is still the old one"
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
                        HandlerPhase::StartForwarding => format!(
                            "server {sid}'s {name} chose how to sync {who}, but startForwarding \
                             must wait: startZkServer holds the Leader's monitor"
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
        Send(s) => send_sentence(log, i, s),
        Drop { msg, reason, .. } => {
            let sent = sent_at(log, i, *msg)?;
            Some((
                format!(
                    "{} from server {} to server {} was lost: {}",
                    sent.message.kind(),
                    sent.from,
                    sent.to,
                    drop_cause(*reason)
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
        ConnectFailed {
            from, to, reason, ..
        } => Some((
            format!(
                "server {from} could not connect to server {to}: {}",
                connect_failure(*reason)
            ),
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
        Client { client, sid, event } => {
            crate::client::client_sentence(*client, *sid, event).map(|t| (t, vec![*sid]))
        }
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

fn send_sentence(log: &[LogEntry], i: usize, s: &Sent) -> Option<(String, Vec<Sid>)> {
    let (from, to) = (s.from, s.to);
    let text = match &s.message {
        Message::QcmHeader { .. } => return None,
        Message::Notification(n) => {
            let vote = format!(
                "server {} (zxid {}, peerEpoch {})",
                n.leader,
                n.zxid.short(),
                n.peer_epoch
            );
            format!(
                "server {from} tells server {to} its vote: {vote}, as {:?} in electionEpoch {}",
                n.state, n.election_epoch
            )
        }
        Message::Quorum(p) if p.ty == PacketType::Ping => return None,
        // The learner ACKs NEWLEADER and then UPTODATE with the same zxid (epoch:0): which one
        // this is, is the last of the two it read on this connection.
        Message::Quorum(p) if p.ty == PacketType::Ack && p.zxid.counter() == 0 => {
            let acked = acked_packet(log, i, s).unwrap_or(PacketType::NewLeader);
            format!(
                "server {from} → server {to}: ACK of {acked} (epoch {})",
                p.zxid.epoch()
            )
        }
        Message::Quorum(p) => format!("server {from} → server {to}: {}", packet_words(p)),
    };
    Some((text, vec![from, to]))
}

/// NEWLEADER or UPTODATE: the last of them delivered to the sender of `s` on its connection,
/// looking back from `i`.
fn acked_packet(log: &[LogEntry], i: usize, s: &Sent) -> Option<PacketType> {
    let base = log.first()?.index;
    let from = i.saturating_sub(LOOKBACK);
    log[from..i].iter().rev().find_map(|e| match &e.event {
        LogEvent::Deliver { send_index, to, .. } if *to == s.from => {
            let sent = log
                .get(send_index.checked_sub(base)? as usize)?
                .event
                .sent()?;
            match &sent.message {
                Message::Quorum(p)
                    if sent.conn == s.conn
                        && matches!(p.ty, PacketType::NewLeader | PacketType::UpToDate) =>
                {
                    Some(p.ty)
                }
                _ => None,
            }
        }
        _ => None,
    })
}

/// A quorum packet in plain words.
fn packet_words(p: &QuorumPacket) -> String {
    let z = p.zxid.short();
    match p.ty {
        PacketType::FollowerInfo | PacketType::ObserverInfo => match &p.data {
            PacketData::LearnerInfo(li) => format!(
                "{} registers: LearnerInfo sid {}, protocol version 0x{:x}, config version {}; \
                 acceptedEpoch {} in the zxid",
                p.ty,
                li.serverid,
                li.protocol_version,
                li.config_version,
                p.zxid.epoch()
            ),
            _ => format!("{} with no LearnerInfo", p.ty),
        },
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

mod why;
pub use why::{why, why_sync_of_send, Why};

#[cfg(test)]
mod tests;
