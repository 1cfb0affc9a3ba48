//! The leader's sessions (docs/protocol.md §13): `PrepRequestProcessor`'s createSession and
//! closeSession, the `SessionTracker`'s expiry (`ZooKeeperServer.expire`), the touches a
//! learner's PING reply carries, and REVALIDATE.

use crate::ids::Time;
use crate::leader::leader::send;
use crate::leader::{Leader, RoleStep};
use crate::output::{Effect, Outbox, Timer};
use crate::packet::{PacketData, PacketType, QuorumPacket};
use crate::peer::PeerCore;
use crate::reason::Note;
use crate::sessions::{ClientCnxn, ClientId, ClientReply, ClientRequest, Origin, SessionId};
use crate::zk_database::{Txn, TxnOp};
use crate::Zxid;

impl Leader {
    /// `PrepRequestProcessor.pRequest2Txn` for a session's request, then `propose`.
    /// createSession: `trackSession` (a learner's client; the leader's own were tracked by
    /// `createSession`). closeSession: the session's ephemerals, those of outstanding
    /// creates included, go in the txn, and the session is `setSessionClosing`.
    /// Simplification: other requests are not checked against the tracker (`checkSession`).
    pub fn prep_request(
        &mut self,
        core: &mut PeerCore,
        req: ClientRequest,
        now: Time,
        out: &mut Outbox,
    ) -> RoleStep {
        let ClientRequest { origin, mut op } = req;
        if let TxnOp::CloseSession {
            session,
            ephemerals,
        } = &mut op
        {
            *ephemerals = self.ephemerals_for_close(core, *session);
        }
        if let Some(tracker) = self.sessions.as_mut() {
            match &op {
                TxnOp::CreateSession {
                    session,
                    timeout_ms,
                } => tracker.track(*session, *timeout_ms, now),
                TxnOp::CloseSession { session, .. } => tracker.set_closing(*session),
                _ => {}
            }
        }
        let step = self.propose_from(core, op, Some(origin), now, out);
        self.arm_session_timer(out);
        step
    }

    fn ephemerals_for_close(&self, core: &PeerCore, session: SessionId) -> Vec<String> {
        let mut es = core.zk_db.tree.ephemerals_of(session);
        for p in self.outstanding_proposals.values() {
            if let TxnOp::CreateEphemeral { path, owner, .. } = &p.txn.op {
                if *owner == session && !es.contains(path) {
                    es.push(path.clone());
                }
            }
        }
        es
    }

    /// A committed txn was applied: closeSession → `removeSession`; a client of the leader
    /// gets its reply.
    pub(super) fn after_apply(&mut self, core: &mut PeerCore, txn: &Txn, out: &mut Outbox) {
        if let TxnOp::CloseSession { session, .. } = &txn.op {
            if let Some(t) = self.sessions.as_mut() {
                t.remove(*session);
            }
        }
        core.clients.on_applied(txn.origin, &txn.op, txn.zxid, out);
        self.arm_session_timer(out);
    }

    /// Keep the SessionTracker's timer at the next bucket with a live session.
    pub(super) fn arm_session_timer(&mut self, out: &mut Outbox) {
        let next = self.sessions.as_ref().and_then(|t| t.next_expiration());
        if next == self.session_timer {
            return;
        }
        self.session_timer = next;
        out.push(match next {
            Some(at) => Effect::SetTimer {
                timer: Timer::SessionTracker,
                at,
            },
            None => Effect::CancelTimer {
                timer: Timer::SessionTracker,
            },
        });
    }

    /// The SessionTracker's bucket is due: each expired session is `setSessionClosing` and
    /// `expire`d, which is a closeSession txn naming its ephemerals.
    pub fn on_session_timer(
        &mut self,
        core: &mut PeerCore,
        now: Time,
        out: &mut Outbox,
    ) -> RoleStep {
        self.session_timer = None;
        let due = self
            .sessions
            .as_mut()
            .map(|t| t.poll_expired(now))
            .unwrap_or_default();
        for (session, timeout_ms) in due {
            out.push(Effect::Note(Note::SessionExpiring {
                session,
                timeout_ms,
            }));
            let op = TxnOp::CloseSession {
                session,
                ephemerals: self.ephemerals_for_close(core, session),
            };
            // Simplification: the expirer's closeSession carries no origin (ZooKeeper's has
            // the session as clientId and no client waiting for its reply).
            if let step @ RoleStep::Shutdown(_) = self.propose_from(core, op, None, now, out) {
                return step;
            }
        }
        self.arm_session_timer(out);
        RoleStep::Continue
    }

