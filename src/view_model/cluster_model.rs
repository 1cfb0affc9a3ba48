//! What the cluster drawing shows, as plain data read from a [`Simulation`] at a display time,
//! in the drawing's CSS pixels: one card per server (in a place and at a size that never
//! change with its role), one line per live connection, one mark per partition, the messages
//! in flight (labelled where a label touches nothing, dots otherwise), and what just happened
//! (accepts, `notifyAll` wakes) for a moment's highlight.
//!
//! ```text
//!   box size ─StageLayout─▶ card rects ─┬─ threads() ─focus thread─▶ CardModel (what matters now)
//!                                       ├─ connections / network ──▶ links, cuts
//!                                       └─ in_flight ─place_pills──▶ labels and dots
//!   event log tail ─Recent::scan─▶ fresh handlers, woken threads, accept pulses
//! ```
//!
//! A card shows what matters now: the role, ZabState, the epochs, lastLoggedZxid and the one
//! thread that is blocked or active, with its wait. Every thread appears in the side panel on
//! selection. Everything is `PartialEq` data, so the components are pure views (SG-21).

use crate::view_model::geometry::{lane_between, Point, Rect};
use crate::view_model::labels::countdown_text;
use crate::view_model::motion::progress;
use crate::view_model::pill_layout::{label_text, place_pills, PillInput};
use crate::view_model::recent::Recent;
use crate::view_model::stage_layout::{Density, StageLayout};
use sim::network::{ConnState, Direction};
use sim::{LogEntry, MsgId, Simulation};
use std::collections::BTreeMap;
use zab::config::LearnerType;
use zab::message::MessagePhase;
use zab::output::Channel;
use zab::peer::{ServerState, ThreadId, ThreadView};
use zab::Sid;

/// How far the Election and Quorum links of one pair sit apart (each half on its side).
const CHANNEL_SPLIT: f64 = 9.0;

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

/// A blocked thread's wait: "have k of quorum q, wakes in t".
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
    /// How long the whole wait lasts (from its start to its deadline), and the fraction left.
    pub span_ms: u64,
    pub left: f64,
}

impl BlockedRow {
    /// Whether it waits for a quorum (a monitor's set), not just for a timer or a read.
    pub fn is_quorum_wait(&self) -> bool {
        self.need > 0
    }

    /// `2 of 3`.
    pub fn count_text(&self) -> String {
        format!("{} of {}", self.have.len(), self.need)
    }

    /// `have {1, 3} of 3, must include 1 · wakes in 143 ms (t=20649 ms)`, the panel's form.
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
                crate::view_model::labels::sid_set_text(&self.have),
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

/// One of a server's Java threads, in words.
#[derive(Clone, Debug, PartialEq)]
pub struct ThreadRow {
    /// Which thread: stable while it lives.
    pub thread: ThreadId,
    pub name: String,
    /// The whole phase, in ZooKeeper's words.
    pub phase: String,
    /// A few words of it, for a card.
    pub brief: String,
    pub blocked: Option<BlockedRow>,
    /// Just created (a LearnerHandler the acceptor just made): highlighted for a moment.
    pub fresh: bool,
    /// Just woken by a `notifyAll`: the log index of that notifyAll (one pulse per wake).
    pub woken: Option<u64>,
}

impl ThreadRow {
    pub fn from_view(t: &ThreadView, display_ms: f64) -> ThreadRow {
        ThreadRow {
            thread: t.thread,
            name: describe::thread_name(t),
            phase: describe::phase(t),
            brief: describe::brief(t),
            blocked: t.wait.as_ref().map(|b| {
                let left_ms = (b.deadline.0 as f64 - display_ms).max(0.0);
                let span_ms = b.deadline.0.saturating_sub(b.since.0);
                BlockedRow {
                    monitor: describe::wait_monitor(t, b).to_string(),
                    have: b.have.clone(),
                    need: b.need,
                    needs_self: b.needs_self,
                    deadline_ms: b.deadline.0,
                    countdown: countdown_text(b.deadline.0, display_ms),
                    span_ms,
                    left: if span_ms == 0 {
                        0.0
                    } else {
                        (left_ms / span_ms as f64).clamp(0.0, 1.0)
                    },
                }
            }),
            fresh: false,
            woken: None,
        }
    }
}

/// A card's key/value line: `currentEpoch   1`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardRow {
    pub key: &'static str,
    pub value: String,
}

