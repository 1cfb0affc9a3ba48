//! What the cluster drawing shows, as plain data read from a [`Simulation`] at a display time:
//! one card per server (its threads as rows), one line per live connection, one mark per
//! partition, one pill per message on the wire, the epoch-wait gauge, and what just happened
//! (accepts, `notifyAll` wakes) for a moment's highlight.
//!
//! ```text
//!   Simulation ─threads()─▶ ThreadRow per thread ─lines─▶ CardWant ─place()─▶ card rects
//!   in_flight / connections / network ──────────────────────────────────────▶ pills, links, cuts
//!   event log tail ─Recent::scan─▶ fresh rows, woken rows, accept flashes
//!                  ─EpochGauge::build─▶ the gauge in the ring's middle
//! ```
//!
//! Everything here is `PartialEq` data, so the components are pure views of it (SG-21) and Yew
//! re-renders only what changed. Threads and messages are read generically (`ThreadView`,
//! `Message::kind`/`summary`), so new protocol parts appear without changes here.

use crate::view_model::epoch_gauge::EpochGauge;
use crate::view_model::labels::{
    countdown_text, message_fields, message_pill_lines, sid_set_text, truncate,
};
use crate::view_model::motion::progress;
use crate::view_model::recent::Recent;
use crate::view_model::ring_layout::{
    link, place_in, view_height_for, CardSize, CardWant, Point, Rect, Viewport, COUNTDOWN_W,
    ROW_TEXT_X, SANS_BOLD_ROW,
};
use sim::network::ConnState;
use sim::network::Direction;
use sim::{LogEntry, MsgId, Simulation};
use std::collections::BTreeMap;
use zab::config::LearnerType;
use zab::output::Channel;
use zab::peer::{ServerState, ThreadId, ThreadView};
use zab::Sid;

/// How far a Quorum-channel link sits beside the Election link of the same pair.
const QUORUM_LINK_OFFSET: f64 = 14.0;
/// How far a message's lane sits to the right of its link.
const LANE_OFFSET: f64 = 5.0;

/// The state class of a card: its colour comes from the CSS custom property of the same name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeerLook {
    Looking,
    Following,
    Leading,
    Observing,
    Crashed,
    /// Down because it has not started yet (staggered starts), not because it crashed.
    NotStarted,
}

impl PeerLook {
    pub fn of(state: Option<ServerState>) -> PeerLook {
        match state {
            None => PeerLook::Crashed,
            Some(ServerState::Looking) => PeerLook::Looking,
            Some(ServerState::Following) => PeerLook::Following,
            Some(ServerState::Leading) => PeerLook::Leading,
            Some(ServerState::Observing) => PeerLook::Observing,
        }
    }

    /// The BEM modifier: `peer-card--leading`.
    pub fn modifier(self) -> &'static str {
        match self {
            PeerLook::Looking => "looking",
            PeerLook::Following => "following",
            PeerLook::Leading => "leading",
            PeerLook::Observing => "observing",
            PeerLook::Crashed => "crashed",
            PeerLook::NotStarted => "not-started",
        }
    }

    /// The word on the card, ZooKeeper's `ServerState` in caps.
    pub fn label(self) -> &'static str {
        match self {
            PeerLook::Looking => "LOOKING",
            PeerLook::Following => "FOLLOWING",
            PeerLook::Leading => "LEADING",
            PeerLook::Observing => "OBSERVING",
            PeerLook::Crashed => "CRASHED",
            PeerLook::NotStarted => "NOT STARTED",
        }
    }

    pub fn is_down(self) -> bool {
        matches!(self, PeerLook::Crashed | PeerLook::NotStarted)
    }
}

/// A blocked thread's wait: the epoch-wait gauge "have k of quorum q, wakes in t".
#[derive(Clone, Debug, PartialEq)]
pub struct BlockedRow {
    /// The monitor's Java name, as the row shows it (`recvqueue (finalizeWait)`).
    pub monitor: String,
    pub have: Vec<Sid>,
    pub need: u32,
    pub needs_self: Option<Sid>,
    pub deadline_ms: u64,
    /// `143 ms` until the deadline, relative to the display clock.
    pub countdown: String,
    /// The card's one-line form, fitted to the card: `recvqueue · 2/3 · 143 ms`.
    pub short: String,
    /// How long the whole wait lasts (the ring's full circle: from its start to its
    /// deadline), and the fraction left.
    pub span_ms: u64,
    pub left: f64,
}

