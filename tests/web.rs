//! The browser suite (SG-20, test layer 5): interaction and wiring only. Each test mounts the
//! app into a fresh element with an explicit query, clicks or dispatches, awaits
//! `yew::scheduler::flush()`, and asserts on the DOM. No test sleeps on wall time: the
//! animation-frame driver is never needed, because Step runs exactly one event.
//!
//! Run from the repository root:
//! `wasm-pack test --headless --chrome --chromedriver /usr/bin/chromedriver .`

#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::Element;

mod common;
use common::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The same file the native determinism test reads (`crates/sim/tests/determinism.rs`).
const GOLDEN: &str = include_str!("../crates/sim/testdata/golden_trace_hashes.txt");

/// More Step clicks than any election here needs; a test that hits it fails.
const MAX_STEPS: usize = 3000;

/// The `data-state` of server `sid`'s card (an SVG element, so not an `HtmlElement`).
fn state_of(root: &Element, sid: i64) -> Option<String> {
    root.query_selector(&format!(".peer-card[data-sid=\"{sid}\"]"))
        .expect("a valid selector")
        .and_then(|card| card.get_attribute("data-state"))
}

/// The text lines of the card(s) matching `card`, joined with spaces: a key and its value are
/// separate SVG texts, so this reads "currentEpoch 2".
fn card_lines(root: &Element, card: &str) -> String {
    texts_of(root, &format!("{card} .peer-card__line")).join(" ")
}

/// Click Step until `done` holds; returns the number of steps taken.
async fn step_until(root: &Element, what: &str, mut done: impl FnMut(&Element) -> bool) -> usize {
    for steps in 0..MAX_STEPS {
        if done(root) {
            return steps;
        }
        click(root, ".control-bar__step").await;
        if steps % 25 == 24 {
            next_task().await;
        }
    }
    panic!("{what} did not happen within {MAX_STEPS} steps");
}

/// Click an SVG element (not an `HtmlElement`): a bubbling click event.
async fn click_svg(root: &Element, selector: &str) {
    let el = root
        .query_selector(selector)
        .expect("a valid selector")
        .unwrap_or_else(|| panic!("no element matches {selector}"));
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let ev = web_sys::Event::new_with_event_init_dict("click", &init).expect("an event");
    el.dispatch_event(&ev).expect("dispatch");
    yew::scheduler::flush().await;
}

fn leader_sid(root: &Element) -> Option<i64> {
    root.query_selector(".peer-card--leading")
        .expect("a valid selector")
        .and_then(|c| c.get_attribute("data-sid"))
        .and_then(|s| s.parse().ok())
}

#[wasm_bindgen_test]
async fn test_stepping_a_fixed_seed_elects_one_leader_and_the_rest_follow() {
    let (root, _app) = mount("?seed=7&voters=3").await;
    assert_eq!(count(&root, ".peer-card"), 3, "one card per server");
    assert!(root.text_content().unwrap_or_default().contains("seed 7"));
    let steps = step_until(&root, "an elected leader", |r| {
        count(r, ".peer-card--leading") == 1 && count(r, ".peer-card--following") == 2
    })
    .await;
    assert!(steps > 0);
    let cards = root
        .query_selector_all(".peer-card")
        .expect("a valid selector");
    let mut states = Vec::new();
    for i in 0..cards.length() {
        let card: Element = cards
            .get(i)
            .expect("listed")
            .dyn_into()
            .expect("an element");
        states.push(card.get_attribute("data-state").unwrap_or_default());
    }
    states.sort();
    assert_eq!(states, ["FOLLOWING", "FOLLOWING", "LEADING"]);
    let leader = root
        .query_selector(".peer-card--leading")
        .expect("a valid selector")
        .expect("the leader's card");
    assert!(leader
        .text_content()
        .unwrap_or_default()
        .contains("LEADING"));
}

#[wasm_bindgen_test]
async fn test_a_notification_is_drawn_in_flight_with_its_kind() {
    let (root, _app) = mount("?seed=7&voters=3").await;
    assert_eq!(
        count(&root, ".message-pill"),
        0,
        "nothing is on the wire before the start"
    );
    step_until(&root, "a NOTIFICATION in flight", |r| {
        count(r, ".message-pill[data-kind=\"NOTIFICATION\"]") > 0
    })
    .await;
    let pill = root
        .query_selector(".message-pill[data-kind=\"NOTIFICATION\"]")
        .expect("a valid selector")
        .expect("a pill");
    let text = pill.text_content().unwrap_or_default();
    assert!(text.contains("NOTIFICATION"), "{text}");
    // The tooltip carries the full summary with the vote's fields.
    assert!(
        text.contains("leader=") && text.contains("peerEpoch="),
        "{text}"
    );
}

