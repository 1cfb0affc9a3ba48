//! The clients panel (issue 12): each session client, the server it is attached to, its
//! session and the last thing it did or was told ("2 → client 1: create done as 1:5",
//! "client 1 lost its connection to server 3 (CONNECTIONLOSS)"). Shown only when the run has
//! clients.

use crate::view_model::clients::ClientRow;
use crate::view_model::labels::clock_label;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ClientsPanelProps {
    pub rows: Vec<ClientRow>,
}

#[component]
pub fn ClientsPanel(props: &ClientsPanelProps) -> Html {
    let rows = props.rows.iter().map(|r| {
        html! {
            <li class={classes!("clients__row", format!("clients__row--{}", r.modifier))}>
                <p class="clients__head">
                    <strong>{ format!("client {}", r.id) }</strong>
                    { format!(" · server {} · {}", r.server, r.state) }
                    if let Some(s) = &r.session { { format!(" · session {s}") } }
                </p>
                if let Some((t, line)) = &r.last {
                    <p class="clients__last">{ format!("{}: {line}", clock_label(*t as f64)) }</p>
                }
            </li>
        }
    });
    html! {
        <section class="clients" aria-label="Clients">
            <h2 class="clients__title">{ "Clients" }</h2>
            <ul class="clients__list">{ for rows }</ul>
        </section>
    }
}
