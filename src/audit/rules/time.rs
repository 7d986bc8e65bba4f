//! Trusted time: where the audit time came from, how far the local and the
//! device clocks are off, and certificates whose window edge lies so close
//! to "now" that the clocks in play disagree about them.
//!
//! Certificate validation is only as good as the clock it runs against:
//! Cisco makes NTP a prerequisite of enrolment and rollover
//! ([`sources::CISCO_ENROLL`]); devices should check `show ntp associations`.

use crate::time::format::ts;
use chrono::{DateTime, Utc};

use super::{sources, Citation, Ctx, Need, Rule, Scope, Severity};
use crate::audit::{Finding, Options};
use crate::time::{describe_offset, TimeSource};

const ENROLL_NTP: Citation = sources::CISCO_ENROLL;
const VALIDITY: Citation = sources::RFC5280_VALIDITY;
const RFC5905: Citation = Citation::Rfc {
    number: 5905,
    section: "11.2.1",
};

fn made_for_the_run(_: &Ctx<'_>) -> Vec<String> {
    Vec::new()
}

pub static UNVERIFIED: Rule = Rule {
    id: "time.unverified",
    severity: Severity::Info,
    summary: "The audit time is the system clock, which nothing verified",
    fix: "Run with --ntp SERVER (or give the time with --at) so the audit time is checked rather than taken from the local clock.",
    citations: &[ENROLL_NTP, VALIDITY],
    scope: Scope::Run,
    profiles: &[],
    needs: &[],
    check: made_for_the_run,
};

pub static NTP_FAILED: Rule = Rule {
    id: "time.ntp-failed",
    severity: Severity::Warning,
    summary: "No NTP server gave a usable time; the system clock was used",
    fix: "Allow UDP 123 to the NTP servers or name reachable ones with --ntp, or give the audit time with --at.",
    citations: &[RFC5905, ENROLL_NTP],
    scope: Scope::Run,
    profiles: &[],
    needs: &[],
    check: made_for_the_run,
};

pub static CLOCK_SKEW: Rule = Rule {
    id: "time.clock-skew",
    severity: Severity::Warning,
    summary: "The local clock is off NTP time by more than --max-skew",
    fix: "Synchronise this machine's clock with NTP (chrony, ntpd or w32time); the audit used NTP time, other tools on this host do not.",
    citations: &[RFC5905, ENROLL_NTP],
    scope: Scope::Run,
    profiles: &[],
    needs: &[],
    check: made_for_the_run,
};

pub static DEVICE_CLOCK_OFF: Rule = Rule {
    id: "time.device-clock-off",
    severity: Severity::Warning,
    summary: "The device clock (--device-clock) is off NTP time by more than --max-skew",
    fix: "Configure NTP on the device (IOS: `ntp server ADDRESS`, then check `show ntp associations`); its validity checks run on its own clock.",
    citations: &[ENROLL_NTP, VALIDITY],
    scope: Scope::Run,
    profiles: &[],
    needs: &[],
    check: made_for_the_run,
};

pub static DEVICE_CLOCK_UNSYNCED: Rule = Rule {
    id: "time.device-clock-unsynchronized",
    severity: Severity::Warning,
    summary: "The device marks its clock as not authoritative or not NTP-synchronized (`*` or `.` in show clock)",
    fix: "Configure NTP on the device (IOS: `ntp server ADDRESS`) and check that `show clock` no longer shows `*` or `.` before trusting its validity checks.",
    citations: &[ENROLL_NTP, VALIDITY],
    scope: Scope::Run,
    profiles: &[],
    needs: &[],
    check: made_for_the_run,
};

pub static NEAR_EDGE: Rule = Rule {
    id: "validity.near-edge",
    severity: Severity::Warning,
    summary: "notBefore or notAfter lies so close to now that the clocks in play (NTP within its error, the local clock, the device clock) judge it differently",
    fix: "Synchronise the clocks involved (NTP on the device and here) and renew a certificate that is about to expire; until then the verdict depends on which clock judges it.",
    citations: &[RFC5905, ENROLL_NTP],
    scope: Scope::Any,
    profiles: &[],
    needs: &[Need::Validity],
    check: near_edge,
};

