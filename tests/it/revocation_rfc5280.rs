//! Revocation per RFC 5280 §6.3 through the binary, one generated PKI per
//! rule: the scope of a CRL (Issuing Distribution Point against the
//! certificate's distribution point), CRLs partitioned by reason, delta
//! CRLs given with `--crl`, who may sign a CRL (a separate CRL-signing
//! certificate, the CA's rolled-over key, an indirect CRL issuer certified
//! by the root), and serials compared as signed integers. Every run is
//! `pkiaudit check --format json --offline --trust ROOT --crl ...`; each
//! test asserts the JSON revocation status of the certificate checked.

use crate::common::{run, testkit};

use rcgen::KeyUsagePurpose;
use serde_json::Value;
use testkit::{
    build_crl, distribution_points, reason_bits as bits, subject_der, CertSpec, CrlEntry, CrlSpec,
    DpSpec, Idp, Issued,
};

/// A directory for one test's files.
struct Files(tempfile::TempDir);

impl Files {
    fn new() -> Files {
        Files(tempfile::tempdir().unwrap())
    }

    fn write(&self, name: &str, bytes: &[u8]) -> String {
        let p = self.0.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p.display().to_string()
    }

    fn cert(&self, name: &str, c: &Issued) -> String {
        self.write(name, c.pem().as_bytes())
    }
}

/// `check --format json --offline --at 2026-02-10 --trust ROOT [--crl C]...
/// EXTRA... LEAF`.
fn check(root: &str, leaf: &str, crls: &[&str], extra: &[&str]) -> run::Run {
    let mut args = vec![
        "check",
        "--format",
        "json",
        "--offline",
        "--at",
        "2026-02-10",
        "--trust",
        root,
    ];
    for c in crls {
        args.extend(["--crl", c]);
    }
    args.extend_from_slice(extra);
    args.push(leaf);
    run::pkiaudit_json(args)
}

/// The revocation check of the `i`th certificate of the leaf's path (0:
/// the leaf).
fn status(r: &run::Run, i: usize) -> &Value {
    &r.json["certificates"][0]["revocation"][i]
}

fn status_name(r: &run::Run, i: usize) -> String {
    status(r, i)["status"].as_str().unwrap_or("?").to_string()
}

fn reason(r: &run::Run, i: usize) -> String {
    status(r, i)["reason"].as_str().unwrap_or("").to_string()
}

fn leaf_with(ca: &Issued, cn: &str, serial: &[u8], cdp: Option<Vec<u8>>) -> Issued {
    let mut spec = CertSpec::leaf(cn).serial(serial);
    if let Some(value) = cdp {
        spec = spec.raw_extension(&[2, 5, 29, 31], false, value);
    }
    ca.issue(spec)
}

fn cdp_uri(uri: &str) -> Vec<u8> {
    distribution_points(&[DpSpec {
        uris: vec![uri.to_string()],
        ..DpSpec::default()
    }])
}

/// RFC 5280 §6.3.3 (b)(2)(i): a CRL whose Issuing Distribution Point names
/// another distribution point than the certificate's does not cover it, so
/// it never says "good"; the attempt says why. URIs compare as RFC 3986
/// says: scheme and host without regard to case, the path exactly.
#[test]
fn idp_distribution_point_must_match_the_certificates() {
    let f = Files::new();
    let root = Issued::root("Scope Root");
    let leaf = leaf_with(
        &root,
        "scoped.example.com",
        &[0x51],
        Some(cdp_uri("http://x.example/ca1.crl")),
    );
    let (root_pem, leaf_pem) = (f.cert("root.pem", &root), f.cert("leaf.pem", &leaf));
    let with_idp = |name: &str, uri: &str| {
        let spec = CrlSpec::new(5).idp(Idp {
            uris: vec![uri.to_string()],
            ..Idp::default()
        });
        f.write(name, &build_crl(&root, &spec))
    };
    let other = with_idp("ca2.crl", "http://x.example/ca2.crl");
    let r = check(&root_pem, &leaf_pem, &[&other], &[]);
    assert_eq!(status_name(&r, 0), "unknown", "{}", status(&r, 0));
    let why = reason(&r, 0);
    assert!(
        why.contains("out of scope")
            && why.contains("http://x.example/ca2.crl")
            && why.contains("http://x.example/ca1.crl"),
        "{why}"
    );
    // the same distribution point, scheme and host in capitals: in scope
    let same = with_idp("ca1.crl", "HTTP://X.Example/ca1.crl");
    let r = check(&root_pem, &leaf_pem, &[&same], &[]);
    assert_eq!(status_name(&r, 0), "good", "{}", status(&r, 0));
    // the path is compared exactly
    let path_case = with_idp("ca1-upper.crl", "http://x.example/CA1.crl");
    let r = check(&root_pem, &leaf_pem, &[&path_case], &[]);
    assert_eq!(status_name(&r, 0), "unknown", "{}", status(&r, 0));
}

