//! The size mark: how many entries the ledger has been seen to hold,
//! kept in a file beside the database (`isnad.size`), so that a database
//! cut short is refused as damaged instead of read as a shorter ledger.
//!
//! sled recovers a log whose end is missing as if the last writes had been
//! cut short by a crash: a database file truncated to half opens, and used
//! to verify, as an empty or shorter ledger. Nothing inside sled can tell,
//! so the mark lives outside it. A ledger only grows, so a mark above the
//! entry count means entries were lost.
//!
//! The mark is written when a ledger is opened larger than its mark and
//! when a handle is dropped, never on the append path (an append already
//! waits for one fsync, and the mark needs none): it trails the ledger by
//! at most what one process appended, so it can only miss a loss of those
//! last entries, never report a loss that did not happen. It is written
//! through a temporary file and a rename, and only after sled has flushed
//! what it counts, so a crash leaves the old mark or the new one. A mark
//! that is absent or unreadable (a ledger from before marks) counts as 0.

use std::path::Path;

/// The file beside the database.
const MARK_FILE: &str = "isnad.size";

/// The mark of the ledger in `dir`: 0 when there is none or it is not a
/// decimal number.
pub(super) fn read(dir: &Path) -> u64 {
    std::fs::read_to_string(dir.join(MARK_FILE))
        .ok()
        .and_then(|s| s.trim_end().parse().ok())
        .unwrap_or(0)
}

/// Sets the mark of the ledger in `dir` to `size`. Best effort: a ledger on
/// a read-only or full file system still opens and reads, and a mark that
/// stays behind only makes the check weaker.
pub(super) fn write(dir: &Path, size: u64) {
    let tmp = dir.join(format!(".{MARK_FILE}.{}.tmp", std::process::id()));
    let done = std::fs::write(&tmp, format!("{size}\n"))
        .and_then(|()| std::fs::rename(&tmp, dir.join(MARK_FILE)));
    if done.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mark_round_trips_and_garbage_counts_as_none() {
        let tmp = tempfile::tempdir().unwrap();
        assert_eq!(read(tmp.path()), 0);
        write(tmp.path(), 1234);
        assert_eq!(read(tmp.path()), 1234);
        std::fs::write(tmp.path().join(MARK_FILE), b"lots").unwrap();
        assert_eq!(read(tmp.path()), 0);
    }
}
