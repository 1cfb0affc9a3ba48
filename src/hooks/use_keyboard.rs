//! Keyboard shortcuts: one `keydown` listener on the document, mapping keys through
//! `view_model::keys::command_for` to `Action::Key`. The reducer resolves the command against
//! the current state, so the listener is registered once and never holds stale state.

use crate::state::{Action, UiState};
use crate::view_model::keys::{command_for, is_editing_tag};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

type KeyClosure = Closure<dyn FnMut(web_sys::KeyboardEvent)>;

#[hook]
pub fn use_keyboard(dispatcher: UseReducerDispatcher<UiState>) {
    use_effect_with((), move |_| {
        let listener = listen(dispatcher);
        move || {
            if let Some((document, closure)) = listener {
                let _ = document.remove_event_listener_with_callback(
                    "keydown",
                    closure.as_ref().unchecked_ref(),
                );
            }
        }
    });
}

fn listen(dispatcher: UseReducerDispatcher<UiState>) -> Option<(web_sys::Document, KeyClosure)> {
    let document = web_sys::window()?.document()?;
    let closure: KeyClosure = Closure::new(move |e: web_sys::KeyboardEvent| {
        let editing = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|el| {
                is_editing_tag(&el.tag_name()) || el.has_attribute("contenteditable")
            });
        let modified = e.ctrl_key() || e.meta_key() || e.alt_key();
        if let Some(cmd) = command_for(&e.key(), e.shift_key(), modified, editing) {
            // Space would scroll the page, → would move a focused slider, Home/End would scroll.
            e.prevent_default();
            dispatcher.dispatch(Action::Key(cmd));
        }
    });
    document
        .add_event_listener_with_callback("keydown", closure.as_ref().unchecked_ref())
        .ok()?;
    Some((document, closure))
}