#[wasm_bindgen_test]
async fn test_bad_url_parameters_show_a_clear_message() {
    let cases = [
        ("?voters=abc", "voters", "1 to 9"),
        ("?voters=100", "voters", "1 to 9"),
        ("?observers=-1", "observers", "0 to 4"),
        ("?seed=xyz", "seed", "0 to 9007199254740991"),
    ];
    for (query, param, range) in cases {
        let (root, app) = mount(query).await;
        assert_eq!(
            count(&root, ".error-page"),
            1,
            "{query}: the error page is shown"
        );
        assert_eq!(count(&root, ".peer-card"), 0, "{query}: no run is drawn");
        let text = find(&root, ".error-page__message")
            .text_content()
            .unwrap_or_default();
        assert!(
            text.contains(param) && text.contains(range),
            "{query}: {text}"
        );
        app.destroy();
    }
}

#[wasm_bindgen_test]
async fn test_golden_trace_hashes_match_the_native_ones() {
    let cases = sim::golden::parse(GOLDEN).expect("the golden file parses");
    assert!(
        cases.len() >= 3,
        "the golden file lists at least three runs"
    );
    for c in cases {
        let hash = sim::golden::run(c.seed, c.voters, c.observers, c.until_ms);
        assert_eq!(
            hash, c.hash,
            "seed {} voters {} observers {} until {} ms: browser {hash:016x}, golden file {:016x}",
            c.seed, c.voters, c.observers, c.until_ms, c.hash
        );
    }
}

#[wasm_bindgen_test]
async fn test_select_a_server_then_crash_and_restart_it_from_the_inspector() {
    let (root, _app) = mount("?seed=3&voters=3").await;
    step_until(&root, "server 2 running", |r| {
        !matches!(
            state_of(r, 2).as_deref(),
            Some("NOT STARTED" | "CRASHED") | None
        )
    })
    .await;
    // SVG <g> elements are not HTMLElements: dispatch a click event on it.
    let card = root
        .query_selector(".peer-card[data-sid=\"2\"]")
        .expect("valid selector")
        .expect("card 2");
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let bubbling = web_sys::Event::new_with_event_init_dict("click", &init).expect("an event");
    card.dispatch_event(&bubbling).expect("dispatch");
    yew::scheduler::flush().await;
    assert_eq!(count(&root, ".peer-card--selected"), 1);
    assert!(find(&root, ".inspector__title")
        .text_content()
        .unwrap_or_default()
        .contains("Server 2"));

    click(&root, ".inspector__crash").await;
    assert_eq!(state_of(&root, 2).as_deref(), Some("CRASHED"));
    assert!(
        root.text_content()
            .unwrap_or_default()
            .contains("server 2 crashed"),
        "the log says so"
    );

    click(&root, ".inspector__restart").await;
    assert_ne!(
        state_of(&root, 2).as_deref(),
        Some("CRASHED"),
        "restart brings the process back"
    );
}

#[wasm_bindgen_test]
async fn test_play_and_pause_toggle_without_running_the_clock() {
    let (root, _app) = mount("?seed=5&voters=3").await;
    let play = ".control-bar__play";
    assert_eq!(
        find(&root, play).get_attribute("aria-pressed").as_deref(),
        Some("false")
    );
    click(&root, play).await;
    assert_eq!(
        find(&root, play).get_attribute("aria-pressed").as_deref(),
        Some("true")
    );
    click(&root, play).await;
    assert_eq!(
        find(&root, play).get_attribute("aria-pressed").as_deref(),
        Some("false")
    );
}

// ---- The visualiser (issue 5) ---------------------------------------------------------------

