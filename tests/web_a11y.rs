//! The browser suite for keyboard access (issue 11): the help dialog takes, traps and gives
//! back the focus; every message in flight and every connection is reached from the keyboard
//! (one Tab stop each, the arrow keys between them) and Enter or Space acts as a click; the
//! keys a focused element takes are not also shortcuts. (axe-core's WCAG checks run over the
//! release build: `make a11y-test`.)
//!
//! Run from the repository root:
//! `wasm-pack test --headless --chrome --chromedriver /usr/bin/chromedriver . -- --test web_a11y`

#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::Element;

mod common;
use common::*;

wasm_bindgen_test_configure!(run_in_browser);

/// More Step clicks than any startup here needs; a test that hits it fails.
const MAX_STEPS: usize = 3000;

/// Click Step until `done` holds.
async fn step_until(root: &Element, what: &str, mut done: impl FnMut(&Element) -> bool) {
    for steps in 0..MAX_STEPS {
        if done(root) {
            return;
        }
        click(root, ".control-bar__step").await;
        if steps % 25 == 24 {
            next_task().await;
        }
    }
    panic!("{what} did not happen within {MAX_STEPS} steps");
}

/// Focus an element (HTML or SVG) as the keyboard would reach it.
async fn focus(el: &Element) {
    let f = js_sys::Reflect::get(el, &"focus".into()).expect("elements have focus()");
    f.dyn_ref::<js_sys::Function>()
        .expect("focus is a function")
        .call0(el)
        .expect("focus()");
    yew::scheduler::flush().await;
}

fn active() -> Option<Element> {
    document().active_element()
}

/// The focused element; a test that expects one fails without it.
fn focused() -> Element {
    active().expect("an element has the focus")
}

/// A key press on `target` (it bubbles to the app and on to the document, as a real one);
/// whether something took it (`preventDefault`).
async fn press_on(target: &Element, key: &str, shift: bool) -> bool {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_shift_key(shift);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let ev = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init)
        .expect("a key event");
    target.dispatch_event(&ev).expect("dispatch");
    yew::scheduler::flush().await;
    ev.default_prevented()
}

fn playing(root: &Element) -> bool {
    count(root, ".control-bar__play[aria-pressed=\"true\"]") == 1
}

fn attr(el: &Element, name: &str) -> String {
    el.get_attribute(name).unwrap_or_default()
}

/// Whether `el` has the class `name` (SVG elements too).
fn has_class(el: &Element, name: &str) -> bool {
    attr(el, "class").split_whitespace().any(|c| c == name)
}

/// The elements matching `selector`, in document order.
fn all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).expect("a valid selector");
    (0..list.length())
        .filter_map(|i| list.get(i)?.dyn_into().ok())
        .collect()
}

#[wasm_bindgen_test]
async fn test_the_help_dialog_takes_traps_and_gives_back_the_focus() {
    let (root, app) = mount("?seed=7&voters=3").await;
    let opener = find(&root, ".control-bar__help");
    focus(&opener).await;
    click(&root, ".control-bar__help").await;
    let dialog = find(&root, ".help-overlay [role=dialog]");
    assert_eq!(attr(&dialog, "aria-modal"), "true");
    let inside = |el: &Option<Element>| el.as_ref().is_some_and(|e| dialog.contains(Some(e)));
    assert!(inside(&active()), "the dialog takes the focus on open");
    // Tab and Shift+Tab from its one control stay in it.
    let here = active().expect("a focused element");
    assert!(
        press_on(&here, "Tab", false).await,
        "Tab is kept in the dialog"
    );
    assert!(inside(&active()), "Tab stays inside");
    let here = active().expect("a focused element");
    assert!(press_on(&here, "Tab", true).await, "Shift+Tab is kept too");
    assert!(inside(&active()), "Shift+Tab stays inside");
    // A key that is not Tab is left alone by the trap ("?" while a button is focused is
    // the button's).
    assert!(!press_on(&here, "x", false).await);
    // Esc closes it, and the focus is back on the button that opened it.
    press_on(&here, "Escape", false).await;
    assert_eq!(count(&root, ".help-overlay"), 0, "Esc closes the dialog");
    assert_eq!(
        active(),
        Some(opener.clone()),
        "the focus returns to the opener"
    );
    // Opened again and closed with its × button: the same.
    click(&root, ".control-bar__help").await;
    assert!(active().is_some_and(
        |e| root.contains(Some(&e)) && e.closest(".help-overlay").ok().flatten().is_some()
    ));
    click(&root, ".help-overlay__close").await;
    assert_eq!(count(&root, ".help-overlay"), 0);
    assert_eq!(active(), Some(opener), "back to the opener after ×");
    app.destroy();
}

