//! The `pkiaudit` binary: a thin wrapper over [`pkiaudit::cli`].
#![forbid(unsafe_code)]

fn main() {
    std::process::exit(pkiaudit::cli::main());
}
