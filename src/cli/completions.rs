//! `pkiaudit completions SHELL`: the shell completion script (clap_complete).

use std::io::Write;

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::{exit, Cli};

pub(super) const AFTER_HELP: &str = "\
Examples:
  # bash: load it now, or install it for every new shell
  source <(pkiaudit completions bash)
  pkiaudit completions bash > ~/.local/share/bash-completion/completions/pkiaudit

  # zsh (a directory on $fpath) and fish
  pkiaudit completions zsh > ~/.zfunc/_pkiaudit
  pkiaudit completions fish > ~/.config/fish/completions/pkiaudit.fish

Exit codes:
  0  the script was written to standard output
  2  usage error (an unknown shell)";

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to write the completion script for.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: Shell,
}

pub(super) fn completions(args: CompletionsArgs, out: &mut dyn Write) -> anyhow::Result<i32> {
    // Rendered into memory first: the generators panic on a write error,
    // and `pkiaudit completions bash | head` must not.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "pkiaudit", &mut script);
    out.write_all(&script)?;
    Ok(exit::OK)
}
