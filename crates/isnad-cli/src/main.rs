//! `isnad`, the command line of the isnad ledger.
//!
//! This crate parses arguments, prints results and maps errors to exit codes;
//! everything about the ledger itself is a call into `isnad-core`.

#![forbid(unsafe_code)]

mod bench;
mod cli;
mod commands;
mod exit;
mod interop;
mod keyfile;
mod loadtest;
mod output;
mod readtest;
mod remote;
mod scoring;
mod search;
mod serve;
mod tiles;
mod witness;
mod witnesses;

use std::process::ExitCode;

/// mimalloc rather than the system allocator: sled frees the nodes it
/// rewrites in sizes glibc's allocator keeps for reuse rather than returning,
/// and a million-review import peaked at twice the memory it used
/// (docs/PERFORMANCE.md, "ClaimReview import at 100,000 and 1,000,000
/// reviews").
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

use clap::Parser as _;

/// An error that means "verification failed" (exit 1) rather than bad input.
#[derive(Debug)]
pub struct VerificationFailed(pub anyhow::Error);

impl std::fmt::Display for VerificationFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "verification failed: {:#}", self.0)
    }
}

impl std::error::Error for VerificationFailed {}

/// An error that means "the checkpoint is signed, but too few witnesses
/// cosigned it" (exit 3).
#[derive(Debug)]
pub struct QuorumNotMet(pub String);

impl std::fmt::Display for QuorumNotMet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for QuorumNotMet {}

/// True when the error is standard output closing under us (`| head`).
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// The error and its causes joined by ": ", on one line.
fn one_line(err: &anyhow::Error) -> String {
    format!("{err:#}").replace('\n', " ")
}

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help and --version: print and succeed.
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            // One line, as every other error: clap's first line without its
            // own "error: " prefix, and where to look for more.
            let rendered = e.render().to_string();
            let mut lines = rendered.lines().map(str::trim).filter(|l| !l.is_empty());
            let first = lines.next().unwrap_or_default();
            let first = first.strip_prefix("error: ").unwrap_or(first);
            // "…were not provided:" continues on the next line; keep it.
            let more = match lines.next() {
                Some(next) if first.ends_with(':') => format!(" {next}"),
                _ => String::new(),
            };
            eprintln!("isnad: error: {first}{more} (see isnad --help)");
            return ExitCode::from(exit::INPUT);
        }
    };
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            let code = if err.downcast_ref::<VerificationFailed>().is_some() {
                exit::VERIFY
            } else if err.downcast_ref::<QuorumNotMet>().is_some() {
                exit::QUORUM
            } else {
                exit::INPUT
            };
            eprintln!("isnad: error: {}", one_line(&err));
            ExitCode::from(code)
        }
    }
}
