//! Write an IPsec headend inventory for `bench/sweep-vs-openssl.sh`: one
//! root, N_INTERMEDIATES issuing CAs, N_LEAVES headend certificates spread
//! round-robin over them, and one CRL per issuing CA with CRL_ENTRIES
//! revocations, with planted problems listed in `DIR/planted.json`:
//!
//! ```sh
//! cargo run --release --example gen_sweep_inventory -- DIR N_LEAVES N_INTERMEDIATES CRL_ENTRIES BASE_URL
//! ```
//!
//! Writes:
//!
//! - `DIR/root.pem`: the trust anchor ("Sweep Bench Root", P-256),
//!   self-signed, no CDP.
//! - `DIR/intermediates/ica-K.pem`, K = 0..N_INTERMEDIATES: issuing CAs
//!   signed by the root. Each one's CRL is published at `BASE_URL/ica-K.crl`
//!   (the CDP of its leaves). The intermediate certificate itself carries
//!   the CDP `BASE_URL/root.crl`: a CA certificate's status is in its
//!   issuer's CRL, and a CDP pointing at the CRL it signs itself could never
//!   be verified.
//! - `DIR/leaves/leaf-NNNNN.pem`: leaf i is issued by ica-(i mod
//!   N_INTERMEDIATES); the file holds the leaf, then its intermediate (as a
//!   headend sends them). CN and DNS SAN `vpn-NNNNN.example.net`, EKU
//!   serverAuth, KU digitalSignature, CDP `BASE_URL/ica-K.crl`, valid
//!   2025-01-01 to 2030-01-01, a unique 16-octet serial (first octet 0x4c).
//!   Every leaf has its own fresh P-256 key: key generation is not what
//!   dominates (10,000 leaves take well under a second on 2 cores).
//! - `DIR/crl/ica-K.crl` (DER): signed by ica-K, thisUpdate 2026-05-01,
//!   nextUpdate 2026-07-01, CRL number 1, exactly
//!   max(CRL_ENTRIES, planted) entries: the planted revoked leaves of ica-K
//!   plus filler serials (first octet 0x46, never a leaf's). `DIR/crl/root.crl`:
//!   the root's CRL (empty, same dates), for the intermediates.
//! - `DIR/planted.json`: `{"expired": [...], "expiring": [...], "revoked":
//!   [...], "broken_chain": [...], "unreadable": [...]}`, file paths relative
//!   to DIR.
//!
//! Planted problems, by leaf index i (all meant for an audit at 2026-06-01):
//!
//! - i % 1000 == 0: expired (notAfter 2026-03-01);
//! - i % 1000 == 1: expiring within 7 days (notAfter 2026-06-05);
//! - i % 1000 == 2: revoked (serial in its intermediate's CRL, revoked
//!   2026-04-01, keyCompromise);
//! - i % 1000 == 3: broken chain: signed by a different key under the
//!   intermediate's name (the file still carries the real intermediate);
//! - `DIR/leaves/broken-0.pem` .. `broken-4.pem`: unreadable, five kinds of
//!   truncated PEM block (no END line, cut mid-line, BEGIN line only, base64
//!   cut short before END, DER cut short inside valid armour).
//!
//! With N_INTERMEDIATES dividing 1000 (the default 20), all planted leaves
//! of one kind fall on the same intermediate: expired on ica-0, expiring on
//! ica-1, revoked on ica-2, broken chain on ica-3.
//!
//! `GEN_KEY=rsa` makes every signature RSA-2048 (root and intermediates on
//! one fixed RSA key, leaves on another, so no key generation dominates:
//! what a sweep pays for is verifying the signatures); the default is
//! ECDSA P-256 everywhere.

#[path = "../tests/it/common/testkit.rs"]
mod testkit;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use rcgen::{
    CertificateRevocationListParams, ExtendedKeyUsagePurpose as E, Issuer, KeyIdMethod,
    KeyUsagePurpose as K, RevocationReason, RevokedCertParams, SerialNumber,
};
use testkit::{pem_block, ymd, CertSpec, Issued, Key};

const USAGE: &str = "usage: gen_sweep_inventory DIR N_LEAVES N_INTERMEDIATES CRL_ENTRIES BASE_URL";

/// What is planted in a leaf, by its index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plant {
    None,
    Expired,
    Expiring,
    Revoked,
    BrokenChain,
}

fn plant(i: u64) -> Plant {
    match i % 1000 {
        0 => Plant::Expired,
        1 => Plant::Expiring,
        2 => Plant::Revoked,
        3 => Plant::BrokenChain,
        _ => Plant::None,
    }
}

