//! Keys in the C2SP signed-note encoding.
//!
//! A verifier key string is `name+<8 hex key id>+base64(0x01 ‖ public key)`;
//! a private key file holds `PRIVATE+KEY+name+<key id>+base64(0x01 ‖ seed)`.
//! The key id is the first four bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public
//! key). The same strings identify signers in entries and sign checkpoints,
//! so one key format serves the whole ledger and interoperates with Go's
//! `golang.org/x/mod/sumdb/note` and other C2SP implementations.

use std::fmt;
use std::str::FromStr;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::error::Error;

/// The signature-algorithm byte for Ed25519 in C2SP signed notes.
const ALG_ED25519: u8 = 0x01;

/// Checks a key name: non-empty, no '+', no whitespace or control characters.
pub fn check_key_name(name: &str) -> Result<(), Error> {
    if name.is_empty() || name.len() > 128 {
        return Err(Error::Key {
            reason: "key name must be 1-128 bytes".into(),
        });
    }
    if name
        .chars()
        .any(|c| c == '+' || c.is_whitespace() || c.is_control())
        || !crate::canon::is_nfc(name)
    {
        return Err(Error::Key {
            reason: format!(
                "key name `{}` must be NFC without '+', spaces or control characters",
                crate::error::one_line(name)
            ),
        });
    }
    Ok(())
}

/// The 4-byte key id of an Ed25519 key with this name.
pub fn key_id(name: &str, public: &[u8; 32]) -> [u8; 4] {
    key_id_of_type(name, ALG_ED25519, public)
}

/// The 4-byte key id of a key with this name and signature type byte:
/// SHA-256(name ‖ 0x0A ‖ type ‖ public key)[:4]. The type byte keeps one
/// Ed25519 key's ids apart when it signs notes and cosignatures.
pub fn key_id_of_type(name: &str, sig_type: u8, public: &[u8]) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update([0x0a, sig_type]);
    h.update(public);
    let d = h.finalize();
    [d[0], d[1], d[2], d[3]]
}

/// A public key with its name and id: who signed an entry or a note.
#[derive(Clone, PartialEq, Eq)]
pub struct VerifierKey {
    name: String,
    id: [u8; 4],
    key: VerifyingKey,
}

impl VerifierKey {
    /// The key's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The 4-byte key id.
    pub fn id(&self) -> [u8; 4] {
        self.id
    }

    /// The Ed25519 public key.
    pub fn verifying_key(&self) -> &VerifyingKey {
        &self.key
    }

    /// Verifies `sig` over `msg` with `verify_strict`, which rejects
    /// small-order keys and non-canonical signatures.
    pub fn verify(&self, msg: &[u8], sig: &[u8; 64]) -> bool {
        let sig = Signature::from_bytes(sig);
        self.key.verify_strict(msg, &sig).is_ok()
    }
}

impl fmt::Display for VerifierKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_typed_key(f, &self.name, self.id, ALG_ED25519, &self.key)
    }
}

impl fmt::Debug for VerifierKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VerifierKey({self})")
    }
}

impl FromStr for VerifierKey {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        let (name, id, key) = parse_typed_key(s, &NOTE_KEY)?;
        Ok(VerifierKey { name, id, key })
    }
}

/// A kind of C2SP verifier key string (`name+keyid+base64(type ‖ key)`):
/// its type byte, and how its errors name it.
pub(crate) struct KeyKind {
    /// The type byte before the Ed25519 key, also hashed into the key id.
    pub byte: u8,
    /// What the key is, at the start of an error ("verifier key").
    pub what: &'static str,
    /// The whole error for a private key given by mistake.
    pub private: &'static str,
    /// The error when the decoded key is not the type byte and 32 bytes.
    pub shape: &'static str,
}

/// Ed25519 keys that sign entries and notes (type 0x01).
const NOTE_KEY: KeyKind = KeyKind {
    byte: ALG_ED25519,
    what: "verifier key",
    private: "this is a private key; give its verifier key (isnad key show FILE)",
    shape: "key must be 0x01 followed by a 32-byte Ed25519 key",
};

