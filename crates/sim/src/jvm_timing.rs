//! How long the JVM's own work takes: the time a real ZooKeeper server spends inside a call
//! that our state machines would otherwise finish in no time. The protocol asks for the work
//! (`Effect::Work`); the world answers after the duration below.
//!
//! Each default is calibrated from the real ZooKeeper 3.8.0 captures in
//! `crates/sim/testdata/real-zk/` and says how.

use serde::{Deserialize, Serialize};
use zab::output::Work;

/// `zk.startup()` inside `Leader.startZkServer` (docs/protocol.md §3.6), in ms.
///
/// In the captures it is the time from the NEWLEADER ACK that completes the quorum to the first
/// UPTODATE (`waitForStartup` wakes at once on `startup()`'s `notifyAll`, §4.5, so nothing
/// else sits in between): 989.4 − 853.2 = 136.2 ms in `startup-3-voters.txt`, and
/// 958.4 − 860.2 = 98.2 ms in `startup-3-writes.txt`. We take their mean, 117 ms. It agrees
/// with both captures' outcomes: learner 3's ACKEPOCH came 50.9 ms into the window in the
/// first (DIFF(0)) and 133.5 ms after the window opened in the second (SNAP(0x100000000)).
pub const ZK_STARTUP_MS: u64 = 117;

/// Per-run durations of the JVM's work (overridable in `SimOptions::jvm`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JvmTiming {
    /// `ZooKeeperServer.startup()` in `Leader.startZkServer`: the window in which the
    /// leader's `lastProcessedZxid` is still the old one, so a learner syncing then gets
    /// DIFF where it would get SNAP(epoch<<32) a moment later.
    pub zk_startup_ms: u64,
}

impl Default for JvmTiming {
    fn default() -> JvmTiming {
        JvmTiming {
            zk_startup_ms: ZK_STARTUP_MS,
        }
    }
}

impl JvmTiming {
    /// No JVM: every piece of work ends at once (the simulator before issue 12).
    pub const INSTANT: JvmTiming = JvmTiming { zk_startup_ms: 0 };

    /// How long `work` takes.
    pub fn duration_ms(&self, work: Work) -> u64 {
        match work {
            Work::ZkStartup { .. } => self.zk_startup_ms,
        }
    }
}
