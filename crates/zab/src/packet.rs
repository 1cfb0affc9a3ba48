//! `QuorumPacket`, the learner ↔ leader wire record (zookeeper.jute), with typed data.

use crate::ids::{Epoch, Sid, Zxid};
use crate::sessions::{ClientRequest, SessionId};
use crate::zk_database::{Snapshot, Txn, TxnOp};
use core::fmt;
use serde::{Deserialize, Serialize};

/// `Leader.*` packet type constants; the discriminant is the wire number.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum PacketType {
    Request = 1,
    Proposal = 2,
    Ack = 3,
    Commit = 4,
    Ping = 5,
    Revalidate = 6,
    Sync = 7,
    Inform = 8,
    CommitAndActivate = 9,
    NewLeader = 10,
    FollowerInfo = 11,
    UpToDate = 12,
    Diff = 13,
    Trunc = 14,
    Snap = 15,
    ObserverInfo = 16,
    LeaderInfo = 17,
    AckEpoch = 18,
    InformAndActivate = 19,
}

impl PacketType {
    /// `Leader.getPacketType`: the name ZooKeeper logs.
    pub fn name(self) -> &'static str {
        use PacketType::*;
        match self {
            Request => "REQUEST",
            Proposal => "PROPOSAL",
            Ack => "ACK",
            Commit => "COMMIT",
            Ping => "PING",
            Revalidate => "REVALIDATE",
            Sync => "SYNC",
            Inform => "INFORM",
            CommitAndActivate => "COMMITANDACTIVATE",
            NewLeader => "NEWLEADER",
            FollowerInfo => "FOLLOWERINFO",
            UpToDate => "UPTODATE",
            Diff => "DIFF",
            Trunc => "TRUNC",
            Snap => "SNAP",
            ObserverInfo => "OBSERVERINFO",
            LeaderInfo => "LEADERINFO",
            AckEpoch => "ACKEPOCH",
            InformAndActivate => "INFORMANDACTIVATE",
        }
    }
}

impl fmt::Debug for PacketType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl fmt::Display for PacketType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// `LearnerInfo { long serverid; int protocolVersion; long configVersion; }`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LearnerInfo {
    pub serverid: Sid,
    pub protocol_version: i32,
    pub config_version: i64,
}

/// The learner protocol version of Zab 1.0 (`0x10000`).
pub const PROTOCOL_VERSION: i32 = 0x10000;

/// What the `data` buffer of a packet holds, decoded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PacketData {
    None,
    /// FOLLOWERINFO / OBSERVERINFO.
    LearnerInfo(LearnerInfo),
    /// LEADERINFO: the leader's protocol version.
    ProtocolVersion(i32),
    /// ACKEPOCH: the learner's currentEpoch, or −1 when it had already accepted this epoch.
    CurrentEpoch(i64),
    /// PROPOSAL / INFORM: the txn. (The larger payloads are boxed: every packet sent is kept
    /// in the event log, and most are PINGs and ACKs that carry nothing.)
    Txn(Box<Txn>),
    /// SNAP: the serialized database that follows the packet on the socket (+ "BenWasHere").
    Snapshot(Box<Snapshot>),
    /// NEWLEADER: the leader's last-seen QuorumVerifier as config text.
    Config(String),
    /// REQUEST: a client write forwarded by a learner.
    Request(Box<TxnOp>),
    /// REQUEST: a session's request forwarded by a learner, with its session and cxid (§13).
    ClientRequest(Box<ClientRequest>),
    /// A learner's PING reply: the sessions its clients touched since the last one, with
    /// their timeouts (`LearnerSessionTracker.snapshot()`). Only when there are some.
    Sessions(Vec<(SessionId, u64)>),
    /// REVALIDATE from a learner: a reconnecting client's session and timeout.
    Revalidate {
        session: SessionId,
        timeout_ms: u64,
    },
    /// REVALIDATE from the leader: whether the session is still live.
    Revalidated {
        session: SessionId,
        valid: bool,
    },
}

/// Mirrors the jute record `QuorumPacket { int type; long zxid; buffer data; ... }`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuorumPacket {
    #[serde(rename = "type")]
    pub ty: PacketType,
    pub zxid: Zxid,
    pub data: PacketData,
}

impl QuorumPacket {
    pub fn new(ty: PacketType, zxid: Zxid, data: PacketData) -> Self {
        QuorumPacket { ty, zxid, data }
    }

    pub fn bare(ty: PacketType, zxid: Zxid) -> Self {
        Self::new(ty, zxid, PacketData::None)
    }

    /// A one-line rendering in the capture's words, e.g.
    /// `FOLLOWERINFO zxid=0x0 learnerinfo.sid=1 protocolVersion=0x10000 configVersion=0x0`.
    pub fn summary(&self) -> String {
        let head = format!("{} zxid={}", self.ty, self.zxid);
        match &self.data {
            PacketData::None => head,
            PacketData::LearnerInfo(li) => format!(
                "{head} learnerinfo.sid={} protocolVersion=0x{:x} configVersion=0x{:x}",
                li.serverid, li.protocol_version, li.config_version
            ),
            PacketData::ProtocolVersion(v) => format!("{head} protocolVersion=0x{v:x}"),
            PacketData::CurrentEpoch(e) => format!("{head} currentEpoch={e}"),
            PacketData::Txn(t) => format!("{head} {}", t.op),
            PacketData::Snapshot(s) => format!("{head} snapshot of {} znodes", s.tree.len()),
            PacketData::Config(c) => {
                let servers = c.lines().filter(|l| l.starts_with("server.")).count();
                format!("{head} qv=({servers} servers, version 0)")
            }
            PacketData::Request(op) => format!("{head} {op}"),
            PacketData::ClientRequest(r) => {
                format!(
                    "{head} session={} cxid={} {}",
                    r.origin.session, r.origin.cxid, r.op
                )
            }
            PacketData::Sessions(s) => {
                let list: Vec<String> = s.iter().map(|(id, t)| format!("{id}:{t}")).collect();
                format!("{head} touched={}", list.join(","))
            }
            PacketData::Revalidate {
                session,
                timeout_ms,
            } => format!("{head} session={session} timeout={timeout_ms}"),
            PacketData::Revalidated { session, valid } => {
                format!("{head} session={session} valid={valid}")
            }
        }
    }

    /// The epoch a LEADERINFO / NEWLEADER announces.
    pub fn epoch(&self) -> Epoch {
        self.zxid.epoch()
    }
}