/// RFC 5280 §6.3.3 (b)(2)(iii): a CRL of CA certificates only
/// (onlyContainsCACerts) says nothing about an end-entity certificate.
/// (A certificate without distribution points is checked with the
/// implied one of §6.3: its issuer's name.)
#[test]
fn only_ca_certs_crl_does_not_cover_a_leaf() {
    let f = Files::new();
    let root = Issued::root("CA-only Root");
    let leaf = leaf_with(&root, "leaf.example.com", &[0x52], None);
    let (root_pem, leaf_pem) = (f.cert("root.pem", &root), f.cert("leaf.pem", &leaf));
    let crl = |name: &str, idp: Idp| f.write(name, &build_crl(&root, &CrlSpec::new(3).idp(idp)));
    let ca_only = crl(
        "ca-only.crl",
        Idp {
            only_ca: true,
            ..Idp::default()
        },
    );
    let r = check(&root_pem, &leaf_pem, &[&ca_only], &[]);
    assert_eq!(status_name(&r, 0), "unknown", "{}", status(&r, 0));
    assert!(
        reason(&r, 0).contains("onlyContainsCACerts"),
        "{}",
        reason(&r, 0)
    );
    let user_only = crl(
        "user-only.crl",
        Idp {
            only_user: true,
            ..Idp::default()
        },
    );
    let r = check(&root_pem, &leaf_pem, &[&user_only], &[]);
    assert_eq!(status_name(&r, 0), "good", "{}", status(&r, 0));
}

/// RFC 5280 §6.3.3 (b)(2)(ii): a CRL of end-entity certificates only
/// (onlyContainsUserCerts) says nothing about a CA certificate.
#[test]
fn only_user_certs_crl_does_not_cover_an_intermediate() {
    let f = Files::new();
    let root = Issued::root("User-only Root");
    let ca = root.issue(CertSpec::ca("User-only Issuing CA"));
    let leaf = leaf_with(&ca, "leaf.example.com", &[0x53], None);
    let root_pem = f.cert("root.pem", &root);
    let ca_pem = f.cert("ca.pem", &ca);
    let leaf_pem = f.cert("leaf.pem", &leaf);
    let user_only = f.write(
        "root-users.crl",
        &build_crl(
            &root,
            &CrlSpec::new(4).idp(Idp {
                only_user: true,
                ..Idp::default()
            }),
        ),
    );
    let ca_crl = f.write("ca.crl", &build_crl(&ca, &CrlSpec::new(1)));
    let r = check(
        &root_pem,
        &leaf_pem,
        &[&user_only, &ca_crl],
        &["--untrusted", &ca_pem],
    );
    assert_eq!(status_name(&r, 0), "good", "{}", status(&r, 0));
    assert_eq!(status_name(&r, 1), "unknown", "{}", status(&r, 1));
    assert!(
        reason(&r, 1).contains("onlyContainsUserCerts"),
        "{}",
        reason(&r, 1)
    );
}

