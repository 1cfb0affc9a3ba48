//! Where a message is drawn between its send and its delivery. The position comes from the
//! event log's times alone (`sent_at`, `deliver_at`) and the display clock, so animating needs
//! no simulation work (DESIGN: "the event log is the product's spine").

/// The fraction of the way a message has travelled at `display_ms`, in `0.0..=1.0`.
///
/// With `reduced_motion` (the user's `prefers-reduced-motion`), messages do not glide: each is
/// drawn at the middle of its lane for its whole flight, so it appears and disappears in place.
pub fn progress(display_ms: f64, sent_at_ms: u64, deliver_at_ms: u64, reduced_motion: bool) -> f64 {
    if reduced_motion {
        return 0.5;
    }
    if deliver_at_ms <= sent_at_ms {
        return 1.0;
    }
    let t = (display_ms - sent_at_ms as f64) / (deliver_at_ms - sent_at_ms) as f64;
    t.clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_progress_interpolates_between_send_and_delivery() {
        assert_eq!(progress(100.0, 100, 140, false), 0.0);
        assert_eq!(progress(110.0, 100, 140, false), 0.25);
        assert_eq!(progress(120.0, 100, 140, false), 0.5);
        assert_eq!(progress(140.0, 100, 140, false), 1.0);
    }

    #[test]
    fn test_progress_clamps_outside_the_flight() {
        assert_eq!(progress(50.0, 100, 140, false), 0.0);
        assert_eq!(progress(500.0, 100, 140, false), 1.0);
        // A zero-latency hop is already there.
        assert_eq!(progress(100.0, 100, 100, false), 1.0);
    }

    #[test]
    fn test_reduced_motion_pins_messages_mid_lane() {
        for t in [0.0, 100.0, 120.0, 139.0] {
            assert_eq!(progress(t, 100, 140, true), 0.5);
        }
    }
}
