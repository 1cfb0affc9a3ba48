//! One server's card: its sid and `ServerState` (colour and badge), then what matters now at
//! the card's density — ZabState, the epochs, lastLoggedZxid, and the one thread that is
//! blocked or active with its wait. Every thread is in the side panel when the card is picked.
//! Drawn in CSS pixels: every text is 12 px or more, and a line is drawn only if it fits.

use crate::state::Action;
use crate::view_model::cluster_model::{CardLine, CardModel, FocusModel};
use crate::view_model::stage_layout::Density;
use yew::prelude::*;

const PAD: f64 = 12.0;
const HEADER_Y: f64 = 23.0;
const FIRST_LINE_Y: f64 = 43.0;
const LINE_H: f64 = 17.0;
const RULE_H: f64 = 8.0;
/// The state badge's text (12 px bold capitals) and its padding.
const BADGE_CHAR: f64 = 8.6;
const BADGE_PAD: f64 = 14.0;

#[derive(Properties, PartialEq)]
pub struct PeerCardProps {
    pub card: CardModel,
    pub on_action: Callback<Action>,
}

#[component]
pub fn PeerCard(props: &PeerCardProps) -> Html {
    let PeerCardProps { card, on_action } = props;
    let sid = card.sid;
    let selected = card.selected;
    let onclick = on_action.reform(move |e: MouseEvent| {
        e.stop_propagation();
        Action::Select((!selected).then_some(sid))
    });
    let onkeydown = {
        let on_action = on_action.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
                // Space is also the play/pause shortcut: this press is the card's only.
                e.prevent_default();
                e.stop_propagation();
                on_action.emit(Action::Select((!selected).then_some(sid)));
            }
        })
    };
    let (x, y, w, h) = (card.rect.x, card.rect.y, card.rect.w, card.rect.h);
    let state = card.look.label();
    let badge_w = BADGE_PAD + BADGE_CHAR * state.chars().count() as f64;
    let class = classes!(
        "peer-card",
        format!("peer-card--{}", card.look.modifier()),
        format!("peer-card--{}", card.density.modifier()),
        card.selected.then_some("peer-card--selected"),
        card.highlighted.then_some("peer-card--highlighted"),
        card.broken.then_some("peer-card--broken"),
        card.paused.is_some().then_some("peer-card--paused"),
        card.observer.then_some("peer-card--observer"),
    );

    let mut y_at = FIRST_LINE_Y;
    let mut lines = Vec::new();
    for line in card.lines() {
        let (node, advance) = line_view(&line, card, y_at, w);
        lines.push(node);
        y_at += advance;
    }

    html! {
        <g {class} transform={format!("translate({x:.1} {y:.1})")} {onclick} {onkeydown}
            tabindex="0" role="button" aria-pressed={card.selected.to_string()}
            data-sid={sid.to_string()} data-state={state}>
            // The card's name is its <title> (SVG's own label), not an aria-label: an aria-label
            // must contain the card's visible text word for word (WCAG 2.5.3, label in name),
            // and the summary says the same things in a sentence instead.
            <title>{ format!("{} — pick for every thread, its disk and its faults", card.summary) }</title>
            <rect class="peer-card__box" width={fmt(w)} height={fmt(h)} rx="10" />
            <rect class="peer-card__band" width="5" height={fmt(h - 20.0)} x="0" y="10" rx="2.5" />
            <text class="peer-card__sid" x={fmt(PAD)} y={fmt(HEADER_Y)}>
                { sid.to_string() }
                if card.observer && card.density != Density::Compact {
                    <tspan class="peer-card__observer" dx="6">{ "observer" }</tspan>
                }
            </text>
            <rect class="peer-card__badge" x={fmt(w - PAD - badge_w)} y="9" width={fmt(badge_w)} height="20" rx="10" />
            <text class="peer-card__state" x={fmt(w - PAD - badge_w / 2.0)} y="23.5" text-anchor="middle">{ state }</text>
            { for lines }
        </g>
    }
}