#[wasm_bindgen_test]
async fn test_messages_in_flight_share_one_tab_stop_and_the_arrow_keys_walk_them() {
    let (root, app) = mount("?seed=7&voters=3").await;
    step_until(&root, "three messages in flight", |r| {
        count(r, ".message-pill") >= 3
    })
    .await;
    let pills = all(&root, ".message-pill");
    for p in &pills {
        assert_eq!(attr(p, "role"), "button", "a pill is a button");
        assert!(!attr(p, "aria-label").is_empty(), "a pill is named");
    }
    let stops: Vec<&Element> = pills
        .iter()
        .filter(|p| attr(p, "tabindex") == "0")
        .collect();
    assert_eq!(stops.len(), 1, "one Tab stop for all the messages");
    assert!(pills
        .iter()
        .all(|p| matches!(attr(p, "tabindex").as_str(), "0" | "-1")));
    // In sending order (message ids), whichever layer a pill is drawn in.
    let mut ids: Vec<u64> = pills
        .iter()
        .map(|p| attr(p, "data-msg").parse().expect("a message id"))
        .collect();
    ids.sort_unstable();
    let first = find(&root, &format!(".message-pill[data-msg=\"{}\"]", ids[0]));
    assert_eq!(
        attr(&first, "tabindex"),
        "0",
        "the first message holds the stop"
    );
    focus(&first).await;
    let status = text_of(&root, ".status-line");
    assert!(
        press_on(&first, "ArrowRight", false).await,
        "→ moves between messages"
    );
    let now = active().expect("a focused element");
    assert_eq!(
        attr(&now, "data-msg"),
        ids[1].to_string(),
        "→ goes to the next message"
    );
    assert_eq!(
        text_of(&root, ".status-line"),
        status,
        "→ on a message does not step the run"
    );
    assert_eq!(attr(&now, "tabindex"), "0", "the stop follows the focus");
    assert_eq!(attr(&first, "tabindex"), "-1");
    press_on(&now, "End", false).await;
    assert_eq!(
        attr(&focused(), "data-msg"),
        ids[ids.len() - 1].to_string(),
        "End: the last"
    );
    press_on(&focused(), "ArrowRight", false).await;
    assert_eq!(
        attr(&focused(), "data-msg"),
        ids[ids.len() - 1].to_string(),
        "it stays at the end"
    );
    press_on(&focused(), "Home", false).await;
    assert_eq!(
        attr(&focused(), "data-msg"),
        ids[0].to_string(),
        "Home: the first"
    );
    // Enter picks it, like a click; Space picks it again (unpicks) and does not play.
    let target = focused();
    assert!(press_on(&target, "Enter", false).await);
    assert_eq!(
        count(&root, ".message-panel"),
        1,
        "Enter opens the message's panel"
    );
    let picked = find(&root, &format!(".message-pill[data-msg=\"{}\"]", ids[0]));
    assert_eq!(attr(&picked, "aria-pressed"), "true");
    assert!(has_class(&picked, "message-pill--selected"));
    assert!(!playing(&root));
    press_on(&picked, " ", false).await;
    assert!(
        !playing(&root),
        "Space on a message is the message's, not play"
    );
    assert_eq!(
        count(&root, ".message-panel"),
        0,
        "Space toggles the pick like a click"
    );
    app.destroy();
}

#[wasm_bindgen_test]
async fn test_a_connection_is_reached_by_keyboard_and_opens_its_servers_break_button() {
    let (root, app) = mount("?seed=7&voters=3").await;
    step_until(&root, "two open connections", |r| count(r, ".link") >= 2).await;
    let links = all(&root, ".link");
    assert!(links
        .iter()
        .all(|l| attr(l, "role") == "button" && !attr(l, "aria-label").is_empty()));
    let stops: Vec<&Element> = links
        .iter()
        .filter(|l| attr(l, "tabindex") == "0")
        .collect();
    assert_eq!(stops.len(), 1, "one Tab stop for all the connections");
    let first = stops[0].clone();
    focus(&first).await;
    assert!(press_on(&first, "ArrowDown", false).await);
    let second = active().expect("a focused element");
    assert!(
        has_class(&second, "link") && second != first,
        "↓ goes to the next connection"
    );
    let link = attr(&second, "data-link");
    let (a, b) = link.split_once('-').expect("a-b");
    assert!(!playing(&root));
    assert!(
        press_on(&second, " ", false).await,
        "Space acts on the connection"
    );
    assert!(!playing(&root), "and does not also play");
    next_task().await;
    assert!(
        text_of(&root, ".inspector__title").contains(&format!("Server {a}")),
        "Space opened server {a}'s panel"
    );
    let focused = active().expect("a focused element");
    assert!(
        has_class(&focused, "inspector__break"),
        "the focus is on a break button"
    );
    assert_eq!(attr(&focused, "data-to"), b, "the one for this connection");
    app.destroy();
}

#[wasm_bindgen_test]
async fn test_space_on_a_focused_card_picks_it_and_does_not_play() {
    let (root, app) = mount("?seed=7&voters=3").await;
    step_until(&root, "cards drawn", |r| count(r, ".peer-card") == 3).await;
    let card = find(&root, ".peer-card[data-sid=\"2\"]");
    assert_eq!(attr(&card, "tabindex"), "0", "every card is a Tab stop");
    focus(&card).await;
    assert!(press_on(&card, " ", false).await);
    assert!(!playing(&root), "Space on a card is the card's");
    assert_eq!(
        count(&root, ".peer-card--selected[data-sid=\"2\"]"),
        1,
        "Space picks the card"
    );
    // The page's shortcut still works from elsewhere.
    press_on(&document().body().expect("a body").into(), " ", false).await;
    assert!(playing(&root), "Space on the page plays");
    click(&root, ".control-bar__play").await;
    app.destroy();
}
