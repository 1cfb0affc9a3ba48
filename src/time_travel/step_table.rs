//! Position ↔ log ↔ time: for every position (events run from the start) the length of the
//! log and the simulated time there.
//!
//! The session's log entries carry an index and a time but not the event (step) that produced
//! them, and not every event logs something, so the mapping is recorded while the run is
//! explored: [`StepTable::note`] after each event. The timeline draws phase bands and fault
//! markers at positions and the phase buttons jump to them, so both need it.

/// `lens[s]` = log entries after `s` events (and the actions applied at `s`); `times[s]` = the
/// simulated time then, ms. Both are non-decreasing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StepTable {
    lens: Vec<u64>,
    times: Vec<u64>,
}

impl StepTable {
    /// How many positions are recorded (0..len).
    pub fn len(&self) -> u64 {
        self.lens.len() as u64
    }

    pub fn is_empty(&self) -> bool {
        self.lens.is_empty()
    }

    /// The last recorded position, if any.
    pub fn last(&self) -> Option<u64> {
        self.len().checked_sub(1)
    }

    pub fn log_len_at(&self, step: u64) -> Option<u64> {
        self.lens.get(step as usize).copied()
    }

    pub fn time_at(&self, step: u64) -> Option<u64> {
        self.times.get(step as usize).copied()
    }

    /// Record position `step` (the next one, or the last one again when an action changed it).
    pub fn record(&mut self, step: u64, log_len: u64, time_ms: u64) {
        debug_assert!(step <= self.len(), "gap in the step table at {step}");
        self.truncate(step);
        self.lens.push(log_len);
        self.times.push(time_ms);
    }

    /// Forget every position from `step` on.
    pub fn truncate(&mut self, step: u64) {
        let n = step.min(self.len()) as usize;
        self.lens.truncate(n);
        self.times.truncate(n);
    }

    /// The position at which log entry `index` first appears (clamped to the last position).
    pub fn step_of_entry(&self, index: u64) -> u64 {
        let s = self.lens.partition_point(|l| *l <= index) as u64;
        s.min(self.last().unwrap_or(0))
    }

    /// The last position whose time is at or before `time_ms` (0 when none).
    pub fn step_at_time(&self, time_ms: u64) -> u64 {
        (self.times.partition_point(|t| *t <= time_ms) as u64).saturating_sub(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> StepTable {
        // Step 0 logged 3 entries; step 1 none; step 2 two; step 3 one.
        let mut t = StepTable::default();
        for (s, (len, time)) in [(3, 0), (3, 10), (5, 10), (6, 40)].into_iter().enumerate() {
            t.record(s as u64, len, time);
        }
        t
    }

    #[test]
    fn test_entry_to_step() {
        let t = table();
        assert_eq!(t.step_of_entry(0), 0);
        assert_eq!(t.step_of_entry(2), 0);
        assert_eq!(t.step_of_entry(3), 2, "step 1 logged nothing");
        assert_eq!(t.step_of_entry(4), 2);
        assert_eq!(t.step_of_entry(5), 3);
        assert_eq!(t.step_of_entry(99), 3, "clamped");
    }

    #[test]
    fn test_time_to_step() {
        let t = table();
        assert_eq!(t.step_at_time(0), 0);
        assert_eq!(t.step_at_time(10), 2);
        assert_eq!(t.step_at_time(39), 2);
        assert_eq!(t.step_at_time(1000), 3);
    }

    #[test]
    fn test_rerecording_a_position_drops_what_followed() {
        let mut t = table();
        t.record(2, 7, 10);
        assert_eq!(t.len(), 3);
        assert_eq!(t.log_len_at(2), Some(7));
        t.truncate(1);
        assert_eq!(t.last(), Some(0));
    }
}