/// RFC 5280 §5.2.5 onlySomeReasons and §6.3.3 (d), (e), (k): CRLs
/// partitioned by reason answer together. Two partitions covering every
/// reason: good; revoked on one partition: revoked; one partition alone:
/// unknown, naming the reasons it covers.
#[test]
fn crls_partitioned_by_reason() {
    let f = Files::new();
    let root = Issued::root("Partition Root");
    let leaf = leaf_with(&root, "fine.example.com", &[0x61], None);
    let compromised = leaf_with(&root, "lost.example.com", &[0x62], None);
    let root_pem = f.cert("root.pem", &root);
    let leaf_pem = f.cert("leaf.pem", &leaf);
    let compromised_pem = f.cert("lost.pem", &compromised);
    let key_and_ca = bits::KEY_COMPROMISE | bits::CA_COMPROMISE;
    let others = bits::AFFILIATION_CHANGED
        | bits::SUPERSEDED
        | bits::CESSATION_OF_OPERATION
        | bits::CERTIFICATE_HOLD
        | bits::PRIVILEGE_WITHDRAWN
        | bits::AA_COMPROMISE;
    let partition = |name: &str, reasons: u16, entries: Vec<CrlEntry>| {
        let mut spec = CrlSpec::new(8).idp(Idp {
            only_some_reasons: Some(reasons),
            ..Idp::default()
        });
        spec.entries = entries;
        f.write(name, &build_crl(&root, &spec))
    };
    let key = partition(
        "key.crl",
        key_and_ca,
        vec![CrlEntry::new(&[0x62]).reason(1)],
    );
    let rest = partition("rest.crl", others, Vec::new());
    let both = check(&root_pem, &leaf_pem, &[&key, &rest], &[]);
    assert_eq!(status_name(&both, 0), "good", "{}", status(&both, 0));
    let revoked = check(&root_pem, &compromised_pem, &[&key, &rest], &[]);
    assert_eq!(
        status_name(&revoked, 0),
        "revoked",
        "{}",
        status(&revoked, 0)
    );
    assert_eq!(status(&revoked, 0)["reason"], "keyCompromise");
    let one = check(&root_pem, &leaf_pem, &[&key], &[]);
    assert_eq!(status_name(&one, 0), "unknown", "{}", status(&one, 0));
    assert!(
        reason(&one, 0).contains("cover only the reasons [keyCompromise, cACompromise]"),
        "{}",
        reason(&one, 0)
    );
}

/// RFC 5280 §5.2.4 and §6.3.3 (c): a delta CRL given with `--crl` is
/// applied to the base it fits: a certificate revoked since the base was
/// issued is revoked.
#[test]
fn delta_crl_from_a_file_revokes_what_the_base_does_not_list() {
    let f = Files::new();
    let root = Issued::root("Delta Root");
    let leaf = leaf_with(&root, "late.example.com", &[0x71], None);
    let (root_pem, leaf_pem) = (f.cert("root.pem", &root), f.cert("leaf.pem", &leaf));
    let base = f.write("base.crl", &build_crl(&root, &CrlSpec::new(10)));
    let delta = f.write(
        "delta.crl",
        &build_crl(
            &root,
            &CrlSpec::new(11)
                .delta_of(10)
                .valid("260205000000Z", Some("260212000000Z"))
                .entry(CrlEntry::new(&[0x71]).reason(1)),
        ),
    );
    let alone = check(&root_pem, &leaf_pem, &[&base], &[]);
    assert_eq!(status_name(&alone, 0), "good", "{}", status(&alone, 0));
    let r = check(&root_pem, &leaf_pem, &[&base, &delta], &[]);
    assert_eq!(status_name(&r, 0), "revoked", "{}", status(&r, 0));
    let source = status(&r, 0)["source"].as_str().unwrap();
    assert!(
        source.contains("base.crl") && source.contains("delta.crl"),
        "{source}"
    );
    // a delta for a later base (12) does not fit base 10: not applied
    let later = f.write(
        "later-delta.crl",
        &build_crl(
            &root,
            &CrlSpec::new(13)
                .delta_of(12)
                .entry(CrlEntry::new(&[0x71]).reason(1)),
        ),
    );
    let r = check(&root_pem, &leaf_pem, &[&base, &later], &[]);
    assert_eq!(status_name(&r, 0), "good", "{}", status(&r, 0));
}

