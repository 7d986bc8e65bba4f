//! The integration tests: one test crate, so that the library and its
//! dependencies are linked into one test binary instead of one per file.
//! Each module is one feature's suite; `common` holds what they share (the
//! runner of the binary, the rcgen testkit, a loopback HTTP server, the
//! Cisco `show` renderer).
//!
//! Run one suite with `cargo test --test it <module>` (a name filter), e.g.
//! `cargo test --test it rules_catalogue`.

mod common;

mod architecture;
mod chain;
mod chains_openssl;
mod cisco_fixtures;
mod cli;
mod cli_help;
mod clients;
mod debug_text;
mod end_entity;
mod estate;
mod external;
mod file_kinds;
mod fixes;
mod fuzz_corpus;
mod ike_captures;
mod ike_fetch;
mod ike_identity_charon;
mod ios;
mod ldap_slapd;
mod limbo;
mod limits;
mod monitoring;
mod ms_names;
mod names;
mod ntp_chrony;
mod ocsp_openssl;
mod pastes;
mod pkcs12;
mod revocation_broken;
mod revocation_crl;
mod revocation_rfc5280;
mod rfc5280_paths;
mod robustness;
mod rules_catalogue;
mod signature_memo;
mod special_files;
mod sweep;
mod sweep_output;
mod time_cli;
