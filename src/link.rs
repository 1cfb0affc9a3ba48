//! The link codec: everything that determines a view ↔ the URL's query string.
//!
//! ```text
//!   ?seed=7&scenario=leader-crash&speed=0.5&f=120:c3,400:r3&pos=2400&play=1&embed=1
//!   ?seed=1&voters=3&observers=0&zk=3.9.4&bug=ZOOKEEPER-1154&f=… runs a bug older than every
//!   release profile: its old code switched back on.
//!   ?tour=7 opens the guided tour at chapter 7 (with the rest of the link as the run to
//!   return to).
//!
//!        │         │                 │        │               │        │       └ compact frame
//!        │         │                 │        │               │        └ start playing
//!        │         │                 │        │               └ stand after 2400 events
//!        │         │                 │        └ the faults a person injected (step:code)
//!        │         │                 └ playback speed, simulated ms per real ms
//!        │         └ a preset (its shape replaces voters/observers)
//!        └ the seed (with voters/observers when there is no scenario)
//! ```
//!
//! A link reproduces a view exactly: the app builds the session from [`Link::spec`] and seeks
//! to `pos`. The base parameters (`seed`, `voters`, `observers`, `t`, `play`) are parsed by
//! [`RunParams`], so their messages stay as they were; every other malformed parameter gets a
//! [`LinkError`] that names it and says what it accepts. Each parameter may appear once
//! (`embed` and `compact` are one), and `pos` and fault steps stop at [`MAX_POS`]. Plain
//! Rust, tested natively (and by property tests in `link/props.rs`).

use crate::run_params::{flag, known_pairs, number, pairs, Known, ParamError, RunParams};
use crate::view_model::speed::{Speed, STEPS_PER_DECADE};
use core::fmt;
use sim::bugs::Affected;
use sim::scenario::Scenario;
use sim::session::{RunSpec, UserAction};
use sim::trace_file::{decode_actions, encode_actions};
use zab::ZkVersion;

/// The furthest position (events from the start) a link may ask for, and the latest step a
/// fault may name: beyond this the browser takes too long and too much memory to build the run.
pub const MAX_POS: u64 = 1_000_000;

/// Every parameter a link reads, with its aliases: a parameter may appear once.
pub(crate) const LINK_PARAMS: [Known; 13] = [
    ("seed", &[]),
    ("voters", &[]),
    ("observers", &[]),
    ("t", &[]),
    ("play", &[]),
    ("scenario", &[]),
    ("speed", &[]),
    ("f", &[]),
    ("pos", &[]),
    ("embed", &["compact"]),
    ("tour", &[]),
    ("zk", &[]),
    ("bug", &[]),
];

/// Everything a link says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// `None` when the URL has none; the app draws one.
    pub seed: Option<u64>,
    pub scenario: Option<Scenario>,
    /// The shape; with a scenario, the scenario's shape.
    pub voters: u32,
    pub observers: u32,
    pub speed: Option<Speed>,
    /// `f`: the faults injected by hand, each at the step (event count) it happened.
    pub faults: Vec<(u64, UserAction)>,
    /// `pos`: stand after this many events.
    pub pos: Option<u64>,
    /// `pos=violation`: run on to the first broken safety check and stand there (searching at
    /// most [`crate::state::VIOLATION_SEARCH_EVENTS`] events, with a progress bar).
    pub to_violation: bool,
    /// `t` (older links): stand at this simulated time, ms.
    pub at_ms: Option<u64>,
    pub play: bool,
    /// `embed`: the compact frame for documentation.
    pub embed: bool,
    /// `tour`: open the guided tour at this chapter (1-based).
    pub tour: Option<usize>,
    /// `zk`: the ZooKeeper release the servers follow (`None`: the newest, the default).
    pub zk: Option<ZkVersion>,
    /// `bug`: a registered bug older than every profile, whose old code the servers run
    /// (`sim::bugs::by_switches`; its id, e.g. "ZOOKEEPER-2845").
    pub bug: Option<&'static str>,
}

