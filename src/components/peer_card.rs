//! One server on the ring: its sid, `ServerState` (colour and chip), ZabState, its epochs and
//! lastLoggedZxid, and its threads as rows. The leader's card and the selected one grow to
//! show every thread.

use crate::components::thread_row::ThreadRowView;
use crate::state::Action;
use crate::view_model::cluster_model::PeerModel;
use crate::view_model::ring_layout::{
    CARD_PAD, HEADER_BASELINE, HEADER_TEXT_X, INFO_LINE_1, INFO_LINE_2, ROW_H,
};
use yew::prelude::*;

/// Text stops this far left of the card's right edge.
const CONTENT_INSET: f64 = 7.0;

#[derive(Properties, PartialEq)]
pub struct PeerCardProps {
    pub peer: PeerModel,
    pub on_action: Callback<Action>,
}

#[component]
pub fn PeerCard(props: &PeerCardProps) -> Html {
    let PeerCardProps { peer, on_action } = props;
    let card = peer.card;
    let sid = peer.sid;
    let selected = peer.selected;
    let onclick = on_action.reform(move |e: MouseEvent| {
        e.stop_propagation();
        Action::Select((!selected).then_some(sid))
    });
    let onkeydown = {
        let on_action = on_action.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" {
                e.prevent_default();
                on_action.emit(Action::Select((!selected).then_some(sid)));
            }
        })
    };
    let (x, y, w, h) = (peer.rect.x, peer.rect.y, card.w, card.h);
    let class = classes!(
        "peer-card",
        format!("peer-card--{}", peer.look.modifier()),
        peer.selected.then_some("peer-card--selected"),
        peer.observer.then_some("peer-card--observer"),
        peer.expanded.then_some("peer-card--expanded"),
        card.tiny.then_some("peer-card--tiny"),
    );
    let state = peer.look.label();
    let chip_w = card.chip_width(state);
    let label = format!(
        "server {sid}, {state}{}",
        if peer.observer { ", observer" } else { "" }
    );

    let info_ys = [INFO_LINE_1, INFO_LINE_2];
    let info = peer.info.iter().zip(info_ys).enumerate().map(|(i, (line, ly))| {
        html! {
            <text class={classes!("peer-card__line", (i > 0).then_some("peer-card__line--muted"))}
                x={CARD_PAD.to_string()} y={ly.to_string()}>{ line }</text>
        }
    });
    let mut rows = Vec::new();
    let mut line_y = card.rows_top();
    for t in &peer.threads {
        let lines = t.lines() as f64;
        rows.push(html! { <ThreadRowView key={format!("{:?}", t.thread)} row={t.clone()} y={line_y} {w} /> });
        line_y += ROW_H * lines;
    }
    let more = (peer.hidden_threads > 0).then(|| {
        html! {
            <text class="peer-card__more" x={CARD_PAD.to_string()} y={line_y.to_string()}>
                { format!("+{} more thread{} — select to see all", peer.hidden_threads,
                    if peer.hidden_threads == 1 { "" } else { "s" }) }
            </text>
        }
    });

    html! {
        <g {class} transform={format!("translate({x:.1} {y:.1})")} {onclick} {onkeydown}
            tabindex="0" role="button" aria-label={label} aria-pressed={peer.selected.to_string()}
            data-sid={sid.to_string()} data-state={state}>
            <title>{ format!("Server {sid}{}: click to inspect", if peer.observer { " (observer)" } else { "" }) }</title>
            <rect class="peer-card__shadow" x="1" y="3" width={w.to_string()} height={h.to_string()} rx="12" />
            <rect class="peer-card__box" width={w.to_string()} height={h.to_string()} rx="12" />
            <rect class="peer-card__band" width="5" height={(h - 24.0).to_string()} x="0" y="12" rx="2.5" />
            <text class="peer-card__sid" x={CARD_PAD.to_string()} y={HEADER_BASELINE.to_string()}>{ sid.to_string() }</text>
            <rect class="peer-card__chip" x={(w - CARD_PAD - chip_w).to_string()} y="10" width={chip_w.to_string()} height="21" rx="10.5" />
            <text class="peer-card__state" x={(w - CARD_PAD - chip_w / 2.0).to_string()} y="24.5" text-anchor="middle">{ state }</text>
            // A nested <svg> clips its content: text that a font renders wider than the
            // view-model's estimate stops at the card's inner edge instead of spilling out.
            <svg class="peer-card__content" width={(w - CONTENT_INSET).to_string()} height={h.to_string()}>
                <text class="peer-card__role" x={HEADER_TEXT_X.to_string()} y={(HEADER_BASELINE - 1.0).to_string()}>{ &peer.zab_state }</text>
                { for info }
                if !peer.look.is_down() {
                    <line class="peer-card__rule" x1={CARD_PAD.to_string()} x2={(w - CARD_PAD).to_string()}
                        y1={card.rule_y().to_string()} y2={card.rule_y().to_string()} />
                    { for rows }
                    { more.unwrap_or_default() }
                }
            </svg>
        </g>
    }
}
