//! Rules about the files of a sweep rather than a certificate: a private
//! key kept among the certificates. The sweep makes these findings (one per
//! file); the rules carry their id, severity and sources, so `--ignore` and
//! `--severity` apply to them like to any other.

use super::{Citation, Rule, Scope, Severity};

const NIST_KEYS: Citation = Citation::Doc {
    title: "NIST SP 800-57 Part 1 Rev. 5 §6.1.1, Table 5 (private keys need confidentiality protection)",
    url: "https://doi.org/10.6028/NIST.SP.800-57pt1r5",
};

/// The sweep makes these findings itself.
fn made_by_the_sweep(_: &super::Ctx<'_>) -> Vec<String> {
    Vec::new()
}

pub static PRIVATE_KEY: Rule = Rule {
    id: "file.private-key",
    severity: Severity::Warning,
    summary: "An unencrypted private key is stored among the swept certificate files",
    fix: "Move the key out of the certificate files into a file only the service can read (mode 0600) or a keystore; if it was ever copied or mailed, revoke the certificate and re-enrol with a new key.",
    citations: &[NIST_KEYS],
    scope: Scope::Run,
    profiles: &[],
    needs: &[],
    check: made_by_the_sweep,
};

pub static PRIVATE_KEY_ENCRYPTED: Rule = Rule {
    id: "file.private-key.encrypted",
    severity: Severity::Info,
    summary: "An encrypted private key is stored among the swept certificate files",
    fix: "Keep the key apart from the certificates, readable only by the service, with its passphrase stored elsewhere.",
    citations: &[NIST_KEYS],
    scope: Scope::Run,
    profiles: &[],
    needs: &[],
    check: made_by_the_sweep,
};
