//! The URL's query string ↔ the run it chooses: `?seed=…&voters=…&observers=…`.
//!
//! A link reproduces a run (SG-22), so the seed is always carried in the URL. Parsing is plain
//! Rust with no browser in sight, so every malformed case is tested natively; the app shows the
//! error's text on the page instead of a blank page or a panic.
//!
//! Each parameter may appear once: with `?seed=1&seed=2` it is not clear which run the link
//! means, so it is refused rather than letting the last one win.

use core::fmt;
use zab::config::{MAX_OBSERVERS, MAX_VOTERS};

/// The largest seed the app takes anywhere (URL, `mount()`, the seed field):
/// `Number.MAX_SAFE_INTEGER`, so a seed survives any JavaScript that reads the link.
pub const MAX_SEED: u64 = (1 << 53) - 1;
pub const DEFAULT_VOTERS: u32 = 5;
pub const DEFAULT_OBSERVERS: u32 = 0;
/// The latest start position a link may ask for (`t`, simulated ms): one hour.
pub const MAX_START_MS: u64 = 3_600_000;

/// A query parameter the app reads: its name, and the other names it answers to.
pub(crate) type Known = (&'static str, &'static [&'static str]);

/// The parameters [`RunParams`] reads.
pub(crate) const RUN_PARAMS: [Known; 5] = [
    ("seed", &[]),
    ("voters", &[]),
    ("observers", &[]),
    ("t", &[]),
    ("play", &[]),
];

/// What the URL asks for. `seed` is `None` when the URL has none; the app then draws one and
/// writes it back into the URL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunParams {
    pub seed: Option<u64>,
    pub voters: u32,
    pub observers: u32,
    /// `t`: open the run at this simulated time (ms) instead of at its start.
    pub at_ms: Option<u64>,
    /// `play`: start playing at once (for demos and embedding).
    pub play: bool,
}

impl Default for RunParams {
    fn default() -> Self {
        RunParams {
            seed: None,
            voters: DEFAULT_VOTERS,
            observers: DEFAULT_OBSERVERS,
            at_ms: None,
            play: false,
        }
    }
}

/// A query parameter the app cannot use: which, its (first) value, and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamError {
    pub param: &'static str,
    pub value: String,
    pub problem: ParamProblem,
}

/// What is wrong with a parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParamProblem {
    /// Not a whole number from `min` to `max`.
    Range { min: u64, max: u64 },
    /// Not a yes/no value.
    Flag,
    /// Given `times` times. The first was written `first_key`, the second `again_key` with
    /// `again_value` (a key is the parameter's name or one of its aliases).
    Repeated {
        first_key: &'static str,
        again_key: &'static str,
        again_value: String,
        times: usize,
    },
}

impl ParamProblem {
    /// What is wrong, as a sentence fragment about a parameter called `name` (the URL's name,
    /// or the name `mount()` gives the same setting).
    pub fn describe(&self, name: &str) -> String {
        match self {
            ParamProblem::Range { min, max } => {
                format!("{name} must be a whole number from {min} to {max}")
            }
            ParamProblem::Flag => {
                format!("{name} is a yes/no flag: no value, 1 or true for yes, 0 or false for no")
            }
            ParamProblem::Repeated { times, .. } => {
                format!(
                    "{name} is given {} and may be given only once",
                    times_text(*times)
                )
            }
        }
    }
}

fn times_text(times: usize) -> String {
    match times {
        2 => "twice".to_string(),
        n => format!("{n} times"),
    }
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.problem {
            ParamProblem::Repeated {
                first_key,
                again_key,
                again_value,
                times,
            } => {
                write!(
                    f,
                    "The URL parameter {} appears {} ({first_key}=\"{}\", then \
                     {again_key}=\"{again_value}\"",
                    self.param,
                    times_text(*times),
                    self.value
                )?;
                for key in [first_key, again_key] {
                    if *key != self.param {
                        write!(f, "; {key} is another name for {}", self.param)?;
                        break;
                    }
                }
                f.write_str("): give it only once.")
            }
            problem => write!(
                f,
                "The URL parameter {}=\"{}\" is not valid: {}.",
                self.param,
                self.value,
                problem.describe(self.param)
            ),
        }
    }
}

impl std::error::Error for ParamError {}

/// A seed typed into the seed field that is not one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeedError {
    pub text: String,
}

impl fmt::Display for SeedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "\"{}\" is not a seed: a seed is a whole number from 0 to {MAX_SEED}.",
            self.text
        )
    }
}

impl std::error::Error for SeedError {}

