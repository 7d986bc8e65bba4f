//! One verification per distinct signature per run (issue 19): an estate
//! of leaves under one intermediate and one root, audited the way a sweep
//! does (each file with its bundled intermediate, in parallel, one memo for
//! every target), counted with the memo's own counters; and the memo
//! changes no output.

use crate::common::{fixture, testkit};

use std::sync::Arc;

use pkiaudit::audit::chain::ChainStatus;
use pkiaudit::audit::profile::Profile;
use pkiaudit::audit::{self, Options, Role, SigMemo, Trust};
use pkiaudit::load::{load_bytes, load_file, LoadedInput};
use pkiaudit::time::{parse_at, AuditTime};
use rayon::prelude::*;
use testkit::{CertSpec, Issued};

const AT: &str = "2026-06-01T00:00:00Z";
const LEAVES: usize = 2_000;

fn options(profile: Profile) -> Options {
    Options::new(profile, AuditTime::given(parse_at(AT).unwrap()))
}

#[test]
fn one_verification_per_leaf_in_a_sweep_of_2000() {
    let root = Issued::root("Memo Root CA");
    let issuing = root.issue(CertSpec::ca("Memo Issuing CA"));
    let issuing_pem = issuing.pem();
    // Each file as a headend keeps it: the leaf, then its CA.
    let files: Vec<LoadedInput> = (0..LEAVES)
        .into_par_iter()
        .map(|i| {
            let leaf = issuing.issue(CertSpec::leaf(&format!("vpn{i}.example.com")));
            let text = format!("{}{issuing_pem}", leaf.pem());
            load_bytes(&format!("leaf{i}.pem"), text.as_bytes())
        })
        .collect();
    let store = Trust {
        anchors: vec![load_bytes("root.pem", root.pem().as_bytes())],
        ..Trust::default()
    }
    .store();
    // Two targets, as an inventory has them: two Options sharing one memo.
    let first = options(Profile::Ikev2);
    let mut second = options(Profile::Rfc4945);
    second.signatures = Arc::clone(&first.signatures);
    let audited: Vec<_> = files
        .par_iter()
        .enumerate()
        .flat_map_iter(|(i, input)| {
            let opts = if i % 2 == 0 { &first } else { &second };
            audit::audit_inputs(std::slice::from_ref(input), &store, None, opts)
        })
        .collect();
    let leaves: Vec<_> = audited
        .iter()
        .filter(|a| a.subject.role == Role::EndEntity)
        .collect();
    assert_eq!(leaves.len(), LEAVES);
    for leaf in &leaves {
        let chain = leaf.chain.as_ref().expect("a chain analysis");
        assert_eq!(chain.status, ChainStatus::Verified);
        assert!(chain.webpki_verified);
    }
    let counts = first.signatures.counts();
    eprintln!("{LEAVES} leaves: {counts:?}");
    // Both validators ask for both signatures of every leaf...
    assert!(counts.calls >= 4 * LEAVES as u64, "{counts:?}");
    assert_eq!(counts.calls, counts.hits + counts.verifications);
    // ...and each distinct signature is verified once: the leaves' own
    // and the intermediate's (two threads may both miss it at the start).
    let per_leaf = counts.verifications as f64 / LEAVES as f64;
    assert!(per_leaf <= 1.01, "{per_leaf} verifications per leaf");
    // Only the CA signatures are kept for the run.
    assert!(counts.stored <= 2, "{counts:?}");
}

/// The last octet of a certificate's signature value changed: same key,
/// same signed data, a signature that does not verify.
fn tampered(der: &[u8]) -> Vec<u8> {
    let mut der = der.to_vec();
    if let Some(last) = der.last_mut() {
        *last ^= 0x01;
    }
    der
}

fn pem(der: &[u8]) -> String {
    testkit::pem_block("CERTIFICATE", der)
}

/// Every algorithm of fixtures/signatures, chains through an intermediate,
/// an intermediate with an altered signature next to its valid original.
fn mixed_inputs() -> (Vec<LoadedInput>, Vec<LoadedInput>) {
    let mut inputs = Vec::new();
    let mut anchors = Vec::new();
    let dir = fixture("signatures");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pem"))
        .collect();
    names.sort();
    for path in names {
        // The file (leaf and CA) as sent, its CA as an anchor.
        let text = std::fs::read_to_string(&path).unwrap();
        let blocks = ::pem::parse_many(&text).unwrap();
        let ca: String = blocks[1..]
            .iter()
            .map(|b| pem(b.contents()))
            .collect::<String>();
        anchors.push(load_bytes(&format!("{}.ca", path.display()), ca.as_bytes()));
        inputs.push(load_file(&path));
    }
    inputs.push(load_file(&fixture("pki/issuing-ca.pem")));
    anchors.push(load_file(&fixture("pki/root-ca.pem")));

    let root = Issued::root("Mixed Root");
    let issuing = root.issue(CertSpec::ca("Mixed Issuing CA"));
    let altered = tampered(&issuing.der());
    anchors.push(load_bytes("mixed-root.pem", root.pem().as_bytes()));
    for i in 0..3 {
        let leaf = issuing.issue(CertSpec::leaf(&format!("good{i}.example.com")));
        let text = format!("{}{}", leaf.pem(), issuing.pem());
        inputs.push(load_bytes(&format!("good{i}.pem"), text.as_bytes()));
        let leaf = issuing.issue(CertSpec::leaf(&format!("bad{i}.example.com")));
        let text = format!("{}{}", leaf.pem(), pem(&altered));
        inputs.push(load_bytes(&format!("bad{i}.pem"), text.as_bytes()));
    }
    (inputs, anchors)
}

fn check_json(opts: &Options) -> String {
    let (inputs, anchors) = mixed_inputs_cached();
    let report = audit::audit(
        inputs,
        Trust {
            anchors,
            ..Trust::default()
        },
        opts,
    );
    let mut out = Vec::new();
    pkiaudit::report::json::write_check(&mut out, &report).unwrap();
    String::from_utf8(out).unwrap()
}

/// The same certificates for every run (rcgen makes new keys each time).
fn mixed_inputs_cached() -> (Vec<LoadedInput>, Vec<LoadedInput>) {
    static INPUTS: std::sync::OnceLock<(Vec<LoadedInput>, Vec<LoadedInput>)> =
        std::sync::OnceLock::new();
    INPUTS.get_or_init(mixed_inputs).clone()
}

#[test]
fn the_memo_changes_no_output() {
    // No run-wide memory at all...
    let mut alone = options(Profile::Ikev2);
    alone.signatures = Arc::new(SigMemo::with_capacity(0));
    let without = check_json(&alone);
    assert_eq!(alone.signatures.counts().stored, 0);
    // ...against a fresh memo, then the same memo again (the CA signatures,
    // valid and invalid, answered from it).
    let shared = options(Profile::Ikev2);
    let fresh = check_json(&shared);
    let first = shared.signatures.counts();
    let again = check_json(&shared);
    let second = shared.signatures.counts();
    assert!(first.stored > 0, "{first:?}");
    assert!(
        second.hits - first.hits > first.hits,
        "the second run is answered from the memo: {first:?} then {second:?}"
    );
    assert_eq!(without, fresh);
    assert_eq!(without, again);
    // The altered intermediate is refused every time.
    for run in [&without, &again] {
        assert!(run.matches("chain.signature.invalid").count() >= 3, "{run}");
    }
}
