//! The ensemble as an SVG ring with a fixed `viewBox` (SG-23): connections underneath, server
//! cards on the ring, messages in flight on top.

use crate::components::connection_line::ConnectionLine;
use crate::components::message_pill::MessagePill;
use crate::components::peer_card::PeerCard;
use crate::state::Action;
use crate::view_model::cluster_model::ClusterModel;
use crate::view_model::ring_layout::{VIEW_H, VIEW_W};
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
    // A click on the background clears the selection.
    let onclick = on_action.reform(|_: MouseEvent| Action::Select(None));
    html! {
        <svg class="cluster" viewBox={format!("0 0 {VIEW_W} {VIEW_H}")}
            preserveAspectRatio="xMidYMid meet" role="img"
            aria-label="The ensemble: servers on a ring, their connections and the messages in flight">
            <rect class="cluster__backdrop" width={VIEW_W.to_string()} height={VIEW_H.to_string()} {onclick} />
            <g class="cluster__links">
                { for m.links.iter().map(|l| html! { <ConnectionLine key={l.id} link={l.clone()} /> }) }
            </g>
            <text class="cluster__headline" x={(VIEW_W / 2.0).to_string()} y={(VIEW_H / 2.0).to_string()}
                text-anchor="middle">{ &m.headline }</text>
            <g class="cluster__peers">
                { for m.peers.iter().map(|p| html! {
                    <PeerCard key={p.sid.0} peer={p.clone()} card={m.card} on_action={on_action.clone()} />
                }) }
            </g>
            <g class="cluster__messages">
                { for m.messages.iter().map(|msg| html! {
                    <MessagePill key={msg.id} message={msg.clone()} on_action={on_action.clone()} />
                }) }
            </g>
        </svg>
    }
}
