//! Cluster tests of FastLeaderElection (docs/protocol.md §2): many seeds, staggered starts, random
//! latencies; exactly one leader that every voter agrees on, within a bound.

use sim::{SimOptions, Simulation, StartPlan};
use zab::peer::{ServerState, ZabState};
use zab::{Sid, Time};

/// Every server runs, has decided, finished syncing (BROADCAST), and they agree on one leader.
fn settled(sim: &Simulation) -> Option<Sid> {
    let all_up = sim.sids().all(|s| sim.peer(s).is_some());
    all_up
        .then(|| sim::testkit::established_leader(sim))
        .flatten()
}

fn seeds() -> u64 {
    std::env::var("ZABSIM_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200)
}

fn elect_many(voters: u32, observers: u32) {
    // Election takes well under a second, but a leader some voters abandoned for a better
    // candidate waits its full initLimit × tickTime (20 s) in getEpochToPropose before it gives
    // up (ZOOKEEPER-3109); three such rounds bound any start.
    let bound = Time(65_000);
    let mut election_ms = Vec::new();
    for seed in 0..seeds() {
        let mut opts = SimOptions::new(seed, voters, observers).expect("valid shape");
        opts.latency_ms = (1, 60);
        opts.start = StartPlan::Staggered { max_ms: 1500 };
        let mut sim = Simulation::new(opts).expect("valid options");
        let ok = sim.run_until_pred(bound, |s| settled(s).is_some());
        assert!(ok, "seed {seed}: {voters} voters did not settle on one leader by {bound}; replay: ZABSIM_SEED={seed}");
        let leader = settled(&sim).expect("settled");
        let leaders = sim
            .sids()
            .filter(|s| {
                sim.peer(*s)
                    .is_some_and(|p| p.state() == ServerState::Leading)
            })
            .count();
        assert_eq!(leaders, 1, "seed {seed}");
        for sid in sim.sids() {
            let p = sim.peer(sid).expect("up");
            let expect = if sid == leader {
                ServerState::Leading
            } else if p.learner_type() == zab::config::LearnerType::Observer {
                ServerState::Observing
            } else {
                ServerState::Following
            };
            assert_eq!(p.state(), expect, "seed {seed} sid {sid}");
        }
        election_ms.push(sim.now().0);
    }
    assert!(!election_ms.is_empty());
}

#[test]
fn test_three_voters_elect_one_leader_over_many_seeds() {
    elect_many(3, 0);
}

#[test]
fn test_five_voters_elect_one_leader_over_many_seeds() {
    elect_many(5, 0);
}

#[test]
fn test_seven_voters_elect_one_leader_over_many_seeds() {
    elect_many(7, 0);
}

#[test]
fn test_observers_learn_the_leader_and_observe() {
    elect_many(3, 2);
}

/// docs/protocol.md §2.7(e): a server started after the others are established learns the leader
/// from their FOLLOWING/LEADING replies (out-of-election votes) — even the highest sid, which
/// would win a fresh election, follows — and nobody else re-elects.
#[test]
fn test_late_server_joins_through_out_of_election_votes() {
    for seed in 0..50 {
        let mut opts = SimOptions::new(seed, 5, 0).expect("valid shape");
        opts.start = StartPlan::At((1..=4).map(|i| (Sid(i), Time(0))).collect());
        let mut sim = Simulation::new(opts).expect("valid options");
        assert!(sim.run_until_pred(Time(65_000), |s| {
            (1..=4).all(|i| {
                s.peer(Sid(i))
                    .is_some_and(|p| p.zab_state() == ZabState::Broadcast)
            })
        }));
        let leader = sim.peer(Sid(1)).expect("up").current_vote().id;
        let clocks: Vec<i64> = (1..=4)
            .map(|i| sim.peer(Sid(i)).expect("up").election().logicalclock)
            .collect();
        sim.restart(Sid(5));
        assert!(
            sim.run_until_pred(Time(sim.now().0 + 65_000), |s| settled(s).is_some()),
            "seed {seed}"
        );
        assert_eq!(
            settled(&sim),
            Some(leader),
            "seed {seed}: the late sid 5 follows"
        );
        let p5 = sim.peer(Sid(5)).expect("up");
        assert_eq!(p5.state(), ServerState::Following);
        let after: Vec<i64> = (1..=4)
            .map(|i| sim.peer(Sid(i)).expect("up").election().logicalclock)
            .collect();
        assert_eq!(
            clocks, after,
            "seed {seed}: no one else started a new round"
        );
        // It took the established ensemble's electionEpoch from their replies.
        assert_eq!(p5.election().logicalclock, clocks[0]);
    }
}
