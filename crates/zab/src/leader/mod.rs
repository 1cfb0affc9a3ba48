//! The leader side: `Leader.lead()`, `LearnerCnxAcceptor`, one `LearnerHandler` per learner.

mod broadcast;
#[allow(clippy::module_inception)]
mod leader;
mod leader_sessions;
mod leader_view;
mod learner_handler;
mod state_summary;
mod sync_follower;

#[cfg(test)]
mod broadcast_test;
#[cfg(test)]
mod leader_fixture;
#[cfg(test)]
mod leader_test;
#[cfg(test)]
mod learner_handler_test;

use crate::reason::ShutdownReason;

pub use leader::{LeadPhase, Leader, Proposal};
pub(crate) use leader_sessions::finish_session_init;
pub use learner_handler::{HandlerPhase, LearnerHandler, WAIT_FOR_STARTUP_POLL_MS};
pub use state_summary::StateSummary;
pub use sync_follower::{
    sync_follower, sync_follower_with, SyncMode, SyncPlan, SyncReason, SNAPSHOT_SIZE_FACTOR,
};

/// What an input did to a role: keep going, or leave it (`shutdown(reason)` → LOOKING).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RoleStep {
    Continue,
    Shutdown(ShutdownReason),
}
