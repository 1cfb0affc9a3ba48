use core::fmt;
use serde::{Deserialize, Serialize};

/// Mirrors `QuorumPeer.ServerState`. The ordinal is what goes on the election wire.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ServerState {
    Looking = 0,
    Following = 1,
    Leading = 2,
    Observing = 3,
}

impl fmt::Debug for ServerState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ServerState::Looking => "LOOKING",
            ServerState::Following => "FOLLOWING",
            ServerState::Leading => "LEADING",
            ServerState::Observing => "OBSERVING",
        })
    }
}

impl fmt::Display for ServerState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// Mirrors `QuorumPeer.ZabState`, which ZooKeeper keeps for monitoring: the phase label.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ZabState {
    Election,
    Discovery,
    Synchronization,
    Broadcast,
}

impl fmt::Display for ZabState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ZabState::Election => "ELECTION",
            ZabState::Discovery => "DISCOVERY",
            ZabState::Synchronization => "SYNCHRONIZATION",
            ZabState::Broadcast => "BROADCAST",
        })
    }
}
