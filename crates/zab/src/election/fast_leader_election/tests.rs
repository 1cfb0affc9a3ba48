//! Table tests of totalOrderPredicate and `Vote.equals`, and single-state-machine tests of the
//! `lookForLeader` loop: the tally, the finalize wait, the backoff and the receiver's replies
//! (docs/protocol.md §2).

use super::*;
use crate::election::CNX_TIMEOUT_MS;
use crate::message::Message;
use crate::output::{Channel, ConnId};
use crate::test_fixtures::z;

const T0: Time = Time(1_000);

fn qv(voters: i64) -> QuorumMaj {
    QuorumMaj::new((1..=voters).map(Sid))
}

/// A QuorumCnxManager for `myid` with a live election connection to every sid in `peers`,
/// numbered `ConnId(sid)`. Only a connection the higher sid opened survives (§2.10), so a
/// lower peer is dialled and a higher one is accepted.
fn connected(myid: i64, peers: &[i64]) -> QuorumCnxManager {
    let mut qcm = QuorumCnxManager::new(Sid(myid));
    let mut out = Vec::new();
    for &p in peers.iter().filter(|&&p| p != myid) {
        let conn = ConnId(p as u64);
        if p < myid {
            qcm.on_connected(conn, Sid(p), &mut out);
        } else {
            qcm.on_accepted(conn);
            let header = Message::QcmHeader { sid: Sid(p) };
            assert_eq!(qcm.on_message(conn, &header, &mut out), None);
        }
    }
    qcm
}

fn note(sid: i64, state: ServerState, leader: i64, zxid: Zxid, ee: i64, pe: i64) -> Notification {
    Notification {
        version: NOTIFICATION_VERSION,
        leader: Sid(leader),
        zxid,
        election_epoch: ee,
        state,
        sid: Sid(sid),
        peer_epoch: Epoch(pe),
    }
}

fn looking(sid: i64, leader: i64, zxid: Zxid, ee: i64, pe: i64) -> Notification {
    note(sid, ServerState::Looking, leader, zxid, ee, pe)
}

/// The effect of a notification written to `to` on its election connection.
fn sent(to: i64, n: Notification) -> Effect {
    Effect::Send {
        conn: ConnId(to as u64),
        msg: Message::Notification(n),
    }
}

fn poll_timer(at: Time) -> Effect {
    Effect::SetTimer {
        timer: Timer::FleRecvPoll,
        at,
    }
}

/// One peer's election, its transport and its current vote (what `QuorumPeer` passes in).
struct Peer {
    fle: FastLeaderElection,
    qcm: QuorumCnxManager,
    current_vote: Vote,
    state: ServerState,
}

impl Peer {
    /// A voter of a `voters`-voter ensemble, connected to all of them, before its first round.
    fn new(myid: i64, voters: i64) -> Peer {
        let all: Vec<i64> = (1..=voters).collect();
        Peer {
            fle: FastLeaderElection::new(Sid(myid), qv(voters)),
            qcm: connected(myid, &all),
            current_vote: Vote::new(Sid(myid), Zxid::ZERO, -1, Epoch(0)),
            state: ServerState::Looking,
        }
    }

    /// `lookForLeader` as a participant with this zxid and currentEpoch; returns its effects
    /// and empties the loopback queue (its own notification is fed back by the caller).
    fn look(&mut self, now: Time, zxid: Zxid, epoch: i64) -> Outbox {
        let mut out = Vec::new();
        self.fle
            .look_for_leader(now, true, zxid, Epoch(epoch), &mut self.qcm, &mut out);
        self.qcm.loopback.clear();
        out
    }

    fn recv(&mut self, now: Time, n: Notification) -> (Option<Decision>, Outbox) {
        let mut out = Vec::new();
        let ctx = PeerContext {
            state: self.state,
            current_vote: &self.current_vote,
        };
        let d = self
            .fle
            .on_notification(now, n, ctx, &mut self.qcm, &mut out);
        (d, out)
    }

    fn timer(&mut self, now: Time) -> (Option<Decision>, Outbox) {
        let mut out = Vec::new();
        let d = self.fle.on_timer(now, &mut self.qcm, &mut out);
        (d, out)
    }

    fn recvset(&self) -> Vec<(Sid, Sid)> {
        let round = self.fle.round.as_ref().expect("a round runs");
        round.recvset.iter().map(|(s, v)| (*s, v.id)).collect()
    }

