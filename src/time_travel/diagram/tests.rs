use super::*;
use sim::session::{RunSpec, Session};
use zab::Time;

fn run(seed: u64, until: u64) -> (Session, LogIndex, Vec<Sid>) {
    let mut s = Session::new(RunSpec::new(seed, 3, 0)).expect("valid");
    s.run_until(Time(until));
    let mut ix = LogIndex::default();
    ix.extend(s.full_log());
    let sids = s.sim().sids().collect();
    (s, ix, sids)
}

#[test]
fn test_segment_distance() {
    assert_eq!(segment_distance((0.0, 1.0), (0.0, 0.0), (10.0, 0.0)), 1.0);
    assert_eq!(segment_distance((-3.0, 4.0), (0.0, 0.0), (10.0, 0.0)), 5.0);
    assert_eq!(segment_distance((1.0, 1.0), (1.0, 1.0), (1.0, 1.0)), 0.0);
}

#[test]
fn test_panning_keeps_arrow_coordinates_and_the_thinned_set() {
    let mut s = Session::new(RunSpec::new(3, 9, 0)).expect("valid");
    s.run_until(Time(300_000));
    let mut ix = LogIndex::default();
    ix.extend(s.full_log());
    let sids: Vec<Sid> = s.sim().sids().collect();
    let mut d = DiagramSettings {
        show: [true; 4],
        ms_per_px: 200.0,
        mode: ViewMode::Fixed,
        t0_ms: 100_000.0,
        ..DiagramSettings::default()
    };
    let a = DiagramModel::build(&ix, s.full_log(), &sids, &d, None, 0.0);
    assert!(a.drawn < a.in_window, "thinned");
    d.apply(DiagramAction::Pan { dx_px: 30.0 }, 0.0);
    let b = DiagramModel::build(&ix, s.full_log(), &sids, &d, None, 0.0);
    assert_eq!(a.origin_ms, b.origin_ms);
    assert_ne!(a.transform(), b.transform());
    let same: Vec<&ArrowView> = b
        .arrows
        .iter()
        .filter(|x| a.arrows.iter().any(|y| y.msg == x.msg))
        .collect();
    assert!(same.len() * 10 > b.arrows.len() * 9, "most arrows stay");
    for x in same {
        assert!(
            a.arrows.iter().any(|y| y == x),
            "an arrow that stays is unchanged"
        );
    }
}

#[test]
fn test_tick_steps_are_round() {
    assert_eq!(tick_step_ms(0.1), 20.0);
    assert_eq!(tick_step_ms(1.0), 200.0);
    assert_eq!(tick_step_ms(2.0), 500.0);
    assert_eq!(tick_step_ms(10.0), 2000.0);
    assert_eq!(time_label(1500.0), "1.5 s");
    assert_eq!(time_label(2000.0), "2 s");
    assert_eq!(time_label(250.0), "250 ms");
}

#[test]
fn test_following_keeps_the_cursor_in_view_and_panning_stops_it() {
    let mut d = DiagramSettings {
        mode: ViewMode::Follow,
        ..DiagramSettings::default()
    };
    assert_eq!(d.view(None, 100.0).t0_ms, 0.0);
    let t0 = d.view(None, 100_000.0).t0_ms;
    let x = (100_000.0 - t0) / d.ms_per_px;
    assert!((x - FOLLOW_AT * d.plot_px()).abs() < 1e-6);
    d.apply(DiagramAction::Pan { dx_px: -50.0 }, 100_000.0);
    assert_eq!(d.mode, ViewMode::Fixed);
    assert_eq!(d.t0_ms, t0 - 50.0 * DEFAULT_MS_PER_PX);
}

