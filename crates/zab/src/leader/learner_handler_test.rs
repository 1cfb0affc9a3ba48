//! Unit tests of `LearnerHandler`'s own bookkeeping: `synced()`, `SyncLimitCheck` and the
//! deadline its thread blocks until (docs/protocol.md §4.1, §4.5–§4.7).

use super::learner_handler::WAIT_FOR_STARTUP_POLL_MS;
use crate::ids::{Epoch, Sid, Time, Zxid};
use crate::leader::learner_handler::MonitorView;
use crate::leader::{HandlerPhase, LearnerHandler, StateSummary};
use crate::output::ConnId;
use crate::peer::{ThreadId, Wait};
use crate::test_fixtures::z;
use std::collections::BTreeMap;

const INIT_MS: u64 = 20_000;
const SYNC_MS: u64 = 10_000;

/// A handler accepted at t=1000 with tick 0: initial ack deadline 0 + initLimit 10 + syncLimit 5.
fn handler() -> LearnerHandler {
    LearnerHandler::new(ConnId(7), Time(1_000), INIT_MS, 15)
}

/// A handler past the NEWLEADER ACK (SyncLimitCheck started) with these PROPOSALs in flight.
fn with_proposals(sent: &[(Zxid, u64)]) -> LearnerHandler {
    let mut h = handler();
    h.sync_limit_check = Some(sent.iter().map(|&(z, t)| (z, Time(t))).collect());
    h
}

// docs/protocol.md §3.2 and §4.1 step 1: a new handler reads its first packet with soTimeout =
// initLimit × tickTime, and tickOfNextAckDeadline starts at tick + initLimit + syncLimit.
#[test]
fn test_new_handler_reads_with_init_limit() {
    let h = handler();
    assert_eq!(h.phase, HandlerPhase::ReadLearnerInfo);
    assert_eq!(h.read_deadline, Time(1_000 + INIT_MS));
    assert_eq!(h.deadline(), Some(Time(1_000 + INIT_MS)));
    assert_eq!(h.tick_of_next_ack_deadline, 15);
    assert_eq!((h.sid, h.sender_started), (None, false));
    assert_eq!(h.sync_limit_check, None);
    let m = MonitorView {
        myid: Sid(3),
        quorum: 2,
        init_limit_ms: INIT_MS,
        connecting: vec![],
        electing: vec![],
        new_leader_acks: vec![],
    };
    let view = h.thread_view(&m);
    assert_eq!(view.thread, ThreadId::LearnerHandler(h.conn));
    assert_eq!(
        view.wait,
        Some(Wait::socket_read(Time(1_000), Time(1_000 + INIT_MS))),
        "a read bounded by initLimit from the accept"
    );
}

// docs/protocol.md §4.7: synced() holds while the leader's tick is at most tickOfNextAckDeadline.
#[test]
fn test_synced_until_the_tick_passes_the_ack_deadline() {
    let h = handler();
    for (tick, want) in [(0, true), (14, true), (15, true), (16, false), (100, false)] {
        assert_eq!(h.synced(tick), want, "tick {tick}");
    }
}

// docs/protocol.md §4.7 SyncLimitCheck.check: it passes until the oldest un-ACKed PROPOSAL has waited
// tickTime × syncLimit; before start() (the NEWLEADER ACK) it always passes.
#[test]
fn test_sync_limit_check_table() {
    let rows: &[(&str, LearnerHandler, u64, bool)] = &[
        ("not started", handler(), 1_000_000, true),
        (
            "started, nothing in flight",
            with_proposals(&[]),
            1_000_000,
            true,
        ),
        (
            "oldest sent 1 ms short of the limit",
            with_proposals(&[(z(1, 1), 1_000)]),
            10_999,
            true,
        ),
        (
            "oldest sent exactly the limit ago",
            with_proposals(&[(z(1, 1), 1_000)]),
            11_000,
            false,
        ),
        (
            "the oldest decides, not the newest",
            with_proposals(&[(z(1, 1), 1_000), (z(1, 2), 9_000)]),
            11_000,
            false,
        ),
    ];
    for (why, h, now, want) in rows {
        assert_eq!(h.sync_limit_ok(Time(*now), SYNC_MS), *want, "{why}");
    }
}

// docs/protocol.md §4.6 / §4.7 SyncLimitCheck.updateAck: an ACK retires the proposals it covers, so
// the next un-ACKed one is timed from its own send time.
#[test]
fn test_update_ack_moves_the_check_to_the_next_unacked_proposal() {
    let mut h = with_proposals(&[(z(1, 1), 1_000), (z(1, 2), 2_000), (z(1, 3), 3_000)]);
    assert!(!h.sync_limit_ok(Time(11_000), SYNC_MS));
    h.update_ack(z(1, 1));
    assert!(h.sync_limit_ok(Time(11_999), SYNC_MS));
    assert!(!h.sync_limit_ok(Time(12_000), SYNC_MS));
    h.update_ack(z(1, 3));
    assert_eq!(h.sync_limit_check, Some(BTreeMap::new()));
    assert!(h.sync_limit_ok(Time(1_000_000), SYNC_MS));
}

// docs/protocol.md §4.7: SyncLimitCheck.updateAck before start() does nothing.
#[test]
fn test_update_ack_before_start_is_a_noop() {
    let mut h = handler();
    h.update_ack(z(1, 1));
    assert_eq!(h.sync_limit_check, None);
}

// docs/protocol.md §3.3–§3.5 (each wait is bounded by its own deadline), §4.5 step 5 (waitForStartup
// polls every 20 ms) and §4.7 (a read is bounded by the socket timeout).
/// Each phase's timer (§4.7): a monitor wait's deadline or the socket timeout; none while the
/// thread waits for `zk.startup()`, whose `notifyAll` wakes it (§4.5).
#[test]
fn test_deadline_per_phase() {
    let wait = Time(30_000);
    let summary = StateSummary {
        current_epoch: Epoch(0),
        last_zxid: Zxid::ZERO,
    };
    let read = Some(Time(1_000 + INIT_MS));
    let rows = [
        (HandlerPhase::ReadLearnerInfo, read),
        (
            HandlerPhase::GetEpochToPropose { deadline: wait },
            Some(wait),
        ),
        (HandlerPhase::ReadAckEpoch, read),
        (
            HandlerPhase::WaitForEpochAck {
                deadline: wait,
                summary,
            },
            Some(wait),
        ),
        (HandlerPhase::ReadNewLeaderAck, read),
        (
            HandlerPhase::WaitForNewLeaderAck { deadline: wait },
            Some(wait),
        ),
        (HandlerPhase::WaitForStartup, None),
        (HandlerPhase::StartForwarding, None),
        (HandlerPhase::Running, read),
    ];
    assert_eq!(WAIT_FOR_STARTUP_POLL_MS, 20);
    for (phase, want) in rows {
        let h = LearnerHandler { phase, ..handler() };
        assert_eq!(h.deadline(), want, "{phase:?}");
    }
}
