use crate::ids::Sid;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::sync::Arc;

/// Mirrors `org.apache.zookeeper.server.quorum.flexible.QuorumMaj`: a set of sids is a quorum
/// when it holds more than half (integer division) of the voting members.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuorumMaj {
    /// Shared: every tracker of every proposal holds a copy of the verifier.
    voting_members: Arc<BTreeSet<Sid>>,
    half: u32,
}

impl QuorumMaj {
    pub fn new(voters: impl IntoIterator<Item = Sid>) -> QuorumMaj {
        let voting_members: BTreeSet<Sid> = voters.into_iter().collect();
        let half = voting_members.len() as u32 / 2;
        QuorumMaj {
            voting_members: Arc::new(voting_members),
            half,
        }
    }

    /// `QuorumMaj.containsQuorum`: only voting members count.
    pub fn contains_quorum(&self, set: &BTreeSet<Sid>) -> bool {
        self.count_voters(set) > self.half
    }

    pub fn count_voters(&self, set: &BTreeSet<Sid>) -> u32 {
        set.iter()
            .filter(|s| self.voting_members.contains(s))
            .count() as u32
    }

    /// How many voters make a quorum: `half + 1`.
    pub fn quorum_size(&self) -> u32 {
        self.half + 1
    }

    pub fn is_voter(&self, sid: Sid) -> bool {
        self.voting_members.contains(&sid)
    }

    pub fn voting_members(&self) -> &BTreeSet<Sid> {
        &self.voting_members
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(s: &[i64]) -> BTreeSet<Sid> {
        s.iter().map(|i| Sid(*i)).collect()
    }

    /// docs/protocol.md §0: 3 voters need 2, 4 need 3, 5 need 3; observers never count.
    #[test]
    fn test_contains_quorum_table() {
        let cases: &[(&[i64], &[i64], bool)] = &[
            (&[1, 2, 3], &[1], false),
            (&[1, 2, 3], &[1, 2], true),
            (&[1, 2, 3, 4], &[1, 2], false),
            (&[1, 2, 3, 4], &[1, 2, 4], true),
            (&[1, 2, 3, 4, 5], &[3, 4, 5], true),
            (&[1, 2, 3, 4, 5], &[4, 5, 6, 7], false),
            (&[1], &[1], true),
        ];
        for (voters, acks, want) in cases {
            let qv = QuorumMaj::new(set(voters));
            assert_eq!(qv.contains_quorum(&set(acks)), *want, "{voters:?} {acks:?}");
        }
    }
}
