//! Entries: a record with its position, time and signature, and the exact
//! bytes that are signed, hashed and exported.
//!
//! ```text
//! leaf bytes   = JCS({"body":…,"kind":…,"prev":…,"seq":…,"sig":…,"signer":…,"time":…,"v":1 or 2})
//! signing input = "isnad-entry-v1\n" ‖ JCS(the same object without "sig")
//! leaf hash    = SHA-256(0x00 ‖ leaf bytes)        (the entry id, in hex)
//! ```
//!
//! An [`Entry`] is well-formed and canonical but not yet checked against the
//! ledger; [`crate::rules::check`] turns it into a
//! [`VerifiedEntry`](crate::rules::VerifiedEntry).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::canon::{CanonicalWriter, to_canonical};
use crate::error::Error;
use crate::ids::{EntryHash, Seq};
use crate::keys::{KeyPair, VerifierKey};
use crate::limits::MAX_ENTRY_BYTES;
use crate::record::{BodyRef, Kind, Record};
use crate::time::Timestamp;

/// The largest sequence number: 2^53 - 1, so that every JSON implementation
/// (including those that read numbers as doubles) reads it exactly.
pub const MAX_SEQ: u64 = (1 << 53) - 1;

/// The entry format version (`v`) of every entry whose record uses nothing
/// that version 2 added: the version of every entry written before it.
pub const FORMAT_VERSION: u32 = 1;

/// The entry format version (`v`) of an entry whose record uses what
/// version 2 added: a `trust` record, or a `key` record with `org`. See
/// [`Record::format_version`].
pub const FORMAT_VERSION_2: u32 = 2;

/// The entry format version (`v`) of an entry whose record uses what
/// version 3 added: a `verdict` with `review` (the published review an
/// imported verdict comes from). See [`Record::format_version`].
pub const FORMAT_VERSION_3: u32 = 3;

/// The versions a reader accepts, each for the records that call for it.
pub const FORMAT_VERSIONS: [u32; 3] = [FORMAT_VERSION, FORMAT_VERSION_2, FORMAT_VERSION_3];

/// Checks the entry's stated version `v` against its record: one of
/// [`FORMAT_VERSIONS`] and exactly the one the record calls for, so a
/// record has one encoding.
///
/// # Errors
/// [`Error::Field`] naming `v`.
fn check_version(v: u32, record: &Record) -> Result<(), Error> {
    let want = record.format_version();
    if v == want {
        return Ok(());
    }
    let reason = if want == FORMAT_VERSION_2 {
        format!(
            "an entry with a `trust` record or a key's `org` is format version \
             {FORMAT_VERSION_2}, not {v}"
        )
    } else if want == FORMAT_VERSION_3 {
        format!("an entry with a verdict's `review` is format version {FORMAT_VERSION_3}, not {v}")
    } else if v == FORMAT_VERSION_3 {
        format!(
            "format version {FORMAT_VERSION_3} is only for entries with a verdict's `review`; \
             this entry is version {want}, not {v}"
        )
    } else {
        format!(
            "format version {FORMAT_VERSION_2} is only for entries with a `trust` record or a \
             key's `org`; this entry is version {FORMAT_VERSION}, not {v}"
        )
    };
    Err(Error::field("v", reason))
}

/// Checks that `v` is a version this library reads at all, before the body
/// is parsed.
fn check_supported(v: u32) -> Result<(), Error> {
    if FORMAT_VERSIONS.contains(&v) {
        return Ok(());
    }
    Err(Error::field(
        "v",
        format!(
            "format version {v} is not supported (expected {FORMAT_VERSION}, {FORMAT_VERSION_2} \
             or {FORMAT_VERSION_3})"
        ),
    ))
}

/// Domain-separation prefix of the signing input: no signature made for an
/// isnad entry can be replayed as a signature over anything else (a
/// checkpoint note, another format version), and vice versa.
pub const SIGNING_CONTEXT: &[u8] = b"isnad-entry-v1\n";

