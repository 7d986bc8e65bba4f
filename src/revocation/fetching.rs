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
            if let Some(entry) = disk.get(cache::Kind::Crl, url) {
                let usable = self
                    .parse_crl(&entry.body, url)
                    .map_err(|e| e.to_string())
                    .and_then(|mut c| {
                        self.crl_signer(&c, ctx)?;
                        self.verify_and_release(&mut c, ctx);
                        Ok(c)
                    })
                    .and_then(|c| match c.freshness(at) {
                        crl::Freshness::Fresh | crl::Freshness::NoNextUpdate => Ok(c),
                        _ => Err("past its nextUpdate".to_string()),
                    });
                match usable {
                    Ok(c) => {
                        let c = Arc::new(c);
                        let revalidate = entry
                            .meta
                            .as_ref()
                            .is_some_and(|m| m.http_expired(self.now.timestamp()));
                        if !revalidate || !ctx.network {
                            self.remember(url, Ok(c.clone()));
                            return Ok(c);
                        }
                        // HTTP's max-age ran out before the CRL's
                        // nextUpdate: ask whether it changed.
                        stale_copy = Some((c, entry.meta));
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
            Ok(crate::revocation::transport::Got::Body(response)) => self
                .parse_crl(&response.body, url)
                .map_err(|e| e.to_string())
                .map(|mut parsed| {
                    if let Some(disk) = self.cache.as_ref().filter(|_| !response.policy.no_store) {
                        let meta = cache::Meta {
                            key: url.to_string(),
                            fetched_at: now,
                            policy: response.policy.clone(),
                        };
                        if let Err(e) = disk.put(cache::Kind::Crl, url, &response.body, &meta) {
                            attempts.push(Attempt {
                                source: url.to_string(),
                                outcome: format!("not cached: {e}"),
                            });
                        }
                    }
                    self.verify_and_release(&mut parsed, ctx);
                    Arc::new(parsed)
                }),
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

    pub(super) fn remember(&self, url: &str, result: Result<Arc<crl::Crl>, String>) {
        if let Ok(mut memory) = self.fetched.lock() {
            memory.insert(url.to_string(), result);
        }
    }
}
