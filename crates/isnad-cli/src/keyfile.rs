//! Private key files, through `isnad_core::keyfile`: written with mode
//! 0600, never printed. The messages name the file as a key file.

use std::path::Path;

use anyhow::{Result, bail};
use isnad_core::{Error, KeyPair};

/// Writes `key` to a new file at `path` readable only by its owner. Refuses to
/// overwrite an existing file.
pub fn write_new(path: &Path, key: &KeyPair) -> Result<()> {
    match isnad_core::keyfile::write_key_file(path, key) {
        Err(Error::Io { path: at, error })
            if error.kind() == std::io::ErrorKind::AlreadyExists
                && at == path.display().to_string() =>
        {
            bail!(
                "{} already exists; refusing to overwrite a key file",
                path.display()
            )
        }
        r => Ok(r?),
    }
}

/// Reads a private key file. Warns nobody and prints nothing of the key;
/// refuses a file that others can read.
pub fn read(path: &Path) -> Result<KeyPair> {
    let what = format!("key file {}", path.display());
    isnad_core::keyfile::read_key_file(path).map_err(|e| match e {
        // "key file PATH: why", the path said once.
        Error::Io { error, .. } => anyhow::Error::new(error).context(what),
        e => anyhow::Error::new(e).context(what),
    })
}
