//! The JavaScript entry point for pages that prefer a script to an iframe:
//!
//! ```js
//! import init, { mount } from './zabscope.js';
//! await init();
//! const frame = mount(document.getElementById('demo'), { scenario: 'leader-crash', seed: 7, autoplay: true });
//! // later: frame.unmount();
//! ```
//!
//! The options are the link's parameters under friendlier names (docs/embedding.md lists them).
//!
//! ```text
//!   JsValue ──OptionValue::of──▶ (name, OptionValue)… ──MountOptions::from_entries──▶
//!     MountOptions ──to_query──▶ "seed=7&…" ──Link::parse──▶ the App's query
//! ```
//!
//! Only the first arrow needs a browser. `from_entries` refuses unknown names (a typo would
//! be a different run), wrong types, and `embed` with `compact`; the link codec then checks
//! the values, and its error is reworded to name the option. Every error is a
//! [`MountError`], tested natively.

use crate::components::app::{App, AppProps};
use crate::components::embed_frame::{EmbedApp, EmbedAppProps};
use crate::link::{Link, LinkError, MAX_POS, SPEED_RANGE};
use crate::run_params::MAX_SEED;
use core::fmt;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::AttrValue;
use zab::config::{MAX_OBSERVERS, MAX_VOTERS};

/// The option names `mount` knows (JavaScript spelling).
pub const OPTION_NAMES: [&str; 14] = [
    "seed",
    "voters",
    "observers",
    "scenario",
    "speed",
    "autoplay",
    "embed",
    "compact",
    "faults",
    "pos",
    "appUrl",
    "group",
    "zk",
    "bug",
];

/// What `mount` accepts. Every field is optional. Numbers are JavaScript numbers, kept as they
/// came: the link codec checks that they are whole and in range, so its messages apply.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MountOptions {
    /// A whole number from 0 to 2^53 − 1.
    pub seed: Option<f64>,
    pub voters: Option<f64>,
    pub observers: Option<f64>,
    /// A scenario name (`leader-crash`); its shape replaces voters/observers.
    pub scenario: Option<String>,
    /// A ZooKeeper release (`"3.8"`, `"3.9.3"`); the newest when absent.
    pub zk: Option<String>,
    /// A registered bug older than every profile (`"ZOOKEEPER-2845"`): its old code on.
    pub bug: Option<String>,
    /// Simulated ms per real ms, 0.01 to 10.
    pub speed: Option<f64>,
    /// Start playing at once.
    pub autoplay: Option<bool>,
    /// The compact frame (default) or, with `false`, the full app. `compact` is another name
    /// for it.
    pub embed: Option<bool>,
    /// Faults as in a link's `f`: `step:code` comma-separated, e.g. `"400:c1,900:r1"`.
    pub faults: Option<String>,
    /// Stand after this many events.
    pub pos: Option<f64>,
    /// Where "Open in ZabScope" points (default: the host page's directory).
    pub app_url: Option<String>,
    /// Frames mounted with the same group play one at a time: Play in one pauses the others.
    pub group: Option<String>,
}

/// One value of the options object, as far as `mount` tells values apart. The browser glue
/// ([`OptionValue::of`]) makes these from `JsValue`s; everything after is plain Rust.
#[derive(Clone, Debug, PartialEq)]
pub enum OptionValue {
    /// `undefined` or `null`: the option is left out.
    Absent,
    Bool(bool),
    Number(f64),
    String(String),
    /// Anything else, described for a message: "an object", "an array", "a bigint", ….
    Other(&'static str),
}

impl OptionValue {
    /// The value of a JavaScript value (browser only: it asks the JavaScript engine).
    pub fn of(value: &JsValue) -> OptionValue {
        if value.is_undefined() || value.is_null() {
            OptionValue::Absent
        } else if let Some(b) = value.as_bool() {
            OptionValue::Bool(b)
        } else if let Some(n) = value.as_f64() {
            OptionValue::Number(n)
        } else if let Some(s) = value.as_string() {
            OptionValue::String(s)
        } else if value.is_bigint() {
            OptionValue::Other("a bigint")
        } else if value.is_symbol() {
            OptionValue::Other("a symbol")
        } else if value.is_function() {
            OptionValue::Other("a function")
        } else if js_sys::Array::is_array(value) {
            OptionValue::Other("an array")
        } else {
            OptionValue::Other("an object")
        }
    }