impl Default for Link {
    fn default() -> Self {
        Link::from_params(RunParams::default())
    }
}

/// A query parameter the app cannot use: which, its value, and what it accepts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkError {
    /// A base parameter (`seed`, `voters`, `observers`, `t`, `play`), a malformed number or
    /// flag, or any parameter given twice: [`RunParams`]' error, with its message.
    Param(ParamError),
    /// `scenario` names none of [`Scenario::ALL`].
    UnknownScenario { value: String },
    /// `speed` is not a number from 0.01 to 10 (optionally followed by `x`).
    Speed { value: String },
    /// `f` is not a list of `step:action` items; `problem` names the bad item.
    FaultsUnreadable { value: String, problem: String },
    /// An item of `f` cannot happen in this ensemble (it names a server it lacks).
    FaultsInvalid { value: String, problem: String },
    /// The item `item` of `f` is at `step`, after [`MAX_POS`].
    FaultBeyondLimit {
        value: String,
        item: String,
        step: u64,
    },
    /// `voters` or `observers` contradict the scenario's own shape.
    ShapeConflict {
        param: &'static str,
        value: u32,
        scenario: Scenario,
    },
    /// `pos` is a whole number after [`MAX_POS`].
    PosBeyondLimit { value: String },
    /// `pos` is neither a whole number nor `violation`.
    PosUnreadable { value: String },
    /// `zk` names no release a profile covers.
    UnknownZk { value: String },
    /// `bug` names no registered bug that lives in a switch.
    UnknownBug { value: String },
}

impl LinkError {
    /// The URL parameter at fault.
    pub fn param(&self) -> &'static str {
        match self {
            LinkError::Param(e) => e.param,
            LinkError::UnknownScenario { .. } => "scenario",
            LinkError::Speed { .. } => "speed",
            LinkError::FaultsUnreadable { .. }
            | LinkError::FaultsInvalid { .. }
            | LinkError::FaultBeyondLimit { .. } => "f",
            LinkError::ShapeConflict { param, .. } => param,
            LinkError::PosBeyondLimit { .. } | LinkError::PosUnreadable { .. } => "pos",
            LinkError::UnknownZk { .. } => "zk",
            LinkError::UnknownBug { .. } => "bug",
        }
    }

    /// Its value as the link gave it (percent-decoded; the first, when it is repeated).
    pub fn value(&self) -> String {
        match self {
            LinkError::Param(e) => e.value.clone(),
            LinkError::UnknownScenario { value }
            | LinkError::Speed { value }
            | LinkError::FaultsUnreadable { value, .. }
            | LinkError::FaultsInvalid { value, .. }
            | LinkError::FaultBeyondLimit { value, .. }
            | LinkError::PosBeyondLimit { value }
            | LinkError::PosUnreadable { value }
            | LinkError::UnknownZk { value }
            | LinkError::UnknownBug { value } => value.clone(),
            LinkError::ShapeConflict { value, .. } => value.to_string(),
        }
    }

    /// What is wrong and what is accepted, as a sentence fragment about the setting called
    /// `name`: the URL parameter's name here, the option's name in `mount()`.
    pub fn problem(&self, name: &str) -> String {
        match self {
            LinkError::Param(e) => e.problem.describe(name),
            LinkError::UnknownScenario { .. } => format!(
                "{name} must be one of {}",
                Scenario::ALL.map(Scenario::name).join(", ")
            ),
            LinkError::Speed { .. } => format!(
                "{name} must be a number from {} to {} (simulated ms per real ms)",
                SPEED_RANGE.0, SPEED_RANGE.1
            ),
            LinkError::FaultsUnreadable { problem, .. } => {
                format!("{problem}; {name} is a comma-separated list of step:action")
            }
            LinkError::FaultsInvalid { problem, .. } => problem.clone(),
            LinkError::FaultBeyondLimit { item, step, .. } => format!(
                "`{item}` is at step {step}, beyond what the app builds in the browser (at \
                 most {MAX_POS} steps)"
            ),
            LinkError::ShapeConflict { scenario, .. } => {
                let (voters, observers) = scenario.shape();
                format!(
                    "scenario {} runs {voters} voters and {observers} observers; leave {name} \
                     out",
                    scenario.name()
                )
            }
            LinkError::PosBeyondLimit { value } => format!(
                "{name}={value} is beyond what the app builds in the browser (at most {MAX_POS} \
                 steps)"
            ),
            LinkError::PosUnreadable { .. } => format!(
                "{name} must be a number of events from 0 to {MAX_POS}, or `violation` for the \
                 first broken safety check"
            ),
            LinkError::UnknownZk { .. } => format!(
                "{name} must be a ZooKeeper release the simulator has a profile for: {}",
                ZkVersion::ALL
                    .map(|v| format!("{} ({})", v.name(), v.releases()))
                    .join(", ")
            ),
            LinkError::UnknownBug { value } => {
                let switches: Vec<&str> = sim::bugs::BUGS
                    .iter()
                    .filter(|b| matches!(b.affected, Affected::Switch(_)))
                    .map(|b| b.id)
                    .collect();
                let version = sim::bugs::by_id(value).and_then(|b| match b.affected {
                    Affected::Version(v) => Some((b.id, v)),
                    Affected::Switch(_) => None,
                });
                match version {
                    Some((id, v)) => format!(
                        "{id} lives in a release profile, not in {name}: use zk={}",
                        v.name()
                    ),
                    None => format!(
                        "{name} must be a registered bug older than every release profile: {}",
                        switches.join(", ")
                    ),
                }
            }
        }
    }
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkError::Param(e) => e.fmt(f),
            _ => write!(
                f,
                "The URL parameter {}=\"{}\" is not valid: {}.",
                self.param(),
                self.value(),
                self.problem(self.param())
            ),
        }
    }
}

