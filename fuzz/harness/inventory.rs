//! Sweep inventories (TOML) from strangers: `sweep::inventory::parse` on
//! arbitrary text. Parsing never touches the filesystem (globs are expanded
//! later, by `read`), so a fuzzed `/**` cannot walk the disk here. It may
//! not panic; an inventory it accepts has at least one target, each with at
//! least one path, relative ones joined to the inventory's directory and no expansion done;
//! an error names the file.

use std::path::Path;

use pkiaudit::sweep::inventory;

/// One run of the target on `data`; panics on a finding.
pub fn run(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let base = Path::new("/nonexistent/inventory-dir");
    match inventory::parse(&text, "fuzz.toml", base) {
        Ok(targets) => {
            assert!(!targets.is_empty());
            for (target, specs) in &targets {
                assert!(!specs.is_empty(), "target {} without paths", target.name);
                assert!(target.paths.is_empty() && target.problems.is_empty());
                // relative paths are taken from the inventory's directory
                // (an absolute path stays as written)
                for s in specs {
                    assert!(Path::new(s).is_absolute(), "{s} is not under the base");
                }
                let _ = format!(
                    "{} {:?} {:?} {:?}",
                    target.name, target.profile, target.host, target.labels
                );
            }
        }
        Err(e) => assert!(
            e.starts_with("fuzz.toml"),
            "error without the file name: {e}"
        ),
    }
}
