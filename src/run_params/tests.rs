//! Unit and property tests of the query codec's base parameters (SG-2: beside the code, in a
//! child file).

use super::*;

#[test]
fn test_empty_query_gives_defaults_and_no_seed() {
    assert_eq!(
        RunParams::parse("").expect("empty is fine"),
        RunParams::default()
    );
    assert_eq!(
        RunParams::parse("?").expect("bare ? is fine"),
        RunParams::default()
    );
}

#[test]
fn test_full_query_parses() {
    let p = RunParams::parse("?seed=7&voters=3&observers=2&t=1500&play").expect("valid");
    assert_eq!(
        p,
        RunParams {
            seed: Some(7),
            voters: 3,
            observers: 2,
            at_ms: Some(1500),
            play: true,
        }
    );
    assert_eq!(RunParams::parse(&p.to_query()).expect("round trip"), p);
}

#[test]
fn test_unknown_parameters_are_ignored_and_empty_seed_means_none() {
    let p = RunParams::parse("embed&seed=&voters=7&tour=1&tour=2").expect("valid");
    assert_eq!(p.seed, None);
    assert_eq!(p.voters, 7);
}

#[test]
fn test_limits_are_inclusive() {
    assert_eq!(RunParams::parse("voters=1").expect("1 voter").voters, 1);
    assert_eq!(RunParams::parse("voters=9").expect("9 voters").voters, 9);
    assert_eq!(RunParams::parse("observers=4").expect("4 obs").observers, 4);
    let max = format!("seed={MAX_SEED}");
    assert_eq!(
        RunParams::parse(&max).expect("max seed").seed,
        Some(MAX_SEED)
    );
}

#[test]
fn test_malformed_values_name_the_parameter_and_its_range() {
    let cases = [
        ("voters=abc", "voters", "1 to 9"),
        ("voters=100", "voters", "1 to 9"),
        ("voters=0", "voters", "1 to 9"),
        ("voters=", "voters", "1 to 9"),
        ("voters=+3", "voters", "1 to 9"),
        ("voters=99999999999999999999", "voters", "1 to 9"),
        ("observers=-1", "observers", "0 to 4"),
        ("observers=5", "observers", "0 to 4"),
        ("seed=xyz", "seed", "0 to 9007199254740991"),
        ("seed=-4", "seed", "0 to 9007199254740991"),
        ("seed=9007199254740992", "seed", "0 to 9007199254740991"),
        ("seed=18446744073709551615", "seed", "0 to 9007199254740991"),
        (
            "seed=99999999999999999999999",
            "seed",
            "0 to 9007199254740991",
        ),
        ("seed=1e3", "seed", "0 to 9007199254740991"),
        ("seed=0x10", "seed", "0 to 9007199254740991"),
        ("t=soon", "t", "0 to 3600000"),
        ("t=3600001", "t", "0 to 3600000"),
        ("play=yes", "play", "0 or false for no"),
    ];
    for (query, param, range) in cases {
        let err = RunParams::parse(query).expect_err(query);
        assert_eq!(err.param, param, "{query}");
        let text = err.to_string();
        assert!(
            text.contains(&format!("{param}=")) && text.contains(range),
            "{query}: {text}"
        );
    }
}

#[test]
fn test_error_text_quotes_the_value() {
    let err = RunParams::parse("?voters=abc").expect_err("abc is no number");
    assert_eq!(
        err.to_string(),
        "The URL parameter voters=\"abc\" is not valid: voters must be a whole number from 1 to 9."
    );
    let err = RunParams::parse("play=yes").expect_err("yes is not a flag value");
    assert_eq!(
        err.to_string(),
        "The URL parameter play=\"yes\" is not valid: play is a yes/no flag: no value, 1 or \
             true for yes, 0 or false for no."
    );
}

#[test]
fn test_a_repeated_parameter_is_refused_naming_both_values() {
    // The last one used to win silently: a link that means two runs opens neither.
    for param in ["seed", "voters", "observers", "t", "play"] {
        let query = format!("{param}=1&voters=3&{param}=2");
        let query = query.replacen("voters=3&", "", usize::from(param == "voters"));
        let err = RunParams::parse(&query).expect_err(&query);
        assert_eq!(err.param, param, "{query}");
        assert_eq!(
            err.to_string(),
            format!(
                "The URL parameter {param} appears twice ({param}=\"1\", then \
                     {param}=\"2\"): give it only once."
            ),
            "{query}"
        );
    }
    // An empty value counts: `seed=&seed=5` is still two seeds.
    let err = RunParams::parse("seed=&seed=5").expect_err("two seeds");
    assert_eq!(err.value, "");
    let err = RunParams::parse("play&play&play=0").expect_err("three");
    assert_eq!(
        err.to_string(),
        "The URL parameter play appears 3 times (play=\"\", then play=\"\"): give it only \
             once."
    );
    // The same value twice is still a repeat (and costs nothing to fix).
    assert!(RunParams::parse("voters=3&voters=3").is_err());
}

#[test]
fn test_play_flag() {
    assert!(RunParams::parse("play").expect("bare flag").play);
    assert!(RunParams::parse("play=true").expect("true").play);
    assert!(!RunParams::parse("play=0").expect("0").play);
    assert!(!RunParams::parse("").expect("absent").play);
}

