//! The world: simulated time, the event queue, the network, the servers and their disks, the
//! faults, and the event log.
//!
//! ```text
//!   EventQueue (time, seq) ──pop──▶ Simulation::step ──on_*──▶ QuorumPeer
//!        ▲                              │                          │
//!        └── Deliver / Fin / Timer ◀── apply effects ◀── Outbox ◀──┘
//!                                       └──▶ event log (LogEntry)
//! ```

use crate::event_queue::EventQueue;
use crate::network::{ConnState, Connection, Network};
use crate::rng::{Stream, Streams};
use crate::scenario::{self, Action, Script};
use crate::trace::{self, LogEntry, LogEvent, MsgId};
use std::collections::BTreeMap;
use zab::config::{ConfigError, QuorumConfig};
use zab::message::Message;
use zab::output::{Channel, ConnId, Effect, EpochFile, Outbox, Timer};
use zab::peer::{DurableState, QuorumPeer, ThreadView};
use zab::zk_database::{Txn, TxnOp};
use zab::{Sid, Time, Zxid};

/// When each server starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StartPlan {
    /// Every server at t=0.
    Together,
    /// Each server at a time drawn from `0..=max_ms` (faults stream).
    Staggered { max_ms: u64 },
    /// Exactly these times; servers not named do not start.
    At(BTreeMap<Sid, Time>),
}

/// Everything that determines a run, with the seed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimOptions {
    pub seed: u64,
    pub config: QuorumConfig,
    /// One-way latency of a packet, drawn uniformly from this inclusive range (ms).
    pub latency_ms: (u64, u64),
    /// How long an fsync takes, drawn from this inclusive range (ms).
    pub fsync_ms: (u64, u64),
    pub start: StartPlan,
}

impl SimOptions {
    /// `voters` + `observers` servers with the sample config, 5–40 ms links, starts staggered
    /// over 300 ms.
    pub fn new(seed: u64, voters: u32, observers: u32) -> Result<SimOptions, ConfigError> {
        Ok(SimOptions {
            seed,
            config: QuorumConfig::standard(voters, observers)?,
            latency_ms: (5, 40),
            fsync_ms: (2, 8),
            start: StartPlan::Staggered { max_ms: 300 },
        })
    }
}

/// A message on the wire, for the views: where it is between its send and its delivery.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InFlight {
    pub msg: MsgId,
    pub conn: ConnId,
    pub channel: Channel,
    pub from: Sid,
    pub to: Sid,
    pub message: Message,
    pub sent_at: Time,
    pub deliver_at: Time,
    pub send_index: u64,
}

#[derive(Clone, Debug)]
enum Event {
    Start {
        sid: Sid,
    },
    Crash {
        sid: Sid,
    },
    ConnectArrive {
        conn: ConnId,
    },
    ConnectEstablished {
        conn: ConnId,
    },
    ConnectFailed {
        conn: ConnId,
        reason: &'static str,
    },
    Deliver {
        msg: MsgId,
    },
    Fin {
        conn: ConnId,
        to: Sid,
    },
    Timer {
        sid: Sid,
        incarnation: u64,
        timer: Timer,
        token: u64,
    },
    Partition {
        from: Sid,
        to: Sid,
        one_way: bool,
    },
    Heal,
    Break {
        conn: ConnId,
    },
    DiskSynced {
        sid: Sid,
        incarnation: u64,
        count: u64,
    },
    ClientWrite {
        sid: Sid,
        op: TxnOp,
    },
}

/// A server's disk: what survives a crash (`durable`) and what an fsync has not covered yet.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Disk {
    pub durable: DurableState,
    /// Appended to the txn log but still in the OS buffer: a crash loses it.
    pub pending: Vec<Txn>,
}

/// Whether a server's process runs, and if not, why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServerStatus {
    NotStarted,
    Running,
    Crashed,
    /// `loadDataBase` refused to start (see the log for the reason).
    StartupFailed,
}

/// A server's place in the world: its process (absent while down), its disk, its timers.
#[derive(Clone, Debug)]
struct Slot {
    status: ServerStatus,
    peer: Option<QuorumPeer>,
    disk: Disk,
    incarnation: u64,
    timers: BTreeMap<Timer, u64>,
    threads: Vec<ThreadView>,
    /// `QuorumPeer::phase_inputs` as of `threads`: rows are rebuilt only when it changes.
    phase_inputs: Vec<u64>,
}

