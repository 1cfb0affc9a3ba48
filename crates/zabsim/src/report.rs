//! Sweeps and hunts over seed ranges: sharding, the parallel run (rayon), the summaries they
//! print, their JSON form, and merging shards' JSON back into the unsharded summary.
//!
//! A shard `I/N` of a range `A..B` is the seeds `s` of the range with `s mod N == I`
//! (interleaved, not contiguous blocks: neighbouring seeds cost about the same, so the shards
//! of any range come out about equal, and a shard's seeds do not depend on the range's ends).
//! Everything a summary holds merges associatively and commutatively (counts add, the first
//! failure is the lowest seed's, the hits listed are the lowest seeds'), so the parallel order
//! never shows: the same range gives the same summary on 1 job or 8, in one shard or many.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sim::checker::Mark;
use sim::hunt::{Outcome, Tally, Target};
use sim::swarm::{replay_command, run_seed, SweepConfig};
use std::collections::BTreeMap;
use std::time::Instant;

/// A hunt's summary lists at most this many hits, the lowest seeds' (the JSON too).
pub const MAX_LISTED: usize = 20;

mod shard;
pub use shard::{default_jobs, pool, Shard};

// ---------------------------------------------------------------------------------------
// Sweeps.

/// The first failing seed of a sweep, with what the unsharded summary prints of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    pub seed: u64,
    /// `SeedPlan`'s line.
    pub plan: String,
    pub violation: Option<String>,
    pub liveness: Option<String>,
    pub replay: String,
}

/// What a sweep found over some seeds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SweepSummary {
    pub seeds: u64,
    pub events: u64,
    /// Seeds whose liveness phase held (and no safety check broke).
    pub live: u64,
    /// Seeds with a violation or a liveness failure.
    pub failing: u64,
    /// Of those, the seeds that broke a safety check (the rest missed a liveness bound).
    pub violating: u64,
    /// Reachability marks by `Mark`'s Debug name, every mark listed.
    pub marks: BTreeMap<String, u64>,
    pub first_failure: Option<Failure>,
    /// The lowest seed that broke a safety check: a liveness miss at a lower seed must not
    /// hide it.
    pub first_violation: Option<Failure>,
}

fn lowest(a: Option<Failure>, b: Option<Failure>) -> Option<Failure> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if a.seed <= b.seed { a } else { b }),
        (a, b) => a.or(b),
    }
}

impl SweepSummary {
    fn merge(mut self, other: SweepSummary) -> SweepSummary {
        self.seeds += other.seeds;
        self.events += other.events;
        self.live += other.live;
        self.failing += other.failing;
        self.violating += other.violating;
        for (m, n) in other.marks {
            *self.marks.entry(m).or_insert(0) += n;
        }
        self.first_failure = lowest(self.first_failure, other.first_failure);
        self.first_violation = lowest(self.first_violation, other.first_violation);
        self
    }

    fn of_seed(seed: u64, cfg: &SweepConfig) -> SweepSummary {
        let o = run_seed(seed, cfg);
        let mut marks: BTreeMap<String, u64> =
            Mark::ALL.iter().map(|m| (format!("{m:?}"), 0)).collect();
        for m in Mark::ALL {
            *marks.entry(format!("{m:?}")).or_insert(0) += o.marks.count(m);
        }
        let failure = (!o.ok()).then(|| Failure {
            seed,
            plan: o.plan.to_string(),
            violation: o.violation.as_ref().map(|(t, v)| format!("{t}: {v}")),
            liveness: o.liveness_failure.clone(),
            replay: replay_command(seed, cfg),
        });
        SweepSummary {
            seeds: 1,
            events: o.events,
            live: u64::from(o.ok()),
            failing: u64::from(!o.ok()),
            violating: u64::from(o.violation.is_some()),
            marks,
            first_violation: failure.clone().filter(|f| f.violation.is_some()),
            first_failure: failure,
        }
    }
}

