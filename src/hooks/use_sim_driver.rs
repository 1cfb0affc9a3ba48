//! The one place wall-clock time enters the app (SG-22): a requestAnimationFrame loop that
//! dispatches `Action::Tick { dt_ms }` with the real time elapsed since the previous frame.
//!
//! ```text
//!   active ──▶ rAF ──frame(ts)──▶ dispatch Tick{ts − last} ──▶ rAF … (until inactive)
//!   visibilitychange ──▶ dispatch SetHidden(document.hidden)
//! ```
//!
//! When the run is paused or the page is hidden, `active` is false and no frame is scheduled,
//! so an idle page costs no CPU. Dropping the effect cancels the pending frame.

use crate::browser::document_hidden;
use crate::state::{Action, UiState};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

thread_local! {
    /// Animation-frame loops running now (each mounted, playing app has one). A paused or
    /// hidden app has none: the browser suite checks this to prove an idle page does no work.
    static ACTIVE_LOOPS: Cell<usize> = const { Cell::new(0) };
}

/// How many animation-frame loops run now, across every mounted app.
pub fn active_frame_loops() -> usize {
    ACTIVE_LOOPS.with(Cell::get)
}

/// A frame never advances the clock by more than this much real time, so a stalled tab (or a
/// debugger pause) resumes smoothly instead of jumping.
const MAX_FRAME_MS: f64 = 250.0;

type FrameClosure = Closure<dyn FnMut(f64)>;
type EventClosure = Closure<dyn FnMut(web_sys::Event)>;

/// Drive the simulation while `active`; report page visibility always.
#[hook]
pub fn use_sim_driver(active: bool, dispatcher: UseReducerDispatcher<UiState>) {
    {
        let dispatcher = dispatcher.clone();
        use_effect_with((), move |_| {
            let listener = watch_visibility(dispatcher);
            move || {
                if let Some((document, closure)) = listener {
                    let _ = document.remove_event_listener_with_callback(
                        "visibilitychange",
                        closure.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }
    use_effect_with(active, move |active| {
        let frames = active.then(|| start_frames(dispatcher));
        move || {
            if let Some(frames) = frames {
                frames.stop();
            }
        }
    });
}

fn watch_visibility(
    dispatcher: UseReducerDispatcher<UiState>,
) -> Option<(web_sys::Document, EventClosure)> {
    let document = web_sys::window()?.document()?;
    dispatcher.dispatch(Action::SetHidden(document_hidden()));
    let closure: EventClosure = Closure::new(move |_: web_sys::Event| {
        dispatcher.dispatch(Action::SetHidden(document_hidden()));
    });
    document
        .add_event_listener_with_callback("visibilitychange", closure.as_ref().unchecked_ref())
        .ok()?;
    Some((document, closure))
}

/// A running animation-frame loop.
struct Frames {
    handle: Rc<Cell<Option<i32>>>,
    closure: Rc<RefCell<Option<FrameClosure>>>,
}

impl Frames {
    fn stop(self) {
        ACTIVE_LOOPS.with(|n| n.set(n.get().saturating_sub(1)));
        if let (Some(window), Some(id)) = (web_sys::window(), self.handle.take()) {
            let _ = window.cancel_animation_frame(id);
        }
        // Breaks the closure's reference to itself, so it is freed.
        self.closure.borrow_mut().take();
    }
}

fn start_frames(dispatcher: UseReducerDispatcher<UiState>) -> Frames {
    ACTIVE_LOOPS.with(|n| n.set(n.get() + 1));
    let handle = Rc::new(Cell::new(None));
    let closure: Rc<RefCell<Option<FrameClosure>>> = Rc::new(RefCell::new(None));
    let last = Cell::new(None::<f64>);
    let (h, c) = (handle.clone(), closure.clone());
    *closure.borrow_mut() = Some(Closure::new(move |ts: f64| {
        h.set(None);
        if let Some(prev) = last.replace(Some(ts)) {
            let dt_ms = (ts - prev).clamp(0.0, MAX_FRAME_MS);
            dispatcher.dispatch(Action::Tick { dt_ms });
        }
        if let Some(f) = c.borrow().as_ref() {
            h.set(request_frame(f));
        }
    }));
    if let Some(f) = closure.borrow().as_ref() {
        handle.set(request_frame(f));
    }
    Frames { handle, closure }
}

fn request_frame(f: &FrameClosure) -> Option<i32> {
    web_sys::window()?
        .request_animation_frame(f.as_ref().unchecked_ref())
        .ok()
}
