//! The inspector's content for the selected server: what its disk holds (the epoch files, the
//! txn log with durable and not-yet-synced entries, the snapshot), what its memory holds
//! (lastLoggedZxid, lastProcessedZxid, the data tree), its election, every thread with its full
//! phase and wait, and its connections and partitions.
//!
//! ```text
//!   Simulation::disk(sid) ──durable (DurableState) + pending (OS buffer)──▶ disk section
//!   QuorumPeer::database() ──▶ memory section       QuorumPeer::threads() ──▶ threads
//!   Simulation::connections() / network().blocked() ──▶ connections, partitions
//! ```

use crate::view_model::cluster_model::{down_looks, PeerLook, ThreadRow};
use crate::view_model::labels::{sid_set_text, truncate};
use sim::network::ConnState;
use sim::Simulation;
use zab::config::LearnerType;
use zab::output::Channel;
use zab::Sid;

/// The txn log lines and znodes the inspector lists at most (the newest).
pub const MAX_LOG_LINES: usize = 12;
pub const MAX_ZNODES: usize = 10;

/// One txn of the txn log.
#[derive(Clone, Debug, PartialEq)]
pub struct TxnLine {
    pub zxid: String,
    pub op: String,
    /// fsynced (`disk.durable.log`), or still in the OS buffer (`disk.pending`): a crash
    /// loses it.
    pub durable: bool,
}

/// One live connection of the server.
#[derive(Clone, Debug, PartialEq)]
pub struct ConnLine {
    pub id: u64,
    pub channel: &'static str,
    pub other: Sid,
    /// This server connected (else it accepted).
    pub initiated: bool,
    pub state: String,
}

