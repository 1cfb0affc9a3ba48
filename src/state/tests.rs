use super::*;
use sim::network::Direction;
use zab::peer::ServerState;

fn state() -> UiState {
    UiState::new(7, 3, 0)
}

fn now(s: &UiState) -> u64 {
    s.sim().expect("running").now().0
}

#[test]
fn test_step_runs_one_event_and_stands_at_its_time() {
    let mut s = state();
    let next = s
        .sim()
        .expect("running")
        .next_event_time()
        .expect("servers start");
    s.apply(Action::Step);
    assert_eq!(now(&s), next.0);
    assert_eq!(s.display_ms, next.0 as f64);
    assert_eq!(s.version, 1);
    assert!(!s.session().expect("running").log().is_empty());
}

#[test]
fn test_tick_does_nothing_while_paused() {
    let mut s = state();
    s.apply(Action::Tick { dt_ms: 1000.0 });
    assert_eq!(s.display_ms, 0.0);
    assert_eq!(s.version, 0);
}

#[test]
fn test_tick_advances_by_speed_times_elapsed_and_runs_due_events() {
    let mut s = state();
    s.apply(Action::SetSpeed(Speed(0)));
    s.apply(Action::Play);
    s.apply(Action::Tick { dt_ms: 250.0 });
    assert_eq!(s.display_ms, 250.0);
    let sim = s.sim().expect("running");
    assert!(sim.now().0 <= 250);
    assert!(sim.next_event_time().is_none_or(|t| t.0 > 250));
}

#[test]
fn test_tick_is_bounded_per_frame() {
    let mut s = state();
    s.apply(Action::SetSpeed(Speed::MAX));
    s.apply(Action::Play);
    let before = s.session().expect("running").log().len();
    // 10× for an hour of real time: far more events than one frame may run.
    s.apply(Action::Tick { dt_ms: 3_600_000.0 });
    let ran = s.session().expect("running").log().len() - before;
    let sim = s.sim().expect("running");
    assert!(ran > 0);
    if sim.next_event_time().is_some() {
        assert!(s.display_ms <= 36_000_000.0);
    }
}

#[test]
fn test_same_seed_same_run_through_the_reducer() {
    let run = || {
        let mut s = state();
        for _ in 0..300 {
            s.apply(Action::Step);
        }
        let hash = s.session().expect("running").trace_hash();
        hash
    };
    assert_eq!(run(), run());
}

#[test]
fn test_election_through_steps_then_crash_and_restart() {
    let mut s = state();
    for _ in 0..5000 {
        s.apply(Action::Step);
    }
    let leader = {
        let sim = s.sim().expect("running");
        let leader = sim.sids().find(|&sid| {
            sim.peer(sid)
                .is_some_and(|p| p.state() == ServerState::Leading)
        });
        leader.expect("an election finishes within 5000 events")
    };
    s.apply(Action::Act(UserAction::Crash(leader)));
    assert!(
        s.sim().expect("running").peer(leader).is_none(),
        "crash applies at once"
    );
    s.apply(Action::Act(UserAction::Restart(leader)));
    assert!(
        s.sim().expect("running").peer(leader).is_some(),
        "restart applies at once"
    );
}

#[test]
fn test_reset_keeps_speed_and_starts_over() {
    let mut s = state();
    s.apply(Action::SetSpeed(Speed(10)));
    s.apply(Action::Step);
    s.apply(Action::Select(Some(Sid(2))));
    s.apply(Action::Reset {
        seed: 9,
        voters: 5,
        observers: 1,
    });
    assert_eq!((s.seed, s.voters, s.observers), (9, 5, 1));
    assert_eq!(s.speed, Speed(10));
    assert_eq!(s.selected, None);
    assert_eq!(s.display_ms, 0.0);
    assert_eq!(s.sim().expect("running").sids().count(), 6);
}

#[test]
fn test_bad_shape_fails_with_a_message_and_never_plays() {
    let mut s = UiState::new(1, 0, 0);
    assert!(
        s.error().is_some_and(|m| m.contains("voters")),
        "{:?}",
        s.error()
    );
    s.apply(Action::Play);
    assert!(!s.playing && !s.wants_frames());
    s.apply(Action::Step);
    s.apply(Action::Tick { dt_ms: 10.0 });
}

#[test]
fn test_starting_at_runs_every_event_due_by_then() {
    let s = state().starting_at(1_000);
    assert_eq!(s.display_ms, 1_000.0);
    assert!(!s.session().expect("running").log().is_empty());
    let sim = s.sim().expect("running");
    assert!(sim.next_event_time().is_none_or(|t| t.0 > 1_000));
}

fn leader_of(s: &UiState) -> Option<Sid> {
    let sim = s.sim()?;
    let leader = sim.sids().find(|&sid| {
        sim.peer(sid)
            .is_some_and(|p| p.state() == ServerState::Leading)
    });
    leader
}

