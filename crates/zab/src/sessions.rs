//! Client sessions (docs/protocol.md §13): session ids, the leader's `SessionTrackerImpl`
//! with its `ExpiryQueue`, the learner's `LearnerSessionTracker` touch table, and the
//! client-facing side of a server (`ServerCnxnFactory`'s connections and the requests
//! waiting for their commit, answered by `FinalRequestProcessor`).
//!
//! What is modelled is what shows on the wire and in the data tree: createSession and
//! closeSession are txns; a session's ephemeral znodes die with it (`DataTree.killSession`);
//! only the leader expires sessions, in buckets of `expirationInterval` (= tickTime); a
//! follower forwards the sessions its clients touched in its PING replies; a client that
//! reconnects to a learner is REVALIDATEd by the leader. Simplifications are marked
//! "Simplification" where they are made.

use crate::ids::{Sid, Time, Zxid};
use crate::output::{Effect, Outbox};
use crate::zk_database::{TxnOp, ZkDatabase};
use core::fmt;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A session id (`long sessionId`, the TxnHeader's `clientId`).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SessionId(pub i64);

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{:x}", self.0)
    }
}

impl fmt::Debug for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")
    }
}

/// A client connection to a server (a `ServerCnxn`), named by the world's client number.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ClientId(pub u32);

impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl fmt::Debug for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "c{}", self.0)
    }
}

/// Who asked for a txn: the TxnHeader's `clientId` (the session) and `cxid`. The server the
/// client is connected to recognises its own requests by it when they commit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Origin {
    pub session: SessionId,
    pub cxid: u32,
}

/// A request of a session's client, as a learner forwards it in REQUEST.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientRequest {
    pub origin: Origin,
    pub op: TxnOp,
}

/// The negotiated session timeout's default here (kazoo's default is 10 s; ZooKeeper bounds
/// it to 2..20 tickTimes).
pub const DEFAULT_SESSION_TIMEOUT_MS: u64 = 10_000;

/// `SessionTrackerImpl.initializeNextSessionId(id)`: the elapsed time in ms shifted into the
/// middle bits (`(time << 24) >>> 8`) and the server id in the high byte. The time is the
/// simulated one, so ids are deterministic.
pub fn initialize_next_session_id(sid: Sid, now: Time) -> SessionId {
    let time = ((now.0 << 24) >> 8) as i64;
    SessionId(time | (sid.0 << 56))
}

/// `ExpiryQueue.roundToNextInterval`: the end of the bucket `time` falls in.
pub fn round_to_next_interval(time: u64, interval: u64) -> u64 {
    (time / interval + 1) * interval
}

/// One session the leader tracks (`SessionTrackerImpl.SessionImpl`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TrackedSession {
    pub timeout_ms: u64,
    /// The bucket it expires in (`ExpiryQueue.elemMap`).
    pub expires_at: Time,
    /// `isClosing`: a closeSession was prepared (by the client or the expirer).
    pub closing: bool,
}

/// `SessionTrackerImpl` (the leader's global sessions; `LeaderSessionTracker` with local
/// sessions off, the 3.8 default). Simplification: one timer at the earliest bucket instead
/// of a thread that wakes every expirationInterval; the sessions expired are the same.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionTracker {
    /// `expirationInterval` = tickTime.
    pub interval_ms: u64,
    pub sessions: BTreeMap<SessionId, TrackedSession>,
    /// `nextSessionId`.
    next_session_id: SessionId,
}

impl SessionTracker {
    /// The tracker `LeaderZooKeeperServer.createSessionTracker` builds in `startup()`: every
    /// session of the data tree is tracked afresh (`trackSession`), expiring one timeout from
    /// now. This is why a client that reconnects within its timeout after a leader change
    /// keeps its session.
    pub fn new(myid: Sid, tick_ms: u64, now: Time, db: &ZkDatabase) -> SessionTracker {
        let mut t = SessionTracker {
            interval_ms: tick_ms.max(1),
            sessions: BTreeMap::new(),
            next_session_id: initialize_next_session_id(myid, now),
        };
        for (s, timeout) in db.tree.sessions.iter() {
            t.track(*s, *timeout, now);
        }
        t
    }

