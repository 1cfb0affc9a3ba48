//! Property tests (STYLE SG-19): the action codes and the trace file, fed arbitrary input.
//!
//! What fuzzing found before these existed: a trace header could overflow `voters +
//! observers`, claim millions of steps and make the import allocate for all of them, disagree
//! with its scenario, carry a seed a JavaScript number cannot hold, or inject faults that
//! change nothing. Each property below would catch one of those again.
//!
//! The cases are few and the runs short, so the file stays well under 20 s in a debug build;
//! the generator's seed is fixed, so every run checks the same cases (determinism, SG-18).

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use serde::Serialize;
use sim::network::Direction;
use sim::session::{RunSpec, Session, UserAction, MAX_SEED};
use sim::trace::MsgId;
use sim::trace_file::{decode_actions, encode_actions, read_trace, write_trace, MAX_TRACE_STEPS};
use std::collections::BTreeMap;
use zab::zk_database::{DataTree, History, Snapshot, Txn, TxnLog, TxnOp};
use zab::{Sid, Zxid};

fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(0x5eed),
        ..Config::default()
    }
}

fn sid() -> impl Strategy<Value = Sid> {
    (0..=i64::MAX).prop_map(Sid)
}

/// Any action the codes can express (servers are never negative: `p-1-2` is not a pair).
fn action() -> impl Strategy<Value = UserAction> {
    prop_oneof![
        sid().prop_map(UserAction::Crash),
        sid().prop_map(UserAction::Restart),
        sid().prop_map(UserAction::Write),
        (
            sid(),
            sid(),
            prop_oneof![Just(Direction::Both), Just(Direction::OneWay)]
        )
            .prop_map(|(from, to, direction)| UserAction::Partition {
                from,
                to,
                direction
            }),
        Just(UserAction::Heal),
        (sid(), sid()).prop_map(|(a, b)| UserAction::Break { a, b }),
        any::<u64>().prop_map(|m| UserAction::Drop(MsgId(m))),
        (any::<u64>(), any::<u64>()).prop_map(|(m, extra_ms)| UserAction::Delay {
            msg: MsgId(m),
            extra_ms
        }),
    ]
}

/// A JSON value for a header field: a fitting number, an extreme one, or something odd.
fn field(fitting: BoxedStrategy<String>) -> impl Strategy<Value = Option<String>> {
    prop::option::weighted(
        0.99,
        prop_oneof![
            200 => fitting,
            1 => any::<u64>().prop_map(|n| n.to_string()),
            1 => Just("-1".to_string()),
            1 => Just("1.5".to_string()),
            1 => Just("null".to_string()),
            1 => Just("\"7\"".to_string()),
            1 => Just("18446744073709551616".to_string()),
        ],
    )
}

fn header() -> impl Strategy<Value = String> {
    let small = |hi: u64| (0..=hi).prop_map(|n| n.to_string()).boxed();
    let scenario = prop_oneof![
        6 => Just("null".to_string()),
        1 => Just("\"leader-crash\"".to_string()),
        1 => Just("\"observers\"".to_string()),
        1 => Just("\"no-such\"".to_string()),
    ]
    .boxed();
    let actions = prop_oneof![
        Just("\"\"".to_string()),
        "[0-9]{1,3}:[crhpw][1-9]".prop_map(|a| format!("\"{a}\"")),
        "[0-9a-z:,+-]{0,12}".prop_map(|a| format!("\"{a}\"")),
    ]
    .boxed();
    (
        field(prop_oneof![4 => Just("1".to_string()), 1 => small(3)].boxed()),
        field(
            prop_oneof![
                6 => small(1_000),
                1 => Just(MAX_SEED.to_string()),
                1 => Just((MAX_SEED + 1).to_string()),
                1 => any::<u64>().prop_map(|n| n.to_string()),
            ]
            .boxed(),
        ),
        field(small(10)),
        field(small(5)),
        field(scenario),
        field(actions),
        field(prop_oneof![small(3), small(MAX_TRACE_STEPS + 5)].boxed()),
    )
        .prop_map(
            |(version, seed, voters, observers, scenario, actions, steps)| {
                let fields = [
                    ("zabscope_trace", version),
                    ("seed", seed),
                    ("voters", voters),
                    ("observers", observers),
                    ("scenario", scenario),
                    ("actions", actions),
                    ("steps", steps),
                ];
                let body: Vec<String> = fields
                    .into_iter()
                    .filter_map(|(name, v)| v.map(|v| format!("\"{name}\":{v}")))
                    .collect();
                format!("{{{}}}", body.join(","))
            },
        )
}

/// A fault a person might try at any moment; many are no-ops there and get refused.
fn attempt() -> impl Strategy<Value = (u64, UserAction)> {
    let s = (1..=4i64).prop_map(Sid);
    let kind = prop_oneof![
        s.clone().prop_map(UserAction::Crash),
        s.clone().prop_map(UserAction::Restart),
        s.clone().prop_map(UserAction::Write),
        (
            s.clone(),
            s.clone(),
            prop_oneof![Just(Direction::Both), Just(Direction::OneWay)]
        )
            .prop_map(|(from, to, direction)| {
                UserAction::Partition {
                    from,
                    to,
                    direction,
                }
            }),
        Just(UserAction::Heal),
        (s.clone(), s).prop_map(|(a, b)| UserAction::Break { a, b }),
        (0..400u64).prop_map(|m| UserAction::Drop(MsgId(m))),
        (0..400u64, 0..=2_000u64).prop_map(|(m, extra_ms)| UserAction::Delay {
            msg: MsgId(m),
            extra_ms
        }),
    ];
    (1..300u64, kind)
}

