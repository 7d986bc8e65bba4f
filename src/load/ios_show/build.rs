//! A finished entry → a [`PartialCertificate`], with the decoders for the
//! values IOS prints as text (key usage mask, EKU names, SAN entries,
//! signature algorithm names).

use super::super::{Container, LoadOptions, LoadedInput, ProblemLevel};
use super::Draft;
use crate::model::partial::{Known, PartialCertificate};
use crate::model::{
    BasicConstraints, Certificate, ExtendedKeyUsage, KeyInfo, KeyUsage, Name, SanEntry, SigHash,
    SignatureAlgorithm, SubjectAltName,
};
use crate::oids;

/// Close an entry: a pending request is reported, anything else becomes a
/// partial certificate.
pub(super) fn finish(input: &mut LoadedInput, d: Draft, opts: &LoadOptions) {
    let _ = opts;
    let pending = d
        .entry
        .status
        .as_deref()
        .is_some_and(|s| s.eq_ignore_ascii_case("pending"));
    if pending {
        input.problem(
            ProblemLevel::Note,
            Some(d.line),
            None,
            format!(
                "enrollment request pending{}: not a certificate",
                match d.entry.trustpoints.as_slice() {
                    [] => String::new(),
                    tps => format!(" on trustpoint {}", tps.join(", ")),
                }
            ),
        );
        return;
    }
    let mut missing = Vec::new();
    if d.entry.serial_printed.is_none() {
        missing.push("serial number");
    }
    if d.subject.is_empty() {
        missing.push("subject");
    }
    if d.issuer.is_empty() {
        missing.push("issuer");
    }
    if d.subject.is_empty() && d.issuer.is_empty() && d.entry.serial_printed.is_none() {
        input.problem(
            ProblemLevel::Error,
            Some(d.line),
            None,
            "entry has no serial number, subject or issuer: not read as a certificate",
        );
        return;
    }
    if !missing.is_empty() {
        input.problem(
            ProblemLevel::Warning,
            Some(d.line),
            None,
            format!("entry has no {}", missing.join(", ")),
        );
    }
    let line = d.line;
    let partial = build(input, d);
    input.push_partial(partial, Container::IosShow, Some(line));
}

