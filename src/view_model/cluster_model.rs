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
use zab::peer::ServerState;
use zab::Sid;

mod card;

use card::{card_summary, down_card, up_card};
pub use card::{
    down_looks, fits, BlockedRow, CardLine, CardModel, CardRow, FocusModel, PeerLook, Pip,
    ThreadRow,
};

/// How far the Election and Quorum links of one pair sit apart (each half on its side).
const CHANNEL_SPLIT: f64 = 9.0;

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

/// The accept burst's ring: its radius, and how far it reaches at the end of its animation
/// (the CSS scales it by 1.4, plus half its stroke).
pub const ACCEPT_RING_R: f64 = 8.0;
pub const ACCEPT_RING_REACH: f64 = ACCEPT_RING_R * 1.4 + 1.5;

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
    /// The guided tour points at messages of this kind.
    pub highlighted: bool,
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
    /// The clock the waits' countdowns (text and ring) are shown at: `display_ms`, or while
    /// playing the same held for 100 ms of wall time (`labels::countdown_clock`).
    pub countdown_ms: f64,
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
    /// What the guided tour points at.
    pub highlight: Highlight,
    /// The servers a broken safety check names (outlined in red).
    pub broken: Vec<Sid>,
}

/// What the guided tour points at: servers, and the messages in flight of some kinds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Highlight {
    pub sids: Vec<Sid>,
    /// Message kinds as `Message::kind` names them (`FOLLOWERINFO`, `NOTIFICATION`…).
    pub kinds: Vec<&'static str>,
}

impl ClusterOptions {
    /// A desktop-sized drawing at `display_ms`.
    pub fn at(display_ms: f64) -> ClusterOptions {
        ClusterOptions {
            display_ms,
            countdown_ms: display_ms,
            size: (840.0, 620.0),
            grow: false,
            reduced_motion: false,
            selected: None,
            selected_msg: None,
            fresh_ms: 60.0,
            highlight: Highlight::default(),
            broken: Vec::new(),
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
                card.highlighted = o.highlight.sids.contains(sid);
                card.broken = o.broken.contains(sid);
                card.paused = sim.is_paused(*sid).then(|| sim.held_messages(*sid).count());
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
                        "{} → {}: {} connection #{} ({})",
                        c.initiator,
                        c.acceptor,
                        if quorum {
                            "quorum (learner → leader)"
                        } else {
                            "election (QuorumCnxManager)"
                        },
                        c.id.0,
                        conn_state_text(c.state)
                    ),
                })
            })
            .collect();

        let accepts: Vec<AcceptFlash> = recent
            .accepts
            .iter()
            .filter_map(|a| {
                let (l, f) = (rects.get(&a.leader)?, rects.get(&a.learner)?);
                // Just outside the leader's card, where the learner's line leaves it: the
                // burst at its largest reaches the edge, not the card's text.
                let edge = l.exit_toward(f.center());
                let away = edge.distance(f.center()).max(1e-9);
                // Out along the line until the ring clears the card (a slanted line needs
                // more than the ring's reach); a few steps, at most the way to the learner.
                let mut t = ACCEPT_RING_REACH;
                while l.distance_to(edge.lerp(f.center(), t / away)) < ACCEPT_RING_REACH && t < away
                {
                    t += 2.0;
                }
                let at = edge.lerp(f.center(), t / away);
                Some(AcceptFlash {
                    key: a.index,
                    leader: a.leader,
                    learner: a.learner,
                    at,
                })
            })
            .collect();

        let pills = pills(sim, &rects, &layout, &accepts, o);

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
    accepts: &[AcceptFlash],
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
    // Labels keep off the cards and off the accept bursts at their largest.
    let reach = 2.0 * ACCEPT_RING_REACH;
    let obstacles: Vec<Rect> = layout
        .rects
        .iter()
        .map(|(_, r)| *r)
        .chain(accepts.iter().map(|a| Rect::centered(a.at, reach, reach)))
        .collect();
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
                highlighted: o.highlight.kinds.contains(&m.kind),
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

/// A connection's state in words, for its tooltip and accessible name.
fn conn_state_text(state: ConnState) -> String {
    match state {
        ConnState::Connecting => "connecting: SYN sent".to_string(),
        ConnState::Accepted => "accepted, SYN-ACK on its way".to_string(),
        ConnState::Open => "open".to_string(),
        ConnState::HalfClosed { by } => format!("closed by {by}, FIN on its way"),
        ConnState::Closed => "closed".to_string(),
    }
}
