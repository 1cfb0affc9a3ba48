//! The checks panel (issue 13): the properties the live checker holds this run to, with
//! their sources, and the first violation in ZooKeeper's terms with a way to go there.
//!
//! Cost: the props change only when the checks reach further or find something; the list is a
//! `<details>` that is closed until asked for (open by itself once something broke).

use crate::state::Action;
use crate::time_travel::TravelAction;
use crate::view_model::checks::{ChecksModel, PROPERTIES};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ChecksPanelProps {
    pub model: ChecksModel,
    pub on_action: Callback<Action>,
}

#[component]
pub fn ChecksPanel(props: &ChecksPanelProps) -> Html {
    let m = &props.model;
    let broken = m.violation.as_ref().map(|v| v.property.name);
    let summary = match &m.violation {
        None => format!(
            "Checks: all {} properties hold so far (ZooKeeper {})",
            PROPERTIES.len(),
            m.zk.name()
        ),
        Some(v) => format!(
            "{} broken: {} (ZooKeeper {})",
            v.property.kind(),
            v.property.title,
            m.zk.name()
        ),
    };
    let alert = m.violation.as_ref().map(|v| {
        let step = v.step;
        let go = props
            .on_action
            .reform(move |_: MouseEvent| Action::Travel(TravelAction::SeekTo(step)));
        let when = format!("at {:.3} s (event {})", v.time_ms as f64 / 1000.0, v.step);
        html! {
            <div class="checks__violation">
                <p class="checks__what">
                    <strong>{ format!("{} broken {when}. ", v.property.title) }</strong>
                    { v.sentence.clone() }
                </p>
                if v.here {
                    <p class="checks__where">{ "The view stands at the event that broke it; the servers involved are outlined in red." }</p>
                } else {
                    <button class="btn checks__go" onclick={go}>
                        { if v.ahead { "Go to the violation (ahead)" } else { "Go to the violation" } }
                    </button>
                }
            </div>
        }
    });
    // No violation yet: look for one further on (it explores, a frame at a time).
    let find = (m.violation.is_none()).then(|| {
        let go = props
            .on_action
            .reform(|_: MouseEvent| Action::Travel(TravelAction::FindViolation));
        html! {
            <p class="checks__find">
                <button class="btn btn--small checks__find-button" onclick={go}>
                    { "Find the first violation" }
                </button>
                { match m.searched_clean {
                    Some(n) => format!(" None up to event {n}: every check held."),
                    None => format!(" Runs on up to {} events and stops at the first broken check.", crate::state::VIOLATION_SEARCH_EVENTS),
                } }
            </p>
        }
    });
    let rows = PROPERTIES.iter().map(|p| {
        let bad = broken == Some(p.name);
        html! {
            <li class={classes!("checks__row", bad.then_some("checks__row--broken"))}>
                <span class="checks__mark" aria-hidden="true">{ if bad { "✗" } else { "✓" } }</span>
                <span class="checks__title">{ p.title }</span>
                <span class="visually-hidden">{ if bad { " (broken): " } else { " (holds): " } }</span>
                <span class="checks__meaning">{ p.meaning }</span>
                <span class="checks__source">{ p.source }</span>
            </li>
        }
    });
    html! {
        <section id="checks" class={classes!("checks", broken.is_some().then_some("checks--broken"))} aria-label="Checks">
            { for alert }
            <details class="checks__details" open={broken.is_some()}>
                <summary class="checks__summary">{ summary }</summary>
                <p class="checks__note">
                    { match m.checked {
                        Some(n) => format!("Checked after every event as the run is explored: {n} events so far. Liveness is checked by the CLI's seed sweeps, not here."),
                        None => "Checked after every event as the run is explored. Liveness is checked by the CLI's seed sweeps, not here.".to_string(),
                    } }
                </p>
                { for find }
                <ul class="checks__list">{ for rows }</ul>
            </details>
        </section>
    }
}
