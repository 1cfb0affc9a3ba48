//! The app: one `use_reducer` over the simulation (SG-21), the animation-frame driver (SG-22),
//! and the page's panels.

use crate::browser;
use crate::components::announcer::Announcer;
use crate::components::build_progress::BuildProgress;
use crate::components::checks_panel::ChecksPanel;
use crate::components::clients_panel::ClientsPanel;
use crate::components::cluster_view::ClusterView;
use crate::components::control_bar::ControlBar;
use crate::components::epoch_gauge::EpochGaugeView;
use crate::components::error_page::ErrorPage;
use crate::components::event_log::EventLog;
use crate::components::fault_bar::FaultBar;
use crate::components::help_overlay::HelpOverlay;
use crate::components::inspector::Inspector;
use crate::components::legend::Legend;
use crate::components::message_panel::MessagePanel;
use crate::components::narration::NarrationBar;
use crate::components::stats_panel::StatsPanel;
use crate::components::status_line::StatusLine;
use crate::components::sweep_panel::SweepPanel;
// Time travel, scenarios, links, embedding (issue 6).
use crate::components::embed_frame::EmbedApp;
use crate::components::run_bar::RunBar;
use crate::components::space_time::SpaceTime;
use crate::components::timeline::Timeline;
use crate::components::tour_panel::{TourOffer, TourPanel};
use crate::hooks::{use_box_size, use_keyboard, use_media_query, use_sim_driver, use_visible};
use crate::state::{Action, UiState};
use crate::time_travel;
use crate::view_model::cluster_model::{ClusterModel, ClusterOptions, PeerLook};
use crate::view_model::epoch_gauge::EpochGauge;
use crate::view_model::inspector_model::InspectorModel;
use crate::view_model::labels::{clock_label, countdown_clock, ensemble_label};
use crate::view_model::log_model::{log_lines_of_kinds, LOG_LINES, LOG_REFRESH_MS};
use crate::view_model::message_detail::MessageDetail;
use crate::view_model::recent::fresh_window_ms;
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
    /// Where the embed frame's "Open in ZabScope" points (default: this page's address).
    #[prop_or_default]
    pub app_url: Option<AttrValue>,
}

/// The state a query string asks for: its run (a random seed when it has none; scenario,
/// faults, speed and position from the link), or the error.
pub fn initial_state(query: &str) -> UiState {
    crate::state::state_for_query(query)
}

