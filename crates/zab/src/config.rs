//! The ensemble's static configuration. Mirrors the quorum part of `QuorumPeerConfig`.

use crate::ids::Sid;
use crate::quorum::QuorumMaj;
use crate::zk_version::ZkVersion;
use core::fmt;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Mirrors `QuorumPeer.LearnerType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum LearnerType {
    Participant,
    Observer,
}

/// `tickTime`, `initLimit`, `syncLimit` and the server list (`server.N=...:participant|observer`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuorumConfig {
    pub tick_time_ms: u64,
    pub init_limit_ticks: u64,
    pub sync_limit_ticks: u64,
    /// Shared: every server, role and checkpoint holds the config, and it never changes.
    pub servers: Arc<BTreeMap<Sid, LearnerType>>,
    /// Which release's rules the servers follow (§12). Absent in old files: the default.
    #[serde(default)]
    pub zk: ZkVersion,
    /// Historical ZooKeeper bugs, switched back on to show (and test) what the checkers catch.
    #[serde(default)]
    pub bugs: BugSwitches,
}

/// Switches that restore a buggy behaviour no release profile has. All off is the code of
/// the chosen [`ZkVersion`]. ZOOKEEPER-4646 is not a switch: it is what the 3.8 profile does
/// (`ZkVersion::V3_8`, §12).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BugSwitches {
    /// ZOOKEEPER-1154: a learner ahead of the leader gets a plain DIFF instead of a TRUNC (or
    /// SNAP), so it keeps txns nobody committed.
    pub zk1154_diff_instead_of_trunc: bool,
    /// Checker self-test, not a ZooKeeper bug (no release did this, no JIRA): discovery
    /// without a quorum, `getEpochToPropose` and `waitForEpochAck` returning as soon as the
    /// leader itself calls them (what Zab's discovery phase exists to prevent). Proves
    /// one-leader-per-epoch fires; `zabsim sweep --self-test discovery-without-quorum`.
    pub discovery_without_quorum: bool,
    /// Checker self-test, not a ZooKeeper bug: the learner writes currentEpoch at LEADERINFO
    /// (real learners write it only at NEWLEADER), before acceptedEpoch, so currentEpoch >
    /// acceptedEpoch on disk. Proves epoch-monotonic fires. It is not ZOOKEEPER-2307 (a
    /// failed write leaving the in-memory field ahead of its file, docs/protocol.md §9.16).
    pub epoch_files_out_of_order: bool,
    /// ZOOKEEPER-2845: a role ends without `fastForwardDataBase()`, so the tree keeps only the
    /// committed txns and the server votes and registers with less than its log holds
    /// (`ZooKeeperServer.shutdown(boolean)` in `release-3.4.11` and `release-3.5.3`; fixed by
    /// `722ba9409`, first in `release-3.4.12`, `release-3.5.4`, `release-3.6.0`, older than
    /// every profile). An unfinished SNAP still clears the database (ZOOKEEPER-3642's fix).
    #[serde(default)]
    pub zk2845_no_fast_forward: bool,
    /// ZOOKEEPER-3642: a learner whose SNAP sync did not reach NEWLEADER keeps the leader's
    /// snapshot in memory, though none was written (`Learner.shutdown` called `zk.shutdown()`
    /// in `release-3.6.2`; fixed by `efbd660e1`, first in `release-3.5.10`, `release-3.6.3`,
    /// `release-3.7.0`, older than every profile).
    #[serde(default)]
    pub zk3642_snap_kept_in_memory: bool,
}

impl BugSwitches {
    /// Every switch off: the code of the chosen profile (`Default`, usable in a `const`).
    pub const OFF: BugSwitches = BugSwitches {
        zk1154_diff_instead_of_trunc: false,
        discovery_without_quorum: false,
        epoch_files_out_of_order: false,
        zk2845_no_fast_forward: false,
        zk3642_snap_kept_in_memory: false,
    };

    pub fn any(&self) -> bool {
        *self != BugSwitches::OFF
    }
}

/// The largest ensemble the simulator and its views are built for.
pub const MAX_VOTERS: u32 = 9;
pub const MAX_OBSERVERS: u32 = 4;

impl QuorumConfig {
    /// `voters` participants with sids 1..=voters, then `observers` observers after them, with
    /// the sample config's timing (tickTime=2000, initLimit=10, syncLimit=5).
    pub fn standard(voters: u32, observers: u32) -> Result<QuorumConfig, ConfigError> {
        if voters == 0 || voters > MAX_VOTERS {
            return Err(ConfigError::Voters { voters });
        }
        if observers > MAX_OBSERVERS {
            return Err(ConfigError::Observers { observers });
        }
        let mut servers = BTreeMap::new();
        for i in 1..=voters {
            servers.insert(Sid(i64::from(i)), LearnerType::Participant);
        }
        for i in 1..=observers {
            servers.insert(Sid(i64::from(voters + i)), LearnerType::Observer);
        }
        let config = QuorumConfig {
            tick_time_ms: 2000,
            init_limit_ticks: 10,
            sync_limit_ticks: 5,
            servers: Arc::new(servers),
            zk: ZkVersion::default(),
            bugs: BugSwitches::default(),
        };
        config.validate()?;
        Ok(config)
    }

    /// Checks what `QuorumPeerConfig.parseProperties` rejects, plus our own size limits.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.tick_time_ms == 0 {
            return Err(ConfigError::TickTimeZero);
        }
        if self.init_limit_ticks == 0 {
            return Err(ConfigError::InitLimitZero);
        }
        if self.sync_limit_ticks == 0 {
            return Err(ConfigError::SyncLimitZero);
        }
        if let Some(sid) = self.servers.keys().find(|s| s.0 <= 0) {
            return Err(ConfigError::BadSid { sid: *sid });
        }
        let voters = self.voters().count() as u32;
        if voters == 0 || voters > MAX_VOTERS {
            return Err(ConfigError::Voters { voters });
        }
        let observers = self.servers.len() as u32 - voters;
        if observers > MAX_OBSERVERS {
            return Err(ConfigError::Observers { observers });
        }
        Ok(())
    }

    pub fn voters(&self) -> impl Iterator<Item = Sid> + '_ {
        self.servers
            .iter()
            .filter(|(_, t)| **t == LearnerType::Participant)
            .map(|(s, _)| *s)
    }

    pub fn learner_type(&self, sid: Sid) -> Option<LearnerType> {
        self.servers.get(&sid).copied()
    }

    pub fn verifier(&self) -> QuorumMaj {
        QuorumMaj::new(self.voters())
    }

    /// `initLimit * tickTime`: the bound on discovery and sync waits.
    pub fn init_limit_ms(&self) -> u64 {
        self.init_limit_ticks * self.tick_time_ms
    }

    /// `syncLimit * tickTime`: the bound on a learner's silence in broadcast.
    pub fn sync_limit_ms(&self) -> u64 {
        self.sync_limit_ticks * self.tick_time_ms
    }
}

/// What `QuorumConfig::validate` rejects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigError {
    TickTimeZero,
    InitLimitZero,
    SyncLimitZero,
    BadSid { sid: Sid },
    Voters { voters: u32 },
    Observers { observers: u32 },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::TickTimeZero => f.write_str("tickTime must be greater than 0"),
            ConfigError::InitLimitZero => f.write_str("initLimit is not set (must be > 0)"),
            ConfigError::SyncLimitZero => f.write_str("syncLimit is not set (must be > 0)"),
            ConfigError::BadSid { sid } => write!(f, "server id {sid} must be a positive number"),
            ConfigError::Voters { voters } => {
                write!(
                    f,
                    "{voters} voters: an ensemble here has 1 to {MAX_VOTERS} voters"
                )
            }
            ConfigError::Observers { observers } => {
                write!(
                    f,
                    "{observers} observers: at most {MAX_OBSERVERS} are supported"
                )
            }
        }
    }
}

impl std::error::Error for ConfigError {}
