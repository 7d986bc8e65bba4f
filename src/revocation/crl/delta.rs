//! Applying a delta CRL to its base (RFC 5280 §5.2.4, §6.3.3 (c)).

use super::{cmp_magnitude, same_name, Crl, Reason, Revoked};

/// Base + delta (RFC 5280 §5.2.4, §5.3.1 removeFromCRL): the status of a
/// serial. `Ok(None)` is "not revoked"; an entry whose reason is
/// certificateHold is "revoked (on hold)" ([`Revoked::on_hold`]).
///
/// The delta must carry a Delta CRL Indicator, have the same issuer, and fit
/// the base: BaseCRLNumber <= base CRL number < delta CRL number. An entry
/// with removeFromCRL in the delta un-revokes (un-holds) a base entry.
/// Signatures and freshness are not checked here: call [`Crl::verify`] and
/// [`Crl::freshness`] on both.
pub fn status_with_delta(
    base: &Crl,
    delta: Option<&Crl>,
    serial_raw: &[u8],
) -> Result<Option<Revoked>, String> {
    status_for(base, delta, &base.issuer_raw, serial_raw)
}

/// [`status_with_delta`] for a certificate issued by `issuer_raw` (DER
/// name), which an indirect CRL may list under a certificateIssuer.
pub fn status_for(
    base: &Crl,
    delta: Option<&Crl>,
    issuer_raw: &[u8],
    serial_raw: &[u8],
) -> Result<Option<Revoked>, String> {
    if base.is_delta() {
        return Err(format!(
            "{} is a delta CRL (of base CRL number {}), not a complete CRL",
            base.source,
            base.delta_of.as_deref().unwrap_or("?")
        ));
    }
    if let Some(delta) = delta {
        check_delta_fits(base, delta)?;
        if let Some(entry) = delta.try_lookup_issued_by(issuer_raw, serial_raw)? {
            return Ok(match entry.reason {
                Some(Reason::RemoveFromCrl) => None,
                _ => Some(entry),
            });
        }
    }
    Ok(base
        .try_lookup_issued_by(issuer_raw, serial_raw)?
        .filter(|e| e.reason != Some(Reason::RemoveFromCrl)))
}

/// Whether `delta` is a delta CRL that may be applied to `base` (RFC 5280
/// §5.2.4, §6.3.3 (c)): same issuer, same Issuing Distribution Point, same
/// authority key identifier, BaseCRLNumber <= base CRL number < delta CRL
/// number. Signatures and freshness are the caller's.
pub fn check_delta_fits(base: &Crl, delta: &Crl) -> Result<(), String> {
    let delta_of = delta.delta_of_raw.as_deref().ok_or_else(|| {
        format!(
            "{} has no Delta CRL Indicator, so it is not a delta CRL",
            delta.source
        )
    })?;
    if !same_name(&delta.issuer_raw, &base.issuer_raw) {
        return Err(format!(
            "delta CRL issuer \"{}\" differs from the base CRL issuer \"{}\"",
            delta.issuer_text, base.issuer_text
        ));
    }
    let base_number = base.crl_number_raw.as_deref().ok_or_else(|| {
        format!(
            "base CRL {} has no CRL Number, so no delta can be matched to it (§5.2.4)",
            base.source
        )
    })?;
    let delta_number = delta.crl_number_raw.as_deref().ok_or_else(|| {
        format!(
            "delta CRL {} has no CRL Number (required, §5.2.4)",
            delta.source
        )
    })?;
    let base_hex = base.crl_number.as_deref().unwrap_or("?");
    let delta_of_hex = delta.delta_of.as_deref().unwrap_or("?");
    if cmp_magnitude(delta_of, base_number).is_gt() {
        return Err(format!(
            "delta CRL {} applies to base CRL number {delta_of_hex} or later, but the base CRL {} is number {base_hex}",
            delta.source, base.source
        ));
    }
    if cmp_magnitude(delta_number, base_number).is_le() {
        return Err(format!(
            "delta CRL {} (number {}) is not newer than the base CRL {} (number {base_hex})",
            delta.source,
            delta.crl_number.as_deref().unwrap_or("?"),
            base.source
        ));
    }
    // §6.3.3 (c)(2): the same Issuing Distribution Point, or none on both.
    if delta.scope != base.scope {
        return Err(format!(
            "delta CRL {} and base CRL {} have different Issuing Distribution Points",
            delta.source, base.source
        ));
    }
    // §6.3.3 (c)(3): the same authority key identifier.
    if let (Some(d), Some(b)) = (&delta.authority_key_id, &base.authority_key_id) {
        if d != b {
            return Err(format!(
                "delta CRL {} has authority key id {d}, the base CRL {} has {b}",
                delta.source, base.source
            ));
        }
    }
    Ok(())
}
