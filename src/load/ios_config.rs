//! The `crypto pki certificate chain` blocks of an IOS / IOS-XE running-config
//! (ASA: `crypto ca certificate chain`): each certificate's hex is decoded
//! and parsed in full, and tagged with its trustpoint and role. The rest of
//! the configuration (trustpoints, certificate maps, IKEv2 profiles) is kept
//! for the configuration audit (`crate::ios`).

use super::{Container, IosRole, LoadedInput, ProblemLevel};
use crate::ios::config::{self, ChainCertKind};

pub(super) fn load(input: &mut LoadedInput, text: &str) {
    let cfg = config::parse(text);
    for p in &cfg.problems {
        input.problem(ProblemLevel::Warning, Some(p.line), None, p.message.clone());
    }
    for chain in &cfg.certificate_chains {
        if chain.certificates.is_empty() {
            input.problem(
                ProblemLevel::Warning,
                Some(chain.line),
                None,
                format!(
                    "certificate chain {} is empty: the trustpoint holds no certificate",
                    chain.trustpoint
                ),
            );
        }
        for c in &chain.certificates {
            let der = match &c.der {
                Ok(der) => der,
                Err(e) => {
                    input.problem(
                        ProblemLevel::Error,
                        Some(c.line),
                        None,
                        format!(
                            "certificate {} of chain {}: {e}",
                            c.serial, chain.trustpoint
                        ),
                    );
                    continue;
                }
            };
            let damage = match crate::model::Certificate::check_prefix(der) {
                Err(e) => Some((e.to_string(), true)),
                Ok(0) => None,
                Ok(trailing) => Some((
                    format!(
                        "{trailing} bytes of hex after the certificate (a `quit` and the next \
                         `certificate` line missing?); they are not read"
                    ),
                    false,
                )),
            };
            if let Some((what, fatal)) = damage {
                input.problem(
                    ProblemLevel::Error,
                    Some(c.line),
                    None,
                    format!(
                        "certificate {} of chain {}: {what}",
                        c.serial, chain.trustpoint
                    ),
                );
                if fatal {
                    continue;
                }
            }
            let before = input.certs.len();
            input.add_der(der, Container::RunningConfig, Some(c.line), None, true);
            if let Some(loaded) = input.certs.get_mut(before) {
                loaded.provenance.trustpoints = vec![chain.trustpoint.clone()];
                loaded.provenance.ios_role = Some(match c.kind {
                    ChainCertKind::Identity => IosRole::Identity,
                    ChainCertKind::Ca => IosRole::Ca,
                    ChainCertKind::SelfSigned => IosRole::SelfSigned,
                    ChainCertKind::Rollover | ChainCertKind::RolloverCa => IosRole::Rollover,
                });
                let printed = c.serial.trim_start_matches('0').to_ascii_uppercase();
                let actual = loaded.cert.serial.trim_start_matches('0').to_string();
                if printed != actual {
                    input.problem(
                        ProblemLevel::Warning,
                        Some(c.line),
                        None,
                        format!(
                            "the block is labelled certificate {} but the certificate's serial is {}",
                            c.serial, actual
                        ),
                    );
                }
            }
        }
    }
    input.ios_config = Some(Box::new(cfg));
}
