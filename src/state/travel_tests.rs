//! Time travel through the reducer, natively: seeking equals live play, the step table
//! matches a replay, forks are noticed, phase jumps land on boundaries, links and imports
//! rebuild the same view.

use super::*;
use crate::link::Link;
use crate::time_travel::diagram::{DiagramAction, DiagramSettings};
use crate::time_travel::log_index::KindGroup;
use crate::time_travel::{SharedSession, TravelAction};
use crate::view_model::speed::Speed;
use sim::scenario::Scenario;
use sim::session::{RunSpec, Session, UserAction};
use sim::trace_file::{read_trace, write_trace};
use zab::Sid;

fn travel(s: &mut UiState, a: TravelAction) {
    s.apply(Action::Travel(a));
}

fn position(s: &UiState) -> u64 {
    s.session().expect("running").position()
}

fn hash(s: &UiState) -> u64 {
    s.session().expect("running").trace_hash()
}

/// The table must say, for every position, what a fresh replay says.
fn assert_table_matches_replay(s: &UiState) {
    let session = s.session().expect("running");
    let cache = s.travel.cache.borrow();
    assert_eq!(
        cache.table.len(),
        session.explored() + 1,
        "one row per position"
    );
    let mut replay = Session::new(session.spec().clone()).expect("valid");
    for step in 0..=session.explored() {
        replay.seek(step);
        assert_eq!(
            cache.table.log_len_at(step),
            Some(replay.log().len() as u64),
            "log length at {step}"
        );
        assert_eq!(cache.table.time_at(step), Some(replay.sim().now().0));
    }
    assert_eq!(cache.index.scanned, session.full_log().len() as u64);
}

#[test]
fn test_seeking_back_gives_the_same_state_as_live_play() {
    let mut live = UiState::new(7, 3, 0);
    for _ in 0..400 {
        live.apply(Action::Step);
    }
    let mut travelled = UiState::new(7, 3, 0);
    for _ in 0..1500 {
        travelled.apply(Action::Step);
    }
    travel(&mut travelled, TravelAction::SeekTo(400));
    assert_eq!(position(&travelled), 400);
    assert_eq!(hash(&travelled), hash(&live));
    assert_eq!(travelled.display_ms, live.display_ms);
    // And forward again to where it was.
    travel(&mut travelled, TravelAction::SeekTo(1500));
    assert_eq!(position(&travelled), 1500);
    travel(&mut travelled, TravelAction::StepBack);
    assert_eq!(position(&travelled), 1499);
}

#[test]
fn test_table_matches_a_replay_whichever_way_the_run_went() {
    let mut s = UiState::new(5, 3, 0);
    s.apply(Action::SetSpeed(Speed::MAX));
    s.apply(Action::Play);
    for _ in 0..20 {
        s.apply(Action::Tick { dt_ms: 16.0 });
    }
    for _ in 0..30 {
        s.apply(Action::Step);
    }
    // A fault runs events inside `fault` without per-event recording: densified afterwards.
    s.apply(Action::Pause);
    s.display_ms += 300.0;
    s.apply(Action::Act(UserAction::Crash(Sid(1))));
    travel(&mut s, TravelAction::SeekTo(100));
    let further = position(&s) + 2_500;
    travel(&mut s, TravelAction::SeekTo(further));
    assert_table_matches_replay(&s);
}

#[test]
fn test_acting_in_the_past_forks_and_says_where() {
    let mut s = UiState::new(3, 3, 0);
    travel(&mut s, TravelAction::SeekTo(2_000));
    travel(&mut s, TravelAction::SeekTo(900));
    assert!(
        s.travel.cache.borrow().fork.is_none(),
        "seeking is not forking"
    );
    s.apply(Action::Act(UserAction::Crash(Sid(2))));
    let fork = s.travel.cache.borrow().fork.expect("a fork");
    let explored = s.session().expect("running").explored();
    assert_eq!(fork.at, explored);
    assert!(fork.at >= 900 && fork.at < 2_000, "{fork:?}");
    assert_eq!(fork.at + fork.dropped, 2_000);
    assert_table_matches_replay(&s);
    let tl = s.timeline_model().expect("running");
    assert_eq!(tl.fork, Some(fork));
    assert!(tl.actions.iter().any(|(_, a)| a == "crash 2"));
    travel(&mut s, TravelAction::DismissFork);
    assert!(s.travel.cache.borrow().fork.is_none());
}

