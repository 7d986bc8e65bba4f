//! CRL benchmark: a 500,000-entry CRL (rcgen, one P-256 CA), timed parse,
//! verify and 1,000,000 lookups (half hits, half misses). Measures only;
//! writes nothing. Run: `cargo run --release --example crl_bench`.
use std::hint::black_box;
use std::time::Instant;

use pkiaudit::audit::revocation::crl::Crl;
use pkiaudit::model::Certificate;
use rcgen::{
    BasicConstraints, CertificateParams, CertificateRevocationListParams, DnType, IsCa, Issuer,
    KeyIdMethod, KeyPair, KeyUsagePurpose, RevocationReason, RevokedCertParams, SerialNumber,
};

const ENTRIES: u64 = 500_000;
const LOOKUPS: u64 = 1_000_000;

/// 16-octet serials like real CAs use; the top bit is set on some so DER
/// needs a sign octet.
fn serial(i: u64) -> Vec<u8> {
    let mut s = Vec::with_capacity(16);
    s.extend_from_slice(&(i.wrapping_mul(0x9E37_79B9_7F4A_7C15)).to_be_bytes());
    s.extend_from_slice(&i.to_be_bytes());
    s
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
    let mut params = CertificateParams::default();
    params
        .distinguished_name
        .push(DnType::CommonName, "Bench Issuing CA");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_cert = params.self_signed(&key)?;
    let ca = Certificate::from_der(ca_cert.der()).map_err(|e| e.0)?;

    let t = Instant::now();
    let revoked_certs = (0..ENTRIES)
        .map(|i| RevokedCertParams {
            serial_number: SerialNumber::from_slice(&serial(i)),
            revocation_time: rcgen::date_time_ymd(2026, 1, 1),
            reason_code: match i % 4 {
                0 => None,
                1 => Some(RevocationReason::KeyCompromise),
                2 => Some(RevocationReason::Superseded),
                _ => Some(RevocationReason::CessationOfOperation),
            },
            invalidity_date: None,
        })
        .collect();
    let crl_params = CertificateRevocationListParams {
        this_update: rcgen::date_time_ymd(2026, 2, 1),
        next_update: rcgen::date_time_ymd(2026, 2, 8),
        crl_number: SerialNumber::from(1u64),
        issuing_distribution_point: None,
        revoked_certs,
        key_identifier_method: KeyIdMethod::Sha256,
    };
    let der = crl_params
        .signed_by(&Issuer::from_params(&params, &key))?
        .der()
        .to_vec();
    println!(
        "generated {ENTRIES} entries, {:.1} MiB DER, in {:.2?} (rcgen, not pkiaudit)",
        der.len() as f64 / (1024.0 * 1024.0),
        t.elapsed()
    );

    let t = Instant::now();
    let crl = Crl::from_der(&der, "bench.crl")?;
    let parse = t.elapsed();
    let t = Instant::now();
    crl.verify(&ca)?;
    let verify = t.elapsed();
    println!(
        "parse + map: {parse:.2?} ({} entries, {} distinct); verify: {verify:.2?}",
        crl.entries,
        crl.distinct_serials()
    );

    // Hits use the DER INTEGER form a certificate would carry (sign octet
    // included); misses are serials just past the listed range.
    let queries: Vec<Vec<u8>> = (0..LOOKUPS)
        .map(|n| {
            let i = n / 2;
            let mut s = serial(if n % 2 == 0 { i % ENTRIES } else { ENTRIES + i });
            if s.first().is_some_and(|b| b & 0x80 != 0) {
                s.insert(0, 0);
            }
            s
        })
        .collect();
    let t = Instant::now();
    let mut hits = 0u64;
    for q in &queries {
        if black_box(crl.lookup(q)).is_some() {
            hits += 1;
        }
    }
    let lookups = t.elapsed();
    println!(
        "{LOOKUPS} lookups: {lookups:.2?} ({:.0} ns each), {hits} hits, {} misses",
        lookups.as_nanos() as f64 / LOOKUPS as f64,
        LOOKUPS - hits
    );
    if hits != LOOKUPS / 2 {
        return Err(format!("expected {} hits, got {hits}", LOOKUPS / 2).into());
    }
    Ok(())
}
