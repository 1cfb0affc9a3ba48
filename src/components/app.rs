//! The app: one `use_reducer` over the simulation (SG-21), the animation-frame driver (SG-22),
//! and the page's panels.

use crate::browser;
use crate::components::cluster_view::ClusterView;
use crate::components::control_bar::ControlBar;
use crate::components::error_page::ErrorPage;
use crate::components::event_log::EventLog;
use crate::components::inspector::Inspector;
use crate::components::legend::Legend;
use crate::components::status_line::StatusLine;
use crate::hooks::use_sim_driver;
use crate::run_params::RunParams;
use crate::state::{Action, UiState};
use crate::view_model::cluster_model::ClusterModel;
use crate::view_model::inspector_model::InspectorModel;
use crate::view_model::labels::{clock_label, ensemble_label};
use crate::view_model::log_model::{log_lines, LOG_LINES};
use std::rc::Rc;
use yew::prelude::*;
use zab::Sid;

#[derive(Properties, PartialEq)]
pub struct AppProps {
    /// The query string that chooses the run (`?seed=…&voters=…&observers=…`).
    pub query: AttrValue,
    /// Write the run's parameters back into the page's URL (off when mounted by tests).
    #[prop_or(true)]
    pub sync_url: bool,
}

/// The state a query string asks for: its run, a random seed when it has none, or the error.
pub fn initial_state(query: &str) -> UiState {
    match RunParams::parse(query) {
        Ok(p) => {
            let state = UiState::new(
                p.seed.unwrap_or_else(browser::random_seed),
                p.voters,
                p.observers,
            );
            let mut state = match p.at_ms {
                Some(t) => state.starting_at(t),
                None => state,
            };
            if p.play {
                state.apply(Action::Play);
            }
            state
        }
        Err(e) => UiState::failed(e.to_string(), RunParams::default()),
    }
}

#[component]
pub fn App(props: &AppProps) -> Html {
    let query = props.query.clone();
    let state = use_reducer(move || initial_state(&query));
    let reduced_motion = *use_memo((), |_| browser::prefers_reduced_motion());
    use_sim_driver(state.wants_frames(), state.dispatcher());

    let on_action = {
        let dispatcher = state.dispatcher();
        use_callback((), move |action: Action, _| dispatcher.dispatch(action))
    };
    let on_new_seed = {
        let dispatcher = state.dispatcher();
        let (voters, observers) = (state.voters, state.observers);
        use_callback((voters, observers), move |_: (), (voters, observers)| {
            dispatcher.dispatch(Action::Reset {
                seed: browser::random_seed(),
                voters: *voters,
                observers: *observers,
            })
        })
    };
    {
        let sync = props.sync_url && state.error().is_none();
        use_effect_with(state.params(), move |p| {
            browser::note_run(p.seed.unwrap_or(0), p.voters, p.observers);
            if sync {
                browser::replace_url_query(p);
            }
        });
    }
    let log = {
        let state = state.clone();
        use_memo((state.version, state.seed, state.log_filter), move |_| {
            state
                .session()
                .map(|session| log_lines(session.log(), state.log_filter, LOG_LINES))
                .unwrap_or_default()
        })
    };

    let Some(sim) = state.sim() else {
        let message = state.error().unwrap_or("No run").to_string();
        return html! {
            <div class="app app--error">
                <Header />
                <ErrorPage message={message} />
            </div>
        };
    };
    let cluster = Rc::new(ClusterModel::build(
        &sim,
        state.display_ms,
        reduced_motion,
        state.selected,
        state.selected_msg.as_ref().map(|(id, _)| *id),
    ));
    let inspector = state
        .selected
        .and_then(|sid| InspectorModel::build(&sim, sid, state.display_ms));
    let sids: Vec<Sid> = sim.sids().collect();
    let events = state.session().map_or(0, |s| s.log().len());
    let in_flight = sim.in_flight().count();
    let can_step = sim.next_event_time().is_some();
    drop(sim);

    html! {
        <div class={classes!("app", reduced_motion.then_some("app--reduced-motion"))}>
            <Header />
            <ControlBar playing={state.playing} {can_step} speed={state.speed} seed={state.seed}
                voters={state.voters} observers={state.observers}
                on_action={on_action.clone()} {on_new_seed} />
            <StatusLine clock={clock_label(state.display_ms)} seed={state.seed}
                ensemble={ensemble_label(state.voters, state.observers)} {events} {in_flight}
                playing={state.playing} finished={!can_step} />
            <main class="app__main">
                <section class="app__stage" aria-label="Cluster">
                    <ClusterView model={cluster} on_action={on_action.clone()} />
                    <Legend />
                </section>
                <aside class="app__side">
                    <Inspector model={inspector} message={state.selected_msg.clone()} on_action={on_action.clone()} />
                    <EventLog lines={log} {sids} filter={state.log_filter} {on_action} />
                </aside>
            </main>
        </div>
    }
}

#[component]
fn Header() -> Html {
    html! {
        <header class="app__header">
            <h1 class="brand">
                <span class="brand__name">{ "ZabScope" }</span>
                <span class="brand__tag">{ "ZooKeeper's quorum protocol, simulated step by step" }</span>
            </h1>
        </header>
    }
}
