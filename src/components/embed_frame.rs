//! `?embed`: a compact frame for documentation pages — the cluster drawing, the scenario's
//! caption and minimal controls — with its own reducer and driver. It never takes focus,
//! never scrolls its host page and listens to no key outside its own buttons, so it is safe
//! in an iframe or mounted by script into somebody else's page.

use crate::browser;
use crate::components::build_progress::BuildProgress;
use crate::components::cluster_view::ClusterView;
use crate::hooks::{use_box_size, use_sim_driver};
use crate::state::Action;
use crate::time_travel::TravelAction;
use crate::view_model::cluster_model::{ClusterModel, ClusterOptions};
use crate::view_model::labels::clock_label;
use crate::view_model::recent::fresh_window_ms;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct EmbedAppProps {
    /// The query string that chooses the run (the same parameters as the full app's).
    pub query: AttrValue,
    /// Where "Open in ZabScope" points, without a query (default: this page).
    #[prop_or_default]
    pub app_url: Option<AttrValue>,
}

#[component]
pub fn EmbedApp(props: &EmbedAppProps) -> Html {
    let query = props.query.clone();
    let state = use_reducer(move || crate::state::state_for_query(&query));
    let reduced_motion = *use_memo((), |_| browser::prefers_reduced_motion());
    use_sim_driver(state.wants_frames(), state.dispatcher());
    let on_action = {
        let dispatcher = state.dispatcher();
        use_callback((), move |action: Action, _| dispatcher.dispatch(action))
    };
    // Laid out in its own box's pixels: a small frame shows less, never smaller text.
    let stage_node = use_node_ref();
    let stage_size = use_box_size(stage_node.clone());

    let Some(sim) = state.sim() else {
        return html! {
            <div class="embed embed--error" role="alert">
                <p class="embed__error">{ state.error().unwrap_or("No run") }</p>
            </div>
        };
    };
    let session = state.session();
    let log = session.as_ref().map_or(&[][..], |s| s.log());
    let cluster = Rc::new(ClusterModel::build(
        &sim,
        log,
        &ClusterOptions {
            display_ms: state.display_ms,
            size: stage_size.unwrap_or((780.0, 320.0)),
            // A frame too small for every card at 12 px scrolls; its text never shrinks.
            grow: true,
            reduced_motion,
            selected: state.selected,
            selected_msg: state.selected_msg,
            fresh_ms: fresh_window_ms(state.speed.factor()),
            highlight: Default::default(),
        },
    ));
    let position = session.as_ref().map_or(0, |s| s.position());
    drop(session);
    let can_step = sim.next_event_time().is_some();
    drop(sim);

    let scenario = state.scenario();
    let title = match scenario {
        Some(s) => format!("{} · seed {}", s.name(), state.seed),
        None => format!(
            "{} voters, {} observers · seed {}",
            state.voters, state.observers, state.seed
        ),
    };
    let full_link = {
        let base = props
            .app_url
            .as_ref()
            .map_or_else(String::new, |u| u.to_string());
        let query = state.link(true).map(|l| l.to_query()).unwrap_or_default();
        format!("{base}?{query}")
    };
    let playing = state.playing;
    let toggle =
        on_action.reform(move |_: MouseEvent| if playing { Action::Pause } else { Action::Play });
    let step = on_action.reform(|_: MouseEvent| Action::Step);
    let restart = {
        let spec = state
            .link(false)
            .map(|l| l.spec(state.seed))
            .unwrap_or_else(|| {
                sim::session::RunSpec::new(state.seed, state.voters, state.observers)
            });
        on_action.reform(move |_: MouseEvent| {
            Action::Travel(TravelAction::Start {
                spec: spec.clone(),
                pos: Some(0),
            })
        })
    };

    html! {
        <div class={classes!("embed", reduced_motion.then_some("app--reduced-motion"))}>
            <header class="embed__head">
                <span class="embed__brand">{ "ZabScope" }</span>
                <span class="embed__title">{ title }</span>
                <a class="embed__open" href={full_link} target="_blank" rel="noopener"
                    title="Open this run in the full app (timeline, diagram, inspector)">{ "Open in ZabScope ↗" }</a>
            </header>
            if let Some(s) = scenario {
                <p class="embed__caption">{ s.caption() }</p>
            }
            if let Some((done, of, target)) = state.build_progress() {
                <BuildProgress {done} {of} {target} />
            }
            <div class="embed__stage" ref={stage_node}>
                <ClusterView model={cluster} on_action={on_action.clone()} />
            </div>
            <div class="embed__controls" role="toolbar" aria-label="Simulation controls">
                <button class="btn btn--primary embed__play" onclick={toggle} aria-pressed={playing.to_string()}>
                    { if playing { "❚❚ Pause" } else { "▶ Play" } }
                </button>
                <button class="btn embed__step" onclick={step} disabled={!can_step}>{ "Step ›" }</button>
                <button class="btn embed__restart" onclick={restart}>{ "↺ Restart" }</button>
                <span class="embed__clock">{ format!("t = {} · step {position}", clock_label(state.display_ms)) }</span>
            </div>
        </div>
    }
}
