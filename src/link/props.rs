//! Property tests of the link codec (native only: proptest does not run in the browser
//! suite). Overflow checks are on in the test profile, so arithmetic overflow anywhere in
//! parsing or in a short run shows up as a failing case.

use super::*;
use crate::run_params::tests::props::{query_bytes, query_soup};
use crate::run_params::{MAX_SEED, MAX_START_MS};
use proptest::prelude::*;
use sim::network::Direction;
use sim::session::Session;
use sim::trace::MsgId;
use zab::Sid;

/// `key=value&…` with the link's keys and awkward values, to get past the first error.
fn param_soup() -> impl Strategy<Value = String> {
    let mut keys: Vec<&'static str> = LINK_PARAMS.iter().map(|(p, _)| *p).collect();
    keys.extend(["compact", "tour", "Seed", ""]);
    let value = prop_oneof![
        prop::sample::select(vec![
            "",
            "0",
            "1",
            "3",
            "5",
            "true",
            "leader-crash",
            "observers",
            "0.5",
            "2x",
            "10",
            "10:c1",
            "10:c1,20:r1",
            "5:l3%2B200",
            "7:p1-2,9:h",
            "1000000",
            "1000001",
            "9007199254740991",
            "18446744073709551615",
        ])
        .prop_map(str::to_string),
        query_soup(),
    ];
    let pair = (prop::sample::select(keys), value, any::<bool>());
    prop::collection::vec(pair, 0..8).prop_map(|pairs| {
        pairs
            .into_iter()
            .map(|(k, v, bare)| {
                if bare {
                    k.to_string()
                } else {
                    format!("{k}={v}")
                }
            })
            .collect::<Vec<_>>()
            .join("&")
    })
}

/// A valid link's query, then broken a little: a value replaced, a pair repeated or left
/// out, soup spliced in. Most cases fail deep in parsing rather than at the first pair.
fn mutated_link() -> impl Strategy<Value = String> {
    let edit = (0..5u8, any::<u32>(), query_soup());
    (valid_link(), prop::collection::vec(edit, 1..4)).prop_map(|(link, edits)| {
        let mut pairs: Vec<String> = link.to_query().split('&').map(str::to_string).collect();
        for (kind, at, soup) in edits {
            let i = at as usize % pairs.len().max(1);
            match (kind, pairs.get(i).cloned()) {
                (0, Some(p)) => {
                    let key = p.split('=').next().unwrap_or_default().to_string();
                    pairs[i] = format!("{key}={soup}");
                }
                (1, Some(p)) => pairs.push(p),
                (2, Some(_)) => {
                    pairs.remove(i);
                }
                (3, Some(p)) => {
                    let cut = p.char_indices().nth(at as usize % (p.len() + 1));
                    pairs[i] = p[..cut.map_or(p.len(), |(c, _)| c)].to_string();
                }
                _ => pairs.push(soup),
            }
        }
        pairs.join("&")
    })
}

fn scenario() -> impl Strategy<Value = Scenario> {
    prop::sample::select(Scenario::ALL.to_vec())
}

/// Any statically valid action naming servers 1..=n (n ≥ 1): a partition or a break joins
/// two different servers (with one server there is none: heal instead), a delay is
/// 1..=MAX_DELAY_MS.
fn action(n: i64) -> impl Strategy<Value = UserAction> {
    let sid = move || (1..=n).prop_map(Sid);
    prop_oneof![
        sid().prop_map(UserAction::Crash),
        sid().prop_map(UserAction::Restart),
        sid().prop_map(UserAction::Write),
        sid().prop_map(UserAction::Connect),
        (sid(), sid(), any::<bool>()).prop_map(|(from, to, one_way)| if from == to {
            UserAction::Heal
        } else {
            UserAction::Partition {
                from,
                to,
                direction: if one_way {
                    Direction::OneWay
                } else {
                    Direction::Both
                },
            }
        }),
        Just(UserAction::Heal),
        (sid(), sid()).prop_map(|(a, b)| if a == b {
            UserAction::Heal
        } else {
            UserAction::Break { a, b }
        }),
        any::<u64>().prop_map(|m| UserAction::Drop(MsgId(m))),
        (any::<u64>(), 1..=sim::session::MAX_DELAY_MS).prop_map(|(m, extra_ms)| {
            UserAction::Delay {
                msg: MsgId(m),
                extra_ms,
            }
        }),
    ]
}