#[test]
fn test_phase_jumps_land_where_a_boundary_just_happened() {
    let mut s = UiState::new(7, 3, 0);
    let mut seen = Vec::new();
    for _ in 0..8 {
        travel(&mut s, TravelAction::PhaseForward);
        seen.push(position(&s));
    }
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "{seen:?}");
    {
        let cache = s.travel.cache.borrow();
        for p in &seen {
            // A boundary entry is in the log at p and was not at p − 1.
            let len = cache.table.log_len_at(*p).expect("recorded");
            let before = cache.table.log_len_at(p - 1).expect("recorded");
            assert!(
                cache
                    .index
                    .boundaries
                    .iter()
                    .any(|b| *b >= before && *b < len),
                "no boundary at {p}"
            );
        }
    }
    travel(&mut s, TravelAction::PhaseBack);
    assert_eq!(position(&s), seen[6]);
    let tl = s.timeline_model().expect("running");
    assert_eq!(tl.prev_phase, Some(seen[5]));
    assert_eq!(tl.next_phase, Some(seen[7]));
}

#[test]
fn test_a_link_rebuilds_the_same_view_and_the_view_gives_the_link_back() {
    let mut s = UiState::new(9, 3, 1);
    s.apply(Action::SetSpeed(Speed(-20)));
    travel(&mut s, TravelAction::SeekTo(700));
    s.apply(Action::Act(UserAction::Write(Sid(1))));
    travel(&mut s, TravelAction::SeekTo(1_300));
    let link = s.link(true).expect("running");
    assert_eq!(link.pos, Some(1_300));
    let parsed = Link::parse(&link.to_query()).expect("a valid link");
    assert_eq!(parsed, link);
    let opened = state_for_link(&parsed, 0);
    assert_eq!(position(&opened), 1_300);
    assert_eq!(hash(&opened), hash(&s));
    assert_eq!(opened.speed, Speed(-20));
    assert_eq!(opened.display_ms, s.display_ms);
    assert_eq!(
        opened.session().expect("running").spec(),
        s.session().expect("running").spec()
    );
    assert_table_matches_replay(&opened);
    // While playing the link leaves the position out; a copied link keeps it.
    s.apply(Action::Play);
    assert_eq!(s.link(false).and_then(|l| l.pos), None);
    assert_eq!(s.link(true).and_then(|l| l.pos), Some(1_300));
}

#[test]
fn test_scenarios_start_fresh_keep_the_speed_and_survive_reset() {
    let mut s = UiState::new(1, 5, 0);
    s.apply(Action::SetSpeed(Speed(10)));
    travel(
        &mut s,
        TravelAction::Start {
            spec: RunSpec::with_scenario(4, Scenario::LeaderCrash),
            pos: Some(50),
        },
    );
    assert_eq!(s.scenario(), Some(Scenario::LeaderCrash));
    assert_eq!((s.seed, s.voters, s.observers), (4, 3, 0));
    assert_eq!(s.speed, Speed(10));
    assert_eq!(position(&s), 50);
    s.apply(Action::Reset {
        seed: 4,
        voters: 3,
        observers: 0,
    });
    assert_eq!(
        s.scenario(),
        Some(Scenario::LeaderCrash),
        "same shape: same scenario"
    );
    assert_eq!(position(&s), 0);
    s.apply(Action::Reset {
        seed: 4,
        voters: 5,
        observers: 0,
    });
    assert_eq!(s.scenario(), None, "another shape leaves the scenario");
}

