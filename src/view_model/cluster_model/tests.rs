use super::*;
use crate::view_model::pill_layout::PILL_H;
use sim::network::Direction;
use sim::SimOptions;
use zab::peer::{ElectionPhase, Monitor, ThreadId, ThreadPhase, ThreadView, Wait};
use zab::Time;

fn sim(seed: u64, voters: u32, observers: u32) -> Simulation {
    Simulation::new(SimOptions::new(seed, voters, observers).expect("valid shape")).expect("starts")
}

fn build(s: &Simulation, o: &ClusterOptions) -> ClusterModel {
    ClusterModel::build(s, s.log(), o)
}

fn label_rect(p: &PillModel) -> Rect {
    Rect::centered(p.at, p.w, PILL_H)
}

#[test]
fn test_one_card_per_server_in_sid_order_before_anything_starts() {
    let s = sim(1, 3, 1);
    let o = ClusterOptions {
        selected: Some(Sid(2)),
        ..ClusterOptions::at(0.0)
    };
    let m = build(&s, &o);
    let sids: Vec<i64> = m.cards.iter().map(|c| c.sid.0).collect();
    assert_eq!(sids, vec![1, 2, 3, 4]);
    // Nothing has started at t=0 before the first event: every server is down, not crashed.
    assert!(m.cards.iter().all(|c| c.look == PeerLook::NotStarted));
    assert!(m.cards[3].observer && !m.cards[0].observer);
    assert!(m.cards[1].selected && !m.cards[0].selected);
    assert!(m.pills.is_empty() && m.links.is_empty());
    assert_eq!(m.headline, "no server running");
}

// Issue 10: nothing covers anything. Through a whole 5-voter startup burst, no two labelled
// messages overlap, no label touches a card, and every message sits on its lane.
#[test]
fn test_labels_never_overlap_each_other_or_a_card_in_a_startup() {
    let mut s = sim(7, 5, 0);
    let mut most = 0;
    while s.now() < Time(3_000) && s.step() {
        let o = ClusterOptions::at(s.now().0 as f64);
        let m = build(&s, &o);
        let labels: Vec<Rect> = m
            .pills
            .iter()
            .filter(|p| p.labeled)
            .map(label_rect)
            .collect();
        most = most.max(m.in_flight());
        for (i, a) in labels.iter().enumerate() {
            for b in &labels[i + 1..] {
                assert!(!a.overlaps(b), "t={}: {a:?} overlaps {b:?}", s.now());
            }
            for c in &m.cards {
                assert!(
                    !a.overlaps(&c.rect),
                    "t={}: label on card {}",
                    s.now(),
                    c.sid
                );
            }
            assert!(Rect::new(0.0, 0.0, m.w, m.h).contains_rect(a));
        }
    }
    assert!(
        most >= 8,
        "a startup burst has many messages in flight: {most}"
    );
}

// The accept burst (LearnerCnxAcceptor took a learner's connection) sits outside the leader's
// card at its largest, and no label is drawn over it.
#[test]
fn test_accept_bursts_cover_no_card_and_no_label() {
    let mut s = sim(7, 5, 0);
    let mut bursts = 0;
    while s.now() < Time(3_000) && s.step() {
        let m = build(&s, &ClusterOptions::at(s.now().0 as f64));
        for a in &m.accepts {
            bursts += 1;
            let reach = 2.0 * ACCEPT_RING_REACH;
            let ring = Rect::centered(a.at, reach, reach);
            for c in &m.cards {
                assert!(
                    !ring.overlaps(&c.rect),
                    "t={}: burst on card {}",
                    s.now(),
                    c.sid
                );
            }
            for p in m.pills.iter().filter(|p| p.labeled) {
                assert!(
                    !ring.overlaps(&label_rect(p)),
                    "t={}: label on a burst",
                    s.now()
                );
            }
        }
    }
    assert!(bursts > 0, "a startup accepts every learner");
}

// Issue 10: stable layout. A card keeps its place and size while the roles change.
#[test]
fn test_cards_keep_their_place_and_size_as_roles_change() {
    let mut s = sim(7, 5, 1);
    let first = build(&s, &ClusterOptions::at(0.0));
    s.run_until(Time(20_000));
    let later = build(&s, &ClusterOptions::at(20_000.0));
    assert!(later.cards.iter().any(|c| c.look == PeerLook::Leading));
    let rects = |m: &ClusterModel| m.cards.iter().map(|c| c.rect).collect::<Vec<_>>();
    assert_eq!(rects(&first), rects(&later));
}

