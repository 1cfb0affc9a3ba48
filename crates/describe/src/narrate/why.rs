//! "Why?" for the decisions that surprise, with this run's numbers: the election's winner
//! (totalOrderPredicate), the epoch getEpochToPropose chose, the mode syncFollower picked, and
//! a wait that timed out. Each reads the log slice that ends at the decision and looks back at
//! most [`LOOKBACK`] entries.

use super::{elected, LOOKBACK};
use crate::reason::{reason, sync_mode};
use sim::trace::{LogEntry, LogEvent, Sent};
use zab::election::Notification;
use zab::leader::{HandlerPhase, LeadPhase, SyncReason};
use zab::message::Message;
use zab::output::EpochFile;
use zab::packet::PacketType;
use zab::peer::{Monitor, ServerState, ThreadPhase};
use zab::reason::{Note, ShutdownReason};
use zab::{Epoch, Sid, Zxid};

/// The answer to "why?": the question, the numbers it was decided from, and the rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Why {
    pub question: String,
    pub facts: Vec<(String, String)>,
    pub answer: String,
}

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
