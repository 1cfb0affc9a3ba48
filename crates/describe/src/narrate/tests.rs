//! Narration and "why?" over real runs: each answer is checked against the log it came from.

use super::*;
use sim::scenario::Scenario;
use zab::leader::SyncMode;
use zab::reason::{Note, ShutdownReason};
use zab::Zxid;

fn log_of(s: Scenario, seed: u64, until_ms: u64) -> Vec<LogEntry> {
    let mut sim = s.build(seed);
    sim.run_until(zab::Time(until_ms));
    sim.log().to_vec()
}

fn find(log: &[LogEntry], f: impl Fn(&LogEvent) -> bool) -> usize {
    log.iter()
        .position(|e| f(&e.event))
        .expect("the run has it")
}

#[test]
fn every_prefix_of_a_startup_has_a_sentence_about_an_entry_inside_it() {
    let log = log_of(Scenario::FreshStart, 1, 6_000);
    for end in 1..=log.len() {
        let n = narrate(&log[..end]).expect("a started server is always worth a sentence");
        assert!(n.index <= log[end - 1].index);
        assert!(!n.text.is_empty() && !n.text.contains("{"), "{}", n.text);
    }
}

#[test]
fn the_epoch_wait_is_narrated_with_its_count_and_what_it_still_needs() {
    let log = log_of(Scenario::FreshStart, 1, 6_000);
    let i = find(&log, |e| {
        matches!(e, LogEvent::Thread { view, .. } if matches!(view.phase,
            ThreadPhase::Lead { phase: LeadPhase::GetEpochToPropose { .. }, .. }))
    });
    let n = narrate(&log[..=i]).expect("the run has it");
    let LogEvent::Thread { sid, view } = &log[i].event else {
        unreachable!()
    };
    let w = view.wait.as_ref().expect("the run has it");
    assert_eq!(n.index, log[i].index);
    assert!(
        n.text.starts_with(&format!(
            "server {sid}'s Leader.lead is blocked in getEpochToPropose: {} of {} voters",
            w.have.len(),
            w.need
        )),
        "{}",
        n.text
    );
    assert!(n.text.contains("needs"), "{}", n.text);
}

#[test]
fn why_sync_shows_the_numbers_sync_follower_decided_from() {
    let log = log_of(Scenario::FreshStart, 1, 6_000);
    let notes: Vec<usize> = log
        .iter()
        .enumerate()
        .filter(|(_, e)| matches!(&e.event, LogEvent::Note { note, .. } if matches!(note.as_ref(), Note::SyncFollower { .. })))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(notes.len(), 2);
    for i in notes {
        let LogEvent::Note { note, .. } = &log[i].event else {
            unreachable!()
        };
        let Note::SyncFollower {
            learner,
            peer_last_zxid,
            last_processed,
            mode,
            ..
        } = note.as_ref()
        else {
            unreachable!()
        };
        let n = narrate(&log[..=i]).expect("the run has it");
        let w = n.why.expect("a sync decision has a why");
        assert_eq!(
            w.question,
            format!("Why {} for server {learner}?", sync_mode(*mode))
        );
        assert!(w.facts.contains(&(
            "peerLastZxid (the learner's)".to_string(),
            peer_last_zxid.short()
        )));
        assert!(w.facts.contains(&(
            "lastProcessedZxid (the leader's)".to_string(),
            last_processed.short()
        )));
        // A fresh learner (zxid 0) is in sync until startZkServer moves lastProcessedZxid.
        if *last_processed == Zxid(0) {
            assert_eq!(*mode, SyncMode::Diff);
            assert!(w.answer.contains("rule 2"), "{}", w.answer);
        } else {
            assert_eq!(*mode, SyncMode::Snap);
            assert!(
                w.answer.contains("startZkServer has already run"),
                "{}",
                w.answer
            );
        }
        // The DIFF/SNAP packet itself answers the same question.
        let send = (i..log.len())
            .find(|&j| {
                matches!(log[j].event.sent_packet(), Some((_, to, p)) if to == *learner
                && matches!(p.ty, PacketType::Diff | PacketType::Snap))
            })
            .expect("the run has it");
        let LogEvent::Send(s) = &log[send].event else {
            unreachable!()
        };
        assert_eq!(
            why_sync_of_send(&log, send, s)
                .expect("the run has it")
                .question,
            w.question
        );
    }
}

