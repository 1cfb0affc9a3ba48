//! The leader's epoch wait as a panel beside the drawing (never under a message): Leader.lead()'s
//! three blocking waits as steps, the current monitor's set as one chip per voter (the
//! leader's own chip first, marked: the quorum must include it), what fills it, the time left
//! to the initLimit × tickTime deadline, the threads blocked now, and the `notifyAll` that
//! ended the last wait.
//!
//! ```text
//!   Leader 5 · Leader.lead()                                   epoch 1
//!   ✓ getEpochToPropose   ● waitForEpochAck   ○ waitForNewLeaderAck
//!   electingFollowers ← ACKEPOCH
//!   [5 self] [2] [1] [3] [4]   2 of 3 (must include 5)      19.2 s left ▓▓▓▓░
//!   blocked: Leader.lead, LearnerHandler-2
//!   connectingFollowers.notifyAll() woke Leader.lead, LearnerHandler-2  (t=823 ms)
//! ```

use crate::view_model::epoch_gauge::{EpochGauge, Outcome, StageState};
use yew::prelude::*;
use zab::reason::ShutdownReason;

#[derive(Properties, PartialEq)]
pub struct EpochGaugeViewProps {
    pub gauge: EpochGauge,
}

#[component]
pub fn EpochGaugeView(props: &EpochGaugeViewProps) -> Html {
    let g = &props.gauge;
    let outcome = match g.outcome {
        Outcome::Running => "running",
        Outcome::Established => "established",
        Outcome::Failed { .. } => "failed",
    };
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

    let steps = g.stages.iter().map(|(stage, st)| {
        let (icon, modifier, tip) = match st {
            StageState::Done { at_ms, woke } => (
                "✓",
                "done",
                format!(
                    "quorum formed at t={at_ms} ms; {}.notifyAll() woke {}",
                    stage.monitor_name(),
                    woke.join(", ")
                ),
            ),
            StageState::Waiting => (
                "●",
                "waiting",
                format!("waiting on {}", stage.monitor_name()),
            ),
            StageState::Pending => ("○", "pending", "not reached yet".to_string()),
            StageState::Failed => ("✕", "failed", "gave up here".to_string()),
        };
        html! {
            <li class={classes!("gauge__step", format!("gauge__step--{modifier}"))} title={tip}>
                <span class="gauge__step-icon" aria-hidden="true">{ icon }</span>
                <span class="gauge__step-name">{ stage.method() }</span>
                <span class="visually-hidden">{ format!(" ({modifier})") }</span>
            </li>
        }
    });

    let body = match (&g.active, &g.outcome) {
        (Some(a), _) => {
            let chips = a.chips.iter().map(|c| {
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
                    <li class={classes!("gauge__chip", c.have.then_some("gauge__chip--have"),
                            c.is_self.then_some("gauge__chip--self"), (!c.up).then_some("gauge__chip--down"))}
                        title={tip} data-sid={c.sid.to_string()}>
                        { c.sid.to_string() }
                        if c.is_self {
                            <span class="gauge__self">{ " self" }</span>
                        }
                    </li>
                }
            });
            html! {
                <>
                    <p class="gauge__monitor">
                        <code class="gauge__monitor-name">{ a.stage.monitor_name() }</code>
                        { format!(" ← {}", a.stage.filled_by()) }
                    </p>
                    <div class="gauge__set">
                        <ol class="gauge__chips" aria-label="The voters in the monitor's set">{ for chips }</ol>
                        <span class="gauge__count">
                            { format!("{} of {}", a.have, a.need) }
                            <span class="gauge__needs-self">{ format!(" · must include {}", g.leader) }</span>
                        </span>
                    </div>
                    <div class="gauge__deadline" title={format!("{}() gives up at t={} ms: initLimit × tickTime after it began", a.stage.method(), a.deadline_ms)}>
                        <span class="gauge__countdown">{ format!("{} left", a.countdown) }</span>
                        <progress class="gauge__left" max="1" value={format!("{:.3}", a.left)}
                            aria-label="time left before the deadline"></progress>
                    </div>
                    if !a.waiters.is_empty() {
                        <p class="gauge__waiters">{ format!("blocked now: {}", a.waiters.join(", ")) }</p>
                    }
                </>
            }
        }
        (None, Outcome::Established) => html! {
            <p class="gauge__outcome">
                { "BROADCAST: a quorum is synced" }
                { g.epoch.map(|e| format!(" · epoch {e} established; UPTODATE sent")).unwrap_or_default() }
            </p>
        },
        (None, Outcome::Failed { reason, at_ms }) => html! {
            <p class="gauge__outcome">
                { format!("back to LOOKING at t={at_ms} ms: ") }
                { reason.as_ref().map_or_else(|| "lead() ended".to_string(), describe::reason) }
            </p>
        },
        (None, Outcome::Running) => Html::default(),
    };

    let notify = g.last_notify.as_ref().map(|n| {
        html! {
            <p class={classes!("gauge__notify", n.fresh.then_some("gauge__notify--fresh"))} key={n.index}>
                <code>{ format!("{}.notifyAll()", n.monitor) }</code>
                { format!(" woke {} (t={} ms)", n.woke.join(", "), n.at_ms) }
            </p>
        }
    });

    html! {
        <section class={classes!("panel", "gauge", format!("gauge--{outcome}"))} aria-label="The leader's epoch wait">
            <h2 class="gauge__title">
                <span>{ format!("Leader {} · Leader.lead()", g.leader) }</span>
                <span class="gauge__epoch">{ title_right }</span>
            </h2>
            <ol class="gauge__steps">{ for steps }</ol>
            { body }
            { notify.unwrap_or_default() }
        </section>
    }
}
