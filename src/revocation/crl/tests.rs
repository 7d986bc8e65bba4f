use super::der::{split_tlv, Element};
use super::table::reason_code;
use super::*;
use crate::testkit::{
    build_crl, cdp_with_crl_issuer, distribution_points, indirect_crl, reason_bits, ymd, CertSpec,
    CrlEntry, CrlSpec, DpSpec, Idp, Issued,
};
use rcgen::{
    CertificateRevocationListParams, Issuer, KeyIdMethod, KeyUsagePurpose, RevocationReason,
    RevokedCertParams, SerialNumber,
};

fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    use chrono::TimeZone;
    Utc.with_ymd_and_hms(y, m, d, 0, 0, 0)
        .single()
        .expect("date")
}

fn entry(serial: &[u8], reason: Option<RevocationReason>) -> RevokedCertParams {
    RevokedCertParams {
        serial_number: SerialNumber::from_slice(serial),
        revocation_time: ymd((2026, 1, 10)),
        reason_code: reason,
        invalidity_date: None,
    }
}

fn crl_params(entries: Vec<RevokedCertParams>) -> CertificateRevocationListParams {
    CertificateRevocationListParams {
        this_update: ymd((2026, 2, 1)),
        next_update: ymd((2026, 2, 8)),
        crl_number: SerialNumber::from(42u64),
        issuing_distribution_point: None,
        revoked_certs: entries,
        key_identifier_method: KeyIdMethod::Sha256,
    }
}

fn sign(ca: &Issued, params: &CertificateRevocationListParams) -> Vec<u8> {
    let issuer = Issuer::from_params(&ca.params, &ca.key);
    params.signed_by(&issuer).expect("CRL").der().to_vec()
}

fn model(issued: &Issued) -> Certificate {
    Certificate::from_der(&issued.der()).expect("model certificate")
}

/// A CA, a CRL revoking serials 0x01 (keyCompromise), 0x00FF (needs
/// the sign octet in DER: certificateHold), 0x1234 (no reason).
fn fixture() -> (Issued, Vec<u8>) {
    let ca = Issued::root("CRL Test CA");
    let der = sign(
        &ca,
        &crl_params(vec![
            entry(&[0x01], Some(RevocationReason::KeyCompromise)),
            entry(&[0x00, 0xFF], Some(RevocationReason::CertificateHold)),
            entry(&[0x12, 0x34], None),
        ]),
    );
    (ca, der)
}

#[test]
fn parses_entries_reasons_and_numbers() {
    let (_, der) = fixture();
    let crl = Crl::from_der(&der, "test.crl").expect("parses");
    assert_eq!(crl.entries, 3);
    assert_eq!(crl.crl_number.as_deref(), Some("2A"));
    assert_eq!(crl.delta_of, None);
    assert_eq!(crl.this_update, at(2026, 2, 1));
    assert_eq!(crl.next_update, Some(at(2026, 2, 8)));
    assert!(
        crl.issuer_text.contains("CRL Test CA"),
        "{}",
        crl.issuer_text
    );
    assert!(crl.unsupported.is_empty(), "{:?}", crl.unsupported);
    let r = crl.lookup(&[0x01]).expect("0x01 revoked");
    assert_eq!(r.reason, Some(Reason::KeyCompromise));
    assert_eq!(r.reason.map(|r| r.as_str()), Some("keyCompromise"));
    assert_eq!(r.time, at(2026, 1, 10));
    let held = crl.lookup(&[0x00, 0xFF]).expect("0xFF revoked");
    assert!(held.on_hold());
    assert_eq!(crl.lookup(&[0x12, 0x34]).expect("listed").reason, None);
    assert!(crl.lookup(&[0x02]).is_none());
    assert!(crl.lookup(&[0x12, 0x35]).is_none());
    assert!(crl.lookup(&[]).is_none());
}

/// RFC 5280 §4.1.2.2: serials are INTEGERs, compared as signed
/// integers: redundant leading octets do not matter, the sign does.
#[test]
fn serials_compare_as_integers() {
    let (_, der) = fixture();
    let crl = Crl::from_der(&der, "t").expect("parses");
    // Certificate carries 0x0001 (non-minimal) vs CRL 0x01.
    assert!(crl.lookup(&[0x00, 0x01]).is_some());
    // The CRL lists +255 (00 FF): with a redundant zero octet too.
    assert!(crl.lookup(&[0x00, 0xFF]).is_some());
    assert!(crl.lookup(&[0x00, 0x00, 0xFF]).is_some());
    // FF is −1, another integer; so is 01 FF (+511).
    assert!(crl.lookup(&[0xFF]).is_none());
    assert!(crl.lookup(&[0xFF, 0xFF]).is_none());
    assert!(crl.lookup(&[0x01, 0xFF]).is_none());
    // A CRL that lists −1 (FF, and FF FF non-minimally) and −256 (FF 00)
    // does not revoke +255 or +65280.
    let ca = Issued::root("Negative Serial CA");
    let negative = crate::testkit::build_crl(
        &ca,
        &crate::testkit::CrlSpec::new(1)
            .entry(crate::testkit::CrlEntry::new(&[0xFF]).reason(1))
            .entry(crate::testkit::CrlEntry::new(&[0xFF, 0x00]).reason(4)),
    );
    let crl = Crl::from_der(&negative, "t").expect("parses");
    assert!(crl.lookup(&[0xFF]).is_some());
    assert!(crl.lookup(&[0xFF, 0xFF]).is_some());
    assert_eq!(crl.lookup(&[0x00, 0xFF]), None);
    assert_eq!(
        crl.lookup(&[0xFF, 0xFF, 0x00]).and_then(|r| r.reason),
        Some(Reason::Superseded)
    );
    assert_eq!(crl.lookup(&[0x00, 0xFF, 0x00]), None);
    assert_eq!(crl.lookup(&[0xFF, 0x00, 0x00]), None);
}

#[test]
fn lookup_by_real_certificate_serial() {
    let ca = Issued::root("Serial CA");
    // Serial with the top bit set: DER adds a 0x00 sign octet.
    let leaf = ca.issue(CertSpec::leaf("vpn.example.com").serial(&[0x80, 0x01, 0x02]));
    let other = ca.issue(CertSpec::leaf("ok.example.com").serial(&[0x7f, 0x01]));
    let der = sign(&ca, &crl_params(vec![entry(&[0x80, 0x01, 0x02], None)]));
    let crl = Crl::from_der(&der, "t").expect("parses");
    let leaf = model(&leaf);
    assert_eq!(leaf.serial_raw.first(), Some(&0x00), "sign octet expected");
    assert!(crl.lookup(&leaf.serial_raw).is_some());
    assert!(crl.lookup(&model(&other).serial_raw).is_none());
}

#[test]
fn signature_verifies_with_the_right_issuer() {
    let (ca, der) = fixture();
    let crl = Crl::from_der(&der, "t").expect("parses");
    crl.verify(&model(&ca)).expect("verifies");
}

#[test]
fn signature_rejected_with_another_key_of_the_same_name() {
    let (_, der) = fixture();
    let crl = Crl::from_der(&der, "t").expect("parses");
    let impostor = Issued::root("CRL Test CA");
    let err = crl.verify(&model(&impostor)).expect_err("wrong key");
    assert!(err.contains("does not verify"), "{err}");
    assert!(err.contains("authority key id"), "{err}");
}

#[test]
fn rejected_when_issuer_name_differs() {
    let (ca, der) = fixture();
    let crl = Crl::from_der(&der, "t").expect("parses");
    // Same key, different name: only the name check can fail.
    let mut params = ca.params.clone();
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "Another CA");
    let renamed = params.self_signed(&ca.key).expect("cert");
    let renamed = Certificate::from_der(renamed.der()).expect("model");
    let err = crl.verify(&renamed).expect_err("other name");
    assert!(err.contains("is not the subject"), "{err}");
}

#[test]
fn rejected_when_issuer_ku_lacks_crl_sign() {
    let (ca, der) = fixture();
    let crl = Crl::from_der(&der, "t").expect("parses");
    // Same name and key, KU keyCertSign only: the signature would verify,
    // so only the KU check can fail.
    let mut params = ca.params.clone();
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign];
    let no_crl_sign = params.self_signed(&ca.key).expect("cert");
    let no_crl_sign = Certificate::from_der(no_crl_sign.der()).expect("model");
    let err = crl.verify(&no_crl_sign).expect_err("no cRLSign");
    assert!(err.contains("without cRLSign"), "{err}");
    // And with no KU at all, cRLSign is implied.
    params.key_usages = Vec::new();
    let no_ku = params.self_signed(&ca.key).expect("cert");
    crl.verify(&Certificate::from_der(no_ku.der()).expect("model"))
        .expect("no KU: allowed");
}

#[test]
fn tampered_crl_fails_signature() {
    let (ca, mut der) = fixture();
    // Change the CRL number byte (42 → 43) inside the signed part.
    let pos = find(&der, &[0x02, 0x01, 0x2a]).expect("crl number");
    der[pos + 2] = 0x2b;
    let crl = Crl::from_der(&der, "t").expect("still parses");
    assert_eq!(crl.crl_number.as_deref(), Some("2B"));
    assert!(crl.verify(&model(&ca)).is_err());
}

