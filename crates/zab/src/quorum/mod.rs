//! Quorum verifiers. Only `QuorumMaj` (the default) is modelled.

mod quorum_maj;
mod synced_learner_tracker;

pub use quorum_maj::QuorumMaj;
pub use synced_learner_tracker::SyncedLearnerTracker;
