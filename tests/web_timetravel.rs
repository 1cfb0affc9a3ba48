//! The browser suite for issue 6 (SG-20): time travel, links, embedding, export and import.
//! Each test mounts the app into a fresh element with an explicit query, clicks or dispatches
//! events, awaits `yew::scheduler::flush()`, and asserts on the DOM. Nothing sleeps on wall
//! time; reading a chosen file is the browser's own async work, so that test yields to the
//! event loop (a zero-delay task, a bounded number of times) until the import shows.
//!
//! Run from the repository root:
//! `wasm-pack test --headless --chrome --chromedriver /usr/bin/chromedriver .`

#![cfg(target_arch = "wasm32")]

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlInputElement};
use zabscope::link::Link;

mod common;
use common::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Drag the timeline's scrubber to `pos` (what the range input reports while dragged).
async fn scrub_to(root: &Element, pos: u64) {
    let range: HtmlInputElement = find(root, ".timeline__range").dyn_into().expect("an input");
    range.set_value(&pos.to_string());
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let input = web_sys::Event::new_with_event_init_dict("input", &init).expect("an event");
    range.dispatch_event(&input).expect("dispatch");
    yew::scheduler::flush().await;
}

fn position(root: &Element) -> u64 {
    text_of(root, ".timeline__position")
        .trim()
        .parse()
        .expect("the timeline shows a number")
}

#[wasm_bindgen_test]
async fn test_seeking_back_shows_what_live_play_showed() {
    // Live: click Step 150 times.
    let (live, _a) = mount("?seed=7&voters=3").await;
    for _ in 0..150 {
        click(&live, ".control-bar__step").await;
    }
    assert_eq!(position(&live), 150);
    let want = cluster_markup(&live);

    // Travelled: open further on, scrub back to 150, compare.
    let (travelled, _b) = mount("?seed=7&voters=3&pos=420").await;
    assert_eq!(position(&travelled), 420);
    assert_ne!(
        cluster_markup(&travelled),
        want,
        "a later position looks different"
    );
    scrub_to(&travelled, 150).await;
    assert_eq!(position(&travelled), 150);
    assert_eq!(cluster_markup(&travelled), want);
    assert!(text_of(&travelled, ".timeline__where").contains("in the past"));

    // Forward one event and back one event give the same picture again.
    click(&travelled, ".timeline__step-forward").await;
    assert_eq!(position(&travelled), 151);
    click(&travelled, ".timeline__step-back").await;
    assert_eq!(cluster_markup(&travelled), want);

    // Forward by scrubbing to the end again, then back by the phase buttons.
    scrub_to(&travelled, 420).await;
    click(&travelled, ".timeline__phase-back").await;
    let p = position(&travelled);
    assert!(p < 420, "the previous phase boundary is behind: {p}");
    click(&travelled, ".timeline__phase-forward").await;
    assert!(position(&travelled) > p);
}

#[wasm_bindgen_test]
async fn test_a_link_round_trips_state_to_link_to_state() {
    let query = "?seed=9&voters=3&observers=1&speed=0.5&f=200:w1,260:c3&pos=500";
    let (root, _a) = mount(query).await;
    assert_eq!(position(&root), 500);
    let href = find(&root, ".run-bar__permalink")
        .get_attribute("href")
        .expect("the permalink has an address");
    let linked = href.split_once('?').map(|(_, q)| q).expect("a query");
    // The app's link also says which ZooKeeper release ran (the default, here).
    assert_eq!(
        Link::parse(linked).expect("the app's link parses"),
        Link {
            zk: Some(zab::ZkVersion::default()),
            ..Link::parse(query).expect("the test's link parses")
        },
        "state → link gives the link back: {href}"
    );
    // link → state: the copied link shows the same view.
    let (again, _b) = mount(&format!("?{linked}")).await;
    assert_eq!(cluster_markup(&again), cluster_markup(&root));
    assert!(
        text_of(&again, ".timeline").contains("crash 3") || count(&again, ".timeline__action") == 2
    );

    // Acting in the past forks, and the page says so.
    scrub_to(&again, 100).await;
    assert_eq!(count(&again, ".timeline__fork"), 0);
    // Select server 2 and crash it from the inspector.
    let card = find(&again, ".peer-card[data-sid=\"2\"]");
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let bubbling = web_sys::Event::new_with_event_init_dict("click", &init).expect("an event");
    card.dispatch_event(&bubbling).expect("dispatch");
    yew::scheduler::flush().await;
    click(&again, ".inspector__crash").await;
    assert_eq!(count(&again, ".timeline__fork"), 1);
    assert!(text_of(&again, ".timeline__fork").contains("Forked at step"));

    // A tampered link gets a clear message naming the parameter.
    for (bad, param) in [
        ("?scenario=nope", "scenario"),
        ("?voters=3&f=10:c7", "f"),
        ("?pos=soon", "pos"),
        ("?speed=99", "speed"),
    ] {
        let (r, app) = mount(bad).await;
        assert!(
            text_of(&r, ".error-page__message").contains(&format!("{param}=")),
            "{bad}"
        );
        app.destroy();
    }
}

