//! The browser suite for sharing without a clipboard (issue 11): on a plain-http page that is
//! not localhost there is no `navigator.clipboard`, and a browser may refuse to write. "Copy
//! link" must then throw nothing and show the link, selected, in a read-only field. And the
//! frames a page mounts with one `group` play one at a time.
//!
//! Run from the repository root:
//! `wasm-pack test --headless --chrome --chromedriver /usr/bin/chromedriver . -- --test web_share`

#![cfg(target_arch = "wasm32")]

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlInputElement};

mod common;
use common::*;

wasm_bindgen_test_configure!(run_in_browser);

/// `Navigator.prototype.clipboard` as the page had it, to put back after a test.
fn clipboard_descriptor() -> JsValue {
    js_sys::Object::get_own_property_descriptor(&navigator_prototype(), &"clipboard".into())
}

fn navigator_prototype() -> js_sys::Object {
    js_sys::Reflect::get(&js_sys::global(), &"Navigator".into())
        .and_then(|n| js_sys::Reflect::get(&n, &"prototype".into()))
        .expect("Navigator.prototype")
        .unchecked_into()
}

/// Replace `navigator.clipboard` for the length of a test: `None` deletes it, `Some(value)`
/// makes it return `value`. Dropping the guard puts the page's own back.
struct ClipboardSwap(JsValue);

impl ClipboardSwap {
    fn new(value: Option<JsValue>) -> ClipboardSwap {
        let saved = clipboard_descriptor();
        let proto = navigator_prototype();
        js_sys::Reflect::delete_property(&proto, &"clipboard".into()).expect("delete clipboard");
        if let Some(value) = value {
            let descriptor = js_sys::Object::new();
            js_sys::Reflect::set(&descriptor, &"value".into(), &value).expect("set value");
            js_sys::Reflect::set(&descriptor, &"configurable".into(), &true.into())
                .expect("set configurable");
            js_sys::Object::define_property(&proto, &"clipboard".into(), &descriptor);
        }
        ClipboardSwap(saved)
    }
}

impl Drop for ClipboardSwap {
    fn drop(&mut self) {
        let proto = navigator_prototype();
        let _ = js_sys::Reflect::delete_property(&proto, &"clipboard".into());
        if !self.0.is_undefined() {
            js_sys::Object::define_property(&proto, &"clipboard".into(), self.0.unchecked_ref());
        }
    }
}

/// Press Copy link and wait (a bounded number of tasks, the clipboard's promise settles on the
/// browser's own schedule) until a notice shows.
async fn copy_and_wait(root: &Element) {
    click(root, ".run-bar__copy").await;
    for _ in 0..50 {
        if count(root, ".run-bar__notice") > 0 {
            break;
        }
        next_task().await;
    }
    // The field is selected in an effect after the render.
    next_task().await;
}

fn assert_link_shown(root: &Element) {
    assert!(
        text_of(root, ".run-bar__notice").contains("Copy this link:"),
        "the notice says what to do: {:?}",
        text_of(root, ".run-bar__notice")
    );
    let field: HtmlInputElement = find(root, ".run-bar__link-text").unchecked_into();
    assert!(field.read_only(), "the field is read-only");
    let link = field.value();
    let permalink = find(root, ".run-bar__permalink")
        .get_attribute("href")
        .expect("the permalink has an address");
    assert_eq!(link, permalink, "the field holds the link to this view");
    assert!(link.contains("seed=3"), "{link}");
    assert!(link.contains("scenario=leader-crash"), "{link}");
    let active = document().active_element();
    assert_eq!(
        active.as_ref(),
        Some(field.unchecked_ref::<Element>()),
        "the field has the focus"
    );
    assert_eq!(field.selection_start().ok().flatten(), Some(0));
    assert_eq!(
        field.selection_end().ok().flatten(),
        Some(link.encode_utf16().count() as u32),
        "all of the link is selected"
    );
}

