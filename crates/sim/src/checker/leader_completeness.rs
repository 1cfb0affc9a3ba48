//! Primary integrity / CommitCompleteness (Zab paper §3; docs/protocol.md §8.1–§8.3 check 3): a newly
//! established leader's history holds every txn committed in earlier epochs. Checked when it
//! writes currentEpoch. This is the property ZOOKEEPER-3911, 4643 and 4646 broke.

use super::InvariantViolation;
use crate::Simulation;
use std::collections::BTreeMap;
use zab::zk_database::TxnOp;
use zab::{Epoch, Sid, Zxid};

pub fn check(
    sim: &Simulation,
    committed: &BTreeMap<Zxid, TxnOp>,
    sid: Sid,
    epoch: Epoch,
) -> Result<(), InvariantViolation> {
    let Some(peer) = sim.peer(sid) else {
        return Ok(());
    };
    let db = peer.database();
    for zxid in committed.keys().filter(|z| z.epoch() < epoch) {
        let held = *zxid <= db.snapshot.zxid || db.log.iter().any(|t| t.zxid == *zxid);
        if !held {
            return Err(InvariantViolation::LeaderIncomplete {
                sid,
                epoch,
                missing: *zxid,
            });
        }
    }
    Ok(())
}
