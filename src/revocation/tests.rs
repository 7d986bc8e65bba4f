//! `Revocation` with `--crl` files (offline): the parts of RFC 5280
//! §6.3.3 that take more than one CRL or more than one certificate.
use super::*;
use crate::testkit::{
    build_crl, distribution_points, reason_bits, CertSpec, CrlEntry, CrlSpec, DpSpec, Idp, Issued,
};
use rcgen::KeyUsagePurpose;

fn model(issued: &Issued) -> Certificate {
    Certificate::from_der(&issued.der()).expect("model certificate")
}

fn at() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-02-10T00:00:00Z")
        .expect("date")
        .with_timezone(&Utc)
}

fn crl(signer: &Issued, spec: &CrlSpec, name: &str) -> Arc<crl::Crl> {
    Arc::new(crl::Crl::from_der(&build_crl(signer, spec), name).expect("parses"))
}

fn offline(crls: Vec<Arc<crl::Crl>>) -> Revocation {
    let mut rev = Revocation::new(Mode::Crl, Policy::Hard, chrono::Utc::now());
    rev.offline = true;
    rev.crls = crls;
    rev
}

/// `rev.check_with_signers` with `known` and the test validator.
fn check(
    rev: &Revocation,
    cert: &Certificate,
    ca: &Certificate,
    known: &[&Certificate],
) -> RevocationResult {
    let validate = certified_by(ca, at());
    let signers = Signers {
        known,
        validate: &validate,
    };
    rev.check_with_signers(cert, ca, at(), &signers, true)
}

fn unknown_reason(check: &RevocationResult) -> &str {
    match &check.status {
        RevocationStatus::Unknown { reason } => reason,
        other => panic!("{other:?}"),
    }
}

/// §6.3.3 (d), (e), (k): partitions are collected until every reason
/// is covered; one that adds nothing is not used; a distribution point
/// with reasons limits what even a complete CRL covers for it.
#[test]
fn partitions_collect_reasons_until_every_reason_is_covered() {
    use reason_bits::*;
    let ca = Issued::root("Partition Unit CA");
    let (ca_model, leaf) = (model(&ca), model(&ca.issue(CertSpec::leaf("p"))));
    let part = |reasons: u16, name: &str| {
        let spec = CrlSpec::new(1).idp(Idp {
            only_some_reasons: Some(reasons),
            ..Idp::default()
        });
        crl(&ca, &spec, name)
    };
    let a = part(KEY_COMPROMISE | CA_COMPROMISE, "a.crl");
    let again = part(KEY_COMPROMISE, "again.crl");
    let b = part(
        crl::ALL_REASONS & !(KEY_COMPROMISE | CA_COMPROMISE),
        "b.crl",
    );
    let only_a = check(&offline(vec![a.clone()]), &leaf, &ca_model, &[]);
    assert!(
        unknown_reason(&only_a)
            .starts_with("the CRLs found cover only the reasons [keyCompromise, cACompromise]"),
        "{only_a:?}"
    );
    let all = check(&offline(vec![a, again, b]), &leaf, &ca_model, &[]);
    assert_eq!(
        all.status,
        RevocationStatus::Good {
            source: "a.crl, b.crl".into(),
            this_update: "2026-02-01T00:00:00Z".into()
        }
    );
    assert!(all
        .attempts
        .iter()
        .any(|x| x.source == "again.crl" && x.outcome.contains("already covered")));
    // a DP for keyCompromise only: a complete CRL covers that reason
    let dp = distribution_points(&[DpSpec {
        uris: vec!["http://x/key.crl".into()],
        reasons: Some(KEY_COMPROMISE),
        ..DpSpec::default()
    }]);
    let narrow = model(&ca.issue(CertSpec::leaf("n").raw_extension(&[2, 5, 29, 31], false, dp)));
    let complete = crl(&ca, &CrlSpec::new(2), "complete.crl");
    let r = check(&offline(vec![complete]), &narrow, &ca_model, &[]);
    assert!(
        unknown_reason(&r).starts_with("the CRLs found cover only the reasons [keyCompromise]"),
        "{r:?}"
    );
}