/// Writes `name+<key id hex>+base64(byte ‖ key)`.
pub(crate) fn write_typed_key(
    f: &mut fmt::Formatter<'_>,
    name: &str,
    id: [u8; 4],
    byte: u8,
    key: &VerifyingKey,
) -> fmt::Result {
    let mut raw = [0u8; 33];
    raw[0] = byte;
    raw[1..].copy_from_slice(key.as_bytes());
    write!(f, "{name}+{}+{}", hex::encode(id), STANDARD.encode(raw))
}

/// Parses a verifier key string of `kind` strictly: a valid name, a key id
/// of 8 lowercase hex digits that matches, the type byte, a 32-byte Ed25519
/// point that is not of small order, and canonical base64 (re-encoding
/// gives back `s`).
pub(crate) fn parse_typed_key(
    s: &str,
    kind: &KeyKind,
) -> Result<(String, [u8; 4], VerifyingKey), Error> {
    // Never echo the input: a private key pasted here by mistake must not
    // end up on a terminal or in a log. Name only the key's name part.
    if s.starts_with("PRIVATE+") {
        return Err(Error::Key {
            reason: kind.private.into(),
        });
    }
    let shown: String = s
        .split('+')
        .next()
        .unwrap_or_default()
        .chars()
        .take(64)
        .collect();
    let bad = |why: &str| Error::Key {
        reason: format!(
            "{} named `{}`: {why}",
            kind.what,
            crate::error::one_line(&shown)
        ),
    };
    let mut parts = s.splitn(3, '+');
    let (Some(name), Some(id_hex), Some(b64)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(bad("expected name+keyid+key"));
    };
    check_key_name(name)?;
    if id_hex.len() != 8
        || !id_hex
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        return Err(bad("key id must be 8 lowercase hex digits"));
    }
    let raw = STANDARD
        .decode(b64)
        .map_err(|_| bad("key is not standard base64"))?;
    if raw.len() != 33 || raw[0] != kind.byte {
        return Err(bad(kind.shape));
    }
    let mut pk = [0u8; 32];
    pk.copy_from_slice(&raw[1..]);
    let key = VerifyingKey::from_bytes(&pk).map_err(|_| bad("not a valid Ed25519 point"))?;
    if key.is_weak() {
        return Err(bad("small-order Ed25519 key"));
    }
    let id = key_id_of_type(name, kind.byte, &pk);
    if hex::encode(id) != id_hex {
        return Err(bad("key id does not match name and key"));
    }
    // Re-encoding must give back the same string: rejects non-canonical base64.
    if STANDARD.encode(&raw) != b64 {
        return Err(bad("not in canonical form"));
    }
    Ok((name.to_owned(), id, key))
}

/// A private signing key with its name. Never printed: `Debug` hides the
/// secret and there is no `Display`.
pub struct KeyPair {
    name: String,
    signing: SigningKey,
    verifier: VerifierKey,
}

