//! Checks that are not safety properties, run live only (`crate::session::LiveChecks`; the
//! swarm's [`super::Checker`] does not run them):
//!
//! - `no-unexpected-exception`: no server takes a code path where the real release throws an
//!   exception nothing there expects. The protocol code reports the path (a
//!   [`ShutdownReason`] whose `unexpected_exception` names one, or a [`StartupError`] whose
//!   `exception` does); this check turns the report into a violation.
//! - `leader-within-bound`: while a quorum of voters runs and can reach each other, with no
//!   fault anywhere, an established leader exists within [`leader_bound_ms`].

use super::InvariantViolation;
use crate::network::Network;
use crate::trace::{BreakCause, DropCause, LogEntry, LogEvent};
use crate::{ServerStatus, Simulation};
use zab::config::QuorumConfig;
use zab::election::MAX_NOTIFICATION_INTERVAL_MS;
use zab::peer::{ServerState, StartupError, ZabState};
use zab::reason::{Note, ShutdownReason};
use zab::{Sid, Time};

/// How long a calm, connected quorum may go without an established leader: three times
/// initLimit × tickTime (one `lead()` attempt can wait that long: `getEpochToPropose`,
/// `waitForEpochAck` and `waitForNewLeaderAck` each time out after initLimit ticks) plus two
/// of FastLeaderElection's longest notification waits (`maxNotificationInterval`, 60 s: a
/// server that was LOOKING alone through a partition may wait that long before it resends
/// and reconnects, and the election may need a second round). With the sample config
/// (tickTime 2000, initLimit 10) that is 180 s of simulated time.
pub fn leader_bound_ms(config: &QuorumConfig) -> u64 {
    3 * config.init_limit_ms() + 2 * MAX_NOTIFICATION_INTERVAL_MS
}

/// State of the non-safety checks along one timeline.
#[derive(Clone, Debug, Default)]
pub struct LivenessChecks {
    /// Whether the first call has set the state up (at time 0 everything just started).
    started: bool,
    /// The time of the last fault anywhere: the window starts afresh there.
    calm_since: Time,
    /// Since when no server has been an established leader; `None` while one is.
    leaderless_since: Option<Time>,
    /// The largest set of voters, at least a quorum, that run (unpaused) and reach each
    /// other, as the last fault left the world; `None` when there is no such quorum. It
    /// changes only with a fault, so it is computed only then.
    quorum: Option<Vec<Sid>>,
    /// The longest a calm, connected quorum has gone without an established leader so far
    /// (how close the run came to the bound).
    longest_wait_ms: u64,
}

/// An event that changes who runs or who can reach whom: it restarts the window.
fn is_fault(event: &LogEvent) -> bool {
    match event {
        LogEvent::PeerStarted { .. }
        | LogEvent::StartupFailed { .. }
        | LogEvent::Crashed { .. }
        | LogEvent::Paused { .. }
        | LogEvent::Resumed { .. }
        | LogEvent::Partition { .. }
        | LogEvent::Heal
        | LogEvent::Exit { .. }
        | LogEvent::Delay { .. } => true,
        LogEvent::Break { reason, .. } => *reason == BreakCause::ByHand,
        LogEvent::Drop { reason, .. } => *reason == DropCause::ByHand,
        _ => false,
    }
}

impl LivenessChecks {
    /// The longest a calm, connected quorum has gone without an established leader so far.
    pub fn longest_wait_ms(&self) -> u64 {
        self.longest_wait_ms
    }

    /// Check `entries`, what just happened in `sim`, against the state it left.
    pub fn check_entries(
        &mut self,
        sim: &Simulation,
        entries: &[LogEntry],
    ) -> Result<(), InvariantViolation> {
        let mut faulted = !self.started;
        if !self.started {
            self.started = true;
            self.calm_since = Time(0);
        }
        // The whole step is taken in even when an exception shows, so the state stays right
        // for whoever goes on checking.
        let mut thrown = Ok(());
        for entry in entries {
            if thrown.is_ok() {
                thrown = unexpected_exception(&entry.event);
            }
            if is_fault(&entry.event) {
                faulted = true;
                self.calm_since = self.calm_since.max(entry.time);
            }
        }
        if faulted {
            self.quorum = connected_quorum(sim);
        }
        let now = sim.now();
        if established_leader_exists(sim) {
            self.leaderless_since = None;
            return thrown;
        }
        let leaderless_since = *self.leaderless_since.get_or_insert(now);
        thrown?;
        let Some(quorum) = &self.quorum else {
            return Ok(());
        };
        let since = self.calm_since.max(leaderless_since);
        self.longest_wait_ms = self.longest_wait_ms.max(now.0.saturating_sub(since.0));
        let bound_ms = leader_bound_ms(&sim.options().config);
        if now.0 > since.0.saturating_add(bound_ms) {
            return Err(InvariantViolation::NoLeaderWithinBound {
                servers: quorum.clone(),
                since,
                bound_ms,
            });
        }
        Ok(())
    }
}

