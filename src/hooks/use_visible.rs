//! Whether an element is on screen (an `IntersectionObserver`), so a costly drawing below the
//! fold can skip its work until somebody scrolls to it.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

type IntersectClosure = Closure<dyn FnMut(js_sys::Array)>;

/// `true` while any part of `node` is within the viewport (and before the first report).
#[hook]
pub fn use_visible(node: NodeRef) -> bool {
    let visible = use_state_eq(|| true);
    {
        let visible = visible.clone();
        use_effect_with(node, move |node| {
            let watch = node.cast::<web_sys::Element>().and_then(|el| {
                let closure: IntersectClosure = Closure::new(move |entries: js_sys::Array| {
                    let seen = entries
                        .iter()
                        .rev()
                        .find_map(|e| e.dyn_into::<web_sys::IntersectionObserverEntry>().ok())
                        .map(|e| e.is_intersecting());
                    if let Some(seen) = seen {
                        visible.set(seen);
                    }
                });
                // A sliver at the window's edge (the top of the timeline peeking under the
                // drawing at 1280 × 800) is not "on screen": 32 px of it must be.
                let options = web_sys::IntersectionObserverInit::new();
                options.set_root_margin("-32px 0px -32px 0px");
                let observer = web_sys::IntersectionObserver::new_with_options(
                    closure.as_ref().unchecked_ref(),
                    &options,
                )
                .ok()?;
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
    *visible
}
