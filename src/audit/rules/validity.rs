//! Validity window rules, judged against the audit time (never a clock read
//! here: see `crate::time`).

use crate::time::format::{span, ts};

use super::{sources, Citation, Ctx, Need, Rule, Scope, Severity};
use crate::audit::Role;

const RFC5280_VALIDITY: Citation = Citation::Rfc {
    number: 5280,
    section: "4.1.2.5",
};

fn what_it_breaks(role: Role) -> &'static str {
    match role {
        Role::Ca => "; every certificate it issued stops validating with it",
        Role::EndEntity => "",
    }
}

fn expired(ctx: &Ctx<'_>) -> Option<String> {
    let now = ctx.opts.time.instant;
    let c = ctx.cert;
    (c.not_after < now && c.not_before <= c.not_after).then(|| {
        format!(
            "expired {} ({} ago, audit time {}){}",
            ts(c.not_after),
            span(c.not_after, now),
            ts(now),
            what_it_breaks(ctx.role)
        )
    })
}

pub static EXPIRED: Rule = Rule {
    id: "validity.expired",
    severity: Severity::Error,
    summary: "The certificate has expired",
    fix: "Renew: enrol a new certificate (IOS: `crypto pki enroll TP`; with SCEP add `auto-enroll 80 regenerate` to renew before expiry) and install it wherever the expired one is used.",
    citations: &[RFC5280_VALIDITY, sources::CISCO_ENROLL],
    scope: Scope::Any,
    profiles: &[],
    needs: &[Need::Validity],
    check: |ctx: &Ctx<'_>| {
        if ctx.opts.allow_expired {
            return vec![];
        }
        expired(ctx).into_iter().collect()
    },
};

pub static EXPIRED_ALLOWED: Rule = Rule {
    id: "validity.expired-allowed",
    severity: Severity::Warning,
    summary: "Expired, accepted because of --allow-expired (IOS `allow expired-certificate`)",
    fix: "Renew the certificate, then remove `allow expired-certificate` from the trustpoint's `match certificate` line (and drop --allow-expired): it accepts every expired peer, not just this one.",
    citations: &[sources::CISCO_CERT_ACL, RFC5280_VALIDITY],
    scope: Scope::Any,
    profiles: &[],
    needs: &[Need::Validity],
    check: |ctx: &Ctx<'_>| {
        if !ctx.opts.allow_expired {
            return vec![];
        }
        expired(ctx)
            .map(|m| {
                format!(
                    "{m}; accepted only because the trustpoint allows expired certificates \
                     (match certificate ... allow expired-certificate)"
                )
            })
            .into_iter()
            .collect()
    },
};

pub static NOT_YET_VALID: Rule = Rule {
    id: "validity.not-yet-valid",
    severity: Severity::Error,
    summary: "The certificate is not valid yet (notBefore is in the future)",
    fix: "Check the clocks: if the CA's clock ran ahead, reissue with a notBefore in the past; if the verifying device's clock is behind, fix its NTP.",
    citations: &[RFC5280_VALIDITY, sources::CISCO_ENROLL],
    scope: Scope::Any,
    profiles: &[],
    needs: &[Need::Validity],
    check: |ctx: &Ctx<'_>| {
        let now = ctx.opts.time.instant;
        let c = ctx.cert;
        if c.not_before <= now || c.not_after < c.not_before {
            return vec![];
        }
        vec![format!(
            "not valid until {} ({} after the audit time {}); a device whose clock is behind \
             rejects it the same way, so check NTP on both peers",
            ts(c.not_before),
            span(now, c.not_before),
            ts(now)
        )]
    },
};

pub static EXPIRING: Rule = Rule {
    id: "validity.expiring",
    severity: Severity::Warning,
    summary: "The certificate expires within --warn-days",
    fix: "Enrol a replacement before notAfter (IOS with SCEP: `auto-enroll 80 regenerate` in the trustpoint renews at 80% of the lifetime) and install it everywhere this one is used.",
    citations: &[RFC5280_VALIDITY],
    scope: Scope::Any,
    profiles: &[],
    needs: &[Need::Validity],
    check: |ctx: &Ctx<'_>| {
        let now = ctx.opts.time.instant;
        let c = ctx.cert;
        if c.not_after < now || c.not_before > now || c.not_after < c.not_before {
            return vec![];
        }
        let limit = now + chrono::Duration::days(ctx.opts.warn_days);
        if c.not_after > limit {
            return vec![];
        }
        vec![format!(
            "expires {}, in {} (within --warn-days {}){}",
            ts(c.not_after),
            span(now, c.not_after),
            ctx.opts.warn_days,
            what_it_breaks(ctx.role)
        )]
    },
};

