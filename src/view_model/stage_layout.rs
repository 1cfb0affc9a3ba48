//! Where the server cards go, in the drawing's CSS pixels. The drawing's user space is its
//! box's own size (1 unit = 1 CSS px), so a 13 px label is drawn at 13 px whatever the window:
//! text is never scaled down to make things fit. When the box is small, cards show less
//! ([`Density`]); when even the smallest cards do not fit the ring, they go on a grid and the
//! drawing grows taller instead of shrinking.
//!
//! ```text
//!            ┌───┐
//!     ┌───┐  │ 1 │  ┌───┐        cards sit on an ellipse, sid order clockwise from the top,
//!     │ 5 │  └───┘  │ 2 │        each in the same place and at the same size whatever its
//!     └───┘         └───┘        role: a leader's card does not grow (its details go to the
//!        ┌───┐   ┌───┐           side panel), so nothing jumps when the leadership moves.
//!        │ 4 │   │ 3 │
//!        └───┘   └───┘
//! ```

use crate::view_model::geometry::{Point, Rect};
use zab::Sid;

/// How much a card shows. Every density keeps text at 12 px or more.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Density {
    /// Role, ZabState, both epochs, lastLoggedZxid, and the thread that matters with its wait.
    Full,
    /// Role, lastLoggedZxid, and that thread.
    Medium,
    /// Role and one line about that thread.
    Compact,
}

impl Density {
    pub const ALL: [Density; 3] = [Density::Full, Density::Medium, Density::Compact];

    /// The card's size in CSS px.
    pub fn card(self) -> (f64, f64) {
        match self {
            Density::Full => (252.0, 176.0),
            Density::Medium => (212.0, 124.0),
            Density::Compact => (156.0, 72.0),
        }
    }

    pub fn modifier(self) -> &'static str {
        match self {
            Density::Full => "full",
            Density::Medium => "medium",
            Density::Compact => "compact",
        }
    }
}

/// Room between a card and the drawing's edge, and between two cards.
pub const MARGIN: f64 = 10.0;
pub const GAP: f64 = 14.0;
/// The tallest a drawing may grow (relative to its width) before cards go on a grid.
const MAX_TALL: f64 = 2.4;

/// The placed cards.
#[derive(Clone, Debug, PartialEq)]
pub struct StageLayout {
    /// The drawing's size in CSS px (the height may exceed the box's on a phone).
    pub w: f64,
    pub h: f64,
    pub density: Density,
    /// One rectangle per server, in the order given.
    pub rects: Vec<(Sid, Rect)>,
}

impl StageLayout {
    /// Lay out `sids` in a box of `w` × `h` px. With `grow`, the drawing may be taller than
    /// the box (a phone's page scrolls); otherwise it fits the box if any density can.
    pub fn new(w: f64, h: f64, sids: &[Sid], grow: bool) -> StageLayout {
        let (w, h) = (w.max(200.0), h.max(160.0));
        for density in Density::ALL {
            if let Some(rects) = ring(w, h, sids, density) {
                return StageLayout {
                    w,
                    h,
                    density,
                    rects,
                };
            }
        }
        // A phone: rows of compact cards, two or more abreast, read better than a ring
        // stretched into a column.
        if grow && grid_columns(w) >= 2 {
            return grid(w, h, sids);
        }
        for density in Density::ALL {
            if grow {
                // A taller ellipse, in steps, up to MAX_TALL × the width.
                let mut tall = h;
                while tall < w * MAX_TALL {
                    tall += 40.0;
                    if let Some(rects) = ring(w, tall, sids, density) {
                        return StageLayout {
                            w,
                            h: tall,
                            density,
                            rects,
                        };
                    }
                }
            }
        }
        grid(w, h, sids)
    }

    pub fn rect(&self, sid: Sid) -> Option<Rect> {
        self.rects.iter().find(|(s, _)| *s == sid).map(|(_, r)| *r)
    }

    pub fn bounds(&self) -> Rect {
        Rect::new(0.0, 0.0, self.w, self.h)
    }
}

/// Cards on the largest ellipse that fits, or `None` when two would touch.
fn ring(w: f64, h: f64, sids: &[Sid], density: Density) -> Option<Vec<(Sid, Rect)>> {
    let (cw, ch) = density.card();
    let (rx, ry) = ((w - cw) / 2.0 - MARGIN, (h - ch) / 2.0 - MARGIN);
    if rx < 0.0 || ry < 0.0 {
        return None;
    }
    let n = sids.len();
    let c = Point::new(w / 2.0, h / 2.0);
    let angle =
        |i: usize| -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * i as f64 / n as f64;
    // The ring is stretched to the box: the outermost cards touch the side margins, the top
    // one the top margin and the lowest ones the bottom margin (five cards sit in a
    // pentagon as wide and as tall as the box).
    let widest = (0..n).map(|i| angle(i).cos().abs()).fold(0.0, f64::max);
    let lowest = (0..n).map(|i| angle(i).sin()).fold(0.0, f64::max);
    let sx = if widest > 1e-9 { 1.0 / widest } else { 0.0 };
    let sy_down = if lowest > 1e-9 { 1.0 / lowest } else { 0.0 };
    let rects: Vec<(Sid, Rect)> = sids
        .iter()
        .enumerate()
        .map(|(i, sid)| {
            let a = angle(i);
            let p = if n == 1 {
                c
            } else {
                let dy = a.sin();
                let dy = if dy > 0.0 { dy * sy_down } else { dy };
                Point::new(c.x + rx * a.cos() * sx, c.y + ry * dy)
            };
            (*sid, Rect::centered(p, cw, ch))
        })
        .collect();
    let apart = rects.iter().enumerate().all(|(i, (_, a))| {
        rects
            .iter()
            .skip(i + 1)
            .all(|(_, b)| !a.inflated(GAP / 2.0).overlaps(&b.inflated(GAP / 2.0)))
    });
    apart.then_some(rects)
}

