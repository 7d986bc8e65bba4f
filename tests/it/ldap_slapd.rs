//! `fetch_crl` against a real OpenLDAP slapd on loopback, holding an
//! AD CS-style CDP entry. Needs the Debian packages `slapd` and `ldap-utils`.

use crate::common::{free_port, run, testkit};

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use pkiaudit::revocation::transport::ldap::{fetch_crl, LdapError};
use rcgen::{CertificateRevocationListParams, Issuer, KeyIdMethod, SerialNumber};
use testkit::{ymd, Issued};

const PARENT: &str =
    "cn=SRV,cn=CDP,cn=Public Key Services,cn=Services,cn=Configuration,dc=example,dc=com";
/// The host-less URL AD CS writes for "Example CA" on server SRV.
const AD_PATH: &str = "CN=Example%20CA,CN=SRV,CN=CDP,CN=Public%20Key%20Services,CN=Services,CN=Configuration,DC=example,DC=com?certificateRevocationList?base?objectClass=cRLDistributionPoint";

/// slapd on 127.0.0.1:port; killed (and waited for) on drop.
struct Slapd {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for Slapd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn core_schema() -> PathBuf {
    [
        "/etc/ldap/schema/core.schema",
        "/etc/openldap/schema/core.schema",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
    .expect("core.schema (install slapd)")
}

fn module_path() -> Option<&'static str> {
    ["/usr/lib/ldap", "/usr/lib64/openldap", "/usr/lib/openldap"]
        .into_iter()
        .find(|d| Path::new(d).join("back_mdb.so").exists())
}

fn make_crl() -> Vec<u8> {
    let ca = Issued::root("Example CA");
    let params = CertificateRevocationListParams {
        this_update: ymd((2026, 1, 1)),
        next_update: ymd((2026, 2, 1)),
        crl_number: SerialNumber::from(42u64),
        issuing_distribution_point: None,
        revoked_certs: Vec::new(),
        key_identifier_method: KeyIdMethod::Sha256,
    };
    let issuer = Issuer::from_params(&ca.params, &ca.key);
    params.signed_by(&issuer).unwrap().der().to_vec()
}

/// Load the directory with `slapadd` and start slapd holding `crl` in
/// `cn=Example CA,<PARENT>` and an entry without a CRL, `cn=No CRL,<PARENT>`.
fn start_slapd(crl: &[u8]) -> Slapd {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("db")).unwrap();
    std::fs::write(d.join("base.crl"), crl).unwrap();
    let modules = match module_path() {
        Some(m) => format!("modulepath {m}\nmoduleload back_mdb\n"),
        None => String::new(), // back_mdb built in
    };
    let conf = format!(
        "include {schema}\npidfile {d}/slapd.pid\n{modules}\
         database mdb\nmaxsize 10485760\nsuffix \"dc=example,dc=com\"\n\
         rootdn \"cn=admin,dc=example,dc=com\"\ndirectory {d}/db\n\
         access to * by * read\n",
        schema = core_schema().display(),
        d = d.display(),
    );
    std::fs::write(d.join("slapd.conf"), conf).unwrap();

    let mut ldif = String::from(
        "dn: dc=example,dc=com\nobjectClass: organization\nobjectClass: dcObject\no: Example\ndc: example\n\n",
    );
    // Parents first, top down: cn=Configuration, ..., cn=SRV.
    let rdns: Vec<&str> = PARENT.split(',').collect();
    for i in (0..rdns.len() - 2).rev() {
        let cn = rdns[i].trim_start_matches("cn=");
        ldif += &format!(
            "dn: {}\nobjectClass: applicationProcess\ncn: {cn}\n\n",
            rdns[i..].join(",")
        );
    }
    ldif += &format!(
        "dn: cn=Example CA,{PARENT}\nobjectClass: cRLDistributionPoint\ncn: Example CA\n\
         certificateRevocationList;binary:< file://{}/base.crl\n\n\
         dn: cn=No CRL,{PARENT}\nobjectClass: cRLDistributionPoint\ncn: No CRL\n",
        d.display()
    );
    std::fs::write(d.join("data.ldif"), ldif).unwrap();
    let out = Command::new("slapadd")
        .arg("-f")
        .arg(d.join("slapd.conf"))
        .arg("-l")
        .arg(d.join("data.ldif"))
        .output()
        .expect("run slapadd (install slapd)");
    assert!(
        out.status.success(),
        "slapadd: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    let port = free_port();
    let mut child = Command::new("slapd")
        .arg("-f")
        .arg(d.join("slapd.conf"))
        .arg("-h")
        .arg(format!("ldap://127.0.0.1:{port}/"))
        .args(["-d", "0"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run slapd (install slapd)");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        if let Ok(Some(status)) = child.try_wait() {
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                use std::io::Read;
                let _ = e.read_to_string(&mut err);
            }
            panic!("slapd exited ({status}): {err}");
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("slapd did not accept connections on port {port}");
        }
        thread::sleep(Duration::from_millis(50));
    }
    Slapd {
        child,
        port,
        _dir: dir,
    }
}

