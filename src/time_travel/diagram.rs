//! The space-time diagram as plain data: a lane per server, an arrow per message from its send
//! to its delivery, the cursor at the display clock. Only the arrows crossing the visible time
//! window are built (two binary searches in the [`LogIndex`]), at most [`MAX_ARROWS`] of them,
//! so a run of a million events scrolls and zooms like a short one.
//!
//! ```text
//!   x = (t − t0) / ms_per_px        Fit:    t0, ms_per_px from the last interesting burst
//!   y = lane of the server          Follow: t0 = cursor − 85 % of the width
//!   arrows: (sent, from) → (delivered, to)   Fixed:  where the user zoomed or scrolled to
//! ```
//!
//! The diagram opens fitted ([`ViewMode::Fit`]): a settled run is mostly PINGs, which are
//! hidden, so a window around the cursor would be empty. The fit finds the most recent burst
//! of the messages that are shown and are not PINGs ([`FitIndex`]) and gives it the plot's
//! width. The first zoom or scroll pins the view where it is; "Fit" goes back.
//!
//! Arrows are drawn in time units (ms after `origin_ms`) inside one group whose transform
//! does `t ↦ x`; `origin_ms` moves only in big steps. Scrolling and zooming then change one
//! attribute, and only the arrows entering or leaving the window touch the DOM. Which arrows
//! are drawn when there are too many is decided by message id (every 2^k-th), so that set
//! does not change as the window moves either. The few labels ([`MAX_LABELS`]) are placed
//! where they do not cover each other, and ride in the same group.

mod svg;
mod view;

use view::group_slot;
pub use view::{
    DiagramAction, DiagramSettings, FitIndex, Gesture, Span, View, ViewMode, TAP_SLOP_PX,
};

use super::log_index::{Arrow, Fate, KindGroup, LogIndex};
use sim::trace::{LogEntry, LogEvent, MsgId};
use std::rc::Rc;
use zab::peer::ServerState;
use zab::Sid;

/// At most this many arrows are drawn; beyond it every 2^k-th is, and the diagram says so.
pub const MAX_ARROWS: usize = 1000;
pub const MIN_MS_PER_PX: f64 = 0.02;
pub const MAX_MS_PER_PX: f64 = 2_000.0;
pub const DEFAULT_MS_PER_PX: f64 = 0.5;
/// Where the cursor sits while following, as a fraction of the width.
pub const FOLLOW_AT: f64 = 0.85;
/// The first lane's y: below the time axis' labels.
pub const LANE_TOP: f64 = 34.0;
/// Lanes are far enough apart for a 12 px label between two of them, clear of both lanes'
/// state bands (8 px wide).
pub const LANE_GAP: f64 = 34.0;
pub const LANE_BOTTOM: f64 = 14.0;
/// The lane labels' column: "server 13" in 12 px bold.
pub const GUTTER: f64 = 72.0;
/// The size of every text the diagram draws, in CSS px. The SVG is drawn in its frame's own
/// pixels (no `viewBox` scaling), so this is also the rendered size.
pub const TEXT_PX: f64 = 12.0;
/// The baseline of the time axis' labels.
pub const TICK_Y: f64 = 13.0;
/// The width of a character of the axis' 12 px labels (digits, a space, "ms"), generously.
const TICK_CHAR_PX: f64 = 7.5;

/// Two interesting messages further apart than this (with only PINGs or silence between
/// them) belong to different bursts. Longer than anything inside one election and its
/// synchronisation (FastLeaderElection's 200 ms finalize wait, network latencies of tens of
/// ms); shorter than a leader's PING period, so a quiet ensemble separates its bursts.
pub const BURST_GAP_MS: u64 = 1_000;
/// The fitted view leaves this fraction of the width free on each side of the burst.
pub const FIT_MARGIN: f64 = 0.04;
/// A fit never shows less time than this, so a lone message is not stretched across the plot.
pub const FIT_MIN_SPAN_MS: f64 = 100.0;
/// The fit reaches on to the cursor only while that costs the burst at most this fraction
/// more time; further on (a long PING-only stretch) it shows the burst alone.
pub const FIT_FAR_PAST: f64 = 0.25;

