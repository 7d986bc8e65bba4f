//! The line-by-line parser: which section a line belongs to, and what each
//! section's subcommands mean.

use std::collections::HashMap;

use super::lex::{
    indent_of, is_noise, lower, redact, rest_from, words, BREAKERS, CHAIN_WORDS, MAP_WORDS,
    PROFILE_WORDS, TRUSTPOINT_WORDS, TRUSTPOOL_WORDS,
};
use super::{
    AuthMethod, CertificateChain, CertificateMapEntry, ChainCertKind, ChainCertificate,
    ConfigProblem, Ikev2Profile, IosConfig, MapField, MapOp, MapRule, MatchCertificate,
    PkiTrustpointRef, RevocationMethod, Trustpoint, TrustpointUsage, TrustpoolPolicy,
    MAX_CERT_BYTES, MAX_PROBLEMS,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Section {
    None,
    Trustpoint(usize),
    Map(usize),
    Chain(usize),
    Profile(usize),
    Trustpool,
    /// A section pkiaudit reads whose header was malformed: its body is
    /// ignored (the header's problem says why).
    Skip,
    /// Any other top-level command.
    Other,
}

impl Section {
    pub(super) fn words(self) -> &'static [&'static str] {
        match self {
            Section::Trustpoint(_) => TRUSTPOINT_WORDS,
            Section::Map(_) => MAP_WORDS,
            Section::Chain(_) => CHAIN_WORDS,
            Section::Profile(_) => PROFILE_WORDS,
            Section::Trustpool => TRUSTPOOL_WORDS,
            Section::None | Section::Skip | Section::Other => &[],
        }
    }
}

/// How a certificate's hex block ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum BlockEnd {
    Quit,
    /// This line began something else.
    CutBy(usize),
    InputEnded,
}

/// The hex block of one `certificate` line, being read.
pub(super) struct CertBody {
    pub(super) chain: usize,
    pub(super) kind: ChainCertKind,
    pub(super) keywords: Vec<String>,
    /// `None` when the `certificate` line had no serial: the block is read
    /// (so its hex is not mistaken for commands) and dropped.
    pub(super) serial: Option<String>,
    pub(super) line: usize,
    pub(super) bytes: Vec<u8>,
    pub(super) pending: Option<u8>,
    pub(super) digits: usize,
    pub(super) first_odd_line: Option<usize>,
    pub(super) error: Option<String>,
}

impl CertBody {
    pub(super) fn feed_line(&mut self, line_no: usize, t: &str) {
        let mut line_digits = 0usize;
        for c in t.chars() {
            if c.is_whitespace() {
                continue;
            }
            let Some(v) = c.to_digit(16) else {
                if self.error.is_none() {
                    self.error = Some(format!(
                        "line {line_no}: {c:?} is not a hex digit in the certificate data"
                    ));
                }
                return;
            };
            line_digits += 1;
            if self.error.is_some() {
                continue;
            }
            self.digits += 1;
            let v = v as u8;
            match self.pending.take() {
                Some(high) => self.bytes.push(high << 4 | v),
                None if self.bytes.len() >= MAX_CERT_BYTES => {
                    self.error = Some(format!(
                        "line {line_no}: more than {MAX_CERT_BYTES} bytes of certificate data; \
                         the rest of the block was skipped"
                    ));
                    self.bytes = Vec::new();
                }
                None => self.pending = Some(v),
            }
        }
        if line_digits % 2 == 1 && self.first_odd_line.is_none() {
            self.first_odd_line = Some(line_no);
        }
    }

    /// Close the block, at its `quit` line or not.
    pub(super) fn finish(self, end: BlockEnd) -> Option<(usize, ChainCertificate)> {
        let serial = self.serial?;
        let der = if let Some(e) = self.error {
            Err(e)
        } else if let BlockEnd::CutBy(at) = end {
            Err(format!(
                "the hex block has no `quit` line: it was cut off by line {at}"
            ))
        } else if end == BlockEnd::InputEnded {
            Err("the hex block has no `quit` line: the input ends inside it".into())
        } else if self.digits == 0 {
            Err("empty certificate block: no hex between the certificate line and quit".into())
        } else if self.pending.is_some() {
            Err(format!(
                "odd number of hex digits ({}) in the block; line {} has an odd count",
                self.digits,
                self.first_odd_line.unwrap_or(self.line)
            ))
        } else {
            Ok(self.bytes)
        };
        Some((
            self.chain,
            ChainCertificate {
                kind: self.kind,
                keywords: self.keywords,
                serial,
                line: self.line,
                der,
            },
        ))
    }
}

