//! What the cluster drawing shows, as plain data read from a [`Simulation`] at a display time:
//! one card per server, one line per live connection, one pill per message on the wire.
//!
//! Everything here is `PartialEq` data, so the components are pure views of it (SG-21) and Yew
//! re-renders only what changed. Threads and messages are read generically (`ThreadView`,
//! `Message::kind`/`summary`), so new protocol parts appear without changes here.

use crate::view_model::labels::{
    clock_text, countdown_text, message_fields, sid_set_text, truncate, vote_text,
};
use crate::view_model::motion::progress;
use crate::view_model::ring_layout::{card_size, link, ring_rects, CardSize, Point, Rect};
use sim::network::ConnState;
use sim::Simulation;
use std::collections::BTreeMap;
use zab::config::LearnerType;
use zab::election::Vote;
use zab::output::Channel;
use zab::peer::{ServerState, ThreadView};
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
    pub monitor: String,
    pub have: Vec<Sid>,
    pub need: u32,
    pub needs_self: Option<Sid>,
    pub deadline_ms: u64,
    /// `143 ms` until the deadline, relative to the display clock.
    pub countdown: String,
    /// The card's one-line form, fitted to the card: `recvqueue · 2/3 · 143 ms`.
    pub short: String,
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
    pub name: String,
    pub phase: String,
    pub blocked: Option<BlockedRow>,
}

impl ThreadRow {
    pub fn from_view(t: &ThreadView, display_ms: f64) -> ThreadRow {
        ThreadRow {
            name: t.name.clone(),
            phase: t.phase.clone(),
            blocked: t.blocked.as_ref().map(|b| {
                let mut row = BlockedRow {
                    monitor: b.monitor.clone(),
                    have: b.have.clone(),
                    need: b.need,
                    needs_self: b.needs_self,
                    deadline_ms: b.deadline.0,
                    countdown: countdown_text(b.deadline.0, display_ms),
                    short: String::new(),
                };
                row.short = row.short_text();
                row
            }),
        }
    }

    /// Lines this row takes in a card: the name and phase, and the wait when blocked.
    pub fn lines(&self) -> usize {
        1 + usize::from(self.blocked.is_some())
    }
}

/// One server's card.
#[derive(Clone, Debug, PartialEq)]
pub struct PeerModel {
    pub sid: Sid,
    pub observer: bool,
    pub look: PeerLook,
    pub rect: Rect,
    /// `vote 3 · zxid 0:0 · peerEpoch 0`; empty while crashed.
    pub vote: String,
    /// `logicalclock 1 · currentEpoch 0`; empty while crashed.
    pub clock: String,
    /// ZabState (ELECTION, DISCOVERY, …); empty while crashed.
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
    pub quorum: bool,
    /// Not yet open both ways (connecting, or half-closed).
    pub pending: bool,
    pub from: Point,
    pub to: Point,
    pub title: String,
}

/// A message on the wire.
#[derive(Clone, Debug, PartialEq)]
pub struct MessageModel {
    pub id: u64,
    pub kind: String,
    /// The fields after the kind, shortened to fit a pill.
    pub fields: String,
    /// `Message::summary()` with sender and receiver, for the tooltip and the inspector.
    pub summary: String,
    pub quorum: bool,
    pub at: Point,
    pub selected: bool,
}

/// The whole drawing.
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterModel {
    pub card: CardSize,
    pub peers: Vec<PeerModel>,
    pub links: Vec<LinkModel>,
    pub messages: Vec<MessageModel>,
    /// The line in the middle of the ring: who leads, or that an election runs.
    pub headline: String,
}

/// Characters a message pill shows after its kind.
const MESSAGE_FIELD_CHARS: usize = 26;

impl ClusterModel {
    pub fn build(
        sim: &Simulation,
        display_ms: f64,
        reduced_motion: bool,
        selected: Option<Sid>,
        selected_msg: Option<u64>,
    ) -> ClusterModel {
        let sids: Vec<Sid> = sim.sids().collect();
        let card = card_size(sids.len());
        let rects: BTreeMap<Sid, Rect> = sids.iter().copied().zip(ring_rects(sids.len())).collect();
        let config = &sim.options().config;

        let down = down_looks(sim);
        let peers = sids
            .iter()
            .map(|&sid| {
                let observer = config.learner_type(sid) == Some(LearnerType::Observer);
                let mut p = peer_model(
                    sim,
                    sid,
                    observer,
                    rects[&sid],
                    card,
                    display_ms,
                    selected == Some(sid),
                );
                if let Some(look) = down.get(&sid) {
                    p.look = *look;
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
                    quorum,
                    pending: !matches!(c.state, ConnState::Open),
                    from,
                    to,
                    title: format!(
                        "{} → {} {:?} connection #{} ({:?})",
                        c.initiator, c.acceptor, c.channel, c.id.0, c.state
                    ),
                })
            })
            .collect();

