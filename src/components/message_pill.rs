//! A message on the wire: a pill with its kind and its fields, drawn where it is between its
//! send and its delivery. Hover shows the full `summary()`; a click pins it in the inspector.

use crate::state::Action;
use crate::view_model::cluster_model::MessageModel;
use yew::prelude::*;

/// Approximate advance of one character at the pill's font sizes, in viewBox units.
const KIND_CHAR_W: f64 = 6.6;
const FIELD_CHAR_W: f64 = 5.5;
const PILL_H: f64 = 28.0;

/// The pill's width for its text: wide enough for the longer of its two lines.
pub fn pill_width(kind: &str, fields: &str) -> f64 {
    let kind_w = kind.chars().count() as f64 * KIND_CHAR_W;
    let fields_w = fields.chars().count() as f64 * FIELD_CHAR_W;
    kind_w.max(fields_w) + 14.0
}

#[derive(Properties, PartialEq)]
pub struct MessagePillProps {
    pub message: MessageModel,
    pub on_action: Callback<Action>,
}

#[component]
pub fn MessagePill(props: &MessagePillProps) -> Html {
    let m = &props.message;
    let w = pill_width(&m.kind, &m.fields);
    let h = if m.fields.is_empty() {
        PILL_H - 12.0
    } else {
        PILL_H
    };
    let onclick = {
        let pick = (!m.selected).then(|| (m.id, m.summary.clone()));
        props.on_action.reform(move |e: MouseEvent| {
            e.stop_propagation();
            Action::SelectMessage(pick.clone())
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
    );
    html! {
        <g {class} transform={format!("translate({:.1} {:.1})", m.at.x, m.at.y)} {onclick}
            data-kind={m.kind.clone()}>
            <title>{ &m.summary }</title>
            <rect class="message-pill__box" x={(-w / 2.0).to_string()} y={(-h / 2.0).to_string()}
                width={w.to_string()} height={h.to_string()} rx="7" />
            <text class="message-pill__kind" y={(if m.fields.is_empty() { 4.0 } else { -2.0 }).to_string()}
                text-anchor="middle">{ &m.kind }</text>
            if !m.fields.is_empty() {
                <text class="message-pill__fields" y="10" text-anchor="middle">{ &m.fields }</text>
            }
        </g>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_pill_fits_the_longer_line() {
        assert_eq!(pill_width("CONNECT", ""), 7.0 * KIND_CHAR_W + 14.0);
        let fields = "LOOKING leader=2 zxid=0:0 …";
        assert_eq!(
            pill_width("NOTIFICATION", fields),
            fields.chars().count() as f64 * FIELD_CHAR_W + 14.0
        );
    }
}