#[derive(Default)]
pub(super) struct Parser {
    pub(super) cfg: IosConfig,
    /// Where each named section is in `cfg`, so that a section entered
    /// again is merged without a scan (inputs can be large).
    pub(super) trustpoint_at: HashMap<String, usize>,
    pub(super) chain_at: HashMap<String, usize>,
    pub(super) profile_at: HashMap<String, usize>,
    pub(super) map_at: HashMap<(String, u32), usize>,
    pub(super) section: Option<(Section, usize)>,
    pub(super) body: Option<CertBody>,
    pub(super) suppressed: usize,
}

impl Parser {
    pub(super) fn problem(&mut self, line: usize, message: impl Into<String>) {
        if self.cfg.problems.len() < MAX_PROBLEMS {
            self.cfg.problems.push(ConfigProblem {
                line,
                message: message.into(),
            });
        } else {
            self.suppressed += 1;
        }
    }

    pub(super) fn finish(mut self) -> IosConfig {
        if let Some(body) = self.body.take() {
            self.close_body(body, BlockEnd::InputEnded);
        }
        if self.suppressed > 0 {
            let last = self.cfg.problems.last().map_or(0, |p| p.line);
            self.cfg.problems.push(ConfigProblem {
                line: last,
                message: format!(
                    "{} more problems are not listed (at most {MAX_PROBLEMS} are)",
                    self.suppressed
                ),
            });
        }
        self.cfg
    }

    pub(super) fn close_body(&mut self, body: CertBody, end: BlockEnd) {
        if let Some((chain, cert)) = body.finish(end) {
            if let Some(c) = self.cfg.certificate_chains.get_mut(chain) {
                c.certificates.push(cert);
            }
        }
    }