/// A sweep's report: what ran, and what it found (`zabsim sweep --json`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepReport {
    /// "ZooKeeper 3.8 (3.8.0–3.8.4, 3.9.0–3.9.1)" and the switches: the config's identity,
    /// which shards must share to merge.
    pub config: String,
    pub range: (u64, u64),
    pub shards: Vec<Shard>,
    pub summary: SweepSummary,
    /// Wall-clock seconds (summed over the shards of a merge) and the jobs of each run.
    pub secs: f64,
    pub jobs: Vec<usize>,
}

pub fn sweep(
    cfg: &SweepConfig,
    config: String,
    range: (u64, u64),
    shard: Shard,
    jobs: usize,
    on_seed: &(dyn Fn() + Sync),
) -> SweepReport {
    let started = Instant::now();
    let seeds: Vec<u64> = shard.seeds(range).collect();
    let summary = pool(jobs).install(|| {
        seeds
            .par_iter()
            .map(|s| {
                let one = SweepSummary::of_seed(*s, cfg);
                on_seed();
                one
            })
            .reduce(SweepSummary::default, SweepSummary::merge)
    });
    SweepReport {
        config,
        range,
        shards: vec![shard],
        summary,
        secs: started.elapsed().as_secs_f64(),
        jobs: vec![jobs],
    }
}

/// The lines `zabsim sweep` prints after its header; a merge prints the same.
pub fn print_sweep(r: &SweepReport, out: &mut impl std::io::Write) {
    let s = &r.summary;
    let n = s.seeds;
    let _ = writeln!(out, "{}", r.config);
    let events = format!("{} events", s.events);
    let _ = writeln!(out, "{}", timing(n, r.secs, &r.shards, &r.jobs, &events));
    let _ = writeln!(
        out,
        "liveness: {} of {n} seeds ({:.1} %)",
        s.live,
        percent(s.live, n)
    );
    let _ = writeln!(out, "reachability:");
    for m in Mark::ALL {
        let count = s.marks.get(&format!("{m:?}")).copied().unwrap_or(0);
        let _ = writeln!(out, "  {:<32} {count}", describe::mark(m));
    }
    match &s.first_failure {
        None => {
            let _ = writeln!(out, "0 violations");
        }
        Some(f) => {
            let _ = writeln!(
                out,
                "{} failing seeds ({} broke a safety check, {} missed a liveness bound); the first:",
                s.failing,
                s.violating,
                s.failing - s.violating
            );
            print_failure(out, "first failing", f);
            if let Some(v) = s.first_violation.as_ref().filter(|v| v.seed != f.seed) {
                print_failure(out, "first safety violation:", v);
            }
        }
    }
}

fn print_failure(out: &mut impl std::io::Write, what: &str, f: &Failure) {
    let _ = writeln!(out, "{what} {}", f.plan);
    if let Some(v) = &f.violation {
        let _ = writeln!(out, "  violation at {v}");
    }
    if let Some(l) = &f.liveness {
        let _ = writeln!(out, "  liveness: {l}");
    }
    let _ = writeln!(out, "  replay: {}", f.replay);
}

fn percent(k: u64, n: u64) -> f64 {
    if n == 0 {
        0.0
    } else {
        100.0 * k as f64 / n as f64
    }
}

/// "100 seeds in 3.2 s (31 seeds/s, EXTRA, shard 1/4, 2 jobs)"; for a merge, the shards'
/// seconds summed.
fn timing(n: u64, secs: f64, shards: &[Shard], jobs: &[usize], extra: &str) -> String {
    let rate = if secs > 0.0 { n as f64 / secs } else { 0.0 };
    let plural = if jobs == [1] { "job" } else { "jobs" };
    let jobs: Vec<String> = jobs.iter().map(|j| j.to_string()).collect();
    match shards {
        [one] if *one == Shard::WHOLE => format!(
            "{n} seeds in {secs:.1} s ({rate:.0} seeds/s, {extra}, {} {plural})",
            jobs.join("+")
        ),
        [one] => format!(
            "{n} seeds in {secs:.1} s ({rate:.0} seeds/s, {extra}, shard {one}, {} {plural})",
            jobs.join("+")
        ),
        many => format!(
            "{n} seeds in {secs:.1} s summed over {} shards ({rate:.0} seeds per \
             shard-second, {extra}; jobs {})",
            many.len(),
            jobs.join("+")
        ),
    }
}

