//! The space-time diagram: a lane per server (coloured by its state), an arrow per message
//! from its send to its delivery (coloured by family, the few readable ones labelled), the
//! timeline's cursor. Only the visible window is drawn (see `time_travel::diagram`). It opens
//! fitted to the last burst of messages that are not PINGs; "Fit" (or 0) goes back to that.
//! Wheel or pinch zooms, shift+wheel or dragging scrolls, a click or tap on an arrow picks it
//! (every view shows the pick), elsewhere seeks there; with the drawing focused, ←/→ scroll
//! and +/− zoom. No key is taken while it is not focused.

use crate::hooks::{use_visible, use_width};
use crate::share;
use crate::state::Action;
use crate::time_travel::diagram::{
    label_transform, ArrowView, DiagramAction, DiagramModel, DiagramSettings, FitIndex, Gesture,
    LabelView, View, ViewMode, GUTTER, LABEL_BASELINE, TICK_Y,
};
use crate::time_travel::log_index::{Fate, KindGroup};
use crate::time_travel::{DiagramSource, TravelAction};
use sim::MsgId;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SpaceTimeProps {
    /// The run, the cache, the cursor and the picked message.
    pub source: DiagramSource,
    /// The file name for the SVG export, e.g. `zabscope-seed7.svg`.
    pub file_name: AttrValue,
    pub on_action: Callback<Action>,
}

type WheelClosure = Closure<dyn FnMut(web_sys::WheelEvent)>;

/// The model for these settings; a fit reads the kept [`FitIndex`], brought up to date.
fn model_of(
    source: &DiagramSource,
    settings: &DiagramSettings,
    fit: &RefCell<FitIndex>,
) -> DiagramModel {
    let session = source.session.borrow();
    let cache = source.cache.borrow();
    let arrows = &cache.index.arrows;
    let span = match settings.mode {
        ViewMode::Fit => {
            let mut fit = fit.borrow_mut();
            fit.sync(arrows);
            settings.fit_span(&fit, arrows, source.cursor_ms)
        }
        ViewMode::Follow | ViewMode::Fixed => None,
    };
    let sids: Vec<zab::Sid> = session.sim().sids().collect();
    let mut model = DiagramModel::build_in(
        &cache.index,
        session.full_log(),
        &sids,
        settings,
        span,
        source.selected,
        source.cursor_ms,
    );
    // A broken check, once the view has reached it: its rule and its servers' lanes in red.
    if let Some(v) = session
        .checks()
        .violation()
        .filter(|v| v.step <= session.position())
    {
        let title = crate::view_model::checks::property(&v.what).title;
        model.mark_violation(v.time.0 as f64, v.what.servers(), title);
    }
    model
}

