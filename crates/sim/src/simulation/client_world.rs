//! Clients in the world (§13): their connect attempts, requests, pings and the servers'
//! replies travel with a latency from the workload stream (so adding a client does not move
//! any server-to-server packet), and a server that crashes or stops serving closes its
//! clients' connections.

use super::*;
use crate::clients::{Client, ClientEvent, ClientSpec, ClientState, ToServer, SPIN_DELAY_MS};
use zab::sessions::{ClientId, ClientReply};

impl Simulation {
    /// Add a client now; it connects to `spec.server` at once.
    pub fn add_client(&mut self, spec: ClientSpec) -> ClientId {
        let id = ClientId(self.clients.len() as u32 + 1);
        let client = Client {
            id,
            server: spec.server,
            spec,
            state: ClientState::Connecting,
            session: None,
            next_op: 0,
            pending: None,
            next_cxid: 1,
            attempt: 0,
            tries: 0,
            timer_token: 0,
        };
        self.clients.insert(id, client);
        self.client_connect(id);
        id
    }

    /// Add a client at `at` (client ids count in the order clients are added).
    pub fn add_client_at(&mut self, at: Time, spec: ClientSpec) {
        self.queue.push(
            at,
            Event::ClientAdd {
                spec: Box::new(spec),
            },
        );
    }

    /// The clients added so far.
    pub fn clients(&self) -> impl Iterator<Item = &Client> {
        self.clients.values()
    }

    pub fn client(&self, id: ClientId) -> Option<&Client> {
        self.clients.get(&id)
    }

    fn client_latency(&mut self) -> u64 {
        let (lo, hi) = self.options.latency_ms;
        self.rng.range(Stream::Workload, lo, hi)
    }

    fn log_client(&mut self, client: ClientId, sid: Sid, event: ClientEvent) {
        self.push_log(LogEvent::Client {
            client,
            sid,
            event: Box::new(event),
        });
    }

    fn send_to_server(&mut self, client: ClientId, msg: ToServer) {
        let Some(c) = self.clients.get(&client) else {
            return;
        };
        let (sid, attempt) = (c.server, c.attempt);
        let at = self.now.plus_ms(self.client_latency());
        self.queue.push(
            at,
            Event::ClientArrive {
                client,
                sid,
                attempt,
                msg,
            },
        );
    }

    fn send_to_client(&mut self, client: ClientId, sid: Sid, attempt: u64, reply: ClientReply) {
        let at = self.now.plus_ms(self.client_latency());
        self.queue.push(
            at,
            Event::ClientReceive {
                client,
                sid,
                attempt,
                reply,
            },
        );
    }

    /// A ConnectRequest to the client's current server.
    fn client_connect(&mut self, id: ClientId) {
        let Some(c) = self.clients.get_mut(&id) else {
            return;
        };
        c.attempt += 1;
        c.tries += 1;
        c.state = ClientState::Connecting;
        let (sid, session, timeout_ms) = (c.server, c.session, c.spec.timeout_ms);
        self.log_client(id, sid, ClientEvent::Connecting { session });
        self.send_to_server(
            id,
            ToServer::Connect {
                session,
                timeout_ms,
            },
        );
    }

    /// A server asked to write to a client's connection.
    pub(super) fn server_replies(&mut self, sid: Sid, client: ClientId, reply: ClientReply) {
        let Some(c) = self.clients.get(&client) else {
            return;
        };
        if c.server != sid {
            return;
        }
        let attempt = c.attempt;
        self.send_to_client(client, sid, attempt, reply);
    }

    /// A server crashed: the OS resets its clients' connections.
    pub(super) fn clients_lose(&mut self, sid: Sid) {
        let ids: Vec<(ClientId, u64)> = self
            .clients
            .values()
            .filter(|c| {
                c.server == sid
                    && matches!(c.state, ClientState::Connecting | ClientState::Connected)
            })
            .map(|c| (c.id, c.attempt))
            .collect();
        for (id, attempt) in ids {
            self.send_to_client(id, sid, attempt, ClientReply::Closed);
        }
    }

    pub(super) fn client_arrive(
        &mut self,
        client: ClientId,
        sid: Sid,
        attempt: u64,
        msg: ToServer,
    ) {
        let current = self
            .clients
            .get(&client)
            .is_some_and(|c| c.attempt == attempt && c.server == sid);
        if !current {
            return;
        }
        if !self.is_up(sid) {
            // Nothing listens on the client port: refused (a request or ping on a connection
            // that died with the server is already answered by its reset).
            if matches!(msg, ToServer::Connect { .. }) {
                self.send_to_client(client, sid, attempt, ClientReply::Closed);
            }
            return;
        }
        // A paused server's kernel still accepts the connection and buffers what arrives
        // (§11.5); the process reads it at resume.
        if let Some(p) = self.slots.get_mut(&sid).and_then(|s| s.pause.as_mut()) {
            p.held.push(pause::Held::ClientArrive {
                client,
                attempt,
                msg,
            });
            return;
        }
        match msg {
            ToServer::Connect {
                session,
                timeout_ms,
            } => self.input(sid, |p, now, out| {
                p.on_client_connect(now, client, session, timeout_ms, out)
            }),
            ToServer::Request { cxid, op } => self.input(sid, |p, now, out| {
                p.on_session_request(now, client, cxid, op, out)
            }),
            ToServer::Ping => self.input(sid, |p, now, out| p.on_client_ping(now, client, out)),
        }
    }

