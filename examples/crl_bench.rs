//! CRL benchmark: a CRL of 500,000 entries (or the count given as the first
//! argument) from rcgen with one P-256 CA; times parse, verify and
//! 1,000,000 lookups (half hits, half misses), and reads the resident
//! memory (Linux `/proc/self/status` VmRSS/VmHWM) before and after parsing,
//! at the parse peak, and after `Crl::release_der` (the lookups run on the
//! released CRL). Measures only; writes nothing (except resetting this
//! process's own peak-RSS counter). Run:
//! `cargo run --release --example crl_bench [entries]`.
use std::hint::black_box;
use std::time::Instant;

use pkiaudit::model::Certificate;
use pkiaudit::revocation::crl::Crl;
use rcgen::{
    BasicConstraints, CertificateParams, CertificateRevocationListParams, DnType, IsCa, Issuer,
    KeyIdMethod, KeyPair, KeyUsagePurpose, RevocationReason, RevokedCertParams, SerialNumber,
};

/// Entries in the CRL unless the first argument says otherwise.
const DEFAULT_ENTRIES: u64 = 500_000;
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
    let entries: u64 = match std::env::args().nth(1) {
        Some(n) => n.parse().map_err(|e| format!("entries {n:?}: {e}"))?,
        None => DEFAULT_ENTRIES,
    };
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
    let revoked_certs = (0..entries)
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
    // Only the DER stays: the generated RevokedCertParams would otherwise sit
    // in the "before parse" figure.
    drop(crl_params);
    println!(
        "generated {entries} entries, {:.1} MiB DER, in {:.2?} (rcgen, not pkiaudit)",
        der.len() as f64 / (1024.0 * 1024.0),
        t.elapsed()
    );

    // The generator's temporaries are freed but glibc may keep the pages:
    // hand them back so the figures below are the CRL's, not rcgen's.
    release_free_memory();
    let before = Mem::read();
    let peak_reset = reset_peak();
    let t = Instant::now();
    let mut crl = Crl::from_der(&der, "bench.crl")?;
    let parse = t.elapsed();
    let peak = Mem::read();
    // Whatever the parse freed (the CRL's header as x509-parser read it,
    // one entry at a time): return its pages too so VmRSS is the steady
    // state of the parsed CRL.
    release_free_memory();
    let after = Mem::read();
    let t = Instant::now();
    crl.verify(&ca)?;
    let verify = t.elapsed();
    // Verified: the DER is no longer needed for lookups.
    crl.release_der();
    release_free_memory();
    let released = Mem::read();
    if crl.has_der() || crl.verify_signature(&ca).is_ok() {
        return Err("verify_signature must fail once the DER is released".into());
    }
    crl.check_issuer(&ca)?;
    println!(
        "parse + map: {parse:.2?} ({} entries, {} distinct); verify: {verify:.2?}",
        crl.entries,
        crl.distinct_serials()
    );

    if let (Some(b), Some(p), Some(a), Some(r)) = (before, peak, after, released) {
        let per = |bytes: u64| bytes as f64 / entries as f64;
        let kept = a.rss.saturating_sub(b.rss);
        let model = kept.saturating_sub(der.len() as u64);
        println!(
            "RSS: before parse {} MiB, after parse {} MiB, peak {} MiB{}",
            mib(b.rss),
            mib(a.rss),
            mib(p.hwm),
            if peak_reset {
                ""
            } else {
                " (peak not reset: includes generation)"
            }
        );
        println!(
            "  kept by the CRL: {} MiB = {:.1} B/entry (DER copy {:.1} B/entry + lookup model {:.1} B/entry); parse peak +{} MiB = {:.1} B/entry",
            mib(kept),
            per(kept),
            per(der.len() as u64),
            per(model),
            mib(p.hwm.saturating_sub(b.rss)),
            per(p.hwm.saturating_sub(b.rss))
        );
        let without = r.rss.saturating_sub(b.rss);
        println!(
            "  after release_der(): kept {} MiB = {:.1} B/entry (lookup model only); 20 CRLs of this size: {:.0} MiB with DER, {:.0} MiB without",
            mib(without),
            per(without),
            20.0 * kept as f64 / (1024.0 * 1024.0),
            20.0 * without as f64 / (1024.0 * 1024.0)
        );
    } else {
        println!("RSS: /proc/self/status not readable on this system");
    }

    // Hits use the DER INTEGER form a certificate would carry (sign octet
    // included); misses are serials just past the listed range. The CRL's
    // DER is released: lookups do not need it.
    let queries: Vec<Vec<u8>> = (0..LOOKUPS)
        .map(|n| {
            let i = n / 2;
            let mut s = serial(if n % 2 == 0 { i % entries } else { entries + i });
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

/// VmRSS and VmHWM (peak) of this process, in bytes.
#[derive(Debug, Clone, Copy)]
struct Mem {
    rss: u64,
    hwm: u64,
}

impl Mem {
    fn read() -> Option<Mem> {
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        let field = |name: &str| -> Option<u64> {
            let line = status.lines().find(|l| l.starts_with(name))?;
            let kib: u64 = line[name.len()..]
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse()
                .ok()?;
            Some(kib * 1024)
        };
        Some(Mem {
            rss: field("VmRSS:")?,
            hwm: field("VmHWM:")?,
        })
    }
}

fn mib(bytes: u64) -> String {
    format!("{:.1}", bytes as f64 / (1024.0 * 1024.0))
}

/// Reset VmHWM to the current RSS (Linux: `5` in /proc/self/clear_refs).
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// Return freed heap pages to the kernel (glibc keeps them otherwise, and
/// VmRSS would count memory that is free).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn release_free_memory() {
    extern "C" {
        fn malloc_trim(pad: usize) -> i32;
    }
    // SAFETY: glibc's malloc_trim takes a size and only releases free
    // memory; it has no preconditions.
    unsafe {
        malloc_trim(0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn release_free_memory() {}
