//! Protocol quantities as newtypes with ZooKeeper's semantics.
//!
//! ZooKeeper keeps sids, epochs and zxids in Java `long`s and uses `-1` and `Long.MIN_VALUE` as
//! sentinels on the wire (UPTODATE's zxid is −1, ACKEPOCH carries −1 for "already accepted", an
//! observer's initial vote is `Long.MIN_VALUE`). We keep them signed for the same reason, so
//! comparisons order exactly as Java's do.

use core::fmt;
use serde::{Deserialize, Serialize};

/// A server id (`myid`). Mirrors the `long sid` of `QuorumPeer.QuorumServer`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Sid(pub i64);

impl Sid {
    /// `Long.MIN_VALUE`: what a non-voter proposes (`FastLeaderElection.getInitId`).
    pub const NONE: Sid = Sid(i64::MIN);
}

impl fmt::Debug for Sid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")
    }
}

impl fmt::Display for Sid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == Sid::NONE {
            f.write_str("none")
        } else {
            write!(f, "{}", self.0)
        }
    }
}

/// An epoch: `currentEpoch`, `acceptedEpoch`, a vote's `peerEpoch`. Java `long`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Epoch(pub i64);

impl Epoch {
    /// `Long.MIN_VALUE`: a non-voter's `getPeerEpoch()`.
    pub const NONE: Epoch = Epoch(i64::MIN);
}

impl fmt::Debug for Epoch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")
    }
}

impl fmt::Display for Epoch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == Epoch::NONE {
            f.write_str("none")
        } else {
            write!(f, "{}", self.0)
        }
    }
}

/// A transaction id: the epoch in the high 32 bits, a per-epoch counter in the low 32.
/// Mirrors `ZxidUtils`. `Display` is hexadecimal as in `ZxidUtils.zxidToString`;
/// [`Zxid::short`] gives the `epoch:counter` form the UI shows.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Zxid(pub i64);

impl Zxid {
    pub const ZERO: Zxid = Zxid(0);
    /// `-1`: no zxid (UPTODATE's zxid field, a wiped database's lastProcessedZxid).
    pub const NONE: Zxid = Zxid(-1);
    /// `Long.MIN_VALUE`: a non-voter's `getInitLastLoggedZxid()`.
    pub const MIN: Zxid = Zxid(i64::MIN);

    /// `ZxidUtils.makeZxid(epoch, counter)`.
    pub fn make(epoch: Epoch, counter: u32) -> Zxid {
        Zxid((epoch.0 << 32) | i64::from(counter))
    }

    /// `ZxidUtils.getEpochFromZxid`.
    pub fn epoch(self) -> Epoch {
        Epoch(self.0 >> 32)
    }

    /// `ZxidUtils.getCounterFromZxid`.
    pub fn counter(self) -> u32 {
        (self.0 & 0xffff_ffff) as u32
    }

    /// `epoch:counter`, the form people read (e.g. `1:0`); sentinels print as words.
    pub fn short(self) -> String {
        match self {
            Zxid::NONE => "-1".to_string(),
            Zxid::MIN => "none".to_string(),
            z => format!("{}:{}", z.epoch().0, z.counter()),
        }
    }
}

impl fmt::Debug for Zxid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")
    }
}

impl fmt::Display for Zxid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{:x}", self.0 as u64)
    }
}

/// Simulated time in milliseconds since the run started. ZooKeeper's own `tick` (the leader's
/// counter of tickTime periods) is a different thing and is called `tick` where it appears.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Time(pub u64);

impl Time {
    pub fn plus_ms(self, ms: u64) -> Time {
        Time(self.0.saturating_add(ms))
    }
}

impl fmt::Debug for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")
    }
}

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "t={} ms", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_zxid_pack_unpack_round_trips() {
        for (e, c) in [(0, 0), (1, 0), (1, 1), (7, 4), (0x7fff_ffff, u32::MAX)] {
            let z = Zxid::make(Epoch(e), c);
            assert_eq!((z.epoch(), z.counter()), (Epoch(e), c));
        }
        assert_eq!(Zxid::make(Epoch(1), 0).to_string(), "0x100000000");
        assert_eq!(Zxid::NONE.to_string(), "0xffffffffffffffff");
        assert_eq!(Zxid::make(Epoch(7), 4).short(), "7:4");
    }
}
