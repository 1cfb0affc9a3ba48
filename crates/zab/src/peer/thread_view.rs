use crate::ids::{Sid, Time};
use serde::{Deserialize, Serialize};

/// What one of a server's Java threads is doing right now, in ZooKeeper's words. The UI draws
/// one row per thread; the simulator logs every change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadView {
    /// A stable key for this thread while it lives (names can change, e.g. a LearnerHandler
    /// is named after its learner once FOLLOWERINFO arrives).
    pub id: String,
    /// The Java thread, e.g. `QuorumPeer`, `FastLeaderElection`, `LearnerHandler-2`.
    pub name: String,
    /// The method and step it is in, e.g. `lookForLeader: recvqueue.poll(400 ms)`.
    pub phase: String,
    /// Set while the thread waits on a monitor or a blocking read.
    pub blocked: Option<Blocked>,
}

/// A blocking wait: the monitor, what it has, what it needs, and when it gives up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Blocked {
    pub monitor: String,
    pub have: Vec<Sid>,
    /// How many voters make the quorum it waits for (0 when it waits for a timer only).
    pub need: u32,
    /// The sid that must be among `have` (the leader itself in getEpochToPropose).
    pub needs_self: Option<Sid>,
    pub deadline: Time,
}

impl ThreadView {
    /// A thread whose id is its name.
    pub fn named(name: &str, phase: String, blocked: Option<Blocked>) -> ThreadView {
        ThreadView {
            id: name.to_string(),
            name: name.to_string(),
            phase,
            blocked,
        }
    }
}

impl Blocked {
    /// A blocking socket read bounded by its soTimeout.
    pub fn socket_read(deadline: Time) -> Blocked {
        Blocked {
            monitor: "socket read (soTimeout)".to_string(),
            have: Vec::new(),
            need: 0,
            needs_self: None,
            deadline,
        }
    }
}
