//! Write an inventory of N headend certificates (one PEM file each) under
//! one issuing CA, for the benchmark script `bench/check-vs-openssl.sh`:
//!
//! ```sh
//! cargo run --release --example gen_inventory -- DIR N
//! ```

#[path = "../tests/it/common/testkit.rs"]
mod testkit;

use rcgen::{ExtendedKeyUsagePurpose as E, KeyUsagePurpose as K};
use testkit::{ymd, CertSpec, Issued};

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().expect("usage: gen_inventory DIR N");
    let n: usize = args
        .next()
        .and_then(|s| s.parse().ok())
        .expect("usage: gen_inventory DIR N");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let root = Issued::root("Bench Root CA");
    let ca = root.issue(CertSpec::ca("Bench Issuing CA"));
    std::fs::write(
        format!("{dir}/../ca.pem"),
        format!("{}{}", ca.pem(), root.pem()),
    )
    .expect("write CA");
    for i in 0..n {
        let name = format!("vpn{i}.example.com");
        // every 10th expires within 30 days of 2026-06-01, every 25th has the wrong EKU
        let not_after = if i % 10 == 0 {
            ymd((2026, 6, 20))
        } else {
            ymd((2030, 1, 1))
        };
        let eku = if i % 25 == 0 {
            E::ClientAuth
        } else {
            E::ServerAuth
        };
        let leaf = ca.issue(
            CertSpec::leaf(&name)
                .san_dns(&[&name])
                .serial(&(i as u32 + 1).to_be_bytes())
                .ku(&[K::DigitalSignature, K::KeyAgreement])
                .eku(&[eku])
                .valid(ymd((2025, 1, 1)), not_after),
        );
        std::fs::write(format!("{dir}/{name}.pem"), leaf.pem()).expect("write leaf");
    }
}