/// A valid shape: a scenario's, or voters and observers in range.
fn shape() -> impl Strategy<Value = (Option<Scenario>, u32, u32)> {
    prop_oneof![
        scenario().prop_map(|s| (Some(s), s.shape().0, s.shape().1)),
        (1..=zab::config::MAX_VOTERS, 0..=zab::config::MAX_OBSERVERS)
            .prop_map(|(v, o)| (None, v, o)),
    ]
}

/// Any link the app could write.
fn valid_link() -> impl Strategy<Value = Link> {
    shape().prop_flat_map(|(scenario, voters, observers)| {
        let n = i64::from(voters + observers);
        let faults = prop::collection::vec((0..=MAX_POS, action(n)), 0..6).prop_map(|mut f| {
            f.sort_by_key(|(step, _)| *step);
            f
        });
        (
            prop::option::of(0..=MAX_SEED),
            prop::option::of((Speed::MIN.0..=Speed::MAX.0).prop_map(Speed)),
            faults,
            prop::option::of(0..=MAX_POS),
            prop::option::of(0..=MAX_START_MS),
            any::<bool>(),
            any::<bool>(),
            prop::option::of(1..=crate::tour::CHAPTERS.len()),
            prop::option::of(prop::sample::select(zab::ZkVersion::ALL.to_vec())),
            prop::option::of(prop::sample::select(switch_bugs())),
        )
            .prop_map(
                move |(seed, speed, faults, pos, at_ms, play, embed, tour, zk, bug)| Link {
                    seed,
                    scenario,
                    voters,
                    observers,
                    speed,
                    faults,
                    pos,
                    to_violation: false,
                    at_ms,
                    play,
                    embed,
                    tour,
                    zk,
                    bug,
                },
            )
    })
}

/// A fault schedule that makes sense as it plays: crash a running server, restart a
/// crashed one, write at a running one, partition two distinct servers not yet apart, heal
/// only what is partitioned. `intents` are (step, kind, a, b); steps are within `0..=pos`.
fn schedule(n: u32, mut intents: Vec<(u64, u8, u32, u32)>) -> Vec<(u64, UserAction)> {
    intents.sort_by_key(|i| i.0);
    let mut down: Vec<u32> = Vec::new();
    let mut apart: Vec<(u32, u32)> = Vec::new();
    let mut out = Vec::new();
    for (step, kind, a, b) in intents {
        let up: Vec<u32> = (1..=n).filter(|s| !down.contains(s)).collect();
        let pick = |from: &[u32], i: u32| from[i as usize % from.len()];
        let action = match kind % 5 {
            0 if up.len() > 1 => {
                let s = pick(&up, a);
                down.push(s);
                UserAction::Crash(Sid(s.into()))
            }
            1 if !down.is_empty() => {
                let s = down.remove(a as usize % down.len());
                UserAction::Restart(Sid(s.into()))
            }
            2 if !up.is_empty() => UserAction::Write(Sid(pick(&up, a).into())),
            3 if n > 1 => {
                let from = 1 + a % n;
                let to = 1 + (from + b % (n - 1)) % n;
                if apart.contains(&(from, to)) {
                    continue;
                }
                apart.push((from, to));
                UserAction::Partition {
                    from: Sid(from.into()),
                    to: Sid(to.into()),
                    direction: if b % 2 == 0 {
                        Direction::OneWay
                    } else {
                        Direction::Both
                    },
                }
            }
            4 if !apart.is_empty() => {
                apart.clear();
                UserAction::Heal
            }
            _ => continue,
        };
        out.push((step, action));
    }
    out
}

