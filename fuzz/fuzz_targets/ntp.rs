//! cargo-fuzz target `ntp`: what it runs and checks is in `harness/ntp.rs`,
//! which `cargo test` also runs on the committed corpus
//! (`tests/it/fuzz_corpus.rs`).
#![no_main]

#[path = "../harness/ntp.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::run(data));