/// The deterministic world one seed describes.
#[derive(Clone, Debug)]
pub struct Simulation {
    options: SimOptions,
    now: Time,
    queue: EventQueue<Event>,
    rng: Streams,
    network: Network,
    slots: BTreeMap<Sid, Slot>,
    in_flight: BTreeMap<MsgId, InFlight>,
    next_msg: u64,
    next_token: u64,
    log: Vec<LogEntry>,
    /// How many entries `drain_log` has moved out (the index of `log[0]`).
    log_base: u64,
    /// A reused buffer for `QuorumPeer::phase_inputs`.
    scratch: Vec<u64>,
    /// How many events `step` has run.
    steps: u64,
    script: Script,
}

impl Simulation {
    pub fn new(options: SimOptions) -> Result<Simulation, ConfigError> {
        options.config.validate()?;
        let mut sim = Simulation {
            now: Time(0),
            queue: EventQueue::default(),
            rng: Streams::new(options.seed),
            network: Network::default(),
            slots: BTreeMap::new(),
            in_flight: BTreeMap::new(),
            next_msg: 0,
            next_token: 0,
            log: Vec::new(),
            log_base: 0,
            scratch: Vec::new(),
            steps: 0,
            script: Script::default(),
            options,
        };
        let sids: Vec<Sid> = sim.options.config.servers.keys().copied().collect();
        for sid in &sids {
            sim.slots.insert(
                *sid,
                Slot {
                    status: ServerStatus::NotStarted,
                    peer: None,
                    disk: Disk::default(),
                    incarnation: 0,
                    timers: BTreeMap::new(),
                    threads: Vec::new(),
                    phase_inputs: Vec::new(),
                },
            );
        }
        let plan = sim.options.start.clone();
        for sid in sids {
            let at = match &plan {
                StartPlan::Together => Some(Time(0)),
                StartPlan::Staggered { max_ms } => {
                    Some(Time(sim.rng.range(Stream::Faults, 0, *max_ms)))
                }
                StartPlan::At(map) => map.get(&sid).copied(),
            };
            if let Some(at) = at {
                sim.queue.push(at, Event::Start { sid });
            }
        }
        Ok(sim)
    }

    pub fn options(&self) -> &SimOptions {
        &self.options
    }

    pub fn now(&self) -> Time {
        self.now
    }

    /// The event log (what `drain_log` has not moved out yet).
    pub fn log(&self) -> &[LogEntry] {
        &self.log
    }

    /// Move the log entries out (a `Session` keeps the one master log); indices go on.
    pub fn drain_log(&mut self) -> Vec<LogEntry> {
        self.log_base += self.log.len() as u64;
        std::mem::take(&mut self.log)
    }

    /// The index the next log entry will get.
    pub fn log_len(&self) -> u64 {
        self.log_base + self.log.len() as u64
    }

