//! A realistic estate, as certificate folders really look: an AD CS-style
//! root and two issuing CAs, a site/role tree with headend bundles and
//! client certificates stored alone, and beside them the private keys,
//! CSRs, READMEs, CRL copies and `.bak` files that such folders hold,
//! renewed certificates whose old file stayed, an unreachable CRL, a FIFO
//! and one truly corrupt `.pem`.
//!
//! A sweep of it must report exactly the planted problems, each once, and
//! nothing else (issue 17).

use crate::common::{http, run, testkit};

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Output;

use rcgen::{
    CertificateRevocationListParams, ExtendedKeyUsagePurpose as E, Issuer, KeyIdMethod,
    KeyUsagePurpose as K, RevocationReason, RevokedCertParams, SerialNumber,
};
use serde_json::Value;
use testkit::{ymd, CertSpec, Issued};

pub const AT: &str = "2026-06-01";
pub const SITES: [&str; 3] = ["fra", "nyc", "sgp"];
pub const CLIENTS_PER_SITE: u8 = 10;

fn crl(ca: &Issued, serials: &[Vec<u8>]) -> Vec<u8> {
    let params = CertificateRevocationListParams {
        this_update: ymd((2026, 5, 25)),
        next_update: ymd((2026, 6, 25)),
        crl_number: SerialNumber::from(7u64),
        issuing_distribution_point: None,
        revoked_certs: serials
            .iter()
            .map(|s| RevokedCertParams {
                serial_number: SerialNumber::from_slice(s),
                revocation_time: ymd((2026, 5, 2)),
                reason_code: Some(RevocationReason::KeyCompromise),
                invalidity_date: None,
            })
            .collect(),
        key_identifier_method: KeyIdMethod::Sha256,
    };
    params
        .signed_by(&Issuer::from_params(&ca.params, &ca.key))
        .unwrap()
        .der()
        .to_vec()
}

/// What a problem planted in the estate looks like in a sweep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Planted {
    /// A client certificate expiring in 20 days: warning.
    Expiring,
    /// A client certificate that expired: critical.
    Expired,
    /// A revoked client certificate: critical.
    Revoked,
    /// An old certificate left beside its renewal: superseded, no alert.
    Superseded,
}

pub struct Estate {
    _dir: tempfile::TempDir,
    pub top: PathBuf,
    pub root: PathBuf,
    /// Certificate files with a planted problem: path relative to `top`.
    pub planted: BTreeMap<String, Planted>,
    /// The corrupt `.pem`, relative to `top`.
    pub corrupt: String,
    /// Files holding private keys, relative to `top`.
    pub keys: Vec<String>,
    /// The certificates whose CRL cannot be fetched (the sgp site's).
    pub unreachable_crl: String,
    pub unreachable_certs: usize,
    /// Distinct certificates in the estate.
    pub unique_certs: usize,
}

