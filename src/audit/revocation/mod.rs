//! Revocation: CRLs (`crl`) and OCSP (`ocsp`), and the status of each
//! certificate of a path.
//!
//! Each certificate below the trust anchor gets `good`, `revoked` (time,
//! reason, source) or `unknown` with a reason (unreachable, bad signature,
//! stale, responder says unknown), or `no-source`. Sources are tried in
//! order: OCSP (`--ocsp-url`, then the certificate's AIA) when the mode
//! includes OCSP, then CRLs (`--crl` files, then the certificate's HTTP
//! distribution points) when it includes CRLs; the first definite answer
//! wins, and every attempt is kept for the report.

pub mod cache;
pub mod crl;
pub mod ldap;
pub mod ocsp;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use crate::model::Certificate;

/// Which sources to consult (`--revocation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Off,
    Crl,
    Ocsp,
    Both,
}

/// What an unknown status means (`--revocation-policy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Policy {
    /// Unknown is a warning (what most VPN peers do when a CRL is down).
    Soft,
    /// Unknown is an error.
    Hard,
}

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The revocation status of one certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum Status {
    Good {
        source: String,
        /// thisUpdate of the CRL or OCSP answer.
        this_update: String,
    },
    Revoked {
        source: String,
        time: String,
        reason: Option<String>,
    },
    Unknown {
        reason: String,
    },
    /// The certificate names no source and none was given.
    NoSource,
}

/// One source tried, and what came of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attempt {
    pub source: String,
    pub outcome: String,
}

/// The revocation check of one certificate of a path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub subject: String,
    pub serial: String,
    #[serde(flatten)]
    pub status: Status,
    pub attempts: Vec<Attempt>,
}

/// A signature check: CRL source, its thisUpdate, the issuer's SHA-256.
type VerifiedKey = (String, i64, String);

/// How revocation is checked in a run, with the CRLs fetched so far (each
/// distribution point is fetched once per run).
pub struct Revocation {
    pub mode: Mode,
    pub policy: Policy,
    /// `--offline`: no network I/O; only `--crl` files.
    pub offline: bool,
    /// `--crl` files, parsed once.
    pub crls: Vec<Arc<crl::Crl>>,
    /// `--ocsp-url`: asked instead of the certificates' AIA.
    pub ocsp_url: Option<String>,
    /// The on-disk CRL cache (`--cache-dir`); `None` with `--no-cache`.
    pub cache: Option<cache::DiskCache>,
    /// `--ldap-server HOST[:PORT]`: for host-less `ldap:///CN=...` URLs
    /// (Active Directory Certificate Services writes them).
    pub ldap_server: Option<String>,
    fetched: Mutex<HashMap<String, Result<Arc<crl::Crl>, String>>>,
    /// Signature checks done, by (CRL source, thisUpdate, issuer SHA-256):
    /// a 20 MB CRL is hashed once per run, not once per certificate.
    verified: Mutex<HashMap<VerifiedKey, Result<(), String>>>,
}

impl std::fmt::Debug for Revocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Revocation")
            .field("mode", &self.mode)
            .field("policy", &self.policy)
            .field("offline", &self.offline)
            .field("crls", &self.crls.len())
            .finish()
    }
}

impl Revocation {
    pub fn new(mode: Mode, policy: Policy) -> Self {
        Revocation {
            mode,
            policy,
            offline: false,
            crls: Vec::new(),
            ocsp_url: None,
            cache: None,
            ldap_server: None,
            fetched: Mutex::new(HashMap::new()),
            verified: Mutex::new(HashMap::new()),
        }
    }

    fn uses_crl(&self) -> bool {
        matches!(self.mode, Mode::Crl | Mode::Both)
    }

    fn uses_ocsp(&self) -> bool {
        matches!(self.mode, Mode::Ocsp | Mode::Both)
    }

    /// The status of `cert`, issued by `issuer`, at `at`.
    pub fn check(&self, cert: &Certificate, issuer: &Certificate, at: DateTime<Utc>) -> Check {
        let mut attempts = Vec::new();
        let mut status = None;
        if self.uses_ocsp() {
            status = self.by_ocsp(cert, issuer, at, &mut attempts);
        }
        if status.is_none() && self.uses_crl() {
            status = self.by_crl(cert, issuer, at, &mut attempts);
        }
        let status = status.unwrap_or_else(|| {
            if attempts.is_empty() {
                Status::NoSource
            } else {
                Status::Unknown {
                    reason: attempts
                        .iter()
                        .map(|a| format!("{}: {}", a.source, a.outcome))
                        .collect::<Vec<_>>()
                        .join("; "),
                }
            }
        });
        Check {
            subject: cert.subject.text.clone(),
            serial: cert.serial.clone(),
            status,
            attempts,
        }
    }

