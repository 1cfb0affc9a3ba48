//! Seed sweeps in a Web Worker (issue 13): the page hands `www/sweep-worker.js` its own
//! compiled module and the glue's URL, the worker calls [`hunt_seed`] seed after seed, and its
//! messages come back here as [`SweepEvent`]s. Cancelling terminates the worker; a finished
//! sweep terminates it too, so an idle page runs nothing.
//!
//! The worker loads this very module. Its start function (`crate::run`) finds no `window`
//! there and returns, so only the exported [`hunt_seed`] is used.

use crate::view_model::sweep::{Hit, SweepEvent};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// One seed of a sweep, for the worker: `null` when every check held, else
/// `{ step, check, runSeed }` of the first violation (`runSeed`: the seed of the run
/// it opens, which a bug's targeted runs keep from its script). A target that does not parse is thrown
/// as an error naming it (the page only sends targets from its own list).
#[wasm_bindgen(js_name = huntSeed)]
pub fn hunt_seed(target: &str, seed: f64) -> Result<JsValue, JsValue> {
    let target = sim::hunt::Target::parse(target)
        .map_err(|e| JsValue::from_str(&format!("target {target:?}: {e}")))?;
    if !(seed >= 0.0 && seed.fract() == 0.0 && seed <= 9_007_199_254_740_991.0) {
        return Err(JsValue::from_str(&format!(
            "seed {seed} is not a whole number"
        )));
    }
    let outcome = sim::hunt::run(&target, seed as u64);
    let Some(found) = outcome.violation else {
        return Ok(JsValue::NULL);
    };
    let hit = js_sys::Object::new();
    let set = |k: &str, v: JsValue| js_sys::Reflect::set(&hit, &JsValue::from_str(k), &v);
    set("step", JsValue::from_f64(found.step as f64))?;
    set("check", JsValue::from_str(&found.check))?;
    set("runSeed", JsValue::from_f64(outcome.spec.seed as f64))?;
    Ok(hit.into())
}

#[wasm_bindgen]
extern "C" {
    type ImportMeta;

    #[wasm_bindgen(method, getter)]
    fn url(this: &ImportMeta) -> String;

    /// The glue module's own `import.meta`: where the page loaded this module from.
    #[wasm_bindgen(thread_local_v2, js_namespace = import, js_name = meta)]
    static IMPORT_META: ImportMeta;
}

/// A running sweep: its worker and the closures that receive its messages. Dropping it stops
/// the worker.
pub struct Sweep {
    worker: web_sys::Worker,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::ErrorEvent)>,
}

impl Drop for Sweep {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}

impl Sweep {
    /// Tell the worker whether the page's run plays (it then shares the machine's cores with
    /// the page's frames: `www/sweep-worker.js`).
    pub fn pace(&self, playing: bool) {
        let msg = message(&[
            ("kind", JsValue::from_str("pace")),
            ("playing", JsValue::from_bool(playing)),
        ]);
        let _ = self.worker.post_message(&msg);
    }
}

/// Whether this page can run a sweep: a browser with workers, and the app loaded as a module
/// from this page's own origin (a page that embeds the app from elsewhere cannot start a
/// worker from our origin).
pub fn available() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let has_worker = js_sys::Reflect::has(&window, &JsValue::from_str("Worker")).unwrap_or(false);
    let origin = window.location().origin().unwrap_or_default();
    has_worker && glue_url().is_some_and(|u| u.starts_with(&origin))
}

fn glue_url() -> Option<String> {
    #[cfg(target_arch = "wasm32")]
    {
        let url = IMPORT_META.with(ImportMeta::url);
        (!url.is_empty()).then_some(url)
    }
    #[cfg(not(target_arch = "wasm32"))]
    None
}

/// Start sweeping `target` over seeds `from..from + of`, the page's run `playing` or not;
/// `on_event` hears every message.
pub fn start(
    target: &str,
    from: u64,
    of: u64,
    playing: bool,
    on_event: impl Fn(SweepEvent) + 'static,
) -> Result<Sweep, String> {
    let glue = glue_url().ok_or("the app was not loaded as a module")?;
    let worker_url = web_sys::Url::new_with_base("sweep-worker.js", &glue)
        .map_err(|_| "no URL for the worker")?
        .href();
    let options = web_sys::WorkerOptions::new();
    options.set_type(web_sys::WorkerType::Module);
    let worker = web_sys::Worker::new_with_options(&worker_url, &options).map_err(|e| {
        format!(
            "the browser refused the worker: {}",
            crate::share::reason(&e)
        )
    })?;
    let on_event = std::rc::Rc::new(on_event);
    let hear = on_event.clone();
    let on_message = Closure::<dyn FnMut(_)>::new(move |e: web_sys::MessageEvent| {
        if let Some(event) = event_of(&e.data()) {
            hear(event);
        }
    });
    let hear = on_event.clone();
    let on_error = Closure::<dyn FnMut(_)>::new(move |e: web_sys::ErrorEvent| {
        e.prevent_default();
        hear(SweepEvent::Failed(format!(
            "the worker failed: {}",
            e.message()
        )));
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    let msg = message(&[
        ("glue", JsValue::from_str(&glue)),
        ("module", wasm_bindgen::module()),
        ("target", JsValue::from_str(target)),
        ("from", JsValue::from_f64(from as f64)),
        ("to", JsValue::from_f64((from + of) as f64)),
        ("playing", JsValue::from_bool(playing)),
    ]);
    worker
        .post_message(&msg)
        .map_err(|e| format!("could not start the worker: {}", crate::share::reason(&e)))?;
    on_event(SweepEvent::Started {
        from,
        of,
        now_ms: crate::browser::now_ms(),
    });
    Ok(Sweep {
        worker,
        _on_message: on_message,
        _on_error: on_error,
    })
}

/// A message to the worker: an object with these fields.
fn message(fields: &[(&str, JsValue)]) -> js_sys::Object {
    let msg = js_sys::Object::new();
    for (k, v) in fields {
        let _ = js_sys::Reflect::set(&msg, &JsValue::from_str(k), v);
    }
    msg
}

/// A worker message as an event; anything unexpected is ignored.
fn event_of(data: &JsValue) -> Option<SweepEvent> {
    let get = |k: &str| js_sys::Reflect::get(data, &JsValue::from_str(k)).ok();
    let num = |k: &str| get(k).and_then(|v| v.as_f64()).map(|f| f as u64);
    let text = |k: &str| get(k).and_then(|v| v.as_string()).unwrap_or_default();
    let now_ms = crate::browser::now_ms();
    match get("kind")?.as_string()?.as_str() {
        "progress" => Some(SweepEvent::Progress {
            done: num("done")?,
            now_ms,
        }),
        "found" => Some(SweepEvent::Found {
            hit: Hit {
                seed: num("seed")?,
                run_seed: num("runSeed")?,
                step: num("step")?,
                check: text("check"),
                done: num("done")?,
            },
            now_ms,
        }),
        "done" => Some(SweepEvent::Done { now_ms }),
        "error" => Some(SweepEvent::Failed(text("message"))),
        _ => None,
    }
}
