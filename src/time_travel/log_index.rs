//! What the timeline and the space-time diagram read from the event log, indexed once and
//! extended as the log grows (the log is append-only until a fork truncates it, which
//! rebuilds the index):
//!
//! ```text
//!   send ──────────────┐                       arrows: one per message, in send order
//!   deliver/drop/delay ┴─▶ Arrow{sent, end}    (so a time window is two binary searches)
//!   state_change, QuorumPeer phase ──▶ ServerMark per server, ensemble Band, boundary
//!   crashed, peer_started, partition, heal, client_write, drop, delay ──▶ Marker
//! ```
//!
//! Everything here is keyed by log index and simulated time; [`super::step_table`] turns log
//! indices into positions.

use sim::moments::{Moment, MomentScanner};
use sim::scenario::{KeyMoment, KeyMomentFinder};
use sim::trace::{LogEntry, LogEvent};
use std::collections::BTreeMap;
use zab::message::{Message, MessagePhase};
use zab::peer::{ServerState, ThreadPhase, ZabState};
use zab::Sid;

/// What became of a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    /// Not delivered (yet) in the explored run: drawn to its planned delivery.
    InFlight,
    Delivered,
    Dropped,
}

/// The families of messages the diagram filters by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum KindGroup {
    /// FastLeaderElection's notifications and QuorumCnxManager's connection header.
    Election,
    /// Discovery and synchronisation: FOLLOWERINFO … UPTODATE.
    Sync,
    /// Broadcast: PROPOSAL, ACK, COMMIT, INFORM, REQUEST, … (PINGs apart).
    Broadcast,
    Ping,
}

impl KindGroup {
    pub const ALL: [KindGroup; 4] = [
        KindGroup::Election,
        KindGroup::Sync,
        KindGroup::Broadcast,
        KindGroup::Ping,
    ];

    /// The family of a message: its phase (`Message::phase`, the classification the event
    /// log's filters use too).
    pub fn of(message: &Message) -> KindGroup {
        match message.phase() {
            MessagePhase::Election => KindGroup::Election,
            MessagePhase::Sync => KindGroup::Sync,
            MessagePhase::Broadcast => KindGroup::Broadcast,
            MessagePhase::Ping => KindGroup::Ping,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            KindGroup::Election => "election",
            KindGroup::Sync => "discovery & sync",
            KindGroup::Broadcast => "broadcast",
            KindGroup::Ping => "PINGs",
        }
    }

    /// The CSS modifier, `space-time__arrow--sync`.
    pub fn modifier(self) -> &'static str {
        match self {
            KindGroup::Election => "election",
            KindGroup::Sync => "sync",
            KindGroup::Broadcast => "broadcast",
            KindGroup::Ping => "ping",
        }
    }
}

/// One message: from its send to its delivery (or drop, or planned delivery).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arrow {
    pub msg: u64,
    /// The log index of its `send` entry (where its fields are).
    pub send_index: u64,
    pub from: Sid,
    pub to: Sid,
    pub sent_ms: u64,
    pub end_ms: u64,
    pub fate: Fate,
    pub kind: &'static str,
    pub group: KindGroup,
}

/// How a server looks at some moment: its `ServerState` (or down) and its `ZabState`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServerMark {
    pub index: u64,
    pub time_ms: u64,
    /// `None` while the process is down.
    pub state: Option<ServerState>,
    pub zab: Option<ZabState>,
}

/// From `index` on, the ensemble is in `phase`: the leader's `ZabState`, or ELECTION while no
/// server leads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BandStart {
    pub index: u64,
    pub time_ms: u64,
    pub phase: ZabState,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkerKind {
    Crash,
    Restart,
    /// A process paused (GC, SIGSTOP) and resumed.
    Pause,
    Resume,
    Partition,
    Heal,
    Write,
    Drop,
    Delay,
    // The protocol's moments (`sim::moments`), read off the log.
    Elected,
    Sync,
    Established,
    TimedOut,
    LostQuorum,
    /// A live safety check broke here (not from the log: the session's checks).
    Violation,
}

