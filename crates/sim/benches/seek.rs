//! Benchmark (not a test): seeking to a random event of a 1 000 000-event run.
//!
//! `cargo bench -p sim --bench seek` (release build; `-- --events N --seeks K` to change the
//! size). Builds one 5-voter session of N events (a checkpoint every 1 000), then seeks to K
//! pseudo-random positions, each from wherever the previous seek left it, and prints the
//! distribution. The goal is under 16 ms per seek: one frame.
//!
//! `cargo test` compiles this (with `--all-targets` / `--benches`) but never runs it:
//! `harness = false` makes it a plain program.

use sim::session::{RunSpec, Session};
use std::time::{Duration, Instant};

fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// xorshift64*: a fixed sequence of targets, the same on every run.
struct Targets(u64);

impl Targets {
    fn next(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % below
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1_000.0
}

fn main() {
    // `cargo bench` passes `--bench`; ignore what this program does not know.
    let events = arg("--events", 1_000_000);
    let seeks = arg("--seeks", 400);

    let started = Instant::now();
    let mut session = Session::new(RunSpec::new(1, 5, 0)).expect("5 voters are valid");
    while session.position() < events {
        assert!(session.step(), "the run ended before {events} events");
    }
    let build = started.elapsed();
    let log = session.full_log();
    let sends = log
        .iter()
        .filter(|e| matches!(e.event, sim::LogEvent::Send(_)))
        .count();
    println!(
        "built a {events}-event run (5 voters, seed 1): {:.2} s, {} log entries, {sends} messages, \
         simulated time {:.1} s",
        build.as_secs_f64(),
        log.len(),
        session.sim().now().0 as f64 / 1000.0
    );

    let mut targets = Targets(0x9e37_79b9_7f4a_7c15);
    let (mut back, mut forward) = (Vec::new(), Vec::new());
    for _ in 0..seeks {
        let to = targets.next(events + 1);
        let from = session.position();
        let t = Instant::now();
        session.seek(to);
        let took = t.elapsed();
        assert_eq!(session.position(), to);
        if to < from {
            back.push(took);
        } else {
            forward.push(took);
        }
    }
    let mut all: Vec<Duration> = back.iter().chain(forward.iter()).copied().collect();
    report("all random seeks", &mut all);
    report(
        "backward (restore a checkpoint, replay < 1000 events)",
        &mut back,
    );
    report("forward (replay from the current position)", &mut forward);
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
         (goal < 16 ms)",
        times.len(),
        pct(0.5),
        pct(0.95),
        pct(1.0)
    );
}