#[test]
fn freshness() {
    let (_, der) = fixture();
    let crl = Crl::from_der(&der, "t").expect("parses");
    assert_eq!(crl.freshness(at(2026, 2, 3)), Freshness::Fresh);
    assert_eq!(crl.freshness(at(2026, 2, 8)), Freshness::Fresh);
    assert_eq!(
        crl.freshness(at(2026, 2, 9)),
        Freshness::Stale {
            since: at(2026, 2, 8)
        }
    );
    assert_eq!(crl.freshness(at(2026, 1, 31)), Freshness::NotYetValid);
    let mut no_next = crl.clone();
    no_next.next_update = None;
    assert_eq!(no_next.freshness(at(2030, 1, 1)), Freshness::NoNextUpdate);
}

#[test]
fn pem_and_der_input() {
    let (ca, der) = fixture();
    let pem_text = format!(
        "CRL fetched from http://pki.example.com/ca.crl\n{}",
        crate::testkit::pem_block("X509 CRL", &der)
    );
    let from_pem = Crl::from_pem_or_der(pem_text.as_bytes(), "ca.pem").expect("PEM");
    let from_der = Crl::from_pem_or_der(&der, "ca.crl").expect("DER");
    assert_eq!(from_pem.der(), from_der.der());
    assert_eq!(from_pem.entries, 3);
    from_pem.verify(&model(&ca)).expect("verifies");
    let cert_pem = crate::testkit::pem_block("CERTIFICATE", &ca.der());
    assert!(matches!(
        Crl::from_pem_or_der(cert_pem.as_bytes(), "cert.pem"),
        Err(CrlError::Pem { .. })
    ));
    let broken = "-----BEGIN X509 CRL-----\n!!!!\n-----END X509 CRL-----\n";
    assert!(Crl::from_pem_or_der(broken.as_bytes(), "b").is_err());
}

#[test]
fn garbage_and_truncation_are_errors_not_panics() {
    let (ca, der) = fixture();
    assert!(Crl::from_der(&[], "empty").is_err());
    assert!(Crl::from_der(b"hello world", "text").is_err());
    assert!(Crl::from_der(&ca.der(), "a certificate").is_err());
    for cut in 0..der.len() {
        assert!(Crl::from_der(&der[..cut], "cut").is_err(), "cut at {cut}");
        let _ = Crl::from_pem_or_der(&der[..cut], "cut");
    }
    // Every single-byte corruption: must not panic; if it still parses,
    // verify must not panic either.
    let ca = model(&ca);
    for i in 0..der.len() {
        let mut bad = der.clone();
        bad[i] ^= 0xff;
        if let Ok(crl) = Crl::from_der(&bad, "flip") {
            let _ = crl.verify(&ca);
        }
    }
    let mut trailing = der.clone();
    trailing.push(0);
    assert!(matches!(
        Crl::from_der(&trailing, "t"),
        Err(CrlError::TrailingData { extra: 1, .. })
    ));
}

#[test]
fn too_large_is_refused_before_parsing() {
    let big = vec![0u8; MAX_CRL_BYTES + 1];
    assert!(matches!(
        Crl::from_der(&big, "big"),
        Err(CrlError::TooLarge { .. })
    ));
}

#[test]
fn split_tlv_bounds() {
    assert_eq!(split_tlv(&[0x02, 0x01]), None);
    assert_eq!(split_tlv(&[0x30, 0x85, 1, 1, 1, 1, 1]), None);
    assert_eq!(split_tlv(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]), None);
    assert_eq!(
        split_tlv(&[0x02, 0x01, 0x05, 0xaa]),
        Some((&[0x02, 0x01, 0x05][..], &[0x05][..], &[0xaa][..]))
    );
    assert_eq!(der_unsigned_integer(&[0x02, 0x01, 0x80]), None);
    assert_eq!(
        der_unsigned_integer(&[0x02, 0x02, 0x00, 0x80]),
        Some(vec![0, 0x80])
    );
}

// --- delta CRLs ---------------------------------------------------------
// rcgen has no Delta CRL Indicator and no custom CRL extensions, so these
// CRLs come from testkit's `build_crl` (yasna, signed with the CA's rcgen
// key: P-256, ecdsa-with-SHA256), which exercises the same parse/verify
// path.

/// CRL number `number` listing `entries` (serial, reasonCode): valid
/// 2026-02-03 to 2026-02-04, entries revoked 2026-02-02, no authority
/// key identifier, the entry list written even when empty, and a
/// Freshest CRL pointing at the delta location, on bases and deltas
/// alike (as AD CS publishes them).
fn hand_spec(number: u64, entries: &[(&[u8], Option<u8>)]) -> CrlSpec {
    let spec = CrlSpec::new(number)
        .valid("260203000000Z", Some("260204000000Z"))
        .revoked_at("260202000000Z")
        .without_aki()
        .list_when_empty()
        .freshest("http://pki.example.com/delta.crl");
    entries.iter().fold(spec, |spec, (serial, reason)| {
        let entry = CrlEntry::new(serial);
        spec.entry(match reason {
            Some(code) => entry.reason(*code),
            None => entry,
        })
    })
}

/// `spec` with a critical extension pkiaudit does not know (a private
/// OID, a NULL value), which makes the CRL unusable (RFC 5280 §5.2).
fn with_unknown_critical(spec: CrlSpec) -> CrlSpec {
    spec.extension(&[1, 3, 6, 1, 4, 1, 99999, 1], true, &[0x05, 0x00])
}

/// Base CRL number 10: 0x05 on hold, 0x06 keyCompromise.
fn base_and_ca() -> (Issued, Crl) {
    let ca = Issued::root("Delta CA");
    let base = build_crl(
        &ca,
        &hand_spec(10, &[(&[0x05], Some(6)), (&[0x06], Some(1))]),
    );
    let base = Crl::from_der(&base, "base.crl").expect("base parses");
    base.verify(&model(&ca)).expect("hand-built base verifies");
    (ca, base)
}

fn delta(ca: &Issued, number: u64, of: u64, entries: &[(&[u8], Option<u8>)]) -> Crl {
    let der = build_crl(ca, &hand_spec(number, entries).delta_of(of));
    Crl::from_der(&der, "delta.crl").expect("delta parses")
}

/// The whole CRL path of `Revocation::check`: a base from `--crl`, its
/// delta from the base's Freshest CRL location (seeded in the per-run
/// cache, so no network), applied; without the delta the base decides
/// and the report says the answer may be out of date.
#[test]
fn revocation_applies_the_delta_a_base_names() {
    use crate::revocation::{Mode, Policy, Revocation, RevocationStatus};
    use std::sync::Arc;
    let (ca, base) = base_and_ca();
    let held = ca.issue(crate::testkit::CertSpec::leaf("held").serial(&[0x05]));
    let held = model(&held);
    let at = chrono::DateTime::parse_from_rfc3339("2026-02-03T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    let with = |delta: Option<Crl>, offline: bool| {
        let mut rev = Revocation::new(Mode::Crl, Policy::Soft, chrono::Utc::now());
        rev.offline = offline;
        rev.crls.push(Arc::new(base.clone()));
        if let Some(d) = delta {
            rev.seed("http://pki.example.com/delta.crl", Arc::new(d));
        }
        rev.check(&held, &model(&ca), at)
    };
    // the delta releases the hold
    let released = with(Some(delta(&ca, 11, 10, &[(&[0x05], Some(8))])), false);
    match &released.status {
        RevocationStatus::Good { source, .. } => assert!(source.contains("+ delta"), "{source}"),
        other => panic!("{other:?}"),
    }
    // offline: the delta that could release the hold cannot be had,
    // so neither "revoked" nor "good" (RFC 5280 §6.3.3 (c)); it says why
    let offline = with(None, true);
    let RevocationStatus::Unknown { reason } = &offline.status else {
        panic!("{:?}", offline.status)
    };
    assert!(
        reason.contains("--offline") && reason.contains("could release it"),
        "{reason}"
    );
    // a delta that does not fit the base is not applied, and said so:
    // the same as no delta
    let wrong = with(Some(delta(&ca, 9, 12, &[(&[0x05], Some(8))])), false);
    let RevocationStatus::Unknown { reason } = &wrong.status else {
        panic!("{:?}", wrong.status)
    };
    assert!(
        reason.contains("delta CRL not used") && reason.contains("applies to base CRL number 0C"),
        "{reason}"
    );
    // a revocation (not a hold) on the base stands without its delta
    let compromised = model(&ca.issue(crate::testkit::CertSpec::leaf("lost").serial(&[0x06])));
    let mut rev = Revocation::new(Mode::Crl, Policy::Soft, chrono::Utc::now());
    rev.offline = true;
    rev.crls.push(Arc::new(base.clone()));
    let check = rev.check(&compromised, &model(&ca), at);
    assert!(
        matches!(&check.status, RevocationStatus::Revoked { reason: Some(r), .. } if r == "keyCompromise"),
        "{:?}",
        check.status
    );
}

#[test]
fn delta_indicator_and_freshest_are_read() {
    let (ca, base) = base_and_ca();
    let d = delta(&ca, 11, 10, &[(&[0x05], Some(8))]);
    assert_eq!(d.delta_of.as_deref(), Some("0A"));
    assert_eq!(d.crl_number.as_deref(), Some("0B"));
    assert_eq!(
        d.freshest,
        vec!["http://pki.example.com/delta.crl".to_string()]
    );
    assert!(d.unsupported.is_empty(), "{:?}", d.unsupported);
    d.verify(&model(&ca)).expect("delta verifies");
    assert!(!base.is_delta() && d.is_delta());
}

