//! The space-time diagram as plain data: a lane per server, an arrow per message from its send
//! to its delivery, the cursor at the display clock. Only the arrows crossing the visible time
//! window are built (two binary searches in the [`LogIndex`]), at most [`MAX_ARROWS`] of them,
//! so a run of a million events scrolls and zooms like a short one.
//!
//! ```text
//!   x = (t − t0) / ms_per_px          t0 = cursor − 85 % of the width while following
//!   y = lane of the server            arrows: (sent, from) → (delivered, to)
//! ```
//!
//! Arrows are drawn in time units (ms after `origin_ms`) inside one group whose transform
//! does `t ↦ x`; `origin_ms` moves only in big steps. Scrolling and zooming then change one
//! attribute, and only the arrows entering or leaving the window touch the DOM. Which arrows
//! are drawn when there are too many is decided by message id (every 2^k-th), so that set
//! does not change as the window moves either.

use super::log_index::{Fate, KindGroup, LogIndex};
use sim::trace::{LogEntry, LogEvent, MsgId};
use zab::peer::ServerState;
use zab::Sid;

/// At most this many arrows are drawn; beyond it every 2^k-th is, and the diagram says so.
pub const MAX_ARROWS: usize = 1000;
pub const MIN_MS_PER_PX: f64 = 0.02;
pub const MAX_MS_PER_PX: f64 = 2_000.0;
pub const DEFAULT_MS_PER_PX: f64 = 0.5;
/// Where the cursor sits while following, as a fraction of the width.
pub const FOLLOW_AT: f64 = 0.85;
pub const LANE_TOP: f64 = 26.0;
pub const LANE_GAP: f64 = 30.0;
pub const LANE_BOTTOM: f64 = 14.0;
/// The lane labels' column.
pub const GUTTER: f64 = 62.0;

/// How the diagram is looked at: zoom, scroll, filters, the arrow under the pointer. View
/// state only: it lives in the diagram's component, not in the app's reducer (which holds the
/// picked message every view shares).
#[derive(Clone, Debug, PartialEq)]
pub struct DiagramSettings {
    pub ms_per_px: f64,
    /// The time at the window's left edge while not following.
    pub t0_ms: f64,
    /// Keep the cursor in view as it moves.
    pub follow: bool,
    /// Shown families, in [`KindGroup::ALL`] order.
    pub show: [bool; 4],
    /// The drawing's width in CSS pixels, as last measured.
    pub width_px: f64,
    /// The arrow under the pointer.
    pub hovered: Option<u64>,
}

/// What the diagram's own controls do to its view.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DiagramAction {
    /// Zoom (factor > 1 zooms out) around a point of the drawing.
    Zoom {
        factor: f64,
        anchor_px: Option<f64>,
    },
    Pan {
        dx_px: f64,
    },
    Follow,
    Toggle(KindGroup),
    SetWidth(f64),
    Hover(Option<u64>),
}

impl Default for DiagramSettings {
    fn default() -> Self {
        DiagramSettings {
            ms_per_px: DEFAULT_MS_PER_PX,
            t0_ms: 0.0,
            follow: true,
            // PINGs are hidden by default: a leader sends one per learner every tick.
            show: [true, true, true, false],
            width_px: 960.0,
            hovered: None,
        }
    }
}

impl DiagramSettings {
    /// Apply one of the diagram's own actions; `cursor_ms` is where the run stands.
    pub fn apply(&mut self, action: DiagramAction, cursor_ms: f64) {
        match action {
            DiagramAction::Zoom { factor, anchor_px } => self.zoom(factor, anchor_px, cursor_ms),
            DiagramAction::Pan { dx_px } => self.pan(dx_px, cursor_ms),
            DiagramAction::Follow => self.follow = true,
            DiagramAction::Toggle(g) => {
                if let Some(i) = KindGroup::ALL.iter().position(|x| *x == g) {
                    self.show[i] = !self.show[i];
                }
            }
            DiagramAction::SetWidth(px) => {
                if px.is_finite() {
                    self.width_px = px.clamp(240.0, 8_000.0);
                }
            }
            DiagramAction::Hover(m) => self.hovered = m,
        }
    }

    /// The plotting width (right of the lane labels).
    pub fn plot_px(&self) -> f64 {
        (self.width_px - GUTTER).max(100.0)
    }

    /// The time at the left edge, given the cursor.
    pub fn t0(&self, cursor_ms: f64) -> f64 {
        if self.follow {
            (cursor_ms - FOLLOW_AT * self.plot_px() * self.ms_per_px).max(0.0)
        } else {
            self.t0_ms.max(0.0)
        }
    }

    pub fn shows(&self, g: KindGroup) -> bool {
        KindGroup::ALL
            .iter()
            .position(|x| *x == g)
            .and_then(|i| self.show.get(i))
            .copied()
            .unwrap_or(true)
    }

    /// Zoom by `factor` (> 1 zooms out) keeping the time under `anchor_px` in place.
    pub fn zoom(&mut self, factor: f64, anchor_px: Option<f64>, cursor_ms: f64) {
        if !(factor.is_finite() && factor > 0.0) {
            return;
        }
        let t0 = self.t0(cursor_ms);
        let next = (self.ms_per_px * factor).clamp(MIN_MS_PER_PX, MAX_MS_PER_PX);
        if let (false, Some(x)) = (self.follow, anchor_px) {
            let x = (x - GUTTER).max(0.0);
            let anchor = t0 + x * self.ms_per_px;
            self.t0_ms = (anchor - x * next).max(0.0);
        }
        self.ms_per_px = next;
    }

