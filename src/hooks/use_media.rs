//! Whether a CSS media query matches, kept current by the query's `change` event (no polling).
//! The cluster drawing uses it to switch to its phone layout.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

type ChangeClosure = Closure<dyn FnMut(web_sys::Event)>;

#[hook]
pub fn use_media_query(query: &'static str) -> bool {
    let matches = use_state(|| media(query).is_some_and(|m| m.matches()));
    {
        let matches = matches.clone();
        use_effect_with(query, move |query| {
            let listener = media(query).and_then(|mql| {
                let m = mql.clone();
                let closure: ChangeClosure =
                    Closure::new(move |_: web_sys::Event| matches.set(m.matches()));
                mql.add_event_listener_with_callback("change", closure.as_ref().unchecked_ref())
                    .ok()?;
                Some((mql, closure))
            });
            move || {
                if let Some((mql, closure)) = listener {
                    let _ = mql.remove_event_listener_with_callback(
                        "change",
                        closure.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }
    *matches
}

fn media(query: &str) -> Option<web_sys::MediaQueryList> {
    web_sys::window()?.match_media(query).ok().flatten()
}
