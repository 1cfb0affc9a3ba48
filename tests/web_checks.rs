//! The browser suite for the live safety checks (issue 13) and process pauses (issue 12): a
//! link into ZooKeeper 3.8's ZOOKEEPER-4646 window shows the broken check above the drawing,
//! in the checks panel and on the servers involved, and the same script under 3.9.4 shows
//! nothing broken; Pause in a server's panel stops its process, marks its card and goes into
//! the link; Connect client lists a session client and goes into the link. Nothing waits on
//! wall time: each test mounts the app with an explicit query, clicks, awaits
//! `yew::scheduler::flush()` and reads the DOM.
//!
//! Run from the repository root:
//! `wasm-pack test --headless --chrome --chromedriver /usr/bin/chromedriver . -- --test web_checks`

#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;
use web_sys::Element;

mod common;
use common::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The script that opens ZOOKEEPER-4646's window under 3.8 (sim::testkit::zk4646_window_spec).
fn script_link(zk: &str) -> String {
    let spec = sim::testkit::zk4646_window_spec(zab::ZkVersion::V3_8);
    format!(
        "?seed={}&voters=3&zk={zk}&f={}&pos=615",
        spec.seed,
        sim::trace_file::encode_actions(&spec.actions)
    )
}

/// Fire a bubbling event of this type at the element (Yew listens at its root), then render.
async fn fire(element: &Element, kind: &str) {
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let event = web_sys::Event::new_with_event_init_dict(kind, &init).expect("an event");
    element.dispatch_event(&event).expect("dispatched");
    yew::scheduler::flush().await;
}

/// Click an SVG element (a server's card), which has no `click()` of its own.
async fn click_svg(root: &Element, selector: &str) {
    fire(&find(root, selector), "click").await;
}

#[wasm_bindgen_test]
async fn test_a_link_into_the_4646_window_shows_the_broken_check_and_its_servers() {
    let (root, app) = mount(&script_link("3.8")).await;
    assert_eq!(
        count(&root, ".app__violation"),
        1,
        "named above the drawing"
    );
    assert!(
        text_of(&root, ".app__violation").contains("Committed means durable"),
        "{}",
        text_of(&root, ".app__violation")
    );
    let what = text_of(&root, ".checks__what");
    assert!(
        what.contains("ZOOKEEPER-4646") && what.contains("event 615"),
        "{what}"
    );
    assert_eq!(
        count(&root, ".checks__row--broken"),
        1,
        "one property broken"
    );
    assert!(
        count(&root, ".peer-card--broken") >= 1,
        "its servers outlined"
    );
    app.destroy();

    let (fixed, app) = mount(&script_link("3.9.4")).await;
    assert_eq!(count(&fixed, ".app__violation"), 0);
    assert_eq!(count(&fixed, ".checks--broken"), 0);
    assert_eq!(count(&fixed, ".peer-card--broken"), 0);
    assert!(text_of(&fixed, ".checks__summary").contains("hold so far"));
    app.destroy();
}

#[wasm_bindgen_test]
async fn test_pause_in_a_servers_panel_stops_it_marks_its_card_and_goes_into_the_link() {
    let (root, app) = mount("?seed=1&voters=3&pos=400").await;
    assert_eq!(count(&root, ".peer-card--paused"), 0);
    click_svg(&root, ".peer-card[data-sid=\"2\"]").await;
    click(&root, ".inspector__pause").await;
    assert_eq!(
        count(&root, ".peer-card--paused"),
        1,
        "server 2's card is marked"
    );
    assert!(text_of(&root, ".inspector__paused").contains("Process paused"));
    assert_eq!(text_of(&root, ".inspector__pause").trim(), "Resume");
    let link = find(&root, ".run-bar__permalink")
        .get_attribute("href")
        .unwrap_or_default();
    assert!(link.contains("400:s2"), "{link}");
    click(&root, ".inspector__pause").await;
    assert_eq!(count(&root, ".peer-card--paused"), 0, "resumed");
    app.destroy();
}

#[wasm_bindgen_test]
async fn test_connect_client_lists_the_client_and_goes_into_the_link() {
    let (root, app) = mount("?seed=1&voters=3&pos=400").await;
    assert_eq!(count(&root, ".clients"), 0, "no clients, no panel");
    click_svg(&root, ".peer-card[data-sid=\"2\"]").await;
    click(&root, ".inspector__connect").await;
    assert_eq!(count(&root, ".clients__row"), 1);
    assert!(
        text_of(&root, ".clients__head").contains("client 1 · server 2"),
        "{}",
        text_of(&root, ".clients__head")
    );
    let link = find(&root, ".run-bar__permalink")
        .get_attribute("href")
        .unwrap_or_default();
    assert!(link.contains("400:k2"), "{link}");
    app.destroy();
}

/// One animation frame (the app's driver runs on them), then Yew's render.
async fn next_frame() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.request_animation_frame(&resolve);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    yew::scheduler::flush().await;
}

/// Press "Find the first violation" and let the search run its frames (bounded).
async fn find_violation(root: &Element) {
    click(root, ".checks__find-button").await;
    for _ in 0..2_000 {
        if count(root, ".build-progress") == 0 {
            return;
        }
        next_frame().await;
    }
    panic!("the search did not end");
}

/// Choose a bug in the run bar's Real bug list (a change event, as a person's pick).
async fn pick_bug(root: &Element, id: &str) {
    use wasm_bindgen::JsCast;
    let select: web_sys::HtmlSelectElement = find(root, ".run-bar__bug-select").unchecked_into();
    select.set_value(id);
    fire(&select, "change").await;
}

#[wasm_bindgen_test]
async fn test_a_bug_picked_from_the_list_stops_at_its_violation_with_its_servers_marked() {
    let b = sim::bugs::by_id("ZOOKEEPER-4925").expect("registered");
    let (root, app) = mount("?seed=9&voters=3").await;
    pick_bug(&root, b.id).await;
    let caption = text_of(&root, ".run-bar__bug-caption");
    assert!(
        caption.contains(b.id) && caption.contains("3.9.3"),
        "{caption}"
    );
    find_violation(&root).await;
    let what = text_of(&root, ".checks__what");
    assert!(what.contains(&format!("event {}", b.step)), "{what}");
    assert_eq!(
        count(&root, ".app__violation"),
        1,
        "named above the drawing"
    );
    assert!(
        count(&root, ".peer-card--broken") >= 1,
        "its servers outlined"
    );
    // The space-time diagram marks it too: the rule at its time, the servers' lanes.
    assert_eq!(count(&root, ".space-time__violation"), 1);
    assert!(count(&root, ".space-time__lane-label--broken") >= 1);
    let link = find(&root, ".run-bar__permalink")
        .get_attribute("href")
        .unwrap_or_default();
    assert!(link.contains(&format!("pos={}", b.step)), "{link}");

    // The same script on the fixed release: the search finds nothing broken.
    click(&root, ".run-bar__bug-switch").await;
    assert!(text_of(&root, ".run-bar__bug-caption").contains("fixed release"));
    find_violation(&root).await;
    assert_eq!(count(&root, ".app__violation"), 0);
    assert_eq!(count(&root, ".space-time__violation"), 0);
    assert!(
        text_of(&root, ".checks__find").contains("every check held"),
        "{}",
        text_of(&root, ".checks__find")
    );
    app.destroy();
}