    /// How many events have run.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    pub fn trace_hash(&self) -> u64 {
        trace::trace_hash(&self.log)
    }

    pub fn next_event_time(&self) -> Option<Time> {
        match (self.queue.peek_time(), self.script.next_time()) {
            (Some(q), Some(s)) => Some(q.min(s)),
            (q, s) => q.or(s),
        }
    }

    pub fn sids(&self) -> impl Iterator<Item = Sid> + '_ {
        self.slots.keys().copied()
    }

    /// Whether the server runs, and if not, why.
    pub fn status(&self, sid: Sid) -> Option<ServerStatus> {
        self.slots.get(&sid).map(|s| s.status)
    }

    /// The running process of a server, or `None` while it is down.
    pub fn peer(&self, sid: Sid) -> Option<&QuorumPeer> {
        self.slots.get(&sid)?.peer.as_ref()
    }

    pub fn disk(&self, sid: Sid) -> Option<&Disk> {
        self.slots.get(&sid).map(|s| &s.disk)
    }

    pub fn in_flight(&self) -> impl Iterator<Item = &InFlight> {
        self.in_flight.values()
    }

    pub fn network(&self) -> &Network {
        &self.network
    }

    pub fn connections(&self) -> impl Iterator<Item = &Connection> {
        self.network.live()
    }

    /// Attach a scenario's script; its steps fire as the run reaches them.
    pub fn set_script(&mut self, script: Script) {
        self.script = script;
        self.run_script();
    }

    /// Run the next event. Returns false when nothing is left to happen.
    pub fn step(&mut self) -> bool {
        let script_at = self.script.next_time();
        let queue_at = self.queue.peek_time();
        if let Some(t) = script_at {
            if queue_at.is_none_or(|q| t < q) {
                // A scripted step is due before the next event.
                self.now = self.now.max(t);
                self.steps += 1;
                self.run_script();
                return true;
            }
        }
        let Some((at, event)) = self.queue.pop() else {
            return false;
        };
        debug_assert!(at >= self.now, "time went backwards: {at} < {}", self.now);
        self.now = at;
        self.steps += 1;
        self.handle(event);
        self.run_script();
        true
    }

    fn run_script(&mut self) {
        if self.script.is_done() {
            return;
        }
        let mut script = std::mem::take(&mut self.script);
        let actions = script.due(self);
        self.script = script;
        for action in actions {
            self.act(action);
        }
    }

    fn act(&mut self, action: Action) {
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
                        self.partition(a, b, false);
                    }
                }
            }
            Action::PartitionLeaderFrom { count, one_way } => {
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
                        self.partition(leader, f, one_way);
                    }
                }
            }
            Action::Heal => self.heal(),
        }
    }

    /// Run every event due at or before `until`, then stand at `until`.
    pub fn run_until(&mut self, until: Time) {
        while self.next_event_time().is_some_and(|t| t <= until) {
            self.step();
        }
        self.now = self.now.max(until);
    }

    /// Step until `pred` holds or time passes `deadline`. Returns whether `pred` held.
    pub fn run_until_pred(
        &mut self,
        deadline: Time,
        mut pred: impl FnMut(&Simulation) -> bool,
    ) -> bool {
        loop {
            if pred(self) {
                return true;
            }
            match self.next_event_time() {
                Some(t) if t <= deadline => {
                    self.step();
                }
                _ => {
                    self.now = self.now.max(deadline);
                    return pred(self);
                }
            }
        }
    }

    // ---- Faults, applied now or at a given time ---------------------------------------

    pub fn crash_at(&mut self, at: Time, sid: Sid) {
        self.queue.push(at, Event::Crash { sid });
    }

    pub fn restart_at(&mut self, at: Time, sid: Sid) {
        self.queue.push(at, Event::Start { sid });
    }

    pub fn partition_at(&mut self, at: Time, from: Sid, to: Sid, one_way: bool) {
        self.queue.push(at, Event::Partition { from, to, one_way });
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
                reason: "dropped by hand".to_string(),
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

    /// Partition now: symmetric, or only `from` → `to` when `one_way`.
    pub fn partition(&mut self, from: Sid, to: Sid, one_way: bool) {
        self.handle(Event::Partition { from, to, one_way });
    }

    /// Heal every partition now.
    pub fn heal(&mut self) {
        self.handle(Event::Heal);
    }

    /// Break one connection now (both ends see it reset).
    pub fn break_connection(&mut self, conn: ConnId) {
        self.break_conn(conn, "broken by hand");
    }

    // ---- Event handling ----------------------------------------------------------------

    fn push_log(&mut self, event: LogEvent) -> u64 {
        let index = self.log_base + self.log.len() as u64;
        self.log.push(LogEntry {
            index,
            time: self.now,
            event,
        });
        index
    }

    fn latency(&mut self) -> u64 {
        let (lo, hi) = self.options.latency_ms;
        self.rng.range(Stream::Network, lo, hi)
    }

    fn is_up(&self, sid: Sid) -> bool {
        self.slots.get(&sid).is_some_and(|s| s.peer.is_some())
    }

    fn incarnation(&self, sid: Sid) -> u64 {
        self.slots.get(&sid).map_or(0, |s| s.incarnation)
    }

    fn handle(&mut self, event: Event) {
        match event {
            Event::Start { sid } => self.start(sid),
            Event::Crash { sid } => self.crash_now(sid),
            Event::ConnectArrive { conn } => self.connect_arrive(conn),
            Event::ConnectEstablished { conn } => self.connect_established(conn),
            Event::ConnectFailed { conn, reason } => self.connect_failed(conn, reason),
            Event::Deliver { msg } => self.deliver(msg),
            Event::Fin { conn, to } => self.fin(conn, to),
            Event::Timer {
                sid,
                incarnation,
                timer,
                token,
            } => self.timer(sid, incarnation, timer, token),
            Event::Partition { from, to, one_way } => self.apply_partition(from, to, one_way),
            Event::Heal => {
                self.network.heal();
                self.push_log(LogEvent::Heal);
            }
            Event::Break { conn } => self.break_conn(conn, "broken by hand"),
            Event::DiskSynced {
                sid,
                incarnation,
                count,
            } => self.disk_synced(sid, incarnation, count),
            Event::ClientWrite { sid, op } => {
                let text = op.to_string();
                let mut taken = false;
                self.input(sid, |p, now, out| taken = p.on_client_request(now, op, out));
                self.push_log(LogEvent::ClientWrite {
                    sid,
                    op: text,
                    taken,
                });
            }
        }
    }

    fn start(&mut self, sid: Sid) {
        let Some(slot) = self.slots.get(&sid) else {
            return;
        };
        if slot.peer.is_some() {
            return;
        }
        match QuorumPeer::new(sid, &self.options.config, &slot.disk.durable) {
            Err(e) => {
                self.slot_mut(sid).status = ServerStatus::StartupFailed;
                self.push_log(LogEvent::StartupFailed {
                    sid,
                    reason: e.to_string(),
                });
            }
            Ok(peer) => {
                let slot = self.slots.get_mut(&sid).expect("checked above");
                slot.peer = Some(peer);
                slot.status = ServerStatus::Running;
                slot.incarnation += 1;
                slot.timers.clear();
                slot.threads.clear();
                slot.phase_inputs.clear();
                self.push_log(LogEvent::PeerStarted { sid });
                self.input(sid, |p, now, out| p.start(now, out));
            }
        }
    }

    fn crash_now(&mut self, sid: Sid) {
        let Some(slot) = self.slots.get_mut(&sid) else {
            return;
        };
        if slot.peer.take().is_none() {
            return;
        }
        // What no fsync covered is lost.
        slot.disk.pending.clear();
        slot.status = ServerStatus::Crashed;
        slot.timers.clear();
        slot.threads.clear();
        slot.phase_inputs.clear();
        self.push_log(LogEvent::Crashed { sid });
        // The OS closes the dead process's sockets: the other ends read EOF after the data
        // already on the wire.
        let conns: Vec<ConnId> = self
            .network
            .live()
            .filter(|c| c.initiator == sid || c.acceptor == sid)
            .map(|c| c.id)
            .collect();
        for conn in conns {
            self.close_side(conn, sid);
        }
    }

    /// `sid` closes its end of `conn`.
    fn close_side(&mut self, conn: ConnId, sid: Sid) {
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

    fn connect_arrive(&mut self, conn: ConnId) {
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
                    reason: "Connection refused",
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
        self.push_log(LogEvent::Accept {
            conn,
            channel,
            from,
            to,
        });
        self.queue.push(at, Event::ConnectEstablished { conn });
        self.input(to, |p, now, out| p.on_accepted(now, conn, channel, out));
    }

    fn connect_established(&mut self, conn: ConnId) {
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

    fn connect_failed(&mut self, conn: ConnId, reason: &'static str) {
        let Some(c) = self.network.get_mut(conn) else {
            return;
        };
        if c.state != ConnState::Connecting {
            return;
        }
        c.state = ConnState::Closed;
        let (from, to, channel, inc) = (c.initiator, c.acceptor, c.channel, c.incarnations.0);
        self.network.reap(conn);
        self.push_log(LogEvent::ConnectFailed {
            conn,
            channel,
            from,
            to,
            reason: reason.to_string(),
        });
        if self.incarnation(from) == inc {
            self.input(from, |p, now, out| {
                p.on_connect_failed(now, channel, to, out)
            });
        }
    }

    fn deliver(&mut self, msg: MsgId) {
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
        let to_inc = self.incarnation(m.to);
        let ok = self.network.get(m.conn).is_some_and(|c| {
            let inc = if m.to == c.initiator {
                c.incarnations.0
            } else {
                c.incarnations.1
            };
            c.readable_by(m.to) && inc == to_inc
        }) && self.is_up(m.to);
        if !ok {
            self.push_log(LogEvent::Drop {
                msg,
                send_index: m.send_index,
                reason: "connection closed".to_string(),
            });
            return;
        }
        self.push_log(LogEvent::Deliver {
            msg,
            send_index: m.send_index,
            from: m.from,
            to: m.to,
        });
        let (conn, channel) = (m.conn, m.channel);
        self.input(m.to, |p, now, out| {
            p.on_message(now, conn, channel, &m.message, out)
        });
    }

    fn fin(&mut self, conn: ConnId, to: Sid) {
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
        c.state = ConnState::Closed;
        self.network.reap(conn);
        if self.incarnation(to) == inc && self.is_up(to) {
            self.push_log(LogEvent::Disconnected { conn, sid: to });
            self.input(to, |p, now, out| p.on_disconnected(now, conn, channel, out));
        }
    }

    fn timer(&mut self, sid: Sid, incarnation: u64, timer: Timer, token: u64) {
        let Some(slot) = self.slots.get_mut(&sid) else {
            return;
        };
        if slot.incarnation != incarnation || slot.timers.get(&timer) != Some(&token) {
            return;
        }
        slot.timers.remove(&timer);
        self.push_log(LogEvent::Timer { sid, timer });
        self.input(sid, |p, now, out| p.on_timer(now, timer, out));
    }

    fn apply_partition(&mut self, from: Sid, to: Sid, one_way: bool) {
        self.network.block(from, to);
        if !one_way {
            self.network.block(to, from);
        }
        self.push_log(LogEvent::Partition { from, to, one_way });
        let conns: Vec<ConnId> = self
            .network
            .live()
            .filter(|c| {
                (c.initiator, c.acceptor) == (from, to) || (c.initiator, c.acceptor) == (to, from)
            })
            .map(|c| c.id)
            .collect();
        for conn in conns {
            self.break_conn(conn, "network partition");
        }
    }

    /// Both ends see the connection reset at once; what was on the wire is lost.
    fn break_conn(&mut self, conn: ConnId, reason: &str) {
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
        self.push_log(LogEvent::Break {
            conn,
            reason: reason.to_string(),
        });
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
                self.input(sid, |p, now, out| {
                    p.on_connect_failed(now, channel, to, out)
                });
            } else if saw_open && self.incarnation(sid) == inc && self.is_up(sid) {
                self.push_log(LogEvent::Disconnected { conn, sid });
                let channel = c.channel;
                self.input(sid, |p, now, out| {
                    p.on_disconnected(now, conn, channel, out)
                });
            }
        }
    }

    /// Feed one input to a running server, log what changed, carry out its effects.
    fn input(&mut self, sid: Sid, f: impl FnOnce(&mut QuorumPeer, Time, &mut Outbox)) {
        let now = self.now;
        let Some(slot) = self.slots.get_mut(&sid) else {
            return;
        };
        let Some(peer) = slot.peer.as_mut() else {
            return;
        };
        let before = peer.state();
        let mut out = Outbox::new();
        f(peer, now, &mut out);
        let after = peer.state();
        // Format the thread rows only when what they are made of changed.
        let mut inputs = std::mem::take(&mut self.scratch);
        inputs.clear();
        peer.phase_inputs(&mut inputs);
        let threads = if inputs == slot.phase_inputs {
            None
        } else {
            std::mem::swap(&mut slot.phase_inputs, &mut inputs);
            Some(peer.threads())
        };
        self.scratch = inputs;
        for effect in out {
            self.apply(sid, effect);
        }
        if before != after {
            self.push_log(LogEvent::StateChange {
                sid,
                from: before,
                to: after,
            });
        }
        if let Some(threads) = threads {
            self.log_thread_changes(sid, threads);
        }
    }

    fn log_thread_changes(&mut self, sid: Sid, threads: Vec<ThreadView>) {
        let Some(slot) = self.slots.get_mut(&sid) else {
            return;
        };
        let old = std::mem::replace(&mut slot.threads, threads);
        let mut changes = Vec::new();
        for t in &old {
            if !self.slots[&sid].threads.iter().any(|n| n.id == t.id) {
                changes.push(LogEvent::Phase {
                    sid,
                    thread: t.name.clone(),
                    phase: None,
                });
            }
        }
        for t in &self.slots[&sid].threads {
            if !old
                .iter()
                .any(|o| o.id == t.id && o.name == t.name && o.phase == t.phase)
            {
                changes.push(LogEvent::Phase {
                    sid,
                    thread: t.name.clone(),
                    phase: Some(t.phase.clone()),
                });
            }
        }
        for c in changes {
            self.push_log(c);
        }
    }

    fn apply(&mut self, sid: Sid, effect: Effect) {
        match effect {
            Effect::Connect {
                channel,
                to,
                timeout_ms,
            } => self.connect(sid, channel, to, timeout_ms),
            Effect::Send { conn, msg } => self.send(sid, conn, msg),
            Effect::Close { conn } => {
                if self.network.get(conn).is_some_and(Connection::is_live) {
                    self.push_log(LogEvent::Close { conn, by: sid });
                    self.close_side(conn, sid);
                }
            }
            Effect::SetTimer { timer, at } => {
                let token = self.next_token;
                self.next_token += 1;
                let slot = self
                    .slots
                    .get_mut(&sid)
                    .expect("effects come from a known server");
                slot.timers.insert(timer, token);
                let incarnation = slot.incarnation;
                self.queue.push(
                    at.max(self.now),
                    Event::Timer {
                        sid,
                        incarnation,
                        timer,
                        token,
                    },
                );
            }
            Effect::CancelTimer { timer } => {
                if let Some(slot) = self.slots.get_mut(&sid) {
                    slot.timers.remove(&timer);
                }
            }
            Effect::NotifyAll { monitor, woke } => {
                self.push_log(LogEvent::NotifyAll { sid, monitor, woke });
            }
            Effect::Log { text } => {
                self.push_log(LogEvent::Log { sid, text });
            }
            Effect::PersistEpoch { file, epoch } => {
                let d = &mut self.slot_mut(sid).disk.durable;
                match file {
                    EpochFile::Current => d.current_epoch = Some(epoch),
                    EpochFile::Accepted => d.accepted_epoch = Some(epoch),
                }
                self.push_log(LogEvent::PersistEpoch { sid, file, epoch });
            }
            Effect::AppendTxn { txn } => {
                let zxid = txn.zxid;
                self.slot_mut(sid).disk.pending.push(txn);
                self.push_log(LogEvent::AppendTxn { sid, zxid });
            }
            Effect::Fsync => {
                let (lo, hi) = self.options.fsync_ms;
                let at = self.now.plus_ms(self.rng.range(Stream::Disk, lo, hi));
                let slot = self.slot_mut(sid);
                let count = slot.disk.pending.len() as u64;
                let incarnation = slot.incarnation;
                self.queue.push(
                    at,
                    Event::DiskSynced {
                        sid,
                        incarnation,
                        count,
                    },
                );
            }
            Effect::TakeSnapshot {
                snapshot,
                supersedes_log,
            } => {
                let zxid = snapshot.zxid;
                let disk = &mut self.slot_mut(sid).disk;
                disk.durable.snapshot = snapshot;
                if supersedes_log {
                    disk.durable.log.clear();
                    disk.pending.clear();
                }
                self.push_log(LogEvent::TakeSnapshot { sid, zxid });
            }
            Effect::TruncateLog { zxid } => {
                let disk = &mut self.slot_mut(sid).disk;
                let removed: Vec<Zxid> = disk
                    .durable
                    .log
                    .iter()
                    .chain(&disk.pending)
                    .filter(|t| t.zxid > zxid)
                    .map(|t| t.zxid)
                    .collect();
                disk.durable.log.retain(|t| t.zxid <= zxid);
                disk.pending.retain(|t| t.zxid <= zxid);
                self.push_log(LogEvent::TruncateLog { sid, zxid, removed });
            }
            Effect::Exit { reason } => {
                self.push_log(LogEvent::Log {
                    sid,
                    text: format!("exiting: {reason}"),
                });
                self.queue.push(self.now, Event::Crash { sid });
            }
        }
    }

    fn slot_mut(&mut self, sid: Sid) -> &mut Slot {
        self.slots
            .get_mut(&sid)
            .expect("effects come from a known server")
    }

    /// The fsync finished: the first `count` pending appends are durable.
    fn disk_synced(&mut self, sid: Sid, incarnation: u64, count: u64) {
        let slot = self.slot_mut(sid);
        if slot.incarnation != incarnation || slot.peer.is_none() {
            return;
        }
        let n = (count as usize).min(slot.disk.pending.len());
        let synced: Vec<Txn> = slot.disk.pending.drain(..n).collect();
        let upto = synced.last().map(|t| t.zxid);
        slot.disk.durable.log.extend(synced);
        self.push_log(LogEvent::Fsync { sid, upto });
        self.input(sid, |p, now, out| p.on_fsync_done(now, out));
    }

    fn connect(&mut self, from: Sid, channel: Channel, to: Sid, timeout_ms: u64) {
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
                    reason: "connect timed out",
                },
            );
        } else {
            let at = self.now.plus_ms(self.latency());
            self.queue.push(at, Event::ConnectArrive { conn });
        }
    }

    fn send(&mut self, from: Sid, conn: ConnId, message: Message) {
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
        let send_index = self.push_log(LogEvent::Send {
            msg,
            conn,
            channel,
            from,
            to,
            message: message.clone(),
            deliver_at,
        });
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
