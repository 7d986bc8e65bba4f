//! Getting a CRL: the run's memory, the disk cache (with HTTP
//! revalidation), then the network, one request per URL at a time
//! (single flight) and at most `MAX_PER_HOST` per server.

use super::*;

impl Revocation {
    /// The HTTP(S) client of this run, built on first use.
    pub(super) fn http(&self) -> Result<&crate::revocation::transport::Http, String> {
        self.http
            .get_or_init(|| {
                crate::revocation::transport::Http::with_limits(&self.tls_roots, self.limits)
                    .map_err(|e| e.0)
            })
            .as_ref()
            .map_err(|e| e.clone())
    }

    pub(super) fn gate(&self, url: &str) -> Arc<Mutex<()>> {
        match self.gates.lock() {
            Ok(mut g) => g.entry(url.to_string()).or_default().clone(),
            Err(_) => Arc::new(Mutex::new(())),
        }
    }

    /// The CRL at `url`: from this run's memory, else from the disk cache
    /// while someone who may sign it did ([`Revocation::crl_signer`]) and
    /// it is fresh at `ctx.at`, else fetched (and cached when it parses).
    /// `--offline` stops before the network: a cached copy is still used.
    pub(super) fn fetch(
        &self,
        url: &str,
        ctx: &CrlContext<'_>,
        attempts: &mut Vec<Attempt>,
    ) -> Result<Arc<crl::Crl>, String> {
        let at = ctx.at;
        // One fetch per URL at a time: threads auditing certificates of the
        // same CA wait for the first download instead of repeating it.
        let gate = self.gate(url);
        let _one_at_a_time = gate.lock().unwrap_or_else(|e| e.into_inner());
        if let Ok(memory) = self.fetched.lock() {
            if let Some(hit) = memory.get(url) {
                return hit.clone();
            }
        }
        let mut stale_copy = None;
        if let Some(disk) = &self.cache {
            // The parsed table stored beside the body answers without
            // reading or parsing the body when it holds and every key
            // that may sign the CRL verified it when stored; else the
            // body is parsed and verified as it was when fetched.
            let meta = disk.get_meta(cache::Kind::Crl, url);
            let cached = match self.cached_table(disk, url, meta.as_ref(), ctx) {
                Some(c) => Some((Ok(c), meta)),
                None => disk
                    .get(cache::Kind::Crl, url)
                    .map(|cache::Entry { body, meta }| {
                        let parsed = self
                            .parse_crl(body, url)
                            .map_err(|e| e.to_string())
                            .and_then(|mut c| {
                                self.crl_signer(&c, ctx)?;
                                let verified = self.verify_and_release(&mut c, ctx);
                                self.store_table(disk, url, &c, meta.as_ref(), &verified);
                                Ok(c)
                            });
                        (parsed, meta)
                    }),
            };
            if let Some((usable, meta)) = cached {
                let usable = usable.and_then(|c| match c.freshness(at) {
                    crl::Freshness::Fresh | crl::Freshness::NoNextUpdate => Ok(c),
                    _ => Err("past its nextUpdate".to_string()),
                });
                match usable {
                    Ok(c) => {
                        let c = Arc::new(c);
                        let revalidate = meta
                            .as_ref()
                            .is_some_and(|m| m.http_expired(self.now.timestamp()));
                        if !revalidate || !ctx.network {
                            self.remember(url, Ok(c.clone()));
                            return Ok(c);
                        }
                        // HTTP's max-age ran out before the CRL's
                        // nextUpdate: ask whether it changed.
                        stale_copy = Some((c, meta));
                    }
                    Err(why) => {
                        disk.discard(cache::Kind::Crl, url);
                        attempts.push(Attempt {
                            source: url.to_string(),
                            outcome: format!("cached copy discarded ({why}); fetched again"),
                        });
                    }
                }
            }
        }
        if !ctx.network {
            return Err(format!(
                "not fetched ({}){}",
                self.no_network_reason(),
                if self.cache.is_some() {
                    " and not in the cache"
                } else {
                    ""
                }
            ));
        }
        let _slot = self.slots.acquire(url);
        let got = if url.to_ascii_lowercase().starts_with("ldap://") {
            self.limits
                .next_request()
                .map_err(|e| e.to_string())
                .and_then(|timeout| {
                    transport::ldap::fetch_crl_within(url, self.ldap_server.as_deref(), timeout)
                        .map_err(|e| e.to_string())
                })
                .map(|body| {
                    crate::revocation::transport::Got::Body(
                        crate::revocation::transport::Response {
                            body,
                            policy: crate::revocation::transport::CachePolicy::default(),
                        },
                    )
                })
        } else {
            let validators = stale_copy
                .as_ref()
                .and_then(|(_, m)| m.as_ref())
                .map(|m| &m.policy);
            self.http().and_then(|h| {
                h.get(url, crl::MAX_CRL_BYTES as u64, validators)
                    .map_err(|e| e.to_string())
            })
        };
        let now = self.now.timestamp();
        let fetched = match got {
            Ok(crate::revocation::transport::Got::NotModified(policy)) => match stale_copy {
                Some((c, old)) => {
                    let old = old.map(|m| m.policy).unwrap_or_default();
                    let meta = cache::Meta {
                        key: url.to_string(),
                        fetched_at: now,
                        der_sha256: c.der_sha256().map(str::to_string),
                        policy: crate::revocation::transport::CachePolicy {
                            etag: policy.etag.or(old.etag),
                            last_modified: policy.last_modified.or(old.last_modified),
                            ..policy
                        },
                    };
                    if let Some(disk) = &self.cache {
                        let _ = disk.touch(cache::Kind::Crl, url, &meta);
                    }
                    attempts.push(Attempt {
                        source: url.to_string(),
                        outcome: "cached copy revalidated (HTTP 304 Not Modified)".into(),
                    });
                    Ok(c)
                }
                None => Err("GET: 304 Not Modified to an unconditional request".to_string()),
            },
            Ok(crate::revocation::transport::Got::Body(response)) => {
                let policy = response.policy;
                self.parse_crl(response.body, url)
                    .map_err(|e| e.to_string())
                    .map(|mut parsed| {
                        // The DER is cached (a PEM body's text is not
                        // kept), with its hash for the table.
                        let disk = self.cache.as_ref().filter(|_| !policy.no_store);
                        let meta = cache::Meta {
                            key: url.to_string(),
                            fetched_at: now,
                            der_sha256: parsed.der_sha256().map(str::to_string),
                            policy: policy.clone(),
                        };
                        let mut stored = false;
                        if let Some(disk) = disk {
                            match disk.put(cache::Kind::Crl, url, parsed.der(), &meta) {
                                Ok(()) => stored = true,
                                Err(e) => attempts.push(Attempt {
                                    source: url.to_string(),
                                    outcome: format!("not cached: {e}"),
                                }),
                            }
                        }
                        let verified = self.verify_and_release(&mut parsed, ctx);
                        if let Some(disk) = disk.filter(|_| stored) {
                            self.store_table(disk, url, &parsed, Some(&meta), &verified);
                        }
                        Arc::new(parsed)
                    })
            }
            Err(e) => match stale_copy {
                // The cached copy is still within its nextUpdate: a failed
                // revalidation does not make it wrong.
                Some((c, _)) => {
                    attempts.push(Attempt {
                        source: url.to_string(),
                        outcome: format!(
                            "revalidation failed ({e}); the cached copy, fresh until its nextUpdate, is used"
                        ),
                    });
                    Ok(c)
                }
                None => Err(e),
            },
        };
        self.remember(url, fetched.clone());
        fetched
    }

