//! Each server delivers in zxid order with no gaps within an epoch (total order and local
//! primary order, Zab paper §3; docs/protocol.md §8.3 check 7).

use super::InvariantViolation;
use zab::zk_database::Txn;
use zab::Sid;

pub fn check(sid: Sid, prev: Option<&Txn>, next: &Txn) -> Result<(), InvariantViolation> {
    let Some(prev) = prev else {
        return Ok(());
    };
    let in_order = next.zxid > prev.zxid;
    let no_gap = next.zxid.epoch() != prev.zxid.epoch() || next.zxid.0 == prev.zxid.0 + 1;
    if in_order && no_gap {
        Ok(())
    } else {
        Err(InvariantViolation::DeliveryOrder {
            sid,
            prev: prev.zxid,
            next: next.zxid,
        })
    }
}
