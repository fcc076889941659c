//! The README shows real output of the worked example; this keeps it true.

use crate::common::{isnad_in, repo};

/// The `text` block after "isnad trace ad8f" in the README is exactly what
/// `isnad trace ad8f` prints on the demo ledger.
#[test]
fn readme_trace_example_matches_the_demo() {
    let readme = std::fs::read_to_string(repo().join("README.md")).expect("README.md");
    let after = readme
        .split("`isnad trace ad8f`")
        .nth(1)
        .expect("README mentions `isnad trace ad8f`");
    let block = after
        .split("```text\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("a text block after it");

    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("isnad-demo");
    let demo = isnad_in(dir.path())
        .args(["demo", ledger.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    let trace = isnad_in(dir.path())
        .args(["--ledger", ledger.to_str().unwrap(), "trace", "ad8f"])
        .output()
        .unwrap();
    assert!(
        trace.status.success(),
        "{}",
        String::from_utf8_lossy(&trace.stderr)
    );
    assert_eq!(String::from_utf8(trace.stdout).unwrap(), block);
}

/// docs/FORMAT.md's known answers for the log (the demo's signed checkpoint
/// and its consistency proof from 20 to 35 entries) are what `isnad` prints.
#[test]
fn format_log_examples_match_the_demo() {
    let format = std::fs::read_to_string(repo().join("docs/FORMAT.md")).expect("docs/FORMAT.md");
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("isnad-demo");
    let run = |args: &[&str]| {
        let out = isnad_in(dir.path())
            .arg("--ledger")
            .arg(&ledger)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    run(&["demo", ledger.to_str().unwrap()]);
    let note = run(&["checkpoint"]);
    assert!(
        format.contains(&format!("```\n{note}```")),
        "checkpoint:\n{note}"
    );
    let vkey = run(&["checkpoint", "--vkey"]);
    assert!(format.contains(vkey.trim()), "vkey {vkey}");
    let proof = run(&["prove", "--consistency", "20"]);
    assert!(
        format.contains(&format!("```json\n{proof}```")),
        "proof:\n{proof}"
    );
}
