//! Where the messages in flight are drawn, so that no label covers another or a card.
//!
//! ```text
//!   card A ──[PROPOSAL]────[ACK]──▶ card B     one lane per direction: messages on it are
//!          ◀──────[PING]──────────             spaced out in their travel order, never
//!                                              stacked; what does not fit becomes a dot
//!   labels are taken in priority order         (no text), counted in a "+N" pill, and
//!   (picked, then quorum, then election) and   named on hover/focus.
//!   kept only where they touch nothing.
//! ```
//!
//! Pure geometry over the drawing's CSS pixels, tested natively.

use crate::view_model::geometry::{Point, Rect};

/// A message's height as a pill, and its text's size (≥ 12 px).
pub const PILL_H: f64 = 20.0;
pub const PILL_FONT_PX: f64 = 12.0;
/// A conservative advance per character of the pill's bold capitals at 12 px.
const CHAR_W: f64 = 8.4;
const PILL_PAD: f64 = 14.0;
/// Room kept between two labels, and between a label and a card.
const CLEAR: f64 = 3.0;

/// The width of a pill that reads `text`.
pub fn pill_width(text: &str) -> f64 {
    PILL_PAD + CHAR_W * text.chars().count() as f64
}

/// One message to place.
#[derive(Clone, Debug, PartialEq)]
pub struct PillInput {
    pub id: u64,
    /// Messages on the same lane (same direction, same connection kind) share a key.
    pub lane: (i64, i64, bool),
    /// The lane's segment, from the sender's card edge to the receiver's.
    pub a: Point,
    pub b: Point,
    /// How far along it has travelled, 0..=1.
    pub t: f64,
    pub text: String,
    /// Higher goes first when labels compete.
    pub priority: u8,
}

/// Where a message is drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct PillPlace {
    pub id: u64,
    /// The centre of its label, or of its dot.
    pub at: Point,
    /// Its label is drawn; otherwise a dot (no text).
    pub labeled: bool,
    /// This label also stands for this many dots on its lane that found no room.
    pub more: u32,
    pub w: f64,
}

/// Place every message: spaced along its lane, labelled where the label touches nothing.
/// The places come back in the order of `inputs`.
pub fn place_pills(inputs: &[PillInput], obstacles: &[Rect], bounds: Rect) -> Vec<PillPlace> {
    let mut lanes: Vec<(i64, i64, bool)> = inputs.iter().map(|p| p.lane).collect();
    lanes.sort();
    lanes.dedup();
    // (index in inputs, candidate position, wants a label, +N)
    let mut placed: Vec<(usize, Point, bool, u32)> = Vec::with_capacity(inputs.len());
    for lane in lanes {
        let mut group: Vec<usize> = (0..inputs.len())
            .filter(|i| inputs[*i].lane == lane)
            .collect();
        group.sort_by(|x, y| {
            inputs[*x]
                .t
                .total_cmp(&inputs[*y].t)
                .then(inputs[*x].id.cmp(&inputs[*y].id))
        });
        space_lane(inputs, &group, &mut placed);
    }
    // Labels compete in priority order; a label that would touch a card, the edge or another
    // label becomes a dot.
    let mut order: Vec<usize> = (0..placed.len()).collect();
    order.sort_by(|x, y| {
        let (a, b) = (&inputs[placed[*x].0], &inputs[placed[*y].0]);
        b.priority.cmp(&a.priority).then(a.id.cmp(&b.id))
    });
    let mut taken: Vec<Rect> = Vec::new();
    let mut out: Vec<PillPlace> = placed
        .iter()
        .map(|(i, at, _, more)| PillPlace {
            id: inputs[*i].id,
            at: *at,
            labeled: false,
            more: *more,
            w: pill_width(&label_text(&inputs[*i].text, *more)),
        })
        .collect();
    for k in order {
        let (_, at, wants, _) = placed[k];
        if !wants {
            continue;
        }
        let r = Rect::centered(at, out[k].w, PILL_H);
        let clear = r.inflated(CLEAR);
        let free = bounds.contains_rect(&r)
            && obstacles.iter().all(|o| !clear.overlaps(o))
            && taken.iter().all(|t| !clear.overlaps(t));
        if free {
            taken.push(r);
            out[k].labeled = true;
        }
    }
    // A "+N" that lost its label hands its count back to nobody: its dots still show.
    for p in &mut out {
        if !p.labeled {
            p.more = 0;
        }
    }
    // Back in the order given (lanes grouped them), so callers can zip with their inputs.
    let mut by_input: Vec<(usize, PillPlace)> = placed.iter().map(|(i, ..)| *i).zip(out).collect();
    by_input.sort_by_key(|(i, _)| *i);
    by_input.into_iter().map(|(_, p)| p).collect()
}

/// The pill's text: its kind, and how many more ride behind it.
pub fn label_text(text: &str, more: u32) -> String {
    if more == 0 {
        text.to_string()
    } else {
        format!("{text} +{more}")
    }
}

