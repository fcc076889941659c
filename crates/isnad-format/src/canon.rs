//! Canonical bytes: RFC 8785 (JSON Canonicalization Scheme) and Unicode NFC.
//!
//! Every signed byte in isnad is produced here. Entries carry no floating-point
//! numbers, so the only parts of JCS that matter in practice are member order
//! (UTF-16 code units), the absence of whitespace and minimal string escaping;
//! the full scheme, numbers included, is still implemented by a well-kept crate
//! and checked against the RFC's known answers in the tests.

use serde::Serialize;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

use crate::error::Error;

mod writer;

pub(crate) use writer::CanonicalWriter;

/// Serialises `value` to its RFC 8785 canonical bytes.
///
/// # Errors
/// [`Error::Canonical`] when the value cannot be represented in JSON
/// (for example a map with non-string keys).
pub fn to_canonical<T: Serialize>(value: &T) -> Result<Vec<u8>, Error> {
    serde_json_canonicalizer::to_vec(value).map_err(|e| Error::Canonical {
        reason: e.to_string(),
    })
}

/// Canonicalises arbitrary JSON text (as RFC 8785 does for its examples).
///
/// # Errors
/// [`Error::Json`] when `text` is not JSON.
pub fn canonicalize_json(text: &str) -> Result<Vec<u8>, Error> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| Error::Json {
        what: "input",
        reason: crate::error::one_line(&e.to_string()),
    })?;
    to_canonical(&value)
}

/// Returns `text` in Unicode Normalization Form C.
pub fn nfc(text: &str) -> String {
    match is_nfc_quick(text.chars()) {
        IsNormalized::Yes => text.to_owned(),
        _ => text.nfc().collect(),
    }
}

/// True when `text` is already in NFC.
pub fn is_nfc(text: &str) -> bool {
    match is_nfc_quick(text.chars()) {
        IsNormalized::Yes => true,
        IsNormalized::No => false,
        IsNormalized::Maybe => text.nfc().eq(text.chars()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nfc_composes_and_detects() {
        let decomposed = "cafe\u{301}";
        assert!(!is_nfc(decomposed));
        assert_eq!(nfc(decomposed), "caf\u{e9}");
        assert!(is_nfc(&nfc(decomposed)));
    }

    #[test]
    fn member_order_is_utf16() {
        // U+20AC sorts after U+00F6 in UTF-16 and in UTF-8 alike; "A" < "z".
        let out = canonicalize_json(r#"{"z":1,"A":2}"#).unwrap();
        assert_eq!(out, br#"{"A":2,"z":1}"#);
        // RFC 8785 section 3.2.3's keys, where the orders part: U+1F600 is
        // the surrogate pair D83D DE00 in UTF-16, so it sorts before U+FB33,
        // although its code point (and its UTF-8) sorts after.
        let text = r#"{"\u20ac":1,"\r":2,"\ufb33":3,"1":4,"\ud83d\ude00":5,"\u0080":6,"\u00f6":7}"#;
        let out = String::from_utf8(canonicalize_json(text).unwrap()).unwrap();
        assert_eq!(
            out,
            "{\"\\r\":2,\"1\":4,\"\u{80}\":6,\"\u{f6}\":7,\"\u{20ac}\":1,\"\u{1f600}\":5,\"\u{fb33}\":3}"
        );
        let mut by_code_point = ['\u{1f600}', '\u{fb33}'];
        by_code_point.sort_unstable();
        assert_eq!(
            by_code_point,
            ['\u{fb33}', '\u{1f600}'],
            "the orders differ"
        );
    }
}