    /// The CRL of `url` from the parsed table in the disk cache, when it
    /// is there, intact, of the body `meta` names (its DER hash), and
    /// verified, when stored, by every key that may sign it here
    /// ([`Revocation::signing_keys`]): those results go to the signature
    /// memo as the verification of that DER would have, and the signer is
    /// then chosen as for a parsed CRL. `None` (read the body instead)
    /// for anything else; a table that does not hold is deleted.
    fn cached_table(
        &self,
        disk: &cache::DiskCache,
        url: &str,
        meta: Option<&cache::Meta>,
        ctx: &CrlContext<'_>,
    ) -> Option<crl::Crl> {
        let der_sha256 = unhex(meta?.der_sha256.as_deref()?)?;
        let bytes = disk.get_table(url)?;
        let stored = match crl::Crl::from_stored(&bytes, url, &der_sha256, url) {
            Ok(stored) => stored,
            Err(_) => {
                disk.discard_table(url);
                return None;
            }
        };
        let crl = stored.crl;
        let keys = self.signing_keys(&crl, ctx);
        if keys.is_empty()
            || !keys
                .iter()
                .all(|k| stored.verified.contains(&k.spki_sha256))
        {
            return None;
        }
        if let Ok(mut done) = self.verified.lock() {
            for key in &keys {
                done.insert(Self::verified_key(&crl, &key.spki_sha256), Ok(()));
            }
        }
        self.crl_signer(&crl, ctx).ok()?;
        Some(crl)
    }

    /// Store `crl`'s parsed table beside its body, when keys verified it
    /// and the body's metadata names the same DER (a table that cannot be
    /// tied to its body would never be used).
    fn store_table(
        &self,
        disk: &cache::DiskCache,
        url: &str,
        crl: &crl::Crl,
        meta: Option<&cache::Meta>,
        verified: &[String],
    ) {
        let (Some(meta), Some(hash)) = (meta, crl.der_sha256()) else {
            return;
        };
        if verified.is_empty() {
            return;
        }
        if meta.der_sha256.as_deref() != Some(hash) {
            // A body cached before tables were: name its DER now.
            let meta = cache::Meta {
                der_sha256: Some(hash.to_string()),
                ..meta.clone()
            };
            if disk.touch(cache::Kind::Crl, url, &meta).is_err() {
                return;
            }
        }
        let Some(digest) = unhex(hash) else {
            return;
        };
        if let Some(table) = crl.to_stored(url, &digest, verified) {
            let _ = disk.put_table(url, &table);
        }
    }

    pub(super) fn remember(&self, url: &str, result: Result<Arc<crl::Crl>, String>) {
        if let Ok(mut memory) = self.fetched.lock() {
            memory.insert(url.to_string(), result);
        }
    }
}

/// Lower or upper hex to bytes; `None` if it is not hex.
fn unhex(hex: &str) -> Option<Vec<u8>> {
    let digits = hex.as_bytes();
    if !digits.len().is_multiple_of(2) {
        return None;
    }
    digits
        .chunks(2)
        .map(|pair| {
            let s = std::str::from_utf8(pair).ok()?;
            u8::from_str_radix(s, 16).ok()
        })
        .collect()
}
