//! What the page shows instead of a run when the URL asks for something impossible.

use crate::link::{MAX_POS, SPEED_RANGE};
use crate::run_params::{MAX_SEED, MAX_START_MS};
use sim::scenario::Scenario;
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
                <li><code>{ "scenario" }</code>{ format!(" — optional: one of {} (its shape replaces voters and observers)", Scenario::ALL.map(Scenario::name).join(", ")) }</li>
                <li><code>{ "speed" }</code>{ format!(" — optional: simulated ms per real ms, {} to {}", SPEED_RANGE.0, SPEED_RANGE.1) }</li>
                <li><code>{ "f" }</code>{ " — optional: faults injected by hand, step:action comma-separated (c3 crash 3, r3 restart 3, p1-2 partition, o1-2 one-way, h heal, b1-2 break, d17 drop message 17, l17+500 delay it, w3 write at 3), e.g. 120:c3,400:r3" }</li>
                <li><code>{ "pos" }</code>{ format!(" — optional: stand after this many steps, 0 to {MAX_POS}") }</li>
                <li><code>{ "embed" }</code>{ " — optional: the compact frame for documentation pages" }</li>
            </ul>
            <p><a class="btn btn--primary" href="?">{ "Open a random run" }</a></p>
        </section>
    }
}
