//! Every registered ZooKeeper bug (`sim::bugs::BUGS`): under the affected version its check
//! fires at the registered step; under the fixed version the same script runs at least 2 000
//! steps further with no violation.

use sim::bugs::BUGS;
use sim::session::Session;

#[test]
fn test_each_bug_breaks_its_check_under_the_affected_version() {
    for bug in BUGS {
        let mut s = Session::new(bug.spec(false)).expect("the script is accepted");
        while s.checks().violation().is_none() && s.position() < bug.step + 1 {
            assert!(s.step(), "{}: the run ended", bug.id);
        }
        let v = s
            .checks()
            .violation()
            .unwrap_or_else(|| panic!("{}: no violation", bug.id));
        assert_eq!(
            (v.step, v.what.name()),
            (bug.step, bug.invariant),
            "{}: {}",
            bug.id,
            v.what
        );
    }
}

#[test]
fn test_each_bug_is_survived_by_the_fixed_version() {
    for bug in BUGS {
        let mut s = Session::new(bug.spec(true)).expect("the script is accepted");
        while s.position() < bug.step + 2_000 {
            assert!(s.step(), "{}: the run ended", bug.id);
        }
        assert_eq!(
            s.checks().violation().map(|v| v.what.to_string()),
            None,
            "{} under {}",
            bug.id,
            bug.fixed
        );
    }
}

#[test]
fn test_ids_are_unique_and_found() {
    for bug in BUGS {
        assert_eq!(sim::bugs::by_id(bug.id).map(|b| b.id), Some(bug.id));
        assert_eq!(BUGS.iter().filter(|b| b.id == bug.id).count(), 1);
    }
    assert!(sim::bugs::by_id("ZOOKEEPER-1").is_none());
}

/// ZOOKEEPER-4925 is 3.9.3's alone: 3.9.2 applied its sync txns through the committed path
/// (docs/protocol.md §9.12), so the same script breaks nothing there.
#[test]
fn test_zk4925_script_is_clean_under_3_9_2() {
    let bug = sim::bugs::by_id("ZOOKEEPER-4925").expect("registered");
    let mut s = Session::new(bug.spec(true).with_zk(zab::ZkVersion::V3_9_2)).expect("accepted");
    while s.position() < bug.step + 2_000 {
        assert!(s.step());
    }
    assert_eq!(s.checks().violation().map(|v| v.what.to_string()), None);
}