impl std::error::Error for LinkError {}

impl From<ParamError> for LinkError {
    fn from(e: ParamError) -> LinkError {
        LinkError::Param(e)
    }
}

impl Link {
    fn from_params(p: RunParams) -> Link {
        Link {
            seed: p.seed,
            scenario: None,
            voters: p.voters,
            observers: p.observers,
            speed: None,
            faults: Vec::new(),
            pos: None,
            to_violation: false,
            at_ms: p.at_ms,
            play: p.play,
            embed: false,
            tour: None,
            zk: None,
            bug: None,
        }
    }

    /// Parse a query string (with or without its `?`). Unknown parameters are ignored; a
    /// parameter given twice is refused.
    pub fn parse(query: &str) -> Result<Link, LinkError> {
        let given = known_pairs(query, &LINK_PARAMS)?;
        let mut link = Link::from_params(RunParams::parse(query)?);
        let mut shape_given: Option<&'static str> = None;
        let mut faults_text = String::new();
        for g in given {
            match g.param {
                "voters" | "observers" => shape_given = shape_given.or(Some(g.param)),
                "scenario" if g.value.is_empty() => link.scenario = None,
                "scenario" => link.scenario = Some(parse_scenario(&g.value)?),
                "speed" => link.speed = Some(parse_speed(&g.value)?),
                "f" => {
                    // A hand-typed `l17+500` arrives with its `+` decoded as a space.
                    faults_text = g.value.replace(' ', "+");
                    link.faults = parse_faults(&faults_text)?;
                }
                "pos" if g.value == "violation" => link.to_violation = true,
                "pos" => link.pos = Some(parse_pos(&g.value)?),
                "zk" => {
                    link.zk =
                        Some(
                            g.value
                                .parse::<ZkVersion>()
                                .map_err(|_| LinkError::UnknownZk {
                                    value: g.value.clone(),
                                })?,
                        )
                }
                "bug" => {
                    link.bug = Some(
                        sim::bugs::by_id(&g.value)
                            .filter(|b| matches!(b.affected, Affected::Switch(_)))
                            .ok_or_else(|| LinkError::UnknownBug {
                                value: g.value.clone(),
                            })?
                            .id,
                    )
                }
                // `compact=maybe` is named as written.
                "embed" => link.embed = flag(g.key, &g.value)?,
                "tour" => {
                    let chapters = crate::tour::CHAPTERS.len() as u64;
                    link.tour = Some(number("tour", &g.value, 1, chapters)? as usize)
                }
                // RunParams' own, read above.
                _ => {}
            }
        }
        if let Some(s) = link.scenario {
            let (voters, observers) = s.shape();
            if let Some(param) = shape_given {
                if (link.voters, link.observers) != (voters, observers) {
                    let value = if param == "voters" {
                        link.voters
                    } else {
                        link.observers
                    };
                    return Err(LinkError::ShapeConflict {
                        param,
                        value,
                        scenario: s,
                    });
                }
            }
            link.voters = voters;
            link.observers = observers;
        }
        link.spec(link.seed.unwrap_or(0))
            .validate_actions()
            .map_err(|problem| LinkError::FaultsInvalid {
                value: faults_text,
                problem,
            })?;
        Ok(link)
    }