    /// `createSession(timeout)`: `nextSessionId++`, tracked.
    pub fn create_session(&mut self, timeout_ms: u64, now: Time) -> SessionId {
        let id = self.next_session_id;
        self.next_session_id = SessionId(id.0 + 1);
        self.track(id, timeout_ms, now);
        id
    }

    /// `trackSession`: add if absent, then `updateSessionExpiry`.
    pub fn track(&mut self, s: SessionId, timeout_ms: u64, now: Time) {
        let expires_at = self.expiry(now, timeout_ms);
        let e = self.sessions.entry(s).or_insert(TrackedSession {
            timeout_ms,
            expires_at,
            closing: false,
        });
        e.expires_at = expires_at;
    }

    fn expiry(&self, now: Time, timeout_ms: u64) -> Time {
        Time(round_to_next_interval(now.0 + timeout_ms, self.interval_ms))
    }

    /// `touchSession`: false for an unknown or closing session.
    pub fn touch(&mut self, s: SessionId, now: Time) -> bool {
        let interval = self.interval_ms;
        match self.sessions.get_mut(&s) {
            Some(t) if !t.closing => {
                t.expires_at = Time(round_to_next_interval(now.0 + t.timeout_ms, interval));
                true
            }
            _ => false,
        }
    }

    /// `setSessionClosing`.
    pub fn set_closing(&mut self, s: SessionId) {
        if let Some(t) = self.sessions.get_mut(&s) {
            t.closing = true;
        }
    }

    /// `removeSession` (the closeSession txn was applied).
    pub fn remove(&mut self, s: SessionId) {
        self.sessions.remove(&s);
    }

    /// When the next bucket with a live session is due.
    pub fn next_expiration(&self) -> Option<Time> {
        self.sessions
            .values()
            .filter(|t| !t.closing)
            .map(|t| t.expires_at)
            .min()
    }

    /// `run()`'s `sessionExpiryQueue.poll()`: every session whose bucket is due, set closing
    /// (`expirer.expire` follows, which is a closeSession).
    pub fn poll_expired(&mut self, now: Time) -> Vec<(SessionId, u64)> {
        let mut due = Vec::new();
        for (s, t) in self.sessions.iter_mut() {
            if !t.closing && t.expires_at <= now {
                t.closing = true;
                due.push((*s, t.timeout_ms));
            }
        }
        due
    }
}

/// What a server tells a connected client.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClientReply {
    /// `ConnectResponse` with a live session: the createSession committed
    /// (`finishSessionInit(valid)`), or a reconnect was revalidated.
    Connected { session: SessionId, timeout_ms: u64 },
    /// `ConnectResponse` with timeout 0: the session is gone (the client sees SESSIONEXPIRED).
    SessionExpired { session: SessionId },
    /// `FinalRequestProcessor`'s reply to a write: committed at `zxid`.
    Done { cxid: u32, zxid: Zxid },
    /// The server closed the connection: it is not serving, or it stopped serving (its role
    /// ended), or the session closed. The client sees connection loss.
    Closed,
}

/// One client connection as the server sees it (`ServerCnxn`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientCnxn {
    pub session: SessionId,
    pub timeout_ms: u64,
    /// False until the ConnectResponse went out.
    pub connected: bool,
}

/// A server's client side: `ServerCnxnFactory`'s connections, the learner's session id
/// counter and touch table (`LearnerSessionTracker`), and its pending revalidations
/// (`Learner.pendingRevalidations`). Empty, it changes nothing: runs without clients are
/// the same as before sessions were modelled.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServerClients {
    pub cnxns: BTreeMap<ClientId, ClientCnxn>,
    /// `LearnerSessionTracker.nextSessionId` (set when the learner starts serving).
    pub next_session_id: Option<SessionId>,
    /// `LearnerSessionTracker.touchTable`: sessions touched since the last PING reply.
    pub touch_table: BTreeMap<SessionId, u64>,
}

impl ServerClients {
    pub fn is_empty(&self) -> bool {
        self.cnxns.is_empty() && self.touch_table.is_empty()
    }

    /// The client connected with `session`, if any.
    pub fn by_session(&self, session: SessionId) -> Option<ClientId> {
        self.cnxns
            .iter()
            .find(|(_, c)| c.session == session)
            .map(|(id, _)| *id)
    }

