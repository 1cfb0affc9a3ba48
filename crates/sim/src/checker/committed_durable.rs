//! No committed txn is ever truncated or lost (CommittedLogDurability and
//! CommittedLogMonotonicity, docs/protocol.md §8.2; §8.3 check 6).

use super::InvariantViolation;
use crate::Simulation;
use std::collections::BTreeMap;
use zab::zk_database::TxnOp;
use zab::{Sid, Zxid};

/// A TRUNC must not cut a txn that was committed when the leader sent it (`committed_then`,
/// the committed txns past its truncation point at that moment; `None` when its send was not
/// seen, and then every txn committed by now counts).
///
/// A txn committed between the send and the learner's truncation is no violation: the leader
/// chose the TRUNC point from its maxCommittedLog while the txn was still outstanding, and
/// `startForwarding` queued its PROPOSAL (and its COMMIT, once made) right behind the TRUNC, so
/// the learner logs it again before NEWLEADER (§4.2, §4.4). Found by the pause sweep (issue
/// 12): a follower whose ACK was lost with its connection rejoins the same leader, which then
/// commits the txn on the others' ACKs before the TRUNC arrives. A learner that never got it
/// back would skip it, which `delivery_order` catches.
pub fn check_truncate(
    committed: &BTreeMap<Zxid, TxnOp>,
    committed_then: Option<&[Zxid]>,
    sid: Sid,
    removed: &[Zxid],
) -> Result<(), InvariantViolation> {
    let was_committed = |z: &Zxid| match committed_then {
        Some(then) => then.contains(z),
        None => committed.contains_key(z),
    };
    match removed.iter().find(|z| was_committed(z)) {
        Some(z) => Err(InvariantViolation::CommittedTruncated { sid, zxid: *z }),
        None => Ok(()),
    }
}

/// After a crash: every committed txn is still durable somewhere (in a log or under a
/// snapshot).
pub fn check_somewhere(
    sim: &Simulation,
    committed: &BTreeMap<Zxid, TxnOp>,
) -> Result<(), InvariantViolation> {
    let disks: Vec<_> = sim.sids().filter_map(|s| sim.disk(s)).collect();
    for zxid in committed.keys() {
        let durable = disks.iter().any(|d| {
            *zxid <= d.durable.snapshot.zxid || d.durable.log.iter().any(|t| t.zxid == *zxid)
        });
        if !durable {
            return Err(InvariantViolation::CommittedLost { zxid: *zxid });
        }
    }
    Ok(())
}

/// When a txn becomes committed, a quorum of voters must hold it durably (its ACKs come after
/// the fsync; the NEWLEADER ACK after the synced txns' fsync). ZOOKEEPER-4646 broke this.
pub fn check_quorum_at_commit(sim: &Simulation, zxid: Zxid) -> Result<(), InvariantViolation> {
    let config = &sim.options().config;
    let qv = config.verifier();
    let holders: std::collections::BTreeSet<Sid> = config
        .voters()
        .filter(|s| {
            sim.disk(*s).is_some_and(|d| {
                zxid <= d.durable.snapshot.zxid || d.durable.log.iter().any(|t| t.zxid == zxid)
            })
        })
        .collect();
    if qv.contains_quorum(&holders) {
        Ok(())
    } else {
        Err(InvariantViolation::CommittedNotOnQuorum {
            zxid,
            durable_on: holders.into_iter().collect(),
        })
    }
}
