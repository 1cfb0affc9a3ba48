use super::*;

fn inside_view(r: &Rect) -> bool {
    r.x >= 0.0 && r.y >= 0.0 && r.x + r.w <= VIEW_W && r.y + r.h <= VIEW_H
}

#[test]
fn test_cards_stay_inside_the_view_and_never_overlap() {
    // 1..=9 voters plus 0..=4 observers: every ensemble the app accepts.
    for n in 1..=13 {
        let rects = ring_rects(n);
        assert_eq!(rects.len(), n);
        for (i, a) in rects.iter().enumerate() {
            assert!(inside_view(a), "n={n}: card {i} leaves the view: {a:?}");
            for (j, b) in rects.iter().enumerate().skip(i + 1) {
                assert!(
                    !a.overlaps(b),
                    "n={n}: cards {i} and {j} overlap: {a:?} {b:?}"
                );
            }
        }
    }
}

#[test]
fn test_first_card_is_at_the_top_and_order_is_clockwise() {
    let c = ring_centers(4);
    assert!((c[0].x - VIEW_W / 2.0).abs() < 1e-9 && c[0].y < VIEW_H / 2.0);
    assert!(
        c[1].x > VIEW_W / 2.0,
        "second card is to the right: {:?}",
        c[1]
    );
    assert!(
        c[2].y > VIEW_H / 2.0,
        "third card is at the bottom: {:?}",
        c[2]
    );
    assert_eq!(
        ring_centers(1),
        vec![Point::new(VIEW_W / 2.0, VIEW_H / 2.0)]
    );
    assert!(ring_centers(0).is_empty());
}

#[test]
fn test_exit_point_lies_on_the_border() {
    let r = Rect::centered(Point::new(100.0, 100.0), 80.0, 40.0);
    assert_eq!(
        r.exit_toward(Point::new(300.0, 100.0)),
        Point::new(140.0, 100.0)
    );
    assert_eq!(
        r.exit_toward(Point::new(100.0, 0.0)),
        Point::new(100.0, 80.0)
    );
    let p = r.exit_toward(Point::new(200.0, 200.0));
    assert!(
        (p.y - 120.0).abs() < 1e-9 && (p.x - 120.0).abs() < 1e-9,
        "{p:?}"
    );
    assert_eq!(r.exit_toward(r.center()), r.center());
}

#[test]
fn test_link_runs_between_borders_and_offsets_to_the_right() {
    let a = Rect::centered(Point::new(0.0, 0.0), 20.0, 20.0);
    let b = Rect::centered(Point::new(100.0, 0.0), 20.0, 20.0);
    assert_eq!(
        link(&a, &b, 0.0),
        (Point::new(10.0, 0.0), Point::new(90.0, 0.0))
    );
    // Travelling in +x on a y-down screen, "right" is +y.
    let (p, q) = link(&a, &b, 5.0);
    assert_eq!((p.y, q.y), (5.0, 5.0));
    // The way back rides the other side.
    let (p, _) = link(&b, &a, 5.0);
    assert_eq!(p.y, -5.0);
}

#[test]
fn test_text_fits_shrink_with_the_card_and_never_reach_zero() {
    let (big, small) = (card_size(3), card_size(13));
    assert!(big.line_chars() > small.line_chars());
    // "currentEpoch 1 · acceptedEpoch 1" fits a big card.
    assert!(big.line_chars() >= 32, "{}", big.line_chars());
    assert!(small.line_chars() >= "cE 1 aE 1 0:0".chars().count());
    assert!(big.phase_chars("FastLeaderElection", false) < big.phase_chars("QuorumPeer", false));
    assert!(big.phase_chars("QuorumPeer", true) < big.phase_chars("QuorumPeer", false));
    assert!(big.wait_chars(5) < big.wait_chars(2));
    assert!(small.wait_chars(9) >= 1);
    assert_eq!(pips_width(20), pips_width(9));
    // The smallest card has no room for a ZabState label beside a long chip.
    assert_eq!(small.header_chars("NOT STARTED"), 0);
    assert!(card_size(5).header_chars("FOLLOWING") >= "SYNCHRONIZATION".len());
}

#[test]
fn test_heights_and_lines_round_trip() {
    for n in [1, 3, 5, 7, 9, 11, 13] {
        let c = card_size(n);
        assert_eq!(c.lines_in(c.h), c.thread_lines, "n={n}");
        for lines in 0..20 {
            assert_eq!(
                c.lines_in(c.height_for(lines)),
                lines,
                "n={n} lines={lines}"
            );
        }
        let p = portrait_card_size(n);
        assert_eq!(p.lines_in(p.h), p.thread_lines);
    }
}

/// A 5-voter leader's rows while every handler waits on a monitor: QuorumPeer, the two
/// lines of Leader.lead, LearnerCnxAcceptor, four handlers of two lines, SyncThread.
const LEADER_OF_FIVE_LINES: usize = 1 + 2 + 1 + 4 * 2 + 1;

#[test]
fn test_an_expanded_card_grows_to_hold_its_rows_wherever_it_sits() {
    for view_h in [MIN_VIEW_H, VIEW_H, MAX_VIEW_H] {
        expanded_card_grows(view_h);
    }
}

