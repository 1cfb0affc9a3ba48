//! The session's tests: seeking, forking, action codes, and refused actions.

use super::*;
use crate::network::Direction;
use crate::trace::MsgId;
use crate::ServerStatus;

#[test]
fn test_seek_back_and_forth_gives_the_same_state_as_live_play() {
    let mut live = Session::new(RunSpec::new(7, 5, 1)).expect("valid");
    live.run_until(Time(6_000));
    let end = live.position();
    let hash = live.trace_hash();
    let mut s = Session::new(RunSpec::new(7, 5, 1)).expect("valid");
    s.seek(end);
    s.seek(end / 3);
    s.seek(end);
    assert_eq!((s.position(), s.trace_hash()), (end, hash));
    s.seek(1234);
    let mut fresh = Session::new(RunSpec::new(7, 5, 1)).expect("valid");
    fresh.seek(1234);
    assert_eq!(s.trace_hash(), fresh.trace_hash());
    assert_eq!(s.log().len(), fresh.log().len());
}

#[test]
fn test_acting_in_the_past_forks_and_the_spec_replays_it() {
    let mut s = Session::new(RunSpec::new(3, 3, 0)).expect("valid");
    s.run_until(Time(5_000));
    let pos = s.position() / 2;
    s.seek(pos);
    assert!(
        s.act(UserAction::Crash(Sid(3))).expect("server 3 runs"),
        "acting in the past forks"
    );
    s.run_until(Time(8_000));
    let replay = {
        let mut r = Session::new(s.spec().clone()).expect("valid");
        r.seek(s.position());
        r
    };
    assert_eq!(replay.trace_hash(), s.trace_hash());
    assert!(
        !s.act(UserAction::Restart(Sid(3)))
            .expect("server 3 is down"),
        "at the head it does not fork"
    );
}

#[test]
fn test_action_codes_round_trip() {
    let all = [
        UserAction::Crash(Sid(3)),
        UserAction::Restart(Sid(1)),
        UserAction::Partition {
            from: Sid(1),
            to: Sid(2),
            direction: Direction::Both,
        },
        UserAction::Partition {
            from: Sid(2),
            to: Sid(5),
            direction: Direction::OneWay,
        },
        UserAction::Heal,
        UserAction::Break {
            a: Sid(1),
            b: Sid(3),
        },
        UserAction::Drop(MsgId(17)),
        UserAction::Delay {
            msg: MsgId(4),
            extra_ms: 500,
        },
        UserAction::Write(Sid(2)),
        UserAction::Connect(Sid(2)),
        UserAction::Pause(Sid(3)),
        UserAction::Resume(Sid(3)),
    ];
    for a in all {
        assert_eq!(
            UserAction::parse(&a.code()),
            Some(a.clone()),
            "{}",
            a.code()
        );
    }
    for bad in [
        "", "x1", "c", "cq", "p1", "p1-", "hh", "l3", "l3+x", "d-1", "s", "sx", "u", "u1-2", "s3+1",
    ] {
        assert_eq!(UserAction::parse(bad), None, "{bad:?}");
    }
}

/// Issue 12: the pause codes are new letters; every code links already carry means what it
/// meant.
#[test]
fn test_pause_codes_are_s_and_u_and_old_codes_are_unchanged() {
    assert_eq!(UserAction::Pause(Sid(3)).code(), "s3");
    assert_eq!(UserAction::Resume(Sid(12)).code(), "u12");
    assert_eq!(UserAction::parse("s3"), Some(UserAction::Pause(Sid(3))));
    assert_eq!(UserAction::parse("u3"), Some(UserAction::Resume(Sid(3))));
    let old = [
        ("c3", UserAction::Crash(Sid(3))),
        ("r3", UserAction::Restart(Sid(3))),
        ("w3", UserAction::Write(Sid(3))),
        (
            "p1-2",
            UserAction::Partition {
                from: Sid(1),
                to: Sid(2),
                direction: Direction::Both,
            },
        ),
        (
            "o1-2",
            UserAction::Partition {
                from: Sid(1),
                to: Sid(2),
                direction: Direction::OneWay,
            },
        ),
        ("h", UserAction::Heal),
        (
            "b1-2",
            UserAction::Break {
                a: Sid(1),
                b: Sid(2),
            },
        ),
        ("d17", UserAction::Drop(MsgId(17))),
        (
            "l17+500",
            UserAction::Delay {
                msg: MsgId(17),
                extra_ms: 500,
            },
        ),
    ];
    for (code, action) in old {
        assert_eq!(UserAction::parse(code).as_ref(), Some(&action), "{code}");
        assert_eq!(action.code(), code);
    }
}

