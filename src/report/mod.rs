//! Reports: one module per output format, each writing to `impl io::Write`.

pub mod json;
pub mod sweep;
pub mod text;

/// Output formats of every command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

/// Names for the SHA-1 SPKI hashes a CERTREQ carries: every certificate of
/// the run (trust anchors first) by the hash of its public key.
pub struct CaNames(std::collections::HashMap<String, String>);

impl CaNames {
    /// `groups` in order of preference (e.g. `--trust` before the inputs).
    pub fn new(groups: &[&[crate::load::LoadedInput]]) -> Self {
        let mut map = std::collections::HashMap::new();
        for group in groups {
            for c in group.iter().flat_map(|i| i.certs.iter()) {
                map.entry(c.cert.spki_sha1.clone())
                    .or_insert_with(|| c.cert.subject.text.clone());
            }
        }
        CaNames(map)
    }

    pub fn name(&self, spki_sha1: &str) -> Option<&str> {
        self.0.get(spki_sha1).map(String::as_str)
    }

    /// "Example VPN Root CA (sha1 spki f483…), 2 unknown hashes".
    pub fn describe(&self, hashes: &[String]) -> String {
        if hashes.is_empty() {
            return "any CA (empty CERTREQ)".into();
        }
        let mut parts: Vec<String> = hashes
            .iter()
            .filter_map(|h| self.name(h).map(|n| format!("{n} (sha1 spki {h})")))
            .collect();
        let unknown = hashes.iter().filter(|h| self.name(h).is_none()).count();
        if unknown > 0 {
            parts.push(format!(
                "{unknown} unknown hash{}",
                if unknown == 1 { "" } else { "es" }
            ));
        }
        parts.join(", ")
    }
}
