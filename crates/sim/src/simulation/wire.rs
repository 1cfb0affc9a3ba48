//! The network's events: connecting, accepting, delivering in order, closing and breaking.

use super::pause::Held;
use super::*;
use crate::network::Direction;

impl Simulation {
    /// `sid` closes its end of `conn`.
    pub(super) fn close_side(&mut self, conn: ConnId, sid: Sid) {
        let now = self.now;
        let lat = self.latency();
        let Some(c) = self.network.get_mut(conn) else {
            return;
        };
        let other = c.other(sid);
        match c.state {
            ConnState::Connecting if sid == c.initiator => c.state = ConnState::Closed,
            ConnState::Connecting => return,
            ConnState::Accepted | ConnState::Open => {
                c.state = ConnState::HalfClosed { by: sid };
                let dir_last = if sid == c.initiator {
                    &mut c.last_delivery.0
                } else {
                    &mut c.last_delivery.1
                };
                let at = now.plus_ms(lat).max(*dir_last);
                *dir_last = at;
                self.queue.push(at, Event::Fin { conn, to: other });
            }
            ConnState::HalfClosed { by } if by != sid => c.state = ConnState::Closed,
            ConnState::HalfClosed { .. } | ConnState::Closed => return,
        }
        self.network.reap(conn);
    }

    pub(super) fn connect_arrive(&mut self, conn: ConnId) {
        let Some(c) = self.network.get(conn) else {
            return;
        };
        if c.state != ConnState::Connecting {
            return;
        }
        let (from, to, channel) = (c.initiator, c.acceptor, c.channel);
        let lat = self.latency();
        let listening = self.peer(to).is_some_and(|p| p.is_listening(channel));
        if !listening {
            let at = self.now.plus_ms(lat);
            self.queue.push(
                at,
                Event::ConnectFailed {
                    conn,
                    reason: ConnectFailure::Refused,
                },
            );
            return;
        }
        let inc = self.incarnation(to);
        let at = self.now.plus_ms(lat);
        if let Some(c) = self.network.get_mut(conn) {
            c.state = ConnState::Accepted;
            c.incarnations.1 = inc;
            c.last_delivery.1 = at;
        }
        self.queue.push(at, Event::ConnectEstablished { conn });
        // The kernel accepts for a paused server; its `accept()` returns at resume.
        if self.hold(
            to,
            Held::Accepted {
                conn,
                channel,
                from,
            },
        ) {
            return;
        }
        self.push_log(LogEvent::Accept {
            conn,
            channel,
            from,
            to,
        });
        self.input(to, |p, now, out| p.on_accepted(now, conn, channel, out));
    }

    pub(super) fn connect_established(&mut self, conn: ConnId) {
        let Some(c) = self.network.get(conn) else {
            return;
        };
        let (from, to, channel, inc) = (c.initiator, c.acceptor, c.channel, c.incarnations.0);
        match c.state {
            ConnState::Accepted => {}
            ConnState::HalfClosed { by } if by == to => {}
            _ => return,
        }
        if self.incarnation(from) != inc || !self.is_up(from) {
            return;
        }
        if let Some(c) = self.network.get_mut(conn) {
            if c.state == ConnState::Accepted {
                c.state = ConnState::Open;
            }
        }
        if self.hold(from, Held::Connected { conn, channel, to }) {
            return;
        }
        self.push_log(LogEvent::Connected {
            conn,
            channel,
            from,
            to,
        });
        self.input(from, |p, now, out| {
            p.on_connected(now, conn, channel, to, out)
        });
    }