/// One voter's pip in a quorum wait: in the set or not, the server itself or not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pip {
    pub sid: Sid,
    pub have: bool,
    pub is_self: bool,
}

/// The thread a card shows: the one blocked or active, with its wait.
#[derive(Clone, Debug, PartialEq)]
pub struct FocusModel {
    pub thread: ThreadId,
    pub name: String,
    pub brief: String,
    /// The full sentence (the row's tooltip; the side panel shows it too).
    pub phase: String,
    /// A quorum wait's pips, `2 of 3`, and its countdown.
    pub pips: Vec<Pip>,
    pub count: Option<String>,
    pub countdown: Option<String>,
    /// Fraction of the wait left, 1 → 0 (the countdown ring).
    pub left: Option<f64>,
    /// Just woken by a `notifyAll` (its log index: one pulse per wake).
    pub woken: Option<u64>,
    /// A LearnerHandler the acceptor just made (only for handler focus).
    pub fresh: bool,
}

/// One server's card.
#[derive(Clone, Debug, PartialEq)]
pub struct CardModel {
    pub sid: Sid,
    pub observer: bool,
    pub look: PeerLook,
    pub rect: Rect,
    pub density: Density,
    /// ZabState (ELECTION, DISCOVERY, …) while up.
    pub zab_state: Option<&'static str>,
    pub rows: Vec<CardRow>,
    pub focus: Option<FocusModel>,
    /// What a down card says instead of a thread.
    pub note: Option<String>,
    /// How many of its threads wait on a quorum besides the focus one (the leader's
    /// LearnerHandlers in getEpochToPropose…): "+2 waiting".
    pub also_waiting: usize,
    pub selected: bool,
    /// The whole card in one sentence, for screen readers and the tooltip.
    pub summary: String,
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

impl CutModel {
    pub fn mid(&self) -> Point {
        self.from.lerp(self.to, 0.5)
    }
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
}

/// A message on the wire.
#[derive(Clone, Debug, PartialEq)]
pub struct PillModel {
    pub id: MsgId,
    pub kind: &'static str,
    /// What the label reads (its kind, and `+N` when it stands for dots behind it).
    pub text: String,
    /// Drawn with its label; otherwise a dot (named on hover and focus).
    pub labeled: bool,
    pub at: Point,
    pub w: f64,
    /// `election`, `sync`, `broadcast` or `ping` (its colour).
    pub family: &'static str,
    pub quorum: bool,
    /// `1 → 3: FOLLOWERINFO zxid=… (sent t=…, arrives t=…)`, for the tooltip and screen readers.
    pub summary: String,
    pub selected: bool,
}

/// The whole drawing.
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterModel {
    /// The drawing's size in CSS px (its user space: 1 unit = 1 px).
    pub w: f64,
    pub h: f64,
    pub density: Density,
    pub cards: Vec<CardModel>,
    pub links: Vec<LinkModel>,
    pub cuts: Vec<CutModel>,
    pub pills: Vec<PillModel>,
    pub accepts: Vec<AcceptFlash>,
    /// Who leads, or that an election runs (shown above the drawing).
    pub headline: String,
    /// No election runs (nobody is LOOKING): the election links step back.
    pub settled: bool,
}

impl ClusterModel {
    pub fn in_flight(&self) -> usize {
        self.pills.len()
    }

