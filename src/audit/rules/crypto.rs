//! Key and signature algorithm hygiene.

use super::{Citation, Ctx, Need, Rule, Scope, Severity};
use crate::audit::Role;
use crate::model::{KeyInfo, SigHash};

const NIST_131A: Citation = Citation::Doc {
    title: "NIST SP 800-131A Rev. 2 (transitioning cryptographic algorithms and key lengths)",
    url: "https://csrc.nist.gov/pubs/sp/800/131/a/r2/final",
};

pub static RSA_SMALL: Rule = Rule {
    id: "key.rsa.small",
    severity: Severity::Error,
    summary: "RSA key shorter than 2048 bits",
    fix: "Generate a key of at least 2048 bits and re-enrol (IOS: `crypto key generate rsa general-keys label NAME modulus 2048`; AD CS: minimum key size 2048 in the template).",
    citations: &[
        NIST_131A,
        Citation::Doc {
            title: "CA/Browser Forum Baseline Requirements §6.1.5",
            url: "https://cabforum.org/baseline-requirements/",
        },
    ],
    scope: Scope::Any,
    profiles: &[],
    needs: &[Need::Key],
    check: |ctx: &Ctx<'_>| match ctx.cert.key {
        KeyInfo::Rsa { bits } if bits < 2048 => vec![format!(
            "RSA key of {bits} bits: keys below 2048 bits are disallowed for signatures \
             (NIST since 2013) and refused by current clients and validators"
        )],
        _ => vec![],
    },
};

pub static EC_CURVE: Rule = Rule {
    id: "key.ec.curve",
    severity: Severity::Warning,
    summary: "EC key on a curve other than P-256, P-384 or P-521",
    fix: "Re-enrol with a P-256 or P-384 key (IOS: `crypto key generate ec keysize 256 label NAME`); IKEv2 peers sign and verify ECDSA on the NIST curves only.",
    citations: &[Citation::Rfc {
        number: 4754,
        section: "3",
    }],
    scope: Scope::Any,
    profiles: &[],
    needs: &[Need::Key],
    check: |ctx: &Ctx<'_>| match &ctx.cert.key {
        KeyInfo::Ec { curve, .. } if !matches!(curve.as_str(), "P-256" | "P-384" | "P-521") => {
            vec![format!(
                "EC key on {curve}: IKEv2 ECDSA authentication (RFC 4754) and Cisco IOS/ASA \
                 support only P-256, P-384 and P-521"
            )]
        }
        _ => vec![],
    },
};

pub static DSA_KEY: Rule = Rule {
    id: "key.dsa",
    severity: Severity::Warning,
    summary: "DSA key",
    fix: "Re-enrol with an RSA (2048 bits or more) or ECDSA P-256/P-384 key.",
    citations: &[Citation::Doc {
        title: "NIST FIPS 186-5 (DSA no longer approved for signature generation)",
        url: "https://csrc.nist.gov/pubs/fips/186-5/final",
    }],
    scope: Scope::Any,
    profiles: &[],
    needs: &[Need::Key],
    check: |ctx: &Ctx<'_>| match ctx.cert.key {
        KeyInfo::Dsa { bits } => vec![format!(
            "DSA key ({bits} bits): DSA is no longer approved for signatures; use RSA or ECDSA"
        )],
        _ => vec![],
    },
};

/// The self-signature of a trust anchor is never checked by a peer
/// (RFC 5280 §6.1.1), so the hash it uses does not matter.
fn signature_matters(ctx: &Ctx<'_>) -> bool {
    !(ctx.role == Role::Ca && ctx.cert.is_self_signed())
}

pub static SIG_MD5: Rule = Rule {
    id: "sig.md5",
    severity: Severity::Error,
    summary: "Signed with MD5 or MD2",
    fix: "Reissue the certificate signed with SHA-256 or stronger; MD5 signatures can be forged and current validators reject them.",
    citations: &[Citation::Rfc {
        number: 6151,
        section: "2",
    }],
    scope: Scope::Any,
    profiles: &[],
    needs: &[Need::SignatureAlgorithm],
    check: |ctx: &Ctx<'_>| {
        let alg = &ctx.cert.signature_algorithm;
        if matches!(alg.hash, SigHash::Md5 | SigHash::Md2) && signature_matters(ctx) {
            vec![format!(
                "signed with {}: MD5 and MD2 signatures can be forged and are refused by \
                 current peers",
                alg.name
            )]
        } else {
            vec![]
        }
    },
};

pub static SIG_SHA1: Rule = Rule {
    id: "sig.sha1",
    severity: Severity::Warning,
    summary: "Signed with SHA-1",
    fix: "Reissue the certificate signed with SHA-256 or stronger (AD CS: set the CA's CNG hash algorithm to SHA256, restart the CA, then reissue).",
    citations: &[
        NIST_131A,
        Citation::Rfc {
            number: 9155,
            section: "2",
        },
    ],
    scope: Scope::Any,
    profiles: &[],
    needs: &[Need::SignatureAlgorithm],
    check: |ctx: &Ctx<'_>| {
        let alg = &ctx.cert.signature_algorithm;
        if alg.hash == SigHash::Sha1 && signature_matters(ctx) {
            vec![format!(
                "signed with {}: SHA-1 signatures are deprecated; IOS still accepts them but \
                 strict validators (rustls-webpki, current Windows and macOS policies) do not",
                alg.name
            )]
        } else {
            vec![]
        }
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::rules::testing::run;
    use crate::audit::Options;
    use crate::testkit::{CertSpec, Issued, Key};

    #[test]
    fn key_rules_quiet_on_good_keys() {
        let ca = Issued::root("Crypto CA");
        for key in [Key::P256, Key::P384, Key::Rsa, Key::Ed25519] {
            let der = ca.issue(CertSpec::leaf("vpn").key(key)).der();
            for rule in [&RSA_SMALL, &EC_CURVE, &DSA_KEY, &SIG_MD5, &SIG_SHA1] {
                assert!(
                    run(rule, &der, Role::EndEntity, &Options::test()).is_empty(),
                    "{} fired on {key:?}",
                    rule.id
                );
            }
        }
    }

    // RSA-1024, SHA-1, MD5 and odd curves cannot be made with rcgen/ring:
    // they are exercised on the OpenSSL-made fixtures in tests/it/external.rs.
}
