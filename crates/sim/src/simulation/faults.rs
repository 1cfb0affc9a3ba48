//! Faults and client writes, applied now or scheduled: the control API people and scenarios use.

use super::*;
use crate::network::Direction;

impl Simulation {
    pub(super) fn act(&mut self, action: Action) {
        match action {
            Action::Crash(t) => {
                for s in scenario::resolve(self, t) {
                    self.crash(s);
                }
            }
            Action::Restart(t) => {
                for s in scenario::resolve(self, t) {
                    self.restart(s);
                }
            }
            Action::Write { at, op } => {
                for s in scenario::resolve(self, at) {
                    self.client_write(s, op.clone());
                }
            }
            Action::Isolate(t) => {
                for a in scenario::resolve(self, t) {
                    for b in self.sids().filter(|b| *b != a).collect::<Vec<_>>() {
                        self.partition(a, b, Direction::Both);
                    }
                }
            }
            Action::PartitionLeaderFrom { count, direction } => {
                if let Some(leader) = scenario::resolve(self, scenario::Target::Leader)
                    .first()
                    .copied()
                {
                    let followers: Vec<Sid> = (0..count)
                        .filter_map(|n| {
                            scenario::resolve(self, scenario::Target::Follower(n))
                                .first()
                                .copied()
                        })
                        .collect();
                    for f in followers {
                        self.partition(leader, f, direction);
                    }
                }
            }
            Action::Pause(t) => {
                for s in scenario::resolve(self, t) {
                    self.pause(s);
                }
            }
            Action::Resume(t) => {
                for s in scenario::resolve(self, t) {
                    self.resume(s);
                }
            }
            Action::Heal => self.heal(),
            Action::AddClient { at, spec } => {
                for server in scenario::resolve(self, at) {
                    self.add_client(crate::clients::ClientSpec {
                        server,
                        ..spec.clone()
                    });
                }
            }
        }
    }

    pub fn crash_at(&mut self, at: Time, sid: Sid) {
        self.queue.push(at, Event::Crash { sid });
    }

    pub fn restart_at(&mut self, at: Time, sid: Sid) {
        self.queue.push(at, Event::Start { sid });
    }

    /// Stop `sid`'s process at `at` (SIGSTOP, or a GC pause beginning; §11.5).
    pub fn pause_at(&mut self, at: Time, sid: Sid) {
        self.queue.push(at, Event::Pause { sid });
    }

    /// Let `sid`'s process go on at `at` (SIGCONT, or the GC pause ending).
    pub fn resume_at(&mut self, at: Time, sid: Sid) {
        self.queue.push(at, Event::Resume { sid });
    }

    pub fn partition_at(&mut self, at: Time, from: Sid, to: Sid, direction: Direction) {
        self.queue.push(
            at,
            Event::Partition {
                from,
                to,
                direction,
            },
        );
    }

    pub fn heal_at(&mut self, at: Time) {
        self.queue.push(at, Event::Heal);
    }

    pub fn break_connection_at(&mut self, at: Time, conn: ConnId) {
        self.queue.push(at, Event::Break { conn });
    }

    /// A client writes at server `sid` (create or setData).
    pub fn client_write_at(&mut self, at: Time, sid: Sid, op: TxnOp) {
        self.queue.push(at, Event::ClientWrite { sid, op });
    }

    /// A client writes at server `sid` now.
    pub fn client_write(&mut self, sid: Sid, op: TxnOp) {
        self.handle(Event::ClientWrite { sid, op });
    }

    /// Hold a message in flight `extra_ms` longer. TCP order is kept: everything sent after it
    /// on the same connection and direction waits behind it.
    pub fn delay_message(&mut self, msg: MsgId, extra_ms: u64) {
        let Some(m) = self.in_flight.get_mut(&msg) else {
            return;
        };
        let until = m.deliver_at.plus_ms(extra_ms);
        m.deliver_at = until;
        let (conn, from) = (m.conn, m.from);
        for other in self.in_flight.values_mut() {
            if other.conn == conn && other.from == from && other.msg > msg {
                other.deliver_at = other.deliver_at.max(until);
            }
        }
        if let Some(c) = self.network.get_mut(conn) {
            let last = if from == c.initiator {
                &mut c.last_delivery.0
            } else {
                &mut c.last_delivery.1
            };
            *last = (*last).max(until);
        }
        self.push_log(LogEvent::Delay { msg, extra_ms });
    }

    /// Drop a message in flight, as a lossy link would (the connection stays up).
    pub fn drop_message(&mut self, msg: MsgId) {
        if let Some(m) = self.in_flight.remove(&msg) {
            self.push_log(LogEvent::Drop {
                msg,
                send_index: m.send_index,
                reason: DropCause::ByHand,
            });
        }
    }

    /// Crash a server now: its process and every unsynced write are gone.
    pub fn crash(&mut self, sid: Sid) {
        self.crash_now(sid);
    }

    /// Start a crashed (or never started) server now, from its disk.
    pub fn restart(&mut self, sid: Sid) {
        self.start(sid);
    }

    /// Stop a running server's process now: no thread of it runs, none of its timers fires
    /// and it reads nothing until [`Simulation::resume`]; its kernel still accepts
    /// connections and buffers packets, and its connections stay up (§11.5). A server that is
    /// down or already paused is left alone.
    pub fn pause(&mut self, sid: Sid) {
        self.pause_now(sid);
    }

    /// Let a paused server go on now: its overdue timers fire in deadline order, then it reads
    /// what its kernel buffered, in arrival order. A server that is not paused is left alone.
    pub fn resume(&mut self, sid: Sid) {
        self.resume_now(sid);
    }

    /// Partition now: symmetric, or only `from` → `to` when `direction`.
    pub fn partition(&mut self, from: Sid, to: Sid, direction: Direction) {
        self.handle(Event::Partition {
            from,
            to,
            direction,
        });
    }

    /// Heal every partition now.
    pub fn heal(&mut self) {
        self.handle(Event::Heal);
    }

    /// Break one connection now (both ends see it reset).
    pub fn break_connection(&mut self, conn: ConnId) {
        self.break_conn(conn, BreakCause::ByHand);
    }
}
