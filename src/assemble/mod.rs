//! Assembly: the records every loader produced become the subjects of the
//! audit. Duplicates merge by SHA-256 (and `show` entries by fingerprint or
//! issuer and serial, cross-checked against the certificate), every place a
//! certificate was seen is kept, and each subject gets its role: the
//! certificate a peer presents is the end entity whatever its
//! basicConstraints say. Positions within a file (the chain as it is sent),
//! the CERTREQ of an IKE exchange and a trustpoint's CA certificates are
//! found here for the audit.

pub mod crosscheck;

use std::collections::HashMap;

use serde::Serialize;

use crate::load::{LoadedInput, LoadedPartial, Provenance};
use crate::model::partial::{issuer_serial_key, subject_serial_key, Known, ShowEntry, ShowKind};
use crate::model::{Certificate, PoolCert};

/// What a certificate is in this audit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    EndEntity,
    Ca,
}

/// What a subject was read from.
#[derive(Debug, Clone)]
pub enum Record {
    /// The certificate itself (DER): everything is known.
    Full,
    /// What a device printed about it (`show` output): only what [`Known`]
    /// says is known; no signature.
    Partial {
        kind: ShowKind,
        show: Box<ShowEntry>,
    },
}

/// A unique certificate of the run: where it was seen and what it is.
#[derive(Debug, Clone)]
pub struct Subject {
    pub provenance: Provenance,
    /// Other places the same certificate was seen: the same SHA-256, or a
    /// `show` entry with its SHA-1 fingerprint or its issuer and serial.
    pub duplicates: Vec<Provenance>,
    /// The certificate; for a partial record, the parts [`Subject::known`]
    /// names (the rest are placeholders the rule engine never reads).
    pub cert: std::sync::Arc<Certificate>,
    pub record: Record,
    pub known: Known,
    pub role: Role,
    /// Why it got its role, in words.
    pub role_reason: String,
    /// Where `show` output describing this certificate disagrees with it.
    pub cross_check: Vec<String>,
}

impl Subject {
    pub fn is_partial(&self) -> bool {
        matches!(self.record, Record::Partial { .. })
    }

    /// The `show` entry of a partial record.
    pub fn show(&self) -> Option<&ShowEntry> {
        match &self.record {
            Record::Partial { show, .. } => Some(show),
            Record::Full => None,
        }
    }
}

/// Merge duplicates and decide roles. Certificates keep the order in which
/// they were first seen.
pub fn assemble(inputs: &[LoadedInput]) -> Vec<Subject> {
    let mut subjects: Vec<Subject> = Vec::new();
    let mut by_hash: HashMap<&str, usize> = HashMap::new();
    for loaded in inputs.iter().flat_map(|i| i.certs.iter()) {
        if let Some(&i) = by_hash.get(loaded.cert.sha256.as_str()) {
            let s = &mut subjects[i];
            s.duplicates.push(loaded.provenance.clone());
            merge_trustpoints(
                &mut s.provenance.trustpoints,
                &loaded.provenance.trustpoints,
            );
            continue;
        }
        by_hash.insert(loaded.cert.sha256.as_str(), subjects.len());
        subjects.push(Subject {
            provenance: loaded.provenance.clone(),
            duplicates: Vec::new(),
            cert: loaded.cert.clone(),
            record: Record::Full,
            known: Known::FULL,
            role: Role::EndEntity,
            role_reason: String::new(),
            cross_check: Vec::new(),
        });
    }
    if inputs.iter().any(|i| !i.partials.is_empty()) {
        let mut index = PartialIndex::default();
        for (i, s) in subjects.iter().enumerate() {
            index.add(i, &s.cert);
        }
        // Records of certificate listings first: a trustpoint listing says
        // less (no dates, no issuer), so when both describe a certificate
        // the run lacks, the richer record is the one kept.
        let partials = || inputs.iter().flat_map(|i| i.partials.iter());
        for loaded in partials().filter(|l| l.partial.show.listing.is_none()) {
            merge_partial(&mut subjects, &mut index, loaded);
        }
        for loaded in partials().filter(|l| l.partial.show.listing.is_some()) {
            merge_partial(&mut subjects, &mut index, loaded);
        }
    }
    let roles: Vec<(Role, String)> = subjects.iter().map(|s| role_of(s, &subjects)).collect();
    for (s, (role, reason)) in subjects.iter_mut().zip(roles) {
        s.role = role;
        s.role_reason = reason;
    }
    subjects
}

