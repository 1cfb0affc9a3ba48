//! The trace file: JSON lines, the same schema `zabsim run --trace` writes and the app
//! exports and imports.
//!
//! Line 1 is a header that names the run:
//! `{"zabscope_trace":1,"seed":7,"voters":5,"observers":0,"scenario":null,"actions":"120:c3,400:r3","steps":2400}`.
//! Every other line is one [`LogEntry`]: `{"index":0,"time":0,"kind":"peer_started","sid":1}`
//! with the fields of its [`crate::LogEvent`] kind (snake_case). Times are simulated ms, zxids
//! signed 64-bit integers as ZooKeeper's `long` (UPTODATE's −1 included).
//!
//! Importing re-runs the header's spec and checks every line against the replay, so a trace
//! is verified, not trusted.

use crate::scenario::Scenario;
use crate::session::{RunSpec, Session, UserAction};
use crate::trace::{to_json_line, LogEntry};
use core::fmt;
use serde::{Deserialize, Serialize};

/// 2: thread phases, notifyAll, shutdown reasons and log notes are typed values (issue 9).
pub const TRACE_VERSION: u32 = 2;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceHeader {
    pub zabscope_trace: u32,
    pub seed: u64,
    pub voters: u32,
    pub observers: u32,
    pub scenario: Option<String>,
    /// The injected faults, `step:code` comma-separated (see `UserAction::code`).
    pub actions: String,
    /// How many events the trace covers.
    pub steps: u64,
}

impl TraceHeader {
    pub fn new(spec: &RunSpec, steps: u64) -> TraceHeader {
        TraceHeader {
            zabscope_trace: TRACE_VERSION,
            seed: spec.seed,
            voters: spec.voters,
            observers: spec.observers,
            scenario: spec.scenario.map(|s| s.name().to_string()),
            actions: encode_actions(&spec.actions),
            steps,
        }
    }
}

/// `step:code,step:code`.
pub fn encode_actions(actions: &[(u64, UserAction)]) -> String {
    actions
        .iter()
        .map(|(s, a)| format!("{s}:{}", a.code()))
        .collect::<Vec<_>>()
        .join(",")
}

/// The inverse of `encode_actions`; the error names the bad item.
pub fn decode_actions(text: &str) -> Result<Vec<(u64, UserAction)>, String> {
    let mut out = Vec::new();
    for item in text.split(',').filter(|s| !s.is_empty()) {
        let bad = || format!("`{item}` is not step:action (e.g. 120:c3)");
        let (step, code) = item.split_once(':').ok_or_else(bad)?;
        let step: u64 = step.parse().map_err(|_| bad())?;
        let action = UserAction::parse(code).ok_or_else(bad)?;
        if out
            .last()
            .is_some_and(|(s, _): &(u64, UserAction)| *s > step)
        {
            return Err(format!("`{item}`: actions must be in step order"));
        }
        out.push((step, action));
    }
    Ok(out)
}

/// The whole session as a trace file.
pub fn write_trace(session: &Session) -> String {
    let header = TraceHeader::new(session.spec(), session.position());
    let mut text = serde_json::to_string(&header).expect("a header always serializes");
    text.push('\n');
    for e in session.log() {
        text += &to_json_line(e);
        text.push('\n');
    }
    text
}

/// What is wrong with a trace file, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceError {
    /// 1-based; 0 when the file as a whole is wrong (e.g. empty).
    pub line: usize,
    pub message: String,
}

impl fmt::Display for TraceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            f.write_str(&self.message)
        } else {
            write!(f, "line {}: {}", self.line, self.message)
        }
    }
}

impl std::error::Error for TraceError {}

fn err(line: usize, message: impl Into<String>) -> TraceError {
    TraceError {
        line,
        message: message.into(),
    }
}

