//! The guided tour: twelve chapters that tell the story of a startup, each step standing at a
//! deterministic position of a deterministic run and pointing at what it talks about.
//!
//! ```text
//!   CHAPTERS (data: title, our own words, run, place, spot, task)
//!        │ resolve(): replay each run once, event by event, until every step's place is seen
//!        ▼
//!   Plan (one Stop per step: the position, the servers and message kinds to highlight)
//!        │ the reducer stands the tour's own session at a Stop (crate::state)
//!        ▼
//!   TourView (what the panel shows; chapter 7's running pseudo-code line read from the
//!             simulation's thread state at that position, never written into the step)
//! ```
//!
//! A step does not carry an event number: it names a *place* — a predicate over the event log
//! ("the first FOLLOWERINFO sent") — and the place is found by replaying the run when the tour
//! opens. If the engine changes, the step follows the event it talks about, and the native
//! tests (`tour/tests.rs`) check that what each step highlights is there.

mod chapters;
mod pseudo;
mod resolve;

pub use chapters::{Chapter, Place, Spot, Step, Task, TourRun, Who, CHAPTERS, TOUR_SEED};
pub use pseudo::{epoch_wait_code, running_line, CodeLine, EPOCH_WAIT_CODE};
pub use resolve::{resolve, Plan, Stop, MAX_RESOLVE_EVENTS};

/// How many steps the tour has, all chapters together.
pub fn step_count() -> usize {
    CHAPTERS.iter().map(|c| c.steps.len()).sum()
}

/// The (chapter index, step index within it) of a step, counted over the whole tour.
pub fn locate(step: usize) -> Option<(usize, usize)> {
    let mut left = step;
    for (ci, c) in CHAPTERS.iter().enumerate() {
        if left < c.steps.len() {
            return Some((ci, left));
        }
        left -= c.steps.len();
    }
    None
}

/// The first step of chapter `number` (1-based, as in `?tour=N`).
pub fn first_step_of(number: usize) -> Option<usize> {
    let ci = number.checked_sub(1)?;
    (ci < CHAPTERS.len()).then(|| CHAPTERS[..ci].iter().map(|c| c.steps.len()).sum())
}

/// The step with this whole-tour index.
pub fn step(step: usize) -> Option<&'static Step> {
    let (ci, si) = locate(step)?;
    Some(&CHAPTERS[ci].steps[si])
}

/// A line of pseudo-code being run (0-based), and the thread that runs it.
pub type Running = (usize, &'static str);

/// What the tour panel shows for the step it stands at.
#[derive(Clone, Debug, PartialEq)]
pub struct TourView {
    /// 1-based chapter number, and how many there are.
    pub chapter: usize,
    pub chapters: usize,
    pub chapter_title: &'static str,
    /// 1-based step within the chapter, and how many it has.
    pub step_in_chapter: usize,
    pub steps_in_chapter: usize,
    pub title: &'static str,
    pub text: &'static [&'static str],
    /// Chapter 7's pseudo-code, with the line the simulation is at and the thread that is
    /// there (if one is at a line).
    pub code: Option<(Vec<CodeLine>, Option<Running>)>,
    /// Something the reader is asked to do here, and whether it is done.
    pub task: Option<(&'static str, bool)>,
    pub can_back: bool,
    pub can_next: bool,
    /// Why the step could not be placed (the engine no longer has its event).
    pub problem: Option<String>,
}

#[cfg(test)]
mod tests;
