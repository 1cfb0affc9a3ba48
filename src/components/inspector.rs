//! The selected server in full: persisted and in-memory fields, every thread with its wait,
//! and the crash/restart buttons. Also shows a message picked on the wire.

use crate::state::Action;
use crate::view_model::cluster_model::ThreadRow;
use crate::view_model::inspector_model::InspectorModel;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct InspectorProps {
    pub model: Option<InspectorModel>,
    /// A message picked on the wire: its id and full summary.
    pub message: Option<(u64, String)>,
    pub on_action: Callback<Action>,
}

#[component]
pub fn Inspector(props: &InspectorProps) -> Html {
    let on_action = &props.on_action;
    let message = props.message.as_ref().map(|(id, summary)| {
        let close = on_action.reform(|_: MouseEvent| Action::SelectMessage(None));
        html! {
            <div class="inspector__message">
                <div class="inspector__message-head">
                    <span>{ format!("Message #{id}") }</span>
                    <button class="btn btn--small" onclick={close} aria-label="Close message">{ "×" }</button>
                </div>
                <code class="inspector__summary">{ summary }</code>
            </div>
        }
    });
    let body = match &props.model {
        None => html! {
            <p class="inspector__hint">{ "Click a server to inspect its epochs, vote and threads, and to crash or restart it. Click a message to read all its fields." }</p>
        },
        Some(m) => {
            let sid = m.sid;
            let crash = on_action.reform(move |_: MouseEvent| Action::Crash(sid));
            let restart = on_action.reform(move |_: MouseEvent| Action::Restart(sid));
            let close = on_action.reform(|_: MouseEvent| Action::Select(None));
            html! {
                <>
                    <div class="inspector__head">
                        <h2 class="inspector__title">{ format!("Server {sid}") }</h2>
                        <span class={classes!("state-chip", format!("state-chip--{}", m.look.modifier()))}>{ m.look.label() }</span>
                        <span class="inspector__role">{ m.role }</span>
                        <button class="btn btn--small inspector__close" onclick={close} aria-label="Close inspector">{ "×" }</button>
                    </div>
                    <div class="inspector__actions">
                        <button class={classes!("btn", "btn--danger", "inspector__crash")} onclick={crash} disabled={!m.up}>{ "Crash" }</button>
                        <button class={classes!("btn", "inspector__restart")} onclick={restart} disabled={m.up}>{ "Restart" }</button>
                    </div>
                    <dl class="inspector__fields">
                        { for m.fields.iter().map(|(k, v)| html! {
                            <div class="inspector__field"><dt>{ *k }</dt><dd>{ v }</dd></div>
                        }) }
                    </dl>
                    if !m.threads.is_empty() {
                        <h3 class="inspector__subtitle">{ "Threads" }</h3>
                        <ul class="inspector__threads">
                            { for m.threads.iter().map(thread_item) }
                        </ul>
                    }
                </>
            }
        }
    };
    html! {
        <section class="panel inspector" aria-label="Inspector">
            { message.unwrap_or_default() }
            { body }
        </section>
    }
}

fn thread_item(t: &ThreadRow) -> Html {
    html! {
        <li class={classes!("inspector__thread", t.blocked.is_some().then_some("inspector__thread--blocked"))}>
            <div class="inspector__thread-name">{ &t.name }</div>
            <div class="inspector__thread-phase">{ &t.phase }</div>
            if let Some(b) = &t.blocked {
                <div class="inspector__thread-wait">
                    <span class="inspector__monitor">{ format!("waits on {}", b.monitor) }</span>
                    { " " }{ b.long_text() }
                </div>
            }
        </li>
    }
}
