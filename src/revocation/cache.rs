//! The on-disk revocation cache: CRLs by distribution point URL and OCSP
//! answers by responder URL and certificate, so a nightly sweep downloads
//! each CRL once per validity period and asks a responder once per answer
//! lifetime.
//!
//! An entry is the body as served (`.crl` or `.ocsp`), named by the SHA-256
//! of its key, with a `.meta` JSON file beside it: when it was fetched and
//! what HTTP said about caching it (ETag, Last-Modified, max-age). The body
//! is used only while it parses, verifies and is fresh (nextUpdate not
//! passed); the caller discards anything else and fetches again, never
//! trusting it. Files are written to a temporary name in the same directory
//! and renamed into place, so a reader never sees half an entry.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::revocation::transport::CachePolicy;

/// What kind of answer an entry holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Crl,
    Ocsp,
    /// Issuer certificates from AIA caIssuers URLs.
    Issuer,
}

impl Kind {
    fn ext(self) -> &'static str {
        match self {
            Kind::Crl => "crl",
            Kind::Ocsp => "ocsp",
            Kind::Issuer => "cer",
        }
    }
}

/// What is kept beside a body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    /// The key (URL, or URL + certificate for OCSP), to tell collisions.
    pub key: String,
    /// When the body was fetched or last revalidated (Unix seconds, the
    /// local clock: HTTP freshness is wall-clock time).
    pub fetched_at: i64,
    /// SHA-256 (lower hex) of the CRL's DER, so the parsed table stored beside
    /// a CRL ([`DiskCache::get_table`]) is known to be of this CRL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub der_sha256: Option<String>,
    #[serde(flatten)]
    pub policy: CachePolicy,
}

impl Meta {
    /// Whether HTTP's own lifetime has run out at wall-clock `now` (Unix
    /// seconds): the entry should be revalidated before use. An entry
    /// whose server gave no lifetime never expires this way (the CRL's
    /// nextUpdate still does).
    pub fn http_expired(&self, now: i64) -> bool {
        match self.policy.fresh_for_secs {
            Some(secs) => {
                now >= self
                    .fetched_at
                    .saturating_add(secs.min(i64::MAX as u64) as i64)
            }
            None => false,
        }
    }
}

/// A cached body and its metadata (`None` when the `.meta` file is
/// missing or unreadable: then only the body's own dates count).
#[derive(Debug, Clone)]
pub struct Entry {
    pub body: Vec<u8>,
    pub meta: Option<Meta>,
}

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

    fn path(&self, kind: Kind, key: &str, ext: &str) -> PathBuf {
        let digest = ring::digest::digest(&ring::digest::SHA256, key.as_bytes());
        let stem = crate::model::hex_lower(digest.as_ref());
        self.dir.join(format!("{stem}.{}.{ext}", kind.ext()))
    }

    /// The cached entry for `key`, if any.
    pub fn get(&self, kind: Kind, key: &str) -> Option<Entry> {
        let body = std::fs::read(self.path(kind, key, "der")).ok()?;
        let meta = self.get_meta(kind, key);
        Some(Entry { body, meta })
    }

    /// The metadata of `key` alone (see [`DiskCache::get`]).
    pub fn get_meta(&self, kind: Kind, key: &str) -> Option<Meta> {
        std::fs::read(self.path(kind, key, "meta"))
            .ok()
            .and_then(|m| serde_json::from_slice::<Meta>(&m).ok())
            .filter(|m| m.key == key)
    }

    /// Forget `key` (its entry was unusable).
    pub fn discard(&self, kind: Kind, key: &str) {
        let _ = std::fs::remove_file(self.path(kind, key, "der"));
        let _ = std::fs::remove_file(self.path(kind, key, "meta"));
        let _ = std::fs::remove_file(self.path(kind, key, "table"));
    }

    /// The parsed table stored for the CRL of `key`
    /// ([`crate::revocation::crl::Crl::to_stored`]), unchecked: the
    /// reader checks it. `None` when there is none, or it is larger than
    /// any table of a CRL this pkiaudit accepts could be.
    pub fn get_table(&self, key: &str) -> Option<Vec<u8>> {
        let path = self.path(Kind::Crl, key, "table");
        let size = std::fs::metadata(&path).ok()?.len();
        // A table holds at most ~2 times the DER (records, serials).
        if size > 3 * crate::revocation::crl::MAX_CRL_BYTES as u64 {
            return None;
        }
        std::fs::read(path).ok()
    }

    /// Store the parsed table of the CRL of `key`, atomically.
    pub fn put_table(&self, key: &str, table: &[u8]) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        write_atomically(&self.path(Kind::Crl, key, "table"), table)
    }

    /// Forget the parsed table of `key` (it was unusable; the body stays).
    pub fn discard_table(&self, key: &str) {
        let _ = std::fs::remove_file(self.path(Kind::Crl, key, "table"));
    }

    /// Store `body` for `key` with its metadata, each file atomically
    /// (temp file + rename). The body goes first, so a crash between the
    /// two leaves a body without metadata, which is still judged by its
    /// own dates.
    pub fn put(&self, kind: Kind, key: &str, body: &[u8], meta: &Meta) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let _ = std::fs::remove_file(self.path(kind, key, "meta"));
        // A table of the previous body no longer applies.
        let _ = std::fs::remove_file(self.path(kind, key, "table"));
        write_atomically(&self.path(kind, key, "der"), body)?;
        self.touch(kind, key, meta)
    }

    /// Replace the metadata of `key` (after a 304 Not Modified).
    pub fn touch(&self, kind: Kind, key: &str, meta: &Meta) -> std::io::Result<()> {
        let json = serde_json::to_vec(meta).map_err(std::io::Error::other)?;
        write_atomically(&self.path(kind, key, "meta"), &json)
    }
}

