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

/// The SVG's user space: always 1000 wide; its height follows the shape of the box the
/// drawing is shown in (within these bounds), so the drawing fills its box at any window size.
pub const VIEW_W: f64 = 1000.0;
pub const VIEW_H: f64 = 700.0;
pub const MIN_VIEW_H: f64 = 640.0;
pub const MAX_VIEW_H: f64 = 760.0;

/// The landscape height for a box of aspect `w / h` (the default height without one).
pub fn view_height_for(aspect: Option<f64>) -> f64 {
    match aspect.filter(|a| a.is_finite() && *a > 0.0) {
        Some(a) => (VIEW_W / a).clamp(MIN_VIEW_H, MAX_VIEW_H).round(),
        None => VIEW_H,
    }
}
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

    /// The rectangle grown by `d` on every side.
    pub fn inflated(&self, d: f64) -> Rect {
        Rect {
            x: self.x - d,
            y: self.y - d,
            w: self.w + 2.0 * d,
            h: self.h + 2.0 * d,
        }
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

/// The drawing's user space: landscape (the fixed 1000 × 700 `viewBox`) on wide screens, a
/// narrow portrait column on phones, whose height follows the number of servers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Viewport {
    pub w: f64,
    pub h: f64,
    pub portrait: bool,
}

impl Viewport {
    pub const LANDSCAPE: Viewport = Viewport {
        w: VIEW_W,
        h: VIEW_H,
        portrait: false,
    };

    pub fn center(&self) -> Point {
        Point::new(self.w / 2.0, self.h / 2.0)
    }

    pub fn contains(&self, r: &Rect) -> bool {
        r.x >= 0.0 && r.y >= 0.0 && r.x + r.w <= self.w + 1e-9 && r.y + r.h <= self.h + 1e-9
    }
}

/// How big a server's card is for a given ensemble size, and how much text fits in it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CardSize {
    pub w: f64,
    pub h: f64,
    /// Text lines available for thread rows below the card's header.
    pub thread_lines: usize,
    /// Whether labels use their short forms (one info line instead of two).
    pub compact: bool,
    /// Whether the header uses its small type (ten servers and more).
    pub tiny: bool,
}

/// Inner padding of a card, left and right.
pub const CARD_PAD: f64 = 14.0;
/// A gauge pip's side and the gap after it.
pub const PIP: f64 = 7.0;
pub const PIP_GAP: f64 = 3.0;
/// Where a blocked row's second line starts, right of the card's padding.
pub const WAIT_INDENT: f64 = 16.0;
/// One thread line's height.
pub const ROW_H: f64 = 16.5;
/// Space under the last thread line.
pub const CARD_BOTTOM: f64 = 10.0;
/// The baseline of the header (sid, ZabState, state chip).
pub const HEADER_BASELINE: f64 = 27.0;
/// The info lines (epochs, lastLoggedZxid) under the header.
pub const INFO_LINE_1: f64 = 47.0;
pub const INFO_LINE_2: f64 = 62.0;
/// Where thread rows start: the rule above them, then the first baseline.
const RULE_Y: f64 = 70.0;
const RULE_Y_COMPACT: f64 = 55.0;

/// Average advance of one character, in viewBox units, for the card's fonts (see app.css):
/// monospace 12.5 px info lines, monospace 11.5 px waits, sans 12.5 px thread rows (bold
/// names).
const MONO_INFO: f64 = 7.55;
const MONO_WAIT: f64 = 6.95;
const SANS_ROW: f64 = 7.0;
/// A bold thread name's advance.
pub const SANS_BOLD_ROW: f64 = 7.65;
/// The gap between a thread's name and its phase (`dx` of the phase).
pub const PHASE_GAP: f64 = 6.0;
/// Where a thread row's name starts (right of its status glyph).
pub const ROW_TEXT_X: f64 = CARD_PAD + 13.0;
/// Room kept at a one-line row's right end for its countdown (`19.9 s`).
pub const COUNTDOWN_W: f64 = 48.0;

impl CardSize {
    fn fit(&self, used: f64, advance: f64) -> usize {
        ((self.w - 2.0 * CARD_PAD - used) / advance)
            .floor()
            .max(1.0) as usize
    }

    /// Characters of a monospace info line (epochs, lastLoggedZxid).
    pub fn line_chars(&self) -> usize {
        self.fit(0.0, MONO_INFO)
    }