/// A 16-octet serial: a tag octet (top bit clear, so no sign octet), seven
/// mixed octets, then the index. Leaves use tag 0x4c, CRL fillers 0x46, so
/// the two ranges never meet.
fn serial(tag: u8, i: u64) -> Vec<u8> {
    let mut s = Vec::with_capacity(16);
    s.push(tag);
    s.extend_from_slice(&i.wrapping_mul(0x9E37_79B9_7F4A_7C15).to_be_bytes()[..7]);
    s.extend_from_slice(&i.to_be_bytes());
    s
}

fn leaf_serial(i: u64) -> Vec<u8> {
    serial(0x4c, i)
}

fn leaf_file(i: u64) -> String {
    format!("leaves/leaf-{i:05}.pem")
}

fn write(path: &str, contents: impl AsRef<[u8]>) {
    std::fs::write(path, contents).unwrap_or_else(|e| panic!("write {path}: {e}"));
}

/// The CRL of `signer` with the `planted` serials revoked among fillers
/// (`entries` in all, at least the planted ones).
fn crl(signer: &Issued, filler_base: u64, entries: u64, planted: &[Vec<u8>]) -> Vec<u8> {
    let fillers = entries.saturating_sub(planted.len() as u64);
    let reasons = [
        None,
        Some(RevocationReason::KeyCompromise),
        Some(RevocationReason::Superseded),
        Some(RevocationReason::CessationOfOperation),
    ];
    let revoked_certs = (0..fillers)
        .map(|j| RevokedCertParams {
            serial_number: SerialNumber::from_slice(&serial(0x46, filler_base + j)),
            revocation_time: ymd((2025, 6, 1)),
            reason_code: reasons[(j % 4) as usize],
            invalidity_date: None,
        })
        .chain(planted.iter().map(|s| RevokedCertParams {
            serial_number: SerialNumber::from_slice(s),
            revocation_time: ymd((2026, 4, 1)),
            reason_code: Some(RevocationReason::KeyCompromise),
            invalidity_date: None,
        }))
        .collect();
    CertificateRevocationListParams {
        this_update: ymd((2026, 5, 1)),
        next_update: ymd((2026, 7, 1)),
        crl_number: SerialNumber::from(1u64),
        issuing_distribution_point: None,
        revoked_certs,
        key_identifier_method: KeyIdMethod::Sha256,
    }
    .signed_by(&Issuer::from_params(&signer.params, &signer.key))
    .expect("CRL")
    .der()
    .to_vec()
}

