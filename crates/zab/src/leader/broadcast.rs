//! Broadcast (docs/protocol.md §7): `propose`, `processAck`, `tryToCommit`, `commit` and `inform`.

use crate::ids::{Sid, Time, Zxid};
use crate::leader::leader::send;
use crate::leader::{Leader, Proposal, RoleStep};
use crate::output::{Effect, Outbox};
use crate::packet::{PacketData, PacketType, QuorumPacket};
use crate::peer::PeerCore;
use crate::quorum::SyncedLearnerTracker;
use crate::reason::{Note, ShutdownReason};
use crate::sessions::Origin;
use crate::zk_database::{Txn, TxnOp};

impl Leader {
    /// A client write at the leader (`PrepRequestProcessor` → `propose`). Only while serving.
    pub fn propose(
        &mut self,
        core: &mut PeerCore,
        op: TxnOp,
        now: Time,
        out: &mut Outbox,
    ) -> RoleStep {
        self.propose_from(core, op, None, now, out)
    }

    /// `propose` for a request with its TxnHeader's session and cxid (§13).
    pub fn propose_from(
        &mut self,
        core: &mut PeerCore,
        op: TxnOp,
        origin: Option<Origin>,
        now: Time,
        out: &mut Outbox,
    ) -> RoleStep {
        if !self.zk_running {
            out.push(Effect::Note(Note::RequestNotServed { op }));
            return RoleStep::Continue;
        }
        let zxid = Zxid(self.last_proposed.0 + 1);
        // ZOOKEEPER-1277: the zxid whose counter is 0xffffffff is never proposed.
        if zxid.counter() == u32::MAX {
            return RoleStep::Shutdown(ShutdownReason::ZxidRollover);
        }
        let txn = Txn { zxid, op, origin };
        self.last_proposed = zxid;
        self.outstanding_proposals.insert(
            zxid,
            Proposal {
                txn: txn.clone(),
                acks: SyncedLearnerTracker::new(core.qv.clone()),
            },
        );
        let packet = QuorumPacket::new(
            PacketType::Proposal,
            zxid,
            PacketData::Txn(Box::new(txn.clone())),
        );
        for conn in self.forwarding_followers.clone() {
            send(out, conn, packet.clone());
            if let Some(m) = self
                .handlers
                .get_mut(&conn)
                .and_then(|h| h.sync_limit_check.as_mut())
            {
                m.insert(zxid, now);
            }
        }
        // SyncRequestProcessor → AckRequestProcessor: the leader ACKs itself once durable.
        core.append(txn, out);
        core.request_fsync(out);
        RoleStep::Continue
    }

    /// The leader's own fsync finished: `AckRequestProcessor` → `processAck(myid, zxid)`.
    pub fn on_fsync_done(&mut self, core: &mut PeerCore, synced: Vec<Zxid>, out: &mut Outbox) {
        for zxid in synced {
            self.process_ack(core, core.myid, zxid, out);
        }
        core.request_fsync(out);
    }

    /// `processAck(sid, zxid)` (§7.2).
    pub(super) fn process_ack(
        &mut self,
        core: &mut PeerCore,
        sid: Sid,
        zxid: Zxid,
        out: &mut Outbox,
    ) {
        if zxid.counter() == 0
            || self.outstanding_proposals.is_empty()
            || self.last_committed >= zxid
        {
            return;
        }
        let Some(p) = self.outstanding_proposals.get_mut(&zxid) else {
            out.push(Effect::Note(Note::AckForUnknownProposal { zxid, sid }));
            return;
        };
        p.acks.add_ack(sid);
        self.try_to_commit(core, zxid, out);
    }

    /// `tryToCommit` (§7.3): strictly in zxid order.
    fn try_to_commit(&mut self, core: &mut PeerCore, zxid: Zxid, out: &mut Outbox) -> bool {
        if self.outstanding_proposals.contains_key(&Zxid(zxid.0 - 1)) {
            return false;
        }
        let Some(p) = self.outstanding_proposals.get(&zxid) else {
            return false;
        };
        if !p.acks.has_all_quorums() {
            return false;
        }
        let p = self
            .outstanding_proposals
            .remove(&zxid)
            .expect("just looked up");
        self.last_committed = zxid;
        let commit = QuorumPacket::bare(PacketType::Commit, zxid);
        for conn in &self.forwarding_followers {
            send(out, *conn, commit.clone());
        }
        let inform = QuorumPacket::new(
            PacketType::Inform,
            zxid,
            PacketData::Txn(Box::new(p.txn.clone())),
        );
        for conn in &self.observing_learners {
            send(out, *conn, inform.clone());
        }
        // CommitProcessor → FinalRequestProcessor: applied and added to the committedLog.
        // (Simplification: ZooKeeper's toBeApplied queue is always empty here, since the
        // leader applies a txn in the same step as it commits it.)
        let txn = p.txn;
        core.zk_db.apply_committed(txn.clone());
        self.after_apply(core, &txn, out);
        true
    }
}