    /// How a message shows it: `the string "five"`, `the number 1.5`, `true`, `an object`.
    fn describe(&self) -> String {
        match self {
            OptionValue::Absent => "undefined".to_string(),
            OptionValue::Bool(b) => b.to_string(),
            OptionValue::Number(n) => format!("the number {}", js_number(*n)),
            OptionValue::String(s) => format!("the string {s:?}"),
            OptionValue::Other(what) => what.to_string(),
        }
    }
}

/// A number as JavaScript prints it (`7`, `1.5`, `NaN`, `Infinity`), for messages and for the
/// query string the link codec checks.
fn js_number(n: f64) -> String {
    if n.is_nan() {
        "NaN".to_string()
    } else if n == f64::INFINITY {
        "Infinity".to_string()
    } else if n == f64::NEG_INFINITY {
        "-Infinity".to_string()
    } else if n == 0.0 {
        // -0 too, which JavaScript prints (and a link reads) as 0.
        "0".to_string()
    } else {
        // Rust prints every finite f64 in plain decimal, never with an exponent.
        format!("{n}")
    }
}

/// Why `mount` refused its options. Every message starts with "ZabScope mount:" and names the
/// option.
#[derive(Clone, Debug, PartialEq)]
pub enum MountError {
    /// `options` is not an object (or undefined/null).
    NotAnObject { got: String },
    /// A name `mount` does not know: a typo would otherwise be a different run.
    UnknownOption { name: String },
    /// The option has the wrong JavaScript type.
    WrongType {
        option: &'static str,
        got: OptionValue,
    },
    /// `embed` and `compact`, which are one option under two names.
    BothNames {
        first: &'static str,
        second: &'static str,
    },
    /// The value has the right type but the link codec refuses it.
    Invalid {
        option: &'static str,
        error: LinkError,
    },
}

/// What an option takes, for messages (and docs/embedding.md).
fn expected(option: &str) -> String {
    match option {
        "seed" => format!("a number (a whole number from 0 to {MAX_SEED})"),
        "voters" => format!("a number (a whole number from 1 to {MAX_VOTERS})"),
        "observers" => format!("a number (a whole number from 0 to {MAX_OBSERVERS})"),
        "pos" => format!("a number (a whole number from 0 to {MAX_POS})"),
        "speed" => format!("a number (from {} to {})", SPEED_RANGE.0, SPEED_RANGE.1),
        "autoplay" | "embed" | "compact" => "a boolean (true or false)".to_string(),
        "scenario" => "a string (a scenario's name)".to_string(),
        "zk" => "a string (a ZooKeeper release, e.g. \"3.8\")".to_string(),
        "bug" => "a string (a registered bug's id, e.g. \"ZOOKEEPER-2845\")".to_string(),
        "group" => "a string (any name shared by the frames that play one at a time)".to_string(),
        "faults" => "a string (step:action items, e.g. \"400:c1,900:r1\")".to_string(),
        _ => "a string".to_string(),
    }
}

impl fmt::Display for MountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ZabScope mount: ")?;
        match self {
            MountError::NotAnObject { got } => write!(
                f,
                "the options must be an object (or undefined), not {got}."
            ),
            MountError::UnknownOption { name } => write!(
                f,
                "unknown option `{name}`; the options are {}.",
                OPTION_NAMES.join(", ")
            ),
            MountError::WrongType { option, got } => write!(
                f,
                "the option {option} must be {}, not {}.",
                expected(option),
                got.describe()
            ),
            MountError::BothNames { first, second } => write!(
                f,
                "the options {first} and {second} are one option under two names; give only \
                 one of them."
            ),
            MountError::Invalid { option, error } => {
                let value = error.value();
                let shown = match *option {
                    "scenario" | "faults" | "zk" | "bug" => format!("{value:?}"),
                    _ => value,
                };
                write!(
                    f,
                    "the option {option} = {shown} is not valid: {}.",
                    error.problem(option)
                )
            }
        }
    }
}

impl std::error::Error for MountError {}

impl MountOptions {
    /// The options of an object's `(name, value)` entries, checking names and types.
    pub fn from_entries(
        entries: impl IntoIterator<Item = (String, OptionValue)>,
    ) -> Result<MountOptions, MountError> {
        let mut o = MountOptions::default();
        let mut embed_name: Option<&'static str> = None;
        for (name, value) in entries {
            let Some(option) = OPTION_NAMES.iter().copied().find(|n| *n == name) else {
                return Err(MountError::UnknownOption { name });
            };
            if value == OptionValue::Absent {
                continue;
            }
            let wrong = |value: OptionValue| MountError::WrongType { option, got: value };
            let number = |value: OptionValue| match value {
                OptionValue::Number(n) => Ok(Some(n)),
                v => Err(wrong(v)),
            };
            let text = |value: OptionValue| match value {
                OptionValue::String(s) => Ok(Some(s)),
                v => Err(wrong(v)),
            };
            let boolean = |value: OptionValue| match value {
                OptionValue::Bool(b) => Ok(Some(b)),
                v => Err(wrong(v)),
            };
            match option {
                "seed" => o.seed = number(value)?,
                "voters" => o.voters = number(value)?,
                "observers" => o.observers = number(value)?,
                "speed" => o.speed = number(value)?,
                "pos" => o.pos = number(value)?,
                "scenario" => o.scenario = text(value)?,
                "zk" => o.zk = text(value)?,
                "bug" => o.bug = text(value)?,
                "faults" => o.faults = text(value)?,
                "appUrl" => o.app_url = text(value)?,
                "group" => o.group = text(value)?,
                "autoplay" => o.autoplay = boolean(value)?,
                _ => {
                    // `embed` or `compact`.
                    if let Some(first) = embed_name {
                        return Err(MountError::BothNames {
                            first,
                            second: option,
                        });
                    }
                    embed_name = Some(option);
                    o.embed = boolean(value)?;
                }
            }
        }
        Ok(o)
    }