    fn in_finalize(&self) -> bool {
        let round = self.fle.round.as_ref().expect("a round runs");
        matches!(round.wait, Wait::Finalize { .. })
    }
}

// ---- totalOrderPredicate (§2.4) ----------------------------------------------------------

// docs/protocol.md §2.4: epoch first, then zxid, then sid; weight 0 (a non-voter) never wins.
#[test]
fn test_total_order_predicate_table() {
    let q = qv(3);
    type V = (Sid, Zxid, Epoch);
    let v = |id: i64, zxid: Zxid, epoch: i64| -> V { (Sid(id), zxid, Epoch(epoch)) };
    let observer_initial: V = (Sid::NONE, Zxid::MIN, Epoch::NONE);
    let rows: &[(&str, V, V, bool)] = &[
        (
            "higher epoch beats higher zxid and sid",
            v(1, z(1, 1), 2),
            v(3, z(5, 9), 1),
            true,
        ),
        (
            "lower epoch loses to anything",
            v(3, z(9, 9), 1),
            v(1, Zxid::ZERO, 2),
            false,
        ),
        (
            "same epoch, higher zxid wins",
            v(1, z(1, 3), 1),
            v(3, z(1, 2), 1),
            true,
        ),
        (
            "same epoch, lower zxid loses to lower sid",
            v(3, z(1, 2), 1),
            v(1, z(1, 3), 1),
            false,
        ),
        (
            "same epoch and zxid, higher sid wins",
            v(3, z(1, 2), 1),
            v(2, z(1, 2), 1),
            true,
        ),
        (
            "same epoch and zxid, lower sid loses",
            v(2, z(1, 2), 1),
            v(3, z(1, 2), 1),
            false,
        ),
        (
            "a vote does not beat itself",
            v(2, z(1, 2), 1),
            v(2, z(1, 2), 1),
            false,
        ),
        (
            "non-voter candidate never wins",
            v(4, z(9, 9), 9),
            v(1, Zxid::ZERO, 0),
            false,
        ),
        (
            "Long.MIN_VALUE candidate never wins",
            observer_initial,
            v(1, Zxid::ZERO, 0),
            false,
        ),
        (
            "any voter beats an observer's initial vote",
            v(1, Zxid::ZERO, 0),
            observer_initial,
            true,
        ),
    ];
    for (why, new, cur, want) in rows {
        assert_eq!(total_order_predicate(&q, *new, *cur), *want, "{why}");
    }
}

// docs/protocol.md §2.4 / STYLE SG-19: among voters totalOrderPredicate is a strict total order —
// irreflexive, asymmetric, transitive, and any two distinct votes are comparable.
#[test]
fn test_total_order_predicate_is_a_strict_total_order() {
    let q = qv(3);
    let mut votes = Vec::new();
    for id in 1..=3 {
        for zxid in [Zxid::ZERO, z(1, 1), z(1, 2), z(2, 1)] {
            for epoch in 0..=2 {
                votes.push((Sid(id), zxid, Epoch(epoch)));
            }
        }
    }
    let beats = |a, b| total_order_predicate(&q, a, b);
    for &a in &votes {
        assert!(!beats(a, a), "irreflexive: {a:?}");
        for &b in &votes {
            if a != b {
                assert!(beats(a, b) ^ beats(b, a), "exactly one wins: {a:?} {b:?}");
            }
            for &c in &votes {
                if beats(a, b) && beats(b, c) {
                    assert!(beats(a, c), "transitive: {a:?} > {b:?} > {c:?}");
                }
            }
        }
    }
}

// ---- Vote.equals (§2.2) --------------------------------------------------------------------

