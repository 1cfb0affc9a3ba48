//! The safety checks panel as plain data (issue 13): each property the session's live checker
//! holds the run to, where it comes from, and the first violation in words.

use sim::checker::InvariantViolation;
use sim::session::{LiveChecks, Violation};
use zab::{Sid, ZkVersion};

/// One property of the list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Property {
    /// The checker's name for it ([`InvariantViolation::name`]).
    pub name: &'static str,
    pub title: &'static str,
    /// What it says, in one line.
    pub meaning: &'static str,
    /// Where it is stated.
    pub source: &'static str,
    /// A safety property (nothing bad ever happens to the data); the rest say a server
    /// failed in a way the release does not expect.
    pub safety: bool,
}

impl Property {
    /// "Safety check", or "Check" for a property that is not about safety.
    pub fn kind(&self) -> &'static str {
        if self.safety {
            "Safety check"
        } else {
            "Check"
        }
    }
}

/// Every property the live checks cover, in the order the panel lists them.
pub const PROPERTIES: [Property; 10] = [
    Property {
        name: "one-leader-per-epoch",
        title: "One leader per epoch",
        meaning: "at most one server ever establishes itself as leader of an epoch",
        source: "Leadership2 in the TLA+ specs; docs/protocol.md §8.2",
        safety: true,
    },
    Property {
        name: "agreement",
        title: "Agreement",
        meaning: "no two servers deliver different txns under one zxid, and nothing uncommitted is delivered",
        source: "Zab paper (DSN 2011) §3; docs/protocol.md §8.1",
        safety: true,
    },
    Property {
        name: "integrity",
        title: "Integrity",
        meaning: "a server delivers only txns some leader proposed",
        source: "Zab paper §3; docs/protocol.md §8.1",
        safety: true,
    },
    Property {
        name: "leader-completeness",
        title: "Leader completeness",
        meaning: "a new leader holds every txn committed in earlier epochs",
        source: "primary integrity, Zab paper §3; LeaderLogCompleteness in the TLA+ specs; docs/protocol.md §8.2",
        safety: true,
    },
    Property {
        name: "committed-durable",
        title: "Committed means durable",
        meaning: "a txn is committed only once a quorum of voters has it on disk, and stays on disk somewhere",
        source: "docs/protocol.md §8.3 (the property ZOOKEEPER-4646 breaks)",
        safety: true,
    },
    Property {
        name: "committed-not-truncated",
        title: "Committed is never truncated",
        meaning: "no TRUNC removes a committed txn",
        source: "CommittedLogMonotonicity in the TLA+ specs; docs/protocol.md §8.2",
        safety: true,
    },
    Property {
        name: "epoch-monotonic",
        title: "Epochs only grow",
        meaning: "acceptedEpoch and currentEpoch never go back, and currentEpoch ≤ acceptedEpoch",
        source: "the two epoch files of ZOOKEEPER-335 and -1291; docs/protocol.md §8.3, §9.16",
        safety: true,
    },
    Property {
        name: "delivery-order",
        title: "Delivery order",
        meaning: "each server delivers in zxid order, with no gap inside an epoch",
        source: "total order and local primary order, Zab paper §3; docs/protocol.md §8.3",
        safety: true,
    },
    Property {
        name: "ephemeral-owner-live",
        title: "Ephemerals die with their session",
        meaning: "no server keeps an ephemeral znode of a session that was closed or expired",
        source: "DataTree.killSession; docs/protocol.md §13",
        safety: true,
    },
    Property {
        name: "no-unexpected-exception",
        title: "No unexpected exception",
        meaning: "no server takes a path where the real release throws an exception nothing expects (a NullPointerException mid-sync, an IOException refusing startup)",
        source: "ZOOKEEPER-4394 (Learner.syncWithLeader), ZOOKEEPER-1653 (QuorumPeer.loadDataBase); docs/protocol.md §9",
        safety: false,
    },
];

/// The first violation, ready to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ViolationView {
    pub step: u64,
    pub time_ms: u64,
    pub property: Property,
    /// What went wrong, in ZooKeeper's terms.
    pub sentence: String,
    pub servers: Vec<Sid>,
    /// The position stands at it.
    pub here: bool,
    /// The position is before it: it lies in the explored future.
    pub ahead: bool,
}

/// The panel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChecksModel {
    pub zk: ZkVersion,
    /// Steps checked so far (the frontier of exploration); not shown while playing, so the
    /// panel does not change every frame.
    pub checked: Option<u64>,
    pub violation: Option<ViolationView>,
    /// "Find the first violation" looked up to this step and found none.
    pub searched_clean: Option<u64>,
}

impl ChecksModel {
    pub fn of(checks: &LiveChecks, zk: ZkVersion, position: u64, playing: bool) -> ChecksModel {
        ChecksModel {
            zk,
            checked: (!playing).then(|| checks.checked()),
            violation: checks.violation().map(|v| view(v, zk, position)),
            searched_clean: None,
        }
    }

    /// The servers to mark in the drawing: those the violation names, once the position has
    /// reached it.
    pub fn broken_servers(&self) -> Vec<Sid> {
        match &self.violation {
            Some(v) if !v.ahead => v.servers.clone(),
            _ => Vec::new(),
        }
    }
}

/// The property a checker's violation breaks ([`InvariantViolation::name`]).
pub fn property(v: &InvariantViolation) -> Property {
    let name = v.name();
    PROPERTIES
        .iter()
        .copied()
        .find(|p| p.name == name)
        .unwrap_or(PROPERTIES[0])
}