/// At most this many arrows are labelled with their kind: labels are for reading a burst,
/// and past a few dozen they would cover the arrows they name.
pub const MAX_LABELS: usize = 48;
/// A label's box for placement: the widest 12 px bold capitals measured (DejaVu Sans, the
/// fallback where Inter is missing, 9.4 px a character), so labels placed apart never touch.
pub const LABEL_CHAR_PX: f64 = 9.5;
pub const LABEL_PAD_PX: f64 = 6.0;
pub const LABEL_HEIGHT_PX: f64 = 15.0;
/// The least space between two labels side by side, so they read as two words, not a phrase.
pub const LABEL_GAP_PX: f64 = 10.0;
/// At most this many labels of one kind: enough to say what a burst is made of, few enough
/// to leave its arrows visible.
pub const LABELS_PER_KIND: usize = 4;

/// A lane's stretch in one state.
#[derive(Clone, Debug, PartialEq)]
pub struct LaneSegment {
    pub x1: f64,
    pub x2: f64,
    /// `looking`, `following`, `leading`, `observing` or `down`.
    pub look: &'static str,
}

#[derive(Clone, Debug, PartialEq)]
pub struct LaneView {
    pub sid: Sid,
    pub y: f64,
    pub segments: Vec<LaneSegment>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ArrowView {
    pub msg: u64,
    /// Send and delivery times, ms after the model's `origin_ms`.
    pub t1: f64,
    pub t2: f64,
    pub y1: f64,
    pub y2: f64,
    pub kind: &'static str,
    pub group: KindGroup,
    pub fate: Fate,
    /// Sent after the cursor: the explored future, drawn faint.
    pub future: bool,
    pub selected: bool,
    pub hovered: bool,
}

/// The selected message's details.
#[derive(Clone, Debug, PartialEq)]
pub struct ArrowDetails {
    pub msg: u64,
    pub summary: String,
    pub from: Sid,
    pub to: Sid,
    pub sent_ms: u64,
    pub end_ms: u64,
    pub fate: Fate,
}

/// An arrow's kind written beside it, between two lanes.
#[derive(Clone, Debug, PartialEq)]
pub struct LabelView {
    pub msg: u64,
    /// The label's centre: a time after the model's `origin_ms` (so it rides in the arrows'
    /// group) and a y halfway between two lanes.
    pub t: f64,
    pub y: f64,
    pub text: &'static str,
    pub group: KindGroup,
    pub future: bool,
    pub selected: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DiagramModel {
    pub width: f64,
    pub height: f64,
    pub t0_ms: f64,
    pub ms_per_px: f64,
    /// Arrow times are relative to this.
    pub origin_ms: f64,
    pub cursor_ms: f64,
    pub mode: ViewMode,
    /// The window moves with the cursor.
    pub following: bool,
    /// The families drawn.
    pub show: [bool; 4],
    pub lanes: Vec<LaneView>,
    /// Shared, so the component that draws them can skip a frame in which they are unchanged
    /// (a fitted or fixed view while the run plays on).
    pub arrows: Rc<Vec<ArrowView>>,
    pub labels: Rc<Vec<LabelView>>,
    pub cursor_x: Option<f64>,
    pub ticks: Vec<(f64, String)>,
    /// Arrows in the window (after filters) and how many are drawn.
    pub in_window: usize,
    pub drawn: usize,
    /// Every message of the explored run.
    pub total: usize,
    pub details: Option<ArrowDetails>,
    pub hovered: Option<ArrowDetails>,
    /// The first broken safety check, when the run has reached it (issue 13).
    pub violation: Option<ViolationMark>,
}

/// Where a safety check broke: a red rule at its time (when in the window) and the servers it
/// names, whose lanes are marked.
#[derive(Clone, Debug, PartialEq)]
pub struct ViolationMark {
    /// The rule's x, when the time is in the window.
    pub x: Option<f64>,
    pub servers: Vec<Sid>,
    /// "✗ agreement", drawn beside the rule: right of it, or left of it when it would
    /// run past the frame's right edge.
    pub label: String,
    pub label_left: bool,
}

/// A round tick spacing near 110 px: 1, 2 or 5 × 10^k ms.
pub fn tick_step_ms(ms_per_px: f64) -> f64 {
    let target = 110.0 * ms_per_px;
    let mut base = 1.0;
    while base < 1e12 {
        for m in [1.0, 2.0, 5.0] {
            if base * m >= target {
                return base * m;
            }
        }
        base *= 10.0;
    }
    base
}

/// `1.5 s`, `250 ms`.
pub fn time_label(ms: f64) -> String {
    if ms >= 1000.0 {
        let s = ms / 1000.0;
        let text = format!("{s:.3}");
        let text = text.trim_end_matches('0').trim_end_matches('.');
        format!("{text} s")
    } else {
        format!("{ms:.0} ms")
    }
}

fn look_of(state: Option<ServerState>) -> &'static str {
    match state {
        None => "down",
        Some(ServerState::Looking) => "looking",
        Some(ServerState::Following) => "following",
        Some(ServerState::Leading) => "leading",
        Some(ServerState::Observing) => "observing",
    }
}

fn summary_of(log: &[LogEntry], send_index: u64) -> String {
    match log.get(send_index as usize).map(|e| &e.event) {
        Some(LogEvent::Send(s)) => s.message.summary(),
        _ => String::new(),
    }
}

fn fate_text(fate: Fate) -> &'static str {
    match fate {
        Fate::Delivered => "delivered",
        Fate::Dropped => "dropped",
        Fate::InFlight => "due",
    }
}

