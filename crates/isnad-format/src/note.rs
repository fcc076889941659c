//! C2SP signed notes: a text, a blank line, then signature lines
//! `— <key name> <base64(key id ‖ signature)>`.
//!
//! Used for checkpoints. The Ed25519 signature is over the note text itself
//! (every byte up to and including its final newline), as in Go's
//! `golang.org/x/mod/sumdb/note`, so notes interoperate with that
//! implementation and its C2SP siblings.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::error::Error;
use crate::keys::{KeyPair, VerifierKey};

/// The most signature lines a note may carry (as the Go implementation).
pub const MAX_SIGNATURES: usize = 100;

/// Largest note accepted, in bytes.
pub const MAX_NOTE_BYTES: usize = 1 << 20;

pub(crate) const DASH: &str = "\u{2014} ";

/// A note whose signature by a known key verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedNote {
    text: String,
    signers: Vec<String>,
}

impl VerifiedNote {
    /// The signed text (ends with a newline).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Names of the known keys whose signatures verified.
    pub fn signers(&self) -> &[String] {
        &self.signers
    }
}

fn note_err(reason: impl Into<String>) -> Error {
    Error::Note {
        reason: reason.into(),
    }
}

pub(crate) fn check_text(text: &str) -> Result<(), Error> {
    if !text.ends_with('\n') {
        return Err(note_err("the note text must end with a newline"));
    }
    if text.contains("\n\n") || text.starts_with('\n') {
        return Err(note_err("the note text must not contain an empty line"));
    }
    if text.chars().any(|c| c.is_control() && c != '\n') {
        return Err(note_err(
            "the note text must not contain control characters",
        ));
    }
    Ok(())
}

/// Signs `text` with `key` and returns the signed note.
///
/// # Errors
/// [`Error::Note`] when `text` is not a valid note text.
pub fn sign(text: &str, key: &KeyPair) -> Result<String, Error> {
    check_text(text)?;
    let sig = key.sign(text.as_bytes());
    let mut blob = key.verifier().id().to_vec();
    blob.extend_from_slice(&sig);
    Ok(format!(
        "{text}\n{DASH}{} {}\n",
        key.name(),
        STANDARD.encode(blob)
    ))
}

/// Splits a signed note into its text (with its final newline) and its
/// signature lines (without theirs), checking the framing only.
///
/// # Errors
/// [`Error::Note`] naming what is wrong.
pub fn split(note: &str) -> Result<(&str, Vec<&str>), Error> {
    if note.len() > MAX_NOTE_BYTES {
        return Err(note_err("note is too large"));
    }
    let split = note
        .rfind("\n\n")
        .ok_or_else(|| note_err("no blank line between text and signatures"))?;
    let (text, sigs) = (&note[..split + 1], &note[split + 2..]);
    check_text(text)?;
    if !sigs.ends_with('\n') {
        return Err(note_err("the last signature line has no newline"));
    }
    let lines: Vec<&str> = sigs[..sigs.len() - 1].split('\n').collect();
    if lines.len() > MAX_SIGNATURES {
        return Err(note_err(format!(
            "more than {MAX_SIGNATURES} signature lines"
        )));
    }
    Ok((text, lines))
}

/// The signed note `note` with only the signature lines of `key` (name
/// and key id): a log's own note, without the cosignatures it gathered, as
/// a witness is to be shown it. The lines are not verified here.
///
/// # Errors
/// [`Error::Note`] for a malformed note, or one with no line of `key`.
pub fn signed_by_only(note: &str, key: &VerifierKey) -> Result<String, Error> {
    let (text, lines) = split(note)?;
    let mut out = format!("{text}\n");
    for line in lines {
        if line_key(line).is_some_and(|(name, id)| name == key.name() && id == key.id()) {
            out.push_str(line);
            out.push('\n');
        }
    }
    if out.len() == text.len() + 1 {
        return Err(note_err(format!("no signature line by {}", key.name())));
    }
    Ok(out)
}

/// The key name and key id a signature line names, if it is one.
pub(crate) fn line_key(line: &str) -> Option<(&str, [u8; 4])> {
    let (name, b64) = line.strip_prefix(DASH)?.split_once(' ')?;
    let blob = STANDARD.decode(b64).ok()?;
    Some((name, blob.get(..4)?.try_into().ok()?))
}