impl KeyPair {
    /// A new random key from the operating system's generator.
    ///
    /// # Errors
    /// [`Error::Key`] for a bad name or when the OS has no randomness.
    pub fn generate(name: &str) -> Result<Self, Error> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| Error::Key {
            reason: format!("no randomness from the operating system: {e}"),
        })?;
        Self::from_seed(name, &seed)
    }

    /// A key from a 32-byte Ed25519 seed (RFC 8032 secret key).
    ///
    /// # Errors
    /// [`Error::Key`] for a bad name.
    pub fn from_seed(name: &str, seed: &[u8; 32]) -> Result<Self, Error> {
        check_key_name(name)?;
        let signing = SigningKey::from_bytes(seed);
        let key = signing.verifying_key();
        let verifier = VerifierKey {
            name: name.to_owned(),
            id: key_id(name, key.as_bytes()),
            key,
        };
        Ok(KeyPair {
            name: name.to_owned(),
            signing,
            verifier,
        })
    }

    /// The key's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The public half.
    pub fn verifier(&self) -> &VerifierKey {
        &self.verifier
    }

    /// Signs `msg`.
    pub fn sign(&self, msg: &[u8]) -> [u8; 64] {
        self.signing.sign(msg).to_bytes()
    }

    /// The private key string to store in a key file (mode 0600). Handle it
    /// as a secret: never print or log it.
    pub fn to_private_string(&self) -> String {
        let mut raw = [0u8; 33];
        raw[0] = ALG_ED25519;
        raw[1..].copy_from_slice(self.signing.as_bytes());
        format!(
            "PRIVATE+KEY+{}+{}+{}",
            self.name,
            hex::encode(self.verifier.id),
            STANDARD.encode(raw)
        )
    }

    /// Parses a private key string as written by [`KeyPair::to_private_string`]
    /// (surrounding whitespace is ignored).
    ///
    /// # Errors
    /// [`Error::Key`] naming what is wrong, never echoing the secret.
    pub fn from_private_string(s: &str) -> Result<Self, Error> {
        let bad = |why: &str| Error::Key {
            reason: format!("private key: {why}"),
        };
        let s = s.trim();
        // The base64 part may itself contain '+': split on at most 4.
        let mut parts = s.splitn(5, '+');
        let (Some("PRIVATE"), Some("KEY"), Some(name), Some(id_hex), Some(b64)) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(bad("expected PRIVATE+KEY+name+keyid+key"));
        };
        let raw = STANDARD
            .decode(b64)
            .map_err(|_| bad("key is not standard base64"))?;
        if raw.len() != 33 || raw[0] != ALG_ED25519 {
            return Err(bad("key must be 0x01 followed by a 32-byte Ed25519 seed"));
        }
        let mut seed = [0u8; 32];
        seed.copy_from_slice(&raw[1..]);
        let kp = KeyPair::from_seed(name, &seed)?;
        if hex::encode(kp.verifier.id) != id_hex {
            return Err(bad("key id does not match name and key"));
        }
        Ok(kp)
    }
}

impl fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyPair({}, secret hidden)", self.verifier)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // From the Go reference implementation (shared vectors).
    const VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    const SKEY: &str =
        "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";

    #[test]
    fn go_vector_keys_parse_and_match() {
        let vk: VerifierKey = VKEY.parse().unwrap();
        let kp = KeyPair::from_private_string(SKEY).unwrap();
        assert_eq!(kp.verifier(), &vk);
        assert_eq!(vk.to_string(), VKEY);
        assert_eq!(kp.to_private_string(), SKEY);
    }

    #[test]
    fn bad_keys_are_rejected() {
        assert!("a+b+c".parse::<VerifierKey>().is_err());
        assert!(
            VKEY.replace("c74f20a3", "c74f20a4")
                .parse::<VerifierKey>()
                .is_err()
        );
        assert!(check_key_name("a+b").is_err());
        assert!(check_key_name("a b").is_err());
        assert!(KeyPair::from_private_string(VKEY).is_err());
    }

    #[test]
    fn debug_hides_secret() {
        let kp = KeyPair::from_private_string(SKEY).unwrap();
        let dbg = format!("{kp:?}");
        assert!(!dbg.contains("AYEKFALV"));
    }
}

#[cfg(test)]
mod regression {
    use super::*;

    // Regression: a private key pasted where a verifier key belongs was echoed
    // in the error message.
    #[test]
    fn parse_errors_never_echo_the_input() {
        let secret =
            "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
        let err = secret.parse::<VerifierKey>().unwrap_err().to_string();
        assert!(!err.contains("AYEKFALV"), "{err}");
        let err = "name+zz+AYEKFALVsecretish"
            .parse::<VerifierKey>()
            .unwrap_err()
            .to_string();
        assert!(!err.contains("AYEKFALV"), "{err}");
    }

    // Key names are signed text: NFC like every other text.
    #[test]
    fn key_names_must_be_nfc() {
        assert!(check_key_name("caf\u{e9}").is_ok());
        assert!(check_key_name("cafe\u{301}").is_err());
    }
}