#[component]
pub fn App(props: &AppProps) -> Html {
    // `?embed` is a different app (no keyboard listener, no URL writes); a mounted app keeps
    // its query, so this branch never changes between renders and the hooks keep their order.
    if crate::link::is_embed(&props.query) {
        return html! { <EmbedApp query={props.query.clone()} app_url={props.app_url.clone()} /> };
    }
    let query = props.query.clone();
    let state = use_reducer(move || initial_state(&query));
    let reduced_motion = *use_memo((), |_| browser::prefers_reduced_motion());
    use_sim_driver(state.wants_frames(), state.dispatcher());
    use_keyboard(state.dispatcher());
    // On a phone the drawing may grow taller than its box (the page scrolls) instead of
    // shrinking its text.
    let portrait = use_media_query("(max-width: 700px)");
    // The drawing is laid out in its box's own pixels.
    let stage_node = use_node_ref();
    let stage_size = use_box_size(stage_node.clone());
    // The timeline and the diagram below the drawing: while the run plays and neither is on
    // screen, they keep the last picture instead of being rebuilt every frame (they were a
    // third of a playing frame's main-thread time at 1280 × 800, where both are below the
    // fold). Paused, or once scrolled to, they follow the cursor.
    let below_node = use_node_ref();
    let below_on_screen = use_visible(below_node.clone());
    let below_frozen = use_mut_ref(|| None::<BelowViews>);
    // The sharing bar: its link and export are made from the newest state when used (a click,
    // a copy), and its props change only when the run or the paused position does, so it does
    // not re-render on every frame of play.
    let latest = use_mut_ref(|| state.clone());
    *latest.borrow_mut() = state.clone();
    let current_link = {
        let latest = latest.clone();
        use_callback(props.app_url.clone(), move |_: (), app_url| {
            link_of(&latest.borrow(), app_url.as_deref())
        })
    };
    let export_trace = {
        let latest = latest.clone();
        use_callback((), move |_: (), _| {
            latest.borrow().trace_text().unwrap_or_default()
        })
    };
    // The link as the address bar carries it (the position only while paused): made once a
    // render, it keys both the shown link and the address bar's update.
    let address = state.link(false).map(|l| l.to_query());
    let shown_link = {
        let run = address.clone();
        let paused_at = (!state.playing).then_some(state.version);
        let state = state.clone();
        use_memo(
            (run, paused_at, props.app_url.clone()),
            move |(_, _, app_url)| AttrValue::from(link_of(&state, app_url.as_deref())),
        )
    };

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
        // The whole link (scenario, faults, speed; the position while paused) lives in the URL.
        use_effect_with((state.params(), address), move |(p, link)| {
            browser::note_run(p.seed.unwrap_or(0), p.voters, p.observers);
            if let (true, Some(q)) = (sync, link) {
                crate::share::replace_query(q);
            }
        });
    }
    let log = {
        // While the scrubber is held the log keeps the lines it had (see Action::Scrubbing).
        // While playing it catches up at most LOG_REFRESH_MS apart: lines that scroll past 60
        // times a second cannot be read, and each catch-up is a layout and a paint of the
        // panel. Paused, it shows the position at once.
        let held = use_mut_ref(|| (state.version, f64::NEG_INFINITY));
        let now = browser::now_ms();
        let due = !state.playing || now - held.borrow().1 >= LOG_REFRESH_MS;
        if !state.scrubbing && due && held.borrow().0 != state.version {
            *held.borrow_mut() = (state.version, now);
        }
        let log_version = held.borrow().0;
        let state = state.clone();
        use_memo(
            (
                log_version,
                state.seed,
                state.log_filter,
                state.log_kinds,
                state.building.is_some(),
            ),
            move |_| {
                if state.building.is_some() {
                    return Vec::new();
                }
                state
                    .session()
                    .map(|session| {
                        log_lines_of_kinds(
                            session.log(),
                            state.log_filter,
                            state.log_kinds,
                            LOG_LINES,
                        )
                    })
                    .unwrap_or_default()
            },
        )
    };

    // The drawing is rebuilt only when what it shows changed: the simulation (version), the
    // display clock, the selections, the box. Other renders (a log filter, a diagram hover,
    // the help dialog) reuse it.
    let checks = state.checks_model();
    // The sweep starts on the bug on screen, or on random faults on this run's release.
    let sweep_target: AttrValue = match state.bug() {
        Some((b, true)) => format!("{}:fixed", b.id).into(),
        Some((b, false)) => b.id.into(),
        None => format!(
            "{}:{}",
            state
                .session()
                .map(|s| s.spec().zk)
                .unwrap_or_default()
                .name(),
            state.voters
        )
        .into(),
    };
    let cluster = {
        let options = ClusterOptions {
            display_ms: state.display_ms,
            countdown_ms: countdown_clock(state.display_ms, state.playing, state.speed.factor()),
            // A phone's drawing is as wide as its box and as tall as its cards need (the page
            // scrolls); elsewhere it fills its box.
            size: match (stage_size, portrait) {
                (Some((w, _)), true) => (w, w * 1.05),
                (Some(size), false) => size,
                (None, _) => (840.0, 600.0),
            },
            grow: portrait,
            reduced_motion,
            selected: state.selected,
            selected_msg: state.selected_msg,
            fresh_ms: fresh_window_ms(state.speed.factor()),
            highlight: state.tour_highlight(),
            broken: checks
                .as_ref()
                .map(|c| c.broken_servers())
                .unwrap_or_default(),
        };
        let deps = (
            state.version,
            options.display_ms.to_bits(),
            options.countdown_ms.to_bits(),
            options.selected,
            options.selected_msg,
            portrait,
            stage_size.map(|(w, h)| (w.to_bits(), h.to_bits())),
            options.fresh_ms.to_bits(),
            state.building.is_some(),
            options.highlight.clone(),
            options.broken.clone(),
        );
        let state = state.clone();
        use_memo(deps, move |_| {
            // While a far link builds, only its progress is drawn.
            if state.building.is_some() {
                return None;
            }
            let sim = state.sim()?;
            let session = state.session()?;
            Some(Rc::new(ClusterModel::build(&sim, session.log(), &options)))
        })
    };
    // The leader's epoch wait, for the panel beside the drawing.
    let gauge = {
        // Its countdown moves at 10 Hz while playing, like the cards'.
        let clock = countdown_clock(state.display_ms, state.playing, state.speed.factor());
        let deps = (state.version, clock.to_bits(), state.building.is_some());
        let (state, fresh) = (state.clone(), fresh_window_ms(state.speed.factor()));
        use_memo(deps, move |_| {
            let sim = state.sim()?;
            let session = state.session()?;
            let log = session.log();
            if log.is_empty() || state.building.is_some() {
                return None;
            }
            EpochGauge::build(&sim, log, clock, fresh, fresh * 4.0)
        })
    };
    // What just happened, and the newest significant change for the live region: both from
    // the log at the position, rebuilt only when the simulation changed.
    let narration = {
        let state = state.clone();
        use_memo((state.version, state.building.is_some()), move |_| {
            let session = state.session()?;
            describe::narrate(session.log()).map(Rc::new)
        })
    };
    // The session clients, when the run has any (issue 12).
    let clients = {
        let state = state.clone();
        use_memo((state.version, state.building.is_some()), move |_| {
            let sim = state.sim()?;
            let session = state.session()?;
            let rows = crate::view_model::clients::client_rows(&sim, session.log());
            (!rows.is_empty()).then_some(rows)
        })
    };
    let announcement = {
        let state = state.clone();
        use_memo((state.version, state.building.is_some()), move |_| {
            state
                .announcement()
                .map(|(i, text)| (i, AttrValue::from(text)))
        })
    };
    if let Some((done, of, target)) = state.build_progress() {
        // A far link is being built a frame at a time: the frame's time goes to the build,
        // not to drawing a run that is about to move on.
        return html! {
            <div class="app app--building">
                <Header />
                <BuildProgress {done} {of} {target} />
            </div>
        };
    }
    let (Some(sim), Some(cluster)) = (state.sim(), cluster.as_ref().clone()) else {
        let message = state.error().unwrap_or("No run").to_string();
        return html! {
            <div class="app app--error">
                <Header />
                <ErrorPage message={message} />
            </div>
        };
    };
    let session = state.session();
    let full_log = session.as_ref().map_or(&[][..], |s| s.log());
    let message = state
        .selected_msg
        .and_then(|id| MessageDetail::build(&sim, full_log, id, state.display_ms));
    drop(session);
    let partitions: Vec<String> = cluster
        .cuts
        .iter()
        .map(|c| match c.direction {
            sim::network::Direction::Both => format!("partition {} ↮ {}", c.from_sid, c.to_sid),
            sim::network::Direction::OneWay => format!("partition {} ↛ {}", c.from_sid, c.to_sid),
        })
        .collect();
    let crashed: Vec<Sid> = cluster
        .cards
        .iter()
        .filter(|c| c.look == PeerLook::Crashed)
        .map(|c| c.sid)
        .collect();
    let inspector = state
        .selected
        .and_then(|sid| InspectorModel::build(&sim, sid, state.display_ms));
    let sids: Vec<Sid> = sim.sids().collect();
    let events = state.session().map_or(0, |s| s.log().len());
    let in_flight = sim.in_flight().count();
    let key_moment = state.key_moment().map(|(pos, what)| {
        let here = !state.playing && state.session().is_some_and(|s| s.position() == pos);
        (pos, what, here)
    });
    let can_step = sim.next_event_time().is_some();
    drop(sim);
    let file_stem = AttrValue::from(format!("zabscope-seed{}", state.seed));
    let below = {
        let mut frozen = below_frozen.borrow_mut();
        match frozen.as_ref() {
            Some(views) if state.playing && !below_on_screen => views.clone(),
            _ => {
                let views = BelowViews::of(&state);
                *frozen = Some(views.clone());
                views
            }
        }
    };

    html! {
        <div class={classes!("app", reduced_motion.then_some("app--reduced-motion"), state.tour.is_some().then_some("app--touring"))}>
            <Announcer latest={(*announcement).clone()} />
            <Header />
            <ControlBar playing={state.playing} {can_step} speed={state.speed} seed={state.seed}
                voters={state.voters} observers={state.observers}
                on_action={on_action.clone()} {on_new_seed} />
            <StatusLine clock={clock_label(state.display_ms)} seed={state.seed}
                ensemble={ensemble_label(state.voters, state.observers)} {events} {in_flight}
                playing={state.playing} finished={!can_step} />
            <RunBar scenario={state.scenario()} bug={state.bug().map(|(b, fixed)| (b.id, fixed))} zk={state.zk()} seed={state.seed} voters={state.voters}
                observers={state.observers} link={(*shown_link).clone()} {current_link} file_stem={file_stem.clone()}
                {export_trace} on_action={on_action.clone()} />
            <main class="app__main">
                <section class="app__stage" aria-label="Cluster">
                    <div class="app__caption">
                        <p class="app__headline">{ &cluster.headline }</p>
                        <NarrationBar narration={(*narration).clone()} {key_moment} on_action={on_action.clone()} />
                        <FaultBar {partitions} {crashed} undo={state.undoable()} on_action={on_action.clone()} />
                        if state.tour.is_none() { <TourOffer full={state.tour_offer} on_action={on_action.clone()} /> }
                        if let Some(v) = checks.as_ref().and_then(|c| c.violation.as_ref()).filter(|v| !v.ahead) {
                            <p class="app__violation" role="alert">
                                <span aria-hidden="true">{ "✗ " }</span>
                                { format!("{} broken at event {}: {}. ", v.property.kind(), v.step, v.property.title) }
                                <a href="#checks">{ "What went wrong" }</a>
                            </p>
                        }
                        if let Some(why) = &state.refused {
                            <p class="app__refused" role="alert">{ format!("Not done: {why}.") }</p>
                        }
                    </div>
                    <div class="app__drawing" ref={stage_node}>
                        <ClusterView model={cluster.clone()} on_action={on_action.clone()} />
                    </div>
                    <Legend in_flight={cluster.in_flight()} labeled={cluster.labeled()} />
                </section>
                <aside class="app__side">
                    if let Some(view) = state.tour_view() { <TourPanel {view} on_action={on_action.clone()} /> }
                    if let Some(g) = gauge.as_ref().clone() {
                        <EpochGaugeView gauge={g} />
                    }
                    if let Some(detail) = message {
                        <MessagePanel key={detail.id.0} detail={detail.clone()} on_action={on_action.clone()} />
                    }
                    if let Some(model) = checks {
                        <ChecksPanel {model} on_action={on_action.clone()} />
                    }
                    if let Some(rows) = clients.as_ref().clone() {
                        <ClientsPanel {rows} />
                    }
                    <Inspector model={inspector} on_action={on_action.clone()} />
                    <EventLog lines={log} {sids} filter={state.log_filter} kinds={state.log_kinds} selected_msg={state.selected_msg} on_action={on_action.clone()} />
                </aside>
            </main>
            <div class="app__below" ref={below_node}>
                if let Some(model) = below.timeline.clone() {
                    <Timeline {model} on_action={on_action.clone()} />
                }
                <section class="app__travel" aria-label="Time travel">
                    if let Some(model) = below.diagram.clone() {
                        <SpaceTime source={model} file_name={format!("{file_stem}.svg")} on_action={on_action.clone()} />
                    }
                </section>
                <SweepPanel voters={state.voters} default_target={sweep_target} playing={state.playing} on_action={on_action.clone()} />
            </div>
            if let crate::state::Run::Running { session } = &state.run {
                <StatsPanel session={session.clone()} version={state.version} playing={state.playing} file_stem={file_stem.clone()} />
            }
            if state.help_open {
                <HelpOverlay {on_action} />
            }
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

/// The timeline's and the diagram's inputs, which may be kept from an earlier render.
#[derive(Clone)]
struct BelowViews {
    timeline: Option<Rc<time_travel::timeline::TimelineModel>>,
    diagram: Option<time_travel::DiagramSource>,
}

impl BelowViews {
    fn of(state: &UseReducerHandle<UiState>) -> BelowViews {
        BelowViews {
            timeline: state.timeline_model().map(Rc::new),
            diagram: state.diagram_source(),
        }
    }
}

/// The link to exactly what `state` shows (its position included).
fn link_of(state: &UiState, app_url: Option<&str>) -> String {
    let query = state.link(true).map(|l| l.to_query()).unwrap_or_default();
    let base = app_url.map_or_else(crate::share::page_base, str::to_string);
    format!("{base}?{query}")
}
