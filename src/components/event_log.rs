//! The last entries of the event log, newest at the bottom, optionally only one server's.

use crate::state::Action;
use crate::view_model::log_model::LogLine;
use std::rc::Rc;
use yew::prelude::*;
use zab::Sid;

#[derive(Properties, PartialEq)]
pub struct EventLogProps {
    pub lines: Rc<Vec<LogLine>>,
    pub sids: Vec<Sid>,
    pub filter: Option<Sid>,
    pub on_action: Callback<Action>,
}

#[component]
pub fn EventLog(props: &EventLogProps) -> Html {
    let on_filter = props.on_action.reform(|e: Event| {
        let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
        Action::FilterLog(select.value().parse::<i64>().ok().map(Sid))
    });
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
                    <p class="event-log__empty">{ "Nothing yet: press Play or Step." }</p>
                }
            </div>
        </section>
    }
}
