//! Where the audit time comes from. The audit itself never reads a clock:
//! it is handed an [`AuditTime`].

use chrono::{DateTime, Utc};
use serde::Serialize;

pub mod format;
pub mod ios;
pub use ios::parse_device_clock;
pub mod ntp;

/// How the audit time was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TimeSource {
    /// Given on the command line (`--at`): audit "as of" that time.
    Given,
    /// The device's own clock (`--device-clock`, IOS `show clock`): validity
    /// judged as that device judges it.
    DeviceClock,
    /// NTP servers that agree (`--ntp`): the median of the truechimers.
    Ntp,
    /// The local system clock, which nobody has verified.
    SystemClock,
}

impl TimeSource {
    pub fn describe(self) -> &'static str {
        match self {
            TimeSource::Given => "given with --at",
            TimeSource::DeviceClock => "the device's clock, --device-clock",
            TimeSource::Ntp => "NTP",
            TimeSource::SystemClock => "system clock, unverified",
        }
    }
}

/// The device's clock as `show clock` printed it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeviceClock {
    /// The text as given.
    pub text: String,
    pub instant: DateTime<Utc>,
    /// IOS prefixes `*` when the time is not authoritative (never set or
    /// not synchronized) and `.` when it is authoritative but NTP is not
    /// synchronized; neither means the device trusts its clock.
    pub flag: Option<char>,
    /// The device clock minus NTP time, when NTP was asked (seconds).
    pub minus_ntp_seconds: Option<f64>,
}

/// What was learned about time in a run: NTP answers, the local clock's
/// offset, the device's clock. The audit reads it for the near-edge and
/// clock findings; the report shows it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TimeEvidence {
    /// `--ntp`: every server asked and what it said.
    pub ntp: Option<ntp::NtpReport>,
    /// The system clock when NTP answered (NTP time = this + offset).
    pub system_clock: Option<DateTime<Utc>>,
    /// `--device-clock`.
    pub device_clock: Option<DeviceClock>,
    /// `--max-skew` (seconds).
    pub max_skew_seconds: f64,
    /// Why no NTP time was used although `--ntp` was given (the run fell
    /// back to the system clock).
    pub ntp_failed: Option<String>,
}

impl TimeEvidence {
    /// The local clock's offset from NTP time (seconds; positive: the
    /// local clock is behind).
    pub fn local_offset(&self) -> Option<f64> {
        self.ntp.as_ref().and_then(|n| n.offset_seconds)
    }

    /// NTP time, if the servers agreed.
    pub fn ntp_time(&self) -> Option<DateTime<Utc>> {
        self.ntp.as_ref().and_then(|n| n.time)
    }

    /// The NTP error bound (seconds), 0 without NTP.
    pub fn uncertainty(&self) -> f64 {
        self.ntp
            .as_ref()
            .and_then(|n| n.uncertainty_seconds)
            .unwrap_or(0.0)
    }

    /// The clocks that say what "now" is, other than the audit time, with
    /// a label: NTP time, the local clock (when it is off by more than
    /// `--max-skew`), the device clock.
    pub fn views(&self) -> Vec<(String, DateTime<Utc>)> {
        let mut out = Vec::new();
        if let Some(t) = self.ntp_time() {
            out.push(("NTP time".to_string(), whole_seconds(t)));
        }
        if let (Some(local), Some(off)) = (self.system_clock, self.local_offset()) {
            if off.abs() > self.max_skew_seconds {
                out.push((
                    format!("the local clock ({})", describe_offset(-off)),
                    whole_seconds(local),
                ));
            }
        }
        if let Some(d) = &self.device_clock {
            out.push((format!("the device clock ({})", d.text.trim()), d.instant));
        }
        out
    }
}

/// "75.0 s fast", "2.5 s slow", for a clock that reads `seconds` more
/// than the reference.
pub fn describe_offset(seconds: f64) -> String {
    if seconds >= 0.0 {
        format!("{seconds:.3} s fast")
    } else {
        format!("{:.3} s slow", -seconds)
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

    pub fn ntp(instant: DateTime<Utc>) -> Self {
        AuditTime {
            instant: whole_seconds(instant),
            source: TimeSource::Ntp,
        }
    }

    pub fn device(instant: DateTime<Utc>) -> Self {
        AuditTime {
            instant: whole_seconds(instant),
            source: TimeSource::DeviceClock,
        }
    }

    /// The system clock's reading, which the caller (the CLI) took.
    pub fn system_clock(now: DateTime<Utc>) -> Self {
        AuditTime {
            instant: whole_seconds(now),
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
    fn show_clock_with_flag_weekday_and_milliseconds() {
        let c = parse_device_clock("*10:15:32.123 UTC Sat Nov 28 2026", &[]).unwrap();
        assert_eq!(c.instant.to_rfc3339(), "2026-11-28T10:15:32+00:00");
        assert_eq!(c.flag, Some('*'));
        let c = parse_device_clock(".09:00:00.000 CET Mon Mar 1 2027", &[]).unwrap();
        assert_eq!(c.instant.to_rfc3339(), "2027-03-01T08:00:00+00:00");
        assert_eq!(c.flag, Some('.'));
        let c =
            parse_device_clock("12:00:00 IST Sat Nov 28 2026", &[("IST".into(), 19800)]).unwrap();
        assert_eq!(c.instant.to_rfc3339(), "2026-11-28T06:30:00+00:00");
        assert_eq!(c.flag, None);
    }

    #[test]
    fn show_clock_with_an_unknown_zone_or_garbage_is_an_error() {
        let e = parse_device_clock("12:00:00 IST Sat Nov 28 2026", &[]).unwrap_err();
        assert!(e.contains("--device-tz IST="), "{e}");
        let e = parse_device_clock("12:00:00 Sat Nov 28 2026", &[]).unwrap_err();
        assert!(e.contains("no time zone"), "{e}");
        assert!(parse_device_clock("yesterday", &[]).is_err());
        assert!(parse_device_clock("", &[]).is_err());
        assert!(parse_device_clock("25:00:00 UTC Nov 28 2026", &[]).is_err());
    }

    #[test]
    fn rejects_garbage_with_an_example() {
        let e = parse_at("next tuesday").unwrap_err();
        assert!(e.contains("RFC 3339"), "{e}");
    }
}
