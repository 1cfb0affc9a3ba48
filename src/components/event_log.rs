//! The last entries of the event log in ZooKeeper's words, newest at the bottom, optionally
//! only one server's and only some kinds (election, discovery+sync, broadcast, disk, faults,
//! threads). The list is bounded (`LOG_LINES`), so the DOM stays small in long runs.
//!
//! The picked message (`UiState::selected_msg`, shared with the cluster drawing and the
//! space-time diagram) has its lines marked and scrolled to; a click on a message's line
//! picks that message.

use crate::state::Action;
use crate::view_model::log_model::{LogKind, LogKinds, LogLine};
use sim::MsgId;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;
use zab::Sid;

#[derive(Properties, PartialEq)]
pub struct EventLogProps {
    pub lines: Rc<Vec<LogLine>>,
    pub sids: Vec<Sid>,
    pub filter: Option<Sid>,
    #[prop_or_default]
    pub kinds: LogKinds,
    /// The picked message, whose lines are marked.
    #[prop_or_default]
    pub selected_msg: Option<MsgId>,
    pub on_action: Callback<Action>,
}

/// The message named by the clicked line (its `data-msg`), if any.
fn clicked_message(e: &MouseEvent) -> Option<MsgId> {
    let target: web_sys::Element = e.target()?.dyn_into().ok()?;
    let line = target.closest(".event-log__line[data-msg]").ok()??;
    line.get_attribute("data-msg")?.parse().ok().map(MsgId)
}

/// Scroll `scroller` (only it, not the page) so that `line` is in view.
fn scroll_within(scroller: &web_sys::Element, line: &web_sys::Element) {
    let (box_, row) = (
        scroller.get_bounding_client_rect(),
        line.get_bounding_client_rect(),
    );
    let above = row.top() - box_.top();
    let below = row.bottom() - box_.bottom();
    if above < 0.0 {
        scroller.scroll_by_with_x_and_y(0.0, above - 8.0);
    } else if below > 0.0 {
        scroller.scroll_by_with_x_and_y(0.0, below + 8.0);
    }
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
                title={format!("Show or hide {} log entries (Shift-click: only these)", k.label())}>
                { k.label() }
            </button>
        }
    });
    let all = props
        .on_action
        .reform(|_: MouseEvent| Action::SetLogKinds(LogKinds::ALL));
    // One listener for the list, not one per line: the list re-renders every frame.
    let on_line_click = {
        let on_action = props.on_action.clone();
        Callback::from(move |e: MouseEvent| {
            if let Some(id) = clicked_message(&e) {
                on_action.emit(Action::SelectMessage(Some(id)));
            }
        })
    };
    // A newly picked message: bring its first line (the send, usually) into view.
    let scroller = use_node_ref();
    {
        let scroller = scroller.clone();
        use_effect_with(props.selected_msg, move |picked| {
            if picked.is_some() {
                if let Some(el) = scroller.cast::<web_sys::Element>() {
                    if let Ok(Some(line)) = el.query_selector(".event-log__line--picked") {
                        scroll_within(&el, &line);
                    }
                }
            }
        });
    }
    let picked = props.selected_msg;
    html! {
        <section class="panel event-log" aria-label="Event log">
            <div class="event-log__head">
                <h2 class="panel__title">{ "Event log" }</h2>
                <label class="event-log__filter">
                    <span class="visually-hidden">{ "Show log entries of" }</span>
                    <select class="control-bar__select event-log__select" onchange={on_filter} aria-label="Filter the log by server">
                        <option value="" selected={props.filter.is_none()}>{ "all servers" }</option>
                        { for props.sids.iter().map(|s| html! {
                            <option value={s.0.to_string()} selected={props.filter == Some(*s)}>{ format!("server {s}") }</option>
                        }) }
                    </select>
                </label>
            </div>
            <div class="event-log__kinds" role="group" aria-label="Kinds of log entry">
                { for toggles }
                if kinds != LogKinds::ALL {
                    <button class="log-kind log-kind--all" onclick={all}>{ "all" }</button>
                }
            </div>
            // column-reverse keeps the view pinned to the newest line without any script.
            <div class="event-log__scroll" ref={scroller} tabindex="0" aria-label="Log entries, newest last">
                <ol class="event-log__list" onclick={on_line_click}>
                    { for props.lines.iter().map(|l| {
                        let on = picked.is_some() && l.msg == picked;
                        html! {
                            <li key={l.index} class={classes!(
                                    "event-log__line",
                                    format!("event-log__line--{}", l.class),
                                    on.then_some("event-log__line--picked"),
                                )}
                                data-msg={l.msg.map(|m| m.0.to_string())}
                                aria-current={on.then_some("true")}>
                                <span class="event-log__time">{ l.time_ms }</span>
                                <span class="event-log__text">{ &l.text }</span>
                            </li>
                        }
                    }) }
                </ol>
                if props.lines.is_empty() {
                    <p class="event-log__empty">{ "Nothing to show yet: press Play or Step, or switch a kind on." }</p>
                }
            </div>
        </section>
    }
}
