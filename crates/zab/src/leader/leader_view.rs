//! What the views show of a leader: its thread rows and the values they are made of.

use crate::ids::{Sid, Time};
use crate::leader::learner_handler::MonitorView;
use crate::leader::{LeadPhase, Leader};
use crate::peer::{Blocked, PeerCore, ThreadView};

impl Leader {
    fn monitors(&self, core: &PeerCore) -> MonitorView {
        MonitorView {
            myid: core.myid,
            quorum: core.qv.quorum_size(),
            connecting: self.connecting_followers.iter().copied().collect(),
            electing: self.electing_followers.iter().copied().collect(),
            new_leader_acks: self.new_leader_proposal.ackset().iter().copied().collect(),
        }
    }

    /// The values the rows' phase texts are made of (see `QuorumPeer::phase_inputs`).
    pub fn phase_inputs(&self, out: &mut Vec<u64>) {
        let (variant, deadline) = match self.phase {
            LeadPhase::GetEpochToPropose { deadline } => (0, deadline.0),
            LeadPhase::WaitForEpochAck { deadline } => (1, deadline.0),
            LeadPhase::WaitForNewLeaderAck { deadline } => (2, deadline.0),
            LeadPhase::Broadcast => (3, 0),
        };
        out.extend([
            variant,
            deadline,
            self.connecting_followers.len() as u64,
            self.electing_followers.len() as u64,
            self.new_leader_proposal.ackset().len() as u64,
            self.tick,
            self.last_proposed.0 as u64,
            self.last_committed.0 as u64,
            self.handlers.len() as u64,
        ]);
        for h in self.handlers.values() {
            h.phase_inputs(out);
        }
    }

    /// The thread rows: `Leader.lead`, `LearnerCnxAcceptor`, then one per handler.
    pub fn threads(&self, core: &PeerCore) -> Vec<ThreadView> {
        let m = self.monitors(core);
        let blocked = |monitor: &str, have: &[Sid], deadline: Time| Blocked {
            monitor: monitor.to_string(),
            have: have.to_vec(),
            need: m.quorum,
            needs_self: Some(core.myid),
            deadline,
        };
        let (phase, b) = match self.phase {
            LeadPhase::GetEpochToPropose { deadline } => (
                format!(
                    "getEpochToPropose: {} of {}, needs self, deadline t={} ms",
                    m.connecting.len(),
                    m.quorum,
                    deadline.0
                ),
                Some(blocked("connectingFollowers", &m.connecting, deadline)),
            ),
            LeadPhase::WaitForEpochAck { deadline } => (
                format!(
                    "waitForEpochAck: {} of {}, deadline t={} ms",
                    m.electing.len(),
                    m.quorum,
                    deadline.0
                ),
                Some(blocked("electingFollowers", &m.electing, deadline)),
            ),
            LeadPhase::WaitForNewLeaderAck { deadline } => (
                format!(
                    "waitForNewLeaderAck: {} of {}, deadline t={} ms",
                    m.new_leader_acks.len(),
                    m.quorum,
                    deadline.0
                ),
                Some(blocked("newLeaderProposal", &m.new_leader_acks, deadline)),
            ),
            LeadPhase::Broadcast => (
                format!(
                    "ping loop: tick {}, lastProposed {}, lastCommitted {}",
                    self.tick,
                    self.last_proposed.short(),
                    self.last_committed.short()
                ),
                None,
            ),
        };
        let accepted = format!("accept(): {} LearnerHandler(s)", self.handlers.len());
        let mut threads = vec![
            ThreadView::named("Leader.lead", phase, b),
            ThreadView::named("LearnerCnxAcceptor", accepted, None),
        ];
        threads.extend(self.handlers.values().map(|h| h.thread_view(&m)));
        threads
    }
}
