//! What travels on a connection.

use crate::election::Notification;
use crate::ids::Sid;
use crate::packet::QuorumPacket;
use serde::{Deserialize, Serialize};

/// One message on a connection: the election channel carries QuorumCnxManager's header and
/// FastLeaderElection notifications.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Message {
    /// The initiator's first write on an election connection: protocol version
    /// (`PROTOCOL_VERSION_V1 = -65536`), its sid and its election address.
    QcmHeader { sid: Sid },
    /// A `FastLeaderElection` notification (`ToSend` on the sender, `Notification` on the
    /// receiver).
    Notification(Notification),
    /// A `QuorumPacket` between a learner and its leader.
    Quorum(QuorumPacket),
}

impl Message {
    /// The name the UI and the timeline use for the message.
    pub fn kind(&self) -> &'static str {
        match self {
            Message::QcmHeader { .. } => "CONNECT",
            Message::Notification(_) => "NOTIFICATION",
            Message::Quorum(p) => p.ty.name(),
        }
    }

    /// A one-line rendering with the fields people read, e.g.
    /// `NOTIFICATION LOOKING leader=2 zxid=0:0 electionEpoch=1 peerEpoch=0`.
    pub fn summary(&self) -> String {
        match self {
            Message::QcmHeader { sid } => format!("CONNECT sid={sid}"),
            Message::Notification(n) => format!(
                "NOTIFICATION {:?} leader={} zxid={} electionEpoch={} peerEpoch={}",
                n.state,
                n.leader,
                n.zxid.short(),
                n.election_epoch,
                n.peer_epoch
            ),
            Message::Quorum(p) => p.summary(),
        }
    }
}