impl BlockedRow {
    /// `2/3 · 143 ms · recvqueue`, the one-line form in a card: the countdown comes before
    /// the monitor so a narrow card cuts the name, not the time.
    pub fn short_text(&self) -> String {
        if self.need == 0 {
            format!("{} · {}", self.countdown, self.monitor)
        } else {
            format!(
                "{}/{} · {} · {}",
                self.have.len(),
                self.need,
                self.countdown,
                self.monitor
            )
        }
    }

    /// Whether it waits for a quorum (a monitor's set), not just for a timer or a read.
    pub fn is_quorum_wait(&self) -> bool {
        self.need > 0
    }

    /// `2/3`.
    pub fn count_text(&self) -> String {
        format!("{}/{}", self.have.len(), self.need)
    }

    /// `have {1, 3} of 3 (needs 1) · wakes in 143 ms`, the inspector's form.
    pub fn long_text(&self) -> String {
        let needs_self = self
            .needs_self
            .map(|s| format!(", must include {s}"))
            .unwrap_or_default();
        let wait = if self.need == 0 {
            String::new()
        } else {
            format!(
                "have {} of {}{needs_self} · ",
                sid_set_text(&self.have),
                self.need
            )
        };
        let wake = if self.countdown == "due" {
            "due now".to_string()
        } else {
            format!("wakes in {}", self.countdown)
        };
        format!("{wait}{wake} (t={} ms)", self.deadline_ms)
    }
}

/// One of a server's Java threads.
#[derive(Clone, Debug, PartialEq)]
pub struct ThreadRow {
    /// Which thread: stable while it lives.
    pub thread: ThreadId,
    pub name: String,
    /// The phase as it fits its card (cut with `…`).
    pub phase: String,
    /// The whole phase, for the row's tooltip.
    pub full_phase: String,
    pub blocked: Option<BlockedRow>,
    /// Just created (a LearnerHandler the acceptor just made): highlighted for a moment.
    pub fresh: bool,
    /// Just woken by a `notifyAll`: the log index of that notifyAll (one pulse per wake).
    pub woken: Option<u64>,
}

impl ThreadRow {
    pub fn from_view(t: &ThreadView, display_ms: f64) -> ThreadRow {
        let phase = describe::phase(t);
        ThreadRow {
            thread: t.thread,
            name: describe::thread_name(t),
            full_phase: phase.clone(),
            phase,
            blocked: t.wait.as_ref().map(|b| {
                let left_ms = (b.deadline.0 as f64 - display_ms).max(0.0);
                let span_ms = b.deadline.0.saturating_sub(b.since.0);
                let mut row = BlockedRow {
                    monitor: describe::wait_monitor(t, b).to_string(),
                    have: b.have.clone(),
                    need: b.need,
                    needs_self: b.needs_self,
                    deadline_ms: b.deadline.0,
                    countdown: countdown_text(b.deadline.0, display_ms),
                    short: String::new(),
                    span_ms,
                    left: if span_ms == 0 {
                        0.0
                    } else {
                        (left_ms / span_ms as f64).clamp(0.0, 1.0)
                    },
                };
                row.short = row.short_text();
                row
            }),
            fresh: false,
            woken: None,
        }
    }

    /// Lines this row takes in a card: one, and a second for a quorum wait (its monitor,
    /// the set's pips and the countdown).
    pub fn lines(&self) -> usize {
        1 + usize::from(
            self.blocked
                .as_ref()
                .is_some_and(BlockedRow::is_quorum_wait),
        )
    }

    /// Whether the countdown sits at the end of the first line (a read or timer wait).
    pub fn countdown_inline(&self) -> bool {
        self.blocked.as_ref().is_some_and(|b| !b.is_quorum_wait())
    }
}

