//! Reports: one module per output format, each writing to `impl io::Write`.

pub mod json;
pub mod text;

/// Output formats of every command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}
