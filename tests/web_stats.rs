//! The browser suite for the statistics panel (issue 11): closed, it derives nothing; opened,
//! it shows what `Stats::build` derives from the same run (built here natively from the same
//! spec), follows a step, and each "Export CSV" downloads its table. And one word for one
//! thing: the status line, the panel and the import count the same log entries.
//!
//! Run from the repository root:
//! `wasm-pack test --headless --chrome --chromedriver /usr/bin/chromedriver . -- --test web_stats`

#![cfg(target_arch = "wasm32")]

use sim::session::{RunSpec, Session, UserAction};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::Element;
use zab::Sid;
use zabscope::view_model::stats::Stats;

mod common;
use common::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Five voters; server 5 leads, takes a write at step 263 and crashes at step 289; at 434 the
/// survivors have a new leader and every learner is synced again.
const QUERY: &str = "?seed=11&voters=5&f=263:w5,289:c5&pos=434";

fn session_at(pos: u64) -> Session {
    let mut spec = RunSpec::new(11, 5, 0);
    spec.actions = vec![
        (263, UserAction::Write(Sid(5))),
        (289, UserAction::Crash(Sid(5))),
    ];
    let mut s = Session::new(spec).expect("a valid spec");
    s.seek(pos);
    s
}

/// The number in the status line's "N log entries".
fn status_entries(root: &Element) -> usize {
    let text = text_of(root, ".status-line");
    let at = text
        .find(" log entries")
        .expect("the status line counts log entries");
    text[..at]
        .rsplit(|c: char| !c.is_ascii_digit())
        .next()
        .and_then(|n| n.parse().ok())
        .expect("a number before \"log entries\"")
}

async fn open_panel(root: &Element) {
    click(root, ".stats__summary").await;
}

/// Arm an export link without following it, and read what it would download.
async fn download(root: &Element, selector: &str) -> String {
    let link = find(root, selector);
    let cancel =
        wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::Event)>::new(|e: web_sys::Event| {
            e.prevent_default()
        });
    link.add_event_listener_with_callback("click", cancel.as_ref().unchecked_ref())
        .expect("listen");
    click(root, selector).await;
    let href = link.get_attribute("href").unwrap_or_default();
    assert!(href.starts_with("blob:"), "{href}");
    let window = web_sys::window().expect("a window");
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(&href))
        .await
        .expect("fetch the blob")
        .dyn_into()
        .expect("a response");
    JsFuture::from(response.text().expect("text"))
        .await
        .expect("the text")
        .as_string()
        .expect("a string")
}

#[wasm_bindgen_test]
async fn test_closed_panel_derives_nothing_and_opens_on_the_run() {
    let (root, _app) = mount(QUERY).await;
    assert_eq!(count(&root, ".stats"), 1);
    assert_eq!(count(&root, ".stats__body"), 0, "closed by default");
    open_panel(&root).await;
    assert_eq!(count(&root, ".stats__body"), 1);

    let stats = Stats::build(session_at(434).log());
    // The same count everywhere: the panel's basis, the status line, the session's log.
    assert_eq!(status_entries(&root), stats.entries);
    assert!(
        text_of(&root, ".stats__basis").contains(&format!("From {} log entries", stats.entries)),
        "{}",
        text_of(&root, ".stats__basis")
    );
    // One table per election, one row per lookForLeader call, each with its number.
    assert_eq!(stats.elections.len(), 2);
    assert_eq!(
        count(&root, ".stats__elections tbody tr") as usize,
        stats.calls().count()
    );
    let took: Vec<String> = texts_of(&root, ".stats__elections tbody td.stats__num");
    let want: Vec<String> = stats
        .calls()
        .map(|(_, c)| format!("{} ms", c.took_ms()))
        .collect();
    assert_eq!(took, want);
    // LEADING → UPTODATE: four learners of server 5, then three of the new leader.
    assert_eq!(count(&root, ".stats__syncs tbody tr"), 7);
    assert_eq!(
        count(&root, ".stats__syncs .stats__bar"),
        7,
        "a bar per synced learner"
    );
    // The one write: proposed, committed, with its latency.
    let p = &stats.proposals[0];
    assert_eq!(
        text_of(&root, ".stats__proposals tbody td.stats__num"),
        format!("{} ms", p.latency_ms().expect("committed"))
    );
    // A message row per type, a server row per server.
    assert_eq!(
        count(&root, ".stats__messages tbody tr") as usize,
        stats.messages.len()
    );
    assert_eq!(count(&root, ".stats__servers tbody tr"), 5);
}

#[wasm_bindgen_test]
async fn test_a_step_updates_the_open_panel() {
    let (root, _app) = mount("?seed=11&voters=5&pos=100").await;
    open_panel(&root).await;
    let before = Stats::build(session_at(100).log()).entries;
    assert!(text_of(&root, ".stats__basis").contains(&format!("From {before} log entries")));
    click(&root, ".timeline__step-forward").await;
    let after = status_entries(&root);
    assert!(after > before, "a step adds entries");
    assert!(
        text_of(&root, ".stats__basis").contains(&format!("From {after} log entries")),
        "{}",
        text_of(&root, ".stats__basis")
    );
    // Closing and opening again shows the same.
    click(&root, ".stats__summary").await;
    assert_eq!(count(&root, ".stats__body"), 0);
    open_panel(&root).await;
    assert!(text_of(&root, ".stats__basis").contains(&format!("From {after} log entries")));
}

#[wasm_bindgen_test]
async fn test_each_table_exports_its_csv() {
    let (root, _app) = mount(QUERY).await;
    open_panel(&root).await;
    let stats = Stats::build(session_at(434).log());
    for (selector, want) in [
        (".stats__export--elections", stats.elections_csv()),
        (".stats__export--leading-to-uptodate", stats.syncs_csv()),
        (".stats__export--messages", stats.messages_csv()),
        (".stats__export--proposals", stats.proposals_csv()),
        (".stats__export--servers", stats.servers_csv()),
    ] {
        assert_eq!(download(&root, selector).await, want, "{selector}");
        let name = find(&root, selector)
            .get_attribute("download")
            .unwrap_or_default();
        assert!(
            name.starts_with("zabscope-seed11-") && name.ends_with(".csv"),
            "{name}"
        );
    }
}

/// Issue 11: importing a file of 583 entries said "309 events" (its steps). The notice now
/// counts the file's log entries, as the status line does, and names the steps as steps.
#[wasm_bindgen_test]
async fn test_import_counts_the_files_log_entries() {
    let trace = sim::trace_file::write_trace(&session_at(434));
    let entries = trace.lines().count() - 1;
    let (root, _app) = mount("?seed=1&voters=3").await;
    choose_file(&root, "run.jsonl", &trace).await;
    for _ in 0..200 {
        if count(&root, ".peer-card") == 5 {
            break;
        }
        next_task().await;
    }
    let notice = text_of(&root, ".run-bar__notice");
    assert_eq!(
        notice,
        format!("Imported run.jsonl: {entries} log entries (434 steps), seed 11.")
    );
    assert_eq!(status_entries(&root), entries);
}