impl MarkerKind {
    pub fn modifier(self) -> &'static str {
        match self {
            MarkerKind::Crash => "crash",
            MarkerKind::Restart => "restart",
            MarkerKind::Pause => "pause",
            MarkerKind::Resume => "resume",
            MarkerKind::Partition => "partition",
            MarkerKind::Heal => "heal",
            MarkerKind::Write => "write",
            MarkerKind::Drop => "drop",
            MarkerKind::Delay => "delay",
            MarkerKind::Elected => "elected",
            MarkerKind::Sync => "sync",
            MarkerKind::Established => "established",
            MarkerKind::TimedOut => "timed-out",
            MarkerKind::LostQuorum => "lost-quorum",
            MarkerKind::Violation => "violation",
        }
    }

    /// A one-character glyph for the timeline.
    pub fn glyph(self) -> &'static str {
        match self {
            MarkerKind::Crash => "✕",
            MarkerKind::Restart => "↻",
            MarkerKind::Pause => "‖",
            MarkerKind::Resume => "▶",
            MarkerKind::Partition => "⫽",
            MarkerKind::Heal => "⚕",
            MarkerKind::Write => "✎",
            MarkerKind::Drop => "⌀",
            MarkerKind::Delay => "⧗",
            MarkerKind::Elected => "★",
            MarkerKind::Sync => "⇅",
            MarkerKind::Established => "✓",
            MarkerKind::TimedOut => "⏱",
            MarkerKind::LostQuorum => "⚠",
            MarkerKind::Violation => "✗",
        }
    }

    /// Whether the marker is a fault (a crash, a restart, a partition, healing, a message
    /// dropped or delayed by hand).
    pub fn is_fault(self) -> bool {
        matches!(
            self,
            MarkerKind::Crash
                | MarkerKind::Restart
                | MarkerKind::Pause
                | MarkerKind::Resume
                | MarkerKind::Partition
                | MarkerKind::Heal
                | MarkerKind::Drop
                | MarkerKind::Delay
        )
    }

    /// Whether the marker is one of the protocol's moments (not a fault or a write).
    pub fn is_moment(self) -> bool {
        matches!(
            self,
            MarkerKind::Elected
                | MarkerKind::Sync
                | MarkerKind::Established
                | MarkerKind::TimedOut
                | MarkerKind::LostQuorum
                | MarkerKind::Violation
        )
    }
}

/// A fault or a write on the timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Marker {
    pub index: u64,
    pub time_ms: u64,
    pub kind: MarkerKind,
    pub label: String,
}

/// The index. Build it with [`LogIndex::extend`] over the log, in order.
#[derive(Clone, Debug, Default)]
pub struct LogIndex {
    /// How many log entries have been read.
    pub scanned: u64,
    pub arrows: Vec<Arrow>,
    /// The longest flight seen, so a window query knows how far back a visible arrow starts.
    pub max_flight_ms: u64,
    pub servers: BTreeMap<Sid, Vec<ServerMark>>,
    pub bands: Vec<BandStart>,
    /// Log indices where a server's state or phase changed, ascending.
    pub boundaries: Vec<u64>,
    pub markers: Vec<Marker>,
    started: BTreeMap<Sid, bool>,
    last_time_ms: u64,
    moments: MomentScanner,
    /// The scenario's key moment, watched for as the log is read.
    key_finder: Option<KeyMomentFinder>,
    /// Where it happened (the first time): its log index.
    pub key_moment: Option<u64>,
}

impl LogIndex {
    /// Watch for `key` (a scenario's key moment) from the start of the log.
    pub fn watch_key(&mut self, key: Option<KeyMoment>) {
        debug_assert_eq!(self.scanned, 0, "the key is watched from the first entry");
        self.key_finder = key.map(KeyMomentFinder::new);
    }

    /// What the key moment is, if one is watched for.
    pub fn key(&self) -> Option<KeyMoment> {
        self.key_finder.as_ref().map(|f| f.key())
    }

    /// Read `entries` (the log from `self.scanned` on).
    pub fn extend(&mut self, entries: &[LogEntry]) {
        for e in entries {
            self.add(e);
        }
    }

    /// The time of the last entry read.
    pub fn last_time_ms(&self) -> u64 {
        self.last_time_ms
    }

    /// A binary search by message id: ids grow in send order.
    fn find(&mut self, msg: u64) -> Option<&mut Arrow> {
        let i = self.arrows.binary_search_by_key(&msg, |a| a.msg).ok()?;
        self.arrows.get_mut(i)
    }

