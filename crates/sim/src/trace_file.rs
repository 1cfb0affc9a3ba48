//! The trace file: JSON lines, the same schema `zabsim run --trace` writes and the app
//! exports and imports.
//!
//! Line 1 is a header that names the run:
//! `{"zabscope_trace":4,"seed":7,"voters":5,"observers":0,"scenario":null,"actions":"120:c3,400:r3","steps":2400,"zk":"3.9.4"}`.
//! Every other line is one [`LogEntry`]: `{"index":0,"time":0,"kind":"peer_started","sid":1}`
//! with the fields of its [`crate::LogEvent`] kind (snake_case). Times are simulated ms, zxids
//! signed 64-bit integers as ZooKeeper's `long` (UPTODATE's −1 included).
//!
//! Importing re-runs the header's spec and checks every line against the replay, so a trace
//! is verified, not trusted. The import never does more work than the file justifies: the
//! header's numbers are checked before anything runs (`steps` at most [`MAX_TRACE_STEPS`], a
//! seed at most [`MAX_SEED`], a scenario with its own shape), and the replay compares each
//! entry as it produces it, stopping as soon as it runs past the file's last entry.

use crate::scenario::Scenario;
use crate::session::action_error::shape_words;
use crate::session::{RunSpec, Session, SessionError, UserAction, MAX_SEED};
use crate::trace::{to_json_line, LogEntry};
use core::fmt;
use serde::{Deserialize, Serialize};
use zab::ZkVersion;

pub use crate::session::MAX_TRACE_STEPS;

/// 2: thread phases, notifyAll, shutdown reasons and log notes are typed values (issue 9).
/// 3: the header names the ZooKeeper version profile (`zk`), and the leader's `zk.startup()`
/// takes time. Version 2 files still read (as the default profile), but their timing before
/// the first UPTODATE cannot replay exactly.
/// 4: a process can be paused (issue 12): `paused` and `resumed` entries, `s3` and `u3`
/// actions. Version 3 files read and replay unchanged (they have neither); a version-3 build
/// refuses a version-4 file by its number instead of at its first unknown entry or action.
pub const TRACE_VERSION: u32 = 4;
/// The oldest trace version this build reads.
pub const OLDEST_TRACE_VERSION: u32 = 2;

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
    /// The ZooKeeper version profile, by name (`"3.8"`); version 2 files have none (the
    /// default profile).
    #[serde(default)]
    pub zk: ZkVersion,
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
            zk: spec.zk,
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

