//! The epoch wait on the leader, drawn in the ring's middle: Leader.lead()'s three waits as
//! steps (left), the current monitor's set as chips per voter (the leader's own chip first,
//! marked "self": the quorum must include it) with the quorum line, a ring counting down to
//! the initLimit × tickTime deadline (right), and the `notifyAll` that woke the waiters.
//!
//! ```text
//!   Leader 5 · Leader.lead()                                    epoch 1
//!   ✓ getEpochToPropose    electingFollowers ← ACKEPOCH          ╭───╮
//!   ● waitForEpochAck      [5][2] 1 ┊ 3  4                       │20s│
//!   ○ waitForNewLeaderAck  have 2 of 3 · must include 5          ╰───╯
//!   connectingFollowers.notifyAll() woke Leader.lead, LearnerHandler-2
//! ```

use crate::view_model::epoch_gauge::{EpochGauge, Outcome, StageState};
use crate::view_model::labels::{truncate, wrap_words};
use crate::view_model::ring_layout::{ring_arc, Rect, GAUGE_H, GAUGE_W};
use yew::prelude::*;
use zab::reason::ShutdownReason;

const PAD: f64 = 14.0;
/// Where the right column (the monitor, its set, the count) starts.
const COL_X: f64 = 180.0;
const CHIP_H: f64 = 24.0;
const CHIP_MAX_W: f64 = 30.0;
const CHIP_GAP: f64 = 6.0;
const CHIPS_Y: f64 = 60.0;
const RING_R: f64 = 24.0;
const RING_X: f64 = GAUGE_W - PAD - RING_R - 2.0;
const RING_Y: f64 = 76.0;
/// The chips stop this far left of the ring.
const CHIPS_RIGHT: f64 = RING_X - RING_R - 14.0;

#[derive(Properties, PartialEq)]
pub struct EpochGaugeViewProps {
    pub gauge: EpochGauge,
    /// The free box in the ring's middle; the gauge is scaled to fit it.
    pub place: Rect,
}

