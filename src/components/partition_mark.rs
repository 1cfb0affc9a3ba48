//! A partition between two servers: a red dashed cut across their link with a cross in the
//! middle (a shape, not a glyph: no text to collide with); a one-way partition points the way
//! packets are lost.

use crate::view_model::cluster_model::CutModel;
use sim::network::Direction;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct PartitionMarkProps {
    pub cut: CutModel,
}

#[component]
pub fn PartitionMark(props: &PartitionMarkProps) -> Html {
    let c = &props.cut;
    let mid = c.from.lerp(c.to, 0.5);
    // `from`/`to` run from the blocked sender toward its receiver.
    html! {
        <g class={classes!("cut", (c.direction == Direction::OneWay).then_some("cut--one-way"))}
            data-cut={format!("{}-{}", c.from_sid, c.to_sid)}>
            <title>{ &c.title }</title>
            <line class="cut__line" x1={format!("{:.1}", c.from.x)} y1={format!("{:.1}", c.from.y)}
                x2={format!("{:.1}", c.to.x)} y2={format!("{:.1}", c.to.y)}
                marker-end={if c.direction == Direction::OneWay { "url(#arrow-cut)" } else { "" }} />
            <g transform={format!("translate({:.1} {:.1})", mid.x, mid.y)}>
                <circle class="cut__badge" r="10" />
                <path class="cut__x" d="M -4.5 -4.5 L 4.5 4.5 M 4.5 -4.5 L -4.5 4.5" />
            </g>
        </g>
    }
}
