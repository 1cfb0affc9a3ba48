//! Process pause (issue 12, docs/protocol.md §11.5): SIGSTOP, or a stop-the-world GC pause
//! long enough to matter.
//!
//! While a server is paused no thread of it runs: none of its timers fires, none of its
//! fsyncs or pieces of JVM work completes, and it reads nothing. Its kernel goes on: TCP
//! accepts connections into the listen backlog, acknowledges data into the socket buffers,
//! takes in a FIN or a reset, and a pause alone breaks no connection (keepalive is the
//! kernel's to answer, so peers see nothing wrong until their own read timeouts). Everything
//! that came due is kept, and on resume the server first runs its overdue work in the order it
//! would have run (timers by deadline, ties in the order they were set, so deterministic),
//! then reads what its kernel buffered, in arrival order.
//!
//! Simplified: after a real pause every thread wakes at once and the scheduler decides who
//! goes first (a `LearnerHandler` blocked in `read()` may well see its buffered data or EOF
//! before its socket timeout is noticed); here the overdue timers always go first. An fsync
//! under way when the process stopped completes (durable and reported) at resume, not when
//! the disk finished it, so a crash during the pause loses what the server had not been told
//! was durable; and JVM work (`zk.startup()`) ends at resume without its remaining time.

use super::*;

/// The most overdue timers, fsyncs and pieces of work a resume runs before reading.
const MAX_OVERDUE: usize = 1_000;

/// A paused server's backlog.
#[derive(Clone, Debug)]
pub(super) struct Pause {
    pub(super) since: Time,
    /// Its fsyncs and JVM work that came due while it was stopped, with when, in the order
    /// they would have run. (Its timers stay pending in the slot, with their deadlines.)
    pub(super) overdue: Vec<(Time, Overdue)>,
    /// What its kernel took in for it, in arrival order.
    pub(super) held: Vec<Held>,
}

impl Pause {
    pub(super) fn held_messages(&self) -> impl Iterator<Item = &InFlight> {
        self.held.iter().filter_map(|h| match h {
            Held::Deliver(m) => Some(m.as_ref()),
            _ => None,
        })
    }
}

/// Work of the server itself, other than a timer, that came due while it was stopped.
#[derive(Clone, Debug)]
pub(super) enum Overdue {
    /// `FileTxnLog.commit()` returned for the first `count` pending appends.
    DiskSynced {
        count: u64,
    },
    WorkDone {
        work: Work,
    },
}

/// What a paused server's kernel took in for it, to be read at resume.
#[derive(Clone, Debug)]
pub(super) enum Held {
    /// A connection in the listen backlog, for `accept()`.
    Accepted {
        conn: ConnId,
        channel: Channel,
        from: Sid,
    },
    /// Its `connect()` succeeded.
    Connected {
        conn: ConnId,
        channel: Channel,
        to: Sid,
    },
    /// Its `connect()` failed (logged as ConnectFailed when `reason` is set; a connection
    /// reset during the handshake is logged as its Break).
    ConnectFailed {
        conn: ConnId,
        channel: Channel,
        to: Sid,
        reason: Option<ConnectFailure>,
    },
    /// Data in a socket buffer.
    Deliver(Box<InFlight>),
    /// The other end's FIN, behind the data sent before it.
    Fin { conn: ConnId },
    /// The connection was reset (a partition or a break): its next read fails.
    Reset { conn: ConnId, channel: Channel },
    /// A client's request on its connection to the server's client port.
    ClientWrite(TxnOp),
    /// A session client's connect, request or ping (§13), in its connection's socket
    /// buffer; read at resume if that client is still on this connection.
    ClientArrive {
        client: zab::sessions::ClientId,
        attempt: u64,
        msg: crate::clients::ToServer,
    },
}

impl Simulation {
    /// Stop `sid`'s process now. A server that is down or already paused is left alone (the
    /// session refuses those actions with a reason).
    pub(super) fn pause_now(&mut self, sid: Sid) {
        let now = self.now;
        let Some(slot) = self.slots.get_mut(&sid) else {
            return;
        };
        if slot.peer.is_none() || slot.pause.is_some() {
            return;
        }
        slot.pause = Some(Box::new(Pause {
            since: now,
            overdue: Vec::new(),
            held: Vec::new(),
        }));
        self.push_log(LogEvent::Paused { sid });
    }

