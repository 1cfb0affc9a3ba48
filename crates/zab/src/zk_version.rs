//! Which ZooKeeper release a run models. Real ZooKeeper is not one protocol: the learner's
//! NEWLEADER path changed release by release (docs/protocol.md §12, the "rule × version"
//! table). Each profile names a group of releases whose code for the rules we model is the
//! same, read from the release tags of `apache/zookeeper`.

use core::fmt;
use core::str::FromStr;
use serde::{Deserialize, Serialize};

/// A ZooKeeper version profile, chosen per run (`zabsim run --zk 3.8`, `zk=3.8` in a link,
/// the trace header's `zk`). The default is the newest stable behaviour (3.9.4+).
///
/// The profiles differ only in `Learner.syncWithLeader` and in what a learner's shutdown
/// stops before the fast-forward (§12); everything else we model reads the same at every tag
/// from release-3.8.0 to release-3.9.4.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub enum ZkVersion {
    /// 3.8.0–3.8.4 and 3.9.0–3.9.1 (what Debian 12 ships, and what the captures in
    /// `crates/sim/testdata/real-zk/` recorded). At NEWLEADER the learner writes currentEpoch
    /// first (ZOOKEEPER-4643), hands every buffered proposal to the asynchronous
    /// `logRequest` and ACKs NEWLEADER at once, before anything is durable (ZOOKEEPER-4646);
    /// the SyncThread then ACKs each of those proposals after its fsync. A learner leaving
    /// its role fast-forwards while its SyncThread still runs (ZOOKEEPER-4712).
    #[serde(rename = "3.8")]
    V3_8,
    /// 3.8.5–3.8.6 and 3.9.2 (ZOOKEEPER-4785): at NEWLEADER every buffered proposal is
    /// appended and fsynced, then currentEpoch, then the NEWLEADER ACK; the proposals are
    /// ACKed after UPTODATE's ACK. The learner's SyncThread still outlives the fast-forward
    /// (ZOOKEEPER-4712).
    #[serde(rename = "3.9.2")]
    V3_9_2,
    /// 3.9.3 (ZOOKEEPER-4394): only the committed proposals are persisted and applied at
    /// NEWLEADER, without ACKs; the outstanding ones wait until after UPTODATE. The committed
    /// ones skip the committedLog (ZOOKEEPER-4925's hole). A learner leaving its role stops
    /// its SyncThread before the fast-forward (ZOOKEEPER-4712's fix).
    #[serde(rename = "3.9.3")]
    V3_9_3,
    /// 3.9.4 and later, and master: as 3.9.3, with the committed txns entering the
    /// committedLog and `enforceContinuousProposal` (ZOOKEEPER-4925's fix).
    #[default]
    #[serde(rename = "3.9.4")]
    V3_9_4,
}

impl ZkVersion {
    /// Every profile, oldest first.
    pub const ALL: [ZkVersion; 4] = [
        ZkVersion::V3_8,
        ZkVersion::V3_9_2,
        ZkVersion::V3_9_3,
        ZkVersion::V3_9_4,
    ];

