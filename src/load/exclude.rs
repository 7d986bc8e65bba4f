//! `--exclude GLOB` and inventory `exclude = [...]`: files that are never
//! read, with the rules of ripgrep globs and `.gitignore`:
//!
//! - a pattern without `/` matches a file or directory **name** at any depth
//!   (`*.key`, `*.bak`, `README*`, `old`);
//! - a pattern with `/` matches the **path** (`certs/old/*`, `**/archive/**`),
//!   as the path is shown in reports; an inventory's patterns are taken
//!   relative to the inventory's directory, like its paths;
//! - a trailing `/` matches directories only (`old/`);
//! - `*` and `?` do not cross `/`; `**` does.
//!
//! An excluded directory is not entered. Exclusion applies to every path,
//! including one named on the command line: a shell expands `dir/*` into
//! names before pkiaudit sees them, and `--exclude '*.key'` must still hold
//! there. Nothing is dropped in silence: every excluded path is listed.

use std::path::{Component, Path, PathBuf};

/// One pattern, as written and compiled.
#[derive(Debug, Clone)]
struct Rule {
    /// As the user wrote it (reports name it).
    shown: String,
    pattern: glob::Pattern,
    /// The pattern has a `/`: it matches the whole path, not the name.
    by_path: bool,
    /// A trailing `/`: directories only.
    dir_only: bool,
}

/// A set of exclusion patterns. The default excludes nothing.
#[derive(Debug, Clone, Default)]
pub struct Exclude {
    rules: Vec<Rule>,
}

const OPTIONS: glob::MatchOptions = glob::MatchOptions {
    case_sensitive: true,
    require_literal_separator: true,
    require_literal_leading_dot: false,
};

/// The path without `.` components (`./certs/a.pem` is `certs/a.pem`), so a
/// pattern matches however the directory was named.
fn normal(path: &Path) -> PathBuf {
    path.components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect()
}

impl Exclude {
    /// The patterns of `--exclude`, matched against paths as given.
    pub fn new<S: AsRef<str>>(patterns: &[S]) -> Result<Self, String> {
        let mut out = Exclude::default();
        for p in patterns {
            out.add(p.as_ref(), None)?;
        }
        Ok(out)
    }

