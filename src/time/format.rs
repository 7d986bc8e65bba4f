//! How instants and spans are written in findings and reports: one place,
//! so every output says the same thing about the same time.

use chrono::{DateTime, SecondsFormat, Utc};

/// An instant as RFC 3339 in UTC, whole seconds: `2026-12-07T09:50:08Z`.
pub fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// "3 days", "1 day", "5 hours" — how far apart two instants are.
pub use crate::model::whole_days;

/// A day count in words: `12 days left`, `expires today`, `expired 3 days
/// ago`, `expired today` (`expired`: notAfter has passed).
pub fn days_words(days: i64, expired: bool) -> String {
    if expired || days < 0 {
        match days.unsigned_abs() {
            0 => "expired today".into(),
            1 => "expired 1 day ago".into(),
            n => format!("expired {n} days ago"),
        }
    } else {
        match days {
            0 => "expires today".into(),
            1 => "1 day left".into(),
            n => format!("{n} days left"),
        }
    }
}

/// The time between two instants in words, in the same whole days as
/// [`whole_days`] (hours or minutes under a day).
pub fn span(from: DateTime<Utc>, to: DateTime<Utc>) -> String {
    let secs = (to - from).num_seconds().abs();
    let days = secs / 86_400;
    match days {
        0 => match secs / 3600 {
            0 => format!("{} minutes", secs / 60),
            1 => "1 hour".into(),
            h => format!("{h} hours"),
        },
        1 => "1 day".into(),
        d => format!("{d} days"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_read_as_words() {
        let t = |s: i64| DateTime::<Utc>::from_timestamp(s, 0).unwrap();
        assert_eq!(span(t(0), t(59 * 60)), "59 minutes");
        assert_eq!(span(t(0), t(3600)), "1 hour");
        assert_eq!(span(t(7200), t(0)), "2 hours");
        assert_eq!(span(t(0), t(86_400)), "1 day");
        assert_eq!(span(t(0), t(10 * 86_400 + 5)), "10 days");
        assert_eq!(ts(t(1_796_637_008)), "2026-12-07T09:50:08Z");
    }

    #[test]
    fn one_day_count_rounded_toward_zero() {
        let t = |s: i64| DateTime::<Utc>::from_timestamp(s, 0).unwrap();
        let day = 86_400;
        // 9 days 20 hours ago: 9 everywhere (span, count, words).
        let (now, after) = (t(10 * day), t(4 * 3600));
        assert_eq!(whole_days(now, after), -9);
        assert_eq!(span(after, now), "9 days");
        assert_eq!(days_words(-9, true), "expired 9 days ago");
        // 23 hours left: today.
        assert_eq!(whole_days(t(0), t(23 * 3600)), 0);
        assert_eq!(days_words(0, false), "expires today");
        assert_eq!(days_words(0, true), "expired today");
        assert_eq!(days_words(1, false), "1 day left");
        assert_eq!(days_words(-1, true), "expired 1 day ago");
        assert_eq!(whole_days(t(0), t(20 * day + 5)), 20);
    }
}
