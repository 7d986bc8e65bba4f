use super::super::{verify_certificate_in, CertParts, Key as PublicKey, Outcome};
use super::*;
use rayon::prelude::*;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use ring::rand::SystemRandom;
use ring::signature::{EcdsaKeyPair, ECDSA_P256_SHA256_ASN1_SIGNING};

/// A P-256 CA and `n` leaves it signed: (CA DER, CA key PKCS#8, leaves).
fn ca_and_leaves(n: usize) -> (Vec<u8>, Vec<u8>, Vec<Vec<u8>>) {
    let ca_key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("key");
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
    params
        .distinguished_name
        .push(DnType::CommonName, "memo CA");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = params.self_signed(&ca_key).expect("CA");
    let issuer = rcgen::Issuer::from_params(&params, &ca_key);
    let leaves = (0..n)
        .map(|i| {
            let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("key");
            let mut p = CertificateParams::new(vec![format!("leaf{i}.example")]).expect("params");
            p.distinguished_name
                .push(DnType::CommonName, format!("leaf {i}"));
            p.signed_by(&key, &issuer).expect("leaf").der().to_vec()
        })
        .collect();
    (ca.der().to_vec(), ca_key.serialize_der(), leaves)
}

/// The CA's public key as ring takes it (the subjectPublicKey bits).
fn point(ca: &[u8]) -> Vec<u8> {
    let spki = super::super::spki_of(ca).expect("SPKI");
    match PublicKey::from_der(spki) {
        Ok(PublicKey::Ec { point, .. }) => point.to_vec(),
        _ => panic!("not an EC key"),
    }
}

/// (tbsCertificate, signature value) of a certificate.
fn signed(cert: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let parts = CertParts::split(cert).expect("certificate");
    (
        parts.tbs.to_vec(),
        parts.signature.as_bytes().expect("octets").to_vec(),
    )
}

#[test]
fn a_different_signature_is_verified_afresh_and_an_invalid_one_stays_invalid() {
    let (ca, ca_pkcs8, leaves) = ca_and_leaves(1);
    let key = point(&ca);
    let (tbs, sig) = signed(&leaves[0]);
    let memo = SigMemo::new();
    let scope = SigScope::detached(&memo);
    let alg = RingAlg::EcdsaP256Sha256;
    assert!(scope.ring(alg, &key, &tbs, &sig));
    assert!(
        scope.ring(alg, &key, &tbs, &sig),
        "the same signature again"
    );
    assert_eq!(memo.counts().verifications, 1);
    assert_eq!(memo.counts().hits, 1);

    // Same key, same data, a different (altered) signature value.
    let mut altered = sig.clone();
    if let Some(last) = altered.last_mut() {
        *last ^= 1;
    }
    for s in [&memo, &SigMemo::new()].map(SigScope::detached) {
        assert!(!s.ring(alg, &key, &tbs, &altered));
    }
    assert_eq!(memo.counts().verifications, 2, "verified, not answered");
    // A fresh scope in front of the same memo still says invalid.
    assert!(!SigScope::detached(&memo).ring(alg, &key, &tbs, &altered));

    // ECDSA signs with a fresh nonce: another valid signature of the same
    // data by the same key is another signature, verified on its own.
    let rng = SystemRandom::new();
    let signer =
        EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &ca_pkcs8, &rng).expect("key");
    let resigned = signer.sign(&rng, &tbs).expect("sign").as_ref().to_vec();
    assert_ne!(resigned, sig);
    let before = memo.counts().verifications;
    assert!(scope.ring(alg, &key, &tbs, &resigned));
    assert_eq!(memo.counts().verifications, before + 1);

    // The same signature over other data, or under another algorithm, is
    // not a hit either.
    let mut other = tbs.clone();
    if let Some(last) = other.last_mut() {
        *last ^= 1;
    }
    assert!(!scope.ring(alg, &key, &other, &sig));
    assert!(!scope.ring(RingAlg::EcdsaP256Sha384, &key, &tbs, &sig));
    let c = memo.counts();
    assert_eq!(c.verifications, before + 3);
    assert_eq!(c.calls, c.hits + c.verifications);
}

