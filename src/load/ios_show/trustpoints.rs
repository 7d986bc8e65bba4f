//! `show crypto pki trustpoints [status]`, and the trustpoint markers of
//! `show crypto pki certificates pem`.

use super::super::{IosRole, LoadedInput, ProblemLevel};

/// `show crypto pki trustpoints [status]`: trustpoint sections, no
/// certificate entries.
pub(in crate::load) fn looks_like_trustpoints(text: &str) -> bool {
    text.lines().take(200_000).any(|l| {
        let t = l.trim();
        t.starts_with("Trustpoint ") && t.ends_with(':') && !t.contains("  ")
    })
}

/// Read `show crypto pki trustpoints [status]`: one note per trustpoint
/// saying what it holds, a warning for one with no certificate at all.
pub(in crate::load) fn load_trustpoints(input: &mut LoadedInput, text: &str) {
    struct Tp {
        name: String,
        line: usize,
        ca: bool,
        router: bool,
        state: Vec<String>,
    }
    let mut tps: Vec<Tp> = Vec::new();
    for (i, l) in text.lines().enumerate() {
        let t = l.trim();
        if let Some(name) = t
            .strip_prefix("Trustpoint ")
            .and_then(|r| r.strip_suffix(':'))
        {
            tps.push(Tp {
                name: name.trim().to_string(),
                line: i + 1,
                ca: false,
                router: false,
                state: Vec::new(),
            });
            continue;
        }
        let Some(tp) = tps.last_mut() else { continue };
        let lower = t.to_ascii_lowercase();
        if lower.starts_with("issuing ca certificate configured")
            || lower.starts_with("ca certificate")
        {
            tp.ca = true;
        } else if lower.starts_with("router") && lower.contains("certificate configured") {
            tp.router = true;
        } else if let Some((k, v)) = t.split_once("..") {
            let v = v.trim_start_matches('.').trim();
            tp.state.push(format!("{}: {v}", k.trim()));
        }
    }
    for tp in &tps {
        let holds = match (tp.ca, tp.router) {
            (true, true) => "an issuing CA certificate and a router certificate",
            (true, false) => "an issuing CA certificate, no router certificate (not enrolled)",
            (false, true) => "a router certificate but no issuing CA certificate",
            (false, false) => "no certificate (not authenticated, not enrolled)",
        };
        input.problem(
            if tp.ca || tp.router {
                ProblemLevel::Note
            } else {
                ProblemLevel::Warning
            },
            Some(tp.line),
            None,
            format!(
                "trustpoint {} holds {holds}{}; trustpoint listings carry no certificates \
                 (use `show crypto pki certificates verbose` or the running-config)",
                tp.name,
                if tp.state.is_empty() {
                    String::new()
                } else {
                    format!(" [{}]", tp.state.join("; "))
                }
            ),
        );
    }
}

/// `show crypto pki certificates pem` prints `------Trustpoint: NAME------`
/// and `% The PEM-encoded CA certificate follows:` before each block: tag
/// the PEM certificates with their trustpoint and role.
pub(in crate::load) fn tag_pem_trustpoints(input: &mut LoadedInput, text: &str) {
    let mut markers: Vec<(usize, Option<String>, Option<IosRole>)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("------Trustpoint:") {
            let name = rest.trim().trim_end_matches('-').trim();
            if !name.is_empty() {
                markers.push((i + 1, Some(name.to_string()), None));
            }
        } else if let Some(rest) = t.strip_prefix("% The PEM-encoded").or_else(|| {
            t.strip_prefix('%')
                .filter(|r| r.to_ascii_lowercase().contains("certificate"))
        }) {
            // `% The PEM-encoded CA certificate follows:` or, on other
            // releases, `% CA certificate:` / `% General Purpose Certificate:`.
            let rest = rest.trim().to_ascii_lowercase();
            let role = if rest.starts_with("ca ") {
                Some(IosRole::Ca)
            } else if rest.starts_with("identity")
                || rest.starts_with("router")
                || rest.starts_with("general purpose")
                || rest.starts_with("signature")
                || rest.starts_with("encryption")
            {
                Some(IosRole::Identity)
            } else {
                None
            };
            markers.push((i + 1, None, role));
        }
    }
    if markers.is_empty() {
        return;
    }
    for cert in &mut input.certs {
        let Some(line) = cert.provenance.line else {
            continue;
        };
        let before = markers.iter().filter(|(l, _, _)| *l < line);
        let mut trustpoint = None;
        let mut role = None;
        for (_, tp, r) in before {
            if tp.is_some() {
                trustpoint = tp.clone();
                role = None;
            }
            if r.is_some() {
                role = *r;
            }
        }
        if let Some(tp) = trustpoint {
            cert.provenance.trustpoints = vec![tp];
        }
        if role.is_some() {
            cert.provenance.ios_role = role;
        }
    }
}