#[test]
fn test_pause_and_resume_refuse_what_would_change_nothing_or_contradict_the_run() {
    let mut s = established();
    let refused = |s: &mut Session, a: UserAction| {
        let before = footprint(s);
        let e = s.act(a.clone()).expect_err(&a.code());
        assert_eq!(
            footprint(s),
            before,
            "a refused {} changes nothing",
            a.code()
        );
        (e.why.clone(), e.to_string())
    };
    let step = s.position();
    assert_eq!(
        refused(&mut s, UserAction::Resume(Sid(2))),
        (
            ActionRefusal::NotPaused {
                sid: Sid(2),
                status: ServerStatus::Running
            },
            format!("`u2` at step {step}: server 2 is not paused (it runs)")
        )
    );
    s.act(UserAction::Pause(Sid(2))).expect("server 2 runs");
    assert!(s.sim().is_paused(Sid(2)));
    assert_eq!(s.sim().status(Sid(2)), Some(ServerStatus::Running));
    assert_eq!(
        refused(&mut s, UserAction::Pause(Sid(2))).0,
        ActionRefusal::AlreadyPaused { sid: Sid(2) }
    );
    let (why, words) = refused(&mut s, UserAction::Restart(Sid(2)));
    assert_eq!(why, ActionRefusal::Paused { sid: Sid(2) });
    assert!(words.contains("server 2 is paused, not down"), "{words}");
    // A paused server can be killed; the crash ends the pause.
    s.act(UserAction::Crash(Sid(2)))
        .expect("a paused server can be crashed");
    assert!(!s.sim().is_paused(Sid(2)));
    assert_eq!(s.sim().status(Sid(2)), Some(ServerStatus::Crashed));
    assert_eq!(
        refused(&mut s, UserAction::Pause(Sid(2))).0,
        ActionRefusal::NotRunning {
            sid: Sid(2),
            status: ServerStatus::Crashed
        }
    );
    assert_eq!(
        refused(&mut s, UserAction::Resume(Sid(2))).1,
        format!("`u2` at step {step}: server 2 is not paused (it is down already)")
    );
    assert!(refused(&mut s, UserAction::Pause(Sid(7)))
        .1
        .contains("names server 7"));
    s.act(UserAction::Restart(Sid(2)))
        .expect("server 2 is down");
    // Before it starts, a server cannot be paused.
    let mut fresh = Session::new(RunSpec::new(3, 3, 0)).expect("valid");
    let e = fresh
        .act(UserAction::Pause(Sid(1)))
        .expect_err("not started");
    assert_eq!(
        e.why,
        ActionRefusal::NotRunning {
            sid: Sid(1),
            status: ServerStatus::NotStarted
        }
    );
}

/// A pause and its resume are part of the spec: rewinding across them and replaying gives the
/// same run, and so does a fresh session of the spec.
#[test]
fn test_a_paused_run_replays_from_its_spec() {
    let mut s = established();
    s.act(UserAction::Pause(Sid(1))).expect("runs");
    s.run_until(Time(20_000));
    s.act(UserAction::Resume(Sid(1))).expect("paused");
    s.run_until(Time(40_000));
    let (end, hash) = (s.position(), s.trace_hash());
    s.seek(end / 2);
    s.seek(end);
    assert_eq!(s.trace_hash(), hash);
    let mut replay = Session::new(s.spec().clone()).expect("valid");
    replay.seek(end);
    assert_eq!(replay.trace_hash(), hash);
    assert!(replay
        .log()
        .iter()
        .any(|e| matches!(e.event, crate::LogEvent::Resumed { sid: Sid(1), .. })));
}

/// A session of 3 voters standing where every server runs behind one leader.
fn established() -> Session {
    let mut s = Session::new(RunSpec::new(3, 3, 0)).expect("valid");
    s.run_until(Time(5_000));
    assert!(crate::testkit::established_leader(s.sim()).is_some());
    s
}

/// What a refused action must leave alone.
fn footprint(s: &Session) -> (u64, u64, usize, RunSpec) {
    (
        s.position(),
        s.explored(),
        s.full_log().len(),
        s.spec().clone(),
    )
}

