//! Per server, acceptedEpoch and currentEpoch never go backwards and currentEpoch ≤
//! acceptedEpoch (the Zab 1.0 epochs of ZOOKEEPER-335; docs/protocol.md §1.2, §8.3 check 5).

use super::InvariantViolation;
use std::collections::BTreeMap;
use zab::output::EpochFile;
use zab::{Epoch, Sid};

pub fn check(
    epochs: &mut BTreeMap<Sid, (Option<Epoch>, Option<Epoch>)>,
    sid: Sid,
    file: EpochFile,
    epoch: Epoch,
) -> Result<(), InvariantViolation> {
    let (current, accepted) = epochs.entry(sid).or_insert((None, None));
    let slot = match file {
        EpochFile::Current => current,
        EpochFile::Accepted => accepted,
    };
    if slot.is_some_and(|old| epoch < old) {
        return Err(InvariantViolation::EpochRegression {
            sid,
            detail: format!(
                "{file:?} epoch went from {} back to {epoch}",
                slot.unwrap_or(epoch)
            ),
        });
    }
    *slot = Some(epoch);
    let (current, accepted) = epochs[&sid];
    if let (Some(c), Some(a)) = (current, accepted) {
        if c > a {
            return Err(InvariantViolation::EpochRegression {
                sid,
                detail: format!("currentEpoch {c} > acceptedEpoch {a}"),
            });
        }
    }
    Ok(())
}
