//! Verifier key strings.
#![no_main]

mod common;

use isnad_core::VerifierKey;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match text.parse::<VerifierKey>() {
        // Parsing accepts only the one canonical spelling of a key.
        Ok(k) => assert_eq!(k.to_string(), text),
        Err(e) => common::check_err("VerifierKey", &e, data),
    }
});
