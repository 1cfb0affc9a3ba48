//! The database model: txns, the data tree, the committed log window. Mirrors the parts of
//! `ZKDatabase`, `DataTree` and `FileTxnSnapLog` the quorum protocol depends on.
//!
//! Every collection here that grows with the run (the txn log, the committedLog, the tree, the
//! ghost history) is persistent (`imbl`): cloning it is O(1) and a clone shares every chunk it
//! has not changed since. The world keeps a checkpoint of every server every thousand events
//! for time travel, so with plain `Vec`s and `BTreeMap`s each checkpoint was a full copy and
//! memory grew with the log times the number of checkpoints; now a checkpoint costs what
//! changed since the one before. `imbl::OrdMap` iterates in key order like `BTreeMap`, and both
//! serialize exactly as the std collections did, so traces and golden hashes are unchanged.

use crate::ids::Zxid;
use crate::sessions::{Origin, SessionId};
use core::fmt;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// `ZKDatabase.commitLogCount` (500; smaller values are raised to 500).
pub const COMMIT_LOG_COUNT: usize = 500;

/// A client write. Only `create` and `setData` are modelled, with the session txns
/// (docs/protocol.md §13); values are short strings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TxnOp {
    Create {
        path: String,
        data: String,
    },
    SetData {
        path: String,
        data: String,
    },
    /// `OpCode.createSession` (`CreateSessionTxn { int timeOut }`).
    CreateSession {
        session: SessionId,
        timeout_ms: u64,
    },
    /// `OpCode.closeSession`, from the client or from the leader's expirer
    /// (`ZooKeeperServer.expire` → `close`). `CloseSessionTxn { paths2Delete }`: the
    /// ephemerals `PrepRequestProcessor` found for the session, which `DataTree.killSession`
    /// deletes.
    CloseSession {
        session: SessionId,
        ephemerals: Vec<String>,
    },
    /// `create` with `CreateMode.EPHEMERAL`: the znode's `ephemeralOwner` is the session.
    CreateEphemeral {
        path: String,
        data: String,
        owner: SessionId,
    },
}

impl fmt::Display for TxnOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TxnOp::Create { path, data } => write!(f, "create {path} \"{data}\""),
            TxnOp::SetData { path, data } => write!(f, "setData {path} \"{data}\""),
            TxnOp::CreateSession {
                session,
                timeout_ms,
            } => write!(f, "createSession {session} timeout={timeout_ms}ms"),
            TxnOp::CloseSession {
                session,
                ephemerals,
            } if ephemerals.is_empty() => write!(f, "closeSession {session}"),
            TxnOp::CloseSession {
                session,
                ephemerals,
            } => write!(f, "closeSession {session} deletes {}", ephemerals.join(" ")),
            TxnOp::CreateEphemeral { path, data, owner } => {
                write!(f, "create -e {path} \"{data}\" owner={owner}")
            }
        }
    }
}

impl TxnOp {
    /// The approximate size in bytes of its log record (TxnHeader + record), used only to
    /// weigh a txn-log sync against a snapshot (`snapshotSizeFactor`).
    pub fn approx_bytes(&self) -> u64 {
        match self {
            TxnOp::Create { path, data }
            | TxnOp::SetData { path, data }
            | TxnOp::CreateEphemeral { path, data, .. } => {
                40 + path.len() as u64 + data.len() as u64
            }
            TxnOp::CreateSession { .. } => 44,
            TxnOp::CloseSession { ephemerals, .. } => {
                44 + ephemerals.iter().map(|p| p.len() as u64 + 4).sum::<u64>()
            }
        }
    }
}

/// A txn as logged: `TxnHeader.zxid` plus the operation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Txn {
    pub zxid: Zxid,
    pub op: TxnOp,
    /// The TxnHeader's `clientId` and `cxid`, for a request of a session's client (absent
    /// for the session-less writes, so their traces are as before sessions were modelled).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
}

/// A sequence of txns in log order: the txn log (in memory and on the world's disk) and the
/// committedLog window. It clones in O(1) and shares unchanged chunks with its clones (see the
/// module doc); it serializes as a JSON array, as the `Vec<Txn>` it replaced did.
///
/// Each txn sits behind an `Arc`: a checkpoint taken between two appends makes the next append
/// copy the vector's 64-slot tail chunk, and that copy is then 64 pointers rather than 64 txns
/// with their strings (measured on the soak bench: about a sixth of the memory per checkpoint).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TxnLog(imbl::Vector<Arc<Txn>>);