/// How many compact cards fit side by side in a drawing `w` px wide.
fn grid_columns(w: f64) -> usize {
    let (cw, _) = Density::Compact.card();
    (((w - 2.0 * MARGIN + GAP) / (cw + GAP)).floor() as usize).max(1)
}

/// The fallback: compact cards in rows, as many columns as fit; the drawing grows downward.
fn grid(w: f64, h: f64, sids: &[Sid]) -> StageLayout {
    let density = Density::Compact;
    let (cw, ch) = density.card();
    let cols = grid_columns(w);
    let rows = sids.len().div_ceil(cols).max(1);
    // Rows spread over the box when it is tall enough, with room for messages between them.
    let row_gap = ((h - 2.0 * MARGIN - rows as f64 * ch) / rows.saturating_sub(1).max(1) as f64)
        .clamp(GAP * 3.0, 160.0);
    let used_w = cols.min(sids.len()) as f64 * (cw + GAP) - GAP;
    let x0 = ((w - used_w) / 2.0).max(MARGIN);
    let rects = sids
        .iter()
        .enumerate()
        .map(|(i, sid)| {
            let (r, col) = (i / cols, i % cols);
            let x = x0 + col as f64 * (cw + GAP);
            let y = MARGIN + r as f64 * (ch + row_gap);
            (*sid, Rect::new(x, y, cw, ch))
        })
        .collect::<Vec<_>>();
    let needed = MARGIN * 2.0 + rows as f64 * ch + (rows - 1) as f64 * row_gap;
    StageLayout {
        w,
        h: h.max(needed),
        density,
        rects,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sids(n: i64) -> Vec<Sid> {
        (1..=n).map(Sid).collect()
    }

    fn assert_apart_and_inside(l: &StageLayout) {
        for (i, (_, a)) in l.rects.iter().enumerate() {
            assert!(l.bounds().contains_rect(a), "{a:?} outside {}×{}", l.w, l.h);
            for (_, b) in l.rects.iter().skip(i + 1) {
                assert!(!a.overlaps(b), "{a:?} overlaps {b:?}");
            }
        }
    }

    #[test]
    fn test_a_desktop_stage_shows_five_full_cards_on_a_ring() {
        let l = StageLayout::new(840.0, 620.0, &sids(5), false);
        assert_eq!(l.density, Density::Full);
        assert_apart_and_inside(&l);
        // Server 1 on top, in the middle.
        let top = l.rect(Sid(1)).expect("placed");
        assert!((top.center().x - 420.0).abs() < 1.0 && top.y <= MARGIN + 1.0);
    }

    #[test]
    fn test_every_shape_fits_without_overlap_at_every_size() {
        for (w, h, grow) in [
            (840.0, 620.0, false),
            (370.0, 600.0, true),
            (780.0, 330.0, false),
            (1200.0, 700.0, false),
        ] {
            for n in 1..=13 {
                let l = StageLayout::new(w, h, &sids(n), grow);
                assert_apart_and_inside(&l);
                assert_eq!(l.rects.len(), n as usize);
            }
        }
    }

    #[test]
    fn test_places_do_not_depend_on_anything_but_the_shape() {
        // A card keeps its place and size as roles change: the layout takes only the box and
        // the sids.
        let a = StageLayout::new(840.0, 620.0, &sids(5), false);
        let b = StageLayout::new(840.0, 620.0, &sids(5), false);
        assert_eq!(a, b);
    }

    #[test]
    fn test_many_servers_on_a_phone_go_taller_not_smaller() {
        let l = StageLayout::new(370.0, 500.0, &sids(13), true);
        assert!(l.h > 500.0, "the drawing grew to {}", l.h);
        assert_eq!(l.density, Density::Compact);
    }

    #[test]
    fn test_a_phone_puts_five_cards_two_abreast() {
        // 352 px is the drawing's width at 390 × 844.
        let l = StageLayout::new(352.0, 370.0, &sids(5), true);
        assert_eq!(l.density, Density::Compact);
        let tops: std::collections::BTreeSet<i64> =
            l.rects.iter().map(|(_, r)| r.y.round() as i64).collect();
        assert_eq!(tops.len(), 3, "three rows of cards: {:?}", l.rects);
        assert_apart_and_inside(&l);
    }
}
