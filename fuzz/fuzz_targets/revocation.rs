//! cargo-fuzz target `revocation`: what it runs and checks is in `harness/revocation.rs`,
//! which `cargo test` also runs on the committed corpus
//! (`tests/it/fuzz_corpus.rs`).
#![no_main]

#[path = "../mutators/asn1.rs"]
mod asn1;
#[path = "../harness/revocation.rs"]
mod harness;

// DER inputs are mutated element by element (see mutators/asn1.rs).
libfuzzer_sys::fuzz_mutator!(|data: &mut [u8], size: usize, max_size: usize, seed: u32| {
    asn1::mutate(data, size, max_size, seed, &mut |d, s, m| {
        libfuzzer_sys::fuzzer_mutate(d, s, m)
    })
});

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::run(data));