// docs/protocol.md §2.2: a LOOKING vote on either side compares id, zxid, electionEpoch and peerEpoch;
// two FOLLOWING/LEADING votes compare only id and peerEpoch (ZOOKEEPER-1805/1732/1818).
#[test]
fn test_vote_zk_equals_table() {
    use ServerState::{Following, Leading, Looking, Observing};
    let v = |id: i64, zxid: Zxid, ee: i64, pe: i64, state: ServerState| Vote {
        id: Sid(id),
        zxid,
        election_epoch: ee,
        peer_epoch: Epoch(pe),
        state,
    };
    let base = v(3, z(1, 5), 4, 1, Looking);
    let rows: &[(&str, Vote, Vote, bool)] = &[
        ("identical LOOKING votes", base, base, true),
        (
            "LOOKING: zxid differs",
            base,
            v(3, z(1, 6), 4, 1, Looking),
            false,
        ),
        (
            "LOOKING: electionEpoch differs",
            base,
            v(3, z(1, 5), 5, 1, Looking),
            false,
        ),
        (
            "LOOKING: peerEpoch differs",
            base,
            v(3, z(1, 5), 4, 2, Looking),
            false,
        ),
        (
            "LOOKING: id differs",
            base,
            v(2, z(1, 5), 4, 1, Looking),
            false,
        ),
        (
            "LOOKING vs FOLLOWING, all four equal",
            base,
            v(3, z(1, 5), 4, 1, Following),
            true,
        ),
        (
            "LOOKING vs LEADING, zxid differs",
            base,
            v(3, z(1, 6), 4, 1, Leading),
            false,
        ),
        (
            "FOLLOWING vs LOOKING, electionEpoch differs",
            v(3, z(1, 5), 9, 1, Following),
            base,
            false,
        ),
        (
            "FOLLOWING vs LEADING: zxid and electionEpoch ignored",
            v(3, z(1, 5), 4, 1, Following),
            v(3, z(2, 7), 9, 1, Leading),
            true,
        ),
        (
            "FOLLOWING vs FOLLOWING: peerEpoch still counts",
            v(3, z(1, 5), 4, 1, Following),
            v(3, z(1, 5), 4, 2, Following),
            false,
        ),
        (
            "LEADING vs FOLLOWING: id still counts",
            v(3, z(1, 5), 4, 1, Leading),
            v(2, z(1, 5), 4, 1, Following),
            false,
        ),
        (
            "OBSERVING counts as not LOOKING",
            v(3, z(1, 5), 4, 1, Observing),
            v(3, z(9, 9), 8, 1, Following),
            true,
        ),
    ];
    for (why, a, b, want) in rows {
        assert_eq!(a.zk_equals(b), *want, "{why}");
        assert_eq!(b.zk_equals(a), *want, "{why} (swapped)");
    }
}

// ---- lookForLeader (§2.3, §2.5, §2.7) ------------------------------------------------------

// docs/protocol.md §2.3/§2.5: a new round increments logicalclock, votes for itself and notifies every
// voter, itself through the loopback; the first poll waits minNotificationInterval (200 ms).
#[test]
fn test_look_for_leader_votes_for_itself_and_notifies_every_voter() {
    let mut p = Peer::new(2, 3);
    let mut out = Vec::new();
    p.fle
        .look_for_leader(T0, true, z(1, 7), Epoch(1), &mut p.qcm, &mut out);
    let mine = looking(2, 2, z(1, 7), 1, 1);
    assert_eq!(
        out,
        vec![sent(1, mine), sent(3, mine), poll_timer(T0.plus_ms(200))]
    );
    assert_eq!(p.qcm.loopback, vec![mine]);
    assert_eq!(p.fle.logicalclock(), 1);
    assert_eq!(p.fle.get_vote(), Vote::new(Sid(2), z(1, 7), 1, Epoch(1)));
}

// docs/protocol.md §2.3: a non-participant proposes Long.MIN_VALUE for id, zxid and epoch, and is not
// among the voters it notifies.
#[test]
fn test_observer_proposes_nobody() {
    let mut fle = FastLeaderElection::new(Sid(4), qv(3));
    let mut qcm = connected(4, &[1, 2, 3]);
    let mut out = Vec::new();
    fle.look_for_leader(T0, false, z(1, 7), Epoch(1), &mut qcm, &mut out);
    let n = note(4, ServerState::Looking, 0, Zxid::MIN, 1, 0);
    let n = Notification {
        leader: Sid::NONE,
        peer_epoch: Epoch::NONE,
        ..n
    };
    assert_eq!(
        out,
        vec![
            sent(1, n),
            sent(2, n),
            sent(3, n),
            poll_timer(T0.plus_ms(200))
        ]
    );
    assert!(qcm.loopback.is_empty());
}

// docs/protocol.md §2.7(c)4 and §2.5 case 3: a same-round LOOKING notification with a better vote is
// adopted and re-sent to every voter; the poll restarts.
#[test]
fn test_better_vote_is_adopted_and_resent() {
    let mut p = Peer::new(1, 3);
    p.look(T0, Zxid::ZERO, 0);
    let now = T0.plus_ms(50);
    let (d, out) = p.recv(now, looking(2, 2, Zxid::ZERO, 1, 0));
    assert_eq!(d, None);
    let adopted = looking(1, 2, Zxid::ZERO, 1, 0);
    assert_eq!(
        out,
        vec![
            sent(2, adopted),
            sent(3, adopted),
            poll_timer(now.plus_ms(200))
        ]
    );
    assert_eq!(p.qcm.loopback, vec![adopted]);
    assert_eq!(p.recvset(), vec![(Sid(2), Sid(2))]);
}

