//! The timeline scrubber: the explored range of the run (position = steps from the start),
//! the ensemble's phase bands, a phase row per server, fault markers and the actions a person
//! took; buttons step one event or one phase either way; acting in the past shows where the
//! run forked.

use crate::hooks::use_width;
use crate::state::Action;
use crate::time_travel::log_index::MarkerKind;
use crate::time_travel::timeline::{phase_label, phase_modifier, TimelineModel};
use crate::time_travel::TravelAction;
use crate::view_model::labels::clock_label;
use std::rc::Rc;
use yew::prelude::*;

const PAD: f64 = 8.0;
const BAND_Y: f64 = 14.0;
const BAND_H: f64 = 18.0;
const ROW_H: f64 = 5.0;
const ROW_GAP: f64 = 1.0;
/// At most this many moments and faults are listed as buttons under the track.
const MAX_STOPS: usize = 40;

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    pub model: Rc<TimelineModel>,
    pub on_action: Callback<Action>,
}

#[component]
pub fn Timeline(props: &TimelineProps) -> Html {
    let m = &props.model;
    let on_action = &props.on_action;
    let track = use_node_ref();
    let width = use_state_eq(|| 900.0_f64);
    {
        let width = width.clone();
        use_width(
            track.clone(),
            Callback::from(move |w: f64| {
                if w > 0.0 {
                    width.set(w.round())
                }
            }),
        );
    }
    let w = *width;
    let span = m.explored.max(1) as f64;
    let x_of = |step: u64| PAD + (step as f64 / span) * (w - 2.0 * PAD);
    let rows_y = BAND_Y + BAND_H + 4.0;
    let height = rows_y + m.rows.len() as f64 * (ROW_H + ROW_GAP) + 4.0;

    let travel = |a: TravelAction| on_action.reform(move |_: MouseEvent| Action::Travel(a.clone()));
    let on_scrub = on_action.reform(|e: InputEvent| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        Action::Travel(TravelAction::SeekTo(input.value().parse().unwrap_or(0)))
    });
    let at_start = m.position == 0;
    let at_head = m.position >= m.explored;

    let bands = m.bands.iter().map(|b| {
        let (x1, x2) = (x_of(b.from), x_of(b.to));
        // The label only where it fits inside its band (12 px semibold: at most ~7.5 px a
        // character), so a later band never covers it.
        let wide = x2 - x1 > phase_label(b.phase).chars().count() as f64 * 7.5 + 10.0;
        html! {
            <g class={classes!("timeline__band", format!("timeline__band--{}", phase_modifier(Some(b.phase))))}>
                <rect x={fmt(x1)} y={fmt(BAND_Y)} width={fmt((x2 - x1).max(1.0))} height={fmt(BAND_H)} rx="3" />
                if wide {
                    <text class="timeline__band-label" x={fmt(x1 + 5.0)} y={fmt(BAND_Y + 12.5)}>{ phase_label(b.phase) }</text>
                }
                <title>{ format!("{} — steps {}–{}", phase_label(b.phase), b.from, b.to) }</title>
            </g>
        }
    });
    let rows = m.rows.iter().enumerate().map(|(i, row)| {
        let y = rows_y + i as f64 * (ROW_H + ROW_GAP);
        html! {
            <g class="timeline__row" key={row.sid.0}>
                <title>{ format!("server {}", row.sid) }</title>
                { for row.spans.iter().map(|s| html! {
                    <rect class={classes!("timeline__row-span", format!("timeline__row-span--{}", phase_modifier(s.zab)), s.state.is_none().then_some("timeline__row-span--down"))}
                        x={fmt(x_of(s.from))} y={fmt(y)} width={fmt((x_of(s.to) - x_of(s.from)).max(0.5))} height={fmt(ROW_H)} />
                }) }
            </g>
        }
    });
    // A glyph per marker only where it has room: markers a few steps apart would print their
    // glyphs over each other, so a glyph closer than GLYPH_GAP to the last one drawn (or to a
    // broken check's ✗, which always shows) is left out; its line and its title stay, and the
    // list of stops below names every one.
    const GLYPH_GAP: f64 = 13.0;
    let violations: Vec<f64> = m
        .markers
        .iter()
        .filter(|mk| mk.kind == MarkerKind::Violation)
        .map(|mk| x_of(mk.step))
        .collect();
    let mut last_glyph = f64::NEG_INFINITY;
    let glyphs: Vec<bool> = m
        .markers
        .iter()
        .map(|mk| {
            let x = x_of(mk.step);
            let show = mk.kind == MarkerKind::Violation
                || (x - last_glyph >= GLYPH_GAP
                    && violations.iter().all(|v| (x - v).abs() >= GLYPH_GAP));
            if show {
                last_glyph = x;
            }
            show
        })
        .collect();
    let markers = m.markers.iter().zip(glyphs).map(|(mk, glyph)| {
        let x = x_of(mk.step);
        html! {
            <g class={classes!("timeline__marker", format!("timeline__marker--{}", mk.kind.modifier()), mk.key.then_some("timeline__marker--key"))}>
                <line x1={fmt(x)} y1={fmt(BAND_Y - 2.0)} x2={fmt(x)} y2={fmt(height - 2.0)} />
                if glyph {
                    <text x={fmt(x)} y="10" text-anchor="middle">{ mk.kind.glyph() }</text>
                }
                <title>{ format!("step {}: {}", mk.step, mk.label) }</title>
            </g>
        }
    });
    let actions = m.actions.iter().map(|(step, text)| {
        let x = x_of(*step);
        html! {
            <path class="timeline__action" d={format!("M{:.1} {:.1} l-4 -6 h8 z", x, BAND_Y + BAND_H + 3.0)}>
                <title>{ format!("you, at step {step}: {text}") }</title>
            </path>
        }
    });
    let cursor_x = x_of(m.position);
    // The moments and faults as buttons: what the drawn markers mark, reachable by keyboard
    // and read by a screen reader (the drawing itself is a picture).
    let listed: Vec<_> = m
        .markers
        .iter()
        .filter(|mk| mk.kind.is_moment() || mk.kind.is_fault())
        .collect();
    let more = listed.len().saturating_sub(MAX_STOPS);
    let stops = listed.into_iter().take(MAX_STOPS).map(|mk| {
        let step = mk.step;
        let here = step == m.position;
        html! {
            <li>
                <button class={classes!("timeline__stop", format!("timeline__stop--{}", mk.kind.modifier()),
                        mk.key.then_some("timeline__stop--key"), here.then_some("timeline__stop--here"))}
                    aria-current={here.then_some("step")}
                    onclick={on_action.reform(move |_: MouseEvent| Action::Travel(TravelAction::SeekTo(step)))}>
                    <span class="timeline__stop-glyph" aria-hidden="true">{ mk.kind.glyph() }</span>
                    <span class="timeline__stop-time">{ clock_label(mk.time_ms as f64) }</span>
                    { " " }{ &mk.label }
                    if mk.key { <span class="timeline__stop-keytag">{ " · key moment" }</span> }
                </button>
            </li>
        }
    });

    html! {
        <section class="timeline" aria-label="Timeline">
            <div class="timeline__bar">
                <div class="timeline__buttons" role="group" aria-label="Travel in time">
                    <button class="btn timeline__phase-back" onclick={travel(TravelAction::PhaseBack)} disabled={at_start}
                        title="Back to the previous phase boundary (a state or ZabState change)">{ "« Phase" }</button>
                    <button class="btn timeline__step-back" onclick={travel(TravelAction::StepBack)} disabled={at_start}
                        title="Back one step">{ "‹ Back" }</button>
                    <button class="btn timeline__step-forward" onclick={on_action.reform(|_: MouseEvent| Action::Step)}
                        title="Forward one step">{ "Fwd ›" }</button>
                    <button class="btn timeline__phase-forward" onclick={travel(TravelAction::PhaseForward)}
                        title="On to the next phase boundary (runs ahead when none has been explored yet)">{ "Phase »" }</button>
                </div>
                <span class="timeline__where">
                    { "step " }<b class="timeline__position">{ m.position }</b>{ format!(" of {}", m.explored) }
                    <span class="timeline__time">{ format!(" · t = {}", clock_label(m.time_ms as f64)) }</span>
                    if !at_head {
                        <span class="timeline__past">{ " · in the past: play replays, acting forks" }</span>
                    }
                </span>
            </div>
            <div class="timeline__track" ref={track}>
                <svg class="timeline__svg" width={fmt(w)} height={fmt(height)} viewBox={format!("0 0 {} {}", fmt(w), fmt(height))}
                    aria-hidden="true">
                    <rect class="timeline__bed" x={fmt(PAD)} y={fmt(BAND_Y)} width={fmt((w - 2.0 * PAD).max(1.0))} height={fmt(BAND_H)} rx="3" />
                    { for bands }
                    { for rows }
                    { for markers }
                    { for actions }
                    // From the band down: the markers' glyphs above the band stay clear of it.
                    <line class="timeline__cursor" x1={fmt(cursor_x)} y1={fmt(BAND_Y - 2.0)} x2={fmt(cursor_x)} y2={fmt(height)} />
                </svg>
                <input class="timeline__range" type="range" min="0" max={m.explored.to_string()} step="1"
                    value={m.position.to_string()} oninput={on_scrub}
                    onpointerdown={on_action.reform(|_: PointerEvent| Action::Scrubbing(true))}
                    onpointerup={on_action.reform(|_: PointerEvent| Action::Scrubbing(false))}
                    onpointercancel={on_action.reform(|_: PointerEvent| Action::Scrubbing(false))}
                    onchange={on_action.reform(|_: Event| Action::Scrubbing(false))}
                    aria-label="Position: steps from the start" aria-valuetext={format!("step {} of {}", m.position, m.explored)} />
            </div>
            if !m.markers.is_empty() {
                <nav class="timeline__stops" aria-label="Moments and faults: go to one">
                    <ol class="timeline__stop-list">{ for stops }</ol>
                    if more > 0 {
                        <p class="timeline__stops-more">{ format!("and {more} more on the timeline") }</p>
                    }
                </nav>
            }
            if let Some(fork) = m.fork {
                <p class="timeline__fork">
                    <b>{ format!("Forked at step {}", fork.at) }</b>
                    { format!(": acting in the past started a new future here; the {} steps explored after it were dropped.", fork.dropped) }
                    <button class="timeline__fork-dismiss" onclick={travel(TravelAction::DismissFork)} aria-label="Dismiss" title="Dismiss">{ "×" }</button>
                </p>
            }
        </section>
    }
}

fn fmt(v: f64) -> String {
    format!("{v:.1}")
}
