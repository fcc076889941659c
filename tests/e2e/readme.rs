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

/// The README's test command, in its `sh` block (the line that runs
/// `cargo test`, without its comment).
fn readme_test_command() -> String {
    let readme = std::fs::read_to_string(repo().join("README.md")).expect("README.md");
    let block = readme
        .split("```sh\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("the README's first sh block");
    let line = block
        .lines()
        .find(|l| l.contains("cargo test"))
        .expect("a test command in the README's first sh block");
    line.split(" #").next().unwrap_or(line).trim().to_owned()
}

/// Runs `command` as a line of a bash script under `set -euo pipefail`,
/// with `tests/setup.sh` and the `cargo test` command standing in for
/// programs that exit as given; whether the script went on after it.
fn goes_on_after(command: &str, setup: &str, tests: &str) -> bool {
    let line = command
        .replace("tests/setup.sh", setup)
        .replace("cargo test --workspace --locked", tests);
    let script = format!("set -euo pipefail\n{line}\necho went on\n");
    let out = std::process::Command::new("bash")
        .args(["-c", &script])
        .output()
        .expect("run bash");
    String::from_utf8_lossy(&out.stdout).contains("went on")
}

/// `.ci/run` runs exactly the README's test command, and that command stops
/// a `set -e` script when `tests/setup.sh` fails, not only when the tests do
/// (bash ignores a failure left of `&&` under `set -e`).
#[test]
fn ci_runs_the_readme_test_command_and_a_failed_setup_fails_it() {
    let command = readme_test_command();
    assert!(
        command.contains("tests/setup.sh") && command.contains("cargo test --workspace --locked"),
        "{command}"
    );
    let ci = std::fs::read_to_string(repo().join(".ci/run")).expect(".ci/run");
    assert!(
        ci.contains("\nset -euo pipefail\n"),
        ".ci/run stops on errors"
    );
    assert!(
        ci.lines().any(|l| l.trim() == command),
        ".ci/run does not run the README's test command {command:?} as a line of its own"
    );
    assert!(goes_on_after(&command, "true", "true"));
    assert!(
        !goes_on_after(&command, "false", "true"),
        "a failed setup lets the script go on: {command}"
    );
    assert!(
        !goes_on_after(&command, "true", "false"),
        "failed tests let the script go on: {command}"
    );
}