/// RFC 5280 §5.3.1 removeFromCRL, §5.2.4: a delta CRL releases a
/// certificate its base put on hold.
#[test]
fn delta_crl_remove_from_crl_releases_a_hold() {
    let f = Files::new();
    let root = Issued::root("Hold Root");
    let leaf = leaf_with(&root, "held.example.com", &[0x72], None);
    let (root_pem, leaf_pem) = (f.cert("root.pem", &root), f.cert("leaf.pem", &leaf));
    let base = f.write(
        "base.crl",
        &build_crl(
            &root,
            &CrlSpec::new(20).entry(CrlEntry::new(&[0x72]).reason(6)),
        ),
    );
    let delta = f.write(
        "delta.crl",
        &build_crl(
            &root,
            &CrlSpec::new(21)
                .delta_of(20)
                .entry(CrlEntry::new(&[0x72]).reason(8)),
        ),
    );
    let held = check(&root_pem, &leaf_pem, &[&base], &[]);
    assert_eq!(status_name(&held, 0), "revoked", "{}", status(&held, 0));
    assert_eq!(status(&held, 0)["reason"], "certificateHold");
    let released = check(&root_pem, &leaf_pem, &[&base, &delta], &[]);
    assert_eq!(
        status_name(&released, 0),
        "good",
        "{}",
        status(&released, 0)
    );
}

/// RFC 5280 §5.2.6 (the base's Freshest CRL), §4.2.1.15 (the
/// certificate's), §6.3.3 (c): when the delta CRL they name cannot be had
/// (here: `--offline`), "not listed in the base" is not "good": unknown,
/// and an error under `--revocation-policy hard`; a revocation the base
/// lists stands. Given with `--crl`, the delta answers.
#[test]
fn a_named_delta_that_cannot_be_had_is_not_good() {
    let f = Files::new();
    let root = Issued::root("Freshest Root");
    let leaf = leaf_with(&root, "fresh.example.com", &[0x73], None);
    let revoked = leaf_with(&root, "gone.example.com", &[0x74], None);
    let root_pem = f.cert("root.pem", &root);
    let leaf_pem = f.cert("leaf.pem", &leaf);
    let revoked_pem = f.cert("gone.pem", &revoked);
    let base = f.write(
        "base.crl",
        &build_crl(
            &root,
            &CrlSpec::new(30)
                .freshest("http://pki.example.com/delta.crl")
                .entry(CrlEntry::new(&[0x74]).reason(1)),
        ),
    );
    let soft = check(&root_pem, &leaf_pem, &[&base], &[]);
    assert_eq!(status_name(&soft, 0), "unknown", "{}", status(&soft, 0));
    let why = reason(&soft, 0);
    assert!(
        why.contains("http://pki.example.com/delta.crl") && why.contains("--offline"),
        "{why}"
    );
    assert_eq!(soft.code, 0, "soft: a warning");
    let hard = check(
        &root_pem,
        &leaf_pem,
        &[&base],
        &["--revocation-policy", "hard"],
    );
    assert_eq!(status_name(&hard, 0), "unknown");
    assert_eq!(hard.code, 1, "hard: an error");
    let listed = check(&root_pem, &revoked_pem, &[&base], &[]);
    assert_eq!(status_name(&listed, 0), "revoked", "{}", status(&listed, 0));
    let delta = f.write(
        "delta.crl",
        &build_crl(&root, &CrlSpec::new(31).delta_of(30)),
    );
    let with_delta = check(&root_pem, &leaf_pem, &[&base, &delta], &[]);
    assert_eq!(
        status_name(&with_delta, 0),
        "good",
        "{}",
        status(&with_delta, 0)
    );
    // the certificate's own Freshest CRL extension names a delta too
    let names_delta = root.issue(
        CertSpec::leaf("names-delta.example.com")
            .serial(&[0x75])
            .raw_extension(
                &[2, 5, 29, 46],
                false,
                cdp_uri("http://pki.example.com/d2.crl"),
            ),
    );
    let plain_base = f.write("plain.crl", &build_crl(&root, &CrlSpec::new(40)));
    let r = check(
        &root_pem,
        &f.cert("names-delta.pem", &names_delta),
        &[&plain_base],
        &[],
    );
    assert_eq!(status_name(&r, 0), "unknown", "{}", status(&r, 0));
    assert!(
        reason(&r, 0).contains("http://pki.example.com/d2.crl"),
        "{}",
        reason(&r, 0)
    );
}

