//! ZooKeeper clients in the world (docs/protocol.md §13): each is connected to one server,
//! holds a session, runs a short script of requests one at a time (a synchronous client, as
//! kazoo's `create` is), pings while connected, and on connection loss reconnects to the
//! next server, keeping its session if the leader still has it.
//!
//! Clients exist only when a scenario, a user action, a test or a CLI option adds one: a run
//! without clients draws no random number and logs no line more than before.
//!
//! Simplifications: the client ↔ server link is not part of the network (partitions cut
//! servers from servers; a client's server is cut off when it stops serving); a request
//! pending at a connection loss is reported lost and not retried; the client pings every
//! timeout/3 whether idle or not (ClientCnxn pings only when idle); client pings are not
//! logged (their effect shows in the sessions a follower's PING reply carries).

use serde::{Deserialize, Serialize};
use zab::sessions::{ClientId, SessionId, DEFAULT_SESSION_TIMEOUT_MS};
use zab::zk_database::TxnOp;
use zab::{Sid, Zxid};

/// One request of a client's script.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClientOp {
    Create {
        path: String,
        data: String,
    },
    /// `create -e`: owned by the client's session.
    CreateEphemeral {
        path: String,
        data: String,
    },
    SetData {
        path: String,
        data: String,
    },
    /// `close()`: the closeSession request; the client is done.
    Close,
}

impl ClientOp {
    pub fn create(path: &str, data: &str) -> ClientOp {
        ClientOp::Create {
            path: path.to_string(),
            data: data.to_string(),
        }
    }

    pub fn ephemeral(path: &str, data: &str) -> ClientOp {
        ClientOp::CreateEphemeral {
            path: path.to_string(),
            data: data.to_string(),
        }
    }

    /// The txn op this request asks for, in `session`.
    pub fn txn_op(&self, session: SessionId) -> TxnOp {
        match self {
            ClientOp::Create { path, data } => TxnOp::Create {
                path: path.clone(),
                data: data.clone(),
            },
            ClientOp::CreateEphemeral { path, data } => TxnOp::CreateEphemeral {
                path: path.clone(),
                data: data.clone(),
                owner: session,
            },
            ClientOp::SetData { path, data } => TxnOp::SetData {
                path: path.clone(),
                data: data.clone(),
            },
            ClientOp::Close => TxnOp::CloseSession {
                session,
                ephemerals: Vec::new(),
            },
        }
    }
}

/// What a client is told to do when it is added.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientSpec {
    /// The server it connects to first.
    pub server: Sid,
    /// The session timeout it asks for (ms).
    pub timeout_ms: u64,
    /// Its requests, in order, each sent once the previous one's reply arrived.
    pub ops: Vec<ClientOp>,
    /// Whether it reconnects after a connection loss. A client that does not stands for one
    /// whose process died with its server's machine: its session can only expire.
    pub reconnect: bool,
}

impl ClientSpec {
    /// A client of `server` with the default timeout that only holds its session.
    pub fn at(server: Sid) -> ClientSpec {
        ClientSpec {
            server,
            timeout_ms: DEFAULT_SESSION_TIMEOUT_MS,
            ops: Vec::new(),
            reconnect: true,
        }
    }
}

/// Where a client is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClientState {
    /// Its ConnectRequest is on its way to `server`, or waiting for an answer.
    Connecting,
    Connected,
    /// It lost its connection and waits before trying the next server.
    Disconnected,
    /// Its closeSession committed.
    Closed,
    /// A server told it its session expired.
    Expired,
    /// It lost its connection and does not reconnect.
    GaveUp,
}

/// A client of the ensemble, as the world keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Client {
    pub id: ClientId,
    pub spec: ClientSpec,
    pub state: ClientState,
    /// The server it is connected or connecting to (the last one, once disconnected).
    pub server: Sid,
    pub session: Option<SessionId>,
    /// The index in `spec.ops` of the next request.
    pub next_op: usize,
    /// The request waiting for its reply: (cxid, index in `spec.ops`).
    pub pending: Option<(u32, usize)>,
    pub(crate) next_cxid: u32,
    /// Numbers each connection attempt, so a late answer to an old one is ignored.
    pub(crate) attempt: u64,
    /// Connection attempts since the last success (a full round waits `SPIN_DELAY_MS`).
    pub(crate) tries: u32,
    pub(crate) timer_token: u64,
}

/// `ClientCnxn`'s pause after trying every server once (`StaticHostProvider` spinDelay).
pub const SPIN_DELAY_MS: u64 = 1_000;

/// What a client did or was told: the log's client lines.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "what", rename_all = "snake_case")]
pub enum ClientEvent {
    /// A ConnectRequest went out, new (`session` none) or to resume a session.
    Connecting { session: Option<SessionId> },
    /// The ConnectResponse: the session was created (its createSession committed) or,
    /// `reconnected`, it survived and the client is attached to this server now.
    Connected {
        session: SessionId,
        timeout_ms: u64,
        reconnected: bool,
    },
    /// A request went out.
    Request { cxid: u32, op: TxnOp },
    /// Its reply: the request committed as `zxid`.
    Reply { cxid: u32, zxid: Zxid, op: TxnOp },
    /// The connection to the server broke or was refused (CONNECTIONLOSS); a request
    /// waiting for its reply is lost with it.
    ConnectionLoss { lost: Option<TxnOp> },
    /// The server said the session is gone (SESSIONEXPIRED).
    SessionExpired { session: SessionId },
}

/// What travels from a client to its server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ToServer {
    Connect {
        session: Option<SessionId>,
        timeout_ms: u64,
    },
    Request {
        cxid: u32,
        op: TxnOp,
    },
    Ping,
}
