//! Play/pause, step, reset, speed, seed and ensemble shape.

use crate::run_params::{parse_seed, MAX_SEED};
use crate::state::Action;
use crate::view_model::speed::Speed;
use yew::prelude::*;
use zab::config::{MAX_OBSERVERS, MAX_VOTERS};

#[derive(Properties, PartialEq)]
pub struct ControlBarProps {
    pub playing: bool,
    /// Whether any event is left to run.
    pub can_step: bool,
    pub speed: Speed,
    pub seed: u64,
    pub voters: u32,
    pub observers: u32,
    pub on_action: Callback<Action>,
    /// Start over with a fresh random seed (the browser draws it).
    pub on_new_seed: Callback<()>,
}

#[component]
pub fn ControlBar(props: &ControlBarProps) -> Html {
    let ControlBarProps {
        playing,
        can_step,
        speed,
        seed,
        voters,
        observers,
        on_action,
        on_new_seed,
    } = props;
    let (seed, voters, observers) = (*seed, *voters, *observers);
    let seed_error = use_state(|| None::<String>);
    // On a phone the seed and the ensemble's shape fold away behind one button (the status
    // line already says both), so the drawing starts higher; elsewhere they are always shown.
    let run_open = use_state(|| false);
    let toggle_run = {
        let run_open = run_open.clone();
        Callback::from(move |_: MouseEvent| run_open.set(!*run_open))
    };
    let open = *run_open || seed_error.is_some();

    let toggle = {
        let playing = *playing;
        on_action.reform(move |_: MouseEvent| if playing { Action::Pause } else { Action::Play })
    };
    let step = on_action.reform(|_: MouseEvent| Action::Step);
    let reset = on_action.reform(move |_: MouseEvent| Action::Reset {
        seed,
        voters,
        observers,
    });
    let new_seed = on_new_seed.reform(|_: MouseEvent| ());
    let help = on_action.reform(|_: MouseEvent| Action::ShowHelp(true));
    let on_speed = on_action.reform(|e: InputEvent| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        Action::SetSpeed(Speed::clamped(
            input.value().parse().unwrap_or(Speed::DEFAULT.0),
        ))
    });
    let on_seed = {
        let on_action = on_action.clone();
        let seed_error = seed_error.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            match parse_seed(&input.value()) {
                Ok(seed) => {
                    seed_error.set(None);
                    on_action.emit(Action::Reset {
                        seed,
                        voters,
                        observers,
                    });
                }
                Err(err) => seed_error.set(Some(err.to_string())),
            }
        })
    };
    let on_voters = on_action.reform(move |e: Event| {
        let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
        Action::Reset {
            seed,
            voters: select.value().parse().unwrap_or(voters),
            observers,
        }
    });
    let on_observers = on_action.reform(move |e: Event| {
        let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
        Action::Reset {
            seed,
            voters,
            observers: select.value().parse().unwrap_or(observers),
        }
    });

    html! {
        <div class={classes!("control-bar", open.then_some("control-bar--open"))} role="toolbar" aria-label="Simulation controls">
            <div class="control-bar__group">
                <button class={classes!("btn", "btn--primary", "control-bar__play")} onclick={toggle}
                    aria-pressed={playing.to_string()} title="Play or pause (Space); simulated time runs at the chosen speed">
                    { if *playing { "❚❚ Pause" } else { "▶ Play" } }
                </button>
                <button class={classes!("btn", "control-bar__step")} onclick={step} disabled={!*can_step}
                    title="Run one step: the next thing that happens (→ or n)">{ "Step ›" }</button>
                <button class={classes!("btn", "control-bar__reset")} onclick={reset}
                    title="Start this seed over">{ "↺ Reset" }</button>
                <button class={classes!("btn", "control-bar__help")} onclick={help}
                    title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts">{ "?" }</button>
            </div>
            <label class="control-bar__group control-bar__speed" title="Simulated milliseconds per real millisecond (log scale)">
                <span class="control-bar__label">{ "Speed" }</span>
                <input type="range" class="control-bar__slider" min={Speed::MIN.0.to_string()} max={Speed::MAX.0.to_string()}
                    step="1" value={speed.0.to_string()} oninput={on_speed} aria-label="Speed" />
                <output class="control-bar__value">{ speed.label() }</output>
            </label>
            <button class="btn control-bar__more" onclick={toggle_run} aria-expanded={open.to_string()}
                aria-controls="control-bar-run" title="The seed and the number of servers">
                { if open { "Seed, servers ▴" } else { "Seed, servers ▾" } }
            </button>
            <div class="control-bar__group control-bar__run" id="control-bar-run">
                <label class="control-bar__field">
                    <span class="control-bar__label">{ "Seed" }</span>
                    <input class={classes!("control-bar__seed", seed_error.is_some().then_some("control-bar__seed--bad"))}
                        type="text" inputmode="numeric" value={seed.to_string()} onchange={on_seed}
                        aria-label="Seed" title={format!("A whole number from 0 to {MAX_SEED}; Enter starts that run")} />
                </label>
                <button class={classes!("btn", "control-bar__new-seed")} onclick={new_seed}
                    title="Start over with a random seed">{ "Random" }</button>
                <label class="control-bar__field">
                    <span class="control-bar__label">{ "Voters" }</span>
                    <select class="control-bar__select" onchange={on_voters} aria-label="Voters">
                        { for (1..=MAX_VOTERS).map(|n| html! { <option value={n.to_string()} selected={n == voters}>{ n }</option> }) }
                    </select>
                </label>
                <label class="control-bar__field">
                    <span class="control-bar__label">{ "Observers" }</span>
                    <select class="control-bar__select" onchange={on_observers} aria-label="Observers">
                        { for (0..=MAX_OBSERVERS).map(|n| html! { <option value={n.to_string()} selected={n == observers}>{ n }</option> }) }
                    </select>
                </label>
            </div>
            if let Some(err) = &*seed_error {
                <p class="control-bar__error" role="alert">{ err }</p>
            }
        </div>
    }
}
