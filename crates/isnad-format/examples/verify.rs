//! An independent verifier of an isnad export and an inclusion proof, using
//! the format crate alone (no database):
//!
//! ```sh
//! isnad export jsonl -o export.jsonl
//! isnad prove <entry-id> > proof.json
//! isnad checkpoint --vkey > log.vkey
//! cargo run -p isnad-format --example verify -- export.jsonl proof.json log.vkey
//! ```
//!
//! Exits 0 when the export verifies, the proof holds for the log key, and
//! the proven entry is the export's line of that index; 1 otherwise.

use std::process::ExitCode;

use isnad_format::{Error, VerifierKey, jsonl, merkle, proof::InclusionProof};

fn run(export: &str, proof: &str, vkey: &str) -> Result<String, String> {
    let read = |p: &str| std::fs::read(p).map_err(|e| format!("{p}: {e}"));
    let (lines, proof_text, key_text) = (read(export)?, read(proof)?, read(vkey)?);
    let key: VerifierKey = String::from_utf8_lossy(&key_text)
        .trim()
        .parse()
        .map_err(|e: Error| format!("{vkey}: {e}"))?;
    let report = jsonl::verify_jsonl(&mut lines.as_slice(), &mut |_| {})
        .map_err(|e| format!("{export}: {e}"))?;
    let inclusion: InclusionProof =
        serde_json::from_slice(&proof_text).map_err(|e| format!("{proof}: {e}"))?;
    let index = usize::try_from(inclusion.index()).map_err(|e| e.to_string())?;
    let line = lines
        .split(|b| *b == b'\n')
        .nth(index)
        .ok_or(format!("{export}: has no line for index {index}"))?;
    let entry = inclusion
        .verify_entry(&key, line)
        .map_err(|e| format!("{proof}: {e}"))?;
    // When the export is exactly the checkpointed tree, its root must match.
    if report.entries == inclusion.tree_size() {
        let leaves: Vec<_> = lines
            .split(|b| *b == b'\n')
            .filter(|l| !l.is_empty())
            .map(merkle::leaf_hash)
            .collect();
        let checkpoint = inclusion
            .verify(&key)
            .map_err(|e| format!("{proof}: {e}"))?;
        if &merkle::root(&leaves) != checkpoint.root() {
            return Err(format!("{export}: its Merkle root is not the checkpoint's"));
        }
    }
    Ok(format!(
        "{} entries verified; entry {} ({}) is in the log of {} entries",
        report.entries,
        entry.seq(),
        entry.hash().to_hex(),
        inclusion.tree_size()
    ))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [export, proof, vkey] = args.as_slice() else {
        eprintln!("usage: verify EXPORT.jsonl PROOF.json LOG.vkey");
        return ExitCode::from(2);
    };
    match run(export, proof, vkey) {
        Ok(summary) => {
            println!("{summary}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("verify: {e}");
            ExitCode::from(1)
        }
    }
}
