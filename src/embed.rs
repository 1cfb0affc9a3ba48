//! The JavaScript entry point for pages that prefer a script to an iframe:
//!
//! ```js
//! import init, { mount } from './zabscope.js';
//! await init();
//! const frame = mount(document.getElementById('demo'), { scenario: 'leader-crash', seed: 7, autoplay: true });
//! // later: frame.unmount();
//! ```
//!
//! The options are the link's parameters under friendlier names (docs/embedding.md lists them);
//! they are turned into a query string and checked by the same codec as a link, so a bad
//! option fails with the same message naming it. Unknown option names are refused too.

use crate::components::app::{App, AppProps};
use crate::link::Link;
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The option names `mount` knows (JavaScript spelling).
pub const OPTION_NAMES: [&str; 11] = [
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
];

/// What `mount` accepts. Every field is optional.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MountOptions {
    pub seed: Option<u64>,
    pub voters: Option<u32>,
    pub observers: Option<u32>,
    /// A scenario name (`leader-crash`); its shape replaces voters/observers.
    pub scenario: Option<String>,
    /// Simulated ms per real ms, 0.01 to 10.
    pub speed: Option<f64>,
    /// Start playing at once.
    pub autoplay: Option<bool>,
    /// The compact frame (default) or, with `false`, the full app.
    pub embed: Option<bool>,
    /// The same as `embed`.
    pub compact: Option<bool>,
    /// Faults as in a link's `f`: `step:code` comma-separated, e.g. `"400:c1,900:r1"`.
    pub faults: Option<String>,
    /// Stand after this many events.
    pub pos: Option<u64>,
    /// Where "Open in ZabScope" points (default: the host page's directory).
    pub app_url: Option<String>,
}

impl MountOptions {
    /// The query string these options stand for (not yet validated).
    pub fn to_query(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if let Some(v) = self.seed {
            parts.push(format!("seed={v}"));
        }
        if let Some(v) = self.voters {
            parts.push(format!("voters={v}"));
        }
        if let Some(v) = self.observers {
            parts.push(format!("observers={v}"));
        }
        if let Some(v) = &self.scenario {
            parts.push(format!("scenario={}", encode(v)));
        }
        if let Some(v) = self.speed {
            parts.push(format!("speed={}", encode(&v.to_string())));
        }
        if let Some(v) = &self.faults {
            parts.push(format!("f={}", encode(v)));
        }
        if let Some(v) = self.pos {
            parts.push(format!("pos={v}"));
        }
        if self.autoplay == Some(true) {
            parts.push("play=1".to_string());
        }
        if self.embed.or(self.compact).unwrap_or(true) {
            parts.push("embed=1".to_string());
        }
        parts.join("&")
    }

    /// Check the options the way a link is checked.
    pub fn validate(&self) -> Result<String, String> {
        let query = self.to_query();
        Link::parse(&query).map_err(|e| e.to_string())?;
        Ok(query)
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

/// A mounted frame; `unmount()` removes it.
#[wasm_bindgen]
pub struct Mounted {
    handle: Option<yew::AppHandle<App>>,
}

#[wasm_bindgen]
impl Mounted {
    /// Remove the frame from its element and stop its simulation.
    pub fn unmount(&mut self) {
        if let Some(h) = self.handle.take() {
            h.destroy();
        }
    }
}

/// Mount ZabScope into `element`. Throws an `Error` naming the option when one is wrong.
#[wasm_bindgen]
pub fn mount(element: web_sys::Element, options: JsValue) -> Result<Mounted, JsError> {
    let options: MountOptions = if options.is_undefined() || options.is_null() {
        MountOptions::default()
    } else {
        // serde-wasm-bindgen reads only the fields it knows, so a misspelt option would be
        // ignored silently: name it instead.
        if let Some(object) = options.dyn_ref::<js_sys::Object>() {
            for key in js_sys::Object::keys(object).iter() {
                let key = key.as_string().unwrap_or_default();
                if !OPTION_NAMES.contains(&key.as_str()) {
                    return Err(JsError::new(&format!(
                        "ZabScope mount: unknown option `{key}`; the options are {}",
                        OPTION_NAMES.join(", ")
                    )));
                }
            }
        }
        serde_wasm_bindgen::from_value(options)
            .map_err(|e| JsError::new(&format!("ZabScope mount: {e}")))?
    };
    let query = options
        .validate()
        .map_err(|e| JsError::new(&format!("ZabScope mount: {e}")))?;
    let props = AppProps {
        query: query.into(),
        sync_url: false,
        app_url: Some(options.app_url.unwrap_or_else(|| "./".to_string()).into()),
    };
    let handle = yew::Renderer::<App>::with_root_and_props(element, props).render();
    Ok(Mounted {
        handle: Some(handle),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_options_become_a_valid_compact_link() {
        let o = MountOptions {
            seed: Some(7),
            scenario: Some("leader-crash".into()),
            speed: Some(0.5),
            autoplay: Some(true),
            faults: Some("400:c1,900:l3+200".into()),
            ..MountOptions::default()
        };
        let q = o.validate().expect("valid");
        let link = Link::parse(&q).expect("valid");
        assert!(link.embed && link.play);
        assert_eq!(link.seed, Some(7));
        assert_eq!(link.faults.len(), 2);
        assert_eq!(link.speed.map(|s| s.0), Some(-15));
    }

    #[test]
    fn test_full_app_when_embed_is_false() {
        let o = MountOptions {
            embed: Some(false),
            ..MountOptions::default()
        };
        assert!(
            !Link::parse(&o.validate().expect("valid"))
                .expect("ok")
                .embed
        );
    }

    #[test]
    fn test_bad_options_name_the_parameter() {
        let bad = MountOptions {
            scenario: Some("nope & more".into()),
            ..MountOptions::default()
        };
        assert!(bad
            .validate()
            .expect_err("unknown")
            .contains("scenario=\"nope & more\""));
        let bad = MountOptions {
            speed: Some(50.0),
            ..MountOptions::default()
        };
        assert!(bad.validate().expect_err("too fast").contains("speed"));
        let bad = MountOptions {
            voters: Some(3),
            faults: Some("5:c4".into()),
            ..MountOptions::default()
        };
        assert!(bad.validate().expect_err("server 4").contains("server 4"));
    }
}
