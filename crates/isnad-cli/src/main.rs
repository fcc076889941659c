//! `isnad`, the command line of the isnad ledger.
//!
//! This crate parses arguments, prints results and maps errors to exit codes;
//! everything about the ledger itself is a call into `isnad-core`.

#![forbid(unsafe_code)]

mod cli;
mod commands;
mod keyfile;
mod output;

use std::process::ExitCode;

use clap::Parser as _;

/// Exit code: the data failed verification.
const EXIT_VERIFY: u8 = 1;
/// Exit code: bad usage or input.
const EXIT_INPUT: u8 = 2;

/// An error that means "verification failed" (exit 1) rather than bad input.
#[derive(Debug)]
pub struct VerificationFailed(pub anyhow::Error);

impl std::fmt::Display for VerificationFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "verification failed: {:#}", self.0)
    }
}

impl std::error::Error for VerificationFailed {}

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            let code = if err.downcast_ref::<VerificationFailed>().is_some() {
                EXIT_VERIFY
            } else {
                EXIT_INPUT
            };
            // One line: anyhow's alternate form joins the causes with ": ".
            let msg = format!("{err:#}").replace('\n', " ");
            eprintln!("isnad: error: {msg}");
            ExitCode::from(code)
        }
    }
}
