//! Parsed CA certificates shared by every file of a run.
//!
//! An inventory carries the same issuing CA in thousands of files (each
//! headend sends its chain). Parsing it again in every file costs as much
//! as parsing the leaf; sharing the first model costs nothing. The cache keeps only CA certificates (basicConstraints cA): end
//! entities are distinct in nearly every file, and keeping them would make
//! memory grow with the inventory. It holds at most [`MAX_CACHED`]
//! certificates (a few MiB): past that, a CA is parsed where it is found,
//! as without a cache. The same DER always gives the same model, so
//! sharing it can never change a result.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use crate::model::{Certificate, ParseError};

/// The most CA certificates one cache keeps.
pub const MAX_CACHED: usize = 4_096;

/// CA certificates by the SHA-256 of their DER, with counts of what the
/// loaders that use it did.
#[derive(Debug, Default)]
pub struct CertCache {
    cas: RwLock<HashMap<[u8; 32], Arc<Certificate>>>,
    parsed: AtomicU64,
    reused: AtomicU64,
}

impl CertCache {
    pub fn new() -> Self {
        Self::default()
    }

    /// Certificates modelled from DER by loaders that use this cache.
    pub fn parsed(&self) -> u64 {
        self.parsed.load(Ordering::Relaxed)
    }

    /// Certificates copied from the cache instead.
    pub fn reused(&self) -> u64 {
        self.reused.load(Ordering::Relaxed)
    }

    /// CA certificates kept.
    pub fn len(&self) -> usize {
        self.cas.read().map(|m| m.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// [`Certificate::from_der_prefix`], through the cache. A cached CA is
    /// found by the SHA-256 of the element its DER header spans, before
    /// any parsing, and shared, not copied.
    pub(crate) fn model(&self, der: &[u8]) -> Result<(Arc<Certificate>, usize), ParseError> {
        if let Some(len) = element_len(der) {
            if let Some(known) = der.get(..len).and_then(|element| self.get(element)) {
                self.reused.fetch_add(1, Ordering::Relaxed);
                return Ok((known, der.len() - len));
            }
        }
        let (cert, trailing) = Certificate::from_der_prefix(der)?;
        self.parsed.fetch_add(1, Ordering::Relaxed);
        let cert = Arc::new(cert);
        if cert.asserts_ca() {
            let key = ring::digest::digest(&ring::digest::SHA256, &cert.der);
            if let (Ok(key), Ok(mut cas)) = (<[u8; 32]>::try_from(key.as_ref()), self.cas.write()) {
                if cas.len() < MAX_CACHED {
                    cas.entry(key).or_insert_with(|| Arc::clone(&cert));
                }
            }
        }
        Ok((cert, trailing))
    }

    fn get(&self, element: &[u8]) -> Option<Arc<Certificate>> {
        let key: [u8; 32] = ring::digest::digest(&ring::digest::SHA256, element)
            .as_ref()
            .try_into()
            .ok()?;
        self.cas.read().ok()?.get(&key).cloned()
    }
}

/// The length of the DER element at the start of `input`, header and
/// content, read from its header alone.
fn element_len(input: &[u8]) -> Option<usize> {
    use der::{Decode, Reader};
    let mut reader = der::SliceReader::new(input).ok()?;
    let header = der::Header::decode(&mut reader).ok()?;
    let start = usize::try_from(reader.position()).ok()?;
    start.checked_add(usize::try_from(header.length).ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn der(path: &str) -> Vec<u8> {
        let text =
            std::fs::read(format!("{}/fixtures/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap();
        pem::parse(text).unwrap().into_contents()
    }

    /// A CA is parsed once and then shared, found by the element its header
    /// spans (trailing bytes are counted, not hashed); a leaf is parsed each
    /// time; what does not parse fails as it does without the cache.
    #[test]
    fn a_ca_is_parsed_once_and_shared() {
        let cache = CertCache::new();
        let ca = der("pki/issuing-ca.pem");
        let (first, trailing) = cache.model(&ca).unwrap();
        assert_eq!((trailing, cache.parsed(), cache.reused()), (0, 1, 0));
        let mut with_more = ca.clone();
        with_more.extend_from_slice(&[0x30, 0x03, 1, 2, 3]);
        let (again, trailing) = cache.model(&with_more).unwrap();
        assert!(Arc::ptr_eq(&first, &again));
        assert_eq!((trailing, cache.parsed(), cache.reused()), (5, 1, 1));
        assert_eq!(
            format!("{:?}", *again),
            format!("{:?}", Certificate::from_der(&ca).unwrap())
        );

        let leaf = der("headend/vpn-example-com.pem");
        cache.model(&leaf).unwrap();
        cache.model(&leaf).unwrap();
        assert_eq!((cache.parsed(), cache.reused(), cache.len()), (3, 1, 1));

        // One byte changed in the cached CA's body: not the cached
        // certificate, and what it is then is the parser's answer.
        let mut changed = ca.clone();
        let last = changed.len() - 1;
        changed[last] ^= 1;
        let via_cache = cache.model(&changed).map(|(c, n)| (c.sha256.clone(), n));
        let direct = Certificate::from_der_prefix(&changed).map(|(c, n)| (c.sha256, n));
        assert_eq!(format!("{via_cache:?}"), format!("{direct:?}"));
        assert_eq!(cache.reused(), 1);
        // Cut short: the header names more than there is.
        let cut = &ca[..ca.len() - 10];
        assert_eq!(
            cache
                .model(cut)
                .map(|(c, _)| c.sha256.clone())
                .unwrap_err()
                .0,
            Certificate::from_der_prefix(cut).unwrap_err().0
        );
    }
}