fn elected() -> (UiState, Sid) {
    let mut s = state();
    for _ in 0..5000 {
        if let Some(l) = leader_of(&s) {
            // Let the followers sync too.
            for _ in 0..200 {
                s.apply(Action::Step);
            }
            return (s, l);
        }
        s.apply(Action::Step);
    }
    panic!("no leader within 5000 events");
}

fn recorded(s: &UiState) -> Vec<UserAction> {
    let session = s.session().expect("running");
    let actions = session
        .spec()
        .actions
        .iter()
        .map(|(_, a)| a.clone())
        .collect();
    actions
}

#[test]
fn test_faults_by_hand_are_recorded_in_the_session() {
    let (mut s, leader) = elected();
    let other = s
        .sim()
        .expect("running")
        .sids()
        .find(|&x| x != leader)
        .expect("three servers");
    s.apply(Action::Act(UserAction::Write(leader)));
    s.apply(Action::Act(UserAction::Partition {
        from: leader,
        to: other,
        direction: Direction::OneWay,
    }));
    s.apply(Action::Act(UserAction::Heal));
    s.apply(Action::Act(UserAction::Break {
        a: leader,
        b: other,
    }));
    let msg = loop {
        if let Some(m) = s.sim().expect("running").in_flight().next().map(|m| m.msg) {
            break m;
        }
        s.apply(Action::Step);
    };
    s.apply(Action::Act(UserAction::Delay { msg, extra_ms: 700 }));
    s.apply(Action::Act(UserAction::Drop(msg)));
    assert_eq!(
        recorded(&s),
        vec![
            UserAction::Write(leader),
            UserAction::Partition {
                from: leader,
                to: other,
                direction: Direction::OneWay
            },
            UserAction::Heal,
            UserAction::Break {
                a: leader,
                b: other
            },
            UserAction::Delay { msg, extra_ms: 700 },
            UserAction::Drop(msg),
        ]
    );
    let log = s.session().expect("running").log().to_vec();
    let text: Vec<String> = log.iter().map(|e| describe::event(&e.event)).collect();
    assert!(text.iter().any(|t| t.starts_with("client → ")), "the write");
    assert!(text.iter().any(|t| t.contains("held 700 ms longer")));
    assert!(text.iter().any(|t| t.contains("dropped")));
}

#[test]
fn test_keys_act_on_the_selection_and_the_clock() {
    let (mut s, leader) = elected();
    s.apply(Action::Key(KeyCommand::CrashSelected));
    assert!(recorded(&s).is_empty(), "nothing selected: c does nothing");
    s.apply(Action::Select(Some(leader)));
    s.apply(Action::Key(KeyCommand::RestartSelected));
    assert!(
        recorded(&s).is_empty(),
        "r does nothing to a running server"
    );
    s.apply(Action::Key(KeyCommand::WriteSelected));
    s.apply(Action::Key(KeyCommand::CrashSelected));
    s.apply(Action::Key(KeyCommand::WriteSelected));
    s.apply(Action::Key(KeyCommand::RestartSelected));
    assert_eq!(
        recorded(&s),
        vec![
            UserAction::Write(leader),
            UserAction::Crash(leader),
            UserAction::Restart(leader)
        ]
    );

    let speed = s.speed;
    s.apply(Action::Key(KeyCommand::Faster));
    assert_eq!(s.speed, Speed(speed.0 + SPEED_KEY_STEP));
    s.apply(Action::Key(KeyCommand::Slower));
    s.apply(Action::Key(KeyCommand::Slower));
    assert_eq!(s.speed, Speed(speed.0 - SPEED_KEY_STEP));

    s.apply(Action::Key(KeyCommand::TogglePlay));
    assert!(s.playing);
    s.apply(Action::Key(KeyCommand::TogglePlay));
    assert!(!s.playing);
    let v = s.version;
    s.apply(Action::Key(KeyCommand::Step));
    assert!(s.version > v);

    s.apply(Action::Key(KeyCommand::ToggleHelp));
    assert!(s.help_open);
    s.apply(Action::SelectMessage(Some(sim::MsgId(1))));
    s.apply(Action::Key(KeyCommand::Escape));
    assert!(!s.help_open && s.selected_msg.is_some() && s.selected.is_some());
    s.apply(Action::Key(KeyCommand::Escape));
    assert!(s.selected_msg.is_none() && s.selected.is_some());
    s.apply(Action::Key(KeyCommand::Escape));
    assert!(s.selected.is_none());
}

#[test]
fn test_log_kinds_are_ui_state_only() {
    use crate::view_model::log_model::LogKind;
    let mut s = state();
    assert_eq!(s.log_kinds, LogKinds::ALL);
    let v = s.version;
    s.apply(Action::SetLogKinds(LogKinds::only(LogKind::Disk)));
    assert_eq!(s.log_kinds, LogKinds::only(LogKind::Disk));
    assert_eq!(s.version, v);
}