#[wasm_bindgen_test]
async fn test_copy_link_without_a_clipboard_shows_the_link_selected() {
    let _swap = ClipboardSwap::new(None);
    let (root, handle) = mount("scenario=leader-crash&seed=3&pos=120").await;
    copy_and_wait(&root).await;
    assert_link_shown(&root);
    assert!(
        text_of(&root, ".run-bar__notice").contains("no clipboard access"),
        "it says why: {:?}",
        text_of(&root, ".run-bar__notice")
    );
    handle.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn test_copy_link_when_the_clipboard_refuses_shows_the_link_selected() {
    let refusing = js_sys::Object::new();
    let write = js_sys::Function::new_no_args(
        "return Promise.reject(new DOMException('Write permission denied.', 'NotAllowedError'));",
    );
    js_sys::Reflect::set(&refusing, &"writeText".into(), &write).expect("set writeText");
    let _swap = ClipboardSwap::new(Some(refusing.into()));
    let (root, handle) = mount("scenario=leader-crash&seed=3&pos=120").await;
    copy_and_wait(&root).await;
    assert_link_shown(&root);
    assert!(
        text_of(&root, ".run-bar__notice").contains("Write permission denied."),
        "it passes on the browser's reason: {:?}",
        text_of(&root, ".run-bar__notice")
    );
    handle.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn test_copy_link_with_a_clipboard_says_copied() {
    let written = js_sys::Array::new();
    let keep = written.clone();
    let write = wasm_bindgen::closure::Closure::<dyn FnMut(JsValue) -> js_sys::Promise>::new(
        move |text: JsValue| {
            keep.push(&text);
            js_sys::Promise::resolve(&JsValue::UNDEFINED)
        },
    );
    let clipboard = js_sys::Object::new();
    js_sys::Reflect::set(&clipboard, &"writeText".into(), write.as_ref()).expect("set");
    let _swap = ClipboardSwap::new(Some(clipboard.into()));
    let (root, handle) = mount("scenario=leader-crash&seed=3&pos=120").await;
    copy_and_wait(&root).await;
    assert_eq!(text_of(&root, ".run-bar__notice"), "Link copied.");
    assert_eq!(count(&root, ".run-bar__link-text"), 0);
    assert_eq!(written.length(), 1, "one write");
    let link = written.get(0).as_string().expect("a string");
    assert!(
        link.contains("pos=120") && link.contains("seed=3"),
        "{link}"
    );
    handle.destroy();
    root.remove();
    drop(write);
}

/// A compact frame mounted by `mount` with options, in a new element.
fn mount_frame(options: &[(&str, JsValue)]) -> (Element, zabscope::embed::Mounted) {
    let root = new_root();
    let o = js_sys::Object::new();
    for (k, v) in options {
        js_sys::Reflect::set(&o, &(*k).into(), v).expect("set an option");
    }
    let mounted = zabscope::embed::mount(root.clone(), o.into())
        .unwrap_or_else(|_| panic!("mount refused {options:?}"));
    (root, mounted)
}

fn is_playing(root: &Element) -> bool {
    find(root, ".embed__play")
        .get_attribute("aria-pressed")
        .as_deref()
        == Some("true")
}

#[wasm_bindgen_test]
async fn test_frames_of_one_group_play_one_at_a_time() {
    let frame = |group: &str| {
        mount_frame(&[
            ("scenario", "fresh-start".into()),
            ("seed", 1.into()),
            ("pos", 40.into()),
            ("group", group.into()),
        ])
    };
    let (a, mut ma) = frame("guide");
    let (b, mut mb) = frame("guide");
    let (c, mut mc) = frame("elsewhere");
    yew::scheduler::flush().await;
    assert!(
        !is_playing(&a) && !is_playing(&b) && !is_playing(&c),
        "they open paused"
    );

    click(&a, ".embed__play").await;
    click(&c, ".embed__play").await;
    assert!(
        is_playing(&a) && is_playing(&c),
        "different groups play together"
    );

    click(&b, ".embed__play").await;
    assert!(is_playing(&b), "the frame pressed plays");
    assert!(!is_playing(&a), "the other frame of its group paused");
    assert!(is_playing(&c), "a frame of another group plays on");

    // Unmounted frames leave the group: pressing Play in `a` only pauses `b` now.
    mb.unmount();
    click(&a, ".embed__play").await;
    assert!(is_playing(&a));
    ma.unmount();
    mc.unmount();
    for r in [a, b, c] {
        r.remove();
    }
}