    fn add(&mut self, e: &LogEntry) {
        debug_assert_eq!(e.index, self.scanned, "the index reads the log in order");
        self.scanned = e.index + 1;
        let t = e.time.0;
        self.last_time_ms = t;
        if let Some(f) = &mut self.key_finder {
            if f.scan(e) && self.key_moment.is_none() {
                self.key_moment = Some(e.index);
            }
        }
        if let Some(m) = self.moments.scan(e) {
            let kind = match m {
                Moment::LeaderElected { .. } => Some(MarkerKind::Elected),
                Moment::SyncChosen { .. } => Some(MarkerKind::Sync),
                Moment::Established { .. } => Some(MarkerKind::Established),
                Moment::WaitTimedOut { .. } => Some(MarkerKind::TimedOut),
                Moment::LostQuorum { .. } => Some(MarkerKind::LostQuorum),
                // Three per election: the timeline would be a comb; narration tells them.
                Moment::QuorumReached { .. } => None,
            };
            if let Some(kind) = kind {
                self.markers.push(Marker {
                    index: e.index,
                    time_ms: t,
                    kind,
                    label: describe::moment(&m),
                });
            }
        }
        match &e.event {
            LogEvent::Send(s) => {
                let (msg, from, to, message, deliver_at) =
                    (&s.msg, &s.from, &s.to, &s.message, &s.deliver_at);
                self.max_flight_ms = self.max_flight_ms.max(deliver_at.0.saturating_sub(t));
                self.arrows.push(Arrow {
                    msg: msg.0,
                    send_index: e.index,
                    from: *from,
                    to: *to,
                    sent_ms: t,
                    end_ms: deliver_at.0.max(t),
                    fate: Fate::InFlight,
                    kind: message.kind(),
                    group: KindGroup::of(message),
                });
            }
            LogEvent::Deliver { msg, .. } => self.settle(msg.0, t, Fate::Delivered),
            LogEvent::Drop { msg, .. } => {
                self.settle(msg.0, t, Fate::Dropped);
                self.mark(e, MarkerKind::Drop);
            }
            LogEvent::Delay { msg, extra_ms } => {
                let mut longest = self.max_flight_ms;
                if let Some(a) = self.find(msg.0) {
                    // Saturating: a delay of up to u64::MAX ms means "held forever", and the
                    // arrow stays in flight to the end of time rather than wrapping around.
                    a.end_ms = a.end_ms.saturating_add(*extra_ms);
                    longest = longest.max(a.end_ms - a.sent_ms);
                }
                self.max_flight_ms = longest;
                self.mark(e, MarkerKind::Delay);
            }
            LogEvent::StateChange { sid, to, .. } => {
                let zab = self.current(*sid).and_then(|m| m.zab);
                self.server_changed(e, *sid, Some(*to), zab);
            }
            LogEvent::Thread { sid, view } => {
                if let ThreadPhase::Run { zab_state, .. } = view.phase {
                    let state = self
                        .current(*sid)
                        .and_then(|m| m.state)
                        .or(Some(ServerState::Looking));
                    self.server_changed(e, *sid, state, Some(zab_state));
                }
            }
            LogEvent::PeerStarted { sid } => {
                let again = self.started.insert(*sid, true).is_some();
                if again {
                    self.mark(e, MarkerKind::Restart);
                }
                self.server_changed(e, *sid, Some(ServerState::Looking), None);
            }
            LogEvent::Crashed { sid } => {
                self.mark(e, MarkerKind::Crash);
                self.server_changed(e, *sid, None, None);
            }
            LogEvent::Partition { .. } => self.mark(e, MarkerKind::Partition),
            LogEvent::Heal => self.mark(e, MarkerKind::Heal),
            LogEvent::Paused { .. } => self.mark(e, MarkerKind::Pause),
            LogEvent::Resumed { .. } => self.mark(e, MarkerKind::Resume),
            LogEvent::ClientWrite { .. } => self.mark(e, MarkerKind::Write),
            _ => {}
        }
    }

    fn settle(&mut self, msg: u64, t: u64, fate: Fate) {
        let mut longest = self.max_flight_ms;
        if let Some(a) = self.find(msg) {
            a.end_ms = t.max(a.sent_ms);
            a.fate = fate;
            longest = longest.max(a.end_ms - a.sent_ms);
        }
        self.max_flight_ms = longest;
    }

