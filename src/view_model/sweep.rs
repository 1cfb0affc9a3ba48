//! The seed sweep's state and words (issue 13): which targets a sweep can hunt, how far it
//! has come, and what it found. Pure, so the reducer and the text are tested natively; the
//! worker that does the work is `crate::sweep`.

use sim::bugs::{Affected, BUGS};
use zab::ZkVersion;

/// The most seeds one sweep may be asked for.
pub const MAX_SWEEP_SEEDS: u64 = 100_000;
/// What the seed count starts at.
pub const DEFAULT_SWEEP_SEEDS: u64 = 200;

/// One choice in the target list: the value `sim::hunt::Target::parse` reads, and its words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetChoice {
    pub value: String,
    pub label: String,
    /// The list's group: "Real bugs (targeted scripts)" or "Random faults".
    pub group: &'static str,
}

pub const BUG_GROUP: &str = "Real bugs, their scripts varied per seed";
pub const RANDOM_GROUP: &str = "Random faults";

/// Every registered bug (on the release that has it, then on the fixed one), then random
/// faults on each release with the ensemble's current number of voters.
pub fn target_choices(voters: u32) -> Vec<TargetChoice> {
    let mut out = Vec::new();
    for b in BUGS {
        let affected = match b.affected {
            Affected::Version(v) => v.name().to_string(),
            Affected::Switch(_) => format!("{} with the old code", b.fixed.name()),
        };
        out.push(TargetChoice {
            value: b.id.to_string(),
            label: format!("{} on ZooKeeper {affected}", b.id),
            group: BUG_GROUP,
        });
        out.push(TargetChoice {
            value: format!("{}:fixed", b.id),
            label: format!("{} on ZooKeeper {} (fixed)", b.id, b.fixed.name()),
            group: BUG_GROUP,
        });
    }
    for v in ZkVersion::ALL {
        out.push(TargetChoice {
            value: format!("{}:{voters}", v.name()),
            label: format!("ZooKeeper {}, {voters} servers", v.name()),
            group: RANDOM_GROUP,
        });
    }
    out
}

/// The seed that broke a check, as the worker reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    /// The sweep's seed, and the seed of the run it opened (a bug's targeted runs vary its
    /// script and keep its run seed).
    pub seed: u64,
    pub run_seed: u64,
    /// The violating event, and the check's name (`InvariantViolation::name`).
    pub step: u64,
    pub check: String,
    /// Seeds run up to and including this one.
    pub done: u64,
}

/// Where a sweep stands.
#[derive(Clone, Debug, PartialEq)]
pub enum SweepStatus {
    Idle,
    /// Loading the worker, or sweeping: `done` of `of` seeds from `from`.
    Running {
        from: u64,
        done: u64,
        of: u64,
        started_ms: f64,
        now_ms: f64,
    },
    /// A seed broke a check; the app opened it at the event.
    Found {
        hit: Hit,
        secs: f64,
    },
    /// Every seed of the range held.
    Clean {
        from: u64,
        of: u64,
        secs: f64,
    },
    Cancelled {
        done: u64,
        of: u64,
    },
    Failed {
        message: String,
    },
}

/// What the worker says, or the user does.
#[derive(Clone, Debug, PartialEq)]
pub enum SweepEvent {
    Started { from: u64, of: u64, now_ms: f64 },
    Progress { done: u64, now_ms: f64 },
    Found { hit: Hit, now_ms: f64 },
    Done { now_ms: f64 },
    Cancel,
    Failed(String),
}

impl SweepStatus {
    pub fn running(&self) -> bool {
        matches!(self, SweepStatus::Running { .. })
    }

    /// The next status; events for a sweep that is no longer running are ignored (a late
    /// message from a worker that was just cancelled).
    pub fn next(&self, event: SweepEvent) -> SweepStatus {
        match (self, event) {
            (_, SweepEvent::Started { from, of, now_ms }) => SweepStatus::Running {
                from,
                done: 0,
                of,
                started_ms: now_ms,
                now_ms,
            },
            (
                SweepStatus::Running {
                    from,
                    of,
                    started_ms,
                    ..
                },
                SweepEvent::Progress { done, now_ms },
            ) => SweepStatus::Running {
                from: *from,
                done: done.min(*of),
                of: *of,
                started_ms: *started_ms,
                now_ms,
            },
            (SweepStatus::Running { started_ms, .. }, SweepEvent::Found { hit, now_ms }) => {
                SweepStatus::Found {
                    hit,
                    secs: (now_ms - started_ms) / 1000.0,
                }
            }
            (
                SweepStatus::Running {
                    from,
                    of,
                    started_ms,
                    ..
                },
                SweepEvent::Done { now_ms },
            ) => SweepStatus::Clean {
                from: *from,
                of: *of,
                secs: (now_ms - started_ms) / 1000.0,
            },
            (SweepStatus::Running { done, of, .. }, SweepEvent::Cancel) => SweepStatus::Cancelled {
                done: *done,
                of: *of,
            },
            (SweepStatus::Running { .. }, SweepEvent::Failed(message)) => {
                SweepStatus::Failed { message }
            }
            (s, _) => s.clone(),
        }
    }

