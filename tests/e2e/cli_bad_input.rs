//! Bad input of every kind, given to the `isnad` binary as a process: each
//! is refused with its exit code (2, or 1 for a failed verification) and
//! one error line naming the field or entry, and leaves every ledger exactly
//! as it was (same entries, same head, same export bytes). Also: tampered
//! exports, a ledger in use, a directory that is not a ledger.
//!
//! The cases are one table, [`REFUSED`] (and [`WHILE_HELD`], run with the
//! ledger held open by this process), of arguments, what the error line
//! must say and the exit code, run by one loop over fixtures made first;
//! `{name}` in an argument or an expected fragment stands for a fixture.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::common::{
    self, Desk, State, assert_success, claim_args, isnad_in, jsonl, one_hop_claim, s, unix_now,
};
use isnad_core::record::{KeyBody, SourceBody, SourceKind};
use isnad_core::{Draft, Entry, KeyPair, Ledger, Record, Role, Timestamp};
use serde_json::Value;

/// Arguments, fragments the one error line must contain, exit code.
type Row = (&'static [&'static str], &'static [&'static str], i32);

/// Every refusal. Ledgers: `{d}` (the admin, an editor, a fact-checker and
/// four sources: 7 entries), `{w}` (the same plus claim `{claim}`, a source
/// the fact-checker defined, an enrolled auditor and a source imported: 11
/// entries), `{skew}` (`{d}` plus a key enrolled two minutes ahead of the
/// clock: 8), `{p}` (the first 4 entries of `{d}`); `{fresh}` is a directory
/// an import would create. Import files are named after the ledger they
/// extend.
#[rustfmt::skip]
const REFUSED: &[Row] = &[
    // Malformed JSON on import, into the ledger and into a new directory.
    (&["--ledger", "{d}", "import", "jsonl", "{d-cut-json.jsonl}"], &["line 8", "JSON"], 2),
    (&["--ledger", "{fresh}", "import", "jsonl", "{d-cut-json.jsonl}"], &["line 8", "JSON"], 2),
    (&["--ledger", "{d}", "import", "jsonl", "{d-not-json.jsonl}"], &["line 8", "JSON"], 2),
    (&["--ledger", "{fresh}", "import", "jsonl", "{d-not-json.jsonl}"], &["line 8", "JSON"], 2),
    // An empty line in the middle of the file.
    (&["--ledger", "{d}", "import", "jsonl", "{d-empty-line.jsonl}"], &["line 8"], 2),
    (&["--ledger", "{fresh}", "import", "jsonl", "{d-empty-line.jsonl}"], &["line 8"], 2),
    // The last line cut short (no newline).
    (&["--ledger", "{d}", "import", "jsonl", "{d-no-newline.jsonl}"], &["line 8", "newline"], 2),
    (&["--ledger", "{fresh}", "import", "jsonl", "{d-no-newline.jsonl}"], &["line 8", "newline"], 2),
    // A line longer than the entry limit.
    (&["--ledger", "{d}", "import", "jsonl", "{d-long-line.jsonl}"], &["line 8", "limit"], 2),
    (&["--ledger", "{fresh}", "import", "jsonl", "{d-long-line.jsonl}"], &["line 8", "limit"], 2),

    // Invalid UTF-8 on import and in a text file.
    (&["--ledger", "{d}", "import", "jsonl", "{d-bad-utf8.jsonl}"], &["line 8", "UTF-8"], 2),
    (&["--ledger", "{fresh}", "import", "jsonl", "{d-bad-utf8.jsonl}"], &["line 8", "UTF-8"], 2),
    (&["--ledger", "{d}", "--key", "{editor}", "claim", "add", "--text-file", "{bad.txt}", "--lang", "en", "--publisher", "rusi", "--date", "2025-02-18"], &["bad.txt", "UTF-8", "byte 7"], 2),

    // Unknown fields on import (keys in canonical order, so that it is the
    // unknown field that is refused), at the top and in the body.
    (&["--ledger", "{d}", "import", "jsonl", "{d-unknown-top.jsonl}"], &["line 8", "unknown field", "`w`"], 2),
    (&["--ledger", "{fresh}", "import", "jsonl", "{d-unknown-top.jsonl}"], &["line 8", "unknown field", "`w`"], 2),
    (&["--ledger", "{d}", "import", "jsonl", "{d-unknown-body.jsonl}"], &["line 8", "unknown field", "body", "`aaa`"], 2),
    (&["--ledger", "{fresh}", "import", "jsonl", "{d-unknown-body.jsonl}"], &["line 8", "unknown field", "body", "`aaa`"], 2),

    // An unknown source in a claim's chain, an affiliation, a prior; and
    // the same rule for an entry signed elsewhere and imported.
    (&["--ledger", "{d}", "--key", "{editor}", "claim", "add", "--text", "x", "--lang", "en", "--publisher", "agenzia-nova", "--via", "nobody", "--date", "2025-02-18"], &["body.chain[1].source", "nobody"], 2),
    (&["--ledger", "{d}", "--key", "{editor}", "claim", "add", "--text", "x", "--lang", "en", "--publisher", "nobody", "--date", "2025-02-18"], &["body.chain[0].source", "nobody"], 2),
    (&["--ledger", "{d}", "--key", "{editor}", "source", "add", "x", "--name", "X", "--kind", "person", "--affiliation", "nobody"], &["body.affiliations[0]", "nobody"], 2),
    (&["--ledger", "{d}", "--key", "{editor}", "prior", "nobody", "A", "--reason", "r"], &["body.source", "nobody"], 2),
    (&["--ledger", "{d}", "import", "jsonl", "{d-unknown-source.jsonl}"], &["line 8", "body.chain[0].source", "nobody"], 2),
    (&["--ledger", "{fresh}", "import", "jsonl", "{d-unknown-source.jsonl}"], &["line 8", "body.chain[0].source", "nobody"], 2),

    // An unknown claim in a verdict, an id that is not a claim's; relations
    // and amendments name what they point at.
    (&["--ledger", "{d}", "--key", "{checker}", "verdict", "add", "{zeros}", "--rating", "false", "--confidence", "80", "--rationale", "r"], &["claim", "no entry matches"], 2),
    (&["--ledger", "{d}", "--key", "{checker}", "verdict", "add", "{rusi-entry}", "--rating", "false", "--confidence", "80", "--rationale", "r"], &["body.claim", "source entry, expected claim"], 2),
    (&["--ledger", "{w}", "--key", "{editor}", "relate", "{claim}", "corroborates", "ffffffff"], &["to", "ffffffff"], 2),
    (&["--ledger", "{w}", "--key", "{editor}", "relate", "{claim}", "corroborates", "{claim10}"], &["body.to", "itself"], 2),
    (&["--ledger", "{w}", "--key", "{editor}", "amend", "eeeeeeee", "--retract", "--reason", "r"], &["target", "eeeeeeee"], 2),

    // Empty text, from the command line and from a file; an empty name, an
    // empty reason.
    (&["--ledger", "{d}", "--key", "{editor}", "claim", "add", "--text", "", "--lang", "en", "--publisher", "rusi", "--date", "2025-02-18"], &["body.text", "empty"], 2),
    (&["--ledger", "{d}", "--key", "{editor}", "claim", "add", "--text", "   ", "--lang", "en", "--publisher", "rusi", "--date", "2025-02-18"], &["body.text", "empty"], 2),
    (&["--ledger", "{d}", "--key", "{editor}", "claim", "add", "--text", "\n\t", "--lang", "en", "--publisher", "rusi", "--date", "2025-02-18"], &["body.text", "empty"], 2),
    (&["--ledger", "{d}", "--key", "{editor}", "claim", "add", "--text-file", "{empty.txt}", "--lang", "en", "--publisher", "rusi", "--date", "2025-02-18"], &["body.text", "empty"], 2),
    (&["--ledger", "{d}", "--key", "{editor}", "source", "add", "x", "--name", "", "--kind", "outlet"], &["body.name", "empty"], 2),
    (&["--ledger", "{d}", "--key", "{editor}", "prior", "rusi", "B", "--reason", " "], &["body.reason", "empty"], 2),

    // Text over 64 KiB, given and from a file; multi-byte text is measured
    // in bytes (32769 Arabic letters are 65538).
    (&["--ledger", "{d}", "--key", "{editor}", "claim", "add", "--text", "{a-65537}", "--lang", "en", "--publisher", "rusi", "--date", "2025-02-18"], &["body.text", "65537", "65536"], 2),
    (&["--ledger", "{d}", "--key", "{editor}", "claim", "add", "--text-file", "{long.txt}", "--lang", "en", "--publisher", "rusi", "--date", "2025-02-18"], &["body.text", "65537"], 2),
    (&["--ledger", "{d}", "--key", "{editor}", "claim", "add", "--text-file", "{long-ar.txt}", "--lang", "ar", "--publisher", "rusi", "--date", "2025-02-18"], &["body.text", "65538"], 2),

    // A time more than five minutes ahead on import; a time before the
    // previous entry's (on the ledger that took one two minutes ahead).
    (&["--ledger", "{d}", "import", "jsonl", "{d-future.jsonl}"], &["line 8", "`time`", "future"], 2),
    (&["--ledger", "{fresh}", "import", "jsonl", "{d-future.jsonl}"], &["line 8", "`time`", "future"], 2),
    (&["--ledger", "{skew}", "import", "jsonl", "{skew-past.jsonl}"], &["line 9", "`time`", "earlier"], 2),
    (&["--ledger", "{fresh}", "import", "jsonl", "{skew-past.jsonl}"], &["line 9", "`time`", "earlier"], 2),

    // An unenrolled key; nor may it enrol itself; the same entry signed
    // elsewhere and imported; a missing key file, one that is not a key,
    // one others can read.
    (&["--ledger", "{d}", "--key", "{stranger}", "source", "add", "x", "--name", "X", "--kind", "outlet"], &["not enrolled", "stranger+", "entry #7"], 2),
    (&["--ledger", "{d}", "--key", "{stranger}", "prior", "rusi", "A", "--reason", "r"], &["not enrolled"], 2),
    (&["--ledger", "{d}", "--key", "{stranger}", "key", "enroll", "{stranger}", "--role", "admin"], &["not enrolled", "stranger+"], 2),
    (&["--ledger", "{d}", "import", "jsonl", "{d-stranger.jsonl}"], &["line 8", "not enrolled"], 2),
    (&["--ledger", "{fresh}", "import", "jsonl", "{d-stranger.jsonl}"], &["line 8", "not enrolled"], 2),
    (&["--ledger", "{d}", "--key", "{missing.key}", "prior", "rusi", "A", "--reason", "r"], &["missing.key"], 2),
    (&["--ledger", "{d}", "--key", "{junk.key}", "prior", "rusi", "A", "--reason", "r"], &["junk.key"], 2),
    (&["--ledger", "{d}", "--key", "{loose}", "prior", "rusi", "A", "--reason", "r"], &["editor.key", "644", "chmod 600"], 2),

    // A role that may not write the record: an editor's verdict; a
    // fact-checker's prior and amendment (it may define a source, as `{w}`
    // shows); an editor enrolling keys, the admin writing anything but
    // keys; an auditor writing anything; on import, a prior signed by the
    // fact-checker.
    (&["--ledger", "{w}", "--key", "{editor}", "verdict", "add", "{claim8}", "--rating", "true", "--confidence", "90", "--rationale", "r"], &["editor+", "verdict", "no role"], 2),
    (&["--ledger", "{w}", "--key", "{checker}", "prior", "rusi", "A", "--reason", "r"], &["checker+", "no role", "prior"], 2),
    (&["--ledger", "{w}", "--key", "{checker}", "amend", "{claim8}", "--retract", "--reason", "r"], &["checker+", "no role", "amendment"], 2),
    (&["--ledger", "{w}", "--key", "{editor}", "key", "enroll", "{checker}", "--role", "admin"], &["editor+", "no role", "key"], 2),
    (&["--ledger", "{w}", "--key", "{admin}", "source", "add", "x", "--name", "X", "--kind", "outlet"], &["admin+", "no role", "source"], 2),
    (&["--ledger", "{w}", "--key", "{auditor}", "claim", "add", "--text", "y", "--lang", "en", "--publisher", "rusi", "--date", "2025-02-18"], &["auditor+", "no role", "claim"], 2),
    (&["--ledger", "{w}", "import", "jsonl", "{w-checker-prior.jsonl}"], &["line 12", "no role", "prior"], 2),
    (&["--ledger", "{fresh}", "import", "jsonl", "{w-checker-prior.jsonl}"], &["line 12", "no role", "prior"], 2),

    // Other field errors name the field.
    (&["--ledger", "{d}", "--key", "{editor}", "claim", "add", "--text", "x", "--publisher", "agenzia-nova", "--lang", "en", "--date", "2025-02-30"], &["body.appeared.date", "2025-02-30"], 2),
    (&["--ledger", "{d}", "--key", "{editor}", "claim", "add", "--text", "x", "--publisher", "agenzia-nova", "--lang", "english!", "--date", "2025-02-18"], &["body.lang"], 2),
    (&["--ledger", "{d}", "--key", "{editor}", "claim", "add", "--text", "x", "--publisher", "agenzia-nova", "--lang", "en", "--date", "2025-02-18", "--url", "ftp://x"], &["body.appeared.url", "ftp://x"], 2),
    (&["--ledger", "{d}", "--key", "{editor}", "claim", "add", "--text", "x", "--publisher", "agenzia-nova", "--lang", "en", "--date", "2025-02-18", "--via", "rusi:heard"], &["--via", "heard"], 2),
    (&["--ledger", "{d}", "--key", "{editor}", "claim", "add", "--text", "x", "--publisher", "agenzia-nova", "--lang", "en", "--date", "2025-02-18", "--via", "rusi", "--via", "rusi"], &["body.chain[2].source", "twice"], 2),
    (&["--ledger", "{d}", "--key", "{editor}", "claim", "add", "--text", "x", "--publisher", "agenzia-nova", "--lang", "en", "--date", "2025-02-18", "--translation", "fr"], &["--translation", "LANG=TEXT"], 2),
    (&["--ledger", "{d}", "--key", "{editor}", "claim", "add", "--text", "x", "--publisher", "agenzia-nova", "--lang", "en", "--date", "2025-02-18", "--translation", "en=same language"], &["body.translations[0].lang"], 2),
    (&["--ledger", "{d}", "--key", "{editor}", "claim", "add", "--text", "x", "--publisher", "agenzia-nova", "--lang", "en", "--date", "2025-02-18", "--via", "Not A Slug"], &["via", "Not A Slug"], 2),
    (&["--ledger", "{w}", "--key", "{checker}", "verdict", "add", "{claim8}", "--rating", "true", "--confidence", "101", "--rationale", "r"], &["body.confidence", "0-100"], 2),
    (&["--ledger", "{d}", "--key", "{editor}", "prior", "rusi", "Z", "--reason", "r"], &["grade", "Z"], 2),
    // A second source with an existing id (different content); a key
    // enrolled twice with other roles.
    (&["--ledger", "{d}", "--key", "{editor}", "source", "add", "rusi", "--name", "Other", "--kind", "outlet"], &["body.id", "rusi", "already exists"], 2),
    (&["--ledger", "{d}", "key", "enroll", "{editor}", "--role", "admin"], &["body.key", "already enrolled"], 2),

    // A tampered line on import: line 6 changed is new to `{p}`, so its
    // signature is checked; line 3 changed is where `{p}` has an entry, so
    // it diverges; lines out of order, or one missing; the whole export of
    // another ledger.
    (&["--ledger", "{p}", "import", "jsonl", "{p-tampered.jsonl}"], &["line 6", "signature", "editor+"], 2),
    (&["--ledger", "{fresh}", "import", "jsonl", "{p-tampered.jsonl}"], &["line 6", "signature"], 2),
    (&["--ledger", "{p}", "import", "jsonl", "{p-diverged.jsonl}"], &["line 3", "#2"], 2),
    (&["--ledger", "{p}", "import", "jsonl", "{p-swapped.jsonl}"], &["line 5"], 2),
    (&["--ledger", "{fresh}", "import", "jsonl", "{p-swapped.jsonl}"], &["line 5"], 2),
    (&["--ledger", "{p}", "import", "jsonl", "{p-gap.jsonl}"], &["line 5"], 2),
    (&["--ledger", "{fresh}", "import", "jsonl", "{p-gap.jsonl}"], &["line 5"], 2),
    (&["--ledger", "{p}", "import", "jsonl", "{other.jsonl}"], &["line 1", "does not extend"], 2),

    // A line that is not in canonical form: keys reordered (the same JSON
    // value), whitespace, an escape that need not be, a trailing CR.
    (&["--ledger", "{p}", "import", "jsonl", "{p-reordered.jsonl}"], &["line 5", "canonical"], 2),
    (&["--ledger", "{fresh}", "import", "jsonl", "{p-reordered.jsonl}"], &["line 5", "canonical"], 2),
    (&["--ledger", "{p}", "import", "jsonl", "{p-spaced.jsonl}"], &["line 5", "canonical"], 2),
    (&["--ledger", "{fresh}", "import", "jsonl", "{p-spaced.jsonl}"], &["line 5", "canonical"], 2),
    (&["--ledger", "{p}", "import", "jsonl", "{p-escaped.jsonl}"], &["line 5", "canonical"], 2),
    (&["--ledger", "{fresh}", "import", "jsonl", "{p-escaped.jsonl}"], &["line 5", "canonical"], 2),
    (&["--ledger", "{p}", "import", "jsonl", "{p-crlf.jsonl}"], &["line 5", "canonical"], 2),
    (&["--ledger", "{fresh}", "import", "jsonl", "{p-crlf.jsonl}"], &["line 5", "canonical"], 2),

    // `verify --export` names the first bad line and exits 1 (a changed,
    // a deleted and a non-canonical line); with --json, what it prints on
    // stdout is checked after the table.
    (&["verify", "--export", "{tampered.jsonl}"], &["verification failed", "line 5", "signature"], 1),
    (&["--json", "verify", "--export", "{tampered.jsonl}"], &[], 1),
    (&["verify", "--export", "{gap.jsonl}"], &["line 3"], 1),
    (&["verify", "--export", "{spaced.jsonl}"], &["line 7", "canonical"], 1),

    // A directory that is not a ledger, a plain file, a missing directory
    // (an import into a missing directory creates a ledger: not a case);
    // nothing is created or changed in them. An import where a file is
    // refuses it as not a directory, saying so once.
    (&["--ledger", "{not-a-ledger}", "log"], &["not an isnad ledger", "{not-a-ledger}"], 2),
    (&["--ledger", "{not-a-ledger}", "verify"], &["not an isnad ledger", "{not-a-ledger}"], 2),
    (&["--ledger", "{not-a-ledger}", "show", "abcd"], &["not an isnad ledger", "{not-a-ledger}"], 2),
    (&["--ledger", "{not-a-ledger}", "import", "jsonl", "{e.jsonl}"], &["not an isnad ledger", "{not-a-ledger}"], 2),
    (&["--ledger", "{not-a-ledger}", "--key", "{editor}", "prior", "rusi", "A", "--reason", "r"], &["not an isnad ledger", "{not-a-ledger}"], 2),
    (&["--ledger", "{plain-file}", "log"], &["not an isnad ledger", "{plain-file}"], 2),
    (&["--ledger", "{plain-file}", "verify"], &["not an isnad ledger", "{plain-file}"], 2),
    (&["--ledger", "{plain-file}", "show", "abcd"], &["not an isnad ledger", "{plain-file}"], 2),
    (&["--ledger", "{plain-file}", "import", "jsonl", "{e.jsonl}"], &["Not a directory", "{plain-file}"], 2),
    (&["--ledger", "{plain-file}", "--key", "{editor}", "prior", "rusi", "A", "--reason", "r"], &["not an isnad ledger", "{plain-file}"], 2),
    (&["--ledger", "{missing}", "log"], &["not an isnad ledger", "{missing}"], 2),
    (&["--ledger", "{missing}", "verify"], &["not an isnad ledger", "{missing}"], 2),
    (&["--ledger", "{missing}", "show", "abcd"], &["not an isnad ledger", "{missing}"], 2),
    (&["--ledger", "{missing}", "--key", "{editor}", "prior", "rusi", "A", "--reason", "r"], &["not an isnad ledger", "{missing}"], 2),
    // `init` into a directory holding other files.
    (&["--ledger", "{not-a-ledger}", "init"], &[], 2),

    // A private key given where a verifier key is expected is not echoed
    // (no row may print a secret).
    (&["--ledger", "{d}", "key", "enroll", "{editor-secret}", "--role", "editor"], &["key"], 2),

    // A checker that is not one: an unknown id, a key that is not a
    // fact-checker's; an --as-of that is no position or time.
    (&["--ledger", "{d}", "checkers", "nobody"], &["no checker `nobody` in the ledger"], 2),
    (&["--ledger", "{d}", "--json", "checkers", "editor", "--explain"], &["no checker `editor`"], 2),
    (&["--ledger", "{d}", "checkers", "--as-of", "yesterday"], &["as-of", "yesterday"], 2),
];