#[test]
fn test_act_refuses_no_op_and_contradictory_actions_and_changes_nothing() {
    let mut s = established();
    let step = s.position();
    let before = footprint(&s);
    let refused = |s: &mut Session, a: UserAction| {
        let e = s.act(a.clone()).expect_err(&a.code());
        assert_eq!((e.step, &e.action), (step, &a));
        e.to_string()
    };
    let cases = [
        (UserAction::Restart(Sid(1)), "server 1 is already running"),
        (UserAction::Heal, "nothing is partitioned"),
        (
            UserAction::Drop(MsgId(999_999)),
            "message #999999 is not in flight",
        ),
        (
            UserAction::Delay {
                msg: MsgId(999_999),
                extra_ms: 10,
            },
            "message #999999 is not in flight",
        ),
        (
            UserAction::Delay {
                msg: MsgId(0),
                extra_ms: 0,
            },
            "extra_ms must be 1..=3600000, not 0",
        ),
        (
            UserAction::Delay {
                msg: MsgId(0),
                extra_ms: u64::MAX,
            },
            "extra_ms must be 1..=3600000, not 18446744073709551615",
        ),
        (
            UserAction::Partition {
                from: Sid(2),
                to: Sid(2),
                direction: Direction::Both,
            },
            "two different servers, not 2 and 2",
        ),
        (
            UserAction::Crash(Sid(4)),
            "names server 4, but the ensemble has servers 1..=3",
        ),
        (UserAction::Write(Sid(0)), "names server 0"),
    ];
    for (action, words) in cases {
        let message = refused(&mut s, action);
        assert!(message.contains(words), "{message}");
    }
    assert_eq!(footprint(&s), before, "a refused action changes nothing");

    s.act(UserAction::Crash(Sid(2))).expect("server 2 runs");
    let message = refused(&mut s, UserAction::Crash(Sid(2)));
    assert_eq!(
        message,
        format!("`c2` at step {step}: server 2 is not running (it is down already)")
    );
    let cut = UserAction::Partition {
        from: Sid(1),
        to: Sid(3),
        direction: Direction::Both,
    };
    s.act(cut.clone()).expect("1 and 3 were connected");
    assert!(refused(&mut s, cut).contains("1 and 3 are already partitioned both ways"));
    let direction = UserAction::Partition {
        from: Sid(3),
        to: Sid(1),
        direction: Direction::OneWay,
    };
    assert!(refused(&mut s, direction).contains("3 ↛ 1 is already partitioned"));

    // Before any server has started, nobody is connected.
    let mut fresh = Session::new(RunSpec::new(3, 3, 0)).expect("valid");
    let e = fresh
        .act(UserAction::Break {
            a: Sid(1),
            b: Sid(3),
        })
        .expect_err("no connection yet");
    assert_eq!(
        e.to_string(),
        "`b1-3` at step 0: servers 1 and 3 have no open connection"
    );
}

#[test]
fn test_drop_and_delay_accept_a_message_in_flight() {
    let mut s = established();
    for _ in 0..100 {
        if s.sim().in_flight().next().is_some() {
            break;
        }
        s.step();
    }
    let msg = s.sim().in_flight().next().map(|m| m.msg);
    let msg = msg.expect("an established ensemble pings");
    s.act(UserAction::Delay { msg, extra_ms: 500 })
        .expect("in flight");
    s.act(UserAction::Drop(msg)).expect("still in flight");
    let e = s.act(UserAction::Drop(msg)).expect_err("dropped already");
    assert_eq!(e.why, ActionRefusal::NotInFlight { msg });
}

#[test]
fn test_new_checks_the_spec_actions_as_the_replay_reaches_them() {
    let mut spec = RunSpec::new(3, 3, 0);
    spec.actions = vec![
        (2_500, UserAction::Crash(Sid(3))),
        (2_600, UserAction::Crash(Sid(3))),
    ];
    let e = Session::new(spec.clone()).expect_err("the second c3 is a no-op");
    assert_eq!(
        e,
        SessionError::Action(ActionError {
            step: 2_600,
            action: UserAction::Crash(Sid(3)),
            why: ActionRefusal::NotRunning {
                sid: Sid(3),
                status: ServerStatus::Crashed
            },
        })
    );
    spec.actions[1].1 = UserAction::Restart(Sid(3));
    let s = Session::new(spec).expect("valid");
    assert_eq!((s.position(), s.explored()), (0, 2_600));
    let steps: Vec<u64> = s.checkpoints.iter().map(|c| c.step).collect();
    assert_eq!(
        steps,
        [0, 1_000, 2_000],
        "the explored span is checkpointed"
    );
}

