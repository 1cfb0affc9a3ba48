//! The guided tour's panel (beside the drawing on a desktop, a sheet at the bottom of a
//! phone's screen), and the first visit's small "Take the tour" offer. Both are pure views of
//! `crate::tour::TourView` and dispatch `Action::Tour`.

use crate::state::{Action, TourAction};
use crate::tour::{first_step_of, TourView, CHAPTERS};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TourPanelProps {
    pub view: TourView,
    pub on_action: Callback<Action>,
}

/// On a phone the tour is a sheet over the bottom of the screen: after each step, scroll the
/// page so the first thing the step highlights stands in the visible part above the sheet
/// (or, when nothing is highlighted, the drawing's top). A desktop's side panel covers nothing.
fn bring_highlight_above_sheet() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let phone = window
        .match_media("(max-width: 700px)")
        .ok()
        .flatten()
        .is_some_and(|m| m.matches());
    let Some(doc) = window.document() else { return };
    let (Some(sheet), true) = (doc.query_selector(".tour").ok().flatten(), phone) else {
        return;
    };
    let target = doc
        .query_selector(
            ".app__drawing .peer-card--highlighted, .app__drawing .message-pill--highlighted",
        )
        .ok()
        .flatten()
        .or_else(|| doc.query_selector(".app__drawing").ok().flatten());
    let Some(target) = target else { return };
    let room = sheet.get_bounding_client_rect().top();
    let r = target.get_bounding_client_rect();
    if r.top() >= 8.0 && r.bottom() <= room - 8.0 {
        return;
    }
    // Its middle to the middle of the room above the sheet (its top, if it is taller).
    let dy = if r.height() >= room - 16.0 {
        r.top() - 8.0
    } else {
        r.top() + r.height() / 2.0 - room / 2.0
    };
    window.scroll_by_with_x_and_y(0.0, dy);
}

#[component]
pub fn TourPanel(props: &TourPanelProps) -> Html {
    let v = &props.view;
    use_effect_with((v.chapter, v.step_in_chapter), |_| {
        bring_highlight_above_sheet()
    });
    let act = |a: TourAction| {
        props
            .on_action
            .reform(move |_: MouseEvent| Action::Tour(a.clone()))
    };
    let on_chapter = props.on_action.reform(|e: Event| {
        let n = e
            .target_dyn_into::<web_sys::HtmlSelectElement>()
            .and_then(|s| s.value().parse::<usize>().ok())
            .unwrap_or(1);
        Action::Tour(TourAction::Open(first_step_of(n).unwrap_or(0)))
    });
    let code = v.code.as_ref().map(|(lines, running)| {
        let at = running.map(|(line, _)| line);
        html! {
            <figure class="tour__code-box">
                <ol class="tour__code" aria-label="getEpochToPropose, as our own pseudo-code">
                    { for lines.iter().enumerate().map(|(i, l)| {
                        let here = at == Some(i);
                        html! {
                            // The indent is a class, not a style attribute: the page's
                            // Content-Security-Policy refuses inline styles.
                            <li class={classes!("tour__line", format!("tour__line--indent-{}", l.indent.min(4)),
                                    here.then_some("tour__line--running"))}
                                aria-current={here.then_some("step")} data-line={i.to_string()}>
                                { l.text }
                            </li>
                        }
                    }) }
                </ol>
                <figcaption class="tour__code-note">
                    { match running {
                        Some((line, who)) => format!("Marked: line {} — where {who} is in the simulation now.", line + 1),
                        None => "No thread is in getEpochToPropose at this moment.".to_string(),
                    } }
                </figcaption>
            </figure>
        }
    });
    html! {
        <section class="tour" aria-label="Guided tour" data-chapter={v.chapter.to_string()}
            data-step={v.step_in_chapter.to_string()}>
            <div class="tour__head">
                <label class="tour__chapter">
                    <span class="visually-hidden">{ "Chapter" }</span>
                    <select class="tour__select" onchange={on_chapter} aria-label="Chapter">
                        { for CHAPTERS.iter().enumerate().map(|(i, c)| html! {
                            <option value={(i + 1).to_string()} selected={i + 1 == v.chapter}>
                                { format!("{}. {}", i + 1, c.title) }
                            </option>
                        }) }
                    </select>
                </label>
                <button class="btn tour__close" onclick={act(TourAction::Close)}
                    aria-label="Close the tour and go back to your run (Esc)">{ "Close" }</button>
            </div>
            <h2 class="tour__title">
                { v.title }
                <span class="tour__count">{ format!(" — step {} of {}, chapter {} of {}", v.step_in_chapter, v.steps_in_chapter, v.chapter, v.chapters) }</span>
            </h2>
            <div class="tour__body">
                <div class="tour__text">
                    { for v.text.iter().map(|p| html! { <p>{ *p }</p> }) }
                    if let Some((words, done)) = v.task {
                        <p class={classes!("tour__task", done.then_some("tour__task--done"))} role="status">
                            <strong>{ if done { "Done ✓ " } else { "Your turn: " } }</strong>
                            { words }
                        </p>
                    }
                    if let Some(problem) = &v.problem {
                        <p class="tour__problem" role="alert">{ problem }</p>
                    }
                </div>
                { for code }
            </div>
            <div class="tour__nav">
                <button class="btn tour__back" disabled={!v.can_back} onclick={act(TourAction::Back)}
                    aria-keyshortcuts="ArrowLeft">{ "← Back" }</button>
                <span class="tour__keys">{ "← → steps · Esc closes" }</span>
                <button class="btn btn--primary tour__next" disabled={!v.can_next} onclick={act(TourAction::Next)}
                    aria-keyshortcuts="ArrowRight">{ "Next →" }</button>
            </div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct TourOfferProps {
    /// The first visit's offer, with a line of text and "Not now"; otherwise just the button.
    pub full: bool,
    pub on_action: Callback<Action>,
}

/// The way into the tour, beside the headline (never over the drawing): on a first visit an
/// offer that can be dismissed, afterwards one button.
#[component]
pub fn TourOffer(props: &TourOfferProps) -> Html {
    let take = props
        .on_action
        .reform(|_: MouseEvent| Action::Tour(TourAction::Open(0)));
    let dismiss = props
        .on_action
        .reform(|_: MouseEvent| Action::Tour(TourAction::DismissOffer));
    if !props.full {
        return html! {
            <button class="btn btn--small tour-offer__take tour-offer__take--quiet" onclick={take}
                title="A guided tour of a startup, chapter by chapter">{ "Tour" }</button>
        };
    }
    html! {
        <aside class="tour-offer" aria-label="Guided tour">
            <span class="tour-offer__text">{ "New to Zab? Follow this startup step by step, back and forth." }</span>
            <button class="btn btn--primary tour-offer__take" onclick={take}>{ "Take the tour" }</button>
            <button class="btn tour-offer__dismiss" onclick={dismiss} aria-label="Dismiss the tour offer">{ "Not now" }</button>
        </aside>
    }
}
