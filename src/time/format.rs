//! How instants and spans are written in findings and reports: one place,
//! so every output says the same thing about the same time.

use chrono::{DateTime, SecondsFormat, Utc};

/// An instant as RFC 3339 in UTC, whole seconds: `2026-12-07T09:50:08Z`.
pub fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// "3 days", "1 day", "5 hours" — how far apart two instants are.
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
}