#[test]
fn test_hidden_page_wants_no_frames() {
    let mut s = state();
    s.apply(Action::Play);
    assert!(s.wants_frames());
    s.apply(Action::SetHidden(true));
    assert!(!s.wants_frames());
    s.apply(Action::SetHidden(false));
    s.apply(Action::Pause);
    assert!(!s.wants_frames());
}

#[test]
fn test_holding_the_scrubber_changes_no_run() {
    // Holding and letting go only say whether the log may lag: the run and its clock stay.
    let mut s = state();
    s.apply(Action::Step);
    let (at, version) = (now(&s), s.version);
    s.apply(Action::Scrubbing(true));
    assert!(s.scrubbing);
    s.apply(Action::Scrubbing(false));
    assert!(!s.scrubbing);
    assert_eq!((now(&s), s.version), (at, version));
}

// Issue 13: play stops where a live safety check breaks, and the panel says which.
#[test]
fn test_play_stops_at_a_broken_safety_check_and_the_panel_names_it() {
    let mut s = UiState::from_spec(sim::testkit::zk4646_window_spec(zab::ZkVersion::V3_8));
    s.apply(Action::SetSpeed(Speed::MAX));
    s.apply(Action::Play);
    for _ in 0..2_000 {
        if !s.playing {
            break;
        }
        s.apply(Action::Tick { dt_ms: 16.0 });
    }
    assert!(!s.playing, "play stopped");
    assert_eq!(s.session().expect("running").position(), 615);
    let m = s.checks_model().expect("a run");
    let v = m.violation.as_ref().expect("broken");
    assert!(v.here && !v.ahead);
    assert_eq!(v.property.name, "committed-durable");
    assert!(v.sentence.contains("ZOOKEEPER-4646"), "{}", v.sentence);
    assert!(!m.broken_servers().is_empty());
    let timeline = s.timeline_model().expect("a run");
    let mark = timeline
        .markers
        .iter()
        .find(|mk| mk.kind == crate::time_travel::log_index::MarkerKind::Violation)
        .expect("the timeline marks it");
    assert_eq!(mark.step, 615);
    assert!(timeline.markers.windows(2).all(|w| w[0].step <= w[1].step));
    // Play goes on from there: it does not stop at the same violation again.
    s.apply(Action::Play);
    s.apply(Action::Tick { dt_ms: 16.0 });
    assert!(s.playing);
}

#[test]
fn test_the_fixed_release_plays_the_same_script_through() {
    let mut s = UiState::from_spec(sim::testkit::zk4646_window_spec(zab::ZkVersion::V3_9_4));
    s.apply(Action::SetSpeed(Speed::MAX));
    s.apply(Action::Play);
    for _ in 0..400 {
        s.apply(Action::Tick { dt_ms: 16.0 });
    }
    assert!(s.playing);
    assert!(s.session().expect("running").position() > 615);
    assert_eq!(s.checks_model().expect("a run").violation, None);
}

// Issue 12: p pauses the selected server's process and resumes it.
#[test]
fn test_p_pauses_and_resumes_the_selected_server() {
    let (mut s, leader) = elected();
    s.apply(Action::Key(KeyCommand::PauseSelected));
    assert!(recorded(&s).is_empty(), "nothing selected: p does nothing");
    s.apply(Action::Select(Some(leader)));
    s.apply(Action::Key(KeyCommand::PauseSelected));
    assert!(s.sim().expect("running").is_paused(leader));
    let inspector = crate::view_model::inspector_model::InspectorModel::build(
        &s.sim().expect("running"),
        leader,
        s.display_ms,
    )
    .expect("a server");
    assert!(inspector.paused.is_some());
    s.apply(Action::Key(KeyCommand::PauseSelected));
    assert!(!s.sim().expect("running").is_paused(leader));
    assert_eq!(
        recorded(&s),
        vec![UserAction::Pause(leader), UserAction::Resume(leader)]
    );
}

// Issue 13: a real bug's replay is recognised (the run bar names it and offers the other
// release), and play stops at its registered step under the release that has it.
#[test]
fn test_each_version_bug_replay_is_recognised_and_stops_at_its_step() {
    for b in sim::bugs::BUGS
        .iter()
        .filter(|b| matches!(b.affected, sim::bugs::Affected::Version(_)))
    {
        let fixed = UiState::from_spec(b.spec(true));
        assert_eq!(fixed.bug().map(|(x, f)| (x.id, f)), Some((b.id, true)));
        let mut s = UiState::from_spec(b.spec(false));
        assert_eq!(s.bug().map(|(x, f)| (x.id, f)), Some((b.id, false)));
        s.apply(Action::SetSpeed(Speed::MAX));
        s.apply(Action::Play);
        for _ in 0..5_000 {
            if !s.playing {
                break;
            }
            s.apply(Action::Tick { dt_ms: 16.0 });
        }
        assert_eq!(s.session().expect("running").position(), b.step, "{}", b.id);
        let v = s.checks_model().expect("a run").violation.expect("broken");
        assert_eq!(v.property.name, b.invariant, "{}", b.id);
    }
}
