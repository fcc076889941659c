//! Checks shared by the targets.

#![allow(dead_code, reason = "each target uses a different subset")]

use std::fmt::Display;

/// Whether `input` holds a line break, raw or as a JSON escape.
pub fn has_break(input: &[u8]) -> bool {
    let lower = input.to_ascii_lowercase();
    let escapes: [&[u8]; 4] = [br"\n", br"\r", br"\u000a", br"\u000d"];
    lower.iter().any(|c| matches!(c, b'\n' | b'\r'))
        || escapes
            .iter()
            .any(|pat| lower.windows(pat.len()).any(|w| w == *pat))
}

/// An error must read as one non-empty line: isnad escapes whatever input
/// its messages quote.
pub fn check_err(what: &str, e: &dyn Display, _input: &[u8]) {
    let text = e.to_string();
    assert!(!text.trim().is_empty(), "{what}: empty error message");
    assert!(
        !text.contains(['\n', '\r']),
        "{what}: error message spans lines: {text:?}"
    );
}

/// [`check_err`] for serde_json's own errors (proof documents are read with
/// serde_json directly), whose messages quote unknown member names raw: a
/// line break is let through when the input holds one.
pub fn check_serde_err(what: &str, e: &dyn Display, input: &[u8]) {
    let text = e.to_string();
    assert!(!text.trim().is_empty(), "{what}: empty error message");
    if !has_break(input) {
        assert!(
            !text.contains(['\n', '\r']),
            "{what}: error message spans lines: {text:?}"
        );
    }
}