#[test]
fn rsa_parameter_sets_answer_each_other_only_where_sound() {
    // An RSA-2048 root (self-signed, sha256WithRSAEncryption): the 2048-bit
    // minimum accepts it, so the 1024-bit minimum does too.
    let root = pem::parse(include_str!("../../../../../fixtures/pki/root-ca.pem")).expect("PEM");
    let root = root.contents();
    let spki = super::super::spki_of(root).expect("SPKI");
    let Ok(PublicKey::Rsa(rsa)) = PublicKey::from_der(spki) else {
        panic!("not RSA");
    };
    let (tbs, sig) = signed(root);
    let memo = SigMemo::new();
    let scope = SigScope::detached(&memo);
    assert!(scope.ring(RingAlg::RsaPkcs1Sha256Min2048, rsa.der, &tbs, &sig));
    assert!(scope.ring(RingAlg::RsaPkcs1Sha256Min1024, rsa.der, &tbs, &sig));
    assert_eq!(memo.counts().verifications, 1, "the laxer set is answered");
    // The 3072-bit minimum refuses the key: never answered from the
    // 2048-bit result.
    assert!(!scope.ring(RingAlg::RsaPkcs1Sha384Min3072, rsa.der, &tbs, &sig));
    assert_eq!(memo.counts().verifications, 2);

    // An RSA-1024 CA: the 1024-bit minimum accepts its signature, the
    // 2048-bit minimum must refuse it, whatever was remembered.
    let pair = pem::parse_many(include_str!(
        "../../../../../fixtures/signatures/rsa1024-sha256.pem"
    ))
    .expect("PEM");
    let (leaf, ca) = (pair[0].contents(), pair[1].contents());
    let spki = super::super::spki_of(ca).expect("SPKI");
    let Ok(PublicKey::Rsa(small)) = PublicKey::from_der(spki) else {
        panic!("not RSA");
    };
    let (tbs, sig) = signed(leaf);
    let memo = SigMemo::new();
    let scope = SigScope::detached(&memo);
    assert!(scope.ring(RingAlg::RsaPkcs1Sha256Min1024, small.der, &tbs, &sig));
    assert!(!scope.ring(RingAlg::RsaPkcs1Sha256Min2048, small.der, &tbs, &sig));
    assert_eq!(memo.counts().verifications, 2);
    // The refusal by the stricter set says nothing about the laxer one,
    // and the laxer one's acceptance is still what a fresh scope gets.
    assert!(SigScope::detached(&memo).ring(RingAlg::RsaPkcs1Sha256Min1024, small.der, &tbs, &sig));
    assert_eq!(memo.counts().verifications, 2);
}

#[test]
fn the_analysed_certificates_own_signature_stays_in_its_scope() {
    let (ca, _, leaves) = ca_and_leaves(1);
    let leaf = &leaves[0];
    let spki = super::super::spki_of(&ca).expect("SPKI");
    let memo = SigMemo::new();
    let scope = SigScope::new(&memo, leaf);
    assert_eq!(verify_certificate_in(leaf, spki, &scope), Outcome::Valid);
    assert_eq!(verify_certificate_in(leaf, spki, &scope), Outcome::Valid);
    let c = memo.counts();
    assert_eq!((c.verifications, c.hits, c.stored), (1, 1, 0));
    // The CA's self-signature, in the same analysis, goes to the run's memo.
    assert_eq!(verify_certificate_in(&ca, spki, &scope), Outcome::Valid);
    assert_eq!(memo.counts().stored, 1);
    let other = SigScope::new(&memo, leaf);
    assert_eq!(verify_certificate_in(&ca, spki, &other), Outcome::Valid);
    assert_eq!(verify_certificate_in(leaf, spki, &other), Outcome::Valid);
    // The CA's signature is a hit; the leaf's, in another analysis, is
    // verified again: it was never in the run's memo.
    let c = memo.counts();
    assert_eq!((c.verifications, c.hits, c.stored), (3, 2, 1));
}

#[test]
fn a_full_memo_stops_storing_and_still_answers_right() {
    let (ca, _, leaves) = ca_and_leaves(3);
    let spki = super::super::spki_of(&ca).expect("SPKI");
    let memo = SigMemo::with_capacity(1);
    for _ in 0..2 {
        for leaf in &leaves {
            let scope = SigScope::detached(&memo);
            assert_eq!(verify_certificate_in(leaf, spki, &scope), Outcome::Valid);
        }
    }
    let c = memo.counts();
    // The first is remembered; the two others are verified both times.
    assert_eq!(c.stored, 1);
    assert_eq!(c.verifications, 5);
    assert_eq!(c.hits, 1);
    assert_eq!(c.not_stored, 4);
}

#[test]
fn concurrent_scopes_share_one_memo() {
    let (ca, _, leaves) = ca_and_leaves(8);
    let spki = super::super::spki_of(&ca).expect("SPKI");
    let memo = SigMemo::new();
    (0..400).into_par_iter().for_each(|i| {
        let scope = SigScope::detached(&memo);
        let leaf = &leaves[i % leaves.len()];
        assert_eq!(verify_certificate_in(leaf, spki, &scope), Outcome::Valid);
    });
    let c = memo.counts();
    assert_eq!(c.calls, 400);
    assert_eq!(c.calls, c.hits + c.verifications);
    assert_eq!(c.stored, 8);
    // Two threads may both miss a signature before either stores it;
    // never more often than there are threads.
    assert!(c.verifications <= 8 * rayon::current_num_threads() as u64);
}

#[test]
fn ring_algorithms_are_distinct() {
    let names: std::collections::HashSet<String> = RingAlg::ALL
        .iter()
        .map(|a| format!("{:?}", a.algorithm()))
        .collect();
    assert_eq!(names.len(), RingAlg::ALL.len());
}