#[test]
fn test_zoom_keeps_the_anchor_and_is_bounded() {
    let mut d = DiagramSettings {
        mode: ViewMode::Fixed,
        t0_ms: 1000.0,
        ..DiagramSettings::default()
    };
    let zoom = |factor: f64, anchor_px: Option<f64>| DiagramAction::Zoom { factor, anchor_px };
    let anchor_px = GUTTER + 200.0;
    let before = d.view(None, 0.0).t0_ms + 200.0 * d.ms_per_px;
    d.apply(zoom(0.5, Some(anchor_px)), 0.0);
    let after = d.view(None, 0.0).t0_ms + 200.0 * d.ms_per_px;
    assert!((before - after).abs() < 1e-9);
    assert_eq!(d.ms_per_px, DEFAULT_MS_PER_PX / 2.0);
    // Buttons and keys zoom about the middle of the plot.
    let middle = d.plot_px() / 2.0;
    let before = d.t0_ms + middle * d.ms_per_px;
    d.apply(zoom(2.0, None), 0.0);
    assert!((d.t0_ms + middle * d.ms_per_px - before).abs() < 1e-9);
    for _ in 0..100 {
        d.apply(zoom(10.0, None), 0.0);
    }
    assert_eq!(d.ms_per_px, MAX_MS_PER_PX);
    d.apply(zoom(f64::NAN, None), 0.0);
    assert_eq!(d.ms_per_px, MAX_MS_PER_PX);
}

#[test]
fn test_only_arrows_crossing_the_window_are_built() {
    let (s, ix, sids) = run(7, 3_000);
    let settings = DiagramSettings {
        mode: ViewMode::Fixed,
        t0_ms: 100.0,
        ms_per_px: 0.5,
        ..DiagramSettings::default()
    };
    let m = DiagramModel::build(&ix, s.full_log(), &sids, &settings, None, 3_000.0);
    let t1 = 100.0 + settings.plot_px() * 0.5;
    let want = ix
        .arrows
        .iter()
        .filter(|a| a.sent_ms as f64 <= t1.ceil() && a.end_ms >= 100)
        .filter(|a| a.group != KindGroup::Ping)
        .count();
    assert_eq!(m.in_window, want);
    assert_eq!(m.drawn, want);
    assert!(m.arrows.iter().all(|a| m.x_of(a.t1) <= m.x_of(a.t2)));
    assert_eq!(m.lanes.len(), 3);
    assert!(
        m.cursor_x.is_none(),
        "the cursor at 3 s is right of the window"
    );
}

#[test]
fn test_filters_and_pings_hidden_by_default() {
    let (s, ix, sids) = run(7, 8_000);
    let all = DiagramSettings {
        show: [true; 4],
        ms_per_px: 20.0,
        mode: ViewMode::Follow,
        ..DiagramSettings::default()
    };
    let m = DiagramModel::build(&ix, s.full_log(), &sids, &all, None, 8_000.0);
    assert!(m.arrows.iter().any(|a| a.kind == "PING"));
    let default = DiagramSettings {
        ms_per_px: 20.0,
        mode: ViewMode::Follow,
        ..DiagramSettings::default()
    };
    let m = DiagramModel::build(&ix, s.full_log(), &sids, &default, None, 8_000.0);
    assert!(m.arrows.iter().all(|a| a.kind != "PING"));
    let only_election = DiagramSettings {
        show: [true, false, false, false],
        ms_per_px: 20.0,
        mode: ViewMode::Follow,
        ..DiagramSettings::default()
    };
    let m = DiagramModel::build(&ix, s.full_log(), &sids, &only_election, None, 8_000.0);
    assert!(!m.arrows.is_empty());
    assert!(m.arrows.iter().all(|a| a.group == KindGroup::Election));
}

#[test]
fn test_many_arrows_are_thinned_to_the_cap() {
    let mut s = Session::new(RunSpec::new(3, 9, 0)).expect("valid");
    s.run_until(Time(300_000));
    let mut ix = LogIndex::default();
    ix.extend(s.full_log());
    let sids: Vec<Sid> = s.sim().sids().collect();
    let wide = DiagramSettings {
        show: [true; 4],
        ms_per_px: MAX_MS_PER_PX,
        mode: ViewMode::Fixed,
        ..DiagramSettings::default()
    };
    let m = DiagramModel::build(&ix, s.full_log(), &sids, &wide, None, 0.0);
    assert!(m.in_window > MAX_ARROWS, "{}", m.in_window);
    assert!(m.drawn <= MAX_ARROWS);
}