/// One server's card.
#[derive(Clone, Debug, PartialEq)]
pub struct PeerModel {
    pub sid: Sid,
    pub observer: bool,
    pub look: PeerLook,
    pub rect: Rect,
    /// This card's own size and text room (an expanded card is bigger than the base).
    pub card: CardSize,
    /// Grown beyond the base size to show all its threads (the leader, the selection).
    pub expanded: bool,
    /// `currentEpoch 1 · acceptedEpoch 1`, `lastLoggedZxid 1:0 · vote 3` (one compact line
    /// on small cards; the disk's epochs while down).
    pub info: Vec<String>,
    /// ZabState (ELECTION, DISCOVERY, …); empty while down.
    pub zab_state: String,
    /// The threads that fit in the card, in the server's order.
    pub threads: Vec<ThreadRow>,
    /// Threads left out for lack of room (the inspector lists all).
    pub hidden_threads: usize,
    pub selected: bool,
}

/// A live TCP connection between two servers.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkModel {
    pub id: u64,
    /// The connecting side and the accepting side.
    pub a: Sid,
    pub b: Sid,
    pub quorum: bool,
    /// Not yet open both ways (connecting, or half-closed).
    pub pending: bool,
    /// SYN on its way: the connect() has not reached the acceptor yet.
    pub connecting: bool,
    /// Just accepted by the leader's LearnerCnxAcceptor.
    pub fresh: bool,
    pub from: Point,
    pub to: Point,
    pub title: String,
}

/// A partition between two servers: both ways, or only `from` ↛ `to`.
#[derive(Clone, Debug, PartialEq)]
pub struct CutModel {
    pub from_sid: Sid,
    pub to_sid: Sid,
    pub direction: Direction,
    pub from: Point,
    pub to: Point,
    pub title: String,
}

/// The moment the leader's LearnerCnxAcceptor accepts a learner's connection.
#[derive(Clone, Debug, PartialEq)]
pub struct AcceptFlash {
    /// The Accept's log index: one animation per accept.
    pub key: u64,
    pub leader: Sid,
    pub learner: Sid,
    /// Where the connection meets the leader's card.
    pub at: Point,
    /// Where its `accept()` label goes: just outside the card, toward the learner.
    pub label_at: Point,
}

/// A message on the wire.
#[derive(Clone, Debug, PartialEq)]
pub struct MessageModel {
    pub id: MsgId,
    pub kind: String,
    /// The fields after the kind, shortened to fit a pill (the first of `lines`).
    pub fields: String,
    /// The pill's lines under its kind (FOLLOWERINFO: its LearnerInfo and acceptedEpoch zxid).
    pub lines: Vec<String>,
    /// `Message::summary()` with sender and receiver, for the tooltip and the inspector.
    pub summary: String,
    pub quorum: bool,
    pub at: Point,
    pub selected: bool,
}

/// The whole drawing.
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterModel {
    pub viewport: Viewport,
    /// The base card size (expanded cards carry their own).
    pub card: CardSize,
    pub peers: Vec<PeerModel>,
    pub links: Vec<LinkModel>,
    pub cuts: Vec<CutModel>,
    pub messages: Vec<MessageModel>,
    pub accepts: Vec<AcceptFlash>,
    /// The line in the middle of the ring: who leads, or that an election runs.
    pub headline: String,
    /// The leader's epoch wait, while it runs (drawn in `middle` instead of the headline).
    pub gauge: Option<EpochGauge>,
    /// The free box in the ring's middle (or the band under the portrait columns).
    pub middle: Rect,
    /// No election runs (nobody is LOOKING): the election links step back.
    pub settled: bool,
}

/// Characters a message pill line shows.
const MESSAGE_FIELD_CHARS: usize = 26;
const MESSAGE_LINE_CHARS: usize = 34;

/// What the drawing depends on besides the simulation.
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterOptions {
    pub display_ms: f64,
    /// `prefers-reduced-motion`: messages sit mid-lane instead of gliding.
    pub reduced_motion: bool,
    pub selected: Option<Sid>,
    pub selected_msg: Option<MsgId>,
    /// The phone layout (two columns) instead of the ring.
    pub portrait: bool,
    /// How long (simulated ms) an event counts as just-happened.
    pub fresh_ms: f64,
}