#[test]
fn test_percent_decoding() {
    assert_eq!(decode("a%20b+c"), "a b c");
    assert_eq!(decode("100%"), "100%");
    assert_eq!(decode("%zz"), "%zz");
    assert_eq!(decode("%4"), "%4");
    assert_eq!(decode("%FF"), "\u{FFFD}");
    assert_eq!(RunParams::parse("voters=%33").expect("3").voters, 3);
    // A percent-escaped key is the same key, so it repeats too.
    assert!(RunParams::parse("seed=1&s%65ed=2").is_err());
}

#[test]
fn test_seed_from_bits_stays_js_safe() {
    assert_eq!(seed_from_bits(u64::MAX), MAX_SEED);
    assert_eq!(seed_from_bits(42), 42);
    assert_eq!(MAX_SEED, 9_007_199_254_740_991);
}

#[test]
fn test_seed_field_takes_the_same_seeds_as_a_link() {
    assert_eq!(parse_seed(" 12 ").expect("trimmed"), 12);
    assert_eq!(parse_seed(&MAX_SEED.to_string()), Ok(MAX_SEED));
    for bad in [
        "1e3",
        "",
        "-1",
        "+1",
        "9007199254740992",
        "18446744073709551616",
        "7.0",
    ] {
        let err = parse_seed(bad).expect_err(bad);
        assert_eq!(
            err.to_string(),
            format!(
                "\"{bad}\" is not a seed: a seed is a whole number from 0 to \
                     9007199254740991."
            )
        );
    }
}

/// Property tests (native only: proptest does not run in the browser suite). The query
/// strategies are shared with the link's tests.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) mod props {
    use super::super::*;
    use proptest::prelude::*;

    /// Pieces of query strings: the app's keys, separators, escapes and awkward numbers.
    pub(crate) fn query_soup() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            prop::sample::select(vec![
                "seed",
                "voters",
                "observers",
                "t",
                "play",
                "scenario",
                "speed",
                "f",
                "pos",
                "embed",
                "compact",
                "=",
                "=",
                "&",
                "&",
                "?",
                "%",
                "%2",
                "%26",
                "%3D",
                "%2B",
                "%FF",
                "%zz",
                "+",
                " ",
                ",",
                ":",
                "-",
                ".",
                "x",
                "×",
                "c1",
                "r2",
                "p1-2",
                "o2-1",
                "h",
                "b1-3",
                "d17",
                "l3+500",
                "w1",
                "leader-crash",
                "0",
                "1",
                "9",
                "true",
                "false",
                "18446744073709551615",
                "18446744073709551616",
                "9007199254740991",
                "9007199254740992",
                "99999999999999999999999",
                "-1",
                "1e5",
                "0.01",
                "10",
                "1000000",
                "1000001",
                "\u{0}",
                "é",
            ])
            .prop_map(str::to_string),
            "[0-9]{1,25}",
            "[ -~]{0,6}",
        ];
        prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
    }

    /// Arbitrary bytes, read the way a browser hands over a query (lossy UTF-8).
    pub(crate) fn query_bytes() -> impl Strategy<Value = String> {
        prop::collection::vec(any::<u8>(), 0..96)
            .prop_map(|b| String::from_utf8_lossy(&b).into_owned())
    }

    fn names() -> Vec<&'static str> {
        RUN_PARAMS.iter().map(|(p, _)| *p).collect()
    }

    proptest! {
        #[test]
        fn test_any_query_parses_or_names_a_parameter(
            query in prop_oneof![query_soup(), query_bytes()]
        ) {
            match RunParams::parse(&query) {
                Ok(p) => {
                    prop_assert!(p.seed.is_none_or(|s| s <= MAX_SEED));
                    prop_assert!((1..=MAX_VOTERS).contains(&p.voters));
                    prop_assert!(p.observers <= MAX_OBSERVERS);
                    prop_assert!(p.at_ms.is_none_or(|t| t <= MAX_START_MS));
                }
                Err(e) => {
                    prop_assert!(names().contains(&e.param), "{e}");
                    let text = e.to_string();
                    prop_assert!(
                        text.starts_with(&format!("The URL parameter {}", e.param)),
                        "{text}"
                    );
                }
            }
        }

        #[test]
        fn test_valid_params_round_trip(
            seed in prop::option::of(0..=MAX_SEED),
            voters in 1..=MAX_VOTERS,
            observers in 0..=MAX_OBSERVERS,
            at_ms in prop::option::of(0..=MAX_START_MS),
            play in any::<bool>(),
        ) {
            let p = RunParams { seed, voters, observers, at_ms, play };
            prop_assert_eq!(RunParams::parse(&p.to_query()), Ok(p));
        }

        #[test]
        fn test_seeds_are_those_up_to_max_seed(bits in any::<u64>()) {
            let seed = seed_from_bits(bits);
            prop_assert!(seed <= MAX_SEED);
            prop_assert_eq!(parse_seed(&seed.to_string()), Ok(seed));
            prop_assert_eq!(
                RunParams::parse(&format!("seed={seed}")).map(|p| p.seed),
                Ok(Some(seed))
            );
            let beyond = bits.max(MAX_SEED + 1);
            prop_assert!(parse_seed(&beyond.to_string()).is_err());
            let err = RunParams::parse(&format!("seed={beyond}")).expect_err("beyond MAX_SEED");
            prop_assert!(err.to_string().contains("0 to 9007199254740991"), "{}", err);
        }
    }
}