    fn mark(&mut self, e: &LogEntry, kind: MarkerKind) {
        self.markers.push(Marker {
            index: e.index,
            time_ms: e.time.0,
            kind,
            label: describe::event(&e.event),
        });
    }

    fn current(&self, sid: Sid) -> Option<&ServerMark> {
        self.servers.get(&sid).and_then(|v| v.last())
    }

    fn server_changed(
        &mut self,
        e: &LogEntry,
        sid: Sid,
        state: Option<ServerState>,
        zab: Option<ZabState>,
    ) {
        let marks = self.servers.entry(sid).or_default();
        if marks
            .last()
            .is_some_and(|m| (m.state, m.zab) == (state, zab))
        {
            return;
        }
        let mark = ServerMark {
            index: e.index,
            time_ms: e.time.0,
            state,
            zab,
        };
        // Several changes within one entry's instant collapse into the last.
        match marks.last_mut() {
            Some(last) if last.index == e.index => *last = mark,
            _ => marks.push(mark),
        }
        if self.boundaries.last() != Some(&e.index) {
            self.boundaries.push(e.index);
        }
        let phase = self.ensemble_phase();
        if self.bands.last().map(|b| b.phase) != Some(phase) {
            self.bands.push(BandStart {
                index: e.index,
                time_ms: e.time.0,
                phase,
            });
        }
    }

    /// The leader's phase (the most advanced if several lead), or ELECTION without a leader.
    fn ensemble_phase(&self) -> ZabState {
        self.servers
            .values()
            .filter_map(|v| v.last())
            .filter(|m| m.state == Some(ServerState::Leading))
            .map(|m| m.zab.unwrap_or(ZabState::Discovery))
            .max()
            .unwrap_or(ZabState::Election)
    }

    /// The arrows that may cross `[t0, t1]`: a contiguous range of `arrows` by send time.
    pub fn window(&self, t0_ms: u64, t1_ms: u64) -> core::ops::Range<usize> {
        let from = t0_ms.saturating_sub(self.max_flight_ms);
        let lo = self.arrows.partition_point(|a| a.sent_ms < from);
        let hi = self.arrows.partition_point(|a| a.sent_ms <= t1_ms);
        lo..hi.max(lo)
    }

