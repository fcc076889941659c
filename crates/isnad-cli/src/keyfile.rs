//! Private key files: written with mode 0600, never printed.

use std::fs::OpenOptions;
use std::io::Write as _;
use std::path::Path;

use anyhow::{Context as _, Result, bail};
use isnad_core::KeyPair;

/// Writes `key` to a new file at `path` readable only by its owner. Refuses to
/// overwrite an existing file.
pub fn write_new(path: &Path, key: &KeyPair) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("{}", dir.display()))?;
    }
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        opts.mode(0o600);
    }
    let mut f = match opts.open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            bail!(
                "{} already exists; refusing to overwrite a key file",
                path.display()
            )
        }
        Err(e) => return Err(e).with_context(|| format!("{}", path.display())),
    };
    let mut text = key.to_private_string();
    text.push('\n');
    f.write_all(text.as_bytes())
        .and_then(|()| f.sync_all())
        .with_context(|| format!("{}", path.display()))?;
    Ok(())
}

/// Reads a private key file. Warns nobody and prints nothing of the key;
/// refuses a file that others can read.
pub fn read(path: &Path) -> Result<KeyPair> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let meta =
            std::fs::metadata(path).with_context(|| format!("key file {}", path.display()))?;
        if meta.permissions().mode() & 0o077 != 0 {
            bail!(
                "key file {}: readable by others (mode {:o}); run chmod 600 on it",
                path.display(),
                meta.permissions().mode() & 0o777
            );
        }
    }
    let text =
        std::fs::read_to_string(path).with_context(|| format!("key file {}", path.display()))?;
    KeyPair::from_private_string(&text).with_context(|| format!("key file {}", path.display()))
}
