//! A live TCP connection between two servers: Election channel solid, Quorum channel in its
//! own colour and dashes; a connection not yet open both ways is drawn faint, a connect() on
//! its way carries an arrowhead toward the acceptor, and a connection the leader's
//! LearnerCnxAcceptor just accepted glows for a moment.
//!
//! A connection is a button: a click, Enter or Space opens the panel of the server that
//! connected (its `a` end) with the focus on that panel's "break a–b". Breaking it stays a
//! deliberate second act, never a stray click on a thin line. The connections share one Tab
//! stop (`tab_stop`; the drawing moves it with the arrow keys).

use crate::components::cluster_view::focus_element;
use crate::state::Action;
use crate::view_model::cluster_model::LinkModel;
use yew::prelude::*;
use zab::Sid;

/// A tap target's least size (px), as everywhere on a phone.
const HIT_MIN: f64 = 44.0;

#[derive(Properties, PartialEq)]
pub struct ConnectionLineProps {
    pub link: LinkModel,
    /// This connection holds the drawing's one Tab stop for connections.
    #[prop_or(true)]
    pub tab_stop: bool,
    pub on_action: Callback<Action>,
}

/// The break button of `a`'s panel for its connections to `b` (the inspector's).
fn break_button(b: Sid) -> String {
    format!(".inspector .inspector__break[data-to=\"{b}\"]")
}

/// Focus `a`'s break button for `b` once the panel is drawn (at once when it already is: the
/// render that opens it comes later, so a zero-delay task waits for it).
fn focus_break_button(b: Sid) {
    let selector = break_button(b);
    let try_focus = move || {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector(&selector).ok().flatten())
            .map(|el| focus_element(&el))
            .is_some()
    };
    if !try_focus() {
        yew::platform::spawn_local(async move {
            yew::platform::time::sleep(std::time::Duration::ZERO).await;
            try_focus();
        });
    }
}

#[component]
pub fn ConnectionLine(props: &ConnectionLineProps) -> Html {
    let l = &props.link;
    let class = classes!(
        "link",
        if l.quorum {
            "link--quorum"
        } else {
            "link--election"
        },
        l.pending.then_some("link--pending"),
        l.connecting.then_some("link--connecting"),
        l.fresh.then_some("link--fresh"),
    );
    let (a, b) = (l.a, l.b);
    let open = {
        let on_action = props.on_action.clone();
        move || {
            on_action.emit(Action::Select(Some(a)));
            focus_break_button(b);
        }
    };
    let onclick = {
        let open = open.clone();
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            open();
        })
    };
    let onkeydown = Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Enter" || e.key() == " " {
            // Space is also the play/pause shortcut: this press is the connection's only.
            e.prevent_default();
            e.stop_propagation();
            open();
        }
    });
    let (dx, dy) = (l.to.x - l.from.x, l.to.y - l.from.y);
    let len = dx.hypot(dy);
    let hit_len = len.max(HIT_MIN);
    let (x1, y1, x2, y2) = (
        format!("{:.1}", l.from.x),
        format!("{:.1}", l.from.y),
        format!("{:.1}", l.to.x),
        format!("{:.1}", l.to.y),
    );
    // `from` is the connecting side's end, `to` the acceptor's.
    let marker_end = if l.connecting {
        "url(#arrow-connect)"
    } else {
        ""
    };
    let label = format!(
        "connection {}; opens server {a}'s panel to break it",
        l.title
    );
    html! {
        <g {class} data-link={format!("{a}-{b}")} data-link-id={l.id.to_string()}
            role="button" tabindex={if props.tab_stop { "0" } else { "-1" }} aria-label={label}
            {onclick} {onkeydown}>
            <title>{ format!("{} — click to open server {a}'s panel (break it there)", l.title) }</title>
            // What a click or tap hits: a band along the line, 12 px across (44 px on a
            // phone: CSS) and at least 44 px long (two cards side by side leave a short
            // line), drawn in the line's own frame so it turns with it.
            <rect class="link__hit" x={format!("{:.1}", (len - hit_len) / 2.0)} y="-6"
                width={format!("{hit_len:.1}")} height="12"
                transform={format!("translate({x1} {y1}) rotate({:.2})", dy.atan2(dx).to_degrees())} />
            <line class="link__line" {x1} {y1} {x2} {y2} marker-end={marker_end} />
        </g>
    }
}
