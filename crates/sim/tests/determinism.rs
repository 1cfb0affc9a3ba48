//! Determinism (STYLE SG-18): same seed, same log; and golden hashes shared with the browser.

use sim::golden;
use sim::trace::to_json_line;
use sim::{SimOptions, Simulation};
use zab::Time;

const GOLDEN: &str = include_str!("../testdata/golden_trace_hashes.txt");

fn jsonl(seed: u64) -> String {
    let mut sim = Simulation::new(SimOptions::new(seed, 5, 1).expect("valid")).expect("valid");
    sim.run_until(Time(8_000));
    sim.log().iter().map(|e| to_json_line(e) + "\n").collect()
}

#[test]
fn test_same_seed_gives_byte_identical_traces() {
    for seed in [0, 1, 99] {
        assert_eq!(jsonl(seed), jsonl(seed), "seed {seed}");
    }
    assert_ne!(jsonl(0), jsonl(1), "different seeds differ");
}

/// Set ZABSIM_BLESS=1 to rewrite the golden file after an intended protocol change.
#[test]
fn test_golden_trace_hashes() {
    let cases = golden::parse(GOLDEN).expect("golden file parses");
    assert!(cases.len() >= 3);
    if std::env::var("ZABSIM_BLESS").is_ok() {
        let mut out = String::from(
            "# Golden trace hashes (FNV-1a over the JSON-lines event log), checked natively by\n\
             # crates/sim/tests/determinism.rs and in the browser by tests/web.rs.\n\
             # seed voters observers until_ms hash\n",
        );
        for c in &cases {
            let h = golden::run(c.seed, c.voters, c.observers, c.until_ms);
            out += &format!(
                "{} {} {} {} {:016x}\n",
                c.seed, c.voters, c.observers, c.until_ms, h
            );
        }
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/testdata/golden_trace_hashes.txt"
        );
        std::fs::write(path, out).expect("write golden file");
        return;
    }
    for c in cases {
        let h = golden::run(c.seed, c.voters, c.observers, c.until_ms);
        assert_eq!(
            h, c.hash,
            "seed {} voters {} observers {}: {h:016x}",
            c.seed, c.voters, c.observers
        );
    }
}
