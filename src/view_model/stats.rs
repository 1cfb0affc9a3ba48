//! Statistics of a run, derived from its event log alone (issue 11): how long each server's
//! leader election took, how long each learner took from its leader's LEADING to UPTODATE,
//! the messages by type and phase, the proposals with their commit latency, and counts per
//! server. Plain Rust over `&[LogEntry]`: no simulation state is read, so an imported trace
//! gives the same numbers as the run that wrote it. One pass, O(log entries).
//!
//! Definitions (the panel states each one beside its table):
//! - **lookForLeader** (one per server and call, ZooKeeper's "LEADER ELECTION TOOK"): from
//!   the moment the server's `FastLeaderElection.lookForLeader()` thread begins to the moment
//!   it ends because the server became LEADING, FOLLOWING or OBSERVING (`Leader.lead()`,
//!   `Follower.followLeader()` and `Observer.observeLeader()` log the number there). A crash
//!   ends a call unfinished; a call still running at the position is counted up to it.
//! - **election**: a run of lookForLeader calls that overlap in time (each starts before the
//!   one before it has ended); it lasts from the first call's start to the last one's end.
//!   A simplification of ours, not a ZooKeeper notion: ZooKeeper measures only per server.
//! - **LEADING → UPTODATE**: per leader term (from its LEADING until it leaves LEADING or
//!   crashes) and learner, from the leader's LEADING to the learner reading UPTODATE (when it
//!   starts serving); the epoch is the one its NEWLEADER announced.
//! - **phase of a message**: election-channel messages (CONNECT, NOTIFICATION) are election;
//!   a quorum-channel message takes the ZabState of the learner on that connection when it
//!   was sent (the leader's own ZabState says nothing about one late learner's sync).
//! - **proposal**: a zxid's first PROPOSAL on the wire; **commit**: its first COMMIT. The
//!   leader sends COMMIT in the step the quorum's last ACK arrives, so the latency is also
//!   PROPOSAL → quorum ACK. PROPOSAL/COMMIT pairs re-sent in a DIFF are not new proposals.

use std::collections::BTreeMap;

use sim::trace::{LogEntry, LogEvent};
use zab::leader::SyncMode;
use zab::message::Message;
use zab::output::{Channel, ConnId};
use zab::packet::PacketType;
use zab::peer::{ElectionPhase, ServerState, ThreadId, ThreadPhase, ZabState};
use zab::{Epoch, Sid, Zxid};

/// How a lookForLeader call ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LookOutcome {
    /// The server took this role (its state as the election thread ended).
    Became(ServerState),
    /// The server crashed or exited first.
    Crashed,
    /// Still looking at the position.
    Running,
}

/// One `lookForLeader()` call of one server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LookCall {
    pub sid: Sid,
    pub start_ms: u64,
    /// The end, or the position's time while it runs.
    pub end_ms: u64,
    pub outcome: LookOutcome,
    /// The election round (logicalclock) and the proposed leader when it ended.
    pub round: i64,
    pub vote: Option<Sid>,
}

impl LookCall {
    pub fn took_ms(&self) -> u64 {
        self.end_ms - self.start_ms
    }
}

/// Overlapping lookForLeader calls (see the module's definitions).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Election {
    /// 1-based, in order.
    pub number: usize,
    pub start_ms: u64,
    pub end_ms: u64,
    pub calls: Vec<LookCall>,
}

impl Election {
    pub fn took_ms(&self) -> u64 {
        self.end_ms - self.start_ms
    }

    /// The server one of its calls made LEADING.
    pub fn leader(&self) -> Option<Sid> {
        self.calls
            .iter()
            .rev()
            .find(|c| c.outcome == LookOutcome::Became(ServerState::Leading))
            .map(|c| c.sid)
    }

    /// Whether a call is still running.
    pub fn running(&self) -> bool {
        self.calls.iter().any(|c| c.outcome == LookOutcome::Running)
    }
}

/// One learner's way from its leader's LEADING to UPTODATE, in one leader term.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LearnerSync {
    pub leader: Sid,
    /// The epoch the leader's NEWLEADER announced (none before it sent one).
    pub epoch: Option<Epoch>,
    pub learner: Sid,
    pub leading_ms: u64,
    /// When the learner read UPTODATE; `None` if it has not (yet).
    pub uptodate_ms: Option<u64>,
    /// `syncFollower`'s choice for it, if made.
    pub mode: Option<SyncMode>,
}

impl LearnerSync {
    pub fn took_ms(&self) -> Option<u64> {
        self.uptodate_ms.map(|t| t - self.leading_ms)
    }
}

/// The phases a message is counted in, in column order.
pub const PHASES: [ZabState; 4] = [
    ZabState::Election,
    ZabState::Discovery,
    ZabState::Synchronization,
    ZabState::Broadcast,
];

