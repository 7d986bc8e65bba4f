//! The `pkiaudit` binary: a thin wrapper over [`pkiaudit::cli`].
#![forbid(unsafe_code)]

/// mimalloc, not glibc's malloc: a sweep allocates and frees many small
/// buffers per certificate, and glibc spent ~12% of a one-core sweep in
/// malloc, free and heap growth (`docs/performance.md`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(pkiaudit::cli::main());
}