impl TxnLog {
    pub fn new() -> TxnLog {
        TxnLog::default()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Append at the end (the log's next record).
    pub fn push(&mut self, txn: Txn) {
        self.0.push_back(Arc::new(txn));
    }

    /// Remove the oldest txn (the committedLog window sliding on).
    pub fn pop_front(&mut self) -> Option<Txn> {
        self.0.pop_front().map(Arc::unwrap_or_clone)
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }

    /// Keep only the txns `keep` accepts, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(&Txn) -> bool) {
        self.0.retain(|t| keep(t));
    }

    pub fn get(&self, index: usize) -> Option<&Txn> {
        self.0.get(index).map(|t| &**t)
    }

    pub fn front(&self) -> Option<&Txn> {
        self.0.front().map(|t| &**t)
    }

    pub fn back(&self) -> Option<&Txn> {
        self.0.back().map(|t| &**t)
    }

    /// The newest txn (the same as `back`, named as `Vec` names it).
    pub fn last(&self) -> Option<&Txn> {
        self.back()
    }

    pub fn iter(&self) -> TxnIter<'_> {
        TxnIter(self.0.iter())
    }
}

/// The iterator of a [`TxnLog`], oldest first.
#[derive(Clone)]
pub struct TxnIter<'a>(imbl::vector::Iter<'a, Arc<Txn>, imbl::shared_ptr::DefaultSharedPtr>);

impl<'a> Iterator for TxnIter<'a> {
    type Item = &'a Txn;

    fn next(&mut self) -> Option<&'a Txn> {
        self.0.next().map(|t| &**t)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl DoubleEndedIterator for TxnIter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|t| &**t)
    }
}

impl ExactSizeIterator for TxnIter<'_> {}

