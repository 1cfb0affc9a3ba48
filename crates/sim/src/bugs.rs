//! Real ZooKeeper bugs the simulator models, each as a deterministic replay: a seed, a shape
//! and step-indexed user actions that break a named safety check under the affected version
//! and run clean under the fixed one (docs/protocol.md §9, the registry table).
//!
//! Only bugs whose code path the simulator follows are here, each read from the release tags
//! of `apache/zookeeper` (the doc comment of each entry names the methods and tags). The
//! scripts were found by a search over seeds and actions (`cargo run --release -p sim
//! --example bug_search`) and are the shortest it found.

use crate::session::{RunSpec, UserAction};
use zab::config::BugSwitches;
use zab::ZkVersion;

/// Where a bug lives: a release profile, or a switch on top of the default profile (for bugs
/// older than every profile).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Affected {
    Version(ZkVersion),
    Switch(BugSwitches),
}

/// One registered bug.
#[derive(Clone, Copy, Debug)]
pub struct Bug {
    /// "ZOOKEEPER-4646".
    pub id: &'static str,
    pub title: &'static str,
    /// What to watch in the replay, in our words.
    pub caption: &'static str,
    pub url: &'static str,
    /// The releases the buggy side stands for, as text ("3.8.0–3.8.4, 3.9.0–3.9.1").
    pub releases: &'static str,
    pub affected: Affected,
    /// The profile the fixed replay runs under.
    pub fixed: ZkVersion,
    /// `InvariantViolation::name()` of the check that fires.
    pub invariant: &'static str,
    /// The step at which it fires under the affected version.
    pub step: u64,
    seed: u64,
    voters: u32,
    actions: &'static str,
}

impl Bug {
    /// The replay: under the affected version, or (`fixed`) under the fixed one with every
    /// switch off. The actions are the same either way.
    pub fn spec(&self, fixed: bool) -> RunSpec {
        let mut spec = RunSpec::new(self.seed, self.voters, 0);
        match (fixed, self.affected) {
            (true, _) => spec.zk = self.fixed,
            (false, Affected::Version(v)) => spec.zk = v,
            (false, Affected::Switch(bugs)) => {
                spec.zk = self.fixed;
                spec.bugs = bugs;
            }
        }
        spec.actions = parse_actions(self.actions);
        spec
    }

    /// "3.8" or "3.9.4 + zk1154_diff_instead_of_trunc".
    pub fn affected_text(&self) -> String {
        match self.affected {
            Affected::Version(v) => v.name().to_string(),
            Affected::Switch(_) => format!("{} + switch {}", self.fixed, self.switch_name()),
        }
    }

    fn switch_name(&self) -> &'static str {
        match self.affected {
            Affected::Switch(b) if b.zk1154_diff_instead_of_trunc => "zk1154_diff_instead_of_trunc",
            Affected::Switch(b) if b.discovery_without_quorum => "discovery_without_quorum",
            Affected::Switch(b) if b.epoch_files_out_of_order => "epoch_files_out_of_order",
            Affected::Switch(b) if b.zk2845_no_fast_forward => "zk2845_no_fast_forward",
            Affected::Switch(b) if b.zk3642_snap_kept_in_memory => "zk3642_snap_kept_in_memory",
            _ => "",
        }
    }

    /// The script as step-indexed action codes, `21:c1 24:w3 …`.
    pub fn actions(&self) -> &'static str {
        self.actions
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn voters(&self) -> u32 {
        self.voters
    }
}

/// `"21:c1 24:w3"` → `[(21, Crash(1)), (24, Write(3))]`.
pub fn parse_actions(codes: &str) -> Vec<(u64, UserAction)> {
    codes
        .split_whitespace()
        .map(|c| {
            let (step, code) = c.split_once(':').expect("step:code");
            (
                step.parse().expect("a step"),
                UserAction::parse(code).expect("an action code"),
            )
        })
        .collect()
}

