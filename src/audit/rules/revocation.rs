//! Revocation rules. The checks run once per end-entity certificate, for
//! every certificate of its path below the anchor (`revocation`);
//! these rules carry the metadata and turn the statuses into findings.

use super::{sources, Citation, Ctx, Rule, Scope, Severity};
use crate::revocation::{Policy, RevocationStatus};

const CISCO_REVOCATION: Citation = sources::CISCO_REVOCATION;
const STRONGSWAN: Citation = sources::STRONGSWAN_SWANCTL;
const RFC5280_CRL: Citation = Citation::Rfc {
    number: 5280,
    section: "6.3",
};
const RFC6960: Citation = Citation::Rfc {
    number: 6960,
    section: "3.2",
};

fn policy(ctx: &Ctx<'_>) -> Option<Policy> {
    ctx.opts.revocation.as_ref().map(|r| r.policy)
}

/// Messages for the checks whose status `pick` selects.
fn messages(ctx: &Ctx<'_>, pick: fn(&RevocationStatus) -> Option<String>) -> Vec<String> {
    ctx.revocation
        .iter()
        .filter_map(|c| {
            pick(&c.status).map(|m| format!("'{}' (serial {}): {m}", c.subject, c.serial))
        })
        .collect()
}

fn unknown(s: &RevocationStatus) -> Option<String> {
    match s {
        RevocationStatus::Unknown { reason } => Some(format!(
            "revocation status unknown: {reason}; a peer that checks revocation may reject the \
             tunnel or accept a revoked certificate"
        )),
        _ => None,
    }
}

fn no_source(s: &RevocationStatus) -> Option<String> {
    matches!(s, RevocationStatus::NoSource).then(|| {
        "names no CRL distribution point or OCSP responder, and none was given (--crl, \
         --ocsp-url): its revocation cannot be checked"
            .to_string()
    })
}

pub static REVOKED: Rule = Rule {
    id: "revocation.revoked",
    severity: Severity::Error,
    summary: "A certificate of the path is revoked",
    fix: "Replace the certificate now: generate a new key, enrol a new certificate (IOS: `crypto pki enroll TP`), install it, and remove the revoked one everywhere it is used.",
    citations: &[RFC5280_CRL, RFC6960, CISCO_REVOCATION],
    scope: Scope::EndEntity,
    profiles: &[],
    needs: &[],
    check: |ctx| {
        messages(ctx, |s| match s {
            RevocationStatus::Revoked {
                source,
                time,
                reason,
            } => Some(format!(
                "revoked {time}{} according to {source}: peers that check revocation reject it",
                reason
                    .as_deref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default()
            )),
            _ => None,
        })
    },
};

pub static GOOD: Rule = Rule {
    id: "revocation.good",
    severity: Severity::Info,
    summary: "A certificate of the path is not revoked, per a verified CRL or OCSP answer",
    fix: "Nothing to change; keep the CRL published before its nextUpdate and the OCSP responder reachable.",
    citations: &[CISCO_REVOCATION, STRONGSWAN, RFC5280_CRL],
    scope: Scope::EndEntity,
    profiles: &[],
    needs: &[],
    check: |ctx| {
        messages(ctx, |s| match s {
            RevocationStatus::Good {
                source,
                this_update,
            } => Some(format!(
                "not revoked according to {source} (issued {this_update})"
            )),
            _ => None,
        })
    },
};

pub static UNKNOWN: Rule = Rule {
    id: "revocation.unknown",
    severity: Severity::Warning,
    summary:
        "The revocation status of a certificate of the path could not be established (soft policy)",
    fix: "Make the CRL distribution point or OCSP responder reachable and current from the verifying device (firewall, DNS, proxy; publish a fresh CRL if it lapsed), or check offline with --crl FILE.",
    citations: &[CISCO_REVOCATION, STRONGSWAN, RFC5280_CRL],
    scope: Scope::EndEntity,
    profiles: &[],
    needs: &[],
    check: |ctx| {
        if policy(ctx) == Some(Policy::Soft) {
            messages(ctx, unknown)
        } else {
            Vec::new()
        }
    },
};

pub static UNKNOWN_HARD: Rule = Rule {
    id: "revocation.unknown.hard-fail",
    severity: Severity::Error,
    summary:
        "The revocation status of a certificate of the path could not be established (hard policy)",
    fix: "Make the CRL distribution point or OCSP responder reachable and current from the verifying device (firewall, DNS, proxy; publish a fresh CRL if it lapsed), or check offline with --crl FILE.",
    citations: &[CISCO_REVOCATION, STRONGSWAN, RFC5280_CRL],
    scope: Scope::EndEntity,
    profiles: &[],
    needs: &[],
    check: |ctx| {
        if policy(ctx) == Some(Policy::Hard) {
            messages(ctx, unknown)
        } else {
            Vec::new()
        }
    },
};

pub static NO_SOURCE: Rule = Rule {
    id: "revocation.no-source",
    severity: Severity::Info,
    summary: "A certificate of the path names no revocation source (soft policy)",
    fix: "Reissue with a CRL Distribution Point and/or an AIA OCSP URL the peers can reach (AD CS: set CDP and AIA on the CA's Extensions tab, then reissue), or give --crl FILE or --ocsp-url URL.",
    citations: &[RFC5280_CRL, CISCO_REVOCATION, STRONGSWAN],
    scope: Scope::EndEntity,
    profiles: &[],
    needs: &[],
    check: |ctx| {
        if policy(ctx) == Some(Policy::Soft) {
            messages(ctx, no_source)
        } else {
            Vec::new()
        }
    },
};

pub static NO_SOURCE_HARD: Rule = Rule {
    id: "revocation.no-source.hard-fail",
    severity: Severity::Error,
    summary: "A certificate of the path names no revocation source (hard policy)",
    fix: "Reissue with a CRL Distribution Point and/or an AIA OCSP URL the peers can reach (AD CS: set CDP and AIA on the CA's Extensions tab, then reissue), or give --crl FILE or --ocsp-url URL.",
    citations: &[RFC5280_CRL, CISCO_REVOCATION, STRONGSWAN],
    scope: Scope::EndEntity,
    profiles: &[],
    needs: &[],
    check: |ctx| {
        if policy(ctx) == Some(Policy::Hard) {
            messages(ctx, no_source)
        } else {
            Vec::new()
        }
    },
};
