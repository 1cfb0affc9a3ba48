use crate::ids::{Epoch, Zxid};
use serde::{Deserialize, Serialize};

/// Mirrors `StateSummary`: a learner's (currentEpoch, lastZxid) as its ACKEPOCH reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateSummary {
    pub current_epoch: Epoch,
    pub last_zxid: Zxid,
}

impl StateSummary {
    /// `isMoreRecentThan`: a higher currentEpoch, or the same epoch and a higher zxid.
    pub fn is_more_recent_than(&self, other: &StateSummary) -> bool {
        self.current_epoch > other.current_epoch
            || (self.current_epoch == other.current_epoch && self.last_zxid > other.last_zxid)
    }
}
