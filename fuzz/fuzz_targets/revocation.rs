//! cargo-fuzz target `revocation`: what it runs and checks is in `harness/revocation.rs`,
//! which `cargo test` also runs on the committed corpus
//! (`tests/fuzz_corpus.rs`).
#![no_main]

#[path = "asn1_mutator.rs"]
mod asn1_mutator;
#[path = "../harness/revocation.rs"]
mod harness;

// DER inputs are mutated element by element (see asn1_mutator.rs).
libfuzzer_sys::fuzz_mutator!(|data: &mut [u8], size: usize, max_size: usize, seed: u32| {
    asn1_mutator::mutate(data, size, max_size, seed)
});

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::run(data));
