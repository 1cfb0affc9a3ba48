//! The key to the drawing's colours and line styles, and the network's one global fault
//! control: heal every partition.

use crate::state::Action;
use sim::session::UserAction;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LegendProps {
    /// Partitions are in force (the Heal button is offered).
    #[prop_or_default]
    pub partitioned: bool,
    #[prop_or_default]
    pub on_action: Callback<Action>,
}

#[component]
pub fn Legend(props: &LegendProps) -> Html {
    let states = ["looking", "following", "leading", "observing", "crashed"];
    let heal = props
        .on_action
        .reform(|_: MouseEvent| Action::Act(UserAction::Heal));
    html! {
        <div class="legend-bar">
            <ul class="legend" aria-label="Legend">
                { for states.iter().map(|s| html! {
                    <li class="legend__item"><span class={classes!("legend__swatch", format!("legend__swatch--{s}"))}></span>{ s.to_uppercase() }</li>
                }) }
                <li class="legend__item"><span class="legend__line legend__line--election"></span>{ "election" }</li>
                <li class="legend__item"><span class="legend__line legend__line--quorum"></span>{ "quorum" }</li>
                <li class="legend__item"><span class="legend__ring"></span>{ "wait, time left" }</li>
                if props.partitioned {
                    <li class="legend__item"><span class="legend__cut">{ "✕" }</span>{ "partition" }</li>
                }
            </ul>
            if props.partitioned {
                <button class="btn btn--small legend-bar__heal" onclick={heal}
                    title="Remove every partition (connections are not restored: servers reconnect)">{ "Heal network" }</button>
            }
        </div>
    }
}