/// The entry as it is on the wire (every field, `sig` optional so the same
/// type serialises the signing input).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Wire {
    v: u32,
    seq: u64,
    prev: EntryHash,
    time: String,
    signer: String,
    kind: Kind,
    body: serde_json::Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sig: Option<String>,
}

/// A record placed in the ledger but not yet signed.
#[derive(Clone, Debug)]
pub struct Draft {
    seq: Seq,
    prev: EntryHash,
    time: Timestamp,
    signer: VerifierKey,
    record: Record,
}

impl Draft {
    /// A draft for position `seq`, after the entry whose leaf hash is `prev`.
    pub fn new(
        seq: Seq,
        prev: EntryHash,
        time: Timestamp,
        signer: VerifierKey,
        record: Record,
    ) -> Self {
        Draft {
            seq,
            prev,
            time,
            signer,
            record,
        }
    }

    fn wire(&self, sig: Option<String>) -> Result<Wire, Error> {
        Ok(Wire {
            v: self.record.format_version(),
            seq: self.seq.0,
            prev: self.prev,
            time: self.time.to_string(),
            signer: self.signer.to_string(),
            kind: self.record.kind(),
            body: self.record.body_value()?,
            sig,
        })
    }

    /// The exact bytes the signer signs.
    ///
    /// # Errors
    /// Only if canonicalisation fails, which the record types rule out.
    pub fn signing_input(&self) -> Result<Vec<u8>, Error> {
        let mut out = SIGNING_CONTEXT.to_vec();
        out.extend(to_canonical(&self.wire(None)?)?);
        Ok(out)
    }

    /// Signs the draft. `key` must be the draft's signer.
    ///
    /// # Errors
    /// [`Error::Key`] if `key` is not the signer; [`Error::Field`] if the
    /// record fails its own checks.
    pub fn sign(self, key: &KeyPair) -> Result<Entry, Error> {
        if key.verifier() != &self.signer {
            return Err(Error::Key {
                reason: format!(
                    "signing key {} is not the entry's signer {}",
                    key.verifier(),
                    self.signer
                ),
            });
        }
        self.record.check()?;
        let sig = key.sign(&self.signing_input()?);
        let leaf = to_canonical(&self.wire(Some(STANDARD.encode(sig)))?)?;
        if leaf.len() > MAX_ENTRY_BYTES {
            return Err(Error::field(
                "entry",
                format!("is {} bytes; the limit is {MAX_ENTRY_BYTES}", leaf.len()),
            ));
        }
        Ok(Entry {
            hash: EntryHash::of_leaf(&leaf),
            leaf,
            draft: self,
            sig,
            content: std::sync::OnceLock::new(),
        })
    }
}

/// A well-formed, canonical, signed entry. Its signature and its place in a
/// ledger are not yet checked: see [`crate::rules::check`].
#[derive(Clone, Debug)]
pub struct Entry {
    draft: Draft,
    sig: [u8; 64],
    leaf: Vec<u8>,
    hash: EntryHash,
    // Computed once, on first use: the stores index every entry by it, and
    // bulk checks compute it in parallel ahead of the ordered work.
    content: std::sync::OnceLock<[u8; 32]>,
}

impl Entry {
    /// Parses leaf bytes (one line of an export, without its newline).
    ///
    /// Rejects anything that is not exactly the canonical form this entry
    /// would be written in: invalid UTF-8, unknown fields, floats, wrong key
    /// order or whitespace, non-NFC text, non-canonical base64.
    ///
    /// # Errors
    /// The first problem found, naming the field.
    pub fn parse(bytes: &[u8]) -> Result<Entry, Error> {
        Parser::new().parse(bytes)
    }
}

/// The shape both parsers read, without building a value tree: every field
/// of [`Wire`], strings borrowed where they have no escapes, the body kept
/// as raw JSON text until its kind is known.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WireRef<'a> {
    v: u32,
    seq: u64,
    prev: EntryHash,
    #[serde(borrow)]
    time: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    signer: std::borrow::Cow<'a, str>,
    kind: Kind,
    #[serde(borrow)]
    body: &'a serde_json::value::RawValue,
    #[serde(default, borrow)]
    sig: Option<std::borrow::Cow<'a, str>>,
}

