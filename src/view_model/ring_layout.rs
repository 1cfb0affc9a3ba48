//! Geometry of the cluster drawing: servers as cards on an ellipse inside a fixed `viewBox`
//! (SG-23), connections between card edges, and the lanes messages travel in.
//!
//! ```text
//!            ┌───┐
//!     ┌───┐  │ 1 │  ┌───┐        cards sit on an ellipse, sid order clockwise from the top;
//!     │ 5 │  └───┘  │ 2 │        a link runs between the borders of two cards; a message
//!     └───┘    ↘    └───┘        from a to b rides a lane just right of the link, so the two
//!        ┌───┐   ┌───┐           directions never overlap.
//!        │ 4 │   │ 3 │
//!        └───┘   └───┘
//! ```

/// The SVG's user space. The drawing scales with the window; these never change.
pub const VIEW_W: f64 = 1000.0;
pub const VIEW_H: f64 = 760.0;
/// Space kept free between the ring's cards and the edge of the view.
const MARGIN: f64 = 14.0;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

impl Point {
    pub fn new(x: f64, y: f64) -> Point {
        Point { x, y }
    }

    /// The point `t` of the way from `self` to `other` (0 = self, 1 = other).
    pub fn lerp(self, other: Point, t: f64) -> Point {
        Point::new(
            self.x + (other.x - self.x) * t,
            self.y + (other.y - self.y) * t,
        )
    }

    pub fn distance(self, other: Point) -> f64 {
        (other.x - self.x).hypot(other.y - self.y)
    }
}

/// An axis-aligned rectangle by its top-left corner.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn centered(c: Point, w: f64, h: f64) -> Rect {
        Rect {
            x: c.x - w / 2.0,
            y: c.y - h / 2.0,
            w,
            h,
        }
    }

    pub fn center(&self) -> Point {
        Point::new(self.x + self.w / 2.0, self.y + self.h / 2.0)
    }

    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x < o.x + o.w && o.x < self.x + self.w && self.y < o.y + o.h && o.y < self.y + self.h
    }

    /// Whether `p` lies inside or on the border (with a little slack for rounding).
    pub fn contains(&self, p: Point) -> bool {
        const EPS: f64 = 1e-6;
        p.x >= self.x - EPS
            && p.x <= self.x + self.w + EPS
            && p.y >= self.y - EPS
            && p.y <= self.y + self.h + EPS
    }

    /// Where the ray from the centre toward `toward` leaves the rectangle.
    pub fn exit_toward(&self, toward: Point) -> Point {
        let c = self.center();
        let (dx, dy) = (toward.x - c.x, toward.y - c.y);
        if dx == 0.0 && dy == 0.0 {
            return c;
        }
        let tx = if dx == 0.0 {
            f64::INFINITY
        } else {
            (self.w / 2.0) / dx.abs()
        };
        let ty = if dy == 0.0 {
            f64::INFINITY
        } else {
            (self.h / 2.0) / dy.abs()
        };
        let t = tx.min(ty);
        Point::new(c.x + dx * t, c.y + dy * t)
    }
}

/// How big a server's card is for a given ensemble size, and how much text fits in it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CardSize {
    pub w: f64,
    pub h: f64,
    /// Text lines available for thread rows below the card's header.
    pub thread_lines: usize,
    /// Whether labels use their short forms.
    pub compact: bool,
    /// Whether the header uses its small type (ten servers and more).
    pub tiny: bool,
}

/// Inner padding of a card, left and right.
pub const CARD_PAD: f64 = 14.0;
/// A gauge pip's side and the gap after it.
pub const PIP: f64 = 7.0;
pub const PIP_GAP: f64 = 3.0;
/// Where a blocked row's pips start, right of the card's padding.
pub const WAIT_INDENT: f64 = 8.0;

/// Average advance of one character, in viewBox units, for the card's fonts (see app.css):
/// monospace 12 px lines, monospace 11 px waits, sans 11.5 px thread rows (bold names).
const MONO_12: f64 = 7.25;
const MONO_11: f64 = 6.65;
const SANS_11_5: f64 = 6.4;
const SANS_BOLD_11_5: f64 = 7.3;
/// The gap between a thread's name and its phase (`dx` of the phase).
pub const PHASE_GAP: f64 = 6.0;

impl CardSize {
    fn fit(&self, used: f64, advance: f64) -> usize {
        ((self.w - 2.0 * CARD_PAD - used) / advance)
            .floor()
            .max(1.0) as usize
    }

    /// Characters of a monospace line (vote, clock).
    pub fn line_chars(&self) -> usize {
        self.fit(0.0, MONO_12)
    }

    /// Characters of a thread's phase after its name.
    pub fn phase_chars(&self, name: &str) -> usize {
        let name_w = name.chars().count() as f64 * SANS_BOLD_11_5 + PHASE_GAP;
        self.fit(name_w, SANS_11_5)
    }

    /// Characters of the header's ZabState label, between the sid and the state chip.
    pub fn header_chars(&self, chip_label: &str) -> usize {
        let used = HEADER_TEXT_X - CARD_PAD + self.chip_width(chip_label) + 6.0;
        let room = self.w - 2.0 * CARD_PAD - used;
        (room / HEADER_CHAR).floor().max(0.0) as usize
    }

