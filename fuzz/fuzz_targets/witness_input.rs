//! What a witness and a witness's reader take from strangers: an
//! `add-checkpoint` body, cosignature lines, witness verifier keys.
#![no_main]

mod common;

use isnad_core::KeyPair;
use isnad_core::add_checkpoint::AddCheckpoint;
use isnad_core::cosignature::{Cosignature, CosignerKey, Witnessed, witnessed};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match AddCheckpoint::parse(&text) {
        // What parses writes back to the same body.
        Ok(r) => assert_eq!(r.to_body(), text),
        Err(e) => common::check_err("AddCheckpoint", &e, data),
    }
    for line in text.lines() {
        match Cosignature::parse_line(line) {
            Ok(c) => assert_eq!(c.line().trim_end(), line),
            Err(e) => common::check_err("Cosignature", &e, data),
        }
    }
    match text.parse::<CosignerKey>() {
        Ok(k) => assert_eq!(k.to_string(), text),
        Err(e) => common::check_err("CosignerKey", &e, data),
    }
    // No line of a stranger's note verifies as this witness's.
    if let Ok(key) = KeyPair::from_seed("fuzz/w", &[1; 32]).map(|k| CosignerKey::of(&k)) {
        if let Ok(seen) = witnessed(&text, std::slice::from_ref(&key)) {
            assert!(!matches!(seen[0], Witnessed::Cosigned(_)));
        }
    }
});