/// Parses entries one after another, exactly as [`Entry::parse`] does, but
/// remembers the signer strings it has already checked: decoding an Ed25519
/// point and ruling out small orders is most of the cost of a parse, and a
/// ledger has few signers and many entries.
#[derive(Debug, Default)]
pub struct Parser {
    /// Each signer string checked, with its key and the key's own text
    /// form (what the canonical bytes hold, formatted once).
    signers: std::collections::HashMap<String, (VerifierKey, String)>,
    /// Rebuilds each entry's canonical bytes, keeping its buffers.
    canon: CanonicalWriter,
}

/// An entry's members, borrowed, as [`Wire`] holds them but with the body
/// as its record type instead of a value tree: what [`CanonicalWriter`]
/// writes to rebuild the leaf bytes.
#[derive(Serialize)]
struct WireOut<'a> {
    v: u32,
    seq: u64,
    prev: EntryHash,
    time: Timestamp,
    signer: &'a str,
    kind: Kind,
    body: BodyRef<'a>,
    sig: &'a str,
}

/// How [`Parser::parse`] rebuilds the canonical bytes it compares with the
/// input.
#[derive(Clone, Copy)]
enum Rebuild {
    /// With [`CanonicalWriter`], straight from the record.
    Direct,
    /// Through a `serde_json::Value` and [`to_canonical`], as before the
    /// direct writer: kept so the tests can check that both accept and
    /// refuse exactly the same inputs.
    #[cfg(test)]
    ValueTree,
}

/// Most signer strings a [`Parser`] remembers; past that it starts over.
const PARSER_SIGNERS: usize = 4096;

thread_local! {
    /// Each thread's parser, for [`Parser::with_thread_parser`].
    static THREAD_PARSER: std::cell::RefCell<Parser> = std::cell::RefCell::new(Parser::new());
}

impl Parser {
    /// A parser that remembers nothing yet.
    pub fn new() -> Self {
        Parser::default()
    }

    /// Runs `f` with this thread's own parser, which keeps what it learnt
    /// (signers checked, buffers) from one call to the next. For parallel
    /// passes: a parser made per piece of work would check each signer's
    /// key again in every piece (decompressing its point, recomputing its
    /// id), and at a million entries that was a tenth of `verify`'s work.
    /// The cache only ever holds what the same text parses to, so sharing
    /// it between callers changes no result.
    pub fn with_thread_parser<T>(f: impl FnOnce(&mut Parser) -> T) -> T {
        THREAD_PARSER.with(|p| match p.try_borrow_mut() {
            Ok(mut p) => f(&mut p),
            // Only if `f` itself parses on this thread: a parser of its own.
            Err(_) => f(&mut Parser::new()),
        })
    }

    fn signer(&mut self, text: &str) -> Result<VerifierKey, Error> {
        if let Some((k, _)) = self.signers.get(text) {
            return Ok(k.clone());
        }
        let k: VerifierKey = text
            .parse()
            .map_err(|e: Error| Error::field("signer", e.to_string()))?;
        if self.signers.len() >= PARSER_SIGNERS {
            self.signers.clear();
        }
        self.signers
            .insert(text.to_owned(), (k.clone(), k.to_string()));
        Ok(k)
    }

    /// Parses leaf bytes that this library checked and stored itself, for
    /// reading a ledger back: the same fields and types as [`Entry::parse`],
    /// but the record's content rules are not re-checked and the canonical
    /// bytes are not rebuilt, which is much of a strict parse's cost.
    /// `Ledger::verify` still parses every stored entry strictly; this is
    /// for everything else that reads the store (replay, views, lookups).
    ///
    /// # Errors
    /// Malformed bytes: the store is damaged.
    pub fn parse_stored(&mut self, bytes: &[u8]) -> Result<Entry, Error> {
        self.parse_stored_as(bytes, None)
    }

