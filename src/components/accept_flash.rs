//! The LearnerCnxAcceptor's accept(): a ring bursting where a learner's Quorum connection
//! meets the leader's card (the event log says it in words). Keyed by the Accept's log index, so each
//! accept plays its one-shot animation once (and nothing runs afterwards).

use crate::view_model::cluster_model::{AcceptFlash, ACCEPT_RING_R};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct AcceptFlashViewProps {
    pub flash: AcceptFlash,
}

#[component]
pub fn AcceptFlashView(props: &AcceptFlashViewProps) -> Html {
    let f = &props.flash;
    let (x, y) = (format!("{:.1}", f.at.x), format!("{:.1}", f.at.y));
    html! {
        <g class="accept-flash" data-learner={f.learner.to_string()}>
            <title>{ format!("LearnerCnxAcceptor on {} accepted {}'s connection: a new LearnerHandler", f.leader, f.learner) }</title>
            <circle class="accept-flash__ring" cx={x.clone()} cy={y.clone()} r={ACCEPT_RING_R.to_string()} />
            <circle class="accept-flash__dot" cx={x} cy={y} r="5" />
        </g>
    }
}