    /// Characters of a thread's phase after its name; `countdown` keeps room for a
    /// countdown at the row's right end.
    pub fn phase_chars(&self, name: &str, countdown: bool) -> usize {
        let name_w = name.chars().count() as f64 * SANS_BOLD_ROW + PHASE_GAP;
        let right = if countdown { COUNTDOWN_W } else { 0.0 };
        self.fit(ROW_TEXT_X - CARD_PAD + name_w + right, SANS_ROW)
    }

    /// Characters of the header's ZabState label, between the sid and the state chip.
    pub fn header_chars(&self, chip_label: &str) -> usize {
        let used = HEADER_TEXT_X - CARD_PAD + self.chip_width(chip_label) + 6.0;
        let room = self.w - 2.0 * CARD_PAD - used;
        (room / HEADER_CHAR).floor().max(0.0) as usize
    }

    /// Characters of a wait's monitor name on its second line, before `need` pips, the
    /// `k/q` count and the countdown.
    pub fn wait_chars(&self, need: u32) -> usize {
        let used = WAIT_INDENT + pips_width(need) + 30.0 + COUNTDOWN_W;
        self.fit(used, MONO_WAIT)
    }

    /// The baseline of the first thread row.
    pub fn rows_top(&self) -> f64 {
        self.rule_y() + ROW_H + 1.0
    }

    /// The rule between the header and the thread rows.
    pub fn rule_y(&self) -> f64 {
        if self.compact {
            RULE_Y_COMPACT
        } else {
            RULE_Y
        }
    }

    /// The card height that holds `lines` thread lines.
    pub fn height_for(&self, lines: usize) -> f64 {
        self.rows_top() - ROW_H + lines as f64 * ROW_H + CARD_BOTTOM
    }

    /// Thread lines that fit in a card of height `h`.
    pub fn lines_in(&self, h: f64) -> usize {
        ((h - CARD_BOTTOM - self.rows_top() + ROW_H) / ROW_H)
            .floor()
            .max(0.0) as usize
    }

    /// The same card at another size (an expanded card), with its line count.
    pub fn resized(&self, w: f64, h: f64) -> CardSize {
        let mut c = CardSize { w, h, ..*self };
        c.thread_lines = c.lines_in(h);
        c
    }
}

/// Where the header's ZabState label starts (right of the sid).
pub const HEADER_TEXT_X: f64 = 44.0;
/// Advance of the header label's small bold capitals, with their letter spacing.
const HEADER_CHAR: f64 = 7.8;

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

fn sized(w: f64, lines: usize, compact: bool, tiny: bool) -> CardSize {
    let mut c = CardSize {
        w,
        h: 0.0,
        thread_lines: lines,
        compact,
        tiny,
    };
    c.h = c.height_for(lines);
    c
}

/// Card geometry by number of servers: fewer servers, bigger cards with more text. A card
/// holds a follower's rows (QuorumPeer, Follower.followLeader, SyncThread, or the two lines
/// of a FastLeaderElection wait); the leader's and the selected card grow to hold all theirs.
pub fn card_size(n: usize) -> CardSize {
    match n {
        0..=3 => sized(320.0, 4, false, false),
        4..=5 => sized(290.0, 4, false, false),
        6..=7 => sized(236.0, 3, true, false),
        8..=9 => sized(198.0, 3, true, false),
        10..=11 => sized(162.0, 2, true, true),
        _ => sized(142.0, 2, true, true),
    }
}

/// Card geometry in the portrait (phone) layout: two columns of compact cards.
pub fn portrait_card_size(n: usize) -> CardSize {
    let w = (PORTRAIT_W - 3.0 * PORTRAIT_MARGIN) / 2.0;
    match n {
        0..=1 => sized(PORTRAIT_W - 2.0 * PORTRAIT_MARGIN, 4, false, false),
        2..=9 => sized(w, 3, true, false),
        _ => sized(w, 2, true, true),
    }
}

/// The portrait user space's width (its height follows the ensemble), and its margins.
pub const PORTRAIT_W: f64 = 460.0;
const PORTRAIT_MARGIN: f64 = 10.0;
/// The band under the portrait cards that holds the headline or the epoch-wait gauge.
pub const PORTRAIT_BAND_H: f64 = 190.0;

/// The centre of each of `n` cards: one card sits in the middle; more go on an ellipse
/// clockwise from the top.
pub fn ring_centers(n: usize) -> Vec<Point> {
    ring_centers_in(n, &Viewport::LANDSCAPE)
}

/// [`ring_centers`] in a landscape user space of any height.
pub fn ring_centers_in(n: usize, vp: &Viewport) -> Vec<Point> {
    let c = vp.center();
    if n <= 1 {
        return vec![c; n];
    }
    let size = card_size(n);
    let rx = vp.w / 2.0 - size.w / 2.0 - MARGIN;
    let ry = vp.h / 2.0 - size.h / 2.0 - MARGIN;
    (0..n)
        .map(|i| {
            let a = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * i as f64 / n as f64;
            Point::new(c.x + rx * a.cos(), c.y + ry * a.sin())
        })
        .collect()
}

