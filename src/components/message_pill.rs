//! A message on the wire: a labelled pill where its label touches nothing, else a dot (named
//! on hover and focus). Either can be picked (click, Enter or Space) to read every field. The
//! messages share one Tab stop (`tab_stop`; the drawing moves it with the arrow keys).

use crate::state::Action;
use crate::view_model::cluster_model::PillModel;
use crate::view_model::pill_layout::PILL_H;
use yew::prelude::*;

/// The narrowest a pill's hit area is: the 44 px every control gets on a phone.
const MIN_HIT_W: f64 = 44.0;

#[derive(Properties, PartialEq)]
pub struct MessagePillProps {
    pub pill: PillModel,
    /// This message holds the drawing's one Tab stop for messages (the others are -1).
    #[prop_or(true)]
    pub tab_stop: bool,
    pub on_action: Callback<Action>,
}

#[component]
pub fn MessagePill(props: &MessagePillProps) -> Html {
    let p = &props.pill;
    let pick = (!p.selected).then_some(p.id);
    let onclick = props.on_action.reform(move |e: MouseEvent| {
        e.stop_propagation();
        Action::SelectMessage(pick)
    });
    let onkeydown = {
        let on_action = props.on_action.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
                // Space is also the play/pause shortcut: this press is the pill's only.
                e.prevent_default();
                e.stop_propagation();
                on_action.emit(Action::SelectMessage(pick));
            }
        })
    };
    let class = classes!(
        "message-pill",
        format!("message-pill--{}", p.family),
        format!("message-pill--{}", p.kind.to_ascii_lowercase()),
        (!p.labeled).then_some("message-pill--dot"),
        p.selected.then_some("message-pill--selected"),
        p.highlighted.then_some("message-pill--highlighted"),
    );
    // A labelled pill's name starts with what it shows ("NOTIFICATION +2"): the visible text
    // must be part of the name (WCAG 2.5.3, label in name).
    let label = match (p.labeled, p.text.split_once(" +")) {
        (true, Some((_, more))) => format!(
            "{} ({more} more on this lane), message #{}: {}",
            p.text, p.id.0, p.summary
        ),
        (true, None) => format!("{}, message #{}: {}", p.text, p.id.0, p.summary),
        (false, _) => format!("message #{}: {}", p.id.0, p.summary),
    };
    let hit_w = p.w.max(MIN_HIT_W);
    html! {
        <g {class} transform={format!("translate({:.1} {:.1})", p.at.x, p.at.y)} {onclick} {onkeydown}
            tabindex={if props.tab_stop { "0" } else { "-1" }} role="button" aria-label={label.clone()} aria-pressed={p.selected.to_string()}
            data-kind={p.kind} data-msg={p.id.0.to_string()}>
            <title>{ format!("{label} — click for every field") }</title>
            if p.labeled {
                // The area a tap or click hits: the pill, at least 44 px wide (a short name
                // such as ACK makes a narrower pill), and 44 px tall on a phone (CSS).
                <rect class="message-pill__hit-box" x={format!("{:.1}", -hit_w / 2.0)} y={format!("{:.1}", -PILL_H / 2.0)}
                    width={format!("{:.1}", hit_w)} height={PILL_H.to_string()} />
                <rect class="message-pill__box" x={format!("{:.1}", -p.w / 2.0)} y={format!("{:.1}", -PILL_H / 2.0)}
                    width={format!("{:.1}", p.w)} height={PILL_H.to_string()} rx="10" />
                <text class="message-pill__kind" y="4.3" text-anchor="middle">{ &p.text }</text>
            } else {
                <circle class="message-pill__hit" r="10" />
                <circle class="message-pill__dot" r="5" />
            }
        </g>
    }
}
