//! Times the strict parse ([`isnad_format::entry::Parser::parse`]) over every line
//! of an export, the part of `isnad verify` that is not signatures:
//!
//! ```sh
//! isnad bench gen 100000 > g.jsonl
//! cargo run --release -p isnad-format --example parse_timing -- g.jsonl
//! ```
//!
//! Prints the best of five passes, in entries per second on one core.

use std::process::ExitCode;
use std::time::Instant;

use isnad_format::entry::Parser;

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: parse_timing <export.jsonl>");
        return ExitCode::from(2);
    };
    let text = match std::fs::read(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::from(1);
        }
    };
    let lines: Vec<&[u8]> = text
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    let mut best = f64::INFINITY;
    for _ in 0..5 {
        let mut parser = Parser::new();
        let start = Instant::now();
        for (i, line) in lines.iter().enumerate() {
            if let Err(e) = parser.parse(line) {
                eprintln!("{path}: line {}: {e}", i + 1);
                return ExitCode::from(1);
            }
        }
        best = best.min(start.elapsed().as_secs_f64());
    }
    println!(
        "{} entries: best pass {:.3} s, {:.2} µs an entry, {:.0} entries/s",
        lines.len(),
        best,
        best * 1e6 / lines.len() as f64,
        lines.len() as f64 / best
    );
    ExitCode::SUCCESS
}
