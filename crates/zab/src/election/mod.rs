//! Leader election: `FastLeaderElection` over `QuorumCnxManager`.

mod fast_leader_election;
mod notification;
mod quorum_cnx_manager;
mod vote;

pub use fast_leader_election::{
    total_order_predicate, Decision, ElectionView, FastLeaderElection, PeerContext,
    FINALIZE_WAIT_MS, MAX_NOTIFICATION_INTERVAL_MS,
};
pub use notification::{Notification, NOTIFICATION_VERSION};
pub use quorum_cnx_manager::{QuorumCnxManager, CNX_TIMEOUT_MS};
pub use vote::Vote;
