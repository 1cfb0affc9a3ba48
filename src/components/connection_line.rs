//! A live TCP connection between two servers: Election channel solid, Quorum channel in its
//! own colour and dashes; a connection not yet open both ways is drawn faint, a connect() on
//! its way carries an arrowhead toward the acceptor, and a connection the leader's
//! LearnerCnxAcceptor just accepted glows for a moment. Clicking it breaks every connection
//! between the two servers (`Break{a,b}`, recorded in the session).

use crate::state::Action;
use crate::view_model::cluster_model::LinkModel;
use sim::session::UserAction;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ConnectionLineProps {
    pub link: LinkModel,
    pub on_action: Callback<Action>,
}

#[component]
pub fn ConnectionLine(props: &ConnectionLineProps) -> Html {
    let l = &props.link;
    let class = classes!(
        "link",
        if l.quorum {
            "link--quorum"
        } else {
            "link--election"
        },
        l.pending.then_some("link--pending"),
        l.connecting.then_some("link--connecting"),
        l.fresh.then_some("link--fresh"),
    );
    let (a, b) = (l.a, l.b);
    let onclick = props.on_action.reform(move |e: MouseEvent| {
        e.stop_propagation();
        Action::Act(UserAction::Break { a, b })
    });
    let (x1, y1, x2, y2) = (
        format!("{:.1}", l.from.x),
        format!("{:.1}", l.from.y),
        format!("{:.1}", l.to.x),
        format!("{:.1}", l.to.y),
    );
    // `from` is the connecting side's end, `to` the acceptor's.
    let marker_end = if l.connecting {
        "url(#arrow-connect)"
    } else {
        ""
    };
    html! {
        <g {class} {onclick} data-link={format!("{a}-{b}")}>
            <title>{ &l.title }</title>
            <line class="link__line" x1={x1.clone()} y1={y1.clone()} x2={x2.clone()} y2={y2.clone()}
                marker-end={marker_end} />
            // A wide invisible stroke makes the thin line easy to click.
            <line class="link__hit" {x1} {y1} {x2} {y2} />
        </g>
    }
}