    /// `LearnerSessionTracker.createSession`: `nextSessionId++`.
    pub fn next_learner_session(&mut self, myid: Sid, now: Time) -> SessionId {
        let id = *self
            .next_session_id
            .get_or_insert_with(|| initialize_next_session_id(myid, now));
        self.next_session_id = Some(SessionId(id.0 + 1));
        id
    }

    /// A committed txn was applied here: if a client of this server asked for it, reply
    /// (`FinalRequestProcessor`). A createSession answers with the ConnectResponse; a
    /// closeSession's reply is followed by the server closing the connection.
    pub fn on_applied(&mut self, origin: Option<Origin>, op: &TxnOp, zxid: Zxid, out: &mut Outbox) {
        if let TxnOp::CloseSession { session, .. } = op {
            // `LearnerSessionTracker.removeSession`: a closed session is no longer touched
            // (the capture's PING replies after a closeSession are empty).
            self.touch_table.remove(session);
            // Its connection here, if any, closes: with the reply for the client's own
            // close, as a connection loss for an expiry.
            if let Some(client) = self.by_session(*session) {
                let own = origin.is_some_and(|o| o.session == *session && o.cxid != 0);
                self.cnxns.remove(&client);
                out.push(Effect::ClientReply {
                    client,
                    reply: if own {
                        ClientReply::Done {
                            cxid: origin.map_or(0, |o| o.cxid),
                            zxid,
                        }
                    } else {
                        ClientReply::Closed
                    },
                });
            }
            return;
        }
        let Some(origin) = origin else {
            return;
        };
        let Some(client) = self.by_session(origin.session) else {
            return;
        };
        match op {
            TxnOp::CreateSession {
                session,
                timeout_ms,
            } => {
                if let Some(c) = self.cnxns.get_mut(&client) {
                    c.connected = true;
                }
                out.push(Effect::ClientReply {
                    client,
                    reply: ClientReply::Connected {
                        session: *session,
                        timeout_ms: *timeout_ms,
                    },
                });
            }
            _ => out.push(Effect::ClientReply {
                client,
                reply: ClientReply::Done {
                    cxid: origin.cxid,
                    zxid,
                },
            }),
        }
    }

    /// The server stops serving (its role ended): every client connection is closed
    /// (`ServerCnxnFactory.closeAll`), so each client sees connection loss.
    pub fn close_all(&mut self, out: &mut Outbox) {
        for client in std::mem::take(&mut self.cnxns).into_keys() {
            out.push(Effect::ClientReply {
                client,
                reply: ClientReply::Closed,
            });
        }
        self.touch_table.clear();
        self.next_session_id = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_session_id_has_the_server_in_the_high_byte_and_the_time_below() {
        let id = initialize_next_session_id(Sid(2), Time(8_600));
        assert_eq!(id.0 >> 56, 2);
        assert_eq!(id.0 & 0x00ff_ffff_ffff_ffff, 8_600 << 16);
        assert_eq!(id.to_string(), "0x200000021980000");
    }

    #[test]
    fn test_expiry_is_rounded_up_to_the_next_tick() {
        assert_eq!(round_to_next_interval(10_000, 2_000), 12_000);
        assert_eq!(round_to_next_interval(10_001, 2_000), 12_000);
        assert_eq!(round_to_next_interval(11_999, 2_000), 12_000);
    }

    #[test]
    fn test_tracker_expires_untouched_sessions_only() {
        let mut t = SessionTracker::new(Sid(1), 2_000, Time(0), &ZkDatabase::default());
        let a = t.create_session(6_000, Time(100));
        let b = t.create_session(6_000, Time(100));
        assert_eq!(b.0, a.0 + 1);
        assert_eq!(t.next_expiration(), Some(Time(8_000)));
        assert!(t.touch(a, Time(3_000)));
        assert_eq!(t.poll_expired(Time(8_000)), vec![(b, 6_000)]);
        assert!(
            !t.touch(b, Time(8_001)),
            "a closing session cannot be touched"
        );
        assert_eq!(t.next_expiration(), Some(Time(10_000)));
        t.remove(b);
        assert!(!t.touch(b, Time(8_002)));
    }
}