// ---------------------------------------------------------------------------------------
// Hunts.

/// One hit of a hunt (a seed whose run broke a check).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hit {
    pub seed: u64,
    /// Whether it is the hunted check (a bug target's invariant; any, for a version).
    pub caught: bool,
    pub step: u64,
    pub check: String,
    pub summary: String,
    /// The app's link query (`None` with a checker self-test on, which links do not carry).
    pub link: Option<String>,
    /// The run's seed and actions (`step:code,…`), to replay it without the link.
    pub run_seed: u64,
    pub actions: String,
}

impl Hit {
    fn of(o: &Outcome, target: &Target) -> Option<Hit> {
        let v = o.violation.as_ref()?;
        Some(Hit {
            seed: o.seed,
            caught: o.caught(target),
            step: v.step,
            check: v.check.clone(),
            summary: v.summary.clone(),
            link: o.link_query(),
            run_seed: o.spec.seed,
            actions: sim::trace_file::encode_actions(&o.spec.actions),
        })
    }
}

/// What a hunt found over some seeds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HuntSummary {
    /// Seeds, catches, other violations and steps.
    #[serde(flatten)]
    pub tally: Tally,
    /// The lowest seeds' hits, at most [`MAX_LISTED`].
    pub hits: Vec<Hit>,
    /// `--each`: one line per seed, in seed order (not listed otherwise).
    pub each: Vec<String>,
}

impl HuntSummary {
    fn merge(mut self, other: HuntSummary) -> HuntSummary {
        self.tally.merge(&other.tally);
        self.hits.extend(other.hits);
        self.hits.sort_by_key(|h| h.seed);
        self.hits.truncate(MAX_LISTED);
        self.each.extend(other.each);
        // "seed N: …": in seed order.
        self.each.sort_by_key(|l| each_seed(l));
        self
    }

    fn of(o: &Outcome, target: &Target, each: bool) -> HuntSummary {
        let mut tally = Tally::default();
        tally.add(target, o);
        HuntSummary {
            tally,
            hits: Hit::of(o, target).into_iter().collect(),
            each: if each {
                vec![format!(
                    "seed {}: {} ({} actions, {} steps)",
                    o.seed,
                    o.violation
                        .as_ref()
                        .map_or("clean".to_string(), |v| format!(
                            "{} at step {}",
                            v.check, v.step
                        )),
                    o.spec.actions.len(),
                    o.steps
                )]
            } else {
                Vec::new()
            },
        }
    }
}

fn each_seed(line: &str) -> u64 {
    line.strip_prefix("seed ")
        .and_then(|r| r.split(':').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(u64::MAX)
}

/// A hunt's report (`zabsim hunt --json`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HuntReport {
    /// `Target::name()`.
    pub target: String,
    pub range: (u64, u64),
    pub shards: Vec<Shard>,
    /// Stopped at the first seed that broke a check (the summary then covers the seeds up to
    /// it); such reports do not merge.
    pub stop_at_first: bool,
    pub summary: HuntSummary,
    pub secs: f64,
    pub jobs: Vec<usize>,
}