    /// Add one pattern. A path pattern (one with `/`) that is relative is
    /// taken relative to `base` when given (an inventory's directory).
    pub fn add(&mut self, text: &str, base: Option<&Path>) -> Result<(), String> {
        let shown = text.to_string();
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err("an empty exclude pattern".into());
        }
        let dir_only = trimmed.len() > 1 && trimmed.ends_with('/');
        let body = if dir_only {
            trimmed.trim_end_matches('/')
        } else {
            trimmed
        };
        let by_path = body.contains('/');
        let full = match base {
            Some(base) if by_path && !Path::new(body).is_absolute() => {
                let base = normal(base);
                if base.as_os_str().is_empty() {
                    body.to_string()
                } else {
                    format!(
                        "{}/{}",
                        glob::Pattern::escape(&base.to_string_lossy()),
                        body.strip_prefix("./").unwrap_or(body)
                    )
                }
            }
            _ => body.strip_prefix("./").unwrap_or(body).to_string(),
        };
        let pattern =
            glob::Pattern::new(&full).map_err(|e| format!("bad exclude pattern '{text}': {e}"))?;
        self.rules.push(Rule {
            shown,
            pattern,
            by_path,
            dir_only,
        });
        Ok(())
    }

    /// Add every pattern of `other`.
    pub fn extend(&mut self, other: &Exclude) {
        self.rules.extend(other.rules.iter().cloned());
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The patterns, as written.
    pub fn patterns(&self) -> impl Iterator<Item = &str> {
        self.rules.iter().map(|r| r.shown.as_str())
    }

    /// The pattern that excludes `path` itself (by its name or its whole
    /// path), if any. `is_dir` says whether it is a directory.
    pub fn matching(&self, path: &Path, is_dir: bool) -> Option<&str> {
        if self.rules.is_empty() || path.as_os_str() == "-" {
            return None;
        }
        let full = normal(path);
        let name = full.file_name().map(Path::new);
        self.rules
            .iter()
            .filter(|r| is_dir || !r.dir_only)
            .find(|r| {
                if r.by_path {
                    r.pattern.matches_path_with(&full, OPTIONS)
                } else {
                    name.is_some_and(|n| r.pattern.matches_path_with(n, OPTIONS))
                }
            })
            .map(|r| r.shown.as_str())
    }

    /// The pattern that excludes `path` or one of its directories below
    /// `root` (the part a glob or a walk found; `root` itself was named).
    pub fn matching_below(&self, path: &Path, root: &Path) -> Option<&str> {
        if self.rules.is_empty() {
            return None;
        }
        let root = normal(root);
        let full = normal(path);
        let mut first = true;
        for at in full.ancestors() {
            if at == root || at.as_os_str().is_empty() || !at.starts_with(&root) {
                break;
            }
            // The path itself may be a file; every ancestor is a directory.
            let is_dir = !first || at.is_dir();
            first = false;
            if let Some(p) = self.matching(at, is_dir) {
                return Some(p);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(patterns: &[&str]) -> Exclude {
        Exclude::new(patterns).unwrap()
    }

    #[test]
    fn name_patterns_match_the_name_at_any_depth() {
        let e = ex(&["*.key", "README*", "*.bak"]);
        assert_eq!(e.matching(Path::new("certs/a.key"), false), Some("*.key"));
        assert_eq!(
            e.matching(Path::new("/x/y/README.md"), false),
            Some("README*")
        );
        assert_eq!(e.matching(Path::new("./a.pem.bak"), false), Some("*.bak"));
        assert_eq!(e.matching(Path::new("certs/a.pem"), false), None);
        // the name only: a directory called x.key above does not count here
        assert_eq!(e.matching(Path::new("x.key/a.pem"), false), None);
        assert_eq!(e.matching(Path::new("-"), false), None);
    }

    #[test]
    fn path_patterns_match_the_whole_path() {
        let e = ex(&["certs/old/*", "**/archive/**"]);
        assert!(e.matching(Path::new("certs/old/a.pem"), false).is_some());
        assert!(e.matching(Path::new("./certs/old/a.pem"), false).is_some());
        // `*` does not cross `/`
        assert!(e.matching(Path::new("certs/old/x/a.pem"), false).is_none());
        assert!(e
            .matching(Path::new("other/certs/old/a.pem"), false)
            .is_none());
        assert!(e
            .matching(Path::new("a/b/archive/c/d.pem"), false)
            .is_some());
    }

    #[test]
    fn directory_only_patterns() {
        let e = ex(&["old/"]);
        assert!(e.matching(Path::new("certs/old"), true).is_some());
        assert!(e.matching(Path::new("certs/old"), false).is_none());
    }

    #[test]
    fn inventory_patterns_are_relative_to_its_directory() {
        let mut e = Exclude::default();
        e.add("site[1]/*.pem", Some(Path::new("/inv/dir"))).unwrap();
        e.add("*.key", Some(Path::new("/inv/dir"))).unwrap();
        // the base is literal (its `[` is not a class); the pattern is not
        assert!(e
            .matching(Path::new("/inv/dir/site1/a.pem"), false)
            .is_some());
        assert!(e.matching(Path::new("/inv/dir/a.key"), false).is_some());
        assert!(e
            .matching(Path::new("/elsewhere/site1/a.pem"), false)
            .is_none());
    }

    #[test]
    fn below_a_root_every_directory_counts() {
        let e = ex(&["old", "*.bak"]);
        let root = Path::new("certs");
        assert_eq!(
            e.matching_below(Path::new("certs/old/a.pem"), root),
            Some("old")
        );
        assert_eq!(e.matching_below(Path::new("certs/new/a.pem"), root), None);
        // the root itself was named: its own name does not exclude
        assert_eq!(
            e.matching_below(Path::new("old/a.pem"), Path::new("old")),
            None
        );
    }

    #[test]
    fn bad_patterns_are_errors_naming_them() {
        let e = Exclude::new(&["[z-a"]).unwrap_err();
        assert!(e.contains("[z-a"), "{e}");
        assert!(Exclude::new(&[" "]).is_err());
    }
}