    pub fn labeled(&self) -> usize {
        self.pills.iter().filter(|p| p.labeled).count()
    }
}

/// What the drawing depends on besides the simulation.
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterOptions {
    pub display_ms: f64,
    /// The box it is drawn in, CSS px.
    pub size: (f64, f64),
    /// It may grow taller than its box (a phone's page scrolls).
    pub grow: bool,
    /// `prefers-reduced-motion`: messages sit mid-lane instead of gliding.
    pub reduced_motion: bool,
    pub selected: Option<Sid>,
    pub selected_msg: Option<MsgId>,
    /// How long (simulated ms) an event counts as just-happened.
    pub fresh_ms: f64,
}

impl ClusterOptions {
    /// A desktop-sized drawing at `display_ms`.
    pub fn at(display_ms: f64) -> ClusterOptions {
        ClusterOptions {
            display_ms,
            size: (840.0, 620.0),
            grow: false,
            reduced_motion: false,
            selected: None,
            selected_msg: None,
            fresh_ms: 60.0,
        }
    }
}

impl ClusterModel {
    /// The drawing, with highlights read from `log` (the session's log up to the position).
    pub fn build(sim: &Simulation, log: &[LogEntry], o: &ClusterOptions) -> ClusterModel {
        let sids: Vec<Sid> = sim.sids().collect();
        let layout = StageLayout::new(o.size.0, o.size.1, &sids, o.grow);
        let rects: BTreeMap<Sid, Rect> = layout.rects.iter().copied().collect();
        let recent = Recent::scan(log, o.display_ms, o.fresh_ms);
        let down = down_looks(sim);
        let config = &sim.options().config;

        let cards: Vec<CardModel> = layout
            .rects
            .iter()
            .map(|(sid, rect)| {
                let observer = config.learner_type(*sid) == Some(LearnerType::Observer);
                let mut card = match (sim.peer(*sid), down.get(sid)) {
                    (Some(peer), _) => up_card(sim, peer, o, &recent),
                    (None, look) => down_card(sim, *sid, look.copied()),
                };
                card.sid = *sid;
                card.observer = observer;
                card.rect = *rect;
                card.density = layout.density;
                card.selected = o.selected == Some(*sid);
                card.summary = card_summary(&card);
                card
            })
            .collect();

        let links = sim
            .connections()
            .filter_map(|c| {
                let quorum = c.channel == Channel::Quorum;
                let (from, to) = link_segment(c.initiator, c.acceptor, &rects, quorum)?;
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
                        "{} → {}: {} connection #{} ({:?})",
                        c.initiator,
                        c.acceptor,
                        if quorum {
                            "quorum (learner → leader)"
                        } else {
                            "election (QuorumCnxManager)"
                        },
                        c.id.0,
                        c.state
                    ),
                })
            })
            .collect();

        let accepts = recent
            .accepts
            .iter()
            .filter_map(|a| {
                let (l, f) = (rects.get(&a.leader)?, rects.get(&a.learner)?);
                Some(AcceptFlash {
                    key: a.index,
                    leader: a.leader,
                    learner: a.learner,
                    at: l.exit_toward(f.center()),
                })
            })
            .collect();

        let pills = pills(sim, &rects, &layout, o);

        ClusterModel {
            w: layout.w,
            h: layout.h,
            density: layout.density,
            cards,
            links,
            cuts: cuts(sim, &rects),
            pills,
            accepts,
            headline: headline(sim),
            settled: sim.sids().any(|sid| sim.peer(sid).is_some())
                && sim
                    .sids()
                    .filter_map(|sid| sim.peer(sid))
                    .all(|p| p.state() != ServerState::Looking),
        }
    }
}

/// The segment a connection (or a message on it) is drawn on, from `from`'s card to `to`'s:
/// the Election and Quorum links of a pair sit on either side of the line between the cards.
fn link_segment(
    from: Sid,
    to: Sid,
    rects: &BTreeMap<Sid, Rect>,
    quorum: bool,
) -> Option<(Point, Point)> {
    let (a, b) = (rects.get(&from)?, rects.get(&to)?);
    // Measured in the low → high sid frame, so both directions of a pair share it.
    let side = if quorum {
        CHANNEL_SPLIT
    } else {
        -CHANNEL_SPLIT
    };
    let offset = if from < to { side } else { -side };
    Some(lane_between(a, b, offset))
}

