//! The longest leaderless wait of a calm, connected quorum in random runs, and the first
//! check each run breaks, per release profile. A calm, connected quorum is a quorum of voters
//! that run unpaused and reach each other both ways, timed from the later of the last fault
//! anywhere (a start, crash, pause, resume, partition, heal, exit, or a hand-made delay, drop
//! or break) and the moment the last established leader (LEADING in BROADCAST) went away.
//! Real FastLeaderElection gives that wait no fixed bound (docs/protocol.md §8.4: seed 230 of
//! `3 0..300 20000` waits 282 s), which is why no live check asserts one.
//!
//! cargo run --release -p sim --example liveness_sweep -- VOTERS SEEDS STEPS [KINDS]
//!   e.g. `3 0..300 20000 ccrrrwwwwwwphbsu`; with `SEED=N` it also prints seed N's actions and
//!   its role changes, crashes, pauses and partitions.

use sim::network::Network;
use sim::session::{RunSpec, Session, UserAction};
use sim::trace::{BreakCause, DropCause};
use sim::{LogEntry, LogEvent, ServerStatus, Simulation};
use std::collections::BTreeMap;
use zab::peer::{ServerState, ZabState};
use zab::{Sid, Time, ZkVersion};

/// How long calm, connected quorums have gone without an established leader.
#[derive(Default)]
struct Wait {
    /// Whether the first call has set the state up.
    started: bool,
    /// The time of the last fault anywhere.
    calm_since: Time,
    /// Since when no server has been an established leader; `None` while one is.
    leaderless_since: Option<Time>,
    /// Whether the world the last fault left has a connected quorum.
    quorum: bool,
    /// The longest wait so far, in ms.
    longest_ms: u64,
}

/// An event that changes who runs or who can reach whom: it restarts the window.
fn is_fault(event: &LogEvent) -> bool {
    match event {
        LogEvent::PeerStarted { .. }
        | LogEvent::StartupFailed { .. }
        | LogEvent::Crashed { .. }
        | LogEvent::Paused { .. }
        | LogEvent::Resumed { .. }
        | LogEvent::Partition { .. }
        | LogEvent::Heal
        | LogEvent::Exit { .. }
        | LogEvent::Delay { .. } => true,
        LogEvent::Break { reason, .. } => *reason == BreakCause::ByHand,
        LogEvent::Drop { reason, .. } => *reason == DropCause::ByHand,
        _ => false,
    }
}

impl Wait {
    fn entries(&mut self, sim: &Simulation, entries: &[LogEntry]) {
        let mut faulted = !self.started;
        self.started = true;
        for entry in entries {
            if is_fault(&entry.event) {
                faulted = true;
                self.calm_since = self.calm_since.max(entry.time);
            }
        }
        if faulted {
            self.quorum = connected_quorum(sim);
        }
        let now = sim.now();
        if established_leader_exists(sim) {
            self.leaderless_since = None;
            return;
        }
        let leaderless_since = *self.leaderless_since.get_or_insert(now);
        if self.quorum {
            let since = self.calm_since.max(leaderless_since);
            self.longest_ms = self.longest_ms.max(now.0.saturating_sub(since.0));
        }
    }
}

/// Some server is LEADING and in BROADCAST: a quorum ACKed its NEWLEADER.
fn established_leader_exists(sim: &Simulation) -> bool {
    sim.sids().any(|sid| {
        sim.peer(sid).is_some_and(|p| {
            p.state() == ServerState::Leading && p.zab_state() == ZabState::Broadcast
        })
    })
}

/// Whether some quorum of voters runs unpaused and reaches each other both ways.
fn connected_quorum(sim: &Simulation) -> bool {
    let voters: Vec<Sid> = sim.options().config.voters().collect();
    let up: Vec<Sid> = voters
        .iter()
        .copied()
        .filter(|s| {
            sim.status(*s) == Some(ServerStatus::Running)
                && sim.peer(*s).is_some()
                && !sim.is_paused(*s)
        })
        .collect();
    let need = voters.len() / 2 + 1;
    let net = sim.network();
    (1u32..(1 << up.len())).any(|mask| {
        let set: Vec<Sid> = (0..up.len())
            .filter(|i| mask & (1 << i) != 0)
            .map(|i| up[i])
            .collect();
        set.len() >= need && all_reachable(net, &set)
    })
}

fn all_reachable(net: &Network, set: &[Sid]) -> bool {
    set.iter()
        .enumerate()
        .all(|(i, a)| set[i + 1..].iter().all(|b| net.reachable(*a, *b)))
}

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
            let mut wait = Wait::default();
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
                wait.entries(session.sim(), &log[from.min(log.len())..]);
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
                        LogEvent::StateChange { .. }
                            | LogEvent::Crashed { .. }
                            | LogEvent::PeerStarted { .. }
                            | LogEvent::Partition { .. }
                            | LogEvent::Heal
                            | LogEvent::Paused { .. }
                            | LogEvent::Resumed { .. }
                            | LogEvent::Break { .. }
                    ) || matches!(&e.event, LogEvent::Note { note, .. } if matches!(**note, zab::reason::Note::LearnerShutdown(_) | zab::reason::Note::LeaderShutdown(_)))
                    {
                        println!("  t={} {:?}", e.time.0, e.event);
                    }
                }
            }
            if wait.longest_ms > worst.0 {
                worst = (wait.longest_ms, seed);
            }
            if let Some(v) = session.checks().violation() {
                *names.entry(v.what.name()).or_default() += 1;
            }
        }
        println!(
            "{zk}: longest leaderless wait of a calm, connected quorum {} ms (seed {}), first violations {names:?}",
            worst.0, worst.1
        );
    }
}
