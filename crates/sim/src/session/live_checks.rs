//! The safety checks of [`crate::checker`], run live as a session explores its timeline, so a
//! person sees a broken property the moment it breaks, not only in a sweep; and, live only,
//! the checks that are not about safety ([`crate::checker::exception`]: a named exception).
//!
//! The checker keeps ghost state (what was proposed and committed, who led which epoch) that
//! is true of one timeline, so it moves with the frontier of exploration, not with the
//! position: seeking back and replaying explored ground does not check it again. A fork (an
//! action in the past, an undo) drops the future the checks had seen; each checkpoint keeps
//! the checks as they stood at its step, and the session re-checks from there.

use crate::checker::{exception, Checker, InvariantViolation};
use crate::trace::LogEntry;
use crate::Simulation;
use zab::Time;

/// The first broken property on this timeline, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// The step whose event (or the actions right after it) broke it: seeking here shows the
    /// state just after.
    pub step: u64,
    /// Simulated time of that step.
    pub time: Time,
    /// The log entries of that step: `log_from..log_to`.
    pub log_from: u64,
    pub log_to: u64,
    pub what: InvariantViolation,
}

/// The checker, how far it has checked, and what it found.
#[derive(Clone, Debug, Default)]
pub struct LiveChecks {
    checker: Checker,
    /// Every step up to and including this one (its event and the actions after it) has been
    /// checked.
    checked: u64,
    violation: Option<Violation>,
    /// The first broken safety property. The same as `violation` unless a non-safety check
    /// broke first: those keep no ghost state the safety checks read, so the safety checks
    /// go on after them.
    safety: Option<Violation>,
}

impl LiveChecks {
    /// How far the checks have reached, in steps.
    pub fn checked(&self) -> u64 {
        self.checked
    }

    /// The first broken property of any kind (safety or a named exception).
    pub fn violation(&self) -> Option<&Violation> {
        self.violation.as_ref()
    }

    /// The first broken safety property, even after a non-safety check broke.
    pub fn safety_violation(&self) -> Option<&Violation> {
        self.safety.as_ref()
    }

    /// Check step `step`'s entries if it is the next step to check. After a violation the
    /// ghost state may be half updated, so checking stops there: the first violation is the
    /// one that matters, and `checked` still moves on so the frontier stays exact.
    pub(super) fn step(
        &mut self,
        sim: &Simulation,
        step: u64,
        entries: &[LogEntry],
        log_from: u64,
    ) {
        if step != self.checked + 1 {
            return;
        }
        self.checked = step;
        self.entries(sim, step, entries, log_from);
    }

    /// Check entries added at the current step without an event (step 0's start and actions,
    /// an action a person just took), if the checks stand at this step.
    pub(super) fn here(&mut self, sim: &Simulation, entries: &[LogEntry], log_from: u64) {
        let step = sim.steps();
        if step == self.checked {
            self.entries(sim, step, entries, log_from);
        }
    }

    fn entries(&mut self, sim: &Simulation, step: u64, entries: &[LogEntry], log_from: u64) {
        if self.safety.is_some() || entries.is_empty() {
            return;
        }
        let at = |what| Violation {
            step,
            time: sim.now(),
            log_from,
            log_to: log_from + entries.len() as u64,
            what,
        };
        if let Err(what) = self.checker.check_entries(sim, entries) {
            let v = at(what);
            self.violation.get_or_insert_with(|| v.clone());
            self.safety = Some(v);
            return;
        }
        if self.violation.is_none() {
            if let Err(what) = exception::check_entries(entries) {
                self.violation = Some(at(what));
            }
        }
    }
}