        let messages = sim
            .in_flight()
            .filter_map(|m| {
                let (a, b) = (rects.get(&m.from)?, rects.get(&m.to)?);
                let quorum = m.channel == Channel::Quorum;
                let (from, to) = canonical_link(m.from, m.to, a, b, quorum, LANE_OFFSET);
                let t = progress(display_ms, m.sent_at.0, m.deliver_at.0, reduced_motion);
                let kind = m.message.kind().to_string();
                let summary = m.message.summary();
                Some(MessageModel {
                    id: m.msg.0,
                    fields: message_fields(&kind, &summary, MESSAGE_FIELD_CHARS),
                    summary: format!(
                        "{} → {}: {summary} (sent t={} ms, arrives t={} ms)",
                        m.from, m.to, m.sent_at.0, m.deliver_at.0
                    ),
                    kind,
                    quorum,
                    at: from.lerp(to, t),
                    selected: selected_msg == Some(m.msg.0),
                })
            })
            .collect();

        ClusterModel {
            card,
            peers,
            links,
            messages,
            headline: headline(sim),
        }
    }
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

/// The card's vote line: while FastLeaderElection runs, the proposal it is sending (what the
/// notifications on the wire carry); otherwise `currentVote`, the election's outcome.
fn vote_line(peer: &zab::peer::QuorumPeer, compact: bool) -> String {
    let e = peer.election();
    if e.running {
        let proposal = Vote {
            id: e.proposed_leader,
            zxid: e.proposed_zxid,
            election_epoch: e.logicalclock,
            peer_epoch: e.proposed_epoch,
            state: peer.state(),
        };
        vote_text(&proposal, compact).replacen("vote", "proposal", 1)
    } else {
        vote_text(&peer.current_vote(), compact)
    }
}

