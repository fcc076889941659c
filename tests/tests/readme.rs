//! The README shows real output of the worked example; this keeps it true.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::isnad_in;

/// The `text` block after "isnad trace ad8f" in the README is exactly what
/// `isnad trace ad8f` prints on the demo ledger.
#[test]
fn readme_trace_example_matches_the_demo() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("README.md");
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