/// Refusals while this process holds `{d}` open: the ledger is in use, said
/// after `--wait`.
#[rustfmt::skip]
const WHILE_HELD: &[Row] = &[
    (&["--ledger", "{d}", "--wait", "0.2", "log"], &["ledger is in use", "--wait SECONDS"], 2),
    (&["--ledger", "{d}", "--wait", "0.2", "verify"], &["ledger is in use", "--wait SECONDS"], 2),
    (&["--ledger", "{d}", "--wait", "0.2", "source", "list"], &["ledger is in use", "--wait SECONDS"], 2),
    (&["--ledger", "{d}", "--wait", "0.2", "export", "jsonl"], &["ledger is in use", "--wait SECONDS"], 2),
    (&["--ledger", "{d}", "--wait", "0.2", "import", "jsonl", "{e.jsonl}"], &["ledger is in use", "--wait SECONDS"], 2),
    (&["--ledger", "{d}", "--wait", "0.2", "--key", "{editor}", "prior", "rusi", "A", "--reason", "r"], &["ledger is in use", "--wait SECONDS"], 2),
    (&["--ledger", "{d}", "--wait", "0.2", "--key", "{editor}", "source", "add", "x", "--name", "X", "--kind", "outlet"], &["ledger is in use", "--wait SECONDS"], 2),
];

