//! The key to the drawing: the colours of ServerState, the two kinds of connection, dots and
//! pills, the wait ring, and what the words on a card mean (ZooKeeper's names, spelled out).

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LegendProps {
    /// Messages in flight, and how many of them are labelled (the rest are dots).
    pub in_flight: usize,
    pub labeled: usize,
}

#[component]
pub fn Legend(props: &LegendProps) -> Html {
    let states = ["looking", "following", "leading", "observing", "crashed"];
    let dots = props.in_flight - props.labeled.min(props.in_flight);
    html! {
        <div class="legend-bar">
            <ul class="legend" aria-label="Legend">
                { for states.iter().map(|s| html! {
                    <li class="legend__item"><span class={classes!("legend__swatch", format!("legend__swatch--{s}"))}></span>{ s.to_uppercase() }</li>
                }) }
                <li class="legend__item"><span class="legend__line legend__line--election"></span>{ "election connection" }</li>
                <li class="legend__item"><span class="legend__line legend__line--quorum"></span>{ "learner → leader" }</li>
                <li class="legend__item"><span class="legend__ring"></span>{ "time left in a wait" }</li>
            </ul>
            <p class="legend-bar__flight" role="status">
                { match (props.in_flight, dots) {
                    (0, _) => "no message in flight".to_string(),
                    (n, 0) => format!("{n} in flight, all labelled"),
                    (n, d) => format!("{n} in flight: {d} shown as dots (point at one for its type)"),
                } }
            </p>
            <details class="legend-bar__terms">
                <summary>{ "What the cards say" }</summary>
                <dl>
                    <dt>{ "currentEpoch" }</dt><dd>{ "the epoch of the last leader this server followed to the end of sync (file currentEpoch)" }</dd>
                    <dt>{ "acceptedEpoch" }</dt><dd>{ "the newest epoch it has promised to a leader (file acceptedEpoch)" }</dd>
                    <dt>{ "lastLoggedZxid" }</dt><dd>{ "its newest txn as epoch:counter (a zxid is epoch × 2³² + counter; 1:0 is 0x100000000)" }</dd>
                    <dt>{ "ZabState" }</dt><dd>{ "ELECTION, DISCOVERY, SYNCHRONIZATION or BROADCAST: where this server is in Zab" }</dd>
                    <dt>{ "the thread line" }</dt><dd>{ "the Java thread that matters now and what it does; a quorum wait shows one dot per voter, the server's own ringed" }</dd>
                </dl>
            </details>
        </div>
    }
}
