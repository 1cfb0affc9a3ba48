//! Small readable helpers over a run, shared by the tests, `zabsim` and the app: who leads,
//! what crossed the wire between two servers.

use crate::trace::{LogEvent, MsgId};
use crate::Simulation;
use zab::election::Notification;
use zab::message::Message;
use zab::output::Channel;
use zab::packet::QuorumPacket;
use zab::peer::{ServerState, ZabState};
use zab::Sid;

/// The leader every running server follows, once all of them are in BROADCAST and agree.
/// Crashed servers are left out.
pub fn established_leader(sim: &Simulation) -> Option<Sid> {
    let mut leader = None;
    for sid in sim.sids() {
        let Some(peer) = sim.peer(sid) else {
            continue;
        };
        if peer.state() == ServerState::Looking || peer.zab_state() != ZabState::Broadcast {
            return None;
        }
        let vote = peer.current_vote().id;
        if *leader.get_or_insert(vote) != vote {
            return None;
        }
    }
    let leader = leader?;
    (sim.peer(leader)?.state() == ServerState::Leading).then_some(leader)
}

/// The servers that are LEADING right now.
pub fn leaders(sim: &Simulation) -> Vec<Sid> {
    sim.sids()
        .filter(|s| {
            sim.peer(*s)
                .is_some_and(|p| p.state() == ServerState::Leading)
        })
        .collect()
}

/// Every quorum packet sent between `a` and `b` (either way), in send order, with its sender.
pub fn quorum_packets(sim: &Simulation, a: Sid, b: Sid) -> Vec<(Sid, QuorumPacket)> {
    sim.log()
        .iter()
        .filter_map(|e| match &e.event {
            LogEvent::Send(s)
                if s.channel == Channel::Quorum
                    && ((s.from, s.to) == (a, b) || (s.from, s.to) == (b, a)) =>
            {
                match &s.message {
                    Message::Quorum(p) => Some((s.from, p.clone())),
                    _ => None,
                }
            }
            _ => None,
        })
        .collect()
}

/// The notifications `from` sent to `to`, in send order.
pub fn notifications(sim: &Simulation, from: Sid, to: Sid) -> Vec<Notification> {
    sim.log()
        .iter()
        .filter_map(|e| match &e.event {
            LogEvent::Send(s) if (s.from, s.to) == (from, to) => match &s.message {
                Message::Notification(n) => Some(*n),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// The last message sent matching `pred`, if it is still in flight.
pub fn in_flight_where(sim: &Simulation, pred: impl Fn(&crate::InFlight) -> bool) -> Option<MsgId> {
    sim.in_flight().filter(|m| pred(m)).map(|m| m.msg).last()
}

/// The registry's ZOOKEEPER-4646 replay (`crate::bugs`) under release `zk`: under 3.8 a
/// learner ACKs NEWLEADER before its sync txns are on disk and the leader counts it, so the
/// live checks catch committed-durable at step 615; under 3.9.4 nothing breaks.
pub fn zk4646_window_spec(zk: zab::ZkVersion) -> crate::session::RunSpec {
    let mut spec = crate::bugs::by_id("ZOOKEEPER-4646")
        .expect("registered")
        .spec(false);
    spec.zk = zk;
    spec
}
