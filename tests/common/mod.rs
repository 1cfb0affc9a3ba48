//! Helpers shared by the browser suites: a fresh root element, mounting the app into it, and
//! counting matches.
//!
//! Each browser suite is its own binary and uses only some of these.
#![allow(dead_code)]

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

pub fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("tests run in a page with a document")
}

/// The test page has none of the app's stylesheet, so a drawing's box would take its size from
/// what it draws (and two apps would differ by a few pixels). A fixed box, as the stylesheet
/// gives on a desktop, makes two apps at the same position draw the same markup.
const FIXED_DRAWING: &str = ".app__drawing { position: relative; width: 820px; height: 560px; } \
    .app__drawing > .cluster { position: absolute; left: 0; top: 0; }";

fn ensure_test_style() {
    let doc = document();
    if doc.get_element_by_id("zabscope-test-style").is_some() {
        return;
    }
    let style = doc.create_element("style").expect("create a style");
    style.set_id("zabscope-test-style");
    style.set_text_content(Some(FIXED_DRAWING));
    doc.query_selector("head")
        .expect("a valid selector")
        .expect("the test page has a head")
        .append_child(&style)
        .expect("append the style");
}

/// A new element appended to `<body>`.
pub fn new_root() -> Element {
    ensure_test_style();
    let root = document().create_element("div").expect("create a div");
    document()
        .body()
        .expect("the test page has a body")
        .append_child(&root)
        .expect("append the root");
    root
}

/// Mount the app with an explicit query into a new element.
pub async fn mount(query: &str) -> (Element, yew::AppHandle<zabscope::App>) {
    let root = new_root();
    let handle = zabscope::mount_with(root.clone(), query);
    yew::scheduler::flush().await;
    (root, handle)
}

/// How many elements under `root` match `selector`.
pub fn count(root: &Element, selector: &str) -> u32 {
    root.query_selector_all(selector)
        .expect("a valid selector")
        .length()
}

/// The first element under `root` matching `selector`; a test that expects it fails without it.
pub fn find(root: &Element, selector: &str) -> Element {
    root.query_selector(selector)
        .expect("a valid selector")
        .unwrap_or_else(|| panic!("no element matches {selector}"))
}

/// Click an HTML element (a button, a link) and let Yew render.
pub async fn click(root: &Element, selector: &str) {
    find(root, selector)
        .dyn_into::<HtmlElement>()
        .expect("an HTML element")
        .click();
    yew::scheduler::flush().await;
}

/// The text of the first match, or "" when nothing matches.
pub fn text_of(root: &Element, selector: &str) -> String {
    root.query_selector(selector)
        .expect("a valid selector")
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

/// The text of every match, in document order.
pub fn texts_of(root: &Element, selector: &str) -> Vec<String> {
    let list = root.query_selector_all(selector).expect("a valid selector");
    (0..list.length())
        .filter_map(|i| list.get(i))
        .map(|n| n.text_content().unwrap_or_default())
        .collect()
}

/// Let the browser run its own tasks once (a zero-delay macrotask, not a wait on wall time:
/// file reads finish, long step loops stay responsive to the runner), then let Yew render.
pub async fn next_task() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback(&resolve);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    yew::scheduler::flush().await;
}
