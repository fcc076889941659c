//! Creating a ledger all at once: built in a staging directory beside its
//! destination and renamed into place only when complete.
//!
//! A ledger is several files (the `isnad.ledger` marker, sled's files with
//! the format tag inside, and whatever the caller adds: the genesis entry,
//! the log key, key files, a whole import). Written in place, a kill between
//! two of them left a directory that nothing would open ("its format tag is
//! missing") and that `init` would not touch ("already holds a ledger"), or
//! a ledger whose log key was in the database while its private half was
//! never written. Built under another name and renamed, the destination
//! either does not exist (or is the empty directory it was) or holds the
//! complete ledger: rename(2) is atomic.
//!
//! The staging directory is `.<name>.creating.<pid>` in the destination's
//! parent. One that a killed creation left is removed by the next creation
//! of the same name, once no process of that id is running
//! ([`remove_abandoned`]).

use std::path::{Path, PathBuf};

use super::{Ledger, OpenOptions, io};
use crate::error::Error;

/// Where the staging directories of `dir` go (its parent) and what their
/// names start with (`.<name>.creating.`, then a process id).
fn staging_place(dir: &Path) -> Result<(PathBuf, String), Error> {
    let name = dir
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| Error::NotALedger {
            path: dir.display().to_string(),
            reason: "a new ledger needs a directory name in UTF-8 (not `..`, not `/`)".into(),
        })?;
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((parent, format!(".{name}.creating.")))
}

/// Whether a process with this id is running (on Linux, by `/proc`;
/// elsewhere every process is assumed to be, so nothing is removed).
pub(crate) fn running(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.is_dir() || proc.join(pid.to_string()).exists()
}

/// Removes the staging directories that creations of `dir` killed before
/// they finished left beside it (their process is gone). Returns how many.
///
/// # Errors
/// [`Error::Io`] when one cannot be removed.
pub fn remove_abandoned(dir: &Path) -> Result<usize, Error> {
    let (parent, prefix) = staging_place(dir)?;
    let Ok(items) = std::fs::read_dir(&parent) else {
        return Ok(0);
    };
    let mut removed = 0;
    for item in items.flatten() {
        let file_name = item.file_name();
        let Some(pid) = file_name
            .to_str()
            .and_then(|n| n.strip_prefix(&prefix))
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if pid == std::process::id() || running(pid) {
            continue;
        }
        let path = item.path();
        std::fs::remove_dir_all(&path).map_err(|e| io(&path, e))?;
        removed += 1;
    }
    Ok(removed)
}

/// `dir` may become a new ledger: it does not exist, or is an empty
/// directory.
fn check_free(dir: &Path) -> Result<(), Error> {
    if !dir.exists() {
        return Ok(());
    }
    let mut items = std::fs::read_dir(dir).map_err(|e| io(dir, e))?;
    if items.next().is_none() {
        return Ok(());
    }
    let path = dir.display().to_string();
    Err(if super::has_database(dir) {
        Error::AlreadyExists { path }
    } else {
        Error::NotEmpty { path }
    })
}

/// Makes its data durable: the file's, or a directory's entries.
fn sync_path(path: &Path) -> Result<(), Error> {
    std::fs::File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(|e| io(path, e))
}

/// How long the reopen after the rename waits for sled to let go of the
/// staging handle (it releases its lock from a background thread).
const REOPEN_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// Creates a ledger at `dir` (which must not exist, or be an empty
/// directory) all at once. `setup` runs on the new, empty ledger while it
/// is still in its staging directory, which it is given (the store opened
/// with `options`, there and when reopened at `dir`): files it writes
/// there (key files, say) arrive with the ledger. Only when `setup`
/// succeeds is the ledger flushed and renamed to `dir`, then opened there.
/// If anything fails, or the process is killed, `dir` is as it was.
///
/// # Errors
/// [`Error::AlreadyExists`] or [`Error::NotEmpty`] when `dir` is taken
/// (also when another process created it meanwhile); what `setup` returns;
/// storage and file errors.
pub fn create_with<T, E>(
    dir: &Path,
    options: &OpenOptions,
    setup: impl FnOnce(&Ledger, &Path) -> Result<T, E>,
) -> Result<(Ledger, T), E>
where
    E: From<Error>,
{
    check_free(dir)?;
    remove_abandoned(dir)?;
    let (parent, prefix) = staging_place(dir)?;
    let staging = parent.join(format!("{prefix}{}", std::process::id()));
    std::fs::create_dir_all(&parent).map_err(|e| io(&parent, e))?;
    if staging.exists() {
        // Ours from an earlier attempt in this same process.
        std::fs::remove_dir_all(&staging).map_err(|e| io(&staging, e))?;
    }
    let built = (|| {
        let ledger = Ledger::create_here(&staging, options)?;
        let value = setup(&ledger, &staging)?;
        ledger.flush()?;
        drop(ledger);
        let marker = staging.join(super::MARKER_FILE);
        sync_path(&marker)?;
        sync_path(&staging)?;
        Ok::<T, E>(value)
    })();
    let value = match built {
        Ok(v) => v,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    if let Err(e) = std::fs::rename(&staging, dir) {
        let _ = std::fs::remove_dir_all(&staging);
        // A directory that filled up meanwhile: someone else made it.
        return Err(match e.raw_os_error() {
            Some(39 | 66) => Error::AlreadyExists {
                path: dir.display().to_string(),
            },
            _ => io(dir, e),
        }
        .into());
    }
    sync_path(&parent)?;
    let ledger = Ledger::open_with(
        dir,
        &OpenOptions {
            wait: REOPEN_WAIT,
            ..*options
        },
    )?;
    Ok((ledger, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_setup_leaves_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("l");
        let r = create_with(&dir, &OpenOptions::default(), |_, _| {
            Err::<(), Error>(Error::NotEmpty { path: "x".into() })
        });
        assert!(r.is_err());
        assert!(!dir.exists());
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
    }

    #[test]
    fn an_empty_directory_is_replaced_by_the_ledger() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("l");
        std::fs::create_dir(&dir).unwrap();
        let (l, ()) = create_with(&dir, &OpenOptions::default(), |l, staging| {
            std::fs::write(staging.join("extra"), b"x").unwrap();
            assert_eq!(l.len()?, 0);
            Ok::<(), Error>(())
        })
        .unwrap();
        assert_eq!(l.len().unwrap(), 0);
        assert!(dir.join("extra").is_file());
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
    }

    #[test]
    fn abandoned_staging_of_a_dead_process_is_removed() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("l");
        // No process has an id this large (Linux's limit is 2^22).
        let dead = tmp.path().join(".l.creating.4294967295");
        std::fs::create_dir(&dead).unwrap();
        std::fs::write(dead.join("isnad.ledger"), b"half").unwrap();
        // Another name's staging is not ours to remove.
        let other = tmp.path().join(".m.creating.4294967295");
        std::fs::create_dir(&other).unwrap();
        assert_eq!(remove_abandoned(&dir).unwrap(), 1);
        assert!(!dead.exists() && other.exists());
    }
}