    /// [`Parser::parse_stored`] of bytes whose leaf hash the store also
    /// kept (its Merkle rows hold every leaf hash, written with the leaf):
    /// a pass over the whole store takes the hash from there instead of
    /// hashing every entry again. The same trust as `parse_stored`, in the
    /// hash as in the bytes: only for what the store wrote itself.
    ///
    /// # Errors
    /// As [`Parser::parse_stored`].
    pub fn parse_stored_hashed(&mut self, bytes: &[u8], hash: EntryHash) -> Result<Entry, Error> {
        self.parse_stored_as(bytes, Some(hash))
    }

    fn parse_stored_as(&mut self, bytes: &[u8], hash: Option<EntryHash>) -> Result<Entry, Error> {
        if bytes.len() > MAX_ENTRY_BYTES {
            return Err(Error::field("entry", "larger than an entry can be"));
        }
        // UTF-8 checked once for the whole leaf: reading from a `str`,
        // serde_json checks neither each string nor the body again.
        let text = std::str::from_utf8(bytes).map_err(|e| Error::Json {
            what: "entry",
            reason: e.to_string(),
        })?;
        let wire: WireRef<'_> = serde_json::from_str(text).map_err(|e| Error::Json {
            what: "entry",
            reason: crate::error::one_line(&e.to_string()),
        })?;
        check_supported(wire.v)?;
        let time = Timestamp::parse(&wire.time)?;
        let signer = self.signer(&wire.signer)?;
        let sig: [u8; 64] = STANDARD
            .decode(wire.sig.as_deref().unwrap_or_default())
            .ok()
            .and_then(|raw| raw.try_into().ok())
            .ok_or_else(|| Error::field("sig", "not a base64 Ed25519 signature"))?;
        let record = Record::from_body_json(wire.kind, wire.body.get())?;
        check_version(wire.v, &record)?;
        let draft = Draft::new(Seq(wire.seq), wire.prev, time, signer, record);
        Ok(Entry {
            hash: hash.unwrap_or_else(|| EntryHash::of_leaf(bytes)),
            leaf: bytes.to_vec(),
            draft,
            sig,
            content: std::sync::OnceLock::new(),
        })
    }

    /// Parses one entry: see [`Entry::parse`].
    ///
    /// # Errors
    /// As [`Entry::parse`].
    pub fn parse(&mut self, bytes: &[u8]) -> Result<Entry, Error> {
        self.parse_rebuilding(bytes, Rebuild::Direct)
    }

    /// [`Parser::parse`], with the canonical bytes rebuilt as `rebuild` says.
    fn parse_rebuilding(&mut self, bytes: &[u8], rebuild: Rebuild) -> Result<Entry, Error> {
        if bytes.len() > MAX_ENTRY_BYTES {
            return Err(Error::field(
                "entry",
                format!("is {} bytes; the limit is {MAX_ENTRY_BYTES}", bytes.len()),
            ));
        }
        let text = std::str::from_utf8(bytes).map_err(|e| Error::Utf8 {
            what: "entry",
            offset: e.valid_up_to(),
        })?;
        // The body is kept as raw text and read straight into its record
        // type: no intermediate value tree.
        let wire: WireRef<'_> = serde_json::from_str(text).map_err(|e| Error::Json {
            what: "entry",
            reason: crate::error::one_line(&e.to_string()),
        })?;
        let seq = Seq(wire.seq);
        if wire.seq > MAX_SEQ {
            return Err(Error::field(
                "seq",
                format!(
                    "{} is above 2^53 - 1, the largest integer JSON carries exactly",
                    wire.seq
                ),
            ));
        }
        check_supported(wire.v)?;
        let time = Timestamp::parse(&wire.time)?;
        let signer = self.signer(&wire.signer)?;
        let sig_text = wire
            .sig
            .as_deref()
            .ok_or_else(|| Error::field("sig", "missing"))?;
        let sig_raw = STANDARD
            .decode(sig_text)
            .map_err(|_| Error::field("sig", "not standard padded base64"))?;
        let sig: [u8; 64] = sig_raw
            .try_into()
            .map_err(|_| Error::field("sig", "an Ed25519 signature is 64 bytes"))?;
        let record = Record::from_body_json(wire.kind, wire.body.get())?;
        check_version(wire.v, &record)?;
        record.check()?;
        let draft = Draft::new(seq, wire.prev, time, signer, record);
        let sig_text = STANDARD.encode(sig);
        let canonical = match rebuild {
            Rebuild::Direct => {
                // The signer's text form as `Wire` has it: remembered by
                // `signer` above, formatted here only if it was not.
                let formatted;
                let signer_text = match self.signers.get(&*wire.signer) {
                    Some((_, shown)) => shown.as_str(),
                    None => {
                        formatted = draft.signer.to_string();
                        formatted.as_str()
                    }
                };
                let out = WireOut {
                    v: draft.record.format_version(),
                    seq: draft.seq.0,
                    prev: draft.prev,
                    time: draft.time,
                    signer: signer_text,
                    kind: draft.record.kind(),
                    body: draft.record.body(),
                    sig: &sig_text,
                };
                // Only a type outside what entries hold fails here, which
                // the record types rule out: the same variant as the
                // generic path's failure.
                let leaf = self.canon.write(&out).map_err(|e| Error::Canonical {
                    reason: e.to_string(),
                })?;
                leaf == bytes
            }
            #[cfg(test)]
            Rebuild::ValueTree => to_canonical(&draft.wire(Some(sig_text))?)? == bytes,
        };
        if !canonical {
            return Err(Error::NotCanonical { seq });
        }
        Ok(Entry {
            hash: EntryHash::of_leaf(bytes),
            leaf: bytes.to_vec(),
            draft,
            sig,
            content: std::sync::OnceLock::new(),
        })
    }
}

