//! Tests of the link codec (SG-2: a child file beside it).

use super::*;
use sim::network::Direction;
use sim::trace::MsgId;
use zab::Sid;

#[test]
fn test_defaults_match_run_params() {
    let link = Link::parse("").expect("empty");
    assert_eq!(link, Link::default());
    assert_eq!((link.voters, link.observers), (5, 0));
    assert_eq!(link.seed, None);
    assert!(!link.embed && link.faults.is_empty() && link.pos.is_none());
}

#[test]
fn test_full_link_round_trips() {
    let link = Link {
        seed: Some(42),
        scenario: Some(Scenario::LeaderCrash),
        voters: 3,
        observers: 0,
        speed: Some(Speed(-15)),
        faults: vec![
            (120, UserAction::Crash(Sid(3))),
            (
                400,
                UserAction::Delay {
                    msg: MsgId(17),
                    extra_ms: 500,
                },
            ),
            (
                401,
                UserAction::Partition {
                    from: Sid(1),
                    to: Sid(2),
                    direction: Direction::OneWay,
                },
            ),
            (900, UserAction::Heal),
        ],
        pos: Some(2400),
        to_violation: false,
        at_ms: None,
        play: true,
        embed: true,
        tour: Some(7),
        zk: Some(zab::ZkVersion::V3_8),
        bug: None,
    };
    let q = link.to_query();
    assert!(q.ends_with("&tour=7"), "{q}");
    assert!(
        q.starts_with("seed=42&scenario=leader-crash&zk=3.8&speed=0.5&f=120:c3,"),
        "{q}"
    );
    assert!(q.contains("l17%2B500"), "{q}");
    assert_eq!(Link::parse(&q).expect("round trip"), link);
    assert_eq!(Link::parse(&format!("?{q}")).expect("with ?"), link);
}

#[test]
fn test_state_to_link_to_state() {
    let mut spec = RunSpec::new(9, 5, 1);
    spec.actions = vec![(10, UserAction::Write(Sid(2))), (30, UserAction::Heal)];
    let link = Link::of_spec(&spec, Speed::DEFAULT, Some(77)).expect("a link");
    let back = Link::parse(&link.to_query()).expect("round trip");
    assert_eq!(back.spec(back.seed.expect("seed")), spec);
    assert_eq!((back.speed, back.pos), (Some(Speed::DEFAULT), Some(77)));
    let scenario = RunSpec::with_scenario(3, Scenario::ObserversToo);
    let back = Link::parse(
        &Link::of_spec(&scenario, Speed(0), None)
            .expect("a link")
            .to_query(),
    )
    .expect("ok");
    assert_eq!(back.spec(3), scenario);
    assert_eq!((back.voters, back.observers), (5, 2));
}

#[test]
fn test_every_speed_step_round_trips() {
    for step in Speed::MIN.0..=Speed::MAX.0 {
        let text = speed_text(Speed(step));
        assert_eq!(parse_speed(&text), Ok(Speed(step)), "{step} → {text}");
    }
    assert_eq!(speed_text(Speed::DEFAULT), "0.25");
    assert_eq!(speed_text(Speed(0)), "1");
    assert_eq!(speed_text(Speed::MAX), "10");
    assert_eq!(parse_speed("2x"), Ok(parse_speed("2").expect("2")));
}

#[test]
fn test_scenario_sets_the_shape() {
    let link = Link::parse("scenario=observers&seed=1").expect("valid");
    assert_eq!(link.scenario, Some(Scenario::ObserversToo));
    assert_eq!((link.voters, link.observers), (5, 2));
    // Naming the scenario's own shape is fine.
    assert!(Link::parse("scenario=observers&voters=5&observers=2").is_ok());
    assert_eq!(Link::parse("scenario=").expect("empty").scenario, None);
}

fn refused(query: &str) -> LinkError {
    Link::parse(query).expect_err(query)
}