#[test]
fn test_selected_arrow_has_details_and_svg_is_well_formed() {
    let (s, ix, sids) = run(7, 2_000);
    let msg = ix.arrows.first().map(|a| a.msg);
    let settings = DiagramSettings {
        mode: ViewMode::Fixed,
        ..DiagramSettings::default()
    };
    let m = DiagramModel::build(
        &ix,
        s.full_log(),
        &sids,
        &settings,
        msg.map(sim::MsgId),
        2_000.0,
    );
    let d = m.details.clone().expect("details of the selected message");
    assert!(!d.summary.is_empty());
    let svg = m.to_svg("seed 7 <3 servers>");
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.trim_end().ends_with("</svg>"));
    assert!(svg.contains("&lt;3 servers&gt;"));
    assert_eq!(svg.matches("<title>").count(), m.arrows.len() + 1);
    // The arrow under a point is found, one far away is not.
    let a = m.arrows.first().expect("an arrow");
    let (x, y) = ((m.x_of(a.t1) + m.x_of(a.t2)) / 2.0, (a.y1 + a.y2) / 2.0);
    assert!(m.nearest(x, y, 6.0).is_some());
    assert_eq!(m.nearest(-500.0, -500.0, 6.0), None);
}

// The diagram's own controls: width, scroll, follow, zoom bounds and filters, natively.
#[test]
fn test_diagram_actions() {
    let mut d = DiagramSettings::default();
    d.apply(DiagramAction::SetWidth(1200.0), 0.0);
    assert_eq!(d.width_px, 1200.0);
    d.apply(DiagramAction::SetWidth(f64::NAN), 0.0);
    assert_eq!(d.width_px, 1200.0, "a bad measurement changes nothing");
    assert_eq!(d.mode, ViewMode::Fit, "the diagram opens fitted");
    d.apply(DiagramAction::Follow, 5_000.0);
    assert_eq!(d.mode, ViewMode::Follow);
    d.apply(DiagramAction::Pan { dx_px: -100.0 }, 5_000.0);
    assert_eq!(d.mode, ViewMode::Fixed, "scrolling stops following");
    d.apply(DiagramAction::Fit, 5_000.0);
    assert_eq!(d.mode, ViewMode::Fit);
    for _ in 0..100 {
        d.apply(
            DiagramAction::Zoom {
                factor: 2.0,
                anchor_px: None,
            },
            0.0,
        );
    }
    assert_eq!(d.ms_per_px, MAX_MS_PER_PX);
    assert!(!d.shows(KindGroup::Ping), "PINGs are hidden by default");
    d.apply(DiagramAction::Toggle(KindGroup::Ping), 0.0);
    assert!(d.shows(KindGroup::Ping));
    d.apply(DiagramAction::Hover(Some(3)), 0.0);
    assert_eq!(d.hovered, Some(3));
}

/// A settled run: 5 voters, 2 000 events (~87 s), the election over within the first second,
/// PINGs ever since.
fn settled() -> (Session, LogIndex, Vec<Sid>) {
    let mut s = Session::new(RunSpec::new(1, 5, 0)).expect("valid");
    s.seek(2_000);
    let mut ix = LogIndex::default();
    ix.extend(s.full_log());
    let sids = s.sim().sids().collect();
    (s, ix, sids)
}

fn wide() -> DiagramSettings {
    let mut d = DiagramSettings::default();
    d.apply(DiagramAction::SetWidth(1280.0), 0.0);
    d
}

fn now(s: &Session) -> f64 {
    s.sim().now().0 as f64
}

/// The x span (px) of the drawn arrows that are not PINGs.
fn interesting_x(m: &DiagramModel) -> (f64, f64) {
    m.arrows
        .iter()
        .filter(|a| a.group != KindGroup::Ping)
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), a| {
            (lo.min(m.x_of(a.t1)), hi.max(m.x_of(a.t2)))
        })
}

