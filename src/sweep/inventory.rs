//! What a sweep covers: targets from the command line (files, directories,
//! globs) or from an inventory file (TOML) that names each target with its
//! own profile, host, IKE identity, trust store and labels.
//!
//! ```toml
//! # defaults for every target below
//! profile = "ikev2"
//! trust = ["pki/corp-root.pem"]
//! labels = { owner = "netops" }
//!
//! [[target]]
//! name = "hub1 identity"
//! paths = ["hub1/*.pem", "hub1/running-config.txt"]
//! profile = "anyconnect-server"
//! host = "vpn.example.com"
//! id = "vpn.example.com"          # the IKE identity, as `check --id`
//! labels = { site = "fra", device = "hub1" }
//!
//! [[target]]
//! name = "client certificates"
//! paths = ["clients/"]
//! profile = "flexvpn-client"
//! kind = "stored"                 # auto (default), headend, stored, trust
//! untrusted = ["pki/issuing/"]    # intermediates chains may use
//! ignore = ["revocation.no-source"]
//! severity = ["validity.expiring=info"]
//! exclude = ["*.key", "*.bak", "archive/"]
//!
//! [[target]]
//! name = "exported client bundles"
//! paths = ["exports/*.pfx"]
//! password_file = "secrets/pfx-password.txt"   # PKCS#12 password: its first line
//! ```
//!
//! `ignore` and `severity` given at the top apply to every target; a
//! target's own entries come after them and win.
//!
//! Relative paths are relative to the inventory file. A pattern that
//! matches nothing is an input error of the sweep, never silently empty.
//! `exclude` (globally and per target; a target's patterns add to the
//! global ones) leaves files out as `--exclude` does
//! ([`crate::load::Exclude`]); its patterns with a `/` are relative to the
//! inventory file too. `password_file` (globally or per target; the
//! target's wins) names a file whose first line is the password of the
//! target's PKCS#12 files, tried after the empty one (`--password-file` and
//! `PKIAUDIT_PASSWORD` apply where a target names none; a sweep never
//! prompts).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::audit::identity::IkeId;
use crate::audit::names::Host;
use crate::audit::profile::Profile;
use crate::audit::rules::RulePolicy;
use crate::audit::Holds;
use crate::load::{Exclude, ExcludedPath};

/// Bytes read from an inventory file.
pub const MAX_INVENTORY_BYTES: u64 = 4 * 1024 * 1024;

/// Paths one glob pattern may expand to.
pub const MAX_GLOB_MATCHES: usize = 100_000;

