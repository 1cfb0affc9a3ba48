//! The link codec: everything that determines a view ↔ the URL's query string.
//!
//! ```text
//!   ?seed=7&scenario=leader-crash&speed=0.5&f=120:c3,400:r3&pos=2400&play=1&embed=1
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
//! [`LinkError`] that names it and says what it accepts. Plain Rust, tested natively.

use crate::run_params::{flag, number, pairs, ParamError, RunParams};
use crate::view_model::speed::{Speed, STEPS_PER_DECADE};
use core::fmt;
use sim::scenario::Scenario;
use sim::session::{RunSpec, UserAction};
use sim::trace_file::{decode_actions, encode_actions};

/// The furthest position (events from the start) a link may ask for.
pub const MAX_POS: u64 = 5_000_000;

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
    /// `t` (older links): stand at this simulated time, ms.
    pub at_ms: Option<u64>,
    pub play: bool,
    /// `embed`: the compact frame for documentation.
    pub embed: bool,
}

impl Default for Link {
    fn default() -> Self {
        Link::from_params(RunParams::default())
    }
}

/// A query parameter the app cannot use: which, its value, and what it accepts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkError {
    pub param: &'static str,
    pub value: String,
    /// What the parameter accepts (or why this value is refused), as a sentence fragment.
    pub problem: String,
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "The URL parameter {}=\"{}\" is not valid: {}.",
            self.param, self.value, self.problem
        )
    }
}

impl std::error::Error for LinkError {}

