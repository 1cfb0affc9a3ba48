//! A TCP-like network: one connection per (initiator, acceptor) pair and channel, FIFO in each
//! direction, latency drawn from an integer range, partitions that break connections and refuse
//! new ones. ZooKeeper relies on TCP order, so a link may delay, drop or cut traffic, never
//! reorder it.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use zab::output::{Channel, ConnId};
use zab::{Sid, Time};

/// Which way a partition cuts: both ways, or only `from` → `to` (its packets lost, the other
/// way through).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Direction {
    Both,
    OneWay,
}

/// Where a connection is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConnState {
    /// SYN sent, not yet accepted.
    Connecting,
    /// Accepted by the acceptor, SYN-ACK on its way back.
    Accepted,
    Open,
    /// Closed by one side: the other side has not seen the FIN yet.
    HalfClosed {
        by: Sid,
    },
    Closed,
}

/// One TCP connection.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Connection {
    pub id: ConnId,
    pub channel: Channel,
    pub initiator: Sid,
    pub acceptor: Sid,
    pub state: ConnState,
    /// Each end's process incarnation, so a restarted server never sees its old sockets.
    pub(crate) incarnations: (u64, u64),
    /// The last delivery time scheduled in each direction (initiator→acceptor, back).
    pub(crate) last_delivery: (Time, Time),
}

impl Connection {
    pub fn other(&self, sid: Sid) -> Sid {
        if sid == self.initiator {
            self.acceptor
        } else {
            self.initiator
        }
    }

    /// Whether `sid`'s end can still read from it.
    pub fn readable_by(&self, sid: Sid) -> bool {
        match self.state {
            ConnState::Open => true,
            ConnState::HalfClosed { by } => by != sid,
            ConnState::Accepted => sid == self.acceptor,
            _ => false,
        }
    }

    pub fn is_live(&self) -> bool {
        !matches!(self.state, ConnState::Closed)
    }
}

/// Latency and the partition table.
#[derive(Clone, Debug, Default)]
pub struct Network {
    pub(crate) conns: BTreeMap<ConnId, Connection>,
    next_conn: u64,
    /// Blocked directions (from, to).
    blocked: BTreeSet<(Sid, Sid)>,
}

impl Network {
    pub(crate) fn open(
        &mut self,
        channel: Channel,
        from: Sid,
        to: Sid,
        incarnations: (u64, u64),
    ) -> ConnId {
        let id = ConnId(self.next_conn);
        self.next_conn += 1;
        self.conns.insert(
            id,
            Connection {
                id,
                channel,
                initiator: from,
                acceptor: to,
                state: ConnState::Connecting,
                incarnations,
                last_delivery: (Time(0), Time(0)),
            },
        );
        id
    }

    /// Can packets flow both ways between `a` and `b`? TCP needs both directions.
    pub fn reachable(&self, a: Sid, b: Sid) -> bool {
        !self.blocked.contains(&(a, b)) && !self.blocked.contains(&(b, a))
    }

    pub fn is_blocked(&self, from: Sid, to: Sid) -> bool {
        self.blocked.contains(&(from, to))
    }

    pub(crate) fn block(&mut self, from: Sid, to: Sid) {
        self.blocked.insert((from, to));
    }

    pub(crate) fn heal(&mut self) {
        self.blocked.clear();
    }

    pub fn blocked(&self) -> impl Iterator<Item = (Sid, Sid)> + '_ {
        self.blocked.iter().copied()
    }

    pub fn get(&self, id: ConnId) -> Option<&Connection> {
        self.conns.get(&id)
    }

    pub(crate) fn get_mut(&mut self, id: ConnId) -> Option<&mut Connection> {
        self.conns.get_mut(&id)
    }

    /// Live connections (not fully closed), oldest first.
    pub fn live(&self) -> impl Iterator<Item = &Connection> {
        self.conns.values().filter(|c| c.is_live())
    }

    /// Forget fully closed connections so long runs stay small.
    pub(crate) fn reap(&mut self, id: ConnId) {
        if self
            .conns
            .get(&id)
            .is_some_and(|c| c.state == ConnState::Closed)
        {
            self.conns.remove(&id);
        }
    }
}