#[test]
fn every_bad_input_is_refused_with_one_line_and_changes_nothing() {
    let fx = Fixtures::new();
    let d = &fx.desk;
    let rows = REFUSED
        .iter()
        .map(|row| (row, false))
        .chain(WHILE_HELD.iter().map(|row| (row, true)));
    for (&(args, fragments, code), held) in rows {
        let args: Vec<String> = args.iter().map(|a| fx.fill(a)).collect();
        let label = label(&args);
        let target = args
            .iter()
            .position(|a| a == "--ledger")
            .map(|i| PathBuf::from(&args[i + 1]));
        let other_before = target
            .as_deref()
            .filter(|t| !fx.ledgers.contains_key(*t))
            .map(snapshot);
        let hold = held.then(|| Ledger::open(target.as_deref().expect("a ledger")).unwrap());
        let out = d.run(isnad_in(d.dir()).args(&args));
        drop(hold);

        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(code),
            "{label}: exit code; stdout {:?}; stderr {stderr:?}",
            String::from_utf8_lossy(&out.stdout)
        );
        let lines: Vec<&str> = stderr.lines().collect();
        assert!(
            lines.len() == 1 && lines[0].starts_with("isnad: error: "),
            "{label}: one error line, got {stderr:?}"
        );
        let line = lines[0];
        for f in fragments {
            let f = fx.fill(f);
            assert!(line.contains(&f), "{label}: {line:?} should mention {f:?}");
        }
        // An error from the system is reported once.
        if let Some(at) = line.find(" (os error") {
            assert_eq!(line.matches(" (os error").count(), 1, "{label}: {line}");
            let what = line[..at].rsplit(": ").next().unwrap_or_default();
            assert!(!what.is_empty(), "{label}: {line}");
            assert_eq!(line.matches(what).count(), 1, "{label}: said twice: {line}");
        }
        if !args.iter().any(|a| a == "--json") {
            assert!(out.stdout.is_empty(), "{label}: printed on stdout");
        }
        // What the row ran on is as it was: a fixture ledger's entries,
        // head and export; anything else, every byte (or its absence).
        if let Some(t) = target {
            match fx.ledgers.get(&t) {
                Some(before) => {
                    assert_eq!(&d.state_at(&t), before, "{label}: changed {}", t.display());
                }
                None => assert_eq!(
                    Some(snapshot(&t)),
                    other_before,
                    "{label}: changed {}",
                    t.display()
                ),
            }
        }
        d.assert_no_secrets();
    }
    for (ledger, before) in &fx.ledgers {
        assert_eq!(&d.state_at(ledger), before, "{} changed", ledger.display());
    }

    // `--json verify --export` says on stdout, for programs, where it failed.
    let tampered = fx.fill("{tampered.jsonl}");
    let o = d.run(isnad_in(d.dir()).args(["--json", "verify", "--export", &tampered]));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["ok"], false);
    assert_eq!(v["line"], 5);
    assert_eq!(v["seq"], 4);

    // Beside each bad input, the good one is accepted: the untouched
    // export verifies, and extends `{p}` to what `{d}` is.
    let good = d.file("good.jsonl", &fx.lines_of_d);
    let o = d.run(isnad_in(d.dir()).args(["verify", "--export", s(&good)]));
    assert_success(&o, &["verify", "--export"]);
    let p = PathBuf::from(fx.fill("{p}"));
    let o = d.run(isnad_in(d.dir()).arg("--ledger").arg(&p).args([
        "--json",
        "import",
        "jsonl",
        s(&good),
    ]));
    assert_success(&o, &["import", "jsonl"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["added"], 3);
    assert_eq!(d.state_at(&p), d.state());
    // The entry with no unknown field goes in.
    let genuine = d.file("genuine.jsonl", &fx.genuine);
    assert_eq!(d.json(&["import", "jsonl", s(&genuine)])["added"], 1);
    // Text of exactly 64 KiB is fine.
    let f = d.file("max.txt", "a".repeat(65536).as_bytes());
    d.add(
        &d.editor,
        &[
            "claim",
            "add",
            "--text-file",
            s(&f),
            "--lang",
            "en",
            "--publisher",
            "rusi",
            "--date",
            "2025-02-18",
        ],
    );
    assert_eq!(d.state().entries, 9);
    d.assert_no_secrets();
}

