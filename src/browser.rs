//! The few things the app asks of the browser besides drawing: the URL, a random seed, the
//! user's motion preference, page visibility, and a panic banner. Each degrades to a sensible
//! default when there is no `window` (natively), so nothing here panics outside a browser.

use crate::run_params::{seed_from_bits, RunParams};
use std::sync::atomic::{AtomicU64, Ordering};

/// The id of the element the panic banner is written into.
pub const PANIC_BANNER_ID: &str = "zabscope-panic";

/// The run on screen, for the panic banner: a bug report is a link to it.
static BANNER_SEED: AtomicU64 = AtomicU64::new(u64::MAX);
static BANNER_SHAPE: AtomicU64 = AtomicU64::new(0);

/// The page's query string, with its `?`, or empty.
pub fn location_query() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
}

/// Write the run into the URL without adding a history entry, so a reload or a shared link
/// reproduces it.
pub fn replace_url_query(params: &RunParams) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(history) = window.history() else {
        return;
    };
    let path = window.location().pathname().unwrap_or_default();
    let url = format!("{path}?{}", params.to_query());
    // A failure leaves the old URL in place; the seed is still on the page.
    let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
}

/// A fresh seed from the browser's entropy (`crypto.getRandomValues`), below 2^53 so it
/// survives JavaScript. The only randomness outside the seeded core (DESIGN: packages).
pub fn random_seed() -> u64 {
    let mut buf = [0u8; 8];
    match getrandom::fill(&mut buf) {
        Ok(()) => seed_from_bits(u64::from_le_bytes(buf)),
        // No entropy source: any fixed seed is a valid run, and it is shown and linkable.
        Err(_) => 1,
    }
}

/// Whether the user asked for reduced motion.
pub fn prefers_reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| {
            w.match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
        .is_some_and(|m| m.matches())
}

/// Wall-clock milliseconds (`performance.now()`), for pacing what is drawn; never part of a run.
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Whether the document is hidden (a background tab): the driver schedules no frames then.
pub fn document_hidden() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| d.hidden())
}

/// Remember the run on screen for the panic banner.
pub fn note_run(seed: u64, voters: u32, observers: u32) {
    BANNER_SEED.store(seed, Ordering::Relaxed);
    BANNER_SHAPE.store(
        u64::from(voters) << 32 | u64::from(observers),
        Ordering::Relaxed,
    );
}

/// Show a banner instead of a dead page when the app panics, with the link that reproduces
/// the run, and keep the message in the console.
pub fn install_panic_hook() {
    yew::set_custom_panic_hook(Box::new(|info| {
        let seed = BANNER_SEED.load(Ordering::Relaxed);
        let shape = BANNER_SHAPE.load(Ordering::Relaxed);
        let run = if seed == u64::MAX {
            String::new()
        } else {
            let params = RunParams {
                seed: Some(seed),
                voters: (shape >> 32) as u32,
                observers: (shape & 0xffff_ffff) as u32,
                at_ms: None,
                play: false,
            };
            format!(" Run: ?{} (seed {seed}).", params.to_query())
        };
        let text = format!(
            "ZabScope stopped on an internal error.{run} Reload the page to start again, and \
             please report the link above. Details: {info}"
        );
        web_sys::console::error_1(&text.clone().into());
        show_panic_banner(&text);
    }));
}

fn show_panic_banner(text: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let banner = match document.get_element_by_id(PANIC_BANNER_ID) {
        Some(el) => el,
        None => {
            let Ok(el) = document.create_element("div") else {
                return;
            };
            el.set_id(PANIC_BANNER_ID);
            let _ = el.set_attribute("role", "alert");
            if let Some(body) = document.body() {
                let _ = body.prepend_with_node_1(&el);
            }
            el
        }
    };
    banner.set_class_name("panic-banner");
    banner.set_text_content(Some(text));
}
