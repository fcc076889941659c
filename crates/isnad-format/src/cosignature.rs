//! C2SP tlog-cosignature, Ed25519 `cosignature/v1`: a witness's signature
//! line on a checkpoint note, saying that as of a time this is the largest
//! consistent tree it has seen of the log.
//!
//! The signed message is `cosignature/v1\n`, `time <T>\n` (T in decimal,
//! no leading zeros) and the checkpoint's note text. The line is
//! `— <name> base64(key id ‖ T as 8 big-endian bytes ‖ signature)`, with
//! the key id SHA-256(name ‖ 0x0A ‖ 0x04 ‖ public key)[:4]: the type byte
//! 0x04 differs from plain notes' 0x01, so a cosignature is never taken
//! for the log's own signature. `docs/FORMAT.md` gives the bytes with
//! known answers.

use std::fmt;
use std::str::FromStr;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signature, VerifyingKey};

use crate::error::Error;
use crate::keys::{
    KeyKind, KeyPair, check_key_name, key_id_of_type, parse_typed_key, write_typed_key,
};
use crate::note::{self, DASH};

/// The signature type byte of Ed25519 `cosignature/v1`.
pub const SIG_TYPE_COSIGNATURE_V1: u8 = 0x04;

/// The header line that separates cosigned messages from other signatures.
const HEADER: &str = "cosignature/v1\n";

/// The largest timestamp the format allows (2^63 - 1).
pub const MAX_TIMESTAMP: u64 = i64::MAX as u64;

/// Bytes of a decoded cosignature: key id, timestamp, Ed25519 signature.
const BLOB_LEN: usize = 4 + 8 + 64;

/// A witness's public key as a cosigner: its name, Ed25519 key and the key
/// id computed with the cosignature type byte.
#[derive(Clone, PartialEq, Eq)]
pub struct CosignerKey {
    name: String,
    id: [u8; 4],
    key: VerifyingKey,
}

impl CosignerKey {
    /// The cosigner key of `key`: its name and public key, with the
    /// cosignature key id. A witness keeps an ordinary Ed25519 key pair.
    pub fn of(key: &KeyPair) -> Self {
        let vk = *key.verifier().verifying_key();
        CosignerKey {
            name: key.name().to_owned(),
            id: key_id_of_type(key.name(), SIG_TYPE_COSIGNATURE_V1, vk.as_bytes()),
            key: vk,
        }
    }

    /// The key's name (the witness's name).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The 4-byte key id.
    pub fn id(&self) -> [u8; 4] {
        self.id
    }

    /// Whether `sig` is a valid signature of `msg` (`verify_strict`).
    fn verify(&self, msg: &[u8], sig: &[u8; 64]) -> bool {
        self.key
            .verify_strict(msg, &Signature::from_bytes(sig))
            .is_ok()
    }
}

impl fmt::Display for CosignerKey {
    /// The C2SP verifier key: `name+<key id hex>+base64(0x04 ‖ key)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_typed_key(f, &self.name, self.id, SIG_TYPE_COSIGNATURE_V1, &self.key)
    }
}

impl fmt::Debug for CosignerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CosignerKey({self})")
    }
}

/// Witness keys (type 0x04, cosignature/v1).
const WITNESS_KEY: KeyKind = KeyKind {
    byte: SIG_TYPE_COSIGNATURE_V1,
    what: "witness key",
    private: "this is a private key; give the witness's verifier key",
    shape: "key must be 0x04 (cosignature/v1) followed by a 32-byte Ed25519 key",
};

impl FromStr for CosignerKey {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        let (name, id, key) = parse_typed_key(s, &WITNESS_KEY)?;
        Ok(CosignerKey { name, id, key })
    }
}

/// The bytes a cosignature signs: the header line, the time line and the
/// checkpoint's note text (ending with its newline, without signatures).
pub fn signed_message(text: &str, timestamp: u64) -> Vec<u8> {
    format!("{HEADER}time {timestamp}\n{text}").into_bytes()
}

