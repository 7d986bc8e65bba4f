//! cargo-fuzz target `inventory`: what it runs and checks is in `harness/inventory.rs`,
//! which `cargo test` also runs on the committed corpus
//! (`tests/it/fuzz_corpus.rs`).
#![no_main]

#[path = "../harness/inventory.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::run(data));
