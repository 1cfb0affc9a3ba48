//! `QuorumPeer`: one ZooKeeper server's quorum side.

mod invariants;
mod peer_core;
mod quorum_peer;
mod server_state;
mod thread_view;

pub use peer_core::PeerCore;
pub use quorum_peer::{DurableState, QuorumPeer, StartupError};
pub use server_state::{ServerState, ZabState};
pub use thread_view::{
    ElectionPhase, LearnerStep, Monitor, ThreadId, ThreadPhase, ThreadView, Wait, Waiter,
};
