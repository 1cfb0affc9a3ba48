//! `LearnerHandler.syncFollower` and `queueCommittedProposals`: how the leader decides between
//! DIFF, TRUNC, TRUNC+proposals and SNAP for one learner (docs/protocol.md §4.2). A pure function of
//! the learner's last zxid and the leader's database, so it can be tested as a table.

use crate::ids::Zxid;
use crate::packet::{PacketData, PacketType, QuorumPacket};
use crate::zk_database::{Txn, ZkDatabase};
use serde::{Deserialize, Serialize};

/// Mirrors `QuorumPeer.SyncMode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SyncMode {
    None,
    Diff,
    Snap,
    Trunc,
}

/// Which rule of `syncFollower` chose the mode (docs/protocol.md §4.2), for the leader's log
/// line "Synchronizing with Learner sid …" and the app's "why?".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SyncReason {
    /// `forceSnapSync` is set.
    ForcedSnap,
    /// peerLastZxid = lastProcessedZxid: an empty DIFF.
    InSync,
    /// The peer is past maxCommittedLog (and its zxid is not a new epoch's): TRUNC to it.
    PeerAheadOfCommittedLog,
    /// minCommittedLog ≤ peerLastZxid ≤ maxCommittedLog: DIFF from the committedLog.
    CommittedLog,
    /// The txn log reaches the peer but leaves a gap before the committedLog: SNAP.
    TxnLogGap,
    /// The txn log, then the committedLog: DIFF.
    TxnLogAndCommittedLog,
    /// The txn log cannot serve the peer (its zxid is not in it, or the txns weigh more than
    /// `snapshotSizeFactor` of the snapshot): SNAP.
    TxnLogCannotServe,
    /// None of the rules applies ("Unhandled scenario"): SNAP.
    Unhandled,
    /// ZOOKEEPER-1154 switched on: the historic DIFF to a peer that has txns the leader lacks.
    Zk1154Diff,
}

/// `zookeeper.snapshotSizeFactor` (0.33) as a ratio: a txn-log sync is used only while the
/// txns to send weigh at most a third of the last snapshot.
pub const SNAPSHOT_SIZE_FACTOR: (u64, u64) = (33, 100);

/// What `syncFollower` queued for one learner, before NEWLEADER.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyncPlan {
    /// DIFF or TRUNC first (absent for SNAP), then PROPOSAL/COMMIT pairs.
    pub packets: Vec<QuorumPacket>,
    pub need_snap: bool,
    /// The zxid `startForwarding` starts after.
    pub current_zxid: Zxid,
    /// Which rule decided.
    pub reason: SyncReason,
}

impl SyncPlan {
    pub fn mode(&self) -> SyncMode {
        if self.need_snap {
            return SyncMode::Snap;
        }
        match self.packets.first().map(|p| p.ty) {
            Some(PacketType::Trunc) => SyncMode::Trunc,
            _ => SyncMode::Diff,
        }
    }
}

struct Queue {
    packets: Vec<QuorumPacket>,
    need_op_packet: bool,
}

impl Queue {
    /// `queueCommittedProposals(itr, peerLastZxid, maxZxid, lastCommittedZxid)`.
    fn committed_proposals<'a>(
        &mut self,
        itr: impl Iterator<Item = &'a Txn>,
        peer_last_zxid: Zxid,
        max_zxid: Option<Zxid>,
        last_committed_zxid: Zxid,
    ) -> Zxid {
        let is_peer_new_epoch_zxid = peer_last_zxid.counter() == 0;
        let mut queued_zxid = peer_last_zxid;
        let mut prev_proposal_zxid = Zxid::NONE;
        for p in itr {
            if max_zxid.is_some_and(|m| p.zxid > m) {
                break;
            }
            if p.zxid < peer_last_zxid {
                prev_proposal_zxid = p.zxid;
                continue;
            }
            if self.need_op_packet {
                if p.zxid == peer_last_zxid {
                    self.op(PacketType::Diff, last_committed_zxid);
                    continue;
                }
                if is_peer_new_epoch_zxid {
                    self.op(PacketType::Diff, last_committed_zxid);
                } else if p.zxid > peer_last_zxid {
                    if p.zxid.epoch() != peer_last_zxid.epoch() {
                        // "Cannot send TRUNC to peer sid: N peer zxid is from different epoch".
                        return queued_zxid;
                    }
                    self.op(PacketType::Trunc, prev_proposal_zxid);
                }
            }
            if p.zxid <= queued_zxid {
                continue;
            }
            self.packets.push(QuorumPacket::new(
                PacketType::Proposal,
                p.zxid,
                PacketData::Txn(Box::new(p.clone())),
            ));
            self.packets
                .push(QuorumPacket::bare(PacketType::Commit, p.zxid));
            queued_zxid = p.zxid;
        }
        if self.need_op_packet && is_peer_new_epoch_zxid {
            self.op(PacketType::Diff, last_committed_zxid);
        }
        queued_zxid
    }

    fn op(&mut self, ty: PacketType, zxid: Zxid) {
        self.packets.push(QuorumPacket::bare(ty, zxid));
        self.need_op_packet = false;
    }
}