fn expanded_card_grows(view_h: f64) {
    for n in 3..=7 {
        for leader in 0..n {
            let mut wants = vec![
                CardWant {
                    lines: 3,
                    expand: false,
                    widen: false,
                };
                n
            ];
            wants[leader] = CardWant {
                lines: LEADER_OF_FIVE_LINES + n.saturating_sub(5) * 2,
                expand: true,
                widen: leader % 2 == 0,
            };
            let p = place_in(n, &wants, false, view_h);
            let r = p.rects[leader];
            let c = p.base.resized(r.w, r.h);
            if n <= 5 {
                assert!(
                    c.thread_lines >= wants[leader].lines,
                    "h={view_h} n={n} leader={leader}: {} of {} lines",
                    c.thread_lines,
                    wants[leader].lines
                );
            }
            assert!(r.h >= p.base.h && r.w >= p.base.w);
            for (i, a) in p.rects.iter().enumerate() {
                assert!(p.viewport.contains(a), "n={n}: card {i} leaves the view");
                for b in p.rects.iter().skip(i + 1) {
                    assert!(!a.overlaps(b), "n={n} leader={leader}: {a:?} {b:?}");
                }
                assert!(
                    !a.overlaps(&p.middle),
                    "n={n} leader={leader}: the gauge box"
                );
            }
            assert!(p.middle.w >= GAUGE_W * 0.52 - 1e-9);
        }
    }
}

#[test]
fn test_the_view_height_follows_the_box_within_bounds() {
    assert_eq!(view_height_for(None), VIEW_H);
    assert_eq!(view_height_for(Some(1000.0 / 650.0)), 650.0);
    assert_eq!(view_height_for(Some(3.0)), MIN_VIEW_H);
    assert_eq!(view_height_for(Some(0.5)), MAX_VIEW_H);
    assert_eq!(view_height_for(Some(f64::NAN)), VIEW_H);
    for h in [MIN_VIEW_H, VIEW_H, MAX_VIEW_H] {
        for n in 1..=13 {
            let p = place_in(
                n,
                &vec![
                    CardWant {
                        lines: 1,
                        expand: false,
                        widen: false,
                    };
                    n
                ],
                false,
                h,
            );
            assert_eq!(p.viewport.h, h);
            for (i, a) in p.rects.iter().enumerate() {
                assert!(p.viewport.contains(a));
                for b in p.rects.iter().skip(i + 1) {
                    assert!(!a.overlaps(b), "h={h} n={n}");
                }
            }
        }
    }
}

#[test]
fn test_unexpanded_placement_is_the_plain_ring() {
    for n in 1..=13 {
        let p = place(
            n,
            &vec![
                CardWant {
                    lines: 1,
                    expand: false,
                    widen: false,
                };
                n
            ],
            false,
        );
        assert_eq!(p.rects, ring_rects(n));
        assert_eq!(p.viewport, Viewport::LANDSCAPE);
    }
}

#[test]
fn test_portrait_columns_keep_cards_apart_and_the_band_below() {
    for n in 1..=13 {
        let mut wants = vec![
            CardWant {
                lines: 2,
                expand: false,
                widen: false,
            };
            n
        ];
        wants[n / 2] = CardWant {
            lines: 12,
            expand: true,
            widen: true,
        };
        let p = place(n, &wants, true);
        assert!(p.viewport.portrait && p.viewport.w == PORTRAIT_W);
        for (i, a) in p.rects.iter().enumerate() {
            assert!(
                p.viewport.contains(a),
                "n={n}: card {i} leaves the view: {a:?}"
            );
            assert!(a.y + a.h <= p.middle.y, "n={n}: card {i} is above the band");
            for b in p.rects.iter().skip(i + 1) {
                assert!(!a.overlaps(b), "n={n}: {a:?} {b:?}");
            }
        }
        let grown = p.rects[n / 2];
        assert!(p.base.resized(grown.w, grown.h).thread_lines >= 12);
        assert!(p.viewport.contains(&p.middle));
    }
}

#[test]
fn test_ring_arc() {
    assert_eq!(ring_arc(10.0, 10.0, 5.0, 0.0), "");
    assert_eq!(ring_arc(10.0, 10.0, 5.0, f64::NAN), "");
    assert_eq!(
        ring_arc(10.0, 10.0, 5.0, 0.25),
        "M 10.00 5.00 A 5 5 0 0 1 15.00 10.00"
    );
    assert_eq!(
        ring_arc(10.0, 10.0, 5.0, 0.75),
        "M 10.00 5.00 A 5 5 0 1 1 5.00 10.00"
    );
    assert!(ring_arc(10.0, 10.0, 5.0, 1.0).matches(" A ").count() == 2);
}

#[test]
fn test_lerp_and_distance() {
    let (a, b) = (Point::new(0.0, 0.0), Point::new(10.0, 20.0));
    assert_eq!(a.lerp(b, 0.0), a);
    assert_eq!(a.lerp(b, 1.0), b);
    assert_eq!(a.lerp(b, 0.5), Point::new(5.0, 10.0));
    assert_eq!(Point::new(0.0, 0.0).distance(Point::new(3.0, 4.0)), 5.0);
}
