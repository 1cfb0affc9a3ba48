//! The page's one polite live region: it announces the run's significant changes (a leader
//! elected, a sync mode chosen, a leader established, a timeout, a lost quorum, a crash, a
//! restart, a partition, the network healing) — never the clock — and at most once every
//! [`MIN_GAP_MS`]: changes that come faster are folded into the newest.

use std::cell::RefCell;
use std::rc::Rc;
use yew::platform::spawn_local;
use yew::platform::time::sleep;
use yew::prelude::*;

/// The shortest time between two announcements.
pub const MIN_GAP_MS: f64 = 1_500.0;

#[derive(Properties, PartialEq)]
pub struct AnnouncerProps {
    /// The newest significant change at the position: (its log index, its words).
    pub latest: Option<(u64, AttrValue)>,
}

#[component]
pub fn Announcer(props: &AnnouncerProps) -> Html {
    let spoken = use_state_eq(String::new);
    let last_at = use_mut_ref(|| f64::NEG_INFINITY);
    let pending = use_mut_ref(|| false);
    let newest: Rc<RefCell<Option<AttrValue>>> = use_mut_ref(|| None);
    *newest.borrow_mut() = props.latest.as_ref().map(|(_, t)| t.clone());
    {
        let spoken = spoken.clone();
        use_effect_with(props.latest.as_ref().map(|(i, _)| *i), move |index| {
            if index.is_some() {
                let now = js_sys::Date::now();
                let wait = *last_at.borrow() + MIN_GAP_MS - now;
                if wait <= 0.0 {
                    *last_at.borrow_mut() = now;
                    spoken.set(newest.borrow().as_deref().unwrap_or_default().to_string());
                } else if !*pending.borrow() {
                    *pending.borrow_mut() = true;
                    spawn_local(async move {
                        sleep(std::time::Duration::from_millis(wait.ceil() as u64)).await;
                        *pending.borrow_mut() = false;
                        *last_at.borrow_mut() = js_sys::Date::now();
                        spoken.set(newest.borrow().as_deref().unwrap_or_default().to_string());
                    });
                }
            }
        });
    }
    html! {
        <div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">
            { (*spoken).clone() }
        </div>
    }
}