/// Turn a draft into the certificate view and what it lets the rules know.
pub(super) fn build(input: &mut LoadedInput, d: Draft) -> PartialCertificate {
    let mut view = Certificate::placeholder();
    let mut known = Known {
        der: false,
        validity: false,
        extensions: false,
        key: false,
        signature_algorithm: false,
    };
    view.subject = Name::from_ios_rdns(d.subject);
    view.issuer = Name::from_ios_rdns(d.issuer);
    view.self_issued = !view.subject.rdns.is_empty()
        && view.subject.ios_text().to_lowercase() == view.issuer.ios_text().to_lowercase();
    if let Some(serial) = &d.entry.serial_printed {
        view.serial = serial_from_printed(input, d.line, serial);
    }
    view.version = d.version.unwrap_or(0);
    // Validity: both dates, in known zones, in the right order.
    match (&d.entry.not_before, &d.entry.not_after) {
        (Some(nb), Some(na)) => match (nb.utc, na.utc) {
            (Some(b), Some(a)) if a >= b => {
                view.not_before = b;
                view.not_after = a;
                known.validity = true;
            }
            (Some(_), Some(_)) => input.problem(
                ProblemLevel::Warning,
                Some(d.line),
                None,
                format!(
                    "implausible validity: end date `{}` is before start date `{}` (older IOS \
                     prints dates from 2038 on wrongly); validity not judged from this entry",
                    na.raw, nb.raw
                ),
            ),
            _ => {}
        },
        _ => input.problem(
            ProblemLevel::Warning,
            Some(d.line),
            None,
            "entry has no complete Validity Date (start and end date)",
        ),
    }
    // Key (verbose on IOS, always on ASA).
    if let Some(alg) = &d.key_alg {
        let lower = alg.to_ascii_lowercase();
        if lower.contains("rsa") {
            if let Some(bits) = d.key_bits {
                view.key = KeyInfo::Rsa { bits };
                known.key = true;
            }
        } else if lower.contains("dsa") && !lower.contains("ecdsa") {
            if let Some(bits) = d.key_bits {
                view.key = KeyInfo::Dsa { bits };
                known.key = true;
            }
        }
        // EC: the output names no curve, so the key is not known.
    }
    if let Some(sig) = &d.sig {
        match signature_from_text(sig) {
            Some(s) => {
                view.signature_algorithm = s;
                known.signature_algorithm = true;
            }
            None => input.problem(
                ProblemLevel::Warning,
                Some(d.line),
                None,
                format!("signature algorithm `{sig}` not recognised"),
            ),
        }
    }
    // Every entry ends with its `Associated Trustpoint(s)` line (ASA:
    // before `Storage`); one without it was cut off, and what it did not
    // print cannot count as absent.
    let complete = !d.entry.trustpoints.is_empty();
    if !complete {
        input.problem(
            ProblemLevel::Warning,
            Some(d.line),
            None,
            "entry has no `Associated Trustpoints` line: the output looks cut off, so \
             extensions it does not show are not taken as absent",
        );
    }
    if d.entry.verbose && complete {
        known.extensions = true;
        if let Some(mask) = &d.entry.key_usage_mask {
            match ku_from_mask(mask) {
                Ok(ku) => {
                    check_ku_names(input, d.line, &ku, &d.ku_names);
                    view.key_usage = Some(ku);
                }
                Err(e) => {
                    known.extensions = false;
                    input.problem(ProblemLevel::Warning, Some(d.line), None, e);
                }
            }
        }
        if !d.entry.eku_names.is_empty() {
            let mut purposes = Vec::new();
            for name in &d.entry.eku_names {
                match eku_oid(name) {
                    Some(oid) => purposes.push(oid),
                    None => {
                        input.problem(
                            ProblemLevel::Warning,
                            Some(d.line),
                            None,
                            format!("extended key usage `{name}` not recognised; kept as an unknown purpose"),
                        );
                        purposes.push(format!("unknown:{name}"));
                    }
                }
            }
            view.extended_key_usage = Some(ExtendedKeyUsage {
                critical: false,
                purposes,
            });
        }
        if !d.entry.san_printed.is_empty() {
            view.subject_alt_name = Some(SubjectAltName {
                critical: false,
                entries: d
                    .entry
                    .san_printed
                    .iter()
                    .map(|s| san_from_text(s))
                    .collect(),
            });
        }
        if let Some(ca) = d.ca {
            view.basic_constraints = Some(BasicConstraints {
                critical: false,
                ca,
                path_len: d.path_len,
            });
        }
        view.subject_key_id = d.ski.clone();
        view.authority_key_id = d.aki.clone().map(|k| crate::model::AuthorityKeyId {
            key_id: Some(k),
            issuer: Vec::new(),
            serial: None,
        });
    }
    view.crl_distribution_points = d.entry.crl_distribution_points.clone();
    if !d.entry.ocsp.is_empty() {
        view.authority_info_access = Some(crate::model::AuthorityInfoAccess {
            ocsp: d.entry.ocsp.clone(),
            ..Default::default()
        });
    }
    if let Some(sha1) = &d.entry.sha1 {
        view.sha1 = sha1.clone();
    }
    PartialCertificate {
        kind: d.kind,
        view,
        known,
        show: d.entry,
    }
}