    /// `touch`: a client ping or request at the leader, or a learner's PING reply.
    pub fn touch_session(&mut self, session: SessionId, now: Time, out: &mut Outbox) -> bool {
        let ok = self
            .sessions
            .as_mut()
            .is_some_and(|t| t.touch(session, now));
        self.arm_session_timer(out);
        ok
    }

    /// A client connects to the leader: a new session (`createSession`, then the
    /// createSession txn; the ConnectResponse follows its commit), or a reconnect
    /// (`reopenSession`: valid while the tracker still has it).
    pub fn client_connect(
        &mut self,
        core: &mut PeerCore,
        client: ClientId,
        session: Option<SessionId>,
        timeout_ms: u64,
        now: Time,
        out: &mut Outbox,
    ) -> RoleStep {
        let running = self.zk_running;
        let Some(tracker) = self.sessions.as_mut().filter(|_| running) else {
            out.push(Effect::ClientReply {
                client,
                reply: ClientReply::Closed,
            });
            return RoleStep::Continue;
        };
        match session {
            None => {
                let session = tracker.create_session(timeout_ms, now);
                core.clients.cnxns.insert(
                    client,
                    ClientCnxn {
                        session,
                        timeout_ms,
                        connected: false,
                    },
                );
                let op = TxnOp::CreateSession {
                    session,
                    timeout_ms,
                };
                let step = self.propose_from(core, op, Some(Origin { session, cxid: 0 }), now, out);
                self.arm_session_timer(out);
                step
            }
            Some(session) => {
                let valid = self.touch_session(session, now, out);
                out.push(Effect::Note(Note::SessionRevalidated { session, valid }));
                finish_session_init(core, client, session, timeout_ms, valid, out);
                RoleStep::Continue
            }
        }
    }

    /// `LearnerHandler`: a PING reply's touched sessions, each `touch`ed.
    pub(super) fn on_ping_sessions(&mut self, data: &PacketData, now: Time, out: &mut Outbox) {
        if let PacketData::Sessions(list) = data {
            for (session, _timeout) in list {
                self.touch_session(*session, now, out);
            }
        }
    }

    /// `LearnerHandler`, REVALIDATE: `revalidateSession` answers whether the session lives.
    pub(super) fn on_revalidate(
        &mut self,
        conn: crate::output::ConnId,
        data: &PacketData,
        now: Time,
        out: &mut Outbox,
    ) {
        if let PacketData::Revalidate { session, .. } = data {
            let valid = self.touch_session(*session, now, out);
            out.push(Effect::Note(Note::SessionRevalidated {
                session: *session,
                valid,
            }));
            send(
                out,
                conn,
                QuorumPacket::new(
                    PacketType::Revalidate,
                    Zxid::NONE,
                    PacketData::Revalidated {
                        session: *session,
                        valid,
                    },
                ),
            );
        }
    }
}

/// `finishSessionInit(cnxn, valid)`: the ConnectResponse, with the session or expired.
pub(crate) fn finish_session_init(
    core: &mut PeerCore,
    client: ClientId,
    session: SessionId,
    timeout_ms: u64,
    valid: bool,
    out: &mut Outbox,
) {
    if valid {
        core.clients.cnxns.insert(
            client,
            ClientCnxn {
                session,
                timeout_ms,
                connected: true,
            },
        );
        out.push(Effect::ClientReply {
            client,
            reply: ClientReply::Connected {
                session,
                timeout_ms,
            },
        });
    } else {
        core.clients.cnxns.remove(&client);
        out.push(Effect::ClientReply {
            client,
            reply: ClientReply::SessionExpired { session },
        });
    }
}
