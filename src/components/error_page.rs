//! What the page shows instead of a run when the URL asks for something impossible.

use crate::run_params::{MAX_SEED, MAX_START_MS};
use yew::prelude::*;
use zab::config::{MAX_OBSERVERS, MAX_VOTERS};

#[derive(Properties, PartialEq)]
pub struct ErrorPageProps {
    pub message: AttrValue,
}

#[component]
pub fn ErrorPage(props: &ErrorPageProps) -> Html {
    html! {
        <section class="error-page" role="alert">
            <h2 class="error-page__title">{ "This link does not describe a run" }</h2>
            <p class="error-page__message">{ &props.message }</p>
            <p>{ "ZabScope reads these URL parameters:" }</p>
            <ul class="error-page__params">
                <li><code>{ "seed" }</code>{ format!(" — a whole number from 0 to {MAX_SEED} (omit it for a random run)") }</li>
                <li><code>{ "voters" }</code>{ format!(" — a whole number from 1 to {MAX_VOTERS}") }</li>
                <li><code>{ "observers" }</code>{ format!(" — a whole number from 0 to {MAX_OBSERVERS}") }</li>
                <li><code>{ "play" }</code>{ " — optional: start playing at once (play, play=1 or play=0)" }</li>
                <li><code>{ "t" }</code>{ format!(" — optional: open the run at this simulated time, 0 to {MAX_START_MS} ms") }</li>
            </ul>
            <p><a class="btn btn--primary" href="?">{ "Open a random run" }</a></p>
        </section>
    }
}