/// RFC 5280 §6.3.3 (f), (g): the CA may sign its CRLs with a separate
/// CRL-signing certificate (its name, another key, cRLSign). The CRL then
/// answers as it says, good or revoked; the certificate must have
/// cRLSign.
#[test]
fn crl_signed_by_a_separate_crl_signing_certificate() {
    let f = Files::new();
    let root = Issued::root("Signing Root");
    let ca = root.issue(CertSpec::ca("Signing Issuing CA"));
    let crl_signer = ca.issue(CertSpec::ca("Signing Issuing CA").ku(&[KeyUsagePurpose::CrlSign]));
    let no_crl_sign =
        ca.issue(CertSpec::ca("Signing Issuing CA").ku(&[KeyUsagePurpose::DigitalSignature]));
    let leaf = leaf_with(&ca, "ok.example.com", &[0x21], None);
    let revoked = leaf_with(&ca, "revoked.example.com", &[0x22], None);
    let root_pem = f.cert("root.pem", &root);
    let ca_pem = f.cert("ca.pem", &ca);
    let signer_pem = f.cert("crl-signer.pem", &crl_signer);
    let bad_signer_pem = f.cert("no-crl-sign.pem", &no_crl_sign);
    let leaf_pem = f.cert("leaf.pem", &leaf);
    let revoked_pem = f.cert("revoked.pem", &revoked);
    let crl = f.write(
        "ca.crl",
        &build_crl(
            &crl_signer,
            &CrlSpec::new(2).entry(CrlEntry::new(&[0x22]).reason(1)),
        ),
    );
    let untrusted = ["--untrusted", &ca_pem, "--untrusted", &signer_pem];
    let r = check(&root_pem, &leaf_pem, &[&crl], &untrusted);
    assert_eq!(status_name(&r, 0), "good", "{}", status(&r, 0));
    let r = check(&root_pem, &revoked_pem, &[&crl], &untrusted);
    assert_eq!(status_name(&r, 0), "revoked", "{}", status(&r, 0));
    // without the CRL-signing certificate, nobody known signed it
    let r = check(&root_pem, &revoked_pem, &[&crl], &["--untrusted", &ca_pem]);
    assert_eq!(status_name(&r, 0), "unknown", "{}", status(&r, 0));
    // the same CRL signed by a certificate of that name without cRLSign
    let bad = f.write(
        "bad.crl",
        &build_crl(
            &no_crl_sign,
            &CrlSpec::new(2).entry(CrlEntry::new(&[0x22]).reason(1)),
        ),
    );
    let r = check(
        &root_pem,
        &leaf_pem,
        &[&bad],
        &["--untrusted", &ca_pem, "--untrusted", &bad_signer_pem],
    );
    assert_eq!(status_name(&r, 0), "unknown", "{}", status(&r, 0));
    assert!(reason(&r, 0).contains("cRLSign"), "{}", reason(&r, 0));
}

/// RFC 5280 §6.3.3 (f) with a CA key rollover (RFC 4210 §4.4): the CA's
/// new key signs the CRL for a certificate issued under its old key; the
/// new key is certified by the old one (new-with-old) and the old by the
/// new (old-with-new), both given with `--untrusted`.
#[test]
fn key_rollover_crl_signed_by_the_new_key() {
    let f = Files::new();
    let root = Issued::root("Rollover Root");
    let old = root.issue(CertSpec::ca("Rollover CA"));
    let new_key = Issued::root("Rollover CA new key holder");
    let new_with_old = old.issue_for(CertSpec::ca("Rollover CA"), &new_key.key);
    let old_with_new = new_with_old.issue_for(CertSpec::ca("Rollover CA"), &old.key);
    let leaf = leaf_with(&old, "ok.example.com", &[0x31], None);
    let revoked = leaf_with(&old, "revoked.example.com", &[0x32], None);
    let root_pem = f.cert("root.pem", &root);
    let old_pem = f.cert("old.pem", &old);
    let nwo_pem = f.cert("new-with-old.pem", &new_with_old);
    let own_pem = f.cert("old-with-new.pem", &old_with_new);
    let leaf_pem = f.cert("leaf.pem", &leaf);
    let revoked_pem = f.cert("revoked.pem", &revoked);
    let crl = f.write(
        "new-key.crl",
        &build_crl(
            &new_with_old,
            &CrlSpec::new(9).entry(CrlEntry::new(&[0x32]).reason(4)),
        ),
    );
    let untrusted = [
        "--untrusted",
        &old_pem,
        "--untrusted",
        &nwo_pem,
        "--untrusted",
        &own_pem,
    ];
    let r = check(&root_pem, &revoked_pem, &[&crl], &untrusted);
    assert_eq!(status_name(&r, 0), "revoked", "{}", status(&r, 0));
    assert_eq!(status(&r, 0)["reason"], "superseded");
    let r = check(&root_pem, &leaf_pem, &[&crl], &untrusted);
    assert_eq!(status_name(&r, 0), "good", "{}", status(&r, 0));
    // without the rollover certificates the new key is nobody's
    let r = check(&root_pem, &revoked_pem, &[&crl], &["--untrusted", &old_pem]);
    assert_eq!(status_name(&r, 0), "unknown", "{}", status(&r, 0));
}

