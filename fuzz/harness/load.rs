//! The loader on arbitrary bytes: PEM, DER, PKCS#7 and bare base64 sniffing,
//! then every field of every certificate it returns, and every key, CSR,
//! CRL, public key or text object it recognised.

use std::fmt::Write;

use pkiaudit::load::load_bytes;

/// The kind the first-ranked object gives a file.
fn o_kind(input: &pkiaudit::load::LoadedInput) -> &'static str {
    ["private-key", "csr", "crl", "public-key", "text", "other"]
        .into_iter()
        .find(|k| input.objects.iter().any(|o| o.kind_name() == *k))
        .unwrap_or("")
}

/// One run of the target on `data`; panics on a finding.
pub fn run(data: &[u8]) {
    let input = load_bytes("fuzz", data);

    // Something is always reported, and every problem says what it is.
    assert!(
        !input.certs.is_empty() || !input.partials.is_empty() || !input.problems.is_empty(),
        "nothing reported for a {}-byte input",
        data.len()
    );
    let mut sink = String::new();
    for p in &input.problems {
        assert!(!p.message.trim().is_empty(), "empty problem message: {p:?}");
        let _ = write!(sink, "{p}");
    }
    for loaded in &input.certs {
        let c = &loaded.cert;
        let _ = write!(sink, "{}", loaded.provenance);
        let _ = write!(
            sink,
            "{} {} {} {} {:?} {:?}",
            c.subject.text, c.issuer.text, c.serial, c.version, c.not_before, c.not_after
        );
        let _ = write!(sink, "{} {:?}", c.key, c.signature_algorithm);
        if let Some(ku) = &c.key_usage {
            let _ = write!(sink, "{:?}", ku.names());
        }
        if let Some(eku) = &c.extended_key_usage {
            let _ = write!(sink, "{}", eku.describe());
        }
        if let Some(san) = &c.subject_alt_name {
            for e in &san.entries {
                let _ = write!(sink, "{e}");
            }
        }
        let _ = write!(
            sink,
            "{:?} {:?} {:?} {:?} {:?} {:?} {:?}",
            c.basic_constraints,
            c.subject_key_id,
            c.authority_key_id,
            c.crl_distribution_points,
            c.authority_info_access,
            c.extension_problems,
            c.unknown_critical_extensions
        );
        let _ = write!(
            sink,
            "{} {} {} {} {:?} {} {}",
            c.sha1,
            c.sha256,
            c.spki_sha1,
            c.self_issued,
            c.self_signature_valid(),
            c.asserts_ca(),
            c.is_self_signed()
        );
        let _ = c.san_dns_ip();
        let _ = c.days_left(c.not_before);
        let _ = c.days_left(c.not_after);
        let _ = pkiaudit::report::text::label(c);
        // The certificate as read must read again, alone, the same way.
        let again = pkiaudit::model::Certificate::from_der(&c.der)
            .expect("a loaded certificate's own DER must parse again");
        assert_eq!(again.sha256, c.sha256);
    }
    // Partial records (`show` output): every field, and what they may claim.
    for p in &input.partials {
        let v = &p.partial.view;
        assert!(v.der.is_empty(), "a partial record must not carry DER");
        assert!(!p.partial.known.der, "a partial record cannot know the DER");
        let _ = write!(
            sink,
            "{} {} {} {:?} {:?} {:?}",
            v.subject.ios_text(),
            v.issuer.ios_text(),
            v.serial,
            p.partial.known,
            p.partial.show,
            p.provenance
        );
    }
    // Keys, CSRs, CRLs, public keys, text: each named, bounded, and read
    // back from its JSON form; the file has a kind.
    assert!(input.objects.len() <= pkiaudit::load::MAX_OBJECTS_PER_INPUT);
    for o in &input.objects {
        let described = o.describe();
        assert!(!described.trim().is_empty(), "object without words: {o:?}");
        let json = serde_json::to_string(o).expect("object serialises");
        let back: pkiaudit::load::FoundObject =
            serde_json::from_str(&json).expect("object reads back");
        assert_eq!(&back, o);
        let _ = write!(sink, "{described} {}", o.kind_name());
    }
    let kind = input.kind();
    assert!(!kind.is_empty());
    if !input.objects.is_empty() && input.certs.is_empty() && input.partials.is_empty() {
        assert!(
            input.ios_config.is_some() || input.ike.is_some() || kind == o_kind(&input),
            "kind {kind} for objects {:?}",
            input.objects
        );
    }
    let _ = input.private_keys().count();
    if let Some(cfg) = &input.ios_config {
        let _ = write!(
            sink,
            "{}",
            serde_json::to_string(cfg).expect("config serialises")
        );
    }
    std::hint::black_box(sink);
}
