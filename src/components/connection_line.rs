//! A live TCP connection between two servers: Election channel solid, Quorum channel in its
//! own colour and dashes; a connection not yet open both ways is drawn faint.

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
    );
    html! {
        <line {class} x1={format!("{:.1}", l.from.x)} y1={format!("{:.1}", l.from.y)}
            x2={format!("{:.1}", l.to.x)} y2={format!("{:.1}", l.to.y)}>
            <title>{ &l.title }</title>
        </line>
    }
}