    pub(super) fn connect_failed(&mut self, conn: ConnId, reason: ConnectFailure) {
        let Some(c) = self.network.get_mut(conn) else {
            return;
        };
        if c.state != ConnState::Connecting {
            return;
        }
        c.state = ConnState::Closed;
        let (from, to, channel, inc) = (c.initiator, c.acceptor, c.channel, c.incarnations.0);
        self.network.reap(conn);
        if self.incarnation(from) == inc
            && self.hold(
                from,
                Held::ConnectFailed {
                    conn,
                    channel,
                    to,
                    reason: Some(reason),
                },
            )
        {
            return;
        }
        self.push_log(LogEvent::ConnectFailed {
            conn,
            channel,
            from,
            to,
            reason,
        });
        if self.incarnation(from) == inc {
            self.input(from, |p, now, out| {
                p.on_connect_failed(now, channel, to, out)
            });
        }
    }

    pub(super) fn deliver(&mut self, msg: MsgId) {
        match self.in_flight.get(&msg) {
            None => return,
            Some(m) if m.deliver_at > self.now => {
                // Held back by `delay_message`: deliver later, still in order.
                self.queue.push(m.deliver_at, Event::Deliver { msg });
                return;
            }
            Some(_) => {}
        }
        let Some(m) = self.in_flight.remove(&msg) else {
            return;
        };
        if self.paused(m.to) && self.readable(&m) {
            // In the socket buffer, read at resume.
            self.hold(m.to, Held::Deliver(Box::new(m)));
            return;
        }
        self.read_message(m);
    }

    /// Whether `m`'s receiver can still read it: its end of the connection is open, and it
    /// is the process that connection belongs to.
    fn readable(&self, m: &InFlight) -> bool {
        let to_inc = self.incarnation(m.to);
        self.network.get(m.conn).is_some_and(|c| {
            let inc = if m.to == c.initiator {
                c.incarnations.0
            } else {
                c.incarnations.1
            };
            c.readable_by(m.to) && inc == to_inc
        }) && self.is_up(m.to)
    }

    /// The receiver reads `m` (or it is lost, when its connection closed first).
    pub(super) fn read_message(&mut self, m: InFlight) {
        let msg = m.msg;
        if !self.readable(&m) {
            self.push_log(LogEvent::Drop {
                msg,
                send_index: m.send_index,
                reason: DropCause::ConnectionClosed,
            });
            return;
        }
        self.push_log(LogEvent::Deliver {
            msg,
            send_index: m.send_index,
            to: m.to,
        });
        let (conn, channel) = (m.conn, m.channel);
        self.input(m.to, |p, now, out| {
            p.on_message(now, conn, channel, &m.message, out)
        });
    }

    pub(super) fn fin(&mut self, conn: ConnId, to: Sid) {
        let Some(c) = self.network.get_mut(conn) else {
            return;
        };
        let ConnState::HalfClosed { by } = c.state else {
            return;
        };
        if by == to {
            return;
        }
        let inc = if to == c.initiator {
            c.incarnations.0
        } else {
            c.incarnations.1
        };
        let channel = c.channel;
        if self.incarnation(to) == inc && self.paused(to) {
            // Behind the data before it in the socket buffer: the connection stays
            // half-closed until the server reads the EOF.
            self.hold(to, Held::Fin { conn });
            return;
        }
        let Some(c) = self.network.get_mut(conn) else {
            return;
        };
        c.state = ConnState::Closed;
        self.network.reap(conn);
        if self.incarnation(to) == inc && self.is_up(to) {
            self.push_log(LogEvent::Disconnected { conn, sid: to });
            self.input(to, |p, now, out| p.on_disconnected(now, conn, channel, out));
        }
    }

    pub(super) fn apply_partition(&mut self, from: Sid, to: Sid, direction: Direction) {
        self.network.block(from, to);
        if direction == Direction::Both {
            self.network.block(to, from);
        }
        self.push_log(LogEvent::Partition {
            from,
            to,
            direction,
        });
        let conns: Vec<ConnId> = self
            .network
            .live()
            .filter(|c| {
                (c.initiator, c.acceptor) == (from, to) || (c.initiator, c.acceptor) == (to, from)
            })
            .map(|c| c.id)
            .collect();
        for conn in conns {
            self.break_conn(conn, BreakCause::Partition);
        }
    }

