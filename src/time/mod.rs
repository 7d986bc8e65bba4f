//! Where the audit time comes from. The audit itself never reads a clock:
//! it is handed an [`AuditTime`].

use chrono::{DateTime, Utc};
use serde::Serialize;

pub mod ntp;

/// How the audit time was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TimeSource {
    /// Given on the command line (`--at`): audit "as of" that time.
    Given,
    /// The local system clock, which nobody has verified.
    SystemClock,
}

impl TimeSource {
    pub fn describe(self) -> &'static str {
        match self {
            TimeSource::Given => "given with --at",
            TimeSource::SystemClock => "system clock, unverified",
        }
    }
}

/// The instant validity windows are judged against, and its origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AuditTime {
    pub instant: DateTime<Utc>,
    pub source: TimeSource,
}

impl AuditTime {
    pub fn given(instant: DateTime<Utc>) -> Self {
        AuditTime {
            instant: whole_seconds(instant),
            source: TimeSource::Given,
        }
    }

    /// Read the system clock. Only the CLI calls this.
    pub fn system_clock() -> Self {
        AuditTime {
            instant: whole_seconds(Utc::now()),
            source: TimeSource::SystemClock,
        }
    }
}

/// X.509 validity has one-second granularity (RFC 5280 §4.1.2.5): a
/// certificate is valid through the whole second of its notAfter, so times
/// are compared at that granularity (`floor(time)`, as webpki does).
pub fn whole_seconds(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp(t.timestamp(), 0).unwrap_or(t)
}

/// Parse `--at`: RFC 3339 (`2027-03-01T00:00:00Z`), or a bare date
/// (`2027-03-01`, midnight UTC).
pub fn parse_at(text: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text.trim()) {
        return Ok(whole_seconds(t.with_timezone(&Utc)));
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
        if let Some(t) = d.and_hms_opt(0, 0, 0) {
            return Ok(t.and_utc());
        }
    }
    Err(format!(
        "'{text}' is not an RFC 3339 time (e.g. 2027-03-01T00:00:00Z) or a date (2027-03-01)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rfc3339_with_offset_into_utc() {
        let t = parse_at("2027-03-01T02:00:00+02:00").unwrap();
        assert_eq!(t.to_rfc3339(), "2027-03-01T00:00:00+00:00");
    }

    #[test]
    fn fractions_of_a_second_are_dropped() {
        let t = parse_at("2024-04-01T00:00:00.005Z").unwrap();
        assert_eq!(t.to_rfc3339(), "2024-04-01T00:00:00+00:00");
    }

    #[test]
    fn parses_bare_date_as_midnight_utc() {
        let t = parse_at("2027-03-01").unwrap();
        assert_eq!(t.to_rfc3339(), "2027-03-01T00:00:00+00:00");
    }

    #[test]
    fn rejects_garbage_with_an_example() {
        let e = parse_at("next tuesday").unwrap_err();
        assert!(e.contains("RFC 3339"), "{e}");
    }
}