    /// The run this link describes, with `seed` (the link's own, or one drawn for it).
    pub fn spec(&self, seed: u64) -> RunSpec {
        let mut spec = match self.scenario {
            Some(s) => RunSpec::with_scenario(seed, s),
            None => RunSpec::new(seed, self.voters, self.observers),
        };
        spec.actions = self.faults.clone();
        spec.zk = self.zk.unwrap_or_default();
        if let Some(Affected::Switch(switches)) =
            self.bug.and_then(sim::bugs::by_id).map(|b| b.affected)
        {
            spec.bugs = switches;
        }
        spec
    }

    /// The link of a run: its spec, the speed, and where it stands. `None` when no link
    /// reproduces the run: switches no registered bug has (a checker self-test, from an
    /// imported trace).
    pub fn of_spec(spec: &RunSpec, speed: Speed, pos: Option<u64>) -> Option<Link> {
        let bug = sim::bugs::by_switches(&spec.bugs);
        if spec.bugs.any() && bug.is_none() {
            return None;
        }
        Some(Link {
            seed: Some(spec.seed),
            scenario: spec.scenario,
            voters: spec.voters,
            observers: spec.observers,
            speed: Some(speed),
            faults: spec.actions.clone(),
            pos,
            to_violation: false,
            at_ms: None,
            play: false,
            embed: false,
            tour: None,
            // Always written: a link shows the same run even after the default moves on.
            zk: Some(spec.zk),
            bug: bug.map(|b| b.id),
        })
    }

    /// The link that opens the tour at chapter `chapter` and says nothing else.
    pub fn tour(chapter: usize) -> Link {
        Link {
            tour: Some(chapter),
            ..Link::default()
        }
    }

    /// Whether the link names anything besides the tour (the run to return to).
    pub fn names_a_run(&self) -> bool {
        *self
            != Link {
                tour: self.tour,
                ..Link::default()
            }
    }

    /// The query string (without its `?`), seed first; parsing it gives this link back.
    pub fn to_query(&self) -> String {
        if let (Some(n), false) = (self.tour, self.names_a_run()) {
            return format!("tour={n}");
        }
        let mut parts = Vec::new();
        if let Some(seed) = self.seed {
            parts.push(format!("seed={seed}"));
        }
        match self.scenario {
            Some(s) => parts.push(format!("scenario={}", s.name())),
            None => parts.push(format!(
                "voters={}&observers={}",
                self.voters, self.observers
            )),
        }
        if let Some(zk) = self.zk {
            parts.push(format!("zk={}", zk.name()));
        }
        if let Some(bug) = self.bug {
            parts.push(format!("bug={bug}"));
        }
        if let Some(speed) = self.speed {
            parts.push(format!("speed={}", speed_text(speed)));
        }
        if !self.faults.is_empty() {
            // `+` (in `l17+500`) would decode as a space.
            parts.push(format!(
                "f={}",
                encode_actions(&self.faults).replace('+', "%2B")
            ));
        }
        if let Some(pos) = self.pos {
            parts.push(format!("pos={pos}"));
        } else if self.to_violation {
            parts.push("pos=violation".to_string());
        }
        if let Some(t) = self.at_ms {
            parts.push(format!("t={t}"));
        }
        if self.play {
            parts.push("play=1".to_string());
        }
        if self.embed {
            parts.push("embed=1".to_string());
        }
        if let Some(n) = self.tour {
            parts.push(format!("tour={n}"));
        }
        parts.join("&")
    }
}