/// The messages in flight, placed so their labels touch nothing.
fn pills(
    sim: &Simulation,
    rects: &BTreeMap<Sid, Rect>,
    layout: &StageLayout,
    o: &ClusterOptions,
) -> Vec<PillModel> {
    struct Meta {
        id: MsgId,
        kind: &'static str,
        family: &'static str,
        quorum: bool,
        summary: String,
    }
    let mut inputs = Vec::new();
    let mut metas = Vec::new();
    for m in sim.in_flight() {
        let quorum = m.channel == Channel::Quorum;
        let Some((a, b)) = link_segment(m.from, m.to, rects, quorum) else {
            continue;
        };
        let phase = m.message.phase();
        let family = match phase {
            MessagePhase::Election => "election",
            MessagePhase::Sync => "sync",
            MessagePhase::Broadcast => "broadcast",
            MessagePhase::Ping => "ping",
        };
        let selected = o.selected_msg == Some(m.msg);
        let priority = if selected {
            9
        } else {
            match phase {
                MessagePhase::Sync => 6,
                MessagePhase::Broadcast => 5,
                MessagePhase::Election => 3,
                MessagePhase::Ping => 1,
            }
        };
        let kind = m.message.kind();
        inputs.push(PillInput {
            id: m.msg.0,
            lane: (m.from.0, m.to.0, quorum),
            a,
            b,
            t: progress(o.display_ms, m.sent_at.0, m.deliver_at.0, o.reduced_motion),
            text: kind.to_string(),
            priority,
        });
        metas.push(Meta {
            id: m.msg,
            kind,
            family,
            quorum,
            summary: format!(
                "{} → {}: {} (sent t={} ms, arrives t={} ms)",
                m.from,
                m.to,
                m.message.summary(),
                m.sent_at.0,
                m.deliver_at.0
            ),
        });
    }
    let obstacles: Vec<Rect> = layout.rects.iter().map(|(_, r)| *r).collect();
    let placed = place_pills(&inputs, &obstacles, layout.bounds());
    placed
        .into_iter()
        .zip(metas)
        .map(|(p, m)| {
            debug_assert_eq!(p.id, m.id.0, "places line up with their messages");
            PillModel {
                id: m.id,
                kind: m.kind,
                text: label_text(m.kind, p.more),
                labeled: p.labeled,
                at: p.at,
                w: p.w,
                family: m.family,
                quorum: m.quorum,
                selected: o.selected_msg == Some(m.id),
                summary: m.summary,
            }
        })
        .collect()
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
        let (p, q) = lane_between(a, b, 0.0);
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

/// A card's text width in px, and conservative advances per character of its fonts, so a
/// line is shown only where it fits (never cut).
const CARD_PAD: f64 = 12.0;
const CHAR_13: f64 = 7.7;
const CHAR_13_BOLD: f64 = 8.3;

pub fn fits(text: &str, px: f64, char_px: f64) -> bool {
    text.chars().count() as f64 * char_px <= px
}

/// The thread a card shows for a running server: the one that matters now.
fn focus_thread(state: ServerState, threads: &[ThreadView]) -> Option<&ThreadView> {
    let want = match state {
        ServerState::Leading => ThreadId::Lead,
        ServerState::Following => ThreadId::FollowLeader,
        ServerState::Observing => ThreadId::ObserveLeader,
        ServerState::Looking => ThreadId::FastLeaderElection,
    };
    threads
        .iter()
        .find(|t| t.thread == want)
        .or_else(|| threads.first())
}

fn up_card(
    sim: &Simulation,
    peer: &zab::peer::QuorumPeer,
    o: &ClusterOptions,
    recent: &Recent,
) -> CardModel {
    let sid = peer.myid();
    let threads = peer.threads();
    let rows = vec![
        CardRow {
            key: "currentEpoch",
            value: peer.current_epoch().to_string(),
        },
        CardRow {
            key: "acceptedEpoch",
            value: peer.accepted_epoch().to_string(),
        },
        CardRow {
            key: "lastLoggedZxid",
            value: peer.last_logged_zxid().short(),
        },
    ];
    let focus = focus_thread(peer.state(), &threads).map(|t| {
        let row = ThreadRow::from_view(t, o.display_ms);
        let quorum_wait = row.blocked.as_ref().filter(|b| b.is_quorum_wait());
        let pips = quorum_wait
            .map(|b| {
                let voters: Vec<Sid> = sim.options().config.voters().collect();
                let mut pips: Vec<Pip> = voters
                    .into_iter()
                    .map(|v| Pip {
                        sid: v,
                        have: b.have.contains(&v),
                        is_self: b.needs_self == Some(v),
                    })
                    .collect();
                pips.sort_by_key(|p| (!p.is_self, !p.have, p.sid));
                pips
            })
            .unwrap_or_default();
        FocusModel {
            thread: t.thread,
            name: row.name.clone(),
            brief: row.brief.clone(),
            phase: row.phase.clone(),
            count: quorum_wait.map(BlockedRow::count_text),
            countdown: quorum_wait.map(|b| b.countdown.clone()),
            left: quorum_wait.map(|b| b.left),
            pips,
            woken: recent.woke(sid, t.thread),
            fresh: match t.thread {
                ThreadId::LearnerHandler(conn) => recent.accepted(sid, conn.0),
                _ => false,
            },
        }
    });
    let focus_id = focus.as_ref().map(|f| f.thread);
    let also_waiting = threads
        .iter()
        .filter(|t| Some(t.thread) != focus_id)
        .filter(|t| t.wait.as_ref().is_some_and(|w| w.is_quorum_wait()))
        .count();
    let state = peer.state();
    CardModel {
        sid,
        observer: false,
        look: PeerLook::of(Some(state)),
        rect: Rect::new(0.0, 0.0, 0.0, 0.0),
        density: Density::Full,
        zab_state: Some(zab_state_name(peer.zab_state())),
        rows,
        focus,
        note: None,
        also_waiting,
        selected: false,
        summary: String::new(),
    }
}

fn zab_state_name(z: zab::peer::ZabState) -> &'static str {
    match z {
        zab::peer::ZabState::Election => "ELECTION",
        zab::peer::ZabState::Discovery => "DISCOVERY",
        zab::peer::ZabState::Synchronization => "SYNCHRONIZATION",
        zab::peer::ZabState::Broadcast => "BROADCAST",
    }
}