/// §5.2.4, §6.3.3 (c): of the deltas given, the newest that fits the
/// base is applied; one signed by another key of the same name, or
/// stale, is not, and the attempts say why.
#[test]
fn the_newest_fitting_delta_is_applied() {
    let ca = Issued::root("Delta Unit CA");
    let (ca_model, leaf) = (
        model(&ca),
        model(&ca.issue(CertSpec::leaf("d").serial(&[0x33]))),
    );
    let base = crl(&ca, &CrlSpec::new(10), "base.crl");
    let older = crl(
        &ca,
        &CrlSpec::new(11)
            .delta_of(10)
            .entry(CrlEntry::new(&[0x33]).reason(6)),
        "d11.crl",
    );
    let newer = crl(
        &ca,
        &CrlSpec::new(12)
            .delta_of(10)
            .entry(CrlEntry::new(&[0x33]).reason(1)),
        "d12.crl",
    );
    let rekeyed = Issued::root("Delta Unit CA");
    let mut forged_spec = CrlSpec::new(13).delta_of(10);
    forged_spec.aki = false;
    let forged = crl(&rekeyed, &forged_spec, "forged.crl");
    let stale = crl(
        &ca,
        &CrlSpec::new(14)
            .delta_of(10)
            .valid("260101000000Z", Some("260102000000Z")),
        "stale.crl",
    );
    let r = check(
        &offline(vec![base, older, newer, forged, stale]),
        &leaf,
        &ca_model,
        &[],
    );
    match &r.status {
        RevocationStatus::Revoked { source, reason, .. } => {
            assert_eq!(source, "base.crl + delta d12.crl");
            assert_eq!(reason.as_deref(), Some("keyCompromise"));
        }
        other => panic!("{other:?}"),
    }
    let said = |source: &str, what: &str| {
        r.attempts
            .iter()
            .any(|a| a.source == source && a.outcome.contains(what))
    };
    assert!(
        said(
            "forged.crl",
            "not signed by the key that signed the base CRL"
        ),
        "{r:?}"
    );
    assert!(said("stale.crl", "stale"), "{r:?}");
}

/// A delta CRL alone is not a CRL: unknown, and it says so.
#[test]
fn a_delta_without_its_base_does_not_answer() {
    let ca = Issued::root("Lone Delta CA");
    let (ca_model, leaf) = (model(&ca), model(&ca.issue(CertSpec::leaf("l"))));
    let delta = crl(&ca, &CrlSpec::new(5).delta_of(4), "lone.crl");
    let r = check(&offline(vec![delta]), &leaf, &ca_model, &[]);
    assert!(
        unknown_reason(&r).contains("lone.crl: a delta CRL (of base CRL number 04)"),
        "{r:?}"
    );
}

