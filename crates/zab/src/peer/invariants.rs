//! What must hold between any two inputs (STYLE SG-9, TigerStyle's assertions): each state
//! machine checks its own state after every input in debug and test builds. A failure is a
//! bug in this crate, never normal adversity, so it panics with the value that broke it.

use crate::config::LearnerType;
use crate::leader::{LeadPhase, Leader};
use crate::learner::{Learner, LearnerPhase};
use crate::peer::{PeerCore, QuorumPeer, ServerState, ZabState};

impl QuorumPeer {
    /// The peer's own invariants, then its role's. Called by the world after every input
    /// (debug builds) and by the unit tests' fixtures.
    pub fn check_invariants(&self) {
        let c = self.core();
        check_core(c);
        match (self.state(), self.leader(), self.learner()) {
            (ServerState::Leading, Some(l), None) => l.check_invariants(c),
            (ServerState::Following | ServerState::Observing, None, Some(l)) => {
                l.check_invariants(c)
            }
            (ServerState::Looking, None, None) => assert_eq!(
                c.zab_state,
                ZabState::Election,
                "server {} LOOKING outside ELECTION",
                c.myid
            ),
            (state, leader, learner) => panic!(
                "server {}: state {state} with leader role {} and learner role {}",
                c.myid,
                leader.is_some(),
                learner.is_some()
            ),
        }
        if self.election().running {
            assert_eq!(
                self.state(),
                ServerState::Looking,
                "server {}: an election round runs while not LOOKING",
                c.myid
            );
        }
    }
}

fn check_core(c: &PeerCore) {
    assert!(
        c.current_epoch <= c.accepted_epoch,
        "server {}: currentEpoch {} > acceptedEpoch {}",
        c.myid,
        c.current_epoch,
        c.accepted_epoch
    );
    if let Some(batch) = &c.fsync_in_flight {
        assert!(
            batch.windows(2).all(|w| w[0] < w[1]),
            "server {}: fsync batch out of order {batch:?}",
            c.myid
        );
    }
}

impl Leader {
    /// `Leader`'s invariants (paired with the checks `propose` and `processAck` make).
    pub fn check_invariants(&self, core: &PeerCore) {
        let me = core.myid;
        assert_eq!(
            core.learner_type,
            LearnerType::Participant,
            "server {me}: an observer leads"
        );
        assert!(
            self.last_committed <= self.last_proposed,
            "server {me}: lastCommitted {} above lastProposed {}",
            self.last_committed,
            self.last_proposed
        );
        for zxid in self.outstanding_proposals.keys() {
            assert!(
                self.last_committed < *zxid && *zxid <= self.last_proposed,
                "server {me}: outstanding proposal {zxid} outside ({}, {}]",
                self.last_committed,
                self.last_proposed
            );
        }
        for set in [&self.connecting_followers, &self.electing_followers] {
            assert!(
                set.iter().all(|s| core.qv.is_voter(*s)),
                "server {me}: a non-voter in a monitor's set {set:?}"
            );
        }
        // The waits end in order, and only the last one lets the server serve.
        assert!(!self.election_finished || !self.waiting_for_new_epoch);
        assert!(!self.quorum_formed || self.election_finished);
        assert_eq!(
            self.zk_running,
            self.phase == LeadPhase::Broadcast,
            "server {me}: serving {} in phase {:?}",
            self.zk_running,
            self.phase
        );
        for conn in self
            .forwarding_followers
            .iter()
            .chain(&self.observing_learners)
        {
            assert!(
                self.handlers.contains_key(conn),
                "server {me}: forwarding to connection #{} without a handler",
                conn.0
            );
        }
    }
}

impl Learner {
    /// `Learner`'s invariants (paired with the leader's: proposals arrive and stay in order).
    pub fn check_invariants(&self, core: &PeerCore) {
        let me = core.myid;
        assert_eq!(self.learner_type, core.learner_type);
        assert!(
            self.pending_txns
                .iter()
                .zip(self.pending_txns.iter().skip(1))
                .all(|(a, b)| a.zxid < b.zxid),
            "server {me}: pendingTxns out of order"
        );
        match self.phase {
            LearnerPhase::ConnectToLeader { .. } => {}
            LearnerPhase::Broadcast => {
                assert!(
                    self.conn.is_some(),
                    "server {me}: broadcasting without a socket"
                );
                assert!(
                    self.packets_not_logged.is_empty(),
                    "server {me}: sync proposals left unlogged in broadcast"
                );
                assert_eq!(core.zab_state, ZabState::Broadcast);
            }
            _ => assert!(self.conn.is_some(), "server {me}: reading without a socket"),
        }
    }
}
