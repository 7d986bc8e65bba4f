//! The fuzz corpus without a fuzzer: every committed input of every
//! cargo-fuzz target (`fuzz/corpus/<target>/`, the seeds plus a corpus
//! minimised to the coverage the fuzzers reached) and every past finding
//! (`fuzz/regressions/<target>/`) goes through the very function the
//! target runs (`fuzz/harness/<target>.rs`), with its assertions. A
//! regression fails `cargo test` on a machine without cargo-fuzz.
//!
//! Every failing file is listed (not only the first), with the panic.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

#[allow(dead_code)]
#[path = "../../fuzz/harness/check.rs"]
mod check;
#[allow(dead_code)]
#[path = "../../fuzz/harness/cisco.rs"]
mod cisco;
#[allow(dead_code)]
#[path = "../../fuzz/harness/ike.rs"]
mod ike;
#[allow(dead_code)]
#[path = "../../fuzz/harness/inventory.rs"]
mod inventory;
#[allow(dead_code)]
#[path = "../../fuzz/harness/load.rs"]
mod load;
#[allow(dead_code)]
#[path = "../../fuzz/harness/ntp.rs"]
mod ntp;
#[allow(dead_code)]
#[path = "../../fuzz/harness/path.rs"]
mod path;
#[allow(dead_code)]
#[path = "../../fuzz/harness/revocation.rs"]
mod revocation;

#[allow(dead_code)]
#[path = "../../fuzz/mutators/asn1.rs"]
mod asn1;

type Harness = fn(&[u8]);

const TARGETS: &[(&str, Harness)] = &[
    ("check", check::run),
    ("cisco", cisco::run),
    ("ike", ike::run),
    ("inventory", inventory::run),
    ("load", load::run),
    ("ntp", ntp::run),
    ("path", path::run),
    ("revocation", revocation::run),
];

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_none_or(|e| e != "md"))
        .collect();
    files.sort();
    files
}

/// Run `target`'s harness on every file under `fuzz/<kind>/<target>/`;
/// how many ran, and the failures.
fn replay(kind: &str, target: &str, harness: Harness) -> (usize, Vec<String>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz")
        .join(kind)
        .join(target);
    let files = files_in(&dir);
    let mut failures = Vec::new();
    for file in &files {
        let bytes = std::fs::read(file).expect("read a corpus file");
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| harness(&bytes))) {
            let why = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            failures.push(format!("{}: {why}", file.display()));
        }
    }
    (files.len(), failures)
}

fn replay_target(target: &str) {
    let harness = TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .map(|(_, h)| *h)
        .expect("known target");
    let (corpus, mut failures) = replay("corpus", target, harness);
    let (regressions, more) = replay("regressions", target, harness);
    failures.extend(more);
    eprintln!("fuzz target {target}: replayed {corpus} corpus and {regressions} regression inputs");
    // The corpus is committed: an empty one means the replay lost its
    // inputs, not that all is well.
    assert!(corpus >= 2, "only {corpus} corpus files for {target}");
    assert!(
        failures.is_empty(),
        "{} of {} inputs of fuzz target {target} fail:\n{}",
        failures.len(),
        corpus + regressions,
        failures.join("\n")
    );
}

#[test]
fn every_target_has_a_harness_and_a_corpus() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut on_disk: Vec<String> = std::fs::read_dir(root.join("harness"))
        .expect("fuzz/harness")
        .flatten()
        .filter_map(|e| {
            e.path()
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
        })
        .collect();
    on_disk.sort();
    let listed: Vec<String> = TARGETS.iter().map(|(n, _)| n.to_string()).collect();
    assert_eq!(on_disk, listed, "a harness is not replayed here");
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).expect("fuzz/Cargo.toml");
    for name in &listed {
        assert!(
            manifest.contains(&format!("path = \"fuzz_targets/{name}.rs\"")),
            "{name} is not a cargo-fuzz target"
        );
    }
}

#[test]
fn corpus_check() {
    replay_target("check");
}

#[test]
fn corpus_path() {
    replay_target("path");
}

#[test]
fn corpus_cisco() {
    replay_target("cisco");
}

#[test]
fn corpus_ike() {
    replay_target("ike");
}

#[test]
fn corpus_inventory() {
    replay_target("inventory");
}

#[test]
fn corpus_load() {
    replay_target("load");
}

#[test]
fn corpus_ntp() {
    replay_target("ntp");
}

#[test]
fn corpus_revocation() {
    replay_target("revocation");
}

/// The structure-aware DER mutator does what it promises: every kind of
/// mutation happens; all but a tag change and a lying length leave every
/// nested length consistent (so the parser gets past the outer SEQUENCE);
/// a lying length is caught by the same check; and the `load` harness
/// takes every output.
#[test]
fn der_mutator_keeps_the_lengths_it_promises() {
    use asn1::Kind;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    let inputs = [
        "load/seed-bundles-vpn-example-com.der",
        "check/seed-bundles-chain.p7b",
        "revocation/seed-openssl-crl.der",
    ];
    let mut seen = std::collections::HashMap::new();
    let mut lies_caught = 0;
    for name in inputs {
        let der = std::fs::read(root.join(name)).expect("a DER seed");
        assert!(asn1::lengths_consistent(&der), "{name} is not DER");
        let mut flip = |d: &mut [u8], size: usize, _max: usize| {
            if size > 0 {
                d[size / 2] ^= 0x01;
            }
            size
        };
        for seed in 0..1500u32 {
            let Some((kind, out)) = asn1::mutate_der(&der, seed, &mut flip) else {
                continue;
            };
            *seen.entry(kind).or_insert(0usize) += 1;
            match kind {
                Kind::Tag => {}
                Kind::LengthLie => lies_caught += usize::from(!asn1::lengths_consistent(&out)),
                _ => assert!(
                    asn1::lengths_consistent(&out),
                    "{name}, seed {seed}: {kind:?} left a length wrong"
                ),
            }
            if seed % 5 == 0 {
                load::run(&out);
            }
        }
    }
    for kind in [
        Kind::Tag,
        Kind::LengthLie,
        Kind::Delete,
        Kind::Duplicate,
        Kind::Swap,
        Kind::HardValue,
        Kind::Bytes,
    ] {
        assert!(
            seen.get(&kind).copied().unwrap_or(0) > 20,
            "{kind:?}: {seen:?}"
        );
    }
    assert!(lies_caught > 20, "the length check never failed a lie");
}
