//! Integrity (Zab paper §3; docs/protocol.md §8.1): a server delivers a txn only if some primary
//! broadcast it. TLA+: every committed entry appears in the ghost `proposalMsgsLog`.

use super::InvariantViolation;
use std::collections::BTreeMap;
use zab::zk_database::{Txn, TxnOp};
use zab::{Sid, Zxid};

pub fn check(
    proposed: &BTreeMap<Zxid, TxnOp>,
    sid: Sid,
    t: &Txn,
) -> Result<(), InvariantViolation> {
    match proposed.get(&t.zxid) {
        Some(op) if *op == t.op => Ok(()),
        _ => Err(InvariantViolation::Integrity { sid, zxid: t.zxid }),
    }
}