#[wasm_bindgen_test]
async fn test_three_voter_startup_shows_accept_learner_info_epoch_wait_and_notify_all() {
    let (root, app) = mount("?seed=7&voters=3").await;
    let (mut accept, mut new_handler, mut info, mut blocked, mut woke) =
        (false, false, None::<String>, None::<String>, false);
    step_until(
        &root,
        "LEADING and two FOLLOWING after the epoch wait",
        |r| {
            // The LearnerCnxAcceptor accepts a learner's Quorum connection: a burst on the
            // leader's card, and the learner's new connection (its LearnerHandler's) is drawn
            // fresh.
            accept |= count(r, ".accept-flash") > 0;
            new_handler |= count(r, ".link--fresh.link--quorum") > 0;
            if info.is_none() {
                info = texts_of(r, ".message-pill[data-kind=\"FOLLOWERINFO\"]")
                    .into_iter()
                    .next();
            }
            // Leader.lead blocks in getEpochToPropose on connectingFollowers: 1 of 2 (itself).
            if blocked.is_none()
                && count(r, ".peer-card--leading [data-thread=\"Leader.lead\"]") == 1
                && card_lines(r, ".peer-card--leading").contains("getEpochToPropose")
            {
                blocked = Some(format!(
                    "{} | {}",
                    card_lines(r, ".peer-card--leading"),
                    text_of(r, ".gauge")
                ));
            }
            woke |= count(r, ".peer-card--leading .peer-card__woken") > 0
                && text_of(r, ".gauge__notify")
                    .contains("connectingFollowers.notifyAll() woke Leader.lead");
            count(r, ".peer-card--leading") == 1
                && count(r, ".peer-card--following") == 2
                && woke
                && !card_lines(r, ".peer-card--leading").contains("waitForNewLeaderAck")
        },
    )
    .await;
    assert!(accept, "a LearnerCnxAcceptor accept is drawn");
    assert!(new_handler, "the new LearnerHandler row is highlighted");
    let info = info.expect("a FOLLOWERINFO was drawn in flight");
    for want in [
        "FOLLOWERINFO",
        "zxid=0x0",
        "learnerinfo.sid=",
        "protocolVersion=0x10000",
        "configVersion=0x0",
    ] {
        assert!(info.contains(want), "{want} in {info}");
    }
    let blocked = blocked.expect("Leader.lead waited in getEpochToPropose");
    assert!(blocked.contains("connectingFollowers"), "{blocked}");
    assert!(
        blocked.contains("getEpochToPropose 1 of 2"),
        "have/need on the card: {blocked}"
    );
    assert!(
        blocked.contains("1 of 2 · must include"),
        "the gauge: {blocked}"
    );
    assert!(
        blocked.contains("must include"),
        "the leader's own chip: {blocked}"
    );
    assert!(woke, "notifyAll woke Leader.lead");
    let states: Vec<String> = texts_of(&root, ".peer-card__state");
    assert_eq!(states.iter().filter(|s| *s == "LEADING").count(), 1);
    assert_eq!(states.iter().filter(|s| *s == "FOLLOWING").count(), 2);
    app.destroy();
}

#[wasm_bindgen_test]
async fn test_five_voters_a_learner_handler_waits_in_get_epoch_to_propose_until_notify_all() {
    let (root, app) = mount("?seed=7&voters=5").await;
    step_until(
        &root,
        "a LearnerHandler blocked in getEpochToPropose",
        |r| {
            text_of(r, ".gauge__waiters").contains("LearnerHandler-")
                && text_of(r, ".gauge__step--waiting").contains("getEpochToPropose")
                && text_of(r, ".gauge__count").contains("2 of 3")
        },
    )
    .await;
    assert!(text_of(&root, ".gauge").contains("connectingFollowers"));
    assert_eq!(
        count(&root, ".gauge__chip--have"),
        2,
        "the leader's chip and one learner's"
    );
    assert_eq!(count(&root, ".gauge__chip--self"), 1);
    // Every thread of the leader is listed once it is picked: Leader.lead, the acceptor and
    // one LearnerHandler per connected learner.
    click_svg(&root, ".peer-card--leading").await;
    let threads = texts_of(&root, ".inspector__thread-name");
    assert!(threads.iter().any(|t| t == "Leader.lead"), "{threads:?}");
    assert!(
        threads.iter().any(|t| t.starts_with("LearnerHandler-")),
        "{threads:?}"
    );
    step_until(&root, "the notifyAll that wakes them together", |r| {
        text_of(r, ".gauge__notify").contains("LearnerHandler-")
    })
    .await;
    let notify = text_of(&root, ".gauge__notify");
    assert!(
        notify.contains("connectingFollowers.notifyAll() woke Leader.lead, LearnerHandler-"),
        "{notify}"
    );
    app.destroy();
}