/// A row's command for a failure message, long arguments shortened.
fn label(args: &[String]) -> String {
    let shown: Vec<String> = args
        .iter()
        .map(|a| {
            if a.chars().count() > 60 {
                format!(
                    "{}…({} bytes)",
                    a.chars().take(20).collect::<String>(),
                    a.len()
                )
            } else {
                format!("{a:?}")
            }
        })
        .collect();
    format!("isnad {}", shown.join(" "))
}

/// Every file under `path`, with its bytes (`path` itself if a file); `None`
/// when nothing is there.
fn snapshot(path: &Path) -> Option<BTreeMap<PathBuf, Vec<u8>>> {
    fn walk(at: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        if at.is_dir() {
            out.insert(at.to_path_buf(), Vec::new());
            for e in std::fs::read_dir(at).unwrap() {
                walk(&e.unwrap().path(), out);
            }
        } else {
            out.insert(at.to_path_buf(), std::fs::read(at).unwrap());
        }
    }
    path.exists().then(|| {
        let mut out = BTreeMap::new();
        walk(path, &mut out);
        out
    })
}

/// What the rows refer to, all under one desk's directory: ledgers in their
/// states, key files, files to import or read, ids.
struct Fixtures {
    desk: Desk,
    /// `{name}` → its text.
    names: BTreeMap<&'static str, String>,
    /// The fixture ledgers, each with its state before any row ran.
    ledgers: BTreeMap<PathBuf, State>,
    /// The export of `{d}`, untouched.
    lines_of_d: Vec<u8>,
    /// `{d}`'s export and one more entry, which `{d}` takes.
    genuine: Vec<u8>,
}