impl ClusterOptions {
    pub fn at(display_ms: f64) -> ClusterOptions {
        ClusterOptions {
            display_ms,
            reduced_motion: false,
            selected: None,
            selected_msg: None,
            portrait: false,
            fresh_ms: 60.0,
        }
    }
}

impl ClusterModel {
    /// The drawing without the log's highlights (no accepts, no wakes, no gauge history).
    pub fn build(
        sim: &Simulation,
        display_ms: f64,
        reduced_motion: bool,
        selected: Option<Sid>,
        selected_msg: Option<MsgId>,
    ) -> ClusterModel {
        let o = ClusterOptions {
            reduced_motion,
            selected,
            selected_msg,
            ..ClusterOptions::at(display_ms)
        };
        ClusterModel::build_with(sim, &[], &o)
    }

    /// The drawing, with highlights and the gauge read from `log` (the session's log: every
    /// entry up to the simulation's position, from index 0).
    pub fn build_with(sim: &Simulation, log: &[LogEntry], o: &ClusterOptions) -> ClusterModel {
        ClusterModel::build_fitted(sim, log, o, None)
    }

    /// [`ClusterModel::build_with`] for a box of shape `aspect` (width / height), when known:
    /// the landscape user space takes the box's shape (within bounds), so the drawing fills it.
    pub fn build_fitted(
        sim: &Simulation,
        log: &[LogEntry],
        o: &ClusterOptions,
        aspect: Option<f64>,
    ) -> ClusterModel {
        let display_ms = o.display_ms;
        let sids: Vec<Sid> = sim.sids().collect();
        let config = &sim.options().config;
        let recent = Recent::scan(log, display_ms, o.fresh_ms);
        let down = down_looks(sim);

        // The gauge (when shown) needs the ring's middle: expanded cards then grow only in
        // height.
        let gauge = if log.is_empty() {
            None
        } else {
            EpochGauge::build(sim, log, display_ms, o.fresh_ms, o.fresh_ms * 4.0)
        };
        // Every thread of every server, then the room each card asks for.
        let rows: Vec<Vec<ThreadRow>> = sids
            .iter()
            .map(|&sid| thread_rows(sim, sid, display_ms, &recent))
            .collect();
        let wants: Vec<CardWant> = sids
            .iter()
            .zip(&rows)
            .map(|(&sid, rows)| CardWant {
                lines: rows.iter().map(ThreadRow::lines).sum(),
                expand: o.selected == Some(sid)
                    || sim
                        .peer(sid)
                        .is_some_and(|p| p.state() == ServerState::Leading),
                widen: gauge.is_none(),
            })
            .collect();
        let placement = place_in(sids.len(), &wants, o.portrait, view_height_for(aspect));
        let rects: BTreeMap<Sid, Rect> = sids
            .iter()
            .copied()
            .zip(placement.rects.iter().copied())
            .collect();
        let base = placement.base;

        let peers = sids
            .iter()
            .zip(rows)
            .map(|(&sid, rows)| {
                let observer = config.learner_type(sid) == Some(LearnerType::Observer);
                let rect = rects[&sid];
                let card = base.resized(rect.w, rect.h);
                let mut p = peer_model(sim, sid, observer, rect, card, rows);
                p.selected = o.selected == Some(sid);
                p.expanded = rect.w > base.w + 0.5 || rect.h > base.h + 0.5;
                if let Some(look) = down.get(&sid) {
                    p.look = *look;
                    p.info = down_info(sim, sid, *look, card);
                }
                p
            })
            .collect();

        let links = sim
            .connections()
            .filter_map(|c| {
                let (a, b) = (rects.get(&c.initiator)?, rects.get(&c.acceptor)?);
                let quorum = c.channel == Channel::Quorum;
                let (from, to) = canonical_link(c.initiator, c.acceptor, a, b, quorum, 0.0);
                Some(LinkModel {
                    id: c.id.0,
                    a: c.initiator,
                    b: c.acceptor,
                    quorum,
                    pending: !matches!(c.state, ConnState::Open),
                    connecting: matches!(c.state, ConnState::Connecting),
                    fresh: quorum && recent.accepted(c.acceptor, c.id.0),
                    from,
                    to,
                    title: format!(
                        "{} → {} {:?} connection #{} ({:?}). Click to break every connection \
                         between {} and {}.",
                        c.initiator,
                        c.acceptor,
                        c.channel,
                        c.id.0,
                        c.state,
                        c.initiator,
                        c.acceptor
                    ),
                })
            })
            .collect();

        let cuts = cuts(sim, &rects);

        let accepts = recent
            .accepts
            .iter()
            .filter_map(|a| {
                let (l, f) = (rects.get(&a.leader)?, rects.get(&a.learner)?);
                let at = l.exit_toward(f.center());
                Some(AcceptFlash {
                    key: a.index,
                    leader: a.leader,
                    learner: a.learner,
                    at,
                    label_at: outside(l, at, ACCEPT_LABEL_GAP),
                })
            })
            .collect();

        let messages = sim
            .in_flight()
            .filter_map(|m| {
                let (a, b) = (rects.get(&m.from)?, rects.get(&m.to)?);
                let quorum = m.channel == Channel::Quorum;
                let (from, to) = canonical_link(m.from, m.to, a, b, quorum, LANE_OFFSET);
                let t = progress(display_ms, m.sent_at.0, m.deliver_at.0, o.reduced_motion);
                let kind = m.message.kind().to_string();
                let summary = m.message.summary();
                let lines: Vec<String> = message_pill_lines(&m.message)
                    .iter()
                    .map(|l| truncate(l, MESSAGE_LINE_CHARS))
                    .collect();
                Some(MessageModel {
                    id: m.msg,
                    fields: message_fields(&kind, &summary, MESSAGE_FIELD_CHARS),
                    lines,
                    summary: format!(
                        "{} → {}: {summary} (sent t={} ms, arrives t={} ms)",
                        m.from, m.to, m.sent_at.0, m.deliver_at.0
                    ),
                    kind,
                    quorum,
                    at: from.lerp(to, t),
                    selected: o.selected_msg == Some(m.msg),
                })
            })
            .collect();

        ClusterModel {
            viewport: placement.viewport,
            card: base,
            peers,
            links,
            cuts,
            messages,
            accepts,
            headline: headline(sim),
            gauge,
            middle: placement.middle,
            settled: sim.sids().any(|sid| sim.peer(sid).is_some())
                && sim
                    .sids()
                    .filter_map(|sid| sim.peer(sid))
                    .all(|p| p.state() != ServerState::Looking),
        }
    }
}

