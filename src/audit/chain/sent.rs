//! The chain the input sends, compared with the path that verified, and
//! the peer's CERTREQ.

use super::{ChainInput, ChainKind, ChainOptions, ChainReport, Node, Origin};
use crate::audit::path::same_key_and_name;
use crate::model::Certificate;

/// Compare the chain the input sends with the path that verified.
pub(super) fn sent_chain(report: &mut ChainReport, input: &ChainInput<'_>, path: &[Node<'_>]) {
    let in_path = |c: &Certificate| path.iter().any(|n| n.cert.sha256 == c.sha256);
    let anchor = path.last();
    // Intermediates the path needs that the input does not send.
    let missing: Vec<String> = path
        .iter()
        .skip(1)
        .filter(|n| n.origin == Origin::Untrusted)
        .map(|n| format!("{} ({})", n.name(), n.source))
        .collect();
    if !missing.is_empty() {
        let sent: Vec<String> = input
            .sent
            .iter()
            .map(|(c, _)| format!("'{}'", c.subject.text))
            .collect();
        report.add(
            ChainKind::SentIncomplete,
            format!(
                "the path needs {} but the input sends {}: peers that do not already hold \
                 the intermediate (IOS trustpoints usually hold only the root) cannot build \
                 the chain",
                missing.join(", "),
                if sent.is_empty() {
                    "only the leaf".to_string()
                } else {
                    sent.join(", ")
                }
            ),
        );
    }
    for (cert, source) in &input.sent {
        // Related: in the path, a copy of a path certificate, or the issuer
        // of one (a root sent above an intermediate that is itself trusted).
        let related = in_path(cert)
            || path.iter().any(|n| {
                same_key_and_name(n.cert, cert)
                    || (n.cert.sha256 != cert.sha256 && names_issuer(n.cert, cert))
            });
        if related {
            continue;
        }
        report.add(
            ChainKind::SentUnrelated,
            format!(
                "'{}' ({source}) is sent but is not part of the path",
                cert.subject.text
            ),
        );
    }
    if let Some(a) = anchor {
        if let Some((_, source)) = input
            .sent
            .iter()
            .find(|(c, _)| same_key_and_name(c, a.cert))
        {
            report.add(
                ChainKind::SentRoot,
                format!(
                    "the input sends the root {} ({source}); peers must already trust it, so \
                     sending it only makes the IKE_AUTH message larger (fragmentation)",
                    a.name()
                ),
            );
        }
    }
    // Order: leaf first, then each certificate followed by its issuer.
    let mut positions: Vec<(usize, usize)> = Vec::new(); // (path position, input position)
    for (k, n) in path.iter().enumerate().skip(1) {
        if let Some(i) = input
            .sent
            .iter()
            .position(|(c, _)| c.sha256 == n.cert.sha256 || same_key_and_name(c, n.cert))
        {
            positions.push((k, input.sent_positions.get(i).copied().unwrap_or(0)));
        }
    }
    let leaf_first = input
        .sent_positions
        .iter()
        .all(|p| *p > input.leaf_position);
    let ordered = positions.windows(2).all(|w| w[0].1 < w[1].1);
    if !leaf_first || !ordered {
        let order: Vec<String> = path.iter().map(|n| n.name()).collect();
        report.add(
            ChainKind::SentOrder,
            format!(
                "the input is not in path order ({}); send the leaf first, then each \
                 certificate's issuer: {}",
                if leaf_first {
                    "an issuer comes before the certificate it issued"
                } else {
                    "the leaf is not first"
                },
                order.join(" → ")
            ),
        );
    }
}

