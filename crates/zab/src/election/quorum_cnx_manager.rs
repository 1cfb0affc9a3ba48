use crate::election::Notification;
use crate::ids::Sid;
use crate::message::Message;
use crate::output::{Channel, ConnId, Effect, Outbox};
use crate::reason::Note;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// `QuorumCnxManager.cnxTO`: the election connect timeout (`zookeeper.cnxTimeout`).
pub const CNX_TIMEOUT_MS: u64 = 5000;

/// Mirrors `org.apache.zookeeper.server.quorum.QuorumCnxManager`, the election transport.
///
/// One connection per pair survives, and it is always one the higher sid opened: an initiator
/// with the smaller sid drops its own socket after the header, and an acceptor that sees a
/// smaller sid closes the socket and dials back (`startConnection` / `handleConnection`).
/// Each peer has a send queue of capacity one (`SEND_CAPACITY`) that keeps only the newest
/// notification, and a new `SendWorker` with an empty queue re-sends `lastMessageSent`.
#[derive(Clone, Debug)]
pub struct QuorumCnxManager {
    myid: Sid,
    /// `queueSendMap`: at most one waiting notification per peer (`SEND_CAPACITY = 1`).
    queue_send_map: BTreeMap<Sid, Option<Notification>>,
    /// `lastMessageSent`: the last notification written to each peer.
    last_message_sent: BTreeMap<Sid, Notification>,
    /// `senderWorkerMap`: the connection each peer's `SendWorker` writes to.
    sender_worker_map: BTreeMap<Sid, ConnId>,
    /// `inprogressConnections`: at most one connection attempt per peer.
    inprogress_connections: BTreeSet<Sid>,
    /// Accepted sockets whose header has not arrived yet.
    awaiting_header: BTreeSet<ConnId>,
    /// Every open election connection and the peer at its other end.
    remote: BTreeMap<ConnId, Sid>,
    /// Notifications to myself: `toSend` puts them straight into `recvQueue`.
    pub(crate) loopback: VecDeque<Notification>,
}

impl QuorumCnxManager {
    pub fn new(myid: Sid) -> Self {
        QuorumCnxManager {
            myid,
            queue_send_map: BTreeMap::new(),
            last_message_sent: BTreeMap::new(),
            sender_worker_map: BTreeMap::new(),
            inprogress_connections: BTreeSet::new(),
            awaiting_header: BTreeSet::new(),
            remote: BTreeMap::new(),
            loopback: VecDeque::new(),
        }
    }

    /// `toSend(sid, buffer)`.
    pub fn to_send(&mut self, sid: Sid, n: Notification, out: &mut Outbox) {
        if sid == self.myid {
            self.loopback.push_back(n);
            return;
        }
        match self.sender_worker_map.get(&sid) {
            Some(&conn) => {
                self.queue_send_map.insert(sid, None);
                self.write(sid, conn, n, out);
            }
            None => {
                // A full queue drops its oldest entry: only the newest notification waits.
                self.queue_send_map.insert(sid, Some(n));
                self.connect_one(sid, out);
            }
        }
    }

    fn write(&mut self, sid: Sid, conn: ConnId, n: Notification, out: &mut Outbox) {
        self.last_message_sent.insert(sid, n);
        out.push(Effect::Send {
            conn,
            msg: Message::Notification(n),
        });
    }

    /// `connectOne(sid)`: nothing if a SendWorker or an attempt already exists.
    pub fn connect_one(&mut self, sid: Sid, out: &mut Outbox) {
        if self.sender_worker_map.contains_key(&sid) || !self.inprogress_connections.insert(sid) {
            return;
        }
        out.push(Effect::Connect {
            channel: Channel::Election,
            to: sid,
            timeout_ms: CNX_TIMEOUT_MS,
        });
    }

    /// `connectAll()`: try every peer that has a send queue.
    pub fn connect_all(&mut self, out: &mut Outbox) {
        let sids: Vec<Sid> = self.queue_send_map.keys().copied().collect();
        for sid in sids {
            self.connect_one(sid, out);
        }
    }

