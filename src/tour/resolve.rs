//! Placing the steps: replay each tour run once, event by event, and note the position at
//! which each of its steps' places is seen, with what the step highlights there.

use super::chapters::{Step, TourRun, Who, CHAPTERS};
use sim::session::Session;
use sim::Simulation;
use std::collections::BTreeMap;
use zab::config::LearnerType;
use zab::peer::ServerState;
use zab::Sid;

/// The furthest a run is replayed looking for a step's place (a bound, so a place the engine
/// no longer produces costs a moment, not a frozen page).
pub const MAX_RESOLVE_EVENTS: u64 = 60_000;

/// Where one step stands and what it highlights there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stop {
    /// Events from the start of the step's run.
    pub pos: u64,
    /// Index of the matched entry in the run's log.
    pub entry: usize,
    pub sids: Vec<Sid>,
    pub kinds: Vec<&'static str>,
}

/// Every step's stop, in tour order; `Err` names a place that was not found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    pub stops: Vec<Result<Stop, String>>,
}

impl Plan {
    pub fn stop(&self, step: usize) -> Option<&Stop> {
        self.stops.get(step)?.as_ref().ok()
    }
}

/// Resolve every step of the tour.
pub fn resolve() -> Plan {
    let steps: Vec<&Step> = CHAPTERS.iter().flat_map(|c| c.steps.iter()).collect();
    let mut stops: Vec<Result<Stop, String>> = steps
        .iter()
        .map(|s| Err(format!("not found: {}", s.place.what)))
        .collect();
    let mut runs: BTreeMap<TourRun, Vec<usize>> = BTreeMap::new();
    for (i, s) in steps.iter().enumerate() {
        runs.entry(s.run).or_default().push(i);
    }
    for (run, members) in runs {
        for (i, stop) in resolve_run(run, &members.iter().map(|&i| steps[i]).collect::<Vec<_>>())
            .into_iter()
            .enumerate()
        {
            if let Some(stop) = stop {
                stops[members[i]] = Ok(stop);
            }
        }
    }
    Plan { stops }
}

/// Replay `run` until each of `steps` (all in that run) has its place.
fn resolve_run(run: TourRun, steps: &[&Step]) -> Vec<Option<Stop>> {
    let mut out: Vec<Option<Stop>> = vec![None; steps.len()];
    let mut seen = vec![0u32; steps.len()];
    let Ok(mut session) = Session::new(run.spec()) else {
        return out;
    };
    let mut scanned = 0;
    while out.iter().any(Option::is_none) && session.position() < MAX_RESOLVE_EVENTS {
        if !session.step() {
            break;
        }
        let log = session.log();
        for (idx, entry) in log.iter().enumerate().skip(scanned) {
            for (k, s) in steps.iter().enumerate() {
                if out[k].is_some() || !(s.place.test)(session.sim(), entry) {
                    continue;
                }
                seen[k] += 1;
                if seen[k] == s.place.nth {
                    out[k] = Some(Stop {
                        pos: session.position(),
                        entry: idx,
                        sids: who(session.sim(), s.spot.who, entry),
                        kinds: s.spot.kinds.to_vec(),
                    });
                }
            }
        }
        scanned = log.len();
    }
    out
}

/// The servers `who` names at this point of the run.
fn who(sim: &Simulation, who: Who, entry: &sim::LogEntry) -> Vec<Sid> {
    let up = |want: &dyn Fn(ServerState) -> bool| -> Vec<Sid> {
        sim.sids()
            .filter(|&s| sim.peer(s).is_some_and(|p| want(p.state())))
            .collect()
    };
    let mut sids = match who {
        Who::Nobody => Vec::new(),
        Who::Everyone => sim.sids().collect(),
        Who::Subject => {
            let mut sids = entry.event.peers();
            // syncFollower's note is the leader's; the learner it is about counts too.
            if let Some((_, zab::reason::Note::SyncFollower { learner, .. })) = entry.event.note() {
                sids.push(*learner);
            }
            sids
        }
        Who::Leader => up(&|s| s == ServerState::Leading),
        Who::Learners => up(&|s| matches!(s, ServerState::Following | ServerState::Observing)),
        Who::Observers => sim
            .sids()
            .filter(|&s| {
                sim.peer(s).is_some()
                    && sim.options().config.learner_type(s) == Some(LearnerType::Observer)
            })
            .collect(),
    };
    sids.sort();
    sids.dedup();
    sids
}