#[test]
fn test_malformed_links_name_the_parameter() {
    let cases: &[(&str, &str, &str)] = &[
        ("scenario=nope", "scenario", "one of fresh-start, observers"),
        ("scenario=Leader-Crash", "scenario", "leader-crash"),
        ("scenario=leader-crash&voters=5", "voters", "runs 3 voters"),
        ("scenario=observers&observers=1", "observers", "2 observers"),
        ("f=120", "f", "`120` is not step:action"),
        ("f=120:zz", "f", "`120:zz` is not step:action"),
        ("f=x:c1", "f", "is not step:action"),
        ("f=300:c1,100:r1", "f", "step order"),
        ("voters=3&f=10:c4", "f", "names server 4"),
        ("voters=3&observers=1&f=10:p1-5", "f", "servers 1..=4"),
        ("scenario=leader-crash&f=10:c5", "f", "names server 5"),
        (
            "pos=abc",
            "pos",
            "number of events from 0 to 1000000, or `violation`",
        ),
        ("pos=-1", "pos", "number of events"),
        ("pos=1e5", "pos", "number of events"),
        ("pos=+5", "pos", "number of events"),
        ("pos=1000001", "pos", "at most 1000000 steps"),
        ("f=1000001:c1", "f", "at most 1000000 steps"),
        ("speed=100", "speed", "from 0.01 to 10"),
        ("speed=0.001", "speed", "from 0.01 to 10"),
        ("speed=0", "speed", "from 0.01 to 10"),
        ("speed=-1", "speed", "from 0.01 to 10"),
        ("speed=fast", "speed", "from 0.01 to 10"),
        ("speed=1.2.3", "speed", "from 0.01 to 10"),
        ("speed=", "speed", "from 0.01 to 10"),
        ("speed=2xxxx", "speed", "from 0.01 to 10"),
        ("speed=10.2", "speed", "from 0.01 to 10"),
        ("embed=maybe", "embed", "0 or false for no"),
        ("compact=maybe", "compact", "0 or false for no"),
        ("f=1:c1&f=2:c1", "f", "appears twice"),
        // The base parameters keep RunParams' messages.
        ("voters=abc", "voters", "1 to 9"),
        ("seed=-4", "seed", "0 to 9007199254740991"),
    ];
    for (query, param, needle) in cases {
        let e = refused(query);
        assert_eq!(e.param(), *param, "{query}: {e}");
        let text = e.to_string();
        assert!(
            text.contains(needle) && text.contains(&format!("{param}=")),
            "{query}: {text}"
        );
    }
}

#[test]
fn test_error_text_is_a_sentence_naming_the_value() {
    assert_eq!(
        refused("?voters=abc").to_string(),
        "The URL parameter voters=\"abc\" is not valid: voters must be a whole number from \
         1 to 9."
    );
    assert_eq!(
        refused("pos=soon").to_string(),
        "The URL parameter pos=\"soon\" is not valid: pos must be a number of events from 0 \
         to 1000000, or `violation` for the first broken safety check."
    );
}

#[test]
fn test_pos_violation_round_trips_and_is_not_a_number() {
    let link = Link::parse("seed=3&voters=3&zk=3.8&pos=violation").expect("a link");
    assert!(link.to_violation);
    assert_eq!(link.pos, None);
    assert!(
        link.to_query().contains("pos=violation"),
        "{}",
        link.to_query()
    );
    assert_eq!(Link::parse(&link.to_query()).expect("again"), link);
    // A number is still a number; `violation` only as a whole value.
    assert!(!Link::parse("pos=12").expect("a number").to_violation);
    assert_eq!(refused("pos=violations").param(), "pos");
}

#[test]
fn test_hand_typed_plus_in_faults_survives() {
    let link = Link::parse("voters=3&f=5:l2+300").expect("a space is read as +");
    assert_eq!(
        link.faults,
        vec![(
            5,
            UserAction::Delay {
                msg: MsgId(2),
                extra_ms: 300
            }
        )]
    );
}

#[test]
fn test_embed_and_compact_flags() {
    assert!(is_embed("?seed=1&embed") && is_embed("compact=1") && is_embed("embed&voters=x"));
    assert!(!is_embed("seed=1") && !is_embed("embed=0"));
    assert!(Link::parse("embed").expect("bare").embed);
    assert!(Link::parse("compact=1").expect("alias").embed);
    assert!(!Link::parse("embed=0").expect("off").embed);
}