/// The registry, by JIRA number.
pub const BUGS: &[Bug] = &[
    // docs/protocol.md §9.15. release-3.3.3 `LearnerHandler.run`: a peer whose zxid lies
    // within [minCommittedLog, maxCommittedLog] gets a DIFF, whether or not its zxid is in
    // the log; fixed in release-3.3.4/3.4.0 (commit 27d045af5), today's `syncFollower` +
    // `queueCommittedProposals` send TRUNC (or SNAP across epochs). No profile is that old,
    // so it is the switch on the default profile.
    Bug {
        id: "ZOOKEEPER-1154",
        title: "a learner's uncommitted txn survives a DIFF that should have been a TRUNC",
        caption: "The leader is cut off and logs a write nobody else has, then crashes. \
                  The others elect a leader and commit a write of their own. When the old \
                  leader returns, its extra txn falls inside the new leader's committedLog \
                  range, so it gets a plain DIFF and keeps the txn no one committed.",
        url: "https://issues.apache.org/jira/browse/ZOOKEEPER-1154",
        releases: "3.3.0–3.3.3",
        affected: Affected::Switch(BugSwitches {
            zk1154_diff_instead_of_trunc: true,
            ..BugSwitches::OFF
        }),
        fixed: ZkVersion::V3_9_4,
        invariant: "agreement",
        step: 161,
        seed: 1,
        voters: 3,
        actions: "90:w3 93:p3-1 96:p3-2 99:w3 102:c3 105:h 120:w1 123:r3",
    },
    // docs/protocol.md §9.7. release-3.8.0-1 … release-3.8.4, release-3.9.0/3.9.1
    // `Learner.syncWithLeader`, NEWLEADER case: `self.setCurrentEpoch(newEpoch)` comes first,
    // before the buffered txns are logged. Closed by the ZOOKEEPER-4785 change in
    // release-3.8.5 and release-3.9.2 (append + fsync, then currentEpoch). In the script 3
    // commits 1:2 with 2's ACK before 1's sync begins, so 1's early NEWLEADER ACK plays no
    // part: the early currentEpoch alone loses the txn (what sets it apart from 4646).
    Bug {
        id: "ZOOKEEPER-4643",
        title:
            "currentEpoch reaches the disk before the sync txns, and a committed txn is truncated",
        caption: "Server 1 misses a write that servers 2 and 3 commit; 3 crashes. While 2 \
                  syncs 1, server 1 writes its new currentEpoch first and crashes before the \
                  write is on its disk. Restarted with the higher epoch, it wins the next \
                  election over server 3, which holds the write, and leads without it.",
        url: "https://issues.apache.org/jira/browse/ZOOKEEPER-4643",
        releases: "3.8.0–3.8.4, 3.9.0–3.9.1",
        affected: Affected::Version(ZkVersion::V3_8),
        fixed: ZkVersion::V3_9_2,
        invariant: "leader-completeness",
        step: 179,
        seed: 1,
        voters: 3,
        actions: "90:w3 95:p3-1 100:w3 120:c3 125:h 137:c1 142:r3 147:r1 148:c2",
    },
    // docs/protocol.md §9.6. release-3.8.0-1 … release-3.8.4, release-3.9.0/3.9.1
    // `Learner.syncWithLeader`, NEWLEADER case: the buffered proposals go to the
    // asynchronous `logRequest` and the ACK is written at once. Closed by ZOOKEEPER-4785's
    // change in release-3.8.5 and release-3.9.2 (append + fsync, then the ACK).
    Bug {
        id: "ZOOKEEPER-4646",
        title:
            "the NEWLEADER ACK overtakes the asynchronous log write, and a committed txn is lost",
        caption: "A restarted learner ACKs NEWLEADER before its sync txns reach the disk; \
                  the leader counts that ACK toward a commit. Crashes then leave the \
                  committed txn on fewer disks than a quorum.",
        url: "https://issues.apache.org/jira/browse/ZOOKEEPER-4646",
        releases: "3.8.0–3.8.4, 3.9.0–3.9.1",
        affected: Affected::Version(ZkVersion::V3_8),
        fixed: ZkVersion::V3_9_2,
        invariant: "committed-durable",
        step: 615,
        seed: 641,
        voters: 3,
        actions: "21:c1 24:w3 92:r1 179:w1 273:c2 291:w1 327:w2 387:w3 539:w1 540:c1 579:r2",
    },
    // docs/protocol.md §9.12. release-3.9.3 `Learner.syncWithLeader`, NEWLEADER case: the
    // committed sync txns are applied with `ZooKeeperServer.processTxn(TxnHeader, Record)`,
    // which skips `ZKDatabase.addCommittedProposal`, so they never enter the committedLog a
    // later DIFF is served from. Fixed in release-3.9.4 (commit 685048a7b: `processTxn(Request)`,
    // `enforceContinuousProposal`, the continuity check in `addCommittedProposal`).
    Bug {
        id: "ZOOKEEPER-4925",
        title: "3.9.3's sync txns skip the committedLog, and a DIFF from it skips them too",
        caption: "Server 4 misses a write while down and gets it by DIFF on restart: \
                  applied, but absent from its committedLog. It then leads, and server 1, \
                  staler still, is DIFFed from that log: it never receives the write, and \
                  delivers the next txn without it.",
        url: "https://issues.apache.org/jira/browse/ZOOKEEPER-4925",
        releases: "3.9.3",
        affected: Affected::Version(ZkVersion::V3_9_3),
        fixed: ZkVersion::V3_9_4,
        invariant: "agreement",
        step: 608,
        seed: 1,
        voters: 5,
        actions: "265:w5 285:c1 305:w5 325:c4 345:w5 365:r4 411:c5 494:r1 594:w4",
    },
    // docs/protocol.md §9.10. release-3.9.2 `Learner.syncWithLeader`: the NEWLEADER case
    // appends every entry of `packetsNotCommitted`, committed or not, and clears it; the
    // COMMIT case reads `packetsNotCommitted.peekFirst().hdr` before anything else, so a
    // COMMIT after NEWLEADER (before UPTODATE) dereferences null. The same two cases read
    // alike in release-3.8.0-1 … release-3.8.6 and release-3.9.0/3.9.1 (there NEWLEADER hands
    // the entries to `logRequest`). Fixed by commit 9fcb805fa (PR #2152), in release-3.9.3
    // as 5a2b99b5b: NEWLEADER takes only the committed entries and keeps the outstanding
    // ones. Not a safety bug: the learner drops out of the sync and follows again, so the
    // check that fires is the named exception. The packets to server 2 are the JIRA's
    // order: DIFF, PROPOSAL 1:2, COMMIT 1:2, PROPOSAL 1:3, NEWLEADER, COMMIT 1:3.
    Bug {
        id: "ZOOKEEPER-4394",
        title: "a COMMIT right after NEWLEADER finds the buffer emptied: NullPointerException",
        caption: "Server 2 restarts and the leader syncs it by DIFF while the write 1:3 is \
                  still waiting for ACKs, so 1:3 goes out as a bare PROPOSAL before \
                  NEWLEADER. At NEWLEADER server 2 logs every buffered proposal and empties \
                  the buffer; then 1:3 commits, and its COMMIT arrives before UPTODATE. \
                  Looking up the buffer's head, the real 3.9.2 hits a NullPointerException \
                  and server 2 abandons the sync.",
        url: "https://issues.apache.org/jira/browse/ZOOKEEPER-4394",
        releases: "3.8.0–3.8.6, 3.9.0–3.9.2",
        affected: Affected::Version(ZkVersion::V3_9_2),
        fixed: ZkVersion::V3_9_3,
        invariant: "no-unexpected-exception",
        step: 239,
        seed: 2,
        voters: 3,
        actions: "80:w3 120:c2 160:w3 200:r2 220:w3",
    },
    // docs/protocol.md §9.9. release-3.8.0-1 … release-3.8.6, release-3.9.0 … release-3.9.2
    // `Learner.shutdown` → `ZooKeeperServer.shutdown(boolean)`: the learner's
    // SyncRequestProcessor is not in the chain that call stops, so `fastForwardDataBase()`
    // replays a log still missing what the SyncThread has queued, and the SyncThread writes
    // it afterwards. Fixed in release-3.9.3 (commit 4d3723581: `shutdownComponents` stops
    // the sync processor first). Simplification (labelled in `ZkDatabase::fast_forward_flushed`):
    // "not yet flushed" is a logged txn not yet covered by an fsync.
    Bug {
        id: "ZOOKEEPER-4712",
        title: "a follower leaving its role replays only its flushed log, and leads \
                without a txn its log holds",
        caption: "Server 2 is down; leader 3 sends two writes to server 1 alone. Server 1's \
                  link to 3 breaks while 1 is still writing them out, and 3 crashes. Leaving \
                  its role, 1 replays into its tree only what its log had flushed: it leads \
                  the next epoch from 1:1, without 1:2, which its disk gets only afterwards. \
                  The new epoch commits 2:1 on 1 and 2. When 1 crashes and returns, 2 leads \
                  and DIFFs it; 1 loads 1:2 from its log and delivers a txn 2 never had.",
        url: "https://issues.apache.org/jira/browse/ZOOKEEPER-4712",
        releases: "3.8.0–3.8.6, 3.9.0–3.9.2",
        affected: Affected::Version(ZkVersion::V3_9_2),
        fixed: ZkVersion::V3_9_3,
        invariant: "agreement",
        step: 262,
        seed: 43,
        voters: 3,
        actions: "79:c2 119:w3 120:w3 125:b1-3 126:c3 127:r2 167:w1 207:c1 227:r1",
    },
    // docs/protocol.md §9.3. release-3.4.11 / release-3.5.3 `ZooKeeperServer.shutdown`:
    // a server leaving its role did not call `fastForwardDataBase()`, so its in-memory tree
    // held only what it had committed, and it voted and registered with that zxid though
    // its log held more. Fixed by commit 722ba9409 (release-3.4.12, 3.5.4, 3.6.0). No
    // profile is that old, so it is a switch on the default profile.
    Bug {
        id: "ZOOKEEPER-2845",
        title: "a follower leaving its role keeps a tree without its logged txns, and \
                announces a zxid lower than its log",
        caption: "Leader 3 is cut off from 2, sends a write to 1 alone and crashes. Leaving \
                  its role, 1 does not replay its log into its tree, so it announces zxid 0 \
                  though its log holds 1:1. Server 2 leads, sends 1 an empty DIFF, and 1's \
                  log keeps the stray 1:1 below the new epoch's 2:1. When 1 restarts it \
                  loads its log and delivers 1:1, which 2 never had.",
        url: "https://issues.apache.org/jira/browse/ZOOKEEPER-2845",
        releases: "3.4.10–3.4.11, 3.5.3",
        affected: Affected::Switch(BugSwitches {
            zk2845_no_fast_forward: true,
            ..BugSwitches::OFF
        }),
        fixed: ZkVersion::V3_9_4,
        invariant: "agreement",
        step: 206,
        seed: 81,
        voters: 3,
        actions: "69:p3-2 69:w3 72:c3 73:h 113:w2 153:c1 173:r1",
    },
    // docs/protocol.md §9.4. release-3.6.2 `Learner.shutdown` → `zk.shutdown()`: a learner
    // whose SNAP sync ended before NEWLEADER kept the leader's snapshot in its in-memory
    // database, though it never wrote one, and voted with that zxid. Fixed by commit
    // efbd660e1 (release-3.5.10, 3.6.3, 3.7.0): an unfinished SNAP clears the database,
    // which is reloaded from disk. No profile is that old, so it is a switch.
    Bug {
        id: "ZOOKEEPER-3642",
        title: "a learner whose SNAP sync broke off keeps the snapshot in memory only, \
                over a log with a stray txn",
        caption: "Leader 3 is cut off, logs a write 1:2 alone and crashes; 1 and 2 go on in \
                  epoch 2. When 3 returns, 2 syncs it by SNAP, and 3's link breaks before \
                  NEWLEADER: 3 never wrote the snapshot, yet its memory keeps it and it \
                  announces 2:1. Server 2 sends it an empty DIFF; its log still holds 1:2 \
                  and no 2:1. When 3 restarts it loads that log and delivers 1:2, which no \
                  one committed.",
        url: "https://issues.apache.org/jira/browse/ZOOKEEPER-3642",
        releases: "3.5.3–3.5.9, 3.6.0–3.6.2",
        affected: Affected::Switch(BugSwitches {
            zk3642_snap_kept_in_memory: true,
            ..BugSwitches::OFF
        }),
        fixed: ZkVersion::V3_9_4,
        invariant: "agreement",
        step: 263,
        seed: 107,
        voters: 3,
        actions:
            "70:w3 73:p3-1 76:p3-2 79:w3 82:c3 85:h 102:w2 106:r3 132:b3-2 172:w2 212:c3 232:r3",
    },
];

/// The bug of that JIRA id ("ZOOKEEPER-4646", or its number "4646").
pub fn by_id(id: &str) -> Option<&'static Bug> {
    let id = id.trim();
    BUGS.iter()
        .find(|b| b.id.eq_ignore_ascii_case(id) || b.id.strip_prefix("ZOOKEEPER-") == Some(id))
}

/// The registered bug whose old code is exactly these switches (`None` for every switch off,
/// and for the checker self-tests, which are no bug). A link names a run's switches this
/// way: `bug=ZOOKEEPER-2845`.
pub fn by_switches(switches: &BugSwitches) -> Option<&'static Bug> {
    if !switches.any() {
        return None;
    }
    BUGS.iter()
        .find(|b| matches!(b.affected, Affected::Switch(s) if s == *switches))
}