// docs/protocol.md §2.7(c)4: a same-round notification that does not beat my proposal is recorded in
// recvset but nothing is re-sent.
#[test]
fn test_worse_vote_is_recorded_but_not_adopted() {
    let mut p = Peer::new(3, 3);
    p.look(T0, Zxid::ZERO, 0);
    let now = T0.plus_ms(50);
    let (d, out) = p.recv(now, looking(1, 1, Zxid::ZERO, 1, 0));
    assert_eq!(d, None);
    assert_eq!(out, vec![poll_timer(now.plus_ms(200))]);
    assert_eq!(p.fle.get_vote().id, Sid(3));
    assert_eq!(p.recvset(), vec![(Sid(1), Sid(1))]);
}

// docs/protocol.md §2.7(c)6–7: when recvset holds a quorum for my proposal, the loop enters the
// finalize wait: one poll of finalizeWait = 200 ms.
#[test]
fn test_quorum_in_recvset_starts_the_finalize_wait() {
    let mut p = Peer::new(3, 3);
    p.look(T0, Zxid::ZERO, 0);
    let t1 = T0.plus_ms(10);
    let (d, out) = p.recv(t1, looking(3, 3, Zxid::ZERO, 1, 0));
    assert_eq!((d, out), (None, vec![poll_timer(t1.plus_ms(200))]));
    assert!(!p.in_finalize());
    let t2 = T0.plus_ms(30);
    let (d, out) = p.recv(t2, looking(1, 3, Zxid::ZERO, 1, 0));
    assert_eq!(
        (d, out),
        (None, vec![poll_timer(t2.plus_ms(FINALIZE_WAIT_MS))])
    );
    assert!(p.in_finalize());
    assert_eq!(p.recvset(), vec![(Sid(1), Sid(3)), (Sid(3), Sid(3))]);
}

/// Peer `myid` of 3 voters, all at zxid 0 epoch 0, in the finalize wait for sid 3 after votes
/// for 3 from the two other voters.
fn in_finalize_for_3(myid: i64) -> Peer {
    let mut p = Peer::new(myid, 3);
    p.look(T0, Zxid::ZERO, 0);
    for from in (1..=3).filter(|&s| s != myid) {
        p.recv(T0.plus_ms(10), looking(from, 3, Zxid::ZERO, 1, 0));
    }
    p.qcm.loopback.clear();
    assert!(
        p.in_finalize(),
        "peer {myid} should be in the finalize wait"
    );
    p
}

// docs/protocol.md §2.7(c)7: a notification that does not beat my proposal is discarded during the
// finalize wait (not added to recvset), and the wait still ends in a decision.
#[test]
fn test_finalize_wait_discards_a_worse_notification() {
    let mut p = in_finalize_for_3(1);
    let before = p.recvset();
    let (d, out) = p.recv(T0.plus_ms(50), looking(2, 2, Zxid::ZERO, 1, 0));
    assert_eq!(d, None);
    assert!(
        !out.iter().any(|e| matches!(e, Effect::Send { .. })),
        "{out:?}"
    );
    assert_eq!(p.recvset(), before);
    assert!(p.in_finalize());
    let (d, out) = p.timer(T0.plus_ms(250));
    assert_eq!(
        d,
        Some(Decision {
            vote: Vote::new(Sid(3), Zxid::ZERO, 1, Epoch(0)),
            state: ServerState::Following,
        })
    );
    assert_eq!(
        out,
        vec![Effect::CancelTimer {
            timer: Timer::FleRecvPoll
        }]
    );
}

// docs/protocol.md §2.7(c)7: "repeatedly poll(finalizeWait = 200 ms)" — a discarded notification ends
// one poll, and the next poll waits another 200 ms before the peer decides.
#[test]
fn test_finalize_wait_polls_again_after_a_discarded_notification() {
    let mut p = in_finalize_for_3(1);
    let now = T0.plus_ms(150);
    let (d, out) = p.recv(now, looking(2, 2, Zxid::ZERO, 1, 0));
    assert_eq!(d, None);
    assert_eq!(out, vec![poll_timer(now.plus_ms(FINALIZE_WAIT_MS))]);
}

