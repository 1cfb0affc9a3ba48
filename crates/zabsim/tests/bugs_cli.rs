//! `zabsim bugs`: the list, a replay that breaks (exit 1), the fixed one (exit 0), an unknown
//! id (exit 2 with the list).

mod common;
use common::zabsim;

#[test]
fn test_bugs_lists_every_registered_bug() {
    let (code, out, _) = zabsim(&["bugs"]);
    assert_eq!(code, 0);
    for b in sim::bugs::BUGS {
        assert!(out.contains(b.id) && out.contains(b.invariant), "{out}");
    }
}

#[test]
fn test_bugs_run_names_the_violation_and_the_fixed_version_survives() {
    let (code, out, _) = zabsim(&["bugs", "run", "ZOOKEEPER-4925"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("violation at step 608") && out.contains("agreement"),
        "{out}"
    );
    let (code, out, _) = zabsim(&["bugs", "run", "ZOOKEEPER-4925", "--fixed"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("3.9.4 survived"), "{out}");
}

#[test]
fn test_bugs_run_with_an_unknown_id_lists_the_registered_ones() {
    let (code, _, err) = zabsim(&["bugs", "run", "ZOOKEEPER-1"]);
    assert_eq!(code, 2);
    assert!(err.contains("ZOOKEEPER-4646"), "{err}");
}
