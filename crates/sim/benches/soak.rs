//! Benchmark (not a test): memory and speed of a long run with client writes and faults.
//!
//! `cargo bench -p sim --bench soak` runs the soak: 5 voters + 1 observer (seed 1), a client
//! write every 400 events at a rotating server and a fault every 2 500 events (crash, restart,
//! partition, heal, in turn), each injected through `Session::act` as the run reaches its step,
//! the way a person at the UI would. At 100 k / 250 k / 500 k / 1 M events it prints VmRSS and
//! VmHWM (from /proc/self/status), the events/s of the last slice and the trace hash (so two
//! builds can be compared for determinism), then seeks to 400 pseudo-random positions.
//!
//! `cargo bench -p sim --bench soak -- --faults-only` runs 5 voters with a fault every 200
//! events and no writes (5 000 injected actions by 1 M events) and prints events/s per slice:
//! injecting actions must not slow the run down.
//!
//! `-- --events N` changes the length. `cargo test` compiles this (with `--all-targets`) but
//! never runs it: `harness = false` makes it a plain program.

use sim::network::Direction;
use sim::session::{RunSpec, Session, UserAction};
use sim::ServerStatus;
use std::time::{Duration, Instant};
use zab::Sid;

fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn flag(name: &str) -> bool {
    std::env::args().any(|a| a == name)
}

/// xorshift64*: a fixed sequence of targets, the same on every run (as in benches/seek.rs).
struct Targets(u64);

impl Targets {
    fn next(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % below
    }
}

/// (VmRSS, VmHWM) in MiB, from /proc/self/status (Linux).
fn memory_mib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map_or(0, |kib| kib / 1024)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// The faults in turn: crash a running server, restart the one that went down, cut two
/// running servers apart, heal. Picked from the current state so no fault is a no-op (a
/// server can also exit by itself, so "the next one" is not known in advance).
struct FaultCycle {
    n: u64,
    servers: u64,
    crashed: Option<Sid>,
}

impl FaultCycle {
    fn next(&mut self, s: &Session) -> Option<UserAction> {
        let k = self.n;
        self.n += 1;
        let sim = s.sim();
        let running = |sid: Sid| sim.status(sid) == Some(ServerStatus::Running);
        let rotating = (0..self.servers).map(|i| Sid(1 + ((k / 4 + i) % self.servers) as i64));
        match k % 4 {
            0 => {
                let sid = rotating.clone().find(|sid| running(*sid))?;
                self.crashed = Some(sid);
                Some(UserAction::Crash(sid))
            }
            1 => {
                let down = self
                    .crashed
                    .take()
                    .filter(|sid| !running(*sid))
                    .or_else(|| rotating.clone().find(|sid| !running(*sid)))?;
                Some(UserAction::Restart(down))
            }
            2 => {
                let mut up = rotating.filter(|sid| running(*sid));
                let (from, to) = (up.next()?, up.next()?);
                Some(UserAction::Partition {
                    from,
                    to,
                    direction: Direction::Both,
                })
            }
            _ => sim.network().blocked().next().map(|_| UserAction::Heal),
        }
    }
}

struct Plan {
    voters: u32,
    observers: u32,
    write_every: u64,
    fault_every: u64,
    marks: Vec<u64>,
}

fn main() {
    // `cargo bench` passes `--bench`; ignore what this program does not know.
    let faults_only = flag("--faults-only");
    let events = arg("--events", 1_000_000);
    let plan = if faults_only {
        Plan {
            voters: 5,
            observers: 0,
            write_every: 0,
            fault_every: 200,
            marks: (1..=10).map(|i| i * events / 10).collect(),
        }
    } else {
        Plan {
            voters: 5,
            observers: 1,
            write_every: 400,
            fault_every: 2_500,
            marks: [100_000, 250_000, 500_000, 1_000_000]
                .into_iter()
                .filter(|m| *m < events)
                .chain([events])
                .collect(),
        }
    };
    let servers = u64::from(plan.voters + plan.observers);
    println!(
        "{} run: {} voters + {} observers, seed 1, {}a fault every {} events, {events} events",
        if faults_only { "faults-only" } else { "soak" },
        plan.voters,
        plan.observers,
        if plan.write_every > 0 {
            format!("a write every {} events, ", plan.write_every)
        } else {
            String::new()
        },
        plan.fault_every
    );
    let (rss, hwm) = memory_mib();
    println!("before the run: VmRSS {rss} MiB, VmHWM {hwm} MiB");

    let mut session =
        Session::new(RunSpec::new(1, plan.voters, plan.observers)).expect("a valid shape");
    let mut cycle = FaultCycle {
        n: 0,
        servers,
        crashed: None,
    };
    let mut writes = 0u64;
    let mut marks = plan.marks.iter().copied().peekable();
    let mut slice_start = (Instant::now(), 0u64);
    let started = Instant::now();
    while session.position() < events {
        assert!(session.step(), "the run ended before {events} events");
        let pos = session.position();
        if plan.write_every > 0 && pos.is_multiple_of(plan.write_every) {
            let at = Sid(1 + (writes % servers) as i64);
            writes += 1;
            session
                .act(UserAction::Write(at))
                .expect("a write is always allowed");
        }
        if pos.is_multiple_of(plan.fault_every) {
            if let Some(fault) = cycle.next(&session) {
                session
                    .act(fault)
                    .expect("the cycle picks faults that change something");
            }
        }
        if marks.peek() == Some(&pos) {
            marks.next();
            let (t0, p0) = slice_start;
            let rate = (pos - p0) as f64 / t0.elapsed().as_secs_f64();
            let (rss, hwm) = memory_mib();
            println!(
                "{pos:>9} events: VmRSS {rss:>5} MiB, VmHWM {hwm:>5} MiB, {rate:>9.0} events/s \
                 since {p0}, {} actions, {} log entries, trace hash {:016x}",
                session.spec().actions.len(),
                session.full_log().len(),
                session.trace_hash()
            );
            slice_start = (Instant::now(), pos);
        }
    }
    println!(
        "ran {events} events in {:.1} s ({:.1} s simulated)",
        started.elapsed().as_secs_f64(),
        session.sim().now().0 as f64 / 1000.0
    );
    if faults_only {
        return;
    }

    let mut targets = Targets(0x9e37_79b9_7f4a_7c15);
    let mut times = Vec::new();
    for _ in 0..arg("--seeks", 400) {
        let to = targets.next(events + 1);
        let t = Instant::now();
        session.seek(to);
        times.push(t.elapsed());
        assert_eq!(session.position(), to);
    }
    report("random seeks", &mut times);
    let (rss, hwm) = memory_mib();
    println!("after the seeks: VmRSS {rss} MiB, VmHWM {hwm} MiB");
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1_000.0
}

fn report(what: &str, times: &mut [Duration]) {
    if times.is_empty() {
        return;
    }
    times.sort();
    let pct = |p: f64| ms(times[((times.len() - 1) as f64 * p).round() as usize]);
    let mean = times.iter().map(|d| ms(*d)).sum::<f64>() / times.len() as f64;
    println!(
        "{what}: {} seeks, mean {mean:.2} ms, median {:.2} ms, p95 {:.2} ms, max {:.2} ms \
         (goal p95 ≤ 16 ms)",
        times.len(),
        pct(0.5),
        pct(0.95),
        pct(1.0)
    );
}
