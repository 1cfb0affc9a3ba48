//! Playback speed on a log scale: simulated milliseconds per real millisecond.
//!
//! The slider holds an integer step; the factor is `10^(step / STEPS_PER_DECADE)`, so 0 is 1×
//! ("one simulated ms per real ms"), −100 is 0.01× and +100 is 10×. Keeping the step (not the
//! float) in the state makes it exact to compare and to carry in a URL.

/// Slider steps per factor of ten.
pub const STEPS_PER_DECADE: i32 = 50;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Speed(pub i32);

impl Speed {
    /// 0.01×: an election's 5–40 ms hops take 0.5–4 s to watch.
    pub const MIN: Speed = Speed(-2 * STEPS_PER_DECADE);
    /// 10×.
    pub const MAX: Speed = Speed(STEPS_PER_DECADE);
    /// 0.25×: a 5-voter ensemble elects and syncs in about four seconds of play, and the
    /// messages are still visible in flight. Slow it down (to 0.01×) to read every field.
    pub const DEFAULT: Speed = Speed(-30);

    pub fn clamped(step: i32) -> Speed {
        Speed(step.clamp(Speed::MIN.0, Speed::MAX.0))
    }

    /// Simulated ms per real ms.
    pub fn factor(self) -> f64 {
        10f64.powf(f64::from(self.0) / f64::from(STEPS_PER_DECADE))
    }

    /// `0.04×`, `1×`, `2.5×`: two significant digits, no trailing zeros.
    pub fn label(self) -> String {
        let f = self.factor();
        let text = if f >= 10.0 {
            format!("{f:.0}")
        } else if f >= 1.0 {
            format!("{f:.1}")
        } else if f >= 0.1 {
            format!("{f:.2}")
        } else {
            format!("{f:.3}")
        };
        let text = if text.contains('.') {
            text.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            text
        };
        format!("{text}×")
    }
}

impl Default for Speed {
    fn default() -> Self {
        Speed::DEFAULT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_factor_is_logarithmic_around_one() {
        assert_eq!(Speed(0).factor(), 1.0);
        assert!((Speed::MAX.factor() - 10.0).abs() < 1e-9);
        assert!((Speed::MIN.factor() - 0.01).abs() < 1e-12);
        assert!((Speed(-STEPS_PER_DECADE).factor() - 0.1).abs() < 1e-12);
        assert!(Speed::DEFAULT.factor() > 0.245 && Speed::DEFAULT.factor() < 0.255);
    }

    #[test]
    fn test_labels() {
        assert_eq!(Speed(0).label(), "1×");
        assert_eq!(Speed::MAX.label(), "10×");
        assert_eq!(Speed::MIN.label(), "0.01×");
        assert_eq!(Speed(-STEPS_PER_DECADE).label(), "0.1×");
        assert_eq!(Speed(-15).label(), "0.5×");
        assert_eq!(Speed::DEFAULT.label(), "0.25×");
    }

    #[test]
    fn test_clamped() {
        assert_eq!(Speed::clamped(1000), Speed::MAX);
        assert_eq!(Speed::clamped(-1000), Speed::MIN);
        assert_eq!(Speed::clamped(3), Speed(3));
    }
}