/// One cosignature: who, when, and the signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cosignature {
    name: String,
    key_id: [u8; 4],
    timestamp: u64,
    signature: [u8; 64],
}

impl Cosignature {
    /// Cosigns the checkpoint note text `text` at `timestamp` (POSIX
    /// seconds) with the witness key `key`.
    ///
    /// # Errors
    /// [`Error::Note`] for a bad note text, [`Error::Cosignature`] for a
    /// timestamp past 2^63 - 1.
    pub fn sign(text: &str, key: &KeyPair, timestamp: u64) -> Result<Self, Error> {
        note::check_text(text)?;
        if timestamp > MAX_TIMESTAMP {
            return Err(Error::Cosignature {
                witness: key.name().to_owned(),
                reason: "timestamp is past 2^63 - 1".into(),
            });
        }
        Ok(Cosignature {
            name: key.name().to_owned(),
            key_id: CosignerKey::of(key).id(),
            timestamp,
            signature: key.sign(&signed_message(text, timestamp)),
        })
    }

    /// The witness's key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key id on the line.
    pub fn key_id(&self) -> [u8; 4] {
        self.key_id
    }

    /// When the witness cosigned, in POSIX seconds.
    pub fn timestamp(&self) -> u64 {
        self.timestamp
    }

    /// The signature line, with its final newline, to append to a note.
    pub fn line(&self) -> String {
        let mut blob = Vec::with_capacity(BLOB_LEN);
        blob.extend_from_slice(&self.key_id);
        blob.extend_from_slice(&self.timestamp.to_be_bytes());
        blob.extend_from_slice(&self.signature);
        format!("{DASH}{} {}\n", self.name, STANDARD.encode(blob))
    }

    /// Parses a signature line (without its newline) as a cosignature.
    /// A line of another kind of signature parses only if its blob happens
    /// to be 76 bytes long; [`Cosignature::verify`] then fails on it.
    ///
    /// # Errors
    /// [`Error::Note`] for a line that is no signature line,
    /// [`Error::Cosignature`] for a blob of the wrong length or time.
    pub fn parse_line(line: &str) -> Result<Self, Error> {
        let bad_note = |reason: &str| Error::Note {
            reason: reason.into(),
        };
        let rest = line
            .strip_prefix(DASH)
            .ok_or_else(|| bad_note("a signature line must start with an em dash and a space"))?;
        let (name, b64) = rest
            .split_once(' ')
            .ok_or_else(|| bad_note("a signature line is `— name signature`"))?;
        check_key_name(name).map_err(|e| bad_note(&e.to_string()))?;
        let bad = |reason: &str| Error::Cosignature {
            witness: name.to_owned(),
            reason: reason.into(),
        };
        let blob = STANDARD
            .decode(b64)
            .map_err(|_| bad("signature is not standard base64"))?;
        if blob.len() != BLOB_LEN {
            return Err(bad("not key id, 8-byte time and 64-byte signature"));
        }
        let mut key_id = [0u8; 4];
        key_id.copy_from_slice(&blob[..4]);
        let mut time = [0u8; 8];
        time.copy_from_slice(&blob[4..12]);
        let mut signature = [0u8; 64];
        signature.copy_from_slice(&blob[12..]);
        let timestamp = u64::from_be_bytes(time);
        if timestamp > MAX_TIMESTAMP {
            return Err(bad("timestamp is past 2^63 - 1"));
        }
        Ok(Cosignature {
            name: name.to_owned(),
            key_id,
            timestamp,
            signature,
        })
    }

    /// Whether this cosignature is by `key` (same name and key id).
    pub fn is_by(&self, key: &CosignerKey) -> bool {
        self.name == key.name && self.key_id == key.id
    }

