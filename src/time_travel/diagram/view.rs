//! How the diagram is looked at: the view mode (fit, follow, fixed) and its zoom and scroll
//! ([`DiagramSettings`], changed by [`DiagramAction`]s), the index that finds the burst to fit
//! ([`FitIndex`]), and pointer gestures (drag, pinch, tap) turned into those actions.

use super::*;

/// How the visible window is chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ViewMode {
    /// Fitted to the most recent burst of interesting messages (the default; "Fit").
    Fit,
    /// The cursor held at [`FOLLOW_AT`] of the width, at the zoom in force.
    Follow,
    /// Where the user zoomed or scrolled to, kept until Fit or Follow.
    Fixed,
}

/// How the diagram is looked at: zoom, scroll, filters, the arrow under the pointer. View
/// state only: it lives in the diagram's component, not in the app's reducer (which holds the
/// picked message every view shares).
#[derive(Clone, Debug, PartialEq)]
pub struct DiagramSettings {
    pub mode: ViewMode,
    /// The zoom while following or fixed (a fit computes its own).
    pub ms_per_px: f64,
    /// The time at the window's left edge while fixed.
    pub t0_ms: f64,
    /// Shown families, in [`KindGroup::ALL`] order, as the user chose them.
    pub show: [bool; 4],
    /// PINGs are shown anyway while a fit finds nothing else to show (until the user chooses
    /// about PINGs), so the diagram is never blank once anything was sent.
    pub pings_auto: bool,
    /// The drawing's width in CSS pixels, as last measured.
    pub width_px: f64,
    /// The arrow under the pointer.
    pub hovered: Option<u64>,
}

/// What the diagram's own controls do to its view.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DiagramAction {
    /// Zoom (factor > 1 zooms out) around a point of the drawing (its centre when `None`).
    Zoom {
        factor: f64,
        anchor_px: Option<f64>,
    },
    Pan {
        dx_px: f64,
    },
    /// Two fingers: zoom by `factor` about `from_px`, which moves to `to_px`.
    Pinch {
        factor: f64,
        from_px: f64,
        to_px: f64,
    },
    Follow,
    Fit,
    Toggle(KindGroup),
    SetWidth(f64),
    Hover(Option<u64>),
    /// Bring this time span (a picked message) into view if it is not, keeping the zoom.
    Reveal {
        from_ms: f64,
        to_ms: f64,
    },
}

impl Default for DiagramSettings {
    fn default() -> Self {
        DiagramSettings {
            mode: ViewMode::Fit,
            ms_per_px: DEFAULT_MS_PER_PX,
            t0_ms: 0.0,
            // PINGs are hidden by default: a leader sends one per learner every tick.
            show: [true, true, true, false],
            pings_auto: true,
            width_px: 960.0,
            hovered: None,
        }
    }
}

/// The window as drawn: what zooming and scrolling start from. A fitted view has no zoom of
/// its own in the settings, so the view actions need this to pin it where it is.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct View {
    pub cursor_ms: f64,
    pub t0_ms: f64,
    pub ms_per_px: f64,
    /// The window moves with the cursor (following, or a fit with nothing to fit).
    pub following: bool,
    /// The families drawn (the user's choice, PINGs perhaps added).
    pub show: [bool; 4],
}

/// A time span, in ms.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Span {
    pub lo: f64,
    pub hi: f64,
}

impl Span {
    /// The left edge and zoom that give this span the plot's width less the margins.
    pub fn frame(self, plot_px: f64) -> (f64, f64) {
        let plot = plot_px.max(1.0);
        let mpp = ((self.hi - self.lo) / (plot * (1.0 - 2.0 * FIT_MARGIN)))
            .clamp(MIN_MS_PER_PX, MAX_MS_PER_PX);
        let t0 = ((self.lo + self.hi) / 2.0 - plot * mpp / 2.0).max(0.0);
        (t0, mpp)
    }
}

pub(super) fn group_slot(g: KindGroup) -> Option<usize> {
    KindGroup::ALL.iter().position(|x| *x == g)
}

impl DiagramSettings {
    /// Apply one of the diagram's own actions without the drawing at hand (tests, or an
    /// action that needs no window): `cursor_ms` is where the run stands, a fit counts as not
    /// found, and the filters are the user's.
    pub fn apply(&mut self, action: DiagramAction, cursor_ms: f64) {
        let mut at = self.view(None, cursor_ms);
        at.show = self.show;
        self.apply_in(action, &at);
    }

