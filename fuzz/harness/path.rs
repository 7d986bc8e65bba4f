//! RFC 5280 path validation on strangers' certificates: the bytes as a
//! distinguished name (§7.1 preparation), as a NameConstraints value, as a
//! certificate's names, policies and signature, and, when they are a
//! certificate, validated as a leaf under a fixed PKI, as an intermediate
//! and as a trust anchor. Nothing may panic, and a path that validates must
//! be one whose signatures and dates hold.

use pkiaudit::audit::path::{self, constraints, policy, signature, Ref, Request, Settings};
use pkiaudit::model::dn::{names_match, ComparableName};
use pkiaudit::model::Certificate;
use pkiaudit::time::parse_at;

const ROOT: &[u8] = include_bytes!("../../fixtures/pki/root-ca.pem");
const ISSUING: &[u8] = include_bytes!("../../fixtures/pki/issuing-ca.pem");
const LEAF: &[u8] = include_bytes!("../../fixtures/headend/vpn-example-com.pem");

fn first_cert(pem: &[u8]) -> Certificate {
    let input = pkiaudit::load::load_bytes("fixed.pem", pem);
    Certificate::clone(&input.certs[0].cert)
}

/// The path `valid` claims must hold: each signature verifies with the
/// next certificate's key, and every certificate below the anchor is within
/// its dates (the leaf too: `Settings::at` checks it).
fn assert_holds(req: &Request<'_>, valid: &path::Valid, at: chrono::DateTime<chrono::Utc>) {
    let certs: Vec<&Certificate> = valid.path.iter().map(|r| req.cert(*r)).collect();
    let Some((anchor, below)) = certs.split_last() else {
        panic!("an empty valid path");
    };
    if certs.len() == 2 && certs[0].spki_sha256 == anchor.spki_sha256 {
        return; // the leaf is itself the anchor (pinned)
    }
    for (i, c) in below.iter().enumerate() {
        assert!(
            c.not_before <= at && at <= c.not_after,
            "certificate {i} of a valid path is outside its dates"
        );
        let issuer = certs[i + 1];
        let spki = signature::spki_of(&issuer.der).expect("issuer key of a valid path");
        let outcome = signature::verify_certificate(&c.der, spki);
        assert!(
            matches!(
                outcome,
                signature::Outcome::Valid | signature::Outcome::Legacy(_)
            ),
            "certificate {i} of a valid path: {outcome:?}"
        );
        assert!(
            names_match(&c.issuer.raw, &issuer.subject.raw),
            "certificate {i} of a valid path does not chain by name"
        );
    }
}

/// One run of the target on `data`; panics on a finding.
pub fn run(data: &[u8]) {
    let at = parse_at("2026-03-01T12:00:00Z").expect("fixed time");
    let root = first_cert(ROOT);
    let issuing = first_cert(ISSUING);
    let leaf = first_cert(LEAF);

    // The bytes as the pieces the validator reads on its own.
    if let Ok(name) = ComparableName::from_der(data) {
        let _ = name.to_string();
        let _ = name.email_addresses();
        assert!(name.is_within(&name), "a name is not within itself");
        assert!(names_match(data, data));
    }
    let _ = names_match(data, &root.subject.raw);
    if let Ok(nc) = constraints::NameConstraints::from_der(data) {
        let mut state = constraints::State::new();
        state.apply(&nc);
        if let Ok(names) = constraints::SubjectNames::of_certificate(&leaf.der) {
            let _ = state.check(&names);
        }
    }
    let _ = policy::PolicyInfo::of_certificate(data);
    let _ = signature::verify_certificate(data, signature::spki_of(&issuing.der).unwrap_or(&[]));

    let Ok(cert) = Certificate::from_der(data) else {
        return;
    };
    if let Ok(names) = constraints::SubjectNames::of_certificate(&cert.der) {
        let _ = constraints::State::new().check(&names);
    }
    let settings = Settings::at(at);
    // As a leaf under the fixed PKI.
    let pool = [&issuing, &cert];
    let anchors = [&root];
    let req = Request {
        leaf: &cert,
        intermediates: &pool,
        anchors: &anchors,
    };
    match path::validate(&req, &settings) {
        Ok(valid) => assert_holds(&req, &valid, at),
        Err(invalid) => {
            let _ = path::describe_problems(&invalid, &req);
            assert!(
                invalid.path.first() == Some(&Ref::Leaf),
                "a failing path that does not start at the leaf"
            );
        }
    }
    // As an intermediate and as a trust anchor for the fixed leaf.
    let pool = [&cert, &issuing];
    for anchors in [&[&root][..], &[&cert][..], &[&cert, &root][..]] {
        let req = Request {
            leaf: &leaf,
            intermediates: &pool,
            anchors,
        };
        match path::validate(&req, &settings) {
            Ok(valid) => assert_holds(&req, &valid, at),
            Err(invalid) => {
                let _ = path::describe_problems(&invalid, &req);
            }
        }
    }
}