#[test]
fn test_an_imported_trace_stands_at_its_end_and_can_be_scrubbed() {
    let mut s = UiState::new(5, 3, 1);
    travel(&mut s, TravelAction::SeekTo(300));
    s.apply(Action::Act(UserAction::Crash(Sid(3))));
    travel(&mut s, TravelAction::SeekTo(1_200));
    let text = write_trace(&s.session().expect("running"));
    let session = read_trace(&text).expect("reads back");
    let mut t = UiState::new(1, 1, 0);
    travel(
        &mut t,
        TravelAction::Import(SharedSession(Rc::new(RefCell::new(session)))),
    );
    assert_eq!(position(&t), 1_200);
    assert_eq!(hash(&t), hash(&s));
    assert_eq!(t.display_ms, s.display_ms);
    assert_table_matches_replay(&t);
    let tl = t.timeline_model().expect("running");
    assert_eq!((tl.position, tl.explored), (1_200, 1_200));
    assert!(tl
        .markers
        .iter()
        .any(|m| m.kind == crate::time_travel::log_index::MarkerKind::Crash));
    travel(&mut t, TravelAction::SeekTo(10));
    assert_eq!(position(&t), 10);
}

#[test]
fn test_a_message_picked_in_the_diagram_is_picked_everywhere() {
    let mut s = UiState::new(7, 3, 0);
    travel(&mut s, TravelAction::SeekTo(600));
    // At event 600 the ensemble is long established: only PINGs are in view.
    let mut view = DiagramSettings::default();
    view.apply(DiagramAction::Toggle(KindGroup::Ping), s.display_ms);
    let source = s.diagram_source().expect("running");
    let m = source.model(&view);
    let first = m.arrows.first().map(|a| sim::MsgId(a.msg));
    assert!(
        first.is_some(),
        "{} arrows, t0 {}, cursor {}",
        m.arrows.len(),
        m.t0_ms,
        s.display_ms
    );
    s.apply(Action::SelectMessage(first));
    let again = s.diagram_source().expect("running");
    assert_ne!(again, source, "a new pick is a new source");
    assert!(again.model(&view).details.is_some());
    assert_eq!(
        s.selected_msg, first,
        "the cluster and the panel see the same pick"
    );
    // A click on the diagram seeks to that time.
    travel(&mut s, TravelAction::SeekToTime(0));
    assert!(position(&s) <= 3, "the start: {}", position(&s));
}

#[test]
fn test_failed_runs_ignore_time_travel() {
    let mut s = UiState::new(1, 0, 0);
    assert!(s.error().is_some());
    travel(&mut s, TravelAction::SeekTo(10));
    travel(&mut s, TravelAction::PhaseForward);
    travel(&mut s, TravelAction::StepBack);
    assert!(s.timeline_model().is_none() && s.diagram_source().is_none());
}

// Issue 9: a link far into a run is built a frame at a time with a progress report, never in
// one blocking step, and ends exactly where a synchronous seek would.
#[test]
fn test_a_far_link_builds_over_frames_and_lands_where_it_asks() {
    let pos = super::travel::INSTANT_BUILD_EVENTS * 3 + 17;
    let link = Link::parse(&format!("?seed=3&voters=3&pos={pos}&play=1")).expect("valid");
    let mut s = state_for_link(&link, 0);
    assert!(s.building.is_some() && s.wants_frames());
    assert!(
        position(&s) < pos,
        "nothing long ran before the first frame"
    );
    let mut frames = 0;
    let mut last = 0;
    while s.building.is_some() {
        s.apply(Action::Tick { dt_ms: 16.0 });
        let (done, of, _) =
            s.build_progress()
                .unwrap_or((pos, pos, super::BuildTarget::Position(pos)));
        assert!(
            done >= last && of == pos,
            "progress grows toward the target"
        );
        last = done;
        frames += 1;
        assert!(frames < 100, "bounded");
    }
    assert!(frames >= 3, "{frames} frames");
    assert_eq!(position(&s), pos);
    assert!(s.playing, "play=1 starts once there");
    let mut direct = UiState::from_spec(link.spec(3));
    direct.seek(pos);
    assert_eq!(hash(&s), hash(&direct));
    assert_table_matches_replay(&s);
}