/// The session up to its position as a trace file. Actions after the position (the explored
/// future of a session that was rewound) are not part of it.
pub fn write_trace(session: &Session) -> String {
    let position = session.position();
    let mut spec = session.spec().clone();
    spec.actions.retain(|(step, _)| *step <= position);
    let header = TraceHeader::new(&spec, position);
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

/// The header's run, checked field by field; every error is on line 1 and names the field.
fn header_spec(header: &TraceHeader) -> Result<RunSpec, TraceError> {
    if !(OLDEST_TRACE_VERSION..=TRACE_VERSION).contains(&header.zabscope_trace) {
        return Err(err(
            1,
            format!(
                "trace version {} (this build reads {OLDEST_TRACE_VERSION} to {TRACE_VERSION})",
                header.zabscope_trace
            ),
        ));
    }
    if header.seed > MAX_SEED {
        return Err(err(
            1,
            format!(
                "`seed` is {}, above {MAX_SEED} (2^53 − 1, the largest seed a link carries)",
                header.seed
            ),
        ));
    }
    if header.steps > MAX_TRACE_STEPS {
        return Err(err(
            1,
            format!(
                "`steps` is {}, above the limit of {MAX_TRACE_STEPS} (MAX_TRACE_STEPS)",
                header.steps
            ),
        ));
    }
    let scenario = match &header.scenario {
        None => None,
        Some(name) => {
            let s = Scenario::by_name(name)
                .ok_or_else(|| err(1, format!("unknown scenario {name:?}")))?;
            let (v, o) = s.shape();
            if (header.voters, header.observers) != (v, o) {
                return Err(err(
                    1,
                    format!(
                        "scenario {name} runs {v} voters and {o} observers, but the header \
                         says {}",
                        shape_words(header.voters, header.observers, (v, o))
                    ),
                ));
            }
            Some(s)
        }
    };
    let actions = decode_actions(&header.actions).map_err(|m| err(1, format!("`actions`: {m}")))?;
    if let Some((step, a)) = actions.iter().find(|(step, _)| *step > header.steps) {
        return Err(err(
            1,
            format!(
                "`actions`: `{step}:{}` comes after the trace's last step, {}",
                a.code(),
                header.steps
            ),
        ));
    }
    Ok(RunSpec {
        seed: header.seed,
        voters: header.voters,
        observers: header.observers,
        scenario,
        actions,
        zk: header.zk,
        clients: Vec::new(),
        bugs: zab::config::BugSwitches::default(),
    })
}

/// Parse a trace, re-run its spec to the steps it covers, and check the replay produced the
/// same entries, one by one as it produces them. Returns the session, standing at the end of
/// the trace (explored that far, with its checkpoints).
pub fn read_trace(text: &str) -> Result<Session, TraceError> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| (i + 1, l));
    let (_, first) = lines.next().ok_or_else(|| err(0, "the file is empty"))?;
    let header: TraceHeader = serde_json::from_str(first)
        .map_err(|e| err(1, format!("not a ZabScope trace header: {e}")))?;
    let spec = header_spec(&header)?;
    let mut session = Session::start(spec).map_err(|e| match e {
        SessionError::Config(e) => err(1, format!("cannot build this ensemble: {e}")),
        e => err(1, e.to_string()),
    })?;
    let mut compared = 0usize;
    loop {
        while let Some(replayed) = session.full_log().get(compared) {
            let Some((line, text)) = lines.next() else {
                return Err(err(
                    1,
                    format!(
                        "the header says {} steps, but the replay has passed the file's last \
                         entry at step {}",
                        header.steps,
                        session.position()
                    ),
                ));
            };
            let e: LogEntry = serde_json::from_str(text)
                .map_err(|e| err(line, format!("not a log entry: {e}")))?;
            if e.index != compared as u64 {
                return Err(err(
                    line,
                    format!("index {} out of order (expected {compared})", e.index),
                ));
            }
            if e != *replayed {
                // Only version 2 files replay differently (version 3 ones the same).
                let older = if header.zabscope_trace < 3 {
                    format!(
                        " (the file is trace version {}, written by an older build whose \
                         leader started serving in no time)",
                        header.zabscope_trace
                    )
                } else {
                    String::new()
                };
                return Err(err(
                    line,
                    format!(
                        "does not match the replay of this run, which has: {}{older}",
                        to_json_line(replayed)
                    ),
                ));
            }
            compared += 1;
        }
        if session.position() >= header.steps {
            break;
        }
        match session.advance() {
            Ok(true) => {}
            Ok(false) => {
                return Err(err(
                    1,
                    format!(
                        "the header says {} steps, but the run has nothing left to happen \
                         after step {}",
                        header.steps,
                        session.position()
                    ),
                ))
            }
            Err(e) => return Err(err(1, e.to_string())),
        }
    }
    if let Some((line, _)) = lines.next() {
        return Err(err(
            line,
            format!(
                "the replay of the header's {} steps ends before this entry",
                header.steps
            ),
        ));
    }
    Ok(session)
}

#[cfg(test)]
mod tests {
    use super::*;
    use zab::Sid;