// docs/protocol.md §2.7(c)7: a better notification during the finalize wait is put back and handled by
// the main loop: adopted, re-sent, and the wait is left.
#[test]
fn test_better_notification_leaves_the_finalize_wait() {
    // Voter 1 of 3 is finalizing for 2 (votes from 1 and 2); then 3's own vote arrives.
    let mut p = Peer::new(1, 3);
    p.look(T0, Zxid::ZERO, 0);
    p.recv(T0.plus_ms(10), looking(2, 2, Zxid::ZERO, 1, 0));
    p.recv(T0.plus_ms(10), looking(1, 2, Zxid::ZERO, 1, 0));
    p.qcm.loopback.clear();
    assert!(p.in_finalize());
    let now = T0.plus_ms(100);
    let (d, out) = p.recv(now, looking(3, 3, Zxid::ZERO, 1, 0));
    assert_eq!(d, None);
    let adopted = looking(1, 3, Zxid::ZERO, 1, 0);
    assert_eq!(
        out,
        vec![
            sent(2, adopted),
            sent(3, adopted),
            poll_timer(now.plus_ms(200))
        ]
    );
    assert!(!p.in_finalize());
    assert_eq!(p.fle.get_vote().id, Sid(3));
}

// docs/protocol.md §2.7(c)7 and §2.9: when the finalize poll times out the peer decides: LEADING if
// the proposal is itself, FOLLOWING for another participant, OBSERVING for an observer.
#[test]
fn test_finalize_timeout_decides_the_state() {
    let end_vote = Vote::new(Sid(3), Zxid::ZERO, 1, Epoch(0));
    for (myid, want) in [(3, ServerState::Leading), (1, ServerState::Following)] {
        let mut p = in_finalize_for_3(myid);
        let (d, out) = p.timer(T0.plus_ms(210));
        assert_eq!(
            d,
            Some(Decision {
                vote: end_vote,
                state: want
            }),
            "peer {myid}"
        );
        assert_eq!(
            out,
            vec![Effect::CancelTimer {
                timer: Timer::FleRecvPoll
            }]
        );
        assert!(!p.fle.is_running());
    }
    // The observer (sid 4) learns the leader from the voters' votes.
    let mut fle = FastLeaderElection::new(Sid(4), qv(3));
    let mut qcm = connected(4, &[1, 2, 3]);
    let mut out = Vec::new();
    fle.look_for_leader(T0, false, Zxid::ZERO, Epoch(0), &mut qcm, &mut out);
    let vote = Vote::new(Sid(4), Zxid::ZERO, -1, Epoch(0));
    for from in [2, 3] {
        let ctx = PeerContext {
            state: ServerState::Looking,
            current_vote: &vote,
        };
        let n = looking(from, 3, Zxid::ZERO, 1, 0);
        let d = fle.on_notification(T0.plus_ms(10), n, ctx, &mut qcm, &mut out);
        assert_eq!(d, None);
    }
    out.clear();
    let d = fle.on_timer(T0.plus_ms(210), &mut qcm, &mut out);
    assert_eq!(
        d,
        Some(Decision {
            vote: end_vote,
            state: ServerState::Observing
        })
    );
}

// docs/protocol.md §2.7(a) and §10: each empty poll re-sends and doubles notTimeout from 200 ms up to
// maxNotificationInterval = 60000 ms; it is never reset within one lookForLeader call.
#[test]
fn test_notification_timeout_backoff_doubles_to_the_cap_and_never_resets() {
    let mut p = Peer::new(1, 3);
    p.look(T0, Zxid::ZERO, 0);
    let mine = looking(1, 1, Zxid::ZERO, 1, 0);
    let mut now = T0.plus_ms(200);
    let mut seen = Vec::new();
    for _ in 0..10 {
        let (d, out) = p.timer(now);
        assert_eq!(d, None);
        let [a, b, Effect::SetTimer { timer, at }] = out.as_slice() else {
            panic!("expected two sends and a timer, got {out:?}");
        };
        assert_eq!(
            (a, b, *timer),
            (&sent(2, mine), &sent(3, mine), Timer::FleRecvPoll)
        );
        seen.push(at.0 - now.0);
        now = *at;
        p.qcm.loopback.clear();
    }
    assert_eq!(
        seen,
        vec![400, 800, 1600, 3200, 6400, 12800, 25600, 51200, 60000, 60000]
    );
    // A notification does not reset it: the next poll still waits 60 s.
    let (_, out) = p.recv(now, looking(2, 1, Zxid::ZERO, 1, 0));
    assert_eq!(
        out,
        vec![poll_timer(now.plus_ms(MAX_NOTIFICATION_INTERVAL_MS))]
    );
    // A new lookForLeader call starts again at 200 ms.
    let out = p.look(now, Zxid::ZERO, 0);
    assert_eq!(out.last(), Some(&poll_timer(now.plus_ms(200))));
}

