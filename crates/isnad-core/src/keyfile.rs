//! Private key files: one line, the key's private string
//! ([`KeyPair::to_private_string`]), readable by its owner alone.
//!
//! A key file is written once, with mode 0600, and never overwritten; it is
//! read only when no one else can read it. Nothing here prints, logs or
//! puts a key in an error message.

use std::fs::OpenOptions;
use std::io::Write as _;
use std::path::Path;

use crate::{Error, KeyPair};

/// Writes `key` to a new file at `path`, creating its directory if need
/// be, with mode 0600 on Unix, and syncs it.
///
/// # Errors
/// [`Error::Io`] naming the directory or the file: when `path` already
/// exists its error's kind is [`std::io::ErrorKind::AlreadyExists`], and
/// the file is left as it was.
pub fn write_key_file(path: &Path, key: &KeyPair) -> Result<(), Error> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    }
    let mut opts = OpenOptions::new();
    // Never overwrite: the key a file held may be the only copy.
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        opts.mode(0o600);
    }
    let mut f = opts.open(path).map_err(|e| io(path, e))?;
    let mut text = key.to_private_string();
    text.push('\n');
    f.write_all(text.as_bytes())
        .and_then(|()| f.sync_all())
        .map_err(|e| io(path, e))
}

/// Reads the key file at `path`. On Unix, refuses a file that its group or
/// others may read, before reading it.
///
/// # Errors
/// [`Error::Io`] naming the file when it cannot be read, or (with the kind
/// [`std::io::ErrorKind::PermissionDenied`]) when others may read it;
/// [`Error::Key`] when it holds no private key.
pub fn read_key_file(path: &Path) -> Result<KeyPair, Error> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(path)
            .map_err(|e| io(path, e))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            let why = format!(
                "readable by others (mode {:o}); run chmod 600 on it",
                mode & 0o777
            );
            return Err(io(
                path,
                std::io::Error::new(std::io::ErrorKind::PermissionDenied, why),
            ));
        }
    }
    let text = std::fs::read_to_string(path).map_err(|e| io(path, e))?;
    KeyPair::from_private_string(&text)
}

fn io(path: &Path, error: std::io::Error) -> Error {
    Error::Io {
        path: path.display().to_string(),
        error,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn written_once_then_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys").join("desk.key");
        let key = KeyPair::from_seed("desk", &[7; 32]).unwrap();
        write_key_file(&path, &key).unwrap();
        assert_eq!(read_key_file(&path).unwrap().verifier(), key.verifier());
        let other = KeyPair::from_seed("other", &[8; 32]).unwrap();
        match write_key_file(&path, &other) {
            Err(Error::Io { error, .. }) => {
                assert_eq!(error.kind(), std::io::ErrorKind::AlreadyExists);
            }
            r => panic!("overwrote a key file: {r:?}"),
        }
        assert_eq!(read_key_file(&path).unwrap().verifier(), key.verifier());
    }

    #[cfg(unix)]
    #[test]
    fn a_file_others_can_read_is_refused() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("desk.key");
        let key = KeyPair::from_seed("desk", &[7; 32]).unwrap();
        write_key_file(&path, &key).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let e = read_key_file(&path).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "{}: readable by others (mode 644); run chmod 600 on it",
                path.display()
            )
        );
        // The message never holds the key.
        assert!(!e.to_string().contains(&key.to_private_string()));
    }
}