impl Fixtures {
    fn new() -> Fixtures {
        let d = Desk::with_sources();
        let dir = d.dir().to_path_buf();
        let mut names = BTreeMap::new();
        let mut name = |n: &'static str, value: &Path| {
            names.insert(n, s(value).to_owned());
        };
        name("d", &d.ledger);
        name("editor", &d.editor);
        name("checker", &d.checker);
        name("admin", &d.ledger.join("keys").join("admin.key"));
        name("fresh", &dir.join("fresh"));
        name("missing", &dir.join("missing"));
        name("missing.key", &dir.join("missing.key"));
        let editor = Desk::keypair(&d.editor);
        let lines = d.export_lines();
        let with = |extra: Vec<u8>| {
            let mut l = lines.clone();
            l.push(extra);
            jsonl(&l)
        };
        let mut files: Vec<(&'static str, Vec<u8>)> = Vec::new();

        // Imports into `{d}` (7 entries), each of an eighth line.
        files.push(("d-cut-json.jsonl", with(b"{\"v\":1,\"seq\":7,".to_vec())));
        files.push(("d-not-json.jsonl", with(b"not json at all".to_vec())));
        files.push(("d-empty-line.jsonl", with(Vec::new())));
        let mut cut = jsonl(&lines);
        cut.extend_from_slice(b"{\"v\":1}");
        files.push(("d-no-newline.jsonl", cut));
        let mut big = b"{\"body\":\"".to_vec();
        big.resize(1024 * 1024 + 16, b'a');
        files.push(("d-long-line.jsonl", with(big)));
        let e = next_entry(&lines, &editor, source("new-outlet"), unix_now());
        let leaf = e.leaf_bytes();
        let bad = replace(leaf, "Source new-outlet", b"Source \xff\xfe");
        files.push(("d-bad-utf8.jsonl", with(bad)));
        assert!(leaf.ends_with(b",\"v\":1}"));
        let mut top = leaf[..leaf.len() - 1].to_vec();
        top.extend_from_slice(b",\"w\":1}");
        files.push(("d-unknown-top.jsonl", with(top)));
        let body = replace(leaf, "{\"body\":{", b"{\"body\":{\"aaa\":1,");
        files.push(("d-unknown-body.jsonl", with(body)));
        let genuine = with(leaf.to_vec());
        let e = next_entry(
            &lines,
            &editor,
            one_hop_claim("A claim", "nobody"),
            unix_now(),
        );
        files.push(("d-unknown-source.jsonl", with(e.leaf_bytes().to_vec())));
        let newcomer = KeyPair::from_seed("newcomer", &[9; 32]).unwrap();
        let enrol = Record::Key(KeyBody {
            key: newcomer.verifier().to_string(),
            roles: vec![Role::Auditor],
            holder: None,
            replaces: None,
            org: None,
        });
        let admin = d.admin();
        let future = next_entry(&lines, &admin, enrol.clone(), unix_now() + 10 * 60);
        files.push(("d-future.jsonl", with(future.leaf_bytes().to_vec())));
        let stranger = dir.join("stranger.key");
        d.ok(&["key", "new", "stranger", "--out", s(&stranger)]);
        name("stranger", &stranger);
        let e = next_entry(&lines, &Desk::keypair(&stranger), source("x"), unix_now());
        files.push(("d-stranger.jsonl", with(e.leaf_bytes().to_vec())));
        files.push(("e.jsonl", jsonl(&lines)));

        // `{skew}`: `{d}` and a key enrolled two minutes ahead of the clock,
        // which is tolerated; then an entry dated long before it.
        let skew = dir.join("skew");
        common::copy_dir(&d.ledger, &skew);
        let soon = next_entry(&lines, &admin, enrol, unix_now() + 120);
        let f = d.file("soon.jsonl", &with(soon.leaf_bytes().to_vec()));
        let o = at(&d, &skew, &["--json", "import", "jsonl", s(&f)]);
        assert_eq!(o["added"], 1);
        name("skew", &skew);
        let skew_lines = export_of(&d, &skew);
        let past = next_entry(&skew_lines, &editor, source("past"), 1_000_000);
        let mut l = skew_lines;
        l.push(past.leaf_bytes().to_vec());
        files.push(("skew-past.jsonl", jsonl(&l)));

        // `{w}`: `{d}` with a claim, a source the fact-checker may define
        // (the claimant of a claim it rates), an enrolled auditor, and a
        // source imported; then a prior signed by the fact-checker.
        let w = dir.join("w");
        common::copy_dir(&d.ledger, &w);
        name("w", &w);
        let id = |v: Value| v["id"].as_str().unwrap().to_owned();
        let mut a = vec!["--json", "--key", s(&d.editor)];
        a.extend(claim_args("x"));
        let claim = id(at(&d, &w, &a));
        let checker = s(&d.checker);
        let a = [
            "--json",
            "--key",
            checker,
            "source",
            "add",
            "claimant",
            "--name",
            "A claimant",
            "--kind",
            "person",
        ];
        assert_eq!(at(&d, &w, &a)["new"], true);
        let auditor = dir.join("auditor.key");
        d.ok(&["key", "new", "auditor", "--out", s(&auditor)]);
        at(
            &d,
            &w,
            &["--json", "key", "enroll", s(&auditor), "--role", "auditor"],
        );
        name("auditor", &auditor);
        let e = next_entry(&export_of(&d, &w), &editor, source("y"), unix_now());
        let mut l = export_of(&d, &w);
        l.push(e.leaf_bytes().to_vec());
        let f = d.file("ok.jsonl", &jsonl(&l));
        assert_eq!(
            at(&d, &w, &["--json", "import", "jsonl", s(&f)])["added"],
            1
        );
        let w_lines = export_of(&d, &w);
        assert_eq!(w_lines.len(), 11);
        let prior = Record::Prior(isnad_core::record::PriorBody {
            source: "rusi".parse().unwrap(),
            grade: isnad_core::record::Grade::A,
            reason: "r".into(),
        });
        let e = next_entry(&w_lines, &Desk::keypair(&d.checker), prior, unix_now());
        let mut l = w_lines;
        l.push(e.leaf_bytes().to_vec());
        files.push(("w-checker-prior.jsonl", jsonl(&l)));
        let source_entry = d.json(&["source", "show", "rusi"])["entry"]
            .as_str()
            .unwrap()
            .to_owned();

        // `{p}`: the first four entries of `{d}`, so that a changed fifth
        // line is a new line for it.
        let p = dir.join("p");
        let f = d.file("prefix.jsonl", &jsonl(&lines[..4]));
        at(&d, &p, &["--json", "import", "jsonl", s(&f)]);
        name("p", &p);
        let mut bad = lines.clone();
        bad[5] = replace(&lines[5], "Jalel Harchaoui", b"Jalel Harchaoul");
        files.push(("p-tampered.jsonl", jsonl(&bad)));
        let mut bad = lines.clone();
        bad[2] = replace(&lines[2], "\"fact-checker\"", b"\"admin\"");
        files.push(("p-diverged.jsonl", jsonl(&bad)));
        let mut swapped = lines.clone();
        swapped.swap(4, 5);
        files.push(("p-swapped.jsonl", jsonl(&swapped)));
        let mut gap = lines.clone();
        gap.remove(4);
        files.push(("p-gap.jsonl", jsonl(&gap)));
        let other = Desk::with_sources();
        files.push(("other.jsonl", other.state().export));
        let l = &lines[4];
        assert!(l.ends_with(b",\"v\":1}"));
        let mut reordered = b"{\"v\":1,".to_vec();
        reordered.extend_from_slice(&l[1..l.len() - 7]);
        reordered.push(b'}');
        let v1: Value = serde_json::from_slice(&reordered).unwrap();
        let v2: Value = serde_json::from_slice(l).unwrap();
        assert_eq!(v1, v2);
        let mut crlf = l.clone();
        crlf.push(b'\r');
        for (file, variant) in [
            ("p-reordered.jsonl", reordered),
            ("p-spaced.jsonl", replace(l, "\"kind\":", b"\"kind\": ")),
            (
                "p-escaped.jsonl",
                replace(l, "\"source\"", b"\"sourc\\u0065\""),
            ),
            ("p-crlf.jsonl", crlf),
        ] {
            let mut file_lines = lines[..4].to_vec();
            file_lines.push(variant);
            files.push((file, jsonl(&file_lines)));
        }

        // Exports for `verify --export`: a changed, a deleted and a
        // non-canonical line.
        let mut bad = lines.clone();
        bad[4] = replace(&lines[4], "Fawasel Media", b"Fawasel Medie");
        files.push(("tampered.jsonl", jsonl(&bad)));
        let mut gap = lines.clone();
        gap.remove(2);
        files.push(("gap.jsonl", jsonl(&gap)));
        let mut spaced = lines.clone();
        spaced[6] = replace(&lines[6], "\"seq\":", b"\"seq\": ");
        files.push(("spaced.jsonl", jsonl(&spaced)));

        // Text files, and key files that are not what they should be.
        files.push(("bad.txt", b"Haftar \xc3\x28 Russia\n".to_vec()));
        files.push(("empty.txt", b"\n".to_vec()));
        files.push(("long.txt", "a".repeat(65537).into_bytes()));
        files.push(("long-ar.txt", "ب".repeat(32769).into_bytes()));
        files.push(("junk.key", b"not a key\n".to_vec()));
        for (n, bytes) in files {
            let path = d.file(n, &bytes);
            name(n, &path);
        }
        set_mode(&dir.join("junk.key"), 0o600);
        let loose = dir.join("loose").join("editor.key");
        std::fs::create_dir(dir.join("loose")).unwrap();
        std::fs::copy(&d.editor, &loose).unwrap();
        set_mode(&loose, 0o644);
        name("loose", &loose);

        // Where there is no ledger: a directory with other files, a file.
        let not = dir.join("not-a-ledger");
        std::fs::create_dir(&not).unwrap();
        std::fs::write(not.join("notes.txt"), "hello").unwrap();
        name("not-a-ledger", &not);
        let plain = dir.join("plain-file");
        std::fs::write(&plain, "x").unwrap();
        name("plain-file", &plain);

        let secret = std::fs::read_to_string(&d.editor).unwrap();
        names.insert("editor-secret", secret.trim().to_owned());
        names.insert("claim", claim.clone());
        names.insert("claim8", claim[..8].to_owned());
        names.insert("claim10", claim[..10].to_owned());
        names.insert("rusi-entry", source_entry);
        names.insert("zeros", "0".repeat(64));
        names.insert("a-65537", "a".repeat(65537));

        let mut ledgers = BTreeMap::new();
        for l in [&d.ledger, &skew, &w, &p] {
            ledgers.insert(l.clone(), d.state_at(l));
        }
        assert_eq!(ledgers[&d.ledger].entries, 7);
        assert_eq!(ledgers[&skew].entries, 8);
        assert_eq!(ledgers[&w].entries, 11);
        assert_eq!(ledgers[&p].entries, 4);
        Fixtures {
            lines_of_d: jsonl(&lines),
            genuine,
            desk: d,
            names,
            ledgers,
        }
    }