    /// How a server looked at `time_ms` (the last mark at or before it).
    pub fn server_at(&self, sid: Sid, time_ms: u64) -> Option<&ServerMark> {
        let marks = self.servers.get(&sid)?;
        let i = marks.partition_point(|m| m.time_ms <= time_ms);
        i.checked_sub(1).and_then(|i| marks.get(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim::session::{RunSpec, Session, UserAction};
    use zab::Time;

    fn index_of(session: &Session) -> LogIndex {
        let mut ix = LogIndex::default();
        ix.extend(session.full_log());
        ix
    }

    #[test]
    fn test_kind_groups() {
        use zab::packet::{PacketType, QuorumPacket};
        let q = |ty, zxid| Message::Quorum(QuorumPacket::bare(ty, zxid));
        let z = |e, c| zab::Zxid::make(zab::Epoch(e), c);
        assert_eq!(
            KindGroup::of(&Message::QcmHeader { sid: Sid(1) }),
            KindGroup::Election
        );
        assert_eq!(
            KindGroup::of(&q(PacketType::AckEpoch, z(0, 0))),
            KindGroup::Sync
        );
        assert_eq!(
            KindGroup::of(&q(PacketType::UpToDate, z(1, 0))),
            KindGroup::Sync
        );
        assert_eq!(
            KindGroup::of(&q(PacketType::Proposal, z(1, 1))),
            KindGroup::Broadcast
        );
        // The same classification as the event log's: the NEWLEADER ACK (counter 0) is sync,
        // a proposal's ACK is broadcast.
        assert_eq!(KindGroup::of(&q(PacketType::Ack, z(1, 0))), KindGroup::Sync);
        assert_eq!(
            KindGroup::of(&q(PacketType::Ack, z(1, 3))),
            KindGroup::Broadcast
        );
        assert_eq!(
            KindGroup::of(&q(PacketType::Ping, z(1, 3))),
            KindGroup::Ping
        );
    }

    #[test]
    fn test_an_election_gives_bands_in_protocol_order_and_every_message_an_arrow() {
        let mut s = Session::new(RunSpec::new(7, 3, 0)).expect("valid");
        s.run_until(Time(3_000));
        let ix = index_of(&s);
        let phases: Vec<ZabState> = ix.bands.iter().map(|b| b.phase).collect();
        assert_eq!(
            phases,
            [
                ZabState::Election,
                ZabState::Discovery,
                ZabState::Synchronization,
                ZabState::Broadcast
            ]
        );
        let sends = s
            .full_log()
            .iter()
            .filter(|e| matches!(e.event, LogEvent::Send(_)))
            .count();
        assert_eq!(ix.arrows.len(), sends);
        assert!(ix.arrows.windows(2).all(|w| w[0].sent_ms <= w[1].sent_ms));
        assert!(ix.arrows.iter().any(|a| a.fate == Fate::Delivered));
        assert!(ix.arrows.iter().all(|a| a.end_ms >= a.sent_ms));
        assert!(ix.boundaries.windows(2).all(|w| w[0] < w[1]));
        // Each server ends up following or leading in BROADCAST.
        for marks in ix.servers.values() {
            assert_eq!(marks.last().and_then(|m| m.zab), Some(ZabState::Broadcast));
        }
    }

    #[test]
    fn test_crash_and_restart_are_markers_and_the_crashed_server_is_down() {
        let mut spec = RunSpec::new(3, 3, 0);
        spec.actions = vec![
            (400, UserAction::Crash(Sid(2))),
            (600, UserAction::Restart(Sid(2))),
        ];
        let mut s = Session::new(spec).expect("valid");
        s.seek(700);
        let ix = index_of(&s);
        let kinds: Vec<MarkerKind> = ix
            .markers
            .iter()
            .map(|m| m.kind)
            .filter(|k| k.is_fault())
            .collect();
        assert_eq!(kinds, [MarkerKind::Crash, MarkerKind::Restart]);
        // The protocol's moments are markers too, in log order among the faults.
        assert!(ix.markers.iter().any(|m| m.kind == MarkerKind::Elected));
        assert!(ix.markers.windows(2).all(|w| w[0].index <= w[1].index));
        let crash = ix
            .markers
            .iter()
            .find(|m| m.kind == MarkerKind::Crash)
            .expect("a crash was made");
        assert_eq!(
            ix.server_at(Sid(2), crash.time_ms).map(|m| m.state),
            Some(None)
        );
    }

    #[test]
    fn test_window_finds_exactly_the_arrows_crossing_it() {
        let mut s = Session::new(RunSpec::new(11, 5, 0)).expect("valid");
        s.run_until(Time(4_000));
        let ix = index_of(&s);
        for (t0, t1) in [(0, 50), (100, 180), (1_000, 1_400), (3_900, 9_000)] {
            let got: Vec<u64> = ix.arrows[ix.window(t0, t1)]
                .iter()
                .filter(|a| a.end_ms >= t0)
                .map(|a| a.msg)
                .collect();
            let want: Vec<u64> = ix
                .arrows
                .iter()
                .filter(|a| a.sent_ms <= t1 && a.end_ms >= t0)
                .map(|a| a.msg)
                .collect();
            assert_eq!(got, want, "window {t0}..{t1}");
        }
    }

    // Fuzzing found `end_ms += extra_ms` overflowing (the release build wrapped and drew a
    // held-forever message as delivered). A link can no longer ask for such a delay (the
    // session refuses extra_ms above an hour), and the index saturates for any log it reads.
    #[test]
    fn test_a_huge_delay_saturates_instead_of_wrapping() {
        let mut s = Session::new(RunSpec::new(1, 3, 0)).expect("valid");
        s.run_until(Time(300));
        let mut ix = index_of(&s);
        let msg = ix.arrows.last().map(|a| a.msg).expect("a message was sent");
        let delay = sim::LogEntry {
            index: ix.scanned,
            time: Time(ix.last_time_ms()),
            event: sim::LogEvent::Delay {
                msg: sim::MsgId(msg),
                extra_ms: u64::MAX,
            },
        };
        ix.extend(std::slice::from_ref(&delay));
        let a = ix.arrows.last().expect("the arrow");
        assert_eq!(a.end_ms, u64::MAX, "held to the end of time");
        let link = crate::link::Link::parse(
            "?voters=2&observers=2&f=207:l125%2B18446744073709551615&pos=469",
        );
        let e = link.expect_err("refused");
        assert_eq!(e.param(), "f", "{e}");
    }
}