    /// The short name shown on screen and written in links, traces and the CLI.
    pub fn name(self) -> &'static str {
        match self {
            ZkVersion::V3_8 => "3.8",
            ZkVersion::V3_9_2 => "3.9.2",
            ZkVersion::V3_9_3 => "3.9.3",
            ZkVersion::V3_9_4 => "3.9.4",
        }
    }

    /// The releases the profile stands for, as read from their tags.
    pub fn releases(self) -> &'static str {
        match self {
            ZkVersion::V3_8 => "3.8.0–3.8.4, 3.9.0–3.9.1",
            ZkVersion::V3_9_2 => "3.8.5–3.8.6, 3.9.2",
            ZkVersion::V3_9_3 => "3.9.3",
            ZkVersion::V3_9_4 => "3.9.4 and later, master",
        }
    }

    /// The release numbers that name each profile besides its own name.
    fn aliases(self) -> &'static [&'static str] {
        match self {
            ZkVersion::V3_8 => &[
                "3.8.0", "3.8.1", "3.8.2", "3.8.3", "3.8.4", "3.9.0", "3.9.1",
            ],
            ZkVersion::V3_9_2 => &["3.8.5", "3.8.6"],
            ZkVersion::V3_9_3 => &[],
            ZkVersion::V3_9_4 => &["3.9.5", "master"],
        }
    }

    /// Look a profile up by its name or by a release it covers (`"3.8.2"` is `V3_8`).
    pub fn by_name(text: &str) -> Option<ZkVersion> {
        let text = text.trim();
        ZkVersion::ALL
            .into_iter()
            .find(|v| v.name() == text || v.aliases().contains(&text))
    }

    /// `setCurrentEpoch` at NEWLEADER comes before the synced txns are durable
    /// (ZOOKEEPER-4643): 3.8 writes it first thing.
    pub fn current_epoch_before_sync_txns(self) -> bool {
        self == ZkVersion::V3_8
    }

    /// The NEWLEADER ACK goes out before the synced txns are durable, because they were only
    /// handed to the asynchronous `logRequest` (ZOOKEEPER-4646).
    pub fn ack_newleader_before_fsync(self) -> bool {
        self == ZkVersion::V3_8
    }

    /// At NEWLEADER every buffered proposal, committed or not, is logged and later ACKed
    /// (3.8's `logRequest`, 3.9.2's `appendRequest` + `requestsToAck`), and the buffer is
    /// cleared: a COMMIT that then arrives before UPTODATE finds nothing to peek at
    /// (ZOOKEEPER-4394's NullPointerException).
    pub fn logs_every_sync_proposal_at_newleader(self) -> bool {
        matches!(self, ZkVersion::V3_8 | ZkVersion::V3_9_2)
    }

    /// The committed sync txns applied at NEWLEADER enter the committedLog (3.9.4's
    /// `processTxn(Request)`); 3.9.3's `processTxn(hdr, txn)` skips it (ZOOKEEPER-4925).
    pub fn sync_txns_enter_committed_log(self) -> bool {
        self != ZkVersion::V3_9_3
    }

    /// `enforceContinuousProposal`: a gap between sync proposals within an epoch is fatal
    /// (3.9.4+); older releases only log "Got zxid … expected …".
    pub fn enforces_continuous_proposals(self) -> bool {
        self == ZkVersion::V3_9_4
    }

    /// A learner leaving its role stops its SyncRequestProcessor, which writes out and flushes
    /// what was queued to it, before `fastForwardDataBase()` (3.9.3+: `shutdownComponents`,
    /// commit `4d3723581`). Before, `Learner.shutdown` called `zk.shutdown(boolean)`, which
    /// left the learner's `syncProcessor` running, so the fast-forward read a log still missing
    /// the queued proposals, and they were written after it (ZOOKEEPER-4712; `release-3.8.0-1`
    /// … `release-3.8.6`, `release-3.9.0` … `release-3.9.2`).
    pub fn stops_learner_sync_before_fast_forward(self) -> bool {
        matches!(self, ZkVersion::V3_9_3 | ZkVersion::V3_9_4)
    }
}

impl fmt::Display for ZkVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A version text that names no profile; its message lists the valid ones.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownZkVersion {
    pub text: String,
}

impl UnknownZkVersion {
    /// "3.8 (3.8.0–3.8.4, 3.9.0–3.9.1), 3.9.2 (…), …".
    pub fn valid_values() -> String {
        ZkVersion::ALL
            .iter()
            .map(|v| format!("{} ({})", v.name(), v.releases()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl fmt::Display for UnknownZkVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} is not a ZooKeeper version profile; valid values: {}",
            self.text,
            UnknownZkVersion::valid_values()
        )
    }
}

impl std::error::Error for UnknownZkVersion {}

impl FromStr for ZkVersion {
    type Err = UnknownZkVersion;

    fn from_str(s: &str) -> Result<ZkVersion, UnknownZkVersion> {
        ZkVersion::by_name(s).ok_or_else(|| UnknownZkVersion {
            text: s.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_names_and_aliases_parse_back() {
        for v in ZkVersion::ALL {
            assert_eq!(v.name().parse::<ZkVersion>(), Ok(v));
            for a in v.aliases() {
                assert_eq!(a.parse::<ZkVersion>(), Ok(v), "{a}");
            }
        }
        assert_eq!("3.8.4".parse::<ZkVersion>(), Ok(ZkVersion::V3_8));
        assert_eq!("3.9.1".parse::<ZkVersion>(), Ok(ZkVersion::V3_8));
        assert_eq!("3.8.5".parse::<ZkVersion>(), Ok(ZkVersion::V3_9_2));
    }

    #[test]
    fn test_unknown_version_lists_the_valid_ones() {
        let e = "3.7".parse::<ZkVersion>().expect_err("not a profile");
        let text = e.to_string();
        assert!(text.starts_with("\"3.7\" is not a ZooKeeper version profile"));
        for v in ZkVersion::ALL {
            assert!(text.contains(v.name()), "{text}");
        }
    }

    #[test]
    fn test_default_is_the_newest_and_serialises_by_name() {
        assert_eq!(ZkVersion::default(), ZkVersion::V3_9_4);
        let json = serde_json::to_string(&ZkVersion::V3_8).expect("serialises");
        assert_eq!(json, "\"3.8\"");
        let back: ZkVersion = serde_json::from_str("\"3.9.3\"").expect("parses");
        assert_eq!(back, ZkVersion::V3_9_3);
    }
}