/// A serial as IOS or ASA prints it (`4A3F0001`, `00FF..`, `0x1a`,
/// `1a:2b`) → the model's form: upper-case hex without the DER sign octet.
/// Anything else is kept as printed, with a warning.
pub(super) fn serial_from_printed(input: &mut LoadedInput, line: usize, serial: &str) -> String {
    let hex: String = serial
        .trim()
        .trim_start_matches("0x")
        .trim_start_matches("0X")
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ':')
        .collect::<String>()
        .to_ascii_uppercase();
    if hex.chars().all(|c| c.is_ascii_hexdigit()) && !hex.is_empty() {
        // IOS prints the INTEGER's content octets, DER sign octet
        // included (`00FF...`); the model drops that one octet.
        let sign_octet = hex.len() > 2
            && hex.len().is_multiple_of(2)
            && hex.starts_with("00")
            && hex[2..3].chars().all(|c| "89ABCDEF".contains(c));
        if sign_octet {
            hex[2..].to_string()
        } else {
            hex
        }
    } else {
        input.problem(
            ProblemLevel::Warning,
            Some(line),
            None,
            format!("serial `{serial}` is not hexadecimal"),
        );
        serial.to_string()
    }
}

/// `A0000000` → digitalSignature + keyEncipherment: IOS prints the KU bit
/// string left-aligned in a 32-bit word, bit 0 (digitalSignature) first.
pub(crate) fn ku_from_mask(mask: &str) -> Result<KeyUsage, String> {
    let hex = mask.trim();
    let value = u32::from_str_radix(hex, 16)
        .map_err(|_| format!("key usage mask `{hex}` is not 8 hex digits"))?;
    if hex.len() != 8 {
        return Err(format!("key usage mask `{hex}` is not 8 hex digits"));
    }
    if value & 0x007f_ffff != 0 {
        return Err(format!(
            "key usage mask `{hex}` sets bits beyond decipherOnly (bit 8)"
        ));
    }
    let mut flags = 0u16;
    for i in 0..9 {
        if value & (0x8000_0000 >> i) != 0 {
            flags |= 1 << i;
        }
    }
    Ok(KeyUsage {
        critical: false,
        flags,
    })
}

/// The names IOS prints under the mask, as the RFC 5280 names.
pub(super) fn ku_name(printed: &str) -> Option<&'static str> {
    let p: String = printed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    Some(match p.as_str() {
        "digitalsignature" => "digitalSignature",
        "nonrepudiation" => "nonRepudiation",
        "keyencipherment" => "keyEncipherment",
        "dataencipherment" => "dataEncipherment",
        "keyagreement" => "keyAgreement",
        "certsign" | "keycertsign" | "certificatesign" => "keyCertSign",
        "crlsignature" | "crlsign" => "cRLSign",
        "encipheronly" => "encipherOnly",
        "decipheronly" => "decipherOnly",
        _ => return None,
    })
}

pub(super) fn check_ku_names(
    input: &mut LoadedInput,
    line: usize,
    ku: &KeyUsage,
    printed: &[String],
) {
    if printed.is_empty() {
        return;
    }
    let mut names: Vec<&str> = printed.iter().filter_map(|p| ku_name(p)).collect();
    names.sort_unstable();
    let mut from_mask = ku.names();
    from_mask.sort_unstable();
    if names != from_mask {
        input.problem(
            ProblemLevel::Warning,
            Some(line),
            None,
            format!(
                "key usage names printed ({}) disagree with the mask ({}); the mask is used",
                printed.join(", "),
                from_mask.join(", ")
            ),
        );
    }
}

/// Extended key usage names as IOS and ASA print them.
pub(crate) fn eku_oid(name: &str) -> Option<String> {
    let p: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
        .collect::<String>()
        .to_ascii_lowercase();
    Some(
        match p.as_str() {
            "serverauth" | "tlswebserverauthentication" => oids::EKU_SERVER_AUTH,
            "clientauth" | "tlswebclientauthentication" => oids::EKU_CLIENT_AUTH,
            "codesigning" | "codesign" => "1.3.6.1.5.5.7.3.3",
            "emailprotection" | "secureemail" => "1.3.6.1.5.5.7.3.4",
            "ipsecendsystem" => "1.3.6.1.5.5.7.3.5",
            "ipsectunnel" => "1.3.6.1.5.5.7.3.6",
            "ipsecuser" => "1.3.6.1.5.5.7.3.7",
            "timestamping" | "timestamp" => "1.3.6.1.5.5.7.3.8",
            "ocspsigning" | "ocspsign" => "1.3.6.1.5.5.7.3.9",
            "ipsecike" | "ipsecikeintermediate" => oids::EKU_IPSEC_IKE,
            "ikeintermediate" => oids::EKU_IKE_INTERMEDIATE,
            "anyextendedkeyusage" | "any" => oids::EKU_ANY,
            // an OID IOS has no name for is printed dotted
            dotted
                if dotted.contains('.')
                    && dotted.chars().all(|c| c.is_ascii_digit() || c == '.') =>
            {
                return Some(dotted.to_string())
            }
            _ => return None,
        }
        .to_string(),
    )
}

