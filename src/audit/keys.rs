//! Private keys that came inside PKCS#12 files given to `check`: whoever
//! sent the file sent the key. One finding per file, under the
//! `file.private-key` rules the sweep uses for keys among its files (the
//! sweep makes its own, for every kind of key).

use super::rules::files::{PRIVATE_KEY, PRIVATE_KEY_ENCRYPTED};
use super::{apply_policy, Finding, Options};
use crate::load::{KeyFormat, LoadedInput, ObjectKind};

pub(super) fn pkcs12_key_findings(inputs: &[LoadedInput], opts: &Options) -> Vec<Finding> {
    let mut out = Vec::new();
    for input in inputs {
        let keys: Vec<_> = input
            .private_keys()
            .filter(|k| {
                matches!(
                    k.kind,
                    ObjectKind::PrivateKey {
                        format: KeyFormat::Pkcs12,
                        ..
                    }
                )
            })
            .collect();
        let Some(first) = keys.first() else { continue };
        let encrypted = keys.iter().all(|k| k.encrypted() == Some(true));
        let rule = if encrypted {
            &PRIVATE_KEY_ENCRYPTED
        } else {
            &PRIVATE_KEY
        };
        let more = match keys.len() {
            1 => String::new(),
            n => format!(" and {} more", n - 1),
        };
        let protection = if encrypted {
            "The file's password protects the key only as far as the password is strong and \
             travelled another way than the file."
        } else {
            "Its password is empty: anyone who has the file has the key."
        };
        out.push(Finding::new(
            rule,
            format!(
                "{} is a PKCS#12 file that holds {}{more}. {protection} If the file travelled \
                 by mail, chat or a shared folder, treat the key as exposed: revoke the \
                 certificate and enrol a new key (a new key pair, not a new export of this one)",
                input.file,
                first.describe(),
            ),
        ));
    }
    apply_policy(&mut out, &opts.rule_policy);
    out
}