/// Run the shard's seeds of the range on `jobs` threads. With `stop_at_first`, seeds run in
/// chunks of a few per job in seed order and the hunt stops after the chunk holding the
/// lowest seed that broke a check; the summary then covers the seeds up to that one only, so
/// it does not depend on `jobs` either.
pub fn hunt(
    target: &Target,
    range: (u64, u64),
    shard: Shard,
    jobs: usize,
    stop_at_first: bool,
    each: bool,
) -> HuntReport {
    let started = Instant::now();
    let seeds: Vec<u64> = shard.seeds(range).collect();
    let pool = pool(jobs);
    let summary = if stop_at_first {
        let mut total = HuntSummary::default();
        for chunk in seeds.chunks(jobs.max(1) * 4) {
            let outcomes: Vec<Outcome> = pool.install(|| {
                chunk
                    .par_iter()
                    .map(|s| sim::hunt::run(target, *s))
                    .collect()
            });
            let first = outcomes.iter().position(|o| o.violation.is_some());
            let upto = first.map_or(outcomes.len(), |i| i + 1);
            for o in &outcomes[..upto] {
                total = total.merge(HuntSummary::of(o, target, each));
            }
            if first.is_some() {
                break;
            }
        }
        total
    } else {
        pool.install(|| {
            seeds
                .par_iter()
                .map(|s| HuntSummary::of(&sim::hunt::run(target, *s), target, each))
                .reduce(HuntSummary::default, HuntSummary::merge)
        })
    };
    HuntReport {
        target: target.name(),
        range,
        shards: vec![shard],
        stop_at_first,
        summary,
        secs: started.elapsed().as_secs_f64(),
        jobs: vec![jobs],
    }
}

/// The command that replays seed `seed` of a hunt natively.
pub fn hunt_replay(target: &str, seed: u64) -> String {
    format!(
        "cargo run --profile native -p zabsim -- hunt {target} --seeds {seed}..{}",
        seed + 1
    )
}

/// What `zabsim hunt` prints; a merge prints the same.
pub fn print_hunt(r: &HuntReport, out: &mut impl std::io::Write) {
    let s = &r.summary;
    let target = Target::parse(&r.target);
    let what = match &target {
        Ok(Target::Bug { bug, fixed }) => format!(
            "{} ({}), {} side: {}, {} voters; catch = `{}` fires",
            bug.id,
            bug.title,
            if *fixed { "fixed" } else { "buggy" },
            bug.spec(*fixed).zk,
            bug.voters(),
            bug.invariant
        ),
        Ok(Target::Version { zk, voters }) => format!(
            "ZooKeeper {} ({}), {voters} voters, random fault scripts; catch = any check",
            zk.name(),
            zk.releases()
        ),
        Err(e) => e.clone(),
    };
    let _ = writeln!(out, "hunt {}: {what}", r.target);
    for line in &s.each {
        let _ = writeln!(out, "{line}");
    }
    for h in &s.hits {
        let _ = writeln!(
            out,
            "seed {}: {}{} at step {}: {}",
            h.seed,
            h.check,
            if h.caught {
                ""
            } else {
                " (not the hunted check)"
            },
            h.step,
            h.summary
        );
        match &h.link {
            Some(q) => {
                let _ = writeln!(out, "  link: ?{q}");
            }
            None => {
                let _ = writeln!(
                    out,
                    "  no link (a checker self-test is on): seed {} actions {}",
                    h.run_seed, h.actions
                );
            }
        }
        let _ = writeln!(out, "  replay: {}", hunt_replay(&r.target, h.seed));
    }
    let listed = s.hits.len() as u64;
    let t = &s.tally;
    if t.hits() > listed {
        let _ = writeln!(
            out,
            "… {} more hits (the lowest {listed} seeds' are listed)",
            t.hits() - listed
        );
    }
    let steps = format!("{} steps", t.steps);
    let _ = writeln!(
        out,
        "{}",
        timing(t.seeds, r.secs, &r.shards, &r.jobs, &steps)
    );
    if r.stop_at_first {
        let _ = writeln!(out, "stopped at the first hit (--stop-at-first)");
    }
    let _ = writeln!(
        out,
        "caught {}/{} ({:.1} %), other violations {}",
        t.caught,
        t.seeds,
        percent(t.caught, t.seeds),
        t.other
    );
}

