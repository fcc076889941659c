//! C2SP tlog-checkpoints: the origin, tree size and root hash of a log,
//! as the text of a signed note.
//!
//! ```text
//! <origin>\n
//! <tree size in decimal>\n
//! <root hash, standard padded base64>\n
//! [extension lines]
//! ```

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::error::Error;
use crate::keys::{KeyPair, VerifierKey};
use crate::merkle::Hash;
use crate::note;

/// A log's state at one size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    origin: String,
    size: u64,
    root: Hash,
}

/// Checks an origin: 1-255 bytes, no spaces, '+' or control characters.
///
/// The value is not echoed: it may hold a newline, and errors are one line.
///
/// # Errors
/// [`Error::Field`] on `origin`.
pub fn check_origin(origin: &str) -> Result<(), Error> {
    let bad = origin.is_empty()
        || origin.len() > 255
        || origin
            .chars()
            .any(|c| c == '+' || c.is_whitespace() || c.is_control());
    if bad {
        return Err(Error::field(
            "origin",
            "must be 1-255 bytes without spaces, '+' or control characters",
        ));
    }
    Ok(())
}

/// A fresh origin for a log whose operator named none: `isnad/` and 16
/// random hex digits, unique in practice. Operators should prefer a name
/// they control, such as `news.example/isnad`.
///
/// # Errors
/// [`Error::Key`] when the OS has no randomness.
pub fn default_origin() -> Result<String, Error> {
    let mut raw = [0u8; 8];
    getrandom::fill(&mut raw).map_err(|e| Error::Key {
        reason: format!("no randomness from the OS: {e}"),
    })?;
    Ok(format!("isnad/{}", hex::encode(raw)))
}

/// A checkpoint together with its signed note: made only by signing or by
/// verifying a note with the log's key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedCheckpoint {
    checkpoint: Checkpoint,
    note: String,
}

impl SignedCheckpoint {
    /// Verifies `note` with the log's key and parses its checkpoint.
    ///
    /// # Errors
    /// [`Error::Note`] if the signature or the text is bad.
    pub fn open(note: &str, log_key: &VerifierKey) -> Result<Self, Error> {
        Ok(SignedCheckpoint {
            checkpoint: Checkpoint::open(note, log_key)?,
            note: note.to_owned(),
        })
    }

    /// The checkpoint.
    pub fn checkpoint(&self) -> &Checkpoint {
        &self.checkpoint
    }

    /// The signed note, as published.
    pub fn note(&self) -> &str {
        &self.note
    }

    /// Shorthand for the checkpoint's tree size.
    pub fn size(&self) -> u64 {
        self.checkpoint.size
    }
}

impl Checkpoint {
    /// A checkpoint for a tree of `size` leaves with root `root`.
    ///
    /// # Errors
    /// [`Error::Field`] for a bad origin.
    pub fn new(origin: &str, size: u64, root: Hash) -> Result<Self, Error> {
        check_origin(origin)?;
        Ok(Checkpoint {
            origin: origin.to_owned(),
            size,
            root,
        })
    }

    /// The log's origin line.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Number of entries in the tree.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The tree's root hash.
    pub fn root(&self) -> &Hash {
        &self.root
    }

    /// The note text (three lines, no extensions).
    pub fn text(&self) -> String {
        format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            STANDARD.encode(self.root)
        )
    }

    /// Signs the checkpoint with the log key, giving a signed note.
    ///
    /// # Errors
    /// Only if the text is not a valid note, which `new` rules out.
    pub fn sign(&self, key: &KeyPair) -> Result<String, Error> {
        note::sign(&self.text(), key)
    }

    /// Signs the checkpoint and keeps the note with it.
    ///
    /// # Errors
    /// As [`Checkpoint::sign`].
    pub fn into_signed(self, key: &KeyPair) -> Result<SignedCheckpoint, Error> {
        let note = self.sign(key)?;
        Ok(SignedCheckpoint {
            checkpoint: self,
            note,
        })
    }

    /// Parses checkpoint text (extension lines after the third are allowed
    /// and ignored).
    ///
    /// # Errors
    /// [`Error::Note`] naming the bad line.
    pub fn parse_text(text: &str) -> Result<Self, Error> {
        let bad = |why: &str| Error::Note {
            reason: format!("checkpoint: {why}"),
        };
        let mut lines = text.split('\n');
        let (Some(origin), Some(size), Some(root)) = (lines.next(), lines.next(), lines.next())
        else {
            return Err(bad("needs origin, size and root lines"));
        };
        check_origin(origin).map_err(|e| bad(&e.to_string()))?;
        // Digits only: `parse` would also take a leading '+'.
        let canonical_size = size == "0"
            || (!size.starts_with('0')
                && !size.is_empty()
                && size.bytes().all(|b| b.is_ascii_digit()));
        let size: u64 = size
            .parse()
            .ok()
            .filter(|_| canonical_size)
            .ok_or_else(|| bad("tree size is not a decimal number"))?;
        let raw = STANDARD
            .decode(root)
            .map_err(|_| bad("root hash is not standard base64"))?;
        let root: Hash = raw
            .try_into()
            .map_err(|_| bad("root hash is not 32 bytes"))?;
        Ok(Checkpoint {
            origin: origin.to_owned(),
            size,
            root,
        })
    }

    /// Verifies a signed checkpoint with the log's verifier key and parses it.
    ///
    /// # Errors
    /// [`Error::Note`] if the signature or the text is bad.
    pub fn open(signed: &str, log_key: &VerifierKey) -> Result<Self, Error> {
        let n = note::open(signed, std::slice::from_ref(log_key))?;
        Checkpoint::parse_text(n.text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_open_round_trip_and_tamper() {
        let key = KeyPair::from_seed("isnad.example", &[3; 32]).unwrap();
        let root = crate::merkle::leaf_hash(b"hello world");
        let cp = Checkpoint::new("isnad.example/newsroom", 1, root).unwrap();
        let signed = cp.sign(&key).unwrap();
        assert!(signed.starts_with(
            "isnad.example/newsroom\n1\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n\n\u{2014} isnad.example "
        ));
        assert_eq!(Checkpoint::open(&signed, key.verifier()).unwrap(), cp);
        let other = KeyPair::from_seed("isnad.example", &[4; 32]).unwrap();
        assert!(Checkpoint::open(&signed, other.verifier()).is_err());
        let grown = signed.replacen("\n1\n", "\n2\n", 1);
        assert!(Checkpoint::open(&grown, key.verifier()).is_err());
    }

    #[test]
    fn text_rules() {
        assert!(Checkpoint::new("has space", 1, [0; 32]).is_err());
        assert!(Checkpoint::new("a+b", 1, [0; 32]).is_err());
        let ok = Checkpoint::new("o", 0, [0; 32]).unwrap().text();
        assert_eq!(Checkpoint::parse_text(&ok).unwrap().size(), 0);
        assert!(Checkpoint::parse_text(&ok.replacen("\n0\n", "\n00\n", 1)).is_err());
        assert!(Checkpoint::parse_text(&ok.replacen("\n0\n", "\n-1\n", 1)).is_err());
        // Regression: `+5` was read as 5.
        assert!(Checkpoint::parse_text(&ok.replacen("\n0\n", "\n+5\n", 1)).is_err());
        assert!(Checkpoint::parse_text(&ok.replacen("\n0\n", "\n 5\n", 1)).is_err());
        assert!(Checkpoint::parse_text("o\n1\n").is_err());
        // Extension lines are allowed.
        let ext = format!("{ok}extension line\n");
        assert!(Checkpoint::parse_text(&ext).is_ok());
    }
}
