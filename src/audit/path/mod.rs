//! RFC 5280 §6.1 certification path validation: pkiaudit's own verdict.
//!
//! rustls-webpki is a Web PKI validator, stricter than RFC 5280 in ways
//! that IOS, strongSwan and Windows are not (byte-wise name chaining,
//! self-issued certificates counted against pathLenConstraint, no
//! directoryName/rfc822/URI name constraints, no pre-1970 times, no DSA).
//! This module validates paths the way the standard says; webpki stays as a
//! second opinion (`audit::chain`).
//!
//! - `constraints`: name constraints (§4.2.1.10, §6.1.3 (b)-(c), §6.1.4 (g)).
//! - `policy`: certificate policies (§6.1.3 (d)-(f), §6.1.4 (a)-(b), (h)-(j), §6.1.5).
//! - `signature`: signature verification for every algorithm VPN PKIs use.

pub mod constraints;
pub mod policy;
pub mod signature;
