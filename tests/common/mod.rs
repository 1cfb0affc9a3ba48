//! Helpers shared by the browser suites: a fresh root element, mounting the app into it,
//! finding, counting and clicking, key presses, file choosing, and the drawing's markup.
//!
//! Each browser suite is its own binary and uses only some of these.
#![allow(dead_code)]

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, HtmlElement, HtmlInputElement};

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

/// The drawing's markup (what a person sees of the run at this position) with each element's attributes sorted: Yew may write the same
/// attributes in another order when it patches an element than when it creates one, and that
/// is not a different picture.
pub fn cluster_markup(root: &Element) -> String {
    let mut out = String::new();
    canonical(&find(root, ".cluster"), &mut out);
    out
}

fn canonical(el: &Element, out: &mut String) {
    let mut names: Vec<String> = el
        .get_attribute_names()
        .iter()
        .filter_map(|v| v.as_string())
        .collect();
    names.sort();
    out.push('<');
    out.push_str(&el.tag_name());
    for n in names {
        out.push_str(&format!(
            " {n}={:?}",
            el.get_attribute(&n).unwrap_or_default()
        ));
    }
    out.push('>');
    let mut child = el.first_child();
    while let Some(node) = child {
        match node.dyn_ref::<Element>() {
            Some(e) => canonical(e, out),
            None => out.push_str(&node.text_content().unwrap_or_default()),
        }
        child = node.next_sibling();
    }
    out.push_str("</>");
}

/// Choose a file in the import control, as a person would.
pub async fn choose_file(root: &Element, name: &str, content: &str) {
    let parts = js_sys::Array::of1(&JsValue::from_str(content));
    let file = web_sys::File::new_with_str_sequence(&parts, name).expect("a file");
    let transfer = web_sys::DataTransfer::new().expect("a transfer");
    transfer.items().add_with_file(&file).expect("add the file");
    let input: HtmlInputElement = find(root, ".run-bar__import").dyn_into().expect("an input");
    input.set_files(transfer.files().as_ref());
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let change = web_sys::Event::new_with_event_init_dict("change", &init).expect("an event");
    input.dispatch_event(&change).expect("dispatch");
    yew::scheduler::flush().await;
}

/// A key press as the keyboard would send it (to the document, where the app listens).
pub async fn press_key(key: &str, shift: bool) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_shift_key(shift);
    init.set_bubbles(true);
    let ev = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init)
        .expect("a key event");
    document().dispatch_event(&ev).expect("dispatch");
    yew::scheduler::flush().await;
}
