//! The learner side: `Learner`, with `Follower.followLeader` and `Observer.observeLeader`.

#[allow(clippy::module_inception)]
mod learner;
mod learner_view;

#[cfg(test)]
mod learner_test;

pub use learner::{Learner, LearnerPhase, LEADER_CONNECT_DELAY_DURING_RETRY_MS, MAX_CONNECT_TRIES};