/// A server as the inspector shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct InspectorModel {
    pub sid: Sid,
    pub look: PeerLook,
    pub role: &'static str,
    /// `(name, value)` rows of the running process (state, vote, election), ZooKeeper's names.
    pub fields: Vec<(&'static str, String)>,
    /// The disk: epoch files and the snapshot.
    pub durable: Vec<(&'static str, String)>,
    /// The newest txns of the txn log, oldest first, and how many older ones are not listed.
    pub log: Vec<TxnLine>,
    pub log_hidden: usize,
    /// Memory: lastLoggedZxid, lastProcessedZxid, committedLog (empty while down).
    pub memory: Vec<(&'static str, String)>,
    /// The data tree's znodes (path, data), and how many are not listed.
    pub tree: Vec<(String, String)>,
    pub tree_hidden: usize,
    pub threads: Vec<ThreadRow>,
    pub connections: Vec<ConnLine>,
    /// `1 ↮ 3`, `1 ↛ 2`: partitions that involve this server.
    pub partitions: Vec<String>,
    /// The other servers (partition and break targets).
    pub others: Vec<Sid>,
    pub up: bool,
    /// Its process is stopped (a GC pause, SIGSTOP; docs/protocol.md §11.5): since when (ms),
    /// and how many packets wait unread in its socket buffers.
    pub paused: Option<(u64, usize)>,
}

impl InspectorModel {
    pub fn build(sim: &Simulation, sid: Sid, display_ms: f64) -> Option<InspectorModel> {
        let learner_type = sim.options().config.learner_type(sid)?;
        let role = match learner_type {
            LearnerType::Participant => "participant",
            LearnerType::Observer => "observer",
        };
        let mut m = InspectorModel {
            sid,
            look: PeerLook::Crashed,
            role,
            fields: Vec::new(),
            durable: Vec::new(),
            log: Vec::new(),
            log_hidden: 0,
            memory: Vec::new(),
            tree: Vec::new(),
            tree_hidden: 0,
            threads: Vec::new(),
            connections: connections(sim, sid),
            partitions: partitions(sim, sid),
            others: sim.sids().filter(|s| *s != sid).collect(),
            up: false,
            paused: sim
                .paused_since(sid)
                .map(|t| (t.0, sim.held_messages(sid).count())),
        };
        if let Some(disk) = sim.disk(sid) {
            let d = &disk.durable;
            let show = |e: Option<zab::Epoch>| e.map_or("(no file)".to_string(), |e| e.to_string());
            m.durable = vec![
                ("currentEpoch", show(d.current_epoch)),
                ("acceptedEpoch", show(d.accepted_epoch)),
                (
                    "snapshot",
                    format!(
                        "snapshot.{:x} (zxid {}, {} znodes)",
                        d.snapshot.zxid.0,
                        d.snapshot.zxid.short(),
                        d.snapshot.tree.len()
                    ),
                ),
                ("lastZxid on disk", d.last_zxid().short()),
            ];
            let all: Vec<TxnLine> = d
                .log
                .iter()
                .map(|t| (t, true))
                .chain(disk.pending.iter().map(|t| (t, false)))
                .map(|(t, durable)| TxnLine {
                    zxid: t.zxid.short(),
                    op: truncate(&t.op.to_string(), 40),
                    durable,
                })
                .collect();
            m.log_hidden = all.len().saturating_sub(MAX_LOG_LINES);
            m.log = all.into_iter().skip(m.log_hidden).collect();
        }
        let Some(p) = sim.peer(sid) else {
            m.look = down_looks(sim)
                .get(&sid)
                .copied()
                .unwrap_or(PeerLook::Crashed);
            return Some(m);
        };
        m.up = true;
        m.look = PeerLook::of(Some(p.state()));
        let v = p.current_vote();
        let e = p.election();
        m.fields = vec![
            ("state", p.state().to_string()),
            ("zabState", p.zab_state().to_string()),
            ("currentEpoch", p.current_epoch().to_string()),
            ("acceptedEpoch", p.accepted_epoch().to_string()),
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
                    sid_set_text(&e.agreeing)
                } else {
                    "(no round running)".to_string()
                },
            ),
        ];
        let db = p.database();
        let (min, max) = db.committed_log_bounds();
        m.memory = vec![
            (
                "lastLoggedZxid",
                format!(
                    "{} ({})",
                    p.last_logged_zxid().short(),
                    p.last_logged_zxid()
                ),
            ),
            (
                "lastProcessedZxid",
                format!(
                    "{} (committed and applied)",
                    db.last_processed_zxid().short()
                ),
            ),
            (
                "committedLog",
                format!(
                    "{} txn(s), {} … {}",
                    db.committed_log().len(),
                    min.short(),
                    max.short()
                ),
            ),
            ("data tree", format!("{} znode(s)", db.tree.len())),
        ];
        if let Some(l) = p.leader() {
            m.memory.push((
                "lastProposed / lastCommitted",
                format!("{} / {}", l.last_proposed.short(), l.last_committed.short()),
            ));
        }
        let nodes: Vec<(String, String)> = db
            .tree
            .nodes
            .iter()
            .map(|(k, v)| (k.clone(), truncate(v, 24)))
            .collect();
        m.tree_hidden = nodes.len().saturating_sub(MAX_ZNODES);
        m.tree = nodes.into_iter().skip(m.tree_hidden).collect();
        m.threads = p
            .threads()
            .iter()
            .map(|t| ThreadRow::from_view(t, display_ms))
            .collect();
        Some(m)
    }
}

fn connections(sim: &Simulation, sid: Sid) -> Vec<ConnLine> {
    sim.connections()
        .filter(|c| c.initiator == sid || c.acceptor == sid)
        .map(|c| ConnLine {
            id: c.id.0,
            channel: match c.channel {
                Channel::Election => "Election",
                Channel::Quorum => "Quorum",
            },
            other: c.other(sid),
            initiated: c.initiator == sid,
            state: match c.state {
                ConnState::Connecting => "connecting".to_string(),
                ConnState::Accepted => "accepted".to_string(),
                ConnState::Open => "open".to_string(),
                ConnState::HalfClosed { by } => format!("closed by {by}"),
                ConnState::Closed => "closed".to_string(),
            },
        })
        .collect()
}

