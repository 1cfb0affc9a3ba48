//! The tour's steps, walked natively: every step is placed, what it highlights is there, the
//! story goes forward, and chapter 7's running line comes from the simulation.

use super::pseudo::{LINE_NOTIFY, LINE_RETURN, LINE_WAIT};
use super::*;
use sim::session::Session;
use std::collections::BTreeMap;
use zab::leader::LeadPhase;
use zab::peer::{Monitor, ServerState, ThreadId, ThreadPhase};

fn session_at(run: TourRun, pos: u64) -> Session {
    let mut s = Session::new(run.spec()).expect("tour runs start");
    s.seek(pos);
    assert_eq!(s.position(), pos, "{run:?} reaches {pos}");
    s
}

/// The entries the event at `pos` logged (the matched entry among them).
fn logged_by_last_event(run: TourRun, pos: u64) -> Vec<sim::LogEntry> {
    let before = session_at(run, pos - 1).log().len();
    session_at(run, pos).log()[before..].to_vec()
}

#[test]
fn test_every_step_is_placed_and_its_highlight_is_there() {
    let plan = resolve();
    assert_eq!(plan.stops.len(), step_count());
    for (i, stop) in plan.stops.iter().enumerate() {
        let step = step(i).expect("step");
        let stop = stop
            .as_ref()
            .unwrap_or_else(|e| panic!("step {i} {:?}: {e}", step.title));
        let s = session_at(step.run, stop.pos);
        let sim = s.sim();
        // The matched entry is in the log there, logged by the event just run.
        assert!(stop.entry < s.log().len(), "step {i}");
        assert!(
            (step.place.test)(sim, &s.log()[stop.entry]),
            "step {i}: the entry at {} is {}",
            stop.entry,
            step.place.what
        );
        let just = logged_by_last_event(step.run, stop.pos);
        assert!(
            just.iter().any(|e| e.index == s.log()[stop.entry].index),
            "step {i}: it stands just after the event it talks about"
        );
        if step.spot.who != Who::Nobody {
            assert!(
                !stop.sids.is_empty(),
                "step {i} {:?} points at someone",
                step.title
            );
        }
        for sid in &stop.sids {
            assert!(
                sim.sids().any(|x| x == *sid),
                "step {i}: server {sid} exists"
            );
        }
        if step.spot.who == Who::Leader {
            for sid in &stop.sids {
                let st = sim.peer(*sid).map(|p| p.state());
                assert_eq!(st, Some(ServerState::Leading), "step {i}: {sid} leads");
            }
        }
        if !step.spot.kinds.is_empty() {
            let flying: Vec<&str> = sim.in_flight().map(|m| m.message.kind()).collect();
            assert!(
                step.spot.kinds.iter().any(|k| flying.contains(k)),
                "step {i} {:?}: one of {:?} is in flight (in flight: {flying:?})",
                step.title,
                step.spot.kinds
            );
        }
    }
}

#[test]
fn test_the_story_goes_forward_in_each_run() {
    let plan = resolve();
    let mut last: BTreeMap<TourRun, u64> = BTreeMap::new();
    for (i, stop) in plan.stops.iter().enumerate() {
        let run = step(i).expect("step").run;
        let pos = stop.as_ref().expect("placed").pos;
        let before = last.insert(run, pos).unwrap_or(0);
        assert!(
            pos >= before,
            "step {i} ({run:?}) at {pos} comes after {before}"
        );
    }
    assert!(plan
        .stops
        .iter()
        .flatten()
        .all(|s| s.pos <= MAX_RESOLVE_EVENTS));
}

#[test]
fn test_resolving_is_deterministic() {
    assert_eq!(resolve(), resolve());
}