    pub(super) fn client_receive(
        &mut self,
        id: ClientId,
        sid: Sid,
        attempt: u64,
        reply: ClientReply,
    ) {
        let Some(c) = self.clients.get_mut(&id) else {
            return;
        };
        let live = matches!(c.state, ClientState::Connecting | ClientState::Connected);
        if c.attempt != attempt || c.server != sid || !live {
            return;
        }
        match reply {
            ClientReply::Connected {
                session,
                timeout_ms,
            } => {
                let reconnected = c.session.is_some();
                c.session = Some(session);
                c.state = ClientState::Connected;
                c.tries = 0;
                self.log_client(
                    id,
                    sid,
                    ClientEvent::Connected {
                        session,
                        timeout_ms,
                        reconnected,
                    },
                );
                self.arm_client_ping(id);
                self.client_next_op(id);
            }
            ClientReply::Done { cxid, zxid } => {
                let Some((_, index)) = c.pending.filter(|(x, _)| *x == cxid) else {
                    return;
                };
                c.pending = None;
                let session = c.session.expect("a connected client has a session");
                let op = c.spec.ops[index].txn_op(session);
                let closing = matches!(op, zab::zk_database::TxnOp::CloseSession { .. });
                if closing {
                    c.state = ClientState::Closed;
                }
                self.log_client(id, sid, ClientEvent::Reply { cxid, zxid, op });
                if !closing {
                    self.client_next_op(id);
                }
            }
            ClientReply::SessionExpired { session } => {
                c.state = ClientState::Expired;
                c.pending = None;
                self.log_client(id, sid, ClientEvent::SessionExpired { session });
            }
            ClientReply::Closed => {
                let lost = c.pending.take().and_then(|(_, i)| {
                    let session = c.session?;
                    Some(c.spec.ops[i].txn_op(session))
                });
                let reconnect = c.spec.reconnect;
                c.state = if reconnect {
                    ClientState::Disconnected
                } else {
                    ClientState::GaveUp
                };
                self.log_client(id, sid, ClientEvent::ConnectionLoss { lost });
                if reconnect {
                    self.client_retry(id);
                }
            }
        }
    }

    /// Try the next server in sid order; after a full round, wait `SPIN_DELAY_MS` first.
    fn client_retry(&mut self, id: ClientId) {
        let sids: Vec<Sid> = self.sids().collect();
        let Some(c) = self.clients.get_mut(&id) else {
            return;
        };
        let i = sids.iter().position(|s| *s == c.server).unwrap_or(0);
        c.server = sids[(i + 1) % sids.len()];
        let wait = if c.tries as usize >= sids.len() {
            c.tries = 0;
            SPIN_DELAY_MS
        } else {
            0
        };
        c.timer_token += 1;
        let token = c.timer_token;
        if wait == 0 {
            self.client_connect(id);
        } else {
            self.queue.push(
                self.now.plus_ms(wait),
                Event::ClientTimer { client: id, token },
            );
        }
    }

    fn arm_client_ping(&mut self, id: ClientId) {
        let Some(c) = self.clients.get_mut(&id) else {
            return;
        };
        c.timer_token += 1;
        let token = c.timer_token;
        let at = self.now.plus_ms((c.spec.timeout_ms / 3).max(1));
        self.queue
            .push(at, Event::ClientTimer { client: id, token });
    }

    pub(super) fn client_timer(&mut self, id: ClientId, token: u64) {
        let Some(c) = self.clients.get(&id) else {
            return;
        };
        if c.timer_token != token {
            return;
        }
        match c.state {
            ClientState::Connected => {
                self.send_to_server(id, ToServer::Ping);
                self.arm_client_ping(id);
            }
            ClientState::Disconnected => self.client_connect(id),
            _ => {}
        }
    }

    /// Send the script's next request, if none is pending.
    fn client_next_op(&mut self, id: ClientId) {
        let Some(c) = self.clients.get_mut(&id) else {
            return;
        };
        if c.pending.is_some() || c.state != ClientState::Connected {
            return;
        }
        let Some(op) = c.spec.ops.get(c.next_op) else {
            return;
        };
        let session = c.session.expect("a connected client has a session");
        let op = op.txn_op(session);
        let cxid = c.next_cxid;
        c.next_cxid += 1;
        c.pending = Some((cxid, c.next_op));
        c.next_op += 1;
        let sid = c.server;
        self.log_client(
            id,
            sid,
            ClientEvent::Request {
                cxid,
                op: op.clone(),
            },
        );
        self.send_to_server(id, ToServer::Request { cxid, op });
    }
}