    /// Apply an action to the view `at` as drawn (`DiagramModel::view`).
    pub fn apply_in(&mut self, action: DiagramAction, at: &View) {
        match action {
            DiagramAction::Zoom { factor, anchor_px } => self.zoom(factor, anchor_px, at),
            DiagramAction::Pan { dx_px } => self.pan(dx_px, at),
            DiagramAction::Pinch {
                factor,
                from_px,
                to_px,
            } => {
                self.zoom(factor, Some(from_px), at);
                let zoomed = self.view(None, at.cursor_ms);
                self.pan(from_px - to_px, &zoomed);
            }
            DiagramAction::Follow => {
                // Following starts at the zoom in view (a fit's, say), not a forgotten one.
                self.ms_per_px = at.ms_per_px;
                self.mode = ViewMode::Follow;
            }
            DiagramAction::Fit => self.mode = ViewMode::Fit,
            DiagramAction::Toggle(g) => {
                if let Some(i) = group_slot(g) {
                    if let (Some(s), Some(shown)) = (self.show.get_mut(i), at.show.get(i)) {
                        *s = !*shown;
                    }
                }
                if g == KindGroup::Ping {
                    self.pings_auto = false;
                }
            }
            DiagramAction::SetWidth(px) => {
                if px.is_finite() {
                    self.width_px = px.clamp(240.0, 8_000.0);
                }
            }
            DiagramAction::Hover(m) => self.hovered = m,
            DiagramAction::Reveal { from_ms, to_ms } => self.reveal(from_ms, to_ms, at),
        }
    }

    /// The plotting width (right of the lane labels).
    pub fn plot_px(&self) -> f64 {
        (self.width_px - GUTTER).max(100.0)
    }

    /// The window for a cursor, given the fitted span (if fitting found one).
    pub fn view(&self, fit: Option<Span>, cursor_ms: f64) -> View {
        let plot = self.plot_px();
        let follow = |mpp: f64, show: [bool; 4]| View {
            cursor_ms,
            t0_ms: (cursor_ms - FOLLOW_AT * plot * mpp).max(0.0),
            ms_per_px: mpp,
            following: true,
            show,
        };
        match (self.mode, fit) {
            (ViewMode::Fit, Some(span)) => {
                let (t0_ms, ms_per_px) = span.frame(plot);
                View {
                    cursor_ms,
                    t0_ms,
                    ms_per_px,
                    following: false,
                    show: self.show,
                }
            }
            (ViewMode::Fit, None) => {
                let mut show = self.show;
                if self.pings_auto {
                    show[3] = true;
                }
                follow(self.ms_per_px, show)
            }
            (ViewMode::Follow, _) => follow(self.ms_per_px, self.show),
            (ViewMode::Fixed, _) => View {
                cursor_ms,
                t0_ms: self.t0_ms.max(0.0),
                ms_per_px: self.ms_per_px,
                following: false,
                show: self.show,
            },
        }
    }

    /// The span to fit, when fitting: see [`FitIndex::span`].
    pub fn fit_span(&self, fit: &FitIndex, arrows: &[Arrow], cursor_ms: f64) -> Option<Span> {
        (self.mode == ViewMode::Fit)
            .then(|| fit.span(arrows, self.show, cursor_ms))
            .flatten()
    }

    pub fn shows(&self, g: KindGroup) -> bool {
        group_slot(g)
            .and_then(|i| self.show.get(i))
            .copied()
            .unwrap_or(true)
    }

    /// Pin the view where it is drawn: the user's zoom and scroll start from what they see.
    fn pin(&mut self, at: &View) {
        self.mode = ViewMode::Fixed;
        self.t0_ms = at.t0_ms.max(0.0);
        self.ms_per_px = at.ms_per_px;
    }

    /// Zoom by `factor` (> 1 zooms out) keeping the time under `anchor_px` in place; while
    /// following, the cursor stays where it is instead.
    fn zoom(&mut self, factor: f64, anchor_px: Option<f64>, at: &View) {
        if !(factor.is_finite() && factor > 0.0) {
            return;
        }
        let next = (at.ms_per_px * factor).clamp(MIN_MS_PER_PX, MAX_MS_PER_PX);
        if at.following {
            self.mode = ViewMode::Follow;
            self.ms_per_px = next;
            return;
        }
        let plot = self.plot_px();
        let x = anchor_px.map_or(plot / 2.0, |x| (x - GUTTER).clamp(0.0, plot));
        let anchor = at.t0_ms + x * at.ms_per_px;
        self.pin(at);
        self.ms_per_px = next;
        self.t0_ms = (anchor - x * next).max(0.0);
    }

