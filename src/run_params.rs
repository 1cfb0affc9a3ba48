//! The URL's query string ↔ the run it chooses: `?seed=…&voters=…&observers=…`.
//!
//! A link reproduces a run (SG-22), so the seed is always carried in the URL. Parsing is plain
//! Rust with no browser in sight, so every malformed case is tested natively; the app shows the
//! error's text on the page instead of a blank page or a panic.

use core::fmt;
use zab::config::{MAX_OBSERVERS, MAX_VOTERS};

/// The largest seed a URL may carry: `Number.MAX_SAFE_INTEGER`, so a seed survives any
/// JavaScript that reads the link.
pub const MAX_SEED: u64 = (1 << 53) - 1;
pub const DEFAULT_VOTERS: u32 = 5;
pub const DEFAULT_OBSERVERS: u32 = 0;
/// The latest start position a link may ask for (`t`, simulated ms): one hour.
pub const MAX_START_MS: u64 = 3_600_000;

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

/// A query parameter the app cannot use, with the range it accepts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamError {
    pub param: &'static str,
    pub value: String,
    pub min: u64,
    pub max: u64,
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "The URL parameter {}=\"{}\" is not valid: {} must be a whole number from {} to {}.",
            self.param, self.value, self.param, self.min, self.max
        )
    }
}

impl std::error::Error for ParamError {}

impl RunParams {
    /// Parse a query string (with or without its leading `?`). Unknown parameters are ignored,
    /// so links may carry more than this version understands; an empty `seed=` means "no seed".
    pub fn parse(query: &str) -> Result<RunParams, ParamError> {
        let mut params = RunParams::default();
        for (key, value) in pairs(query) {
            match key.as_str() {
                "seed" if value.is_empty() => params.seed = None,
                "seed" => params.seed = Some(number("seed", &value, 0, MAX_SEED)?),
                "voters" => params.voters = number("voters", &value, 1, MAX_VOTERS.into())? as u32,
                "observers" => {
                    params.observers = number("observers", &value, 0, MAX_OBSERVERS.into())? as u32
                }
                "t" => params.at_ms = Some(number("t", &value, 0, MAX_START_MS)?),
                "play" => params.play = flag("play", &value)?,
                _ => {}
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

/// Turn 64 random bits into a seed a URL carries safely (below 2^53).
pub fn seed_from_bits(bits: u64) -> u64 {
    bits & MAX_SEED
}

/// Parse a seed typed into the seed field.
pub fn parse_seed(text: &str) -> Result<u64, ParamError> {
    number("seed", text.trim(), 0, MAX_SEED)
}

/// A yes/no parameter: present or `1`/`true` is yes, `0`/`false` is no.
pub(crate) fn flag(param: &'static str, value: &str) -> Result<bool, ParamError> {
    match value {
        "" | "1" | "true" => Ok(true),
        "0" | "false" => Ok(false),
        _ => Err(ParamError {
            param,
            value: value.to_string(),
            min: 0,
            max: 1,
        }),
    }
}

pub(crate) fn number(
    param: &'static str,
    value: &str,
    min: u64,
    max: u64,
) -> Result<u64, ParamError> {
    let error = || ParamError {
        param,
        value: value.to_string(),
        min,
        max,
    };
    // `u64::from_str` accepts a leading '+'; a URL with one is a typo, not a number.
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(error());
    }
    let n: u64 = value.parse().map_err(|_| error())?;
    if n < min || n > max {
        return Err(error());
    }
    Ok(n)
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
mod tests {
    use super::*;

    #[test]
    fn test_empty_query_gives_defaults_and_no_seed() {
        assert_eq!(
            RunParams::parse("").expect("empty is fine"),
            RunParams::default()
        );
        assert_eq!(
            RunParams::parse("?").expect("bare ? is fine"),
            RunParams::default()
        );
    }

    #[test]
    fn test_full_query_parses() {
        let p = RunParams::parse("?seed=7&voters=3&observers=2&t=1500&play").expect("valid");
        assert_eq!(
            p,
            RunParams {
                seed: Some(7),
                voters: 3,
                observers: 2,
                at_ms: Some(1500),
                play: true,
            }
        );
        assert_eq!(RunParams::parse(&p.to_query()).expect("round trip"), p);
    }

    #[test]
    fn test_unknown_parameters_are_ignored_and_empty_seed_means_none() {
        let p = RunParams::parse("embed&seed=&voters=7&tour=1").expect("valid");
        assert_eq!(p.seed, None);
        assert_eq!(p.voters, 7);
    }

    #[test]
    fn test_limits_are_inclusive() {
        assert_eq!(RunParams::parse("voters=1").expect("1 voter").voters, 1);
        assert_eq!(RunParams::parse("voters=9").expect("9 voters").voters, 9);
        assert_eq!(RunParams::parse("observers=4").expect("4 obs").observers, 4);
        let max = format!("seed={MAX_SEED}");
        assert_eq!(
            RunParams::parse(&max).expect("max seed").seed,
            Some(MAX_SEED)
        );
    }

    #[test]
    fn test_malformed_values_name_the_parameter_and_its_range() {
        let cases = [
            ("voters=abc", "voters", "1 to 9"),
            ("voters=100", "voters", "1 to 9"),
            ("voters=0", "voters", "1 to 9"),
            ("voters=", "voters", "1 to 9"),
            ("voters=+3", "voters", "1 to 9"),
            ("observers=-1", "observers", "0 to 4"),
            ("observers=5", "observers", "0 to 4"),
            ("seed=xyz", "seed", "0 to 9007199254740991"),
            ("seed=-4", "seed", "0 to 9007199254740991"),
            ("seed=9007199254740992", "seed", "0 to 9007199254740991"),
            (
                "seed=99999999999999999999999",
                "seed",
                "0 to 9007199254740991",
            ),
            ("t=soon", "t", "0 to 3600000"),
            ("t=3600001", "t", "0 to 3600000"),
            ("play=yes", "play", "0 to 1"),
        ];
        for (query, param, range) in cases {
            let err = RunParams::parse(query).expect_err(query);
            assert_eq!(err.param, param, "{query}");
            let text = err.to_string();
            assert!(
                text.contains(param) && text.contains(range),
                "{query}: {text}"
            );
        }
    }

    #[test]
    fn test_error_text_quotes_the_value() {
        let err = RunParams::parse("?voters=abc").expect_err("abc is no number");
        assert_eq!(
            err.to_string(),
            "The URL parameter voters=\"abc\" is not valid: voters must be a whole number from 1 to 9."
        );
    }

    #[test]
    fn test_play_flag() {
        assert!(RunParams::parse("play").expect("bare flag").play);
        assert!(RunParams::parse("play=true").expect("true").play);
        assert!(!RunParams::parse("play=0").expect("0").play);
        assert!(!RunParams::parse("").expect("absent").play);
    }

    #[test]
    fn test_percent_decoding() {
        assert_eq!(decode("a%20b+c"), "a b c");
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%zz"), "%zz");
        assert_eq!(RunParams::parse("voters=%33").expect("3").voters, 3);
    }

    #[test]
    fn test_seed_from_bits_stays_js_safe() {
        assert_eq!(seed_from_bits(u64::MAX), MAX_SEED);
        assert_eq!(seed_from_bits(42), 42);
        assert_eq!(parse_seed(" 12 ").expect("trimmed"), 12);
        assert!(parse_seed("1e3").is_err());
    }
}