pub static INVERTED: Rule = Rule {
    id: "validity.inverted",
    severity: Severity::Error,
    summary: "notAfter is before notBefore: the certificate is never valid",
    fix: "Fix the CA's validity settings or clock, then reissue the certificate: a notAfter before notBefore is never valid.",
    citations: &[RFC5280_VALIDITY],
    scope: Scope::Any,
    profiles: &[],
    needs: &[Need::Validity],
    check: |ctx: &Ctx<'_>| {
        let c = ctx.cert;
        if c.not_after >= c.not_before {
            return vec![];
        }
        vec![format!(
            "notAfter {} is before notBefore {}: no clock setting makes it valid",
            ts(c.not_after),
            ts(c.not_before)
        )]
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::rules::testing::run;
    use crate::audit::Options;
    use crate::testkit::{ymd, CertSpec, Issued};

    fn cert(from: (i32, u8, u8), to: (i32, u8, u8)) -> Vec<u8> {
        Issued::root("Validity CA")
            .issue(CertSpec::leaf("vpn.example.com").valid(ymd(from), ymd(to)))
            .der()
    }

    fn at(y: i32, m: u32, d: u32) -> Options {
        Options::test_at(y, m, d)
    }

    #[test]
    fn expired_fires_after_not_after_only() {
        let der = cert((2024, 1, 1), (2025, 1, 1));
        assert!(run(&EXPIRED, &der, Role::EndEntity, &at(2024, 6, 1)).is_empty());
        let msgs = run(&EXPIRED, &der, Role::EndEntity, &at(2025, 1, 11));
        assert_eq!(msgs.len(), 1);
        assert!(
            msgs[0].contains("expired 2025-01-01T00:00:00Z (10 days ago"),
            "{msgs:?}"
        );
    }

    #[test]
    fn allow_expired_turns_the_error_into_the_warning_rule() {
        let der = cert((2024, 1, 1), (2025, 1, 1));
        let mut opts = at(2025, 6, 1);
        opts.allow_expired = true;
        assert!(run(&EXPIRED, &der, Role::EndEntity, &opts).is_empty());
        assert_eq!(run(&EXPIRED_ALLOWED, &der, Role::EndEntity, &opts).len(), 1);
        opts.allow_expired = false;
        assert!(run(&EXPIRED_ALLOWED, &der, Role::EndEntity, &opts).is_empty());
    }

    #[test]
    fn not_yet_valid() {
        let der = cert((2030, 1, 1), (2031, 1, 1));
        assert_eq!(
            run(&NOT_YET_VALID, &der, Role::EndEntity, &at(2029, 12, 1)).len(),
            1
        );
        assert!(run(&NOT_YET_VALID, &der, Role::EndEntity, &at(2030, 1, 1)).is_empty());
    }

    #[test]
    fn expiring_respects_warn_days_and_mentions_ca_impact() {
        let der = cert((2024, 1, 1), (2025, 1, 31));
        assert!(run(&EXPIRING, &der, Role::EndEntity, &at(2024, 12, 1)).is_empty());
        let msgs = run(&EXPIRING, &der, Role::Ca, &at(2025, 1, 11));
        assert_eq!(msgs.len(), 1);
        assert!(
            msgs[0].contains("in 20 days (within --warn-days 30)"),
            "{msgs:?}"
        );
        assert!(msgs[0].contains("every certificate it issued"), "{msgs:?}");
        let mut opts = at(2025, 1, 11);
        opts.warn_days = 10;
        assert!(run(&EXPIRING, &der, Role::EndEntity, &opts).is_empty());
        // expired certificates are not "expiring"
        assert!(run(&EXPIRING, &der, Role::EndEntity, &at(2025, 2, 1)).is_empty());
    }

    #[test]
    fn inverted_window_is_its_own_error_and_not_expired() {
        let der = cert((2030, 1, 1), (2020, 1, 1));
        let opts = at(2025, 1, 1);
        assert_eq!(run(&INVERTED, &der, Role::EndEntity, &opts).len(), 1);
        assert!(run(&EXPIRED, &der, Role::EndEntity, &opts).is_empty());
        assert!(run(&NOT_YET_VALID, &der, Role::EndEntity, &opts).is_empty());
    }
}
