//! Dates as Cisco IOS prints and takes them: `show crypto pki certificates`
//! validity lines, `show clock`, and certificate-map `valid-start` /
//! `expires-on` values. Zone labels are turned into offsets only where
//! their meaning is not in doubt, or where the operator stated them
//! (`--device-tz`).

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

use super::DeviceClock;
use crate::model::partial::ShowDate;

/// UTC offsets of time zone labels whose meaning is not in doubt. Labels
/// used by more than one zone (IST, CST, BST, AST) are not here: the
/// operator states them with `--device-tz`.
const WELL_KNOWN_ZONES: &[(&str, i32)] = &[
    ("UTC", 0),
    ("GMT", 0),
    ("UCT", 0),
    ("Z", 0),
    ("WET", 0),
    ("WEST", 3600),
    ("CET", 3600),
    ("CEST", 7200),
    ("MET", 3600),
    ("MEST", 7200),
    ("EET", 7200),
    ("EEST", 10800),
    ("MSK", 10800),
    ("EST", -5 * 3600),
    ("EDT", -4 * 3600),
    ("CDT", -5 * 3600),
    ("MST", -7 * 3600),
    ("MDT", -6 * 3600),
    ("PST", -8 * 3600),
    ("PDT", -7 * 3600),
    ("AKST", -9 * 3600),
    ("AKDT", -8 * 3600),
    ("HST", -10 * 3600),
    ("JST", 9 * 3600),
    ("KST", 9 * 3600),
    ("HKT", 8 * 3600),
    ("SGT", 8 * 3600),
    ("AWST", 8 * 3600),
    ("ACST", 9 * 3600 + 1800),
    ("AEST", 10 * 3600),
    ("AEDT", 11 * 3600),
    ("NZST", 12 * 3600),
    ("NZDT", 13 * 3600),
];

