//! The faults in force, always in view while there are any: every partition and every server
//! that is down, with Heal, Restart, and Undo (back to just before the last fault, which time
//! travel makes exact).

use crate::state::Action;
use sim::session::UserAction;
use yew::prelude::*;
use zab::Sid;

#[derive(Properties, PartialEq)]
pub struct FaultBarProps {
    /// `partition 1 ↮ 2` …
    pub partitions: Vec<String>,
    /// Servers that crashed (not those not started yet).
    pub crashed: Vec<Sid>,
    /// The last fault that Undo would take back, in words.
    pub undo: Option<String>,
    pub on_action: Callback<Action>,
}

#[component]
pub fn FaultBar(props: &FaultBarProps) -> Html {
    if props.partitions.is_empty() && props.crashed.is_empty() && props.undo.is_none() {
        return Html::default();
    }
    let heal = props
        .on_action
        .reform(|_: MouseEvent| Action::Act(UserAction::Heal));
    let undo = props.on_action.reform(|_: MouseEvent| Action::Undo);
    html! {
        <div class="fault-bar" role="region" aria-label="Faults in force">
            if !props.partitions.is_empty() || !props.crashed.is_empty() {
                <span class="fault-bar__label">{ "In force:" }</span>
            }
            { for props.partitions.iter().map(|p| html! { <span class="fault-bar__item">{ p }</span> }) }
            { for props.crashed.iter().map(|sid| {
                let sid = *sid;
                let restart = props.on_action.reform(move |_: MouseEvent| Action::Act(UserAction::Restart(sid)));
                html! {
                    <span class="fault-bar__item">
                        { format!("server {sid} crashed") }
                        <button class="btn btn--small fault-bar__restart" onclick={restart}
                            title={format!("Start server {sid} again from its disk")}>{ "Restart" }</button>
                    </span>
                }
            }) }
            if !props.partitions.is_empty() {
                <button class="btn btn--small fault-bar__heal" onclick={heal}
                    title="Remove every partition (servers reconnect on their own)">{ "Heal network" }</button>
            }
            if let Some(last) = &props.undo {
                <button class="btn btn--small fault-bar__undo" onclick={undo}
                    title={format!("Go back to just before “{last}” and drop it (u)")}>{ format!("↶ Undo {last}") }</button>
            }
        </div>
    }
}