fn partitions(sim: &Simulation, sid: Sid) -> Vec<String> {
    let blocked: Vec<(Sid, Sid)> = sim.network().blocked().collect();
    let mut out = Vec::new();
    for &(a, b) in &blocked {
        if a != sid && b != sid {
            continue;
        }
        let both = blocked.contains(&(b, a));
        if both {
            if a < b {
                out.push(format!("{a} ↮ {b}"));
            }
        } else {
            out.push(format!("{a} ↛ {b}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim::SimOptions;
    use zab::zk_database::TxnOp;
    use zab::Time;

    fn sim() -> Simulation {
        Simulation::new(SimOptions::new(3, 3, 0).expect("shape")).expect("starts")
    }

    #[test]
    fn test_inspector_shows_disk_memory_threads_and_connections_of_a_running_server() {
        let mut s = sim();
        s.run_until(Time(3_000));
        let m = InspectorModel::build(&s, Sid(1), 3_000.0).expect("server 1 exists");
        assert!(m.up && m.role == "participant");
        let names: Vec<&str> = m.fields.iter().map(|(n, _)| *n).collect();
        for want in [
            "state",
            "currentEpoch",
            "acceptedEpoch",
            "currentVote",
            "logicalclock",
        ] {
            assert!(names.contains(&want), "{want} missing from {names:?}");
        }
        let durable: Vec<&str> = m.durable.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            durable,
            [
                "currentEpoch",
                "acceptedEpoch",
                "snapshot",
                "lastZxid on disk"
            ]
        );
        let memory: Vec<&str> = m.memory.iter().map(|(n, _)| *n).collect();
        assert!(memory.contains(&"lastLoggedZxid") && memory.contains(&"lastProcessedZxid"));
        assert_eq!(m.threads[0].name, "QuorumPeer");
        assert!(!m.connections.is_empty(), "an ensemble talks");
        assert_eq!(m.others, vec![Sid(2), Sid(3)]);
        assert!(InspectorModel::build(&s, Sid(99), 400.0).is_none());
    }

    #[test]
    fn test_txn_log_marks_durable_and_pending_entries() {
        let mut s = sim();
        s.run_until(Time(3_000));
        let leader = s
            .sids()
            .find(|&x| s.peer(x).is_some_and(|p| p.leader().is_some()))
            .expect("a leader by 3 s");
        s.client_write(
            leader,
            TxnOp::Create {
                path: "/a".to_string(),
                data: "1".to_string(),
            },
        );
        // Right after the write the leader has logged it but not synced it.
        let mut saw_pending = false;
        for _ in 0..50 {
            let m = InspectorModel::build(&s, leader, s.now().0 as f64).expect("exists");
            if m.log.iter().any(|t| !t.durable) {
                saw_pending = true;
                break;
            }
            s.step();
        }
        assert!(saw_pending, "a txn waits for its fsync");
        s.run_until(Time(6_000));
        let m = InspectorModel::build(&s, leader, 6_000.0).expect("exists");
        assert!(
            !m.log.is_empty() && m.log.iter().all(|t| t.durable),
            "{:?}",
            m.log
        );
        assert!(
            m.tree.iter().any(|(p, v)| p == "/a" && v == "1"),
            "{:?}",
            m.tree
        );
    }

    #[test]
    fn test_inspector_of_a_crashed_server_shows_its_disk_and_partitions() {
        let mut s = sim();
        s.run_until(Time(400));
        s.partition(Sid(2), Sid(3), sim::network::Direction::OneWay);
        s.crash(Sid(2));
        s.run_until(Time(401));
        let m = InspectorModel::build(&s, Sid(2), 401.0).expect("server 2 exists");
        assert!(!m.up && m.look == PeerLook::Crashed && m.threads.is_empty());
        assert!(m.memory.is_empty());
        assert!(m.durable.iter().any(|(n, _)| *n == "currentEpoch"));
        assert_eq!(m.partitions, vec!["2 ↛ 3"]);
    }
}