// Issue 10: the diagram opened on "0 messages in view" (PINGs hidden, the window around the
// cursor 86 s after the election). Fitted, it shows the election and the synchronisation
// across most of the plot.
#[test]
fn test_a_settled_run_opens_fitted_to_its_election_and_sync() {
    let (s, ix, sids) = settled();
    let cursor = now(&s);
    let old = DiagramSettings {
        mode: ViewMode::Follow,
        ..wide()
    };
    let before = DiagramModel::build(&ix, s.full_log(), &sids, &old, None, cursor);
    assert_eq!(before.in_window, 0, "what issue 10 saw");

    let d = wide();
    let m = DiagramModel::build(&ix, s.full_log(), &sids, &d, None, cursor);
    let kinds: Vec<&str> = m.arrows.iter().map(|a| a.kind).collect();
    for k in [
        "NOTIFICATION",
        "FOLLOWERINFO",
        "LEADERINFO",
        "ACKEPOCH",
        "NEWLEADER",
        "UPTODATE",
    ] {
        assert!(kinds.contains(&k), "{k} in view: {kinds:?}");
    }
    let want = ix
        .arrows
        .iter()
        .filter(|a| a.group != KindGroup::Ping && a.sent_ms as f64 <= cursor)
        .count();
    assert_eq!(m.drawn, want, "every interesting message of the run");
    let (lo, hi) = interesting_x(&m);
    let plot = d.plot_px();
    assert!(
        hi - lo >= 0.85 * plot,
        "the burst gets most of the width: {:.0} of {plot} px",
        hi - lo
    );
    assert!(lo >= GUTTER && hi <= GUTTER + plot);
    assert_eq!(m.cursor_x, None, "the cursor is far past the burst");
    assert!(!m.show[3], "PINGs stay hidden");
}

// Scrubbing through the election: the fit covers the messages so far and the cursor.
#[test]
fn test_a_fit_inside_the_burst_reaches_the_cursor() {
    let (s, ix, sids) = settled();
    let d = wide();
    for cursor in [300.0, 520.0, 900.0, 1_050.0] {
        let m = DiagramModel::build(&ix, s.full_log(), &sids, &d, None, cursor);
        let x = m.cursor_x.expect("the cursor is in view");
        assert!(x > GUTTER + 0.5 * d.plot_px(), "{cursor}: x {x}");
        assert!(m.arrows.iter().any(|a| !a.future));
        let (lo, _) = interesting_x(&m);
        assert!(
            lo - GUTTER <= 0.1 * d.plot_px(),
            "the burst starts at the left"
        );
    }
    // Before anything was sent there is nothing to fit: the window follows the cursor (the
    // explored future to its right), and shows PINGs if any.
    let m = DiagramModel::build(&ix, s.full_log(), &sids, &d, None, 100.0);
    assert!(m.following && m.show[3] && m.cursor_x.is_some());
    assert!(m.arrows.iter().all(|a| a.future));
}

// After a leader crash, the fit shows the new election, not the whole run.
#[test]
fn test_the_fit_shows_the_most_recent_burst() {
    let mut spec = RunSpec::new(1, 5, 0);
    spec.actions = vec![(1_000, sim::session::UserAction::Crash(Sid(5)))];
    let mut s = Session::new(spec).expect("valid");
    s.seek(3_000);
    let mut ix = LogIndex::default();
    ix.extend(s.full_log());
    let sids: Vec<Sid> = s.sim().sids().collect();
    let crash_ms = ix
        .markers
        .iter()
        .find(|m| m.kind == super::super::log_index::MarkerKind::Crash)
        .map(|m| m.time_ms as f64)
        .expect("the crash");
    let d = wide();
    let m = DiagramModel::build(&ix, s.full_log(), &sids, &d, None, now(&s));
    let margin = FIT_MARGIN * d.plot_px() * m.ms_per_px;
    assert!(
        m.t0_ms >= crash_ms - margin - 1.0,
        "t0 {} is at the crash {crash_ms}",
        m.t0_ms
    );
    let kinds: Vec<&str> = m.arrows.iter().map(|a| a.kind).collect();
    assert!(kinds.contains(&"NOTIFICATION") && kinds.contains(&"UPTODATE"));
    let (lo, hi) = interesting_x(&m);
    assert!(hi - lo >= 0.85 * d.plot_px());
}

// What the user hides is not fitted; with nothing left the PINGs around the cursor show, until
// the user says otherwise.
#[test]
fn test_hidden_families_are_not_fitted_and_pings_fill_in() {
    let (s, ix, sids) = settled();
    let cursor = now(&s);
    let mut d = wide();
    d.apply(DiagramAction::Toggle(KindGroup::Election), cursor);
    let m = DiagramModel::build(&ix, s.full_log(), &sids, &d, None, cursor);
    assert!(m.arrows.iter().all(|a| a.group == KindGroup::Sync));
    let (lo, hi) = interesting_x(&m);
    assert!(hi - lo >= 0.85 * d.plot_px(), "sync alone is fitted");

    d.apply(DiagramAction::Toggle(KindGroup::Sync), cursor);
    d.apply(DiagramAction::Toggle(KindGroup::Broadcast), cursor);
    let m = DiagramModel::build(&ix, s.full_log(), &sids, &d, None, cursor);
    assert!(m.following && m.cursor_x.is_some());
    assert!(!m.arrows.is_empty() && m.arrows.iter().all(|a| a.kind == "PING"));
    // The PING button shows pressed; pressing it hides them.
    d.apply_in(DiagramAction::Toggle(KindGroup::Ping), &m.view());
    let m = DiagramModel::build(&ix, s.full_log(), &sids, &d, None, cursor);
    assert!(!m.show[3] && m.arrows.is_empty());
}