    fn sample() -> Session {
        let mut spec = RunSpec::new(5, 3, 1);
        spec.actions = vec![
            (400, UserAction::Crash(Sid(3))),
            (900, UserAction::Restart(Sid(3))),
        ];
        let mut s = Session::new(spec).expect("valid");
        // Past both actions, so the trace covers them.
        s.seek(1_500);
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

    /// Issue 12: a run with a pause writes and reads back; a file of the previous version
    /// (which cannot hold a pause) still reads.
    #[test]
    fn test_a_paused_run_round_trips_and_version_3_still_reads() {
        let mut spec = RunSpec::new(5, 3, 0);
        spec.actions = vec![
            (400, UserAction::Pause(Sid(2))),
            (900, UserAction::Resume(Sid(2))),
        ];
        let mut s = Session::new(spec).expect("valid");
        s.seek(1_500);
        let text = write_trace(&s);
        assert!(
            text.contains("\"actions\":\"400:s2,900:u2\""),
            "{text:.200}"
        );
        assert!(text.contains("\"kind\":\"paused\",\"sid\":2"));
        assert!(text.contains("\"kind\":\"resumed\",\"sid\":2,\"paused_ms\":"));
        let back = read_trace(&text).expect("reads back");
        assert_eq!((back.trace_hash(), back.spec()), (s.trace_hash(), s.spec()));

        let v3 = write_trace(&sample()).replacen(
            &format!("\"zabscope_trace\":{TRACE_VERSION}"),
            "\"zabscope_trace\":3",
            1,
        );
        assert!(v3.starts_with("{\"zabscope_trace\":3,"));
        assert_eq!(
            read_trace(&v3).expect("version 3 reads").trace_hash(),
            sample().trace_hash()
        );
        let future = v3.replacen("\"zabscope_trace\":3", "\"zabscope_trace\":5", 1);
        assert_eq!(line1(&future), "trace version 5 (this build reads 2 to 4)");
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

    fn header(fields: &str) -> String {
        format!(
            "{{\"zabscope_trace\":{TRACE_VERSION},\"seed\":7,\"voters\":3,\"observers\":0,\"scenario\":null,\
             \"actions\":\"\",\"steps\":0{fields}}}"
        )
        .replacen(",\"steps\":0,\"steps\"", ",\"steps\"", 1)
    }

    fn line1(text: &str) -> String {
        let e = read_trace(text).map(|_| ()).expect_err("refused");
        assert_eq!(e.line, 1, "{e}");
        e.message
    }

    /// A 100-byte header claiming millions of steps used to allocate a gigabyte (the replay
    /// ran to `steps` before comparing); 2^64 − 1 never returned.
    #[test]
    fn test_header_steps_are_bounded_before_anything_runs() {
        for steps in [5_000_000, u64::MAX] {
            let message = line1(&header(&format!(",\"steps\":{steps}")));
            assert_eq!(
                message,
                format!("`steps` is {steps}, above the limit of 2000000 (MAX_TRACE_STEPS)")
            );
        }
        // At the limit, the replay stops as soon as it passes the file's (absent) entries.
        let message = line1(&header(",\"steps\":2000000"));
        let at: u64 = message
            .strip_prefix(
                "the header says 2000000 steps, but the replay has passed the file's last \
                 entry at step ",
            )
            .and_then(|n| n.parse().ok())
            .expect("the message names the step");
        assert!(at <= 1, "{message}");
    }

    #[test]
    fn test_a_truncated_or_padded_trace_is_refused() {
        let text = write_trace(&sample());
        let lines: Vec<&str> = text.lines().collect();
        let short = lines[..lines.len() - 3].join("\n");
        let message = line1(&short);
        assert!(
            message.contains("the replay has passed the file's last entry at step"),
            "{message}"
        );
        let mut long = text.clone();
        long += lines[lines.len() - 1];
        let e = read_trace(&long)
            .map(|_| ())
            .expect_err("one entry too many");
        assert_eq!(e.line, lines.len() + 1, "{e}");
    }

    #[test]
    fn test_header_fields_are_checked_and_named() {
        assert_eq!(
            line1(&header(",\"seed\":9007199254740992").replacen("\"seed\":7,", "", 1)),
            "`seed` is 9007199254740992, above 9007199254740991 (2^53 − 1, the largest seed a \
             link carries)"
        );
        let scenario = header("")
            .replacen("\"scenario\":null", "\"scenario\":\"leader-crash\"", 1)
            .replacen("\"voters\":3", "\"voters\":5", 1);
        assert_eq!(
            line1(&scenario),
            "scenario leader-crash runs 3 voters and 0 observers, but the header says 5 voters"
        );
        // Fuzzing found u32 overflow in voters + observers.
        let huge = header("")
            .replacen("\"observers\":0", "\"observers\":4294967295", 1)
            .replacen("\"actions\":\"\"", "\"actions\":\"1:c4294967298\"", 1)
            .replacen("\"steps\":0", "\"steps\":5", 1);
        assert!(line1(&huge).contains("observers"));
        let late = header("")
            .replacen("\"actions\":\"\"", "\"actions\":\"7:h\"", 1)
            .replacen("\"steps\":0", "\"steps\":5", 1);
        assert_eq!(
            line1(&late),
            "`actions`: `7:h` comes after the trace's last step, 5"
        );
    }

    /// An action of the header that is a no-op where the replay meets it is refused there.
    #[test]
    fn test_a_no_op_action_in_the_header_is_refused_when_reached() {
        let text = write_trace(&sample()).replacen("900:r3", "900:c3", 1);
        assert_eq!(
            line1(&text),
            "`c3` at step 900: server 3 is not running (it is down already)"
        );
    }

    /// Rewound, a session writes the trace of its position: the explored future's actions are
    /// not in it.
    #[test]
    fn test_a_rewound_session_writes_what_it_covers() {
        let mut s = sample();
        s.seek(600);
        let text = write_trace(&s);
        assert!(text
            .lines()
            .next()
            .is_some_and(|h| h.contains("\"actions\":\"400:c3\"")));
        let back = read_trace(&text).expect("reads back");
        assert_eq!((back.position(), back.trace_hash()), (600, s.trace_hash()));
    }
}