// ---------------------------------------------------------------------------------------
// Merging.

/// A report of either kind, as `--json` writes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Report {
    Sweep(SweepReport),
    Hunt(HuntReport),
}

impl Report {
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a report serialises")
    }

    pub fn print(&self, out: &mut impl std::io::Write) {
        match self {
            Report::Sweep(r) => print_sweep(r, out),
            Report::Hunt(r) => print_hunt(r, out),
        }
    }

    /// Whether a seed failed (a sweep) or broke a check (a hunt): the run exits 1.
    pub fn failed(&self) -> bool {
        match self {
            Report::Sweep(r) => r.summary.first_failure.is_some(),
            Report::Hunt(r) => r.summary.tally.hits() > 0,
        }
    }

    fn shards(&self) -> &[Shard] {
        match self {
            Report::Sweep(r) => &r.shards,
            Report::Hunt(r) => &r.shards,
        }
    }
}

/// Merge shards' reports of one run (same kind, config or target, and range; shards of one
/// count, each once, together every shard) into the report of the unsharded run. The error
/// says which file disagrees and how.
pub fn merge(reports: Vec<(String, Report)>) -> Result<Report, String> {
    let mut iter = reports.into_iter();
    let (first_name, mut merged) = iter.next().ok_or("nothing to merge")?;
    let count = merged.shards().first().map_or(1, |s| s.count);
    for (name, report) in iter {
        merged = match (merged, report) {
            (Report::Sweep(mut a), Report::Sweep(b)) => {
                if (a.config.as_str(), a.range) != (b.config.as_str(), b.range) {
                    return Err(format!(
                        "{name}: {:?} over {}..{} is not the run of {first_name} ({:?} over {}..{})",
                        b.config, b.range.0, b.range.1, a.config, a.range.0, a.range.1
                    ));
                }
                a.summary = a.summary.merge(b.summary);
                a.shards.extend(b.shards);
                a.secs += b.secs;
                a.jobs.extend(b.jobs);
                Report::Sweep(a)
            }
            (Report::Hunt(mut a), Report::Hunt(b)) => {
                if (a.target.as_str(), a.range) != (b.target.as_str(), b.range) {
                    return Err(format!(
                        "{name}: hunt {} over {}..{} is not the hunt of {first_name} ({} over {}..{})",
                        b.target, b.range.0, b.range.1, a.target, a.range.0, a.range.1
                    ));
                }
                if a.stop_at_first || b.stop_at_first {
                    return Err(
                        "a --stop-at-first hunt covers only the seeds up to its hit: such \
                         shards do not merge"
                            .into(),
                    );
                }
                a.summary = a.summary.merge(b.summary);
                a.shards.extend(b.shards);
                a.secs += b.secs;
                a.jobs.extend(b.jobs);
                Report::Hunt(a)
            }
            (_, _) => {
                return Err(format!(
                    "{name}: a sweep and a hunt do not merge (see {first_name})"
                ))
            }
        };
    }
    let mut seen: Vec<Shard> = merged.shards().to_vec();
    if let Some(bad) = seen.iter().find(|s| s.count != count) {
        return Err(format!(
            "shard {bad} is not one of {count}: every shard must split the range the same way"
        ));
    }
    seen.sort_by_key(|s| s.index);
    if let Some(w) = seen.windows(2).find(|w| w[0] == w[1]) {
        return Err(format!("shard {} is given twice", w[0]));
    }
    let missing: Vec<String> = (0..count)
        .filter(|i| !seen.iter().any(|s| s.index == *i))
        .map(|i| format!("{i}/{count}"))
        .collect();
    if !missing.is_empty() {
        return Err(format!("missing shards: {}", missing.join(", ")));
    }
    // Whole again: the seeds are the range's.
    match &mut merged {
        Report::Sweep(r) => r.shards = seen,
        Report::Hunt(r) => r.shards = seen,
    }
    Ok(merged)
}

#[cfg(test)]
mod tests;