/// §6.3.3 (f), (g): the signer is any known certificate of the CRL
/// issuer's name with cRLSign whose key verifies the CRL and whose
/// path the caller accepts; the one the CRL's authority key identifier
/// names is tried first.
#[test]
fn crl_signers_by_name_key_usage_key_and_path() {
    let ca = Issued::root("Signer Unit CA");
    let signer = ca.issue(CertSpec::ca("Signer Unit CA").ku(&[KeyUsagePurpose::CrlSign]));
    let no_crl_sign = ca.issue_for(
        CertSpec::ca("Signer Unit CA").ku(&[KeyUsagePurpose::DigitalSignature]),
        &signer.key,
    );
    let stranger = Issued::root("Somebody Else");
    let foreign = stranger.issue_for(CertSpec::ca("Signer Unit CA"), &signer.key);
    let (ca_model, signer_model) = (model(&ca), model(&signer));
    let (no_crl_sign, foreign) = (model(&no_crl_sign), model(&foreign));
    let leaf = model(&ca.issue(CertSpec::leaf("s").serial(&[0x44])));
    let list = crl(
        &signer,
        &CrlSpec::new(1).entry(CrlEntry::new(&[0x44]).reason(1)),
        "signed.crl",
    );
    let rev = offline(vec![list.clone()]);
    let ctx = CrlContext {
        cert: &leaf,
        issuer: &ca_model,
        signers: Signers {
            known: &[&ca_model, &no_crl_sign, &foreign, &signer_model],
            validate: &certified_by(&ca_model, at()),
        },
        at: at(),
        network: false,
    };
    // the AKI names the signing key: its three certificates first
    let order: Vec<&str> = rev
        .candidates(&list, &ctx)
        .iter()
        .map(|c| c.sha256.as_str())
        .collect();
    assert_eq!(order.len(), 4);
    assert_eq!(order[3], ca_model.sha256);
    let chosen = rev.crl_signer(&list, &ctx).expect("a signer");
    assert_eq!(chosen.sha256, signer_model.sha256);
    // without the good one: each other candidate says why not
    let ctx = CrlContext {
        signers: Signers {
            known: &[&ca_model, &no_crl_sign, &foreign],
            ..ctx.signers
        },
        ..ctx
    };
    let why = rev.crl_signer(&list, &ctx).expect_err("none may");
    assert!(why.contains("without cRLSign"), "{why}");
    assert!(why.contains("was not issued by"), "{why}");
    assert!(why.contains("does not verify"), "{why}");
    // through `check`: revoked with the signing certificate known
    let r = check(&rev, &leaf, &ca_model, &[&signer_model]);
    assert!(
        matches!(r.status, RevocationStatus::Revoked { .. }),
        "{r:?}"
    );
    assert!(r.attempts[0].outcome.contains("signed by"), "{r:?}");
}

/// A fetched CRL's bytes are released once it verified, after its
/// signature was checked with every known key of its issuer's name:
/// any of them answers later from the memo; a key not known then
/// cannot be checked any more, and says so.
#[test]
fn released_crls_answer_for_every_key_known_when_fetched() {
    let ca = Issued::root("Release Unit CA");
    let signer = ca.issue(CertSpec::ca("Release Unit CA").ku(&[KeyUsagePurpose::CrlSign]));
    let reissued = ca.issue_for(CertSpec::ca("Release Unit CA"), &signer.key);
    let late = Issued::root("Release Unit CA");
    let (ca_model, signer_model) = (model(&ca), model(&signer));
    let (reissued, late) = (model(&reissued), model(&late));
    let leaf = model(&ca.issue(CertSpec::leaf("r")));
    let mut fetched = crl::Crl::from_der(
        &build_crl(&signer, &CrlSpec::new(1)),
        "http://x/release.crl",
    )
    .expect("parses");
    let rev = offline(Vec::new());
    let validate = certified_by(&ca_model, at());
    let ctx = CrlContext {
        cert: &leaf,
        issuer: &ca_model,
        signers: Signers {
            known: &[&ca_model, &signer_model],
            validate: &validate,
        },
        at: at(),
        network: false,
    };
    rev.verify_and_release(&mut fetched, &ctx);
    assert!(!fetched.has_der());
    assert_eq!(
        rev.crl_signer(&fetched, &ctx).map(|c| c.sha256.as_str()),
        Ok(signer_model.sha256.as_str())
    );
    // another certificate of the same key: the memo answers
    let ctx2 = CrlContext {
        signers: Signers {
            known: &[&reissued],
            validate: &validate,
        },
        ..ctx
    };
    assert_eq!(
        rev.crl_signer(&fetched, &ctx2).map(|c| c.sha256.as_str()),
        Ok(reissued.sha256.as_str())
    );
    // a key first seen now: the bytes are gone
    let ctx3 = CrlContext {
        signers: Signers {
            known: &[&late],
            validate: &validate,
        },
        ..ctx
    };
    let why = rev.crl_signer(&fetched, &ctx3).expect_err("released");
    assert!(why.contains("no longer in memory"), "{why}");
}