impl Serialize for TxnLog {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for TxnLog {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<TxnLog, D::Error> {
        Vec::<Txn>::deserialize(deserializer).map(TxnLog::from)
    }
}

impl<'a> IntoIterator for &'a TxnLog {
    type Item = &'a Txn;
    type IntoIter = TxnIter<'a>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl Extend<Txn> for TxnLog {
    fn extend<I: IntoIterator<Item = Txn>>(&mut self, txns: I) {
        self.0.extend(txns.into_iter().map(Arc::new));
    }
}

impl FromIterator<Txn> for TxnLog {
    fn from_iter<I: IntoIterator<Item = Txn>>(txns: I) -> TxnLog {
        TxnLog(txns.into_iter().map(Arc::new).collect())
    }
}

impl From<Vec<Txn>> for TxnLog {
    fn from(txns: Vec<Txn>) -> TxnLog {
        txns.into_iter().collect()
    }
}

impl From<&[Txn]> for TxnLog {
    fn from(txns: &[Txn]) -> TxnLog {
        txns.iter().cloned().collect()
    }
}

impl<const N: usize> From<&[Txn; N]> for TxnLog {
    fn from(txns: &[Txn; N]) -> TxnLog {
        txns.iter().cloned().collect()
    }
}

impl From<&Vec<Txn>> for TxnLog {
    fn from(txns: &Vec<Txn>) -> TxnLog {
        txns.iter().cloned().collect()
    }
}

/// O(1): the new log shares the old one's chunks.
impl From<&TxnLog> for TxnLog {
    fn from(txns: &TxnLog) -> TxnLog {
        txns.clone()
    }
}

/// The ghost list of applied zxids, shared like [`TxnLog`]. Boxed because `imbl::Vector` is 64
/// bytes inline and a [`Snapshot`] travels inside `PacketData`, so inside every `LogEvent::Send`
/// of the world's event log: boxed, a `Snapshot` stays as small as it was with a `Vec`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct History(Box<imbl::Vector<Zxid>>);

impl History {
    pub fn push(&mut self, zxid: Zxid) {
        self.0.push_back(zxid);
    }
}

/// Read access as an `imbl::Vector` (`iter`, `len`, `get`, `last`, …).
impl core::ops::Deref for History {
    type Target = imbl::Vector<Zxid>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl From<Vec<Zxid>> for History {
    fn from(zxids: Vec<Zxid>) -> History {
        History(Box::new(zxids.into()))
    }
}

impl FromIterator<Zxid> for History {
    fn from_iter<I: IntoIterator<Item = Zxid>>(zxids: I) -> History {
        History(Box::new(zxids.into_iter().collect()))
    }
}

/// The znodes: path → data. A create of an existing path or a setData of a missing one fails
/// as a txn (ZooKeeper logs an error txn instead); here it is applied as a no-op.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataTree {
    /// Persistent (see the module doc); iterates in path order like the `BTreeMap` it replaced.
    pub nodes: imbl::OrdMap<String, String>,
    /// `DataTree.ephemerals` turned round: each ephemeral znode's `ephemeralOwner`. Empty
    /// (and then absent from a serialized snapshot) in runs without sessions.
    #[serde(default, skip_serializing_if = "imbl::OrdMap::is_empty")]
    pub ephemeral_owner: imbl::OrdMap<String, SessionId>,
    /// `ZKDatabase.sessionsWithTimeouts`: the live sessions and their timeouts (ms), as the
    /// createSession/closeSession txns left them (in a snapshot too).
    #[serde(default, skip_serializing_if = "imbl::OrdMap::is_empty")]
    pub sessions: imbl::OrdMap<SessionId, u64>,
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
            TxnOp::CreateSession {
                session,
                timeout_ms,
            } => {
                self.sessions.insert(*session, *timeout_ms);
            }
            TxnOp::CloseSession {
                session,
                ephemerals,
            } => self.kill_session(*session, ephemerals),
            TxnOp::CreateEphemeral { path, data, owner } => {
                // Simplification: ZooKeeper's PrepRequestProcessor refuses an ephemeral of a
                // closed session (an error txn); here it is applied as a no-op.
                if self.sessions.contains_key(owner) && !self.nodes.contains_key(path) {
                    self.nodes.insert(path.clone(), data.clone());
                    self.ephemeral_owner.insert(path.clone(), *owner);
                }
            }
        }
    }

    /// `DataTree.killSession(session, zxid, paths2Delete)`: the session is gone, and so is
    /// each of its ephemerals the closeSession txn names.
    fn kill_session(&mut self, session: SessionId, paths: &[String]) {
        self.sessions.remove(&session);
        for p in paths {
            if self.ephemeral_owner.get(p) == Some(&session) {
                self.ephemeral_owner.remove(p);
                self.nodes.remove(p);
            }
        }
    }

    /// `getEphemerals(session)`: what PrepRequestProcessor puts in a closeSession txn.
    pub fn ephemerals_of(&self, session: SessionId) -> Vec<String> {
        self.ephemeral_owner
            .iter()
            .filter(|(_, o)| **o == session)
            .map(|(p, _)| p.clone())
            .collect()
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
    pub history: History,
}

/// The in-memory database of one server. Mirrors `ZKDatabase`: the data tree with its
/// `lastProcessedZxid`, the `committedLog` window, and our own copy of the txn log's
/// contents (everything appended, durable or not; the world's disk knows which is which).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ZkDatabase {
    pub tree: DataTree,
    last_processed_zxid: Zxid,
    committed_log: TxnLog,
    /// The txn log as this process wrote it (the snapshot holds what came before).
    pub log: TxnLog,
    pub snapshot: Snapshot,
    /// Ghost, for the checkers: every zxid applied to the tree, in order.
    history: History,
}

impl ZkDatabase {
    /// `loadDataBase`: restore the snapshot, replay the log. Every replayed txn enters the
    /// tree and the committedLog, committed or not (docs/protocol.md §1.4). `log` is a
    /// [`TxnLog`] (shared, O(1)) or anything a `TxnLog` is made from (`&[Txn]`, `&Vec<Txn>`).
    pub fn load(snapshot: &Snapshot, log: impl Into<TxnLog>) -> ZkDatabase {
        let log = log.into();
        let mut db = ZkDatabase {
            tree: snapshot.tree.clone(),
            last_processed_zxid: snapshot.zxid,
            committed_log: TxnLog::new(),
            log: TxnLog::new(),
            snapshot: snapshot.clone(),
            history: snapshot.history.clone(),
        };
        for txn in log.iter().filter(|t| t.zxid > snapshot.zxid) {
            db.apply_committed(txn.clone());
        }
        db.log = log;
        db
    }