#[test]
fn test_new_refuses_what_it_can_see_without_running() {
    let mut spec = RunSpec::new(3, 3, 0);
    spec.actions = vec![(MAX_TRACE_STEPS + 1, UserAction::Heal)];
    let e = Session::new(spec.clone()).expect_err("beyond the limit");
    assert_eq!(
        e.to_string(),
        "`h` at step 2000001: steps go up to 2000000 (MAX_TRACE_STEPS)"
    );
    spec.actions = vec![(900, UserAction::Heal), (400, UserAction::Heal)];
    assert!(Session::new(spec)
        .expect_err("out of order")
        .to_string()
        .contains("the one before is at step 900"));

    let e = Session::new(RunSpec::new(MAX_SEED + 1, 3, 0)).expect_err("too large");
    assert_eq!(e, SessionError::Seed { seed: MAX_SEED + 1 });
    assert!(e
        .to_string()
        .contains("seed 9007199254740992 is above 9007199254740991"));
    assert!(Session::new(RunSpec::new(MAX_SEED, 3, 0)).is_ok());

    let mut shape = RunSpec::with_scenario(1, Scenario::LeaderCrash);
    shape.voters = 5;
    assert_eq!(
        Session::new(shape).expect_err("disagrees").to_string(),
        "scenario leader-crash runs 3 voters and 0 observers, but the spec says 5 voters"
    );
}

/// Fuzzing found `voters + observers` overflowing u32 in the static checks.
#[test]
fn test_static_checks_do_not_overflow_on_huge_shapes() {
    let mut spec = RunSpec::new(1, u32::MAX, u32::MAX);
    spec.actions = vec![(1, UserAction::Crash(Sid(i64::MAX)))];
    let message = spec.validate_actions().expect_err("no such server");
    assert!(message.contains("servers 1..=8589934590"), "{message}");
    spec.actions = vec![(1, UserAction::Crash(Sid(8_589_934_590)))];
    assert_eq!(spec.validate_actions(), Ok(()));
    assert!(matches!(
        Session::new(spec),
        Err(SessionError::Config(ConfigError::Voters { .. }))
    ));
}

/// A checkpoint holds the state after its step's actions: acting at a checkpoint's step, or
/// at step 0, must survive seeking away and back, and forking keeps the actions already
/// applied at that step.
#[test]
fn test_actions_at_a_checkpoint_step_survive_seeks_and_forks() {
    let mut s = Session::new(RunSpec::new(5, 3, 0)).expect("valid");
    s.act(UserAction::Write(Sid(1)))
        .expect("writes are allowed");
    s.seek(CHECKPOINT_EVERY);
    s.act(UserAction::Write(Sid(2)))
        .expect("writes are allowed");
    s.seek(3_000);
    s.seek(CHECKPOINT_EVERY);
    assert!(s
        .act(UserAction::Write(Sid(3)))
        .expect("writes are allowed"));
    assert_eq!(
        s.spec().actions,
        [
            (0, UserAction::Write(Sid(1))),
            (CHECKPOINT_EVERY, UserAction::Write(Sid(2))),
            (CHECKPOINT_EVERY, UserAction::Write(Sid(3))),
        ]
    );
    s.seek(2_500);
    s.seek(10);
    s.seek(2_500);
    let mut fresh = Session::new(s.spec().clone()).expect("valid");
    fresh.seek(2_500);
    assert_eq!(s.trace_hash(), fresh.trace_hash());
    assert_eq!(s.log(), fresh.log());
}

// Issue 9: checkpoints stay bounded however long the run (the spacing doubles), and a seek
// anywhere still gives exactly what a fresh replay gives.
#[test]
fn test_checkpoints_thin_out_and_seeks_stay_exact() {
    let mut s = Session::new(RunSpec::new(7, 3, 0)).expect("valid");
    s.seek(30_000);
    let (count, spacing) = s.checkpoints();
    assert!(count <= MAX_CHECKPOINTS, "{count}");
    assert!(spacing > CHECKPOINT_EVERY, "the spacing grew: {spacing}");
    for target in [29_999, 12_345, 1, 0, 30_000, 17_001] {
        s.seek(target);
        let mut fresh = Session::new(RunSpec::new(7, 3, 0)).expect("valid");
        fresh.seek(target);
        assert_eq!(s.position(), target);
        assert_eq!(s.trace_hash(), fresh.trace_hash(), "at {target}");
    }
}