impl Entry {
    /// Position in the ledger.
    pub fn seq(&self) -> Seq {
        self.draft.seq
    }

    /// Leaf hash of the previous entry ([`EntryHash::ZERO`] for the first).
    pub fn prev(&self) -> EntryHash {
        self.draft.prev
    }

    /// When it was signed.
    pub fn time(&self) -> Timestamp {
        self.draft.time
    }

    /// Who signed it.
    pub fn signer(&self) -> &VerifierKey {
        &self.draft.signer
    }

    /// The record.
    pub fn record(&self) -> &Record {
        &self.draft.record
    }

    /// The record's kind.
    pub fn kind(&self) -> Kind {
        self.draft.record.kind()
    }

    /// The leaf bytes: canonical JSON with the signature, one export line.
    pub fn leaf_bytes(&self) -> &[u8] {
        &self.leaf
    }

    /// The leaf hash, whose hex form is the entry id.
    pub fn hash(&self) -> EntryHash {
        self.hash
    }

    /// The raw signature.
    pub fn signature(&self) -> &[u8; 64] {
        &self.sig
    }

    /// The signing input, recomputed.
    ///
    /// # Errors
    /// Only if canonicalisation fails, which the types rule out.
    pub fn signing_input(&self) -> Result<Vec<u8>, Error> {
        // The leaf is canonical (made by signing or checked by parsing), and
        // JCS is compositional: removing the top-level `"sig"` member from
        // the canonical entry leaves exactly the canonical entry without it.
        // Slicing is much cheaper than serialising and sorting again.
        match leaf_parts(&self.leaf) {
            Some(parts) => {
                let (head, tail) = (&self.leaf[..parts.sig.start], &self.leaf[parts.sig.end..]);
                let mut out = Vec::with_capacity(SIGNING_CONTEXT.len() + head.len() + tail.len());
                out.extend_from_slice(SIGNING_CONTEXT);
                out.extend_from_slice(head);
                out.extend_from_slice(tail);
                Ok(out)
            }
            None => self.draft.signing_input(),
        }
    }

    /// Checks the Ed25519 signature with `verify_strict`.
    ///
    /// # Errors
    /// [`Error::BadSignature`] naming the entry and signer.
    pub fn check_signature(&self) -> Result<(), Error> {
        if self.signer().verify(&self.signing_input()?, &self.sig) {
            Ok(())
        } else {
            Err(Error::BadSignature {
                seq: self.seq(),
                signer: self.signer().to_string(),
            })
        }
    }