/// `no-unexpected-exception`: a role ended by an exception the release does not expect, or
/// a start refused by `loadDataBase`'s IOException.
fn unexpected_exception(event: &LogEvent) -> Result<(), InvariantViolation> {
    let (sid, exception, detail) = match event {
        LogEvent::Note { sid, note } => {
            let reason = match &**note {
                Note::LearnerShutdown(r) | Note::LeaderShutdown(r) => r,
                Note::HandlerShutdown { reason, .. } => reason,
                _ => return Ok(()),
            };
            let Some(exception) = reason.unexpected_exception() else {
                return Ok(());
            };
            (*sid, exception, shutdown_detail(reason))
        }
        LogEvent::StartupFailed { sid, reason } => {
            let Some(exception) = reason.exception() else {
                return Ok(());
            };
            (*sid, exception, startup_detail(reason))
        }
        _ => return Ok(()),
    };
    Err(InvariantViolation::UnexpectedException {
        sid,
        exception,
        detail,
    })
}

fn shutdown_detail(reason: &ShutdownReason) -> String {
    match reason {
        ShutdownReason::CommitWithNothingBuffered { zxid } => format!(
            "COMMIT {} reached syncWithLeader with no proposal buffered (NEWLEADER had \
             emptied the buffer), so it read the head of an empty deque and the sync was abandoned",
            zxid.short()
        ),
        other => format!("{other:?}"),
    }
}

fn startup_detail(reason: &StartupError) -> String {
    match reason {
        StartupError::CurrentEpochOlderThanLastZxid {
            current_epoch,
            last_zxid,
        } => format!(
            "loadDataBase refused to start: currentEpoch {current_epoch} is older than the \
             epoch of the last zxid {} on disk",
            last_zxid.short()
        ),
        StartupError::AcceptedEpochLessThanCurrent { accepted, current } => format!(
            "loadDataBase refused to start: acceptedEpoch {accepted} is below currentEpoch {current}"
        ),
        other => format!("{other:?}"),
    }
}

/// Some server is LEADING and in BROADCAST: a quorum ACKed its NEWLEADER.
fn established_leader_exists(sim: &Simulation) -> bool {
    sim.sids().any(|sid| {
        sim.peer(sid).is_some_and(|p| {
            p.state() == ServerState::Leading && p.zab_state() == ZabState::Broadcast
        })
    })
}

/// The largest set of voters that run unpaused and reach each other both ways, if it is a
/// quorum (the first such set in sid order, so the answer is deterministic).
fn connected_quorum(sim: &Simulation) -> Option<Vec<Sid>> {
    let config = &sim.options().config;
    let voters: Vec<Sid> = config.voters().collect();
    let up: Vec<Sid> = voters
        .iter()
        .copied()
        .filter(|s| {
            sim.status(*s) == Some(ServerStatus::Running)
                && sim.peer(*s).is_some()
                && !sim.is_paused(*s)
        })
        .collect();
    let need = voters.len() / 2 + 1;
    if up.len() < need {
        return None;
    }
    let net = sim.network();
    if all_reachable(net, &up) {
        return Some(up);
    }
    // A partition is in place: the largest clique of the reachability graph (at most 9
    // voters, so at most 512 subsets, and only when a fault happened).
    let mut best: Option<Vec<Sid>> = None;
    for mask in 1u32..(1 << up.len()) {
        if (mask.count_ones() as usize) < need
            || best
                .as_ref()
                .is_some_and(|b| b.len() >= mask.count_ones() as usize)
        {
            continue;
        }
        let set: Vec<Sid> = (0..up.len())
            .filter(|i| mask & (1 << i) != 0)
            .map(|i| up[i])
            .collect();
        if all_reachable(net, &set) {
            best = Some(set);
        }
    }
    best
}

fn all_reachable(net: &Network, set: &[Sid]) -> bool {
    set.iter()
        .enumerate()
        .all(|(i, a)| set[i + 1..].iter().all(|b| net.reachable(*a, *b)))
}