impl From<ParamError> for LinkError {
    fn from(e: ParamError) -> LinkError {
        let problem = format!(
            "{} must be a whole number from {} to {}",
            e.param, e.min, e.max
        );
        LinkError {
            param: e.param,
            value: e.value,
            problem,
        }
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
            at_ms: p.at_ms,
            play: p.play,
            embed: false,
        }
    }

    /// Parse a query string (with or without its `?`). Unknown parameters are ignored.
    pub fn parse(query: &str) -> Result<Link, LinkError> {
        let mut link = Link::from_params(RunParams::parse(query)?);
        let mut shape_given: Option<&'static str> = None;
        let mut faults_text = String::new();
        for (key, value) in pairs(query) {
            match key.as_str() {
                "voters" => shape_given = shape_given.or(Some("voters")),
                "observers" => shape_given = shape_given.or(Some("observers")),
                "scenario" if value.is_empty() => link.scenario = None,
                "scenario" => link.scenario = Some(parse_scenario(&value)?),
                "speed" => link.speed = Some(parse_speed(&value)?),
                "f" => {
                    // A hand-typed `l17+500` arrives with its `+` decoded as a space.
                    faults_text = value.replace(' ', "+");
                    link.faults = decode_actions(&faults_text).map_err(|m| LinkError {
                        param: "f",
                        value: faults_text.clone(),
                        problem: format!("{m}; f is a comma-separated list of step:action"),
                    })?;
                }
                "pos" => link.pos = Some(number("pos", &value, 0, MAX_POS)?),
                "embed" | "compact" => link.embed = flag("embed", &value)?,
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
                    return Err(LinkError {
                        param,
                        value: value.to_string(),
                        problem: format!(
                            "scenario {} runs {voters} voters and {observers} observers; \
                             leave {param} out of the link",
                            s.name()
                        ),
                    });
                }
            }
            link.voters = voters;
            link.observers = observers;
        }
        link.spec(link.seed.unwrap_or(0))
            .validate_actions()
            .map_err(|m| LinkError {
                param: "f",
                value: faults_text,
                problem: m,
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
        spec
    }

    /// The link of a run: its spec, the speed, and where it stands.
    pub fn of_spec(spec: &RunSpec, speed: Speed, pos: Option<u64>) -> Link {
        Link {
            seed: Some(spec.seed),
            scenario: spec.scenario,
            voters: spec.voters,
            observers: spec.observers,
            speed: Some(speed),
            faults: spec.actions.clone(),
            pos,
            at_ms: None,
            play: false,
            embed: false,
        }
    }

    /// The query string (without its `?`), seed first; parsing it gives this link back.
    pub fn to_query(&self) -> String {
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
    Scenario::by_name(name).ok_or_else(|| LinkError {
        param: "scenario",
        value: name.to_string(),
        problem: format!(
            "scenario must be one of {}",
            Scenario::ALL.map(Scenario::name).join(", ")
        ),
    })
}

/// The lowest and highest speed factors a link may carry.
pub const SPEED_RANGE: (&str, &str) = ("0.01", "10");

/// A speed factor (`0.05`, `1`, `2.5`: simulated ms per real ms) to the nearest slider step.
pub fn parse_speed(text: &str) -> Result<Speed, LinkError> {
    let error = || LinkError {
        param: "speed",
        value: text.to_string(),
        problem: format!(
            "speed must be a number from {} to {} (simulated ms per real ms)",
            SPEED_RANGE.0, SPEED_RANGE.1
        ),
    };
    let digits = text.trim_end_matches(['x', '×']);
    let well_formed = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && digits.bytes().filter(|b| *b == b'.').count() <= 1
        && digits != ".";
    if !well_formed {
        return Err(error());
    }
    let factor: f64 = digits.parse().map_err(|_| error())?;
    if factor <= 0.0 {
        return Err(error());
    }
    let step = (factor.log10() * f64::from(STEPS_PER_DECADE)).round();
    if step < f64::from(Speed::MIN.0) || step > f64::from(Speed::MAX.0) {
        return Err(error());
    }
    Ok(Speed(step as i32))
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
mod tests {
    use super::*;
    use sim::trace::MsgId;
    use zab::Sid;

    #[test]
    fn test_defaults_match_run_params() {
        let link = Link::parse("").expect("empty");
        assert_eq!(link, Link::default());
        assert_eq!((link.voters, link.observers), (5, 0));
        assert_eq!(link.seed, None);
        assert!(!link.embed && link.faults.is_empty() && link.pos.is_none());
    }

    #[test]
    fn test_full_link_round_trips() {
        let link = Link {
            seed: Some(42),
            scenario: Some(Scenario::LeaderCrash),
            voters: 3,
            observers: 0,
            speed: Some(Speed(-15)),
            faults: vec![
                (120, UserAction::Crash(Sid(3))),
                (
                    400,
                    UserAction::Delay {
                        msg: MsgId(17),
                        extra_ms: 500,
                    },
                ),
                (
                    401,
                    UserAction::Partition {
                        from: Sid(1),
                        to: Sid(2),
                        one_way: true,
                    },
                ),
                (900, UserAction::Heal),
            ],
            pos: Some(2400),
            at_ms: None,
            play: true,
            embed: true,
        };
        let q = link.to_query();
        assert!(
            q.starts_with("seed=42&scenario=leader-crash&speed=0.5&f=120:c3,"),
            "{q}"
        );
        assert!(q.contains("l17%2B500"), "{q}");
        assert_eq!(Link::parse(&q).expect("round trip"), link);
        assert_eq!(Link::parse(&format!("?{q}")).expect("with ?"), link);
    }

    #[test]
    fn test_state_to_link_to_state() {
        let mut spec = RunSpec::new(9, 5, 1);
        spec.actions = vec![(10, UserAction::Write(Sid(2))), (30, UserAction::Heal)];
        let link = Link::of_spec(&spec, Speed::DEFAULT, Some(77));
        let back = Link::parse(&link.to_query()).expect("round trip");
        assert_eq!(back.spec(back.seed.expect("seed")), spec);
        assert_eq!((back.speed, back.pos), (Some(Speed::DEFAULT), Some(77)));
        let scenario = RunSpec::with_scenario(3, Scenario::ObserversToo);
        let back = Link::parse(&Link::of_spec(&scenario, Speed(0), None).to_query()).expect("ok");
        assert_eq!(back.spec(3), scenario);
        assert_eq!((back.voters, back.observers), (5, 2));
    }

    #[test]
    fn test_every_speed_step_round_trips() {
        for step in Speed::MIN.0..=Speed::MAX.0 {
            let text = speed_text(Speed(step));
            assert_eq!(parse_speed(&text), Ok(Speed(step)), "{step} → {text}");
        }
        assert_eq!(speed_text(Speed::DEFAULT), "0.25");
        assert_eq!(speed_text(Speed(0)), "1");
        assert_eq!(speed_text(Speed::MAX), "10");
        assert_eq!(parse_speed("2x"), Ok(parse_speed("2").expect("2")));
    }

    #[test]
    fn test_scenario_sets_the_shape() {
        let link = Link::parse("scenario=observers&seed=1").expect("valid");
        assert_eq!(link.scenario, Some(Scenario::ObserversToo));
        assert_eq!((link.voters, link.observers), (5, 2));
        // Naming the scenario's own shape is fine.
        assert!(Link::parse("scenario=observers&voters=5&observers=2").is_ok());
        assert_eq!(Link::parse("scenario=").expect("empty").scenario, None);
    }

    fn refused(query: &str) -> LinkError {
        Link::parse(query).expect_err(query)
    }

    #[test]
    fn test_malformed_links_name_the_parameter() {
        let cases: &[(&str, &str, &str)] = &[
            ("scenario=nope", "scenario", "one of fresh-start, observers"),
            ("scenario=Leader-Crash", "scenario", "leader-crash"),
            ("scenario=leader-crash&voters=5", "voters", "runs 3 voters"),
            ("scenario=observers&observers=1", "observers", "2 observers"),
            ("f=120", "f", "`120` is not step:action"),
            ("f=120:zz", "f", "`120:zz` is not step:action"),
            ("f=x:c1", "f", "is not step:action"),
            ("f=300:c1,100:r1", "f", "step order"),
            ("voters=3&f=10:c4", "f", "names server 4"),
            ("voters=3&observers=1&f=10:p1-5", "f", "servers 1..=4"),
            ("scenario=leader-crash&f=10:c5", "f", "names server 5"),
            ("pos=abc", "pos", "whole number from 0 to 5000000"),
            ("pos=-1", "pos", "whole number"),
            ("pos=1e5", "pos", "whole number"),
            ("pos=5000001", "pos", "5000000"),
            ("speed=100", "speed", "from 0.01 to 10"),
            ("speed=0.001", "speed", "from 0.01 to 10"),
            ("speed=0", "speed", "from 0.01 to 10"),
            ("speed=-1", "speed", "from 0.01 to 10"),
            ("speed=fast", "speed", "from 0.01 to 10"),
            ("speed=1.2.3", "speed", "from 0.01 to 10"),
            ("speed=", "speed", "from 0.01 to 10"),
            ("embed=maybe", "embed", "0 to 1"),
            // The base parameters keep RunParams' messages.
            ("voters=abc", "voters", "1 to 9"),
            ("seed=-4", "seed", "0 to 9007199254740991"),
        ];
        for (query, param, needle) in cases {
            let e = refused(query);
            assert_eq!(e.param, *param, "{query}: {e}");
            let text = e.to_string();
            assert!(
                text.contains(needle) && text.contains(&format!("{param}=")),
                "{query}: {text}"
            );
        }
    }

    #[test]
    fn test_error_text_is_a_sentence_naming_the_value() {
        assert_eq!(
            refused("?voters=abc").to_string(),
            "The URL parameter voters=\"abc\" is not valid: voters must be a whole number from \
             1 to 9."
        );
        assert_eq!(
            refused("pos=soon").to_string(),
            "The URL parameter pos=\"soon\" is not valid: pos must be a whole number from 0 to \
             5000000."
        );
    }

    #[test]
    fn test_hand_typed_plus_in_faults_survives() {
        let link = Link::parse("voters=3&f=5:l2+300").expect("a space is read as +");
        assert_eq!(
            link.faults,
            vec![(
                5,
                UserAction::Delay {
                    msg: MsgId(2),
                    extra_ms: 300
                }
            )]
        );
    }

    #[test]
    fn test_embed_and_compact_flags() {
        assert!(is_embed("?seed=1&embed") && is_embed("compact=1") && is_embed("embed&voters=x"));
        assert!(!is_embed("seed=1") && !is_embed("embed=0"));
        assert!(Link::parse("embed").expect("bare").embed);
        assert!(Link::parse("compact=1").expect("alias").embed);
        assert!(!Link::parse("embed=0").expect("off").embed);
    }
}
