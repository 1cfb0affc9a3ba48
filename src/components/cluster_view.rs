//! The ensemble as an SVG in CSS pixels (its `viewBox` is its own size, so text is drawn at the
//! size it is declared): connections and partitions underneath, messages without room for a
//! label as dots, the server cards, accept pulses, and labelled messages on top (their
//! places are chosen so they cover nothing).

use crate::components::accept_flash::AcceptFlashView;
use crate::components::connection_line::ConnectionLine;
use crate::components::message_pill::MessagePill;
use crate::components::partition_mark::PartitionMark;
use crate::components::peer_card::PeerCard;
use crate::state::Action;
use crate::view_model::cluster_model::ClusterModel;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ClusterViewProps {
    pub model: Rc<ClusterModel>,
    pub on_action: Callback<Action>,
}

#[component]
pub fn ClusterView(props: &ClusterViewProps) -> Html {
    let m = &props.model;
    let on_action = &props.on_action;
    let (w, h) = (format!("{:.0}", m.w), format!("{:.0}", m.h));
    // A click on the background clears the selection.
    let onclick = on_action.reform(|_: MouseEvent| Action::Select(None));
    let pill = |p: &crate::view_model::cluster_model::PillModel| {
        html! { <MessagePill key={p.id.0} pill={p.clone()} on_action={on_action.clone()} /> }
    };
    html! {
        <svg class={classes!("cluster", m.settled.then_some("cluster--settled"),
                format!("cluster--{}", m.density.modifier()))}
            width={w.clone()} height={h.clone()} viewBox={format!("0 0 {w} {h}")}
            role="group" aria-label="The ensemble: servers, their connections and the messages in flight">
            <defs>
                <marker id="arrow-connect" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                    <path class="marker-connect" d="M 0 0 L 10 5 L 0 10 z" />
                </marker>
                <marker id="arrow-cut" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                    <path class="marker-cut" d="M 0 0 L 10 5 L 0 10 z" />
                </marker>
            </defs>
            <rect class="cluster__backdrop" width={w} height={h} {onclick} />
            <g class="cluster__links">
                { for m.links.iter().map(|l| html! { <ConnectionLine key={l.id} link={l.clone()} /> }) }
            </g>
            <g class="cluster__cuts">
                { for m.cuts.iter().map(|c| html! { <PartitionMark key={format!("{}-{}", c.from_sid, c.to_sid)} cut={c.clone()} /> }) }
            </g>
            <g class="cluster__dots">{ for m.pills.iter().filter(|p| !p.labeled).map(pill) }</g>
            <g class="cluster__peers">
                { for m.cards.iter().map(|c| html! {
                    <PeerCard key={c.sid.0} card={c.clone()} on_action={on_action.clone()} />
                }) }
            </g>
            <g class="cluster__accepts">
                { for m.accepts.iter().map(|a| html! { <AcceptFlashView key={a.key} flash={a.clone()} /> }) }
            </g>
            <g class="cluster__messages">{ for m.pills.iter().filter(|p| p.labeled).map(pill) }</g>
        </svg>
    }
}
