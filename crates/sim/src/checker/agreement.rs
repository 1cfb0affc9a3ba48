//! Agreement and total order (Zab paper, DSN 2011, §3; docs/protocol.md §8.1, and PrefixConsistency
//! of §8.2): committed txns form one history. The ghost committed log maps each zxid to the one
//! txn committed under it; a delivered txn must be that one.

use super::InvariantViolation;
use std::collections::BTreeMap;
use std::ops::Bound;
use zab::zk_database::{Txn, TxnOp};
use zab::{Sid, Zxid};

/// A leader commits `t`: it must not contradict an earlier commit of the same zxid.
pub fn commit(
    committed: &mut BTreeMap<Zxid, TxnOp>,
    sid: Sid,
    t: &Txn,
) -> Result<(), InvariantViolation> {
    match committed.get(&t.zxid) {
        Some(op) if *op != t.op => Err(InvariantViolation::Agreement {
            sid,
            zxid: t.zxid,
            detail: format!("leader commits `{}` where `{op}` was committed", t.op),
        }),
        Some(_) => Ok(()),
        None => {
            committed.insert(t.zxid, t.op.clone());
            Ok(())
        }
    }
}

/// A server in BROADCAST delivered `t`: it must be the committed txn of that zxid.
pub fn check_delivered(
    committed: &BTreeMap<Zxid, TxnOp>,
    sid: Sid,
    t: &Txn,
) -> Result<(), InvariantViolation> {
    match committed.get(&t.zxid) {
        Some(op) if *op == t.op => Ok(()),
        Some(op) => Err(InvariantViolation::Agreement {
            sid,
            zxid: t.zxid,
            detail: format!("delivered `{}` but `{op}` was committed", t.op),
        }),
        None => Err(InvariantViolation::Agreement {
            sid,
            zxid: t.zxid,
            detail: format!("delivered `{}`, which was never committed", t.op),
        }),
    }
}

/// A server delivered `next` right after `prev`: no txn committed between the two may be
/// missing from what it delivered (its history must be a prefix of the committed one, the
/// Zab paper's agreement and prefix properties). ZOOKEEPER-4925's stale learner, DIFFed from
/// a leader whose committedLog has a hole, skips committed txns this way.
pub fn check_none_skipped(
    committed: &BTreeMap<Zxid, TxnOp>,
    sid: Sid,
    prev: Zxid,
    next: Zxid,
) -> Result<(), InvariantViolation> {
    if next <= prev {
        return Ok(());
    }
    match committed
        .range((Bound::Excluded(prev), Bound::Excluded(next)))
        .next()
    {
        Some((zxid, op)) => Err(InvariantViolation::Agreement {
            sid,
            zxid: *zxid,
            detail: format!(
                "delivered {} after {} without the committed `{op}`",
                next.short(),
                prev.short()
            ),
        }),
        None => Ok(()),
    }
}