/// The trustpoints of every place a certificate was seen, in order.
fn merge_trustpoints(into: &mut Vec<String>, from: &[String]) {
    for tp in from {
        if !into.contains(tp) {
            into.push(tp.clone());
        }
    }
}

/// A partial record joins the subject it describes (the full certificate
/// wins, and the two are cross-checked), or an earlier record of the same
/// certificate, or becomes a subject of its own.
fn merge_partial(subjects: &mut Vec<Subject>, index: &mut PartialIndex, loaded: &LoadedPartial) {
    let p = &loaded.partial;
    let sha1 = p.show.sha1.as_deref().filter(|s| !s.is_empty());
    let same = sha1
        .and_then(|f| index.by_sha1.get(f))
        .or_else(|| {
            (!p.view.serial.is_empty() && !p.view.issuer.rdns.is_empty())
                .then(|| index.by_issuer_serial.get(&p.issuer_serial_key()))
                .flatten()
        })
        .or_else(|| {
            // A trustpoint listing prints subject and serial, no issuer.
            (!p.view.serial.is_empty() && p.view.issuer.rdns.is_empty())
                .then(|| index.by_subject_serial.get(&subject_serial_key(&p.view)))
                .flatten()
        })
        .copied();
    match same {
        Some(i) => {
            let s = &mut subjects[i];
            s.duplicates.push(loaded.provenance.clone());
            merge_trustpoints(
                &mut s.provenance.trustpoints,
                &loaded.provenance.trustpoints,
            );
            let mut found = crate::assemble::crosscheck::compare(&s.cert, s.known, p);
            for m in &mut found {
                *m = format!("{}: {m}", loaded.provenance);
            }
            s.cross_check.extend(found);
        }
        None => {
            index.add(subjects.len(), &p.view);
            subjects.push(Subject {
                provenance: loaded.provenance.clone(),
                duplicates: Vec::new(),
                cert: std::sync::Arc::new(p.view.clone()),
                record: Record::Partial {
                    kind: p.kind,
                    show: Box::new(p.show.clone()),
                },
                known: p.known,
                role: Role::EndEntity,
                role_reason: String::new(),
                cross_check: Vec::new(),
            })
        }
    }
}

/// Where a partial record's certificate may already be: by SHA-1
/// fingerprint, by issuer + serial, and by subject + serial for records
/// that print no issuer (first subject wins). MD5 fingerprints are kept on
/// the record but not matched: SHA-1 is printed beside every MD5.
#[derive(Default)]
struct PartialIndex {
    by_sha1: HashMap<String, usize>,
    by_issuer_serial: HashMap<String, usize>,
    by_subject_serial: HashMap<String, usize>,
}

impl PartialIndex {
    fn add(&mut self, i: usize, cert: &Certificate) {
        if !cert.sha1.is_empty() {
            self.by_sha1.entry(cert.sha1.clone()).or_insert(i);
        }
        if !cert.serial.is_empty() {
            // A record that printed no issuer has no issuer key: an empty
            // issuer would make every such record with the same serial one.
            if !cert.issuer.rdns.is_empty() {
                self.by_issuer_serial
                    .entry(issuer_serial_key(cert))
                    .or_insert(i);
            }
            if !cert.subject.rdns.is_empty() {
                self.by_subject_serial
                    .entry(subject_serial_key(cert))
                    .or_insert(i);
            }
        }
    }
}