/// Whether a query asks for the embed frame (`embed` or `compact`, not `=0`), whatever else
/// is in it: a bad link still gets the compact frame, with its error.
pub fn is_embed(query: &str) -> bool {
    pairs(query).any(|(k, v)| (k == "embed" || k == "compact") && v != "0" && v != "false")
}

/// A scenario by its name; the error lists the names.
pub fn parse_scenario(name: &str) -> Result<Scenario, LinkError> {
    Scenario::by_name(name).ok_or_else(|| LinkError::UnknownScenario {
        value: name.to_string(),
    })
}

/// `pos`: a whole number of events, at most [`MAX_POS`]. A larger whole number is refused
/// with the reason, not just the range.
pub fn parse_pos(text: &str) -> Result<u64, LinkError> {
    number("pos", text, 0, MAX_POS).map_err(|e| {
        let whole = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
        if whole {
            LinkError::PosBeyondLimit {
                value: text.to_string(),
            }
        } else if e.param == "pos" && !text.is_empty() {
            LinkError::PosUnreadable {
                value: text.to_string(),
            }
        } else {
            LinkError::Param(e)
        }
    })
}

/// `f`: `step:action` items in step order, none after [`MAX_POS`] (the servers they name
/// are checked against the ensemble later, once the shape is known).
pub fn parse_faults(text: &str) -> Result<Vec<(u64, UserAction)>, LinkError> {
    let faults = decode_actions(text).map_err(|problem| LinkError::FaultsUnreadable {
        value: text.to_string(),
        problem,
    })?;
    // decode_actions skips empty items; so does this, to quote the item as written.
    let items = text.split(',').filter(|s| !s.is_empty());
    for ((step, _), item) in faults.iter().zip(items) {
        if *step > MAX_POS {
            return Err(LinkError::FaultBeyondLimit {
                value: text.to_string(),
                item: item.to_string(),
                step: *step,
            });
        }
    }
    Ok(faults)
}

/// The lowest and highest speed factors a link may carry.
pub const SPEED_RANGE: (&str, &str) = ("0.01", "10");
const SPEED_MIN: f64 = 0.01;
const SPEED_MAX: f64 = 10.0;

/// A speed factor (`0.05`, `1`, `2.5`, `2x`: simulated ms per real ms) to the nearest slider
/// step. The whole text must be the number (with at most one `x` or `×` after it), and the
/// number must lie from 0.01 to 10 before rounding.
pub fn parse_speed(text: &str) -> Result<Speed, LinkError> {
    let error = || LinkError::Speed {
        value: text.to_string(),
    };
    let digits = text.strip_suffix(['x', '×']).unwrap_or(text);
    let well_formed = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && digits.bytes().filter(|b| *b == b'.').count() <= 1
        && digits != ".";
    if !well_formed {
        return Err(error());
    }
    let factor: f64 = digits.parse().map_err(|_| error())?;
    if !(SPEED_MIN..=SPEED_MAX).contains(&factor) {
        return Err(error());
    }
    // In range, log10 is within [-2, 1], so the step is within [MIN, MAX] (clamped against
    // the last ulp).
    let step = (factor.log10() * f64::from(STEPS_PER_DECADE)).round();
    Ok(Speed::clamped(step as i32))
}

/// The shortest decimal that parses back to exactly this speed.
pub fn speed_text(speed: Speed) -> String {
    let factor = speed.factor();
    for decimals in 0..=6 {
        let text = format!("{factor:.decimals$}");
        let text = if text.contains('.') {
            text.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            text
        };
        if parse_speed(&text).ok() == Some(speed) {
            return text;
        }
    }
    format!("{factor}")
}

#[cfg(test)]
mod tests;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod props;
