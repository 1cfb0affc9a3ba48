//! A live TCP connection between two servers: Election channel solid, Quorum channel in its
//! own colour and dashes; a connection not yet open both ways is drawn faint, a connect() on
//! its way carries an arrowhead toward the acceptor, and a connection the leader's
//! LearnerCnxAcceptor just accepted glows for a moment. (A connection is broken from the
//! server's panel, not by a stray click on a thin line: that fault is a deliberate act.)

use crate::view_model::cluster_model::LinkModel;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ConnectionLineProps {
    pub link: LinkModel,
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
        <g {class} data-link={format!("{a}-{b}")}>
            <title>{ &l.title }</title>
            <line class="link__line" {x1} {y1} {x2} {y2} marker-end={marker_end} />
        </g>
    }
}
