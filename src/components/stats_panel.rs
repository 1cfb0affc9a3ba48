//! The statistics panel (issue 11): small bar pictures and tables derived from the event log
//! up to the position ([`Stats`]), each table with an "Export CSV" download.
//!
//! Cost: nothing is derived while the panel is closed (it is, by default). Open, the
//! statistics are rebuilt when the session changed (its `version`), and only while paused:
//! while the run plays the panel keeps the last ones and says so, so playing adds no
//! per-frame work (a rebuild is one pass over the log: 2 ms for 100 000 entries, natively in the
//! native profile; `test_cost_of_a_long_run` prints it).
//!
//! Text is HTML, never inside the SVG pictures: the bars stretch to their cell
//! (`preserveAspectRatio="none"`) and no label shrinks with them.

use crate::share;
use crate::view_model::stats::{
    outcome_label, sync_mode_label, Election, LearnerSync, LookOutcome, Stats, PHASES,
};
use sim::session::Session;
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::JsCast;
use yew::prelude::*;
use zab::peer::{ServerState, ZabState};

/// At most this many elections and proposals are listed (the newest); the CSV has all.
pub const MAX_ROWS: usize = 12;

#[derive(Properties, Clone)]
pub struct StatsPanelProps {
    pub session: Rc<RefCell<Session>>,
    /// The reducer's count of simulation changes.
    pub version: u64,
    pub playing: bool,
    /// The stem of the downloaded files, `zabscope-seed7`.
    pub file_stem: AttrValue,
}

impl PartialEq for StatsPanelProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.session, &other.session)
            && self.version == other.version
            && self.playing == other.playing
            && self.file_stem == other.file_stem
    }
}

/// The statistics last built, for which session and version. The session is held weakly (a
/// dangling `Weak` keeps its allocation, so a new session never compares equal to it).
struct Built {
    session: Weak<RefCell<Session>>,
    version: u64,
    stats: Rc<Stats>,
}

/// Which table a CSV button exports.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Table {
    Elections,
    Syncs,
    Messages,
    Proposals,
    Servers,
}

impl Table {
    fn csv(self, s: &Stats) -> String {
        match self {
            Table::Elections => s.elections_csv(),
            Table::Syncs => s.syncs_csv(),
            Table::Messages => s.messages_csv(),
            Table::Proposals => s.proposals_csv(),
            Table::Servers => s.servers_csv(),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Table::Elections => "elections",
            Table::Syncs => "leading-to-uptodate",
            Table::Messages => "messages",
            Table::Proposals => "proposals",
            Table::Servers => "servers",
        }
    }
}

/// `548 ms`, `12.3 s`.
pub fn ms_label(ms: u64) -> String {
    if ms < 10_000 {
        format!("{ms} ms")
    } else {
        format!("{:.1} s", ms as f64 / 1000.0)
    }
}

/// A moment of the run: `t = 694 ms`, `t = 16.07 s`.
fn at_label(ms: u64) -> String {
    if ms < 10_000 {
        format!("t = {ms} ms")
    } else {
        format!("t = {:.2} s", ms as f64 / 1000.0)
    }
}

const TRACK_W: f64 = 1000.0;

/// A bar from `from` to `to` on a track of `0..scale`, stretched to its cell.
fn bar(from: u64, to: u64, scale: u64, class: &'static str) -> Html {
    let scale = scale.max(1) as f64;
    let x = TRACK_W * from as f64 / scale;
    let w = (TRACK_W * (to.saturating_sub(from)) as f64 / scale).max(4.0);
    html! {
        <svg class="stats__track" viewBox={format!("0 0 {TRACK_W} 10")} preserveAspectRatio="none" aria-hidden="true">
            <rect class="stats__track-bed" x="0" y="0" width={TRACK_W.to_string()} height="10" />
            <rect class={classes!("stats__bar", class)} x={format!("{x:.1}")} y="0" width={format!("{:.1}", w.min(TRACK_W - x).max(4.0))} height="10" />
        </svg>
    }
}

fn phase_name(z: ZabState) -> &'static str {
    match z {
        ZabState::Election => "election",
        ZabState::Discovery => "discovery",
        ZabState::Synchronization => "sync",
        ZabState::Broadcast => "broadcast",
    }
}