#[test]
#[ignore = "needs slapd"]
fn fetches_the_crl_with_host_and_with_default_server() {
    let crl = make_crl();
    let slapd = start_slapd(&crl);
    let server = format!("127.0.0.1:{}", slapd.port);

    let with_host = format!("ldap://{server}/{AD_PATH}");
    assert_eq!(fetch_crl(&with_host, None).unwrap(), crl);

    // AD CS style: no host in the URL; the configured server answers.
    let host_less = format!("ldap:///{AD_PATH}");
    assert_eq!(fetch_crl(&host_less, Some(&server)).unwrap(), crl);
    assert!(matches!(
        fetch_crl(&host_less, None),
        Err(LdapError::NoServer(_))
    ));

    // No attribute in the URL: certificateRevocationList;binary.
    let bare = format!("ldap://{server}/cn=Example%20CA,{PARENT}");
    assert_eq!(fetch_crl(&bare, None).unwrap(), crl);
}

#[test]
#[ignore = "needs slapd"]
fn missing_entry_is_no_entry() {
    let slapd = start_slapd(&make_crl());
    let url = format!(
        "ldap://127.0.0.1:{}/cn=Other%20CA,{PARENT}?certificateRevocationList?base?objectClass=cRLDistributionPoint",
        slapd.port
    );
    match fetch_crl(&url, None) {
        Err(LdapError::NoEntry(dn)) => assert_eq!(dn, format!("cn=Other CA,{PARENT}")),
        other => panic!("{other:?}"),
    }
    // The entry exists but the filter does not match it.
    let url = format!(
        "ldap://127.0.0.1:{}/cn=Example%20CA,{PARENT}??base?objectClass=person",
        slapd.port
    );
    assert!(matches!(fetch_crl(&url, None), Err(LdapError::NoEntry(_))));
}

#[test]
#[ignore = "needs slapd"]
fn entry_without_the_attribute_is_no_attribute() {
    let slapd = start_slapd(&make_crl());
    let url = format!(
        "ldap://127.0.0.1:{}/cn=No%20CRL,{PARENT}?certificateRevocationList?base?objectClass=cRLDistributionPoint",
        slapd.port
    );
    match fetch_crl(&url, None) {
        Err(LdapError::NoAttribute(a)) => assert_eq!(a, "certificateRevocationList;binary"),
        other => panic!("{other:?}"),
    }
    // The CA entry has a base CRL but no delta CRL.
    let url = format!(
        "ldap://127.0.0.1:{}/cn=Example%20CA,{PARENT}?deltaRevocationList",
        slapd.port
    );
    assert!(matches!(
        fetch_crl(&url, None),
        Err(LdapError::NoAttribute(_))
    ));
}

/// `pkiaudit check --revocation crl` through the binary: the leaf names an
/// unreachable LDAP server first and the AD-style host-less URL second
/// (answered by `--ldap-server`); the first failure is reported, the second
/// source answers, and the CRL (signed by the leaf's CA) says revoked.
#[test]
#[ignore = "needs slapd"]
fn check_reads_a_revocation_from_ldap_after_a_dead_server() {
    use testkit::CertSpec;
    let ca = Issued::root("Example CA");
    let leaf = ca.issue(
        CertSpec::leaf("vpn-client.example.com")
            .serial(&[0x00, 0xa1])
            .cdp(&format!("ldap://127.0.0.1:1/{AD_PATH}"))
            .cdp(&format!("ldap:///{AD_PATH}")),
    );
    let crl = CertificateRevocationListParams {
        this_update: ymd((2026, 1, 1)),
        next_update: ymd((2026, 2, 1)),
        crl_number: SerialNumber::from(43u64),
        issuing_distribution_point: None,
        revoked_certs: vec![rcgen::RevokedCertParams {
            serial_number: SerialNumber::from_slice(&[0xa1]),
            revocation_time: ymd((2025, 12, 24)),
            reason_code: Some(rcgen::RevocationReason::CessationOfOperation),
            invalidity_date: None,
        }],
        key_identifier_method: KeyIdMethod::Sha256,
    }
    .signed_by(&Issuer::from_params(&ca.params, &ca.key))
    .unwrap()
    .der()
    .to_vec();
    let slapd = start_slapd(&crl);
    let dir = tempfile::tempdir().unwrap();
    let ca_pem = dir.path().join("ca.pem");
    let leaf_pem = dir.path().join("leaf.pem");
    std::fs::write(&ca_pem, ca.pem()).unwrap();
    std::fs::write(&leaf_pem, leaf.pem()).unwrap();
    let out = run::command()
        .env_remove("PKIAUDIT_OFFLINE")
        .args(["check", "--format", "json", "--at", "2026-01-15"])
        .args(["--revocation", "crl", "--no-cache"])
        .args(["--ldap-server", &format!("127.0.0.1:{}", slapd.port)])
        .arg("--trust")
        .arg(&ca_pem)
        .arg(&leaf_pem)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rev = &json["certificates"][0]["revocation"][0];
    assert_eq!(rev["status"], "revoked", "{rev}");
    assert_eq!(rev["reason"], "cessationOfOperation");
    assert!(
        rev["source"].as_str().unwrap().starts_with("ldap:///"),
        "{rev}"
    );
    let attempts = rev["attempts"].as_array().unwrap();
    assert!(
        attempts[0]["source"]
            .as_str()
            .unwrap()
            .starts_with("ldap://127.0.0.1:1/")
            && !attempts[0]["outcome"].as_str().unwrap().is_empty(),
        "{attempts:?}"
    );
    assert_eq!(out.status.code(), Some(1));
}