impl RunParams {
    /// Parse a query string (with or without its leading `?`). Unknown parameters are ignored,
    /// so links may carry more than this version understands; an empty `seed=` means "no seed".
    /// A parameter given twice is refused.
    pub fn parse(query: &str) -> Result<RunParams, ParamError> {
        let mut params = RunParams::default();
        for Given { param, value, .. } in known_pairs(query, &RUN_PARAMS)? {
            match param {
                "seed" if value.is_empty() => params.seed = None,
                "seed" => params.seed = Some(number("seed", &value, 0, MAX_SEED)?),
                "voters" => params.voters = small("voters", &value, 1, MAX_VOTERS)?,
                "observers" => params.observers = small("observers", &value, 0, MAX_OBSERVERS)?,
                "t" => params.at_ms = Some(number("t", &value, 0, MAX_START_MS)?),
                "play" => params.play = flag("play", &value)?,
                _ => unreachable!("RUN_PARAMS names {param}, which parse does not read"),
            }
        }
        Ok(params)
    }

    /// The query string for these parameters, seed first (without the leading `?`).
    pub fn to_query(&self) -> String {
        let mut q = String::new();
        if let Some(seed) = self.seed {
            q.push_str(&format!("seed={seed}&"));
        }
        q.push_str(&format!(
            "voters={}&observers={}",
            self.voters, self.observers
        ));
        if let Some(t) = self.at_ms {
            q.push_str(&format!("&t={t}"));
        }
        if self.play {
            q.push_str("&play=1");
        }
        q
    }

    /// The same run with this seed.
    pub fn with_seed(self, seed: u64) -> RunParams {
        RunParams {
            seed: Some(seed),
            ..self
        }
    }
}

/// Turn 64 random bits into a seed a URL carries safely (at most [`MAX_SEED`]).
pub fn seed_from_bits(bits: u64) -> u64 {
    bits & MAX_SEED
}

/// Parse a seed typed into the seed field (spaces around it are fine).
pub fn parse_seed(text: &str) -> Result<u64, SeedError> {
    number("seed", text.trim(), 0, MAX_SEED).map_err(|_| SeedError {
        text: text.to_string(),
    })
}

/// A yes/no parameter: present or `1`/`true` is yes, `0`/`false` is no.
pub(crate) fn flag(param: &'static str, value: &str) -> Result<bool, ParamError> {
    match value {
        "" | "1" | "true" => Ok(true),
        "0" | "false" => Ok(false),
        _ => Err(ParamError {
            param,
            value: value.to_string(),
            problem: ParamProblem::Flag,
        }),
    }
}

/// A whole number from `min` to `max`, in decimal digits only.
pub(crate) fn number(
    param: &'static str,
    value: &str,
    min: u64,
    max: u64,
) -> Result<u64, ParamError> {
    let error = || ParamError {
        param,
        value: value.to_string(),
        problem: ParamProblem::Range { min, max },
    };
    // `u64::from_str` accepts a leading '+'; a URL with one is a typo, not a number.
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(error());
    }
    // Digits beyond u64 do not parse: out of range too.
    let n: u64 = value.parse().map_err(|_| error())?;
    if n < min || n > max {
        return Err(error());
    }
    Ok(n)
}

/// [`number`] for a count that fits `u32`.
fn small(param: &'static str, value: &str, min: u32, max: u32) -> Result<u32, ParamError> {
    let n = number(param, value, min.into(), max.into())?;
    Ok(u32::try_from(n).expect("number() keeps n at most max, a u32"))
}

/// One parameter of a query that the app reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Given {
    /// Its name.
    pub param: &'static str,
    /// How the query wrote it: the name or an alias.
    pub key: &'static str,
    pub value: String,
}

/// The parameters of `query` named in `known` (by name or alias), in the query's order,
/// percent-decoded. Other keys are left out. A parameter given more than once, under any of
/// its names, is an error naming its first two values.
pub(crate) fn known_pairs(query: &str, known: &[Known]) -> Result<Vec<Given>, ParamError> {
    let mut given: Vec<Given> = Vec::new();
    for (key, value) in pairs(query) {
        let found = known.iter().find_map(|(param, aliases)| {
            std::iter::once(param)
                .chain(aliases.iter())
                .find(|k| **k == key)
                .map(|k| (*param, *k))
        });
        if let Some((param, key)) = found {
            given.push(Given { param, key, value });
        }
    }
    // A repeat turns up among the first `known.len() + 1` entries, so this loop is short.
    for (i, first) in given.iter().enumerate() {
        let mut again = given[i + 1..].iter().filter(|g| g.param == first.param);
        if let Some(second) = again.next() {
            return Err(ParamError {
                param: first.param,
                value: first.value.clone(),
                problem: ParamProblem::Repeated {
                    first_key: first.key,
                    again_key: second.key,
                    again_value: second.value.clone(),
                    times: 2 + again.count(),
                },
            });
        }
    }
    Ok(given)
}

/// `key=value` pairs of a query string, percent-decoded.
pub(crate) fn pairs(query: &str) -> impl Iterator<Item = (String, String)> + '_ {
    query
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
}

/// `application/x-www-form-urlencoded` decoding: `+` is a space, `%XX` a byte.
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(hi), Some(lo)) => {
                    out.push(hi << 4 | lo);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
pub(crate) mod tests;
