//! cargo-fuzz target `cisco`: what it runs and checks is in `harness/cisco.rs`,
//! which `cargo test` also runs on the committed corpus
//! (`tests/it/fuzz_corpus.rs`).
#![no_main]

#[path = "../harness/cisco.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::run(data));
