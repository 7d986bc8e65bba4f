//! Terminal styling of every text report, in one place. Styles are written
//! as ANSI codes; the CLI wraps stdout in `anstream`, which drops them
//! unless stdout is a terminal (or `--color always`).

use anstyle::{AnsiColor, Color, Style};

use crate::audit::rules::Severity;
use crate::audit::Verdict;
use crate::sweep::rows::State;

pub(crate) const BOLD: Style = Style::new().bold();
pub(crate) const DIM: Style = Style::new().dimmed();
pub(crate) const RED: Style = Style::new()
    .fg_color(Some(Color::Ansi(AnsiColor::Red)))
    .bold();
pub(crate) const YELLOW: Style = Style::new()
    .fg_color(Some(Color::Ansi(AnsiColor::Yellow)))
    .bold();
pub(crate) const GREEN: Style = Style::new()
    .fg_color(Some(Color::Ansi(AnsiColor::Green)))
    .bold();
pub(crate) const CYAN: Style = Style::new().fg_color(Some(Color::Ansi(AnsiColor::Cyan)));

/// A `check` verdict: its style and its word.
pub(crate) fn verdict(v: Verdict) -> (Style, &'static str) {
    match v {
        Verdict::Pass => (GREEN, "PASS"),
        Verdict::Warn => (YELLOW, "WARN"),
        Verdict::Fail => (RED, "FAIL"),
    }
}

pub(crate) fn severity(s: Severity) -> Style {
    match s {
        Severity::Error => RED,
        Severity::Warning => YELLOW,
        Severity::Info => CYAN,
    }
}

/// A sweep state: its style and its (monitoring-plugin) word.
pub(crate) fn state(s: State) -> (Style, &'static str) {
    let style = match s {
        State::Ok => GREEN,
        State::Warning => YELLOW,
        State::Critical => RED,
    };
    (style, super::words::state_label(s))
}

/// The style of a sweep row's finding, by its severity word.
pub(crate) fn severity_word(severity: &str) -> Style {
    match severity {
        "error" => RED,
        "warning" => YELLOW,
        _ => CYAN,
    }
}