    /// Both ends see the connection reset at once; what was on the wire is lost.
    pub(super) fn break_conn(&mut self, conn: ConnId, reason: BreakCause) {
        let Some(c) = self.network.get_mut(conn) else {
            return;
        };
        if c.state == ConnState::Closed {
            return;
        }
        let was = c.state;
        c.state = ConnState::Closed;
        let c = c.clone();
        self.network.reap(conn);
        self.push_log(LogEvent::Break { conn, reason });
        let ends = [
            (c.initiator, c.incarnations.0),
            (c.acceptor, c.incarnations.1),
        ];
        for (sid, inc) in ends {
            let saw_open = match was {
                ConnState::Connecting => false,
                ConnState::Accepted => sid == c.acceptor,
                ConnState::HalfClosed { by } => by != sid,
                _ => true,
            };
            let handshaking = matches!(was, ConnState::Connecting | ConnState::Accepted);
            if handshaking && sid == c.initiator && self.incarnation(sid) == inc {
                let channel = c.channel;
                let to = c.acceptor;
                let failed = Held::ConnectFailed {
                    conn,
                    channel,
                    to,
                    reason: None,
                };
                if !self.hold(sid, failed) {
                    self.input(sid, |p, now, out| {
                        p.on_connect_failed(now, channel, to, out)
                    });
                }
            } else if saw_open && self.incarnation(sid) == inc && self.is_up(sid) {
                let channel = c.channel;
                if self.hold(sid, Held::Reset { conn, channel }) {
                    continue;
                }
                self.push_log(LogEvent::Disconnected { conn, sid });
                let channel = c.channel;
                self.input(sid, |p, now, out| {
                    p.on_disconnected(now, conn, channel, out)
                });
            }
        }
    }

    pub(super) fn connect(&mut self, from: Sid, channel: Channel, to: Sid, timeout_ms: u64) {
        let incs = (self.incarnation(from), 0);
        let conn = self.network.open(channel, from, to, incs);
        self.push_log(LogEvent::Connect {
            conn,
            channel,
            from,
            to,
        });
        if !self.network.reachable(from, to) || !self.slots.contains_key(&to) {
            let at = self.now.plus_ms(timeout_ms);
            self.queue.push(
                at,
                Event::ConnectFailed {
                    conn,
                    reason: ConnectFailure::TimedOut,
                },
            );
        } else {
            let at = self.now.plus_ms(self.latency());
            self.queue.push(at, Event::ConnectArrive { conn });
        }
    }

    pub(super) fn send(&mut self, from: Sid, conn: ConnId, message: Message) {
        let now = self.now;
        let lat = self.latency();
        let Some(c) = self.network.get_mut(conn) else {
            return;
        };
        let writable = match c.state {
            ConnState::Open => true,
            ConnState::Accepted => from == c.acceptor,
            _ => false,
        };
        let to = c.other(from);
        let channel = c.channel;
        if !writable {
            return;
        }
        let dir_last = if from == c.initiator {
            &mut c.last_delivery.0
        } else {
            &mut c.last_delivery.1
        };
        // FIFO: never before the previous packet in this direction.
        let deliver_at = now.plus_ms(lat).max(*dir_last);
        *dir_last = deliver_at;
        let msg = MsgId(self.next_msg);
        self.next_msg += 1;
        let send_index = self.push_log(LogEvent::Send(Box::new(Sent {
            msg,
            conn,
            channel,
            from,
            to,
            message: message.clone(),
            deliver_at,
        })));
        self.in_flight.insert(
            msg,
            InFlight {
                msg,
                conn,
                channel,
                from,
                to,
                message,
                sent_at: now,
                deliver_at,
                send_index,
            },
        );
        self.queue.push(deliver_at, Event::Deliver { msg });
    }
}