impl DiagramModel {
    /// Build the visible part. `log` is the session's full (explored) log, `sids` its servers.
    /// A fit reads the whole index here; the component keeps a [`FitIndex`] and calls
    /// [`build_in`](Self::build_in).
    pub fn build(
        index: &LogIndex,
        log: &[LogEntry],
        sids: &[Sid],
        settings: &DiagramSettings,
        selected: Option<MsgId>,
        cursor_ms: f64,
    ) -> DiagramModel {
        let fit = match settings.mode {
            ViewMode::Fit => FitIndex::of(&index.arrows),
            _ => FitIndex::default(),
        };
        let span = settings.fit_span(&fit, &index.arrows, cursor_ms);
        DiagramModel::build_in(index, log, sids, settings, span, selected, cursor_ms)
    }

    /// Build the visible part, `span` being what a fit found (`DiagramSettings::fit_span`).
    pub fn build_in(
        index: &LogIndex,
        log: &[LogEntry],
        sids: &[Sid],
        settings: &DiagramSettings,
        span: Option<Span>,
        selected: Option<MsgId>,
        cursor_ms: f64,
    ) -> DiagramModel {
        let selected = selected.map(|m| m.0);
        let at = settings.view(span, cursor_ms);
        let shows = |g: KindGroup| group_slot(g).and_then(|i| at.show.get(i)) == Some(&true);
        let plot = settings.plot_px();
        let mpp = at.ms_per_px;
        let t0 = at.t0_ms;
        let t1 = t0 + plot * mpp;
        let x_of = |t: f64| GUTTER + (t - t0) / mpp;
        let lane_y = |i: usize| LANE_TOP + i as f64 * LANE_GAP;
        let y_of = |sid: Sid| sids.iter().position(|s| *s == sid).map(lane_y);

        let lanes = sids
            .iter()
            .enumerate()
            .map(|(i, sid)| LaneView {
                sid: *sid,
                y: lane_y(i),
                segments: lane_segments(index, *sid, t0, t1, &x_of),
            })
            .collect();

        let (lo_ms, hi_ms) = (t0.floor().max(0.0) as u64, t1.ceil().max(0.0) as u64);
        // The picked message is drawn even when its family is hidden or thinned out: every
        // view shows the pick.
        let candidates: Vec<usize> = index
            .window(lo_ms, hi_ms)
            .filter(|i| {
                index.arrows.get(*i).is_some_and(|a| {
                    a.end_ms >= lo_ms && (shows(a.group) || Some(a.msg) == selected)
                })
            })
            .collect();
        let in_window = candidates.len();
        let stride = in_window.div_ceil(MAX_ARROWS).max(1).next_power_of_two() as u64;
        let span_ms = (4.0 * plot * mpp).max(1.0).log2().ceil().exp2();
        let origin = (t0 / span_ms).floor() * span_ms;
        let marked = |msg: u64| Some(msg) == selected || Some(msg) == settings.hovered;
        let arrows: Vec<ArrowView> = candidates
            .iter()
            .filter_map(|i| index.arrows.get(*i))
            .filter(|a| a.msg % stride == 0 || marked(a.msg))
            .filter_map(|a| {
                let (y1, y2) = (y_of(a.from)?, y_of(a.to)?);
                Some(ArrowView {
                    msg: a.msg,
                    t1: a.sent_ms as f64 - origin,
                    t2: a.end_ms as f64 - origin,
                    y1,
                    y2,
                    kind: a.kind,
                    group: a.group,
                    fate: a.fate,
                    future: a.sent_ms as f64 > cursor_ms,
                    selected: Some(a.msg) == selected,
                    hovered: Some(a.msg) == settings.hovered,
                })
            })
            .collect();
        let drawn = arrows.len();
        let labels = place_labels(
            &arrows,
            |t| x_of(origin + t),
            (GUTTER, GUTTER + plot),
            |x| (x - GUTTER) * mpp + t0 - origin,
        );

        let step = tick_step_ms(mpp);
        let mut ticks = Vec::new();
        let mut t = (t0 / step).ceil() * step;
        while t <= t1 && ticks.len() < 64 {
            // Only labels wholly in the plot: the lane labels' column would cover one at the
            // left edge, the frame cut one at the right.
            let (x, label) = (x_of(t), time_label(t));
            let half = label.chars().count() as f64 * TICK_CHAR_PX / 2.0;
            if x - half >= GUTTER && x + half <= GUTTER + plot {
                ticks.push((x, label));
            }
            t += step;
        }
        let cursor_x = (cursor_ms >= t0 && cursor_ms <= t1).then(|| x_of(cursor_ms));
        let details_of = |msg: u64| {
            let i = index.arrows.binary_search_by_key(&msg, |a| a.msg).ok()?;
            let a = index.arrows.get(i)?;
            Some(ArrowDetails {
                msg,
                summary: summary_of(log, a.send_index),
                from: a.from,
                to: a.to,
                sent_ms: a.sent_ms,
                end_ms: a.end_ms,
                fate: a.fate,
            })
        };
        DiagramModel {
            width: GUTTER + plot,
            height: lane_y(sids.len().saturating_sub(1)) + LANE_BOTTOM + 14.0,
            t0_ms: t0,
            ms_per_px: mpp,
            origin_ms: origin,
            cursor_ms,
            mode: settings.mode,
            following: at.following,
            show: at.show,
            lanes,
            arrows: Rc::new(arrows),
            labels: Rc::new(labels),
            cursor_x,
            ticks,
            in_window,
            drawn,
            total: index.arrows.len(),
            details: selected.and_then(details_of),
            hovered: settings.hovered.and_then(details_of),
            violation: None,
        }
    }