fn view(v: &Violation, zk: ZkVersion, position: u64) -> ViolationView {
    let property = property(&v.what);
    ViolationView {
        step: v.step,
        time_ms: v.time.0,
        property,
        sentence: sentence(&v.what, zk),
        servers: v.what.servers(),
        here: position == v.step,
        ahead: position < v.step,
    }
}

fn servers_text(sids: &[Sid]) -> String {
    match sids {
        [] => "no server".to_string(),
        [one] => format!("server {one}"),
        more => {
            let names: Vec<String> = more.iter().map(|s| s.to_string()).collect();
            format!("servers {}", names.join(", "))
        }
    }
}

/// What went wrong, in ZooKeeper's terms: the txn as `epoch:counter` and in hex.
pub fn sentence(v: &InvariantViolation, zk: ZkVersion) -> String {
    use InvariantViolation::*;
    let txn = |z: &zab::Zxid| format!("txn {} (zxid {z})", z.short());
    match v {
        TwoLeadersInEpoch {
            epoch,
            first,
            second,
        } => format!(
            "Servers {first} and {second} both established themselves as leader of epoch {epoch}: two quorums acknowledged two leaders for one epoch."
        ),
        Agreement { sid, zxid, detail } => {
            format!("Server {sid} broke agreement at {}: {detail}.", txn(zxid))
        }
        Integrity { sid, zxid } => format!(
            "Server {sid} delivered {}, which no leader ever proposed.",
            txn(zxid)
        ),
        LeaderIncomplete {
            sid,
            epoch,
            missing,
        } => format!(
            "Server {sid} became leader of epoch {epoch} without {}, which was committed in an earlier epoch: clients could see a committed write disappear.",
            txn(missing)
        ),
        CommittedTruncated { sid, zxid } => format!(
            "Server {sid} truncated {} from its log, but it was committed.",
            txn(zxid)
        ),
        CommittedLost { zxid } => format!(
            "{} was committed, and now no server has it on disk.",
            capitalise(&txn(zxid))
        ),
        CommittedNotOnQuorum { zxid, durable_on } => {
            let why = if zk == ZkVersion::V3_8 {
                " In ZooKeeper 3.8 a learner ACKs NEWLEADER before the txns of its sync are on disk (ZOOKEEPER-4646), and the leader counts that ACK."
            } else {
                ""
            };
            format!(
                "{} became committed while only {} had it on disk: fewer than a quorum of voters.{why}",
                capitalise(&txn(zxid)),
                servers_text(durable_on)
            )
        }
        EpochRegression { sid, detail } => {
            format!("Server {sid}'s epoch files went wrong: {detail}.")
        }
        EphemeralWithoutSession { sid, path, session } => format!(
            "Server {sid} still has the ephemeral znode {path} of session 0x{session:x}, which was closed: its closeSession txn should have deleted it."
        ),
        DeliveryOrder { sid, prev, next } => format!(
            "Server {sid} delivered {} right after {}: out of order, or with a gap inside an epoch.",
            txn(next),
            prev.short()
        ),
        UnexpectedException {
            sid,
            exception,
            detail,
        } => format!(
            "Server {sid} would throw a {exception} in ZooKeeper {}: {detail}.",
            zk.name()
        ),
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zab::Zxid;

    #[test]
    fn test_every_checker_name_has_a_property() {
        let all = [
            InvariantViolation::TwoLeadersInEpoch {
                epoch: zab::Epoch(1),
                first: Sid(1),
                second: Sid(2),
            },
            InvariantViolation::CommittedNotOnQuorum {
                zxid: Zxid(0x1_0000_0004),
                durable_on: vec![Sid(3)],
            },
            InvariantViolation::CommittedTruncated {
                sid: Sid(1),
                zxid: Zxid(1),
            },
            InvariantViolation::DeliveryOrder {
                sid: Sid(1),
                prev: Zxid(1),
                next: Zxid(3),
            },
            InvariantViolation::UnexpectedException {
                sid: Sid(2),
                exception: "NullPointerException",
                detail: "COMMIT 1:3 found no proposal buffered".to_string(),
            },
        ];
        for v in &all {
            assert!(
                PROPERTIES.iter().any(|p| p.name == v.name()),
                "{}",
                v.name()
            );
        }
    }

    #[test]
    fn test_the_4646_sentence_names_the_txn_and_the_version_rule() {
        let v = InvariantViolation::CommittedNotOnQuorum {
            zxid: Zxid(0x1_0000_0004),
            durable_on: vec![Sid(3)],
        };
        let s38 = sentence(&v, ZkVersion::V3_8);
        assert!(
            s38.starts_with("Txn 1:4 (zxid 0x100000004) became committed while only server 3"),
            "{s38}"
        );
        assert!(s38.contains("ZOOKEEPER-4646"));
        assert!(!sentence(&v, ZkVersion::V3_9_4).contains("4646"));
    }

    #[test]
    fn test_the_4394_sentence_names_the_exception_and_the_release() {
        let v = InvariantViolation::UnexpectedException {
            sid: Sid(2),
            exception: "NullPointerException",
            detail: "COMMIT 1:3 found no proposal buffered".to_string(),
        };
        assert_eq!(property(&v).title, "No unexpected exception");
        assert_eq!(
            sentence(&v, ZkVersion::V3_9_2),
            "Server 2 would throw a NullPointerException in ZooKeeper 3.9.2: COMMIT 1:3 found no proposal buffered."
        );
    }
}
