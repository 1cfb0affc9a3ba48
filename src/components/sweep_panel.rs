//! The seed sweep panel (issue 13): pick a real bug (its script varied per seed) or random
//! faults on a release, a first seed and a count; a worker runs them in the background with a
//! progress bar, seeds/s and Cancel, and the first seed that breaks a check opens in the
//! app at the violating event (the page's link is then that seed's link).

use crate::state::Action;
use crate::sweep::{self, Sweep};
use crate::time_travel::TravelAction;
use crate::view_model::sweep::{
    parse_seed_count, target_choices, SweepEvent, SweepStatus, BUG_GROUP, DEFAULT_SWEEP_SEEDS,
    RANDOM_GROUP,
};
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SweepPanelProps {
    /// The ensemble's voters, for the random-fault targets.
    pub voters: u32,
    /// The target chosen at first: the bug on screen, or random faults on its release.
    pub default_target: AttrValue,
    /// The page's run is playing: a sweep then shares the cores with its frames.
    pub playing: bool,
    pub on_action: Callback<Action>,
}

#[derive(Clone, PartialEq)]
struct State(SweepStatus);

impl Reducible for State {
    type Action = SweepEvent;
    fn reduce(self: Rc<Self>, event: SweepEvent) -> Rc<Self> {
        Rc::new(State(self.0.next(event)))
    }
}

#[component]
pub fn SweepPanel(props: &SweepPanelProps) -> Html {
    let status = use_reducer(|| State(SweepStatus::Idle));
    let running: Rc<RefCell<Option<Sweep>>> = use_mut_ref(|| None);
    let target = use_state(|| props.default_target.to_string());
    let from = use_state(|| "0".to_string());
    let count = use_state(|| DEFAULT_SWEEP_SEEDS.to_string());
    let problem = use_state(|| None::<String>);
    // A sweep that ended (found, clean, failed, cancelled) lets its worker go: after the
    // render, never from inside the worker's own message handler.
    {
        let running = running.clone();
        use_effect_with(status.0.running(), move |is_running| {
            if !*is_running {
                running.borrow_mut().take();
            }
        });
    }
    // Tell a running sweep when the run starts or stops playing.
    {
        let running = running.clone();
        use_effect_with(props.playing, move |playing| {
            if let Some(s) = running.borrow().as_ref() {
                s.pace(*playing);
            }
        });
    }
    let on_target = {
        let target = target.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            target.set(select.value());
        })
    };
    let field = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            state.set(input.value());
        })
    };
    let on_start = {
        let (status, running, target, from, count, problem) = (
            status.clone(),
            running.clone(),
            target.clone(),
            from.clone(),
            count.clone(),
            problem.clone(),
        );
        let on_action = props.on_action.clone();
        let playing = props.playing;
        Callback::from(move |_: MouseEvent| {
            let of = match parse_seed_count(&count) {
                Ok(n) => n,
                Err(e) => return problem.set(Some(e)),
            };
            let Ok(first) = from.trim().parse::<u64>() else {
                return problem.set(Some("From seed must be a whole number".to_string()));
            };
            let Ok(hunt_target) = sim::hunt::Target::parse(&target) else {
                return problem.set(Some(format!("No such target: {}", *target)));
            };
            problem.set(None);
            let dispatcher = status.dispatcher();
            let on_action = on_action.clone();
            let hear = move |event: SweepEvent| {
                if let SweepEvent::Found { hit, .. } = &event {
                    on_action.emit(Action::Travel(TravelAction::Start {
                        spec: sim::hunt::spec(&hunt_target, hit.seed),
                        pos: Some(hit.step),
                    }));
                }
                dispatcher.dispatch(event);
            };
            match sweep::start(&target, first, of, playing, hear) {
                Ok(s) => *running.borrow_mut() = Some(s),
                Err(e) => status.dispatch(SweepEvent::Failed(e)),
            }
        })
    };
    let on_cancel = {
        let (status, running) = (status.clone(), running.clone());
        Callback::from(move |_: MouseEvent| {
            running.borrow_mut().take();
            status.dispatch(SweepEvent::Cancel);
        })
    };

    let s = &status.0;
    let choices = use_memo(props.voters, |v| target_choices(*v));
    let group = |name: &'static str| {
        let options = choices.iter().filter(|c| c.group == name).map(|c| {
            html! { <option value={c.value.clone()} selected={*target == c.value}>{ c.label.clone() }</option> }
        });
        html! { <optgroup label={name}>{ for options }</optgroup> }
    };
    let open = !matches!(s, SweepStatus::Idle);
    let available = *use_memo((), |_| sweep::available());
    html! {
        <details class="sweep" open={open}>
            <summary class="sweep__summary">{ "Sweep seeds for a broken check" }</summary>
            <p class="sweep__intro">
                { "Each seed is a whole run with every check on: a real bug's script, varied \
                   from seed to seed, or random crashes, partitions, pauses and writes. The \
                   first seed that breaks a check opens here, at that event." }
            </p>
            if available {
                <div class="sweep__form">
                    <label class="sweep__field sweep__field--target">
                        <span class="sweep__label">{ "Runs" }</span>
                        <select class="sweep__target" onchange={on_target} disabled={s.running()}>
                            { group(BUG_GROUP) }
                            { group(RANDOM_GROUP) }
                        </select>
                    </label>
                    <label class="sweep__field">
                        <span class="sweep__label">{ "From seed" }</span>
                        <input class="sweep__from" type="number" min="0" inputmode="numeric"
                            value={(*from).clone()} oninput={field(&from)} disabled={s.running()} />
                    </label>
                    <label class="sweep__field">
                        <span class="sweep__label">{ "Seeds" }</span>
                        <input class="sweep__count" type="number" min="1" inputmode="numeric"
                            value={(*count).clone()} oninput={field(&count)} disabled={s.running()} />
                    </label>
                    if s.running() {
                        <button class="btn sweep__cancel" onclick={on_cancel}>{ "Cancel" }</button>
                    } else {
                        <button class="btn btn--primary sweep__start" onclick={on_start}>{ "Sweep" }</button>
                    }
                </div>
                if let SweepStatus::Running { done, of, .. } = s {
                    <progress class="sweep__progress" max={of.to_string()} value={done.to_string()}
                        aria-label="Seeds swept"></progress>
                }
                if let Some(p) = &*problem {
                    <p class="sweep__problem" role="alert">{ format!("{p}.") }</p>
                }
                <p class={classes!("sweep__status", matches!(s, SweepStatus::Found { .. }).then_some("sweep__status--found"))}
                    role="status">{ s.text() }</p>
            } else {
                <p class="sweep__status">
                    { "Sweeps run in a worker, which needs the app on its own page. The command \
                       line does the same: zabsim hunt ZOOKEEPER-4646 --seeds 0..1000." }
                </p>
            }
        </details>
    }
}
