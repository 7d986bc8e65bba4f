//! CRLs as a revocation source, as RFC 5280 §6.3 uses them: the
//! distribution points of a certificate, the CRLs in its scope, reasons
//! collected until covered, delta CRLs that fit their base, and who may
//! sign a CRL.

use super::*;

impl Revocation {
    /// Parse a fetched or cached CRL (keeping `bytes`, no copy), at most
    /// [`MAX_PARSES`] at a time (see there).
    pub(super) fn parse_crl(
        &self,
        bytes: Vec<u8>,
        source: &str,
    ) -> Result<crl::Crl, crl::CrlError> {
        let _slot = self.parsing.acquire();
        crl::Crl::read(bytes, source, crl::Read::Indexed)
    }

    /// Check a freshly fetched CRL's signature now with every key that may
    /// have signed it (the known certificates of its issuer's name with
    /// cRLSign: one or two keys, the CA's and a rolled-over or CRL-signing
    /// one), each result kept in the signature memo, and once one verifies,
    /// release its bytes: a sweep holds twenty 100,000-entry CRLs at ~50
    /// bytes per entry instead of ~95. A key not known yet would need the
    /// bytes again and gets "fetch it again" (not seen in practice).
    /// Returns the keys (SPKI SHA-256) that verified it.
    pub(super) fn verify_and_release(
        &self,
        crl: &mut crl::Crl,
        ctx: &CrlContext<'_>,
    ) -> Vec<String> {
        let mut verified = Vec::new();
        for key in self.signing_keys(crl, ctx) {
            if self.signature_once(crl, key).is_ok() {
                verified.push(key.spki_sha256.clone());
            }
        }
        if !verified.is_empty() {
            crl.release_der();
        }
        verified
    }