/// Messages of one type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageRow {
    /// `NOTIFICATION`, `FOLLOWERINFO`, … ([`Message::kind`]).
    pub kind: &'static str,
    /// Sent, by [`PHASES`].
    pub by_phase: [u64; 4],
    /// Lost on the wire (connection closed, dropped by hand).
    pub dropped: u64,
}

impl MessageRow {
    pub fn sent(&self) -> u64 {
        self.by_phase.iter().sum()
    }
}

/// One proposal: its first PROPOSAL and its first COMMIT.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proposal {
    pub zxid: Zxid,
    pub leader: Sid,
    pub proposed_ms: u64,
    pub committed_ms: Option<u64>,
}

impl Proposal {
    pub fn latency_ms(&self) -> Option<u64> {
        self.committed_ms.map(|t| t - self.proposed_ms)
    }
}

/// What one server did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerRow {
    pub sid: Sid,
    pub sent: u64,
    pub received: u64,
    /// Of the messages it sent, how many were lost.
    pub dropped: u64,
    /// Txn log appends.
    pub appends: u64,
    pub fsyncs: u64,
    /// currentEpoch / acceptedEpoch writes.
    pub epoch_writes: u64,
    pub snapshots: u64,
    pub truncations: u64,
    pub look_calls: u64,
    pub crashes: u64,
}

impl ServerRow {
    /// Everything it wrote to disk.
    pub fn disk_writes(&self) -> u64 {
        self.appends + self.fsyncs + self.epoch_writes + self.snapshots + self.truncations
    }
}

/// Everything the panel shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// How many log entries the statistics were derived from.
    pub entries: usize,
    /// The time of the last of them, ms.
    pub end_ms: u64,
    pub elections: Vec<Election>,
    pub syncs: Vec<LearnerSync>,
    pub messages: Vec<MessageRow>,
    pub proposals: Vec<Proposal>,
    pub servers: Vec<ServerRow>,
}

/// A leader's term being read.
struct Term {
    leading_ms: u64,
    epoch: Option<Epoch>,
    /// Indices into `Stats::syncs`, by learner.
    rows: BTreeMap<Sid, usize>,
}

#[derive(Default)]
struct Reader {
    stats: Stats,
    calls: Vec<LookCall>,
    /// Open lookForLeader calls: index into `calls`.
    open: BTreeMap<Sid, usize>,
    state: BTreeMap<Sid, ServerState>,
    zab: BTreeMap<Sid, ZabState>,
    /// Quorum connections: the learner end.
    learner_of: BTreeMap<ConnId, Sid>,
    terms: BTreeMap<Sid, Term>,
    messages: BTreeMap<(u8, &'static str), MessageRow>,
    proposals: BTreeMap<Zxid, usize>,
    servers: BTreeMap<Sid, ServerRow>,
}

/// A message type's place in the table: CONNECT, NOTIFICATION, then ZooKeeper's packet
/// numbers.
fn rank(m: &Message) -> u8 {
    match m {
        Message::QcmHeader { .. } => 0,
        Message::Notification(_) => 1,
        Message::Quorum(p) => 1 + p.ty as u8,
    }
}

fn phase_column(z: ZabState) -> usize {
    PHASES
        .iter()
        .position(|p| *p == z)
        .expect("PHASES lists every ZabState")
}

impl Reader {
    fn server(&mut self, sid: Sid) -> &mut ServerRow {
        self.servers.entry(sid).or_insert_with(|| ServerRow {
            sid,
            sent: 0,
            received: 0,
            dropped: 0,
            appends: 0,
            fsyncs: 0,
            epoch_writes: 0,
            snapshots: 0,
            truncations: 0,
            look_calls: 0,
            crashes: 0,
        })
    }

    fn end_call(&mut self, sid: Sid, at: u64, outcome: LookOutcome) {
        if let Some(i) = self.open.remove(&sid) {
            let c = &mut self.calls[i];
            c.end_ms = at;
            c.outcome = outcome;
        }
    }

    fn end_term(&mut self, sid: Sid) {
        self.terms.remove(&sid);
    }

    fn sync_row(&mut self, leader: Sid, learner: Sid) -> Option<&mut LearnerSync> {
        let term = self.terms.get_mut(&leader)?;
        let syncs = &mut self.stats.syncs;
        let i = *term.rows.entry(learner).or_insert_with(|| {
            syncs.push(LearnerSync {
                leader,
                epoch: term.epoch,
                learner,
                leading_ms: term.leading_ms,
                uptodate_ms: None,
                mode: None,
            });
            syncs.len() - 1
        });
        syncs.get_mut(i)
    }

