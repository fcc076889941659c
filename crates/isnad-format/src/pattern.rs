//! The regular expressions that describe the textual fields of an entry,
//! as the JSON Schemas under `schemas/` state them. They describe shape
//! only: the parsers in this crate decide what is accepted.

/// Characters a key name (and a URL) may not contain, as the inside of a
/// regex character class: `+`, Unicode control characters (`Cc`) and Unicode
/// white space, exactly what [`crate::keys::check_key_name`] rejects.
macro_rules! excluded_chars {
    () => {
        r"\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
    };
}

/// An entry's `time`: RFC 3339 UTC with whole seconds, `YYYY-MM-DDTHH:MM:SSZ`.
pub const TIME_PATTERN: &str = "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])\
T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]Z$";

/// A claim's `appeared.date`: `YYYY-MM-DD`, or a time as in [`TIME_PATTERN`].
pub const DATE_PATTERN: &str = "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])\
(T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]Z)?$";

/// A C2SP verifier key string, as in an entry's `signer` and a key record's
/// `key`: a name of 1–128 characters without `+`, white space or control
/// characters, `+`, the 8-hex-digit key id, `+`, and standard base64 of the
/// 33 bytes `0x01 ‖ Ed25519 public key` (which always starts `A`, then one
/// of `Q`–`Z`, `a`–`f`).
pub const VERIFIER_KEY_PATTERN: &str = concat!(
    "^[^+",
    excluded_chars!(),
    r"]{1,128}\+[0-9a-f]{8}\+A[Q-Za-f][A-Za-z0-9+/]{42}$"
);

/// An entry's `sig`: canonical standard padded base64 of a 64-byte Ed25519
/// signature (88 characters; the last data character carries 2 bits).
pub const SIGNATURE_PATTERN: &str = "^[A-Za-z0-9+/]{85}[AQgw]==$";

/// A BCP-47 language tag, checked for shape as
/// [`crate::record::check_lang`] does: 2–8 letters, then `-`-separated
/// subtags of 1–8 letters or digits.
pub const LANG_PATTERN: &str = "^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$";

/// Longest language tag accepted.
pub const LANG_MAX_LEN: usize = 35;

/// An `http` or `https` URL without white space or control characters.
pub const URL_PATTERN: &str = concat!("^https?://[^", excluded_chars!(), "]*$");
