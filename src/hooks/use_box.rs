//! The size of an element's box in CSS px, kept current by a `ResizeObserver` (no polling).
//! The cluster drawing is laid out in that box's own pixels, so its text is never scaled.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

type ResizeClosure = Closure<dyn FnMut(js_sys::Array)>;

/// `node`'s content width and height, whole pixels, once it is laid out (`None` before, or
/// while it has no size).
#[hook]
pub fn use_box_size(node: NodeRef) -> Option<(f64, f64)> {
    let size = use_state(|| None::<(f64, f64)>);
    {
        let size = size.clone();
        use_effect_with(node, move |node| {
            let watch = node.cast::<web_sys::Element>().and_then(|el| {
                let report = move |w: f64, h: f64| {
                    let s = (w > 0.0 && h > 0.0).then(|| (w.floor(), h.floor()));
                    if *size != s {
                        size.set(s);
                    }
                };
                report(f64::from(el.client_width()), f64::from(el.client_height()));
                let closure: ResizeClosure = Closure::new(move |entries: js_sys::Array| {
                    if let Ok(e) = entries.get(0).dyn_into::<web_sys::ResizeObserverEntry>() {
                        let r = e.content_rect();
                        report(r.width(), r.height());
                    }
                });
                let observer =
                    web_sys::ResizeObserver::new(closure.as_ref().unchecked_ref()).ok()?;
                observer.observe(&el);
                Some((observer, closure))
            });
            move || {
                if let Some((observer, _closure)) = watch {
                    observer.disconnect();
                }
            }
        });
    }
    *size
}
