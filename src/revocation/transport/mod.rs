//! The library's network transport for revocation: HTTP(S) for CRLs, OCSP
//! and certificates (`http`), LDAP for CRL distribution points (`ldap`).
//! Both take their bounds from [`Limits`]. Apart from NTP (`time::ntp`),
//! nothing else in the library opens a connection; a test keeps it so.

pub mod http;
pub mod ldap;

pub use http::{
    error_chain, get, get_limited, CachePolicy, FetchError, Got, Http, Limits, Response,
    MAX_BODY_BYTES, MAX_REDIRECTS, TIMEOUT,
};