// docs/protocol.md §2.7(a)1 and §2.10: with nothing delivered (every send queue still holds its
// notification) an empty poll calls connectAll instead of re-sending.
#[test]
fn test_timeout_without_delivery_reconnects() {
    let mut fle = FastLeaderElection::new(Sid(1), qv(3));
    let mut qcm = QuorumCnxManager::new(Sid(1));
    let mut out = Vec::new();
    fle.look_for_leader(T0, true, Zxid::ZERO, Epoch(0), &mut qcm, &mut out);
    let connect = |to: i64| Effect::Connect {
        channel: Channel::Election,
        to: Sid(to),
        timeout_ms: CNX_TIMEOUT_MS,
    };
    assert_eq!(
        out,
        vec![connect(2), connect(3), poll_timer(T0.plus_ms(200))]
    );
    qcm.on_connect_failed(Sid(2));
    qcm.on_connect_failed(Sid(3));
    assert!(!qcm.have_delivered());
    let mut out = Vec::new();
    let now = T0.plus_ms(200);
    assert_eq!(fle.on_timer(now, &mut qcm, &mut out), None);
    assert_eq!(
        out,
        vec![connect(2), connect(3), poll_timer(now.plus_ms(400))]
    );
}

// docs/protocol.md §2.7(c)2: a higher electionEpoch moves logicalclock, clears recvset and compares the
// notification with my INITIAL vote, not my current proposal; then re-sends.
#[test]
fn test_higher_election_epoch_clears_recvset_and_compares_with_initial_vote() {
    let mut p = Peer::new(2, 3);
    p.look(T0, Zxid::ZERO, 0);
    p.recv(T0.plus_ms(10), looking(3, 3, Zxid::ZERO, 1, 0));
    assert_eq!(p.fle.get_vote().id, Sid(3), "adopted 3 in round 1");
    let now = T0.plus_ms(20);
    // 1 votes for itself in round 5: worse than 3, but compared with my initial vote (2).
    let (d, out) = p.recv(now, looking(1, 1, Zxid::ZERO, 5, 0));
    assert_eq!(d, None);
    let back_to_initial = looking(2, 2, Zxid::ZERO, 5, 0);
    assert_eq!(
        out,
        vec![
            sent(1, back_to_initial),
            sent(3, back_to_initial),
            poll_timer(now.plus_ms(200))
        ]
    );
    assert_eq!(p.fle.logicalclock(), 5);
    assert_eq!(p.fle.get_vote(), Vote::new(Sid(2), Zxid::ZERO, 5, Epoch(0)));
    assert_eq!(p.recvset(), vec![(Sid(1), Sid(1))]);
}

// docs/protocol.md §2.7(c)2: with a higher electionEpoch, a vote that beats my initial vote is adopted
// even when it is worse than the proposal I had adopted in the older round.
#[test]
fn test_higher_election_epoch_adopts_a_vote_better_than_the_initial_one() {
    let mut p = Peer::new(1, 3);
    p.look(T0, Zxid::ZERO, 0);
    p.recv(T0.plus_ms(10), looking(3, 3, Zxid::ZERO, 1, 0));
    assert_eq!(p.fle.get_vote().id, Sid(3), "adopted 3 in round 1");
    let now = T0.plus_ms(20);
    let (d, out) = p.recv(now, looking(2, 2, Zxid::ZERO, 4, 0));
    assert_eq!(d, None);
    let adopted = looking(1, 2, Zxid::ZERO, 4, 0);
    assert_eq!(
        out,
        vec![
            sent(2, adopted),
            sent(3, adopted),
            poll_timer(now.plus_ms(200))
        ]
    );
    assert_eq!(p.fle.logicalclock(), 4);
    assert_eq!(p.recvset(), vec![(Sid(2), Sid(2))]);
}

