//! The selected server in full: its disk (epoch files, the txn log with durable and pending
//! entries, the snapshot), its memory (lastLoggedZxid, lastProcessedZxid, the data tree), its
//! election, every thread with its wait, its connections; and the faults a person can inject
//! at it: crash, restart, a client write, a partition from another server, a broken link.

use crate::state::Action;
use crate::view_model::cluster_model::ThreadRow;
use crate::view_model::inspector_model::InspectorModel;
use sim::network::Direction;
use sim::session::UserAction;
use yew::prelude::*;
use zab::Sid;

#[derive(Properties, PartialEq)]
pub struct InspectorProps {
    pub model: Option<InspectorModel>,
    pub on_action: Callback<Action>,
}

#[component]
pub fn Inspector(props: &InspectorProps) -> Html {
    let on_action = &props.on_action;
    let one_way = use_state(|| false);
    let Some(m) = &props.model else {
        return html! {
            <section class="panel inspector inspector--empty" aria-label="Inspector">
                <p class="inspector__hint">
                    { "Click a server to see its disk, memory and threads, and to crash it, restart it, write to it or cut it off. Click a message for every field, and to drop or delay it. Every fault can be undone (" }<kbd>{ "u" }</kbd>{ "). Press " }
                    <kbd>{ "?" }</kbd>{ " for keys." }
                </p>
            </section>
        };
    };
    let sid = m.sid;
    let crash = on_action.reform(move |_: MouseEvent| Action::Act(UserAction::Crash(sid)));
    let restart = on_action.reform(move |_: MouseEvent| Action::Act(UserAction::Restart(sid)));
    let write = on_action.reform(move |_: MouseEvent| Action::Act(UserAction::Write(sid)));
    let connect = on_action.reform(move |_: MouseEvent| Action::Act(UserAction::Connect(sid)));
    let paused = m.paused.is_some();
    let pause = on_action.reform(move |_: MouseEvent| {
        Action::Act(if paused {
            UserAction::Resume(sid)
        } else {
            UserAction::Pause(sid)
        })
    });
    let close = on_action.reform(|_: MouseEvent| Action::Select(None));
    let heal = on_action.reform(|_: MouseEvent| Action::Act(UserAction::Heal));
    let toggle_way = {
        let one_way = one_way.clone();
        Callback::from(move |_: MouseEvent| one_way.set(!*one_way))
    };
    let partition_buttons = m.others.iter().map(|&to| {
        let way = *one_way;
        let onclick = on_action.reform(move |_: MouseEvent| {
            Action::Act(UserAction::Partition {
                from: sid,
                to,
                direction: if way {
                    Direction::OneWay
                } else {
                    Direction::Both
                },
            })
        });
        let label = if way {
            format!("{sid} ↛ {to}")
        } else {
            format!("{sid} ↮ {to}")
        };
        html! {
            <button class="btn btn--small inspector__partition" {onclick} data-to={to.to_string()}
                title={if way { format!("Lose every packet {sid} sends to {to}") } else { format!("Cut {sid} and {to} apart both ways") }}>
                { label }
            </button>
        }
    });
    let mut linked: Vec<Sid> = m.connections.iter().map(|c| c.other).collect();
    linked.sort();
    linked.dedup();
    let break_buttons = linked.into_iter().map(|other| {
        let onclick = on_action
            .reform(move |_: MouseEvent| Action::Act(UserAction::Break { a: sid, b: other }));
        html! {
            <button class="btn btn--small inspector__break" {onclick} data-to={other.to_string()}
                title={format!("Reset every TCP connection between {sid} and {other}")}>
                { format!("break {sid}–{other}") }
            </button>
        }
    });

    html! {
        <section class="panel inspector" aria-label="Inspector">
            // The head and the faults stay in view while the rest scrolls under them.
            <div class="inspector__controls">
            <div class="inspector__head">
                <h2 class="inspector__title">{ format!("Server {sid}") }</h2>
                <span class={classes!("state-chip", format!("state-chip--{}", m.look.modifier()))}>{ m.look.label() }</span>
                <span class="inspector__role">{ m.role }</span>
                <button class="btn btn--small inspector__close" onclick={close} aria-label="Close inspector">{ "×" }</button>
            </div>
            <div class="inspector__actions">
                <button class={classes!("btn", "btn--danger", "inspector__crash")} onclick={crash} disabled={!m.up}
                    title="Kill the process (c): memory and unsynced writes are lost, the disk stays">{ "Crash" }</button>
                <button class={classes!("btn", "inspector__restart")} onclick={restart} disabled={m.up}
                    title="Start the process again from its disk (r)">{ "Restart" }</button>
                <button class={classes!("btn", "inspector__pause", paused.then_some("btn--on"))} onclick={pause} disabled={!m.up}
                    aria-pressed={paused.to_string()}
                    title={if paused { "Let the process run again (p): its overdue timers fire in order, then it reads what its sockets buffered" } else { "Stop the process, as a long GC pause or SIGSTOP does (p): no thread, timer or fsync of it runs; the kernel still buffers its packets" }}>
                    { if paused { "Resume" } else { "Pause" } }</button>
                <button class={classes!("btn", "inspector__write")} onclick={write} disabled={!m.up}
                    title="A client creates a znode at this server (w)">{ "Client write" }</button>
                <button class={classes!("btn", "inspector__connect")} onclick={connect}
                    title="A session client connects here (k): it creates a session and an ephemeral znode, pings, and moves to another server if this one fails">{ "Connect client" }</button>
            </div>
            if let Some((since, held)) = m.paused {
                <p class="inspector__paused" role="status">
                    { format!("Process paused since {:.3} s: no thread, timer or fsync of it runs. {} packet{} wait unread in its socket buffers.", since as f64 / 1000.0, held, if held == 1 { "" } else { "s" }) }
                </p>
            }
            <div class="inspector__tools" role="group" aria-label="Partition">
                <span class="inspector__tool-label">{ "partition" }</span>
                <button class={classes!("btn", "btn--small", "inspector__way", (*one_way).then_some("btn--on"))}
                    onclick={toggle_way} aria-pressed={(*one_way).to_string()}
                    title="Symmetric (both ways) or one-way (only this server's packets are lost)">
                    { if *one_way { "one-way" } else { "both ways" } }
                </button>
                { for partition_buttons }
            </div>
            </div>

            <h3 class="inspector__subtitle">{ "Disk" }</h3>
            { fields(&m.durable) }
            <div class="txn-log" aria-label="Txn log">
                <div class="txn-log__head">
                    <span>{ "txn log" }</span>
                    <span class="txn-log__legend">
                        <span class="txn-log__mark txn-log__mark--durable">{ "durable" }</span>
                        <span class="txn-log__mark txn-log__mark--pending">{ "pending fsync" }</span>
                    </span>
                </div>
                if m.log.is_empty() {
                    <p class="txn-log__empty">{ "empty" }</p>
                } else {
                    <ol class="txn-log__list">
                        if m.log_hidden > 0 {
                            <li class="txn-log__more">{ format!("… {} earlier", m.log_hidden) }</li>
                        }
                        { for m.log.iter().map(|t| html! {
                            <li class={classes!("txn-log__txn", if t.durable { "txn-log__txn--durable" } else { "txn-log__txn--pending" })}
                                title={if t.durable { "fsynced: survives a crash" } else { "in the OS buffer: a crash loses it" }}>
                                <span class="txn-log__zxid">{ &t.zxid }</span>
                                <span class="txn-log__op">{ &t.op }</span>
                            </li>
                        }) }
                    </ol>
                }
            </div>

            if m.up {
                <h3 class="inspector__subtitle">{ "Memory" }</h3>
                { fields(&m.memory) }
                if !m.tree.is_empty() {
                    <ul class="inspector__tree" aria-label="Data tree">
                        if m.tree_hidden > 0 {
                            <li class="inspector__tree-more">{ format!("… {} more", m.tree_hidden) }</li>
                        }
                        { for m.tree.iter().map(|(path, data)| html! {
                            <li><code>{ path }</code>{ " = " }<code>{ format!("\"{data}\"") }</code></li>
                        }) }
                    </ul>
                }
                <h3 class="inspector__subtitle">{ "State and election" }</h3>
                { fields(&m.fields) }
                <h3 class="inspector__subtitle">{ format!("Threads ({})", m.threads.len()) }</h3>
                <ul class="inspector__threads">
                    { for m.threads.iter().map(thread_item) }
                </ul>
            }

            <h3 class="inspector__subtitle">{ "Network" }</h3>
            if m.connections.is_empty() {
                <p class="inspector__muted">{ "no live connection" }</p>
            } else {
                <ul class="inspector__conns">
                    { for m.connections.iter().map(|c| html! {
                        <li class={classes!("inspector__conn", format!("inspector__conn--{}", c.channel.to_ascii_lowercase()))}>
                            <span class="inspector__conn-channel">{ c.channel }</span>
                            { if c.initiated { format!(" → {} ", c.other) } else { format!(" ← {} ", c.other) } }
                            <span class="inspector__muted">{ format!("#{} {}", c.id, c.state) }</span>
                        </li>
                    }) }
                </ul>
            }
            <div class="inspector__tools">
                { for break_buttons }
            </div>
            if !m.partitions.is_empty() {
                <div class="inspector__tools">
                    <span class="inspector__tool-label">{ "in force" }</span>
                    { for m.partitions.iter().map(|p| html! { <span class="inspector__cut">{ p }</span> }) }
                    <button class="btn btn--small inspector__heal" onclick={heal}>{ "Heal all" }</button>
                </div>
            }
        </section>
    }
}

fn fields(rows: &[(&'static str, String)]) -> Html {
    html! {
        <dl class="inspector__fields">
            { for rows.iter().map(|(k, v)| html! {
                <div class="inspector__field"><dt>{ *k }</dt><dd>{ v }</dd></div>
            }) }
        </dl>
    }
}

fn thread_item(t: &ThreadRow) -> Html {
    html! {
        <li class={classes!("inspector__thread", t.blocked.is_some().then_some("inspector__thread--blocked"))}>
            <div class="inspector__thread-name">{ &t.name }</div>
            <div class="inspector__thread-phase">{ &t.phase }</div>
            if let Some(b) = &t.blocked {
                <div class="inspector__thread-wait">
                    <span class="inspector__monitor">{ format!("waits on {}", b.monitor) }</span>
                    { " " }{ b.long_text() }
                </div>
            }
        </li>
    }
}
