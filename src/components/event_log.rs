//! The last entries of the event log in ZooKeeper's words, newest at the bottom, optionally
//! only one server's and only some kinds (election, discovery+sync, broadcast, disk, faults,
//! threads). The list is bounded (`LOG_LINES`), so the DOM stays small in long runs.

use crate::state::Action;
use crate::view_model::log_model::{LogKind, LogKinds, LogLine};
use std::rc::Rc;
use yew::prelude::*;
use zab::Sid;

#[derive(Properties, PartialEq)]
pub struct EventLogProps {
    pub lines: Rc<Vec<LogLine>>,
    pub sids: Vec<Sid>,
    pub filter: Option<Sid>,
    #[prop_or_default]
    pub kinds: LogKinds,
    pub on_action: Callback<Action>,
}

#[component]
pub fn EventLog(props: &EventLogProps) -> Html {
    let on_filter = props.on_action.reform(|e: Event| {
        let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
        Action::FilterLog(select.value().parse::<i64>().ok().map(Sid))
    });
    let kinds = props.kinds;
    let toggles = LogKind::EVERY.iter().map(|&k| {
        let on = kinds.contains(k);
        let onclick = props.on_action.reform(move |e: MouseEvent| {
            // Alt- or Shift-click shows only this kind.
            if e.alt_key() || e.shift_key() {
                Action::SetLogKinds(LogKinds::only(k))
            } else {
                Action::SetLogKinds(kinds.toggled(k))
            }
        });
        html! {
            <button class={classes!("log-kind", format!("log-kind--{}", k.label().replace('+', "-")), on.then_some("log-kind--on"))}
                {onclick} aria-pressed={on.to_string()} data-kind={k.label()}
                title={format!("Show or hide {} events (Shift-click: only these)", k.label())}>
                { k.label() }
            </button>
        }
    });
    let all = props
        .on_action
        .reform(|_: MouseEvent| Action::SetLogKinds(LogKinds::ALL));
    html! {
        <section class="panel event-log" aria-label="Event log">
            <div class="event-log__head">
                <h2 class="panel__title">{ "Event log" }</h2>
                <label class="event-log__filter">
                    <span class="visually-hidden">{ "Show events of" }</span>
                    <select class="control-bar__select event-log__select" onchange={on_filter} aria-label="Filter the log by server">
                        <option value="" selected={props.filter.is_none()}>{ "all servers" }</option>
                        { for props.sids.iter().map(|s| html! {
                            <option value={s.0.to_string()} selected={props.filter == Some(*s)}>{ format!("server {s}") }</option>
                        }) }
                    </select>
                </label>
            </div>
            <div class="event-log__kinds" role="group" aria-label="Kinds of event">
                { for toggles }
                if kinds != LogKinds::ALL {
                    <button class="log-kind log-kind--all" onclick={all}>{ "all" }</button>
                }
            </div>
            // column-reverse keeps the view pinned to the newest line without any script.
            <div class="event-log__scroll">
                <ol class="event-log__list">
                    { for props.lines.iter().map(|l| html! {
                        <li key={l.index} class={classes!("event-log__line", format!("event-log__line--{}", l.class))}>
                            <span class="event-log__time">{ l.time_ms }</span>
                            <span class="event-log__text">{ &l.text }</span>
                        </li>
                    }) }
                </ol>
                if props.lines.is_empty() {
                    <p class="event-log__empty">{ "Nothing to show yet: press Play or Step, or switch a kind on." }</p>
                }
            </div>
        </section>
    }
}
