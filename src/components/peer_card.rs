//! One server on the ring: its sid, `ServerState`, vote, logicalclock, and its threads as rows.

use crate::state::Action;
use crate::view_model::cluster_model::{PeerLook, PeerModel, ThreadRow};
use crate::view_model::ring_layout::{
    pips_width, CardSize, CARD_PAD, HEADER_TEXT_X, PHASE_GAP, PIP, PIP_GAP, WAIT_INDENT,
};
use yew::prelude::*;

/// Vertical rhythm of a card, in viewBox units.
const PAD: f64 = CARD_PAD;
const HEADER_BASELINE: f64 = 28.0;
const LINE: f64 = 16.0;
const THREADS_TOP: f64 = 86.0;
/// Text stops this far left of the card's right edge.
const CONTENT_INSET: f64 = 7.0;

#[derive(Properties, PartialEq)]
pub struct PeerCardProps {
    pub peer: PeerModel,
    pub card: CardSize,
    pub on_action: Callback<Action>,
}

#[component]
pub fn PeerCard(props: &PeerCardProps) -> Html {
    let PeerCardProps {
        peer,
        card,
        on_action,
    } = props;
    let sid = peer.sid;
    let selected = peer.selected;
    let onclick = on_action.reform(move |_: MouseEvent| Action::Select((!selected).then_some(sid)));
    let onkeydown = {
        let on_action = on_action.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
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
        card.tiny.then_some("peer-card--tiny"),
    );
    let state = peer.look.label();
    let chip_w = card.chip_width(state);
    let label = format!(
        "server {sid}, {state}{}",
        if peer.observer { ", observer" } else { "" }
    );

    let mut rows = Vec::new();
    let mut line_y = THREADS_TOP;
    for t in &peer.threads {
        rows.push(thread_row(t, line_y));
        line_y += LINE * t.lines() as f64;
    }
    if peer.hidden_threads > 0 {
        rows.push(html! {
            <text class="peer-card__more" x={PAD.to_string()} y={line_y.to_string()}>
                { format!("+{} more thread{}", peer.hidden_threads, if peer.hidden_threads == 1 { "" } else { "s" }) }
            </text>
        });
    }

    html! {
        <g {class} transform={format!("translate({x:.1} {y:.1})")} {onclick} {onkeydown}
            tabindex="0" role="button" aria-label={label} aria-pressed={peer.selected.to_string()}
            data-sid={sid.to_string()} data-state={state}>
            <title>{ format!("Server {sid}{}: click to inspect", if peer.observer { " (observer)" } else { "" }) }</title>
            <rect class="peer-card__box" width={w.to_string()} height={h.to_string()} rx="12" />
            <rect class="peer-card__band" width="6" height={(h - 24.0).to_string()} x="0" y="12" rx="3" />
            <text class="peer-card__sid" x={PAD.to_string()} y={HEADER_BASELINE.to_string()}>{ sid.to_string() }</text>
            <rect class="peer-card__chip" x={(w - PAD - chip_w).to_string()} y="11" width={chip_w.to_string()} height="22" rx="11" />
            <text class="peer-card__state" x={(w - PAD - chip_w / 2.0).to_string()} y="26" text-anchor="middle">{ state }</text>
            // A nested <svg> clips its content: text that a font renders wider than the
            // view-model's estimate stops at the card's inner edge instead of spilling out.
            <svg class="peer-card__content" width={(w - CONTENT_INSET).to_string()} height={h.to_string()}>
            <text class="peer-card__role" x={HEADER_TEXT_X.to_string()} y={HEADER_BASELINE.to_string()}>{ &peer.zab_state }</text>
            if peer.look == PeerLook::NotStarted {
                <text class="peer-card__line peer-card__line--muted" x={PAD.to_string()} y="56">{ "not started yet" }</text>
            } else if peer.look == PeerLook::Crashed {
                <text class="peer-card__line peer-card__line--muted" x={PAD.to_string()} y="56">{ "process down, disk kept" }</text>
                <text class="peer-card__line peer-card__line--muted" x={PAD.to_string()} y="72">{ "select to restart" }</text>
            } else {
                <text class="peer-card__line" x={PAD.to_string()} y="52">{ &peer.vote }</text>
                <text class="peer-card__line peer-card__line--muted" x={PAD.to_string()} y="68">{ &peer.clock }</text>
                <line class="peer-card__rule" x1={PAD.to_string()} x2={(w - PAD).to_string()} y1="76" y2="76" />
                { for rows }
            }
            </svg>
        </g>
    }
}

fn thread_row(t: &ThreadRow, y: f64) -> Html {
    let blocked = t.blocked.as_ref().map(|b| {
        let need = b.need.min(9) as usize;
        let pips_w = pips_width(b.need);
        let pips = (0..need).map(|i| {
            let filled = i < b.have.len();
            html! {
                <rect class={classes!("gauge__pip", filled.then_some("gauge__pip--have"))}
                    x={(PAD + WAIT_INDENT + i as f64 * (PIP + PIP_GAP)).to_string()} y={(y + LINE - 8.0).to_string()}
                    width={PIP.to_string()} height={PIP.to_string()} rx="2" />
            }
        });
        html! {
            <g class="thread-row__wait">
                { for pips }
                <text class="thread-row__blocked" x={(PAD + WAIT_INDENT + pips_w + 4.0).to_string()} y={(y + LINE).to_string()}>
                    { &b.short }
                </text>
            </g>
        }
    });
    html! {
        <g class={classes!("thread-row", t.blocked.is_some().then_some("thread-row--blocked"))}>
            <title>{ format!("{}: {}", t.name, t.phase) }</title>
            <text class="thread-row__text" x={PAD.to_string()} y={y.to_string()}>
                <tspan class="thread-row__name">{ &t.name }</tspan>
                <tspan class="thread-row__phase" dx={PHASE_GAP.to_string()}>{ &t.phase }</tspan>
            </text>
            { blocked.unwrap_or_default() }
        </g>
    }
}