/// The std collections the persistent ones replaced, for comparing their JSON.
#[derive(Serialize)]
struct StdTree {
    nodes: BTreeMap<String, String>,
}

#[derive(Serialize)]
struct StdSnapshot {
    zxid: Zxid,
    tree: StdTree,
    history: Vec<Zxid>,
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn prop_action_codes_round_trip(a in action()) {
        prop_assert_eq!(UserAction::parse(&a.code()), Some(a));
    }

    #[test]
    fn prop_encoded_actions_round_trip(mut actions in prop::collection::vec(
        (any::<u64>(), action()), 0..12,
    )) {
        actions.sort_by_key(|(step, _)| *step);
        prop_assert_eq!(decode_actions(&encode_actions(&actions)), Ok(actions));
    }

    /// Arbitrary text, and text made of action-code characters, never panics the parsers.
    #[test]
    fn prop_parsers_never_panic(text in any::<String>(), codes in "[a-z0-9:,+-]{0,24}") {
        for t in [&text, &codes] {
            let _ = UserAction::parse(t);
            let _ = decode_actions(t);
            let _ = read_trace(t);
        }
    }

    /// The data tree, a snapshot and a txn log serialize exactly as the `BTreeMap` and `Vec`
    /// they replaced: the trace schema and the golden hashes depend on it.
    #[test]
    fn prop_persistent_collections_serialize_as_the_std_ones(
        nodes in prop::collection::btree_map("/[a-z0-9]{0,6}", "[ -~]{0,8}", 0..40),
        zxids in prop::collection::vec(any::<i64>(), 0..200),
    ) {
        let history: Vec<Zxid> = zxids.iter().copied().map(Zxid).collect();
        let snapshot = Snapshot {
            zxid: Zxid(7),
            tree: DataTree { nodes: nodes.clone().into_iter().collect(), ..DataTree::default() },
            history: History::from(history.clone()),
        };
        let mirror = StdSnapshot { zxid: Zxid(7), tree: StdTree { nodes: nodes.clone() }, history };
        let json = serde_json::to_string(&snapshot).expect("serializes");
        prop_assert_eq!(&json, &serde_json::to_string(&mirror).expect("serializes"));
        prop_assert_eq!(serde_json::from_str::<Snapshot>(&json).ok(), Some(snapshot));
        let txns: Vec<Txn> = nodes
            .into_iter()
            .zip(zxids)
            .map(|((path, data), z)| Txn { zxid: Zxid(z), op: TxnOp::SetData { path, data }, origin: None })
            .collect();
        let log = TxnLog::from(txns.clone());
        let json = serde_json::to_string(&log).expect("serializes");
        prop_assert_eq!(&json, &serde_json::to_string(&txns).expect("serializes"));
        prop_assert_eq!(serde_json::from_str::<TxnLog>(&json).ok(), Some(log));
    }
}

proptest! {
    #![proptest_config(config(512))]

    /// Any header, alone in the file: Ok or an error on line 1, and never a replay towards a
    /// far-off `steps` (it stops at the first entry the file does not have).
    #[test]
    fn prop_any_header_gives_ok_or_a_line_1_error(h in header()) {
        match read_trace(&h) {
            Ok(s) => prop_assert_eq!(s.position(), 0),
            Err(e) => {
                prop_assert_eq!(e.line, 1, "{}", e);
                let passed = "but the replay has passed the file's last entry at step ";
                if let Some((_, at)) = e.message.split_once(passed) {
                    let at: u64 = at.parse().expect("a step number");
                    prop_assert!(at < 10, "the replay ran on to step {}: {}", at, e);
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(config(24))]

    /// Random faults at random moments: a refused one changes nothing, and whatever the
    /// session accepted replays, from its spec and from its trace, to the same log.
    #[test]
    fn prop_fault_schedules_round_trip_through_the_trace(
        seed in 0..1_000u64,
        observers in 0..=1u32,
        attempts in prop::collection::vec(attempt(), 0..16),
    ) {
        let mut s = Session::new(RunSpec::new(seed, 3, observers)).expect("a valid shape");
        let servers = 3 + i64::from(observers);
        for (wait, a) in attempts {
            for _ in 0..wait {
                s.step();
            }
            let touches_unknown = match &a {
                UserAction::Crash(x) | UserAction::Restart(x) | UserAction::Write(x) => x.0 > servers,
                UserAction::Partition { from, to, .. } => from.0 > servers || to.0 > servers,
                UserAction::Break { a, b } => a.0 > servers || b.0 > servers,
                _ => false,
            };
            let before = (s.position(), s.full_log().len(), s.spec().clone());
            match s.act(a) {
                Ok(_) => prop_assert!(!touches_unknown),
                Err(e) => {
                    prop_assert_eq!((s.position(), s.full_log().len(), s.spec().clone()), before);
                    prop_assert_eq!(e.step, s.position());
                    if let UserAction::Delay { extra_ms: 0, .. } = e.action {
                        prop_assert!(e.to_string().contains("extra_ms must be 1..="), "{}", e);
                    }
                }
            }
        }
        while s.position() < 3_000 {
            prop_assert!(s.step());
        }
        let back = read_trace(&write_trace(&s)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back.trace_hash(), s.trace_hash());
        prop_assert_eq!(back.spec(), s.spec());
        let mut again = Session::new(s.spec().clone()).expect("an accepted spec is valid");
        again.seek(s.position());
        prop_assert_eq!(again.trace_hash(), s.trace_hash());
    }
}