    /// The window as drawn, for the view actions (`DiagramSettings::apply_in`).
    pub fn view(&self) -> View {
        View {
            cursor_ms: self.cursor_ms,
            t0_ms: self.t0_ms,
            ms_per_px: self.ms_per_px,
            following: self.following,
            show: self.show,
        }
    }

    /// Mark a broken check at `time_ms` naming `servers` (the rule only if it is in view).
    pub fn mark_violation(&mut self, time_ms: f64, servers: Vec<Sid>, title: &str) {
        let t1 = self.t0_ms + (self.width - GUTTER) * self.ms_per_px;
        let x = (time_ms >= self.t0_ms && time_ms <= t1)
            .then(|| GUTTER + (time_ms - self.t0_ms) / self.ms_per_px);
        let label = format!("✗ {title}");
        let label_left = x.is_some_and(|x| x + 4.0 + label_width(&label) > self.width);
        self.violation = Some(ViolationMark {
            x,
            servers,
            label,
            label_left,
        });
    }

    /// The x of a time given relative to `origin_ms`.
    pub fn x_of(&self, t_rel: f64) -> f64 {
        GUTTER + (self.origin_ms + t_rel - self.t0_ms) / self.ms_per_px
    }

    /// The arrows group's transform: time units (ms after the origin) to pixels.
    pub fn transform(&self) -> String {
        format!(
            "translate({:.3} 0) scale({:.6} 1)",
            self.x_of(0.0),
            1.0 / self.ms_per_px
        )
    }