    /// Scroll by `dx_px` (positive: later). Scrolling pins the view.
    fn pan(&mut self, dx_px: f64, at: &View) {
        if !dx_px.is_finite() || dx_px == 0.0 {
            return;
        }
        self.pin(at);
        self.t0_ms = (at.t0_ms + dx_px * at.ms_per_px).max(0.0);
    }

    /// Centre `[from_ms, to_ms]` (or its start, when longer than the window) unless some of
    /// it is already well inside the window.
    fn reveal(&mut self, from_ms: f64, to_ms: f64, at: &View) {
        if !(from_ms.is_finite() && to_ms.is_finite()) {
            return;
        }
        let window = self.plot_px() * at.ms_per_px;
        let (lo, hi) = (from_ms.min(to_ms), from_ms.max(to_ms));
        let inset = 0.05 * window;
        if hi >= at.t0_ms + inset && lo <= at.t0_ms + window - inset {
            return;
        }
        self.pin(at);
        self.t0_ms = if hi - lo <= 0.8 * window {
            (lo + hi) / 2.0 - window / 2.0
        } else {
            lo - 0.1 * window
        }
        .max(0.0);
    }
}

/// The interesting arrows (every family but PINGs), by family, as positions in
/// `LogIndex::arrows`: what a fit looks through, so it never walks the PINGs of a long
/// run. Kept in step with the index by [`sync`](Self::sync), which reads only new arrows.
#[derive(Clone, Debug, Default)]
pub struct FitIndex {
    seen: usize,
    /// The last arrow read (id, send time), to notice that a fork rebuilt the index.
    last: Option<(u64, u64)>,
    by_group: [Vec<usize>; 3],
}

impl FitIndex {
    pub fn of(arrows: &[Arrow]) -> FitIndex {
        let mut f = FitIndex::default();
        f.sync(arrows);
        f
    }

    /// Read the arrows added since the last call (all of them if the index was rebuilt).
    pub fn sync(&mut self, arrows: &[Arrow]) {
        let key = |a: &Arrow| (a.msg, a.sent_ms);
        let same = self.seen <= arrows.len()
            && self
                .seen
                .checked_sub(1)
                .is_none_or(|i| arrows.get(i).map(key) == self.last);
        if !same {
            *self = FitIndex::default();
        }
        for (i, a) in arrows.iter().enumerate().skip(self.seen) {
            if let Some(list) = fit_slot(a.group).and_then(|g| self.by_group.get_mut(g)) {
                list.push(i);
            }
        }
        self.seen = arrows.len();
        self.last = arrows.last().map(key);
    }

    /// The span a fitted view shows: the last burst of interesting messages of the `show`n
    /// families sent by `cursor_ms` (at most [`MAX_ARROWS`] of them, each counted to its
    /// delivery), reaching on to the cursor unless it is far past the burst. `None` when
    /// nothing interesting was sent yet.
    pub fn span(&self, arrows: &[Arrow], show: [bool; 4], cursor_ms: f64) -> Option<Span> {
        let sent_by = |i: &usize| {
            arrows
                .get(*i)
                .is_some_and(|a| a.sent_ms as f64 <= cursor_ms)
        };
        let lists: Vec<&[usize]> = KindGroup::ALL
            .iter()
            .zip(show)
            .filter(|(_, on)| *on)
            .filter_map(|(g, _)| fit_slot(*g).and_then(|i| self.by_group.get(i)))
            .map(|l| &l[..l.partition_point(sent_by)])
            .collect();
        let mut heads: Vec<usize> = lists.iter().map(|l| l.len()).collect();
        let (mut lo, mut hi, mut count) = (f64::INFINITY, f64::NEG_INFINITY, 0);
        // Backwards through the families' lists merged in send order (positions in `arrows`
        // are in send order), until a gap.
        while count < MAX_ARROWS {
            let next = (0..lists.len())
                .filter_map(|j| {
                    let h = heads.get(j)?.checked_sub(1)?;
                    Some((*lists.get(j)?.get(h)?, j))
                })
                .max();
            let Some((i, j)) = next else { break };
            if let Some(h) = heads.get_mut(j) {
                *h -= 1;
            }
            let Some(a) = arrows.get(i) else { break };
            let end = a.end_ms.min(a.sent_ms.saturating_add(BURST_GAP_MS));
            if count > 0 && (end.saturating_add(BURST_GAP_MS) as f64) < lo {
                break;
            }
            lo = lo.min(a.sent_ms as f64);
            hi = hi.max(end as f64);
            count += 1;
        }
        if count == 0 {
            return None;
        }
        if cursor_ms - hi <= FIT_FAR_PAST * (hi - lo).max(FIT_MIN_SPAN_MS) {
            hi = hi.max(cursor_ms);
        }
        if hi - lo < FIT_MIN_SPAN_MS {
            lo = ((lo + hi) / 2.0 - FIT_MIN_SPAN_MS / 2.0).max(0.0);
            hi = lo + FIT_MIN_SPAN_MS;
        }
        Some(Span { lo, hi })
    }
}

