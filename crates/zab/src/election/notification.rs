use crate::election::Vote;
use crate::ids::{Epoch, Sid, Zxid};
use crate::peer::ServerState;
use serde::{Deserialize, Serialize};

/// `FastLeaderElection.Notification.CURRENTVERSION`.
pub const NOTIFICATION_VERSION: i32 = 0x2;

/// Mirrors `FastLeaderElection.Notification` (and `ToSend`, which carries the same values).
/// `sid` is not on the wire: the receiver knows it from the connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub version: i32,
    /// The proposed leader.
    pub leader: Sid,
    /// The proposed leader's last zxid.
    pub zxid: Zxid,
    /// The sender's logicalclock, or the electionEpoch of its vote when it is not LOOKING.
    pub election_epoch: i64,
    pub state: ServerState,
    pub sid: Sid,
    /// The proposed leader's currentEpoch.
    pub peer_epoch: Epoch,
}

impl Notification {
    /// The vote this notification carries, with the sender's state.
    pub fn vote(&self) -> Vote {
        Vote {
            id: self.leader,
            zxid: self.zxid,
            election_epoch: self.election_epoch,
            peer_epoch: self.peer_epoch,
            state: self.state,
        }
    }
}