/// The cards of `n` servers, in ring order.
pub fn ring_rects(n: usize) -> Vec<Rect> {
    ring_rects_in(n, &Viewport::LANDSCAPE)
}

/// [`ring_rects`] in a landscape user space of any height.
pub fn ring_rects_in(n: usize, vp: &Viewport) -> Vec<Rect> {
    let size = card_size(n);
    ring_centers_in(n, vp)
        .into_iter()
        .map(|c| Rect::centered(c, size.w, size.h))
        .collect()
}

/// What a card asks of the layout: how many thread lines it would like to show, and whether
/// it may grow beyond the base size to show them (the leader's and the selected card).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CardWant {
    pub lines: usize,
    pub expand: bool,
    /// It may also grow wider (not while the middle is needed for the gauge).
    pub widen: bool,
}

/// The placed cards and the user space they live in.
#[derive(Clone, Debug, PartialEq)]
pub struct Placement {
    pub viewport: Viewport,
    pub base: CardSize,
    pub rects: Vec<Rect>,
    /// Where the headline or the epoch-wait gauge goes: the free middle of the ring, or the
    /// band under the portrait columns.
    pub middle: Rect,
}

/// How far apart cards (and the gauge) must stay.
const GAP: f64 = 8.0;
/// The widest an expanded card may become, relative to the base card.
const MAX_WIDEN: f64 = 1.32;

/// Place the cards: on the ring (landscape) or in two columns (portrait); cards that may
/// expand grow toward the middle as far as their neighbours allow.
pub fn place(n: usize, wants: &[CardWant], portrait: bool) -> Placement {
    place_in(n, wants, portrait, VIEW_H)
}

/// [`place`] with the landscape user space's height (see [`view_height_for`]).
pub fn place_in(n: usize, wants: &[CardWant], portrait: bool, view_h: f64) -> Placement {
    if portrait {
        place_portrait(n, wants)
    } else {
        place_landscape(n, wants, view_h)
    }
}

fn overlaps_any(r: &Rect, others: &[Rect], skip: usize) -> bool {
    others
        .iter()
        .enumerate()
        .any(|(j, o)| j != skip && r.inflated(GAP / 2.0).overlaps(&o.inflated(GAP / 2.0)))
}

fn place_landscape(n: usize, wants: &[CardWant], view_h: f64) -> Placement {
    let vp = Viewport {
        h: view_h,
        ..Viewport::LANDSCAPE
    };
    let base = card_size(n);
    let mut rects = ring_rects_in(n, &vp);
    let center = vp.center();
    for i in 0..n {
        let Some(want) = wants.get(i).filter(|w| w.expand) else {
            continue;
        };
        let desired = base.height_for(want.lines).max(base.h);
        if desired <= base.h && want.lines <= base.thread_lines {
            continue;
        }
        let orig = rects[i];
        let c = orig.center();
        let mut chosen = None;
        let mut h = desired;
        'search: while h >= base.h {
            let widest = if want.widen { 0 } else { 4 };
            for k in widest..=4 {
                let w = base.w * (MAX_WIDEN - (MAX_WIDEN - 1.0) * f64::from(k) / 4.0);
                // Grow toward the middle: keep the outer edge, then slide outward a little
                // if a neighbour is in the way.
                let y0 = if c.y < center.y - 10.0 {
                    orig.y
                } else if c.y > center.y + 10.0 {
                    orig.y + orig.h - h
                } else {
                    c.y - h / 2.0
                };
                let outward = if c.y > center.y { 1.0 } else { -1.0 };
                let x = (c.x - w / 2.0).clamp(MARGIN, vp.w - MARGIN - w);
                for slide in 0..=6 {
                    let y =
                        (y0 + outward * f64::from(slide) * 8.0).clamp(MARGIN, vp.h - MARGIN - h);
                    let r = Rect { x, y, w, h };
                    if vp.contains(&r) && !overlaps_any(&r, &rects, i) {
                        chosen = Some(r);
                        break 'search;
                    }
                }
            }
            h -= 4.0;
        }
        if let Some(r) = chosen {
            rects[i] = r;
        }
    }
    let middle = middle_rect(&vp, &rects);
    Placement {
        viewport: vp,
        base,
        rects,
        middle,
    }
}