/// How far outside the leader's card an `accept()` label sits.
const ACCEPT_LABEL_GAP: f64 = 20.0;

/// A point `gap` beyond `at` (a point on `card`'s border), away from the card's centre; the
/// label's baseline is lowered below a bottom edge so the text clears the card.
fn outside(card: &Rect, at: Point, gap: f64) -> Point {
    let c = card.center();
    let (dx, dy) = (at.x - c.x, at.y - c.y);
    let len = dx.hypot(dy);
    if len == 0.0 {
        return at;
    }
    let p = Point::new(at.x + dx / len * gap, at.y + dy / len * gap);
    if dy > 0.0 {
        Point::new(p.x, p.y + 8.0)
    } else {
        p
    }
}

/// The partitions in force, one mark per pair (a symmetric partition once).
fn cuts(sim: &Simulation, rects: &BTreeMap<Sid, Rect>) -> Vec<CutModel> {
    let blocked: Vec<(Sid, Sid)> = sim.network().blocked().collect();
    let mut out = Vec::new();
    for &(from, to) in &blocked {
        let both = blocked.contains(&(to, from));
        if both && from > to {
            continue;
        }
        let (Some(a), Some(b)) = (rects.get(&from), rects.get(&to)) else {
            continue;
        };
        let (p, q) = link(a, b, 0.0);
        out.push(CutModel {
            from_sid: from,
            to_sid: to,
            direction: if both {
                Direction::Both
            } else {
                Direction::OneWay
            },
            from: p,
            to: q,
            title: if both {
                format!("partition {from} ↮ {to}: nothing gets through either way")
            } else {
                format!("partition {from} ↛ {to}: {from}'s packets to {to} are lost")
            },
        });
    }
    out
}

