//! Regenerate the rcgen-made fixtures under `fixtures/`:
//!
//! ```sh
//! cargo run --example gen_fixtures
//! ```
//!
//! EC keys are generated afresh each run, so the files change; the tests
//! never depend on their bytes, only on what the certificates say. What each
//! fixture demonstrates is listed in `fixtures/README.md`. Fixtures made by
//! other tools (OpenSSL, Python `cryptography`) live in `fixtures/external/`
//! with their own script.

#[path = "../tests/it/common/testkit.rs"]
mod testkit;

use std::fs;
use std::path::Path;

use rcgen::{ExtendedKeyUsagePurpose as E, KeyUsagePurpose as K};
use testkit::{p7b, pem_block, ymd, CertSpec, Issued, Key};

const IPSEC_IKE: &str = "1.3.6.1.5.5.7.3.17";
const IKE_INTERMEDIATE: &str = "1.3.6.1.5.5.8.2.2";

fn write(path: &str, contents: impl AsRef<[u8]>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(path);
    fs::create_dir_all(path.parent().expect("fixture dir")).expect("mkdir");
    fs::write(&path, contents).expect("write fixture");
    println!("wrote {}", path.display());
}

fn pem_chain(certs: &[&Issued]) -> String {
    certs.iter().map(|c| c.pem()).collect()
}

fn eku_other(oid: &str) -> E {
    E::Other(testkit::parse_oid(oid))
}

