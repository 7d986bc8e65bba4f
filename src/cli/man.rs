//! `pkiaudit man`: manual pages in roff (clap_mangen).

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, CommandFactory};

use super::{exit, Cli};

pub(super) const AFTER_HELP: &str = "\
Examples:
  # Read the page now
  pkiaudit man | man -l -

  # Install one page per command (pkiaudit.1, pkiaudit-check.1, ...)
  pkiaudit man --dir /usr/local/share/man/man1

Exit codes:
  0  the page (or pages) were written
  2  usage error, or a page could not be written";

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write one page per command into DIR
    ///
    /// pkiaudit.1, pkiaudit-check.1, pkiaudit-inspect.1, ...; DIR is created
    /// if missing, and the paths written are printed. Without --dir, the page
    /// of pkiaudit itself goes to standard output.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

pub(super) fn man(args: ManArgs, out: &mut dyn Write) -> anyhow::Result<i32> {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    // Sets the subcommands' display names (pkiaudit-check), which name
    // their pages and the SEE ALSO-style references of the main page.
    cmd.build();
    let Some(dir) = args.dir else {
        let mut page = Vec::new();
        clap_mangen::Man::new(cmd).render(&mut page)?;
        out.write_all(&page)?;
        return Ok(exit::OK);
    };
    std::fs::create_dir_all(&dir).map_err(|e| anyhow::anyhow!("--dir {}: {e}", dir.display()))?;
    let mut pages = vec![cmd.clone()];
    pages.extend(cmd.get_subcommands().filter(|s| !s.is_hide_set()).cloned());
    for page in pages {
        let path = clap_mangen::Man::new(page)
            .generate_to(&dir)
            .map_err(|e| anyhow::anyhow!("--dir {}: {e}", dir.display()))?;
        writeln!(out, "{}", path.display())?;
    }
    Ok(exit::OK)
}