    fn read(&mut self, log: &[LogEntry], e: &LogEntry) {
        let t = e.time.0;
        match &e.event {
            LogEvent::PeerStarted { sid } => {
                self.server(*sid);
                self.state.insert(*sid, ServerState::Looking);
                self.zab.insert(*sid, ZabState::Election);
            }
            LogEvent::Crashed { sid } => {
                self.server(*sid).crashes += 1;
                self.end_call(*sid, t, LookOutcome::Crashed);
                self.end_term(*sid);
                self.state.remove(sid);
                self.zab.remove(sid);
            }
            LogEvent::Exit { sid, .. } => self.end_call(*sid, t, LookOutcome::Crashed),
            LogEvent::StateChange { sid, from, to } => {
                self.state.insert(*sid, *to);
                if *from == ServerState::Leading {
                    self.end_term(*sid);
                }
                if *to == ServerState::Leading {
                    self.terms.insert(
                        *sid,
                        Term {
                            leading_ms: t,
                            epoch: None,
                            rows: BTreeMap::new(),
                        },
                    );
                }
            }
            LogEvent::Thread { sid, view } => match (&view.thread, &view.phase) {
                (ThreadId::FastLeaderElection, ThreadPhase::LookForLeader(phase)) => {
                    let (round, vote) = match phase {
                        ElectionPhase::Poll {
                            round, proposal, ..
                        }
                        | ElectionPhase::FinalizeWait { round, proposal } => (*round, *proposal),
                    };
                    let i = match self.open.get(sid) {
                        Some(i) => *i,
                        None => {
                            self.server(*sid).look_calls += 1;
                            self.calls.push(LookCall {
                                sid: *sid,
                                start_ms: t,
                                end_ms: t,
                                outcome: LookOutcome::Running,
                                round,
                                vote: None,
                            });
                            self.open.insert(*sid, self.calls.len() - 1);
                            self.calls.len() - 1
                        }
                    };
                    let c = &mut self.calls[i];
                    c.round = round;
                    // A non-voter proposes Long.MIN_VALUE: no one.
                    c.vote = (vote.0 != i64::MIN).then_some(vote);
                }
                (ThreadId::QuorumPeer, ThreadPhase::Run { state, zab_state }) => {
                    self.state.insert(*sid, *state);
                    self.zab.insert(*sid, *zab_state);
                }
                _ => {}
            },
            LogEvent::ThreadEnded {
                sid,
                thread: ThreadId::FastLeaderElection,
            } => {
                let state = self.state.get(sid).copied().unwrap_or(ServerState::Looking);
                self.end_call(*sid, t, LookOutcome::Became(state));
            }
            LogEvent::Connect {
                conn,
                channel: Channel::Quorum,
                from,
                ..
            } => {
                self.learner_of.insert(*conn, *from);
            }
            LogEvent::Send(s) => {
                self.server(s.from).sent += 1;
                let phase = match s.channel {
                    Channel::Election => ZabState::Election,
                    Channel::Quorum => self
                        .learner_of
                        .get(&s.conn)
                        .and_then(|l| self.zab.get(l))
                        .or_else(|| self.zab.get(&s.from))
                        .copied()
                        .unwrap_or(ZabState::Election),
                };
                let row = self
                    .messages
                    .entry((rank(&s.message), s.message.kind()))
                    .or_insert_with(|| MessageRow {
                        kind: s.message.kind(),
                        by_phase: [0; 4],
                        dropped: 0,
                    });
                row.by_phase[phase_column(phase)] += 1;
                if let Message::Quorum(p) = &s.message {
                    match p.ty {
                        PacketType::Proposal => {
                            let proposals = &mut self.stats.proposals;
                            self.proposals.entry(p.zxid).or_insert_with(|| {
                                proposals.push(Proposal {
                                    zxid: p.zxid,
                                    leader: s.from,
                                    proposed_ms: t,
                                    committed_ms: None,
                                });
                                proposals.len() - 1
                            });
                        }
                        PacketType::Commit => {
                            if let Some(&i) = self.proposals.get(&p.zxid) {
                                let prop = &mut self.stats.proposals[i];
                                prop.committed_ms.get_or_insert(t);
                            }
                        }
                        PacketType::NewLeader => {
                            if let Some(term) = self.terms.get_mut(&s.from) {
                                term.epoch = Some(p.epoch());
                                for &i in term.rows.values() {
                                    self.stats.syncs[i].epoch = Some(p.epoch());
                                }
                            }
                            if let Some(row) = self.sync_row(s.from, s.to) {
                                row.epoch = Some(p.epoch());
                            }
                        }
                        _ => {}
                    }
                }
            }
            LogEvent::Deliver { send_index, to, .. } => {
                self.server(*to).received += 1;
                let sent = log.get(*send_index as usize).and_then(|e| e.event.sent());
                if let Some((leader, Message::Quorum(p))) = sent.map(|s| (s.from, &s.message)) {
                    if p.ty == PacketType::UpToDate {
                        if let Some(row) = self.sync_row(leader, *to) {
                            row.uptodate_ms.get_or_insert(t);
                        }
                    }
                }
            }
            LogEvent::Drop { send_index, .. } => {
                if let Some(s) = log.get(*send_index as usize).and_then(|e| e.event.sent()) {
                    self.server(s.from).dropped += 1;
                    if let Some(row) = self.messages.get_mut(&(rank(&s.message), s.message.kind()))
                    {
                        row.dropped += 1;
                    }
                }
            }
            LogEvent::Note { sid, note } => {
                if let zab::reason::Note::SyncFollower { learner, mode, .. } = note.as_ref() {
                    let (learner, mode) = (*learner, *mode);
                    if let Some(row) = self.sync_row(*sid, learner) {
                        row.mode = Some(mode);
                    }
                }
            }
            LogEvent::PersistEpoch { sid, .. } => self.server(*sid).epoch_writes += 1,
            LogEvent::AppendTxn { sid, .. } => self.server(*sid).appends += 1,
            LogEvent::Fsync { sid, .. } => self.server(*sid).fsyncs += 1,
            LogEvent::TakeSnapshot { sid, .. } => self.server(*sid).snapshots += 1,
            LogEvent::TruncateLog { sid, .. } => self.server(*sid).truncations += 1,
            _ => {}
        }
    }

