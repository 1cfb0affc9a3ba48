//! The tour in the reducer: it stands at its steps deterministically, goes back and forth,
//! and gives the user's run back exactly as it was.

use super::*;
use crate::tour::{first_step_of, step_count};
use sim::session::UserAction;

fn user_run() -> UiState {
    let mut s = UiState::new(42, 5, 0);
    s.sync_travel();
    s.seek(300);
    s.apply(Action::Select(Some(Sid(2))));
    s
}

fn session_rc(s: &UiState) -> Rc<RefCell<Session>> {
    match &s.run {
        Run::Running { session } => session.clone(),
        Run::Failed { message } => panic!("no run: {message}"),
    }
}

/// What a tour step shows: the run, where it stands, the log so far.
fn picture(s: &UiState) -> (sim::session::RunSpec, u64, u64, f64) {
    let session = s.session().expect("running");
    (
        session.spec().clone(),
        session.position(),
        session.trace_hash(),
        s.display_ms,
    )
}

#[test]
fn test_the_tour_gives_the_users_run_back_exactly() {
    let mut s = user_run();
    let before = session_rc(&s);
    let (pos, ms, version) = (
        s.session().expect("run").position(),
        s.display_ms,
        s.version,
    );
    s.apply(Action::Tour(TourAction::Open(0)));
    assert!(s.tour.is_some());
    assert!(
        !Rc::ptr_eq(&session_rc(&s), &before),
        "the tour runs its own session"
    );
    for _ in 0..5 {
        s.apply(Action::Key(KeyCommand::Forward));
    }
    s.apply(Action::Act(UserAction::Crash(Sid(1))));
    s.apply(Action::Key(KeyCommand::Escape));
    assert!(s.tour.is_none());
    assert!(
        Rc::ptr_eq(&session_rc(&s), &before),
        "the same session comes back"
    );
    assert_eq!(s.session().expect("run").position(), pos);
    assert!(s.session().expect("run").spec().actions.is_empty());
    assert_eq!((s.display_ms, s.seed, s.voters), (ms, 42, 5));
    assert_eq!(s.selected, Some(Sid(2)));
    assert!(s.version > version, "every view rebuilds");
    assert_eq!(s.tour_highlight(), Default::default());
}

#[test]
fn test_back_and_forward_stand_where_opening_the_step_does() {
    let mut walked = user_run();
    walked.apply(Action::Tour(TourAction::Open(0)));
    let mut forward = Vec::new();
    for i in 0..step_count() {
        assert_eq!(walked.tour.as_ref().expect("open").step, i);
        forward.push(picture(&walked));
        walked.apply(Action::Tour(TourAction::Next));
    }
    // Past the end it stays.
    assert_eq!(picture(&walked), forward[step_count() - 1]);
    for i in (0..step_count()).rev() {
        assert_eq!(picture(&walked), forward[i], "back at step {i}");
        walked.apply(Action::Key(KeyCommand::Back));
    }
    for i in [0, 11, 12, 20, step_count() - 1] {
        let mut direct = UiState::new(9, 3, 0);
        direct.apply(Action::Tour(TourAction::Open(i)));
        assert_eq!(picture(&direct), forward[i], "step {i} opened directly");
        let stop = direct.tour.as_ref().and_then(|t| t.plan.stop(i).cloned());
        assert_eq!(
            direct.session().expect("run").position(),
            stop.expect("placed").pos
        );
    }
}

#[test]
fn test_chapter_7_marks_the_line_of_the_blocked_leader() {
    let mut s = UiState::new(9, 3, 0);
    s.apply(Action::Tour(TourAction::Open(first_step_of(7).expect("7"))));
    let view = s.tour_view().expect("open");
    assert_eq!((view.chapter, view.step_in_chapter), (7, 1));
    let (lines, running) = view.code.expect("chapter 7 shows code");
    let (line, who) = running.expect("a line is running");
    assert!(lines[line].text.contains("wait("), "{:?}", lines[line]);
    assert_eq!(who, "Leader.lead()");
    // The highlight names the leader and the FOLLOWERINFO on its way.
    let h = s.tour_highlight();
    assert_eq!(h.sids, vec![Sid(3)]);
    assert_eq!(h.kinds, vec!["FOLLOWERINFO"]);
    // Stepping on by one event from here moves the line: the tour reads it, not the step.
    s.apply(Action::Step);
    let (_, moved) = s.tour_view().expect("open").code.expect("code");
    assert_ne!(moved, running);
}