fn main() {
    // The example PKI: an RSA root, an EC issuing CA under it.
    let root = Issued::self_signed(
        CertSpec::ca("Example VPN Root CA")
            .key(Key::RsaCa)
            .serial(&[0x01])
            .valid(ymd((2024, 1, 1)), ymd((2044, 1, 1))),
    );
    let issuing = root.issue(
        CertSpec::ca("Example VPN Issuing CA")
            .path_len(0)
            .serial(&[0x10, 0x01])
            .valid(ymd((2024, 1, 1)), ymd((2038, 1, 1)))
            .cdp("http://pki.example.com/crl/issuing.crl"),
    );
    write("pki/root-ca.pem", root.pem());
    write("pki/issuing-ca.pem", issuing.pem());

    let headend = |name: &str| {
        CertSpec::leaf(name)
            .san_dns(&[name])
            .key(Key::Rsa)
            .cdp("http://pki.example.com/crl/issuing.crl")
    };

    // A headend certificate every client accepts, sent with its chain.
    let good = issuing.issue(
        headend("vpn.example.com")
            .serial(&[0x4a, 0x3f, 0x00, 0x01])
            .ku(&[K::DigitalSignature, K::KeyEncipherment])
            .eku(&[E::ServerAuth, eku_other(IPSEC_IKE)]),
    );
    write(
        "headend/vpn-example-com.pem",
        pem_chain(&[&good, &issuing, &root]),
    );

    // The chain demo of docs/chains.md: the headend still bundles the
    // issuing CA's previous certificate (same name, old key, expired), so
    // peers cannot verify the leaf.
    let old_issuing = root.issue(
        CertSpec::ca("Example VPN Issuing CA")
            .path_len(0)
            .serial(&[0x10, 0x00])
            .valid(ymd((2019, 1, 1)), ymd((2025, 1, 1))),
    );
    write(
        "headend/stale-intermediate-bundle.pem",
        pem_chain(&[&good, &old_issuing]),
    );

    // The README demo: a rollout bundle with the mistakes operators make.
    // Client-auth-only EKU (the wrong AD CS template), a SAN for the old
    // name, KU without keyEncipherment; mail text around the blocks.
    let rollout = issuing.issue(
        CertSpec::leaf("vpn.example.com")
            .san_dns(&["vpn-old.example.com"])
            .key(Key::Rsa)
            .serial(&[0x4a, 0x3f, 0x00, 0x02])
            .ku(&[K::DigitalSignature])
            .eku(&[E::ClientAuth]),
    );
    write(
        "headend/rollout-bundle.pem",
        format!(
            "Hi team, here is the new headend certificate for the rollout.\r\n\r\n{}\r\nand the issuing CA:\r\n{}\r\n-- \r\nPKI team\r\n",
            rollout.pem().replace('\n', "\r\n"),
            issuing.pem().replace('\n', "\r\n")
        ),
    );

    // Wildcards: a valid one, and one in the wrong label.
    let wildcard = issuing.issue(
        CertSpec::leaf("*.example.com")
            .san_dns(&["*.example.com"])
            .serial(&[0x4a, 0x3f, 0x00, 0x03])
            .ku(&[K::DigitalSignature, K::KeyAgreement])
            .eku(&[E::ServerAuth]),
    );
    write("headend/wildcard.pem", wildcard.pem());
    let bad_wildcard = issuing.issue(
        CertSpec::leaf("vpn.*.com")
            .san_dns(&["vpn.*.com"])
            .serial(&[0x4a, 0x3f, 0x00, 0x04])
            .eku(&[E::ServerAuth]),
    );
    write("headend/invalid-wildcard.pem", bad_wildcard.pem());

    // CN only (no SAN): AnyConnect falls back to the CN.
    let cn_only = issuing.issue(
        CertSpec::leaf("vpn.example.com")
            .serial(&[0x4a, 0x3f, 0x00, 0x05])
            .eku(&[eku_other(IKE_INTERMEDIATE)]),
    );
    write("headend/cn-only.pem", cn_only.pem());

    // An IP-addressed headend.
    let ip = issuing.issue(
        CertSpec::leaf("192.0.2.10")
            .san_ip(&["192.0.2.10", "2001:db8::10"])
            .serial(&[0x4a, 0x3f, 0x00, 0x06])
            .eku(&[E::ServerAuth]),
    );
    write("headend/ip-address.pem", ip.pem());

    // Expired in 2025.
    let expired = issuing.issue(
        headend("vpn.example.com")
            .serial(&[0x4a, 0x3f, 0x00, 0x07])
            .valid(ymd((2024, 1, 1)), ymd((2025, 1, 1)))
            .eku(&[E::ServerAuth]),
    );
    write("headend/expired.pem", expired.pem());

    // A FlexVPN headend for Windows clients without serverAuth.
    let flex_no_server = issuing.issue(
        headend("flex.example.com")
            .serial(&[0x4a, 0x3f, 0x00, 0x08])
            .ku(&[K::DigitalSignature, K::KeyEncipherment])
            .eku(&[eku_other(IPSEC_IKE)]),
    );
    write("headend/flexvpn-no-serverauth.pem", flex_no_server.pem());

    // Client certificates.
    let client_good = issuing.issue(
        CertSpec::leaf("alice")
            .san_email("alice@example.com")
            .serial(&[0x5c, 0x00, 0x01])
            .ku(&[K::DigitalSignature])
            .eku(&[E::ClientAuth]),
    );
    write("client/alice.pem", client_good.pem());
    let client_server_eku = issuing.issue(
        CertSpec::leaf("bob")
            .serial(&[0x5c, 0x00, 0x02])
            .ku(&[K::DigitalSignature])
            .eku(&[E::ServerAuth]),
    );
    write("client/bob-server-eku.pem", client_server_eku.pem());
    // KU without a signing bit: every IKEv2 peer rejects it.
    let client_no_sign = issuing.issue(
        CertSpec::leaf("carol")
            .key(Key::Rsa)
            .serial(&[0x5c, 0x00, 0x03])
            .ku(&[K::KeyEncipherment])
            .eku(&[E::ClientAuth]),
    );
    write("client/carol-keyenc-only.pem", client_no_sign.pem());

    // A CA that cannot sign certificates (KU without keyCertSign).
    let crippled_ca = root.issue(
        CertSpec::ca("Example Crippled CA")
            .serial(&[0x10, 0x02])
            .ku(&[K::DigitalSignature, K::CrlSign]),
    );
    write("pki/ca-without-keycertsign.pem", crippled_ca.pem());

    // Bundles: the same chain as DER PKCS#7, PEM PKCS#7 and DER.
    let chain_der = vec![good.der(), issuing.der(), root.der()];
    let bundle = p7b(&chain_der);
    write("bundles/chain.p7b", &bundle);
    write("bundles/chain-p7b.pem", pem_block("PKCS7", &bundle));
    write("bundles/vpn-example-com.der", good.der());
    // A bundle where the middle block is damaged: the others are audited.
    let mut damaged = issuing.pem();
    let cut = damaged.len() / 2;
    damaged.replace_range(cut..cut + 4, "#@!$");
    write(
        "bundles/one-bad-block.pem",
        format!("{}{}{}", good.pem(), damaged, root.pem()),
    );

    // Bad input.
    write("bad/empty.pem", "");
    let full = good.pem();
    write("bad/truncated.pem", &full[..full.len() / 2]);
    write(
        "bad/not-a-certificate.txt",
        "interface GigabitEthernet1\n ip address 192.0.2.1 255.255.255.0\n",
    );
    // 4 KiB of fixed pseudo-random bytes (xorshift), never a certificate.
    let mut x: u32 = 0x1234_5678;
    let random: Vec<u8> = (0..4096)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect();
    write("bad/random.bin", random);
}
