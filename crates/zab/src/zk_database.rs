//! The database model: txns, the data tree, the committed log window. Mirrors the parts of
//! `ZKDatabase`, `DataTree` and `FileTxnSnapLog` the quorum protocol depends on.

use crate::ids::Zxid;
use core::fmt;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};

/// `ZKDatabase.commitLogCount` (500; smaller values are raised to 500).
pub const COMMIT_LOG_COUNT: usize = 500;

/// A client write. Only `create` and `setData` are modelled; values are short strings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TxnOp {
    Create { path: String, data: String },
    SetData { path: String, data: String },
}

impl fmt::Display for TxnOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TxnOp::Create { path, data } => write!(f, "create {path} \"{data}\""),
            TxnOp::SetData { path, data } => write!(f, "setData {path} \"{data}\""),
        }
    }
}

impl TxnOp {
    /// The approximate size in bytes of its log record (TxnHeader + record), used only to
    /// weigh a txn-log sync against a snapshot (`snapshotSizeFactor`).
    pub fn approx_bytes(&self) -> u64 {
        let (TxnOp::Create { path, data } | TxnOp::SetData { path, data }) = self;
        40 + path.len() as u64 + data.len() as u64
    }
}

/// A txn as logged: `TxnHeader.zxid` plus the operation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Txn {
    pub zxid: Zxid,
    pub op: TxnOp,
}

/// The znodes: path → data. A create of an existing path or a setData of a missing one fails
/// as a txn (ZooKeeper logs an error txn instead); here it is applied as a no-op.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataTree {
    pub nodes: BTreeMap<String, String>,
}

impl DataTree {
    pub fn apply(&mut self, op: &TxnOp) {
        match op {
            TxnOp::Create { path, data } => {
                self.nodes
                    .entry(path.clone())
                    .or_insert_with(|| data.clone());
            }
            TxnOp::SetData { path, data } => {
                if let Some(v) = self.nodes.get_mut(path) {
                    v.clone_from(data);
                }
            }
        }
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The approximate size of a snapshot of this tree in bytes.
    pub fn approx_bytes(&self) -> u64 {
        self.nodes
            .iter()
            .map(|(p, d)| 60 + p.len() as u64 + d.len() as u64)
            .sum::<u64>()
            + 100
    }
}

/// A fuzzy snapshot: the tree as of `zxid` (`snapshot.<zxid>` on disk).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub zxid: Zxid,
    pub tree: DataTree,
    /// Ghost, for the invariant checkers only: the zxids whose effects the tree holds.
    /// ZooKeeper's snapshot has no such list.
    #[serde(default)]
    pub history: Vec<Zxid>,
}

/// The in-memory database of one server. Mirrors `ZKDatabase`: the data tree with its
/// `lastProcessedZxid`, the `committedLog` window, and our own copy of the txn log's
/// contents (everything appended, durable or not; the world's disk knows which is which).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ZkDatabase {
    pub tree: DataTree,
    last_processed_zxid: Zxid,
    committed_log: VecDeque<Txn>,
    /// The txn log as this process wrote it (the snapshot holds what came before).
    pub log: Vec<Txn>,
    pub snapshot: Snapshot,
    /// Ghost, for the checkers: every zxid applied to the tree, in order.
    history: Vec<Zxid>,
}

impl ZkDatabase {
    /// `loadDataBase`: restore the snapshot, replay the log. Every replayed txn enters the
    /// tree and the committedLog, committed or not (docs/protocol.md §1.4).
    pub fn load(snapshot: &Snapshot, log: &[Txn]) -> ZkDatabase {
        let mut db = ZkDatabase {
            tree: snapshot.tree.clone(),
            last_processed_zxid: snapshot.zxid,
            committed_log: VecDeque::new(),
            log: log.to_vec(),
            snapshot: snapshot.clone(),
            history: snapshot.history.clone(),
        };
        for txn in log.iter().filter(|t| t.zxid > snapshot.zxid) {
            db.apply_committed(txn.clone());
        }
        db
    }

    /// Ghost, for the checkers: every zxid applied to the tree since the beginning of time.
    pub fn history(&self) -> &[Zxid] {
        &self.history
    }

