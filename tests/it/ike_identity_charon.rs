//! `check --id` against the real peer: strongSwan's charon decides whether
//! a certificate holds the IKE identity its holder sends, and pkiaudit's
//! `name.id.mismatch` must say the same.
//!
//! Two charons run on loopback (different UDP ports, each with its own
//! configuration, VICI socket and log, and a private /run for the pid file
//! that charon's build fixes at /var/run/charon.pid). The responder has one
//! connection per scenario: its identity (`local.id`) is the scenario's
//! identity and its certificate the scenario's certificate. The initiator
//! has the same connections with that identity as `remote.id`, so charon
//! sends it as IDr and checks the responder's certificate against it; the
//! IKE_SA is established or the initiator refuses it ("no trusted RSA
//! public key found for '<identity>'"). No CHILD_SA is negotiated
//! (`childless`), so nothing is installed in the kernel.
//!
//! Needs root and the Debian packages strongswan-charon, strongswan-swanctl
//! and libcharon-extra-plugins (`.ci/run` installs them), and openssl (for
//! the one certificate rcgen cannot make: a multi-valued RDN). Outside CI
//! (env CI unset) the test is skipped with a message when charon is
//! missing; in CI that is a failure.

use crate::common::run::offline;
use crate::common::testkit::{CertSpec, Issued, Key};
use crate::common::write;

use std::fs;
use std::net::UdpSocket;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use rcgen::{DistinguishedName, DnType, DnValue, Issuer};

const CHARON: &[&str] = &["/usr/lib/ipsec/charon", "/usr/libexec/ipsec/charon"];

/// Plugins for RSA certificates and MODP groups without the openssl plugin
/// (Debian has it in libstrongswan-standard-plugins, which CI does not
/// install); kernel-netlink because charon will not start without a kernel
/// interface, even though no CHILD_SA is ever installed.
const PLUGINS: &str = "random nonce pem pkcs1 pkcs8 x509 revocation constraints pubkey gmp \
                       aes sha1 sha2 hmac kdf socket-default vici kernel-netlink";

/// Whether the run is CI's (`CI=true`), where a missing program is a
/// failure rather than a reason to skip.
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

fn running_as_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

