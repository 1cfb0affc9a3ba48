//! The key to the drawing's colours and line styles.

use yew::prelude::*;

#[component]
pub fn Legend() -> Html {
    let states = ["looking", "following", "leading", "observing", "crashed"];
    html! {
        <ul class="legend" aria-label="Legend">
            { for states.iter().map(|s| html! {
                <li class="legend__item"><span class={classes!("legend__swatch", format!("legend__swatch--{s}"))}></span>{ s.to_uppercase() }</li>
            }) }
            <li class="legend__item"><span class="legend__observer"></span>{ "observer" }</li>
            <li class="legend__item"><span class="legend__line legend__line--election"></span>{ "election link" }</li>
            <li class="legend__item"><span class="legend__line legend__line--quorum"></span>{ "quorum link" }</li>
        </ul>
    }
}