/// A family's list in the [`FitIndex`]: every one but PINGs.
fn fit_slot(g: KindGroup) -> Option<usize> {
    match g {
        KindGroup::Election => Some(0),
        KindGroup::Sync => Some(1),
        KindGroup::Broadcast => Some(2),
        KindGroup::Ping => None,
    }
}

/// Pointers on the drawing: one drags (scrolls), two pinch (zoom about their midpoint and
/// scroll with it), and a press that barely moved is a tap. Positions are in the drawing's
/// pixels; the component feeds it pointer events and dispatches what it returns.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Gesture {
    pointers: Vec<(i32, f64, f64)>,
    travelled: f64,
    tap: bool,
}

/// A press that moved less than this (px) is a tap, not a drag.
pub const TAP_SLOP_PX: f64 = 4.0;

impl Gesture {
    pub fn down(&mut self, id: i32, x: f64, y: f64) {
        self.pointers.retain(|p| p.0 != id);
        self.pointers.push((id, x, y));
        self.tap = self.pointers.len() == 1;
        if self.tap {
            self.travelled = 0.0;
        }
    }

    /// A pointer is down (the drawing is being dragged or pinched).
    pub fn active(&self) -> bool {
        !self.pointers.is_empty()
    }

    /// A pointer moved: what that does to the view, if anything.
    pub fn moved(&mut self, id: i32, x: f64, y: f64) -> Option<DiagramAction> {
        let k = self.pointers.iter().position(|p| p.0 == id)?;
        let before: Vec<(f64, f64)> = self.pointers.iter().take(2).map(|p| (p.1, p.2)).collect();
        if let Some(p) = self.pointers.get_mut(k) {
            *p = (id, x, y);
        }
        let after: Vec<(f64, f64)> = self.pointers.iter().take(2).map(|p| (p.1, p.2)).collect();
        match (before.as_slice(), after.as_slice()) {
            ([(x0, y0)], [(x1, y1)]) => {
                self.travelled += (x0 - x1).abs() + (y0 - y1).abs();
                if self.travelled <= TAP_SLOP_PX {
                    return None;
                }
                self.tap = false;
                (x0 != x1).then_some(DiagramAction::Pan { dx_px: x0 - x1 })
            }
            ([a0, b0], [a1, b1]) if k < 2 => {
                let (d0, d1) = (distance(*a0, *b0), distance(*a1, *b1));
                let (m0, m1) = ((a0.0 + b0.0) / 2.0, (a1.0 + b1.0) / 2.0);
                let factor = if d0 > 1.0 && d1 > 1.0 { d0 / d1 } else { 1.0 };
                (factor != 1.0 || m0 != m1).then_some(DiagramAction::Pinch {
                    factor,
                    from_px: m0,
                    to_px: m1,
                })
            }
            _ => None,
        }
    }

    /// A pointer went up: where, if the whole press was a tap.
    pub fn up(&mut self, id: i32) -> Option<(f64, f64)> {
        let k = self.pointers.iter().position(|p| p.0 == id)?;
        let (_, x, y) = self.pointers.remove(k);
        (self.pointers.is_empty() && std::mem::take(&mut self.tap)).then_some((x, y))
    }

    /// The browser took the pointers (a scroll, a system gesture): forget them, no tap.
    pub fn cancel(&mut self) {
        *self = Gesture::default();
    }
}

fn distance(a: (f64, f64), b: (f64, f64)) -> f64 {
    ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
}