/// The link between `from` and `to` drawn the same for both directions: a Quorum-channel link
/// sits beside the Election one, and `lane` shifts a message to the right of its travel.
fn canonical_link(
    from: Sid,
    to: Sid,
    a: &Rect,
    b: &Rect,
    quorum: bool,
    lane: f64,
) -> (Point, Point) {
    let side = if quorum { QUORUM_LINK_OFFSET } else { 0.0 };
    // The channel offset is measured from the lower sid toward the higher one, so both
    // directions of a pair share it; the lane offset is measured along the travel direction.
    let channel_offset = if from < to { side } else { -side };
    link(a, b, channel_offset + lane)
}

/// `text` if it fits in `max` characters, cut with `…` if at least four fit, else nothing.
fn fit_or_drop(text: &str, max: usize) -> String {
    if max < 4 && text.chars().count() > max {
        String::new()
    } else {
        truncate(text, max)
    }
}

/// Every thread of a running server as rows, with the moment's highlights.
fn thread_rows(sim: &Simulation, sid: Sid, display_ms: f64, recent: &Recent) -> Vec<ThreadRow> {
    let Some(peer) = sim.peer(sid) else {
        return Vec::new();
    };
    peer.threads()
        .iter()
        .map(|t| {
            let mut row = ThreadRow::from_view(t, display_ms);
            row.woken = recent.woke(sid, t.thread);
            row.fresh = match t.thread {
                ThreadId::LearnerHandler(conn) => recent.accepted(sid, conn.0),
                _ => false,
            };
            row
        })
        .collect()
}

/// The card's info lines: the epochs and the last logged zxid, ZooKeeper's names when they
/// fit; with the vote (the proposal while FastLeaderElection runs).
fn info_lines(peer: &zab::peer::QuorumPeer, card: CardSize) -> Vec<String> {
    let (ce, ae, z) = (
        peer.current_epoch(),
        peer.accepted_epoch(),
        peer.last_logged_zxid().short(),
    );
    let e = peer.election();
    let vote = if e.running {
        format!("proposal {}", e.proposed_leader)
    } else {
        format!("vote {}", peer.current_vote().id)
    };
    let max = card.line_chars();
    if card.compact {
        let long = format!("cE {ce} · aE {ae} · zxid {z}");
        let short = format!("cE {ce} aE {ae} {z}");
        return vec![truncate(
            if long.chars().count() <= max {
                &long
            } else {
                &short
            },
            max,
        )];
    }
    vec![
        truncate(&format!("currentEpoch {ce} · acceptedEpoch {ae}"), max),
        truncate(&format!("lastLoggedZxid {z} · {vote}"), max),
    ]
}

/// A down server's info lines: what its disk holds.
fn down_info(sim: &Simulation, sid: Sid, look: PeerLook, card: CardSize) -> Vec<String> {
    let max = card.line_chars();
    if look == PeerLook::NotStarted {
        return vec!["not started yet".to_string()];
    }
    let show = |e: Option<zab::Epoch>| e.map_or("–".to_string(), |e| e.to_string());
    let disk = sim.disk(sid).map(|d| &d.durable);
    let (ce, ae, z) = disk.map_or(
        ("–".to_string(), "–".to_string(), "–".to_string()),
        |d| {
            (
                show(d.current_epoch),
                show(d.accepted_epoch),
                d.last_zxid().short(),
            )
        },
    );
    if card.compact {
        vec![truncate(&format!("disk: cE {ce} · aE {ae} · {z}"), max)]
    } else {
        vec![
            truncate(&format!("currentEpoch {ce} · acceptedEpoch {ae}"), max),
            truncate(&format!("on disk · lastZxid {z} · process down"), max),
        ]
    }
}

