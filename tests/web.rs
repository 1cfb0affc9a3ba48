//! The browser suite (SG-20, test layer 5): interaction and wiring only. Each test mounts the
//! app into a fresh element with an explicit query, clicks or dispatches, awaits
//! `yew::scheduler::flush()`, and asserts on the DOM. No test sleeps on wall time: the
//! animation-frame driver is never needed, because Step runs exactly one event.
//!
//! Run from the repository root:
//! `wasm-pack test --headless --chrome --chromedriver /usr/bin/chromedriver .`

#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

/// The same file the native determinism test reads (`crates/sim/tests/determinism.rs`).
const GOLDEN: &str = include_str!("../crates/sim/testdata/golden_trace_hashes.txt");

/// More Step clicks than any election here needs; a test that hits it fails.
const MAX_STEPS: usize = 3000;

fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("tests run in a page with a document")
}

/// Mount the app into a new element appended to `<body>`.
async fn mount(query: &str) -> (Element, yew::AppHandle<zabscope::App>) {
    let root = document().create_element("div").expect("create a div");
    document()
        .body()
        .expect("the test page has a body")
        .append_child(&root)
        .expect("append the root");
    let handle = zabscope::mount_with(root.clone(), query);
    yew::scheduler::flush().await;
    (root, handle)
}

fn count(root: &Element, selector: &str) -> u32 {
    root.query_selector_all(selector)
        .expect("a valid selector")
        .length()
}

fn find(root: &Element, selector: &str) -> HtmlElement {
    root.query_selector(selector)
        .expect("a valid selector")
        .unwrap_or_else(|| panic!("no element matches {selector}"))
        .dyn_into::<HtmlElement>()
        .expect("an HTML element")
}

/// The `data-state` of server `sid`'s card (an SVG element, so not an `HtmlElement`).
fn state_of(root: &Element, sid: i64) -> Option<String> {
    root.query_selector(&format!(".peer-card[data-sid=\"{sid}\"]"))
        .expect("a valid selector")
        .and_then(|card| card.get_attribute("data-state"))
}

async fn click(root: &Element, selector: &str) {
    find(root, selector).click();
    yew::scheduler::flush().await;
}

/// Click Step until `done` holds; returns the number of steps taken.
async fn step_until(root: &Element, what: &str, done: impl Fn(&Element) -> bool) -> usize {
    for steps in 0..MAX_STEPS {
        if done(root) {
            return steps;
        }
        click(root, ".control-bar__step").await;
    }
    panic!("{what} did not happen within {MAX_STEPS} steps");
}

#[wasm_bindgen_test]
async fn test_stepping_a_fixed_seed_elects_one_leader_and_the_rest_follow() {
    let (root, _app) = mount("?seed=7&voters=3").await;
    assert_eq!(count(&root, ".peer-card"), 3, "one card per server");
    assert!(root.text_content().unwrap_or_default().contains("seed 7"));
    let steps = step_until(&root, "an elected leader", |r| {
        count(r, ".peer-card--leading") == 1 && count(r, ".peer-card--following") == 2
    })
    .await;
    assert!(steps > 0);
    let cards = root
        .query_selector_all(".peer-card")
        .expect("a valid selector");
    let mut states = Vec::new();
    for i in 0..cards.length() {
        let card: Element = cards
            .get(i)
            .expect("listed")
            .dyn_into()
            .expect("an element");
        states.push(card.get_attribute("data-state").unwrap_or_default());
    }
    states.sort();
    assert_eq!(states, ["FOLLOWING", "FOLLOWING", "LEADING"]);
    let leader = root
        .query_selector(".peer-card--leading")
        .expect("a valid selector")
        .expect("the leader's card");
    assert!(leader
        .text_content()
        .unwrap_or_default()
        .contains("LEADING"));
}