fn peer_model(
    sim: &Simulation,
    sid: Sid,
    observer: bool,
    rect: Rect,
    card: CardSize,
    display_ms: f64,
    selected: bool,
) -> PeerModel {
    let Some(peer) = sim.peer(sid) else {
        return PeerModel {
            sid,
            observer,
            look: PeerLook::Crashed,
            rect,
            vote: String::new(),
            clock: String::new(),
            zab_state: String::new(),
            threads: Vec::new(),
            hidden_threads: 0,
            selected,
        };
    };
    let mut threads = Vec::new();
    let mut lines = 0;
    let all = peer.threads();
    for t in &all {
        let row = ThreadRow::from_view(t, display_ms);
        if lines + row.lines() > card.thread_lines {
            break;
        }
        lines += row.lines();
        threads.push(ThreadRow {
            phase: truncate(&row.phase, card.phase_chars(&row.name)),
            blocked: row.blocked.map(|b| BlockedRow {
                short: truncate(&b.short, card.wait_chars(b.need)),
                ..b
            }),
            ..row
        });
    }
    PeerModel {
        sid,
        observer,
        look: PeerLook::of(Some(peer.state())),
        rect,
        vote: truncate(&vote_line(peer, card.compact), card.line_chars()),
        clock: truncate(
            &clock_text(
                peer.election().logicalclock,
                peer.current_epoch(),
                card.compact,
            ),
            card.line_chars(),
        ),
        zab_state: fit_or_drop(
            &peer.zab_state().to_string(),
            card.header_chars(PeerLook::of(Some(peer.state())).label()),
        ),
        hidden_threads: all.len() - threads.len(),
        threads,
        selected,
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
        (_, _, [l]) => format!("leader: server {l}"),
        (_, _, []) if looking > 0 => format!("electing: {looking} of {up} LOOKING"),
        (_, _, []) => "no leader".to_string(),
        (_, _, many) => format!("{} servers LEADING", many.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim::SimOptions;
    use zab::Time;

    fn sim(seed: u64, voters: u32, observers: u32) -> Simulation {
        Simulation::new(SimOptions::new(seed, voters, observers).expect("valid shape"))
            .expect("starts")
    }

    #[test]
    fn test_one_card_per_server_in_sid_order_before_anything_starts() {
        let s = sim(1, 3, 1);
        let m = ClusterModel::build(&s, 0.0, false, Some(Sid(2)), None);
        let sids: Vec<i64> = m.peers.iter().map(|p| p.sid.0).collect();
        assert_eq!(sids, vec![1, 2, 3, 4]);
        // Nothing has started at t=0 before the first event: every server is down, not crashed.
        assert!(m.peers.iter().all(|p| p.look == PeerLook::NotStarted));
        assert!(m.peers[3].observer && !m.peers[0].observer);
        assert!(m.peers[1].selected && !m.peers[0].selected);
        assert!(m.messages.is_empty() && m.links.is_empty());
        assert_eq!(m.headline, "no server running");
    }

    #[test]
    fn test_messages_sit_on_their_lane_between_the_cards() {
        let mut s = sim(7, 3, 0);
        let mut seen = false;
        for _ in 0..2000 {
            if !s.step() {
                break;
            }
            let now = s.now().0 as f64;
            let m = ClusterModel::build(&s, now, false, None, None);
            for msg in &m.messages {
                seen = true;
                assert!(msg.summary.contains(&msg.kind), "{msg:?}");
                let inflight = s.in_flight().find(|f| f.msg.0 == msg.id).expect("listed");
                let a = m
                    .peers
                    .iter()
                    .find(|p| p.sid == inflight.from)
                    .expect("sender card");
                let b = m
                    .peers
                    .iter()
                    .find(|p| p.sid == inflight.to)
                    .expect("receiver card");
                // The pill is never inside a card's interior further than the lane offset.
                let (p, q) = canonical_link(
                    inflight.from,
                    inflight.to,
                    &a.rect,
                    &b.rect,
                    msg.quorum,
                    LANE_OFFSET,
                );
                let t = progress(now, inflight.sent_at.0, inflight.deliver_at.0, false);
                assert_eq!(msg.at, p.lerp(q, t));
            }
            if s.now() > Time(3000) {
                break;
            }
        }
        assert!(seen, "an election sends messages");
    }

    #[test]
    fn test_election_ends_with_one_leading_card_and_threads_fit_their_card() {
        let mut s = sim(7, 5, 1);
        s.run_until(Time(20_000));
        let m = ClusterModel::build(&s, 20_000.0, false, None, None);
        let leading = m
            .peers
            .iter()
            .filter(|p| p.look == PeerLook::Leading)
            .count();
        assert_eq!(
            leading,
            1,
            "{:?}",
            m.peers.iter().map(|p| p.look).collect::<Vec<_>>()
        );
        assert!(m.headline.starts_with("leader: server "), "{}", m.headline);
        for p in &m.peers {
            let lines: usize = p.threads.iter().map(ThreadRow::lines).sum();
            assert!(lines <= m.card.thread_lines, "{p:?}");
            assert!(
                !p.threads.is_empty(),
                "a running server has its QuorumPeer thread"
            );
            assert!(
                p.vote.starts_with("vote ") || p.vote.starts_with("proposal "),
                "{}",
                p.vote
            );
        }
    }

    #[test]
    fn test_a_crashed_server_is_told_apart_from_one_not_started() {
        let mut s = sim(5, 3, 0);
        s.run_until(Time(1_000));
        assert!(down_looks(&s).is_empty(), "all started by t=1000");
        s.crash(Sid(2));
        s.run_until(Time(1_001));
        let looks = down_looks(&s);
        assert_eq!(looks.get(&Sid(2)), Some(&PeerLook::Crashed));
        assert_eq!(looks.len(), 1);
        let m = ClusterModel::build(&s, 1_001.0, false, None, None);
        assert_eq!(m.peers[1].look, PeerLook::Crashed);
        assert!(m.peers[1].threads.is_empty());
    }

    #[test]
    fn test_blocked_row_texts() {
        let b = BlockedRow {
            monitor: "recvqueue".to_string(),
            have: vec![Sid(1), Sid(3)],
            need: 3,
            needs_self: Some(Sid(1)),
            deadline_ms: 500,
            countdown: "143 ms".to_string(),
            short: String::new(),
        };
        assert_eq!(b.short_text(), "2/3 · 143 ms · recvqueue");
        assert_eq!(
            b.long_text(),
            "have {1, 3} of 3, must include 1 · wakes in 143 ms (t=500 ms)"
        );
        let timer_only = BlockedRow {
            need: 0,
            have: vec![],
            needs_self: None,
            countdown: "due".to_string(),
            ..b
        };
        assert_eq!(timer_only.short_text(), "due · recvqueue");
        assert_eq!(timer_only.long_text(), "due now (t=500 ms)");
    }

    #[test]
    fn test_looks_and_labels() {
        assert_eq!(PeerLook::of(None).modifier(), "crashed");
        assert_eq!(PeerLook::NotStarted.label(), "NOT STARTED");
        assert!(PeerLook::NotStarted.is_down() && !PeerLook::Leading.is_down());
        assert_eq!(PeerLook::of(Some(ServerState::Leading)).label(), "LEADING");
        assert_eq!(
            PeerLook::of(Some(ServerState::Observing)).modifier(),
            "observing"
        );
    }
}