/// For each window edge: which clocks (views) fall on the other side of it
/// from the audit time, or whether it lies within NTP's error of NTP time.
fn near_edge(ctx: &Ctx<'_>) -> Vec<String> {
    // `--at` asks "as of then"; the clocks of now say nothing about it.
    if ctx.opts.time.source == TimeSource::Given {
        return Vec::new();
    }
    let ev = &ctx.opts.time_evidence;
    let at = ctx.opts.time.instant;
    let views = ev.views();
    let u = ev.uncertainty();
    let mut out = Vec::new();
    for (edge_name, edge) in [
        ("notBefore", ctx.cert.not_before),
        ("notAfter", ctx.cert.not_after),
    ] {
        // Valid through the whole second of notAfter; from notBefore on.
        let valid_at = |t: DateTime<Utc>| {
            if edge_name == "notBefore" {
                t >= edge
            } else {
                t <= edge
            }
        };
        let here = valid_at(at);
        let disagree: Vec<String> = views
            .iter()
            .filter(|(_, t)| valid_at(*t) != here)
            .map(|(label, t)| format!("{label} reads {}", ts(*t)))
            .collect();
        let within_error = ev.ntp_time().is_some_and(|n| {
            let gap = (edge - n).num_milliseconds() as f64 / 1000.0;
            gap.abs() <= u
        });
        if !disagree.is_empty() {
            out.push(format!(
                "{edge_name} {} is {} at the audit time {} but not for {}: a peer on another clock judges this certificate differently",
                ts(edge),
                if here { "satisfied" } else { "not satisfied" },
                ts(at),
                disagree.join("; ")
            ));
        } else if within_error {
            out.push(format!(
                "{edge_name} {} lies within NTP's error (±{u:.3} s) of NTP time: whether it has passed is not certain",
                ts(edge)
            ));
        }
    }
    out
}