#[test]
fn delta_remove_from_crl_releases_a_hold() {
    let (ca, base) = base_and_ca();
    assert!(status_with_delta(&base, None, &[0x05])
        .expect("ok")
        .expect("held in base")
        .on_hold());
    let d = delta(&ca, 11, 10, &[(&[0x05], Some(8))]);
    assert_eq!(
        d.lookup(&[0x05]).and_then(|r| r.reason),
        Some(Reason::RemoveFromCrl)
    );
    assert_eq!(status_with_delta(&base, Some(&d), &[0x05]), Ok(None));
    assert_eq!(status_with_delta(&base, Some(&d), &[0x00, 0x05]), Ok(None));
    // Other base entries stay revoked.
    assert_eq!(
        status_with_delta(&base, Some(&d), &[0x06])
            .expect("ok")
            .and_then(|r| r.reason),
        Some(Reason::KeyCompromise)
    );
}

#[test]
fn delta_adds_a_new_revocation() {
    let (ca, base) = base_and_ca();
    assert_eq!(status_with_delta(&base, None, &[0x07]), Ok(None));
    let d = delta(&ca, 12, 9, &[(&[0x07], Some(4))]);
    let r = status_with_delta(&base, Some(&d), &[0x07])
        .expect("ok")
        .expect("revoked by delta");
    assert_eq!(r.reason, Some(Reason::Superseded));
    assert_eq!(status_with_delta(&base, Some(&d), &[0x08]), Ok(None));
    // The base hold remains while the delta says nothing about it.
    assert!(status_with_delta(&base, Some(&d), &[0x05])
        .expect("ok")
        .expect("held")
        .on_hold());
}

#[test]
fn delta_must_fit_the_base() {
    let (ca, base) = base_and_ca();
    // Delta for a newer base (11) than ours (10).
    let newer_base = delta(&ca, 12, 11, &[]);
    let err = status_with_delta(&base, Some(&newer_base), &[0x05]).expect_err("base too old");
    assert!(err.contains("applies to base CRL number 0B"), "{err}");
    // Delta not newer than the base.
    let old = delta(&ca, 10, 9, &[]);
    assert!(status_with_delta(&base, Some(&old), &[0x05]).is_err());
    // Delta from another issuer.
    let other = Issued::root("Other CA");
    let foreign = delta(&other, 11, 10, &[]);
    let err = status_with_delta(&base, Some(&foreign), &[0x05]).expect_err("issuer");
    assert!(err.contains("differs"), "{err}");
    // A complete CRL given as the delta, and a delta given as the base.
    assert!(status_with_delta(&base, Some(&base), &[0x05]).is_err());
    let d = delta(&ca, 11, 10, &[]);
    assert!(status_with_delta(&d, None, &[0x05]).is_err());
}

#[test]
fn unknown_critical_extension_makes_verify_fail() {
    let ca = Issued::root("Crit CA");
    let der = build_crl(&ca, &with_unknown_critical(hand_spec(1, &[])));
    let crl = Crl::from_der(&der, "crit.crl").expect("parses");
    assert_eq!(crl.unsupported.len(), 1, "{:?}", crl.unsupported);
    let err = crl.verify(&model(&ca)).expect_err("unknown critical");
    assert!(err.contains("1.3.6.1.4.1.99999.1"), "{err}");
}

// --- indirect CRLs -------------------------------------------------------

/// RFC 5280 §5.2.5/§5.3.3/§6.3.3: a CA delegates its CRLs to a CRL
/// issuer it certified. The CRL (IDP indirectCRL) lists the CA's
/// certificate 0x42 under a certificateIssuer entry, and 0x43 as the
/// CRL issuer's own; certificates whose distribution point names that
/// cRLIssuer are answered by it, through `Revocation` with the signer
/// found among the audit's certificates.
#[test]
fn indirect_crl_from_a_delegated_crl_issuer() {
    use crate::revocation::{certified_by, Mode, Policy, Revocation, RevocationStatus, Signers};
    let ca = Issued::root("Indirect CA");
    let ca_name = model(&ca).subject.raw;
    let signer = ca.issue(
        CertSpec::leaf("Indirect CRL Signer")
            .ku(&[KeyUsagePurpose::CrlSign])
            .san_dns(&[]),
    );
    let signer_name = model(&signer).subject.raw;
    let cdp = cdp_with_crl_issuer("http://pki.example.com/indirect.crl", &signer_name);
    let leaf = |cn: &str, serial: &[u8]| {
        model(&ca.issue(CertSpec::leaf(cn).serial(serial).raw_extension(
            &[2, 5, 29, 31],
            false,
            cdp.clone(),
        )))
    };
    let revoked = leaf("revoked.example.com", &[0x42]);
    let same_serial_as_signer_entry = leaf("fine.example.com", &[0x43]);
    assert_eq!(revoked.crl_issuers, vec![signer_name.clone()]);
    let der = indirect_crl(
        &signer,
        true,
        &[(&[0x43], None), (&[0x42], Some(&ca_name)), (&[0x44], None)],
    );
    let crl = Crl::from_der(&der, "indirect.crl").expect("parses");
    assert!(crl.is_indirect());
    assert!(crl.unsupported.is_empty(), "{:?}", crl.unsupported);
    // 0x43 is the CRL issuer's own; 0x42 and (inherited) 0x44 the CA's
    assert!(crl.lookup(&[0x43]).is_some());
    assert!(crl.lookup_issued_by(&ca_name, &[0x42]).is_some());
    assert!(crl.lookup_issued_by(&ca_name, &[0x44]).is_some());
    assert!(crl.lookup_issued_by(&ca_name, &[0x43]).is_none());
    let ca_model = model(&ca);
    let signer_model = model(&signer);
    let mut rev = Revocation::new(Mode::Crl, Policy::Soft, chrono::Utc::now());
    rev.offline = true;
    rev.crls.push(std::sync::Arc::new(crl));
    let now = at(2026, 2, 5);
    let validate = certified_by(&ca_model, now);
    let check_with = |cert: &Certificate, known: &[&Certificate], at| {
        let signers = Signers {
            known,
            validate: &validate,
        };
        rev.check_with_signers(cert, &ca_model, at, &signers, true)
    };
    let check = check_with(&revoked, &[&signer_model], now);
    assert!(
        matches!(check.status, RevocationStatus::Revoked { .. }),
        "{check:?}"
    );
    let check = check_with(&same_serial_as_signer_entry, &[&signer_model], now);
    assert!(
        matches!(check.status, RevocationStatus::Good { .. }),
        "{check:?}"
    );
    // no certificate of the CRL issuer: unknown, never good
    let check = check_with(&revoked, &[], now);
    let RevocationStatus::Unknown { reason } = &check.status else {
        panic!("{check:?}")
    };
    assert!(
        reason.contains("no certificate of that CRL issuer"),
        "{reason}"
    );
    // the signer's key and name certified by another CA do not count:
    // that path does not lead to the certificate's anchor
    let other = Issued::root("Other CA");
    let impostor = model(
        &other.issue_for(
            CertSpec::leaf("Indirect CRL Signer")
                .ku(&[KeyUsagePurpose::CrlSign])
                .san_dns(&[]),
            &signer.key,
        ),
    );
    let check = check_with(&revoked, &[&impostor], now);
    let RevocationStatus::Unknown { reason } = &check.status else {
        panic!("{check:?}")
    };
    assert!(
        reason.contains("signed with the key of") && reason.contains("was not issued by"),
        "{reason}"
    );
    // a certificate whose distribution points do not name the CRL
    // issuer is not answered by its CRL
    let plain = model(&ca.issue(CertSpec::leaf("plain.example.com").serial(&[0x42])));
    let check = check_with(&plain, &[&signer_model], now);
    assert_eq!(check.status, RevocationStatus::NoSource, "{check:?}");
    // the signer must be valid at the audit time (here the validator's
    // job, as the path validator's in the audit)
    let later = at(2040, 1, 1);
    let validate_later = certified_by(&ca_model, later);
    let signers = Signers {
        known: &[&signer_model],
        validate: &validate_later,
    };
    let check = rev.check_with_signers(&revoked, &ca_model, later, &signers, true);
    let RevocationStatus::Unknown { reason } = &check.status else {
        panic!("{check:?}")
    };
    assert!(reason.contains("not valid at"), "{reason}");
}

#[test]
fn certificate_issuer_entries_need_an_indirect_crl() {
    let ca = Issued::root("Not Indirect CA");
    let other = model(&Issued::root("Someone Else")).subject.raw;
    let der = indirect_crl(&ca, false, &[(&[0x01], Some(&other))]);
    let crl = Crl::from_der(&der, "t").expect("parses");
    assert!(!crl.is_indirect());
    assert_eq!(crl.unsupported.len(), 1, "{:?}", crl.unsupported);
    let err = crl.verify(&model(&ca)).expect_err("unusable");
    assert!(err.contains("not marked indirect"), "{err}");
}

// --- the compact entry table -------------------------------------------

