//! Points, rectangles and segments in the drawing's CSS pixels.

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
    pub fn new(x: f64, y: f64, w: f64, h: f64) -> Rect {
        Rect { x, y, w, h }
    }

    pub fn centered(c: Point, w: f64, h: f64) -> Rect {
        Rect::new(c.x - w / 2.0, c.y - h / 2.0, w, h)
    }

    pub fn center(&self) -> Point {
        Point::new(self.x + self.w / 2.0, self.y + self.h / 2.0)
    }

    pub fn right(&self) -> f64 {
        self.x + self.w
    }

    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }

    /// The rectangle grown by `d` on every side.
    pub fn inflated(&self, d: f64) -> Rect {
        Rect::new(self.x - d, self.y - d, self.w + 2.0 * d, self.h + 2.0 * d)
    }

    /// Whether the two share any area (touching edges do not count).
    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x < o.right() && o.x < self.right() && self.y < o.bottom() && o.y < self.bottom()
    }

    /// Whether `o` lies wholly inside.
    pub fn contains_rect(&self, o: &Rect) -> bool {
        o.x >= self.x && o.y >= self.y && o.right() <= self.right() && o.bottom() <= self.bottom()
    }

    /// How far `p` is from the rectangle (0 inside it).
    pub fn distance_to(&self, p: Point) -> f64 {
        let dx = (self.x - p.x).max(p.x - self.right()).max(0.0);
        let dy = (self.y - p.y).max(p.y - self.bottom()).max(0.0);
        dx.hypot(dy)
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

    /// Whether the segment `a`–`b` passes through the rectangle.
    pub fn crossed_by(&self, a: Point, b: Point) -> bool {
        // Liang–Barsky clipping: the segment's parameter range inside the slab of each axis.
        let (mut t0, mut t1) = (0.0_f64, 1.0_f64);
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        for (p, q) in [
            (-dx, a.x - self.x),
            (dx, self.right() - a.x),
            (-dy, a.y - self.y),
            (dy, self.bottom() - a.y),
        ] {
            if p == 0.0 {
                if q < 0.0 {
                    return false;
                }
            } else {
                let r = q / p;
                if p < 0.0 {
                    t0 = t0.max(r);
                } else {
                    t1 = t1.min(r);
                }
            }
        }
        t0 < t1
    }
}

/// The segment between two cards for one lane: the line between their centres shifted
/// `offset` px to its right (in the direction `a` → `b`), cut where it leaves each card.
pub fn lane_between(a: &Rect, b: &Rect, offset: f64) -> (Point, Point) {
    let (ca, cb) = (a.center(), b.center());
    let len = ca.distance(cb).max(1e-9);
    // The right-hand normal of a → b in screen coordinates (y grows down).
    let (nx, ny) = (-(cb.y - ca.y) / len, (cb.x - ca.x) / len);
    let sa = Point::new(ca.x + nx * offset, ca.y + ny * offset);
    let sb = Point::new(cb.x + nx * offset, cb.y + ny * offset);
    let pa = exit_along(a, sa, sb);
    let pb = exit_along(b, sb, sa);
    (pa, pb)
}

/// Where the segment from `inside` (a point in `r`) toward `to` leaves `r`.
fn exit_along(r: &Rect, inside: Point, to: Point) -> Point {
    let (dx, dy) = (to.x - inside.x, to.y - inside.y);
    let mut t = 1.0_f64;
    if dx > 0.0 {
        t = t.min((r.right() - inside.x) / dx);
    } else if dx < 0.0 {
        t = t.min((r.x - inside.x) / dx);
    }
    if dy > 0.0 {
        t = t.min((r.bottom() - inside.y) / dy);
    } else if dy < 0.0 {
        t = t.min((r.y - inside.y) / dy);
    }
    let t = t.clamp(0.0, 1.0);
    Point::new(inside.x + dx * t, inside.y + dy * t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_lanes_leave_the_cards_at_their_borders() {
        let a = Rect::new(0.0, 0.0, 100.0, 50.0);
        let b = Rect::new(300.0, 0.0, 100.0, 50.0);
        let (p, q) = lane_between(&a, &b, 0.0);
        assert_eq!((p.x, q.x), (100.0, 300.0));
        let (p, q) = lane_between(&a, &b, 6.0);
        assert_eq!(
            (p.y, q.y),
            (31.0, 31.0),
            "right of a → b is down the screen"
        );
        let (p, _) = lane_between(&b, &a, 6.0);
        assert_eq!(p.y, 19.0, "the other direction rides the other side");
    }

    #[test]
    fn test_crossing() {
        let r = Rect::new(10.0, 10.0, 10.0, 10.0);
        assert!(r.crossed_by(Point::new(0.0, 15.0), Point::new(30.0, 15.0)));
        assert!(!r.crossed_by(Point::new(0.0, 0.0), Point::new(30.0, 0.0)));
        assert!(!r.crossed_by(Point::new(0.0, 15.0), Point::new(5.0, 15.0)));
    }
}
