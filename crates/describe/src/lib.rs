//! ZabScope's words: the one place where the protocol's values become text.
//!
//! ```text
//!   zab / sim values (ThreadView, Note, ShutdownReason, LogEvent, …) ──describe::*──▶ String
//!        ▲ no wording                                              ▲ the app and `zabsim`
//! ```
//!
//! `zab` and `sim` expose typed observations only, and the event log (and so every trace hash)
//! holds those values. Rewording anything here changes what a person reads, never a trace.
//! The app and the CLI both print with these functions, so a screen and a terminal agree.
//! Names are ZooKeeper's Java names, so a reader can open the source beside the screen.

mod client;
mod event;
mod narrate;
mod reason;
mod thread;

pub use client::{client_event, client_sentence, op_name};
pub use event::{break_cause, connect_failure, drop_cause, event, mark, user_action};
pub use narrate::{moment, narrate, why, why_sync_of_send, Narration, Why, LOOKBACK};
pub use reason::{leading_started, note, reason, startup_error, sync_mode, sync_reason};
pub use thread::{brief, monitor, phase, thread_id, thread_name, wait_monitor, waiter, waiters};

use zab::Sid;

/// Sids as ZooKeeper lists them in a log line: `1,3`.
pub(crate) fn sid_list(sids: &[Sid]) -> String {
    sids.iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests;
