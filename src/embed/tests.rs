//! Tests of `mount`'s options, without a browser (SG-2: a child file).

use super::*;
use OptionValue::{Absent, Bool, Number, Other};

fn text(s: &str) -> OptionValue {
    OptionValue::String(s.to_string())
}

fn options(entries: &[(&str, OptionValue)]) -> Result<MountOptions, MountError> {
    MountOptions::from_entries(entries.iter().map(|(k, v)| (k.to_string(), v.clone())))
}

/// The message `mount` would throw for these entries, from decoding or from the link codec.
fn refusal(entries: &[(&str, OptionValue)]) -> String {
    match options(entries).and_then(|o| o.validate()) {
        Ok(q) => panic!("{entries:?} must be refused, got {q}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn test_options_become_a_valid_compact_link() {
    let o = options(&[
        ("seed", Number(7.0)),
        ("scenario", text("leader-crash")),
        ("speed", Number(0.5)),
        ("autoplay", Bool(true)),
        ("faults", text("400:c1,900:l3+200")),
        ("appUrl", text("https://example.org/zabscope/")),
    ])
    .expect("valid");
    assert_eq!(o.app_url.as_deref(), Some("https://example.org/zabscope/"));
    let q = o.validate().expect("valid");
    let link = Link::parse(&q).expect("valid");
    assert!(link.embed && link.play);
    assert_eq!(link.seed, Some(7));
    assert_eq!(link.faults.len(), 2);
    assert_eq!(link.speed.map(|s| s.0), Some(-15));
}

#[test]
fn test_group_is_kept_out_of_the_link() {
    let o = options(&[("scenario", text("fresh-start")), ("group", text("guide"))]).expect("valid");
    assert_eq!(o.group.as_deref(), Some("guide"));
    // The group is about the page, not the run: the link is the same without it.
    let without = options(&[("scenario", text("fresh-start"))]).expect("valid");
    assert_eq!(o.validate(), without.validate());
    assert_eq!(
        refusal(&[("group", Number(1.0))]),
        "ZabScope mount: the option group must be a string (any name shared by the frames \
         that play one at a time), not the number 1."
    );
}

#[test]
fn test_full_app_when_embed_or_compact_is_false() {
    for name in ["embed", "compact"] {
        let o = options(&[(name, Bool(false))]).expect("valid");
        let link = Link::parse(&o.validate().expect("valid")).expect("ok");
        assert!(!link.embed, "{name}");
    }
    let o = options(&[]).expect("no options");
    assert!(
        Link::parse(&o.validate().expect("valid"))
            .expect("ok")
            .embed
    );
}

#[test]
fn test_undefined_and_null_options_are_left_out() {
    let o = options(&[
        ("seed", Absent),
        ("embed", Absent),
        ("compact", Bool(false)),
    ]);
    assert_eq!(
        o,
        Ok(MountOptions {
            embed: Some(false),
            ..MountOptions::default()
        })
    );
}

#[test]
fn test_wrong_types_name_the_option_and_the_type_it_takes() {
    // serde-wasm-bindgen's "invalid type: string \"five\", expected u32" named no option.
    let cases: &[(&str, OptionValue, &str)] = &[
        (
            "voters",
            text("five"),
            "ZabScope mount: the option voters must be a number (a whole number from 1 to 9), \
             not the string \"five\".",
        ),
        (
            "seed",
            text("7"),
            "ZabScope mount: the option seed must be a number (a whole number from 0 to \
             9007199254740991), not the string \"7\".",
        ),
        (
            "seed",
            Other("a bigint"),
            "ZabScope mount: the option seed must be a number (a whole number from 0 to \
             9007199254740991), not a bigint.",
        ),
        (
            "autoplay",
            text("yes"),
            "ZabScope mount: the option autoplay must be a boolean (true or false), not the \
             string \"yes\".",
        ),
        (
            "compact",
            Number(1.0),
            "ZabScope mount: the option compact must be a boolean (true or false), not the \
             number 1.",
        ),
        (
            "scenario",
            Other("an array"),
            "ZabScope mount: the option scenario must be a string (a scenario's name), not an \
             array.",
        ),
        (
            "faults",
            Number(400.0),
            "ZabScope mount: the option faults must be a string (step:action items, e.g. \
             \"400:c1,900:r1\"), not the number 400.",
        ),
        (
            "speed",
            Bool(true),
            "ZabScope mount: the option speed must be a number (from 0.01 to 10), not true.",
        ),
        (
            "pos",
            Other("an object"),
            "ZabScope mount: the option pos must be a number (a whole number from 0 to \
             1000000), not an object.",
        ),
        (
            "appUrl",
            Other("a function"),
            "ZabScope mount: the option appUrl must be a string, not a function.",
        ),
    ];
    for (name, value, want) in cases {
        assert_eq!(refusal(&[(name, value.clone())]), *want, "{name}");
    }
}

#[test]
fn test_unknown_option_names_are_refused() {
    // `{vooters: 5}` used to mount a 5-voter default run as if nothing were wrong.
    assert_eq!(
        refusal(&[("seed", Number(1.0)), ("vooters", Number(5.0))]),
        "ZabScope mount: unknown option `vooters`; the options are seed, voters, observers, \
         scenario, speed, autoplay, embed, compact, faults, pos, appUrl, group, zk, bug."
    );
    // Names are case-sensitive, as in JavaScript.
    assert!(refusal(&[("appurl", text("./"))]).contains("unknown option `appurl`"));
    // Even when its value is undefined: the name is still a typo.
    assert!(refusal(&[("sed", Absent)]).contains("`sed`"));
}

#[test]
fn test_embed_and_compact_together_are_refused() {
    assert_eq!(
        refusal(&[("embed", Bool(false)), ("compact", Bool(true))]),
        "ZabScope mount: the options embed and compact are one option under two names; give \
         only one of them."
    );
}

#[test]
fn test_bad_values_name_the_option() {
    let cases: &[(&[(&str, OptionValue)], &str)] = &[
        (
            &[("scenario", text("nope & more"))],
            "ZabScope mount: the option scenario = \"nope & more\" is not valid: scenario must \
             be one of fresh-start,",
        ),
        (
            &[("speed", Number(50.0))],
            "ZabScope mount: the option speed = 50 is not valid: speed must be a number from \
             0.01 to 10 (simulated ms per real ms).",
        ),
        (
            &[("voters", Number(3.0)), ("faults", text("5:c4"))],
            "ZabScope mount: the option faults = \"5:c4\" is not valid: `c4` at step 5: it names \
             server 4, but the ensemble has servers 1..=3.",
        ),
        (
            &[("faults", text("5"))],
            "ZabScope mount: the option faults = \"5\" is not valid: `5` is not step:action \
             (e.g. 120:c3); faults is a comma-separated list of step:action.",
        ),
        (
            &[("seed", Number(1.5))],
            "ZabScope mount: the option seed = 1.5 is not valid: seed must be a whole number \
             from 0 to 9007199254740991.",
        ),
        (
            &[("seed", Number(-1.0))],
            "ZabScope mount: the option seed = -1 is not valid: seed must be a whole number \
             from 0 to 9007199254740991.",
        ),
        (
            &[("seed", Number(f64::NAN))],
            "ZabScope mount: the option seed = NaN is not valid: seed must be a whole number \
             from 0 to 9007199254740991.",
        ),
        (
            &[("voters", Number(f64::INFINITY))],
            "ZabScope mount: the option voters = Infinity is not valid: voters must be a whole \
             number from 1 to 9.",
        ),
        (
            &[("scenario", text("leader-crash")), ("voters", Number(5.0))],
            "ZabScope mount: the option voters = 5 is not valid: scenario leader-crash runs 3 \
             voters and 0 observers; leave voters out.",
        ),
        (
            &[("pos", Number(5e6))],
            "ZabScope mount: the option pos = 5000000 is not valid: pos=5000000 is beyond what \
             the app builds in the browser (at most 1000000 steps).",
        ),
    ];
    for (entries, want) in cases {
        let got = refusal(entries);
        assert!(
            got.starts_with(want),
            "{entries:?}\n got: {got}\nwant: {want}"
        );
    }
}

#[test]
fn test_seeds_follow_the_project_limit() {
    // 2^53 − 1 is the largest integer a JavaScript number holds exactly; 2^53 is refused.
    let max = (MAX_SEED as f64, Some(MAX_SEED));
    let o = options(&[("seed", Number(max.0))]).expect("a number");
    assert_eq!(
        Link::parse(&o.validate().expect("the limit"))
            .expect("ok")
            .seed,
        max.1
    );
    for beyond in [9_007_199_254_740_992.0, 1e300, f64::MAX] {
        let got = refusal(&[("seed", Number(beyond))]);
        assert!(
            got.contains("from 0 to 9007199254740991"),
            "{beyond}: {got}"
        );
    }
}

#[test]
fn test_numbers_print_as_javascript_does() {
    assert_eq!(js_number(7.0), "7");
    assert_eq!(js_number(0.5), "0.5");
    assert_eq!(js_number(5e6), "5000000");
    assert_eq!(js_number(-0.0), "0");
    assert_eq!(js_number(f64::NEG_INFINITY), "-Infinity");
}

#[test]
fn test_zk_option_reaches_the_link_and_a_bad_one_names_the_option() {
    let o = options(&[
        ("scenario", text("follower-behind-diff")),
        ("zk", text("3.8")),
    ])
    .expect("options");
    let link = Link::parse(&o.validate().expect("valid")).expect("ok");
    assert_eq!(link.zk, Some(zab::ZkVersion::V3_8));
    let bad = options(&[("zk", text("3.7"))]).expect("the type is right");
    let err = bad.validate().expect_err("no such release").to_string();
    assert!(
        err.starts_with(
            "ZabScope mount: the option zk = \"3.7\" is not valid: zk must be a ZooKeeper release"
        ),
        "{err}"
    );
}

#[test]
fn test_bug_option_reaches_the_link_and_a_bad_one_names_the_option() {
    let o = options(&[
        ("seed", Number(1.0)),
        ("zk", text("3.9.4")),
        ("bug", text("ZOOKEEPER-2845")),
    ])
    .expect("the types are right");
    let link = Link::parse(&o.validate().expect("valid")).expect("a link");
    assert_eq!(link.bug, Some("ZOOKEEPER-2845"));
    assert!(link.spec(1).bugs.zk2845_no_fast_forward);
    let bad = options(&[("bug", text("ZOOKEEPER-4646"))]).expect("the type is right");
    let err = bad.validate().expect_err("a version bug").to_string();
    assert!(
        err.contains("the option bug = \"ZOOKEEPER-4646\" is not valid"),
        "{err}"
    );
    assert!(err.contains("use zk=3.8"), "{err}");
}
