//! Write N end-entity certificates whose CRL distribution point is
//! `URL`, their CA, and that CA's CRL with `ENTRIES` revocations (every
//! 10th certificate among them), for `bench/crl-vs-openssl.sh`:
//!
//! ```sh
//! cargo run --release --example gen_crl_inventory -- DIR N ENTRIES URL
//! ```

#[path = "../tests/it/common/testkit.rs"]
mod testkit;

use rcgen::{
    CertificateRevocationListParams, Issuer, KeyIdMethod, RevocationReason, RevokedCertParams,
    SerialNumber,
};
use testkit::{ymd, CertSpec, Issued};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, n, entries, url] = args.as_slice() else {
        panic!("usage: gen_crl_inventory DIR N ENTRIES URL");
    };
    let n: u64 = n.parse().expect("N");
    let entries: u64 = entries.parse().expect("ENTRIES");
    std::fs::create_dir_all(format!("{dir}/certs")).expect("mkdir");
    let root = Issued::root("CRL Bench Root");
    std::fs::write(format!("{dir}/ca.pem"), root.pem()).expect("write CA");
    let serial = |i: u64| {
        let mut s = vec![0x40];
        s.extend(i.to_be_bytes());
        s
    };
    for i in 0..n {
        let leaf = root.issue(
            CertSpec::leaf(&format!("client{i}.example.com"))
                .serial(&serial(i))
                .cdp(url),
        );
        std::fs::write(format!("{dir}/certs/c{i:05}.pem"), leaf.pem()).expect("write leaf");
    }
    // every 10th certificate, then filler serials up to ENTRIES
    let revoked = (0..n)
        .filter(|i| i % 10 == 0)
        .chain((1_000_000..).take(entries.saturating_sub(n / 10) as usize))
        .map(|i| RevokedCertParams {
            serial_number: SerialNumber::from_slice(&serial(i)),
            revocation_time: ymd((2025, 6, 1)),
            reason_code: Some(RevocationReason::KeyCompromise),
            invalidity_date: None,
        })
        .collect();
    let crl = CertificateRevocationListParams {
        this_update: ymd((2025, 12, 1)),
        next_update: ymd((2026, 12, 1)),
        crl_number: SerialNumber::from(1u64),
        issuing_distribution_point: None,
        revoked_certs: revoked,
        key_identifier_method: KeyIdMethod::Sha256,
    }
    .signed_by(&Issuer::from_params(&root.params, &root.key))
    .expect("CRL");
    std::fs::write(format!("{dir}/ca.crl"), crl.der()).expect("write CRL");
}
