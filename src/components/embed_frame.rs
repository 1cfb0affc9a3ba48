//! `?embed`: a compact frame for documentation pages — the cluster drawing, the scenario's
//! caption and minimal controls — with its own reducer and driver. It never takes focus,
//! never scrolls its host page and listens to no key outside its own buttons, so it is safe
//! in an iframe or mounted by script into somebody else's page.
//!
//! A frame costs nothing while nobody can see it: scrolled off screen (an
//! `IntersectionObserver`, which in an iframe reports against the top page's viewport) or on
//! a hidden tab, its animation-frame loop stops, and it carries on from the same moment when
//! it comes back. Frames mounted with the same `group` play one at a time: Play in one pauses
//! the others (a page of several frames then costs what one costs).

use crate::browser;
use crate::components::build_progress::BuildProgress;
use crate::components::cluster_view::ClusterView;
use crate::hooks::{use_box_size, use_sim_driver, use_visible};
use crate::state::Action;
use crate::time_travel::TravelAction;
use crate::view_model::cluster_model::{ClusterModel, ClusterOptions};
use crate::view_model::labels::{clock_label, countdown_clock};
use crate::view_model::recent::fresh_window_ms;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use yew::prelude::*;

thread_local! {
    /// The frames mounted with a group: (group, frame id, how to pause it).
    static GROUPS: RefCell<Vec<(String, usize, Callback<()>)>> = const { RefCell::new(Vec::new()) };
    static NEXT_FRAME: Cell<usize> = const { Cell::new(0) };
}

/// Pause every frame of `group` but `me`.
fn pause_others(group: &str, me: usize) {
    let others: Vec<Callback<()>> = GROUPS.with(|g| {
        g.borrow()
            .iter()
            .filter(|(name, id, _)| name == group && *id != me)
            .map(|(_, _, pause)| pause.clone())
            .collect()
    });
    for pause in others {
        pause.emit(());
    }
}

#[derive(Properties, PartialEq)]
pub struct EmbedAppProps {
    /// The query string that chooses the run (the same parameters as the full app's).
    pub query: AttrValue,
    /// Where "Open in ZabScope" points, without a query (default: this page).
    #[prop_or_default]
    pub app_url: Option<AttrValue>,
    /// Frames with the same group play one at a time (`mount`'s `group` option).
    #[prop_or_default]
    pub group: Option<AttrValue>,
}

#[component]
pub fn EmbedApp(props: &EmbedAppProps) -> Html {
    let query = props.query.clone();
    let state = use_reducer(move || {
        let mut state = crate::state::state_for_query(&query);
        // A frame plays through its scenario's key moment (see UiState::key_stops).
        state.key_stops = false;
        state
    });
    let reduced_motion = *use_memo((), |_| browser::prefers_reduced_motion());
    // Off screen, the frame stands still (and costs nothing) until it is scrolled back.
    let root = use_node_ref();
    let on_screen = use_visible(root.clone());
    use_sim_driver(state.wants_frames() && on_screen, state.dispatcher());
    let frame_id = *use_memo((), |_| {
        NEXT_FRAME.with(|n| {
            n.set(n.get() + 1);
            n.get()
        })
    });
    {
        let dispatcher = state.dispatcher();
        use_effect_with(props.group.clone(), move |group| {
            let group = group.as_ref().map(|g| g.to_string());
            if let Some(name) = &group {
                let pause = Callback::from(move |()| dispatcher.dispatch(Action::Pause));
                GROUPS.with(|g| g.borrow_mut().push((name.clone(), frame_id, pause)));
            }
            move || {
                if group.is_some() {
                    GROUPS.with(|g| g.borrow_mut().retain(|(_, id, _)| *id != frame_id));
                }
            }
        });
    }
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
            countdown_ms: countdown_clock(state.display_ms, state.playing, state.speed.factor()),
            size: stage_size.unwrap_or((780.0, 320.0)),
            // A frame too small for every card at 12 px scrolls; its text never shrinks.
            grow: true,
            reduced_motion,
            selected: state.selected,
            selected_msg: state.selected_msg,
            fresh_ms: fresh_window_ms(state.speed.factor()),
            highlight: Default::default(),
            broken: Vec::new(),
        },
    ));
    let position = session.as_ref().map_or(0, |s| s.position());
    drop(session);
    let can_step = sim.next_event_time().is_some();
    drop(sim);

    let scenario = state.scenario();
    let title = match scenario {
        Some(s) => format!("{} · seed {}", s.title(), state.seed),
        None => format!(
            "{} voters, {} observers · seed {}",
            state.voters, state.observers, state.seed
        ),
    } + &format!(" · ZooKeeper {}", state.zk().name());
    let full_link = {
        let base = props
            .app_url
            .as_ref()
            .map_or_else(String::new, |u| u.to_string());
        let query = state.link(true).map(|l| l.to_query()).unwrap_or_default();
        format!("{base}?{query}")
    };
    let playing = state.playing;
    let group = props.group.clone();
    let toggle = on_action.reform(move |_: MouseEvent| {
        if playing {
            Action::Pause
        } else {
            if let Some(group) = &group {
                pause_others(group, frame_id);
            }
            Action::Play
        }
    });
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
        <div class={classes!("embed", reduced_motion.then_some("app--reduced-motion"))} ref={root}
            data-on-screen={on_screen.to_string()} data-scenario={scenario.map(|s| s.name())}>
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