    /// Ghost, for the checkers: every zxid applied to the tree since the beginning of time.
    pub fn history(&self) -> &History {
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
        self.committed_log.push(txn);
        while self.committed_log.len() > COMMIT_LOG_COUNT {
            self.committed_log.pop_front();
        }
    }

    /// Apply a committed txn to the tree only (`processTxn(hdr, txn)`, without
    /// `addCommittedProposal`): 3.9.3's NEWLEADER path (ZOOKEEPER-4925).
    pub fn apply_outside_committed_log(&mut self, txn: Txn) {
        self.tree.apply(&txn.op);
        self.last_processed_zxid = self.last_processed_zxid.max(txn.zxid);
        self.history.push(txn.zxid);
    }

    pub fn committed_log(&self) -> &TxnLog {
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
        self.fast_forward_flushed(&[]);
    }

    /// `fastForwardDataBase()` while the learner's SyncThread still runs (ZOOKEEPER-4712):
    /// only what reached the file is replayed, and `unflushed` (the txns the SyncThread has
    /// not flushed yet, a suffix of the log) is not. Simplification (labelled): our log
    /// takes a txn at once, so "queued to the SyncThread, or written but not flushed" is a
    /// txn appended and not yet covered by an fsync (`PeerCore::unsynced`); one the fsync in
    /// progress covers was flushed before that fsync began (`FileTxnLog.commit`).
    pub fn fast_forward_flushed(&mut self, unflushed: &[Zxid]) {
        let from = self.last_processed_zxid;
        let tail: Vec<Txn> = self
            .log
            .iter()
            .take_while(|t| !unflushed.contains(&t.zxid))
            .filter(|t| t.zxid > from)
            .cloned()
            .collect();
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
        *self = ZkDatabase::load(&snapshot, log);
    }

    /// Clear memory and load again from what is on disk (`zk.shutdown(true)`).
    pub fn reload_from_disk(&mut self) {
        let snapshot = self.snapshot.clone();
        let log = std::mem::take(&mut self.log);
        *self = ZkDatabase::load(&snapshot, log);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn txn(counter: u32) -> Txn {
        Txn {
            zxid: Zxid::make(crate::ids::Epoch(1), counter),
            op: TxnOp::Create {
                path: format!("/n{counter}"),
                data: format!("v{counter}"),
            },
            origin: None,
        }
    }

    fn counters(log: &TxnLog) -> Vec<u32> {
        log.iter().map(|t| t.zxid.counter()).collect()
    }

    /// A checkpoint is a clone: what the live database does afterwards must not show in it.
    #[test]
    fn test_a_clone_is_unaffected_by_later_changes() {
        let mut db = ZkDatabase::load(&Snapshot::default(), (1..=70).map(txn).collect::<Vec<_>>());
        let checkpoint = db.clone();
        db.log.push(txn(71));
        db.apply_committed(txn(71));
        db.truncate_log(db.log.get(9).expect("70 txns").zxid);
        assert_eq!(counters(&db.log), (1..=10).collect::<Vec<_>>());
        assert_eq!(counters(&checkpoint.log), (1..=70).collect::<Vec<_>>());
        assert_eq!(checkpoint.history().len(), 70);
        assert_eq!(checkpoint.tree.len(), 70);
        assert!(!checkpoint.tree.nodes.contains_key("/n71"));
    }

    /// `COMMIT_LOG_COUNT` bounds the committedLog window; it slides from the front.
    #[test]
    fn test_committed_log_window_slides() {
        let n = COMMIT_LOG_COUNT as u32 + 20;
        let db = ZkDatabase::load(&Snapshot::default(), (1..=n).map(txn).collect::<Vec<_>>());
        let window = db.committed_log();
        assert_eq!(window.len(), COMMIT_LOG_COUNT);
        assert_eq!(window.front().map(|t| t.zxid.counter()), Some(21));
        assert_eq!(window.back().map(|t| t.zxid.counter()), Some(n));
        assert_eq!(window.iter().next_back(), window.last());
        assert_eq!(db.history().len(), n as usize);
    }
}