/// `der` parsed as `from_der` does, with the index keys from `keys`.
fn parse_with(der: &[u8], keys: Keys) -> Crl {
    Crl::parse(Arc::new(der.to_vec()), "t", keys, false).expect("parses")
}

/// Every serial hashes to the same 64-bit key: the first entry is in
/// the index, the others in the overflow list, and lookups still tell
/// them apart by their serials (and find nothing for absent ones).
#[test]
fn colliding_keys_still_find_the_right_entries() {
    let ca = Issued::root("Collision CA");
    let mut compromised = entry(&[0x07, 0x00], Some(RevocationReason::KeyCompromise));
    compromised.invalidity_date = Some(ymd((2025, 12, 24)));
    let der = sign(
        &ca,
        &crl_params(vec![
            entry(&[0x01], Some(RevocationReason::KeyCompromise)),
            entry(&[0x00, 0xFF], Some(RevocationReason::CertificateHold)),
            entry(&[0x12, 0x34], None),
            compromised,
            entry(&[0x07], Some(RevocationReason::Superseded)),
        ]),
    );
    for keys in [Keys::Constant, Keys::random()] {
        let constant = matches!(keys, Keys::Constant);
        let crl = parse_with(&der, keys);
        assert_eq!(crl.distinct_serials(), 5);
        if constant {
            assert_eq!(crl.table.index.len(), 1);
            assert_eq!(crl.table.overflow.values().map(Vec::len).sum::<usize>(), 4);
        }
        let reason = |serial: &[u8]| crl.lookup(serial).map(|r| r.reason);
        assert_eq!(reason(&[0x01]), Some(Some(Reason::KeyCompromise)));
        assert_eq!(reason(&[0x00, 0xFF]), Some(Some(Reason::CertificateHold)));
        assert_eq!(reason(&[0xFF]), None, "−1 is not +255");
        assert_eq!(
            reason(&[0x00, 0x00, 0xFF]),
            Some(Some(Reason::CertificateHold))
        );
        assert_eq!(reason(&[0x12, 0x34]), Some(None));
        assert_eq!(reason(&[0x07]), Some(Some(Reason::Superseded)));
        let r = crl.lookup(&[0x00, 0x07, 0x00]).expect("0x0700 revoked");
        assert_eq!(r.reason, Some(Reason::KeyCompromise));
        assert_eq!(r.time, at(2026, 1, 10));
        assert_eq!(r.invalidity, Some(at(2025, 12, 24)));
        assert_eq!(crl.lookup(&[0x07]).expect("listed").invalidity, None);
        for absent in [&[0x02][..], &[0x12, 0x35], &[0x01, 0x00], &[0x00], &[]] {
            assert_eq!(crl.lookup(absent), None, "{absent:02x?}");
        }
        // the serials, in minimal form, back to back in record order
        assert_eq!(
            crl.table.serials,
            [0x01, 0x00, 0xFF, 0x12, 0x34, 0x07, 0x00, 0x07]
        );
        assert_eq!(crl.table.issuers, Vec::<u32>::new());
    }
}

/// A serial listed twice: the first entry wins, also when its key
/// collides with other serials', and it is counted once.
#[test]
fn first_entry_wins_with_and_without_collisions() {
    let ca = Issued::root("Dup CA");
    let der = build_crl(
        &ca,
        &hand_spec(
            1,
            &[
                (&[0x05], Some(6)),
                (&[0x06], Some(1)),
                (&[0x05], Some(8)),
                (&[0x06], None),
            ],
        ),
    );
    for keys in [Keys::Constant, Keys::random()] {
        let crl = parse_with(&der, keys);
        assert_eq!((crl.entries, crl.distinct_serials()), (4, 2));
        assert!(crl.lookup(&[0x05]).expect("held").on_hold());
        assert_eq!(
            crl.lookup(&[0x06]).and_then(|r| r.reason),
            Some(Reason::KeyCompromise)
        );
        assert_eq!(crl.lookup(&[0x07]), None);
    }
}

/// Serials are signed integers (RFC 5280 §4.1.2.2), stored in minimal
/// form: redundant leading octets do not matter (00 00 FF == 00 FF,
/// FF FF 80 == FF 80), the sign does (00 FF, +255, != FF, −1), and so
/// do trailing octets (01 00 != 01). Also when every key collides.
#[test]
fn serial_normalisation_in_the_table() {
    let (_, der) = fixture();
    for keys in [Keys::Constant, Keys::random()] {
        let crl = parse_with(&der, keys);
        let plus_255 = crl.lookup(&[0x00, 0xFF]).expect("+255");
        assert_eq!(crl.lookup(&[0x00, 0x00, 0x00, 0xFF]), Some(plus_255));
        assert_eq!(crl.lookup(&[0xFF]), None, "−1");
        assert_eq!(crl.lookup(&[0xFF, 0xFF]), None, "−1, non-minimal");
        assert_eq!(status_with_delta(&crl, None, &[0xFF]), Ok(None));
        assert_eq!(
            status_with_delta(&crl, None, &[0x00, 0x00, 0xFF]),
            Ok(Some(plus_255))
        );
        assert!(crl.lookup(&[0x01]).is_some());
        assert_eq!(crl.lookup(&[0x01, 0x00]), None);
        assert_eq!(crl.lookup(&[0xFF, 0x00]), None);
        // The key stored for the CRL's 00 FF keeps its sign octet.
        let stored: Vec<&[u8]> = (0..crl.table.records.len() as u32)
            .filter_map(|i| crl.table.serial(i))
            .collect();
        assert_eq!(stored, vec![&[0x01][..], &[0x00, 0xFF], &[0x12, 0x34]]);
    }
    // the minimal form itself
    for (raw, minimal) in [
        (&[0x00, 0xFF][..], &[0x00, 0xFF][..]),
        (&[0x00, 0x00, 0xFF], &[0x00, 0xFF]),
        (&[0x00, 0x00, 0x7F], &[0x7F]),
        (&[0xFF], &[0xFF]),
        (&[0xFF, 0xFF, 0x80], &[0x80]),
        (&[0xFF, 0x7F], &[0xFF, 0x7F]),
        (&[0x00], &[0x00]),
        (&[0x00, 0x00], &[0x00]),
        (&[0xFF, 0xFF], &[0xFF]),
        (&[], &[]),
    ] {
        assert_eq!(serial_key(raw), minimal, "{raw:02x?}");
    }
}

/// An indirect CRL lists serial 0x42 for its own issuer, for one CA and
/// for another: three entries, each found only under its issuer, also
/// when all keys collide.
#[test]
fn indirect_entries_with_the_same_serial_stay_distinct() {
    let signer = Issued::root("Indirect Signer");
    let ca_a = model(&Issued::root("CA A")).subject.raw;
    let ca_b = model(&Issued::root("CA B")).subject.raw;
    let ca_c = model(&Issued::root("CA C")).subject.raw;
    let der = indirect_crl(
        &signer,
        true,
        &[
            (&[0x42], None),
            (&[0x42], Some(&ca_a)),
            (&[0x43], None),
            (&[0x42], Some(&ca_b)),
            (&[0x44], None),
        ],
    );
    let own = model(&signer).subject.raw;
    for keys in [Keys::Constant, Keys::random()] {
        let crl = parse_with(&der, keys);
        assert!(crl.unsupported.is_empty(), "{:?}", crl.unsupported);
        assert_eq!(crl.distinct_serials(), 1);
        assert_eq!(crl.table.records.len(), 5);
        assert!(crl.lookup(&[0x42]).is_some());
        assert!(crl.lookup_issued_by(&own, &[0x42]).is_some());
        assert!(crl.lookup(&[0x43]).is_none());
        for ca in [&ca_a, &ca_b] {
            assert!(crl.lookup_issued_by(ca, &[0x42]).is_some());
            assert!(crl.lookup_issued_by(ca, &[0x00, 0x42]).is_some());
            assert!(crl.lookup_issued_by(ca, &[0x41]).is_none());
        }
        // entries without certificateIssuer inherit the one before
        assert!(crl.lookup_issued_by(&ca_a, &[0x43]).is_some());
        assert!(crl.lookup_issued_by(&ca_b, &[0x43]).is_none());
        assert!(crl.lookup_issued_by(&ca_b, &[0x44]).is_some());
        assert!(crl.lookup_issued_by(&ca_a, &[0x44]).is_none());
        assert!(crl.lookup_issued_by(&ca_c, &[0x42]).is_none());
    }
    // With distinct reasons, straight on a table: each issuer's own entry.
    let mut table = Table::new(Keys::Constant);
    let listed = |code| Revoked {
        time: at(2026, 1, 1),
        reason: Some(Reason::from_code(code)),
        invalidity: None,
    };
    table.push(CRL_ISSUER, &[0x42], &listed(1));
    table.push(0, &[0x42], &listed(4));
    table.push(1, &[0x42], &listed(6));
    table.push(0, &[0x42], &listed(9));
    table.index();
    let reason = |issuer, serial: &[u8]| table.get(issuer, serial).and_then(|r| r.reason);
    assert_eq!(reason(CRL_ISSUER, &[0x42]), Some(Reason::KeyCompromise));
    assert_eq!(reason(0, &[0x42]), Some(Reason::Superseded));
    assert_eq!(reason(1, &[0x42]), Some(Reason::CertificateHold));
    assert_eq!(reason(2, &[0x42]), None);
    assert_eq!((table.records.len(), table.index.len()), (4, 1));
    assert_eq!(
        (table.overflow.values().map(Vec::len).sum(), table.direct),
        (2, 1)
    );
}