// docs/protocol.md §2.6 and §2.7(c)3: a LOOKING notification from an older round is dropped by the
// loop, and the receiver thread answers the laggard with my proposal at my logicalclock.
#[test]
fn test_lower_election_epoch_is_dropped_and_the_laggard_gets_a_reply() {
    let mut p = Peer::new(2, 3);
    p.fle.logicalclock = 2;
    p.look(T0, Zxid::ZERO, 0);
    assert_eq!(p.fle.logicalclock(), 3);
    let now = T0.plus_ms(20);
    // Even a better vote is dropped when it comes from round 1.
    let (d, out) = p.recv(now, looking(1, 3, z(9, 9), 1, 9));
    assert_eq!(d, None);
    assert_eq!(
        out,
        vec![
            sent(1, looking(2, 2, Zxid::ZERO, 3, 0)),
            poll_timer(now.plus_ms(200))
        ]
    );
    assert_eq!(p.fle.get_vote().id, Sid(2));
    assert_eq!(p.recvset(), vec![]);
}

// docs/protocol.md §2.7(c)1 (ZOOKEEPER-261): a notification carrying zxid −1 is ignored.
#[test]
fn test_notification_with_wiped_database_zxid_is_ignored() {
    let mut p = Peer::new(1, 3);
    p.look(T0, Zxid::ZERO, 0);
    let now = T0.plus_ms(20);
    let (d, out) = p.recv(now, looking(3, 3, Zxid::NONE, 1, 0));
    assert_eq!((d, out), (None, vec![poll_timer(now.plus_ms(200))]));
    assert_eq!(p.fle.get_vote().id, Sid(1));
    assert_eq!(p.recvset(), vec![]);
}

// docs/protocol.md §2.7(d): an OBSERVING notification is ignored by the loop.
#[test]
fn test_observing_notification_is_ignored() {
    let mut p = Peer::new(1, 3);
    p.look(T0, Zxid::ZERO, 0);
    let now = T0.plus_ms(20);
    let n = note(3, ServerState::Observing, 3, Zxid::ZERO, 1, 0);
    let (d, out) = p.recv(now, n);
    assert_eq!((d, out), (None, vec![poll_timer(now.plus_ms(200))]));
    assert_eq!(p.recvset(), vec![]);
}

// docs/protocol.md §2.7(e) and checkLeader: out-of-election FOLLOWING votes alone never decide, even
// from a quorum; the decision comes when the named leader itself says LEADING. logicalclock
// takes the leader's electionEpoch and there is no finalize wait.
#[test]
fn test_out_of_election_votes_decide_only_when_the_leader_says_leading() {
    let mut p = Peer::new(1, 5);
    p.look(T0, Zxid::ZERO, 0);
    let now = T0.plus_ms(20);
    for from in [2, 4, 5] {
        let n = note(from, ServerState::Following, 3, z(1, from as u32), 7, 1);
        let (d, out) = p.recv(now, n);
        assert_eq!(
            (d, out),
            (None, vec![poll_timer(now.plus_ms(200))]),
            "from {from}"
        );
    }
    let n = note(3, ServerState::Leading, 3, z(1, 9), 7, 1);
    let (d, out) = p.recv(now, n);
    assert_eq!(
        d,
        Some(Decision {
            vote: Vote::new(Sid(3), z(1, 9), 7, Epoch(1)),
            state: ServerState::Following,
        })
    );
    assert_eq!(
        out,
        vec![Effect::CancelTimer {
            timer: Timer::FleRecvPoll
        }]
    );
    assert_eq!(p.fle.logicalclock(), 7);
}

// docs/protocol.md §2.7(e) checkLeader: the leader alone saying LEADING is not enough without a quorum
// of matching (id, peerEpoch) votes; a follower reporting another peerEpoch does not count.
#[test]
fn test_leading_vote_without_a_matching_quorum_does_not_decide() {
    let mut p = Peer::new(1, 3);
    p.look(T0, Zxid::ZERO, 0);
    let now = T0.plus_ms(20);
    let stale = note(2, ServerState::Following, 3, z(1, 1), 7, 0);
    let (d, _) = p.recv(now, stale);
    assert_eq!(d, None);
    let leading = note(3, ServerState::Leading, 3, z(1, 9), 7, 1);
    let (d, out) = p.recv(now, leading);
    assert_eq!((d, out), (None, vec![poll_timer(now.plus_ms(200))]));
}

