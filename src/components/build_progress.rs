//! The bar a long build shows while a far link is reached a frame at a time.

use crate::state::BuildTarget;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct BuildProgressProps {
    pub done: u64,
    pub of: u64,
    pub target: BuildTarget,
}

#[component]
pub fn BuildProgress(props: &BuildProgressProps) -> Html {
    let text = match props.target {
        BuildTarget::Position(_) => {
            format!("Building the run: step {} of {}", props.done, props.of)
        }
        BuildTarget::Violation(_) => format!(
            "Looking for the first broken check: event {} of at most {}",
            props.done, props.of
        ),
        BuildTarget::Time(_) => format!(
            "Building the run: t = {:.1} s of {:.1} s",
            props.done as f64 / 1000.0,
            props.of as f64 / 1000.0
        ),
    };
    html! {
        <div class="build-progress" role="status">
            <label class="build-progress__label" for="build-progress">{ text.clone() }</label>
            <progress id="build-progress" class="build-progress__bar" max={props.of.max(1).to_string()}
                value={props.done.to_string()} aria-label={text}></progress>
        </div>
    }
}
