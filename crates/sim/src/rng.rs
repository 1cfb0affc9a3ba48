//! The one seeded generator, split into independent streams per purpose.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_core::SeedableRng;

/// What a draw is for. Each purpose has its own ChaCha8 stream of the same seed, so adding a
/// draw in one area never shifts the draws of another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    Network = 1,
    Faults = 2,
    Workload = 3,
    Swarm = 4,
    Disk = 5,
}

/// ChaCha8 streams of one seed. Only integer draws: no floats decide anything.
#[derive(Clone, Debug)]
pub struct Streams {
    network: ChaCha8Rng,
    faults: ChaCha8Rng,
    workload: ChaCha8Rng,
    swarm: ChaCha8Rng,
    disk: ChaCha8Rng,
}

impl Streams {
    pub fn new(seed: u64) -> Streams {
        let make = |s: Stream| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            rng.set_stream(s as u64);
            rng
        };
        Streams {
            network: make(Stream::Network),
            faults: make(Stream::Faults),
            workload: make(Stream::Workload),
            swarm: make(Stream::Swarm),
            disk: make(Stream::Disk),
        }
    }

    fn get(&mut self, s: Stream) -> &mut ChaCha8Rng {
        match s {
            Stream::Network => &mut self.network,
            Stream::Faults => &mut self.faults,
            Stream::Workload => &mut self.workload,
            Stream::Swarm => &mut self.swarm,
            Stream::Disk => &mut self.disk,
        }
    }

    /// A uniform draw from `lo..=hi` (u64 on every target).
    pub fn range(&mut self, s: Stream, lo: u64, hi: u64) -> u64 {
        if lo >= hi {
            return lo;
        }
        self.get(s).random_range(lo..=hi)
    }

    /// True with probability `numerator / denominator`.
    pub fn ratio(&mut self, s: Stream, numerator: u64, denominator: u64) -> bool {
        denominator > 0 && self.range(s, 0, denominator - 1) < numerator
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_streams_are_independent_and_repeatable() {
        let mut a = Streams::new(7);
        let mut b = Streams::new(7);
        let _ = b.range(Stream::Faults, 0, 1000);
        let xa: Vec<u64> = (0..8)
            .map(|_| a.range(Stream::Network, 0, 1_000_000))
            .collect();
        let xb: Vec<u64> = (0..8)
            .map(|_| b.range(Stream::Network, 0, 1_000_000))
            .collect();
        assert_eq!(
            xa, xb,
            "a draw on the faults stream must not shift the network stream"
        );
        let mut c = Streams::new(8);
        let xc: Vec<u64> = (0..8)
            .map(|_| c.range(Stream::Network, 0, 1_000_000))
            .collect();
        assert_ne!(xa, xc);
    }
}
