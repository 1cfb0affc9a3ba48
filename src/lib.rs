//! ZabScope's browser app: ZooKeeper's quorum protocol (the `zab` crate) running in the
//! deterministic world of the `sim` crate, drawn by Yew.
//!
//! ```text
//!   URL query ──RunParams──▶ App ──use_reducer──▶ UiState (owns the Simulation)
//!                             │                       ▲
//!                             │ view-models           │ Actions (Tick from the rAF driver,
//!                             ▼                       │ Step/Play/Crash/… from the controls)
//!       ClusterView · ControlBar · StatusLine · Inspector · EventLog
//! ```
//!
//! Entry points: [`run`] for the page (`src/main.rs`), [`mount_with`] for tests, and
//! [`embed::mount`] for JavaScript (`mount(element, options)`, see docs/embedding.md).

pub mod browser;
pub mod components;
pub mod embed;
pub mod hooks;
pub mod link;
pub mod run_params;
pub mod share;
pub mod state;
pub mod sweep;
pub mod time_travel;
pub mod tour;
pub mod view_model;

pub use components::app::{App, AppProps};

/// Start the app on the page: the panic banner, then the app in `<body>`, its run chosen by
/// the page's URL (which it keeps up to date).
pub fn run() {
    // A seed sweep's worker loads this module too (`crate::sweep`); it has no page to draw.
    if web_sys::window().is_none() {
        return;
    }
    browser::install_panic_hook();
    // A page that embeds ZabScope by script loads this module too, then calls `mount`.
    if share::autostart_disabled() {
        return;
    }
    let props = AppProps {
        query: browser::location_query().into(),
        sync_url: true,
        app_url: None,
    };
    yew::Renderer::<App>::with_props(props).render();
}

/// Mount the app into `root` with an explicit query string, leaving the page's URL alone.
pub fn mount_with(root: web_sys::Element, query: &str) -> yew::AppHandle<App> {
    let props = AppProps {
        query: query.to_string().into(),
        sync_url: false,
        app_url: None,
    };
    yew::Renderer::<App>::with_root_and_props(root, props).render()
}