#[wasm_bindgen_test]
async fn test_crashing_the_leader_elects_a_new_leader_with_a_higher_epoch() {
    // A link that opens the run once its first leader is synced.
    let (root, app) = mount("?seed=3&voters=3&t=3000").await;
    step_until(&root, "a synced leader", |r| {
        text_of(r, ".app__headline").contains("· epoch 1") && count(r, ".peer-card--following") == 2
    })
    .await;
    let old = leader_sid(&root).expect("a leader");
    click_svg(&root, &format!(".peer-card[data-sid=\"{old}\"]")).await;
    click(&root, ".inspector__crash").await;
    assert_eq!(state_of(&root, old).as_deref(), Some("CRASHED"));
    step_until(&root, "a new leader in a higher epoch", |r| {
        leader_sid(r).is_some_and(|l| l != old)
            && text_of(r, ".app__headline").contains("· epoch 2")
    })
    .await;
    let new = leader_sid(&root).expect("a new leader");
    assert_ne!(new, old);
    let card = card_lines(&root, &format!(".peer-card[data-sid=\"{new}\"]"));
    assert!(card.contains("currentEpoch 2"), "{card}");
    app.destroy();
}

#[wasm_bindgen_test]
async fn test_pausing_stops_the_animation_loop() {
    let (root, app) = mount("?seed=5&voters=5").await;
    let before = zabscope::hooks::active_frame_loops();
    click(&root, ".control-bar__play").await;
    assert_eq!(
        zabscope::hooks::active_frame_loops(),
        before + 1,
        "playing runs one animation-frame loop"
    );
    click(&root, ".control-bar__play").await;
    assert_eq!(
        zabscope::hooks::active_frame_loops(),
        before,
        "paused: the driver schedules no frame"
    );
    app.destroy();
}

#[wasm_bindgen_test]
async fn test_keyboard_shortcuts_and_help() {
    let (root, app) = mount("?seed=7&voters=3").await;
    press_key("?", false).await;
    assert_eq!(count(&root, ".help-overlay"), 1, "? opens the help");
    assert!(text_of(&root, ".help-overlay").contains("restart the selected server"));
    press_key("Escape", false).await;
    assert_eq!(count(&root, ".help-overlay"), 0, "Esc closes it");
    let events = |r: &Element| text_of(r, ".status-line");
    let before = events(&root);
    press_key("n", false).await;
    press_key("ArrowRight", false).await;
    assert_ne!(events(&root), before, "n and → step");
    let speed = text_of(&root, ".control-bar__value");
    press_key("+", false).await;
    assert_ne!(text_of(&root, ".control-bar__value"), speed, "+ speeds up");
    press_key("-", false).await;
    assert_eq!(text_of(&root, ".control-bar__value"), speed, "− slows down");
    // Space toggles play (every app on the page listens to the document).
    press_key(" ", false).await;
    assert_eq!(
        count(&root, ".control-bar__play[aria-pressed=\"true\"]"),
        1,
        "Space plays"
    );
    press_key(" ", false).await;
    assert_eq!(
        count(&root, ".control-bar__play[aria-pressed=\"true\"]"),
        0,
        "Space pauses"
    );
    // c / r / w act on the selection only.
    step_until(&root, "server 1 running", |r| {
        !matches!(state_of(r, 1).as_deref(), Some("NOT STARTED") | None)
    })
    .await;
    click_svg(&root, ".peer-card[data-sid=\"1\"]").await;
    press_key("c", false).await;
    assert_eq!(
        state_of(&root, 1).as_deref(),
        Some("CRASHED"),
        "c crashes the selection"
    );
    press_key("r", false).await;
    assert_ne!(
        state_of(&root, 1).as_deref(),
        Some("CRASHED"),
        "r restarts it"
    );
    press_key("Escape", false).await;
    assert_eq!(count(&root, ".peer-card--selected"), 0, "Esc deselects");
    app.destroy();
}

