//! Reports: one module per output format, each writing to `impl io::Write`.

pub mod json;
pub mod text;

/// Output formats of every command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// What `pkiaudit trust` lists.
pub struct TrustListing<'a> {
    pub time: crate::time::AuditTime,
    pub anchors: &'a [crate::audit::chain::PoolCert],
    /// The CERTREQ hashes to match, lower-case hex.
    pub certreq: Option<&'a [String]>,
}

impl TrustListing<'_> {
    /// CERTREQ hashes that match no listed anchor.
    pub fn unknown_hashes(&self) -> Vec<&str> {
        self.certreq
            .unwrap_or(&[])
            .iter()
            .filter(|h| !self.anchors.iter().any(|a| &a.cert.spki_sha1 == *h))
            .map(String::as_str)
            .collect()
    }

    pub fn requested(&self, spki_sha1: &str) -> Option<bool> {
        self.certreq.map(|c| c.iter().any(|h| h == spki_sha1))
    }
}
