//! The on-disk CRL cache: one file per distribution point URL, so a nightly
//! sweep downloads each CRL once per validity period.
//!
//! An entry is the CRL as served, named by the SHA-256 of its URL. It is
//! used only while it parses, verifies with the issuer and is fresh (its
//! nextUpdate has not passed); anything else is discarded and fetched again,
//! never trusted. Entries are written to a temporary file in the same
//! directory and renamed into place, so a reader never sees half a CRL.

use std::io::Write;
use std::path::{Path, PathBuf};

/// A cache directory.
#[derive(Debug, Clone)]
pub struct DiskCache {
    dir: PathBuf,
}

impl DiskCache {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        DiskCache { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, url: &str) -> PathBuf {
        let digest = ring::digest::digest(&ring::digest::SHA256, url.as_bytes());
        self.dir
            .join(format!("{}.crl", crate::model::hex_lower(digest.as_ref())))
    }

    /// The cached body for `url`, if any.
    pub fn get(&self, url: &str) -> Option<Vec<u8>> {
        std::fs::read(self.path(url)).ok()
    }

    /// Forget `url` (its entry was unusable).
    pub fn discard(&self, url: &str) {
        let _ = std::fs::remove_file(self.path(url));
    }

    /// Store `body` for `url`, atomically (temp file + rename).
    pub fn put(&self, url: &str, body: &[u8]) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let target = self.path(url);
        let tmp = target.with_extension(format!("tmp.{}", std::process::id()));
        let written = std::fs::File::create(&tmp).and_then(|mut f| {
            f.write_all(body)?;
            f.sync_all()
        });
        match written.and_then(|()| std::fs::rename(&tmp, &target)) {
            Ok(()) => Ok(()),
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                Err(e)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn put_get_discard_and_urls_do_not_collide() {
        let dir = tempfile::tempdir().unwrap();
        let cache = DiskCache::new(dir.path().join("nested"));
        assert_eq!(cache.get("http://a/x.crl"), None);
        cache.put("http://a/x.crl", b"one").unwrap();
        cache.put("http://a/y.crl", b"two").unwrap();
        assert_eq!(cache.get("http://a/x.crl").as_deref(), Some(&b"one"[..]));
        assert_eq!(cache.get("http://a/y.crl").as_deref(), Some(&b"two"[..]));
        cache.put("http://a/x.crl", b"three").unwrap();
        assert_eq!(cache.get("http://a/x.crl").as_deref(), Some(&b"three"[..]));
        cache.discard("http://a/x.crl");
        assert_eq!(cache.get("http://a/x.crl"), None);
        // no temporary files left behind
        let names: Vec<_> = std::fs::read_dir(cache.dir()).unwrap().flatten().collect();
        assert_eq!(names.len(), 1);
    }
}