    /// The drawn arrow nearest to the point (x, y) in pixels, if within `max_px`.
    pub fn nearest(&self, x: f64, y: f64, max_px: f64) -> Option<u64> {
        self.arrows
            .iter()
            .map(|a| {
                let d = segment_distance((x, y), (self.x_of(a.t1), a.y1), (self.x_of(a.t2), a.y2));
                (d, a.msg)
            })
            .filter(|(d, _)| *d <= max_px)
            .min_by(|p, q| p.0.total_cmp(&q.0))
            .map(|(_, m)| m)
    }

    /// A label's transform inside the arrows' group: to its place, and back to pixels so
    /// its text is not stretched. It changes with the zoom only, not with scrolling.
    pub fn label_transform(&self, l: &LabelView) -> String {
        format!(
            "translate({:.2} {:.1}) scale({:.6} 1)",
            l.t, l.y, self.ms_per_px
        )
    }
}

/// A label's transform inside the arrows' group: to its place, and back to pixels so its text
/// is not stretched. It changes with the zoom only, not with scrolling.
pub fn label_transform(l: &LabelView, ms_per_px: f64) -> String {
    format!("translate({:.2} {:.1}) scale({:.6} 1)", l.t, l.y, ms_per_px)
}

/// From a label's centre to its baseline (12 px text).
pub const LABEL_BASELINE: f64 = 4.0;

/// Arrows drawn beyond this count are a texture, not something to read: no labels then.
pub const LABEL_MAX_ARROWS: usize = 300;

/// How telling a label is, lower first: the picked message, then discovery and sync (few,
/// and each one a step of the protocol), broadcast, election, connection headers, PINGs;
/// the explored future after the past.
fn label_rank(a: &ArrowView) -> u8 {
    if a.selected {
        return 0;
    }
    let family = match a.group {
        KindGroup::Sync => 1,
        KindGroup::Broadcast => 2,
        KindGroup::Election if a.kind != "CONNECT" => 3,
        KindGroup::Election => 4,
        KindGroup::Ping => 5,
    };
    family + if a.future { 5 } else { 0 }
}

/// A label's box width for its text.
pub fn label_width(text: &str) -> f64 {
    text.chars().count() as f64 * LABEL_CHAR_PX + LABEL_PAD_PX
}

/// The y's halfway between two lanes that an arrow from `y1` to `y2` crosses, the middle
/// one first.
fn label_slots(y1: f64, y2: f64) -> Vec<f64> {
    let (top, bottom) = (y1.min(y2), y1.max(y2));
    let mid = (top + bottom) / 2.0;
    let n = ((bottom - top) / LANE_GAP).round().max(0.0) as usize;
    let mut ys: Vec<f64> = (0..n).map(|k| top + (k as f64 + 0.5) * LANE_GAP).collect();
    ys.sort_by(|a, b| (a - mid).abs().total_cmp(&(b - mid).abs()));
    ys
}

