//! A server's card: its look (ServerState, or why it is down), the rows it always shows
//! (ZabState, the epochs, lastLoggedZxid), the one thread in focus with its wait, and which of
//! those lines fit the card's density without being cut. `ClusterModel::build` places the
//! cards; this file says what is on one.

use super::ClusterOptions;
use crate::view_model::geometry::Rect;
use crate::view_model::labels::countdown_text;
use crate::view_model::recent::Recent;
use crate::view_model::stage_layout::Density;
use sim::Simulation;
use std::collections::BTreeMap;
use zab::peer::{ServerState, ThreadId, ThreadView};
use zab::Sid;

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
    /// The guided tour points at this server.
    pub highlighted: bool,
    /// A broken safety check names this server.
    pub broken: bool,
    /// Its process is stopped (a GC pause, SIGSTOP): the card's first line says so, and
    /// how many packets wait in its socket buffers.
    pub paused: Option<usize>,
    /// The whole card in one sentence, for screen readers and the tooltip.
    pub summary: String,
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

pub(super) fn up_card(
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
        let row = ThreadRow::from_view(t, o.countdown_ms);
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
        broken: false,
        paused: None,
        highlighted: false,
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

pub(super) fn down_card(sim: &Simulation, sid: Sid, look: Option<PeerLook>) -> CardModel {
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
        broken: false,
        paused: None,
        highlighted: false,
        summary: String::new(),
    }
}

/// The card as a sentence.
pub(super) fn card_summary(c: &CardModel) -> String {
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
        // The count but not the countdown: the summary is the card's accessible name, and a
        // name that changes ten times a second is noise to a screen reader.
        if let Some(count) = &f.count {
            s += &format!(" ({count})");
        }
    }
    if let Some(n) = &c.note {
        s += &format!(". {n}");
    }
    if let Some(held) = c.paused {
        s += &format!(". Its process is paused; {held} packets wait unread");
    }
    if c.broken {
        s += ". A broken safety check names this server";
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
        if let Some(held) = self.paused {
            let long = format!("process paused, {held} buffered");
            out.push(CardLine::Note(if fits(&long, room, CHAR_13) {
                long
            } else {
                "process paused".to_string()
            }));
        }
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