/// The role of one subject. Where an input says which certificate a peer
/// presents, that certificate is the end entity whatever its
/// basicConstraints say (RFC 5280 §6.1 never checks cA on the target; the
/// `chain.leaf-is-ca` rule reports cA=TRUE on it):
///
/// 1. IKE: the first CERT payload of a message is the sender's end entity
///    (RFC 7296 §3.6: "the first certificate provided MUST contain the
///    public key used to verify the AUTH field").
/// 2. IOS running-config: a trustpoint's identity certificate
///    (`certificate <serial>`) and `certificate self-signed` are the
///    device's own; `certificate ca` is a CA.
/// 3. `show crypto pki certificates`: "Certificate" and "Router Self-Signed
///    Certificate" entries are the device's own even when verbose output
///    prints "CA: TRUE"; "CA Certificate" is a CA.
/// 4. Files: see [`presented_in_bundle`].
///
/// A certificate seen in several places is the end entity when any place
/// presents it, even if another files it as a CA certificate: being
/// presented is what makes peers judge it as one, and auditing it as a CA
/// would skip the end-entity rules (a PASS nobody can trust).
fn role_of(subject: &Subject, all: &[Subject]) -> (Role, String) {
    let cert = &subject.cert;
    if let Some(why) = places(subject).find_map(presented_at) {
        // The same certificate also filed as a CA certificate of a
        // trustpoint: say so, the role is still what peers see.
        let also_ca = places(subject).find(|p| p.ios_role == Some(crate::load::IosRole::Ca));
        return match also_ca {
            Some(p) => (
                Role::EndEntity,
                format!("{why}; also listed as a CA certificate at {p}"),
            ),
            None => (Role::EndEntity, why),
        };
    }
    if let Record::Partial { kind, show } = &subject.record {
        return match kind {
            ShowKind::CaCertificate if show.listing.is_some() => (
                Role::Ca,
                "listed as a trustpoint's issuing CA certificate".into(),
            ),
            ShowKind::CaCertificate => (Role::Ca, "printed as a CA Certificate".into()),
            _ if subject.known.extensions && cert.asserts_ca() => {
                (Role::Ca, "basicConstraints CA: TRUE (verbose)".into())
            }
            // Certificate and Router Self-Signed Certificate entries carry
            // their IOS role and are presented (above); kept for a record
            // that lacks it.
            ShowKind::SelfSigned => (
                Role::EndEntity,
                "printed as a Router Self-Signed Certificate".into(),
            ),
            ShowKind::RaCertificate => (Role::EndEntity, "printed as an RA certificate".into()),
            ShowKind::Certificate => (Role::EndEntity, "printed as a Certificate".into()),
        };
    }
    if cert.asserts_ca() {
        if let Some(why) = presented_in_bundle(subject, all) {
            return (Role::EndEntity, why);
        }
        return (Role::Ca, "basicConstraints cA=TRUE".into());
    }
    match issued_by(cert, all) {
        Some(child) => (
            Role::Ca,
            format!(
                "issued {} in this input (no cA=TRUE)",
                child.cert.subject.text
            ),
        ),
        None => (
            Role::EndEntity,
            if cert.self_issued {
                "self-issued, not a CA".into()
            } else {
                "not a CA".into()
            },
        ),
    }
}

/// Every place a subject was seen, its first place first.
fn places(subject: &Subject) -> impl Iterator<Item = &Provenance> {
    std::iter::once(&subject.provenance).chain(&subject.duplicates)
}

/// Why a place says the certificate is presented by a peer as its own
/// (rules 1-3 of [`role_of`]), if it does.
fn presented_at(p: &Provenance) -> Option<String> {
    use crate::load::{Container, IosRole};
    let on_trustpoint = || match p.trustpoints.as_slice() {
        [] => String::new(),
        tps => format!(" (trustpoint {})", tps.join(", ")),
    };
    match (p.container, p.ios_role, &p.ike) {
        // A PKCS#7 CERT payload (encoding 1) holds a set: every certificate
        // of it is "payload 1", so the set rule of `presented_in_bundle`
        // decides among them.
        (Container::Ike, _, Some(ike)) if ike.payload == 1 && p.bundle_index.is_none() => {
            Some(format!(
                "first CERT payload of {} message {}, sent by the {}",
                ike.exchange,
                ike.message_id,
                ike.direction.as_str()
            ))
        }
        (Container::IosShow, Some(IosRole::Identity), _) => {
            Some("printed as a Certificate: the device's own".into())
        }
        (Container::IosShow, Some(IosRole::SelfSigned), _) => {
            Some("printed as a Router Self-Signed Certificate: the device's own".into())
        }
        (_, Some(IosRole::Identity), _) => Some(format!(
            "the trustpoint's identity certificate{}",
            on_trustpoint()
        )),
        (_, Some(IosRole::SelfSigned), _) => Some(format!(
            "the trustpoint's self-signed certificate{}",
            on_trustpoint()
        )),
        _ => None,
    }
}

/// A full certificate of the run that `cert` issued (its issuer name, and
/// its AKI when both key identifiers are there), other than itself.
fn issued_by<'a>(cert: &Certificate, all: &'a [Subject]) -> Option<&'a Subject> {
    all.iter().filter(|o| !o.is_partial()).find(|other| {
        let o = &other.cert;
        o.sha256 != cert.sha256
            && o.issuer.raw == cert.subject.raw
            && !(o.self_issued && o.subject.raw == cert.subject.raw)
            && match (
                o.authority_key_id.as_ref().and_then(|a| a.key_id.as_ref()),
                cert.subject_key_id.as_ref(),
            ) {
                (Some(aki), Some(ski)) => aki == ski,
                _ => true,
            }
    })
}