// A desktop drawing of 5 voters shows, on every card, what matters now: the role, ZabState,
// both epochs, lastLoggedZxid, and the thread that matters, with the leader's epoch wait.
#[test]
fn test_a_full_card_shows_what_matters_now() {
    let mut s = sim(7, 5, 0);
    let mut saw_wait = false;
    while s.now() < Time(3_000) && s.step() {
        let m = build(&s, &ClusterOptions::at(s.now().0 as f64));
        assert_eq!(m.density, Density::Full);
        for c in m.cards.iter().filter(|c| !c.look.is_down()) {
            let lines = c.lines();
            let rows = lines
                .iter()
                .filter(|l| matches!(l, CardLine::Row(_)))
                .count();
            assert_eq!(rows, 3, "server {}: {lines:?}", c.sid);
            assert!(lines.iter().any(|l| matches!(l, CardLine::ZabState(_))));
            assert!(lines.iter().any(|l| matches!(l, CardLine::FocusName(_))));
            assert!(lines.iter().any(|l| matches!(l, CardLine::FocusBrief(_))));
            if c.look == PeerLook::Leading {
                let f = c.focus.as_ref().expect("Leader.lead");
                assert_eq!(f.name, "Leader.lead");
                if f.brief == "getEpochToPropose" {
                    saw_wait = true;
                    assert!(f.count.as_deref().is_some_and(|t| t.ends_with("of 3")));
                    assert!(f.pips.first().is_some_and(|p| p.is_self && p.have));
                }
            }
        }
    }
    assert!(saw_wait, "the leader waited in getEpochToPropose");
}

#[test]
fn test_partitions_are_drawn_once_per_pair() {
    let mut s = sim(3, 3, 0);
    s.run_until(Time(1_000));
    s.partition(Sid(1), Sid(2), Direction::Both);
    s.partition(Sid(1), Sid(3), Direction::OneWay);
    let m = build(&s, &ClusterOptions::at(1_000.0));
    assert_eq!(m.cuts.len(), 2, "{:?}", m.cuts);
    let sym = m
        .cuts
        .iter()
        .find(|c| c.direction == Direction::Both)
        .expect("1 ↮ 2");
    assert_eq!((sym.from_sid, sym.to_sid), (Sid(1), Sid(2)));
    let one = m
        .cuts
        .iter()
        .find(|c| c.direction == Direction::OneWay)
        .expect("1 ↛ 3");
    assert_eq!((one.from_sid, one.to_sid), (Sid(1), Sid(3)));
}

#[test]
fn test_a_phone_drawing_grows_taller_rather_than_shrinking_text() {
    let mut s = sim(7, 9, 4);
    s.run_until(Time(2_000));
    let o = ClusterOptions {
        size: (370.0, 520.0),
        grow: true,
        ..ClusterOptions::at(2_000.0)
    };
    let m = build(&s, &o);
    assert_eq!(m.cards.len(), 13);
    assert!(m.h > 520.0, "{}", m.h);
    for (i, a) in m.cards.iter().enumerate() {
        for b in &m.cards[i + 1..] {
            assert!(!a.rect.overlaps(&b.rect));
        }
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
    let m = build(&s, &ClusterOptions::at(1_001.0));
    let c = &m.cards[1];
    assert_eq!(c.look, PeerLook::Crashed);
    assert!(c.focus.is_none());
    assert_eq!(c.note.as_deref(), Some("process down; its disk is kept"));
    assert!(c.rows.iter().any(|r| r.key == "last zxid on disk"));
}

#[test]
fn test_a_wait_spans_from_its_start_to_its_deadline() {
    // The countdown ring's full circle is the wait's own length, whatever it waits on.
    let t = ThreadView {
        thread: ThreadId::FastLeaderElection,
        phase: ThreadPhase::LookForLeader(ElectionPhase::Poll {
            round: 1,
            timeout_ms: 400,
            proposal: Sid(3),
        }),
        wait: Some(Wait {
            monitor: Monitor::RecvQueue,
            since: Time(1_000),
            deadline: Time(1_400),
            have: vec![Sid(3)],
            need: 2,
            needs_self: None,
        }),
    };
    let row = ThreadRow::from_view(&t, 1_300.0);
    let b = row.blocked.expect("a wait");
    assert_eq!(b.span_ms, 400);
    assert!((b.left - 0.25).abs() < 1e-9, "{}", b.left);
    assert_eq!(b.monitor, "recvqueue");
    assert_eq!(row.name, "FastLeaderElection");
    assert_eq!(row.brief, "round 1: votes for 3");
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
        span_ms: 200,
        left: 0.7,
    };
    assert_eq!(b.count_text(), "2 of 3");
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