fn outcome_class(o: LookOutcome) -> &'static str {
    match o {
        LookOutcome::Became(ServerState::Leading) => "stats__bar--leading",
        LookOutcome::Became(ServerState::Following) => "stats__bar--following",
        LookOutcome::Became(ServerState::Observing) => "stats__bar--observing",
        LookOutcome::Became(ServerState::Looking) | LookOutcome::Running => "stats__bar--looking",
        LookOutcome::Crashed => "stats__bar--crashed",
    }
}

#[component]
pub fn StatsPanel(props: &StatsPanelProps) -> Html {
    let open = use_state(|| false);
    let built = use_mut_ref(|| None::<Built>);
    let toggle = {
        let open = open.clone();
        Callback::from(move |e: MouseEvent| {
            // The details element follows the state, not its own toggle.
            e.prevent_default();
            open.set(!*open);
        })
    };
    let current = if *open {
        let mut b = built.borrow_mut();
        let fresh = b.as_ref().is_some_and(|b| {
            b.version == props.version && Weak::ptr_eq(&b.session, &Rc::downgrade(&props.session))
        });
        let other_run = b
            .as_ref()
            .is_some_and(|b| !Weak::ptr_eq(&b.session, &Rc::downgrade(&props.session)));
        if !fresh && (!props.playing || b.is_none() || other_run) {
            let stats = Stats::build(props.session.borrow().log());
            *b = Some(Built {
                session: Rc::downgrade(&props.session),
                version: props.version,
                stats: Rc::new(stats),
            });
        }
        b.as_ref()
            .map(|b| (b.stats.clone(), b.version != props.version))
    } else {
        None
    };

    let export = |table: Table, stats: &Rc<Stats>| {
        let stats = stats.clone();
        Callback::from(move |e: MouseEvent| {
            if let Some(a) = share::target::<web_sys::Element>(&e)
                .and_then(|el| el.closest("a").ok().flatten())
                .and_then(|el| el.dyn_into::<web_sys::HtmlAnchorElement>().ok())
            {
                share::arm_download(&a, &table.csv(&stats), "text/csv");
            }
        })
    };
    let csv_button = |table: Table, stats: &Rc<Stats>, what: &str| {
        html! {
            <a class={classes!("btn", "stats__export", format!("stats__export--{}", table.name()))} href="#"
                download={format!("{}-{}.csv", props.file_stem, table.name())} onclick={export(table, stats)}
                title={format!("Download {what} as CSV")}>{ "⤓ Export CSV" }</a>
        }
    };

    html! {
        <details class="panel stats" open={*open}>
            <summary class="stats__summary" onclick={toggle}>
                <span class="stats__title">{ "Statistics" }</span>
                <span class="stats__hint">{ "derived from the event log up to the position" }</span>
            </summary>
            if let Some((stats, stale)) = current {
                <div class="stats__body">
                    <p class="stats__basis" role="status">
                        { format!("From {} log entries, to {}.", stats.entries, at_label(stats.end_ms)) }
                        if stale {
                            <b class="stats__frozen">{ " Kept while the run plays: pause to update." }</b>
                        }
                    </p>
                    { elections_section(&stats, csv_button(Table::Elections, &stats, "every lookForLeader call")) }
                    { syncs_section(&stats, csv_button(Table::Syncs, &stats, "LEADING → UPTODATE per learner")) }
                    { messages_section(&stats, csv_button(Table::Messages, &stats, "the messages by type and phase")) }
                    { proposals_section(&stats, csv_button(Table::Proposals, &stats, "every proposal")) }
                    { servers_section(&stats, csv_button(Table::Servers, &stats, "the counts per server")) }
                </div>
            }
        </details>
    }
}

fn section_head(title: &str, button: Html) -> Html {
    html! {
        <div class="stats__head">
            <h3 class="stats__heading">{ title.to_string() }</h3>
            { button }
        </div>
    }
}