pub fn parse_show_date(value: &str, device_tz: &[(String, i32)]) -> Result<ShowDate, String> {
    let parts: Vec<&str> = value.split_whitespace().collect();
    let (time, zone, rest) = match parts.as_slice() {
        [time, zone, mon, day, year] => (*time, *zone, [*mon, *day, *year]),
        [time, mon, day, year] if month_prefix(mon).is_some() => (*time, "", [*mon, *day, *year]),
        _ => return Err("expected `HH:MM:SS ZONE Mon D YYYY`".into()),
    };
    let time = time.trim_start_matches('*').trim_start_matches('.');
    let time = NaiveTime::parse_from_str(time, "%H:%M:%S")
        .or_else(|_| NaiveTime::parse_from_str(time, "%H:%M:%S%.f"))
        .map_err(|_| format!("`{time}` is not a time of day"))?;
    let month = month_prefix(rest[0]).ok_or_else(|| format!("`{}` is not a month", rest[0]))?;
    let day: u32 = rest[1]
        .parse()
        .map_err(|_| format!("`{}` is not a day", rest[1]))?;
    let year: i32 = rest[2]
        .parse()
        .map_err(|_| format!("`{}` is not a year", rest[2]))?;
    let date = NaiveDate::from_ymd_opt(year, month, day)
        .ok_or_else(|| format!("{} {day} {year} is not a calendar date", rest[0]))?;
    let local = NaiveDateTime::new(date, time);
    let (offset, source) = if zone.is_empty() {
        (None, None)
    } else if let Some((_, off)) = device_tz
        .iter()
        .find(|(label, _)| label.eq_ignore_ascii_case(zone))
    {
        (Some(*off), Some("--device-tz"))
    } else if let Some((_, off)) = WELL_KNOWN_ZONES
        .iter()
        .find(|(label, _)| label.eq_ignore_ascii_case(zone))
    {
        (
            Some(*off),
            Some(if *off == 0 { "utc" } else { "well-known" }),
        )
    } else {
        (None, None)
    };
    let utc = offset
        .and_then(FixedOffset::east_opt)
        .and_then(|o| o.from_local_datetime(&local).single())
        .map(|t| super::whole_seconds(t.with_timezone(&Utc)));
    Ok(ShowDate {
        raw: value.to_string(),
        zone: zone.to_string(),
        local,
        utc,
        offset_seconds: offset,
        offset_source: source,
    })
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// A month (1-12) by a word that starts with its three-letter abbreviation
/// (`Apr`, `April`), as `show` output prints it.
fn month_prefix(word: &str) -> Option<u32> {
    let w = word.to_ascii_lowercase();
    MONTHS
        .iter()
        .position(|m| m.get(..3).is_some_and(|abbr| w.starts_with(abbr)))
        .and_then(|i| u32::try_from(i + 1).ok())
}

/// A month by its English name or three-letter abbreviation.
fn month_number(word: &str) -> Option<u32> {
    let w = word.to_ascii_lowercase();
    MONTHS
        .iter()
        .position(|m| *m == w || (w.len() == 3 && m.starts_with(&w)))
        .and_then(|i| u32::try_from(i + 1).ok())
}

/// A `valid-start` / `expires-on` value. IOS takes the day and the month in
/// either order (`01 Jan 2030` or `Jan 01 2030`, the month by name), the
/// year, an optional `hh:mm[:ss]` and an optional `utc` (YANG
/// `Cisco-IOS-XE-crypto`, grouping `time-grouping`). Two numbers are read
/// as day then month (the "dd mm yyyy" form of Cisco's Common Criteria
/// guide), except when the second cannot be a month (`12 31 2030` is
/// December 31).
pub fn parse_map_date(value: &str) -> Result<DateTime<Utc>, String> {
    let words: Vec<&str> = value.split_whitespace().collect();
    let mut words = words.as_slice();
    if let [rest @ .., last] = words {
        if last.eq_ignore_ascii_case("utc") {
            words = rest;
        }
    }
    let (a, b, year, time) = match words {
        [a, b, y] => (*a, *b, *y, None),
        [a, b, y, t] => (*a, *b, *y, Some(*t)),
        _ => {
            return Err(format!(
                "{value:?} is not a date (expected e.g. `01 Jan 2030 00:00:00` or \
                 `Jan 01 2030 00:00:00`)"
            ))
        }
    };
    let num = |s: &str| s.parse::<u32>().ok();
    let (day, month) = match (num(a), num(b), month_number(a), month_number(b)) {
        (Some(d), None, None, Some(m)) => (d, m),
        (None, Some(d), Some(m), None) => (d, m),
        (Some(x), Some(y), _, _) if x > 12 || y <= 12 => (x, y),
        (Some(x), Some(y), _, _) => (y, x),
        _ => return Err(format!("{value:?}: day and month not understood")),
    };
    let year: i32 = year
        .parse()
        .map_err(|_| format!("{value:?}: year {year:?} is not a number"))?;
    let date = NaiveDate::from_ymd_opt(year, month, day)
        .ok_or_else(|| format!("{value:?} is not a valid date"))?;
    let time = match time {
        None => NaiveTime::MIN,
        Some(t) => NaiveTime::parse_from_str(t, "%H:%M:%S")
            .or_else(|_| NaiveTime::parse_from_str(t, "%H:%M"))
            .map_err(|_| format!("{value:?}: time {t:?} is not hh:mm:ss"))?,
    };
    Ok(date.and_time(time).and_utc())
}

/// Parse `show clock` output (`*10:15:32.123 UTC Sat Nov 28 2026`; the
/// weekday and the leading `*`/`.` are optional) with the device's zone
/// labels (`--device-tz`). A zone whose offset is not known is an error:
/// guessing it would move the audit time by hours.
pub fn parse_device_clock(text: &str, device_tz: &[(String, i32)]) -> Result<DeviceClock, String> {
    let trimmed = text.trim();
    let flag = trimmed.chars().next().filter(|c| *c == '*' || *c == '.');
    let body = trimmed.trim_start_matches(['*', '.']);
    const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let parts: Vec<&str> = body
        .split_whitespace()
        .filter(|p| !WEEKDAYS.contains(&p.to_ascii_lowercase().as_str()))
        .collect();
    let date = parse_show_date(&parts.join(" "), device_tz).map_err(|e| {
        format!("'{trimmed}': {e} (the format of IOS `show clock`: `*10:15:32.123 UTC Sat Nov 28 2026`)")
    })?;
    let instant = date.utc.ok_or_else(|| {
        if date.zone.is_empty() {
            format!("'{trimmed}': no time zone; IOS `show clock` prints one")
        } else {
            format!(
                "'{trimmed}': the offset of time zone '{}' is not known; give it with --device-tz {}=+HH:MM",
                date.zone, date.zone
            )
        }
    })?;
    Ok(DeviceClock {
        text: trimmed.to_string(),
        instant,
        flag,
        minus_ntp_seconds: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_known_and_stated_zones() {
        let none: Vec<(String, i32)> = Vec::new();
        let d = parse_show_date("14:32:10 CEST Apr 12 2024", &none).unwrap();
        assert_eq!(d.utc.unwrap().to_rfc3339(), "2024-04-12T12:32:10+00:00");
        assert_eq!(d.offset_source, Some("well-known"));
        let d = parse_show_date("10:15:22.123 UTC Jan 5 2025", &none).unwrap();
        assert_eq!(d.utc.unwrap().to_rfc3339(), "2025-01-05T10:15:22+00:00");
        // A label that means two things is not guessed...
        let d = parse_show_date("08:00:00 IST Mar 1 2026", &none).unwrap();
        assert_eq!(d.utc, None);
        // ...unless the operator says what it is.
        let ist = vec![("IST".to_string(), 5 * 3600 + 1800)];
        let d = parse_show_date("08:00:00 IST Mar 1 2026", &ist).unwrap();
        assert_eq!(d.utc.unwrap().to_rfc3339(), "2026-03-01T02:30:00+00:00");
        assert_eq!(d.offset_source, Some("--device-tz"));
        assert!(parse_show_date("08:00:00 UTC Foo 1 2026", &none).is_err());
        assert!(parse_show_date("08:00:00 UTC Feb 30 2026", &none).is_err());
        assert!(parse_show_date("yesterday", &none).is_err());
        // a date that lost its year says what is expected, not "CET is not a month"
        let e = parse_show_date("07:07:08 CET Feb 29", &none).unwrap_err();
        assert!(e.contains("expected"), "{e}");
    }

    #[test]
    fn map_dates() {
        let d = |s: &str| parse_map_date(s).map(|d| d.to_rfc3339());
        let jan = Ok("2030-01-15T10:20:30+00:00".to_string());
        assert_eq!(d("15 Jan 2030 10:20:30"), jan);
        assert_eq!(d("jan 15 2030 10:20:30 utc"), jan);
        assert_eq!(d("January 15 2030 10:20:30"), jan);
        assert_eq!(d("15 01 2030 10:20:30"), jan);
        assert_eq!(d("01 15 2030 10:20:30"), jan);
        assert_eq!(
            d("15 Jan 2030"),
            Ok("2030-01-15T00:00:00+00:00".to_string())
        );
        assert!(d("31 Feb 2030").is_err());
        assert!(d("15 Foo 2030").is_err());
        assert!(d("2030-01-15").is_err());
        assert!(d("15 Jan 2030 25:00:00").is_err());
        assert!(d("15 Ja 2030").is_err());
        assert!(d("15 Junk 2030").is_err());
        assert_eq!(
            d("15 SEP 2030"),
            Ok("2030-09-15T00:00:00+00:00".to_string())
        );
    }
}
