//! The fault vocabulary: what a person can do to a run ([`UserAction`]), its compact code in
//! links (`c3`, `p1-2`, `l17+500`…), and whether it would change anything where it is applied.

use super::action_error::ActionRefusal;
use crate::network::Direction;
use crate::trace::MsgId;
use crate::{ServerStatus, Simulation};
use core::fmt;
use zab::zk_database::TxnOp;
use zab::Sid;

/// The longest a `Delay` may hold a message back: an hour of simulated time. Zero would change
/// nothing, and the app adds the delay to a message's delivery time.
pub const MAX_DELAY_MS: u64 = 3_600_000;

/// Something a person did to the run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UserAction {
    Crash(Sid),
    Restart(Sid),
    Partition {
        from: Sid,
        to: Sid,
        direction: Direction,
    },
    Heal,
    /// Break every connection between two servers (both channels).
    Break {
        a: Sid,
        b: Sid,
    },
    Drop(MsgId),
    Delay {
        msg: MsgId,
        extra_ms: u64,
    },
    /// A client write at a server: `create /w<step>` (or setData if it exists) = `v<step>`.
    Write(Sid),
    /// A session client connects to a server (§13): it creates a session and the ephemeral
    /// `/client-N` (N its number), pings, and reconnects to the next server on connection
    /// loss. Code `k3`.
    Connect(Sid),
    /// Stop a server's process, as SIGSTOP or a long stop-the-world GC pause would (§11.5):
    /// nothing of it runs, its kernel still buffers what arrives.
    Pause(Sid),
    /// Let a paused server go on (SIGCONT, or the GC pause ending).
    Resume(Sid),
}

impl UserAction {
    /// The compact form used in links: `c3`, `r3`, `p1-2`, `o1-2`, `h`, `b1-2`, `d17`,
    /// `l17+500`, `w3`, `s3` (stop, as SIGSTOP), `u3` (unpause), `k3` (a session client connects).
    pub fn code(&self) -> String {
        match self {
            UserAction::Crash(s) => format!("c{s}"),
            UserAction::Restart(s) => format!("r{s}"),
            UserAction::Partition {
                from,
                to,
                direction: Direction::Both,
            } => format!("p{from}-{to}"),
            UserAction::Partition {
                from,
                to,
                direction: Direction::OneWay,
            } => format!("o{from}-{to}"),
            UserAction::Heal => "h".to_string(),
            UserAction::Break { a, b } => format!("b{a}-{b}"),
            UserAction::Drop(m) => format!("d{}", m.0),
            UserAction::Delay { msg, extra_ms } => format!("l{}+{extra_ms}", msg.0),
            UserAction::Write(s) => format!("w{s}"),
            UserAction::Connect(s) => format!("k{s}"),
            UserAction::Pause(s) => format!("s{s}"),
            UserAction::Resume(s) => format!("u{s}"),
        }
    }

    pub fn parse(code: &str) -> Option<UserAction> {
        let pair = |r: &str| -> Option<(Sid, Sid)> {
            let (a, b) = r.split_once('-')?;
            Some((Sid(a.parse().ok()?), Sid(b.parse().ok()?)))
        };
        let (head, rest) = code.split_at(code.char_indices().nth(1).map_or(code.len(), |(i, _)| i));
        Some(match head {
            "c" => UserAction::Crash(Sid(rest.parse().ok()?)),
            "r" => UserAction::Restart(Sid(rest.parse().ok()?)),
            "w" => UserAction::Write(Sid(rest.parse().ok()?)),
            "k" => UserAction::Connect(Sid(rest.parse().ok()?)),
            "s" => UserAction::Pause(Sid(rest.parse().ok()?)),
            "u" => UserAction::Resume(Sid(rest.parse().ok()?)),
            "p" | "o" => {
                let (from, to) = pair(rest)?;
                UserAction::Partition {
                    from,
                    to,
                    direction: if head == "o" {
                        Direction::OneWay
                    } else {
                        Direction::Both
                    },
                }
            }
            "b" => {
                let (a, b) = pair(rest)?;
                UserAction::Break { a, b }
            }
            "h" if rest.is_empty() => UserAction::Heal,
            "d" => UserAction::Drop(MsgId(rest.parse().ok()?)),
            "l" => {
                let (m, ms) = rest.split_once('+')?;
                UserAction::Delay {
                    msg: MsgId(m.parse().ok()?),
                    extra_ms: ms.parse().ok()?,
                }
            }
            _ => return None,
        })
    }

    pub(crate) fn sids(&self) -> Vec<Sid> {
        match self {
            UserAction::Crash(s)
            | UserAction::Restart(s)
            | UserAction::Write(s)
            | UserAction::Connect(s)
            | UserAction::Pause(s)
            | UserAction::Resume(s) => vec![*s],
            UserAction::Partition { from, to, .. } => vec![*from, *to],
            UserAction::Break { a, b } => vec![*a, *b],
            _ => vec![],
        }
    }

    /// What the action's parameters alone rule out in an ensemble of `servers` servers: a
    /// server outside 1..=servers, a partition or break of a server with itself, a delay
    /// outside 1..=[`MAX_DELAY_MS`].
    pub(crate) fn static_refusal(&self, servers: u64) -> Option<ActionRefusal> {
        let known = |s: &Sid| u64::try_from(s.0).is_ok_and(|n| (1..=servers).contains(&n));
        if let Some(sid) = self.sids().into_iter().find(|s| !known(s)) {
            return Some(ActionRefusal::UnknownServer { sid, servers });
        }
        match self {
            UserAction::Partition { from: a, to: b, .. } | UserAction::Break { a, b } if a == b => {
                Some(ActionRefusal::SameServer { sid: *a })
            }
            UserAction::Delay { extra_ms, .. } if !(1..=MAX_DELAY_MS).contains(extra_ms) => {
                Some(ActionRefusal::DelayOutOfRange {
                    extra_ms: *extra_ms,
                })
            }
            _ => None,
        }
    }