#[wasm_bindgen_test]
async fn test_message_detail_shows_every_field_and_drops_or_delays_it() {
    let (root, app) = mount("?seed=7&voters=3").await;
    step_until(&root, "a FOLLOWERINFO in flight", |r| {
        count(r, ".message-pill[data-kind=\"FOLLOWERINFO\"]") > 0
    })
    .await;
    click_svg(&root, ".message-pill[data-kind=\"FOLLOWERINFO\"]").await;
    let panel = text_of(&root, ".message-panel");
    for want in [
        "FOLLOWERINFO",
        "learnerinfo.serverid",
        "learnerinfo.protocolVersion",
        "0x10000",
        "learnerinfo.configVersion",
        "zxid",
        "0:0 (0x0)",
        "on the wire",
    ] {
        assert!(panel.contains(want), "{want} in {panel}");
    }
    click(&root, ".message-panel__hold").await;
    assert!(
        root.text_content()
            .unwrap_or_default()
            .contains("held 1000 ms longer"),
        "the delay is in the log"
    );
    click(&root, ".message-panel__drop").await;
    assert!(text_of(&root, ".message-panel").contains("dropped"));
    assert!(root
        .text_content()
        .unwrap_or_default()
        .contains("dropped by hand"));
    assert_eq!(
        count(&root, ".message-panel__drop"),
        0,
        "nothing left to drop"
    );
    app.destroy();
}

#[wasm_bindgen_test]
async fn test_partition_heal_break_and_write_from_the_inspector() {
    let (root, app) = mount("?seed=3&voters=3&t=3000").await;
    step_until(&root, "a synced leader", |r| {
        text_of(r, ".app__headline").contains("· epoch 1") && count(r, ".peer-card--following") == 2
    })
    .await;
    let leader = leader_sid(&root).expect("a leader");
    click_svg(&root, &format!(".peer-card[data-sid=\"{leader}\"]")).await;
    // A client write at the leader: logged, then durable after its fsync.
    click(&root, ".inspector__write").await;
    assert!(root
        .text_content()
        .unwrap_or_default()
        .contains("client → "));
    // One-way partition from the leader to another server, then heal.
    click(&root, ".inspector__way").await;
    click(&root, ".inspector__partition").await;
    assert_eq!(count(&root, ".cut--one-way"), 1, "a one-way cut is drawn");
    click(&root, ".fault-bar__heal").await;
    assert_eq!(count(&root, ".cut"), 0, "healed");
    // Break a connection from the inspector (a line on the drawing is not a button: one
    // stray click there used to break it).
    assert!(count(&root, ".link") > 0);
    click(&root, ".inspector__break").await;
    assert!(
        root.text_content()
            .unwrap_or_default()
            .contains("broken by hand"),
        "the break is in the log"
    );
    app.destroy();
}

#[wasm_bindgen_test]
async fn test_the_log_filters_by_kind() {
    let (root, app) = mount("?seed=7&voters=3").await;
    for i in 0..400 {
        click(&root, ".control-bar__step").await;
        if i % 25 == 24 {
            next_task().await;
        }
    }
    for kind in [
        "election",
        "discovery+sync",
        "broadcast",
        "faults",
        "threads",
    ] {
        click(&root, &format!(".log-kind[data-kind=\"{kind}\"]")).await;
    }
    let lines = count(&root, ".event-log__line");
    assert!(lines > 0, "a startup writes to disk");
    assert_eq!(
        count(&root, ".event-log__line--disk"),
        lines,
        "only disk entries are left"
    );
    click(&root, ".log-kind--all").await;
    assert!(count(&root, ".event-log__line") > lines);
    assert!(
        count(&root, ".event-log__line") <= 200,
        "the log's DOM stays bounded"
    );
    app.destroy();
}

#[wasm_bindgen_test]
async fn test_the_seed_and_shape_fold_behind_one_button() {
    // On a phone the stylesheet hides the folded group; here we check the button's state.
    let (root, app) = mount("?seed=7&voters=3").await;
    let more = find(&root, ".control-bar__more");
    assert_eq!(
        more.get_attribute("aria-expanded").as_deref(),
        Some("false")
    );
    assert_eq!(count(&root, ".control-bar--open"), 0);
    click(&root, ".control-bar__more").await;
    assert_eq!(count(&root, ".control-bar--open"), 1);
    assert_eq!(
        find(&root, ".control-bar__more")
            .get_attribute("aria-expanded")
            .as_deref(),
        Some("true")
    );
    // The folded group is the one that holds the seed.
    assert_eq!(count(&root, "#control-bar-run .control-bar__seed"), 1);
    app.destroy();
}