    /// The keys [`Revocation::verify_and_release`] checks `crl` with: one
    /// certificate of each distinct key among its candidates that may
    /// sign CRLs.
    pub(super) fn signing_keys<'c>(
        &self,
        crl: &crl::Crl,
        ctx: &CrlContext<'c>,
    ) -> Vec<&'c Certificate> {
        let mut keys: Vec<&Certificate> = Vec::new();
        for candidate in self.candidates(crl, ctx) {
            if keys.iter().any(|k| k.spki_sha256 == candidate.spki_sha256)
                || !may_sign_crls(candidate)
            {
                continue;
            }
            keys.push(candidate);
        }
        keys
    }

    /// The CRLs of `sources`, each used as RFC 5280 §6.3.3 says (see
    /// [`Revocation::answer`]), until one is definite.
    pub(super) fn by_crl(
        &self,
        ctx: &CrlContext<'_>,
        sources: Sources,
        coverage: &mut Coverage,
        attempts: &mut Vec<Attempt>,
    ) -> Option<RevocationStatus> {
        let cert = ctx.cert;
        match sources {
            Sources::Local => {
                // CRLs of other issuers (a run may be given the CRLs of
                // several CAs) are not this certificate's, and not named.
                let issuers: Vec<&[u8]> = std::iter::once(cert.issuer.raw.as_slice())
                    .chain(cert.distribution_points.iter().flat_map(|dp| {
                        dp.crl_issuer.iter().filter_map(|n| match n {
                            crate::model::DpName::DirectoryName { der, .. } => Some(der.as_slice()),
                            _ => None,
                        })
                    }))
                    .collect();
                let relevant =
                    |c: &&Arc<crl::Crl>| issuers.iter().any(|i| same_name(i, &c.issuer_raw));
                for crl in self.crls.iter().filter(relevant).filter(|c| !c.is_delta()) {
                    let status = self.answer(&crl.source, crl, ctx, sources, coverage, attempts);
                    if status.is_some() {
                        return status;
                    }
                }
                // A delta given without a base it could be applied to.
                for delta in self.crls.iter().filter(relevant).filter(|c| c.is_delta()) {
                    if !coverage.deltas_seen.contains(&delta.source) {
                        attempts.push(Attempt {
                            source: delta.source.clone(),
                            outcome: format!(
                                "a delta CRL (of base CRL number {}), not a complete CRL: no usable base CRL it could be applied to",
                                delta.delta_of.as_deref().unwrap_or("?")
                            ),
                        });
                    }
                }
            }
            Sources::LocalImplied => {
                for crl in std::mem::take(&mut coverage.out_of_scope) {
                    let status = self.answer(&crl.source, &crl, ctx, sources, coverage, attempts);
                    if status.is_some() {
                        return status;
                    }
                }
            }
            Sources::Published => {
                for url in &cert.crl_distribution_points {
                    if !fetchable(url) {
                        attempts.push(Attempt {
                            source: url.clone(),
                            outcome: "not fetched (only http://, https:// and ldap:// distribution points)"
                                .into(),
                        });
                        continue;
                    }
                    match self.fetch(url, ctx, attempts) {
                        Ok(crl) => {
                            let status = self.answer(url, &crl, ctx, sources, coverage, attempts);
                            if status.is_some() {
                                return status;
                            }
                        }
                        Err(e) => attempts.push(Attempt {
                            source: url.clone(),
                            outcome: e,
                        }),
                    }
                }
            }
        }
        None
    }

    /// The distribution points a CRL from `sources` is judged against:
    /// the certificate's, or the implied one of RFC 5280 §6.3 (the
    /// certificate's issuer name, no reasons, no cRLIssuer) for `--crl`
    /// files when it has none, or once its own gave no answer.
    pub(super) fn distribution_points(
        ctx: &CrlContext<'_>,
        sources: Sources,
    ) -> Vec<(crate::model::DistributionPoint, bool)> {
        let cert = ctx.cert;
        let implied = || {
            (
                crate::model::DistributionPoint {
                    names: Some(vec![crate::model::DpName::directory(&cert.issuer.raw)]),
                    reasons: None,
                    crl_issuer: Vec::new(),
                },
                true,
            )
        };
        match sources {
            Sources::Local if cert.distribution_points.is_empty() => vec![implied()],
            Sources::LocalImplied => vec![implied()],
            _ => cert
                .distribution_points
                .iter()
                .map(|dp| (dp.clone(), false))
                .collect(),
        }
    }

    /// What one complete CRL says about `ctx.cert` (RFC 5280 §6.3.3): out
    /// of scope, not trusted, stale, or its delta missing: no answer (the
    /// attempt says why); listed: revoked; not listed: its reasons are
    /// covered, and once every reason is, good.
    pub(super) fn answer(
        &self,
        source: &str,
        crl: &crl::Crl,
        ctx: &CrlContext<'_>,
        sources: Sources,
        coverage: &mut Coverage,
        attempts: &mut Vec<Attempt>,
    ) -> Option<RevocationStatus> {
        let CrlContext { cert, at, .. } = *ctx;
        let attempt = |attempts: &mut Vec<Attempt>, outcome: String| {
            attempts.push(Attempt {
                source: source.to_string(),
                outcome,
            })
        };
        if crl.is_delta() {
            attempt(
                attempts,
                format!(
                    "a delta CRL (of base CRL number {}), not a complete CRL: used only with a base CRL it fits",
                    crl.delta_of.as_deref().unwrap_or("?")
                ),
            );
            return None;
        }
        // (b), (d): in scope for at least one distribution point, with the
        // reasons it covers for them.
        let mut interim = 0;
        let mut why_not: Vec<String> = Vec::new();
        for (dp, implied) in Self::distribution_points(ctx, sources) {
            match crl.scope_for(cert, &dp, implied) {
                Ok(reasons) => interim |= reasons,
                // Out of scope for the certificate's own points too: said
                // then.
                Err(_) if sources == Sources::LocalImplied => return None,
                Err(why) => {
                    if !why_not.contains(&why) {
                        why_not.push(why);
                    }
                }
            }
        }
        if interim == 0 && why_not.is_empty() {
            attempt(
                attempts,
                "in scope, but for none of the reasons the certificate's distribution points name (RFC 5280 §6.3.3 (d))".into(),
            );
            return None;
        }
        if interim == 0 {
            if sources == Sources::Local && !cert.distribution_points.is_empty() {
                if let Some(local) = self.crls.iter().find(|c| c.source == crl.source) {
                    coverage.out_of_scope.push(local.clone());
                }
            }
            attempt(attempts, format!("out of scope: {}", why_not.join("; ")));
            return None;
        }
        // (e): a CRL that adds no reason to those covered is not needed.
        if interim & !coverage.mask == 0 {
            attempt(
                attempts,
                format!(
                    "not used: it covers the reasons [{}], already covered",
                    crl::reason_names(interim).join(", ")
                ),
            );
            return None;
        }
        // (f), (g)
        let signer = match self.crl_signer(crl, ctx) {
            Ok(s) => s,
            Err(e) => {
                attempt(attempts, format!("CRL not trusted: {e}"));
                return None;
            }
        };
        match crl.freshness(at) {
            crl::Freshness::Stale { since } => {
                attempt(
                    attempts,
                    format!("CRL stale: nextUpdate {} passed", ts(since)),
                );
                return None;
            }
            crl::Freshness::NotYetValid => {
                attempt(
                    attempts,
                    format!("CRL not yet valid: thisUpdate {}", ts(crl.this_update)),
                );
                return None;
            }
            _ => {}
        }
        // (c), (h), (j): the delta, if any.
        let delta = self.delta_for(crl, signer, ctx, coverage, attempts);
        let used = match &delta {
            Delta::Use(d) => Some(d.as_ref()),
            _ => None,
        };
        let listed = match crl::status_for(crl, used, &cert.issuer.raw, &cert.serial_raw) {
            Ok(listed) => listed,
            Err(e) => {
                attempt(attempts, format!("delta CRL not applied: {e}"));
                return None;
            }
        };
        let source = match used {
            Some(d) => format!("{source} + delta {}", d.source),
            None => source.to_string(),
        };
        let signed_by = if signer.sha256 == ctx.issuer.sha256 {
            String::new()
        } else {
            format!("; signed by \"{}\"", signer.subject.text)
        };
        // (i): revoked on the base or the delta. A revocation on the base
        // stands without its delta unless it is a hold the delta could
        // have released.
        match (listed, &delta) {
            (Some(r), Delta::Missing(why)) if r.on_hold() => {
                attempts.push(Attempt {
                    source,
                    outcome: format!(
                        "on hold (certificateHold) in the base CRL, but the delta CRL it names, which could release it, could not be had: {why}"
                    ),
                });
                None
            }
            (Some(r), _) => {
                attempts.push(Attempt {
                    source: source.clone(),
                    outcome: format!("listed{signed_by}"),
                });
                Some(RevocationStatus::Revoked {
                    source,
                    time: ts(r.time),
                    reason: r.reason.map(|x| x.as_str().to_string()),
                })
            }
            (None, Delta::Missing(why)) => {
                attempts.push(Attempt {
                    source,
                    outcome: format!(
                        "not listed in the base CRL, but the delta CRL it names could not be had ({why}), so a later revocation would not be seen"
                    ),
                });
                None
            }
            (None, _) => {
                coverage.mask |= interim;
                coverage.used.push((source.clone(), crl.this_update));
                let covers = if interim == crl::ALL_REASONS {
                    String::new()
                } else {
                    format!(
                        "; covers the reasons [{}]",
                        crl::reason_names(interim).join(", ")
                    )
                };
                attempts.push(Attempt {
                    source,
                    outcome: format!("not listed ({} entries{covers}{signed_by})", crl.entries),
                });
                if coverage.mask & crl::ALL_REASONS != crl::ALL_REASONS {
                    return None;
                }
                // (k): every reason covered.
                Some(RevocationStatus::Good {
                    source: coverage
                        .used
                        .iter()
                        .map(|(s, _)| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    this_update: coverage
                        .used
                        .iter()
                        .map(|(_, t)| *t)
                        .min()
                        .map(ts)
                        .unwrap_or_default(),
                })
            }
        }
    }

    /// The delta CRL for `base` (signed by `signer`), RFC 5280 §5.2.4 and
    /// §6.3.3 (c): the newest that fits, of the `--crl` deltas and the
    /// ones the base's Freshest CRL (§5.2.6) and the certificate's
    /// (§4.2.1.15) name, fetched. A named delta that cannot be had is
    /// [`Delta::Missing`] unless another fitting one is at hand.
    pub(super) fn delta_for(
        &self,
        base: &crl::Crl,
        signer: &Certificate,
        ctx: &CrlContext<'_>,
        coverage: &mut Coverage,
        attempts: &mut Vec<Attempt>,
    ) -> Delta {
        let mut usable: Vec<Arc<crl::Crl>> = Vec::new();
        for d in self
            .crls
            .iter()
            .filter(|d| d.is_delta() && same_name(&d.issuer_raw, &base.issuer_raw))
        {
            coverage.deltas_seen.push(d.source.clone());
            match self.delta_fits(base, d, signer, ctx) {
                Ok(()) => usable.push(d.clone()),
                Err(e) => attempts.push(Attempt {
                    source: d.source.clone(),
                    outcome: format!("delta CRL not used with {}: {e}", base.source),
                }),
            }
        }
        let mut named: Vec<String> = base.freshest.clone();
        for dp in &ctx.cert.freshest_crl {
            for name in dp.names.iter().flatten() {
                let location = name.to_string();
                if !named.contains(&location) {
                    named.push(location);
                }
            }
        }
        let mut missing = Vec::new();
        for url in &named {
            let why = if !fetchable(url) {
                "not fetched (only http://, https:// and ldap:// delta locations)".to_string()
            } else {
                match self.fetch(url, ctx, attempts) {
                    Err(e) => e,
                    Ok(d) => match self.delta_fits(base, &d, signer, ctx) {
                        Ok(()) => {
                            usable.push(d);
                            // The other names are other places of the
                            // same delta (§4.2.1.13, as AD CS publishes
                            // ldap:// and http://).
                            break;
                        }
                        Err(e) => format!("delta CRL not used: {e}"),
                    },
                }
            };
            attempts.push(Attempt {
                source: url.clone(),
                outcome: why.clone(),
            });
            missing.push(format!("{url}: {why}"));
        }
        match usable.into_iter().max_by(|a, b| a.cmp_number(b)) {
            Some(d) => Delta::Use(d),
            None if missing.is_empty() => Delta::None,
            None => Delta::Missing(missing.join("; ")),
        }
    }

    /// Whether `delta` may be applied to `base`, signed by `signer`: it
    /// fits (same issuer and Issuing Distribution Point, numbers, §5.2.4,
    /// §6.3.3 (c)), has nothing this code cannot honour, is signed by the
    /// same key ((h), (j)) and is fresh.
    pub(super) fn delta_fits(
        &self,
        base: &crl::Crl,
        delta: &crl::Crl,
        signer: &Certificate,
        ctx: &CrlContext<'_>,
    ) -> Result<(), String> {
        crl::check_delta_fits(base, delta)?;
        if !delta.unsupported.is_empty() {
            return Err(format!(
                "it cannot be used: {}",
                delta.unsupported.join("; ")
            ));
        }
        self.signature_once(delta, signer)
            .map_err(|e| format!("not signed by the key that signed the base CRL: {e}"))?;
        match delta.freshness(ctx.at) {
            crl::Freshness::Stale { since } => {
                Err(format!("delta CRL stale: nextUpdate {} passed", ts(since)))
            }
            crl::Freshness::NotYetValid => Err(format!(
                "delta CRL not yet valid: thisUpdate {}",
                ts(delta.this_update)
            )),
            _ => Ok(()),
        }
    }

    /// The certificates that may have signed `crl` (their subject is its
    /// issuer), the ones its authority key identifier names first, then
    /// the certificate's issuer, then by fingerprint (a stable order).
    pub(super) fn candidates<'c>(
        &self,
        crl: &crl::Crl,
        ctx: &CrlContext<'c>,
    ) -> Vec<&'c Certificate> {
        let mut found: Vec<&Certificate> = Vec::new();
        for c in ctx
            .signers
            .known
            .iter()
            .copied()
            .chain(std::iter::once(ctx.issuer))
        {
            if c.subject.matches_der(&crl.issuer_raw, &crl.issuer_prepared)
                && !found.iter().any(|f| f.sha256 == c.sha256)
            {
                found.push(c);
            }
        }
        let named = |c: &Certificate| {
            crl.authority_key_id.is_some() && c.subject_key_id == crl.authority_key_id
        };
        found.sort_by(|a, b| {
            named(b)
                .cmp(&named(a))
                .then_with(|| (b.sha256 == ctx.issuer.sha256).cmp(&(a.sha256 == ctx.issuer.sha256)))
                .then_with(|| a.sha256.cmp(&b.sha256))
        });
        found
    }

    /// Who signed `crl`, if someone who may (RFC 5280 §6.3.3 (f), (g)): a
    /// certificate of the CRL issuer's name with cRLSign (§4.2.1.3) whose
    /// key verifies the CRL and whose path validates to the trust anchor
    /// of the certificate's ([`Signers::validate`]). `Err` says why none.
    pub(super) fn crl_signer<'c>(
        &self,
        crl: &crl::Crl,
        ctx: &CrlContext<'c>,
    ) -> Result<&'c Certificate, String> {
        if !crl.unsupported.is_empty() {
            return Err(format!(
                "CRL cannot be used: {}",
                crl.unsupported.join("; ")
            ));
        }
        let candidates = self.candidates(crl, ctx);
        if candidates.is_empty() {
            return Err(format!(
                "signed by \"{}\": no certificate of that CRL issuer among the inputs, --untrusted or --trust",
                crl.issuer_text
            ));
        }
        let several = candidates.len() > 1;
        let mut why = Vec::new();
        for c in candidates {
            let who = if several {
                format!(
                    "\"{}\" (SHA-256 {})",
                    c.subject.text,
                    c.sha256.get(..16).unwrap_or(&c.sha256)
                )
            } else {
                format!("\"{}\"", c.subject.text)
            };
            if !may_sign_crls(c) {
                let usages = c
                    .key_usage
                    .map(|k| k.names().join(", "))
                    .unwrap_or_default();
                why.push(format!(
                    "{who} has Key Usage [{usages}] without cRLSign, so it may not sign CRLs"
                ));
                continue;
            }
            if let Err(e) = self.signature_once(crl, c) {
                why.push(e);
                continue;
            }
            if let Err(e) = (ctx.signers.validate)(c) {
                why.push(format!("signed with the key of {who}, but {e}"));
                continue;
            }
            return Ok(c);
        }
        Err(why.join("; "))
    }

    /// The signature of `crl` checked with `signer`'s key once per run:
    /// the result is kept by (source, thisUpdate, CRL number, DER hash,
    /// key), so a re-issued certificate with the same key needs no second
    /// check, and the CRL's bytes can be released after the first.
    pub(super) fn signature_once(
        &self,
        crl: &crl::Crl,
        signer: &Certificate,
    ) -> Result<(), String> {
        let key = Self::verified_key(crl, &signer.spki_sha256);
        if let Ok(done) = self.verified.lock() {
            if let Some(result) = done.get(&key) {
                return result.clone();
            }
        }
        let result = crl.verify_signature(signer);
        if let Ok(mut done) = self.verified.lock() {
            done.insert(key, result.clone());
        }
        result
    }

    /// The memo key of [`Revocation::signature_once`].
    pub(super) fn verified_key(crl: &crl::Crl, spki_sha256: &str) -> VerifiedKey {
        (
            crl.source.clone(),
            crl.this_update.timestamp(),
            crl.crl_number.clone(),
            crl.der_sha256().map(str::to_string),
            spki_sha256.to_string(),
        )
    }
}
