//! The `?` overlay: every keyboard shortcut, read from the one table the keyboard hook uses.

use crate::state::Action;
use crate::view_model::keys::{BINDINGS, DIAGRAM_BINDINGS};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct HelpOverlayProps {
    pub on_action: Callback<Action>,
}

#[component]
pub fn HelpOverlay(props: &HelpOverlayProps) -> Html {
    let close = props
        .on_action
        .reform(|_: MouseEvent| Action::ShowHelp(false));
    let keep = Callback::from(|e: MouseEvent| e.stop_propagation());
    html! {
        <div class="help-overlay" onclick={close.clone()}>
            <div class="help-overlay__dialog" role="dialog" aria-modal="true" aria-labelledby="help-title" onclick={keep}>
                <div class="help-overlay__head">
                    <h2 id="help-title" class="help-overlay__title">{ "Keyboard" }</h2>
                    <button class="btn btn--small" onclick={close} aria-label="Close help">{ "×" }</button>
                </div>
                <table class="help-overlay__keys">
                    <tbody>
                        { for BINDINGS.iter().map(|(keys, what)| html! {
                            <tr><th scope="row"><kbd>{ *keys }</kbd></th><td>{ *what }</td></tr>
                        }) }
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
