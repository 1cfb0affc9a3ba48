//! How close random runs come to the `leader-within-bound` check's bound, and which
//! non-safety checks they break, per release profile (the numbers behind
//! `sim::checker::liveness::leader_bound_ms`).
//!
//! cargo run --release -p sim --example liveness_sweep -- VOTERS SEEDS STEPS [KINDS]
//!   e.g. `3 0..300 20000 ccrrrwwwwwwphbsu`; with `SEED=N` it also prints seed N's actions and
//!   its role changes, crashes, pauses and partitions.

use sim::checker::LivenessChecks;
use sim::session::{RunSpec, Session, UserAction};
use std::collections::BTreeMap;
use zab::{Sid, ZkVersion};

fn mix(x: &mut u64) -> u64 {
    *x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *x;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn action(r: &mut u64, n: u64, kinds: &[u8]) -> UserAction {
    let s = |r: &mut u64| Sid((mix(r) % n) as i64 + 1);
    match kinds[(mix(r) % kinds.len() as u64) as usize] {
        b'c' => UserAction::Crash(s(r)),
        b'r' => UserAction::Restart(s(r)),
        b'p' => {
            let a = s(r);
            let b = Sid((a.0 % n as i64) + 1);
            UserAction::Partition {
                from: a,
                to: b,
                direction: sim::network::Direction::Both,
            }
        }
        b'h' => UserAction::Heal,
        b's' => UserAction::Pause(s(r)),
        b'u' => UserAction::Resume(s(r)),
        b'b' => {
            let a = s(r);
            UserAction::Break {
                a,
                b: Sid((a.0 % n as i64) + 1),
            }
        }
        _ => UserAction::Write(s(r)),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let voters: u32 = args[1].parse().expect("voters");
    let (a, b) = args[2].split_once("..").expect("a..b");
    let (a, b): (u64, u64) = (a.parse().expect("seed"), b.parse().expect("seed"));
    let steps: u64 = args[3].parse().expect("steps");
    let kinds = args.get(4).map_or("ccrrrwwwwwwphbsu", |s| s.as_str());
    for zk in ZkVersion::ALL {
        let mut names: BTreeMap<&'static str, u64> = BTreeMap::new();
        let mut worst = (0u64, 0u64);
        for seed in a..b {
            let mut r = seed ^ 0x5EED;
            let mut session =
                Session::new(RunSpec::new(seed, voters, 0).with_zk(zk)).expect("spec");
            let count = 4 + mix(&mut r) % 12;
            let mut at: Vec<u64> = (0..count).map(|_| 1 + mix(&mut r) % (steps / 2)).collect();
            at.sort();
            let mut next = 0;
            // A second copy of the liveness checks, never stopped by an earlier violation,
            // to see how long a calm quorum waited.
            let mut live = LivenessChecks::default();
            let mut from = 0usize;
            while session.position() < steps {
                if !session.step() {
                    break;
                }
                while next < at.len() && at[next] <= session.position() {
                    let _ = session.act(action(&mut r, u64::from(voters), kinds.as_bytes()));
                    next += 1;
                }
                let log = session.log();
                let _ = live.check_entries(session.sim(), &log[from.min(log.len())..]);
                from = log.len();
            }
            if std::env::var("SEED")
                .ok()
                .and_then(|x| x.parse::<u64>().ok())
                == Some(seed)
            {
                let codes: Vec<String> = session
                    .spec()
                    .actions
                    .iter()
                    .map(|(s, a)| format!("{s}:{}", a.code()))
                    .collect();
                println!(
                    "seed {seed}: [{}] end t={}",
                    codes.join(" "),
                    session.sim().now().0
                );
                for e in session.log() {
                    if matches!(
                        e.event,
                        sim::LogEvent::StateChange { .. }
                            | sim::LogEvent::Crashed { .. }
                            | sim::LogEvent::PeerStarted { .. }
                            | sim::LogEvent::Partition { .. }
                            | sim::LogEvent::Heal
                            | sim::LogEvent::Paused { .. }
                            | sim::LogEvent::Resumed { .. }
                            | sim::LogEvent::Break { .. }
                    ) || matches!(&e.event, sim::LogEvent::Note { note, .. } if matches!(**note, zab::reason::Note::LearnerShutdown(_) | zab::reason::Note::LeaderShutdown(_)))
                    {
                        println!("  t={} {:?}", e.time.0, e.event);
                    }
                }
            }
            if live.longest_wait_ms() > worst.0 {
                worst = (live.longest_wait_ms(), seed);
            }
            if let Some(v) = session.checks().violation() {
                *names.entry(v.what.name()).or_default() += 1;
            }
        }
        println!(
            "{zk}: longest calm wait {} ms (seed {}), first violations {names:?}",
            worst.0, worst.1
        );
    }
}