#[test]
fn test_every_parameter_given_twice_is_refused() {
    // `?f=10:c1&f=20:c2` used to open the run of the last f: a link must mean one run.
    let twice: &[(&str, &str, &str)] = &[
        ("seed", "1", "2"),
        ("voters", "3", "5"),
        ("observers", "0", "1"),
        ("t", "10", "20"),
        ("play", "1", "0"),
        ("scenario", "leader-crash", "observers"),
        ("speed", "1", "2"),
        ("f", "10:c1", "20:c2"),
        ("pos", "10", "20"),
        ("embed", "1", "0"),
        ("tour", "1", "2"),
    ];
    for (param, a, b) in twice {
        let query = format!("{param}={a}&{param}={b}");
        let e = refused(&query);
        assert_eq!(e.param(), *param, "{query}");
        assert_eq!(
            e.to_string(),
            format!(
                "The URL parameter {param} appears twice ({param}=\"{a}\", then \
                 {param}=\"{b}\"): give it only once."
            ),
            "{query}"
        );
    }
    // Other parameters in between change nothing; an unknown one may repeat.
    let e = refused("f=10:c1&seed=4&utm=1&utm=2&f=20:c2");
    assert_eq!(e.param(), "f");
    assert!(Link::parse("utm=1&utm=2&seed=4").is_ok());
}

#[test]
fn test_embed_and_compact_together_are_a_repeat() {
    // They are one parameter under two names, so `embed=0&compact=1` is contradictory.
    assert_eq!(
        refused("embed=0&seed=1&compact=1").to_string(),
        "The URL parameter embed appears twice (embed=\"0\", then compact=\"1\"; compact is \
         another name for embed): give it only once."
    );
    assert_eq!(
        refused("compact&embed").to_string(),
        "The URL parameter embed appears twice (compact=\"\", then embed=\"\"; compact is \
         another name for embed): give it only once."
    );
    assert_eq!(refused("compact&compact").param(), "embed");
}

#[test]
fn test_link_params_include_the_base_parameters() {
    for (param, _) in crate::run_params::RUN_PARAMS {
        assert!(LINK_PARAMS.iter().any(|(p, _)| *p == param), "{param}");
    }
}

#[test]
fn test_speed_is_the_whole_value() {
    // `2xxxx` used to be read as 2: the trailing x's were all trimmed.
    for bad in [
        "2xxxx", "2xx", "2x×", "x", "×", "2 x", " 2", "2,5", "1e1", "10.2", "10.0001", "0.0099",
        "00.009", "inf", "NaN",
    ] {
        let e = parse_speed(bad).expect_err(bad);
        assert_eq!(
            e.to_string(),
            format!(
                "The URL parameter speed=\"{bad}\" is not valid: speed must be a number from \
                 0.01 to 10 (simulated ms per real ms)."
            )
        );
    }
    assert_eq!(parse_speed("2x"), parse_speed("2"));
    assert_eq!(parse_speed("2×"), parse_speed("2"));
    assert_eq!(parse_speed("10."), Ok(Speed::MAX));
    assert_eq!(parse_speed("10.000"), Ok(Speed::MAX));
    assert_eq!(parse_speed("0.010"), Ok(Speed::MIN));
    assert_eq!(parse_speed(".5"), Ok(Speed(-15)));
}

#[test]
fn test_speed_range_text_matches_its_numbers() {
    assert_eq!(SPEED_RANGE.0.parse::<f64>(), Ok(SPEED_MIN));
    assert_eq!(SPEED_RANGE.1.parse::<f64>(), Ok(SPEED_MAX));
    assert_eq!(speed_text(Speed::MIN), SPEED_RANGE.0);
    assert_eq!(speed_text(Speed::MAX), SPEED_RANGE.1);
}

#[test]
fn test_pos_beyond_the_limit_says_why() {
    assert_eq!(MAX_POS, 1_000_000);
    assert_eq!(
        refused("pos=5000000").to_string(),
        "The URL parameter pos=\"5000000\" is not valid: pos=5000000 is beyond what the app \
         builds in the browser (at most 1000000 steps)."
    );
    // Beyond u64 it is still a whole number, just a larger one.
    let huge = "18446744073709551616";
    assert_eq!(
        refused(&format!("pos={huge}")),
        LinkError::PosBeyondLimit {
            value: huge.to_string()
        }
    );
    assert_eq!(
        Link::parse("pos=1000000").expect("the limit").pos,
        Some(MAX_POS)
    );
}