fn down_card(sim: &Simulation, sid: Sid, look: Option<PeerLook>) -> CardModel {
    let look = look.unwrap_or(PeerLook::Crashed);
    let show = |e: Option<zab::Epoch>| e.map_or("–".to_string(), |e| e.to_string());
    let disk = sim.disk(sid).map(|d| &d.durable);
    let failed = sim.status(sid) == Some(sim::ServerStatus::StartupFailed);
    let (rows, note) = if look == PeerLook::NotStarted {
        (Vec::new(), "not started yet".to_string())
    } else {
        let rows = disk
            .map(|d| {
                vec![
                    CardRow {
                        key: "currentEpoch",
                        value: show(d.current_epoch),
                    },
                    CardRow {
                        key: "acceptedEpoch",
                        value: show(d.accepted_epoch),
                    },
                    CardRow {
                        key: "last zxid on disk",
                        value: d.last_zxid().short(),
                    },
                ]
            })
            .unwrap_or_default();
        let note = if failed {
            "refused to start (see the log)"
        } else {
            "process down; its disk is kept"
        };
        (rows, note.to_string())
    };
    CardModel {
        sid,
        observer: false,
        look,
        rect: Rect::new(0.0, 0.0, 0.0, 0.0),
        density: Density::Full,
        zab_state: None,
        rows,
        focus: None,
        note: Some(note),
        also_waiting: 0,
        selected: false,
        summary: String::new(),
    }
}

