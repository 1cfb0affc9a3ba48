use crate::ids::{Epoch, Sid, Zxid};
use crate::peer::ServerState;
use serde::{Deserialize, Serialize};

/// Mirrors `org.apache.zookeeper.server.quorum.Vote`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vote {
    pub id: Sid,
    pub zxid: Zxid,
    pub election_epoch: i64,
    pub peer_epoch: Epoch,
    pub state: ServerState,
}

impl Vote {
    pub fn new(id: Sid, zxid: Zxid, election_epoch: i64, peer_epoch: Epoch) -> Vote {
        Vote {
            id,
            zxid,
            election_epoch,
            peer_epoch,
            state: ServerState::Looking,
        }
    }

    /// `Vote.equals` as the tally uses it: when either vote is LOOKING, id, zxid, electionEpoch
    /// and peerEpoch must match; between two FOLLOWING/LEADING votes only id and peerEpoch
    /// (ZOOKEEPER-1805/1732/1818: zxid and electionEpoch differ legitimately out of election).
    pub fn zk_equals(&self, other: &Vote) -> bool {
        if self.state == ServerState::Looking || other.state == ServerState::Looking {
            self.id == other.id
                && self.zxid == other.zxid
                && self.election_epoch == other.election_epoch
                && self.peer_epoch == other.peer_epoch
        } else {
            self.id == other.id && self.peer_epoch == other.peer_epoch
        }
    }
}