    /// Scroll by `dx_px` (positive: later). Scrolling stops following.
    pub fn pan(&mut self, dx_px: f64, cursor_ms: f64) {
        if !dx_px.is_finite() {
            return;
        }
        self.t0_ms = (self.t0(cursor_ms) + dx_px * self.ms_per_px).max(0.0);
        self.follow = false;
    }
}

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

#[derive(Clone, Debug, PartialEq)]
pub struct DiagramModel {
    pub width: f64,
    pub height: f64,
    pub t0_ms: f64,
    pub ms_per_px: f64,
    /// Arrow times are relative to this.
    pub origin_ms: f64,
    pub follow: bool,
    pub show: [bool; 4],
    pub lanes: Vec<LaneView>,
    pub arrows: Vec<ArrowView>,
    pub cursor_x: Option<f64>,
    pub ticks: Vec<(f64, String)>,
    /// Arrows in the window (after filters) and how many are drawn.
    pub in_window: usize,
    pub drawn: usize,
    /// Every message of the explored run.
    pub total: usize,
    pub details: Option<ArrowDetails>,
    pub hovered: Option<ArrowDetails>,
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
    pub fn build(
        index: &LogIndex,
        log: &[LogEntry],
        sids: &[Sid],
        settings: &DiagramSettings,
        selected: Option<MsgId>,
        cursor_ms: f64,
    ) -> DiagramModel {
        let selected = selected.map(|m| m.0);
        let plot = settings.plot_px();
        let mpp = settings.ms_per_px;
        let t0 = settings.t0(cursor_ms);
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
        let candidates: Vec<usize> = index
            .window(lo_ms, hi_ms)
            .filter(|i| {
                index
                    .arrows
                    .get(*i)
                    .is_some_and(|a| a.end_ms >= lo_ms && settings.shows(a.group))
            })
            .collect();
        let in_window = candidates.len();
        let stride = in_window.div_ceil(MAX_ARROWS).max(1).next_power_of_two() as u64;
        let span = (4.0 * plot * mpp).max(1.0).log2().ceil().exp2();
        let origin = (t0 / span).floor() * span;
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

        let step = tick_step_ms(mpp);
        let mut ticks = Vec::new();
        let mut t = (t0 / step).ceil() * step;
        while t <= t1 && ticks.len() < 64 {
            ticks.push((x_of(t), time_label(t)));
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
            follow: settings.follow,
            show: settings.show,
            lanes,
            arrows,
            cursor_x,
            ticks,
            in_window,
            drawn,
            total: index.arrows.len(),
            details: selected.and_then(details_of),
            hovered: settings.hovered.and_then(details_of),
        }
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

    /// A standalone SVG document of what is drawn (styles inline), for download.
    pub fn to_svg(&self, title: &str) -> String {
        let mut out = String::new();
        out.push_str(&format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w:.0}\" height=\"{h:.0}\" \
             viewBox=\"0 0 {w:.0} {h:.0}\" font-family=\"sans-serif\" font-size=\"11\">\n",
            w = self.width,
            h = self.height
        ));
        out.push_str(&format!("<title>{}</title>\n", escape(title)));
        out.push_str(&format!(
            "<rect width=\"{:.0}\" height=\"{:.0}\" fill=\"#ffffff\"/>\n",
            self.width, self.height
        ));
        for (x, label) in &self.ticks {
            out.push_str(&format!(
                "<line x1=\"{x:.1}\" y1=\"14\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#e2e8f0\"/>\
                 <text x=\"{x:.1}\" y=\"10\" text-anchor=\"middle\" fill=\"#64748b\">{}</text>\n",
                self.height,
                escape(label)
            ));
        }
        for lane in &self.lanes {
            out.push_str(&format!(
                "<text x=\"6\" y=\"{:.1}\" fill=\"#0f172a\">server {}</text>\n",
                lane.y + 4.0,
                lane.sid
            ));
            for s in &lane.segments {
                out.push_str(&format!(
                    "<line x1=\"{:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"{}\" \
                     stroke-width=\"8\" stroke-opacity=\"0.2\"/>\n",
                    s.x1,
                    s.x2,
                    svg_look_colour(s.look),
                    y = lane.y
                ));
            }
        }
        for a in &self.arrows {
            let title = format!(
                "{} #{} · sent {} · {} {}",
                a.kind,
                a.msg,
                time_label(self.origin_ms + a.t1),
                fate_text(a.fate),
                time_label(self.origin_ms + a.t2)
            );
            out.push_str(&format!(
                "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"{}\" \
                 stroke-width=\"1.2\"{}><title>{}</title></line>\n",
                self.x_of(a.t1),
                a.y1,
                self.x_of(a.t2),
                a.y2,
                svg_group_colour(a.group),
                if a.future {
                    " stroke-opacity=\"0.35\""
                } else {
                    ""
                },
                escape(&title)
            ));
            out.push_str(&format!(
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"2\" fill=\"{}\"/>\n",
                self.x_of(a.t2),
                a.y2,
                svg_group_colour(a.group)
            ));
        }
        if let Some(x) = self.cursor_x {
            out.push_str(&format!(
                "<line x1=\"{x:.1}\" y1=\"14\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#db2777\" \
                 stroke-width=\"1.5\"/>\n",
                self.height
            ));
        }
        out.push_str("</svg>\n");
        out
    }
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

fn svg_look_colour(look: &str) -> &'static str {
    match look {
        "looking" => "#d97706",
        "following" => "#2563eb",
        "leading" => "#059669",
        "observing" => "#7c3aed",
        _ => "#cbd5e1",
    }
}

fn svg_group_colour(g: KindGroup) -> &'static str {
    match g {
        KindGroup::Election => "#d97706",
        KindGroup::Sync => "#7c3aed",
        KindGroup::Broadcast => "#0f766e",
        KindGroup::Ping => "#94a3b8",
    }
}

/// XML text escaping.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests;
