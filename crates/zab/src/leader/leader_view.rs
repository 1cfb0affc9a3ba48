//! What the views show of a leader: its threads, as data.

use crate::leader::learner_handler::MonitorView;
use crate::leader::{LeadPhase, Leader};
use crate::peer::{Monitor, PeerCore, ThreadId, ThreadPhase, ThreadView};

impl Leader {
    fn monitors(&self, core: &PeerCore) -> MonitorView {
        MonitorView {
            myid: core.myid,
            quorum: core.qv.quorum_size(),
            init_limit_ms: core.init_limit_ms(),
            connecting: self.connecting_followers.iter().copied().collect(),
            electing: self.electing_followers.iter().copied().collect(),
            new_leader_acks: self.new_leader_proposal.ackset().iter().copied().collect(),
        }
    }

    /// The threads: `Leader.lead`, `LearnerCnxAcceptor`, then one per handler.
    pub fn threads_into(&self, core: &PeerCore, out: &mut Vec<ThreadView>) {
        let m = self.monitors(core);
        let wait = match self.phase {
            LeadPhase::GetEpochToPropose { deadline } => {
                Some(m.wait(Monitor::ConnectingFollowers, &m.connecting, deadline))
            }
            LeadPhase::WaitForEpochAck { deadline } => {
                Some(m.wait(Monitor::ElectingFollowers, &m.electing, deadline))
            }
            LeadPhase::WaitForNewLeaderAck { deadline } => {
                Some(m.wait(Monitor::NewLeaderProposal, &m.new_leader_acks, deadline))
            }
            LeadPhase::StartZkServer { .. } | LeadPhase::Broadcast => None,
        };
        out.push(ThreadView {
            thread: ThreadId::Lead,
            phase: ThreadPhase::Lead {
                phase: self.phase,
                epoch: self.epoch,
                tick: self.tick,
                last_proposed: self.last_proposed,
                last_committed: self.last_committed,
            },
            wait,
        });
        out.push(ThreadView {
            thread: ThreadId::LearnerCnxAcceptor,
            phase: ThreadPhase::Accept {
                handlers: self.handlers.len() as u32,
            },
            wait: None,
        });
        out.extend(self.handlers.values().map(|h| h.thread_view(&m)));
    }
}