// The component keeps one FitIndex and reads only new arrows; after a fork (a different run
// behind the same index) it starts over. Either way it answers as a fresh scan would.
#[test]
fn test_the_fit_index_kept_in_step_answers_as_a_fresh_scan() {
    let (_, ix, _) = settled();
    let mut kept = FitIndex::default();
    let show = [true, true, true, false];
    for n in [0, 1, 40, 41, 300, ix.arrows.len()] {
        let part = ix.arrows.get(..n).expect("prefix");
        kept.sync(part);
        for cursor in [0.0, 250.0, 700.0, 5_000.0, 1e9] {
            assert_eq!(
                kept.span(part, show, cursor),
                FitIndex::of(part).span(part, show, cursor),
                "{n} arrows, cursor {cursor}"
            );
        }
    }
    let (other, _, _) = run(7, 3_000);
    let mut other_ix = LogIndex::default();
    other_ix.extend(other.full_log());
    kept.sync(&other_ix.arrows);
    assert_eq!(
        kept.span(&other_ix.arrows, show, 3_000.0),
        FitIndex::of(&other_ix.arrows).span(&other_ix.arrows, show, 3_000.0)
    );
    assert_eq!(FitIndex::default().span(&ix.arrows, show, 1e9), None);
}

// The first zoom or scroll pins the fitted view where it is drawn; it stays while the cursor
// moves on, until Fit.
#[test]
fn test_zoom_pins_a_fitted_view_until_fit() {
    let (s, ix, sids) = settled();
    let build = |d: &DiagramSettings, cursor: f64| {
        DiagramModel::build(&ix, s.full_log(), &sids, d, None, cursor)
    };
    let mut d = wide();
    let fitted = build(&d, 1_500.0);
    let anchor_px = GUTTER + 300.0;
    let under = fitted.t0_ms + 300.0 * fitted.ms_per_px;
    d.apply_in(
        DiagramAction::Zoom {
            factor: 0.5,
            anchor_px: Some(anchor_px),
        },
        &fitted.view(),
    );
    assert_eq!(d.mode, ViewMode::Fixed);
    assert_eq!(d.ms_per_px, fitted.ms_per_px / 2.0);
    let zoomed = build(&d, 1_500.0);
    assert!((zoomed.t0_ms + 300.0 * zoomed.ms_per_px - under).abs() < 1e-6);
    let later = build(&d, now(&s));
    assert_eq!(later.t0_ms, zoomed.t0_ms, "kept while the cursor moves");
    d.apply_in(DiagramAction::Fit, &later.view());
    assert_eq!(build(&d, 1_500.0), fitted);
    // Follow starts at the fitted zoom.
    d.apply_in(DiagramAction::Follow, &fitted.view());
    assert_eq!(d.ms_per_px, fitted.ms_per_px);
}

