//! The check that is not a safety property, run live only (`crate::session::LiveChecks`; the
//! swarm's [`super::Checker`] does not run it):
//!
//! - `no-unexpected-exception`: no server takes a code path where the real release throws an
//!   exception nothing there expects. The protocol code reports the path (a
//!   [`ShutdownReason`] whose `unexpected_exception` names one, or a [`StartupError`] whose
//!   `exception` does); this check turns the report into a violation.
//!
//! There is no check that a calm, connected quorum elects a leader within some bound: real
//! FastLeaderElection can leave such a quorum leaderless for minutes, with a wait that has no
//! fixed ceiling (docs/protocol.md §8.4; `examples/liveness_sweep.rs` measures the longest
//! such wait of random runs).

use super::InvariantViolation;
use crate::trace::{LogEntry, LogEvent};
use zab::peer::StartupError;
use zab::reason::{Note, ShutdownReason};

/// `no-unexpected-exception` over `entries`, what just happened: the first unexpected
/// exception among them. It keeps no state: each log entry is judged on its own.
pub fn check_entries(entries: &[LogEntry]) -> Result<(), InvariantViolation> {
    entries
        .iter()
        .try_for_each(|entry| unexpected_exception(&entry.event))
}

/// `no-unexpected-exception`: a role ended by an exception the release does not expect, or
/// a start refused by `loadDataBase`'s IOException.
fn unexpected_exception(event: &LogEvent) -> Result<(), InvariantViolation> {
    let (sid, exception, detail) = match event {
        LogEvent::Note { sid, note } => {
            let reason = match &**note {
                Note::LearnerShutdown(r) | Note::LeaderShutdown(r) => r,
                Note::HandlerShutdown { reason, .. } => reason,
                _ => return Ok(()),
            };
            let Some(exception) = reason.unexpected_exception() else {
                return Ok(());
            };
            (*sid, exception, shutdown_detail(reason))
        }
        LogEvent::StartupFailed { sid, reason } => {
            let Some(exception) = reason.exception() else {
                return Ok(());
            };
            (*sid, exception, startup_detail(reason))
        }
        _ => return Ok(()),
    };
    Err(InvariantViolation::UnexpectedException {
        sid,
        exception,
        detail,
    })
}

fn shutdown_detail(reason: &ShutdownReason) -> String {
    match reason {
        ShutdownReason::CommitWithNothingBuffered { zxid } => format!(
            "COMMIT {} reached syncWithLeader with no proposal buffered (NEWLEADER had \
             emptied the buffer), so it read the head of an empty deque and the sync was abandoned",
            zxid.short()
        ),
        other => format!("{other:?}"),
    }
}

fn startup_detail(reason: &StartupError) -> String {
    match reason {
        StartupError::CurrentEpochOlderThanLastZxid {
            current_epoch,
            last_zxid,
        } => format!(
            "loadDataBase refused to start: currentEpoch {current_epoch} is older than the \
             epoch of the last zxid {} on disk",
            last_zxid.short()
        ),
        StartupError::AcceptedEpochLessThanCurrent { accepted, current } => format!(
            "loadDataBase refused to start: acceptedEpoch {accepted} is below currentEpoch {current}"
        ),
        other => format!("{other:?}"),
    }
}
