//! pkiaudit: a certificate and trust-chain auditor for IPsec/IKEv2 VPNs.
//!
//! The pipeline runs one way: [`load`] turns bytes into certificates with
//! provenance, [`audit`] assembles and judges them against a profile at an
//! [`time::AuditTime`], and [`report`] writes the result. The binary
//! (`src/main.rs` + [`cli`]) is the only place that prints, reads the clock
//! or decides exit codes.
#![forbid(unsafe_code)]

pub mod assemble;
pub mod audit;
pub mod cli;
pub mod conformance;
pub mod ike;
pub mod ios;
pub mod load;
pub mod model;
pub mod oids;
pub mod report;
pub mod revocation;
pub mod sweep;
pub mod time;

#[cfg(test)]
#[path = "../tests/it/common/testkit.rs"]
pub(crate) mod testkit;