fn on_path(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// charon's path, or why the test cannot run here.
fn prerequisites() -> Result<PathBuf, String> {
    let charon = CHARON
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
        .ok_or("charon is not installed (apt-get install strongswan-charon strongswan-swanctl libcharon-extra-plugins)")?;
    for (program, package) in [
        ("swanctl", "strongswan-swanctl"),
        ("unshare", "util-linux"),
        ("openssl", "openssl"),
    ] {
        if !on_path(program) {
            return Err(format!(
                "{program} is not installed (apt-get install {package})"
            ));
        }
    }
    if !running_as_root() {
        return Err(
            "charon needs root (its kernel interface and the private /run for its pid file)".into(),
        );
    }
    Ok(charon)
}

/// `count` distinct UDP ports that were free a moment ago.
fn free_udp_ports(count: usize) -> Vec<u16> {
    // Hold every socket until all are chosen, so no port is chosen twice.
    let sockets: Vec<UdpSocket> = (0..count)
        .map(|_| UdpSocket::bind("127.0.0.1:0").expect("bind a UDP port"))
        .collect();
    sockets
        .iter()
        .map(|s| s.local_addr().expect("local address").port())
        .collect()
}

/// One charon with its directory; killed (and waited for) on drop, so it
/// goes away even when an assertion fails.
struct Charon {
    child: Child,
    dir: PathBuf,
    name: &'static str,
}

impl Drop for Charon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Charon {
    fn vici(&self) -> String {
        format!("unix://{}", self.dir.join("charon.vici").display())
    }

    fn log(&self) -> String {
        fs::read_to_string(self.dir.join("charon.log")).unwrap_or_default()
    }

    /// Write the configuration (`swanctl.conf` and the files it names are
    /// already in `dir/swanctl`), start charon and load the configuration.
    fn start(charon: &Path, dir: PathBuf, name: &'static str, port: u16, nat_port: u16) -> Charon {
        let d = dir.display();
        let conf = format!(
            "charon {{\n\
             \x20 load = {PLUGINS}\n\
             \x20 port = {port}\n\
             \x20 port_nat_t = {nat_port}\n\
             \x20 retransmit_tries = 2\n\
             \x20 retransmit_timeout = 1\n\
             \x20 filelog {{\n\
             \x20   charon {{\n\
             \x20     path = {d}/charon.log\n\
             \x20     default = 1\n\
             \x20     cfg = 2\n\
             \x20     flush_line = yes\n\
             \x20   }}\n\
             \x20 }}\n\
             \x20 plugins {{\n\
             \x20   vici {{\n\
             \x20     socket = unix://{d}/charon.vici\n\
             \x20   }}\n\
             \x20   revocation {{\n\
             \x20     enable_ocsp = no\n\
             \x20     enable_crl = no\n\
             \x20   }}\n\
             \x20 }}\n\
             }}\n"
        );
        write(&dir, "strongswan.conf", conf);
        let out = fs::File::create(dir.join("stdout.log")).expect("charon stdout log");
        let err = out.try_clone().expect("charon stderr log");
        // unshare execs sh, which execs charon: the child's pid is charon's,
        // and the tmpfs over /run lives as long as it does.
        let child = Command::new("unshare")
            .args(["--mount", "--propagation", "private", "sh", "-c"])
            .arg("mount -t tmpfs tmpfs /run && exec \"$0\"")
            .arg(charon)
            .env("STRONGSWAN_CONF", dir.join("strongswan.conf"))
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .expect("start charon");
        let mut me = Charon { child, dir, name };
        me.wait_until_ready();
        let load = me.swanctl(&["--load-all", "--noprompt"]);
        assert!(
            load.status.success(),
            "swanctl --load-all for the {name} failed:\n{}{}\n{}",
            String::from_utf8_lossy(&load.stdout),
            String::from_utf8_lossy(&load.stderr),
            me.log()
        );
        me
    }

    fn wait_until_ready(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "the {} charon exited with {status}:\n{}\n{}",
                    self.name,
                    fs::read_to_string(self.dir.join("stdout.log")).unwrap_or_default(),
                    self.log()
                );
            }
            if self.dir.join("charon.vici").exists() && self.swanctl(&["--stats"]).status.success()
            {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the {} charon did not open its VICI socket within 15 s:\n{}",
                self.name,
                self.log()
            );
            thread::sleep(Duration::from_millis(100));
        }
    }

    /// swanctl against this charon, with a 20 s limit.
    fn swanctl(&self, args: &[&str]) -> std::process::Output {
        let mut child = Command::new("swanctl")
            .args(args)
            .args(["--uri", &self.vici()])
            // swanctl reads its plugin list from here (the system's
            // strongswan.conf would do, but loads plugins noisily).
            .env("STRONGSWAN_CONF", self.dir.join("swanctl-strongswan.conf"))
            .env("SWANCTL_DIR", self.dir.join("swanctl"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run swanctl");
        let deadline = Instant::now() + Duration::from_secs(20);
        while child.try_wait().ok().flatten().is_none() {
            if Instant::now() > deadline {
                let _ = child.kill();
                break;
            }
            thread::sleep(Duration::from_millis(20));
        }
        child.wait_with_output().expect("swanctl output")
    }
}

/// A certificate of a scenario: PEM, and the name its file gets.
struct Cert {
    file: String,
    pem: String,
}

/// One identity checked against one certificate.
struct Scenario {
    /// Connection name (letters and digits only, as swanctl.conf needs).
    conn: &'static str,
    what: &'static str,
    /// The identity, as both pkiaudit's `--id` and charon's `id` take it.
    id: &'static str,
    /// Index into the certificates.
    cert: usize,
    /// What charon did when this test was written (strongSwan 5.9.8):
    /// `true` = it authenticated the peer.
    charon_accepted: bool,
}

fn leaf(ca: &Issued, spec: CertSpec) -> String {
    ca.issue(spec.key(Key::Rsa)).pem()
}

/// A leaf whose subject is `dn` as given (string types included).
fn leaf_with_subject(ca: &Issued, cn: &str, dn: DistinguishedName) -> String {
    let mut params = CertSpec::leaf(cn).key(Key::Rsa).params();
    params.distinguished_name = dn;
    let key = Key::Rsa.generate();
    params
        .signed_by(&key, &Issuer::from_params(&ca.params, &ca.key))
        .expect("leaf with a custom subject")
        .pem()
}

/// A leaf with the multi-valued RDN `OU=x + CN=mv` (rcgen puts every
/// attribute in an RDN of its own) and a directoryName SAN entry (which
/// rcgen cannot write), made by openssl.
fn multi_valued_leaf(ca: &Issued, dir: &Path) -> String {
    let ca_pem = write(dir, "mv-ca.pem", ca.pem());
    let ca_key = write(dir, "mv-ca.key", ca.key.serialize_pem());
    let key = write(dir, "mv.key", Key::Rsa.generate().serialize_pem());
    // and a directoryName SAN entry, which charon also compares a DN
    // identity with
    let ext = write(
        dir,
        "mv.ext",
        "subjectAltName=DNS:mv.example.com,dirName:alt_dn\n\
         [alt_dn]\nO=Example VPN\nCN=alt-dn\n",
    );
    let csr = dir.join("mv.csr");
    let pem = dir.join("mv.pem");
    let ok = |args: &[&std::ffi::OsStr]| {
        let out = Command::new("openssl")
            .args(args)
            .output()
            .expect("run openssl");
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    ok(&[
        "req".as_ref(),
        "-new".as_ref(),
        "-key".as_ref(),
        key.as_os_str(),
        "-subj".as_ref(),
        "/O=Example VPN/CN=mv+OU=x".as_ref(),
        "-multivalue-rdn".as_ref(),
        "-out".as_ref(),
        csr.as_os_str(),
    ]);
    ok(&[
        "x509".as_ref(),
        "-req".as_ref(),
        "-in".as_ref(),
        csr.as_os_str(),
        "-CA".as_ref(),
        ca_pem.as_os_str(),
        "-CAkey".as_ref(),
        ca_key.as_os_str(),
        "-set_serial".as_ref(),
        "4242".as_ref(),
        "-days".as_ref(),
        "30".as_ref(),
        "-extfile".as_ref(),
        ext.as_os_str(),
        "-out".as_ref(),
        pem.as_os_str(),
    ]);
    fs::read_to_string(pem).expect("openssl's certificate")
}

/// pkiaudit's verdict: whether `name.id.mismatch` fires on the certificate.
fn pkiaudit_mismatch(cert: &Path, id: &str) -> (bool, Vec<String>) {
    let out = offline()
        .args([
            "--color",
            "never",
            "check",
            "--id",
            id,
            "--format",
            "json",
            "--offline",
        ])
        .arg(cert)
        .output()
        .expect("run pkiaudit");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "pkiaudit check --id {id} did not write JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let certs = json["certificates"].as_array().cloned().unwrap_or_default();
    assert_eq!(certs.len(), 1, "one certificate in {}", cert.display());
    let mut mismatch = false;
    let mut messages = Vec::new();
    for f in certs[0]["findings"].as_array().cloned().unwrap_or_default() {
        let rule = f["rule"].as_str().unwrap_or_default();
        if rule == "name.id.mismatch" {
            mismatch = true;
        }
        if rule.starts_with("name.id.") {
            messages.push(f["message"].as_str().unwrap_or_default().to_string());
        }
    }
    (mismatch, messages)
}

fn connection(name: &str, local: &str, remote: &str, cert: &str, extra: &str) -> String {
    // Ids are quoted: DNs hold commas and spaces.
    format!(
        "  {name} {{\n\
         \x20   version = 2\n\
         \x20   local_addrs = 127.0.0.1\n\
         \x20   remote_addrs = 127.0.0.1\n\
         \x20   proposals = aes128-sha256-modp2048\n\
         \x20   send_cert = always\n\
         \x20   mobike = no\n\
         {extra}\
         \x20   local {{\n\
         \x20     auth = pubkey\n\
         \x20     certs = {cert}\n\
         \x20     id = \"{local}\"\n\
         \x20   }}\n\
         \x20   remote {{\n\
         \x20     auth = pubkey\n\
         \x20     id = \"{remote}\"\n\
         \x20     cacerts = ca.pem\n\
         \x20   }}\n\
         \x20 }}\n"
    )
}

/// The swanctl directory of one side: the CA, the (shared) leaf key, the
/// certificates and the connections.
fn swanctl_dir(dir: &Path, ca: &str, key: &str, certs: &[(&str, &str)], conns: &str) {
    for sub in ["x509", "x509ca", "private"] {
        fs::create_dir_all(dir.join("swanctl").join(sub)).expect("swanctl dirs");
    }
    write(&dir.join("swanctl/x509ca"), "ca.pem", ca);
    write(&dir.join("swanctl/private"), "leaf.key", key);
    for (file, pem) in certs {
        write(&dir.join("swanctl/x509"), file, pem);
    }
    write(
        &dir.join("swanctl"),
        "swanctl.conf",
        format!("connections {{\n{conns}}}\n"),
    );
    write(
        dir,
        "swanctl-strongswan.conf",
        "swanctl {\n  load = pem pkcs1 pkcs8 x509 gmp\n}\n",
    );
}

#[test]
#[ignore = "needs root, charon and swanctl (apt-get install strongswan-charon strongswan-swanctl libcharon-extra-plugins) and openssl"]
fn check_id_agrees_with_charon() {
    let charon = match prerequisites() {
        Ok(c) => c,
        Err(why) if !in_ci() => {
            eprintln!("SKIPPED ike_identity_charon: {why}");
            return;
        }
        Err(why) => panic!("{why} (CI=true: the identity cross-check must run)"),
    };
    let started = Instant::now();
    let tmp = tempfile::tempdir().expect("temp dir");

    let ca = Issued::self_signed(CertSpec::ca("pkiaudit charon identity CA").key(Key::RsaCa));
    let printable = |s: &str| DnValue::PrintableString(s.try_into().expect("printable"));
    let certs: Vec<Cert> = [
        (
            "fqdn",
            leaf(&ca, CertSpec::leaf("gw-fqdn").san_dns(&["vpn.example.com"])),
        ),
        (
            "cn",
            leaf(
                &ca,
                CertSpec::leaf("moon.example.com").san_dns(&["sun.example.com"]),
            ),
        ),
        (
            "wild",
            leaf(&ca, CertSpec::leaf("gw-wild").san_dns(&["*.example.com"])),
        ),
        (
            "ip",
            leaf(&ca, CertSpec::leaf("gw-ip").san_ip(&["192.0.2.7"])),
        ),
        (
            "ipdns",
            leaf(&ca, CertSpec::leaf("gw-ipdns").san_dns(&["192.0.2.8"])),
        ),
        (
            "email",
            leaf(&ca, CertSpec::leaf("gw-email").san_email("vpn@example.com")),
        ),
        // rcgen writes UTF8String values: O=Example VPN, CN=dn-ok
        (
            "dn",
            leaf(&ca, CertSpec::leaf("dn-ok").san_dns(&["dn.example.com"])),
        ),
        ("dnps", {
            let mut dn = DistinguishedName::new();
            dn.push(DnType::OrganizationName, printable("Example VPN"));
            dn.push(DnType::CommonName, printable("dn-ps"));
            leaf_with_subject(&ca, "dn-ps", dn)
        }),
        ("subjmail", {
            let mut dn = DistinguishedName::new();
            dn.push(DnType::OrganizationName, "Example VPN");
            dn.push(DnType::CommonName, "gw-subjmail");
            dn.push(
                DnType::CustomDnType(vec![1, 2, 840, 113549, 1, 9, 1]),
                DnValue::Ia5String("bob@example.com".try_into().expect("ia5")),
            );
            leaf_with_subject(&ca, "gw-subjmail", dn)
        }),
        ("mv", multi_valued_leaf(&ca, tmp.path())),
    ]
    .into_iter()
    .map(|(name, pem)| Cert {
        file: format!("{name}.pem"),
        pem,
    })
    .collect();
    let cert_index = |name: &str| {
        certs
            .iter()
            .position(|c| c.file == format!("{name}.pem"))
            .expect("scenario certificate")
    };

    let s = |conn, what, id, cert: &str, charon_accepted| Scenario {
        conn,
        what,
        id,
        cert: cert_index(cert),
        charon_accepted,
    };
    let scenarios = [
        s(
            "fqdn",
            "FQDN in a dNSName SAN",
            "vpn.example.com",
            "fqdn",
            true,
        ),
        s(
            "fqdncase",
            "FQDN in another case",
            "VPN.Example.COM",
            "fqdn",
            true,
        ),
        s(
            "fqdndot",
            "FQDN with a trailing dot, SAN without",
            "vpn.example.com.",
            "fqdn",
            false,
        ),
        s(
            "cn",
            "FQDN only in the CN (SAN another name)",
            "moon.example.com",
            "cn",
            false,
        ),
        s(
            "wild",
            "FQDN under a wildcard SAN *.example.com",
            "a.example.com",
            "wild",
            false,
        ),
        s("ip", "IPv4 in an iPAddress SAN", "192.0.2.7", "ip", true),
        s(
            "ipdns",
            "IPv4 only as DNS-type SAN text",
            "192.0.2.8",
            "ipdns",
            false,
        ),
        s(
            "email",
            "email in an rfc822Name SAN",
            "vpn@example.com",
            "email",
            true,
        ),
        s(
            "subjmail",
            "email only in the subject's emailAddress",
            "bob@example.com",
            "subjmail",
            false,
        ),
        s(
            "dn",
            "subject DN in certificate order",
            "O=Example VPN, CN=dn-ok",
            "dn",
            true,
        ),
        s(
            "dnslash",
            "subject DN, slash form",
            "/O=Example VPN/CN=dn-ok",
            "dn",
            true,
        ),
        s(
            "dnrev",
            "subject DN in reverse order",
            "CN=dn-ok, O=Example VPN",
            "dn",
            false,
        ),
        s(
            "dnother",
            "DN differing in one RDN",
            "O=Other VPN, CN=dn-ok",
            "dn",
            false,
        ),
        s(
            "dncase",
            "DN in another case (UTF8String subject)",
            "O=example vpn, CN=DN-OK",
            "dn",
            false,
        ),
        s(
            "dnpscase",
            "DN in another case (PrintableString subject)",
            "O=example vpn, CN=DN-PS",
            "dnps",
            true,
        ),
        s(
            "mvorder",
            "multi-valued RDN OU=x + CN=mv, flattened in encoded order",
            "O=Example VPN, OU=x, CN=mv",
            "mv",
            true,
        ),
        s(
            "mvtyped",
            "multi-valued RDN OU=x + CN=mv, written CN first",
            "O=Example VPN, CN=mv, OU=x",
            "mv",
            false,
        ),
        s(
            "dirname",
            "DN only in a directoryName SAN entry",
            "O=Example VPN, CN=alt-dn",
            "mv",
            true,
        ),
    ];

    // Responder: scenario identity as local.id with the scenario's
    // certificate; initiator (alice): the identity as remote.id.
    let ports = free_udp_ports(4);
    let key_pem = Key::Rsa.generate().serialize_pem();
    let alice = leaf(&ca, CertSpec::leaf("alice").san_email("alice@example.com"));
    let resp_dir = tmp.path().join("responder");
    let init_dir = tmp.path().join("initiator");
    let resp_conns: String = scenarios
        .iter()
        .map(|sc| {
            connection(
                sc.conn,
                sc.id,
                "alice@example.com",
                &certs[sc.cert].file,
                "    childless = allow\n",
            )
        })
        .collect();
    let init_conns: String = scenarios
        .iter()
        .map(|sc| {
            connection(
                sc.conn,
                "alice@example.com",
                sc.id,
                "alice.pem",
                &format!("    remote_port = {}\n    childless = force\n", ports[0]),
            )
        })
        .collect();
    let resp_certs: Vec<(&str, &str)> = certs
        .iter()
        .map(|c| (c.file.as_str(), c.pem.as_str()))
        .collect();
    swanctl_dir(&resp_dir, &ca.pem(), &key_pem, &resp_certs, &resp_conns);
    swanctl_dir(
        &init_dir,
        &ca.pem(),
        &key_pem,
        &[("alice.pem", &alice)],
        &init_conns,
    );
    let responder = Charon::start(&charon, resp_dir, "responder", ports[0], ports[1]);
    let initiator = Charon::start(&charon, init_dir, "initiator", ports[2], ports[3]);

    let audit_dir = tmp.path().join("audit");
    fs::create_dir_all(&audit_dir).expect("audit dir");
    let mut rows = Vec::new();
    for sc in &scenarios {
        let log_before = responder.log().len();
        let out = initiator.swanctl(&["--initiate", "--ike", sc.conn, "--timeout", "10"]);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let established = out.status.success() && text.contains("established between");
        // A refusal must be about the identity, not anything else in the
        // setup (proposals, the wrong responder configuration, timeouts).
        let refused_identity = text.contains("no trusted RSA public key found for")
            || text.contains("constraint check failed: identity");
        assert!(
            established || refused_identity,
            "{}: charon neither established the IKE_SA nor refused the identity:\n{text}\n\
             --- responder log\n{}",
            sc.conn,
            responder.log()
        );
        // The responder picks its configuration by IDr: scenarios whose
        // identities charon finds equal (other case, slash form) share
        // one, which is fine when the certificate is the same.
        let log = responder.log();
        let selected = log
            .get(log_before..)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.split("selected peer config '").nth(1))
            .filter_map(|rest| rest.split('\'').next())
            .next_back()
            .and_then(|name| scenarios.iter().find(|o| o.conn == name));
        assert!(
            selected.is_some_and(|o| o.cert == sc.cert),
            "{}: the responder did not present the scenario's certificate {}:\n{log}",
            sc.conn,
            certs[sc.cert].file
        );
        if established {
            // A later scenario whose configuration charon thinks equal
            // would reuse this IKE_SA instead of authenticating again.
            initiator.swanctl(&["--terminate", "--ike", sc.conn, "--force", "--timeout", "5"]);
        }
        let cert = write(&audit_dir, &certs[sc.cert].file, &certs[sc.cert].pem);
        let (mismatch, messages) = pkiaudit_mismatch(&cert, sc.id);
        rows.push((sc, established, mismatch, messages, text));
    }

    let verdict = |accepted: bool| if accepted { "accept" } else { "reject" };
    let mut table = String::from("identity | certificate | charon | pkiaudit\n");
    for (sc, established, mismatch, _, _) in &rows {
        table.push_str(&format!(
            "{} | {} | {} | {}\n",
            sc.id,
            sc.what,
            verdict(*established),
            verdict(!*mismatch)
        ));
    }
    eprintln!(
        "{table}(charon and pkiaudit in {:.1} s)",
        started.elapsed().as_secs_f64()
    );

    let mut bad = Vec::new();
    for (sc, established, mismatch, messages, text) in &rows {
        if *established == *mismatch {
            bad.push(format!(
                "{} ({}): charon {}, pkiaudit {}: {messages:?}\ncharon:\n{text}",
                sc.id,
                sc.what,
                verdict(*established),
                verdict(!*mismatch)
            ));
        }
        if *established != sc.charon_accepted {
            bad.push(format!(
                "{} ({}): charon now {}s (it {}ed with strongSwan 5.9.8)\n{text}",
                sc.id,
                sc.what,
                verdict(*established),
                verdict(sc.charon_accepted)
            ));
        }
    }
    drop(initiator);
    drop(responder);
    assert!(bad.is_empty(), "{table}\n{}", bad.join("\n\n"));
}
