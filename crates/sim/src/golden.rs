//! Golden trace hashes: the same fixed runs must hash the same natively and in the browser.
//! The cases and their hashes live in `testdata/golden_trace_hashes.txt`, read by the native
//! test and by the app's browser suite.

use crate::{SimOptions, Simulation};
use zab::Time;

/// One line of the golden file: `seed voters observers until_ms hash_hex`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GoldenCase {
    pub seed: u64,
    pub voters: u32,
    pub observers: u32,
    pub until_ms: u64,
    pub hash: u64,
}

/// Parse the golden file (`#` starts a comment).
pub fn parse(text: &str) -> Result<Vec<GoldenCase>, String> {
    let mut cases = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let w: Vec<&str> = line.split_whitespace().collect();
        let bad = || {
            format!(
                "line {}: expected `seed voters observers until_ms hash_hex`",
                i + 1
            )
        };
        if w.len() != 5 {
            return Err(bad());
        }
        cases.push(GoldenCase {
            seed: w[0].parse().map_err(|_| bad())?,
            voters: w[1].parse().map_err(|_| bad())?,
            observers: w[2].parse().map_err(|_| bad())?,
            until_ms: w[3].parse().map_err(|_| bad())?,
            hash: u64::from_str_radix(w[4].trim_start_matches("0x"), 16).map_err(|_| bad())?,
        });
    }
    Ok(cases)
}

/// Run a case with the default options for its shape and hash its event log.
pub fn run(seed: u64, voters: u32, observers: u32, until_ms: u64) -> u64 {
    let opts = SimOptions::new(seed, voters, observers).expect("golden cases use valid shapes");
    let mut sim = Simulation::new(opts).expect("valid options");
    sim.run_until(Time(until_ms));
    sim.trace_hash()
}
