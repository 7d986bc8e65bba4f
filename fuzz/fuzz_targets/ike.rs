//! cargo-fuzz target `ike`: what it runs and checks is in `harness/ike.rs`,
//! which `cargo test` also runs on the committed corpus
//! (`tests/it/fuzz_corpus.rs`).
#![no_main]

#[path = "../harness/ike.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::run(data));
