//! The message detail panel: every field of the message picked on the wire (zxids as
//! epoch:counter with ZooKeeper's hex), where it is, and two faults to inject while it is in
//! flight: drop it, or hold it 500–2000 ms longer (TCP order is kept: what follows it on the
//! same connection waits behind it).

use crate::components::narration::WhyPanel;
use crate::state::Action;
use crate::view_model::message_detail::{
    MessageDetail, DELAY_DEFAULT_MS, DELAY_MAX_MS, DELAY_MIN_MS,
};
use sim::session::UserAction;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct MessagePanelProps {
    pub detail: MessageDetail,
    pub on_action: Callback<Action>,
}

#[component]
pub fn MessagePanel(props: &MessagePanelProps) -> Html {
    let d = &props.detail;
    let delay = use_state(|| DELAY_DEFAULT_MS);
    let id = d.id;
    let close = props
        .on_action
        .reform(|_: MouseEvent| Action::SelectMessage(None));
    let drop = props
        .on_action
        .reform(move |_: MouseEvent| Action::Act(UserAction::Drop(id)));
    let hold = {
        let extra_ms = *delay;
        props
            .on_action
            .reform(move |_: MouseEvent| Action::Act(UserAction::Delay { msg: id, extra_ms }))
    };
    let on_delay = {
        let delay = delay.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            delay.set(
                input
                    .value()
                    .parse::<u64>()
                    .unwrap_or(DELAY_DEFAULT_MS)
                    .clamp(DELAY_MIN_MS, DELAY_MAX_MS),
            );
        })
    };
    html! {
        <section class={classes!("panel", "message-panel", format!("message-panel--{}", d.channel.to_ascii_lowercase()))}
            aria-label="Message detail">
            <div class="message-panel__head">
                <h2 class="message-panel__title">
                    <span class="message-panel__kind">{ &d.kind }</span>
                    <span class="message-panel__id">{ format!("#{}", d.id.0) }</span>
                </h2>
                <button class="btn btn--small" onclick={close} aria-label="Close message">{ "×" }</button>
            </div>
            <p class="message-panel__route">
                { format!("{} → {} · {} channel · connection #{} · sent t={} ms", d.from, d.to, d.channel, d.conn, d.sent_ms) }
            </p>
            <p class={classes!("message-panel__status", d.can_act.then_some("message-panel__status--live"))}>{ d.status_text() }</p>
            <dl class="message-panel__fields">
                { for d.fields.iter().map(|(k, v)| html! {
                    <div class="message-panel__field"><dt>{ k }</dt><dd>{ v }</dd></div>
                }) }
            </dl>
            if let Some(w) = d.why.clone() {
                <details class="message-panel__why">
                    <summary>{ &w.question }</summary>
                    <WhyPanel why={std::rc::Rc::new(w)} />
                </details>
            }
            if d.can_act {
                <div class="message-panel__actions">
                    <button class="btn btn--danger btn--small message-panel__drop" onclick={drop}
                        title="Lose this packet on the wire (the connection stays up)">{ "Drop" }</button>
                    <label class="message-panel__delay">
                        <input type="range" min={DELAY_MIN_MS.to_string()} max={DELAY_MAX_MS.to_string()} step="100"
                            value={delay.to_string()} oninput={on_delay} aria-label="Extra delay in ms" />
                        <output>{ format!("{} ms", *delay) }</output>
                    </label>
                    <button class="btn btn--small message-panel__hold" onclick={hold}
                        title="Deliver it later; what follows on this connection waits behind it">{ "Delay" }</button>
                </div>
            }
        </section>
    }
}
