//! The `?` overlay: every keyboard shortcut, read from the one table the keyboard hook uses.
//!
//! A modal dialog: on open it takes the focus (its close button), Tab and Shift+Tab stay
//! inside it, Esc closes it (the keyboard hook's Escape), and on close the focus goes back to
//! whatever had it before (the `? Keys` button, say).

use crate::components::cluster_view::focus_element;
use crate::state::Action;
use crate::view_model::keys::{BINDINGS, DIAGRAM_BINDINGS};
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct HelpOverlayProps {
    pub on_action: Callback<Action>,
}

/// What Tab can reach inside the dialog.
const FOCUSABLE: &str =
    "button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), \
    textarea:not([disabled]), summary, [tabindex]:not([tabindex=\"-1\"])";

fn active_element() -> Option<web_sys::Element> {
    web_sys::window()?.document()?.active_element()
}

/// Where Tab (or Shift+Tab, `back`) goes from `active` among `items`, when it would leave them:
/// the other end. `None` lets the browser move the focus (it stays inside).
fn wrap_to(len: usize, active: Option<usize>, back: bool) -> Option<usize> {
    if len == 0 {
        return None;
    }
    match (active, back) {
        (None, false) => Some(0),
        (None, true) => Some(len - 1),
        (Some(0), true) => Some(len - 1),
        (Some(i), false) if i + 1 == len => Some(0),
        _ => None,
    }
}

#[component]
pub fn HelpOverlay(props: &HelpOverlayProps) -> Html {
    let close = props
        .on_action
        .reform(|_: MouseEvent| Action::ShowHelp(false));
    let keep = Callback::from(|e: MouseEvent| e.stop_propagation());
    let dialog = use_node_ref();
    let close_button = use_node_ref();
    {
        // Take the focus on open; give it back on close.
        let close_button = close_button.clone();
        use_effect_with((), move |_| {
            let opener = active_element();
            if let Some(el) = close_button.cast::<web_sys::Element>() {
                focus_element(&el);
            }
            move || {
                if let Some(el) = opener.filter(|el| el.is_connected()) {
                    focus_element(&el);
                }
            }
        });
    }
    let onkeydown = {
        let dialog = dialog.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() != "Tab" {
                return;
            }
            let Some(root) = dialog.cast::<web_sys::Element>() else {
                return;
            };
            let Ok(list) = root.query_selector_all(FOCUSABLE) else {
                return;
            };
            let items: Vec<web_sys::Element> = (0..list.length())
                .filter_map(|i| list.get(i)?.dyn_into().ok())
                .collect();
            let active = active_element().and_then(|a| items.iter().position(|e| *e == a));
            if let Some(i) = wrap_to(items.len(), active, e.shift_key()) {
                e.prevent_default();
                focus_element(&items[i]);
            }
        })
    };
    html! {
        <div class="help-overlay" onclick={close.clone()}>
            <div class="help-overlay__dialog" role="dialog" aria-modal="true" aria-labelledby="help-title"
                ref={dialog} onclick={keep} {onkeydown}>
                <div class="help-overlay__head">
                    <h2 id="help-title" class="help-overlay__title">{ "Keyboard" }</h2>
                    <button class="btn btn--small help-overlay__close" ref={close_button} onclick={close}
                        aria-label="Close help">{ "×" }</button>
                </div>
                <table class="help-overlay__keys">
                    <tbody>
                        { for BINDINGS.iter().map(|(keys, what)| html! {
                            <tr><th scope="row"><kbd>{ *keys }</kbd></th><td>{ *what }</td></tr>
                        }) }
                    </tbody>
                </table>
                <h3 class="help-overlay__subtitle">{ "In the drawing" }</h3>
                <table class="help-overlay__keys">
                    <tbody>
                        <tr><th scope="row"><kbd>{ "Tab" }</kbd></th><td>{ "to a server, the messages in flight, the connections" }</td></tr>
                        <tr><th scope="row"><kbd>{ "←  →  ↑  ↓" }</kbd></th><td>{ "the next or previous message (or connection)" }</td></tr>
                        <tr><th scope="row"><kbd>{ "Enter  or  Space" }</kbd></th><td>{ "pick it: a server's or a message's panel; a connection opens its server's panel at “break”" }</td></tr>
                    </tbody>
                </table>
                <h3 class="help-overlay__subtitle">{ "In the space-time diagram, once clicked or focused" }</h3>
                <table class="help-overlay__keys">
                    <tbody>
                        { for DIAGRAM_BINDINGS.iter().map(|(keys, what)| html! {
                            <tr><th scope="row"><kbd>{ *keys }</kbd></th><td>{ *what }</td></tr>
                        }) }
                    </tbody>
                </table>
                <p class="help-overlay__note">
                    { "With the mouse or a finger: pick a server to inspect it and inject faults at it (its panel), a message — on the drawing, in the diagram or in the log — for every field (drop or delay it there). Drag the diagram to pan it; wheel or pinch to zoom." }
                </p>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::wrap_to;

    #[test]
    fn test_tab_wraps_at_the_ends_and_comes_back_from_outside() {
        assert_eq!(wrap_to(3, Some(2), false), Some(0), "Tab on the last");
        assert_eq!(wrap_to(3, Some(0), true), Some(2), "Shift+Tab on the first");
        assert_eq!(wrap_to(3, Some(1), false), None, "the browser moves within");
        assert_eq!(wrap_to(3, None, false), Some(0), "from outside: the first");
        assert_eq!(wrap_to(1, Some(0), false), Some(0), "one button keeps it");
        assert_eq!(wrap_to(0, None, false), None);
    }
}
