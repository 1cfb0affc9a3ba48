//! A message on the wire: a pill with its kind and its key fields (FOLLOWERINFO shows its
//! LearnerInfo and acceptedEpoch zxid), drawn where it is between its send and its delivery.
//! Hover shows the full `summary()`; a click opens the message detail panel.

use crate::state::Action;
use crate::view_model::cluster_model::MessageModel;
use yew::prelude::*;

/// Approximate advance of one character at the pill's font sizes, in viewBox units.
const KIND_CHAR_W: f64 = 7.3;
const FIELD_CHAR_W: f64 = 6.1;
const KIND_LINE_H: f64 = 15.0;
const FIELD_LINE_H: f64 = 12.0;

/// The pill's width for its text: wide enough for the longest of its lines.
pub fn pill_width(kind: &str, lines: &[String]) -> f64 {
    let kind_w = kind.chars().count() as f64 * KIND_CHAR_W;
    let fields_w = lines
        .iter()
        .map(|l| l.chars().count() as f64 * FIELD_CHAR_W)
        .fold(0.0, f64::max);
    kind_w.max(fields_w) + 14.0
}

/// The pill's height for its number of field lines.
pub fn pill_height(lines: usize) -> f64 {
    KIND_LINE_H + 4.0 + lines as f64 * FIELD_LINE_H
}

#[derive(Properties, PartialEq)]
pub struct MessagePillProps {
    pub message: MessageModel,
    pub on_action: Callback<Action>,
}

#[component]
pub fn MessagePill(props: &MessagePillProps) -> Html {
    let m = &props.message;
    let w = pill_width(&m.kind, &m.lines);
    let h = pill_height(m.lines.len());
    let onclick = {
        let pick = (!m.selected).then_some(m.id);
        props.on_action.reform(move |e: MouseEvent| {
            e.stop_propagation();
            Action::SelectMessage(pick)
        })
    };
    let class = classes!(
        "message-pill",
        if m.quorum {
            "message-pill--quorum"
        } else {
            "message-pill--election"
        },
        m.selected.then_some("message-pill--selected"),
        format!("message-pill--{}", m.kind.to_ascii_lowercase()),
    );
    let top = -h / 2.0;
    let lines = m.lines.iter().enumerate().map(|(i, l)| {
        let y = top + KIND_LINE_H + 2.0 + (i as f64 + 1.0) * FIELD_LINE_H - 1.5;
        html! { <text class="message-pill__fields" y={format!("{y:.1}")} text-anchor="middle">{ l }</text> }
    });
    html! {
        <g {class} transform={format!("translate({:.1} {:.1})", m.at.x, m.at.y)} {onclick}
            data-kind={m.kind.clone()} data-msg={m.id.0.to_string()}>
            <title>{ format!("#{}: {} (click for every field)", m.id.0, m.summary) }</title>
            <rect class="message-pill__box" x={(-w / 2.0).to_string()} y={top.to_string()}
                width={w.to_string()} height={h.to_string()} rx="7" />
            <text class="message-pill__kind" y={format!("{:.1}", top + KIND_LINE_H)}
                text-anchor="middle">{ &m.kind }</text>
            { for lines }
        </g>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_pill_fits_the_longest_line() {
        assert_eq!(pill_width("CONNECT", &[]), 7.0 * KIND_CHAR_W + 14.0);
        let lines = vec![
            "LearnerInfo sid=2 0x10000 cfg=0".to_string(),
            "acceptedEpoch zxid 1:0".to_string(),
        ];
        assert_eq!(
            pill_width("FOLLOWERINFO", &lines),
            lines[0].chars().count() as f64 * FIELD_CHAR_W + 14.0
        );
        assert!(pill_height(2) > pill_height(0));
    }
}