/// RFC 5280 §5.2.5 indirectCRL, §5.3.3 certificateIssuer, §6.3.3 (b)(1),
/// (f): an indirect CRL from a CRL issuer the root certified (not the
/// certificate's CA) answers for the CA's certificates that name it as
/// their cRLIssuer.
#[test]
fn indirect_crl_from_an_issuer_certified_by_the_root() {
    let f = Files::new();
    let root = Issued::root("Indirect Root");
    let ca = root.issue(CertSpec::ca("Indirect Issuing CA"));
    let crl_issuer = root.issue(
        CertSpec::leaf("Root-certified CRL Issuer")
            .ku(&[KeyUsagePurpose::CrlSign])
            .san_dns(&[]),
    );
    let dp = distribution_points(&[DpSpec {
        uris: vec!["http://pki.example.com/indirect.crl".into()],
        crl_issuer: Some(subject_der(&crl_issuer.der())),
        ..DpSpec::default()
    }]);
    let leaf = leaf_with(&ca, "ok.example.com", &[0xA1], Some(dp.clone()));
    let revoked = leaf_with(&ca, "revoked.example.com", &[0xA2], Some(dp));
    let root_pem = f.cert("root.pem", &root);
    let ca_pem = f.cert("ca.pem", &ca);
    let issuer_pem = f.cert("crl-issuer.pem", &crl_issuer);
    let crl = f.write(
        "indirect.crl",
        &build_crl(
            &crl_issuer,
            &CrlSpec::new(6)
                .idp(Idp {
                    indirect: true,
                    ..Idp::default()
                })
                .entry(
                    CrlEntry::new(&[0x00, 0xA2])
                        .reason(1)
                        .cert_issuer(&subject_der(&ca.der())),
                ),
        ),
    );
    let untrusted = ["--untrusted", &ca_pem, "--untrusted", &issuer_pem];
    let r = check(
        &root_pem,
        &f.cert("revoked.pem", &revoked),
        &[&crl],
        &untrusted,
    );
    assert_eq!(status_name(&r, 0), "revoked", "{}", status(&r, 0));
    let r = check(&root_pem, &f.cert("leaf.pem", &leaf), &[&crl], &untrusted);
    assert_eq!(status_name(&r, 0), "good", "{}", status(&r, 0));
}

/// RFC 5280 §4.1.2.2, §5.1.2.6: serials are INTEGERs. A certificate with
/// serial +255 (content octets 00 FF) is not the CRL entry for −1 (FF).
#[test]
fn serials_compare_as_signed_integers() {
    let f = Files::new();
    let root = Issued::root("Serial Root");
    let leaf = leaf_with(&root, "ff.example.com", &[0x00, 0xFF], None);
    let (root_pem, leaf_pem) = (f.cert("root.pem", &root), f.cert("leaf.pem", &leaf));
    let minus_one = f.write(
        "minus-one.crl",
        &build_crl(
            &root,
            &CrlSpec::new(1).entry(CrlEntry::new(&[0xFF]).reason(1)),
        ),
    );
    let r = check(&root_pem, &leaf_pem, &[&minus_one], &[]);
    assert_eq!(status_name(&r, 0), "good", "{}", status(&r, 0));
    let plus = f.write(
        "plus-255.crl",
        &build_crl(
            &root,
            &CrlSpec::new(1).entry(CrlEntry::new(&[0x00, 0xFF]).reason(1)),
        ),
    );
    let r = check(&root_pem, &leaf_pem, &[&plus], &[]);
    assert_eq!(status_name(&r, 0), "revoked", "{}", status(&r, 0));
}
