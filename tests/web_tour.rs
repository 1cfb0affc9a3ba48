//! The browser suite for the guided tour (issue 11): `?tour=N` opens it, its back and forward
//! steps are deterministic, it never loses the user's run, bad `tour` values are named, and a
//! first visit plays and offers the tour. Each test mounts the app into a fresh element with
//! an explicit query, presses keys or clicks, awaits `yew::scheduler::flush()` and reads the
//! DOM; nothing waits on wall time. Apps are destroyed at the end of a test, because every
//! mounted app hears the document's key presses.
//!
//! Run from the repository root:
//! `wasm-pack test --headless --chrome --chromedriver /usr/bin/chromedriver . -- --test web_tour`

#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;
use web_sys::Element;

mod common;
use common::*;

wasm_bindgen_test_configure!(run_in_browser);

/// What a tour step shows: its chapter and step, its title, the drawing.
fn step_picture(root: &Element) -> (String, String, String, String) {
    let tour = find(root, ".tour");
    (
        tour.get_attribute("data-chapter").unwrap_or_default(),
        tour.get_attribute("data-step").unwrap_or_default(),
        text_of(root, ".tour__title"),
        cluster_markup(root),
    )
}

fn position(root: &Element) -> String {
    text_of(root, ".timeline__position").trim().to_string()
}

#[wasm_bindgen_test]
async fn test_tour_1_opens_and_its_steps_go_back_and_forth_deterministically() {
    let (root, app) = mount("?tour=1").await;
    assert_eq!(count(&root, ".tour"), 1, "?tour=1 opens the tour");
    let mut forward = vec![step_picture(&root)];
    assert_eq!((forward[0].0.as_str(), forward[0].1.as_str()), ("1", "1"));
    assert!(
        count(&root, ".peer-card--highlighted") > 0,
        "step 1 points at the servers"
    );
    // Forward through chapters 1 to 7 (13 steps), then all the way back.
    for _ in 0..12 {
        press_key("ArrowRight", false).await;
        forward.push(step_picture(&root));
    }
    let titles: Vec<&str> = forward.iter().map(|p| p.2.as_str()).collect();
    for w in titles.windows(2) {
        assert_ne!(w[0], w[1], "each step is a new step");
    }
    assert_eq!(forward[12].0, "7", "thirteen steps in, chapter 7");
    for i in (0..12).rev() {
        press_key("ArrowLeft", false).await;
        assert_eq!(
            step_picture(&root),
            forward[i],
            "back at step {i}: the same picture"
        );
    }
    // The Next button does what → does.
    click(&root, ".tour__next").await;
    assert_eq!(step_picture(&root), forward[1]);
    app.destroy();

    // Opening chapter 7 by its link shows exactly what walking there showed.
    let (direct, app) = mount("?tour=7").await;
    assert_eq!(step_picture(&direct), forward[11]);
    app.destroy();
}

#[wasm_bindgen_test]
async fn test_chapter_7_marks_the_running_line_and_the_blocked_leader() {
    let (root, app) = mount("?tour=7").await;
    let running = texts_of(&root, ".tour__line--running");
    assert_eq!(running.len(), 1, "one line is marked");
    assert!(running[0].contains("wait("), "{running:?}");
    assert_eq!(count(&root, ".tour__line"), 11);
    let highlighted = find(&root, ".peer-card--highlighted");
    assert_eq!(highlighted.get_attribute("data-sid").as_deref(), Some("3"));
    assert_eq!(
        highlighted.get_attribute("data-state").as_deref(),
        Some("LEADING")
    );
    assert!(count(&root, ".message-pill--highlighted[data-kind=FOLLOWERINFO]") >= 1);
    // The next step: the notifyAll, read from the simulation at that position.
    press_key("ArrowRight", false).await;
    let running = texts_of(&root, ".tour__line--running");
    assert!(running[0].starts_with("notifyAll()"), "{running:?}");
    app.destroy();
}

#[wasm_bindgen_test]
async fn test_closing_the_tour_gives_the_users_run_back() {
    let (root, app) = mount("?seed=5&voters=3&pos=40").await;
    let before = (cluster_markup(&root), position(&root));
    assert_eq!(before.1, "40");
    assert_eq!(count(&root, ".tour"), 0);
    click(&root, ".tour-offer__take").await;
    assert_eq!(count(&root, ".tour"), 1);
    for _ in 0..4 {
        press_key("ArrowRight", false).await;
    }
    assert_ne!(
        cluster_markup(&root),
        before.0,
        "the tour shows its own run"
    );
    click(&root, ".tour__close").await;
    assert_eq!(count(&root, ".tour"), 0);
    assert_eq!((cluster_markup(&root), position(&root)), before);
    // Esc closes it too.
    click(&root, ".tour-offer__take").await;
    press_key("Escape", false).await;
    assert_eq!(count(&root, ".tour"), 0);
    assert_eq!((cluster_markup(&root), position(&root)), before);
    app.destroy();
}

#[wasm_bindgen_test]
async fn test_bad_tour_values_name_the_parameter() {
    for bad in ["0", "99", "x"] {
        let (root, app) = mount(&format!("?tour={bad}")).await;
        let text = root.text_content().unwrap_or_default();
        assert!(
            text.contains(&format!("The URL parameter tour=\"{bad}\" is not valid"))
                && text.contains("from 1 to 12"),
            "tour={bad}: {text}"
        );
        assert_eq!(count(&root, ".peer-card"), 0);
        app.destroy();
    }
}

#[wasm_bindgen_test]
async fn test_time_keys_step_back_and_jump_to_the_ends() {
    let (root, app) = mount("?seed=5&voters=3&pos=40").await;
    press_key("ArrowLeft", false).await;
    assert_eq!(position(&root), "39");
    press_key("ArrowRight", false).await;
    assert_eq!(position(&root), "40");
    press_key("Home", false).await;
    assert_eq!(position(&root), "0");
    press_key("End", false).await;
    assert_eq!(position(&root), "40", "End: the end of what has run");
    press_key("Home", false).await;
    press_key("ArrowRight", true).await;
    let phase: u64 = position(&root).parse().expect("a number");
    assert!(phase > 0, "Shift+→ jumps to the next phase");
    press_key("ArrowLeft", true).await;
    let back: u64 = position(&root).parse().expect("a number");
    assert!(back < phase, "Shift+← goes back a phase");
    app.destroy();
}

#[wasm_bindgen_test]
async fn test_a_first_visit_plays_and_offers_the_tour() {
    let (root, app) = mount("").await;
    assert_eq!(count(&root, ".tour-offer"), 1);
    assert!(text_of(&root, ".tour-offer").contains("Take the tour"));
    assert_eq!(count(&root, ".peer-card"), 3, "a three-voter startup");
    assert!(
        root.text_content().unwrap_or_default().contains("Pause"),
        "it plays by itself"
    );
    click(&root, ".tour-offer__dismiss").await;
    assert_eq!(count(&root, ".tour-offer"), 0, "dismissed");
    assert_eq!(
        count(&root, ".tour-offer__take"),
        1,
        "the tour is still a click away"
    );
    app.destroy();
}