    /// `getDataTreeLastProcessedZxid()`.
    pub fn last_processed_zxid(&self) -> Zxid {
        self.last_processed_zxid
    }

    /// `setlastProcessedZxid` (SNAP, TRUNC, and the leader's `startZkServer`).
    pub fn set_last_processed_zxid(&mut self, zxid: Zxid) {
        self.last_processed_zxid = zxid;
    }

    /// Apply a committed txn to the tree and add it to the committedLog
    /// (`processTxn` + `addCommittedProposal`).
    pub fn apply_committed(&mut self, txn: Txn) {
        self.tree.apply(&txn.op);
        self.last_processed_zxid = self.last_processed_zxid.max(txn.zxid);
        self.history.push(txn.zxid);
        self.committed_log.push_back(txn);
        while self.committed_log.len() > COMMIT_LOG_COUNT {
            self.committed_log.pop_front();
        }
    }

    pub fn committed_log(&self) -> &VecDeque<Txn> {
        &self.committed_log
    }

    /// `getminCommittedLog` / `getmaxCommittedLog`; both `lastProcessedZxid` when empty.
    pub fn committed_log_bounds(&self) -> (Zxid, Zxid) {
        match (self.committed_log.front(), self.committed_log.back()) {
            (Some(a), Some(b)) => (a.zxid, b.zxid),
            _ => (self.last_processed_zxid, self.last_processed_zxid),
        }
    }

    /// The last zxid in the txn log (or the snapshot's, when the log has nothing newer).
    pub fn last_logged_zxid(&self) -> Zxid {
        self.log
            .last()
            .map_or(self.snapshot.zxid, |t| t.zxid)
            .max(self.snapshot.zxid)
    }

    /// `fastForwardDataBase()`: replay the log tail into memory, so the vote zxid is the last
    /// logged one again (ZOOKEEPER-2845). Our in-memory copy of the log is the file's content.
    pub fn fast_forward(&mut self) {
        let from = self.last_processed_zxid;
        let tail: Vec<Txn> = self.log.iter().filter(|t| t.zxid > from).cloned().collect();
        for txn in tail {
            self.apply_committed(txn);
        }
    }

    /// `truncateLog(zxid)`: drop every logged txn after `zxid` and reload from "disk".
    pub fn truncate_log(&mut self, zxid: Zxid) {
        self.log.retain(|t| t.zxid <= zxid);
        let snapshot = if self.snapshot.zxid <= zxid {
            self.snapshot.clone()
        } else {
            Snapshot::default()
        };
        let log = std::mem::take(&mut self.log);
        *self = ZkDatabase::load(&snapshot, &log);
    }

    /// Clear memory and load again from what is on disk (`zk.shutdown(true)`).
    pub fn reload_from_disk(&mut self) {
        let snapshot = self.snapshot.clone();
        let log = std::mem::take(&mut self.log);
        *self = ZkDatabase::load(&snapshot, &log);
    }

    /// `deserializeSnapshot`: replace everything with the leader's snapshot.
    pub fn load_snapshot(&mut self, snapshot: &Snapshot) {
        self.tree = snapshot.tree.clone();
        self.last_processed_zxid = snapshot.zxid;
        self.committed_log.clear();
        self.history.clone_from(&snapshot.history);
    }

    /// A snapshot of the tree as of now, without recording it as the last one taken (the
    /// leader's SNAP stream).
    pub fn snapshot_now(&self) -> Snapshot {
        Snapshot {
            zxid: self.last_processed_zxid,
            tree: self.tree.clone(),
            history: self.history.clone(),
        }
    }

    /// The snapshot `takeSnapshot()` writes: the tree as of now.
    pub fn take_snapshot(&mut self) -> Snapshot {
        let snap = Snapshot {
            zxid: self.last_processed_zxid,
            tree: self.tree.clone(),
            history: self.history.clone(),
        };
        self.snapshot = snap.clone();
        snap
    }

    /// Txns of the on-disk log after `zxid`, for a txn-log sync (`getProposalsFromTxnLog`).
    pub fn logged_after(&self, zxid: Zxid) -> impl Iterator<Item = &Txn> {
        self.log.iter().filter(move |t| t.zxid > zxid)
    }
}