    /// Let `sid`'s process go on: its overdue work in order, then what its kernel buffered.
    pub(super) fn resume_now(&mut self, sid: Sid) {
        let Some(pause) = self.slots.get_mut(&sid).and_then(|s| s.pause.take()) else {
            return;
        };
        let Pause {
            since,
            overdue,
            held,
        } = *pause;
        let now = self.now;
        self.push_log(LogEvent::Resumed {
            sid,
            paused_ms: now.0 - since.0,
        });
        // Every timer whose deadline has passed fires, earliest deadline first (ties in the
        // order they were set), merged with the overdue fsyncs and work by time (a timer
        // first on a tie). One that an earlier one set again with its deadline still in the
        // past (the ping pass re-arms each handler's read deadline) is overdue as well. The
        // budget only guards against a timer re-armed in the past forever; what it leaves
        // fires as ordinary events.
        let mut overdue = overdue.into_iter().peekable();
        for _ in 0..MAX_OVERDUE {
            let slot = self.slot_mut(sid);
            if slot.exiting {
                return;
            }
            let timer = slot
                .timers
                .iter()
                .filter(|(_, (_, at))| *at <= now)
                .min_by_key(|(_, (token, at))| (*at, *token))
                .map(|(timer, (token, at))| (*timer, *token, *at));
            let work_at = overdue.peek().map(|(at, _)| *at);
            match timer {
                Some((timer, token, at)) if work_at.is_none_or(|w| at <= w) => {
                    self.fire_timer(sid, timer, token)
                }
                _ => match overdue.next().map(|(_, item)| item) {
                    Some(Overdue::DiskSynced { count }) => self.disk_synced_now(sid, count),
                    Some(Overdue::WorkDone { work }) => {
                        self.input(sid, |p, now, out| p.on_work_done(now, work, out))
                    }
                    None => break,
                },
            }
        }
        for item in held {
            if self.slot_mut(sid).exiting {
                return;
            }
            self.read_held(sid, item);
        }
    }

    /// The server reads one thing its kernel buffered.
    fn read_held(&mut self, sid: Sid, item: Held) {
        match item {
            Held::Accepted {
                conn,
                channel,
                from,
            } => {
                self.push_log(LogEvent::Accept {
                    conn,
                    channel,
                    from,
                    to: sid,
                });
                self.input(sid, |p, now, out| p.on_accepted(now, conn, channel, out));
            }
            Held::Connected { conn, channel, to } => {
                self.push_log(LogEvent::Connected {
                    conn,
                    channel,
                    from: sid,
                    to,
                });
                self.input(sid, |p, now, out| {
                    p.on_connected(now, conn, channel, to, out)
                });
            }
            Held::ConnectFailed {
                conn,
                channel,
                to,
                reason,
            } => {
                if let Some(reason) = reason {
                    self.push_log(LogEvent::ConnectFailed {
                        conn,
                        channel,
                        from: sid,
                        to,
                        reason,
                    });
                }
                self.input(sid, |p, now, out| {
                    p.on_connect_failed(now, channel, to, out)
                });
            }
            // Checked again: the server may have closed the connection itself since (an
            // overdue read timeout), and then the kernel discards what it had not read.
            Held::Deliver(m) => self.read_message(*m),
            Held::Fin { conn } => self.fin(conn, sid),
            Held::Reset { conn, channel } => {
                self.push_log(LogEvent::Disconnected { conn, sid });
                self.input(sid, |p, now, out| {
                    p.on_disconnected(now, conn, channel, out)
                });
            }
            Held::ClientWrite(op) => self.client_write_now(sid, op),
            Held::ClientArrive {
                client,
                attempt,
                msg,
            } => self.client_arrive(client, sid, attempt, msg),
        }
    }

    /// Keep `item` for `sid` if it is paused; returns whether it was kept.
    pub(super) fn overdue(&mut self, sid: Sid, item: Overdue) -> bool {
        let now = self.now;
        match self.slots.get_mut(&sid).and_then(|s| s.pause.as_mut()) {
            Some(p) => {
                p.overdue.push((now, item));
                true
            }
            None => false,
        }
    }

    /// Keep what the kernel took in for `sid` if it is paused; returns whether it was kept.
    pub(super) fn hold(&mut self, sid: Sid, item: Held) -> bool {
        match self.slots.get_mut(&sid).and_then(|s| s.pause.as_mut()) {
            Some(p) => {
                p.held.push(item);
                true
            }
            None => false,
        }
    }

    pub(super) fn paused(&self, sid: Sid) -> bool {
        self.slots.get(&sid).is_some_and(|s| s.pause.is_some())
    }
}