#[wasm_bindgen_test]
async fn test_a_notification_is_drawn_in_flight_with_its_kind() {
    let (root, _app) = mount("?seed=7&voters=3").await;
    assert_eq!(
        count(&root, ".message-pill"),
        0,
        "nothing is on the wire before the start"
    );
    step_until(&root, "a NOTIFICATION in flight", |r| {
        count(r, ".message-pill[data-kind=\"NOTIFICATION\"]") > 0
    })
    .await;
    let pill = root
        .query_selector(".message-pill[data-kind=\"NOTIFICATION\"]")
        .expect("a valid selector")
        .expect("a pill");
    let text = pill.text_content().unwrap_or_default();
    assert!(text.contains("NOTIFICATION"), "{text}");
    // The tooltip carries the full summary with the vote's fields.
    assert!(
        text.contains("leader=") && text.contains("peerEpoch="),
        "{text}"
    );
}

#[wasm_bindgen_test]
async fn test_bad_url_parameters_show_a_clear_message() {
    let cases = [
        ("?voters=abc", "voters", "1 to 9"),
        ("?voters=100", "voters", "1 to 9"),
        ("?observers=-1", "observers", "0 to 4"),
        ("?seed=xyz", "seed", "0 to 9007199254740991"),
    ];
    for (query, param, range) in cases {
        let (root, app) = mount(query).await;
        assert_eq!(
            count(&root, ".error-page"),
            1,
            "{query}: the error page is shown"
        );
        assert_eq!(count(&root, ".peer-card"), 0, "{query}: no run is drawn");
        let text = find(&root, ".error-page__message")
            .text_content()
            .unwrap_or_default();
        assert!(
            text.contains(param) && text.contains(range),
            "{query}: {text}"
        );
        app.destroy();
    }
}

#[wasm_bindgen_test]
async fn test_golden_trace_hashes_match_the_native_ones() {
    let cases = sim::golden::parse(GOLDEN).expect("the golden file parses");
    assert!(
        cases.len() >= 3,
        "the golden file lists at least three runs"
    );
    for c in cases {
        let hash = sim::golden::run(c.seed, c.voters, c.observers, c.until_ms);
        assert_eq!(
            hash, c.hash,
            "seed {} voters {} observers {} until {} ms: browser {hash:016x}, golden file {:016x}",
            c.seed, c.voters, c.observers, c.until_ms, c.hash
        );
    }
}

#[wasm_bindgen_test]
async fn test_select_a_server_then_crash_and_restart_it_from_the_inspector() {
    let (root, _app) = mount("?seed=3&voters=3").await;
    step_until(&root, "server 2 running", |r| {
        !matches!(
            state_of(r, 2).as_deref(),
            Some("NOT STARTED" | "CRASHED") | None
        )
    })
    .await;
    // SVG <g> elements are not HTMLElements: dispatch a click event on it.
    let card = root
        .query_selector(".peer-card[data-sid=\"2\"]")
        .expect("valid selector")
        .expect("card 2");
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let bubbling = web_sys::Event::new_with_event_init_dict("click", &init).expect("an event");
    card.dispatch_event(&bubbling).expect("dispatch");
    yew::scheduler::flush().await;
    assert_eq!(count(&root, ".peer-card--selected"), 1);
    assert!(find(&root, ".inspector__title")
        .text_content()
        .unwrap_or_default()
        .contains("Server 2"));

    click(&root, ".inspector__crash").await;
    assert_eq!(state_of(&root, 2).as_deref(), Some("CRASHED"));
    assert!(
        root.text_content()
            .unwrap_or_default()
            .contains("server 2 crashed"),
        "the log says so"
    );

    click(&root, ".inspector__restart").await;
    assert_ne!(
        state_of(&root, 2).as_deref(),
        Some("CRASHED"),
        "restart brings the process back"
    );
}

#[wasm_bindgen_test]
async fn test_play_and_pause_toggle_without_running_the_clock() {
    let (root, _app) = mount("?seed=5&voters=3").await;
    let play = ".control-bar__play";
    assert_eq!(
        find(&root, play).get_attribute("aria-pressed").as_deref(),
        Some("false")
    );
    click(&root, play).await;
    assert_eq!(
        find(&root, play).get_attribute("aria-pressed").as_deref(),
        Some("true")
    );
    click(&root, play).await;
    assert_eq!(
        find(&root, play).get_attribute("aria-pressed").as_deref(),
        Some("false")
    );
}
