//! Why a session refuses an action or a spec: typed, with the action, its step and the reason,
//! so the app can point at the fault and the message names the parameter and its value.

use super::{UserAction, MAX_DELAY_MS, MAX_SEED, MAX_TRACE_STEPS};
use crate::network::Direction;
use crate::scenario::Scenario;
use crate::trace::MsgId;
use crate::ServerStatus;
use core::fmt;
use zab::config::ConfigError;
use zab::Sid;

/// Why an action would change nothing, contradict the run, or is malformed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ActionRefusal {
    /// A server outside 1..=servers.
    UnknownServer { sid: Sid, servers: u64 },
    /// A partition or break of a server with itself.
    SameServer { sid: Sid },
    /// `extra_ms` outside 1..=[`MAX_DELAY_MS`].
    DelayOutOfRange { extra_ms: u64 },
    /// Crashing a server that is not running.
    NotRunning { sid: Sid, status: ServerStatus },
    /// Restarting a server that runs.
    AlreadyRunning { sid: Sid },
    /// Restarting a paused server: its process still exists (resume or crash it first).
    Paused { sid: Sid },
    /// Pausing a server that is paused already.
    AlreadyPaused { sid: Sid },
    /// Resuming a server that is not paused (it runs, or it is down).
    NotPaused { sid: Sid, status: ServerStatus },
    /// Every direction the partition would block is blocked already.
    AlreadyPartitioned {
        from: Sid,
        to: Sid,
        direction: Direction,
    },
    /// Healing with nothing partitioned.
    NothingPartitioned,
    /// Breaking the connections of two servers that have none.
    NoConnection { a: Sid, b: Sid },
    /// Dropping or delaying a message that is not on the wire (delivered, dropped, or never
    /// sent).
    NotInFlight { msg: MsgId },
    /// An action after [`MAX_TRACE_STEPS`].
    StepBeyondLimit,
    /// An action before the one listed ahead of it.
    OutOfOrder { previous: u64 },
    /// The run has nothing left to happen before the action's step.
    RunEnded { at: u64 },
}

impl fmt::Display for ActionRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ActionRefusal::UnknownServer { sid, servers } => write!(
                f,
                "it names server {sid}, but the ensemble has servers 1..={servers}"
            ),
            ActionRefusal::SameServer { sid } => {
                write!(f, "it needs two different servers, not {sid} and {sid}")
            }
            ActionRefusal::DelayOutOfRange { extra_ms } => {
                write!(f, "extra_ms must be 1..={MAX_DELAY_MS}, not {extra_ms}")
            }
            ActionRefusal::NotRunning { sid, status } => {
                write!(f, "server {sid} is not running ({})", status_words(*status))
            }
            ActionRefusal::AlreadyRunning { sid } => write!(f, "server {sid} is already running"),
            ActionRefusal::Paused { sid } => write!(
                f,
                "server {sid} is paused, not down: its process still exists (resume it with \
                 u{sid}, or crash it with c{sid} first)"
            ),
            ActionRefusal::AlreadyPaused { sid } => write!(f, "server {sid} is already paused"),
            ActionRefusal::NotPaused {
                sid,
                status: ServerStatus::Running,
            } => write!(f, "server {sid} is not paused (it runs)"),
            ActionRefusal::NotPaused { sid, status } => {
                write!(f, "server {sid} is not paused ({})", status_words(*status))
            }
            ActionRefusal::AlreadyPartitioned {
                from,
                to,
                direction: Direction::OneWay,
            } => write!(f, "{from} ↛ {to} is already partitioned"),
            ActionRefusal::AlreadyPartitioned { from, to, .. } => {
                write!(f, "{from} and {to} are already partitioned both ways")
            }
            ActionRefusal::NothingPartitioned => f.write_str("nothing is partitioned"),
            ActionRefusal::NoConnection { a, b } => {
                write!(f, "servers {a} and {b} have no open connection")
            }
            ActionRefusal::NotInFlight { msg } => write!(f, "message #{} is not in flight", msg.0),
            ActionRefusal::StepBeyondLimit => {
                write!(f, "steps go up to {MAX_TRACE_STEPS} (MAX_TRACE_STEPS)")
            }
            ActionRefusal::OutOfOrder { previous } => write!(
                f,
                "actions must be in step order, and the one before is at step {previous}"
            ),
            ActionRefusal::RunEnded { at } => {
                write!(f, "the run has nothing left to happen after step {at}")
            }
        }
    }
}

/// Why a server that is not running is not, in words.
fn status_words(status: ServerStatus) -> &'static str {
    match status {
        ServerStatus::Crashed => "it is down already",
        ServerStatus::NotStarted => "it has not started yet",
        ServerStatus::StartupFailed => "it failed to start",
        ServerStatus::Running => "it runs",
    }
}

/// An action the session refused: which, at which step, and why. Nothing changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionError {
    pub step: u64,
    pub action: UserAction,
    pub why: ActionRefusal,
}

impl fmt::Display for ActionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` at step {}: {}",
            self.action.code(),
            self.step,
            self.why
        )
    }
}

impl std::error::Error for ActionError {}

/// Why `Session::new` refused a spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SessionError {
    /// The ensemble cannot be built (voters, observers).
    Config(ConfigError),
    /// A seed above [`MAX_SEED`].
    Seed { seed: u64 },
    /// A scenario with a shape other than the spec's voters and observers.
    Shape {
        scenario: Scenario,
        voters: u32,
        observers: u32,
    },
    /// An action of the spec, refused statically or when the replay reached it.
    Action(ActionError),
}

impl fmt::Display for SessionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SessionError::Config(e) => e.fmt(f),
            SessionError::Seed { seed } => write!(
                f,
                "seed {seed} is above {MAX_SEED} (2^53 − 1, the largest integer a JavaScript \
                 number holds exactly)"
            ),
            SessionError::Shape {
                scenario,
                voters,
                observers,
            } => {
                let (v, o) = scenario.shape();
                write!(
                    f,
                    "scenario {} runs {v} voters and {o} observers, but the spec says {}",
                    scenario.name(),
                    shape_words(*voters, *observers, (v, o))
                )
            }
            SessionError::Action(e) => e.fmt(f),
        }
    }
}

/// The parts of a (voters, observers) shape that differ from `expected`, in words:
/// "3 voters", "2 observers" or "3 voters and 2 observers".
pub(crate) fn shape_words(voters: u32, observers: u32, expected: (u32, u32)) -> String {
    match (voters != expected.0, observers != expected.1) {
        (true, false) => format!("{voters} voters"),
        (false, true) => format!("{observers} observers"),
        _ => format!("{voters} voters and {observers} observers"),
    }
}

impl std::error::Error for SessionError {}

impl From<ConfigError> for SessionError {
    fn from(e: ConfigError) -> SessionError {
        SessionError::Config(e)
    }
}

impl From<ActionError> for SessionError {
    fn from(e: ActionError) -> SessionError {
        SessionError::Action(e)
    }
}