// A message picked elsewhere (a pill, a log row) is drawn even if its family is hidden, and
// brought into view if it is outside; one in view leaves the view alone.
#[test]
fn test_a_picked_message_is_drawn_and_revealed() {
    let (s, ix, sids) = settled();
    let cursor = now(&s);
    let ping = ix
        .arrows
        .iter()
        .rev()
        .find(|a| a.kind == "PING" && a.sent_ms as f64 <= cursor)
        .expect("a PING");
    let mut d = wide();
    let picked = Some(sim::MsgId(ping.msg));
    let build =
        |d: &DiagramSettings| DiagramModel::build(&ix, s.full_log(), &sids, d, picked, cursor);
    let m = build(&d);
    assert!(
        m.arrows.iter().all(|a| a.msg != ping.msg),
        "outside the fit"
    );
    let details = m.details.clone().expect("its details");
    let reveal = DiagramAction::Reveal {
        from_ms: details.sent_ms as f64,
        to_ms: details.end_ms as f64,
    };
    d.apply_in(reveal, &m.view());
    assert_eq!(d.mode, ViewMode::Fixed);
    let m = build(&d);
    let a = m
        .arrows
        .iter()
        .find(|a| a.msg == ping.msg)
        .expect("drawn though PINGs are hidden");
    assert!(a.selected);
    let x = (m.x_of(a.t1) + m.x_of(a.t2)) / 2.0;
    assert!(
        (x - (GUTTER + d.plot_px() / 2.0)).abs() < 2.0,
        "centred: {x}"
    );
    assert!(m.labels.iter().any(|l| l.msg == ping.msg && l.selected));
    let again = d.clone();
    d.apply_in(reveal, &m.view());
    assert_eq!(d, again, "already in view");
}

fn assert_labels_are_clear(m: &DiagramModel) {
    assert!(m.labels.len() <= MAX_LABELS);
    for (i, a) in m.labels.iter().enumerate() {
        let (x, w) = (m.x_of(a.t), label_width(a.text));
        assert!(
            x - w / 2.0 >= GUTTER && x + w / 2.0 <= m.width,
            "{a:?} inside"
        );
        let between = (a.y - LANE_TOP) / LANE_GAP;
        assert!(
            (between.fract() - 0.5).abs() < 1e-9,
            "between lanes: {}",
            a.y
        );
        for b in m.labels.iter().skip(i + 1) {
            let apart = (a.y - b.y).abs() >= LABEL_HEIGHT_PX
                || (x - m.x_of(b.t)).abs() >= (w + label_width(b.text)) / 2.0 + LABEL_GAP_PX;
            assert!(apart, "{a:?} overlaps {b:?}");
        }
    }
}

#[test]
fn test_labels_name_the_arrows_without_covering_each_other() {
    let (s, ix, sids) = settled();
    let d = wide();
    let m = DiagramModel::build(&ix, s.full_log(), &sids, &d, None, now(&s));
    assert_labels_are_clear(&m);
    let texts: Vec<&str> = m.labels.iter().map(|l| l.text).collect();
    assert!(m.labels.len() >= 12, "{texts:?}");
    for k in ["FOLLOWERINFO", "UPTODATE", "NOTIFICATION"] {
        assert!(texts.contains(&k), "{k} labelled: {texts:?}");
        let n = texts.iter().filter(|t| **t == k).count();
        assert!(n <= LABELS_PER_KIND, "{n} × {k}");
    }
    // Each label sits on its arrow.
    for l in m.labels.iter() {
        let a = m.arrows.iter().find(|a| a.msg == l.msg).expect("its arrow");
        let d = segment_distance(
            (m.x_of(l.t), l.y),
            (m.x_of(a.t1), a.y1),
            (m.x_of(a.t2), a.y2),
        );
        assert!(d < 0.5, "{l:?} is {d} px off its arrow");
    }
    // Narrow (a phone), crowded (9 voters), dense (thinned): still clear.
    let mut narrow = DiagramSettings::default();
    narrow.apply(DiagramAction::SetWidth(360.0), 0.0);
    assert_labels_are_clear(&DiagramModel::build(
        &ix,
        s.full_log(),
        &sids,
        &narrow,
        None,
        now(&s),
    ));
    let (s9, ix9, sids9) = run(3, 3_000);
    let _ = &s9;
    assert_labels_are_clear(&DiagramModel::build(
        &ix9,
        s9.full_log(),
        &sids9,
        &d,
        None,
        3_000.0,
    ));
    let dense = DiagramSettings {
        show: [true; 4],
        mode: ViewMode::Fixed,
        ms_per_px: MAX_MS_PER_PX,
        ..wide()
    };
    let m = DiagramModel::build(&ix, s.full_log(), &sids, &dense, None, now(&s));
    assert!(m.drawn > LABEL_MAX_ARROWS && m.labels.is_empty());
}

