//! ClaimReview markup, as `import claimreview` reads it: JSON-LD, HTML
//! pages, Fact Check Tools responses.
#![no_main]

mod common;

use isnad_core::interop::{import, read};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match read::read(text, &read::ReadOptions::default()) {
        Err(e) => common::check_err("claimreview read", &e, data),
        Ok(r) => {
            for p in &r.problems {
                common::check_err("claimreview problem", p, data);
            }
            let (ok, unfit) = import::prepare(&r.reviews, &import::ImportOptions::default());
            assert_eq!(ok.len() + unfit.len(), r.reviews.len());
            for p in &unfit {
                common::check_err("claimreview unfit", p, data);
            }
        }
    }
});