/// Serials of 65,535 octets or more keep their length aside; an
/// empty serial is an entry too. All are found, each only as itself.
#[test]
fn table_long_and_empty_serials() {
    let long = vec![0x5A; 70_000];
    let revoked = Revoked {
        time: at(2026, 1, 1),
        reason: Some(Reason::Other(7)),
        invalidity: None,
    };
    for keys in [Keys::Constant, Keys::random()] {
        let mut table = Table::new(keys);
        table.push(CRL_ISSUER, &[0x09], &revoked);
        table.push(CRL_ISSUER, &[0x0A, 0x0B], &revoked);
        table.push(CRL_ISSUER, &long, &revoked);
        table.push(CRL_ISSUER, &[], &revoked);
        table.index();
        assert_eq!(table.serials.len(), 3 + 70_000);
        assert_eq!(table.records[1].serial_at, 1);
        assert_eq!(table.records[2].serial_len, u16::MAX);
        assert_eq!(table.long_serials.get(&2), Some(&70_000));
        for serial in [&[0x09][..], &[0x0A, 0x0B], &long, &[]] {
            assert_eq!(table.get(CRL_ISSUER, serial), Some(revoked));
        }
        assert_eq!(table.get(CRL_ISSUER, &long[1..]), None);
        assert_eq!(table.get(CRL_ISSUER, &[0x0A]), None);
        assert_eq!(table.get(0, &[0x09]), None);
    }
}

// --- streaming parse, released DER -----------------------------------

/// `der` parsed the way `from_der` did before it streamed the entries:
/// x509-parser's `CertificateRevocationList::from_der` over the whole
/// CRL (every entry in memory at once), the same checks in the same
/// order, then the same entry handling.
fn parse_all_at_once(der: &[u8], keys: Keys) -> Result<Crl, CrlError> {
    let origin = "t".to_string();
    if der.len() > MAX_CRL_BYTES {
        let size = der.len();
        return Err(CrlError::TooLarge { origin, size });
    }
    let (rest, parsed) =
        CertificateRevocationList::from_der(der).map_err(|e| CrlError::NotACrl {
            origin: origin.clone(),
            reason: e.to_string(),
        })?;
    if !rest.is_empty() {
        let extra = rest.len();
        return Err(CrlError::TrailingData { origin, extra });
    }
    match split_signed(der) {
        Some((tbs, _, _)) if tbs == parsed.tbs_cert_list.as_ref() => {}
        _ => {
            let reason = "CertificateList is not DER-framed".into();
            return Err(CrlError::NotACrl { origin, reason });
        }
    }
    let mut crl = Crl::from_header(&parsed, "t", keys);
    let issuer_raw = crl.issuer_raw.clone();
    let mut reader = Reader::new(
        &issuer_raw,
        crl.is_indirect(),
        std::mem::take(&mut crl.unsupported),
    );
    for entry in &parsed.tbs_cert_list.revoked_certificates {
        // x509-parser's reading of every entry (no fast path), handled as
        // the slow path of `Reader::next` handles it.
        let revoked = reader.read_extensions(entry);
        crl.table.push(
            issuer_index(reader.current),
            serial_key(entry.raw_serial()),
            &revoked,
        );
        reader.entries += 1;
    }
    crl.entries = reader.entries;
    crl.unsupported = reader.unsupported;
    crl.other_issuers = reader.other_issuers;
    crl.finish(Arc::new(der.to_vec()));
    Ok(crl)
}

/// Same fields, same records in the same order, same index (both
/// parsed with `Keys::Constant`), same answers to lookups.
fn assert_same_crl(streamed: &Crl, reference: &Crl, what: &str) {
    let (a, b) = (streamed, reference);
    assert_eq!(a.issuer_raw, b.issuer_raw, "{what}");
    assert_eq!(a.issuer_text, b.issuer_text, "{what}");
    assert_eq!(
        (a.this_update, a.next_update),
        (b.this_update, b.next_update),
        "{what}"
    );
    assert_eq!(
        (&a.crl_number, &a.delta_of),
        (&b.crl_number, &b.delta_of),
        "{what}"
    );
    assert_eq!(
        (&a.crl_number_raw, &a.delta_of_raw),
        (&b.crl_number_raw, &b.delta_of_raw),
        "{what}"
    );
    assert_eq!(a.freshest, b.freshest, "{what}");
    assert_eq!(a.scope, b.scope, "{what}");
    assert_eq!(a.authority_key_id, b.authority_key_id, "{what}");
    assert_eq!(a.signature_oid, b.signature_oid, "{what}");
    assert_eq!(a.entries, b.entries, "{what}");
    assert_eq!(a.unsupported, b.unsupported, "{what}");
    assert_eq!(a.der(), b.der(), "{what}");
    assert_eq!(a.other_issuers, b.other_issuers, "{what}");
    assert_eq!(a.distinct_serials(), b.distinct_serials(), "{what}");
    let (ta, tb) = (&a.table, &b.table);
    assert_eq!(ta.records.len(), tb.records.len(), "{what}");
    assert_eq!(ta.records.len(), a.entries, "{what}");
    assert_eq!(ta.index, tb.index, "{what}");
    assert_eq!(ta.overflow, tb.overflow, "{what}");
    let mut issuers = vec![a.issuer_raw.clone()];
    issuers.extend(a.other_issuers.iter().cloned());
    for i in 0..ta.records.len() as u32 {
        let serial = ta.serial(i).expect("stored serial");
        assert_eq!(ta.issuer_of(i), tb.issuer_of(i), "{what} #{i}");
        assert_eq!(Some(serial), tb.serial(i), "{what} #{i}");
        assert_eq!(ta.revoked(i), tb.revoked(i), "{what} #{i}");
        let mut padded = vec![0, 0];
        padded.extend_from_slice(serial);
        let mut longer = serial.to_vec();
        longer.push(0);
        for query in [
            serial,
            &padded,
            &longer,
            &serial[..serial.len().saturating_sub(1)],
        ] {
            for issuer in &issuers {
                assert_eq!(
                    a.lookup_issued_by(issuer, query),
                    b.lookup_issued_by(issuer, query),
                    "{what} #{i} {query:02x?}"
                );
            }
        }
    }
}

/// `der` read for lookups ([`Read::ForLookups`]) answers every lookup
/// as `reference` (the indexed parse) does, by scanning and, past
/// [`LAZY_SCANS`], by the index it builds; same count, notes, issuers.
fn assert_scans_agree(der: &[u8], reference: &Crl, what: &str) {
    let lazy = Crl::parse(Arc::new(der.to_vec()), "t", Keys::random(), true).expect(what);
    assert_eq!(lazy.entries, reference.entries, "{what}");
    assert_eq!(lazy.unsupported, reference.unsupported, "{what}");
    assert_eq!(lazy.other_issuers, reference.other_issuers, "{what}");
    assert_eq!(lazy.der(), reference.der(), "{what}");
    assert!(lazy.table.records.is_empty(), "{what}: nothing indexed");
    let Some(state) = lazy.lazy.clone() else {
        // No revokedCertificates at all: nothing to scan or index.
        assert_eq!(reference.entries, 0, "{what}");
        assert_eq!(lazy.lookup(&[0x01]), None, "{what}");
        return;
    };
    let mut issuers = vec![reference.issuer_raw.clone()];
    issuers.extend(reference.other_issuers.iter().cloned());
    issuers.push(model(&Issued::root("Nobody")).subject.raw);
    let table = &reference.table;
    let mut queries: Vec<Vec<u8>> = vec![vec![], vec![0x00], vec![0x7F, 0x01]];
    for i in 0..table.records.len() as u32 {
        let serial = table.serial(i).expect("stored serial");
        queries.push(serial.to_vec());
        queries.push([&[0x00, 0x00][..], serial].concat());
        queries.push([serial, &[0x00][..]].concat());
        queries.push(serial[..serial.len().saturating_sub(1)].to_vec());
    }
    for scanned in [true, false] {
        for query in &queries {
            for issuer in &issuers {
                // Below the threshold: a scan each time; at it: the index.
                state
                    .scans
                    .store(if scanned { 0 } else { LAZY_SCANS }, Ordering::Relaxed);
                assert_eq!(
                    lazy.try_lookup_issued_by(issuer, query),
                    Ok(reference.lookup_issued_by(issuer, query)),
                    "{what} {query:02x?} scanned {scanned}"
                );
            }
        }
        assert_eq!(lazy.is_scanned(), scanned, "{what}");
    }
    assert_eq!(
        lazy.distinct_serials(),
        reference.distinct_serials(),
        "{what}"
    );
}

