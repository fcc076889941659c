//! One export line through the strict parser and the stored-bytes reader.
#![no_main]

mod common;

use isnad_core::Entry;
use isnad_core::entry::Parser;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let strict = Entry::parse(data);
    let mut parser = Parser::new();
    let stored = parser.parse_stored(data);
    match (&strict, &stored) {
        (Ok(e), Ok(s)) => {
            // Accepted means canonical: the input is the entry's own bytes.
            assert_eq!(e.leaf_bytes(), data);
            assert_eq!(s.hash(), e.hash());
            assert_eq!(s.seq(), e.seq());
            assert_eq!(s.signer(), e.signer());
            if let Err(err) = e.check_signature() {
                common::check_err("check_signature", &err, data);
            }
        }
        (Ok(_), Err(err)) => panic!("parse_stored refuses what parse accepts: {err}"),
        (Err(err), _) => common::check_err("Entry::parse", err, data),
    }
    if let Err(err) = &stored {
        common::check_err("parse_stored", err, data);
    }
});
