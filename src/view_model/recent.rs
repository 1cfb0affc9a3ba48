//! What just happened: the few log entries the drawing highlights for a moment (a
//! LearnerCnxAcceptor accept, a `notifyAll` that wakes threads, a new LearnerHandler row).
//!
//! ```text
//!   log (newest last) ──scan back while time ≥ display − window──▶ Recent { accepts, notifies }
//! ```
//!
//! "A moment" is a window of simulated time the app derives from the playback speed (about a
//! second of real time), so a highlight lasts about as long at every speed. Each highlight is
//! keyed by its log index: the view draws a new element per event, whose one-shot CSS
//! animation plays once and then costs nothing.

use sim::{LogEntry, LogEvent};
use zab::output::Channel;
use zab::peer::{Monitor, ThreadId, Waiter};
use zab::Sid;

/// At most this many entries are looked at per frame, however long the window.
pub const MAX_SCAN: usize = 3_000;

/// A learner's Quorum-channel connection the leader's LearnerCnxAcceptor just accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AcceptEvent {
    pub index: u64,
    pub at_ms: u64,
    pub leader: Sid,
    pub learner: Sid,
    pub conn: u64,
}

/// A `notifyAll` on one of the leader's monitors.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotifyEvent {
    pub index: u64,
    pub at_ms: u64,
    pub sid: Sid,
    pub monitor: Monitor,
    pub woke: Vec<Waiter>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Recent {
    pub accepts: Vec<AcceptEvent>,
    pub notifies: Vec<NotifyEvent>,
}

impl Recent {
    /// The entries of the last `window_ms` before `display_ms` (oldest first).
    pub fn scan(log: &[LogEntry], display_ms: f64, window_ms: f64) -> Recent {
        let since = display_ms - window_ms;
        let mut r = Recent::default();
        for e in log.iter().rev().take(MAX_SCAN) {
            if (e.time.0 as f64) < since {
                break;
            }
            if e.time.0 as f64 > display_ms {
                continue;
            }
            match &e.event {
                LogEvent::Accept {
                    conn,
                    channel: Channel::Quorum,
                    from,
                    to,
                } => r.accepts.push(AcceptEvent {
                    index: e.index,
                    at_ms: e.time.0,
                    leader: *to,
                    learner: *from,
                    conn: conn.0,
                }),
                LogEvent::NotifyAll { sid, monitor, woke } => r.notifies.push(NotifyEvent {
                    index: e.index,
                    at_ms: e.time.0,
                    sid: *sid,
                    monitor: *monitor,
                    woke: woke.to_vec(),
                }),
                _ => {}
            }
        }
        r.accepts.reverse();
        r.notifies.reverse();
        r
    }

    /// The log index of the latest recent `notifyAll` on `sid` that woke `thread`.
    pub fn woke(&self, sid: Sid, thread: ThreadId) -> Option<u64> {
        self.notifies
            .iter()
            .rev()
            .find(|n| n.sid == sid && n.woke.iter().any(|w| w.thread() == thread))
            .map(|n| n.index)
    }

    /// Whether `sid` just accepted connection `conn` (its LearnerHandler is new).
    pub fn accepted(&self, sid: Sid, conn: u64) -> bool {
        self.accepts
            .iter()
            .any(|a| a.leader == sid && a.conn == conn)
    }
}

/// The highlight window for a playback speed (simulated ms per real ms): about 1.2 s of real
/// time, never shorter than one typical network hop nor longer than a few seconds of
/// simulated time.
pub fn fresh_window_ms(speed_factor: f64) -> f64 {
    (1_200.0 * speed_factor).clamp(40.0, 3_000.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim::{SimOptions, Simulation};
    use zab::Time;

    #[test]
    fn test_a_startup_has_an_accept_and_a_notify_all_in_its_window() {
        let mut s = Simulation::new(SimOptions::new(7, 5, 0).expect("shape")).expect("starts");
        s.run_until(Time(2_000));
        let log = s.log();
        let r = Recent::scan(log, 2_000.0, 2_000.0);
        assert!(!r.accepts.is_empty(), "the leader accepted learners");
        let leader = r.accepts[0].leader;
        assert!(r
            .accepts
            .iter()
            .all(|a| a.leader == leader && a.learner != leader));
        let n = r
            .notifies
            .iter()
            .find(|n| n.monitor == Monitor::ConnectingFollowers)
            .expect("the epoch wait ended with notifyAll");
        assert!(n.woke.contains(&Waiter::Lead), "{n:?}");
        // The last notifyAll that woke Leader.lead is the one it was woken by; the handlers'
        // waitForStartup is woken later, by ZooKeeperServer.startup()'s own notifyAll.
        assert_eq!(
            r.woke(leader, ThreadId::Lead),
            r.notifies
                .iter()
                .rev()
                .find(|n| n.woke.contains(&Waiter::Lead))
                .map(|n| n.index)
        );
        let startup = r
            .notifies
            .iter()
            .find(|n| n.monitor == Monitor::ZooKeeperServer)
            .expect("startup() ended with notifyAll");
        assert!(
            !startup.woke.is_empty()
                && startup
                    .woke
                    .iter()
                    .all(|w| matches!(w, Waiter::Handler { .. })),
            "{startup:?}"
        );
        assert!(r.accepted(leader, r.accepts[0].conn));
        assert!(r.accepts.windows(2).all(|w| w[0].index < w[1].index));
        // A window that ends before the startup sees none of it.
        assert_eq!(Recent::scan(log, 100.0, 50.0), Recent::default());
    }

    #[test]
    fn test_window_scales_with_speed_within_bounds() {
        assert_eq!(fresh_window_ms(0.05), 60.0);
        assert_eq!(fresh_window_ms(0.001), 40.0);
        assert_eq!(fresh_window_ms(10.0), 3_000.0);
    }
}