/// Label the drawn arrows with their kind, most telling first (then by message id, so the
/// choice changes little as the window scrolls), each where the arrow crosses the space
/// between two lanes, inside `x_range`, and never over another label. `x_of` maps an arrow
/// time to pixels, `t_of` a pixel back to an arrow time.
fn place_labels(
    arrows: &[ArrowView],
    x_of: impl Fn(f64) -> f64,
    (x_min, x_max): (f64, f64),
    t_of: impl Fn(f64) -> f64,
) -> Vec<LabelView> {
    // Dense, only the picked message is labelled.
    let dense = arrows.len() > LABEL_MAX_ARROWS;
    // Within a rank, the kinds take turns (the first of each kind, then the second…), so a
    // burst shows what it is made of rather than its first dozen messages.
    let mut nth: Vec<(&str, usize)> = Vec::new();
    let mut order: Vec<(u8, usize, u64, &ArrowView)> = arrows
        .iter()
        .filter(|a| a.y1 != a.y2 && (a.selected || !dense))
        .map(|a| {
            let k = match nth.iter_mut().find(|(kind, _)| *kind == a.kind) {
                Some((_, n)) => {
                    *n += 1;
                    *n
                }
                None => {
                    nth.push((a.kind, 0));
                    0
                }
            };
            (label_rank(a), k, a.msg, a)
        })
        .collect();
    order.sort_by_key(|(rank, k, msg, _)| (*rank, *k, *msg));
    // Placed labels: centre x, y, half width.
    let mut placed: Vec<(f64, f64, f64)> = Vec::new();
    let mut out = Vec::new();
    for (_, _, _, a) in order {
        if out.len() >= MAX_LABELS {
            break;
        }
        let of_kind = out.iter().filter(|l: &&LabelView| l.text == a.kind).count();
        if of_kind >= LABELS_PER_KIND && !a.selected {
            continue;
        }
        let half = label_width(a.kind) / 2.0;
        let (x1, x2) = (x_of(a.t1), x_of(a.t2));
        let spot = label_slots(a.y1, a.y2).into_iter().find_map(|y| {
            let x = x1 + (y - a.y1) / (a.y2 - a.y1) * (x2 - x1);
            let inside = x - half >= x_min + 2.0 && x + half <= x_max - 2.0;
            let clear = placed.iter().all(|(px, py, ph)| {
                (py - y).abs() >= LABEL_HEIGHT_PX || (px - x).abs() >= ph + half + LABEL_GAP_PX
            });
            (inside && clear).then_some((x, y))
        });
        if let Some((x, y)) = spot {
            placed.push((x, y, half));
            out.push(LabelView {
                msg: a.msg,
                t: t_of(x),
                y,
                text: a.kind,
                group: a.group,
                future: a.future,
                selected: a.selected,
            });
        }
    }
    out
}

fn lane_segments(
    index: &LogIndex,
    sid: Sid,
    t0: f64,
    t1: f64,
    x_of: &impl Fn(f64) -> f64,
) -> Vec<LaneSegment> {
    let Some(marks) = index.servers.get(&sid) else {
        return Vec::new();
    };
    let lo = t0.max(0.0) as u64;
    let first = marks.partition_point(|m| m.time_ms <= lo).saturating_sub(1);
    let end_ms = (index.last_time_ms() as f64).max(t0);
    let mut out = Vec::new();
    for (i, m) in marks.iter().enumerate().skip(first) {
        let start = (m.time_ms as f64).max(t0);
        if start > t1 {
            break;
        }
        let stop = marks
            .get(i + 1)
            .map_or(end_ms, |n| n.time_ms as f64)
            .min(t1);
        if stop > start || (i + 1 == marks.len() && stop >= start) {
            out.push(LaneSegment {
                x1: x_of(start),
                x2: x_of(stop.max(start)),
                look: look_of(m.state),
            });
        }
    }
    out
}

/// The distance from point `p` to the segment `a`–`b`.
pub fn segment_distance(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (cx, cy) = (a.0 + t * dx, a.1 + t * dy);
    ((p.0 - cx).powi(2) + (p.1 - cy).powi(2)).sqrt()
}

#[cfg(test)]
mod tests;