/// Parse a trace, re-run its spec to the steps it covers, and check the replay produced the
/// same entries. Returns the session, standing at the end of the trace.
pub fn read_trace(text: &str) -> Result<Session, TraceError> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let (_, first) = lines.next().ok_or_else(|| err(0, "the file is empty"))?;
    let header: TraceHeader = serde_json::from_str(first)
        .map_err(|e| err(1, format!("not a ZabScope trace header: {e}")))?;
    if header.zabscope_trace != TRACE_VERSION {
        return Err(err(
            1,
            format!(
                "trace version {} (this build reads {TRACE_VERSION})",
                header.zabscope_trace
            ),
        ));
    }
    let scenario = match &header.scenario {
        None => None,
        Some(name) => Some(
            Scenario::by_name(name).ok_or_else(|| err(1, format!("unknown scenario {name:?}")))?,
        ),
    };
    let actions = decode_actions(&header.actions).map_err(|m| err(1, m))?;
    let spec = RunSpec {
        seed: header.seed,
        voters: header.voters,
        observers: header.observers,
        scenario,
        actions,
    };
    spec.validate_actions().map_err(|m| err(1, m))?;
    let mut entries = Vec::new();
    for (i, line) in lines {
        let e: LogEntry =
            serde_json::from_str(line).map_err(|e| err(i + 1, format!("not a log entry: {e}")))?;
        if e.index != entries.len() as u64 {
            return Err(err(
                i + 1,
                format!(
                    "index {} out of order (expected {})",
                    e.index,
                    entries.len()
                ),
            ));
        }
        entries.push((i + 1, e));
    }
    let mut session =
        Session::new(spec).map_err(|e| err(1, format!("cannot build this ensemble: {e}")))?;
    session.seek(header.steps);
    let replay = session.log();
    for (line, e) in &entries {
        match replay.get(e.index as usize) {
            Some(r) if r == e => {}
            Some(r) => {
                return Err(err(
                    *line,
                    format!(
                        "does not match the replay of this run, which has: {}",
                        to_json_line(r)
                    ),
                ))
            }
            None => return Err(err(*line, "the replay ends before this entry")),
        }
    }
    if entries.len() != replay.len() {
        return Err(err(
            0,
            format!(
                "the trace has {} entries, the replay {}",
                entries.len(),
                replay.len()
            ),
        ));
    }
    Ok(session)
}

#[cfg(test)]
mod tests {
    use super::*;
    use zab::{Sid, Time};

    fn sample() -> Session {
        let mut spec = RunSpec::new(5, 3, 1);
        spec.actions = vec![
            (400, UserAction::Crash(Sid(3))),
            (900, UserAction::Restart(Sid(3))),
        ];
        let mut s = Session::new(spec).expect("valid");
        s.run_until(Time(6_000));
        s
    }

    #[test]
    fn test_write_then_read_round_trips() {
        let s = sample();
        let text = write_trace(&s);
        let back = read_trace(&text).expect("reads back");
        assert_eq!(back.trace_hash(), s.trace_hash());
        assert_eq!(back.spec(), s.spec());
    }

    #[test]
    fn test_malformed_traces_name_the_line() {
        let text = write_trace(&sample());
        assert_eq!(read_trace("").map(|_| ()), Err(err(0, "the file is empty")));
        assert_eq!(read_trace("{nope").map_err(|e| e.line).err(), Some(1));
        let mut lines: Vec<String> = text.lines().map(String::from).collect();
        lines[5] = "{\"index\":4,\"time\":0,\"kind\":\"no_such_kind\"}".to_string();
        assert_eq!(
            read_trace(&lines.join("\n")).map_err(|e| e.line).err(),
            Some(6)
        );
        let mut lines: Vec<String> = text.lines().map(String::from).collect();
        lines[7] = lines[7].replace("\"time\":", "\"time\":1");
        let e = read_trace(&lines.join("\n")).expect_err("tampered");
        assert_eq!(e.line, 8, "{e}");
        let bad_action = text.replacen("400:c3", "400:zz", 1);
        assert_eq!(read_trace(&bad_action).map_err(|e| e.line).err(), Some(1));
        let bad_sid = text.replacen("400:c3", "400:c9", 1);
        assert!(read_trace(&bad_sid)
            .err()
            .is_some_and(|e| e.message.contains("server 9")));
    }
}