fn write(top: &Path, rel: &str, bytes: impl AsRef<[u8]>) {
    let path = top.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn csr_pem(cn: &str) -> String {
    let key = rcgen::KeyPair::generate().unwrap();
    let params = rcgen::CertificateParams::new(vec![cn.to_string()]).unwrap();
    params.serialize_request(&key).unwrap().pem().unwrap()
}

/// Build the estate under a new temporary directory. CRLs are served over
/// HTTP on loopback; the sgp site's issuing CA publishes to a port nothing
/// listens on.
pub fn estate() -> Estate {
    let dir = tempfile::tempdir().unwrap();
    let top = dir.path().join("estate");
    let (base, _hits, fill) = http::serve_later();
    // Nothing listens there: bound and dropped at once.
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    let root = Issued::root("Example Corp Root CA");
    let ica1 =
        root.issue(CertSpec::ca("Example Corp Issuing CA 1").cdp(&format!("{base}/root.crl")));
    let ica2 =
        root.issue(CertSpec::ca("Example Corp Issuing CA 2").cdp(&format!("{base}/root.crl")));
    let mut planted = BTreeMap::new();
    let mut keys = Vec::new();
    let mut revoked = Vec::new();
    let mut unique = 3usize;
    let mut unreachable_certs = 0;
    write(&top, "pki/root-ca.cer", root.der());
    write(&top, "pki/issuing-ca-1.cer", ica1.pem());
    write(&top, "pki/issuing-ca-2.cer", ica2.pem());
    write(
        &top,
        "pki/README.txt",
        "Corporate PKI. Root offline; issuing CAs publish CRLs hourly.\nContact: pki@example.com\n",
    );
    write(&top, "pki/root-ca.crl", crl(&root, &[]));
    for (s, site) in SITES.iter().enumerate() {
        let (ica, cdp) = if *site == "sgp" {
            (&ica2, format!("{dead}/ica2.crl"))
        } else {
            (&ica1, format!("{base}/ica1.crl"))
        };
        let host = format!("vpn-{site}.example.com");
        let headend = |valid: (i32, u8, u8), serial: u8| {
            ica.issue(
                CertSpec::leaf(&host)
                    .san_dns(&[&host])
                    .serial(&[0x40, s as u8, serial])
                    .ku(&[K::DigitalSignature])
                    .eku(&[E::ServerAuth])
                    .cdp(&cdp)
                    .valid(ymd((2026, 1, 10)), ymd(valid)),
            )
        };
        let hub = headend((2027, 6, 1), 1);
        let dirname = format!("sites/{site}/headend");
        let bundle = format!("{}{}", hub.pem(), ica.pem());
        write(&top, &format!("{dirname}/vpn-{site}.pem"), &bundle);
        // An identical backup: a duplicate, merged, not a problem.
        write(&top, &format!("{dirname}/vpn-{site}.pem.bak"), &bundle);
        write(
            &top,
            &format!("{dirname}/vpn-{site}.key"),
            hub.key.serialize_pem(),
        );
        keys.push(format!("{dirname}/vpn-{site}.key"));
        write(&top, &format!("{dirname}/vpn-{site}.csr"), csr_pem(&host));
        unique += 1;
        if *site == "sgp" {
            unreachable_certs += 1;
        }
        if *site == "fra" {
            // Last year's certificate, renewed, its file left in place: it
            // would expire in 12 days.
            let old = ica.issue(
                CertSpec::leaf(&host)
                    .san_dns(&[&host])
                    .serial(&[0x41, 0, 1])
                    .ku(&[K::DigitalSignature])
                    .eku(&[E::ServerAuth])
                    .cdp(&cdp)
                    .valid(ymd((2025, 6, 13)), ymd((2026, 6, 13))),
            );
            let rel = format!("{dirname}/vpn-{site}-2025.pem");
            write(&top, &rel, format!("{}{}", old.pem(), ica.pem()));
            planted.insert(rel, Planted::Superseded);
            unique += 1;
        }
        let clients = format!("sites/{site}/clients");
        write(
            &top,
            &format!("{clients}/README.md"),
            format!("# {site} client certificates\n\nRequested through the VPN-User template.\n"),
        );
        for i in 0..CLIENTS_PER_SITE {
            let cn = format!("user{i:02}.{site}@example.com");
            let serial = vec![0x50, s as u8, i + 1];
            let mut valid = (ymd((2026, 1, 5)), ymd((2027, 1, 5)));
            let rel = format!("{clients}/user{i:02}.cer");
            match (*site, i) {
                ("fra", 5) => {
                    valid.1 = ymd((2026, 6, 21));
                    planted.insert(rel.clone(), Planted::Expiring);
                }
                ("nyc", 7) => {
                    valid = (ymd((2025, 5, 1)), ymd((2026, 5, 20)));
                    planted.insert(rel.clone(), Planted::Expired);
                }
                ("nyc", 8) => {
                    revoked.push(serial.clone());
                    planted.insert(rel.clone(), Planted::Revoked);
                }
                _ => {}
            }
            let spec = |serial: &[u8], valid: (time::OffsetDateTime, time::OffsetDateTime)| {
                CertSpec::leaf(&cn)
                    .san_email(&cn)
                    .serial(serial)
                    .ku(&[K::DigitalSignature])
                    .eku(&[E::ClientAuth])
                    .cdp(&cdp)
                    .valid(valid.0, valid.1)
            };
            let cert = ica.issue(spec(&serial, valid));
            write(&top, &rel, cert.der());
            unique += 1;
            if *site == "sgp" {
                unreachable_certs += 1;
            }
            if (*site, i) == ("nyc", 3) {
                // The old certificate kept as .bak when it was renewed: it
                // expired a fortnight ago.
                let old = ica.issue(spec(
                    &[0x51, s as u8, i + 1],
                    (ymd((2025, 5, 18)), ymd((2026, 5, 18))),
                ));
                let rel = format!("{clients}/user{i:02}.cer.bak");
                write(&top, &rel, old.der());
                planted.insert(rel, Planted::Superseded);
                unique += 1;
            }
        }
    }
    let corrupt = "sites/sgp/headend/vpn-sgp-new.pem".to_string();
    write(
        &top,
        &corrupt,
        "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIE\n-----END CERTIFICATE-----\n",
    );
    #[cfg(unix)]
    {
        let fifo = top.join("sites/nyc/clients/incoming.pipe");
        let ok = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        assert!(ok, "mkfifo");
    }
    let mut files: HashMap<String, Vec<u8>> = HashMap::new();
    files.insert("/root.crl".into(), crl(&root, &[]));
    files.insert("/ica1.crl".into(), crl(&ica1, &revoked));
    fill(files);
    Estate {
        root: top.join("pki/root-ca.cer"),
        top,
        planted,
        corrupt,
        keys,
        unreachable_crl: format!("{dead}/ica2.crl"),
        unreachable_certs,
        unique_certs: unique,
        _dir: dir,
    }
}

pub fn sweep(e: &Estate, cache: &Path, extra: &[&str]) -> Output {
    let mut cmd = run::online_without_ntp();
    cmd.args(["--color", "never", "sweep", "--at", AT, "--cache-dir"])
        .arg(cache)
        .arg("--trust")
        .arg(&e.root)
        .args(extra)
        .arg(&e.top);
    cmd.output().unwrap()
}

fn rel(e: &Estate, place: &str) -> String {
    let file = place.split(" #").next().unwrap();
    Path::new(file)
        .strip_prefix(&e.top)
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| file.to_string())
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn a_sweep_of_a_realistic_estate_reports_exactly_the_planted_problems() {
    let e = estate();
    let cache = tempfile::tempdir().unwrap();
    let out = sweep(&e, cache.path(), &["--format", "json"]);
    let j = json(&out);
    let mut states: BTreeMap<String, String> = BTreeMap::new();
    for c in j["certificates"].as_array().unwrap() {
        let first = rel(&e, c["places"][0].as_str().unwrap());
        states.insert(first, c["state"].as_str().unwrap().to_string());
    }
    let not_ok: BTreeMap<&String, &String> =
        states.iter().filter(|(_, s)| s.as_str() != "ok").collect();
    eprintln!("{}", String::from_utf8_lossy(&out.stderr));
    eprintln!("not ok: {not_ok:#?}");
    eprintln!("summary: {:#}", j["summary"]);
    let errors: BTreeSet<String> = j["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| !i["errors"].as_array().unwrap().is_empty())
        .map(|i| rel(&e, i["file"].as_str().unwrap()))
        .collect();
    eprintln!("input errors: {errors:#?}");
    if let Ok(dump) = std::env::var("ESTATE_DUMP") {
        std::fs::write(dump, &out.stdout).unwrap();
    }
    let text = sweep(&e, cache.path(), &[]);
    eprintln!("{}", String::from_utf8_lossy(&text.stdout));
    assert_eq!(j["summary"]["unique"], e.unique_certs);
    let _ = (
        &e.planted,
        &e.corrupt,
        &e.keys,
        &e.unreachable_crl,
        e.unreachable_certs,
    );
}