/// The outcome of both parses: the same CRL, or the same kind of error;
/// and the same of the parse for lookups.
fn assert_same_outcome(der: &[u8], what: &str) {
    let lazy = Crl::parse(Arc::new(der.to_vec()), "t", Keys::Constant, true);
    match (&lazy, parse_all_at_once(der, Keys::Constant)) {
        (Ok(_), Ok(reference)) => assert_scans_agree(der, &reference, what),
        (Err(a), Err(b)) => assert_eq!(
            std::mem::discriminant(a),
            std::mem::discriminant(&b),
            "{what}"
        ),
        (lazy, reference) => panic!("{what}: for lookups {lazy:?}, all at once {reference:?}"),
    }
    match (
        Crl::parse(Arc::new(der.to_vec()), "t", Keys::Constant, false),
        parse_all_at_once(der, Keys::Constant),
    ) {
        (Ok(streamed), Ok(reference)) => assert_same_crl(&streamed, &reference, what),
        (Err(CrlError::NotACrl { .. }), Err(CrlError::NotACrl { .. }))
        | (Err(CrlError::TooLarge { .. }), Err(CrlError::TooLarge { .. })) => {}
        (
            Err(CrlError::TrailingData { extra: a, .. }),
            Err(CrlError::TrailingData { extra: b, .. }),
        ) => assert_eq!(a, b, "{what}"),
        (streamed, reference) => {
            panic!("{what}: streamed {streamed:?}, all at once {reference:?}")
        }
    }
}

/// The CRLs of the tests above.
fn fixtures() -> Vec<(&'static str, Vec<u8>)> {
    let ca = Issued::root("Fixture CA");
    let hand = |spec: CrlSpec| build_crl(&ca, &spec);
    let mut compromised = entry(&[0x07, 0x00], Some(RevocationReason::KeyCompromise));
    compromised.invalidity_date = Some(ymd((2025, 12, 24)));
    let signer = Issued::root("Fixture Indirect Signer");
    let ca_a = model(&Issued::root("Fixture CA A")).subject.raw;
    let ca_b = model(&Issued::root("Fixture CA B")).subject.raw;
    vec![
        ("fixture", fixture().1),
        (
            "reasons and invalidity",
            sign(
                &ca,
                &crl_params(vec![
                    entry(&[0x01], Some(RevocationReason::KeyCompromise)),
                    entry(&[0x00, 0xFF], Some(RevocationReason::CertificateHold)),
                    compromised,
                    entry(&[0x07], Some(RevocationReason::Superseded)),
                    entry(&[0x80, 0x01, 0x02], None),
                ]),
            ),
        ),
        ("rcgen, no entries", sign(&ca, &crl_params(Vec::new()))),
        (
            "duplicates",
            hand(hand_spec(
                1,
                &[(&[0x05], Some(6)), (&[0x06], Some(1)), (&[0x05], Some(8))],
            )),
        ),
        ("hand, no entries", hand(hand_spec(2, &[]))),
        (
            "delta",
            hand(hand_spec(11, &[(&[0x05], Some(8)), (&[0x09], None)]).delta_of(10)),
        ),
        (
            "critical unknown",
            hand(with_unknown_critical(hand_spec(3, &[(&[0x01], Some(0))]))),
        ),
        (
            "indirect",
            indirect_crl(
                &signer,
                true,
                &[
                    (&[0x42], None),
                    (&[0x42], Some(&ca_a)),
                    (&[0x43], None),
                    (&[0x42], Some(&ca_b)),
                    (&[0x44], None),
                ],
            ),
        ),
        (
            "not indirect",
            indirect_crl(&signer, false, &[(&[0x01], Some(&ca_a))]),
        ),
    ]
}

/// Streaming the entries changes nothing: every fixture gives the same
/// CRL as x509-parser's all-at-once parse, and so does every truncation
/// and every one-byte change of them (or both fail the same way).
#[test]
fn streaming_parse_matches_parsing_all_at_once() {
    for (what, der) in fixtures() {
        let streamed = Crl::parse(Arc::new(der.clone()), "t", Keys::Constant, false).expect(what);
        assert_same_crl(
            &streamed,
            &parse_all_at_once(&der, Keys::Constant).expect(what),
            what,
        );
        assert_same_outcome(&der, what);
        let mut trailing = der.clone();
        trailing.extend_from_slice(&[0x30, 0x00]);
        assert_same_outcome(&trailing, what);
        for cut in 0..der.len() {
            assert_same_outcome(&der[..cut], &format!("{what} cut at {cut}"));
        }
        for i in 0..der.len() {
            for change in [0xFF, 0x01, 0x20, 0x80] {
                let mut bad = der.clone();
                bad[i] ^= change;
                assert_same_outcome(&bad, &format!("{what} byte {i} ^ {change:02x}"));
            }
        }
    }
    // and the lookups the earlier tests rely on
    let (_, der) = fixture();
    let crl = Crl::from_der(&der, "t").expect("parses");
    assert_eq!(
        crl.lookup(&[0x01]).and_then(|r| r.reason),
        Some(Reason::KeyCompromise)
    );
    assert!(crl.lookup(&[0x00, 0xFF]).expect("held").on_hold());
    assert_eq!(crl.lookup(&[0x12, 0x34]).map(|r| r.reason), Some(None));
}

/// The entries as x509-parser's own accessors read them (all at once):
/// every serial's first listing is what `lookup` answers.
#[test]
fn lookups_agree_with_x509_parser_entries() {
    for (what, der) in fixtures() {
        let crl = Crl::from_der(&der, what).expect(what);
        if crl.is_indirect() || !crl.unsupported.is_empty() {
            continue;
        }
        let (_, parsed) = CertificateRevocationList::from_der(&der).expect(what);
        let mut seen = Vec::new();
        for entry in parsed.iter_revoked_certificates() {
            let serial = serial_key(entry.raw_serial()).to_vec();
            if seen.contains(&serial) {
                continue;
            }
            seen.push(serial);
            let expected = Revoked {
                time: to_utc(entry.revocation_date.timestamp()),
                reason: entry.reason_code().map(|(_, c)| Reason::from_code(c.0)),
                invalidity: entry.invalidity_date().map(|(_, t)| to_utc(t.timestamp())),
            };
            assert_eq!(crl.lookup(entry.raw_serial()), Some(expected), "{what}");
        }
        assert_eq!(
            crl.entries,
            parsed.iter_revoked_certificates().count(),
            "{what}"
        );
        assert_eq!(crl.distinct_serials(), seen.len(), "{what}");
    }
}

/// rcgen leaves revokedCertificates out when there are no entries (it
/// is OPTIONAL); the hand-built CRL writes it empty. Both are CRLs with
/// no entries that verify.
#[test]
fn no_entries_with_the_field_absent_or_empty() {
    let ca = Issued::root("Empty CA");
    let absent = sign(&ca, &crl_params(Vec::new()));
    let empty = build_crl(&ca, &hand_spec(7, &[]));
    let layout = Layout::of(&absent).expect("layout");
    assert_eq!(layout.revoked, None, "rcgen omits an empty list");
    assert!(!layout.after.is_empty(), "crlExtensions follow");
    assert_eq!(Layout::of(&empty).expect("layout").revoked, Some(&[][..]));
    for (what, der) in [("absent", &absent), ("empty", &empty)] {
        let crl = Crl::from_der(der, what).expect(what);
        assert_eq!((crl.entries, crl.distinct_serials()), (0, 0), "{what}");
        assert!(crl.table.records.is_empty() && crl.table.serials.is_empty());
        assert!(crl.crl_number.is_some(), "{what}");
        assert_eq!(crl.lookup(&[0x01]), None, "{what}");
        assert_eq!(crl.lookup(&[]), None, "{what}");
        assert_eq!(status_with_delta(&crl, None, &[0x01]), Ok(None), "{what}");
        crl.verify(&model(&ca)).expect(what);
    }
}

/// One entry that does not parse, between two that do, makes the whole
/// CRL an error, as it did when x509-parser read the list at once.
#[test]
fn a_malformed_entry_in_the_middle_is_an_error() {
    let ca = Issued::root("Malformed Entry CA");
    let der = build_crl(
        &ca,
        &hand_spec(
            1,
            &[(&[0x01], Some(1)), (&[0x02], Some(4)), (&[0x03], None)],
        ),
    );
    Crl::from_der(&der, "t").expect("the CRL as built parses");
    let list = Layout::of(&der).expect("layout").revoked.expect("entries");
    let second = Element::read(list, "first entry")
        .expect("first entry")
        .rest;
    let at = second.as_ptr() as usize - der.as_ptr() as usize;
    // at: the second entry's SEQUENCE tag; its content starts at
    // at + 2 with the serial INTEGER, then the revocationDate UTCTime.
    assert_eq!(der[at..at + 3], [0x30, der[at + 1], 0x02]);
    assert_eq!(der[at + 5], 0x17);
    for (what, offset, tag) in [
        ("entry is a SET", at, 0x31),
        ("serial is an OCTET STRING", at + 2, 0x04),
        ("revocationDate is an OCTET STRING", at + 5, 0x04),
    ] {
        let mut bad = der.clone();
        bad[offset] = tag;
        match Crl::from_der(&bad, "t") {
            Err(CrlError::NotACrl { reason, .. }) => {
                assert!(reason.contains("entry 2"), "{what}: {reason}")
            }
            other => panic!("{what}: {other:?}"),
        }
        assert!(parse_all_at_once(&bad, Keys::Constant).is_err(), "{what}");
    }
}