/// One thing to audit, with how to audit it.
#[derive(Debug, Clone)]
pub struct Target {
    /// Its name in reports (`name`, or the path given on the command line).
    pub name: String,
    /// Files and directories (globs already expanded).
    pub paths: Vec<PathBuf>,
    /// Why some of what was asked for could not be expanded (a pattern
    /// that matches nothing, a bad pattern): input errors.
    pub problems: Vec<(String, String)>,
    pub profile: Profile,
    pub host: Option<Host>,
    /// The IKE identity the target's certificate is sent with (`id`).
    pub id: Option<IkeId>,
    /// Trust anchors (files or directories).
    pub trust: Vec<PathBuf>,
    /// Labels for metrics and reports (site, device, owner, ...).
    pub labels: BTreeMap<String, String>,
    /// What the target's files are (sent chains or stored certificates).
    pub holds: Holds,
    /// Extra intermediates (files or directories).
    pub untrusted: Vec<PathBuf>,
    /// `ignore` and `severity`, global then the target's.
    pub policy: RulePolicy,
    /// Files and directories never read (`--exclude`, inventory
    /// `exclude`).
    pub exclude: Exclude,
    /// What the exclusions kept out of the glob expansions so far.
    pub excluded: Vec<ExcludedPath>,
    /// `password_file`: where the password of the target's PKCS#12 files
    /// is (read by the caller, so that parsing never touches the disk).
    pub password_file: Option<PathBuf>,
    /// That password, once read.
    pub password: Option<crate::load::Password>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct InventoryFile {
    profile: Option<String>,
    host: Option<String>,
    id: Option<String>,
    #[serde(default)]
    trust: Vec<String>,
    #[serde(default)]
    labels: BTreeMap<String, String>,
    kind: Option<String>,
    #[serde(default)]
    untrusted: Vec<String>,
    #[serde(default)]
    ignore: Vec<String>,
    #[serde(default)]
    severity: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
    password_file: Option<String>,
    #[serde(default)]
    target: Vec<TargetEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetEntry {
    name: Option<String>,
    paths: Vec<String>,
    profile: Option<String>,
    host: Option<String>,
    id: Option<String>,
    trust: Option<Vec<String>>,
    #[serde(default)]
    labels: BTreeMap<String, String>,
    kind: Option<String>,
    untrusted: Option<Vec<String>>,
    #[serde(default)]
    ignore: Vec<String>,
    #[serde(default)]
    severity: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
    password_file: Option<String>,
}

/// Whether `path` names an inventory file rather than certificates.
pub fn is_inventory(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
        && path.is_file()
}

/// Parse a profile name as the command line spells it.
pub fn parse_profile(name: &str) -> Result<Profile, String> {
    // As clap read `--profile` when Profile was its value enum: ASCII case
    // ignored.
    Profile::ALL
        .into_iter()
        .find(|p| p.name().eq_ignore_ascii_case(name))
        .ok_or_else(|| {
            let names: Vec<&str> = Profile::ALL.iter().map(|p| p.name()).collect();
            format!("unknown profile '{name}' (one of {})", names.join(", "))
        })
}

/// Read an inventory file and expand its paths. Errors name the file (and
/// TOML's line and column).
pub fn read(path: &Path) -> Result<Vec<Target>, String> {
    read_with(path, &Exclude::default())
}

/// [`read`], with more exclusion patterns for every target (`--exclude`).
pub fn read_with(path: &Path, exclude: &Exclude) -> Result<Vec<Target>, String> {
    use std::io::Read;
    let shown = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| format!("{shown}: {e}"))?;
    let mut text = String::new();
    file.take(MAX_INVENTORY_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|e| format!("{shown}: {e}"))?;
    let base = path.parent().unwrap_or(Path::new("."));
    let mut out = Vec::new();
    for (mut target, specs) in parse(&text, &shown, base)? {
        target.exclude.extend(exclude);
        for spec in &specs {
            expand_into(spec, &mut target);
        }
        out.push(target);
    }
    Ok(out)
}

/// Parse the text of an inventory named `shown`, without touching the
/// filesystem: each target comes with its paths still unexpanded (joined to
/// `base`, the inventory's directory), for [`expand_into`].
pub fn parse(text: &str, shown: &str, base: &Path) -> Result<Vec<(Target, Vec<String>)>, String> {
    if text.len() as u64 > MAX_INVENTORY_BYTES {
        return Err(format!(
            "{shown}: larger than {} MiB; not an inventory",
            MAX_INVENTORY_BYTES / (1024 * 1024)
        ));
    }
    let inv: InventoryFile = toml::from_str(text)
        .map_err(|e| format!("{shown}: {}", e.to_string().trim_end().replace('\n', " ")))?;
    if inv.target.is_empty() {
        return Err(format!("{shown}: no [[target]] entries"));
    }
    let global =
        RulePolicy::parse(&inv.ignore, &inv.severity).map_err(|e| format!("{shown}: {e}"))?;
    let mut out = Vec::new();
    for (i, t) in inv.target.iter().enumerate() {
        let name = t
            .name
            .clone()
            .unwrap_or_else(|| format!("{shown} target {}", i + 1));
        let profile = match t.profile.as_ref().or(inv.profile.as_ref()) {
            Some(p) => parse_profile(p).map_err(|e| format!("{shown}: target '{name}': {e}"))?,
            None => Profile::Ikev2,
        };
        let host = match t.host.as_ref().or(inv.host.as_ref()) {
            Some(h) => {
                Some(Host::parse(h).map_err(|e| format!("{shown}: target '{name}': host: {e}"))?)
            }
            None => None,
        };
        let id = match t.id.as_ref().or(inv.id.as_ref()) {
            Some(i) => {
                Some(IkeId::parse(i).map_err(|e| format!("{shown}: target '{name}': id: {e}"))?)
            }
            None => None,
        };
        if t.paths.is_empty() {
            return Err(format!("{shown}: target '{name}' has no paths"));
        }
        let mut labels = inv.labels.clone();
        labels.extend(t.labels.clone());
        let trust: Vec<PathBuf> = t
            .trust
            .as_ref()
            .unwrap_or(&inv.trust)
            .iter()
            .map(|p| base.join(p))
            .collect();
        let holds = match t.kind.as_ref().or(inv.kind.as_ref()) {
            Some(k) => Holds::parse(k).map_err(|e| format!("{shown}: target '{name}': {e}"))?,
            None => Holds::Auto,
        };
        let untrusted: Vec<PathBuf> = t
            .untrusted
            .as_ref()
            .unwrap_or(&inv.untrusted)
            .iter()
            .map(|p| base.join(p))
            .collect();
        let own = RulePolicy::parse(&t.ignore, &t.severity)
            .map_err(|e| format!("{shown}: target '{name}': {e}"))?;
        let specs = t
            .paths
            .iter()
            .map(|p| base.join(p).display().to_string())
            .collect();
        let mut exclude = Exclude::default();
        for p in inv.exclude.iter().chain(&t.exclude) {
            exclude
                .add(p, Some(base))
                .map_err(|e| format!("{shown}: target '{name}': {e}"))?;
        }
        let password_file = t
            .password_file
            .as_ref()
            .or(inv.password_file.as_ref())
            .map(|p| base.join(p));
        let target = Target {
            name,
            paths: Vec::new(),
            problems: Vec::new(),
            profile,
            host,
            id,
            trust,
            labels,
            holds,
            untrusted,
            policy: global.then(&own),
            exclude,
            excluded: Vec::new(),
            password_file,
            password: None,
        };
        out.push((target, specs));
    }
    Ok(out)
}

/// Whether text is a glob pattern rather than a plain path.
fn is_pattern(text: &str) -> bool {
    text.contains(['*', '?', '['])
}

/// The directories of a glob pattern before its first wildcard: the part
/// the user named literally.
fn literal_prefix(spec: &str) -> PathBuf {
    Path::new(spec)
        .components()
        .take_while(|c| !is_pattern(&c.as_os_str().to_string_lossy()))
        .collect()
}

/// Add what `spec` names to `target`: the path itself when it exists or is
/// not a pattern (a missing plain path is reported by the loader, with the
/// OS error), else the files the glob matches, less what the target's
/// exclusions match (in any directory the wildcards matched, too).
pub fn expand_into(spec: &str, target: &mut Target) {
    if !is_pattern(spec) || Path::new(spec).exists() {
        target.paths.push(PathBuf::from(spec));
        return;
    }
    let paths = match glob::glob(spec) {
        Ok(p) => p,
        Err(e) => {
            target
                .problems
                .push((spec.to_string(), format!("bad pattern: {e}")));
            return;
        }
    };
    let mut found = Vec::new();
    let root = literal_prefix(spec);
    let excluded_before = target.excluded.len();
    for entry in paths {
        match entry {
            Ok(p) => {
                if found.len() >= MAX_GLOB_MATCHES {
                    target.problems.push((
                        spec.to_string(),
                        format!(
                            "matches more than {MAX_GLOB_MATCHES} paths; the rest are not read"
                        ),
                    ));
                    break;
                }
                match target.exclude.matching_below(&p, &root) {
                    Some(pattern) => target.excluded.push(ExcludedPath {
                        path: p,
                        pattern: pattern.to_string(),
                    }),
                    None => found.push(p),
                }
            }
            Err(e) => target.problems.push((
                spec.to_string(),
                format!("cannot read {}: {}", e.path().display(), e.error()),
            )),
        }
    }
    // A pattern whose every match was excluded matched something.
    if found.is_empty() && target.excluded.len() == excluded_before {
        target
            .problems
            .push((spec.to_string(), "no file matches this pattern".into()));
    }
    found.sort();
    target.paths.extend(found);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn targets_with_defaults_globs_and_labels() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "hub1/a.pem", "x");
        write(dir.path(), "hub1/b.pem", "x");
        write(dir.path(), "hub1/notes.txt", "x");
        let inv = write(
            dir.path(),
            "inventory.toml",
            r#"
profile = "flexvpn-server"
trust = ["root.pem"]
labels = { owner = "netops" }

[[target]]
name = "hub1"
paths = ["hub1/*.pem", "missing/*.pem"]
host = "vpn.example.com"
id = "@vpn.example.com"
labels = { site = "fra" }

[[target]]
paths = ["clients"]
profile = "flexvpn-client"
trust = []
"#,
        );
        let t = read(&inv).unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].name, "hub1");
        assert_eq!(t[0].profile, Profile::FlexVpnServer);
        assert_eq!(t[0].host.as_ref().unwrap().to_string(), "vpn.example.com");
        assert_eq!(t[0].id.as_ref().unwrap().type_name(), "ID_FQDN");
        assert!(t[1].id.is_none());
        assert_eq!(t[0].paths.len(), 2, "{:?}", t[0].paths);
        assert!(t[0].paths.iter().all(|p| p.extension().unwrap() == "pem"));
        assert_eq!(t[0].problems.len(), 1);
        assert!(t[0].problems[0].1.contains("no file matches"));
        assert_eq!(t[0].trust, vec![dir.path().join("root.pem")]);
        assert_eq!(t[0].labels["owner"], "netops");
        assert_eq!(t[0].labels["site"], "fra");
        assert_eq!(t[1].profile, Profile::FlexVpnClient);
        assert!(t[1].trust.is_empty());
        // a plain path that does not exist is kept: the loader reports it
        assert_eq!(t[1].paths, vec![dir.path().join("clients")]);
        assert!(t[1].name.contains("target 2"));
    }

    #[test]
    fn kinds_untrusted_and_rule_policy_per_target() {
        let dir = tempfile::tempdir().unwrap();
        let inv = write(
            dir.path(),
            "inventory.toml",
            r#"
ignore = ["revocation.no-source"]
untrusted = ["pki/issuing.pem"]

[[target]]
name = "hubs"
paths = ["hubs"]
kind = "headend"
severity = ["revocation.no-source=warning"]

[[target]]
name = "clients"
paths = ["clients"]
untrusted = []
"#,
        );
        let t = read(&inv).unwrap();
        assert_eq!(t[0].holds, Holds::Headend);
        assert_eq!(t[1].holds, Holds::Auto);
        assert_eq!(t[0].untrusted, vec![dir.path().join("pki/issuing.pem")]);
        assert!(t[1].untrusted.is_empty());
        let rule = crate::audit::rules::by_id("revocation.no-source").unwrap();
        // The target's own entry comes after the global one and wins.
        assert_eq!(
            t[0].policy.decide(rule),
            Some(crate::audit::rules::Severity::Warning)
        );
        assert_eq!(t[1].policy.decide(rule), None);
    }

    #[test]
    fn exclude_globally_and_per_target() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "hub1/a.pem", "x");
        write(dir.path(), "hub1/a.key", "x");
        write(dir.path(), "hub1/a.pem.bak", "x");
        write(dir.path(), "hub1/old/b.pem", "x");
        write(dir.path(), "hub2/c.pem", "x");
        write(dir.path(), "hub2/c.key", "x");
        let inv = write(
            dir.path(),
            "inventory.toml",
            r#"
exclude = ["*.key"]

[[target]]
name = "hub1"
paths = ["hub1/*", "hub1/*/*.pem"]
exclude = ["*.bak", "hub1/old"]

[[target]]
paths = ["hub2/*.key"]
"#,
        );
        let t = read_with(&inv, &Exclude::new(&["*.nothing"]).unwrap()).unwrap();
        // hub1/old itself is excluded by path; hub1/old/b.pem below it too
        assert_eq!(t[0].paths, vec![dir.path().join("hub1/a.pem")]);
        let mut excluded: Vec<String> = t[0]
            .excluded
            .iter()
            .map(|e| {
                format!(
                    "{} {}",
                    e.path.strip_prefix(dir.path()).unwrap().display(),
                    e.pattern
                )
            })
            .collect();
        excluded.sort();
        assert_eq!(
            excluded,
            [
                "hub1/a.key *.key",
                "hub1/a.pem.bak *.bak",
                "hub1/old hub1/old",
                "hub1/old/b.pem hub1/old",
            ]
        );
        assert!(t[0].problems.is_empty(), "{:?}", t[0].problems);
        assert!(t[0].exclude.patterns().any(|p| p == "*.nothing"));
        // a pattern that matched nothing but what was excluded is no error
        assert!(t[1].paths.is_empty());
        assert!(t[1].problems.is_empty(), "{:?}", t[1].problems);
    }

    #[test]
    fn bad_inventories_are_errors_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        for (text, says) in [
            (
                "[[target]]\npaths = [\"a\"]\nprofile = \"nonsense\"\n",
                "unknown profile",
            ),
            ("[[target]]\npaths = [\"a\"]\ncolour = \"red\"\n", "colour"),
            ("profile = \"ikev2\"\n", "no [[target]]"),
            ("[[target]]\npaths = []\n", "no paths"),
            ("[[target]\n", "inventory.toml"),
            (
                "[[target]]\npaths = [\"a\"]\nhost = \"bad host name!\"\n",
                "host",
            ),
            (
                "[[target]]\npaths = [\"a\"]\nid = \"ip:not-an-address\"\n",
                "id: ",
            ),
            (
                "exclude = [\"[z-a\"]\n[[target]]\npaths = [\"a\"]\n",
                "[z-a",
            ),
            (
                "[[target]]\nname = \"hubs\"\npaths = [\"a\"]\nkind = \"bundle\"\n",
                "target 'hubs': unknown kind 'bundle'",
            ),
            (
                "[[target]]\nname = \"hubs\"\npaths = [\"a\"]\nignore = [\"chain.sent.incomplet\"]\n",
                "target 'hubs': ignore 'chain.sent.incomplet' names no rule",
            ),
            (
                "severity = [\"validity.expiring=loud\"]\n[[target]]\npaths = [\"a\"]\n",
                "unknown level 'loud'",
            ),
        ] {
            let inv = write(dir.path(), "inventory.toml", text);
            let e = read(&inv).unwrap_err();
            assert!(
                e.contains("inventory.toml") && e.contains(says),
                "{text}: {e}"
            );
        }
    }
}
