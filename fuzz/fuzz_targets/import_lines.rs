//! A whole export file through `verify_jsonl` and `Ledger::import_jsonl`.
#![no_main]

mod common;

use std::cell::OnceCell;

use isnad_core::{Ledger, Timestamp, jsonl};
use libfuzzer_sys::fuzz_target;

thread_local! {
    // A ledger every refused import goes into: it must stay empty. Made
    // once, because creating a sled store per input would dominate the run.
    static EMPTY: OnceCell<(tempfile::TempDir, Ledger)> = const { OnceCell::new() };
}

fn now() -> Timestamp {
    Timestamp::from_unix(1_893_456_000) // 2030-01-01
}

fn export(ledger: &Ledger) -> Vec<u8> {
    let mut out = Vec::new();
    ledger.export_jsonl(&mut out).expect("export");
    out
}

fuzz_target!(|data: &[u8]| {
    match jsonl::verify_jsonl(&mut &data[..], &mut |_| {}) {
        Ok(report) => {
            // A good file imports into a new ledger and exports unchanged.
            let dir = tempfile::tempdir().expect("temp dir");
            let ledger = Ledger::create(&dir.path().join("l")).expect("create");
            let imported = ledger
                .import_jsonl(&mut &data[..], now(), &mut |_| {})
                .expect("import refuses a file verify_jsonl accepts");
            assert_eq!(imported.added, report.entries);
            assert_eq!(export(&ledger), data);
        }
        Err(err) => {
            common::check_err("verify_jsonl", &err, data);
            EMPTY.with(|cell| {
                let (_dir, ledger) = cell.get_or_init(|| {
                    let dir = tempfile::tempdir().expect("temp dir");
                    let ledger = Ledger::create(&dir.path().join("l")).expect("create");
                    (dir, ledger)
                });
                match ledger.import_jsonl(&mut &data[..], now(), &mut |_| {}) {
                    Ok(_) => panic!("import accepts a file verify_jsonl refuses: {err}"),
                    Err(e) => common::check_err("import_jsonl", &e, data),
                }
                assert!(export(ledger).is_empty(), "a refused import left entries");
            });
        }
    }
});