    /// Verifies the cosignature of note text `text` with `key`.
    ///
    /// # Errors
    /// [`Error::Cosignature`] when it is by another key or does not verify.
    pub fn verify(&self, text: &str, key: &CosignerKey) -> Result<(), Error> {
        let bad = |reason: &str| Error::Cosignature {
            witness: self.name.clone(),
            reason: reason.into(),
        };
        if !self.is_by(key) {
            return Err(bad("another key's name or key id"));
        }
        if !key.verify(&signed_message(text, self.timestamp), &self.signature) {
            return Err(bad("signature does not verify"));
        }
        Ok(())
    }
}

/// The witnesses of `witnesses` whose cosignatures on the signed note
/// `signed` verify, each once, with the time each gave. Lines by other
/// keys are ignored; a line that names a listed witness's key and does not
/// verify is an error, as for any signature of a known key in a note.
///
/// # Errors
/// [`Error::Note`] for a malformed note, [`Error::Cosignature`] for a
/// listed witness's line that does not verify.
pub fn verified_cosigners<'a>(
    signed: &str,
    witnesses: &'a [CosignerKey],
) -> Result<Vec<(&'a CosignerKey, u64)>, Error> {
    let (text, sigs) = note::split(signed)?;
    let mut found: Vec<(&CosignerKey, u64)> = Vec::new();
    for line in sigs {
        let Some(key) = witnesses.iter().find(|w| names_key(line, w)) else {
            continue;
        };
        let c = Cosignature::parse_line(line)?;
        c.verify(text, key)?;
        if !found.iter().any(|(k, _)| *k == key) {
            found.push((key, c.timestamp()));
        }
    }
    Ok(found)
}

/// Whether a signature line carries `key`'s name and key id.
fn names_key(line: &str, key: &CosignerKey) -> bool {
    note::line_key(line).is_some_and(|(name, id)| name == key.name() && id == key.id())
}

/// The signed note `signed` with the cosignature `c` added after its other
/// signature lines, in place of any line of the same witness key (an
/// earlier cosignature of the same text). The cosignature is not verified
/// here; verify it first.
///
/// # Errors
/// [`Error::Note`] for a malformed note, or one that would have too many
/// signature lines.
pub fn add_cosignature(signed: &str, c: &Cosignature) -> Result<String, Error> {
    let (text, lines) = note::split(signed)?;
    let mut out = format!("{text}\n");
    let mut kept = 0;
    for line in lines {
        if note::line_key(line).is_some_and(|(name, id)| name == c.name && id == c.key_id) {
            continue;
        }
        out.push_str(line);
        out.push('\n');
        kept += 1;
    }
    if kept + 1 > note::MAX_SIGNATURES {
        return Err(Error::Note {
            reason: format!("more than {} signature lines", note::MAX_SIGNATURES),
        });
    }
    out.push_str(&c.line());
    Ok(out)
}

/// What a note holds from one listed witness.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Witnessed {
    /// A cosignature that verifies, made at this time.
    Cosigned(u64),
    /// Only lines by its key that do not verify.
    Invalid,
    /// No line by its key.
    Missing,
}

/// For each of `witnesses`, what the signed note `signed` holds from it.
/// A witness with one valid line among invalid ones counts as cosigned.
///
/// # Errors
/// [`Error::Note`] when the note itself is malformed.
pub fn witnessed(signed: &str, witnesses: &[CosignerKey]) -> Result<Vec<Witnessed>, Error> {
    let (text, sigs) = note::split(signed)?;
    Ok(witnesses
        .iter()
        .map(|key| {
            let mut seen = Witnessed::Missing;
            for line in sigs.iter().filter(|l| names_key(l, key)) {
                match Cosignature::parse_line(line).and_then(|c| c.verify(text, key).map(|()| c)) {
                    Ok(c) => return Witnessed::Cosigned(c.timestamp()),
                    Err(_) => seen = Witnessed::Invalid,
                }
            }
            seen
        })
        .collect())
}