// Issue 10: a destructive click can be undone. Undo stands just before the last fault, with
// the same state a run that never had it reaches, and the fault is gone from the spec.
#[test]
fn test_undo_takes_back_the_last_fault_exactly() {
    for at in [0_u64, 1_500, 2_000] {
        let mut s = Session::new(RunSpec::new(5, 3, 0)).expect("valid");
        s.seek(at);
        let cut = UserAction::Partition {
            from: Sid(1),
            to: Sid(2),
            direction: crate::network::Direction::Both,
        };
        s.act(cut.clone())
            .expect("a partition can start at any step");
        s.seek(at + 700);
        let undone = s.undo().expect("there is a fault to undo");
        assert_eq!(undone, (at, cut));
        assert_eq!(s.position(), at);
        assert!(s.spec().actions.is_empty());
        assert_eq!(s.explored(), at, "the future after the fault is dropped");
        let mut clean = Session::new(RunSpec::new(5, 3, 0)).expect("valid");
        clean.seek(at);
        assert_eq!(s.trace_hash(), clean.trace_hash(), "undo at {at}");
        s.seek(at + 700);
        clean.seek(at + 700);
        assert_eq!(
            s.trace_hash(),
            clean.trace_hash(),
            "and the run goes on as if never done"
        );
        assert_eq!(s.undo(), None, "nothing left to undo");
    }
}

use crate::testkit::zk4646_window_spec as zk4646_spec;

// Issue 13: the checkers run live, at the frontier of exploration.
#[test]
fn test_live_checks_catch_zk4646_in_3_8_where_it_breaks() {
    let mut s = Session::new(zk4646_spec(zab::ZkVersion::V3_8)).expect("the script runs");
    s.seek(700);
    let v = s
        .checks()
        .violation()
        .cloned()
        .expect("3.8 breaks committed-durable");
    assert_eq!(v.what.name(), "committed-durable");
    assert_eq!(v.step, 615);
    assert!(v.log_from < v.log_to && v.log_to <= s.full_log().len() as u64);
    assert_eq!(s.checks().checked(), 700);
    // Time travel replays explored ground without checking it again: same answer.
    s.seek(100);
    assert_eq!(s.checks().violation(), Some(&v));
    s.seek(700);
    assert_eq!(s.checks().violation(), Some(&v));
    assert_eq!(s.checks().checked(), 700);
}

#[test]
fn test_live_checks_find_nothing_when_the_fixed_version_runs_the_same_script() {
    let mut s = Session::new(zk4646_spec(zab::ZkVersion::V3_9_4)).expect("the script runs");
    s.seek(3_000);
    assert_eq!(s.checks().violation(), None);
    assert_eq!(s.checks().checked(), s.explored());
}

#[test]
fn test_live_checks_follow_a_fork_and_its_undo() {
    let mut s = Session::new(zk4646_spec(zab::ZkVersion::V3_8)).expect("the script runs");
    s.seek(700);
    assert!(s.checks().violation().is_some());
    // Acting before the violation drops the future the checks had seen.
    s.seek(500);
    assert!(
        s.act(UserAction::Crash(Sid(3))).expect("server 3 runs"),
        "a fork"
    );
    assert_eq!(s.checks().checked(), 500);
    assert_eq!(s.checks().violation(), None);
    s.seek(520);
    assert_eq!(s.checks().checked(), 520);
    // Whatever the fork and undo did, the checks agree with a fresh session of the spec
    // that is left: they are a function of the timeline, not of how it was reached.
    let fresh = |spec: &RunSpec| {
        let mut f = Session::new(spec.clone()).expect("the spec runs");
        f.seek(700);
        f.checks().violation().cloned()
    };
    s.seek(700);
    assert_eq!(s.checks().violation().cloned(), fresh(s.spec()));
    s.undo().expect("the crash at 500");
    assert_eq!(s.checks().checked(), 500);
    s.seek(700);
    assert_eq!(s.checks().checked(), 700);
    assert_eq!(s.checks().violation().cloned(), fresh(s.spec()));
}
