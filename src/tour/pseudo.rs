//! Chapter 7's pseudo-code: the steps of `getEpochToPropose` (docs/protocol.md §3.3) written
//! in our own words, and which line the simulation is at, read from its thread state.
//!
//! Simplified: `maxTimeToWaitForEpoch` (off by default) is left out, as in the simulator.

use sim::{LogEntry, LogEvent, Simulation};
use zab::leader::LeadPhase;
use zab::peer::{Monitor, ThreadId, ThreadPhase};
use zab::Sid;

/// One line of the pseudo-code, and how deep it is indented.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CodeLine {
    pub indent: u8,
    pub text: &'static str,
}

const fn line(indent: u8, text: &'static str) -> CodeLine {
    CodeLine { indent, text }
}

/// The lines. Numbered from 0 in [`running_line`]'s answers.
pub const EPOCH_WAIT_CODE: [CodeLine; 11] = [
    line(0, "getEpochToPropose(sid, lastAcceptedEpoch):"),
    line(1, "hold the connectingFollowers monitor"),
    line(1, "if the epoch is decided already: return epoch"),
    line(
        1,
        "if lastAcceptedEpoch ≥ epoch: epoch ← lastAcceptedEpoch + 1",
    ),
    line(1, "if sid votes: add sid to connectingFollowers"),
    line(1, "if the set has the leader's sid and a quorum:"),
    line(2, "decide; write acceptedEpoch ← epoch to disk"),
    line(2, "notifyAll()  — every waiter wakes"),
    line(1, "else: wait(until decided or initLimit × tickTime)"),
    line(1, "if still undecided: fail (timeout) → LOOKING"),
    line(1, "return epoch"),
];

/// The line numbers [`running_line`] can answer.
pub const LINE_NOTIFY: usize = 7;
pub const LINE_WAIT: usize = 8;
pub const LINE_RETURN: usize = 10;

pub fn epoch_wait_code() -> Vec<CodeLine> {
    EPOCH_WAIT_CODE.to_vec()
}

/// The running line and the thread that is at it, for the leader `leader` at this position:
/// `just_logged` is what the last event logged.
///
/// - The last event's `connectingFollowers.notifyAll()`: the thread that completed the
///   quorum is at the notifyAll line (the woken `Leader.lead` has moved on).
/// - `Leader.lead` blocked on `connectingFollowers`: the wait line.
/// - `Leader.lead` past the call (waiting for ACKEPOCHs, or later): the return line.
/// - Before `lead()` reaches the call: none.
pub fn running_line(
    sim: &Simulation,
    just_logged: &[LogEntry],
    leader: Sid,
) -> Option<(usize, &'static str)> {
    let notified = just_logged.iter().any(|e| {
        matches!(&e.event, LogEvent::NotifyAll { sid, monitor: Monitor::ConnectingFollowers, .. }
            if *sid == leader)
    });
    if notified {
        return Some((LINE_NOTIFY, "the LearnerHandler that made the quorum"));
    }
    let peer = sim.peer(leader)?;
    let threads = peer.threads();
    let lead = threads.iter().find(|t| t.thread == ThreadId::Lead)?;
    match &lead.phase {
        ThreadPhase::Lead {
            phase: LeadPhase::GetEpochToPropose { .. },
            ..
        } if lead
            .wait
            .as_ref()
            .is_some_and(|w| w.monitor == Monitor::ConnectingFollowers) =>
        {
            Some((LINE_WAIT, "Leader.lead()"))
        }
        // Past the call: waiting for ACKEPOCHs, or later.
        ThreadPhase::Lead { .. } => Some((LINE_RETURN, "Leader.lead()")),
        _ => None,
    }
}