/// Five kinds of truncated PEM block, cut from a real leaf.
fn truncated(k: usize, leaf: &Issued) -> String {
    let pem = leaf.pem();
    let lines: Vec<&str> = pem.lines().collect();
    let body = &lines[1..lines.len() - 1];
    match k % 5 {
        // no END line
        0 => format!("{}\n{}\n", lines[0], body[..body.len() / 2].join("\n")),
        // cut in the middle of a base64 line
        1 => {
            let text = format!("{}\n{}", lines[0], body.join("\n"));
            text[..text.len() * 2 / 3 + 5].to_string()
        }
        // BEGIN line only
        2 => format!("{}\n", lines[0]),
        // base64 cut short, END line present
        3 => format!(
            "{}\n{}\n{}\n",
            lines[0],
            body[..body.len() - 2].join("\n"),
            lines[lines.len() - 1]
        ),
        // valid armour around a DER certificate cut in half
        _ => {
            let der = leaf.der();
            pem_block("CERTIFICATE", &der[..der.len() / 2])
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, n_leaves, n_ica, entries, base] = args.as_slice() else {
        eprintln!("{USAGE}");
        std::process::exit(2);
    };
    let num = |s: &str, what: &str| -> u64 {
        s.parse()
            .unwrap_or_else(|_| panic!("{what}: not a number: {s}\n{USAGE}"))
    };
    let n_leaves = num(n_leaves, "N_LEAVES");
    let n_ica = num(n_ica, "N_INTERMEDIATES");
    let entries = num(entries, "CRL_ENTRIES");
    assert!(n_ica > 0, "N_INTERMEDIATES must be at least 1");
    let base = base.trim_end_matches('/');
    let started = Instant::now();

    for sub in ["intermediates", "leaves", "crl"] {
        std::fs::create_dir_all(format!("{dir}/{sub}"))
            .unwrap_or_else(|e| panic!("mkdir {dir}/{sub}: {e}"));
    }
    let rsa = match std::env::var("GEN_KEY").as_deref() {
        Ok("rsa") => true,
        Ok("p256") | Err(_) => false,
        Ok(other) => panic!("GEN_KEY: '{other}' is not rsa or p256"),
    };
    let (ca_key, leaf_key) = if rsa {
        (Key::RsaCa, Key::Rsa)
    } else {
        (Key::P256, Key::P256)
    };
    let root = Issued::self_signed(
        CertSpec::ca("Sweep Bench Root")
            .org(Some("Sweep Bench"))
            .key(ca_key),
    );
    write(&format!("{dir}/root.pem"), root.pem());
    write(&format!("{dir}/crl/root.crl"), crl(&root, 0, 0, &[]));

    let icas: Vec<Issued> = (0..n_ica)
        .map(|k| {
            let ica = root.issue(
                CertSpec::ca(&format!("Sweep Bench ICA {k}"))
                    .org(Some("Sweep Bench"))
                    .key(ca_key)
                    .serial(&serial(0x43, k))
                    .cdp(&format!("{base}/root.crl")),
            );
            write(&format!("{dir}/intermediates/ica-{k}.pem"), ica.pem());
            ica
        })
        .collect();

    // One intermediate (its leaves, then its CRL) per task, on all cores.
    let next = AtomicUsize::new(0);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let crl_bytes = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let k = next.fetch_add(1, Ordering::Relaxed) as u64;
                if k >= n_ica {
                    break;
                }
                let ica = &icas[k as usize];
                // Same name as the intermediate, another key.
                let rogue_key = leaf_key.generate();
                let rogue = Issued {
                    cert: ica.params.self_signed(&rogue_key).expect("rogue CA"),
                    params: ica.params.clone(),
                    key: rogue_key,
                };
                let mut revoked = Vec::new();
                for i in (k..n_leaves).step_by(n_ica as usize) {
                    let name = format!("vpn-{i:05}.example.net");
                    let p = plant(i);
                    let not_after = match p {
                        Plant::Expired => ymd((2026, 3, 1)),
                        Plant::Expiring => ymd((2026, 6, 5)),
                        _ => ymd((2030, 1, 1)),
                    };
                    let spec = CertSpec::leaf(&name)
                        .key(leaf_key)
                        .org(Some("Sweep Bench"))
                        .san_dns(&[&name])
                        .serial(&leaf_serial(i))
                        .ku(&[K::DigitalSignature])
                        .eku(&[E::ServerAuth])
                        .cdp(&format!("{base}/ica-{k}.crl"))
                        .valid(ymd((2025, 1, 1)), not_after);
                    let leaf = if p == Plant::BrokenChain {
                        rogue.issue(spec)
                    } else {
                        ica.issue(spec)
                    };
                    if p == Plant::Revoked {
                        revoked.push(leaf_serial(i));
                    }
                    write(
                        &format!("{dir}/{}", leaf_file(i)),
                        format!("{}{}", leaf.pem(), ica.pem()),
                    );
                }
                let der = crl(ica, k << 32, entries, &revoked);
                crl_bytes.fetch_add(der.len(), Ordering::Relaxed);
                write(&format!("{dir}/crl/ica-{k}.crl"), der);
            });
        }
    });

    let unreadable: Vec<String> = (0..5)
        .map(|k| {
            let leaf = icas[0]
                .issue(CertSpec::leaf(&format!("broken-{k}.example.net")).org(Some("Sweep Bench")));
            let file = format!("leaves/broken-{k}.pem");
            write(&format!("{dir}/{file}"), truncated(k, &leaf));
            file
        })
        .collect();
    let of = |kind: Plant| -> Vec<String> {
        (0..n_leaves)
            .filter(|&i| plant(i) == kind)
            .map(leaf_file)
            .collect()
    };
    let planted = serde_json::json!({
        "expired": of(Plant::Expired),
        "expiring": of(Plant::Expiring),
        "revoked": of(Plant::Revoked),
        "broken_chain": of(Plant::BrokenChain),
        "unreadable": unreadable,
    });
    write(
        &format!("{dir}/planted.json"),
        serde_json::to_string_pretty(&planted).expect("json") + "\n",
    );
    let count = |key: &str| planted[key].as_array().map_or(0, Vec::len);
    println!(
        "{dir}: root, {n_ica} intermediates, {n_leaves} leaves + 5 unreadable, \
         {n_ica} CRLs of {entries} entries each ({:.1} MB), planted {} expired / \
         {} expiring / {} revoked / {} broken-chain, in {:.2} s ({threads} threads)",
        crl_bytes.load(Ordering::Relaxed) as f64 / 1e6,
        count("expired"),
        count("expiring"),
        count("revoked"),
        count("broken_chain"),
        started.elapsed().as_secs_f64(),
    );
}