    /// Seeds a second so far (none before the first second's worth of work).
    pub fn rate(&self) -> Option<f64> {
        match self {
            SweepStatus::Running {
                done,
                started_ms,
                now_ms,
                ..
            } if *now_ms - *started_ms >= 250.0 && *done > 0 => {
                Some(*done as f64 * 1000.0 / (now_ms - started_ms))
            }
            SweepStatus::Found { hit, secs } if *secs > 0.0 => Some(hit.done as f64 / secs),
            SweepStatus::Clean { of, secs, .. } if *secs > 0.0 => Some(*of as f64 / secs),
            _ => None,
        }
    }

    /// The status line, for the eye and for screen readers.
    pub fn text(&self) -> String {
        let rate = self
            .rate()
            .map(|r| format!(", {} seeds/s", rate_text(r)))
            .unwrap_or_default();
        match self {
            SweepStatus::Idle => "Runs in the background; the page keeps going.".to_string(),
            SweepStatus::Running { from, done, of, .. } => format!(
                "Seed {} of {from}–{}: {done} of {of} done{rate}.",
                from + done,
                from + of - 1
            ),
            SweepStatus::Found { hit, .. } => {
                let Hit {
                    seed,
                    run_seed,
                    step,
                    check,
                    done,
                } = hit;
                let run = if run_seed == seed {
                    String::new()
                } else {
                    format!(" (a run with seed {run_seed})")
                };
                format!(
                    "Seed {seed}{run} breaks {check} at event {step} ({done} seeds tried{rate}). It is open now, at that event; the page's link is its link."
                )
            }
            SweepStatus::Clean { from, of, .. } => format!(
                "No seed of {from}–{} broke a check ({of} seeds{rate}).",
                from + of - 1
            ),
            SweepStatus::Cancelled { done, of } => {
                format!("Cancelled after {done} of {of} seeds; none had broken a check.")
            }
            SweepStatus::Failed { message } => format!("The sweep could not run: {message}."),
        }
    }
}

fn rate_text(r: f64) -> String {
    if r >= 100.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

/// The seed count field: a whole number from 1 to [`MAX_SWEEP_SEEDS`], or why not.
pub fn parse_seed_count(text: &str) -> Result<u64, String> {
    match text.trim().parse::<u64>() {
        Ok(n) if (1..=MAX_SWEEP_SEEDS).contains(&n) => Ok(n),
        _ => Err(format!(
            "Seeds must be a whole number from 1 to {MAX_SWEEP_SEEDS}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_targets_list_every_bug_both_ways_and_every_release() {
        let t = target_choices(5);
        assert_eq!(t.len(), BUGS.len() * 2 + ZkVersion::ALL.len());
        for c in &t {
            sim::hunt::Target::parse(&c.value)
                .unwrap_or_else(|e| panic!("{} does not parse: {e}", c.value));
        }
        assert!(t.iter().any(|c| c.value == "3.8:5"));
    }

    #[test]
    fn test_a_sweep_runs_finds_and_ignores_late_messages() {
        let s = SweepStatus::Idle.next(SweepEvent::Started {
            from: 0,
            of: 100,
            now_ms: 1000.0,
        });
        assert!(s.running());
        let s = s.next(SweepEvent::Progress {
            done: 40,
            now_ms: 3000.0,
        });
        assert_eq!(s.rate(), Some(20.0));
        assert_eq!(s.text(), "Seed 40 of 0–99: 40 of 100 done, 20.0 seeds/s.");
        let found = s.next(SweepEvent::Found {
            hit: Hit {
                seed: 41,
                run_seed: 641,
                step: 612,
                check: "agreement".into(),
                done: 42,
            },
            now_ms: 3100.0,
        });
        assert!(
            found
                .text()
                .starts_with("Seed 41 (a run with seed 641) breaks agreement at event 612"),
            "{}",
            found.text()
        );
        // A progress message that was already on its way changes nothing.
        assert_eq!(
            found.next(SweepEvent::Progress {
                done: 43,
                now_ms: 3200.0
            }),
            found
        );
        let cancelled = s.next(SweepEvent::Cancel);
        assert_eq!(
            cancelled.text(),
            "Cancelled after 40 of 100 seeds; none had broken a check."
        );
    }

    #[test]
    fn test_seed_count_is_bounded_and_named() {
        assert_eq!(parse_seed_count(" 500 "), Ok(500));
        for bad in ["0", "-3", "abc", "100001", ""] {
            assert!(
                parse_seed_count(bad).is_err_and(|e| e.contains("Seeds")),
                "{bad}"
            );
        }
    }
}