#[test]
fn test_fault_steps_beyond_the_limit_are_refused() {
    assert_eq!(
        refused("voters=3&f=10:c1,1000001:r1").to_string(),
        "The URL parameter f=\"10:c1,1000001:r1\" is not valid: `1000001:r1` is at step \
         1000001, beyond what the app builds in the browser (at most 1000000 steps)."
    );
    assert_eq!(
        refused("f=,18446744073709551615:h"),
        LinkError::FaultBeyondLimit {
            value: ",18446744073709551615:h".to_string(),
            item: "18446744073709551615:h".to_string(),
            step: u64::MAX,
        }
    );
    let link = Link::parse("voters=3&f=1000000:c1").expect("at the limit");
    assert_eq!(link.faults, vec![(MAX_POS, UserAction::Crash(Sid(1)))]);
}

#[test]
fn test_tour_opens_a_chapter_and_refuses_others_by_name() {
    let link = Link::parse("?tour=7").expect("chapter 7");
    assert_eq!(link, Link::tour(7));
    assert!(!link.names_a_run(), "nothing but the tour");
    assert_eq!(link.to_query(), "tour=7");
    let with_run = Link::parse("?seed=4&voters=3&tour=12").expect("tour over a run");
    assert_eq!((with_run.tour, with_run.seed), (Some(12), Some(4)));
    assert!(with_run.names_a_run());
    assert_eq!(
        Link::parse(&with_run.to_query()).expect("round trip"),
        with_run
    );
    for bad in ["0", "99", "x", "", "-1", "1.5"] {
        let e = Link::parse(&format!("?tour={bad}")).expect_err(bad);
        assert_eq!(e.param(), "tour", "{bad}");
        assert_eq!(
            e.to_string(),
            format!(
                "The URL parameter tour=\"{bad}\" is not valid: tour must be a whole number \
                 from 1 to 12."
            )
        );
    }
    let twice = Link::parse("?tour=1&tour=2").expect_err("twice");
    assert_eq!(twice.param(), "tour");
}

#[test]
fn test_zk_picks_the_version_profile_and_a_bad_one_is_named() {
    let link = Link::parse("seed=3&scenario=follower-behind-diff&zk=3.8.2").expect("an alias");
    assert_eq!(link.zk, Some(zab::ZkVersion::V3_8));
    assert_eq!(link.spec(3).zk, zab::ZkVersion::V3_8);
    // No zk: the newest profile, and the app's own links always say which.
    let plain = Link::parse("seed=3").expect("plain");
    assert_eq!(plain.spec(3).zk, zab::ZkVersion::default());
    let again = Link::of_spec(&plain.spec(3), Speed::DEFAULT, None)
        .expect("a link")
        .to_query();
    assert!(
        again.contains(&format!("zk={}", zab::ZkVersion::default().name())),
        "{again}"
    );
    let err = Link::parse("seed=3&zk=3.7").expect_err("no such profile");
    assert_eq!(err.param(), "zk");
    let text = err.to_string();
    assert!(
        text.contains("zk=\"3.7\"") && text.contains("3.8") && text.contains("3.9.4"),
        "{text}"
    );
}

/// A bug older than every profile travels as `bug=ZOOKEEPER-NNNN`: the link gives back its
/// switches; a version bug, an unknown id and a self-test are refused or have no link.
#[test]
fn test_bug_names_a_registered_switch_and_round_trips() {
    for b in sim::bugs::BUGS {
        let spec = b.spec(false);
        let link = Link::of_spec(&spec, Speed::DEFAULT, Some(b.step)).expect("a link");
        let q = link.to_query();
        let back = Link::parse(&q).expect("its own link parses");
        assert_eq!(back.spec(spec.seed), spec, "{q}");
        assert_eq!(
            q.contains(&format!("bug={}", b.id)),
            matches!(b.affected, sim::bugs::Affected::Switch(_)),
            "{q}"
        );
    }
    let err = Link::parse("seed=1&bug=ZOOKEEPER-4646").expect_err("a version bug");
    assert_eq!(err.param(), "bug");
    assert!(err.to_string().contains("use zk=3.8"), "{err}");
    let err = Link::parse("seed=1&bug=ZOOKEEPER-1").expect_err("unknown");
    assert!(
        err.to_string()
            .contains("ZOOKEEPER-1154, ZOOKEEPER-2845, ZOOKEEPER-3642"),
        "{err}"
    );
    let mut self_test = RunSpec::new(1, 3, 0);
    self_test.bugs.epoch_files_out_of_order = true;
    assert_eq!(Link::of_spec(&self_test, Speed::DEFAULT, None), None);
}
