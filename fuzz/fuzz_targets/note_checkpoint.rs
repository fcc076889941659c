//! Signed notes and checkpoints, opened with the demo's log key.
#![no_main]

mod common;

use std::sync::LazyLock;

use isnad_core::checkpoint::{Checkpoint, SignedCheckpoint};
use isnad_core::{KeyPair, demo, note};
use libfuzzer_sys::fuzz_target;

static LOG: LazyLock<KeyPair> = LazyLock::new(|| demo::key(demo::ORIGIN).expect("log key"));

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let key = LOG.verifier();
    match note::open(&text, std::slice::from_ref(key)) {
        Ok(n) => {
            assert!(n.text().ends_with('\n'));
            assert_eq!(n.signers(), [demo::ORIGIN]);
        }
        Err(e) => common::check_err("note::open", &e, data),
    }
    match SignedCheckpoint::open(&text, key) {
        Ok(s) => {
            let n = note::open(&text, std::slice::from_ref(key)).expect("note of a checkpoint");
            assert_eq!(
                &Checkpoint::parse_text(n.text()).expect("parse"),
                s.checkpoint()
            );
        }
        Err(e) => common::check_err("SignedCheckpoint::open", &e, data),
    }
    match Checkpoint::parse_text(&text) {
        // One text per checkpoint: its first three lines print back.
        Ok(cp) => assert!(format!("{text}\n").starts_with(&cp.text())),
        Err(e) => common::check_err("Checkpoint::parse_text", &e, data),
    }
});
