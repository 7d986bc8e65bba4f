//! cargo-fuzz target `check`: what it runs and checks is in `harness/check.rs`,
//! which `cargo test` also runs on the committed corpus
//! (`tests/it/fuzz_corpus.rs`).
#![no_main]

#[path = "../harness/check.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::run(data));