    /// The query string these options stand for (not yet validated).
    pub fn to_query(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if let Some(v) = self.seed {
            parts.push(format!("seed={}", encode(&js_number(v))));
        }
        if let Some(v) = self.voters {
            parts.push(format!("voters={}", encode(&js_number(v))));
        }
        if let Some(v) = self.observers {
            parts.push(format!("observers={}", encode(&js_number(v))));
        }
        if let Some(v) = &self.scenario {
            parts.push(format!("scenario={}", encode(v)));
        }
        if let Some(v) = &self.zk {
            parts.push(format!("zk={}", encode(v)));
        }
        if let Some(v) = &self.bug {
            parts.push(format!("bug={}", encode(v)));
        }
        if let Some(v) = self.speed {
            parts.push(format!("speed={}", encode(&js_number(v))));
        }
        if let Some(v) = &self.faults {
            parts.push(format!("f={}", encode(v)));
        }
        if let Some(v) = self.pos {
            parts.push(format!("pos={}", encode(&js_number(v))));
        }
        if self.autoplay == Some(true) {
            parts.push("play=1".to_string());
        }
        if self.embed.unwrap_or(true) {
            parts.push("embed=1".to_string());
        }
        parts.join("&")
    }

    /// Check the options the way a link is checked; the error names the option.
    pub fn validate(&self) -> Result<String, MountError> {
        let query = self.to_query();
        Link::parse(&query).map_err(|error| MountError::Invalid {
            option: option_of(error.param()),
            error,
        })?;
        Ok(query)
    }
}

/// The option behind a link parameter of [`MountOptions::to_query`].
fn option_of(param: &'static str) -> &'static str {
    match param {
        "f" => "faults",
        "play" => "autoplay",
        p => p,
    }
}

/// Percent-encode what could break a query string.
fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b':' | b',' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// What `mount` rendered: the compact frame, or the full app (`embed: false`).
enum Handle {
    Frame(yew::AppHandle<EmbedApp>),
    App(yew::AppHandle<App>),
}

/// A mounted frame; `unmount()` removes it.
#[wasm_bindgen]
pub struct Mounted {
    handle: Option<Handle>,
}

#[wasm_bindgen]
impl Mounted {
    /// Remove the frame from its element and stop its simulation.
    pub fn unmount(&mut self) {
        match self.handle.take() {
            Some(Handle::Frame(h)) => h.destroy(),
            Some(Handle::App(h)) => h.destroy(),
            None => {}
        }
    }
}

/// The `(name, value)` entries of the options object (browser only).
fn read_options(options: &JsValue) -> Result<Vec<(String, OptionValue)>, MountError> {
    let value = OptionValue::of(options);
    match value {
        OptionValue::Absent => return Ok(Vec::new()),
        OptionValue::Other("an object") => {}
        got => {
            return Err(MountError::NotAnObject {
                got: got.describe(),
            })
        }
    }
    let object: &js_sys::Object = options.unchecked_ref();
    let mut entries = Vec::new();
    for key in js_sys::Object::keys(object).iter() {
        // Object.keys gives strings only.
        let name = key.as_string().unwrap_or_default();
        let value = js_sys::Reflect::get(options, &key).unwrap_or(JsValue::UNDEFINED);
        entries.push((name, OptionValue::of(&value)));
    }
    Ok(entries)
}

/// Mount ZabScope into `element`. Throws an `Error` naming the option when one is wrong.
/// The size of this module's linear memory, in bytes: what a long run costs the tab. Exported
/// for benchmarks (`scripts/bench-memory.js` reads it through Trunk's `window.wasmBindings`).
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn wasm_memory_bytes() -> f64 {
    core::arch::wasm32::memory_size::<0>() as f64 * 65_536.0
}

#[wasm_bindgen]
pub fn mount(element: web_sys::Element, options: JsValue) -> Result<Mounted, JsError> {
    let error = |e: MountError| JsError::new(&e.to_string());
    let options =
        MountOptions::from_entries(read_options(&options).map_err(error)?).map_err(error)?;
    let query = options.validate().map_err(error)?;
    let app_url: AttrValue = options.app_url.unwrap_or_else(|| "./".to_string()).into();
    let handle = if crate::link::is_embed(&query) {
        // The compact frame directly (what `App` shows for `?embed`), with its group.
        let props = EmbedAppProps {
            query: query.into(),
            app_url: Some(app_url),
            group: options.group.map(AttrValue::from),
        };
        Handle::Frame(yew::Renderer::<EmbedApp>::with_root_and_props(element, props).render())
    } else {
        let props = AppProps {
            query: query.into(),
            sync_url: false,
            app_url: Some(app_url),
        };
        Handle::App(yew::Renderer::<App>::with_root_and_props(element, props).render())
    };
    Ok(Mounted {
        handle: Some(handle),
    })
}

#[cfg(test)]
mod tests;
