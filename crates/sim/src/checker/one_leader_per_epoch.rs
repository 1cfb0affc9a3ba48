//! At most one established leader per epoch: Leadership2 of the ZooKeeper TLA+ specs
//! (`zookeeper-specifications/protocol-spec/Zab.tla`; docs/protocol.md §8.2). A leader is established
//! when it writes currentEpoch after a quorum of ACKEPOCHs.

use super::InvariantViolation;
use std::collections::BTreeMap;
use zab::{Epoch, Sid};

pub fn check(
    epoch_leader: &mut BTreeMap<Epoch, Sid>,
    sid: Sid,
    epoch: Epoch,
) -> Result<(), InvariantViolation> {
    match epoch_leader.get(&epoch) {
        Some(first) if *first != sid => Err(InvariantViolation::TwoLeadersInEpoch {
            epoch,
            first: *first,
            second: sid,
        }),
        _ => {
            epoch_leader.insert(epoch, sid);
            Ok(())
        }
    }
}
