//! The timeline scrubber as plain data: the explored range in positions (events from the
//! start), the ensemble's phase bands, a row of phases per server, fault markers and the
//! actions a person took, all placed at positions through the [`StepTable`].

use super::log_index::{LogIndex, MarkerKind};
use super::step_table::StepTable;
use super::Fork;
use sim::session::UserAction;
use zab::peer::{ServerState, ZabState};
use zab::Sid;

/// At most this many markers are drawn (the first ones win; a long run has many writes).
pub const MAX_MARKERS: usize = 400;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub from: u64,
    pub to: u64,
    pub phase: ZabState,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RowSpan {
    pub from: u64,
    pub to: u64,
    pub state: Option<ServerState>,
    pub zab: Option<ZabState>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub sid: Sid,
    pub spans: Vec<RowSpan>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MarkerView {
    pub step: u64,
    pub kind: MarkerKind,
    pub label: String,
    /// Simulated time of the marked entry, ms.
    pub time_ms: u64,
    /// It is the scenario's key moment.
    pub key: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimelineModel {
    pub position: u64,
    pub explored: u64,
    /// Simulated time at the position and at the end of the explored range, ms.
    pub time_ms: u64,
    pub end_ms: u64,
    pub bands: Vec<Span>,
    pub rows: Vec<Row>,
    pub markers: Vec<MarkerView>,
    /// What a person did: (step, text).
    pub actions: Vec<(u64, String)>,
    pub fork: Option<Fork>,
    pub prev_phase: Option<u64>,
    pub next_phase: Option<u64>,
}

/// The label of a band.
pub fn phase_label(phase: ZabState) -> &'static str {
    match phase {
        ZabState::Election => "election",
        ZabState::Discovery => "discovery",
        ZabState::Synchronization => "sync",
        ZabState::Broadcast => "broadcast",
    }
}

/// The CSS modifier of a phase, `timeline__band--sync`.
pub fn phase_modifier(phase: Option<ZabState>) -> &'static str {
    match phase {
        None => "down",
        Some(ZabState::Election) => "election",
        Some(ZabState::Discovery) => "discovery",
        Some(ZabState::Synchronization) => "sync",
        Some(ZabState::Broadcast) => "broadcast",
    }
}

/// The nearest boundary position before (`forward = false`) or after `position`.
pub fn phase_target(
    table: &StepTable,
    index: &LogIndex,
    position: u64,
    forward: bool,
) -> Option<u64> {
    let b = &index.boundaries;
    if forward {
        let i = b.partition_point(|ix| table.step_of_entry(*ix) <= position);
        b.get(i).map(|ix| table.step_of_entry(*ix))
    } else {
        let i = b.partition_point(|ix| table.step_of_entry(*ix) < position);
        i.checked_sub(1)
            .and_then(|i| b.get(i))
            .map(|ix| table.step_of_entry(*ix))
    }
}

impl TimelineModel {
    pub fn build(
        table: &StepTable,
        index: &LogIndex,
        position: u64,
        explored: u64,
        actions: &[(u64, UserAction)],
        fork: Option<Fork>,
    ) -> TimelineModel {
        let step = |ix: u64| table.step_of_entry(ix).min(explored);
        let bands = index
            .bands
            .iter()
            .enumerate()
            .map(|(i, b)| Span {
                from: step(b.index),
                to: index.bands.get(i + 1).map_or(explored, |n| step(n.index)),
                phase: b.phase,
            })
            .filter(|s| s.to > s.from || s.to == explored)
            .collect();
        let rows = index
            .servers
            .iter()
            .map(|(sid, marks)| Row {
                sid: *sid,
                spans: marks
                    .iter()
                    .enumerate()
                    .map(|(i, m)| RowSpan {
                        from: step(m.index),
                        to: marks.get(i + 1).map_or(explored, |n| step(n.index)),
                        state: m.state,
                        zab: m.zab,
                    })
                    .filter(|s| s.to > s.from)
                    .collect(),
            })
            .collect();
        let markers = index
            .markers
            .iter()
            .take(MAX_MARKERS)
            .map(|m| MarkerView {
                step: step(m.index),
                kind: m.kind,
                label: m.label.clone(),
                time_ms: m.time_ms,
                key: index.key_moment == Some(m.index),
            })
            .collect();
        TimelineModel {
            position,
            explored,
            time_ms: table.time_at(position).unwrap_or(0),
            end_ms: table.time_at(explored).unwrap_or(0),
            bands,
            rows,
            markers,
            actions: actions.iter().map(|(s, a)| (*s, a.to_string())).collect(),
            fork,
            prev_phase: phase_target(table, index, position, false),
            next_phase: phase_target(table, index, position, true),
        }
    }
}
