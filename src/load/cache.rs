//! Parsed CA certificates shared by every file of a run.
//!
//! An inventory carries the same issuing CA in thousands of files (each
//! headend sends its chain). Parsing it again in every file costs as much
//! as parsing the leaf; a copy of the first model costs a fraction of
//! that. The cache keeps only CA certificates (basicConstraints cA): end
//! entities are distinct in nearly every file, and keeping them would make
//! memory grow with the inventory. It holds at most [`MAX_CACHED`]
//! certificates (a few MiB): past that, a CA is parsed where it is found,
//! as without a cache. The same DER always gives the same model, so a
//! copy can never change a result.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::RwLock;

use crate::model::{Certificate, ParseError};

/// The most CA certificates one cache keeps.
pub const MAX_CACHED: usize = 4_096;

/// CA certificates by the SHA-256 of their DER, with counts of what the
/// loaders that use it did.
#[derive(Debug, Default)]
pub struct CertCache {
    cas: RwLock<HashMap<[u8; 32], Certificate>>,
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

    /// [`Certificate::from_der_prefix`], through the cache.
    pub(crate) fn model(&self, der: &[u8]) -> Result<(Certificate, usize), ParseError> {
        let known = |sha256: &[u8]| -> Option<Certificate> {
            let key: [u8; 32] = sha256.try_into().ok()?;
            self.cas.read().ok()?.get(&key).cloned()
        };
        let (cert, trailing, fresh) = Certificate::from_der_prefix_known(der, &known)?;
        match fresh {
            None => {
                self.reused.fetch_add(1, Ordering::Relaxed);
            }
            Some(key) => {
                self.parsed.fetch_add(1, Ordering::Relaxed);
                if cert.asserts_ca() {
                    if let Ok(mut cas) = self.cas.write() {
                        if cas.len() < MAX_CACHED {
                            cas.entry(key).or_insert_with(|| cert.clone());
                        }
                    }
                }
            }
        }
        Ok((cert, trailing))
    }
}