/// The witnesses a reader trusts, and how many of them must have cosigned
/// a checkpoint. The empty quorum (no witnesses, none needed) accepts any.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Quorum {
    witnesses: Vec<CosignerKey>,
    needed: usize,
}

impl Quorum {
    /// `needed` of `witnesses` (a key listed twice counts once); `None`
    /// for all of them.
    ///
    /// # Errors
    /// [`Error::Field`] on `quorum` when more are needed than are listed.
    pub fn new(witnesses: &[CosignerKey], needed: Option<usize>) -> Result<Self, Error> {
        let mut distinct: Vec<CosignerKey> = Vec::new();
        for w in witnesses {
            if !distinct.contains(w) {
                distinct.push(w.clone());
            }
        }
        let needed = needed.unwrap_or(distinct.len());
        if needed > distinct.len() {
            return Err(Error::field(
                "quorum",
                format!(
                    "{needed} needed, but only {} distinct witnesses are listed",
                    distinct.len()
                ),
            ));
        }
        Ok(Quorum {
            witnesses: distinct,
            needed,
        })
    }

    /// The distinct witnesses listed.
    pub fn witnesses(&self) -> &[CosignerKey] {
        &self.witnesses
    }

    /// How many must have cosigned.
    pub fn needed(&self) -> usize {
        self.needed
    }