fn elections_section(stats: &Stats, button: Html) -> Html {
    let shown = stats.elections.len().saturating_sub(MAX_ROWS);
    let scale = stats
        .elections
        .iter()
        .map(Election::took_ms)
        .max()
        .unwrap_or(1);
    html! {
        <section class="stats__section stats__elections" aria-label="Leader election">
            { section_head("Leader election: lookForLeader", button) }
            <p class="stats__definition">
                { "Each bar is one server's " }<code>{ "FastLeaderElection.lookForLeader()" }</code>
                { ", from its start to the server becoming LEADING, FOLLOWING or OBSERVING: the number ZooKeeper logs as \"LEADER ELECTION TOOK\". An election (our grouping) is a run of calls that overlap in time; bars are drawn on one scale, the longest election's." }
            </p>
            if stats.elections.is_empty() {
                <p class="stats__empty">{ "No server has looked for a leader yet." }</p>
            }
            if shown > 0 {
                <p class="stats__more">{ format!("The last {MAX_ROWS} of {} elections; the CSV has every call.", stats.elections.len()) }</p>
            }
            { for stats.elections[shown..].iter().map(|e| {
                let leader = e.leader().map_or_else(
                    || if e.running() { "no leader yet".to_string() } else { "no server became LEADING".to_string() },
                    |l| format!("leader {l}"),
                );
                html! {
                    <div class="stats__group">
                        <p class="stats__group-head">
                            <b>{ format!("Election {}", e.number) }</b>
                            { format!(" · {} · took {} · {leader}", at_label(e.start_ms), ms_label(e.took_ms())) }
                        </p>
                        <table class="stats__table stats__table--bars">
                            <thead><tr><th scope="col">{ "server" }</th><th scope="col" class="stats__bar-col">{ "lookForLeader, from the election's start" }</th><th scope="col">{ "took" }</th><th scope="col">{ "became" }</th></tr></thead>
                            <tbody>
                                { for e.calls.iter().map(|c| html! {
                                    <tr>
                                        <td>{ c.sid.to_string() }</td>
                                        <td class="stats__bar-col">{ bar(c.start_ms - e.start_ms, c.end_ms - e.start_ms, scale, outcome_class(c.outcome)) }</td>
                                        <td class="stats__num">{ ms_label(c.took_ms()) }</td>
                                        <td>{ outcome_label(c.outcome) }</td>
                                    </tr>
                                }) }
                            </tbody>
                        </table>
                    </div>
                }
            }) }
        </section>
    }
}

fn syncs_section(stats: &Stats, button: Html) -> Html {
    let scale = stats
        .syncs
        .iter()
        .filter_map(LearnerSync::took_ms)
        .max()
        .unwrap_or(1);
    // One group per leader term, in order.
    let mut terms: Vec<(usize, usize)> = Vec::new();
    for (i, s) in stats.syncs.iter().enumerate() {
        match terms.last_mut() {
            Some((from, to))
                if stats.syncs[*from].leader == s.leader
                    && stats.syncs[*from].leading_ms == s.leading_ms =>
            {
                *to = i + 1
            }
            _ => terms.push((i, i + 1)),
        }
    }
    html! {
        <section class="stats__section stats__syncs" aria-label="LEADING to UPTODATE">
            { section_head("LEADING → each learner's UPTODATE", button) }
            <p class="stats__definition">
                { "Per leader term and learner: from the leader becoming LEADING (" }<code>{ "Leader.lead()" }</code>
                { " begins) to the learner reading UPTODATE and starting to serve, through discovery and " }<code>{ "syncFollower" }</code>
                { "'s DIFF, TRUNC or SNAP. The epoch is the one its NEWLEADER announced." }
            </p>
            if stats.syncs.is_empty() {
                <p class="stats__empty">{ "No leader has synced a learner yet." }</p>
            }
            { for terms.iter().map(|&(from, to)| {
                let first = &stats.syncs[from];
                html! {
                    <div class="stats__group">
                        <p class="stats__group-head">
                            <b>{ format!("Leader {}", first.leader) }</b>
                            { format!(" · epoch {} · LEADING at {}", first.epoch.map_or("not yet announced".to_string(), |e| e.0.to_string()), at_label(first.leading_ms)) }
                        </p>
                        <table class="stats__table stats__table--bars">
                            <thead><tr><th scope="col">{ "learner" }</th><th scope="col" class="stats__bar-col">{ "LEADING → UPTODATE" }</th><th scope="col">{ "took" }</th><th scope="col">{ "sync" }</th></tr></thead>
                            <tbody>
                                { for stats.syncs[from..to].iter().map(|s| html! {
                                    <tr>
                                        <td>{ s.learner.to_string() }</td>
                                        <td class="stats__bar-col">
                                            if let Some(ms) = s.took_ms() {
                                                { bar(0, ms, scale, "stats__bar--sync") }
                                            }
                                        </td>
                                        <td class="stats__num">{ s.took_ms().map_or("not yet".to_string(), ms_label) }</td>
                                        <td>{ sync_mode_label(s.mode) }</td>
                                    </tr>
                                }) }
                            </tbody>
                        </table>
                    </div>
                }
            }) }
        </section>
    }
}

