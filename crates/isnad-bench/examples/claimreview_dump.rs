//! Writes a ClaimReview dump of N reviews (default 100,000) to standard
//! output: `cargo run --release -p isnad-bench --example claimreview_dump -- 1000000 > dump.json`.

#![forbid(unsafe_code)]

fn main() -> std::io::Result<()> {
    let n = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    isnad_bench::claimreview::write_dump(n, &mut out)
}
