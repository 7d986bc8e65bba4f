//! OCSP as a revocation source (RFC 6960): the responder asked, the
//! answer verified and kept for the run and in the disk cache.

use super::*;

impl Revocation {
    pub(super) fn by_ocsp(
        &self,
        ctx: &CrlContext<'_>,
        attempts: &mut Vec<Attempt>,
    ) -> Option<RevocationStatus> {
        let CrlContext {
            cert, issuer, at, ..
        } = *ctx;
        // `--ocsp-url` is the operator's choice; AIA URLs are the
        // certificate's, followed only when its path verified.
        let network = if self.ocsp_url.is_some() {
            !self.offline
        } else {
            ctx.network
        };
        let urls: Vec<String> = match &self.ocsp_url {
            Some(u) => vec![u.clone()],
            None => cert
                .authority_info_access
                .as_ref()
                .map(|a| a.ocsp.clone())
                .unwrap_or_default(),
        };
        for url in urls {
            let answer = match self.ocsp_answer(&url, cert, issuer, at, network, attempts) {
                Some(a) => a,
                None => continue,
            };
            match answer {
                Ok(a) => match a.status {
                    ocsp::CertStatus::Good => {
                        attempts.push(Attempt {
                            source: url.clone(),
                            outcome: format!("good (signed by {})", a.responder),
                        });
                        return Some(RevocationStatus::Good {
                            source: url,
                            this_update: ts(a.this_update),
                        });
                    }
                    ocsp::CertStatus::Revoked { time, reason } => {
                        attempts.push(Attempt {
                            source: url.clone(),
                            outcome: "revoked".into(),
                        });
                        return Some(RevocationStatus::Revoked {
                            source: url,
                            time: ts(time),
                            reason,
                        });
                    }
                    ocsp::CertStatus::Unknown => attempts.push(Attempt {
                        source: url,
                        outcome: "the responder does not know the certificate".into(),
                    }),
                },
                Err(e) => attempts.push(Attempt {
                    source: url,
                    outcome: e.to_string(),
                }),
            }
        }
        None
    }

    /// Why a source was not fetched when the network is not used.
    pub(super) fn no_network_reason(&self) -> &'static str {
        if self.offline {
            "--offline"
        } else {
            "the path does not verify to a trust anchor, so the URLs its certificates name are not followed"
        }
    }

    /// The answer of the responder at `url` about `cert`: a verified answer
    /// kept from earlier in this run or on disk while it is within its
    /// thisUpdate..nextUpdate window, else a fresh query with a nonce
    /// (kept when the responder gives a nextUpdate). `None` when the
    /// responder was not asked (`--offline`; the reason is in `attempts`).
    pub(super) fn ocsp_answer(
        &self,
        url: &str,
        cert: &Certificate,
        issuer: &Certificate,
        at: DateTime<Utc>,
        network: bool,
        attempts: &mut Vec<Attempt>,
    ) -> Option<Result<ocsp::OcspAnswer, ocsp::OcspError>> {
        let key = format!("{url}#{}#{}", issuer.sha256, cert.serial);
        let replay = |der: &[u8]| {
            // The cached answer answered an earlier request; its nonce
            // cannot match a new one, so it is checked without.
            ocsp::build_request(cert, issuer, false)
                .and_then(|req| ocsp::verify_response(der, &req, cert, issuer, at))
                .ok()
                .filter(|a| a.next_update.is_some_and(|n| at <= n) && a.this_update <= at)
        };
        let remembered = self
            .ocsp_answers
            .lock()
            .ok()
            .and_then(|m| m.get(&key).cloned());
        if let Some(answer) = remembered.as_deref().and_then(replay) {
            return Some(Ok(answer));
        }
        if let Some(disk) = &self.cache {
            if let Some(entry) = disk.get(cache::Kind::Ocsp, &key) {
                match replay(&entry.body) {
                    Some(answer) => {
                        attempts.push(Attempt {
                            source: url.to_string(),
                            outcome: format!(
                                "answer from the cache (thisUpdate {})",
                                ts(answer.this_update)
                            ),
                        });
                        self.keep_ocsp(&key, entry.body);
                        return Some(Ok(answer));
                    }
                    None => disk.discard(cache::Kind::Ocsp, &key),
                }
            }
        }
        if !network {
            attempts.push(Attempt {
                source: url.to_string(),
                outcome: format!("not asked ({})", self.no_network_reason()),
            });
            return None;
        }
        let http = match self.http() {
            Ok(h) => h,
            Err(e) => return Some(Err(ocsp::OcspError::Transport(e))),
        };
        let mut raw = Vec::new();
        let _slot = self.slots.acquire(url);
        let answer = ocsp::build_request(cert, issuer, true).and_then(|req| {
            ocsp::query_with(url, &req, cert, issuer, at, |u, body| {
                let der = ocsp::post_with(http, u, body)?;
                raw = der.clone();
                Ok(der)
            })
        });
        if let Ok(a) = &answer {
            if a.next_update.is_some() {
                if let Some(disk) = &self.cache {
                    let meta = cache::Meta {
                        key: key.clone(),
                        fetched_at: self.now.timestamp(),
                        der_sha256: None,
                        policy: crate::revocation::transport::CachePolicy::default(),
                    };
                    if let Err(e) = disk.put(cache::Kind::Ocsp, &key, &raw, &meta) {
                        attempts.push(Attempt {
                            source: url.to_string(),
                            outcome: format!("answer not cached: {e}"),
                        });
                    }
                }
                self.keep_ocsp(&key, raw);
            }
        }
        Some(answer)
    }

    pub(super) fn keep_ocsp(&self, key: &str, der: Vec<u8>) {
        if let Ok(mut m) = self.ocsp_answers.lock() {
            m.insert(key.to_string(), der);
        }
    }
}
