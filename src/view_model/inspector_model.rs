//! The inspector's content for the selected server: its persisted and in-memory fields, its
//! election, every thread with its full phase and wait.

use crate::view_model::cluster_model::{down_looks, PeerLook, ThreadRow};
use sim::Simulation;
use zab::config::LearnerType;
use zab::Sid;

/// A server as the inspector shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct InspectorModel {
    pub sid: Sid,
    pub look: PeerLook,
    pub role: &'static str,
    /// `(name, value)` rows, ZooKeeper's field names.
    pub fields: Vec<(&'static str, String)>,
    pub threads: Vec<ThreadRow>,
    pub up: bool,
}

impl InspectorModel {
    pub fn build(sim: &Simulation, sid: Sid, display_ms: f64) -> Option<InspectorModel> {
        let learner_type = sim.options().config.learner_type(sid)?;
        let role = match learner_type {
            LearnerType::Participant => "participant",
            LearnerType::Observer => "observer",
        };
        let Some(p) = sim.peer(sid) else {
            let mut fields = Vec::new();
            if let Some(disk) = sim.disk(sid).map(|d| &d.durable) {
                let show =
                    |e: Option<zab::Epoch>| e.map_or("(no file)".to_string(), |e| e.to_string());
                fields.push(("currentEpoch (disk)", show(disk.current_epoch)));
                fields.push(("acceptedEpoch (disk)", show(disk.accepted_epoch)));
                fields.push(("lastZxid (disk)", disk.last_zxid().short()));
            }
            let look = down_looks(sim)
                .get(&sid)
                .copied()
                .unwrap_or(PeerLook::Crashed);
            return Some(InspectorModel {
                sid,
                look,
                role,
                fields,
                threads: Vec::new(),
                up: false,
            });
        };
        let v = p.current_vote();
        let e = p.election();
        let agreeing: Vec<String> = e.agreeing.iter().map(ToString::to_string).collect();
        let fields = vec![
            ("state", p.state().to_string()),
            ("zabState", p.zab_state().to_string()),
            ("currentEpoch", p.current_epoch().to_string()),
            ("acceptedEpoch", p.accepted_epoch().to_string()),
            (
                "lastLoggedZxid",
                format!(
                    "{} ({})",
                    p.last_logged_zxid().short(),
                    p.last_logged_zxid()
                ),
            ),
            (
                "currentVote",
                format!(
                    "leader {} · zxid {} · electionEpoch {} · peerEpoch {} · {}",
                    v.id,
                    v.zxid.short(),
                    v.election_epoch,
                    v.peer_epoch,
                    v.state
                ),
            ),
            ("logicalclock", e.logicalclock.to_string()),
            (
                "proposal",
                format!(
                    "leader {} · zxid {} · epoch {}",
                    e.proposed_leader,
                    e.proposed_zxid.short(),
                    e.proposed_epoch
                ),
            ),
            (
                "agreeing",
                if e.running {
                    format!("{{{}}}", agreeing.join(", "))
                } else {
                    "(no round running)".to_string()
                },
            ),
        ];
        Some(InspectorModel {
            sid,
            look: PeerLook::of(Some(p.state())),
            role,
            fields,
            threads: p
                .threads()
                .iter()
                .map(|t| ThreadRow::from_view(t, display_ms))
                .collect(),
            up: true,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim::SimOptions;
    use zab::Time;

    #[test]
    fn test_inspector_shows_fields_and_threads_of_a_running_server() {
        let mut s = Simulation::new(SimOptions::new(3, 3, 0).expect("shape")).expect("starts");
        s.run_until(Time(400));
        let m = InspectorModel::build(&s, Sid(1), 400.0).expect("server 1 exists");
        assert!(m.up && m.role == "participant");
        let names: Vec<&str> = m.fields.iter().map(|(n, _)| *n).collect();
        for want in [
            "state",
            "currentEpoch",
            "acceptedEpoch",
            "lastLoggedZxid",
            "currentVote",
            "logicalclock",
        ] {
            assert!(names.contains(&want), "{want} missing from {names:?}");
        }
        assert_eq!(m.threads[0].name, "QuorumPeer");
        assert!(InspectorModel::build(&s, Sid(99), 400.0).is_none());
    }

    #[test]
    fn test_inspector_of_a_crashed_server_shows_its_disk() {
        let mut s = Simulation::new(SimOptions::new(3, 3, 0).expect("shape")).expect("starts");
        s.run_until(Time(400));
        s.crash(Sid(2));
        s.run_until(Time(401));
        let m = InspectorModel::build(&s, Sid(2), 401.0).expect("server 2 exists");
        assert!(!m.up && m.look == PeerLook::Crashed && m.threads.is_empty());
        assert!(m.fields.iter().any(|(n, _)| n.starts_with("currentEpoch")));
    }
}
