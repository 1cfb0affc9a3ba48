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

/// Put `text` on the clipboard. `Err` carries why not (no clipboard, permission refused).
pub async fn copy_text(text: &str) -> Result<(), String> {
    let window = web_sys::window().ok_or("no window")?;
    let clipboard = window.navigator().clipboard();
    JsFuture::from(clipboard.write_text(text))
        .await
        .map(|_| ())
        .map_err(|e| {
            e.as_string()
                .or_else(|| {
                    js_sys::Reflect::get(&e, &"message".into())
                        .ok()
                        .and_then(|m| m.as_string())
                })
                .unwrap_or_else(|| "the browser refused".to_string())
        })
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