#[component]
pub fn EpochGaugeView(props: &EpochGaugeViewProps) -> Html {
    let g = &props.gauge;
    let r = props.place;
    let s = (r.w / GAUGE_W).min(r.h / GAUGE_H).min(1.2);
    let (x, y) = (
        r.x + (r.w - GAUGE_W * s) / 2.0,
        r.y + (r.h - GAUGE_H * s) / 2.0,
    );
    let outcome_class = match g.outcome {
        Outcome::Running => "epoch-gauge--running",
        Outcome::Established => "epoch-gauge--established",
        Outcome::Failed { .. } => "epoch-gauge--failed",
    };

    let steps = g.stages.iter().enumerate().map(|(i, (stage, st))| {
        let (icon, modifier) = match st {
            StageState::Done { .. } => ("✓", "done"),
            StageState::Waiting => ("●", "waiting"),
            StageState::Pending => ("○", "pending"),
            StageState::Failed => ("✕", "failed"),
        };
        let sy = 46.0 + i as f64 * 22.0;
        let tip = match st {
            StageState::Done { at_ms, woke } => format!(
                "{}: quorum formed at t={at_ms} ms; {}.notifyAll() woke {}",
                stage.method(),
                stage.monitor_name(),
                woke.join(", ")
            ),
            StageState::Waiting => format!("{}: waiting on {}", stage.method(), stage.monitor_name()),
            StageState::Pending => format!("{}: not reached yet", stage.method()),
            StageState::Failed => format!("{}: gave up here", stage.method()),
        };
        html! {
            <g class={classes!("epoch-gauge__step", format!("epoch-gauge__step--{modifier}"))}>
                <title>{ tip }</title>
                <text class="epoch-gauge__step-icon" x={(PAD + 5.0).to_string()} y={sy.to_string()} text-anchor="middle">{ icon }</text>
                <text class="epoch-gauge__step-text" x={(PAD + 16.0).to_string()} y={sy.to_string()}>{ stage.method() }</text>
            </g>
        }
    });

    let body = if let Some(a) = &g.active {
        let n = a.chips.len().max(1) as f64;
        let chip_w = ((CHIPS_RIGHT - COL_X - CHIP_GAP * (n - 1.0)) / n).min(CHIP_MAX_W);
        let chips = a.chips.iter().enumerate().map(|(i, c)| {
            let cx = COL_X + i as f64 * (chip_w + CHIP_GAP);
            let class = classes!(
                "epoch-gauge__chip",
                c.have.then_some("epoch-gauge__chip--have"),
                c.is_self.then_some("epoch-gauge__chip--self"),
                (!c.up).then_some("epoch-gauge__chip--down"),
            );
            let tip = match (c.is_self, c.have, c.up) {
                (true, _, _) => format!(
                    "server {} is the leader: its own vote counts and must be in the quorum",
                    c.sid
                ),
                (false, true, _) => format!("server {} is in {}", c.sid, a.stage.monitor_name()),
                (false, false, true) => {
                    format!("waiting for server {}'s {}", c.sid, a.stage.filled_by())
                }
                (false, false, false) => format!("server {} is down", c.sid),
            };
            html! {
                <g {class} data-sid={c.sid.to_string()}>
                    <title>{ tip }</title>
                    <rect x={cx.to_string()} y={CHIPS_Y.to_string()} width={chip_w.to_string()} height={CHIP_H.to_string()} rx="6" />
                    <text x={(cx + chip_w / 2.0).to_string()} y={(CHIPS_Y + 16.5).to_string()} text-anchor="middle">{ c.sid.to_string() }</text>
                    if c.is_self {
                        <text class="epoch-gauge__self" x={(cx + chip_w / 2.0).to_string()} y={(CHIPS_Y + CHIP_H + 10.0).to_string()} text-anchor="middle">{ "self" }</text>
                    }
                </g>
            }
        });
        let q = f64::from(a.need.min(a.chips.len() as u32));
        let qx = COL_X + q * (chip_w + CHIP_GAP) - CHIP_GAP / 2.0;
        html! {
            <>
                <text class="epoch-gauge__monitor" x={COL_X.to_string()} y="41">
                    <tspan class="epoch-gauge__monitor-name">{ a.stage.monitor_name() }</tspan>
                </text>
                <text class="epoch-gauge__monitor-by" x={COL_X.to_string()} y="53">{ format!("← {}", a.stage.filled_by()) }</text>
                { for chips }
                <line class="epoch-gauge__quorum" x1={qx.to_string()} x2={qx.to_string()} y1={(CHIPS_Y - 1.0).to_string()} y2={(CHIPS_Y + CHIP_H + 4.0).to_string()} />
                <text class="epoch-gauge__quorum-label" x={(qx + 3.0).to_string()} y={(CHIPS_Y + CHIP_H + 10.0).to_string()}>{ format!("quorum {}", a.need) }</text>
                <text class="epoch-gauge__count" x={COL_X.to_string()} y="111">
                    { format!("have {} of {}", a.have, a.need) }
                    <tspan class="epoch-gauge__needs-self" dx="5">{ format!("· must include {}", g.leader) }</tspan>
                </text>
                <g class="epoch-gauge__deadline">
                    <title>{ format!("{}() gives up at t={} ms (initLimit × tickTime after it began); blocked now: {}",
                        a.stage.method(), a.deadline_ms, a.waiters.join(", ")) }</title>
                    <circle class="countdown__track" cx={RING_X.to_string()} cy={RING_Y.to_string()} r={RING_R.to_string()} />
                    <path class="countdown__arc" d={ring_arc(RING_X, RING_Y, RING_R, a.left)} />
                    <text class="epoch-gauge__ring-text" x={RING_X.to_string()} y={(RING_Y + 1.0).to_string()} text-anchor="middle">{ a.countdown.replace(' ', "") }</text>
                    <text class="epoch-gauge__ring-label" x={RING_X.to_string()} y={(RING_Y + 11.0).to_string()} text-anchor="middle">{ "deadline" }</text>
                </g>
            </>
        }
    } else {
        let (headline, detail) = match &g.outcome {
            Outcome::Established => (
                "BROADCAST: a quorum is synced".to_string(),
                match g.epoch {
                    Some(e) => format!("epoch {e} established; UPTODATE sent"),
                    None => "UPTODATE sent".to_string(),
                },
            ),
            Outcome::Failed { reason, at_ms } => (
                format!("back to LOOKING at t={at_ms} ms"),
                reason
                    .as_ref()
                    .map_or_else(|| "lead() ended".to_string(), describe::reason),
            ),
            Outcome::Running => (String::new(), String::new()),
        };
        html! {
            <>
                <text class="epoch-gauge__outcome" x={COL_X.to_string()} y="62">{ truncate(&headline, 30) }</text>
                { for wrap_words(&detail, 34, 2).into_iter().enumerate().map(|(i, line)| html! {
                    <text class="epoch-gauge__outcome-detail" x={COL_X.to_string()} y={(82.0 + 15.0 * i as f64).to_string()}>{ line }</text>
                }) }
            </>
        }
    };

    let notify = g.last_notify.as_ref().map(|n| {
        let text = truncate(
            &format!("{}.notifyAll() woke {}", n.monitor, n.woke.join(", ")),
            58,
        );
        html! {
            <g class={classes!("epoch-gauge__notify", n.fresh.then_some("epoch-gauge__notify--fresh"))}>
                <title>{ format!("t={} ms: {}.notifyAll() woke {}", n.at_ms, n.monitor, n.woke.join(", ")) }</title>
                if n.fresh {
                    <rect key={n.index} class="epoch-gauge__notify-flash" x="6" y={(GAUGE_H - 21.0).to_string()} width={(GAUGE_W - 12.0).to_string()} height="17" rx="5" />
                }
                <text class="epoch-gauge__notify-text" x={PAD.to_string()} y={(GAUGE_H - 8.5).to_string()}>{ text }</text>
            </g>
        }
    });

    let title_right = match (&g.outcome, g.epoch) {
        (
            Outcome::Failed {
                reason:
                    Some(
                        ShutdownReason::EpochTimeout
                        | ShutdownReason::EpochAckTimeout
                        | ShutdownReason::QuorumNotSynced { .. },
                    ),
                ..
            },
            _,
        ) => "timed out".to_string(),
        (Outcome::Failed { .. }, _) => "lead() ended".to_string(),
        (_, Some(e)) => format!("epoch {e}"),
        (_, None) => "proposing an epoch".to_string(),
    };
    html! {
        <g class={classes!("epoch-gauge", outcome_class)} transform={format!("translate({x:.1} {y:.1}) scale({s:.3})")}
            role="group" aria-label="The leader's epoch wait">
            <rect class="epoch-gauge__box" width={GAUGE_W.to_string()} height={GAUGE_H.to_string()} rx="12" />
            <text class="epoch-gauge__title" x={PAD.to_string()} y="21">
                { format!("Leader {} · Leader.lead()", g.leader) }
            </text>
            <text class="epoch-gauge__epoch" x={(GAUGE_W - PAD).to_string()} y="21" text-anchor="end">{ title_right }</text>
            <line class="epoch-gauge__rule" x1={PAD.to_string()} x2={(GAUGE_W - PAD).to_string()} y1="29" y2="29" />
            { for steps }
            { body }
            { notify.unwrap_or_default() }
        </g>
    }
}
