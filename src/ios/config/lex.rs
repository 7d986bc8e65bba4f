//! Lines and words of a running-config: line endings, indentation, the
//! keywords that tell sections apart, secrets to redact, paste decoration.

/// Lines ending in LF, CRLF or a lone CR, without the ending.
pub(super) fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let t = rest?;
        match t.find(['\n', '\r']) {
            Some(i) => {
                let skip = if t.get(i..i + 2) == Some("\r\n") {
                    2
                } else {
                    1
                };
                rest = t.get(i + skip..);
                t.get(..i)
            }
            None => {
                rest = None;
                Some(t)
            }
        }
    })
}

/// Leading whitespace width (a tab advances to the next multiple of 8).
pub(super) fn indent_of(raw: &str) -> usize {
    let mut width = 0;
    for c in raw.chars() {
        match c {
            ' ' => width += 1,
            '\t' => width = (width / 8 + 1) * 8,
            _ => break,
        }
    }
    width
}

/// Words of a line with their byte offsets.
pub(super) fn words(t: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in t.char_indices() {
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                if let Some(w) = t.get(s..i) {
                    out.push((s, w));
                }
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        if let Some(w) = t.get(s..) {
            out.push((s, w));
        }
    }
    out
}

/// The text of the line from word `i` on (empty when there is none).
pub(super) fn rest_from<'a>(t: &'a str, words: &[(usize, &str)], i: usize) -> &'a str {
    words
        .get(i)
        .and_then(|(start, _)| t.get(*start..))
        .map(str::trim_end)
        .unwrap_or("")
}

pub(super) fn lower(words: &[(usize, &str)], i: usize) -> String {
    words
        .get(i)
        .map(|(_, w)| w.to_ascii_lowercase())
        .unwrap_or_default()
}

/// Keywords that begin a new top-level command wherever they appear
/// (tolerance for pastes that indented everything).
pub(super) const BREAKERS: &[&str] = &["crypto", "interface", "hostname", "version"];

/// First words of known subcommands, per section: a line that lost its
/// indentation still belongs to the section when it starts with one of these.
pub(super) const TRUSTPOINT_WORDS: &[&str] = &[
    "enrollment",
    "revocation-check",
    "match",
    "rsakeypair",
    "keypair",
    "subject-name",
    "subject-alt-name",
    "eku",
    "serial-number",
    "ip-address",
    "fqdn",
    "auto-enroll",
    "chain-validation",
    "ocsp",
    "crl",
    "usage",
    "vrf",
    "source",
    "hash",
    "fingerprint",
    "password",
    "primary",
    "storage",
    "regenerate",
    "on",
    "query",
    "root",
    "validation-usage",
    "ignore-ipsec-keyusage",
    "id-usage",
    "keyusage",
    "authorization",
    "email",
];
pub(super) const MAP_WORDS: &[&str] = &[
    "subject-name",
    "issuer-name",
    "unstructured-subject-name",
    "alt-subject-name",
    "alternate-subject-name",
    "name",
    "valid-start",
    "expires-on",
    "serial-number",
    "extended-key-usage",
];
pub(super) const PROFILE_WORDS: &[&str] = &[
    "match",
    "identity",
    "authentication",
    "pki",
    "keyring",
    "lifetime",
    "dpd",
    "nat",
    "ivrf",
    "virtual-template",
    "aaa",
    "description",
    "redirect",
    "config-exchange",
    "shutdown",
    "reconnect",
    "dynamic",
    "initial-contact",
];
pub(super) const TRUSTPOOL_WORDS: &[&str] = &[
    "revocation-check",
    "match",
    "cabundle",
    "chain-validation",
    "crl",
    "cache",
    "default",
    "ocsp",
    "storage",
    "source",
    "vrf",
];
pub(super) const CHAIN_WORDS: &[&str] = &["certificate"];

/// Words after which the rest of a line is a secret.
const SECRET_WORDS: &[&str] = &["password", "key", "pre-shared-key", "secret", "passphrase"];

/// A subcommand as kept in `other`: secrets replaced by `<redacted>`.
pub(super) fn redact(words: &[(usize, &str)]) -> String {
    let mut out: Vec<&str> = Vec::new();
    for (_, w) in words {
        out.push(w);
        if SECRET_WORDS.contains(&w.to_ascii_lowercase().as_str()) {
            out.push("<redacted>");
            break;
        }
    }
    out.join(" ")
}

/// A paste's decoration: the prompt and `show running-config` banner lines.
pub(super) fn is_noise(t: &str) -> bool {
    let lower = t.to_ascii_lowercase();
    if lower.starts_with("building configuration") || lower.starts_with("current configuration") {
        return true;
    }
    // `hub#show running-config`, `fw(config)# show run`, `R1>sh run`, `hub#`.
    if let Some(p) = t.find(['#', '>']) {
        let prompt = t.get(..p).unwrap_or("");
        let rest = t
            .get(p + 1..)
            .unwrap_or("")
            .trim_start()
            .to_ascii_lowercase();
        let prompt_like = !prompt.is_empty()
            && prompt
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.()/:@".contains(c));
        return prompt_like
            && (rest.is_empty()
                || rest.starts_with("sh")
                || rest.starts_with("more ")
                || rest.starts_with("term"));
    }
    false
}