    /// The key under which re-submitting the same content by the same signer
    /// is recognised: SHA-256 over the signer, the kind and the body's
    /// canonical bytes (time, position and signature excluded).
    ///
    /// # Errors
    /// Only if canonicalisation fails.
    pub fn content_key(&self) -> Result<[u8; 32], Error> {
        if let Some(k) = self.content.get() {
            return Ok(*k);
        }
        // As for the signing input: the body's canonical bytes are a slice
        // of the canonical leaf.
        let k = match leaf_parts(&self.leaf) {
            Some(parts) => content_key_of(self.signer(), self.kind(), &self.leaf[parts.body]),
            None => content_key(self.signer(), self.record())?,
        };
        Ok(*self.content.get_or_init(|| k))
    }
}

/// Where the body's value and the `"sig"` member lie in canonical leaf bytes.
struct LeafParts {
    /// The body's value: the first member's, from its `{` to its `}`.
    body: std::ops::Range<usize>,
    /// `,"sig":"…"`, with its leading comma (the body always precedes it).
    sig: std::ops::Range<usize>,
}

/// Finds the body and signature in a canonical leaf. In canonical JSON a
/// `"` inside a string is always escaped, so `,"kind":"` and `,"sig":"`
/// only occur as member names; the last occurrence of each is the
/// top-level one, because every member after them (`kind`, `prev`, `seq`,
/// `sig`, `signer`, `time`, `v`, in JCS order) holds a plain string or
/// number. `None` for bytes without that shape (never for an [`Entry`]'s
/// leaf; callers then fall back to serialising).
fn leaf_parts(leaf: &[u8]) -> Option<LeafParts> {
    const BODY: &[u8] = b"{\"body\":";
    const KIND: &[u8] = b",\"kind\":\"";
    const SIG: &[u8] = b",\"sig\":\"";
    // The last offset where `needle` starts; looking for its first byte
    // before comparing the rest saves a slice comparison at every offset.
    let rfind = |needle: &[u8]| {
        let first = *needle.first()?;
        (0..leaf.len())
            .rev()
            .find(|&i| leaf[i] == first && leaf[i..].starts_with(needle))
    };
    if !leaf.starts_with(BODY) {
        return None;
    }
    let kind = rfind(KIND)?;
    let sig = rfind(SIG)?;
    let value = sig + SIG.len();
    let close = leaf.get(value..)?.iter().position(|&b| b == b'"')?;
    (kind > BODY.len() && sig > kind).then(|| LeafParts {
        body: BODY.len()..kind,
        sig: sig..value + close + 1,
    })
}

fn content_key_of(signer: &VerifierKey, kind: Kind, body: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"isnad-content-v1\n");
    h.update(signer.to_string().as_bytes());
    h.update(b"\n");
    h.update(kind.as_str().as_bytes());
    h.update(b"\n");
    h.update(body);
    h.finalize().into()
}

/// See [`Entry::content_key`].
///
/// # Errors
/// Only if canonicalisation fails.
pub fn content_key(signer: &VerifierKey, record: &Record) -> Result<[u8; 32], Error> {
    let body = to_canonical(&record.body_value()?)?;
    Ok(content_key_of(signer, record.kind(), &body))
}

