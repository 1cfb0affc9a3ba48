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
/// (docs/protocol.md §9.12), so the same script breaks no safety property there. It does
/// hit 3.9.2's own ZOOKEEPER-4394: a learner's sync dies of the NullPointerException.
#[test]
fn test_zk4925_script_is_safe_under_3_9_2() {
    let bug = sim::bugs::by_id("ZOOKEEPER-4925").expect("registered");
    let mut s = Session::new(bug.spec(true).with_zk(zab::ZkVersion::V3_9_2)).expect("accepted");
    while s.position() < bug.step + 2_000 {
        assert!(s.step());
    }
    assert_eq!(
        s.checks().safety_violation().map(|v| v.what.to_string()),
        None
    );
    let first = s.checks().violation().map(|v| v.what.name());
    assert_eq!(first, Some("no-unexpected-exception"));
}

/// ZOOKEEPER-4394's NullPointerException is older than 3.9.2: release-3.8.0-1's NEWLEADER
/// case clears `packetsNotCommitted` as well (after handing it to `logRequest`), so the same
/// script dies of it under the 3.8 profile too; and the server whose sync it kills is the
/// restarted one, before any safety property breaks.
#[test]
fn test_zk4394_script_also_breaks_3_8() {
    let bug = sim::bugs::by_id("ZOOKEEPER-4394").expect("registered");
    let mut s = Session::new(bug.spec(true).with_zk(zab::ZkVersion::V3_8)).expect("accepted");
    while s.checks().violation().is_none() && s.position() < bug.step + 2_000 {
        assert!(s.step());
    }
    let v = s.checks().violation().expect("the NullPointerException");
    assert_eq!(v.what.name(), "no-unexpected-exception", "{}", v.what);
    assert_eq!(v.what.servers(), vec![zab::Sid(2)]);
    assert!(v.what.to_string().contains("NullPointerException"));
    assert_eq!(s.checks().safety_violation(), None);
}

/// ZOOKEEPER-4712 is older than 3.9.2: the 3.8 profile's learner does not stop its SyncThread
/// before the fast-forward either, so the same script breaks there at the same step; 3.9.4
/// keeps 3.9.3's fix (docs/protocol.md §9.9, §12 rule 9).
#[test]
fn test_zk4712_script_also_breaks_3_8_and_not_3_9_4() {
    let bug = sim::bugs::by_id("ZOOKEEPER-4712").expect("registered");
    let mut s = Session::new(bug.spec(true).with_zk(zab::ZkVersion::V3_8)).expect("accepted");
    while s.checks().violation().is_none() && s.position() < bug.step + 1 {
        assert!(s.step());
    }
    let v = s.checks().violation().expect("the same divergence");
    assert_eq!(
        (v.step, v.what.name()),
        (bug.step, bug.invariant),
        "{}",
        v.what
    );
    let mut s = Session::new(bug.spec(true).with_zk(zab::ZkVersion::V3_9_4)).expect("accepted");
    while s.position() < bug.step + 2_000 {
        assert!(s.step());
    }
    assert_eq!(s.checks().violation().map(|v| v.what.to_string()), None);
}