/// The run's own findings about time.
pub fn run_findings(opts: &Options) -> Vec<Finding> {
    let ev = &opts.time_evidence;
    let mut out = Vec::new();
    let mut push = |rule: &'static Rule, message: String| out.push(Finding::new(rule, message));
    if let Some(why) = &ev.ntp_failed {
        push(
            &NTP_FAILED,
            format!(
                "{why}; validity was judged against the system clock ({}), which nothing verified",
                ts(opts.time.instant)
            ),
        );
    } else if opts.time.source == TimeSource::SystemClock {
        push(
            &UNVERIFIED,
            "validity was judged against the system clock; give --ntp SERVER (several, so a wrong one is outvoted) or --at TIME".into(),
        );
    }
    if let Some(off) = ev.local_offset() {
        if off.abs() > ev.max_skew_seconds {
            push(
                &CLOCK_SKEW,
                format!(
                    "the local clock is {} against NTP time (more than --max-skew {} s): tools and devices that read it judge certificates near their window edges differently",
                    describe_offset(-off),
                    ev.max_skew_seconds
                ),
            );
        }
    }
    if let Some(d) = &ev.device_clock {
        if let Some(diff) = d.minus_ntp_seconds {
            if diff.abs() > ev.max_skew_seconds {
                push(
                    &DEVICE_CLOCK_OFF,
                    format!(
                        "the device clock ({}) is {} against NTP time (more than --max-skew {} s): the device judges validity windows by it",
                        d.text,
                        describe_offset(diff),
                        ev.max_skew_seconds
                    ),
                );
            }
        }
        if let Some(flag) = d.flag {
            push(
                &DEVICE_CLOCK_UNSYNCED,
                format!(
                    "the device prints its time with a leading '{flag}' ({}): configure (authenticated) NTP on it, as the field guide advises",
                    if flag == '*' {
                        "not authoritative: never set or lost synchronization"
                    } else {
                        "authoritative but NTP is not synchronized"
                    }
                ),
            );
        }
    }
    crate::audit::apply_policy(&mut out, &opts.rule_policy);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::rules::testing::run;
    use crate::audit::Role;
    use crate::testkit::{ymd, CertSpec, Issued};
    use crate::time::{ntp::NtpReport, AuditTime, DeviceClock, TimeEvidence};
    use chrono::TimeZone;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, s).single().unwrap()
    }

    /// A leaf valid 2026-01-01 to 2026-06-01T00:00:00Z.
    fn leaf() -> Vec<u8> {
        Issued::root("Edge Root")
            .issue(CertSpec::leaf("edge.example.com").valid(ymd((2026, 1, 1)), ymd((2026, 6, 1))))
            .der()
    }

    fn ntp(time: DateTime<Utc>, offset: f64, u: f64) -> NtpReport {
        NtpReport {
            samples: Vec::new(),
            offset_seconds: Some(offset),
            uncertainty_seconds: Some(u),
            time: Some(time),
        }
    }

    fn opts(at: AuditTime, ev: TimeEvidence) -> Options {
        let mut o = Options::new(crate::audit::profile::Profile::Ikev2, at);
        o.time_evidence = ev;
        o
    }

    #[test]
    fn a_local_clock_90s_slow_disagrees_about_an_edge_it_has_not_reached() {
        // NTP says 00:00:30 after notAfter; the local clock reads 23:59:00
        let ntp_time = utc(2026, 6, 1, 0, 0, 30);
        let ev = TimeEvidence {
            ntp: Some(ntp(ntp_time, 90.0, 0.01)),
            system_clock: Some(utc(2026, 5, 31, 23, 59, 0)),
            max_skew_seconds: 60.0,
            ..TimeEvidence::default()
        };
        let o = opts(AuditTime::ntp(ntp_time), ev.clone());
        let found = run(&NEAR_EDGE, &leaf(), Role::EndEntity, &o);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains("notAfter 2026-06-01T00:00:00Z is not satisfied"),
            "{found:?}"
        );
        assert!(
            found[0].contains("the local clock (90.000 s slow)"),
            "{found:?}"
        );
        // within --max-skew the local clock is not a view of its own
        let quiet = TimeEvidence {
            max_skew_seconds: 120.0,
            ..ev
        };
        let o = opts(AuditTime::ntp(ntp_time), quiet);
        assert!(run(&NEAR_EDGE, &leaf(), Role::EndEntity, &o).is_empty());
    }

    #[test]
    fn an_edge_within_ntp_error_is_uncertain() {
        let ntp_time = utc(2026, 6, 1, 0, 0, 0);
        let ev = TimeEvidence {
            ntp: Some(ntp(ntp_time, 0.0, 0.5)),
            system_clock: Some(ntp_time),
            max_skew_seconds: 60.0,
            ..TimeEvidence::default()
        };
        let o = opts(AuditTime::ntp(ntp_time), ev);
        let found = run(&NEAR_EDGE, &leaf(), Role::EndEntity, &o);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains("within NTP's error (±0.500 s)"),
            "{found:?}"
        );
        // a day later: nothing near
        let later = utc(2026, 6, 2, 0, 0, 0);
        let ev = TimeEvidence {
            ntp: Some(ntp(later, 0.0, 0.5)),
            system_clock: Some(later),
            max_skew_seconds: 60.0,
            ..TimeEvidence::default()
        };
        assert!(run(
            &NEAR_EDGE,
            &leaf(),
            Role::EndEntity,
            &opts(AuditTime::ntp(later), ev)
        )
        .is_empty());
    }

    #[test]
    fn the_device_clock_judges_and_ntp_disagrees() {
        // the device (audit time) still sees notBefore ahead; NTP has passed it
        let device = utc(2025, 12, 31, 23, 58, 0);
        let ev = TimeEvidence {
            ntp: Some(ntp(utc(2026, 1, 1, 0, 1, 0), 0.0, 0.01)),
            system_clock: Some(utc(2026, 1, 1, 0, 1, 0)),
            device_clock: Some(DeviceClock {
                text: "*23:58:00.000 UTC Wed Dec 31 2025".into(),
                instant: device,
                flag: Some('*'),
                minus_ntp_seconds: Some(-180.0),
            }),
            max_skew_seconds: 60.0,
            ..TimeEvidence::default()
        };
        let o = opts(AuditTime::device(device), ev);
        let found = run(&NEAR_EDGE, &leaf(), Role::EndEntity, &o);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains("notBefore") && found[0].contains("NTP time reads"),
            "{found:?}"
        );
        let ids: Vec<&str> = run_findings(&o).iter().map(|f| f.rule.id).collect();
        assert_eq!(
            ids,
            ["time.device-clock-off", "time.device-clock-unsynchronized"]
        );
    }

    #[test]
    fn run_findings_for_each_source() {
        let now = utc(2026, 3, 1, 0, 0, 0);
        let system = opts(AuditTime::system_clock(Utc::now()), TimeEvidence::default());
        assert_eq!(
            run_findings(&system)
                .iter()
                .map(|f| f.rule.id)
                .collect::<Vec<_>>(),
            ["time.unverified"]
        );
        let given = opts(AuditTime::given(now), TimeEvidence::default());
        assert!(run_findings(&given).is_empty());
        let failed = opts(
            AuditTime::system_clock(Utc::now()),
            TimeEvidence {
                ntp_failed: Some("no NTP server answered".into()),
                ..TimeEvidence::default()
            },
        );
        let f = run_findings(&failed);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].rule.id, "time.ntp-failed");
        assert!(f[0].message.starts_with("no NTP server answered"));
        let skewed = opts(
            AuditTime::ntp(now),
            TimeEvidence {
                ntp: Some(ntp(now, -75.0, 0.01)),
                system_clock: Some(now),
                max_skew_seconds: 60.0,
                ..TimeEvidence::default()
            },
        );
        let f = run_findings(&skewed);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].rule.id, "time.clock-skew");
        assert!(f[0].message.contains("75.000 s fast"), "{}", f[0].message);
    }
}