    /// Why the action would change nothing in `sim` as it stands, or contradict it; `None`
    /// when it may be applied. A client write is always allowed: at a server that is down it
    /// is refused by the server, which the log shows.
    pub(crate) fn refusal(&self, sim: &Simulation) -> Option<ActionRefusal> {
        let servers = sim.sids().count() as u64;
        if let Some(r) = self.static_refusal(servers) {
            return Some(r);
        }
        let status = |sid: Sid| sim.status(sid).unwrap_or(ServerStatus::NotStarted);
        let not_running = |sid: Sid| {
            (status(sid) != ServerStatus::Running).then(|| ActionRefusal::NotRunning {
                sid,
                status: status(sid),
            })
        };
        match self {
            // A paused process can be killed (SIGKILL needs no SIGCONT).
            UserAction::Crash(sid) => not_running(*sid),
            // Its process still exists: there is nothing to start.
            UserAction::Restart(sid) if sim.is_paused(*sid) => {
                Some(ActionRefusal::Paused { sid: *sid })
            }
            UserAction::Restart(sid) => (status(*sid) == ServerStatus::Running)
                .then_some(ActionRefusal::AlreadyRunning { sid: *sid }),
            UserAction::Pause(sid) => not_running(*sid).or_else(|| {
                sim.is_paused(*sid)
                    .then_some(ActionRefusal::AlreadyPaused { sid: *sid })
            }),
            UserAction::Resume(sid) => (!sim.is_paused(*sid)).then(|| ActionRefusal::NotPaused {
                sid: *sid,
                status: status(*sid),
            }),
            UserAction::Partition {
                from,
                to,
                direction,
            } => {
                let net = sim.network();
                let done = net.is_blocked(*from, *to)
                    && (*direction == Direction::OneWay || net.is_blocked(*to, *from));
                done.then_some(ActionRefusal::AlreadyPartitioned {
                    from: *from,
                    to: *to,
                    direction: *direction,
                })
            }
            UserAction::Heal => sim
                .network()
                .blocked()
                .next()
                .is_none()
                .then_some(ActionRefusal::NothingPartitioned),
            UserAction::Break { a, b } => sim
                .connections()
                .all(|c| !between(c.initiator, c.acceptor, *a, *b))
                .then_some(ActionRefusal::NoConnection { a: *a, b: *b }),
            UserAction::Drop(msg) | UserAction::Delay { msg, .. } => sim
                .in_flight()
                .all(|m| m.msg != *msg)
                .then_some(ActionRefusal::NotInFlight { msg: *msg }),
            // Like a write: a client of a server that is down is refused and tries the next.
            UserAction::Write(_) | UserAction::Connect(_) => None,
        }
    }

    pub(super) fn apply(&self, sim: &mut Simulation, step: u64) {
        match self {
            UserAction::Crash(s) => sim.crash(*s),
            UserAction::Restart(s) => sim.restart(*s),
            UserAction::Partition {
                from,
                to,
                direction,
            } => sim.partition(*from, *to, *direction),
            UserAction::Heal => sim.heal(),
            UserAction::Break { a, b } => {
                let conns: Vec<_> = sim
                    .connections()
                    .filter(|c| between(c.initiator, c.acceptor, *a, *b))
                    .map(|c| c.id)
                    .collect();
                for c in conns {
                    sim.break_connection(c);
                }
            }
            UserAction::Drop(m) => sim.drop_message(*m),
            UserAction::Delay { msg, extra_ms } => sim.delay_message(*msg, *extra_ms),
            UserAction::Pause(s) => sim.pause(*s),
            UserAction::Resume(s) => sim.resume(*s),
            UserAction::Connect(s) => {
                let n = sim.clients().count() + 1;
                sim.add_client(crate::clients::ClientSpec {
                    ops: vec![crate::clients::ClientOp::ephemeral(
                        &format!("/client-{n}"),
                        "alive",
                    )],
                    ..crate::clients::ClientSpec::at(*s)
                });
            }
            UserAction::Write(s) => {
                let path = format!("/w{step}");
                sim.client_write(
                    *s,
                    TxnOp::Create {
                        path,
                        data: format!("v{step}"),
                    },
                );
            }
        }
    }
}

impl fmt::Display for UserAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UserAction::Crash(s) => write!(f, "crash {s}"),
            UserAction::Restart(s) => write!(f, "restart {s}"),
            UserAction::Partition {
                from,
                to,
                direction: Direction::Both,
            } => write!(f, "partition {from} ↮ {to}"),
            UserAction::Partition {
                from,
                to,
                direction: Direction::OneWay,
            } => write!(f, "partition {from} ↛ {to}"),
            UserAction::Heal => f.write_str("heal"),
            UserAction::Break { a, b } => write!(f, "break {a}–{b}"),
            UserAction::Drop(m) => write!(f, "drop message #{}", m.0),
            UserAction::Delay { msg, extra_ms } => {
                write!(f, "delay message #{} by {extra_ms} ms", msg.0)
            }
            UserAction::Write(s) => write!(f, "client write at {s}"),
            UserAction::Connect(s) => write!(f, "a client connects to {s}"),
            UserAction::Pause(s) => write!(f, "pause {s}"),
            UserAction::Resume(s) => write!(f, "resume {s}"),
        }
    }
}

/// Whether a connection from `i` to `j` joins `a` and `b`, either way round.
pub(super) fn between(i: Sid, j: Sid, a: Sid, b: Sid) -> bool {
    (i, j) == (a, b) || (i, j) == (b, a)
}
