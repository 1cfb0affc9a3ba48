//! The narration line above the drawing: what just happened, in one plain sentence made from the
//! event log (`describe::narrate`), with "Why?" beside a decision that surprises, and the
//! scenario's key moment when play stopped there.

use crate::state::Action;
use crate::time_travel::TravelAction;
use describe::Narration;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct NarrationProps {
    pub narration: Option<Rc<Narration>>,
    /// The scenario's key moment once reached: (its position, what it is), and whether the
    /// view stands there now.
    #[prop_or_default]
    pub key_moment: Option<(u64, &'static str, bool)>,
    pub on_action: Callback<Action>,
}

#[component]
pub fn NarrationBar(props: &NarrationProps) -> Html {
    let open = use_state_eq(|| false);
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    let why = props.narration.as_ref().and_then(|n| n.why.clone());
    let key = props.key_moment.map(|(pos, what, here)| {
        let go = props
            .on_action
            .reform(move |_: MouseEvent| Action::Travel(TravelAction::SeekTo(pos)));
        if here {
            html! {
                <p class="narration__key">
                    <span class="narration__key-mark" aria-hidden="true">{ "★" }</span>
                    { format!("Paused at this scenario's key moment: {what}. Press Play to go on.") }
                </p>
            }
        } else {
            html! {
                <p class="narration__key narration__key--away">
                    { format!("Key moment: {what}. ") }
                    <button class="btn btn--link narration__go" onclick={go}>{ "Go there" }</button>
                </p>
            }
        }
    });
    // The button's place is kept when there is nothing to ask (hidden, out of the tab order and
    // the accessibility tree), so the drawing below never moves as narrations come and go.
    let has_why = why.is_some();
    html! {
        <div class="narration">
            <div class="narration__row">
                <p class="narration__text">
                    <span class="narration__label">{ "What just happened: " }</span>
                    { props.narration.as_ref().map_or("Nothing yet: press Play or step.".into(), |n| n.text.clone()) }
                </p>
                <button class={classes!("btn", "btn--why", (!has_why).then_some("btn--why-none"))}
                    aria-expanded={(has_why && *open).to_string()} aria-controls="narration-why"
                    disabled={!has_why} aria-hidden={(!has_why).then_some("true")}
                    tabindex={(!has_why).then_some("-1")} onclick={toggle}>
                    { if has_why && *open { "Hide why" } else { "Why?" } }
                </button>
            </div>
            { key.unwrap_or_default() }
            if let (true, Some(w)) = (*open, why) {
                <WhyPanel id="narration-why" why={Rc::new(w)} scrolls=true />
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct WhyProps {
    pub why: Rc<describe::Why>,
    #[prop_or_default]
    pub id: Option<AttrValue>,
    /// Shown as a popover that may scroll inside itself: then it takes keyboard focus, so the
    /// keyboard can scroll it too.
    #[prop_or_default]
    pub scrolls: bool,
}

/// A decision's question, the numbers it was made from, and the rule that decided.
#[component]
pub fn WhyPanel(props: &WhyProps) -> Html {
    let w = &props.why;
    html! {
        <section class="why" id={props.id.clone()} aria-label={w.question.clone()}
            tabindex={props.scrolls.then_some("0")}>
            <h3 class="why__question">{ &w.question }</h3>
            <dl class="why__facts">
                { for w.facts.iter().map(|(k, v)| html! {
                    <div class="why__fact"><dt>{ k }</dt><dd>{ v }</dd></div>
                }) }
            </dl>
            <p class="why__answer">{ &w.answer }</p>
        </section>
    }
}