pub(super) fn san_from_text(s: &str) -> SanEntry {
    let t = s.trim();
    let (label, value) = match t.find(':') {
        Some(i) if !t[..i].contains('/') && !t[i..].starts_with("://") => {
            (t[..i].trim().to_ascii_lowercase(), t[i + 1..].trim())
        }
        _ => (String::new(), t),
    };
    match label.as_str() {
        "dns name" | "dns" => return SanEntry::Dns(value.to_string()),
        "ip address" | "ip" => return SanEntry::Ip(value.to_string()),
        "email" | "email address" => return SanEntry::Email(value.to_string()),
        "uri" => return SanEntry::Uri(value.to_string()),
        "" => {}
        _ => {
            // an IPv6 address has colons too
            if t.parse::<std::net::IpAddr>().is_ok() {
                return SanEntry::Ip(t.to_string());
            }
            return SanEntry::OtherName(t.to_string());
        }
    }
    if value.parse::<std::net::IpAddr>().is_ok() {
        SanEntry::Ip(value.to_string())
    } else if value.contains('@') {
        SanEntry::Email(value.to_string())
    } else if value.contains("://") {
        SanEntry::Uri(value.to_string())
    } else {
        SanEntry::Dns(value.to_string())
    }
}

/// `SHA256 with RSA Encryption`, `ECDSA with SHA384`, `sha1WithRSAEncryption`.
pub(super) fn signature_from_text(text: &str) -> Option<SignatureAlgorithm> {
    let p: String = text
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    let hash = if p.contains("sha512") {
        SigHash::Sha512
    } else if p.contains("sha384") {
        SigHash::Sha384
    } else if p.contains("sha256") {
        SigHash::Sha256
    } else if p.contains("sha224") {
        SigHash::Sha224
    } else if p.contains("sha1") {
        SigHash::Sha1
    } else if p.contains("md5") {
        SigHash::Md5
    } else {
        return None;
    };
    let family = if p.contains("ecdsa") {
        "ecdsa"
    } else if p.contains("dsa") {
        "dsa"
    } else if p.contains("rsa") {
        "rsa"
    } else {
        return None;
    };
    let name = match (family, hash) {
        ("rsa", SigHash::Md5) => "md5WithRSAEncryption",
        ("rsa", SigHash::Sha1) => "sha1WithRSAEncryption",
        ("rsa", SigHash::Sha224) => "sha224WithRSAEncryption",
        ("rsa", SigHash::Sha256) => "sha256WithRSAEncryption",
        ("rsa", SigHash::Sha384) => "sha384WithRSAEncryption",
        ("rsa", SigHash::Sha512) => "sha512WithRSAEncryption",
        ("ecdsa", SigHash::Sha1) => "ecdsa-with-SHA1",
        ("ecdsa", SigHash::Sha224) => "ecdsa-with-SHA224",
        ("ecdsa", SigHash::Sha256) => "ecdsa-with-SHA256",
        ("ecdsa", SigHash::Sha384) => "ecdsa-with-SHA384",
        ("ecdsa", SigHash::Sha512) => "ecdsa-with-SHA512",
        ("dsa", SigHash::Sha1) => "dsa-with-sha1",
        ("dsa", SigHash::Sha256) => "dsa-with-sha256",
        _ => return None,
    };
    let oid = oids::signature_algorithm_oid(name)?;
    Some(SignatureAlgorithm {
        name: name.to_string(),
        oid: oid.to_string(),
        hash,
    })
}