    /// Checks the signed note `signed` against the quorum; returns how
    /// many listed witnesses cosigned it.
    ///
    /// # Errors
    /// [`Error::Quorum`] naming the witnesses missing and those whose lines
    /// do not verify; [`Error::Note`] for a malformed note.
    pub fn check(&self, signed: &str) -> Result<usize, Error> {
        if self.witnesses.is_empty() {
            return Ok(0);
        }
        let seen = witnessed(signed, &self.witnesses)?;
        let named = |want: Witnessed| -> Vec<String> {
            self.witnesses
                .iter()
                .zip(&seen)
                .filter(|(_, s)| **s == want)
                .map(|(k, _)| k.name().to_owned())
                .collect()
        };
        let valid = seen
            .iter()
            .filter(|s| matches!(s, Witnessed::Cosigned(_)))
            .count();
        if valid < self.needed {
            return Err(Error::Quorum {
                needed: self.needed,
                valid,
                missing: named(Witnessed::Missing),
                invalid: named(Witnessed::Invalid),
            });
        }
        Ok(valid)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::checkpoint::Checkpoint;

    // The example of the C2SP tlog-cosignature specification: a checkpoint
    // with the log's signature and a witness's cosignature. The witness's
    // public key is not given, so the known answers are the line's fields
    // and the message the specification shows for them.
    const SPEC_TEXT: &str =
        "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
    const SPEC_LINE: &str = "\u{2014} witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==";

    #[test]
    fn spec_example_line_and_message() {
        let c = Cosignature::parse_line(SPEC_LINE).unwrap();
        assert_eq!(c.name(), "witness.example.com/w1");
        assert_eq!(hex::encode(c.key_id()), "8d66cf3f");
        assert_eq!(c.timestamp(), 1_679_315_147);
        assert_eq!(
            String::from_utf8(signed_message(SPEC_TEXT, c.timestamp())).unwrap(),
            "cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
        );
        // Written back byte for byte.
        assert_eq!(c.line(), format!("{SPEC_LINE}\n"));
    }

    // isnad's own known answers (docs/FORMAT.md), checked independently by
    // tests/interop/cosignature_check.py: witness key from seed 0x77 × 32 named
    // `witness.example/w1`, the spec's checkpoint text, time 1700000000.
    const W_VKEY: &str = "witness.example/w1+773a6c12+BMhTrQ8M0rYZrqks7sT9VqJNZJnVhM55JX5Fz9gTm2Cn";
    const W_LINE: &str = "\u{2014} witness.example/w1 dzpsEgAAAABlU/EAsWL/KS9ffMI5BVZTyA1a3I73a4rZ7b/iqqU/5t178Z3V2ImJDfqQkcaEHt+oukIb6797GpUvvwVVZdvREfLeBQ==\n";

    fn witness() -> KeyPair {
        KeyPair::from_seed("witness.example/w1", &[0x77; 32]).unwrap()
    }

    #[test]
    fn known_answer_key_and_line() {
        let k = witness();
        let ck = CosignerKey::of(&k);
        assert_eq!(ck.to_string(), W_VKEY);
        assert_eq!(W_VKEY.parse::<CosignerKey>().unwrap(), ck);
        // Not the id of the same key as a plain note signer.
        assert_ne!(ck.id(), k.verifier().id());
        let c = Cosignature::sign(SPEC_TEXT, &k, 1_700_000_000).unwrap();
        assert_eq!(c.line(), W_LINE);
        let parsed = Cosignature::parse_line(W_LINE.trim_end()).unwrap();
        assert_eq!(parsed, c);
        parsed.verify(SPEC_TEXT, &ck).unwrap();
    }

    // A second cosignature by the same key replaces the first; another
    // key's line and the log's own stay, in their order.
    #[test]
    fn adding_a_cosignature_replaces_the_same_keys_line() {
        let log = KeyPair::from_seed("example.com/log", &[1; 32]).unwrap();
        let note = Checkpoint::new("example.com/log", 3, [2; 32])
            .unwrap()
            .sign(&log)
            .unwrap();
        let text = note.split("\n\n").next().map(|t| format!("{t}\n")).unwrap();
        let other = KeyPair::from_seed("witness.example/w2", &[0x78; 32]).unwrap();
        let first = Cosignature::sign(&text, &witness(), 1).unwrap();
        let second = Cosignature::sign(&text, &witness(), 2).unwrap();
        let theirs = Cosignature::sign(&text, &other, 1).unwrap();
        let once = add_cosignature(&note, &first).unwrap();
        let both = add_cosignature(&once, &theirs).unwrap();
        let again = add_cosignature(&both, &second).unwrap();
        assert_eq!(again, format!("{note}{}{}", theirs.line(), second.line()));
        let keys = [CosignerKey::of(&witness()), CosignerKey::of(&other)];
        assert_eq!(
            verified_cosigners(&again, &keys)
                .unwrap()
                .iter()
                .map(|(_, t)| *t)
                .collect::<Vec<_>>(),
            [1, 2]
        );
        crate::note::open(&again, std::slice::from_ref(log.verifier())).unwrap();
    }

    // docs/FORMAT.md, section 19: the demo's checkpoint of section 15 as
    // published once the known-answer witness cosigned it.
    const DEMO_NOTE: &str = "demo.isnad.example/agenzia-nova-2025\n35\nDx2iscnPPJa3XH6bN7diP/xiNgers6wOvzD/ePoegXY=\n\n\u{2014} demo.isnad.example/agenzia-nova-2025 NKd1dL1pkfXySZ1Gn6d4H8zbMQF9MVBgpMTqKhkUrPRSTILR/5F7GKRnptvgEQro6B/U7KreF9YcxssfI823Tukw1AU=\n";
    const DEMO_COSIGNED_LINE: &str = "\u{2014} witness.example/w1 dzpsEgAAAABlU/EA7xLKTQi39VSHDjvI2rEUSHEJVlYm3eguyBhFiWSCXtbz6YXv9fXoorBEAnzOy8SMq62eb7oCtEfDOXozJUMTDg==\n";

    #[test]
    fn the_published_cosigned_demo_checkpoint() {
        let (text, _) = note::split(DEMO_NOTE).unwrap();
        let c = Cosignature::sign(text, &witness(), 1_700_000_000).unwrap();
        let published = add_cosignature(DEMO_NOTE, &c).unwrap();
        assert_eq!(published, format!("{DEMO_NOTE}{DEMO_COSIGNED_LINE}"));
        let key = CosignerKey::of(&witness());
        assert_eq!(verified_cosigners(&published, &[key]).unwrap().len(), 1);
    }

    #[test]
    fn cosigned_note_verifies_with_the_log_and_the_witness() {
        let log = KeyPair::from_seed("example.com/log", &[1; 32]).unwrap();
        let cp = Checkpoint::new("example.com/log", 5, [9; 32]).unwrap();
        let signed = cp.sign(&log).unwrap();
        let (w1, w2) = (witness(), KeyPair::from_seed("w2", &[2; 32]).unwrap());
        let cosigned = format!(
            "{signed}{}{}",
            Cosignature::sign(&cp.text(), &w1, 10).unwrap().line(),
            Cosignature::sign(&cp.text(), &w2, 11).unwrap().line()
        );
        // The log's own signature still verifies; cosignatures are other keys.
        assert_eq!(Checkpoint::open(&cosigned, log.verifier()).unwrap(), cp);
        let keys = [CosignerKey::of(&w1), CosignerKey::of(&w2)];
        let got = verified_cosigners(&cosigned, &keys).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!((got[0].0.name(), got[0].1), ("witness.example/w1", 10));
        // Only the listed witnesses count.
        assert_eq!(verified_cosigners(&cosigned, &keys[1..]).unwrap().len(), 1);
        // A cosignature on another checkpoint does not verify.
        let other = Checkpoint::new("example.com/log", 6, [9; 32]).unwrap();
        let forged = format!(
            "{signed}{}",
            Cosignature::sign(&other.text(), &w1, 10).unwrap().line()
        );
        assert!(matches!(
            verified_cosigners(&forged, &keys),
            Err(Error::Cosignature { .. })
        ));
    }

    #[test]
    fn quorum_counts_distinct_valid_witnesses() {
        let log = KeyPair::from_seed("example.com/log", &[1; 32]).unwrap();
        let cp = Checkpoint::new("example.com/log", 5, [9; 32]).unwrap();
        let signed = cp.sign(&log).unwrap();
        let ws: Vec<KeyPair> = (0..3)
            .map(|i| KeyPair::from_seed(&format!("w{i}"), &[10 + i; 32]).unwrap())
            .collect();
        let keys: Vec<CosignerKey> = ws.iter().map(CosignerKey::of).collect();
        let other = Checkpoint::new("example.com/log", 6, [9; 32]).unwrap();
        // w0 valid (twice), w1 on another checkpoint, w2 absent.
        let line0 = Cosignature::sign(&cp.text(), &ws[0], 1).unwrap().line();
        let note = format!(
            "{signed}{line0}{line0}{}",
            Cosignature::sign(&other.text(), &ws[1], 1).unwrap().line()
        );
        assert_eq!(
            witnessed(&note, &keys).unwrap(),
            [
                Witnessed::Cosigned(1),
                Witnessed::Invalid,
                Witnessed::Missing
            ]
        );
        let quorum = |k| Quorum::new(&keys, Some(k)).unwrap();
        assert_eq!(quorum(1).check(&note).unwrap(), 1);
        // A witness listed twice counts once; no more can be needed.
        let twice = [keys[0].clone(), keys[0].clone()];
        assert_eq!(Quorum::new(&twice, None).unwrap().needed(), 1);
        assert!(Quorum::new(&twice, Some(2)).is_err());
        assert_eq!(Quorum::default().check(&note).unwrap(), 0);
        let e = quorum(2).check(&note).unwrap_err();
        assert_eq!(
            e.to_string(),
            "cosignatures: 1 of the 2 needed; missing: w2; not verifying: w1"
        );
    }

    #[test]
    fn tampering_is_caught() {
        let (k, ck) = (witness(), CosignerKey::of(&witness()));
        let c = Cosignature::sign(SPEC_TEXT, &k, 1_700_000_000).unwrap();
        // Another time, another text, another key name.
        let mut later = c.clone();
        later.timestamp += 1;
        assert!(later.verify(SPEC_TEXT, &ck).is_err());
        assert!(
            c.verify(&SPEC_TEXT.replace("20852163", "20852164"), &ck)
                .is_err()
        );
        let renamed = Cosignature::parse_line(&W_LINE.trim_end().replace("/w1 ", "/w2 ")).unwrap();
        assert!(renamed.verify(SPEC_TEXT, &ck).is_err());
        // Malformed lines.
        assert!(Cosignature::parse_line("witness AAAA").is_err());
        assert!(Cosignature::parse_line("\u{2014} w AAAA").is_err());
        assert!(Cosignature::sign(SPEC_TEXT, &k, MAX_TIMESTAMP + 1).is_err());
        let mut blob = STANDARD
            .decode(W_LINE.trim_end().rsplit(' ').next().unwrap())
            .unwrap();
        blob[4] = 0x80;
        let line = format!("\u{2014} w {}", STANDARD.encode(blob));
        assert!(Cosignature::parse_line(&line).is_err());
    }

    proptest::proptest! {
        // Untrusted text never panics a reader, every refusal is one line,
        // and what is accepted writes back to the same bytes.
        #[test]
        fn readers_of_untrusted_text(text in "(\u{2014} )?[ -~\n\u{2014}]{0,200}") {
            let one_line = |e: Error| {
                let m = e.to_string();
                proptest::prop_assert!(!m.is_empty() && !m.contains('\n'), "{:?}", m);
                Ok(())
            };
            for line in text.split('\n') {
                match Cosignature::parse_line(line) {
                    Ok(c) => proptest::prop_assert_eq!(c.line(), format!("{line}\n")),
                    Err(e) => one_line(e)?,
                }
            }
            match text.parse::<CosignerKey>() {
                Ok(k) => proptest::prop_assert_eq!(k.to_string(), text.clone()),
                Err(e) => one_line(e)?,
            }
            match crate::add_checkpoint::AddCheckpoint::parse(&text) {
                Ok(r) => proptest::prop_assert_eq!(r.to_body(), text.clone()),
                Err(e) => one_line(e)?,
            }
            if let Err(e) = Quorum::new(&[CosignerKey::of(&witness())], None).unwrap().check(&text) {
                one_line(e)?;
            }
        }

        // Any one changed byte of a cosigned note's text or cosignature
        // leaves the witness short of its quorum (or the note unreadable).
        #[test]
        fn a_changed_byte_is_never_cosigned(at in 0usize..200, bit in 0u8..8) {
            let k = witness();
            let c = Cosignature::sign(SPEC_TEXT, &k, 1_700_000_000).unwrap();
            let note = format!("{SPEC_TEXT}\n{}", c.line());
            let mut bytes = note.clone().into_bytes();
            let at = at % bytes.len();
            bytes[at] ^= 1 << bit;
            let Ok(changed) = String::from_utf8(bytes) else { return Ok(()) };
            let quorum = Quorum::new(&[CosignerKey::of(&k)], None).unwrap();
            proptest::prop_assert!(quorum.check(&note).is_ok());
            proptest::prop_assert!(quorum.check(&changed).is_err(), "{:?}", changed);
        }
    }

    #[test]
    fn bad_witness_keys_are_refused() {
        assert!(
            W_VKEY
                .replace("773a6c12", "773a6c13")
                .parse::<CosignerKey>()
                .is_err()
        );
        // A plain note verifier key (type 0x01) is not a cosigner key.
        let plain = witness().verifier().to_string();
        assert!(plain.parse::<CosignerKey>().is_err());
        let secret = witness().to_private_string();
        let e = secret.parse::<CosignerKey>().unwrap_err().to_string();
        assert!(!e.contains(&secret[20..]), "{e}");
    }
}