    fn by_ocsp(
        &self,
        cert: &Certificate,
        issuer: &Certificate,
        at: DateTime<Utc>,
        attempts: &mut Vec<Attempt>,
    ) -> Option<Status> {
        let urls: Vec<String> = match &self.ocsp_url {
            Some(u) => vec![u.clone()],
            None => cert
                .authority_info_access
                .as_ref()
                .map(|a| a.ocsp.clone())
                .unwrap_or_default(),
        };
        for url in urls {
            if self.offline {
                attempts.push(Attempt {
                    source: url,
                    outcome: "not asked (--offline)".into(),
                });
                continue;
            }
            let answer = ocsp::build_request(cert, issuer, true)
                .and_then(|req| ocsp::query(&url, &req, cert, issuer, at));
            match answer {
                Ok(a) => match a.status {
                    ocsp::CertStatus::Good => {
                        attempts.push(Attempt {
                            source: url.clone(),
                            outcome: format!("good (signed by {})", a.responder),
                        });
                        return Some(Status::Good {
                            source: url,
                            this_update: ts(a.this_update),
                        });
                    }
                    ocsp::CertStatus::Revoked { time, reason } => {
                        attempts.push(Attempt {
                            source: url.clone(),
                            outcome: "revoked".into(),
                        });
                        return Some(Status::Revoked {
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

    fn by_crl(
        &self,
        cert: &Certificate,
        issuer: &Certificate,
        at: DateTime<Utc>,
        attempts: &mut Vec<Attempt>,
    ) -> Option<Status> {
        // Local CRLs of this issuer first, then the distribution points.
        let mut candidates: Vec<(String, Result<Arc<crl::Crl>, String>)> = self
            .crls
            .iter()
            .filter(|c| c.issuer_raw == cert.issuer.raw)
            .map(|c| (c.source.clone(), Ok(c.clone())))
            .collect();
        for url in &cert.crl_distribution_points {
            if !(url.starts_with("http://") || url.starts_with("ldap://")) {
                attempts.push(Attempt {
                    source: url.clone(),
                    outcome: "not fetched (only http:// and ldap:// distribution points)".into(),
                });
                continue;
            }
            if self.offline {
                attempts.push(Attempt {
                    source: url.clone(),
                    outcome: "not fetched (--offline)".into(),
                });
                continue;
            }
            candidates.push((url.clone(), self.fetch(url, issuer, at, attempts)));
        }
        for (source, crl) in candidates {
            let crl = match crl {
                Ok(c) => c,
                Err(e) => {
                    attempts.push(Attempt { source, outcome: e });
                    continue;
                }
            };
            if let Err(e) = self.verify_once(&crl, issuer) {
                attempts.push(Attempt {
                    source,
                    outcome: format!("CRL not trusted: {e}"),
                });
                continue;
            }
            match crl.freshness(at) {
                crl::Freshness::Stale { since } => {
                    attempts.push(Attempt {
                        source,
                        outcome: format!("CRL stale: nextUpdate {} passed", ts(since)),
                    });
                    continue;
                }
                crl::Freshness::NotYetValid => {
                    attempts.push(Attempt {
                        source,
                        outcome: format!("CRL not yet valid: thisUpdate {}", ts(crl.this_update)),
                    });
                    continue;
                }
                _ => {}
            }
            if crl.is_delta() {
                attempts.push(Attempt {
                    source,
                    outcome: "a delta CRL, not usable without its base".into(),
                });
                continue;
            }
            let delta = self.delta_for(&crl, issuer, at, attempts);
            let listed = match crl::status_with_delta(&crl, delta.as_deref(), &cert.serial_raw) {
                Ok(r) => r.cloned(),
                Err(e) => {
                    attempts.push(Attempt {
                        source: source.clone(),
                        outcome: format!("delta CRL not applied: {e}"),
                    });
                    crl.lookup(&cert.serial_raw).cloned()
                }
            };
            let source = match &delta {
                Some(d) => format!("{source} + delta {}", d.source),
                None => source,
            };
            return Some(match listed {
                Some(r) => {
                    attempts.push(Attempt {
                        source: source.clone(),
                        outcome: "listed".into(),
                    });
                    Status::Revoked {
                        source,
                        time: ts(r.time),
                        reason: r.reason.map(|x| x.as_str().to_string()),
                    }
                }
                None => {
                    attempts.push(Attempt {
                        source: source.clone(),
                        outcome: format!("not listed ({} entries)", crl.entries),
                    });
                    Status::Good {
                        source,
                        this_update: ts(crl.this_update),
                    }
                }
            });
        }
        None
    }

    /// The delta CRL a base names (Freshest CRL, RFC 5280 §5.2.6), fetched,
    /// verified and fresh; `None` (with the reason in `attempts`) otherwise.
    fn delta_for(
        &self,
        base: &crl::Crl,
        issuer: &Certificate,
        at: DateTime<Utc>,
        attempts: &mut Vec<Attempt>,
    ) -> Option<Arc<crl::Crl>> {
        for url in &base.freshest {
            let why = if !(url.starts_with("http://") || url.starts_with("ldap://")) {
                "not fetched (only http:// and ldap:// delta locations)".to_string()
            } else if self.offline {
                "not fetched (--offline)".to_string()
            } else {
                match self.fetch(url, issuer, at, attempts) {
                    Err(e) => e,
                    Ok(delta) => match self.verify_once(&delta, issuer) {
                        Err(e) => format!("delta CRL not trusted: {e}"),
                        Ok(()) => match delta.freshness(at) {
                            crl::Freshness::Stale { since } => {
                                format!("delta CRL stale: nextUpdate {} passed", ts(since))
                            }
                            crl::Freshness::NotYetValid => "delta CRL not yet valid".to_string(),
                            _ => return Some(delta),
                        },
                    },
                }
            };
            attempts.push(Attempt {
                source: url.clone(),
                outcome: format!("{why}; the base CRL alone may be out of date"),
            });
        }
        None
    }

    /// Put a CRL in the per-run cache as if `url` had served it (tests).
    #[cfg(test)]
    pub(crate) fn seed(&self, url: &str, crl: Arc<crl::Crl>) {
        if let Ok(mut cache) = self.fetched.lock() {
            cache.insert(url.to_string(), Ok(crl));
        }
    }

    /// The CRL at `url`: from this run's memory, else from the disk cache
    /// while it verifies with `issuer` and is fresh at `at`, else fetched
    /// (and cached when it parses).
    fn fetch(
        &self,
        url: &str,
        issuer: &Certificate,
        at: DateTime<Utc>,
        attempts: &mut Vec<Attempt>,
    ) -> Result<Arc<crl::Crl>, String> {
        if let Ok(memory) = self.fetched.lock() {
            if let Some(hit) = memory.get(url) {
                return hit.clone();
            }
        }
        if let Some(disk) = &self.cache {
            if let Some(body) = disk.get(url) {
                let usable = crl::Crl::from_pem_or_der(&body, url)
                    .map_err(|e| e.to_string())
                    .and_then(|c| self.verify_once(&c, issuer).map(|()| c))
                    .and_then(|c| match c.freshness(at) {
                        crl::Freshness::Fresh | crl::Freshness::NoNextUpdate => Ok(c),
                        _ => Err("past its nextUpdate".to_string()),
                    });
                match usable {
                    Ok(c) => {
                        let c = Arc::new(c);
                        self.remember(url, Ok(c.clone()));
                        return Ok(c);
                    }
                    Err(why) => {
                        disk.discard(url);
                        attempts.push(Attempt {
                            source: url.to_string(),
                            outcome: format!("cached copy discarded ({why}); fetched again"),
                        });
                    }
                }
            }
        }
        let body = if url.starts_with("ldap://") {
            ldap::fetch_crl(url, self.ldap_server.as_deref()).map_err(|e| e.to_string())
        } else {
            crate::fetch::get_limited(url, crl::MAX_CRL_BYTES as u64).map_err(|e| e.to_string())
        };
        let fetched = body.and_then(|body| {
            let parsed = crl::Crl::from_pem_or_der(&body, url).map_err(|e| e.to_string())?;
            if let Some(disk) = &self.cache {
                if let Err(e) = disk.put(url, &body) {
                    attempts.push(Attempt {
                        source: url.to_string(),
                        outcome: format!("not cached: {e}"),
                    });
                }
            }
            Ok(Arc::new(parsed))
        });
        self.remember(url, fetched.clone());
        fetched
    }

    fn verify_once(&self, crl: &crl::Crl, issuer: &Certificate) -> Result<(), String> {
        let key = (
            crl.source.clone(),
            crl.this_update.timestamp(),
            issuer.sha256.clone(),
        );
        if let Ok(done) = self.verified.lock() {
            if let Some(result) = done.get(&key) {
                return result.clone();
            }
        }
        let result = crl.verify(issuer);
        if let Ok(mut done) = self.verified.lock() {
            done.insert(key, result.clone());
        }
        result
    }

    fn remember(&self, url: &str, result: Result<Arc<crl::Crl>, String>) {
        if let Ok(mut memory) = self.fetched.lock() {
            memory.insert(url.to_string(), result);
        }
    }
}