#[test]
fn why_epoch_is_one_more_than_the_largest_accepted_epoch_and_matches_leaderinfo() {
    for (s, seed, until) in [
        (Scenario::FreshStart, 1, 6_000),
        (Scenario::LeaderCrash, 2, 30_000),
    ] {
        let log = log_of(s, seed, until);
        let notifies: Vec<usize> = log
            .iter()
            .enumerate()
            .filter(|(_, e)| {
                matches!(
                    &e.event,
                    LogEvent::NotifyAll {
                        monitor: Monitor::ConnectingFollowers,
                        ..
                    }
                )
            })
            .map(|(i, _)| i)
            .collect();
        assert!(!notifies.is_empty());
        for i in notifies {
            let w = why(&log, i).expect("an epoch choice has a why");
            let epochs: Vec<i64> = w.facts[..w.facts.len() - 1]
                .iter()
                .map(|(_, v)| {
                    v.split(' ')
                        .next()
                        .expect("the run has it")
                        .parse()
                        .expect("the run has it")
                })
                .collect();
            let chosen: i64 = w
                .facts
                .last()
                .expect("the run has it")
                .1
                .parse()
                .expect("the run has it");
            assert_eq!(
                chosen,
                epochs.iter().max().expect("the run has it") + 1,
                "{w:?}"
            );
            assert_eq!(w.question, format!("Why epoch {chosen}?"));
        }
    }
}

#[test]
fn why_election_names_the_vote_with_the_highest_epoch_zxid_and_sid() {
    let log = log_of(Scenario::LeaderCrash, 2, 30_000);
    let changes: Vec<usize> = log
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            matches!(
                &e.event,
                LogEvent::StateChange {
                    from: ServerState::Looking,
                    to: ServerState::Leading,
                    ..
                }
            )
        })
        .map(|(i, _)| i)
        .collect();
    assert!(
        changes.len() >= 2,
        "the leader crashes and another is elected"
    );
    for i in changes {
        let LogEvent::StateChange { sid, .. } = &log[i].event else {
            unreachable!()
        };
        let w = why(&log, i).expect("an election has a why");
        assert_eq!(w.question, format!("Why server {sid}?"));
        // The winner's own vote is the largest (peerEpoch, zxid, sid) among the candidates.
        let parse = |v: &str| -> (i64, String, u64) {
            let parts: Vec<&str> = v.split(", ").collect();
            let ep = parts[0]
                .trim_start_matches("peerEpoch ")
                .parse()
                .expect("the run has it");
            let z = parts[1].trim_start_matches("zxid ").to_string();
            let s = parts[2]
                .trim_start_matches("sid ")
                .parse()
                .expect("the run has it");
            (ep, z, s)
        };
        let best = w.facts.iter().map(|(_, v)| parse(v)).max_by(|a, b| {
            let za =
                a.1.split(':')
                    .map(|x| x.parse::<u64>().unwrap_or(0))
                    .collect::<Vec<_>>();
            let zb =
                b.1.split(':')
                    .map(|x| x.parse::<u64>().unwrap_or(0))
                    .collect::<Vec<_>>();
            (a.0, za, a.2).cmp(&(b.0, zb, b.2))
        });
        assert_eq!(best.expect("the run has it").2, sid.0 as u64, "{w:?}");
    }
}

#[test]
fn why_timeout_gives_the_wait_its_start_and_initlimit_ticks() {
    let log = log_of(Scenario::NoQuorum, 1, 30_000);
    let i = find(&log, |e| {
        matches!(e, LogEvent::Note { note, .. }
        if **note == Note::LeaderShutdown(ShutdownReason::EpochTimeout))
    });
    let w = why(&log, i).expect("a timeout has a why");
    assert_eq!(w.question, "Why did getEpochToPropose time out?");
    let cfg = zab::config::QuorumConfig::standard(3, 0).expect("the run has it");
    let limit = cfg.init_limit_ms();
    assert!(
        w.facts[1]
            .1
            .contains(&format!("initLimit × tickTime = {limit} ms")),
        "{w:?}"
    );
}

#[test]
fn moments_read_as_sentences() {
    let log = log_of(Scenario::FreshStart, 1, 6_000);
    let ms = sim::moments::moments(&log);
    assert!(ms.iter().any(|(_, m)| moment(m).contains("elected leader")));
    assert!(ms
        .iter()
        .any(|(_, m)| moment(m).contains("established epoch 1")));
}

#[test]
fn a_learner_acks_newleader_and_then_uptodate_and_the_narration_says_which() {
    let log = log_of(Scenario::FreshStart, 1, 6_000);
    for learner in [zab::Sid(1), zab::Sid(2)] {
        let acks: Vec<String> = (0..log.len())
            .filter(|&i| {
                matches!(log[i].event.sent_packet(), Some((f, _, p)) if f == learner
                    && p.ty == PacketType::Ack && p.zxid.counter() == 0)
            })
            .map(|i| narrate(&log[..=i]).expect("a send is narrated").text)
            .collect();
        assert_eq!(acks.len(), 2, "{acks:?}");
        assert!(acks[0].contains("ACK of NEWLEADER"), "{}", acks[0]);
        assert!(acks[1].contains("ACK of UPTODATE"), "{}", acks[1]);
    }
}
