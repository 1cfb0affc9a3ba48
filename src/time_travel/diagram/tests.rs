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
        follow: false,
        t0_ms: 100_000.0,
        ..DiagramSettings::default()
    };
    let a = DiagramModel::build(&ix, s.full_log(), &sids, &d, None, 0.0);
    assert!(a.drawn < a.in_window, "thinned");
    d.pan(30.0, 0.0);
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
    let mut d = DiagramSettings::default();
    assert_eq!(d.t0(100.0), 0.0);
    let t0 = d.t0(100_000.0);
    let x = (100_000.0 - t0) / d.ms_per_px;
    assert!((x - FOLLOW_AT * d.plot_px()).abs() < 1e-6);
    d.pan(-50.0, 100_000.0);
    assert!(!d.follow);
    assert_eq!(d.t0_ms, t0 - 50.0 * DEFAULT_MS_PER_PX);
}

#[test]
fn test_zoom_keeps_the_anchor_and_is_bounded() {
    let mut d = DiagramSettings {
        follow: false,
        t0_ms: 1000.0,
        ..DiagramSettings::default()
    };
    let anchor_px = GUTTER + 200.0;
    let before = d.t0(0.0) + 200.0 * d.ms_per_px;
    d.zoom(0.5, Some(anchor_px), 0.0);
    let after = d.t0(0.0) + 200.0 * d.ms_per_px;
    assert!((before - after).abs() < 1e-9);
    for _ in 0..100 {
        d.zoom(10.0, None, 0.0);
    }
    assert_eq!(d.ms_per_px, MAX_MS_PER_PX);
    d.zoom(f64::NAN, None, 0.0);
    assert_eq!(d.ms_per_px, MAX_MS_PER_PX);
}

#[test]
fn test_only_arrows_crossing_the_window_are_built() {
    let (s, ix, sids) = run(7, 3_000);
    let settings = DiagramSettings {
        follow: false,
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
        ..DiagramSettings::default()
    };
    let m = DiagramModel::build(&ix, s.full_log(), &sids, &all, None, 8_000.0);
    assert!(m.arrows.iter().any(|a| a.kind == "PING"));
    let default = DiagramSettings {
        ms_per_px: 20.0,
        ..DiagramSettings::default()
    };
    let m = DiagramModel::build(&ix, s.full_log(), &sids, &default, None, 8_000.0);
    assert!(m.arrows.iter().all(|a| a.kind != "PING"));
    let only_election = DiagramSettings {
        show: [true, false, false, false],
        ms_per_px: 20.0,
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
        follow: false,
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
        follow: false,
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
    d.apply(DiagramAction::Pan { dx_px: -100.0 }, 5_000.0);
    assert!(!d.follow, "scrolling stops following");
    d.apply(DiagramAction::Follow, 5_000.0);
    assert!(d.follow);
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