#[test]
fn test_chapter_keys_and_limits() {
    let mut s = UiState::new(9, 3, 0);
    s.apply(Action::Tour(TourAction::Open(0)));
    s.apply(Action::Key(KeyCommand::Back));
    assert_eq!(
        s.tour.as_ref().expect("open").step,
        0,
        "nothing before the first step"
    );
    s.apply(Action::Tour(TourAction::NextChapter));
    assert_eq!(s.tour_view().expect("open").chapter, 2);
    s.apply(Action::Tour(TourAction::NextChapter));
    s.apply(Action::Tour(TourAction::PrevChapter));
    assert_eq!(s.tour_view().expect("open").chapter, 2);
    assert_eq!(s.link(true).expect("link").to_query(), "tour=2");
    // Help closes before the tour does.
    s.apply(Action::ShowHelp(true));
    s.apply(Action::Key(KeyCommand::Escape));
    assert!(!s.help_open && s.tour.is_some());
    s.apply(Action::Key(KeyCommand::Escape));
    assert!(s.tour.is_none());
}

#[test]
fn test_the_break_it_task_is_done_by_the_user() {
    let mut s = UiState::new(9, 3, 0);
    s.apply(Action::Tour(TourAction::Open(
        first_step_of(12).expect("12"),
    )));
    let view = s.tour_view().expect("open");
    assert_eq!(view.task.map(|t| t.1), Some(false));
    let leader = s.tour_highlight().sids[0];
    s.apply(Action::Select(Some(leader)));
    s.apply(Action::Key(KeyCommand::CrashSelected));
    assert_eq!(s.tour_view().expect("open").task.map(|t| t.1), Some(true));
    // Going on to the next step stands in that step's own run again.
    s.apply(Action::Tour(TourAction::Next));
    let view = s.tour_view().expect("open");
    assert_eq!(view.task.map(|t| t.1), Some(false));
    assert!(s.session().expect("run").spec().actions.is_empty());
}

#[test]
fn test_time_keys_outside_the_tour() {
    let mut s = user_run();
    s.apply(Action::Key(KeyCommand::Back));
    assert_eq!(s.session().expect("run").position(), 299);
    s.apply(Action::Key(KeyCommand::Forward));
    assert_eq!(s.session().expect("run").position(), 300);
    s.apply(Action::Key(KeyCommand::Home));
    assert_eq!(s.session().expect("run").position(), 0);
    s.apply(Action::Key(KeyCommand::End));
    assert_eq!(
        s.session().expect("run").position(),
        300,
        "the end of what has run"
    );
    s.apply(Action::Key(KeyCommand::Home));
    s.apply(Action::Key(KeyCommand::PhaseForward));
    let p = s.session().expect("run").position();
    assert!(p > 0 && p <= 300, "{p}");
    s.apply(Action::Key(KeyCommand::PhaseBack));
    assert!(s.session().expect("run").position() < p);
}

#[test]
fn test_a_first_visit_plays_a_slow_startup_and_offers_the_tour() {
    let s = state_for_query("");
    assert!(s.playing && s.tour_offer && s.tour.is_none());
    assert_eq!(s.speed, FIRST_VISIT_SPEED);
    assert_eq!(
        (s.voters, s.observers, s.seed),
        (3, 0, crate::tour::TOUR_SEED)
    );
    assert_eq!(state_for_query("?").speed, FIRST_VISIT_SPEED);
    // Any parameter: exactly as linked (paused, no offer).
    let linked = state_for_query("?seed=5&voters=3");
    assert!(!linked.playing && !linked.tour_offer);
    assert_eq!(linked.speed, Speed::DEFAULT);
    let mut offered = state_for_query("");
    offered.apply(Action::Tour(TourAction::DismissOffer));
    assert!(!offered.tour_offer && offered.playing);
}

#[test]
fn test_a_tour_link_opens_its_chapter_and_closes_onto_a_run() {
    let mut s = state_for_query("?tour=7");
    let view = s.tour_view().expect("the tour is open");
    assert_eq!((view.chapter, view.step_in_chapter), (7, 1));
    assert_eq!(s.link(false).expect("link").to_query(), "tour=7");
    s.apply(Action::Tour(TourAction::Close));
    assert!(
        s.tour.is_none() && !s.playing,
        "the first visit's run, paused"
    );
    assert_eq!(s.seed, crate::tour::TOUR_SEED);
    // A tour over a linked run returns to that run.
    let mut s = state_for_query("?seed=5&voters=3&pos=40&tour=2");
    assert_eq!(s.tour_view().expect("open").chapter, 2);
    s.apply(Action::Tour(TourAction::Close));
    assert_eq!((s.seed, s.session().expect("run").position()), (5, 40));
    for bad in ["0", "99", "x"] {
        let s = state_for_query(&format!("?tour={bad}"));
        let e = s.error().expect("refused");
        assert!(
            e.contains(&format!("tour=\"{bad}\"")) && e.contains("1 to 12"),
            "{e}"
        );
    }
}