/// Fit a row's texts to a card.
fn fit_row(row: ThreadRow, card: CardSize) -> ThreadRow {
    // A read's countdown sits at the line's end: the name stops before it.
    let countdown = if row.countdown_inline() {
        COUNTDOWN_W
    } else {
        0.0
    };
    let name_room =
        ((card.w - ROW_TEXT_X - CARD_TEXT_RIGHT - countdown) / SANS_BOLD_ROW).floor() as usize;
    let name = truncate(&row.name, name_room.max(4));
    let phase = truncate(&row.phase, card.phase_chars(&name, row.countdown_inline()));
    ThreadRow {
        blocked: row.blocked.map(|b| BlockedRow {
            short: truncate(&b.short, card.wait_chars(b.need)),
            monitor: truncate(&b.monitor, card.wait_chars(b.need)),
            ..b
        }),
        name,
        phase,
        ..row
    }
}

/// Right padding of a card's text.
const CARD_TEXT_RIGHT: f64 = 12.0;

fn peer_model(
    sim: &Simulation,
    sid: Sid,
    observer: bool,
    rect: Rect,
    card: CardSize,
    all: Vec<ThreadRow>,
) -> PeerModel {
    let Some(peer) = sim.peer(sid) else {
        return PeerModel {
            sid,
            observer,
            look: PeerLook::Crashed,
            rect,
            card,
            expanded: false,
            info: Vec::new(),
            zab_state: String::new(),
            threads: Vec::new(),
            hidden_threads: 0,
            selected: false,
        };
    };
    let total = all.len();
    let needed: usize = all.iter().map(ThreadRow::lines).sum();
    // When not all fit, one line is kept for "+N more threads".
    let room = if needed <= card.thread_lines {
        card.thread_lines
    } else {
        card.thread_lines.saturating_sub(1)
    };
    let mut threads = Vec::new();
    let mut lines = 0;
    for row in all {
        if lines + row.lines() > room {
            break;
        }
        lines += row.lines();
        threads.push(fit_row(row, card));
    }
    let look = PeerLook::of(Some(peer.state()));
    let zab = peer.zab_state().to_string();
    let zab = if observer {
        format!("observer · {zab}")
    } else {
        zab
    };
    PeerModel {
        sid,
        observer,
        look,
        rect,
        card,
        expanded: false,
        info: info_lines(peer, card),
        zab_state: fit_or_drop(&zab, card.header_chars(look.label())),
        hidden_threads: total - threads.len(),
        threads,
        selected: false,
    }
}

/// Why each server that is down is down.
pub fn down_looks(sim: &Simulation) -> BTreeMap<Sid, PeerLook> {
    sim.sids()
        .filter_map(|sid| match sim.status(sid)? {
            sim::ServerStatus::Running => None,
            sim::ServerStatus::NotStarted => Some((sid, PeerLook::NotStarted)),
            sim::ServerStatus::Crashed | sim::ServerStatus::StartupFailed => {
                Some((sid, PeerLook::Crashed))
            }
        })
        .collect()
}

/// "Leader: 3 (epoch 1)" once a voter leads and a quorum follows it; otherwise what is going on.
fn headline(sim: &Simulation) -> String {
    let mut up = 0;
    let mut looking = 0;
    let mut leaders = Vec::new();
    for sid in sim.sids() {
        if let Some(p) = sim.peer(sid) {
            up += 1;
            match p.state() {
                ServerState::Looking => looking += 1,
                ServerState::Leading => leaders.push(sid),
                _ => {}
            }
        }
    }
    match (up, looking, leaders.as_slice()) {
        (0, _, _) => "no server running".to_string(),
        (_, _, [l]) => match sim.peer(*l).and_then(|p| p.leader()).map(|x| x.epoch()) {
            Some(e) if e.0 >= 0 => format!("leader: server {l} · epoch {e}"),
            _ => format!("leader: server {l}"),
        },
        (_, _, []) if looking > 0 => format!("electing: {looking} of {up} LOOKING"),
        (_, _, []) => "no leader".to_string(),
        (_, _, many) => format!("{} servers LEADING", many.len()),
    }
}

#[cfg(test)]
mod tests;