// Issue 10: the SVG export at the default view is the readable diagram (it was empty lanes).
#[test]
fn test_the_export_at_the_default_view_has_the_arrows_and_their_labels() {
    let (s, ix, sids) = settled();
    let m = DiagramModel::build(
        &ix,
        s.full_log(),
        &sids,
        &DiagramSettings::default(),
        None,
        now(&s),
    );
    let svg = m.to_svg("seed 1, 5 voters");
    let arrows = svg.matches("<title>NOTIFICATION #").count()
        + svg.matches("<title>FOLLOWERINFO #").count()
        + svg.matches("<title>UPTODATE #").count();
    assert!(arrows >= 40, "{arrows} election and sync arrows");
    let sync = [
        "FOLLOWERINFO",
        "LEADERINFO",
        "ACKEPOCH",
        "NEWLEADER",
        "UPTODATE",
    ];
    let labelled = sync
        .iter()
        .filter(|k| svg.contains(&format!(">{k}</text>")))
        .count();
    assert!(labelled >= 3, "{labelled} sync kinds labelled");
    assert!(svg.contains(">NOTIFICATION</text>"));
    assert!(svg.contains(">server 5</text>"));
    // Every text is at least 12 px: one font size for the document, none smaller.
    assert!(svg.contains(&format!("font-size=\"{TEXT_PX}\"")) && TEXT_PX >= 12.0);
    assert_eq!(svg.matches("font-size").count(), 1);
}

#[test]
fn test_drag_pinch_and_tap_gestures() {
    let mut g = Gesture::default();
    g.down(1, 100.0, 50.0);
    assert_eq!(g.moved(1, 102.0, 50.0), None, "within the slop");
    assert_eq!(
        g.moved(1, 90.0, 50.0),
        Some(DiagramAction::Pan { dx_px: 12.0 }),
        "dragging left scrolls later"
    );
    assert_eq!(g.up(1), None, "a drag is no tap");
    g.down(1, 100.0, 50.0);
    assert_eq!(g.moved(1, 101.0, 51.0), None);
    assert_eq!(g.up(1), Some((101.0, 51.0)), "a tap");
    // Two fingers spreading from 100 px to 200 px apart: zoom in ×2 about their midpoint,
    // which moved from 150 to 200.
    g.down(1, 100.0, 50.0);
    g.down(2, 200.0, 50.0);
    assert_eq!(
        g.moved(2, 300.0, 50.0),
        Some(DiagramAction::Pinch {
            factor: 0.5,
            from_px: 150.0,
            to_px: 200.0
        })
    );
    assert_eq!(g.up(1), None);
    assert!(g.active(), "one finger left, still dragging");
    assert_eq!(
        g.moved(2, 290.0, 50.0),
        Some(DiagramAction::Pan { dx_px: 10.0 })
    );
    assert_eq!(g.up(2), None, "a pinch ends without a tap");
    g.down(3, 10.0, 10.0);
    g.cancel();
    assert_eq!(g.up(3), None);

    // The pinch keeps the time under the fingers' midpoint under it.
    let mut d = DiagramSettings {
        mode: ViewMode::Fixed,
        t0_ms: 1_000.0,
        ..DiagramSettings::default()
    };
    let under = 1_000.0 + (150.0 - GUTTER) * d.ms_per_px;
    d.apply(
        DiagramAction::Pinch {
            factor: 0.5,
            from_px: 150.0,
            to_px: 200.0,
        },
        0.0,
    );
    assert_eq!(d.ms_per_px, DEFAULT_MS_PER_PX / 2.0);
    assert!((d.t0_ms + (200.0 - GUTTER) * d.ms_per_px - under).abs() < 1e-9);
}

// The axis' labels are wholly in the plot: none half under the lane labels or cut at the right.
#[test]
fn test_axis_labels_stay_in_the_plot() {
    let (s, ix, sids) = settled();
    for (width, t0_ms) in [(1280.0, 86_500.0), (360.0, 1_234.0), (960.0, 0.0)] {
        let mut d = DiagramSettings {
            mode: ViewMode::Fixed,
            t0_ms,
            ..DiagramSettings::default()
        };
        d.apply(DiagramAction::SetWidth(width), 0.0);
        let m = DiagramModel::build(&ix, s.full_log(), &sids, &d, None, now(&s));
        assert!(!m.ticks.is_empty(), "{width}");
        for (x, label) in &m.ticks {
            let half = label.len() as f64 * 7.5 / 2.0;
            assert!(x - half >= GUTTER && x + half <= m.width, "{label} at {x}");
        }
    }
}