#[test]
fn test_chapter_7_reads_its_running_line_from_the_thread_state() {
    let plan = resolve();
    let first = first_step_of(7).expect("chapter 7");
    let ch = &CHAPTERS[6];
    assert!(
        ch.steps.iter().all(|s| s.code),
        "every step of chapter 7 shows the code"
    );
    // Step 1: Leader.lead is really blocked on connectingFollowers, and the line says so.
    let stop = plan.stop(first).expect("placed");
    let s = session_at(TourRun::Startup, stop.pos);
    let leader = stop.sids[0];
    let lead = s
        .sim()
        .peer(leader)
        .expect("up")
        .threads()
        .into_iter()
        .find(|t| t.thread == ThreadId::Lead)
        .expect("lead() runs");
    assert!(matches!(
        lead.phase,
        ThreadPhase::Lead {
            phase: LeadPhase::GetEpochToPropose { .. },
            ..
        }
    ));
    assert_eq!(
        lead.wait.as_ref().map(|w| w.monitor),
        Some(Monitor::ConnectingFollowers)
    );
    let just = logged_by_last_event(TourRun::Startup, stop.pos);
    assert_eq!(
        running_line(s.sim(), &just, leader),
        Some((LINE_WAIT, "Leader.lead()"))
    );
    assert!(EPOCH_WAIT_CODE[LINE_WAIT].text.starts_with("else: wait"));
    // Step 2: the notifyAll.
    let stop = plan.stop(first + 1).expect("placed");
    let s = session_at(TourRun::Startup, stop.pos);
    let just = logged_by_last_event(TourRun::Startup, stop.pos);
    assert_eq!(
        running_line(s.sim(), &just, leader).map(|l| l.0),
        Some(LINE_NOTIFY)
    );
    assert!(EPOCH_WAIT_CODE[LINE_NOTIFY].text.starts_with("notifyAll()"));
    // One event later the woken Leader.lead() has returned from the call.
    let later = session_at(TourRun::Startup, stop.pos + 1);
    let just = logged_by_last_event(TourRun::Startup, stop.pos + 1);
    if !just
        .iter()
        .any(|e| matches!(e.event, sim::LogEvent::NotifyAll { .. }))
    {
        assert_eq!(
            running_line(later.sim(), &just, leader).map(|l| l.0),
            Some(LINE_RETURN)
        );
    }
    // Before lead() runs, no line is marked.
    let start = session_at(TourRun::Startup, 1);
    assert_eq!(running_line(start.sim(), &[], leader), None);
}

#[test]
fn test_chapters_and_steps_are_numbered_for_links() {
    assert_eq!(CHAPTERS.len(), 12);
    assert_eq!(first_step_of(1), Some(0));
    assert_eq!(first_step_of(0), None);
    assert_eq!(first_step_of(13), None);
    for n in 1..=12 {
        let s = first_step_of(n).expect("chapter");
        assert_eq!(locate(s), Some((n - 1, 0)));
    }
    assert_eq!(locate(step_count()), None);
    for c in CHAPTERS {
        assert!(!c.steps.is_empty() && !c.title.is_empty());
        for s in c.steps {
            assert!(!s.text.is_empty() && s.text.iter().all(|p| !p.is_empty()));
        }
    }
    let tasks: Vec<Task> = CHAPTERS[11].steps.iter().filter_map(|s| s.task).collect();
    assert_eq!(tasks, vec![Task::CrashLeader, Task::CutQuorum]);
}

/// `cargo test --lib print_the_plan -- --nocapture --ignored` lists where each step stands.
#[test]
#[ignore]
fn print_the_plan() {
    let plan = resolve();
    for (i, stop) in plan.stops.iter().enumerate() {
        let st = step(i).expect("step");
        match stop {
            Ok(s) => {
                let session = session_at(st.run, s.pos);
                println!(
                    "{i:2} {:?} pos {} t={} {:?} {:?} — {}",
                    st.run,
                    s.pos,
                    session.sim().now().0,
                    s.sids,
                    s.kinds,
                    st.title
                );
            }
            Err(e) => println!("{i:2} {e}"),
        }
    }
}
