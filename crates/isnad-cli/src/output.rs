//! Terminal output: progress bars on a terminal only, and small text helpers.

use std::io::IsTerminal as _;

use indicatif::{ProgressBar, ProgressStyle};

/// A progress bar on standard error when it is a terminal; hidden otherwise,
/// so piped and scripted runs stay quiet.
pub fn progress(total: u64, what: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    let style = ProgressStyle::with_template("{msg} {bar:40} {pos}/{len} ({per_sec}, eta {eta})")
        .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar.set_message(what.to_owned());
    bar
}

/// Shortens `s` to `n` characters with an ellipsis, on one line.
pub fn clip(s: &str, n: usize) -> String {
    let one_line: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= n {
        one_line
    } else {
        let mut out: String = one_line.chars().take(n.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

/// Prints a JSON value on one line.
pub fn print_json(v: &serde_json::Value) -> std::io::Result<()> {
    use std::io::Write as _;
    writeln!(std::io::stdout().lock(), "{v}")
}

/// `println!` that returns an error instead of panicking when standard
/// output is closed (`isnad log | head -1`); `main` ends such a run quietly.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)?
    }};
}
pub(crate) use outln;