#[cfg(test)]
mod canonical_equivalence;

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks that the signing input and content key sliced from the leaf
    /// are exactly the ones serialised from the parts.
    fn sliced_matches_serialised(e: &Entry) {
        assert!(leaf_parts(e.leaf_bytes()).is_some());
        assert_eq!(e.signing_input().unwrap(), e.draft.signing_input().unwrap());
        assert_eq!(
            e.content_key().unwrap(),
            content_key(e.signer(), e.record()).unwrap()
        );
    }

    proptest::proptest! {
        // Text that spells the member names the slicing looks for, with
        // quotes, backslashes and braces, in a source's name.
        #[test]
        fn sliced_signing_input_survives_hostile_text(
            a in "[a-z\"\\,:{}\\[\\] \u{600}-\u{6ff}]{0,30}",
            b in "[a-z\"\\,:{} ]{0,30}",
        ) {
            let key = KeyPair::from_seed("ed", &[3; 32]).unwrap();
            let name = format!("{a},\"sig\":\"{b}\",\"kind\":\"claim\"{a}");
            let e = outlet_signed_by(&key, "s1", &crate::canon::nfc(&name));
            sliced_matches_serialised(&e);
            sliced_matches_serialised(&Entry::parse(e.leaf_bytes()).unwrap());
        }
    }

    /// The thread's parser gives what a fresh one gives, call after call
    /// and by two signers in turn (its signer cache is only a cache), and
    /// a parse inside another on the same thread gets a parser of its own
    /// rather than a panic.
    #[test]
    fn the_thread_parser_parses_as_a_fresh_one() {
        let source = |seed: u8, id: &str| {
            let key = KeyPair::from_seed(&format!("k{seed}"), &[seed; 32]).unwrap();
            outlet_signed_by(&key, id, "A source")
        };
        let leaves = [source(1, "s1"), source(2, "s2"), source(1, "s3")];
        for _ in 0..2 {
            for e in &leaves {
                let fresh = Parser::new().parse(e.leaf_bytes()).unwrap();
                let (outer, inner) = Parser::with_thread_parser(|p| {
                    let inner = Parser::with_thread_parser(|q| q.parse(e.leaf_bytes()));
                    (p.parse(e.leaf_bytes()), inner)
                });
                for got in [outer.unwrap(), inner.unwrap()] {
                    assert_eq!(got.hash(), fresh.hash());
                    assert_eq!(got.signer(), fresh.signer());
                }
            }
        }
    }

    /// An outlet `id` named `name`, signed by `key` at position 1.
    fn outlet_signed_by(key: &KeyPair, id: &str, name: &str) -> Entry {
        let record = Record::Source(crate::record::SourceBody {
            id: id.parse().unwrap(),
            name: name.into(),
            kind: crate::record::SourceKind::Outlet,
            url: None,
            language: None,
            affiliations: vec![],
            description: None,
        });
        let t = Timestamp::parse("2025-02-18T08:00:00Z").unwrap();
        Draft::new(Seq(1), EntryHash::ZERO, t, key.verifier().clone(), record)
            .sign(key)
            .unwrap()
    }

    /// `record` signed by a fixed key at position 1.
    fn signed(record: Record) -> Entry {
        let key = KeyPair::from_seed("a", &[7; 32]).unwrap();
        let t = Timestamp::parse("2025-02-18T08:00:00Z").unwrap();
        Draft::new(Seq(1), EntryHash::ZERO, t, key.verifier().clone(), record)
            .sign(&key)
            .unwrap()
    }

    /// The leaf of `e` with its `"v":N` member set to `v`, re-signed, so
    /// that only the version is wrong.
    fn with_version(e: &Entry, v: u32) -> Vec<u8> {
        let key = KeyPair::from_seed("a", &[7; 32]).unwrap();
        let mut value: serde_json::Value = serde_json::from_slice(e.leaf_bytes()).unwrap();
        let obj = value.as_object_mut().unwrap();
        obj.remove("sig");
        obj.insert("v".into(), v.into());
        let mut input = SIGNING_CONTEXT.to_vec();
        input.extend(to_canonical(&value).unwrap());
        let sig = STANDARD.encode(key.sign(&input));
        value["sig"] = sig.into();
        to_canonical(&value).unwrap()
    }

    // Each record has one version: 2 for what version 2 added, 1 for the
    // rest; the other version, or an unknown one, is refused naming `v`.
    #[test]
    fn versions_follow_the_record() {
        let key = KeyPair::from_seed("b", &[8; 32]).unwrap();
        let body = crate::record::KeyBody {
            key: key.verifier().to_string(),
            roles: vec![crate::record::Role::FactChecker],
            holder: None,
            replaces: None,
            org: None,
        };
        let plain = Record::Key(body.clone());
        let with_org = Record::Key(crate::record::KeyBody {
            org: Some("verifica-desk".parse().unwrap()),
            ..body
        });
        let trust = Record::Trust(crate::record::TrustBody {
            checker: "verifica-desk".parse().unwrap(),
            grade: crate::record::Grade::A,
            reason: "Signatory of a fact-checkers' code.".into(),
        });
        let verdict = crate::record::VerdictBody {
            claim: EntryHash::ZERO,
            rating: crate::record::Rating::False,
            confidence: 80,
            rationale: "Full Fact rated it False.".into(),
            evidence: vec!["https://fullfact.example/1".into()],
            supersedes: None,
            review: None,
        };
        let imported = Record::Verdict(crate::record::VerdictBody {
            review: Some(crate::record::ReviewOrigin {
                by: "Full Fact".into(),
                site: Some("https://fullfact.example/".into()),
                url: "https://fullfact.example/1".into(),
                date: Some("2025-10-22".into()),
            }),
            ..verdict.clone()
        });
        let verdict = Record::Verdict(verdict);
        for (record, v) in [
            (plain, 1),
            (with_org, 2),
            (trust, 2),
            (verdict, 1),
            (imported.clone(), 3),
        ] {
            assert_eq!(record.format_version(), v);
            let e = signed(record);
            let text = String::from_utf8(e.leaf_bytes().to_vec()).unwrap();
            assert!(text.ends_with(&format!(",\"v\":{v}}}")), "{text}");
            assert!(Entry::parse(e.leaf_bytes()).is_ok());
            for other in [1, 2, 3, 4, 0] {
                if other == v {
                    assert_eq!(with_version(&e, other), e.leaf_bytes());
                    continue;
                }
                let err = Entry::parse(&with_version(&e, other)).unwrap_err();
                assert_eq!(err.field_name(), Some("v"), "v {other} for {v}: {err}");
                assert_eq!(err.kind(), crate::error::ErrorKind::Input);
                let stored = Parser::new().parse_stored(&with_version(&e, other));
                assert_eq!(stored.unwrap_err().field_name(), Some("v"));
            }
        }
        let e = signed(Record::Trust(crate::record::TrustBody {
            checker: "d".parse().unwrap(),
            grade: crate::record::Grade::F,
            reason: "r".into(),
        }));
        let err = Entry::parse(&with_version(&e, 1)).unwrap_err().to_string();
        assert!(err.contains("format version 2, not 1"), "{err}");
        let e = signed(imported);
        let err = Entry::parse(&with_version(&e, 2)).unwrap_err().to_string();
        assert!(err.contains("format version 3, not 2"), "{err}");
        // The version 3 bytes, exactly as FORMAT.md prints them.
        let text = String::from_utf8(e.leaf_bytes().to_vec()).unwrap();
        assert!(
            text.contains(
                r#""review":{"by":"Full Fact","date":"2025-10-22","site":"https://fullfact.example/","url":"https://fullfact.example/1"},"supersedes""#
            ) || text.contains(
                r#""review":{"by":"Full Fact","date":"2025-10-22","site":"https://fullfact.example/","url":"https://fullfact.example/1"}}"#
            ),
            "{text}"
        );
    }

    // Sequence numbers above 2^53 - 1 cannot cross JSON exactly: refused.
    #[test]
    fn sequence_numbers_stay_exact_in_json() {
        let key = KeyPair::from_seed("a", &[7; 32]).unwrap();
        let record = Record::Key(crate::record::KeyBody {
            key: key.verifier().to_string(),
            roles: vec![crate::record::Role::Admin],
            holder: None,
            replaces: None,
            org: None,
        });
        let t = Timestamp::parse("2025-02-18T08:00:00Z").unwrap();
        for (seq, ok) in [(MAX_SEQ, true), (MAX_SEQ + 1, false)] {
            let e = Draft::new(
                Seq(seq),
                EntryHash::ZERO,
                t,
                key.verifier().clone(),
                record.clone(),
            )
            .sign(&key)
            .unwrap();
            assert_eq!(Entry::parse(e.leaf_bytes()).is_ok(), ok, "{seq}");
        }
    }
}