/// Rule 4 of [`role_of`], for a certificate with cA=TRUE: files say less
/// than IKE or IOS about presentation. It must have issued no certificate
/// of the run (then it is acting as a CA, whatever else it looks like).
///
/// A headend's chain file (`[leaf, intermediate]`, as the headend sends it)
/// and a CA bundle (`ca-chain.pem` = `[intermediate, root]`) look alike:
/// both have a certificate at the bottom that issued none of the others.
/// Taking every such certificate as presented would audit CA files as end
/// entities in every sweep; taking none leaves a cA=TRUE headend certificate
/// without its end-entity rules and says PASS for what the peer rejects.
/// So the bottom certificate is the presented end entity only when it also
/// looks like one:
///
/// - the bottom: the first certificate of an ordered input (PEM, DER,
///   base64, hex: the chain as it is sent, leaf first), or in a PKCS#7
///   bundle (a SET, so unordered: order says nothing) the one that issued
///   none of the others — implied by "issued nothing in the run";
/// - looks like an end entity: SAN names a peer is identified by (DNS, IP,
///   otherName), which no CA's job needs; or, when Key Usage does not
///   assert keyCertSign or cRLSign (the CA bits), SAN email/URI entries, an
///   EKU with a purpose other than anyExtendedKeyUsage, or a Key Usage at
///   all. The CA bits outweigh EKU and email/URI SANs because CAs carry
///   those too (EKU-constrained intermediates, URI SANs of SPIFFE CAs), and
///   they outweigh a Key Usage lacking keyCertSign (a CA that cannot sign,
///   which the `ca.*` rules report, usually keeps cRLSign).
///
/// IOS places (running-config, `show` output, the trustpoint sections of
/// `show ... pem`) are decided by their IOS role alone.
fn presented_in_bundle(subject: &Subject, all: &[Subject]) -> Option<String> {
    use crate::load::Container;
    // Cheapest first: a directory of CA files must not cost a scan of the
    // run per certificate.
    let signal = end_entity_signal(&subject.cert)?;
    let bottom = places(subject).find(|p| {
        p.ios_role.is_none()
            && !matches!(
                p.container,
                Container::RunningConfig | Container::IosShow | Container::IosTrustpoints
            )
            && (p.bundle_index.is_some() || p.index == 1)
    })?;
    if issued_by(&subject.cert, all).is_some() {
        return None;
    }
    let bottom = if bottom.bundle_index.is_some() {
        "in a PKCS#7 bundle (unordered), the certificate that issued none of the others"
    } else if all
        .iter()
        .flat_map(places)
        .any(|q| q.file == bottom.file && q.index > 1)
    {
        "presented first in the bundle"
    } else {
        "the only certificate of its input"
    };
    Some(format!(
        "{bottom}, basicConstraints cA=TRUE; it issued no certificate here and has {signal}"
    ))
}

