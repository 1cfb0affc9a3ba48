//! Helpers shared by the browser suites: a fresh root element, mounting the app into it, and
//! counting matches.

use web_sys::Element;

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