/// The gauge's full size in its own units; it is drawn scaled into `Placement::middle`.
pub const GAUGE_W: f64 = 410.0;
pub const GAUGE_H: f64 = 140.0;

/// The largest box of the gauge's shape near the ring's centre that no card covers.
fn middle_rect(vp: &Viewport, rects: &[Rect]) -> Rect {
    let c = vp.center();
    let scales = [1.0, 0.92, 0.84, 0.76, 0.68, 0.6, 0.52];
    // Offsets nearest the centre first: 0, +8, −8, +16, −16, …
    let offsets = |step: f64, n: i32| {
        (0..=2 * n)
            .map(move |k| f64::from((k + 1) / 2) * step * if k % 2 == 0 { -1.0 } else { 1.0 })
    };
    for s in scales {
        let (w, h) = (GAUGE_W * s, GAUGE_H * s);
        let mut best: Option<(f64, Rect)> = None;
        for dy in offsets(8.0, 22) {
            for dx in offsets(16.0, 10) {
                let r = Rect::centered(Point::new(c.x + dx, c.y + dy), w, h);
                if vp.contains(&r) && !overlaps_any(&r, rects, usize::MAX) {
                    let d = dx.hypot(dy);
                    if best.is_none_or(|(bd, _)| d < bd) {
                        best = Some((d, r));
                    }
                }
            }
        }
        if let Some((_, r)) = best {
            return r;
        }
    }
    // Nothing fits (a crowded ring with a grown card): the smallest box at the centre.
    Rect::centered(c, GAUGE_W * 0.52, GAUGE_H * 0.52)
}

fn place_portrait(n: usize, wants: &[CardWant]) -> Placement {
    let base = portrait_card_size(n);
    let m = PORTRAIT_MARGIN;
    let height = |i: usize| -> f64 {
        match wants.get(i) {
            Some(w) if w.expand => base.height_for(w.lines).max(base.h),
            _ => base.h,
        }
    };
    // Rows: an odd ensemble puts server 1 alone on top; the rest go down the right column
    // and back up the left, so the order stays clockwise like the ring.
    let cap = n % 2 == 1;
    let first = usize::from(cap);
    let per_col = (n - first) / 2;
    let mut rects = vec![
        Rect {
            x: 0.0,
            y: 0.0,
            w: base.w,
            h: base.h
        };
        n
    ];
    let mut y = m;
    if cap {
        let h = height(0);
        rects[0] = Rect {
            x: (PORTRAIT_W - base.w) / 2.0,
            y,
            w: base.w,
            h,
        };
        y += h + GAP + 4.0;
    }
    for row in 0..per_col {
        let right = first + row;
        let left = n - 1 - row;
        let h = height(right).max(height(left));
        rects[right] = Rect {
            x: PORTRAIT_W - m - base.w,
            y,
            w: base.w,
            h: height(right),
        };
        rects[left] = Rect {
            x: m,
            y,
            w: base.w,
            h: height(left),
        };
        y += h + GAP + 4.0;
    }
    let middle = Rect {
        x: m,
        y,
        w: PORTRAIT_W - 2.0 * m,
        h: PORTRAIT_BAND_H,
    };
    let vp = Viewport {
        w: PORTRAIT_W,
        h: y + PORTRAIT_BAND_H + m,
        portrait: true,
    };
    Placement {
        viewport: vp,
        base,
        rects,
        middle,
    }
}

/// The SVG path of a countdown ring's arc: `fraction` (0..=1) of the circle of radius `r`
/// around (`cx`, `cy`), starting at twelve o'clock and running clockwise. Empty when nothing
/// is left; a full circle is drawn as two half arcs (one arc cannot start and end in the
/// same point).
pub fn ring_arc(cx: f64, cy: f64, r: f64, fraction: f64) -> String {
    let f = if fraction.is_nan() {
        0.0
    } else {
        fraction.clamp(0.0, 1.0)
    };
    if f <= 0.0 {
        return String::new();
    }
    if f >= 0.9999 {
        return format!(
            "M {cx:.2} {:.2} A {r} {r} 0 1 1 {cx:.2} {:.2} A {r} {r} 0 1 1 {cx:.2} {:.2}",
            cy - r,
            cy + r,
            cy - r
        );
    }
    let a = std::f64::consts::TAU * f - std::f64::consts::FRAC_PI_2;
    let (x, y) = (cx + r * a.cos(), cy + r * a.sin());
    let large = u8::from(f > 0.5);
    format!(
        "M {cx:.2} {:.2} A {r} {r} 0 {large} 1 {x:.2} {y:.2}",
        cy - r
    )
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
mod tests;