/// `syncFollower(peerLastZxid, ...)`, cases in the Java order.
pub fn sync_follower(peer_last_zxid: Zxid, db: &ZkDatabase, force_snap_sync: bool) -> SyncPlan {
    sync_follower_with(peer_last_zxid, db, force_snap_sync, false)
}

/// `sync_follower`, optionally with ZOOKEEPER-1154's old rule. `LearnerHandler.run` of
/// release-3.3.3 (before the fix in 3.3.4/3.4.0) sent a DIFF of every committedLog proposal
/// above the peer's zxid whenever `minCommittedLog <= peerLastZxid <= maxCommittedLog`,
/// without asking whether the peer's zxid is one of them. Where that differs from today's
/// rule (the zxid lies in the range but is not in the log: today a TRUNC to the proposal
/// before it, or a SNAP across epochs) the switch takes the old path, and the peer keeps its
/// extra txns. Everything else (TRUNC above the range, SNAP below it) was already the same.
pub fn sync_follower_with(
    peer_last_zxid: Zxid,
    db: &ZkDatabase,
    force_snap_sync: bool,
    zk1154: bool,
) -> SyncPlan {
    let (min, max) = db.committed_log_bounds();
    if zk1154
        && !force_snap_sync
        && !db.committed_log().is_empty()
        && min <= peer_last_zxid
        && peer_last_zxid <= max
        && !db.committed_log().iter().any(|t| t.zxid == peer_last_zxid)
    {
        let mut packets = vec![QuorumPacket::bare(PacketType::Diff, max)];
        for t in db
            .committed_log()
            .iter()
            .filter(|t| t.zxid > peer_last_zxid)
        {
            packets.push(QuorumPacket::new(
                PacketType::Proposal,
                t.zxid,
                PacketData::Txn(Box::new(t.clone())),
            ));
            packets.push(QuorumPacket::bare(PacketType::Commit, t.zxid));
        }
        return SyncPlan {
            packets,
            need_snap: false,
            current_zxid: max,
            reason: SyncReason::Zk1154Diff,
        };
    }
    let last_processed = db.last_processed_zxid();
    let (min_committed, max_committed) = db.committed_log_bounds();
    let is_peer_new_epoch_zxid = peer_last_zxid.counter() == 0;
    let mut q = Queue {
        packets: Vec::new(),
        need_op_packet: true,
    };
    let mut need_snap = true;
    let mut current_zxid = peer_last_zxid;
    let reason;
    if force_snap_sync {
        reason = SyncReason::ForcedSnap;
    } else if last_processed == peer_last_zxid {
        q.op(PacketType::Diff, peer_last_zxid);
        need_snap = false;
        reason = SyncReason::InSync;
    } else if peer_last_zxid > max_committed && !is_peer_new_epoch_zxid {
        q.op(PacketType::Trunc, max_committed);
        current_zxid = max_committed;
        need_snap = false;
        reason = SyncReason::PeerAheadOfCommittedLog;
    } else if min_committed <= peer_last_zxid && peer_last_zxid <= max_committed {
        current_zxid = q.committed_proposals(
            db.committed_log().iter(),
            peer_last_zxid,
            None,
            max_committed,
        );
        need_snap = false;
        reason = SyncReason::CommittedLog;
    } else if peer_last_zxid < min_committed {
        match txn_log_from(db, peer_last_zxid) {
            Some(txns) => {
                let z = q.committed_proposals(
                    txns.into_iter(),
                    peer_last_zxid,
                    Some(min_committed),
                    max_committed,
                );
                if z < min_committed {
                    q.packets.clear();
                    q.need_op_packet = true;
                    reason = SyncReason::TxnLogGap;
                } else {
                    current_zxid =
                        q.committed_proposals(db.committed_log().iter(), z, None, max_committed);
                    need_snap = false;
                    reason = SyncReason::TxnLogAndCommittedLog;
                }
            }
            None => reason = SyncReason::TxnLogCannotServe,
        }
    } else {
        reason = SyncReason::Unhandled;
    }
    if q.need_op_packet && !need_snap {
        // "Unhandled scenario for peer sid: N fall back to use snapshot".
        need_snap = true;
        q.packets.clear();
    }
    if need_snap {
        current_zxid = last_processed;
        q.packets.clear();
    }
    SyncPlan {
        packets: q.packets,
        need_snap,
        current_zxid,
        reason,
    }
}

/// `getProposalsFromTxnLog(peerLastZxid, sizeLimit)`: the log must hold the peer's zxid
/// itself (else nothing, since it cannot prove there is no gap) and what follows must weigh
/// at most `snapshotSizeFactor` × the last snapshot.
fn txn_log_from(db: &ZkDatabase, peer_last_zxid: Zxid) -> Option<Vec<&Txn>> {
    let txns: Vec<&Txn> = db.log.iter().filter(|t| t.zxid >= peer_last_zxid).collect();
    if txns.first()?.zxid != peer_last_zxid {
        return None;
    }
    let size: u64 = txns.iter().map(|t| t.op.approx_bytes()).sum();
    let (num, den) = SNAPSHOT_SIZE_FACTOR;
    let limit = db.snapshot.tree.approx_bytes() * num / den;
    (size <= limit).then_some(txns)
}

#[cfg(test)]
mod tests;
