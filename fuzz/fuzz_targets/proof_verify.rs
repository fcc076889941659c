//! Proof documents: `PROOF [NUL EXTRA]`, where EXTRA is the entry line of
//! an inclusion proof (`--entry`) or the old checkpoint of a consistency
//! proof (`--old`). Verified with the demo's log key.
#![no_main]

mod common;

use std::sync::LazyLock;

use isnad_core::proof::{ConsistencyProof, InclusionProof};
use isnad_core::{KeyPair, demo};
use libfuzzer_sys::fuzz_target;

static LOG: LazyLock<KeyPair> = LazyLock::new(|| demo::key(demo::ORIGIN).expect("log key"));

fuzz_target!(|data: &[u8]| {
    let (doc, extra) = match data.iter().position(|b| *b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &b""[..]),
    };
    let Ok(doc) = std::str::from_utf8(doc) else {
        return;
    };
    let key = LOG.verifier();
    match serde_json::from_str::<InclusionProof>(doc) {
        Ok(p) => {
            let again: InclusionProof =
                serde_json::from_str(&serde_json::to_string(&p).expect("write")).expect("read");
            assert_eq!(again, p);
            let verified = p.verify(key);
            if let Err(e) = &verified {
                common::check_err("InclusionProof::verify", e, data);
            }
            match p.verify_entry(key, extra) {
                Ok(entry) => {
                    assert!(verified.is_ok());
                    assert_eq!(entry.seq().0, p.index());
                }
                Err(e) => common::check_err("InclusionProof::verify_entry", &e, data),
            }
        }
        Err(e) => common::check_serde_err("InclusionProof from JSON", &e, data),
    }
    match serde_json::from_str::<ConsistencyProof>(doc) {
        Ok(p) => {
            let again: ConsistencyProof =
                serde_json::from_str(&serde_json::to_string(&p).expect("write")).expect("read");
            assert_eq!(again, p);
            let verified = p.verify(key);
            if let Err(e) = &verified {
                common::check_err("ConsistencyProof::verify", e, data);
            }
            match p.verify_from(key, &String::from_utf8_lossy(extra)) {
                Ok(cp) => assert_eq!(Some(&cp), verified.as_ref().ok()),
                Err(e) => common::check_err("ConsistencyProof::verify_from", &e, data),
            }
        }
        Err(e) => common::check_serde_err("ConsistencyProof from JSON", &e, data),
    }
});