/// One line of a card at baseline `y`, and how far the next line goes down.
fn line_view(line: &CardLine, card: &CardModel, y: f64, w: f64) -> (Html, f64) {
    let right = w - PAD;
    match line {
        CardLine::ZabState(z) => (
            html! {
                <text class="peer-card__line" x={fmt(PAD)} y={fmt(y)}>
                    <tspan class="peer-card__key">{ "ZabState " }</tspan>
                    <tspan class="peer-card__zab">{ *z }</tspan>
                </text>
            },
            LINE_H,
        ),
        CardLine::Row(r) => (
            html! {
                <>
                    <text class="peer-card__line peer-card__key" x={fmt(PAD)} y={fmt(y)}>{ r.key }</text>
                    <text class="peer-card__line peer-card__value" x={fmt(right)} y={fmt(y)} text-anchor="end">{ &r.value }</text>
                </>
            },
            LINE_H,
        ),
        CardLine::Rule => (
            html! {
                <line class="peer-card__rule" x1={fmt(PAD)} x2={fmt(right)} y1={fmt(y - 11.0)} y2={fmt(y - 11.0)} />
            },
            RULE_H,
        ),
        CardLine::FocusName(name) => {
            let focus = card.focus.as_ref();
            (
                html! {
                    <>
                        if let Some(k) = focus.and_then(|f| f.woken) {
                            <rect key={k} class="peer-card__woken" x={fmt(PAD - 5.0)} y={fmt(y - 14.0)}
                                width={fmt(w - 2.0 * PAD + 10.0)} height={fmt(LINE_H * 2.0 + 4.0)} rx="5" />
                        }
                        <text class="peer-card__line peer-card__thread" x={fmt(PAD)} y={fmt(y)}
                            data-thread={name.clone()}>{ name }</text>
                    </>
                },
                LINE_H,
            )
        }
        CardLine::FocusBrief(brief) => (
            html! {
                <text class="peer-card__line peer-card__brief" x={fmt(PAD)} y={fmt(y)}>
                    <title>{ card.focus.as_ref().map(|f| f.phase.clone()).unwrap_or_default() }</title>
                    { brief }
                </text>
            },
            LINE_H,
        ),
        CardLine::Wait => match card.focus.as_ref() {
            Some(f) => (wait_view(f, y, right, card.density), LINE_H),
            None => (Html::default(), 0.0),
        },
        CardLine::AlsoWaiting(n) => (
            html! {
                <text class="peer-card__line peer-card__also" x={fmt(PAD)} y={fmt(y)}>
                    { format!("+{n} more waiting · pick to see") }
                </text>
            },
            LINE_H,
        ),
        CardLine::Observer => (
            html! { <text class="peer-card__line peer-card__observer" x={fmt(PAD)} y={fmt(y)}>{ "observer" }</text> },
            LINE_H,
        ),
        CardLine::Note(n) => (
            html! { <text class="peer-card__line peer-card__note" x={fmt(PAD)} y={fmt(y)}>{ n }</text> },
            LINE_H,
        ),
    }
}

/// A quorum wait: one pip per voter (the server's own first, ringed), `2 of 3`, and the time
/// left with a shrinking ring.
fn wait_view(f: &FocusModel, y: f64, right: f64, density: Density) -> Html {
    const PIP: f64 = 11.0;
    let show_pips = density != Density::Compact;
    let pips_w = if show_pips {
        f.pips.len() as f64 * PIP
    } else {
        0.0
    };
    let left = f.left.unwrap_or(0.0);
    let ring = 2.0 * std::f64::consts::PI * 6.0;
    html! {
        <g class="peer-card__wait">
            if show_pips {
                { for f.pips.iter().enumerate().map(|(i, p)| html! {
                    <circle class={classes!("pip", p.have.then_some("pip--have"), p.is_self.then_some("pip--self"))}
                        cx={fmt(PAD + 5.0 + i as f64 * PIP)} cy={fmt(y - 4.5)} r="4.5">
                        <title>{ format!("server {}{}: {}", p.sid, if p.is_self { " (itself)" } else { "" },
                            if p.have { "in the set" } else { "not yet" }) }</title>
                    </circle>
                }) }
            }
            <text class="peer-card__line peer-card__count" x={fmt(PAD + pips_w + 4.0)} y={fmt(y)}>
                { f.count.clone().unwrap_or_default() }
            </text>
            <text class="peer-card__line peer-card__countdown" x={fmt(right - 18.0)} y={fmt(y)} text-anchor="end">
                { f.countdown.clone().unwrap_or_default() }
            </text>
            <circle class="peer-card__ring-bed" cx={fmt(right - 6.0)} cy={fmt(y - 4.5)} r="6" />
            <circle class="peer-card__ring" cx={fmt(right - 6.0)} cy={fmt(y - 4.5)} r="6"
                stroke-dasharray={format!("{:.2} {:.2}", ring * left, ring)} />
        </g>
    }
}

fn fmt(v: f64) -> String {
    format!("{v:.1}")
}
