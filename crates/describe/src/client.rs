//! The words for clients and their sessions (issue 12): the log line of each client event,
//! and the narration's sentence.

use sim::clients::ClientEvent;
use zab::sessions::ClientId;
use zab::zk_database::TxnOp;
use zab::Sid;

/// One client line of the event log.
pub fn client_event(client: ClientId, sid: Sid, e: &ClientEvent) -> String {
    match e {
        ClientEvent::Connecting { session: None } => {
            format!("client {client} → {sid}: connect (new session)")
        }
        ClientEvent::Connecting { session: Some(s) } => {
            format!("client {client} → {sid}: connect (session {s})")
        }
        ClientEvent::Connected {
            session,
            timeout_ms,
            reconnected: false,
        } => format!("client {client}'s session {session} created on server {sid} (timeout {timeout_ms} ms)"),
        ClientEvent::Connected {
            session,
            reconnected: true,
            ..
        } => format!("client {client} reconnected to server {sid}: session {session} is still live"),
        ClientEvent::Request { cxid, op } => format!("client {client} → {sid}: {op} (cxid {cxid})"),
        ClientEvent::Reply { cxid, zxid, op } => {
            format!("{sid} → client {client}: {} done as {} (cxid {cxid})", op_name(op), zxid.short())
        }
        ClientEvent::ConnectionLoss { lost: None } => {
            format!("client {client} lost its connection to server {sid} (CONNECTIONLOSS)")
        }
        ClientEvent::ConnectionLoss { lost: Some(op) } => format!(
            "client {client} lost its connection to server {sid} (CONNECTIONLOSS); its {} may or may not have committed",
            op_name(op)
        ),
        ClientEvent::SessionExpired { session } => {
            format!("server {sid} → client {client}: session {session} expired (SESSIONEXPIRED)")
        }
    }
}

/// The narration's sentence for a client event.
pub fn client_sentence(client: ClientId, sid: Sid, e: &ClientEvent) -> Option<String> {
    Some(match e {
        ClientEvent::Connecting { session: None } => return None,
        ClientEvent::Connecting { session: Some(s) } => format!(
            "client {client} tries server {sid} with its session {s}; a learner asks the leader \
             (REVALIDATE) whether the session still lives"
        ),
        ClientEvent::Connected {
            session,
            reconnected: false,
            ..
        } => format!(
            "client {client}'s session {session} created on server {sid}: its createSession txn \
             committed"
        ),
        ClientEvent::Connected {
            session,
            reconnected: true,
            ..
        } => format!(
            "client {client} reconnected to server {sid} within its timeout: session {session} \
             survived, and so do its ephemeral znodes"
        ),
        ClientEvent::Request { .. } => return None,
        ClientEvent::Reply { op, zxid, .. } => format!(
            "client {client}'s {} completed: committed as {} and applied on server {sid}",
            op_name(op),
            zxid.short()
        ),
        ClientEvent::ConnectionLoss { .. } => format!(
            "client {client} lost its connection to server {sid}: it will try the next server, \
             and its session lives as long as the leader hears from it within the timeout"
        ),
        ClientEvent::SessionExpired { session } => format!(
            "client {client} learned from server {sid} that session {session} expired: the \
             leader closed it, and its ephemerals are gone"
        ),
    })
}

/// A short name for a txn op: "create /a", "closeSession 0x…".
pub fn op_name(op: &TxnOp) -> String {
    match op {
        TxnOp::Create { path, .. } => format!("create {path}"),
        TxnOp::CreateEphemeral { path, .. } => format!("create -e {path}"),
        TxnOp::SetData { path, .. } => format!("setData {path}"),
        TxnOp::CreateSession { session, .. } => format!("createSession {session}"),
        TxnOp::CloseSession { session, .. } => format!("closeSession {session}"),
    }
}