#[component]
pub fn SpaceTime(props: &SpaceTimeProps) -> Html {
    // How the diagram is looked at is this component's own state (SG-21: view state stays
    // in its view); what it shows comes from the source, and the model is rebuilt only when
    // one of the two changed.
    let view = use_reducer(DiagramView::default);
    let fit = use_mut_ref(FitIndex::default);
    let model = {
        let settings = view.settings.clone();
        let fit = fit.clone();
        use_memo(
            (props.source.clone(), settings),
            move |(source, settings)| model_of(source, settings, &fit),
        )
    };
    let m = &*model;
    // The view as drawn, for the view actions. Listeners registered once (the wheel, the
    // resize observer) read it here, so they never act on a stale cursor or zoom.
    let drawn = use_mut_ref(View::default);
    *drawn.borrow_mut() = m.view();
    let on_view = {
        let view = view.dispatcher();
        let drawn = drawn.clone();
        Callback::from(move |a: DiagramAction| view.dispatch((a, *drawn.borrow())))
    };
    let on_action = &props.on_action;
    let frame = use_node_ref();
    let gesture = use_mut_ref(Gesture::default);
    let act = |a: DiagramAction| on_view.reform(move |_: MouseEvent| a);

    // Off screen (below the fold while the drawing plays), the arrows are not drawn at all.
    let on_screen = use_visible(frame.clone());
    use_width(
        frame.clone(),
        on_view.reform(|w: f64| DiagramAction::SetWidth(w.round())),
    );
    // A message picked anywhere (a pill, a log row) is brought into view.
    {
        let on_view = on_view.clone();
        let span = m.details.as_ref().map(|d| (d.sent_ms, d.end_ms));
        use_effect_with(props.source.selected, move |_| {
            if let Some((sent, end)) = span {
                on_view.emit(DiagramAction::Reveal {
                    from_ms: sent as f64,
                    to_ms: end as f64,
                });
            }
        });
    }
    // The wheel zooms the diagram, so its listener must be able to cancel the page's scroll:
    // Yew's are passive, this one is not. It acts only while the pointer is over the diagram.
    {
        let on_view = on_view.clone();
        use_effect_with(frame.clone(), move |frame| {
            let el = frame.cast::<web_sys::HtmlElement>();
            let closure: Option<WheelClosure> = el.as_ref().map(|_| {
                Closure::new(move |e: web_sys::WheelEvent| {
                    e.prevent_default();
                    let (dx, dy) = (e.delta_x(), e.delta_y());
                    if e.shift_key() || dx.abs() > dy.abs() {
                        let d = if dx.abs() > dy.abs() { dx } else { dy };
                        on_view.emit(DiagramAction::Pan { dx_px: d });
                    } else {
                        on_view.emit(DiagramAction::Zoom {
                            factor: (dy * 0.0015).exp(),
                            anchor_px: Some(f64::from(e.offset_x())),
                        });
                    }
                })
            });
            if let (Some(el), Some(c)) = (&el, &closure) {
                let options = web_sys::AddEventListenerOptions::new();
                options.set_passive(false);
                let _ = el.add_event_listener_with_callback_and_add_event_listener_options(
                    "wheel",
                    c.as_ref().unchecked_ref(),
                    &options,
                );
            }
            move || {
                if let (Some(el), Some(c)) = (el, closure) {
                    let _ =
                        el.remove_event_listener_with_callback("wheel", c.as_ref().unchecked_ref());
                }
            }
        });
    }

    // Where the pointer is in the drawing's pixels.
    let local = {
        let frame = frame.clone();
        move |e: &PointerEvent| -> Option<(f64, f64)> {
            let rect = frame.cast::<web_sys::Element>()?.get_bounding_client_rect();
            Some((
                f64::from(e.client_x()) - rect.left(),
                f64::from(e.client_y()) - rect.top(),
            ))
        }
    };
    // Mouse, pen and fingers alike: one pointer drags, two pinch (`Gesture`). The frame
    // captures the pointers, so a drag that leaves it goes on and its release is seen.
    let on_pointer_down = {
        let gesture = gesture.clone();
        let local = local.clone();
        let frame = frame.clone();
        Callback::from(move |e: PointerEvent| {
            if e.pointer_type() == "mouse" && e.button() != 0 {
                return;
            }
            if let Some((x, y)) = local(&e) {
                gesture.borrow_mut().down(e.pointer_id(), x, y);
                if let Some(el) = frame.cast::<web_sys::Element>() {
                    let _ = el.set_pointer_capture(e.pointer_id());
                }
            }
        })
    };
    let on_pointer_move = {
        let gesture = gesture.clone();
        let on_view = on_view.clone();
        let model = model.clone();
        let local = local.clone();
        Callback::from(move |e: PointerEvent| {
            let Some((x, y)) = local(&e) else { return };
            let mut g = gesture.borrow_mut();
            if g.active() {
                if let Some(a) = g.moved(e.pointer_id(), x, y) {
                    drop(g);
                    on_view.emit(a);
                }
            } else if e.pointer_type() == "mouse" {
                let near = model.nearest(x, y, HIT_PX);
                if near != model.hovered.as_ref().map(|h| h.msg) {
                    on_view.emit(DiagramAction::Hover(near));
                }
            }
        })
    };
    let on_pointer_up = {
        let gesture = gesture.clone();
        let on_action = on_action.clone();
        let model = model.clone();
        Callback::from(move |e: PointerEvent| {
            let Some((x, y)) = gesture.borrow_mut().up(e.pointer_id()) else {
                return;
            };
            // A fingertip is less precise than a mouse pointer.
            let reach = if e.pointer_type() == "mouse" {
                HIT_PX
            } else {
                TOUCH_HIT_PX
            };
            let action = match model.nearest(x, y, reach) {
                Some(msg) => Action::SelectMessage(Some(MsgId(msg))),
                None if x >= GUTTER => {
                    let t = (model.t0_ms + (x - GUTTER) * model.ms_per_px).max(0.0);
                    Action::Travel(TravelAction::SeekToTime(t as u64))
                }
                None => return,
            };
            on_action.emit(action);
        })
    };
    let on_cancel = {
        let gesture = gesture.clone();
        Callback::from(move |_: PointerEvent| gesture.borrow_mut().cancel())
    };
    let on_leave = {
        let on_view = on_view.clone();
        let hovering = m.hovered.is_some();
        Callback::from(move |_: PointerEvent| {
            if hovering {
                on_view.emit(DiagramAction::Hover(None));
            }
        })
    };
    let on_key = {
        let on_view = on_view.clone();
        Callback::from(move |e: KeyboardEvent| {
            let a = match e.key().as_str() {
                "ArrowLeft" => DiagramAction::Pan { dx_px: -80.0 },
                "ArrowRight" => DiagramAction::Pan { dx_px: 80.0 },
                "+" | "=" => DiagramAction::Zoom {
                    factor: 0.5,
                    anchor_px: None,
                },
                "-" | "_" => DiagramAction::Zoom {
                    factor: 2.0,
                    anchor_px: None,
                },
                "f" => DiagramAction::Follow,
                "0" => DiagramAction::Fit,
                _ => return,
            };
            e.prevent_default();
            // The diagram is focused: these keys are not the page's shortcuts.
            e.stop_propagation();
            on_view.emit(a);
        })
    };
    let export_svg = {
        let model = model.clone();
        Callback::from(move |e: MouseEvent| {
            if let Some(a) = share::target::<web_sys::Element>(&e)
                .and_then(|el| el.closest("a").ok().flatten())
                .and_then(|el| el.dyn_into::<web_sys::HtmlAnchorElement>().ok())
            {
                share::arm_download(
                    &a,
                    &model.to_svg("ZabScope space-time diagram"),
                    "image/svg+xml",
                );
            }
        })
    };

    let filters = KindGroup::ALL.iter().enumerate().map(|(i, g)| {
        let on = m.show.get(i).copied().unwrap_or(true);
        html! {
            <button class={classes!("space-time__filter", format!("space-time__filter--{}", g.modifier()))}
                aria-pressed={on.to_string()} onclick={act(DiagramAction::Toggle(*g))}
                title={format!("Show or hide {} messages", g.label())}>
                <span class="space-time__swatch" aria-hidden="true"></span>{ g.label() }
            </button>
        }
    });
    let lanes = m.lanes.iter().map(|lane| {
        html! {
            <g class="space-time__lane" key={lane.sid.0}>
                <line class="space-time__lane-bed" x1={fmt(GUTTER)} y1={fmt(lane.y)} x2={fmt(m.width)} y2={fmt(lane.y)} />
                { for lane.segments.iter().map(|s| html! {
                    <line class={classes!("space-time__lane-span", format!("space-time__lane-span--{}", s.look))}
                        x1={fmt(s.x1)} y1={fmt(lane.y)} x2={fmt(s.x2)} y2={fmt(lane.y)} />
                }) }
            </g>
        }
    });
    let broken = |sid: zab::Sid| {
        m.violation
            .as_ref()
            .is_some_and(|v| v.servers.contains(&sid))
    };
    let lane_labels = m.lanes.iter().map(|lane| {
        let bad = broken(lane.sid);
        html! {
            <text key={lane.sid.0} class={classes!("space-time__lane-label", bad.then_some("space-time__lane-label--broken"))}
                x="4" y={fmt(lane.y + LABEL_BASELINE)}>{ if bad { format!("server {} ✗", lane.sid) } else { format!("server {}", lane.sid) } }</text>
        }
    });
    // The broken check's rule, its label at the top, and a ring on each server it names.
    let violation = m.violation.as_ref().and_then(|v| {
        let x = v.x?;
        let rings = m.lanes.iter().filter(|l| v.servers.contains(&l.sid)).map(|l| html! {
            <circle class="space-time__violation-ring" cx={fmt(x)} cy={fmt(l.y)} r="6" />
        });
        Some(html! {
            <g class="space-time__violation">
                { for rings }
                <text class="space-time__violation-label" x={fmt(if v.label_left { x - 4.0 } else { x + 4.0 })} y={fmt(TICK_Y + 16.0)}
                    text-anchor={if v.label_left { "end" } else { "start" }}>{ v.label.clone() }</text>
            </g>
        })
    });
    // The rule goes under the arrows and their labels (a label on it stays readable); the rings
    // and the property's name go over them.
    let violation_rule = m.violation.as_ref().and_then(|v| v.x).map(|x| html! {
                    <line class="space-time__violation-rule" x1={fmt(x)} y1={fmt(TICK_Y + 4.0)} x2={fmt(x)} y2={fmt(m.height)} />
    });
    let shown = m.hovered.as_ref().or(m.details.as_ref());

    html! {
        <section class="panel space-time" aria-label="Space-time diagram">
            <div class="space-time__head">
                <h2 class="panel__title">{ "Space-time diagram" }</h2>
                <div class="space-time__filters" role="group" aria-label="Message families">{ for filters }</div>
                <div class="space-time__zoom" role="group" aria-label="Zoom">
                    <button class="btn space-time__zoom-out" onclick={act(DiagramAction::Zoom { factor: 2.0, anchor_px: None })} title="Zoom out (−)" aria-label="Zoom out">{ "−" }</button>
                    <span class="space-time__scale" title="Simulated milliseconds per pixel">{ scale_label(m.ms_per_px) }</span>
                    <button class="btn space-time__zoom-in" onclick={act(DiagramAction::Zoom { factor: 0.5, anchor_px: None })} title="Zoom in (+)" aria-label="Zoom in">{ "+" }</button>
                    <button class={classes!("btn", "space-time__fit")} aria-pressed={(m.mode == ViewMode::Fit).to_string()}
                        onclick={act(DiagramAction::Fit)} title="Fit the last burst of messages (0)">{ "Fit" }</button>
                    <button class={classes!("btn", "space-time__follow")} aria-pressed={(m.mode == ViewMode::Follow).to_string()}
                        onclick={act(DiagramAction::Follow)} title="Keep the cursor in view (f)">{ "Follow" }</button>
                    <a class="btn space-time__export" href="#" download={props.file_name.clone()} onclick={export_svg}
                        title="Download what is drawn as an SVG file">{ "⤓ SVG" }</a>
                </div>
            </div>
            <div class="space-time__frame" ref={frame} tabindex="0" role="group"
                aria-label="Messages between servers over time. Wheel, pinch or +/− zooms, drag or ←/→ scrolls, 0 fits, a click seeks there."
                onpointerdown={on_pointer_down} onpointermove={on_pointer_move} onpointerup={on_pointer_up}
                onpointercancel={on_cancel} onpointerleave={on_leave} onkeydown={on_key}>
                <svg class="space-time__svg" width={fmt(m.width)} height={fmt(m.height)}
                    viewBox={format!("0 0 {} {}", fmt(m.width), fmt(m.height))}>
                    <g class="space-time__ticks">
                        { for m.ticks.iter().map(|(x, label)| html! {
                            <g class="space-time__tick">
                                <line x1={fmt(*x)} y1={fmt(TICK_Y + 4.0)} x2={fmt(*x)} y2={fmt(m.height)} />
                                <text x={fmt(*x)} y={fmt(TICK_Y)} text-anchor="middle">{ label }</text>
                            </g>
                        }) }
                    </g>
                    { for lanes }
                    { for violation_rule }
                    // Under the arrows and their labels, so a label on the cursor stays readable.
                    if let Some(x) = m.cursor_x {
                        <line class="space-time__cursor" x1={fmt(x)} y1={fmt(TICK_Y + 4.0)} x2={fmt(x)} y2={fmt(m.height)} />
                    }
                    <g class={classes!("space-time__arrows", (m.drawn > DENSE).then_some("space-time__arrows--dense"))}
                        transform={m.transform()}>
                        <Arrows arrows={m.arrows.clone()} labels={m.labels.clone()} ms_per_px={m.ms_per_px} visible={on_screen} />
                    </g>
                    { for violation }
                    // The lane labels' column covers arrows that began before the window.
                    <rect class="space-time__gutter" width={fmt(GUTTER)} height={fmt(m.height)} />
                    <g class="space-time__lane-labels">{ for lane_labels }</g>
                </svg>
            </div>
            <p class="space-time__note">
                if m.drawn < m.in_window {
                    { format!("Showing {} of the {} messages in view (of {} in the run) — zoom in to see every one. ", m.drawn, m.in_window, m.total) }
                } else {
                    { format!("{} in view, {} in the run. ", messages(m.in_window), m.total) }
                }
                { "Arrows run from the send (left) to the delivery (right)." }
            </p>
            if let Some(d) = shown {
                <div class={classes!("space-time__details", (m.details.as_ref() == Some(d)).then_some("space-time__details--kept"))} role="status">
                    <code class="space-time__summary">{ &d.summary }</code>
                    <span class="space-time__meta">{ format!(
                        "#{} · {} → {} · sent {} ms · {} {} ms",
                        d.msg, d.from, d.to, d.sent_ms,
                        match d.fate { Fate::Delivered => "delivered", Fate::Dropped => "dropped", Fate::InFlight => "due" },
                        d.end_ms
                    ) }</span>
                    if m.details.as_ref() == Some(d) {
                        <button class="space-time__details-close" onclick={on_action.reform(|_: MouseEvent| Action::SelectMessage(None))}
                            aria-label="Close" title="Close">{ "×" }</button>
                    }
                </div>
            } else {
                <p class="space-time__details space-time__details--empty">{ "Point at an arrow for its fields; click it to keep them." }</p>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ArrowsProps {
    arrows: Rc<Vec<ArrowView>>,
    labels: Rc<Vec<LabelView>>,
    /// The zoom, which the labels undo.
    ms_per_px: f64,
    /// Off screen, nothing is drawn.
    visible: bool,
}

/// The arrows and their labels, in time units inside the parent's transformed group. A
/// component of its own so that a frame that changes neither (the run playing on under a
/// fitted or fixed view, a hover) skips comparing hundreds of lines.
#[component]
fn Arrows(props: &ArrowsProps) -> Html {
    if !props.visible {
        return Html::default();
    }
    let arrows = props.arrows.iter().map(|a| {
        html! {
            <line key={a.msg} class={classes!(
                    "space-time__arrow",
                    format!("space-time__arrow--{}", a.group.modifier()),
                    a.future.then_some("space-time__arrow--future"),
                    a.selected.then_some("space-time__arrow--selected"),
                    a.hovered.then_some("space-time__arrow--hovered"),
                    (a.fate == Fate::Dropped).then_some("space-time__arrow--dropped"),
                    (a.fate == Fate::InFlight).then_some("space-time__arrow--in-flight"),
                )}
                data-kind={a.kind} data-msg={a.msg.to_string()}
                x1={num(a.t1)} y1={num(a.y1)} x2={num(a.t2)} y2={num(a.y2)} />
        }
    });
    // Each label undoes the group's scale, so its text is not stretched.
    let labels = props.labels.iter().map(|l| {
        html! {
            <text key={l.msg} class={classes!(
                    "space-time__label",
                    format!("space-time__label--{}", l.group.modifier()),
                    l.future.then_some("space-time__label--future"),
                    l.selected.then_some("space-time__label--selected"),
                )}
                transform={label_transform(l, props.ms_per_px)} y={fmt(LABEL_BASELINE)} text-anchor="middle">{ l.text }</text>
        }
    });
    // Two groups, so each is one keyed list (an arrow and its label share the message's key).
    html! {
        <>
            <g class="space-time__lines">{ for arrows }</g>
            <g class="space-time__labels">{ for labels }</g>
        </>
    }
}

/// The diagram's view state, as a small reducer of its own.
#[derive(Clone, Debug, Default, PartialEq)]
struct DiagramView {
    settings: DiagramSettings,
}

impl Reducible for DiagramView {
    /// The action, and the view as drawn when it was taken (zoom and scroll start there).
    type Action = (DiagramAction, View);

    fn reduce(self: Rc<Self>, (action, at): Self::Action) -> Rc<Self> {
        let mut next = Rc::unwrap_or_clone(self);
        next.settings.apply_in(action, &at);
        Rc::new(next)
    }
}

/// "1 message", "3 messages".
fn messages(n: usize) -> String {
    if n == 1 {
        "1 message".to_string()
    } else {
        format!("{n} messages")
    }
}

fn scale_label(ms_per_px: f64) -> String {
    if ms_per_px >= 1.0 {
        format!("{ms_per_px:.0} ms/px")
    } else {
        format!("{ms_per_px:.2} ms/px")
    }
}

fn fmt(v: f64) -> String {
    format!("{v:.1}")
}

/// Arrow coordinates: whole milliseconds mostly, so the shortest text.
fn num(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

/// Above this many arrows, they are drawn without anti-aliasing: at that density nobody sees
/// the difference, and software rasterisers paint them twice as fast.
const DENSE: usize = 400;

/// How near (px) the pointer must be to an arrow to point at it.
const HIT_PX: f64 = 6.0;
/// How near a tap must be.
const TOUCH_HIT_PX: f64 = 14.0;