    fn finish(mut self) -> Stats {
        let end = self.stats.end_ms;
        for &i in self.open.values() {
            self.calls[i].end_ms = end;
        }
        let mut elections: Vec<Election> = Vec::new();
        for call in self.calls {
            match elections.last_mut() {
                Some(e) if call.start_ms <= e.end_ms || e.running() => {
                    e.end_ms = e.end_ms.max(call.end_ms);
                    e.calls.push(call);
                }
                _ => elections.push(Election {
                    number: elections.len() + 1,
                    start_ms: call.start_ms,
                    end_ms: call.end_ms,
                    calls: vec![call],
                }),
            }
        }
        self.stats.elections = elections;
        self.stats.messages = self.messages.into_values().collect();
        self.stats.servers = self.servers.into_values().collect();
        self.stats
    }
}

impl Stats {
    /// The statistics of `log` (a session's log up to its position).
    pub fn build(log: &[LogEntry]) -> Stats {
        let mut r = Reader::default();
        r.stats.entries = log.len();
        r.stats.end_ms = log.last().map_or(0, |e| e.time.0);
        for e in log {
            r.read(log, e);
        }
        r.finish()
    }

    /// Every lookForLeader call, in start order.
    pub fn calls(&self) -> impl Iterator<Item = (&Election, &LookCall)> {
        self.elections
            .iter()
            .flat_map(|e| e.calls.iter().map(move |c| (e, c)))
    }

    pub fn commits(&self) -> usize {
        self.proposals
            .iter()
            .filter(|p| p.committed_ms.is_some())
            .count()
    }
}

/// How long server `sid`'s lookForLeader call took, as the entry at `index` (its
/// `Note::LeadingStarted`, logged in the step the call ends) sees it: from the call's first
/// thread entry to `index`'s time. Scans back from `index` to where the call began (the
/// server's previous call ended, it crashed or it started); `None` when no call is open.
pub fn election_took(log: &[LogEntry], index: usize, sid: Sid) -> Option<u64> {
    let at = log.get(index)?.time.0;
    let mut start = None;
    for e in log[..index].iter().rev() {
        match &e.event {
            LogEvent::Thread { sid: s, view }
                if *s == sid && view.thread == ThreadId::FastLeaderElection =>
            {
                start = Some(e.time.0)
            }
            LogEvent::ThreadEnded {
                sid: s,
                thread: ThreadId::FastLeaderElection,
            } if *s == sid => break,
            LogEvent::Crashed { sid: s } | LogEvent::PeerStarted { sid: s } if *s == sid => break,
            _ => {}
        }
    }
    start.map(|s| at - s)
}

/// The word for how a call ended.
pub fn outcome_label(o: LookOutcome) -> String {
    match o {
        LookOutcome::Became(s) => s.to_string(),
        LookOutcome::Crashed => "crashed".to_string(),
        LookOutcome::Running => "still looking".to_string(),
    }
}

pub fn sync_mode_label(m: Option<SyncMode>) -> &'static str {
    m.map_or("", describe::sync_mode)
}

mod csv_export;

#[cfg(test)]
mod tests;
