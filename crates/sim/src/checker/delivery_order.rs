//! Each server delivers in zxid order with no gaps within an epoch (total order and local
//! primary order, Zab paper §3; docs/protocol.md §8.3 check 7). "Delivered" is the server's
//! ghost history, every txn applied to its tree in order, not its committedLog: that is a
//! cache the leader serves DIFFs from, which 3.9.3's sync path leaves holes in
//! (ZOOKEEPER-4925) without the server delivering anything out of order.

use super::InvariantViolation;
use zab::{Sid, Zxid};

pub fn check(sid: Sid, prev: Zxid, next: Zxid) -> Result<(), InvariantViolation> {
    let in_order = next > prev;
    let no_gap = next.epoch() != prev.epoch() || next.0 == prev.0 + 1;
    if in_order && no_gap {
        Ok(())
    } else {
        Err(InvariantViolation::DeliveryOrder { sid, prev, next })
    }
}