/// What makes a certificate look like an end entity (see
/// [`presented_in_bundle`]), in words; `None` when it looks like a CA.
fn end_entity_signal(cert: &Certificate) -> Option<String> {
    use crate::model::{KeyUsageBit, SanEntry};
    /// Entries named in the reason, at most (a SAN can be long).
    const SHOWN: usize = 3;
    let sans = |keep: fn(&SanEntry) -> bool| -> Option<String> {
        let found: Vec<&SanEntry> = cert
            .subject_alt_name
            .iter()
            .flat_map(|s| s.entries.iter())
            .filter(|e| keep(e))
            .collect();
        let (shown, rest) = found.split_at(found.len().min(SHOWN));
        let shown: Vec<String> = shown.iter().map(|e| e.to_string()).collect();
        (!shown.is_empty()).then(|| {
            let more = if rest.is_empty() {
                String::new()
            } else {
                format!(" and {} more", rest.len())
            };
            format!("SAN {}{more}", shown.join(", "))
        })
    };
    if let Some(s) = sans(|e| {
        matches!(
            e,
            SanEntry::Dns(_) | SanEntry::Ip(_) | SanEntry::OtherName(_)
        )
    }) {
        return Some(s);
    }
    let ku = cert.key_usage;
    if ku.is_some_and(|k| k.has(KeyUsageBit::KeyCertSign) || k.has(KeyUsageBit::CrlSign)) {
        return None;
    }
    if let Some(s) = sans(|e| matches!(e, SanEntry::Email(_) | SanEntry::Uri(_))) {
        return Some(s);
    }
    if let Some(eku) = &cert.extended_key_usage {
        let purposes: Vec<&str> = eku
            .purposes
            .iter()
            .filter(|p| *p != crate::oids::EKU_ANY)
            .map(|p| crate::oids::eku_name(p).unwrap_or(p))
            .collect();
        if !purposes.is_empty() {
            let more = purposes.len().saturating_sub(SHOWN);
            let more = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            return Some(format!(
                "EKU {}{more}",
                purposes
                    .iter()
                    .take(SHOWN)
                    .copied()
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    ku.map(|k| {
        format!(
            "Key Usage [{}] without keyCertSign or cRLSign",
            k.names().join(", ")
        )
    })
}

/// Every place a subject was seen in `file`, as positions among the
/// certificates of that file.
/// For a certificate sent in an IKE message, only the certificates of the
/// same message count (a capture holds both peers' chains).
pub fn position_in(s: &Subject, leaf: &Provenance) -> Option<usize> {
    let same_message = |p: &Provenance| match (&leaf.ike, &p.ike) {
        (None, _) => true,
        (Some(a), Some(b)) => {
            a.spi_i == b.spi_i
                && a.message_id == b.message_id
                && a.direction == b.direction
                && leaf.frame == p.frame
        }
        (Some(_), None) => false,
    };
    std::iter::once(&s.provenance)
        .chain(&s.duplicates)
        .filter(|p| p.file == leaf.file && same_message(p))
        .map(|p| p.index)
        .min()
}

/// The CERTREQ hashes the other side of the IKE SA sent, for a certificate
/// read from a capture or dump.
pub fn requested_in_capture(s: &Subject, inputs: &[LoadedInput]) -> Option<Vec<String>> {
    let origin = s.provenance.ike.as_ref()?;
    inputs
        .iter()
        .find(|i| i.file == s.provenance.file)
        .and_then(|i| i.ike.as_deref())
        .and_then(|report| report.requested_for(origin))
}

/// For the identity certificate of a running-config trustpoint: the CA
/// certificates of the same trustpoint in the same running-config.
pub fn trustpoint_anchors(s: &Subject, inputs: &[LoadedInput]) -> Vec<PoolCert> {
    use crate::load::{Container, IosRole};
    let p = &s.provenance;
    if p.container != Container::RunningConfig || p.ios_role != Some(IosRole::Identity) {
        return Vec::new();
    }
    inputs
        .iter()
        .filter(|i| i.file == p.file)
        .flat_map(|i| i.certs.iter())
        .filter(|c| {
            c.provenance.ios_role == Some(IosRole::Ca)
                && c.provenance
                    .trustpoints
                    .iter()
                    .any(|t| p.trustpoints.contains(t))
        })
        .map(|c| PoolCert {
            cert: Certificate::clone(&c.cert),
            source: format!(
                "{} (trustpoint {})",
                c.provenance,
                c.provenance.trustpoints.join(", ")
            ),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    //! Role decisions on inputs made by the testkit; the input kinds end to
    //! end (IKE, IOS, PKCS#7, show output) are in tests/it/end_entity.rs.
    use super::*;
    use crate::load::load_bytes;
    use crate::testkit::{p7b, CertSpec, Issued};
    use rcgen::{ExtendedKeyUsagePurpose as E, KeyUsagePurpose as K};

    fn roles(name: &str, bytes: &[u8]) -> Vec<(String, Role, String)> {
        assemble(&[load_bytes(name, bytes)])
            .into_iter()
            .map(|s| {
                let cn = s.cert.subject.common_names.join(",");
                (cn, s.role, s.role_reason)
            })
            .collect()
    }

    fn role(name: &str, bytes: &[u8], cn: &str) -> (Role, String) {
        roles(name, bytes)
            .into_iter()
            .find(|(c, _, _)| c == cn)
            .map(|(_, r, why)| (r, why))
            .unwrap_or_else(|| panic!("no {cn} in {name}"))
    }

    fn pem(certs: &[&Issued]) -> String {
        certs.iter().map(|c| c.pem()).collect()
    }

    /// RFC 5280 §4.2.1.9: cA=TRUE alone keeps a CA; the bottom of a bundle
    /// becomes the presented end entity only with an end-entity signal.
    #[test]
    fn bundle_bottom_needs_an_end_entity_signal() {
        let root = Issued::root("Root");
        let ca = |spec: CertSpec| root.issue(spec);
        let cases: &[(&str, CertSpec, Role)] = &[
            // SAN DNS names outweigh the CA Key Usage bits.
            (
                "dns",
                CertSpec::ca("dns").san_dns(&["vpn.example.com"]),
                Role::EndEntity,
            ),
            (
                "ip",
                CertSpec::ca("ip").san_ip(&["192.0.2.1"]),
                Role::EndEntity,
            ),
            // Key Usage without keyCertSign or cRLSign: not a CA's.
            (
                "ku",
                CertSpec::ca("ku").ku(&[K::DigitalSignature, K::KeyEncipherment]),
                Role::EndEntity,
            ),
            // An EKU or an email SAN, but no Key Usage at all.
            (
                "eku",
                CertSpec::ca("eku").ku(&[]).eku(&[E::ServerAuth]),
                Role::EndEntity,
            ),
            (
                "mail",
                CertSpec::ca("mail").ku(&[]).san_email("vpn@example.com"),
                Role::EndEntity,
            ),
            // CAs: the CA bits outweigh an EKU (EKU-constrained issuing CAs)
            // and an email SAN; a CA without keyCertSign keeps cRLSign.
            ("plain", CertSpec::ca("plain"), Role::Ca),
            (
                "eku-ca",
                CertSpec::ca("eku-ca").eku(&[E::ServerAuth, E::ClientAuth]),
                Role::Ca,
            ),
            (
                "mail-ca",
                CertSpec::ca("mail-ca").san_email("pki@example.com"),
                Role::Ca,
            ),
            (
                "crippled",
                CertSpec::ca("crippled").ku(&[K::DigitalSignature, K::CrlSign]),
                Role::Ca,
            ),
            // anyExtendedKeyUsage says nothing about the holder.
            ("any", CertSpec::ca("any").ku(&[]).eku(&[E::Any]), Role::Ca),
            ("bare", CertSpec::ca("bare").ku(&[]), Role::Ca),
        ];
        for (cn, spec, want) in cases {
            let first = ca(spec.clone());
            let bytes = pem(&[&first, &root]);
            let (got, why) = role("bundle.pem", bytes.as_bytes(), cn);
            assert_eq!(got, *want, "{cn}: {why}");
            if *want == Role::EndEntity {
                assert!(
                    why.starts_with("presented first in the bundle, basicConstraints cA=TRUE"),
                    "{cn}: {why}"
                );
            }
        }
    }

    /// Only the bottom of an ordered input is presented: the same
    /// certificate second in a file stays a CA, and a first certificate that
    /// issued another of the run is a CA whatever it looks like.
    #[test]
    fn only_the_bottom_of_an_ordered_input_is_presented() {
        let root = Issued::root("Root");
        let looks_ee = root.issue(CertSpec::ca("looks-ee").san_dns(&["vpn.example.com"]));
        let (r, _) = role(
            "second.pem",
            pem(&[&root, &looks_ee]).as_bytes(),
            "looks-ee",
        );
        // root issued it, it issued nothing, but it is not first.
        assert_eq!(r, Role::Ca);
        let issuer = root.issue(CertSpec::ca("issuer").san_dns(&["ca.example.com"]));
        let child = issuer.issue(CertSpec::leaf("child"));
        let (r, why) = role("reversed.pem", pem(&[&issuer, &child]).as_bytes(), "issuer");
        assert_eq!(r, Role::Ca, "{why}");
        let (r, why) = role("one.der", &looks_ee.der(), "looks-ee");
        assert_eq!(r, Role::EndEntity);
        assert!(
            why.starts_with("the only certificate of its input"),
            "{why}"
        );
    }

    /// A PKCS#7 bundle is a SET: its stored order says nothing, issuance
    /// does.
    #[test]
    fn pkcs7_bottom_is_found_by_issuance() {
        let root = Issued::root("Root");
        let issuing = root.issue(CertSpec::ca("Issuing"));
        let leaf = issuing.issue(CertSpec::ca("leaf").san_dns(&["vpn.example.com"]));
        let bytes = p7b(&[root.der(), issuing.der(), leaf.der()]);
        let got = roles("chain.p7b", &bytes);
        assert_eq!(got.len(), 3);
        for (cn, r, why) in got {
            let want = if cn == "leaf" {
                Role::EndEntity
            } else {
                Role::Ca
            };
            assert_eq!(r, want, "{cn}: {why}");
        }
    }
}
