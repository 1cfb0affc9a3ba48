//! The measured width of an element, reported whenever it changes (a `ResizeObserver`), so
//! SVG drawings can use real pixels instead of stretching a fixed `viewBox`.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

type ResizeClosure = Closure<dyn FnMut(js_sys::Array)>;

/// Call `on_width` with `node`'s content width now and after every resize.
#[hook]
pub fn use_width(node: NodeRef, on_width: Callback<f64>) {
    use_effect_with(node, move |node| {
        let watch = node.cast::<web_sys::Element>().and_then(|el| {
            on_width.emit(f64::from(el.client_width()));
            let report = on_width.clone();
            let closure: ResizeClosure = Closure::new(move |entries: js_sys::Array| {
                let width = entries
                    .get(0)
                    .dyn_into::<web_sys::ResizeObserverEntry>()
                    .ok()
                    .map(|e| e.content_rect().width());
                if let Some(w) = width {
                    report.emit(w);
                }
            });
            let observer = web_sys::ResizeObserver::new(closure.as_ref().unchecked_ref()).ok()?;
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
