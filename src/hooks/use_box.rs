//! The shape (width / height) of an element's box, kept current by a `ResizeObserver` (no
//! polling). The cluster drawing takes its box's shape, so it fills the stage at any size.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

type ResizeClosure = Closure<dyn FnMut(js_sys::Array)>;

/// `node`'s width / height, once it is laid out (`None` before, or while it has no size).
#[hook]
pub fn use_box_aspect(node: NodeRef) -> Option<f64> {
    let aspect = use_state(|| None::<f64>);
    {
        let aspect = aspect.clone();
        use_effect_with(node, move |node| {
            let watch = node.cast::<web_sys::Element>().and_then(|el| {
                let report = move |w: f64, h: f64| {
                    let a = (w > 0.0 && h > 0.0).then(|| (w / h * 100.0).round() / 100.0);
                    if *aspect != a {
                        aspect.set(a);
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
    *aspect
}
