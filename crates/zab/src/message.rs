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

/// The part of the protocol a message belongs to. One classification serves the event log's
/// filters, the space-time diagram and the timeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum MessagePhase {
    /// FastLeaderElection's notifications and QuorumCnxManager's connection header.
    Election,
    /// Discovery and synchronisation: FOLLOWERINFO/OBSERVERINFO, LEADERINFO, ACKEPOCH, DIFF,
    /// TRUNC, SNAP, NEWLEADER, UPTODATE, and the learner's ACKs of NEWLEADER and UPTODATE.
    Sync,
    /// Broadcast: PROPOSAL, ACK, COMMIT, INFORM, REQUEST, ….
    Broadcast,
    /// The leader's PING and the learner's reply: heartbeats, apart from broadcast.
    Ping,
}

impl Message {
    /// Which part of the protocol this message belongs to.
    pub fn phase(&self) -> MessagePhase {
        use crate::packet::PacketType::*;
        match self {
            Message::QcmHeader { .. } | Message::Notification(_) => MessagePhase::Election,
            Message::Quorum(p) => match p.ty {
                FollowerInfo | ObserverInfo | LeaderInfo | AckEpoch | Diff | Trunc | Snap
                | NewLeader | UpToDate => MessagePhase::Sync,
                // The ACKs of NEWLEADER and of UPTODATE carry the new epoch's zxid with
                // counter 0; a proposal's zxid never has counter 0.
                Ack if p.zxid.counter() == 0 => MessagePhase::Sync,
                Ping => MessagePhase::Ping,
                _ => MessagePhase::Broadcast,
            },
        }
    }

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
