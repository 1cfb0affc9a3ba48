//! Where the run is: simulated time, seed, ensemble, how much has happened.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct StatusLineProps {
    pub clock: AttrValue,
    pub seed: u64,
    pub ensemble: AttrValue,
    pub events: usize,
    pub in_flight: usize,
    pub playing: bool,
    pub finished: bool,
}

#[component]
pub fn StatusLine(props: &StatusLineProps) -> Html {
    let mode = if props.finished {
        "quiet: nothing left to happen"
    } else if props.playing {
        "playing"
    } else {
        "paused"
    };
    html! {
        <div class="status-line">
            <span class="status-line__item status-line__clock">{ "t = " }<b>{ &props.clock }</b></span>
            <span class="status-line__item">{ "seed " }<b class="status-line__seed">{ props.seed }</b></span>
            <span class="status-line__item">{ &props.ensemble }</span>
            <span class="status-line__item">{ format!("{} log entries", props.events) }</span>
            <span class="status-line__item">{ format!("{} in flight", props.in_flight) }</span>
            <span class={classes!("status-line__item", "status-line__mode", format!("status-line__mode--{}", if props.playing { "playing" } else { "paused" }))}>{ mode }</span>
        </div>
    }
}
