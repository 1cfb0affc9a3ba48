//! One Java thread inside a server's card, on one line: a status glyph (a countdown ring while
//! it waits, a dot while it runs), its name and its phase in ZooKeeper's words. A wait on a
//! monitor takes a second line: the monitor, the set's pips (have/need) and the countdown to
//! its deadline. A row just woken by `notifyAll`, or just created by the LearnerCnxAcceptor,
//! flashes once.

use crate::view_model::cluster_model::ThreadRow;
use crate::view_model::ring_layout::{
    pips_width, ring_arc, CARD_PAD, COUNTDOWN_W, PHASE_GAP, PIP, PIP_GAP, ROW_H, ROW_TEXT_X,
    WAIT_INDENT,
};
use yew::prelude::*;

/// Right edge of a row's text, inside the card's padding.
const RIGHT_INSET: f64 = 12.0;
/// The countdown glyph: its centre's x and radius.
const GLYPH_X: f64 = CARD_PAD + 3.0;
const GLYPH_R: f64 = 4.6;

#[derive(Properties, PartialEq)]
pub struct ThreadRowViewProps {
    pub row: ThreadRow,
    /// The baseline of the row's first line.
    pub y: f64,
    /// The card's width.
    pub w: f64,
}

#[component]
pub fn ThreadRowView(props: &ThreadRowViewProps) -> Html {
    let ThreadRowViewProps { row: t, y, w } = props;
    let (y, w) = (*y, *w);
    let right = w - RIGHT_INSET;
    let lines = t.lines() as f64;
    let glyph_y = y - 4.0;
    let glyph = match &t.blocked {
        Some(b) => html! {
            <g class="thread-row__glyph thread-row__glyph--waiting">
                <circle class="countdown__track" cx={GLYPH_X.to_string()} cy={glyph_y.to_string()} r={GLYPH_R.to_string()} />
                <path class="countdown__arc" d={ring_arc(GLYPH_X, glyph_y, GLYPH_R, b.left)} />
            </g>
        },
        None => html! {
            <circle class="thread-row__glyph thread-row__glyph--running" cx={GLYPH_X.to_string()} cy={glyph_y.to_string()} r="3" />
        },
    };
    let inline_countdown = t.blocked.as_ref().filter(|_| t.countdown_inline()).map(|b| {
        html! {
            <text class="thread-row__countdown" x={right.to_string()} y={y.to_string()} text-anchor="end">{ &b.countdown }</text>
        }
    });
    let wait = t.blocked.as_ref().filter(|b| b.is_quorum_wait()).map(|b| {
        let y2 = y + ROW_H;
        let pips_w = pips_width(b.need);
        let count_x = right - COUNTDOWN_W;
        let pips_x = count_x - 30.0 - pips_w;
        let need = b.need.min(9) as usize;
        let pips = (0..need).map(|i| {
            let filled = i < b.have.len();
            html! {
                <rect class={classes!("gauge__pip", filled.then_some("gauge__pip--have"))}
                    x={(pips_x + i as f64 * (PIP + PIP_GAP)).to_string()} y={(y2 - 8.0).to_string()}
                    width={PIP.to_string()} height={PIP.to_string()} rx="2" />
            }
        });
        html! {
            <g class="thread-row__wait">
                <text class="thread-row__monitor" x={(CARD_PAD + WAIT_INDENT).to_string()} y={y2.to_string()}>{ &b.monitor }</text>
                { for pips }
                <text class="thread-row__count" x={count_x.to_string()} y={y2.to_string()} text-anchor="end">{ b.count_text() }</text>
                <text class="thread-row__countdown" x={right.to_string()} y={y2.to_string()} text-anchor="end">{ &b.countdown }</text>
            </g>
        }
    });
    let title = match &t.blocked {
        Some(b) => format!(
            "{}: {}\nwaits on {}: {}",
            t.name,
            t.full_phase,
            b.monitor,
            b.long_text()
        ),
        None => format!("{}: {}", t.name, t.full_phase),
    };
    let band = |class: &'static str, key: String| {
        html! {
            <rect {key} class={class} x="4" y={(y - ROW_H + 3.0).to_string()} width={(w - 8.0).to_string()}
                height={(ROW_H * lines + 1.0).to_string()} rx="4" />
        }
    };
    html! {
        <g class={classes!(
                "thread-row",
                t.blocked.is_some().then_some("thread-row--blocked"),
                t.fresh.then_some("thread-row--fresh"),
                t.woken.is_some().then_some("thread-row--woken"),
            )}
            data-thread={t.name.clone()}>
            <title>{ title }</title>
            if t.fresh {
                { band("thread-row__flash thread-row__flash--fresh", "fresh".to_string()) }
            }
            if let Some(index) = t.woken {
                // Keyed by the notifyAll's log index: each wake plays the pulse once.
                { band("thread-row__flash thread-row__flash--woken", format!("woke-{index}")) }
            }
            { glyph }
            <text class="thread-row__text" x={ROW_TEXT_X.to_string()} y={y.to_string()}>
                <tspan class="thread-row__name">{ &t.name }</tspan>
                <tspan class="thread-row__phase" dx={PHASE_GAP.to_string()}>{ &t.phase }</tspan>
            </text>
            { inline_countdown.unwrap_or_default() }
            { wait.unwrap_or_default() }
        </g>
    }
}
