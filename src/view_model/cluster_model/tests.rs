use super::*;
use sim::network::Direction;
use sim::SimOptions;
use zab::peer::{ElectionPhase, Monitor, ThreadPhase, Wait};
use zab::Time;

fn sim(seed: u64, voters: u32, observers: u32) -> Simulation {
    Simulation::new(SimOptions::new(seed, voters, observers).expect("valid shape")).expect("starts")
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
            let inflight = s.in_flight().find(|f| f.msg == msg.id).expect("listed");
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
    assert!(m.headline.contains("epoch 1"), "{}", m.headline);
    for p in &m.peers {
        let lines: usize = p.threads.iter().map(ThreadRow::lines).sum();
        assert!(lines <= p.card.thread_lines, "{p:?}");
        assert!(
            !p.threads.is_empty(),
            "a running server has its QuorumPeer thread"
        );
        // Six servers: compact cards, one info line with both epochs and the zxid.
        assert!(p.info[0].starts_with("cE 1 · aE 1"), "{:?}", p.info);
    }
}

#[test]
fn test_every_thread_of_a_five_voter_leader_shows_in_its_expanded_card() {
    let mut s = sim(7, 5, 0);
    let mut checked = 0;
    // Through the whole startup, at every event: the leader's card holds all its rows.
    while s.step() && s.now() < Time(2_000) {
        let now = s.now().0 as f64;
        let m = ClusterModel::build_with(&s, s.log(), &ClusterOptions::at(now));
        for p in m.peers.iter().filter(|p| p.look == PeerLook::Leading) {
            let all = s.peer(p.sid).expect("running").threads().len();
            assert_eq!(p.hidden_threads, 0, "t={now}: {all} threads, {p:?}");
            assert_eq!(p.threads.len(), all);
            assert!(p.expanded || all <= 3);
            checked += 1;
        }
    }
    assert!(checked > 10, "the leader was seen leading");
}

#[test]
fn test_a_startup_shows_accepts_new_handlers_and_woken_rows() {
    let mut s = sim(7, 5, 0);
    let (mut accept, mut fresh, mut woken, mut gauge, mut info) =
        (false, false, false, false, false);
    while s.step() && s.now() < Time(1_500) {
        let now = s.now().0 as f64;
        let m = ClusterModel::build_with(&s, s.log(), &ClusterOptions::at(now));
        accept |= !m.accepts.is_empty() && m.links.iter().any(|l| l.fresh);
        let rows = m.peers.iter().flat_map(|p| &p.threads);
        for r in rows {
            fresh |= r.fresh && r.name.starts_with("LearnerHandler");
            woken |= r.woken.is_some() && r.name == "Leader.lead";
        }
        gauge |= m.gauge.as_ref().is_some_and(|g| g.active.is_some());
        info |= m.messages.iter().any(|msg| {
            msg.kind == "FOLLOWERINFO"
                && msg.lines.iter().any(|l| l.contains("LearnerInfo sid="))
                && msg
                    .lines
                    .iter()
                    .any(|l| l.starts_with("acceptedEpoch zxid"))
        });
    }
    assert!(accept, "an accept flash");
    assert!(fresh, "a new LearnerHandler row");
    assert!(woken, "Leader.lead woken by notifyAll");
    assert!(gauge, "the epoch-wait gauge");
    assert!(info, "a FOLLOWERINFO pill with its LearnerInfo");
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
}

#[test]
fn test_partitions_are_drawn_once_per_pair() {
    let mut s = sim(3, 3, 0);
    s.run_until(Time(1_000));
    s.partition(Sid(1), Sid(2), Direction::Both);
    s.partition(Sid(1), Sid(3), Direction::OneWay);
    let m = ClusterModel::build(&s, 1_000.0, false, None, None);
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
fn test_portrait_layout_draws_the_same_things_in_a_column() {
    let mut s = sim(7, 5, 0);
    s.run_until(Time(700));
    let o = ClusterOptions {
        portrait: true,
        ..ClusterOptions::at(700.0)
    };
    let m = ClusterModel::build_with(&s, s.log(), &o);
    assert!(m.viewport.portrait);
    assert_eq!(m.peers.len(), 5);
    assert!(m.viewport.h > m.viewport.w);
    let leader = m
        .peers
        .iter()
        .find(|p| p.look == PeerLook::Leading)
        .expect("a leader at 700 ms");
    assert!(leader.expanded, "{:?}", leader.rect);
    assert_eq!(leader.hidden_threads, 0, "{leader:?}");
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
    assert!(
        m.peers[1].info[1].starts_with("on disk"),
        "{:?}",
        m.peers[1].info
    );
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
        span_ms: 200,
        left: 0.7,
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
