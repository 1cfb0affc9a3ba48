//! Invariant checkers: Zab's safety properties, checked after every event (docs/protocol.md §8).
//!
//! One file per property; each violation is a variant of [`InvariantViolation`]. The checker
//! keeps *ghost* state no server has: which txns leaders proposed and committed, and which
//! server established itself as leader of which epoch.

mod agreement;
mod committed_durable;
mod delivery_order;
mod ephemeral_owner;
mod epoch_monotonic;
pub mod exception;
mod integrity;
mod leader_completeness;
mod marks;
mod one_leader_per_epoch;
mod violation;

pub use marks::{Mark, Marks};
pub use violation::InvariantViolation;

use crate::trace::{LogEntry, LogEvent};
use crate::Simulation;
use std::collections::BTreeMap;
use std::ops::Bound;
use zab::output::EpochFile;
use zab::peer::{ServerState, ZabState};
use zab::zk_database::TxnOp;
use zab::{Epoch, Sid, Zxid};

/// Ghost state and per-server progress of the checks.
#[derive(Clone, Debug, Default)]
pub struct Checker {
    /// Where in the event log the next check starts.
    next_index: u64,
    /// Every txn a leader proposed.
    proposed: BTreeMap<Zxid, TxnOp>,
    /// Every txn a leader committed (the ghost committed log).
    committed: BTreeMap<Zxid, TxnOp>,
    /// `epochLeader[e]`: who established itself in epoch e (Leadership2).
    epoch_leader: BTreeMap<Epoch, Sid>,
    /// The epochs each server's disk last held: (currentEpoch, acceptedEpoch).
    epochs: BTreeMap<Sid, (Option<Epoch>, Option<Epoch>)>,
    /// Per server: the last zxid of its committed log already checked while in BROADCAST.
    checked_upto: BTreeMap<Sid, Zxid>,
    /// Per server: how much of its ghost history (every txn applied to its tree) was checked
    /// in BROADCAST, as (length, last zxid), so the next check starts where this one ended.
    checked_history: BTreeMap<Sid, (usize, Zxid)>,
    /// Per leading server: the lastCommitted already folded into the ghost log.
    leader_committed: BTreeMap<Sid, Zxid>,
    /// Per learner, of the last TRUNC sent to it: the committed txns past its truncation
    /// point when it was sent (empty from a correct leader).
    trunc_sent: BTreeMap<Sid, Vec<Zxid>>,
    pub marks: Marks,
}

impl Checker {
    pub fn new() -> Checker {
        Checker::default()
    }

    pub fn committed(&self) -> &BTreeMap<Zxid, TxnOp> {
        &self.committed
    }

    /// Check everything that happened since the last call (a simulation whose log is never
    /// drained, as the swarm runs it).
    pub fn check(&mut self, sim: &Simulation) -> Result<(), InvariantViolation> {
        let log = sim.log();
        let from = self.next_index as usize;
        self.next_index = log.len() as u64;
        self.check_entries(sim, &log[from.min(log.len())..])
    }

    /// Check `entries`, the log of what just happened in `sim` (one event and the actions
    /// after it, as a [`Session`](crate::session::Session) steps), against the state it left.
    pub fn check_entries(
        &mut self,
        sim: &Simulation,
        entries: &[LogEntry],
    ) -> Result<(), InvariantViolation> {
        let mut touched: Vec<Sid> = Vec::new();
        let mut truncs: Vec<(Sid, Zxid)> = Vec::new();
        for entry in entries {
            self.marks.observe(sim, &entry.event);
            for sid in entry.event.peers() {
                if !touched.contains(&sid) {
                    touched.push(sid);
                }
            }
            match &entry.event {
                LogEvent::PersistEpoch { sid, file, epoch } => {
                    epoch_monotonic::check(&mut self.epochs, *sid, *file, *epoch)?;
                    if *file == EpochFile::Current
                        && sim
                            .peer(*sid)
                            .is_some_and(|p| p.state() == ServerState::Leading)
                    {
                        one_leader_per_epoch::check(&mut self.epoch_leader, *sid, *epoch)?;
                        leader_completeness::check(sim, &self.committed, *sid, *epoch)?;
                    }
                }
                LogEvent::Send(_) => {
                    if let Some((_, to, p)) = entry.event.sent_packet() {
                        if p.ty == zab::packet::PacketType::Trunc {
                            truncs.push((to, p.zxid));
                        }
                    }
                }
                LogEvent::TruncateLog { sid, removed, .. } => {
                    let committed_then = self.trunc_sent.remove(sid);
                    committed_durable::check_truncate(
                        &self.committed,
                        committed_then.as_deref(),
                        *sid,
                        removed,
                    )?;
                }
                LogEvent::Crashed { .. } => {
                    committed_durable::check_somewhere(sim, &self.committed)?
                }
                LogEvent::PeerStarted { sid } | LogEvent::StateChange { sid, .. } => {
                    // A new incarnation or role: its window is checked afresh in BROADCAST.
                    self.checked_upto.remove(sid);
                    self.checked_history.remove(sid);
                    self.leader_committed.remove(sid);
                }
                _ => {}
            }
        }
        for sid in touched {
            self.check_server(sim, sid)?;
        }
        // After this event's commits are folded in, so a commit in the same step counts as
        // before the send.
        for (to, zxid) in truncs {
            let past: Vec<Zxid> = self
                .committed
                .range((Bound::Excluded(zxid), Bound::Unbounded))
                .map(|(z, _)| *z)
                .collect();
            self.trunc_sent.insert(to, past);
        }
        Ok(())
    }

