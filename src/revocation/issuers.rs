//! Issuer certificates named by AIA caIssuers (RFC 5280 §4.2.2.1), fetched
//! for the sweep's own certificates whose issuer the inventory lacks:
//! through this run's HTTP client (its time bounds, at most
//! [`MAX_PER_HOST`] requests per server), the disk cache, and once per URL
//! per run. What comes back is only ever an untrusted intermediate: a path
//! still has to verify to the operator's anchors.

use super::*;

/// The certificates (DER) a caIssuers URL gave, or why it gave none.
pub type Issuers = Result<Vec<Vec<u8>>, String>;

/// Bytes read from a caIssuers URL (a certificate, or a PKCS#7 bundle).
pub const MAX_ISSUER_BYTES: u64 = 1024 * 1024;

impl Revocation {
    /// The certificates (DER) at the caIssuers `url`: DER, PEM or a
    /// certs-only PKCS#7, as CAs publish them. `http://` and `https://`
    /// only; from this run's memory, the disk cache, else the network
    /// (unless `--offline`).
    pub fn fetch_issuers(&self, url: &str) -> Issuers {
        let lower = url.to_ascii_lowercase();
        if !(lower.starts_with("http://") || lower.starts_with("https://")) {
            return Err("not fetched (only http:// and https:// caIssuers URLs)".into());
        }
        let gate = self.gate(url);
        let _one_at_a_time = gate.lock().unwrap_or_else(|e| e.into_inner());
        if let Ok(memory) = self.issuers.lock() {
            if let Some(hit) = memory.get(url) {
                return hit.clone();
            }
        }
        let got = self.issuers_uncached(url);
        if let Ok(mut memory) = self.issuers.lock() {
            memory.insert(url.to_string(), got.clone());
        }
        got
    }

    fn issuers_uncached(&self, url: &str) -> Issuers {
        let parse = |body: &[u8]| -> Result<Vec<Vec<u8>>, String> {
            let input = crate::load::load_bytes(url, body);
            let certs: Vec<Vec<u8>> = input
                .certs
                .into_iter()
                .map(|c| std::sync::Arc::unwrap_or_clone(c.cert).der)
                .collect();
            if certs.is_empty() {
                let why = input
                    .problems
                    .first()
                    .map(|p| p.message.clone())
                    .unwrap_or_else(|| "no certificate in the answer".into());
                return Err(format!("not a certificate: {why}"));
            }
            Ok(certs)
        };
        let now = self.now.timestamp();
        if let Some(disk) = &self.cache {
            if let Some(entry) = disk.get(cache::Kind::Issuer, url) {
                let fresh = entry.meta.as_ref().is_some_and(|m| !m.http_expired(now));
                match parse(&entry.body) {
                    Ok(certs) if fresh || self.offline => return Ok(certs),
                    Ok(_) => {}
                    Err(_) => disk.discard(cache::Kind::Issuer, url),
                }
            }
        }
        if self.offline {
            return Err("not fetched (--offline) and not in the cache".into());
        }
        let _slot = self.slots.acquire(url);
        let response = match self.http()?.get(url, MAX_ISSUER_BYTES, None) {
            Ok(crate::revocation::transport::Got::Body(r)) => r,
            Ok(crate::revocation::transport::Got::NotModified(_)) => {
                return Err("GET: 304 Not Modified to an unconditional request".into())
            }
            Err(e) => return Err(e.to_string()),
        };
        let certs = parse(&response.body)?;
        if let Some(disk) = self.cache.as_ref().filter(|_| !response.policy.no_store) {
            let meta = cache::Meta {
                key: url.to_string(),
                fetched_at: now,
                der_sha256: None,
                policy: response.policy.clone(),
            };
            let _ = disk.put(cache::Kind::Issuer, url, &response.body, &meta);
        }
        Ok(certs)
    }
}
