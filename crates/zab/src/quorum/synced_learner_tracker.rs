use super::QuorumMaj;
use crate::ids::Sid;
use std::collections::BTreeSet;

/// Mirrors `SyncedLearnerTracker` with exactly one verifier (no reconfig is modelled): the ack
/// set of one quorum decision. `add_ack` keeps only voting members, as Java does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyncedLearnerTracker {
    qv: QuorumMaj,
    ackset: BTreeSet<Sid>,
}

impl SyncedLearnerTracker {
    pub fn new(qv: QuorumMaj) -> Self {
        SyncedLearnerTracker {
            qv,
            ackset: BTreeSet::new(),
        }
    }

    pub fn add_ack(&mut self, sid: Sid) {
        if self.qv.is_voter(sid) {
            self.ackset.insert(sid);
        }
    }

    pub fn has_sid(&self, sid: Sid) -> bool {
        self.ackset.contains(&sid)
    }

    pub fn has_all_quorums(&self) -> bool {
        self.qv.contains_quorum(&self.ackset)
    }

    pub fn ackset(&self) -> &BTreeSet<Sid> {
        &self.ackset
    }

    pub fn quorum_size(&self) -> u32 {
        self.qv.quorum_size()
    }
}