/// A small link to run: pos at most 3000, faults before it.
fn small_link() -> impl Strategy<Value = Link> {
    (
        prop_oneof![
            scenario().prop_map(|s| (Some(s), s.shape().0, s.shape().1)),
            (1..=5u32, 0..=2u32).prop_map(|(v, o)| (None, v, o)),
        ],
        0..=3000u64,
    )
        .prop_flat_map(|((scenario, voters, observers), pos)| {
            let intents =
                prop::collection::vec((0..=pos, any::<u8>(), any::<u32>(), any::<u32>()), 0..6);
            (0..=MAX_SEED, intents).prop_map(move |(seed, intents)| Link {
                seed: Some(seed),
                scenario,
                voters,
                observers,
                speed: Some(Speed::DEFAULT),
                faults: schedule(voters + observers, intents),
                pos: Some(pos),
                to_violation: false,
                at_ms: None,
                play: false,
                embed: false,
                tour: None,
                zk: None,
                bug: None,
            })
        })
}

fn names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = LINK_PARAMS.iter().map(|(p, _)| *p).collect();
    names.push("compact");
    names
}

proptest! {
    #[test]
    fn test_any_query_parses_or_names_a_parameter(
        query in prop_oneof![query_soup(), query_bytes(), param_soup(), mutated_link()]
    ) {
        match Link::parse(&query) {
            Ok(link) => {
                prop_assert!(link.seed.is_none_or(|s| s <= MAX_SEED));
                prop_assert!(link.pos.is_none_or(|p| p <= MAX_POS));
                prop_assert!(link.faults.iter().all(|(step, _)| *step <= MAX_POS));
                prop_assert!(link.spec(0).validate_actions().is_ok());
                // What parses, prints back to itself.
                prop_assert_eq!(Link::parse(&link.to_query()), Ok(link));
            }
            Err(e) => {
                prop_assert!(names().contains(&e.param()), "{}", e);
                let text = e.to_string();
                prop_assert!(
                    text.starts_with(&format!("The URL parameter {}", e.param())),
                    "{}",
                    text
                );
            }
        }
    }

    #[test]
    fn test_a_valid_link_round_trips(link in valid_link()) {
        let query = link.to_query();
        prop_assert_eq!(Link::parse(&query), Ok(link.clone()), "{}", query);
        prop_assert_eq!(Link::parse(&format!("?{query}")), Ok(link));
    }
}

proptest! {
    // Each case runs up to 3000 events of a debug build: a few cases keep it quick.
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn test_a_run_gives_back_the_link_it_was_built_from(link in small_link()) {
        let query = link.to_query();
        let parsed = Link::parse(&query).expect("small_link makes valid links");
        prop_assert_eq!(&parsed, &link);
        let seed = parsed.seed.expect("small_link always has a seed");
        let pos = parsed.pos.expect("small_link always has a pos");
        // Session::new may refuse a schedule it deems pointless; that is a clean error,
        // not a failure of the link.
        let Ok(mut session) = Session::new(parsed.spec(seed)) else {
            return Ok(());
        };
        session.seek(pos);
        prop_assert_eq!(session.position(), pos, "the run reaches pos: {}", query);
        let speed = parsed.speed.expect("small_link always has a speed");
        let back = Link::of_spec(session.spec(), speed, Some(session.position()))
            .expect("a link's run has a link");
        let again = Link::parse(&back.to_query()).expect("the app's own link parses");
        prop_assert_eq!(again.spec(seed), link.spec(seed), "{}", query);
        prop_assert_eq!(again.pos, link.pos);
    }
}

/// The ids a link's `bug` accepts: the registered bugs that live in a switch.
fn switch_bugs() -> Vec<&'static str> {
    sim::bugs::BUGS
        .iter()
        .filter(|b| matches!(b.affected, sim::bugs::Affected::Switch(_)))
        .map(|b| b.id)
        .collect()
}