fn messages_section(stats: &Stats, button: Html) -> Html {
    let scale = stats.messages.iter().map(|m| m.sent()).max().unwrap_or(1);
    let total: u64 = stats.messages.iter().map(|m| m.sent()).sum();
    html! {
        <section class="stats__section stats__messages" aria-label="Messages">
            { section_head("Messages by type and phase", button) }
            <p class="stats__definition">
                { format!("{total} messages sent. CONNECT and NOTIFICATION travel on the election channel and count as election; a quorum-channel packet counts in the ZabState of the learner on its connection when it was sent. \"lost\": dropped on the wire (a closed connection, or by hand).") }
            </p>
            <p class="stats__legend" aria-hidden="true">
                { for PHASES.iter().map(|p| html! {
                    <span class="stats__key"><span class={classes!("stats__swatch", format!("stats__swatch--{}", phase_name(*p)))}></span>{ phase_name(*p) }</span>
                }) }
            </p>
            <div class="stats__scroll" tabindex="0" role="region" aria-label="Messages by type and phase">
                <table class="stats__table">
                    <thead><tr>
                        <th scope="col">{ "type" }</th>
                        { for PHASES.iter().map(|p| html! { <th scope="col" class="stats__num">{ phase_name(*p) }</th> }) }
                        <th scope="col" class="stats__num">{ "lost" }</th>
                    </tr></thead>
                    <tbody>
                        { for stats.messages.iter().map(|m| {
                            let mut x = 0u64;
                            let parts = PHASES.iter().zip(m.by_phase).filter(|(_, n)| *n > 0).map(|(p, n)| {
                                let from = x;
                                x += n;
                                let w = (TRACK_W * n as f64 / scale.max(1) as f64).max(3.0);
                                html! { <rect class={classes!("stats__bar", format!("stats__bar--{}", phase_name(*p)))}
                                    x={format!("{:.1}", TRACK_W * from as f64 / scale.max(1) as f64)} y="0" width={format!("{w:.1}")} height="10" /> }
                            }).collect::<Html>();
                            html! {
                                <tr>
                                    <td class="stats__type">
                                        <span class="stats__type-name">{ m.kind }{ format!(" {}", m.sent()) }</span>
                                        <svg class="stats__track" viewBox={format!("0 0 {TRACK_W} 10")} preserveAspectRatio="none" aria-hidden="true">{ parts }</svg>
                                    </td>
                                    { for m.by_phase.iter().map(|n| html! { <td class="stats__num">{ n.to_string() }</td> }) }
                                    <td class="stats__num">{ m.dropped.to_string() }</td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// A sparkline of `values` (no text inside: the numbers are beside it).
fn sparkline(values: &[u64]) -> Html {
    let max = values.iter().copied().max().unwrap_or(1).max(1) as f64;
    let n = values.len().max(2) - 1;
    let points = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            format!(
                "{:.1},{:.1}",
                TRACK_W * i as f64 / n as f64,
                38.0 - 36.0 * *v as f64 / max
            )
        })
        .collect::<Vec<_>>()
        .join(" ");
    html! {
        <svg class="stats__spark" viewBox={format!("0 0 {TRACK_W} 40")} preserveAspectRatio="none" aria-hidden="true">
            <polyline class="stats__spark-line" points={points} vector-effect="non-scaling-stroke" />
        </svg>
    }
}

fn proposals_section(stats: &Stats, button: Html) -> Html {
    let mut latencies: Vec<u64> = stats
        .proposals
        .iter()
        .filter_map(|p| p.latency_ms())
        .collect();
    let in_order = latencies.clone();
    latencies.sort_unstable();
    let median = latencies.get(latencies.len() / 2).copied();
    let max = latencies.last().copied();
    let scale = max.unwrap_or(1);
    let shown = stats.proposals.len().saturating_sub(MAX_ROWS);
    html! {
        <section class="stats__section stats__proposals" aria-label="Proposals and commits">
            { section_head("Proposals, commits and commit latency", button) }
            <p class="stats__definition">
                { "A proposal is a zxid's first PROPOSAL on the wire, its commit the first COMMIT; the leader sends COMMIT in the step the quorum's last ACK arrives (" }<code>{ "Leader.processAck" }</code>
                { "), so the latency is also PROPOSAL → quorum ACK. PROPOSAL/COMMIT pairs re-sent in a DIFF are not counted again." }
            </p>
            <p class="stats__figures">
                <span class="stats__figure"><b>{ stats.proposals.len() }</b>{ " proposals" }</span>
                <span class="stats__figure"><b>{ stats.commits() }</b>{ " commits" }</span>
                if let (Some(median), Some(max)) = (median, max) {
                    <span class="stats__figure">{ "latency median " }<b>{ ms_label(median) }</b>{ ", max " }<b>{ ms_label(max) }</b></span>
                }
            </p>
            if in_order.len() >= 2 {
                <div class="stats__spark-box">
                    <span class="stats__spark-label">{ "commit latency, proposal by proposal" }</span>
                    { sparkline(&in_order) }
                </div>
            }
            if stats.proposals.is_empty() {
                <p class="stats__empty">{ "No proposal yet: a write (the server's panel, or w) makes one once a leader serves." }</p>
            } else {
                if shown > 0 {
                    <p class="stats__more">{ format!("The last {MAX_ROWS} of {} proposals; the CSV has all.", stats.proposals.len()) }</p>
                }
                <table class="stats__table stats__table--bars">
                    <thead><tr><th scope="col">{ "zxid" }</th><th scope="col" class="stats__bar-col">{ "PROPOSAL → COMMIT" }</th><th scope="col">{ "latency" }</th><th scope="col">{ "proposed" }</th></tr></thead>
                    <tbody>
                        { for stats.proposals[shown..].iter().map(|p| html! {
                            <tr>
                                <td>{ p.zxid.short() }</td>
                                <td class="stats__bar-col">
                                    if let Some(ms) = p.latency_ms() {
                                        { bar(0, ms, scale, "stats__bar--commit") }
                                    }
                                </td>
                                <td class="stats__num">{ p.latency_ms().map_or("not committed".to_string(), ms_label) }</td>
                                <td class="stats__num">{ format!("{} by {}", at_label(p.proposed_ms), p.leader) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
        </section>
    }
}

fn servers_section(stats: &Stats, button: Html) -> Html {
    let scale = stats
        .servers
        .iter()
        .map(|s| s.sent.max(s.received))
        .max()
        .unwrap_or(1);
    html! {
        <section class="stats__section stats__servers" aria-label="Per server">
            { section_head("Per server", button) }
            <p class="stats__definition">
                { "Messages it sent and received (bars: sent above, received below) and lost of those it sent; disk: txn log appends, fsyncs, epoch file writes, snapshots and truncations; lookForLeader calls; crashes." }
            </p>
            <div class="stats__scroll" tabindex="0" role="region" aria-label="Counts per server">
                <table class="stats__table">
                    <thead><tr>
                        <th scope="col">{ "server" }</th>
                        <th scope="col" class="stats__num">{ "sent" }</th>
                        <th scope="col" class="stats__num">{ "received" }</th>
                        <th scope="col" class="stats__num">{ "lost" }</th>
                        <th scope="col" class="stats__num">{ "disk" }</th>
                        <th scope="col" class="stats__num">{ "elections" }</th>
                        <th scope="col" class="stats__num">{ "crashes" }</th>
                    </tr></thead>
                    <tbody>
                        { for stats.servers.iter().map(|s| html! {
                            <tr>
                                <td class="stats__type">
                                    <span class="stats__type-name">{ format!("server {}", s.sid) }</span>
                                    { bar(0, s.sent, scale, "stats__bar--sent") }
                                    { bar(0, s.received, scale, "stats__bar--received") }
                                </td>
                                <td class="stats__num">{ s.sent }</td>
                                <td class="stats__num">{ s.received }</td>
                                <td class="stats__num">{ s.dropped }</td>
                                <td class="stats__num" title={format!("{} appends, {} fsyncs, {} epoch writes, {} snapshots, {} truncations", s.appends, s.fsyncs, s.epoch_writes, s.snapshots, s.truncations)}>{ s.disk_writes() }</td>
                                <td class="stats__num">{ s.look_calls }</td>
                                <td class="stats__num">{ s.crashes }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
        </section>
    }
}
