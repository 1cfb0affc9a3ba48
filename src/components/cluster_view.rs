//! The ensemble as an SVG in CSS pixels (its `viewBox` is its own size, so text is drawn at the
//! size it is declared): connections and partitions underneath, messages without room for a
//! label as dots, the server cards, accept pulses, and labelled messages on top (their
//! places are chosen so they cover nothing).
//!
//! Keyboard: every card is a tab stop; the messages in flight are one tab stop together and so
//! are the connections (a roving tabindex: the arrow keys, Home and End move between them,
//! Enter or Space acts as a click). The drawing is a `group` (not an `img`), so the buttons in
//! it are exposed to assistive technology.

use crate::components::accept_flash::AcceptFlashView;
use crate::components::connection_line::ConnectionLine;
use crate::components::message_pill::MessagePill;
use crate::components::partition_mark::PartitionMark;
use crate::components::peer_card::PeerCard;
use crate::state::Action;
use crate::view_model::cluster_model::ClusterModel;
use sim::MsgId;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ClusterViewProps {
    pub model: Rc<ClusterModel>,
    pub on_action: Callback<Action>,
}

/// Which of a roving set takes the Tab stop: the one last focused while it is still drawn,
/// else the first.
fn rover<K: PartialEq + Copy>(keys: impl Iterator<Item = K>, last: Option<K>) -> Option<K> {
    let mut first = None;
    for k in keys {
        if Some(k) == last {
            return Some(k);
        }
        first = first.or(Some(k));
    }
    first
}

/// The element a roving arrow key moves to: `step` places along `items` from `at` (Home and
/// End jump to the ends), clamped.
fn next_index(len: usize, at: usize, key: &str) -> Option<usize> {
    if len == 0 {
        return None;
    }
    Some(match key {
        "ArrowRight" | "ArrowDown" => (at + 1).min(len - 1),
        "ArrowLeft" | "ArrowUp" => at.saturating_sub(1),
        "Home" => 0,
        "End" => len - 1,
        _ => return None,
    })
}

/// Focus an HTML or SVG element (web-sys has `focus` on each type separately).
pub(crate) fn focus_element(el: &web_sys::Element) {
    if let Ok(f) = js_sys::Reflect::get(el, &"focus".into()) {
        if let Some(f) = f.dyn_ref::<js_sys::Function>() {
            let _ = f.call0(el);
        }
    }
}

/// The roving sets: `[data-msg]` (ordered by message id: the order they were sent) and
/// `[data-link]` (ordered as the model lists them).
fn roving_keydown(svg: &web_sys::Element, target: &web_sys::Element, key: &str) -> bool {
    let (attr, numeric) = if target.has_attribute("data-msg") {
        ("data-msg", true)
    } else if target.has_attribute("data-link") {
        ("data-link", false)
    } else {
        return false;
    };
    let Ok(list) = svg.query_selector_all(&format!("[{attr}][tabindex]")) else {
        return false;
    };
    let mut items: Vec<web_sys::Element> = (0..list.length())
        .filter_map(|i| list.get(i)?.dyn_into().ok())
        .collect();
    if numeric {
        // Dots and labelled pills sit in two layers; one order for both.
        items.sort_by_key(|e| {
            e.get_attribute(attr)
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0)
        });
    }
    let Some(at) = items.iter().position(|e| e == target) else {
        return false;
    };
    match next_index(items.len(), at, key) {
        Some(i) => {
            focus_element(&items[i]);
            true
        }
        None => false,
    }
}