/// A second SEQUENCE after revokedCertificates is not crlExtensions:
/// x509-parser refuses the CRL, and so does the streaming parse (which
/// must not take it for the entry list once the first is taken out).
#[test]
fn a_second_entry_list_is_an_error() {
    let (_, der) = fixture();
    let layout = Layout::of(&der).expect("layout");
    let list = layout.revoked.expect("entries");
    let seq = |content: &[u8]| {
        yasna::construct_der(|w| w.write_sequence(|w| w.next().write_der(content)))
    };
    let seq_of = |parts: &[&[u8]]| {
        yasna::construct_der(|w| {
            w.write_sequence(|w| {
                for part in parts {
                    w.next().write_der(part);
                }
            })
        })
    };
    let empty_seq = [0x30, 0x00];
    let entries = seq(list);
    let tbs = seq_of(&[layout.before, &entries, &empty_seq, layout.after]);
    let crafted = seq_of(&[&tbs, layout.signature]);
    assert!(parse_all_at_once(&crafted, Keys::Constant).is_err());
    match Crl::from_der(&crafted, "t") {
        Err(CrlError::NotACrl { reason, .. }) => {
            assert!(reason.contains("crlExtensions"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
    // the same pieces without the extra SEQUENCE make the CRL again
    let tbs = seq_of(&[layout.before, &entries, layout.after]);
    assert_eq!(seq_of(&[&tbs, layout.signature]), der);
}

/// Once verified, the DER can go: the lookups and the issuer checks
/// stay, the signature can no longer be checked and says why.
#[test]
fn released_der_keeps_lookups_and_issuer_checks() {
    let (ca, der) = fixture();
    let ca = model(&ca);
    let mut crl = Crl::from_der(&der, "t").expect("parses");
    assert!(crl.has_der());
    assert_eq!(crl.der(), der.as_slice());
    crl.verify(&ca).expect("verifies");
    let kept = crl.clone();
    crl.release_der();
    assert!(!crl.has_der());
    assert!(crl.der().is_empty());
    assert_eq!(crl.verify_signature(&ca), Err(RELEASED.to_string()));
    assert_eq!(
        crl.verify_signature(&ca).expect_err("released"),
        "the CRL's bytes are no longer in memory (released after it verified); fetch it again to verify it with another key"
    );
    assert_eq!(crl.verify(&ca), Err(RELEASED.to_string()));
    crl.check_issuer(&ca).expect("no DER needed");
    let other = model(&Issued::root("Another CA"));
    let err = crl.check_issuer(&other).expect_err("other name");
    assert!(err.contains("is not the subject"), "{err}");
    // verify() checks the issuer first, with the same message
    assert_eq!(crl.verify(&other), Err(err));
    // a clone taken before still has it (shared, not copied)
    assert!(kept.has_der());
    kept.verify_signature(&ca).expect("the clone verifies");
    for serial in [&[0x01][..], &[0x00, 0xFF], &[0x12, 0x34], &[0x02], &[]] {
        assert_eq!(crl.lookup(serial), kept.lookup(serial), "{serial:02x?}");
    }
    assert!(crl.lookup(&[0x00, 0xFF]).expect("held").on_hold());
    assert_eq!(crl.freshness(at(2026, 2, 3)), Freshness::Fresh);
    assert_eq!(
        status_with_delta(&crl, None, &[0x01]),
        status_with_delta(&kept, None, &[0x01])
    );
    // verify_signature alone is the signature check: the right key
    // verifies, another key of the same name does not
    let impostor = model(&Issued::root("CRL Test CA"));
    kept.verify_signature(&impostor).expect_err("wrong key");
    kept.check_issuer(&impostor).expect("same name, KU cRLSign");
}

// --- scope (RFC 5280 §6.3.3 (b), (d)) ----------------------------------

fn parsed(signer: &Issued, spec: &CrlSpec) -> Crl {
    Crl::from_der(&build_crl(signer, spec), "scope.crl").expect("parses")
}

fn with_cdp(ca: &Issued, spec: CertSpec, points: &[DpSpec]) -> Certificate {
    model(&ca.issue(spec.raw_extension(&[2, 5, 29, 31], false, distribution_points(points))))
}

fn uri_dp(uri: &str) -> DpSpec {
    DpSpec {
        uris: vec![uri.into()],
        ..DpSpec::default()
    }
}

/// §6.3.3 (b)(2)(i): one of the IDP's names must be one of the DP's;
/// URIs compare with scheme and host case-insensitive (RFC 3986
/// §6.2.2.1); a CRL without IDP covers every DP of its issuer.
#[test]
fn scope_idp_names_against_the_distribution_point() {
    let ca = Issued::root("Scope CA");
    let cert = with_cdp(
        &ca,
        CertSpec::leaf("s"),
        &[uri_dp("http://x.example/ca1.crl")],
    );
    let dp = &cert.distribution_points[0];
    assert_eq!(
        dp.names,
        Some(vec![DpName::Uri("http://x.example/ca1.crl".into())])
    );
    let idp = |uris: &[&str]| {
        parsed(
            &ca,
            &CrlSpec::new(1).idp(Idp {
                uris: uris.iter().map(|u| u.to_string()).collect(),
                ..Idp::default()
            }),
        )
    };
    assert_eq!(
        idp(&["http://x.example/ca1.crl"]).scope_for(&cert, dp, false),
        Ok(ALL_REASONS)
    );
    assert_eq!(
        idp(&["ldap://dir/cn=x", "HTTP://X.EXAMPLE/ca1.crl"]).scope_for(&cert, dp, false),
        Ok(ALL_REASONS)
    );
    let err = idp(&["http://x.example/ca2.crl"])
        .scope_for(&cert, dp, false)
        .expect_err("another DP");
    assert_eq!(
        err,
        "the CRL's Issuing Distribution Point names http://x.example/ca2.crl, the certificate's distribution point is http://x.example/ca1.crl"
    );
    assert!(idp(&["http://x.example/CA1.crl"])
        .scope_for(&cert, dp, false)
        .is_err());
    let full = parsed(&ca, &CrlSpec::new(1));
    assert_eq!(full.scope_for(&cert, dp, false), Ok(ALL_REASONS));
    // the implied DP of §6.3 is the issuer's name: an IDP naming it
    // as a directoryName matches, one naming a URI does not
    let implied = DistributionPoint {
        names: Some(vec![DpName::directory(&cert.issuer.raw)]),
        reasons: None,
        crl_issuer: Vec::new(),
    };
    let by_name = parsed(
        &ca,
        &CrlSpec::new(1).idp(Idp {
            dir_names: vec![cert.issuer.raw.clone()],
            ..Idp::default()
        }),
    );
    assert_eq!(by_name.scope_for(&cert, &implied, true), Ok(ALL_REASONS));
    let err = idp(&["http://x.example/ca1.crl"])
        .scope_for(&cert, &implied, true)
        .expect_err("URI against the issuer name");
    assert!(err.contains("implied distribution point"), "{err}");
}

/// §6.3.3 (b)(1) and (b)(2)(i): a DP naming a cRLIssuer wants a CRL
/// from that issuer marked indirect; a DP without a name is matched by
/// its cRLIssuer against the IDP's names.
#[test]
fn scope_crl_issuer_and_indirect() {
    let ca = Issued::root("Scope Indirect CA");
    let issuer = Issued::root("Scope CRL Issuer");
    let issuer_name = model(&issuer).subject.raw;
    let cert = with_cdp(
        &ca,
        CertSpec::leaf("i"),
        &[DpSpec {
            crl_issuer: Some(issuer_name.clone()),
            ..DpSpec::default()
        }],
    );
    let dp = &cert.distribution_points[0];
    assert_eq!(dp.names, None);
    let indirect = |dir_names: Vec<Vec<u8>>| {
        parsed(
            &issuer,
            &CrlSpec::new(1).idp(Idp {
                indirect: true,
                dir_names,
                ..Idp::default()
            }),
        )
    };
    assert_eq!(
        indirect(Vec::new()).scope_for(&cert, dp, false),
        Ok(ALL_REASONS)
    );
    assert_eq!(
        indirect(vec![issuer_name.clone()]).scope_for(&cert, dp, false),
        Ok(ALL_REASONS)
    );
    let err = indirect(vec![model(&ca).subject.raw])
        .scope_for(&cert, dp, false)
        .expect_err("IDP names the CA, the DP's cRLIssuer is the CRL issuer");
    assert!(err.contains("has no name; its cRLIssuer is"), "{err}");
    let direct = parsed(&issuer, &CrlSpec::new(1));
    let err = direct
        .scope_for(&cert, dp, false)
        .expect_err("not indirect");
    assert!(err.contains("not marked indirect"), "{err}");
    // the CA's own CRL is not the one the DP names
    let own = parsed(&ca, &CrlSpec::new(1));
    let err = own.scope_for(&cert, dp, false).expect_err("other issuer");
    assert!(err.contains("names the CRL issuer"), "{err}");
    // a DP without cRLIssuer wants the certificate's issuer
    let plain = with_cdp(&ca, CertSpec::leaf("p"), &[uri_dp("http://x/ca.crl")]);
    let err = direct
        .scope_for(&plain, &plain.distribution_points[0], false)
        .expect_err("issuer");
    assert!(err.contains("the certificate by"), "{err}");
}

/// §6.3.3 (b)(2)(ii)-(iv): user-only CRLs do not cover CAs, CA-only
/// CRLs do not cover end entities, attribute-certificate CRLs cover no
/// public-key certificate.
#[test]
fn scope_user_ca_and_attribute_certificates() {
    let root = Issued::root("Scope Kind Root");
    let ca = model(&root.issue(CertSpec::ca("Scope Kind CA")));
    let leaf = model(&root.issue(CertSpec::leaf("k")));
    let any = DistributionPoint {
        names: None,
        reasons: None,
        crl_issuer: Vec::new(),
    };
    let with = |idp: Idp| parsed(&root, &CrlSpec::new(1).idp(idp));
    let users = with(Idp {
        only_user: true,
        ..Idp::default()
    });
    let cas = with(Idp {
        only_ca: true,
        ..Idp::default()
    });
    let attributes = with(Idp {
        only_attribute: true,
        ..Idp::default()
    });
    assert!(users.scope_for(&leaf, &any, false).is_ok());
    assert!(users.scope_for(&ca, &any, false).is_err());
    assert!(cas.scope_for(&ca, &any, false).is_ok());
    assert!(cas.scope_for(&leaf, &any, false).is_err());
    for cert in [&leaf, &ca] {
        let err = attributes.scope_for(cert, &any, false).expect_err("attr");
        assert!(err.contains("onlyContainsAttributeCerts"), "{err}");
    }
}

/// §6.3.3 (d): the reasons a CRL covers for a DP are the DP's reasons
/// and the IDP's onlySomeReasons together (each all reasons when
/// absent); onlySomeReasons no longer makes the CRL unusable.
#[test]
fn interim_reasons_mask() {
    use reason_bits::*;
    let ca = Issued::root("Reasons CA");
    let key_only = DpSpec {
        uris: vec!["http://x/r.crl".into()],
        reasons: Some(KEY_COMPROMISE),
        ..DpSpec::default()
    };
    let cert = with_cdp(
        &ca,
        CertSpec::leaf("r"),
        &[key_only, uri_dp("http://x/r.crl")],
    );
    assert_eq!(cert.distribution_points[0].reasons, Some(KEY_COMPROMISE));
    assert_eq!(cert.distribution_points[1].reasons, None);
    let partition = parsed(
        &ca,
        &CrlSpec::new(1).idp(Idp {
            only_some_reasons: Some(KEY_COMPROMISE | CA_COMPROMISE),
            ..Idp::default()
        }),
    );
    assert!(
        partition.unsupported.is_empty(),
        "{:?}",
        partition.unsupported
    );
    let scope = partition.scope.as_ref().expect("IDP");
    assert_eq!(scope.reasons, Some(KEY_COMPROMISE | CA_COMPROMISE));
    assert!(scope.only_some_reasons);
    let dps = &cert.distribution_points;
    assert_eq!(
        partition.scope_for(&cert, &dps[0], false),
        Ok(KEY_COMPROMISE)
    );
    assert_eq!(
        partition.scope_for(&cert, &dps[1], false),
        Ok(KEY_COMPROMISE | CA_COMPROMISE)
    );
    let full = parsed(&ca, &CrlSpec::new(1));
    assert_eq!(full.scope_for(&cert, &dps[0], false), Ok(KEY_COMPROMISE));
    assert_eq!(
        reason_names(KEY_COMPROMISE | AA_COMPROMISE | CERTIFICATE_HOLD),
        ["keyCompromise", "certificateHold", "aACompromise"]
    );
    assert_eq!(reason_names(ALL_REASONS).len(), 8);
}

/// RFC 3986 §6.2.2.1: scheme and host without regard to case, the rest
/// (userinfo, path, query) exactly.
#[test]
fn uris_compare_as_rfc_3986_says() {
    for (a, b, same) in [
        ("http://x.example/a.crl", "HTTP://X.EXAMPLE/a.crl", true),
        (
            "http://x.example:80/a.crl",
            "http://X.example:80/a.crl",
            true,
        ),
        ("ldap://Dir.Example/CN=CA", "LDAP://dir.example/CN=CA", true),
        ("http://x.example/a.crl", "http://x.example/A.crl", false),
        ("http://User@x.example/", "http://user@x.example/", false),
        ("http://x.example/?Q", "http://x.example/?q", false),
        ("urn:Example:a", "URN:Example:a", true),
        ("urn:Example:a", "urn:example:a", false),
        ("no scheme", "no scheme", true),
    ] {
        assert_eq!(same_uri(a, b), same, "{a} vs {b}");
    }
}

/// §6.3.3 (c)(2), (3): a delta must carry the base's Issuing
/// Distribution Point and authority key identifier.
#[test]
fn delta_must_have_the_base_idp_and_key_id() {
    let ca = Issued::root("Delta Scope CA");
    let idp = Idp {
        uris: vec!["http://x/ca.crl".into()],
        ..Idp::default()
    };
    let base = parsed(&ca, &CrlSpec::new(10).idp(idp.clone()));
    let fits = parsed(&ca, &CrlSpec::new(11).delta_of(10).idp(idp.clone()));
    check_delta_fits(&base, &fits).expect("same IDP");
    let no_idp = parsed(&ca, &CrlSpec::new(11).delta_of(10));
    let err = check_delta_fits(&base, &no_idp).expect_err("IDP");
    assert!(
        err.contains("different Issuing Distribution Points"),
        "{err}"
    );
    let other_idp = Idp {
        uris: vec!["http://x/other.crl".into()],
        ..idp.clone()
    };
    let other = parsed(&ca, &CrlSpec::new(11).delta_of(10).idp(other_idp));
    assert!(check_delta_fits(&base, &other).is_err());
    // same name, another key: another authority key identifier
    let rekeyed = Issued::root("Delta Scope CA");
    let foreign = parsed(&rekeyed, &CrlSpec::new(11).delta_of(10).idp(idp));
    let err = check_delta_fits(&base, &foreign).expect_err("AKI");
    assert!(err.contains("authority key id"), "{err}");
}

/// §4.2.1.13: a nameRelativeToCRLIssuer is the CRL issuer's name (the
/// cRLIssuer's, else the certificate issuer's) with one more RDN.
/// (x509-parser reads the RDN only when the [1] wraps a SET.)
#[test]
fn relative_distribution_point_names_are_made_full() {
    use x509_parser::extensions::CRLDistributionPoints;
    let issuer = model(&Issued::root("Relative CA")).subject.raw;
    let atv = [0x30, 0x08, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x01, b'x'];
    let set = crate::testkit::der_tlv(0x31, &atv);
    let dpn = crate::testkit::der_tlv(0xa0, &crate::testkit::der_tlv(0xa1, &set));
    let cdp = crate::testkit::der_tlv(0x30, &crate::testkit::der_tlv(0x30, &dpn));
    let (_, points) = CRLDistributionPoints::from_der(&cdp).expect("parses");
    let dp = DistributionPoint::from_x509(&points[0], &issuer);
    let Some([DpName::DirectoryName { der, text }]) = dp.names.as_deref() else {
        panic!("{dp:?}")
    };
    // the issuer's RDNs and then CN=x
    let content = &issuer[2..];
    let mut expected = vec![0x30, (content.len() + set.len()) as u8];
    expected.extend_from_slice(content);
    expected.extend_from_slice(&set);
    assert_eq!(der, &expected);
    assert!(text.ends_with("CN=x"), "{text}");
}

/// A CRL out of scope never answers, even when it lists the serial:
/// neither revoked nor good (§6.3.3 (b)).
#[test]
fn out_of_scope_crls_do_not_answer() {
    use crate::revocation::{Mode, Policy, Revocation, RevocationStatus};
    let ca = Issued::root("Out of Scope CA");
    let leaf = with_cdp(
        &ca,
        CertSpec::leaf("o").serial(&[0x11]),
        &[uri_dp("http://x/ca1.crl")],
    );
    let crl = parsed(
        &ca,
        &CrlSpec::new(1)
            .idp(Idp {
                uris: vec!["http://x/ca2.crl".into()],
                ..Idp::default()
            })
            .entry(CrlEntry::new(&[0x11]).reason(1)),
    );
    let mut rev = Revocation::new(Mode::Crl, Policy::Hard, chrono::Utc::now());
    rev.offline = true;
    rev.crls.push(Arc::new(crl));
    let check = rev.check(&leaf, &model(&ca), at(2026, 2, 10));
    let RevocationStatus::Unknown { reason } = &check.status else {
        panic!("{check:?}")
    };
    assert!(reason.contains("out of scope"), "{reason}");
    assert!(reason.contains("not fetched (--offline)"), "{reason}");
}

#[test]
fn reason_codes_round_trip() {
    for code in 0..=u8::MAX {
        let reason = Reason::from_code(code);
        assert_eq!(Reason::from_code(reason_code(reason)), reason);
    }
}

/// The fast path reads the entries real CRLs have (rcgen writes them as
/// CAs do), so the comparisons above exercise it; an entry with an
/// invalidityDate or a certificateIssuer goes to x509-parser.
#[test]
fn fast_path_reads_common_entries() {
    let mut fast = 0;
    let mut slow = 0;
    for (_, der) in fixtures() {
        let Ok(layout) = Layout::of(&der) else {
            continue;
        };
        let mut list = layout.revoked.unwrap_or_default();
        while !list.is_empty() {
            match entries::fast_entry(list) {
                Some(read) => {
                    fast += 1;
                    list = read.rest;
                }
                None => {
                    slow += 1;
                    list = Element::read(list, "entry").expect("framed").rest;
                }
            }
        }
    }
    assert!(fast >= 10 && slow >= 3, "fast {fast}, slow {slow}");
}
