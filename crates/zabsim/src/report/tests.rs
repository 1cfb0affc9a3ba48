//! The report's own tests: shards, merging, summaries.

use super::*;

#[test]
fn test_shards_split_a_range_exactly_once() {
    for (a, b) in [(0, 10), (3, 17), (5, 6)] {
        let mut all: Vec<u64> = (0..3)
            .flat_map(|i| {
                Shard { index: i, count: 3 }
                    .seeds((a, b))
                    .collect::<Vec<_>>()
            })
            .collect();
        all.sort_unstable();
        assert_eq!(all, (a..b).collect::<Vec<_>>());
    }
    let s = Shard { index: 1, count: 4 };
    assert!(s.seeds((0, 20)).all(|x| x % 4 == 1));
}

#[test]
fn test_shard_parse_errors_name_the_problem() {
    assert_eq!(Shard::parse("1/4"), Ok(Shard { index: 1, count: 4 }));
    assert!(Shard::parse("4/4")
        .expect_err("4/4")
        .contains("not below the count 4"));
    assert!(Shard::parse("0/0").expect_err("0/0").contains("count 0"));
    assert!(Shard::parse("x/2").expect_err("x/2").contains("\"x\""));
    assert!(Shard::parse("3").expect_err("3").contains("I/N"));
}

fn sweep_of(range: (u64, u64), shard: Shard, jobs: usize) -> Report {
    let cfg = SweepConfig::default();
    Report::Sweep(sweep(&cfg, "default".into(), range, shard, jobs, &|| {}))
}

fn without_timing(r: Report) -> Report {
    match r {
        Report::Sweep(mut s) => {
            s.secs = 0.0;
            s.jobs.clear();
            Report::Sweep(s)
        }
        Report::Hunt(mut h) => {
            h.secs = 0.0;
            h.jobs.clear();
            Report::Hunt(h)
        }
    }
}

/// Two shards merged are the unsharded sweep, whatever the jobs, and the JSON round-trips.
#[test]
fn test_merging_two_sweep_shards_equals_the_unsharded_sweep() {
    let whole = sweep_of((0, 6), Shard::WHOLE, 1);
    let shards: Vec<(String, Report)> = (0..2)
        .map(|i| {
            let r = sweep_of((0, 6), Shard { index: i, count: 2 }, 2);
            let back: Report = serde_json::from_str(&r.to_json()).expect("JSON round-trips");
            (format!("shard{i}.json"), back)
        })
        .collect();
    let merged = merge(shards).expect("they merge");
    let mut shown = Vec::new();
    without_timing(merged.clone()).print(&mut shown);
    let mut expected = Vec::new();
    without_timing(whole.clone()).print(&mut expected);
    // The timing line differs (summed over shards); everything else is the same.
    let body = |b: &[u8]| -> Vec<String> {
        String::from_utf8_lossy(b)
            .lines()
            .filter(|l| !l.contains(" seeds in "))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(body(&shown), body(&expected));
    let (Report::Sweep(m), Report::Sweep(w)) = (merged, whole) else {
        panic!("sweeps")
    };
    assert_eq!(m.summary, w.summary);
    assert_eq!(m.summary.seeds, 6);
}

#[test]
fn test_merging_two_hunt_shards_equals_the_unsharded_hunt() {
    let t = Target::parse("ZOOKEEPER-4925").expect("registered");
    let whole = hunt(&t, (0, 6), Shard::WHOLE, 2, false, true);
    let parts: Vec<(String, Report)> = (0..2)
        .map(|i| {
            let r = Report::Hunt(hunt(
                &t,
                (0, 6),
                Shard { index: i, count: 2 },
                1,
                false,
                true,
            ));
            (
                format!("{i}"),
                serde_json::from_str(&r.to_json()).expect("round-trips"),
            )
        })
        .collect();
    let Report::Hunt(merged) = merge(parts).expect("merge") else {
        panic!("a hunt")
    };
    assert_eq!(merged.summary, whole.summary);
    assert!(whole.summary.tally.caught > 0, "{:?}", whole.summary);
}

/// A liveness miss at a lower seed does not hide a safety violation in another shard.
#[test]
fn test_merged_summaries_keep_the_lowest_violation_apart() {
    let failure = |seed: u64, violation: bool| SweepSummary {
        seeds: 1,
        failing: 1,
        violating: u64::from(violation),
        first_failure: Some(Failure {
            seed,
            plan: format!("seed {seed}"),
            violation: violation.then(|| "t=1 ms: agreement".to_string()),
            liveness: (!violation).then(|| "no leader".to_string()),
            replay: String::new(),
        }),
        first_violation: None,
        ..SweepSummary::default()
    };
    let mut v = failure(9, true);
    v.first_violation = v.first_failure.clone();
    let merged = failure(3, false).merge(v);
    assert_eq!((merged.failing, merged.violating), (2, 1));
    assert_eq!(merged.first_failure.map(|f| f.seed), Some(3));
    assert_eq!(merged.first_violation.map(|f| f.seed), Some(9));
}

#[test]
fn test_merge_refuses_missing_twice_and_foreign_shards() {
    let a = sweep_of((0, 2), Shard { index: 0, count: 2 }, 1);
    let b = sweep_of((0, 2), Shard { index: 1, count: 2 }, 1);
    let other = sweep_of((0, 3), Shard { index: 1, count: 2 }, 1);
    let err = |v: Vec<&Report>| {
        merge(
            v.into_iter()
                .enumerate()
                .map(|(i, r)| (format!("f{i}"), r.clone()))
                .collect(),
        )
        .expect_err("refused")
    };
    assert!(err(vec![&a]).contains("missing shards: 1/2"));
    assert!(err(vec![&a, &a]).contains("shard 0/2 is given twice"));
    assert!(err(vec![&a, &other]).contains("f1:"));
    assert!(merge(vec![("a".into(), a), ("b".into(), b)]).is_ok());
}