#[component]
pub fn ClusterView(props: &ClusterViewProps) -> Html {
    let m = &props.model;
    let on_action = &props.on_action;
    // The message and the connection that hold the drawing's two roving Tab stops.
    let last_msg = use_state_eq(|| None::<MsgId>);
    let last_link = use_state_eq(|| None::<u64>);
    let (w, h) = (format!("{:.0}", m.w), format!("{:.0}", m.h));
    // A click on the background clears the selection.
    let onclick = on_action.reform(|_: MouseEvent| Action::Select(None));
    let onfocusin = {
        let (last_msg, last_link) = (last_msg.clone(), last_link.clone());
        Callback::from(move |e: FocusEvent| {
            let Some(el) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            else {
                return;
            };
            if let Some(id) = el.get_attribute("data-msg").and_then(|v| v.parse().ok()) {
                last_msg.set(Some(MsgId(id)));
            } else if let Some(id) = el
                .get_attribute("data-link-id")
                .and_then(|v| v.parse().ok())
            {
                last_link.set(Some(id));
            }
        })
    };
    // (Yew delegates events, so `current_target` is not the <svg>: a ref is.)
    let svg_ref = use_node_ref();
    let onkeydown = {
        let svg_ref = svg_ref.clone();
        Callback::from(move |e: KeyboardEvent| {
            let (Some(svg), Some(target)) = (
                svg_ref.cast::<web_sys::Element>(),
                e.target()
                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok()),
            ) else {
                return;
            };
            if roving_keydown(&svg, &target, &e.key()) {
                // Not also a shortcut (→ steps the run).
                e.prevent_default();
                e.stop_propagation();
            }
        })
    };
    let msg_stop = rover(m.pills.iter().map(|p| p.id), *last_msg);
    let link_stop = rover(m.links.iter().map(|l| l.id), *last_link);
    let pill = |p: &crate::view_model::cluster_model::PillModel| {
        html! { <MessagePill key={p.id.0} pill={p.clone()} tab_stop={Some(p.id) == msg_stop}
        on_action={on_action.clone()} /> }
    };
    html! {
        <svg class={classes!("cluster", m.settled.then_some("cluster--settled"),
                format!("cluster--{}", m.density.modifier()))}
            width={w.clone()} height={h.clone()} viewBox={format!("0 0 {w} {h}")}
            role="group" aria-label="The ensemble: servers, their connections and the messages in flight (arrow keys move between messages, and between connections)"
            ref={svg_ref} {onfocusin} {onkeydown}>
            <defs>
                <marker id="arrow-connect" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                    <path class="marker-connect" d="M 0 0 L 10 5 L 0 10 z" />
                </marker>
                <marker id="arrow-cut" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                    <path class="marker-cut" d="M 0 0 L 10 5 L 0 10 z" />
                </marker>
            </defs>
            <rect class="cluster__backdrop" width={w} height={h} {onclick} />
            <g class="cluster__links">
                { for m.links.iter().map(|l| html! { <ConnectionLine key={l.id} link={l.clone()}
                    tab_stop={Some(l.id) == link_stop} on_action={on_action.clone()} /> }) }
            </g>
            <g class="cluster__cuts">
                { for m.cuts.iter().map(|c| html! { <PartitionMark key={format!("{}-{}", c.from_sid, c.to_sid)} cut={c.clone()} /> }) }
            </g>
            <g class="cluster__dots">{ for m.pills.iter().filter(|p| !p.labeled).map(pill) }</g>
            <g class="cluster__peers">
                { for m.cards.iter().map(|c| html! {
                    <PeerCard key={c.sid.0} card={c.clone()} on_action={on_action.clone()} />
                }) }
            </g>
            <g class="cluster__accepts">
                { for m.accepts.iter().map(|a| html! { <AcceptFlashView key={a.key} flash={a.clone()} /> }) }
            </g>
            <g class="cluster__messages">{ for m.pills.iter().filter(|p| p.labeled).map(pill) }</g>
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_the_roving_stop_stays_on_the_last_focused_while_it_is_drawn() {
        assert_eq!(rover([3, 5, 8].into_iter(), Some(5)), Some(5));
        assert_eq!(
            rover([3, 5, 8].into_iter(), Some(4)),
            Some(3),
            "gone: the first"
        );
        assert_eq!(rover([3, 5, 8].into_iter(), None), Some(3));
        assert_eq!(rover(std::iter::empty::<u64>(), Some(4)), None);
    }

    #[test]
    fn test_arrow_keys_move_one_place_and_stop_at_the_ends() {
        assert_eq!(next_index(3, 0, "ArrowRight"), Some(1));
        assert_eq!(next_index(3, 0, "ArrowDown"), Some(1));
        assert_eq!(next_index(3, 2, "ArrowRight"), Some(2), "the last stays");
        assert_eq!(next_index(3, 0, "ArrowLeft"), Some(0), "the first stays");
        assert_eq!(next_index(3, 2, "ArrowUp"), Some(1));
        assert_eq!(next_index(3, 1, "Home"), Some(0));
        assert_eq!(next_index(3, 1, "End"), Some(2));
        assert_eq!(
            next_index(3, 1, "Enter"),
            None,
            "not a move: the element's own"
        );
        assert_eq!(next_index(0, 0, "ArrowRight"), None);
    }
}
