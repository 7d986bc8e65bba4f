//! The least any sweep built on this project's parsing and crypto crates
//! must spend on one leaf, stage by stage, on one core: read the file,
//! decode its PEM blocks (the bare minimum: markers and base64), hash the bundled CA (to find it among those
//! already parsed), parse the leaf with x509-parser, parse it again with
//! rustls-webpki (the second opinion), and verify its signature with ring.
//! No audit, no model, no output: a ceiling for `bench/scale.sh`'s
//! one-core rate, measured on the same inventory.
//!
//! ```sh
//! cargo run --release --example sweep_floor -- DIR/leaves
//! ```
//!
//! Each stage runs over every leaf before the next, and each is timed
//! three times; the best of three is printed (µs per leaf).

use std::path::PathBuf;
use std::time::Instant;

use x509_parser::prelude::{FromDer, X509Certificate};

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: sweep_floor DIR_OF_LEAF_FILES");
        std::process::exit(2);
    };
    let mut paths: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries.flatten().map(|e| e.path()).collect(),
        Err(e) => {
            eprintln!("sweep_floor: cannot read {dir}: {e}");
            std::process::exit(2);
        }
    };
    paths.sort();
    let n = paths.len();
    if n == 0 {
        eprintln!("sweep_floor: no files in {dir}");
        std::process::exit(2);
    }
    let best = |f: &mut dyn FnMut() -> usize| -> f64 {
        let mut best = f64::MAX;
        for _ in 0..3 {
            let t = Instant::now();
            // A planted broken chain fails its verification: it still
            // costs one.
            std::hint::black_box(f());
            best = best.min(t.elapsed().as_secs_f64() * 1e6 / n as f64);
        }
        best
    };
    let mut rows: Vec<(&str, f64)> = Vec::new();

    let mut files = Vec::new();
    rows.push((
        "open and read the file",
        best(&mut || {
            files = paths.iter().filter_map(|p| std::fs::read(p).ok()).collect();
            files.len()
        }),
    ));
    let mut ders: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
    rows.push((
        "decode its PEM blocks (leaf, CA)",
        best(&mut || {
            ders = files
                .iter()
                .filter_map(|f| {
                    let mut blocks = pem_bodies(f).into_iter();
                    Some((blocks.next()?, blocks.next()?))
                })
                .collect();
            ders.len()
        }),
    ));
    rows.push((
        "SHA-256 of the bundled CA (cache key)",
        best(&mut || {
            ders.iter()
                .filter(|(_, ca)| {
                    std::hint::black_box(ring::digest::digest(&ring::digest::SHA256, ca))
                        .as_ref()
                        .len()
                        == 32
                })
                .count()
        }),
    ));
    rows.push((
        "parse the leaf (x509-parser)",
        best(&mut || {
            ders.iter()
                .filter(|(leaf, _)| X509Certificate::from_der(leaf).is_ok())
                .count()
        }),
    ));
    rows.push((
        "parse the leaf (rustls-webpki)",
        best(&mut || {
            ders.iter()
                .filter(|(leaf, _)| {
                    let der = rustls_pki_types::CertificateDer::from(leaf.as_slice());
                    webpki::EndEntityCert::try_from(&der).is_ok()
                })
                .count()
        }),
    ));
    // What the verification needs, prepared outside the timing.
    struct Signed(Vec<u8>, Vec<u8>, Vec<u8>, bool);
    let signed: Vec<Signed> = ders
        .iter()
        .filter_map(|(leaf, ca)| {
            let (_, leaf) = X509Certificate::from_der(leaf).ok()?;
            let (_, ca) = X509Certificate::from_der(ca).ok()?;
            let ecdsa = leaf.signature_algorithm.algorithm.to_id_string() == "1.2.840.10045.4.3.2";
            Some(Signed(
                ca.public_key().subject_public_key.data.to_vec(),
                leaf.tbs_certificate.as_ref().to_vec(),
                leaf.signature_value.data.to_vec(),
                ecdsa,
            ))
        })
        .collect();
    rows.push((
        "verify its signature (ring)",
        best(&mut || {
            signed
                .iter()
                .filter(|Signed(key, tbs, sig, ecdsa)| {
                    let alg: &dyn ring::signature::VerificationAlgorithm = if *ecdsa {
                        &ring::signature::ECDSA_P256_SHA256_ASN1
                    } else {
                        &ring::signature::RSA_PKCS1_2048_8192_SHA256
                    };
                    ring::signature::UnparsedPublicKey::new(alg, key)
                        .verify(tbs, sig)
                        .is_ok()
                })
                .count()
        }),
    ));
    let total: f64 = rows.iter().map(|(_, us)| us).sum();
    println!("| stage ({n} leaves, one core, best of 3) | µs per leaf |");
    println!("|---|---|");
    for (what, us) in &rows {
        println!("| {what} | {us:.1} |");
    }
    println!("| **sum: the floor** | **{total:.1}** |");
    println!(
        "| ceiling, if nothing else cost anything | {:.0} leaves/s |",
        1e6 / total
    );
}

/// The base64 bodies of a file's PEM blocks, decoded: the least a reader
/// does (no headers, no error positions).
fn pem_bodies(text: &[u8]) -> Vec<Vec<u8>> {
    use base64::Engine;
    let mut out = Vec::new();
    let mut body: Option<Vec<u8>> = None;
    for line in text.split(|b| *b == b'\n') {
        let line = line.trim_ascii();
        if line.starts_with(b"-----BEGIN ") {
            body = Some(Vec::with_capacity(text.len()));
        } else if line.starts_with(b"-----END ") {
            if let Some(b) = body.take() {
                if let Ok(der) = base64::engine::general_purpose::STANDARD.decode(&b) {
                    out.push(der);
                }
            }
        } else if let Some(b) = body.as_mut() {
            b.extend_from_slice(line);
        }
    }
    out
}
