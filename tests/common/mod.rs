//! Helpers shared by the browser suites: a fresh root element, mounting the app into it, and
//! counting matches.

use web_sys::Element;

pub fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("tests run in a page with a document")
}

/// A new element appended to `<body>`.
pub fn new_root() -> Element {
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