// Issue 9: a link whose faults would do nothing (a second crash of the same server) is refused
// with a message naming `f`, never played as a silently different run.
#[test]
fn test_a_no_op_fault_in_a_link_names_the_parameter() {
    let s = state_for_query("?seed=1&voters=3&f=10:c1,20:c1");
    let e = s.error().expect("refused");
    assert!(
        e.starts_with("The URL parameter f=\"10:c1,20:c1\" is not valid"),
        "{e}"
    );
    assert!(e.contains("c1") && e.contains("20"), "{e}");
    let s = state_for_query("?seed=1&voters=3&f=10:r1");
    assert!(
        s.error().is_some_and(|e| e.contains("f=")),
        "restart of a running server"
    );
}

// A fault by hand that would do nothing is refused and says why; the run is unchanged.
#[test]
fn test_a_no_op_fault_by_hand_is_refused_and_said() {
    let mut s = UiState::new(1, 3, 0);
    for _ in 0..200 {
        s.apply(Action::Step);
    }
    let before = hash(&s);
    s.apply(Action::Act(UserAction::Heal));
    assert!(
        s.refused
            .as_deref()
            .is_some_and(|r| r.contains("partition")),
        "{:?}",
        s.refused
    );
    assert_eq!(hash(&s), before);
    assert!(s.session().expect("running").spec().actions.is_empty());
}

/// Play ticks of `dt_ms` until play stops (at most `max` ticks).
fn play_until_stopped(s: &mut UiState, dt_ms: f64, max: usize) -> usize {
    s.apply(Action::Play);
    for i in 0..max {
        if !s.playing {
            return i;
        }
        s.apply(Action::Tick { dt_ms });
    }
    max
}

#[test]
fn play_stops_once_at_the_scenarios_key_moment_and_stands_right_after_it() {
    let mut s = UiState::from_spec(RunSpec::with_scenario(1, Scenario::FarBehindSnap));
    s.apply(Action::SetSpeed(Speed::clamped(Speed::default().0 + 40)));
    let ticks = play_until_stopped(&mut s, 50.0, 20_000);
    assert!(!s.playing && ticks < 20_000, "play stopped by itself");
    assert!(s.key_paused);
    let (pos, what) = s.key_moment().expect("the key moment was reached");
    assert_eq!(position(&s), pos, "it stands at the key moment");
    assert_eq!(what, "the restarted server is synced by SNAP");
    // syncFollower's SNAP for the server that crashed is in the event at that position: the
    // log has it there and not one position earlier.
    let snap_for_crashed = |log: &[sim::LogEntry]| {
        let crashed = log.iter().find_map(|e| match e.event {
            sim::LogEvent::Crashed { sid } => Some(sid),
            _ => None,
        });
        log.iter().any(|e| {
            matches!(&e.event, sim::LogEvent::Note { note, .. } if matches!(note.as_ref(),
                zab::reason::Note::SyncFollower { learner, mode: zab::leader::SyncMode::Snap, .. }
                    if Some(*learner) == crashed))
        })
    };
    assert!(snap_for_crashed(s.session().expect("the run has it").log()));
    let mut before =
        Session::new(s.session().expect("the run has it").spec().clone()).expect("the run has it");
    before.seek(pos - 1);
    assert!(!snap_for_crashed(before.log()));
    // Play goes on from there and does not stop at the same moment again.
    s.apply(Action::Play);
    for _ in 0..200 {
        s.apply(Action::Tick { dt_ms: 50.0 });
    }
    assert!(s.playing && position(&s) > pos);
}