/// Space one lane's messages (in travel order) so their labels do not overlap; those that
/// find no room stay where they are as dots, counted on the last label before them.
fn space_lane(inputs: &[PillInput], group: &[usize], placed: &mut Vec<(usize, Point, bool, u32)>) {
    let first = &inputs[group[0]];
    let (a, b) = (first.a, first.b);
    let len = a.distance(b);
    let (ux, uy) = if len > 0.0 {
        ((b.x - a.x) / len, (b.y - a.y) / len)
    } else {
        (1.0, 0.0)
    };
    let at = |s: f64| Point::new(a.x + ux * s, a.y + uy * s);
    // How much of the lane a label takes, projected on it (room for a "+N" included).
    let most = group.len() as u32;
    let half = |i: usize| {
        let w = pill_width(&label_text(&inputs[i].text, most));
        ux.abs() * w / 2.0 + uy.abs() * PILL_H / 2.0 + CLEAR
    };
    let widest = group.iter().map(|i| half(*i)).fold(0.0, f64::max);
    let (lo, hi) = (widest, len - widest);
    let gap = 2.0 * widest;
    let desired: Vec<f64> = group.iter().map(|i| inputs[*i].t * len).collect();
    if hi < lo {
        // No room for any label on this lane.
        for (k, i) in group.iter().enumerate() {
            placed.push((*i, at(desired[k]), false, 0));
        }
        return;
    }
    let room = (((hi - lo) / gap).floor() as usize + 1).max(1);
    // Label the ones nearest arrival (the last `room`); the rest are dots, counted on the
    // first label.
    let labeled_from = group.len().saturating_sub(room);
    let mut s: Vec<f64> = desired[labeled_from..]
        .iter()
        .map(|d| d.clamp(lo, hi))
        .collect();
    for k in 1..s.len() {
        s[k] = s[k].max(s[k - 1] + gap);
    }
    if let Some(last) = s.last_mut() {
        *last = last.min(hi);
    }
    for k in (0..s.len().saturating_sub(1)).rev() {
        s[k] = s[k].min(s[k + 1] - gap);
    }
    for (k, i) in group.iter().enumerate() {
        if k < labeled_from {
            placed.push((*i, at(desired[k]), false, 0));
        } else {
            let more = if k == labeled_from {
                labeled_from as u32
            } else {
                0
            };
            placed.push((*i, at(s[k - labeled_from].max(lo)), true, more));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(id: u64, lane: (i64, i64, bool), t: f64, text: &str) -> PillInput {
        PillInput {
            id,
            lane,
            a: Point::new(100.0, 100.0),
            b: Point::new(700.0, 100.0),
            t,
            text: text.to_string(),
            priority: 0,
        }
    }

    fn labels(p: &[PillPlace]) -> Vec<Rect> {
        p.iter()
            .filter(|p| p.labeled)
            .map(|p| Rect::centered(p.at, p.w, PILL_H))
            .collect()
    }

    fn assert_no_overlap(rects: &[Rect]) {
        for (i, a) in rects.iter().enumerate() {
            for b in &rects[i + 1..] {
                assert!(!a.overlaps(b), "{a:?} overlaps {b:?}");
            }
        }
    }

    #[test]
    fn test_messages_on_one_lane_are_spaced_not_stacked() {
        // Three NOTIFICATIONs sent in the same millisecond sit at the same point of the lane.
        let ins: Vec<PillInput> = (0..3)
            .map(|i| input(i, (1, 2, false), 0.5, "NOTIFICATION"))
            .collect();
        let out = place_pills(&ins, &[], Rect::new(0.0, 0.0, 800.0, 200.0));
        assert_eq!(labels(&out).len(), 3);
        assert_no_overlap(&labels(&out));
    }

    #[test]
    fn test_a_burst_is_thinned_with_a_count_and_nothing_overlaps() {
        let ins: Vec<PillInput> = (0..12)
            .map(|i| input(i, (1, 2, false), i as f64 / 12.0, "NOTIFICATION"))
            .collect();
        let out = place_pills(&ins, &[], Rect::new(0.0, 0.0, 800.0, 200.0));
        let l = labels(&out);
        assert!(l.len() < 12 && !l.is_empty());
        assert_no_overlap(&l);
        let counted: u32 = out.iter().map(|p| p.more).sum();
        assert_eq!(
            counted as usize + l.len(),
            12,
            "every message is labelled or counted"
        );
    }

    #[test]
    fn test_labels_keep_off_cards_and_crossing_lanes() {
        let card = Rect::new(350.0, 60.0, 100.0, 80.0);
        let mut ins = vec![input(1, (1, 2, false), 0.5, "PING")];
        // A crossing lane with a label at the same point.
        ins.push(PillInput {
            a: Point::new(400.0, 0.0),
            b: Point::new(400.0, 200.0),
            ..input(2, (3, 4, false), 0.5, "ACK")
        });
        let out = place_pills(&ins, &[card], Rect::new(0.0, 0.0, 800.0, 200.0));
        for r in labels(&out) {
            assert!(!r.overlaps(&card), "{r:?} on the card");
        }
        assert_no_overlap(&labels(&out));
    }

    #[test]
    fn test_the_picked_message_wins_its_label() {
        let mut a = input(1, (1, 2, false), 0.5, "NOTIFICATION");
        let mut b = PillInput {
            a: Point::new(400.0, 0.0),
            b: Point::new(400.0, 200.0),
            ..input(2, (3, 4, false), 0.5, "PROPOSAL")
        };
        b.priority = 9;
        a.priority = 1;
        let out = place_pills(&[a, b], &[], Rect::new(0.0, 0.0, 800.0, 200.0));
        let picked = out.iter().find(|p| p.id == 2).expect("placed");
        assert!(picked.labeled);
    }

    #[test]
    fn test_places_come_back_in_the_order_given() {
        // Two lanes, given interleaved: the result lines up with the input, one for one.
        let inputs = vec![
            input(1, (2, 1, false), 0.5, "CONNECT"),
            input(2, (1, 2, false), 0.5, "NOTIFICATION"),
            input(3, (2, 1, false), 0.2, "PING"),
        ];
        let bounds = Rect::new(0.0, 0.0, 2000.0, 2000.0);
        let out = place_pills(&inputs, &[], bounds);
        let ids: Vec<u64> = out.iter().map(|p| p.id).collect();
        assert_eq!(ids, vec![1, 2, 3]);
    }
}
