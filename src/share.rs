//! What sharing asks of the browser: the page's own address, the clipboard, downloads and
//! reading a chosen file. Each degrades to a harmless no-op (or an error value) without a
//! `window`, so nothing here panics natively.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The app's address without its query, for links: `https://host/path/`.
pub fn page_base() -> String {
    web_sys::window()
        .map(|w| {
            let l = w.location();
            format!(
                "{}{}",
                l.origin().unwrap_or_default(),
                l.pathname().unwrap_or_default()
            )
        })
        .unwrap_or_default()
}

/// Replace the page's query string without adding a history entry.
pub fn replace_query(query: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(history) = window.history() else {
        return;
    };
    let path = window.location().pathname().unwrap_or_default();
    if window.location().search().ok().as_deref() == Some(&format!("?{query}")) {
        return;
    }
    // A failure leaves the old URL in place; the seed is still on the page.
    let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&format!("{path}?{query}")));
}

/// Whether the page asked ZabScope not to start the full app by itself
/// (`<meta name="zabscope-autostart" content="off">`): it will call `mount` instead.
pub fn autostart_disabled() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| {
            d.query_selector("meta[name=\"zabscope-autostart\"][content=\"off\"]")
                .ok()
                .flatten()
        })
        .is_some()
}

/// Put `text` on the clipboard. `Err` carries why not: no clipboard (a plain-http page that is
/// not localhost has no `navigator.clipboard`), no `writeText`, or the browser refused. Never
/// throws: the caller shows the text instead.
pub async fn copy_text(text: &str) -> Result<(), String> {
    let window = web_sys::window().ok_or("no window")?;
    // `Navigator.clipboard` is only there in a secure context; web-sys would hand back
    // `undefined` as a `Clipboard`, and calling `writeText` on it would throw a TypeError.
    let navigator: JsValue = window.navigator().into();
    let clipboard = js_sys::Reflect::get(&navigator, &"clipboard".into()).unwrap_or_default();
    if !clipboard.is_object() {
        return Err("this page has no clipboard access".to_string());
    }
    let write = js_sys::Reflect::get(&clipboard, &"writeText".into()).unwrap_or_default();
    let Some(write) = write.dyn_ref::<js_sys::Function>() else {
        return Err("this browser cannot write to the clipboard".to_string());
    };
    let promise = write
        .call1(&clipboard, &JsValue::from_str(text))
        .map_err(|e| reason(&e))?;
    let promise = promise
        .dyn_into::<js_sys::Promise>()
        .map_err(|_| "the clipboard did not answer".to_string())?;
    JsFuture::from(promise)
        .await
        .map(|_| ())
        .map_err(|e| reason(&e))
}

/// A thrown JavaScript value as a short reason.
pub(crate) fn reason(e: &JsValue) -> String {
    e.as_string()
        .or_else(|| {
            js_sys::Reflect::get(e, &"message".into())
                .ok()
                .and_then(|m| m.as_string())
        })
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| "the browser refused".to_string())
}

/// Select the whole text of a text field, so the reader can copy it by hand.
pub fn select_all(input: &web_sys::HtmlInputElement) {
    // Focus is the reader's own doing here: they pressed Copy link, and the field is beside it.
    let _ = input.focus();
    input.select();
    // Focus scrolls only until the field touches the viewport's edge (on a phone it can stop
    // a fraction of a pixel short); centre it so the whole notice is in view.
    let options = web_sys::ScrollIntoViewOptions::new();
    options.set_block(web_sys::ScrollLogicalPosition::Center);
    input.scroll_into_view_with_scroll_into_view_options(&options);
}

/// A `blob:` URL for `text` (revoke it with [`revoke_url`] when replaced).
pub fn object_url(text: &str, mime: &str) -> Option<String> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}

pub fn revoke_url(url: &str) {
    let _ = web_sys::Url::revoke_object_url(url);
}

/// Point a download link at fresh content just before the browser follows it. The link
/// keeps the URL (tests read it back); the previous one is revoked.
pub fn arm_download(anchor: &web_sys::HtmlAnchorElement, text: &str, mime: &str) {
    let old = anchor.href();
    if old.starts_with("blob:") {
        revoke_url(&old);
    }
    if let Some(url) = object_url(text, mime) {
        anchor.set_href(&url);
    }
}

/// The text of the first file chosen in a file input.
pub async fn read_chosen_file(input: &web_sys::HtmlInputElement) -> Option<(String, String)> {
    let file = input.files()?.get(0)?;
    let text = JsFuture::from(file.text()).await.ok()?.as_string()?;
    Some((file.name(), text))
}

/// The element an event happened on, as `T`.
pub fn target<T: JsCast>(e: &web_sys::Event) -> Option<T> {
    e.target().and_then(|t| t.dyn_into::<T>().ok())
}