#[wasm_bindgen_test]
async fn test_scenario_picker_starts_the_scenario_and_shows_its_caption() {
    let (root, _a) = mount("?seed=4&voters=5").await;
    let select: web_sys::HtmlSelectElement = find(&root, ".run-bar__select")
        .dyn_into()
        .expect("a select");
    select.set_value("leader-crash");
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let change = web_sys::Event::new_with_event_init_dict("change", &init).expect("an event");
    select.dispatch_event(&change).expect("dispatch");
    yew::scheduler::flush().await;
    assert!(text_of(&root, ".run-bar__caption").contains("the leader crashes"));
    assert_eq!(count(&root, ".peer-card"), 3, "the scenario's shape");
    let href = find(&root, ".run-bar__permalink")
        .get_attribute("href")
        .unwrap_or_default();
    assert!(href.contains("scenario=leader-crash"), "{href}");
}

#[wasm_bindgen_test]
async fn test_embed_renders_compactly_and_takes_no_focus() {
    let before = document().active_element().map(|e| e.tag_name());
    let (root, _a) = mount("?embed&scenario=leader-crash&seed=3").await;
    assert_eq!(count(&root, ".embed"), 1);
    assert_eq!(count(&root, ".control-bar"), 0, "no full controls");
    assert_eq!(count(&root, ".timeline"), 0);
    assert_eq!(count(&root, ".peer-card"), 3);
    assert!(text_of(&root, ".embed__caption").contains("the leader crashes"));
    click(&root, ".embed__step").await;
    assert!(text_of(&root, ".embed__clock").contains("step 1"));
    assert_eq!(
        document().active_element().map(|e| e.tag_name()),
        before,
        "mounting and stepping take no focus"
    );
    assert!(find(&root, ".embed__open")
        .get_attribute("href")
        .unwrap_or_default()
        .contains("scenario=leader-crash"));
}

