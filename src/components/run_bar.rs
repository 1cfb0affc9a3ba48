//! The run bar: pick a scenario (its one-line caption says what to watch), share the view as
//! a link, export the event log as JSON lines, import one (`zabsim run --trace` writes the
//! same format) and play it back.

use crate::share;
use crate::state::Action;
use crate::time_travel::{SharedSession, TravelAction};
use sim::bugs::{Affected, Bug, BUGS};
use sim::scenario::Scenario;
use sim::session::RunSpec;
use sim::trace_file::read_trace;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;
use zab::ZkVersion;

#[derive(Properties, PartialEq)]
pub struct RunBarProps {
    pub scenario: Option<Scenario>,
    /// The real ZooKeeper bug the run replays (its JIRA id), and whether on its fixed release.
    #[prop_or_default]
    pub bug: Option<(&'static str, bool)>,
    /// The ZooKeeper release the servers follow.
    pub zk: ZkVersion,
    pub seed: u64,
    pub voters: u32,
    pub observers: u32,
    /// The link to this view as last drawn (while playing, as of when play began).
    pub link: AttrValue,
    /// The link to this exact view now (with its position), made when asked.
    pub current_link: Callback<(), String>,
    /// The stem of downloaded files, `zabscope-seed7`.
    pub file_stem: AttrValue,
    /// The event log as JSON lines (`write_trace`), made when asked.
    pub export_trace: Callback<(), String>,
    pub on_action: Callback<Action>,
}

/// What the last share action said.
#[derive(Clone, PartialEq)]
enum Notice {
    Copied,
    /// The clipboard is absent or refused: the link is shown, selected, to copy by hand.
    CopyFailed {
        why: String,
        link: String,
    },
    Imported(String),
    ImportFailed(String),
}

#[component]
pub fn RunBar(props: &RunBarProps) -> Html {
    let notice = use_state(|| None::<Notice>);
    // The fallback's text field is selected when it appears, ready for Ctrl+C / a long press.
    let link_field = use_node_ref();
    {
        let link_field = link_field.clone();
        use_effect_with((*notice).clone(), move |n| {
            if matches!(n, Some(Notice::CopyFailed { .. })) {
                if let Some(input) = link_field.cast::<web_sys::HtmlInputElement>() {
                    share::select_all(&input);
                }
            }
        });
    }
    let RunBarProps {
        scenario,
        seed,
        voters,
        observers,
        zk,
        ..
    } = props;
    let (seed, voters, observers, zk) = (*seed, *voters, *observers, *zk);
    let fresh_spec = move |scenario: Option<Scenario>, zk: ZkVersion| {
        match scenario {
            Some(s) => RunSpec::with_scenario(seed, s),
            None => RunSpec::new(seed, voters, observers),
        }
        .with_zk(zk)
    };

    let on_scenario = props.on_action.reform(move |e: Event| {
        let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
        let spec = fresh_spec(Scenario::by_name(&select.value()), zk);
        Action::Travel(TravelAction::Start { spec, pos: None })
    });
    // Another release: the same seed and script from the start, under that release's rules.
    let current_scenario = *scenario;
    let on_zk = props.on_action.reform(move |e: Event| {
        let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
        let chosen = ZkVersion::by_name(&select.value()).unwrap_or_default();
        Action::Travel(TravelAction::Start {
            spec: fresh_spec(current_scenario, chosen),
            pos: None,
        })
    });
    let on_copy = {
        let current = props.current_link.clone();
        let notice = notice.clone();
        Callback::from(move |_: MouseEvent| {
            let link = current.emit(());
            let notice = notice.clone();
            yew::platform::spawn_local(async move {
                notice.set(Some(match share::copy_text(&link).await {
                    Ok(()) => Notice::Copied,
                    Err(why) => Notice::CopyFailed { why, link },
                }));
            });
        })
    };
    // The anchor's address is brought up to date as a pointer or the focus reaches it, so a
    // click, a middle-click or "copy link address" all get the position of this moment.
    let refresh = {
        let current = props.current_link.clone();
        move |target: Option<web_sys::EventTarget>| {
            if let Some(a) = target.and_then(|t| t.dyn_into::<web_sys::HtmlAnchorElement>().ok()) {
                a.set_href(&current.emit(()));
            }
        }
    };
    let on_focus = {
        let refresh = refresh.clone();
        Callback::from(move |e: FocusEvent| refresh(e.current_target()))
    };
    let on_point = {
        let refresh = refresh.clone();
        Callback::from(move |e: PointerEvent| refresh(e.current_target()))
    };
    let on_follow = Callback::from(move |e: MouseEvent| refresh(e.current_target()));
    let on_export = {
        let export = props.export_trace.clone();
        Callback::from(move |e: MouseEvent| {
            if let Some(a) = share::target::<web_sys::Element>(&e)
                .and_then(|el| el.closest("a").ok().flatten())
                .and_then(|el| el.dyn_into::<web_sys::HtmlAnchorElement>().ok())
            {
                share::arm_download(&a, &export.emit(()), "application/x-ndjson");
            }
        })
    };
    let on_import = {
        let on_action = props.on_action.clone();
        let notice = notice.clone();
        Callback::from(move |e: Event| {
            let Some(input) = share::target::<web_sys::HtmlInputElement>(&e) else {
                return;
            };
            let on_action = on_action.clone();
            let notice = notice.clone();
            yew::platform::spawn_local(async move {
                let Some((name, text)) = share::read_chosen_file(&input).await else {
                    notice.set(Some(Notice::ImportFailed(
                        "the file could not be read".into(),
                    )));
                    return;
                };
                // Choosing the same file again must fire `change` again.
                input.set_value("");
                match read_trace(&text) {
                    Ok(session) => {
                        let summary = format!(
                            "Imported {name}: {} log entries ({} steps), seed {}.",
                            session.log().len(),
                            session.position(),
                            session.spec().seed
                        );
                        on_action.emit(Action::Travel(TravelAction::Import(SharedSession(
                            Rc::new(RefCell::new(session)),
                        ))));
                        notice.set(Some(Notice::Imported(summary)));
                    }
                    Err(err) => {
                        notice.set(Some(Notice::ImportFailed(format!("{name}: {err}"))));
                    }
                }
            });
        })
    };
    let caption = scenario.map(|s| s.caption());
    // A real bug, replayed: its script under the release that has it, or the fixed one.
    let on_bug = props.on_action.reform(move |e: Event| {
        let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
        let spec = match sim::bugs::by_id(&select.value()) {
            Some(b) => b.spec(false),
            None => RunSpec::new(seed, voters, observers).with_zk(zk),
        };
        Action::Travel(TravelAction::Start { spec, pos: None })
    });
    let bug: Option<(&'static Bug, bool)> = props
        .bug
        .and_then(|(id, fixed)| sim::bugs::by_id(id).map(|b| (b, fixed)));
    let bug_line = bug.map(|(b, fixed)| {
        let other = b.spec(!fixed);
        let go = props.on_action.reform(move |_: MouseEvent| Action::Travel(TravelAction::Start {
            spec: other.clone(),
            pos: None,
        }));
        // A bug older than every profile runs as its old code path switched back on in the
        // fixed profile: said so (a simplification), not passed off as the old release.
        let (where_, broken_button) = match b.affected {
            Affected::Version(v) => (
                format!("ZooKeeper {} ({})", v.name(), b.releases),
                format!("Run it on ZooKeeper {} (broken)", v.name()),
            ),
            Affected::Switch(_) => (
                format!(
                    "ZooKeeper {} (simulated as {} with that code path restored)",
                    b.releases,
                    b.fixed.name()
                ),
                "Run it with the old code (broken)".to_string(),
            ),
        };
        html! {
            <p class="run-bar__caption run-bar__bug-caption">
                <b class="run-bar__title">{ format!("{}: {}", b.id, b.title) }</b>{ ". " }
                { b.caption }
                { format!(" It breaks {} at event {} on {where_}. ", b.invariant, b.step) }
                <a href={b.url} target="_blank" rel="noopener">{ "The JIRA" }</a>{ " · " }
                <button class="btn btn--small run-bar__bug-switch" onclick={go}>
                    { if fixed { broken_button } else { format!("Run it on ZooKeeper {} (fixed)", b.fixed.name()) } }
                </button>
                if fixed { { format!(" Now on {}, the fixed release: the same script breaks nothing.", b.fixed.name()) } }
            </p>
        }
    });

    html! {
        <div class="run-bar">
            <label class="run-bar__scenario">
                <span class="control-bar__label">{ "Scenario" }</span>
                <select class="control-bar__select run-bar__select" onchange={on_scenario} aria-label="Scenario">
                    <option value="" selected={scenario.is_none()}>{ "free run (no script)" }</option>
                    { for Scenario::ALL.iter().map(|s| html! {
                        <option value={s.name()} selected={*scenario == Some(*s)}>{ s.title() }</option>
                    }) }
                </select>
            </label>
            <label class="run-bar__bug">
                <span class="control-bar__label">{ "Real bug" }</span>
                <select class="control-bar__select run-bar__bug-select" onchange={on_bug} aria-label="Replay a real ZooKeeper bug">
                    <option value="" selected={bug.is_none()}>{ "none" }</option>
                    { for BUGS.iter().map(|b| html! {
                        <option value={b.id} selected={bug.is_some_and(|(x, _)| x.id == b.id)}>{ bug_option(b) }</option>
                    }) }
                </select>
            </label>
            <label class="run-bar__zk" title={format!("The servers follow ZooKeeper {}'s rules: {}", zk.name(), zk.releases())}>
                <span class="control-bar__label">{ "ZooKeeper" }</span>
                <select class="control-bar__select run-bar__zk-select" onchange={on_zk} aria-label="ZooKeeper version">
                    { for ZkVersion::ALL.iter().map(|v| html! {
                        <option value={v.name()} selected={zk == *v}>
                            { if *v == ZkVersion::default() { format!("{} (newest)", v.name()) } else { v.name().to_string() } }
                        </option>
                    }) }
                </select>
            </label>
            if let Some(line) = bug_line { { line } } else {
            <p class="run-bar__caption">
                if let Some(s) = scenario {
                    <b class="run-bar__title">{ s.title() }</b>{ ": " }
                }
                { caption.unwrap_or("No script: the ensemble starts and runs; inject faults by hand and watch.") }
                if let Some(k) = scenario.and_then(|s| s.key_moment()) {
                    <span class="run-bar__key">{ format!(" Play stops at the key moment: {}.", k.what()) }</span>
                }
            </p>
            }
            <div class="run-bar__share" role="group" aria-label="Share">
                <a class="run-bar__permalink" href={props.link.clone()} onclick={on_follow} onfocus={on_focus} onpointerenter={on_point} title="A link to exactly this view (run, faults, position)">{ "Link to this view" }</a>
                <button class="btn run-bar__copy" onclick={on_copy} title="Copy the link to this view">{ "Copy link" }</button>
                <a class="btn run-bar__export" href="#" download={format!("{}.jsonl", props.file_stem)} onclick={on_export}
                    title="Download the event log up to here as JSON lines">{ "⤓ Log" }</a>
                <label class="btn run-bar__import-label" title="Play back a JSON-lines trace (exported here or by zabsim run --trace)">
                    { "⤒ Import" }
                    <input class="run-bar__import visually-hidden" type="file" accept=".jsonl,.json,.txt,.ndjson,application/json" onchange={on_import} />
                </label>
            </div>
            if let Some(n) = &*notice {
                {
                    match n {
                        Notice::Copied => html! { <p class="run-bar__notice" role="status">{ "Link copied." }</p> },
                        Notice::CopyFailed { why, link } => {
                            let select = Callback::from(|e: FocusEvent| {
                                if let Some(input) = share::target::<web_sys::HtmlInputElement>(&e) {
                                    input.select();
                                }
                            });
                            html! {
                                <p class="run-bar__notice run-bar__copy-fallback" role="status">
                                    <label class="run-bar__copy-fallback-label">
                                        <span>{ format!("Could not copy ({why}). Copy this link:") }</span>
                                        <input class="run-bar__link-text" type="text" readonly=true value={link.clone()}
                                            ref={link_field.clone()} onfocus={select} spellcheck="false" />
                                    </label>
                                </p>
                            }
                        }
                        Notice::Imported(text) => html! { <p class="run-bar__notice" role="status">{ text }</p> },
                        Notice::ImportFailed(text) => html! {
                            <p class="run-bar__notice run-bar__notice--bad run-bar__import-error" role="alert">{ format!("Cannot import {text}") }</p>
                        },
                    }
                }
            }
        </div>
    }
}

/// A bug in the picker: its id and the releases that have it ("ZOOKEEPER-4646 (3.8)",
/// "ZOOKEEPER-1154 (3.3.0–3.3.3, old code)").
fn bug_option(b: &Bug) -> String {
    match b.affected {
        Affected::Version(v) => format!("{} ({})", b.id, v.name()),
        Affected::Switch(_) => format!("{} ({}, old code)", b.id, b.releases),
    }
}