/// The card as a sentence.
fn card_summary(c: &CardModel) -> String {
    let mut s = format!(
        "server {}{}: {}",
        c.sid,
        if c.observer { " (observer)" } else { "" },
        c.look.label()
    );
    if let Some(z) = c.zab_state {
        s += &format!(", {z}");
    }
    for r in &c.rows {
        s += &format!(", {} {}", r.key, r.value);
    }
    if let Some(f) = &c.focus {
        s += &format!(". {}: {}", f.name, f.phase);
        if let (Some(count), Some(cd)) = (&f.count, &f.countdown) {
            s += &format!(" ({count}, {cd} left)");
        }
    }
    if let Some(n) = &c.note {
        s += &format!(". {n}");
    }
    s
}

/// The lines a card of this density shows, in order, each fitting its width: what the
/// component draws. Kept here so a test can check that nothing is cut.
#[derive(Clone, Debug, PartialEq)]
pub enum CardLine {
    ZabState(&'static str),
    Row(CardRow),
    Rule,
    FocusName(String),
    FocusBrief(String),
    Wait,
    AlsoWaiting(usize),
    Note(String),
    /// "observer", on a compact card (larger cards say it beside the sid).
    Observer,
}

impl CardModel {
    /// The text width inside the card.
    pub fn text_px(&self) -> f64 {
        self.rect.w - 2.0 * CARD_PAD
    }

    pub fn lines(&self) -> Vec<CardLine> {
        let room = self.text_px();
        let mut out = Vec::new();
        let full = self.density == Density::Full;
        let medium = self.density == Density::Medium;
        if full {
            if let Some(z) = self.zab_state {
                out.push(CardLine::ZabState(z));
            }
        }
        for r in &self.rows {
            let keep = full || (medium && r.key.starts_with("last"));
            if keep && fits(&format!("{} {}", r.key, r.value), room, CHAR_13) {
                out.push(CardLine::Row(r.clone()));
            }
        }
        if self.observer && !(full || medium) {
            // A compact card's head has no room beside the state badge: the role is a line.
            out.push(CardLine::Observer);
        }
        if let Some(f) = &self.focus {
            if full || medium {
                out.push(CardLine::Rule);
                if fits(&f.name, room, CHAR_13_BOLD) {
                    out.push(CardLine::FocusName(f.name.clone()));
                }
            }
            // A compact observer has room for one more line: its wait, else its brief.
            let one_line = self.observer && !(full || medium);
            if fits(&f.brief, room, CHAR_13) && !(one_line && f.count.is_some()) {
                out.push(CardLine::FocusBrief(f.brief.clone()));
            }
            if f.count.is_some() {
                out.push(CardLine::Wait);
            }
            if full && self.also_waiting > 0 {
                out.push(CardLine::AlsoWaiting(self.also_waiting));
            }
        }
        if let Some(n) = &self.note {
            if fits(n, room, CHAR_13) {
                out.push(CardLine::Note(n.clone()));
            }
        }
        out
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

/// "leader: server 3 · epoch 1" once a voter leads; otherwise what is going on.
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
        (_, _, [l]) => {
            let peer = sim.peer(*l);
            let epoch = peer.and_then(|p| p.leader()).map(|x| x.epoch());
            // Leader.epoch rises as learners report their acceptedEpoch; it is the ensemble's
            // epoch only once a quorum has synced (ZabState BROADCAST).
            let established = peer.is_some_and(|p| p.zab_state() == zab::peer::ZabState::Broadcast);
            match epoch {
                Some(e) if e.0 >= 0 && established => format!("leader: server {l} · epoch {e}"),
                Some(e) if e.0 >= 0 => {
                    format!("server {l} is LEADING · establishing epoch {e}")
                }
                _ => format!("server {l} is LEADING"),
            }
        }
        (_, _, []) if looking > 0 => format!("electing: {looking} of {up} LOOKING"),
        (_, _, []) => "no leader".to_string(),
        (_, _, many) => format!("{} servers LEADING", many.len()),
    }
}

#[cfg(test)]
mod tests;
