//! `--shard I/N` (the seeds `s` of a range with `s mod N == I`) and the thread pool of
//! `--jobs N`.

use serde::{Deserialize, Serialize};

/// `--shard I/N`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl Shard {
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };

    pub fn parse(s: &str) -> Result<Shard, String> {
        let (i, n) = s
            .split_once('/')
            .ok_or_else(|| format!("expected I/N (e.g. 0/4), not {s:?}"))?;
        let index: u64 = i
            .parse()
            .map_err(|_| format!("shard index {i:?} is not a number"))?;
        let count: u64 = n
            .parse()
            .map_err(|_| format!("shard count {n:?} is not a number"))?;
        if count == 0 {
            return Err("shard count 0: expected at least 1".into());
        }
        if index >= count {
            return Err(format!(
                "shard index {index} is not below the count {count} (0/{count}..{}/{count})",
                count - 1
            ));
        }
        Ok(Shard { index, count })
    }

    pub fn seeds(&self, (a, b): (u64, u64)) -> impl Iterator<Item = u64> + '_ {
        // The first seed of the range in this shard, then every count-th.
        let first = a + (self.index + self.count - a % self.count) % self.count;
        (first..b).step_by(self.count as usize)
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// A pool of `jobs` threads (at least 1).
pub fn pool(jobs: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.max(1))
        .build()
        .expect("a thread pool")
}

/// The cores this process may use (`--jobs`'s default).
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