    /// `text` with each `{name}` replaced by its fixture.
    fn fill(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for (name, value) in &self.names {
            out = out.replace(&format!("{{{name}}}"), value);
        }
        assert!(
            !(out.contains('{') && out.contains('}')),
            "no fixture for {text:?}"
        );
        out
    }
}

/// `isnad --ledger LEDGER ARGS…` from the desk, which must succeed and print
/// JSON.
fn at(d: &Desk, ledger: &Path, args: &[&str]) -> Value {
    let out = d.run(isnad_in(d.dir()).arg("--ledger").arg(ledger).args(args));
    assert_success(&out, args);
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The export lines of the ledger at `ledger`.
fn export_of(d: &Desk, ledger: &Path) -> Vec<Vec<u8>> {
    d.state_at(ledger)
        .export
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(<[u8]>::to_vec)
        .collect()
}

/// An entry signed with the library after the last of `lines`.
fn next_entry(lines: &[Vec<u8>], key: &KeyPair, record: Record, time: i64) -> Entry {
    let last = Entry::parse(lines.last().expect("an entry")).unwrap();
    Draft::new(
        last.seq().next(),
        last.hash(),
        Timestamp::from_unix(time),
        key.verifier().clone(),
        record,
    )
    .sign(key)
    .unwrap()
}

fn source(id: &str) -> Record {
    Record::Source(SourceBody {
        id: id.parse().unwrap(),
        name: format!("Source {id}"),
        kind: SourceKind::Outlet,
        url: None,
        language: None,
        affiliations: vec![],
        description: None,
    })
}

/// Replaces the first occurrence of `from` in `line` by `to`.
fn replace(line: &[u8], from: &str, to: &[u8]) -> Vec<u8> {
    let at = line
        .windows(from.len())
        .position(|w| w == from.as_bytes())
        .unwrap_or_else(|| panic!("{from:?} not in {}", String::from_utf8_lossy(line)));
    let mut out = line[..at].to_vec();
    out.extend_from_slice(to);
    out.extend_from_slice(&line[at + from.len()..]);
    out
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}