// docs/protocol.md §2.7(e)1 checkLeader: a same-round quorum that agrees on leader 3 does not decide
// while 3's own vote in recvset is a LOOKING one — the leader must itself have said LEADING.
#[test]
fn test_leader_still_looking_is_not_followed() {
    let mut p = Peer::new(1, 3);
    p.look(T0, Zxid::ZERO, 0);
    let now = T0.plus_ms(20);
    p.recv(now, looking(3, 3, Zxid::ZERO, 1, 0));
    p.qcm.loopback.clear();
    // 2 already follows 3 in this very round; with 3's LOOKING vote that is a quorum for
    // (3, 0, 1, 0), yet 3 has not said LEADING.
    let (d, out) = p.recv(now, note(2, ServerState::Following, 3, Zxid::ZERO, 1, 0));
    assert_eq!((d, out), (None, vec![poll_timer(now.plus_ms(200))]));
    let (d, _) = p.recv(now, note(3, ServerState::Leading, 3, Zxid::ZERO, 1, 0));
    assert_eq!(
        d,
        Some(Decision {
            vote: Vote::new(Sid(3), Zxid::ZERO, 1, Epoch(0)),
            state: ServerState::Following,
        })
    );
}

// docs/protocol.md §2.7(e) checkLeader with leader == myid: votes naming me from another round do not
// make me lead (logicalclock must equal their electionEpoch).
#[test]
fn test_out_of_election_votes_for_me_from_another_round_do_not_decide() {
    let mut p = Peer::new(3, 3);
    p.look(T0, Zxid::ZERO, 0);
    let now = T0.plus_ms(20);
    for from in [1, 2] {
        let n = note(from, ServerState::Following, 3, Zxid::ZERO, 7, 1);
        let (d, out) = p.recv(now, n);
        assert_eq!(
            (d, out),
            (None, vec![poll_timer(now.plus_ms(200))]),
            "from {from}"
        );
    }
}

// docs/protocol.md §2.7(e)1 checkLeader with leader == myid: same-round FOLLOWING votes for me make me
// lead at once, without a finalize wait.
#[test]
fn test_same_round_following_votes_for_me_decide_leading() {
    let mut p = Peer::new(3, 3);
    p.look(T0, Zxid::ZERO, 0);
    let now = T0.plus_ms(20);
    let (d, _) = p.recv(now, note(1, ServerState::Following, 3, Zxid::ZERO, 1, 0));
    assert_eq!(d, None);
    let (d, out) = p.recv(now, note(2, ServerState::Following, 3, Zxid::ZERO, 1, 0));
    assert_eq!(
        d,
        Some(Decision {
            vote: Vote::new(Sid(3), Zxid::ZERO, 1, Epoch(0)),
            state: ServerState::Leading,
        })
    );
    assert_eq!(
        out,
        vec![Effect::CancelTimer {
            timer: Timer::FleRecvPoll
        }]
    );
}

// docs/protocol.md §2.6: a notification from a non-voter (an observer) gets an immediate reply with my
// current vote, my logicalclock and my state, and never reaches the loop.
#[test]
fn test_observer_notification_gets_an_immediate_reply() {
    let mut p = Peer::new(1, 3);
    p.qcm = connected(1, &[2, 3, 4]);
    p.look(T0, Zxid::ZERO, 0);
    p.current_vote = Vote::new(Sid(3), z(1, 2), 6, Epoch(1));
    let now = T0.plus_ms(20);
    let n = Notification {
        leader: Sid::NONE,
        peer_epoch: Epoch::NONE,
        ..looking(4, 0, Zxid::MIN, 1, 0)
    };
    let (d, out) = p.recv(now, n);
    assert_eq!(d, None);
    assert_eq!(out, vec![sent(4, looking(1, 3, z(1, 2), 1, 1))]);
    assert_eq!(p.recvset(), vec![]);
}

// docs/protocol.md §2.6: a peer out of the election answers a LOOKING voter with its current vote
// (its electionEpoch, not a logicalclock) and its real state; two non-LOOKING peers do not talk.
#[test]
fn test_peer_out_of_election_replies_to_looking_peers_only() {
    let mut p = Peer::new(2, 3);
    p.state = ServerState::Following;
    p.current_vote = Vote {
        state: ServerState::Following,
        ..Vote::new(Sid(3), z(1, 4), 7, Epoch(1))
    };
    let (d, out) = p.recv(T0, looking(1, 1, Zxid::ZERO, 2, 0));
    assert_eq!(d, None);
    let reply = note(2, ServerState::Following, 3, z(1, 4), 7, 1);
    assert_eq!(out, vec![sent(1, reply)]);
    let (d, out) = p.recv(T0, note(3, ServerState::Leading, 3, z(1, 4), 7, 1));
    assert_eq!((d, out), (None, vec![]));
}