    pub(super) fn line(&mut self, line_no: usize, raw: &str) {
        let t = raw.trim();
        if t.is_empty() {
            return;
        }
        let indent = indent_of(raw);
        if let Some(mut body) = self.body.take() {
            let first = t
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_ascii_lowercase();
            let header_indent = self.section.map_or(0, |(_, i)| i);
            let all_hex = t
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c.is_whitespace());
            if first == "quit" {
                self.close_body(body, BlockEnd::Quit);
                return;
            }
            let ends = t.starts_with('!')
                || matches!(first.as_str(), "end" | "exit" | "certificate")
                || BREAKERS.contains(&first.as_str())
                || (indent <= header_indent && !all_hex)
                || is_noise(t);
            if !ends {
                body.feed_line(line_no, t);
                self.body = Some(body);
                return;
            }
            self.close_body(body, BlockEnd::CutBy(line_no));
        }
        if is_noise(t) {
            self.section = None;
            return;
        }
        let (section, header_indent) = self.section.unwrap_or((Section::None, 0));
        if t.starts_with('!') {
            if section == Section::None || indent <= header_indent {
                self.section = None;
            }
            return;
        }
        let w = words(t);
        let first = lower(&w, 0);
        if matches!(first.as_str(), "end" | "exit") {
            self.section = None;
            return;
        }
        let top_level = match section {
            Section::None => true,
            _ if BREAKERS.contains(&first.as_str()) => true,
            _ if indent > header_indent => false,
            s => !s.words().contains(&first.as_str()),
        };
        if top_level {
            let s = self.header(line_no, t, &w);
            self.section = Some((s, indent));
            return;
        }
        match section {
            Section::Trustpoint(i) => self.trustpoint_line(i, line_no, t, &w),
            Section::Map(i) => self.map_line(i, line_no, t, &w),
            Section::Chain(i) => self.chain_line(i, line_no, &w),
            Section::Profile(i) => self.profile_line(i, line_no, t, &w),
            Section::Trustpool => self.trustpool_line(line_no, t, &w),
            Section::None | Section::Skip | Section::Other => {}
        }
    }

    pub(super) fn header(&mut self, line_no: usize, t: &str, w: &[(usize, &str)]) -> Section {
        let kw: Vec<String> = (0..4).map(|i| lower(w, i)).collect();
        let k: Vec<&str> = kw.iter().map(String::as_str).collect();
        match k.as_slice() {
            ["crypto", "pki" | "ca", "trustpoint", ..] => {
                let Some((_, name)) = w.get(3) else {
                    self.problem(line_no, format!("`{t}` has no trustpoint name"));
                    return Section::Skip;
                };
                let trustpoints = &mut self.cfg.trustpoints;
                let i = *self
                    .trustpoint_at
                    .entry(name.to_string())
                    .or_insert_with(|| {
                        trustpoints.push(Trustpoint {
                            name: name.to_string(),
                            line: line_no,
                            ..Trustpoint::default()
                        });
                        trustpoints.len() - 1
                    });
                Section::Trustpoint(i)
            }
            ["crypto", "pki" | "ca", "certificate", "map"] => self.map_header(line_no, t, w),
            ["crypto", "pki" | "ca", "certificate", "chain"] => {
                let Some((_, name)) = w.get(4) else {
                    self.problem(line_no, format!("`{t}` has no trustpoint name"));
                    return Section::Skip;
                };
                let chains = &mut self.cfg.certificate_chains;
                let i = *self.chain_at.entry(name.to_string()).or_insert_with(|| {
                    chains.push(CertificateChain {
                        trustpoint: name.to_string(),
                        line: line_no,
                        certificates: Vec::new(),
                    });
                    chains.len() - 1
                });
                Section::Chain(i)
            }
            ["crypto", "ikev2", "profile", ..] => {
                let Some((_, name)) = w.get(3) else {
                    self.problem(line_no, format!("`{t}` has no profile name"));
                    return Section::Skip;
                };
                let profiles = &mut self.cfg.ikev2_profiles;
                let i = *self.profile_at.entry(name.to_string()).or_insert_with(|| {
                    profiles.push(Ikev2Profile {
                        name: name.to_string(),
                        line: line_no,
                        ..Ikev2Profile::default()
                    });
                    profiles.len() - 1
                });
                Section::Profile(i)
            }
            ["crypto", "pki", "trustpool", "policy"] => {
                if self.cfg.trustpool_policy.is_none() {
                    self.cfg.trustpool_policy = Some(TrustpoolPolicy {
                        line: line_no,
                        ..TrustpoolPolicy::default()
                    });
                }
                Section::Trustpool
            }
            _ => Section::Other,
        }
    }

    pub(super) fn map_header(&mut self, line_no: usize, t: &str, w: &[(usize, &str)]) -> Section {
        let Some((_, label)) = w.get(4) else {
            self.problem(line_no, format!("`{t}` has no map label"));
            return Section::Skip;
        };
        let Some((_, seq_text)) = w.get(5) else {
            self.problem(
                line_no,
                format!("`{t}` has no sequence number (crypto pki certificate map LABEL SEQ)"),
            );
            return Section::Skip;
        };
        let seq = match seq_text.parse::<u32>() {
            Ok(n) if (1..=65535).contains(&n) => n,
            _ => {
                self.problem(
                    line_no,
                    format!(
                        "certificate map {label}: sequence number {seq_text:?} is not a number \
                         from 1 to 65535"
                    ),
                );
                return Section::Skip;
            }
        };
        if w.len() > 6 {
            self.problem(
                line_no,
                format!(
                    "certificate map {label} {seq}: unexpected text after the sequence number: {:?}",
                    rest_from(t, w, 6)
                ),
            );
        }
        // Entering the same entry again adds to it, as in config mode.
        let maps = &mut self.cfg.certificate_maps;
        let i = *self
            .map_at
            .entry((label.to_string(), seq))
            .or_insert_with(|| {
                maps.push(CertificateMapEntry {
                    label: label.to_string(),
                    seq,
                    line: line_no,
                    rules: Vec::new(),
                });
                maps.len() - 1
            });
        Section::Map(i)
    }

    pub(super) fn trustpoint_line(
        &mut self,
        i: usize,
        line_no: usize,
        t: &str,
        w: &[(usize, &str)],
    ) {
        let first = lower(w, 0);
        let name = self
            .cfg
            .trustpoints
            .get(i)
            .map(|tp| format!("trustpoint {}", tp.name))
            .unwrap_or_default();
        match first.as_str() {
            "enrollment" => {
                let args = rest_from(t, w, 1);
                if args.is_empty() {
                    self.problem(line_no, format!("{name}: `enrollment` without a method"));
                } else if let Some(tp) = self.cfg.trustpoints.get_mut(i) {
                    tp.enrollment.push(args.to_string());
                }
            }
            "revocation-check" => {
                if let Some(methods) = self.revocation_methods(&name, line_no, w) {
                    if let Some(tp) = self.cfg.trustpoints.get_mut(i) {
                        tp.revocation_check = methods;
                    }
                }
            }
            "match" if lower(w, 1) == "certificate" => {
                if let Some(m) = self.match_certificate(&name, line_no, t, w) {
                    if let Some(tp) = self.cfg.trustpoints.get_mut(i) {
                        tp.match_certificate.push(m);
                    }
                }
            }
            "rsakeypair" | "keypair" => match w.get(1) {
                Some((_, key)) => {
                    if let Some(tp) = self.cfg.trustpoints.get_mut(i) {
                        tp.rsakeypair = Some(key.to_string());
                    }
                }
                None => self.problem(
                    line_no,
                    format!("{name}: `{first}` without a key pair name"),
                ),
            },
            "subject-name" => {
                let name = rest_from(t, w, 1);
                if let Some(tp) = self.cfg.trustpoints.get_mut(i) {
                    // `subject-name` alone asks for the router's default name.
                    tp.subject_name = Some(name.to_string());
                }
            }
            "eku" if lower(w, 1) == "request" => {
                if w.len() < 3 {
                    self.problem(line_no, format!("{name}: `eku request` without a purpose"));
                } else if let Some(tp) = self.cfg.trustpoints.get_mut(i) {
                    tp.eku_request
                        .extend(w.iter().skip(2).map(|(_, p)| p.to_string()));
                }
            }
            "chain-validation" => {
                if let Some(tp) = self.cfg.trustpoints.get_mut(i) {
                    tp.chain_validation = Some(rest_from(t, w, 1).to_string());
                }
            }
            _ => {
                let kept = redact(w);
                if let Some(tp) = self.cfg.trustpoints.get_mut(i) {
                    tp.other.push((kept, line_no));
                }
            }
        }
    }

    pub(super) fn trustpool_line(&mut self, line_no: usize, t: &str, w: &[(usize, &str)]) {
        let first = lower(w, 0);
        match first.as_str() {
            "revocation-check" => {
                if let Some(methods) = self.revocation_methods("trustpool policy", line_no, w) {
                    if let Some(tp) = self.cfg.trustpool_policy.as_mut() {
                        tp.revocation_check = methods;
                    }
                }
            }
            "match" if lower(w, 1) == "certificate" => {
                if let Some(m) = self.match_certificate("trustpool policy", line_no, t, w) {
                    if let Some(tp) = self.cfg.trustpool_policy.as_mut() {
                        tp.match_certificate.push(m);
                    }
                }
            }
            _ => {
                let kept = redact(w);
                if let Some(tp) = self.cfg.trustpool_policy.as_mut() {
                    tp.other.push((kept, line_no));
                }
            }
        }
    }

    /// `revocation-check METHOD...`.
    pub(super) fn revocation_methods(
        &mut self,
        section: &str,
        line_no: usize,
        w: &[(usize, &str)],
    ) -> Option<Vec<RevocationMethod>> {
        if w.len() < 2 {
            self.problem(
                line_no,
                "`revocation-check` without a method (crl, ocsp, none)",
            );
            return None;
        }
        let mut methods = Vec::new();
        for (_, word) in w.iter().skip(1) {
            let m = match word.to_ascii_lowercase().as_str() {
                "crl" => RevocationMethod::Crl,
                "ocsp" => RevocationMethod::Ocsp,
                "none" => RevocationMethod::None,
                _ => {
                    self.problem(
                        line_no,
                        format!(
                            "{section}: revocation-check: unknown method {word:?} (crl, ocsp \
                             or none); the line is ignored"
                        ),
                    );
                    return None;
                }
            };
            methods.push(m);
        }
        Some(methods)
    }

    /// `match certificate MAP [options]` under a trustpoint or the trustpool.
    pub(super) fn match_certificate(
        &mut self,
        section: &str,
        line_no: usize,
        t: &str,
        w: &[(usize, &str)],
    ) -> Option<MatchCertificate> {
        let Some((_, map)) = w.get(2) else {
            self.problem(
                line_no,
                "`match certificate` without a certificate map name",
            );
            return None;
        };
        let mut m = MatchCertificate {
            map: map.to_string(),
            line: line_no,
            ..MatchCertificate::default()
        };
        let mut k = 3;
        while let Some((_, word)) = w.get(k) {
            match word.to_ascii_lowercase().as_str() {
                "allow" => match lower(w, k + 1).as_str() {
                    "expired-certificate" | "expired-certificates" => {
                        m.allow_expired = true;
                        k += 2;
                    }
                    _ => {
                        self.problem(
                            line_no,
                            format!(
                                "{section}: match certificate {map}: `allow` must be followed by \
                                 expired-certificate, not {:?}",
                                rest_from(t, w, k + 1)
                            ),
                        );
                        k += 2;
                    }
                },
                "skip" => match lower(w, k + 1).as_str() {
                    "revocation-check" => {
                        m.skip_revocation_check = true;
                        k += 2;
                    }
                    "authorization-check" => {
                        m.skip_authorization_check = true;
                        k += 2;
                    }
                    _ => {
                        self.problem(
                            line_no,
                            format!(
                                "{section}: match certificate {map}: `skip` must be followed by \
                                 revocation-check or authorization-check, not {:?}",
                                rest_from(t, w, k + 1)
                            ),
                        );
                        k += 2;
                    }
                },
                _ => {
                    m.other_options.push(rest_from(t, w, k).to_string());
                    break;
                }
            }
        }
        Some(m)
    }

    pub(super) fn map_line(&mut self, i: usize, line_no: usize, t: &str, w: &[(usize, &str)]) {
        let first = lower(w, 0);
        let (label, seq) = self
            .cfg
            .certificate_maps
            .get(i)
            .map(|e| (e.label.clone(), e.seq))
            .unwrap_or_default();
        let Some(field) = MapField::from_keyword(&first) else {
            // The map mode accepts only field lines: an unknown one would
            // make the entry match more than intended, so it is reported.
            self.problem(
                line_no,
                format!(
                    "certificate map {label} {seq}: unknown field {first:?}; the line is ignored \
                     (the entry is evaluated without it)"
                ),
            );
            return;
        };
        let mut k = 1;
        let mut attribute = None;
        if lower(w, 1) == "attr" && matches!(field, MapField::SubjectName | MapField::IssuerName) {
            match w.get(2) {
                Some((_, a)) => attribute = Some(a.to_ascii_lowercase()),
                None => {
                    self.problem(
                        line_no,
                        format!("certificate map {label} {seq}: `attr` without an attribute tag"),
                    );
                    return;
                }
            }
            k = 3;
        }
        let op_word = lower(w, k);
        let Some(op) = MapOp::from_keyword(&op_word) else {
            let shown = if op_word.is_empty() {
                "nothing".to_string()
            } else {
                format!("{op_word:?}")
            };
            self.problem(
                line_no,
                format!(
                    "certificate map {label} {seq}: {} needs an operator ({}), found {shown}; \
                     the line is ignored",
                    field.keyword(),
                    if field.is_date() {
                        "eq, ne, lt, ge"
                    } else {
                        "eq, ne, co, nc"
                    }
                ),
            );
            return;
        };
        let valid = if field.is_date() {
            matches!(op, MapOp::Eq | MapOp::Ne | MapOp::Lt | MapOp::Ge)
        } else {
            matches!(op, MapOp::Eq | MapOp::Ne | MapOp::Co | MapOp::Nc)
        };
        if !valid {
            self.problem(
                line_no,
                format!(
                    "certificate map {label} {seq}: `{}` cannot be used with {} ({}); \
                     the line is ignored",
                    op.keyword(),
                    field.keyword(),
                    if field.is_date() {
                        "dates take eq, ne, lt, ge"
                    } else {
                        "names take eq, ne, co, nc"
                    }
                ),
            );
            return;
        }
        let value = rest_from(t, w, k + 1);
        if value.is_empty() {
            self.problem(
                line_no,
                format!(
                    "certificate map {label} {seq}: {} {} without a value; the line is ignored",
                    field.keyword(),
                    op.keyword()
                ),
            );
            return;
        }
        let date = if field.is_date() {
            match crate::time::ios::parse_map_date(value) {
                Ok(d) => Some(d),
                Err(e) => {
                    self.problem(
                        line_no,
                        format!(
                            "certificate map {label} {seq}: {} {}: {e}; the line is ignored",
                            field.keyword(),
                            op.keyword()
                        ),
                    );
                    return;
                }
            }
        } else {
            None
        };
        if let Some(entry) = self.cfg.certificate_maps.get_mut(i) {
            entry.rules.push(MapRule {
                field,
                attribute,
                op,
                value: value.to_string(),
                date,
                line: line_no,
            });
        }
    }

    pub(super) fn chain_line(&mut self, i: usize, line_no: usize, w: &[(usize, &str)]) {
        if lower(w, 0) != "certificate" {
            return;
        }
        let mut keywords = Vec::new();
        let mut k = 1;
        while let Some((_, word)) = w.get(k) {
            let lw = word.to_ascii_lowercase();
            if matches!(
                lw.as_str(),
                "ca" | "self-signed" | "rollover" | "ra-sign" | "ra-encrypt" | "ra-general"
            ) {
                keywords.push(lw);
                k += 1;
            } else {
                break;
            }
        }
        let has = |kw: &str| keywords.iter().any(|x| x == kw);
        let kind = if has("rollover") && has("ca") {
            ChainCertKind::RolloverCa
        } else if has("rollover") {
            ChainCertKind::Rollover
        } else if has("self-signed") {
            ChainCertKind::SelfSigned
        } else if has("ca") || keywords.iter().any(|x| x.starts_with("ra-")) {
            ChainCertKind::Ca
        } else {
            ChainCertKind::Identity
        };
        let serial = w.get(k).map(|(_, s)| s.to_string());
        if serial.is_none() {
            let trustpoint = self
                .cfg
                .certificate_chains
                .get(i)
                .map(|c| c.trustpoint.clone())
                .unwrap_or_default();
            self.problem(
                line_no,
                format!(
                    "certificate chain {trustpoint}: `certificate` line without a serial number; \
                     its block is skipped"
                ),
            );
        }
        // `certificate ca 01 nvram:ca#01.cer`: the certificate is in a file,
        // not in the configuration, and no hex block follows.
        if let (Some(serial), Some((_, file))) = (&serial, w.get(k + 1)) {
            if file.contains(':') {
                if let Some(c) = self.cfg.certificate_chains.get_mut(i) {
                    c.certificates.push(ChainCertificate {
                        kind,
                        keywords,
                        serial: serial.clone(),
                        line: line_no,
                        der: Err(format!(
                            "the certificate is stored in {file}, not in the configuration"
                        )),
                    });
                }
                return;
            }
        }
        self.body = Some(CertBody {
            chain: i,
            kind,
            keywords,
            serial,
            line: line_no,
            bytes: Vec::new(),
            pending: None,
            digits: 0,
            first_odd_line: None,
            error: None,
        });
    }

    pub(super) fn profile_line(&mut self, i: usize, line_no: usize, t: &str, w: &[(usize, &str)]) {
        let first = lower(w, 0);
        let name = self
            .cfg
            .ikev2_profiles
            .get(i)
            .map(|p| p.name.clone())
            .unwrap_or_default();
        match first.as_str() {
            "match" => {
                let what = lower(w, 1);
                match what.as_str() {
                    "" => self.problem(line_no, format!("IKEv2 profile {name}: `match` alone")),
                    "certificate" => match w.get(2) {
                        Some((_, map)) => {
                            if w.len() > 3 {
                                self.problem(
                                    line_no,
                                    format!(
                                        "IKEv2 profile {name}: unexpected text after \
                                         `match certificate {map}`: {:?}",
                                        rest_from(t, w, 3)
                                    ),
                                );
                            }
                            if let Some(p) = self.cfg.ikev2_profiles.get_mut(i) {
                                p.match_certificate.push((map.to_string(), line_no));
                            }
                        }
                        None => self.problem(
                            line_no,
                            format!(
                                "IKEv2 profile {name}: `match certificate` without a \
                                 certificate map name"
                            ),
                        ),
                    },
                    "identity" => {
                        let rest = rest_from(t, w, 2);
                        if rest.is_empty() {
                            self.problem(
                                line_no,
                                format!(
                                    "IKEv2 profile {name}: `match identity` without an identity"
                                ),
                            );
                        } else if let Some(p) = self.cfg.ikev2_profiles.get_mut(i) {
                            p.match_identity.push((rest.to_string(), line_no));
                        }
                    }
                    _ => {
                        if w.len() < 3 {
                            self.problem(
                                line_no,
                                format!("IKEv2 profile {name}: `match {what}` without a value"),
                            );
                        } else if let Some(p) = self.cfg.ikev2_profiles.get_mut(i) {
                            p.other_matches
                                .push((rest_from(t, w, 1).to_string(), line_no));
                        }
                    }
                }
            }
            "identity" if lower(w, 1) == "local" => {
                let rest = rest_from(t, w, 2);
                if rest.is_empty() {
                    self.problem(
                        line_no,
                        format!("IKEv2 profile {name}: `identity local` without an identity"),
                    );
                } else if let Some(p) = self.cfg.ikev2_profiles.get_mut(i) {
                    p.identity_local = Some(rest.to_string());
                }
            }
            "authentication" => {
                let side = lower(w, 1);
                if side != "local" && side != "remote" {
                    self.problem(
                        line_no,
                        format!(
                            "IKEv2 profile {name}: `authentication` must be followed by local \
                             or remote"
                        ),
                    );
                    return;
                }
                let method = match lower(w, 2).as_str() {
                    "" => {
                        self.problem(
                            line_no,
                            format!(
                                "IKEv2 profile {name}: `authentication {side}` without a method"
                            ),
                        );
                        return;
                    }
                    "rsa-sig" => AuthMethod::RsaSig,
                    "ecdsa-sig" => AuthMethod::EcdsaSig,
                    "pre-share" => AuthMethod::PreShare,
                    "eap" => AuthMethod::Eap,
                    other => AuthMethod::Other(other.to_string()),
                };
                if let Some(p) = self.cfg.ikev2_profiles.get_mut(i) {
                    let list = if side == "local" {
                        &mut p.authentication_local
                    } else {
                        &mut p.authentication_remote
                    };
                    if !list.contains(&method) {
                        list.push(method);
                    }
                }
            }
            "pki" if lower(w, 1) == "trustpoint" => {
                let Some((_, tp)) = w.get(2) else {
                    self.problem(
                        line_no,
                        format!("IKEv2 profile {name}: `pki trustpoint` without a trustpoint name"),
                    );
                    return;
                };
                let usage = match lower(w, 3).as_str() {
                    "" => TrustpointUsage::Both,
                    "sign" => TrustpointUsage::Sign,
                    "verify" => TrustpointUsage::Verify,
                    other => {
                        self.problem(
                            line_no,
                            format!(
                                "IKEv2 profile {name}: pki trustpoint {tp}: {other:?} is neither \
                                 sign nor verify; the line is ignored"
                            ),
                        );
                        return;
                    }
                };
                if let Some(p) = self.cfg.ikev2_profiles.get_mut(i) {
                    p.pki_trustpoints.push(PkiTrustpointRef {
                        name: tp.to_string(),
                        usage,
                        line: line_no,
                    });
                }
            }
            _ => {
                let kept = redact(w);
                if let Some(p) = self.cfg.ikev2_profiles.get_mut(i) {
                    p.other.push((kept, line_no));
                }
            }
        }
    }
}
