use core::fmt;
use zab::{Epoch, Sid, Zxid};

/// A broken property, with the servers, epochs and zxids involved: a safety property, or
/// (the last variant, checked live only: `crate::session::LiveChecks`) a named exception.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InvariantViolation {
    /// Leadership2: two servers established themselves as leader of one epoch.
    TwoLeadersInEpoch {
        epoch: Epoch,
        first: Sid,
        second: Sid,
    },
    /// Agreement: two servers delivered different txns with the same zxid, or a server
    /// delivered a txn that was never committed.
    Agreement {
        sid: Sid,
        zxid: Zxid,
        detail: String,
    },
    /// Integrity: a server delivered a txn no leader proposed.
    Integrity { sid: Sid, zxid: Zxid },
    /// Primary integrity / leader completeness: a newly established leader lacks a txn
    /// committed in an earlier epoch.
    LeaderIncomplete {
        sid: Sid,
        epoch: Epoch,
        missing: Zxid,
    },
    /// A committed txn was truncated.
    CommittedTruncated { sid: Sid, zxid: Zxid },
    /// A committed txn is durable on no server any more.
    CommittedLost { zxid: Zxid },
    /// A txn became committed while fewer than a quorum of voters had it on disk.
    CommittedNotOnQuorum { zxid: Zxid, durable_on: Vec<Sid> },
    /// acceptedEpoch or currentEpoch went backwards, or currentEpoch > acceptedEpoch.
    EpochRegression { sid: Sid, detail: String },
    /// A server delivered out of zxid order, or skipped a txn within an epoch.
    DeliveryOrder { sid: Sid, prev: Zxid, next: Zxid },
    /// An ephemeral znode outlived its session (§13.2).
    EphemeralWithoutSession {
        sid: Sid,
        path: String,
        session: i64,
    },
    /// A server took a code path where the real release throws an exception nothing there
    /// expects: a NullPointerException in the sync (ZOOKEEPER-4394), the IOException that
    /// refuses startup (ZOOKEEPER-1653).
    UnexpectedException {
        sid: Sid,
        /// The Java exception's class, "NullPointerException".
        exception: &'static str,
        detail: String,
    },
}

impl InvariantViolation {
    /// The property's short name.
    pub fn name(&self) -> &'static str {
        match self {
            InvariantViolation::TwoLeadersInEpoch { .. } => "one-leader-per-epoch",
            InvariantViolation::Agreement { .. } => "agreement",
            InvariantViolation::Integrity { .. } => "integrity",
            InvariantViolation::LeaderIncomplete { .. } => "leader-completeness",
            InvariantViolation::CommittedTruncated { .. } => "committed-not-truncated",
            InvariantViolation::CommittedLost { .. } => "committed-durable",
            InvariantViolation::CommittedNotOnQuorum { .. } => "committed-durable",
            InvariantViolation::EpochRegression { .. } => "epoch-monotonic",
            InvariantViolation::DeliveryOrder { .. } => "delivery-order",
            InvariantViolation::EphemeralWithoutSession { .. } => "ephemeral-owner-live",
            InvariantViolation::UnexpectedException { .. } => "no-unexpected-exception",
        }
    }
}

impl InvariantViolation {
    /// The servers it names, ascending (none when the property is about the ensemble).
    pub fn servers(&self) -> Vec<Sid> {
        use InvariantViolation::*;
        let mut v = match self {
            TwoLeadersInEpoch { first, second, .. } => vec![*first, *second],
            Agreement { sid, .. }
            | Integrity { sid, .. }
            | LeaderIncomplete { sid, .. }
            | CommittedTruncated { sid, .. }
            | EpochRegression { sid, .. }
            | DeliveryOrder { sid, .. }
            | EphemeralWithoutSession { sid, .. }
            | UnexpectedException { sid, .. } => vec![*sid],
            CommittedLost { .. } => Vec::new(),
            CommittedNotOnQuorum { durable_on, .. } => durable_on.clone(),
        };
        v.sort();
        v.dedup();
        v
    }

    /// The txns it names.
    pub fn zxids(&self) -> Vec<Zxid> {
        use InvariantViolation::*;
        match self {
            TwoLeadersInEpoch { .. }
            | EpochRegression { .. }
            | EphemeralWithoutSession { .. }
            | UnexpectedException { .. } => Vec::new(),
            Agreement { zxid, .. }
            | Integrity { zxid, .. }
            | CommittedTruncated { zxid, .. }
            | CommittedLost { zxid }
            | CommittedNotOnQuorum { zxid, .. } => vec![*zxid],
            LeaderIncomplete { missing, .. } => vec![*missing],
            DeliveryOrder { prev, next, .. } => vec![*prev, *next],
        }
    }
}

impl fmt::Display for InvariantViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use InvariantViolation::*;
        write!(f, "{}: ", self.name())?;
        match self {
            TwoLeadersInEpoch {
                epoch,
                first,
                second,
            } => {
                write!(
                    f,
                    "servers {first} and {second} both established epoch {epoch}"
                )
            }
            Agreement { sid, zxid, detail } => {
                write!(f, "server {sid} at {}: {detail}", zxid.short())
            }
            Integrity { sid, zxid } => {
                write!(
                    f,
                    "server {sid} delivered {} that no leader proposed",
                    zxid.short()
                )
            }
            LeaderIncomplete {
                sid,
                epoch,
                missing,
            } => write!(
                f,
                "server {sid} established epoch {epoch} without committed txn {}",
                missing.short()
            ),
            CommittedTruncated { sid, zxid } => {
                write!(f, "server {sid} truncated committed txn {}", zxid.short())
            }
            CommittedLost { zxid } => {
                write!(f, "committed txn {} is durable on no server", zxid.short())
            }
            CommittedNotOnQuorum { zxid, durable_on } => write!(
                f,
                "{} committed while durable only on {:?}, not a quorum of voters",
                zxid.short(),
                durable_on
            ),
            EpochRegression { sid, detail } => write!(f, "server {sid}: {detail}"),
            DeliveryOrder { sid, prev, next } => write!(
                f,
                "server {sid} delivered {} after {}",
                next.short(),
                prev.short()
            ),
            EphemeralWithoutSession { sid, path, session } => write!(
                f,
                "server {sid} keeps ephemeral {path} of closed session 0x{session:x}"
            ),
            UnexpectedException {
                sid,
                exception,
                detail,
            } => write!(f, "server {sid} would throw a {exception}: {detail}"),
        }
    }
}
