//! The world: simulated time, the event queue, the network, the servers and their disks, the
//! faults, and the event log.
//!
//! ```text
//!   EventQueue (time, seq) ──pop──▶ Simulation::step ──on_*──▶ QuorumPeer
//!        ▲                              │                          │
//!        └── Deliver / Fin / Timer ◀── apply effects ◀── Outbox ◀──┘
//!                                       └──▶ event log (LogEntry)
//! ```

mod client_world;
mod effects;
mod faults;
mod pause;
mod wire;

use crate::clients::{Client, ToServer};
use crate::event_queue::EventQueue;
use crate::jvm_timing::JvmTiming;
use crate::network::{ConnState, Connection, Direction, Network};
use crate::rng::{Stream, Streams};
use crate::scenario::{self, Action, Script};
use crate::trace::{self, BreakCause, ConnectFailure, DropCause, LogEntry, LogEvent, MsgId, Sent};
use std::collections::BTreeMap;
use zab::config::{ConfigError, QuorumConfig};
use zab::message::Message;
use zab::output::{Channel, ConnId, Effect, EpochFile, Outbox, Timer, Work};
use zab::peer::{DurableState, QuorumPeer, ThreadView};
use zab::sessions::{ClientId, ClientReply};
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
    /// How long the JVM's work takes (`zk.startup()` …), calibrated from real captures.
    pub jvm: JvmTiming,
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
            jvm: JvmTiming::default(),
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
    /// SIGSTOP, or a stop-the-world GC pause beginning (§11.5).
    Pause {
        sid: Sid,
    },
    /// SIGCONT, or the GC pause ending.
    Resume {
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
        reason: ConnectFailure,
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
        direction: Direction,
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
    WorkDone {
        sid: Sid,
        incarnation: u64,
        work: Work,
    },
    ClientWrite {
        sid: Sid,
        op: TxnOp,
    },
    /// A client's message reaches its server (§13).
    ClientArrive {
        client: ClientId,
        sid: Sid,
        attempt: u64,
        msg: ToServer,
    },
    /// A server's answer reaches a client.
    ClientReceive {
        client: ClientId,
        sid: Sid,
        attempt: u64,
        reply: ClientReply,
    },
    /// A client is added (`add_client_at`).
    ClientAdd {
        spec: Box<crate::clients::ClientSpec>,
    },
    /// A client's ping or reconnect timer.
    ClientTimer {
        client: ClientId,
        token: u64,
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
    /// The pending timer of each kind: its token (a timer event whose token is no longer
    /// here is stale) and its deadline.
    timers: BTreeMap<Timer, (u64, Time)>,
    /// The threads as last logged.
    threads: Vec<ThreadView>,
    /// While the process is stopped (§11.5): since when, and what came due for it meanwhile.
    /// Boxed: almost every slot of almost every run has none.
    pause: Option<Box<pause::Pause>>,
    /// `ServiceUtils.requestSystemExit` was called: the crash that ends the process is queued,
    /// and nothing more of this incarnation runs before it (a resume stops draining).
    exiting: bool,
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
    /// A reused buffer for `QuorumPeer::threads_into`.
    scratch: Vec<ThreadView>,
    /// A reused buffer for a server's effects.
    outbox: Outbox,
    /// How many events `step` has run.
    steps: u64,
    script: Script,
    /// The clients, when a run has any (§13).
    clients: BTreeMap<ClientId, Client>,
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
            outbox: Outbox::new(),
            steps: 0,
            script: Script::default(),
            clients: BTreeMap::new(),
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
                    pause: None,
                    exiting: false,
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

    /// How many events wait in the queue (stale timers included), for benchmarks.
    pub fn pending_events(&self) -> usize {
        self.queue.len()
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

    /// Since when the server's process has been stopped (§11.5), or `None` when it runs or
    /// is down. A paused server's status is still `Running`: its process exists.
    pub fn paused_since(&self, sid: Sid) -> Option<Time> {
        self.slots.get(&sid)?.pause.as_ref().map(|p| p.since)
    }

    pub fn is_paused(&self, sid: Sid) -> bool {
        self.paused_since(sid).is_some()
    }

    /// The messages that arrived at a paused server and wait in its socket buffers, unread,
    /// in arrival order (they are no longer in flight).
    pub fn held_messages(&self, sid: Sid) -> impl Iterator<Item = &InFlight> {
        self.slots
            .get(&sid)
            .and_then(|s| s.pause.as_deref())
            .into_iter()
            .flat_map(|p| p.held_messages())
    }

    /// A server's pending timers and their deadlines, one per kind (while it is paused, the
    /// overdue ones too: they fire at resume).
    pub fn pending_timers(&self, sid: Sid) -> impl Iterator<Item = (Timer, Time)> + '_ {
        self.slots
            .get(&sid)
            .into_iter()
            .flat_map(|s| s.timers.iter().map(|(timer, (_, at))| (*timer, *at)))
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
            Event::Pause { sid } => self.pause_now(sid),
            Event::Resume { sid } => self.resume_now(sid),
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
            Event::Partition {
                from,
                to,
                direction,
            } => self.apply_partition(from, to, direction),
            Event::Heal => {
                self.network.heal();
                self.push_log(LogEvent::Heal);
            }
            Event::Break { conn } => self.break_conn(conn, BreakCause::ByHand),
            Event::DiskSynced {
                sid,
                incarnation,
                count,
            } => self.disk_synced(sid, incarnation, count),
            Event::WorkDone {
                sid,
                incarnation,
                work,
            } => {
                let live = self
                    .slots
                    .get(&sid)
                    .is_some_and(|s| s.incarnation == incarnation);
                if live && !self.overdue(sid, pause::Overdue::WorkDone { work }) {
                    self.input(sid, |p, now, out| p.on_work_done(now, work, out));
                }
            }
            Event::ClientWrite { sid, op } => {
                // The request waits in the client connection's socket buffer of a paused
                // server.
                match self.slots.get_mut(&sid).and_then(|s| s.pause.as_mut()) {
                    Some(p) => p.held.push(pause::Held::ClientWrite(op)),
                    None => self.client_write_now(sid, op),
                }
            }
            Event::ClientArrive {
                client,
                sid,
                attempt,
                msg,
            } => self.client_arrive(client, sid, attempt, msg),
            Event::ClientReceive {
                client,
                sid,
                attempt,
                reply,
            } => self.client_receive(client, sid, attempt, reply),
            Event::ClientTimer { client, token } => self.client_timer(client, token),
            Event::ClientAdd { spec } => {
                self.add_client(*spec);
            }
        }
    }

    fn client_write_now(&mut self, sid: Sid, op: TxnOp) {
        let logged = Box::new(op.clone());
        let mut taken = false;
        self.input(sid, |p, now, out| taken = p.on_client_request(now, op, out));
        self.push_log(LogEvent::ClientWrite {
            sid,
            op: logged,
            taken,
        });
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
                    reason: Box::new(e),
                });
            }
            Ok(peer) => {
                let slot = self.slots.get_mut(&sid).expect("checked above");
                slot.peer = Some(peer);
                slot.status = ServerStatus::Running;
                slot.incarnation += 1;
                slot.timers.clear();
                slot.threads.clear();
                slot.exiting = false;
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
        // A stopped process can be killed: its backlog dies with it (SIGKILL needs no
        // SIGCONT).
        slot.pause = None;
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
        if !self.clients.is_empty() {
            self.clients_lose(sid);
        }
    }

    fn timer(&mut self, sid: Sid, incarnation: u64, timer: Timer, token: u64) {
        let Some(slot) = self.slots.get_mut(&sid) else {
            return;
        };
        if slot.incarnation != incarnation || slot.timers.get(&timer).map(|t| t.0) != Some(token) {
            return;
        }
        // A paused server's timer stays pending: it fires at resume (§11.5).
        if slot.pause.is_none() {
            self.fire_timer(sid, timer, token);
        }
    }

    /// A timer whose token is still the current one for its kind fires.
    fn fire_timer(&mut self, sid: Sid, timer: Timer, token: u64) {
        let Some(slot) = self.slots.get_mut(&sid) else {
            return;
        };
        if slot.timers.get(&timer).map(|t| t.0) != Some(token) {
            return;
        }
        slot.timers.remove(&timer);
        self.push_log(LogEvent::Timer { sid, timer });
        self.input(sid, |p, now, out| p.on_timer(now, timer, out));
    }
}
