//! Helpers shared by the suites: the runner of the binary (`run`), the rcgen
//! testkit, a loopback HTTP server, the Cisco `show` renderer, and the small
//! file and digest helpers below.
#![allow(dead_code)]

pub mod http;
pub mod ios_render;
pub mod run;
pub mod testkit;

use std::net::TcpListener;
use std::path::{Path, PathBuf};

/// A committed fixture: `fixtures/<path>` of the repository.
pub fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(path)
}

/// Write a test input to `dir/name` and return its path.
pub fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write test input");
    p
}

/// Lower-case hex, as pkiaudit's JSON prints digests.
pub fn hex_lower(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// SHA-256 of `der` in lower-case hex, computed with ring (not by pkiaudit).
pub fn sha256_hex(der: &[u8]) -> String {
    hex_lower(ring::digest::digest(&ring::digest::SHA256, der).as_ref())
}

/// SHA-1 of `der` in lower-case hex, computed with ring (not by pkiaudit).
pub fn sha1_hex(der: &[u8]) -> String {
    hex_lower(ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, der).as_ref())
}

/// A TCP port on loopback that was free a moment ago, for a server the test
/// starts as another process.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}

/// `openssl-chain-*` files are make-openssl-chains.sh's (checked by
/// `chains_openssl`), but for these two of make-openssl.sh (checked by
/// `external`).
pub fn made_by_chains_script(name: &str) -> bool {
    name.starts_with("openssl-chain-")
        && !matches!(
            name,
            "openssl-chain-p7b.pem" | "openssl-chain-print-certs.pem"
        )
}