/// Match the peer's CERTREQ (SHA-1 SPKI hashes) against the path and the
/// local certificates.
pub(super) fn certreq(
    report: &mut ChainReport,
    path: &[Node<'_>],
    pool: &[Node<'_>],
    anchors: &[Node<'_>],
    opts: &ChainOptions<'_>,
) {
    let Some(hashes) = opts.certreq else {
        return;
    };
    // An empty CERTREQ is legal (RFC 7296 §3.7): any CA will do.
    if hashes.is_empty() {
        return;
    }
    let known = |h: &str| -> Option<String> {
        anchors
            .iter()
            .chain(pool.iter())
            .chain(path.iter())
            .find(|n| n.cert.spki_sha1 == h)
            .map(|n| n.name())
    };
    let named: Vec<String> = hashes
        .iter()
        .map(|h| match known(h) {
            Some(name) => format!("{name} ({h})"),
            None => format!("unknown CA ({h})"),
        })
        .collect();
    let cas: Vec<&Node<'_>> = path.iter().skip(1).collect();
    let hit = cas.iter().find(|n| hashes.contains(&n.cert.spki_sha1));
    match hit {
        Some(n) => report.add(
            ChainKind::CertreqMatch,
            format!(
                "the peer's CERTREQ asks for {}; this chain reaches {} ({})",
                named.join(", "),
                n.name(),
                n.cert.spki_sha1
            ),
        ),
        None => {
            let ours: Vec<String> = cas
                .iter()
                .map(|n| format!("{} ({})", n.name(), n.cert.spki_sha1))
                .collect();
            report.add(
                ChainKind::CertreqMismatch,
                format!(
                    "the peer's CERTREQ asks for {}; none is a CA of this chain [{}]: the \
                     peer does not trust the issuer, or the initiator picks another trustpoint",
                    if named.is_empty() {
                        "nothing (empty CERTREQ)".to_string()
                    } else {
                        named.join(", ")
                    },
                    if ours.is_empty() {
                        "no CA found".to_string()
                    } else {
                        ours.join(", ")
                    }
                ),
            )
        }
    }
}

/// Parse `--certreq`: 40-hex-digit SHA-1 hashes, separated by commas or white
/// space, with optional `:` or ` ` between bytes, or one run of 40×N digits
/// as a CERTREQ payload body carries them.
pub fn parse_certreq(text: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for part in text.split([',', ';', '\n']) {
        let hex: String = part
            .chars()
            .filter(|c| !c.is_whitespace() && *c != ':')
            .collect::<String>()
            .to_ascii_lowercase();
        let hex = hex.strip_prefix("0x").unwrap_or(&hex).to_string();
        if hex.is_empty() {
            continue;
        }
        if let Some(bad) = hex.chars().find(|c| !c.is_ascii_hexdigit()) {
            return Err(format!(
                "'{part}' has {}, not a hex digit",
                quoted_char(bad)
            ));
        }
        if !hex.len().is_multiple_of(40) {
            return Err(format!(
                "'{}' is {} hex digits; a CERTREQ entry is a 20-byte SHA-1 (40 digits)",
                part.trim(),
                hex.len()
            ));
        }
        for i in (0..hex.len()).step_by(40) {
            out.push(hex[i..i + 40].to_string());
        }
    }
    Ok(out)
}

/// Does `issuer` look like the issuer of `child`: matching name (RFC 5280
/// §7.1), and key identifiers that agree when both are present.
fn names_issuer(child: &Certificate, issuer: &Certificate) -> bool {
    child.issuer.matches(&issuer.subject) && key_ids_agree(child, issuer)
}

fn key_ids_agree(child: &Certificate, issuer: &Certificate) -> bool {
    match (
        child
            .authority_key_id
            .as_ref()
            .and_then(|a| a.key_id.as_ref()),
        issuer.subject_key_id.as_ref(),
    ) {
        (Some(aki), Some(ski)) => aki == ski,
        _ => true,
    }
}

/// A character of user input, quoted: itself when printable, else its code
/// point (a control character would garble the terminal).
fn quoted_char(c: char) -> String {
    if c.is_control() {
        format!("U+{:04X}", u32::from(c))
    } else {
        format!("'{c}'")
    }
}
