//! The ensemble as an SVG with a fixed `viewBox` (SG-23): connections and partitions
//! underneath, server cards on the ring (two columns on a phone), the epoch-wait gauge or the
//! headline in the middle, accept flashes and messages in flight on top.

use crate::components::accept_flash::AcceptFlashView;
use crate::components::connection_line::ConnectionLine;
use crate::components::epoch_gauge::EpochGaugeView;
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
    /// Attached to the `<svg>`, so the app can measure the box it is shown in.
    #[prop_or_default]
    pub node: NodeRef,
}

#[component]
pub fn ClusterView(props: &ClusterViewProps) -> Html {
    let m = &props.model;
    let on_action = &props.on_action;
    let (vw, vh) = (m.viewport.w, m.viewport.h);
    // A click on the background clears the selection.
    let onclick = on_action.reform(|_: MouseEvent| Action::Select(None));
    let mid = m.middle.center();
    html! {
        <svg ref={props.node.clone()} class={classes!("cluster", m.viewport.portrait.then_some("cluster--portrait"), m.settled.then_some("cluster--settled"))}
            viewBox={format!("0 0 {vw} {vh}")}
            preserveAspectRatio="xMidYMid meet" role="img"
            aria-label="The ensemble: servers on a ring, their threads, connections and the messages in flight">
            <defs>
                <marker id="arrow-connect" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                    <path class="marker-connect" d="M 0 0 L 10 5 L 0 10 z" />
                </marker>
                <marker id="arrow-cut" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                    <path class="marker-cut" d="M 0 0 L 10 5 L 0 10 z" />
                </marker>
            </defs>
            <rect class="cluster__backdrop" width={vw.to_string()} height={vh.to_string()} {onclick} />
            <g class="cluster__links">
                { for m.links.iter().map(|l| html! { <ConnectionLine key={l.id} link={l.clone()} on_action={on_action.clone()} /> }) }
            </g>
            <g class="cluster__cuts">
                { for m.cuts.iter().map(|c| html! { <PartitionMark key={format!("{}-{}", c.from_sid, c.to_sid)} cut={c.clone()} /> }) }
            </g>
            if let Some(g) = &m.gauge {
                <EpochGaugeView gauge={g.clone()} place={m.middle} />
            } else {
                <text class="cluster__headline" x={mid.x.to_string()} y={mid.y.to_string()}
                    text-anchor="middle">{ &m.headline }</text>
            }
            <g class="cluster__peers">
                { for m.peers.iter().map(|p| html! {
                    <PeerCard key={p.sid.0} peer={p.clone()} on_action={on_action.clone()} />
                }) }
            </g>
            <g class="cluster__accepts">
                { for m.accepts.iter().map(|a| html! { <AcceptFlashView key={a.key} flash={a.clone()} /> }) }
            </g>
            <g class="cluster__messages">
                { for m.messages.iter().map(|msg| html! {
                    <MessagePill key={msg.id.0} message={msg.clone()} on_action={on_action.clone()} />
                }) }
            </g>
        </svg>
    }
}