#[test]
fn a_run_opened_past_its_key_moment_plays_on_from_there() {
    // Find the key moment, then open the same run a little after it (as a link or an embedded
    // frame with a position does): Play must go on from there, not jump back to the moment.
    let spec = RunSpec::with_scenario(1, Scenario::FreshStart);
    let mut s = UiState::from_spec(spec.clone());
    s.apply(Action::SetSpeed(Speed::clamped(Speed::default().0 + 40)));
    play_until_stopped(&mut s, 50.0, 20_000);
    let (pos, _) = s.key_moment().expect("the key moment was reached");
    let mut later = UiState::from_spec(spec);
    later.apply(Action::Travel(TravelAction::SeekTo(pos + 5)));
    later.apply(Action::Play);
    for _ in 0..50 {
        later.apply(Action::Tick { dt_ms: 50.0 });
    }
    assert!(later.playing, "it plays on");
    assert!(position(&later) > pos + 5, "from where it was opened");
}

#[test]
fn an_embedded_frame_plays_through_the_key_moment() {
    let mut s = UiState::from_spec(RunSpec::with_scenario(1, Scenario::FreshStart));
    s.key_stops = false;
    s.apply(Action::SetSpeed(Speed::clamped(Speed::default().0 + 40)));
    s.apply(Action::Play);
    for _ in 0..400 {
        s.apply(Action::Tick { dt_ms: 50.0 });
    }
    let (pos, _) = s.key_moment().expect("the key moment was passed");
    assert!(s.playing && !s.key_paused, "it plays on");
    assert!(position(&s) > pos);
    // A restart keeps the frame's rule.
    s.apply(Action::Travel(TravelAction::Start {
        spec: RunSpec::with_scenario(2, Scenario::FreshStart),
        pos: None,
    }));
    assert!(!s.key_stops);
}

#[test]
fn a_free_run_has_no_key_moment_and_plays_on() {
    let mut s = UiState::new(1, 3, 0);
    let ticks = play_until_stopped(&mut s, 50.0, 400);
    assert_eq!(ticks, 400);
    assert!(s.key_moment().is_none() && !s.key_paused);
}

// Issue 13: "jump to first violation" works in links (`pos=violation`) and from the checks
// panel, a frame at a time, for every bug replay (a switch travels as `bug=`), and says so
// when none is found.
#[test]
fn test_pos_violation_link_stands_at_each_bugs_violation() {
    for b in sim::bugs::BUGS {
        let spec = b.spec(false);
        let mut link = Link::of_spec(&spec, Speed::DEFAULT, None).expect("a link");
        link.to_violation = true;
        let link = Link::parse(&link.to_query()).expect("its own link parses");
        let mut s = state_for_link(&link, 0);
        assert!(s.building.is_some(), "{}: searches a frame at a time", b.id);
        let mut frames = 0;
        while s.building.is_some() {
            s.apply(Action::Tick { dt_ms: 16.0 });
            frames += 1;
            assert!(frames < 200, "{}: bounded", b.id);
        }
        assert_eq!(position(&s), b.step, "{}", b.id);
        assert!(!s.playing);
        let v = s.checks_model().expect("a run").violation.expect("found");
        assert!(v.here && v.property.name == b.invariant, "{}", b.id);
        // The URL it now shows stands at the event itself.
        assert_eq!(s.link(true).and_then(|l| l.pos), Some(b.step), "{}", b.id);
    }
}

#[test]
fn test_find_violation_on_a_clean_run_says_none_was_found() {
    let mut s = UiState::from_spec(RunSpec::new(3, 3, 0));
    s.apply(Action::Travel(TravelAction::FindViolation));
    let mut frames = 0;
    while s.building.is_some() {
        s.apply(Action::Tick { dt_ms: 16.0 });
        frames += 1;
        assert!(frames < 200, "bounded");
    }
    let m = s.checks_model().expect("a run");
    assert!(m.violation.is_none());
    // Either the search limit or the run's end (a quiet 3-server run never ends: pings).
    let clean = m.searched_clean.expect("says how far it looked");
    assert!(clean > 0 && clean <= crate::state::VIOLATION_SEARCH_EVENTS);
    assert_eq!(position(&s), clean);
}