    /// `haveDelivered()`: true as soon as *any* peer's queue is empty (a ZooKeeper quirk).
    pub fn have_delivered(&self) -> bool {
        self.queue_send_map.values().any(Option::is_none)
    }

    /// `startConnection` on the initiator: send the header, then keep the socket only if the
    /// other side has the smaller sid.
    pub fn on_connected(&mut self, conn: ConnId, sid: Sid, out: &mut Outbox) {
        self.inprogress_connections.remove(&sid);
        out.push(Effect::Send {
            conn,
            msg: Message::QcmHeader { sid: self.myid },
        });
        if sid > self.myid {
            out.push(Effect::Note(Note::DropSmallerSidConnection { sid }));
            out.push(Effect::Close { conn });
        } else {
            self.start_workers(sid, conn, out);
        }
    }

    pub fn on_connect_failed(&mut self, sid: Sid) {
        self.inprogress_connections.remove(&sid);
    }

    pub fn on_accepted(&mut self, conn: ConnId) {
        self.awaiting_header.insert(conn);
    }

    /// A message on an election connection: the header of an accepted socket
    /// (`handleConnection`), or a notification for the receiver thread.
    pub fn on_message(
        &mut self,
        conn: ConnId,
        msg: &Message,
        out: &mut Outbox,
    ) -> Option<Notification> {
        match msg {
            Message::QcmHeader { sid } => {
                if self.awaiting_header.remove(&conn) {
                    self.handle_connection(conn, *sid, out);
                }
                None
            }
            Message::Notification(n) => {
                let sid = *self.remote.get(&conn)?;
                Some(Notification { sid, ..*n })
            }
            Message::Quorum(_) => None,
        }
    }

    fn handle_connection(&mut self, conn: ConnId, sid: Sid, out: &mut Outbox) {
        if sid < self.myid {
            // "Create new connection to server": finish ours, close theirs, dial back.
            if let Some(old) = self.sender_worker_map.remove(&sid) {
                self.remote.remove(&old);
                out.push(Effect::Close { conn: old });
            }
            out.push(Effect::Close { conn });
            self.connect_one(sid, out);
        } else if sid == self.myid {
            out.push(Effect::Note(Note::OwnIdConnection { sid }));
            out.push(Effect::Close { conn });
        } else {
            self.start_workers(sid, conn, out);
        }
    }

    /// A new SendWorker/RecvWorker pair for `sid`; an older SendWorker is finished.
    fn start_workers(&mut self, sid: Sid, conn: ConnId, out: &mut Outbox) {
        if let Some(old) = self.sender_worker_map.insert(sid, conn) {
            if old != conn {
                self.remote.remove(&old);
                out.push(Effect::Close { conn: old });
            }
        }
        self.remote.insert(conn, sid);
        match self.queue_send_map.get_mut(&sid).and_then(Option::take) {
            Some(n) => self.write(sid, conn, n, out),
            None => {
                if let Some(n) = self.last_message_sent.get(&sid).copied() {
                    self.write(sid, conn, n, out);
                }
            }
        }
    }

    /// The connection closed or broke: its RecvWorker finishes its SendWorker.
    pub fn on_disconnected(&mut self, conn: ConnId) {
        self.awaiting_header.remove(&conn);
        if let Some(sid) = self.remote.remove(&conn) {
            if self.sender_worker_map.get(&sid) == Some(&conn) {
                self.sender_worker_map.remove(&sid);
            }
        }
    }

    /// Whether this connection belongs to the election channel of this manager.
    pub fn owns(&self, conn: ConnId) -> bool {
        self.remote.contains_key(&conn) || self.awaiting_header.contains(&conn)
    }

    /// Peers with a live SendWorker, for the views.
    pub fn connected_peers(&self) -> impl Iterator<Item = Sid> + '_ {
        self.sender_worker_map.keys().copied()
    }
}
