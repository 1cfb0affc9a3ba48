//! The `?` overlay: every keyboard shortcut, read from the one table the keyboard hook uses.

use crate::state::Action;
use crate::view_model::keys::BINDINGS;
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
                <p class="help-overlay__note">
                    { "With the mouse: click a server to inspect it, a message for every field (drop or delay it there), a connection line to break it." }
                </p>
            </div>
        </div>
    }
}
