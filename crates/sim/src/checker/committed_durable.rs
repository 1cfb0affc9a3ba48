//! No committed txn is ever truncated or lost (CommittedLogDurability and
//! CommittedLogMonotonicity, docs/protocol.md §8.2; §8.3 check 6).

use super::InvariantViolation;
use crate::Simulation;
use std::collections::BTreeMap;
use zab::zk_database::TxnOp;
use zab::{Sid, Zxid};

/// A TRUNC must not cut a committed txn.
pub fn check_truncate(
    committed: &BTreeMap<Zxid, TxnOp>,
    sid: Sid,
    removed: &[Zxid],
) -> Result<(), InvariantViolation> {
    match removed.iter().find(|z| committed.contains_key(z)) {
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