    /// Characters of a wait's text after `need` gauge pips.
    pub fn wait_chars(&self, need: u32) -> usize {
        self.fit(WAIT_INDENT + pips_width(need) + 4.0, MONO_11)
    }
}

/// Where the header's ZabState label starts (right of the sid).
pub const HEADER_TEXT_X: f64 = 48.0;
/// Advance of the header label's small bold capitals, with their letter spacing.
const HEADER_CHAR: f64 = 7.2;

impl CardSize {
    /// The width of the state chip for its label (smaller type on tiny cards).
    pub fn chip_width(&self, label: &str) -> f64 {
        let (advance, pad) = if self.tiny { (6.3, 12.0) } else { (7.4, 16.0) };
        label.chars().count() as f64 * advance + pad
    }
}

/// The width of a gauge with `need` pips (at most nine are drawn).
pub fn pips_width(need: u32) -> f64 {
    f64::from(need.min(9)) * (PIP + PIP_GAP)
}

/// Card geometry by number of servers: fewer servers, bigger cards with more text.
pub fn card_size(n: usize) -> CardSize {
    match n {
        0..=3 => CardSize {
            w: 290.0,
            h: 196.0,
            thread_lines: 6,
            compact: false,
            tiny: false,
        },
        4..=5 => CardSize {
            w: 262.0,
            h: 184.0,
            thread_lines: 5,
            compact: false,
            tiny: false,
        },
        6..=7 => CardSize {
            w: 226.0,
            h: 168.0,
            thread_lines: 4,
            compact: true,
            tiny: false,
        },
        8..=9 => CardSize {
            w: 196.0,
            h: 146.0,
            thread_lines: 3,
            compact: true,
            tiny: false,
        },
        10..=11 => CardSize {
            w: 166.0,
            h: 118.0,
            thread_lines: 2,
            compact: true,
            tiny: true,
        },
        _ => CardSize {
            w: 146.0,
            h: 106.0,
            thread_lines: 1,
            compact: true,
            tiny: true,
        },
    }
}

/// The centre of each of `n` cards: one card sits in the middle; more go on an ellipse
/// clockwise from the top.
pub fn ring_centers(n: usize) -> Vec<Point> {
    let c = Point::new(VIEW_W / 2.0, VIEW_H / 2.0);
    if n <= 1 {
        return vec![c; n];
    }
    let size = card_size(n);
    let rx = VIEW_W / 2.0 - size.w / 2.0 - MARGIN;
    let ry = VIEW_H / 2.0 - size.h / 2.0 - MARGIN;
    (0..n)
        .map(|i| {
            let a = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * i as f64 / n as f64;
            Point::new(c.x + rx * a.cos(), c.y + ry * a.sin())
        })
        .collect()
}

/// The cards of `n` servers, in ring order.
pub fn ring_rects(n: usize) -> Vec<Rect> {
    let size = card_size(n);
    ring_centers(n)
        .into_iter()
        .map(|c| Rect::centered(c, size.w, size.h))
        .collect()
}

/// The segment between two cards' borders, shifted sideways by `offset` (positive = to the
/// right when looking from `a` to `b`, in screen coordinates where y grows downward).
pub fn link(a: &Rect, b: &Rect, offset: f64) -> (Point, Point) {
    let (ca, cb) = (a.center(), b.center());
    let (pa, pb) = (a.exit_toward(cb), b.exit_toward(ca));
    let len = ca.distance(cb);
    if len == 0.0 {
        return (pa, pb);
    }
    // Right of the travel direction (dx, dy) on a y-down screen is (-dy, dx).
    let (nx, ny) = (-(cb.y - ca.y) / len, (cb.x - ca.x) / len);
    (
        Point::new(pa.x + nx * offset, pa.y + ny * offset),
        Point::new(pb.x + nx * offset, pb.y + ny * offset),
    )
}

#[cfg(test)]
mod tests {
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
        // "vote 1 · zxid 0:0 · peerEpoch 0" fits a big card; the compact form a small one.
        assert!(big.line_chars() >= 31, "{}", big.line_chars());
        assert!(small.line_chars() >= "vote 3 · 0:0 · pE 0".chars().count() - 3);
        assert!(big.phase_chars("FastLeaderElection") < big.phase_chars("QuorumPeer"));
        assert!(big.wait_chars(5) < big.wait_chars(2));
        assert!(small.wait_chars(9) >= 1);
        assert_eq!(pips_width(20), pips_width(9));
        // The smallest card has no room for a ZabState label beside a long chip.
        assert_eq!(small.header_chars("NOT STARTED"), 0);
        assert!(card_size(5).header_chars("FOLLOWING") >= "SYNCHRONIZATION".len());
    }

    #[test]
    fn test_lerp_and_distance() {
        let (a, b) = (Point::new(0.0, 0.0), Point::new(10.0, 20.0));
        assert_eq!(a.lerp(b, 0.0), a);
        assert_eq!(a.lerp(b, 1.0), b);
        assert_eq!(a.lerp(b, 0.5), Point::new(5.0, 10.0));
        assert_eq!(Point::new(0.0, 0.0).distance(Point::new(3.0, 4.0)), 5.0);
    }
}