/// Verifies a signed note against `known` keys. Signatures by unknown keys
/// are ignored; at least one known key's signature must verify, and a
/// known key's signature that does not verify is an error.
///
/// # Errors
/// [`Error::Note`] naming what is wrong.
pub fn open(note: &str, known: &[VerifierKey]) -> Result<VerifiedNote, Error> {
    let (text, lines) = split(note)?;
    let mut signers = Vec::new();
    for line in lines {
        let rest = line
            .strip_prefix(DASH)
            .ok_or_else(|| note_err("a signature line must start with an em dash and a space"))?;
        let (name, b64) = rest
            .split_once(' ')
            .ok_or_else(|| note_err("a signature line is `— name signature`"))?;
        crate::keys::check_key_name(name).map_err(|e| note_err(e.to_string()))?;
        let blob = STANDARD
            .decode(b64)
            .map_err(|_| note_err(format!("signature by {name} is not base64")))?;
        if blob.len() < 4 {
            return Err(note_err(format!("signature by {name} is too short")));
        }
        let Some(key) = known
            .iter()
            .find(|k| k.name() == name && k.id() == blob[..4])
        else {
            continue; // unknown keys are ignored
        };
        let sig: [u8; 64] = blob[4..]
            .try_into()
            .map_err(|_| note_err(format!("signature by {name} is not 64 bytes")))?;
        if !key.verify(text.as_bytes(), &sig) {
            return Err(note_err(format!("signature by {name} does not verify")));
        }
        if !signers.iter().any(|s| s == name) {
            signers.push(name.to_owned());
        }
    }
    if signers.is_empty() {
        return Err(note_err("no signature by a known key"));
    }
    Ok(VerifiedNote {
        text: text.to_owned(),
        signers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // Go reference vectors (golang.org/x/mod/sumdb/note), shared/vectors.
    const VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    const SKEY: &str =
        "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    const TEXT: &str = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
    const SIGNED: &str = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n\n\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
    const VKEY2: &str = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
    const LINE2: &str = "\u{2014} EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=";

    #[test]
    fn go_vector_signs_and_verifies() {
        let key = KeyPair::from_private_string(SKEY).unwrap();
        assert_eq!(sign(TEXT, &key).unwrap(), SIGNED);
        let vk: VerifierKey = VKEY.parse().unwrap();
        let n = open(SIGNED, std::slice::from_ref(&vk)).unwrap();
        assert_eq!(n.text(), TEXT);
        assert_eq!(n.signers(), ["PeterNeumann"]);
        // A second signer, known or not.
        let two = format!("{SIGNED}{LINE2}\n");
        let vk2: VerifierKey = VKEY2.parse().unwrap();
        assert_eq!(
            open(&two, &[vk.clone(), vk2.clone()])
                .unwrap()
                .signers()
                .len(),
            2
        );
        assert_eq!(open(&two, &[vk2]).unwrap().signers(), ["EnochRoot"]);
        assert_eq!(open(&two, &[vk]).unwrap().signers(), ["PeterNeumann"]);
    }

    #[test]
    fn only_the_keys_own_lines_are_kept() {
        let vk: VerifierKey = VKEY.parse().unwrap();
        let two = format!("{SIGNED}{LINE2}\n");
        assert_eq!(signed_by_only(&two, &vk).unwrap(), SIGNED);
        let other: VerifierKey = VKEY2.parse().unwrap();
        assert_eq!(
            signed_by_only(&two, &other).unwrap(),
            format!("{TEXT}\n{LINE2}\n")
        );
        assert!(signed_by_only(SIGNED, &other).is_err());
    }

    #[test]
    fn go_must_reject_cases() {
        let vk: VerifierKey = VKEY.parse().unwrap();
        let other: VerifierKey = VKEY2.parse().unwrap();
        // Only unknown keys.
        assert!(open(SIGNED, &[other]).is_err());
        // Too many signature lines.
        let line = SIGNED.split("\n\n").nth(1).unwrap();
        let many = format!("{TEXT}\n{}", line.repeat(MAX_SIGNATURES + 1));
        assert!(open(&many, std::slice::from_ref(&vk)).is_err());
        // Text without a final newline cannot be signed.
        let key = KeyPair::from_private_string(SKEY).unwrap();
        assert!(sign("no newline", &key).is_err());
        // A changed byte of text or signature.
        assert!(
            open(
                &SIGNED.replacen("cryptography", "cryptographY", 1),
                std::slice::from_ref(&vk)
            )
            .is_err()
        );
        assert!(open(&SIGNED.replacen("x08go", "x08gp", 1), &[vk]).is_err());
    }
}