    fn check_server(&mut self, sim: &Simulation, sid: Sid) -> Result<(), InvariantViolation> {
        let Some(peer) = sim.peer(sid) else {
            return Ok(());
        };
        if let Some(leader) = peer.leader() {
            for (zxid, p) in leader.outstanding() {
                self.proposed
                    .entry(*zxid)
                    .or_insert_with(|| p.txn.op.clone());
            }
            let db = peer.database();
            let seen = self.leader_committed.get(&sid).copied();
            if leader.history_committed() && seen != Some(leader.last_committed) {
                // Once a quorum has ACKed NEWLEADER the leader's whole history counts as
                // committed (before `zk.startup()` ends); after that, every tryToCommit adds
                // one txn.
                let after = seen.unwrap_or(Zxid::MIN);
                let upto = db.last_processed_zxid();
                for zxid in db.history().iter().filter(|z| **z > after && **z <= upto) {
                    let op = match db.log.iter().find(|t| t.zxid == *zxid) {
                        Some(t) => t.op.clone(),
                        None => match self.proposed.get(zxid) {
                            Some(op) => op.clone(),
                            None => return Err(InvariantViolation::Integrity { sid, zxid: *zxid }),
                        },
                    };
                    self.proposed.entry(*zxid).or_insert_with(|| op.clone());
                    if !self.committed.contains_key(zxid) {
                        committed_durable::check_quorum_at_commit(sim, *zxid)?;
                    }
                    agreement::commit(
                        &mut self.committed,
                        sid,
                        &zab::zk_database::Txn {
                            zxid: *zxid,
                            op,
                            origin: None,
                        },
                    )?;
                }
                self.leader_committed.insert(sid, leader.last_committed);
            }
        }
        if peer.zab_state() != ZabState::Broadcast || peer.state() == ServerState::Looking {
            return Ok(());
        }
        let upto = self.checked_upto.get(&sid).copied().unwrap_or(Zxid::MIN);
        let window = peer.database().committed_log();
        let start = window
            .iter()
            .position(|t| t.zxid > upto)
            .unwrap_or(window.len());
        // The committedLog is a cache for DIFFs, not what was delivered: 3.9.3's sync path
        // applies txns without it (ZOOKEEPER-4925), so a hole there is no delivery out of
        // order. Its txns carry their ops, which must be the committed ones.
        for t in window.iter().skip(start) {
            integrity::check(&self.proposed, sid, t)?;
            agreement::check_delivered(&self.committed, sid, t)?;
        }
        if let Some(last) = window.back() {
            self.checked_upto.insert(sid, last.zxid);
        }
        // What was delivered is the history: every txn applied to the tree, in order.
        let history = peer.database().history();
        let from = match self.checked_history.get(&sid) {
            Some(&(len, last)) if len > 0 && history.get(len - 1) == Some(&last) => len,
            Some(&(_, last)) => partition_point(history, |z| *z <= last),
            None => 0,
        };
        let mut prev = from.checked_sub(1).and_then(|i| history.get(i)).copied();
        for z in history.iter().skip(from) {
            if let Some(p) = prev {
                agreement::check_none_skipped(&self.committed, sid, p, *z)?;
                delivery_order::check(sid, p, *z)?;
            }
            prev = Some(*z);
        }
        if let Some(last) = history.last() {
            self.checked_history.insert(sid, (history.len(), *last));
        }
        ephemeral_owner::check(sid, &peer.database().tree)?;
        Ok(())
    }
}

/// The first index whose zxid fails `below` (the history is in zxid order wherever it was
/// checked before).
fn partition_point(history: &zab::zk_database::History, below: impl Fn(&Zxid) -> bool) -> usize {
    let (mut lo, mut hi) = (0, history.len());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if history.get(mid).is_some_and(&below) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}