fn write_atomically(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = target.with_extension(format!("tmp.{}", std::process::id()));
    let written = std::fs::File::create(&tmp).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    match written.and_then(|()| std::fs::rename(&tmp, target)) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(key: &str, fresh_for: Option<u64>) -> Meta {
        Meta {
            key: key.into(),
            fetched_at: 1_000,
            der_sha256: None,
            policy: CachePolicy {
                etag: Some("\"v1\"".into()),
                fresh_for_secs: fresh_for,
                ..CachePolicy::default()
            },
        }
    }

    #[test]
    fn put_get_discard_and_keys_do_not_collide() {
        let dir = tempfile::tempdir().unwrap();
        let cache = DiskCache::new(dir.path().join("nested"));
        assert!(cache.get(Kind::Crl, "http://a/x.crl").is_none());
        cache
            .put(
                Kind::Crl,
                "http://a/x.crl",
                b"one",
                &meta("http://a/x.crl", None),
            )
            .unwrap();
        cache
            .put(
                Kind::Crl,
                "http://a/y.crl",
                b"two",
                &meta("http://a/y.crl", None),
            )
            .unwrap();
        cache
            .put(
                Kind::Ocsp,
                "http://a/x.crl",
                b"ocsp",
                &meta("http://a/x.crl", None),
            )
            .unwrap();
        let x = cache.get(Kind::Crl, "http://a/x.crl").unwrap();
        assert_eq!(x.body, b"one");
        assert_eq!(x.meta.unwrap().policy.etag.as_deref(), Some("\"v1\""));
        assert_eq!(cache.get(Kind::Crl, "http://a/y.crl").unwrap().body, b"two");
        assert_eq!(
            cache.get(Kind::Ocsp, "http://a/x.crl").unwrap().body,
            b"ocsp"
        );
        cache
            .put(
                Kind::Crl,
                "http://a/x.crl",
                b"three",
                &meta("http://a/x.crl", Some(5)),
            )
            .unwrap();
        assert_eq!(
            cache.get(Kind::Crl, "http://a/x.crl").unwrap().body,
            b"three"
        );
        cache.discard(Kind::Crl, "http://a/x.crl");
        assert!(cache.get(Kind::Crl, "http://a/x.crl").is_none());
        // y (body + meta) and the OCSP entry remain; no temporary files
        let names: Vec<_> = std::fs::read_dir(cache.dir()).unwrap().flatten().collect();
        assert_eq!(names.len(), 4, "{names:?}");
    }

    #[test]
    fn corrupt_or_foreign_meta_is_ignored_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let cache = DiskCache::new(dir.path());
        cache
            .put(Kind::Crl, "k", b"body", &meta("k", Some(60)))
            .unwrap();
        std::fs::write(cache.path(Kind::Crl, "k", "meta"), b"{not json").unwrap();
        let e = cache.get(Kind::Crl, "k").unwrap();
        assert_eq!(e.body, b"body");
        assert!(e.meta.is_none());
        // a meta file naming another key (a hash collision or a copied file)
        cache
            .touch(Kind::Crl, "k", &meta("other", Some(60)))
            .unwrap();
        assert!(cache.get(Kind::Crl, "k").unwrap().meta.is_none());
    }

    #[test]
    fn http_lifetime() {
        assert!(!meta("k", None).http_expired(i64::MAX));
        assert!(!meta("k", Some(60)).http_expired(1_059));
        assert!(meta("k", Some(60)).http_expired(1_060));
        assert!(meta("k", Some(0)).http_expired(1_000));
        assert!(!meta("k", Some(u64::MAX)).http_expired(i64::MAX - 1));
    }
}