#[wasm_bindgen_test]
async fn test_mount_from_javascript_with_options() {
    let el = new_root();
    let options = js_sys::JSON::parse(
        r#"{"scenario":"fresh-start","seed":7,"speed":0.5,"autoplay":false,"appUrl":"https://example.org/zabscope/"}"#,
    )
    .expect("json");
    let mut mounted = zabscope::embed::mount(el.clone(), options).expect("mounts");
    yew::scheduler::flush().await;
    assert_eq!(count(&el, ".embed"), 1);
    assert!(text_of(&el, ".embed__title").contains("Three servers start · seed 7"));
    assert_eq!(
        find(&el, ".embed")
            .get_attribute("data-scenario")
            .as_deref(),
        Some("fresh-start")
    );
    assert!(find(&el, ".embed__open")
        .get_attribute("href")
        .unwrap_or_default()
        .starts_with("https://example.org/zabscope/?seed=7&scenario=fresh-start"));
    mounted.unmount();
    yew::scheduler::flush().await;
    assert_eq!(count(&el, ".embed"), 0, "unmount removes the frame");

    // The full app when embed is false.
    let full = new_root();
    let options = js_sys::JSON::parse(r#"{"embed":false,"voters":3,"seed":2}"#).expect("json");
    let _m = zabscope::embed::mount(full.clone(), options).expect("mounts");
    yew::scheduler::flush().await;
    assert_eq!(count(&full, ".control-bar"), 1);

    // Wrong options throw an error naming them.
    for (json, needle) in [
        (r#"{"scenario":"nope"}"#, "scenario"),
        (r#"{"speed":50}"#, "speed"),
        (r#"{"voters":3,"faults":"5:c4"}"#, "server 4"),
        (r#"{"sed":7}"#, "sed"),
        (r#"{"seed":"seven"}"#, "seven"),
    ] {
        let options = js_sys::JSON::parse(json).expect("json");
        let err = match zabscope::embed::mount(new_root(), options) {
            Ok(_) => panic!("{json} must be refused"),
            Err(e) => JsValue::from(e),
        };
        let message = js_sys::Reflect::get(&err, &"message".into())
            .ok()
            .and_then(|m| m.as_string())
            .unwrap_or_default();
        assert!(message.contains(needle), "{json}: {message}");
    }
}

#[wasm_bindgen_test]
async fn test_export_then_import_round_trips() {
    let (root, _a) = mount("?seed=5&voters=3&f=150:c2&pos=400").await;
    let want = cluster_markup(&root);

    // Export: the link is armed with the trace when clicked (the download itself is cancelled).
    let export = find(&root, ".run-bar__export");
    let cancel =
        wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::Event)>::new(|e: web_sys::Event| {
            e.prevent_default()
        });
    export
        .add_event_listener_with_callback("click", cancel.as_ref().unchecked_ref())
        .expect("listen");
    click(&root, ".run-bar__export").await;
    let href = export.get_attribute("href").unwrap_or_default();
    assert!(href.starts_with("blob:"), "{href}");
    let window = web_sys::window().expect("a window");
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(&href))
        .await
        .expect("fetch the blob")
        .dyn_into()
        .expect("a response");
    let trace = JsFuture::from(response.text().expect("text"))
        .await
        .expect("the text")
        .as_string()
        .expect("a string");
    let header = trace.lines().next().unwrap_or_default();
    assert!(
        header.contains(&format!(
            "\"zabscope_trace\":{}",
            sim::trace_file::TRACE_VERSION
        )) && header.contains("\"steps\":400"),
        "{header}"
    );
    assert!(header.contains("150:c2"), "{header}");

    // Import it into an app showing another run.
    let (other, _b) = mount("?seed=1&voters=5").await;
    choose_file(&other, "run.jsonl", &trace).await;
    for _ in 0..200 {
        if count(&other, ".peer-card") == 3 {
            break;
        }
        next_task().await;
    }
    assert_eq!(position(&other), 400, "standing at the end of the trace");
    assert_eq!(cluster_markup(&other), want);
    assert!(text_of(&other, ".run-bar__notice").contains("Imported run.jsonl"));
    // The imported run can be scrubbed.
    scrub_to(&other, 10).await;
    assert_eq!(position(&other), 10);

    // A malformed file gets a message with the line number.
    let mut lines: Vec<&str> = trace.lines().collect();
    lines[3] = "{\"index\":2,\"time\":0,\"kind\":\"no_such_kind\"}";
    choose_file(&other, "bad.jsonl", &lines.join("\n")).await;
    for _ in 0..200 {
        if count(&other, ".run-bar__import-error") == 1 {
            break;
        }
        next_task().await;
    }
    let message = text_of(&other, ".run-bar__import-error");
    assert!(message.contains("bad.jsonl: line 4"), "{message}");
}

/// The message of the error `mount` throws for `options` (it must throw).
fn mount_error(options: JsValue) -> String {
    let err = match zabscope::embed::mount(new_root(), options.clone()) {
        Ok(_) => panic!("{options:?} must be refused"),
        Err(e) => JsValue::from(e),
    };
    js_sys::Reflect::get(&err, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn test_mount_names_the_option_of_a_wrong_type() {
    // The JavaScript values themselves, as a host page passes them (not only JSON).
    let json = |text: &str| js_sys::JSON::parse(text).expect("json");
    assert_eq!(
        mount_error(json(r#"{"voters":"five"}"#)),
        "ZabScope mount: the option voters must be a number (a whole number from 1 to 9), not \
         the string \"five\"."
    );
    assert_eq!(
        mount_error(json(r#"{"autoplay":1}"#)),
        "ZabScope mount: the option autoplay must be a boolean (true or false), not the number \
         1."
    );
    let object = js_sys::Object::new();
    js_sys::Reflect::set(&object, &"seed".into(), &js_sys::BigInt::from(7u64).into())
        .expect("set seed");
    assert!(mount_error(object.into()).ends_with("not a bigint."));
    assert!(mount_error(json(r#"{"vooters":5}"#)).contains("unknown option `vooters`"));
    assert!(mount_error(json(r#"{"embed":true,"compact":true}"#)).contains("two names"));
    assert_eq!(
        mount_error(JsValue::from_str("seed=7")),
        "ZabScope mount: the options must be an object (or undefined), not the string \
         \"seed=7\"."
    );
    assert!(mount_error(json("[]")).ends_with("not an array."));
    // An option set to undefined or null is left out, as with no options at all.
    let object = js_sys::Object::new();
    js_sys::Reflect::set(&object, &"seed".into(), &JsValue::UNDEFINED).expect("set seed");
    js_sys::Reflect::set(&object, &"voters".into(), &JsValue::NULL).expect("set voters");
    let el = new_root();
    let _m = zabscope::embed::mount(el.clone(), object.into()).expect("mounts");
    yew::scheduler::flush().await;
    assert_eq!(count(&el, ".embed"), 1);
}