/// §6.3: when the certificate's distribution points give no answer, a
/// `--crl` file of its issuer answers for the implied distribution
/// point (the issuer's name), after the attempt that found it out of
/// scope for the certificate's own.
#[test]
fn implied_distribution_point_once_the_certificates_gave_no_answer() {
    let ca = Issued::root("Implied Unit CA");
    let ca_model = model(&ca);
    let dp = distribution_points(&[DpSpec {
        uris: vec!["http://x/ca1.crl".into()],
        ..DpSpec::default()
    }]);
    let leaf = model(&ca.issue(CertSpec::leaf("i").raw_extension(&[2, 5, 29, 31], false, dp)));
    let by_name = crl(
        &ca,
        &CrlSpec::new(1).idp(Idp {
            dir_names: vec![ca_model.subject.raw.clone()],
            ..Idp::default()
        }),
        "by-name.crl",
    );
    let r = check(&offline(vec![by_name]), &leaf, &ca_model, &[]);
    assert!(matches!(r.status, RevocationStatus::Good { .. }), "{r:?}");
    let outcomes: Vec<&str> = r.attempts.iter().map(|a| a.outcome.as_str()).collect();
    assert!(outcomes[0].starts_with("out of scope"), "{outcomes:?}");
    assert!(outcomes[1].contains("--offline"), "{outcomes:?}");
    assert!(outcomes[2].starts_with("not listed"), "{outcomes:?}");
}

/// Different CRLs parse at the same time, at most `MAX_PARSES` of them:
/// with every slot held, a parse waits; the parses of many threads give
/// the same CRLs as one at a time.
#[test]
fn crls_parse_in_parallel_within_the_bound() {
    let ca = Issued::root("Parallel CA");
    let bodies: Vec<Vec<u8>> = (1..=6u64)
        .map(|n| {
            let spec = (0..50u8).fold(CrlSpec::new(n), |spec, i| {
                spec.entry(crate::testkit::CrlEntry::new(&[i, n as u8]).reason(i % 11))
            });
            build_crl(&ca, &spec)
        })
        .collect();
    let rev = offline(Vec::new());
    let one_at_a_time: Vec<crl::Crl> = bodies
        .iter()
        .enumerate()
        .map(|(i, b)| rev.parse_crl(b.clone(), &format!("u{i}")).expect("parses"))
        .collect();
    assert_eq!(rev.parsing.busy(), 0);
    let together: Vec<crl::Crl> = std::thread::scope(|s| {
        let handles: Vec<_> = bodies
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let rev = &rev;
                s.spawn(move || rev.parse_crl(b.clone(), &format!("u{i}")).expect("parses"))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("joins"))
            .collect()
    });
    assert_eq!(together, one_at_a_time);
    assert_eq!(rev.parsing.busy(), 0, "every slot released");
    // Every slot held: a parse waits until one is released.
    let held: Vec<_> = (0..MAX_PARSES).map(|_| rev.parsing.acquire()).collect();
    let done = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|s| {
        let waiting = s.spawn(|| {
            let parsed = rev.parse_crl(bodies[0].clone(), "u0");
            done.store(true, std::sync::atomic::Ordering::SeqCst);
            parsed
        });
        std::thread::sleep(std::time::Duration::from_millis(100));
        assert!(
            !done.load(std::sync::atomic::Ordering::SeqCst),
            "parsed past the bound"
        );
        assert_eq!(rev.parsing.busy(), MAX_PARSES);
        drop(held);
        let parsed = waiting.join().expect("joins").expect("parses");
        assert_eq!(parsed, one_at_a_time[0]);
    });
}
