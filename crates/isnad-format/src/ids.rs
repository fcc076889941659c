//! Newtypes for the identifiers that entries carry: hashes, sequence numbers,
//! source and organisation slugs.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};

use crate::error::Error;

/// An entry's leaf hash, SHA-256(0x00 ‖ leaf bytes) as in RFC 6962. Its
/// lowercase hex form is the entry's id.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EntryHash([u8; 32]);

impl EntryHash {
    /// The `prev` of the first entry: 32 zero bytes.
    pub const ZERO: EntryHash = EntryHash([0; 32]);

    /// Wraps raw hash bytes.
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        EntryHash(bytes)
    }

    /// The leaf hash of `leaf` bytes: SHA-256(0x00 ‖ leaf).
    pub fn of_leaf(leaf: &[u8]) -> Self {
        let mut h = Sha256::new();
        h.update([0u8]);
        h.update(leaf);
        EntryHash(h.finalize().into())
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Lowercase hex, 64 characters: the entry id.
    pub fn to_hex(&self) -> String {
        // Into a buffer rather than through `hex::encode`'s char iterator:
        // ids are written for every reference each time an entry's
        // canonical form is rebuilt (verify, import).
        let mut digits = [0u8; 64];
        // 32 bytes always fit 64 hex digits.
        let _ = hex::encode_to_slice(self.0, &mut digits);
        digits.iter().copied().map(char::from).collect()
    }

    /// The first 12 hex digits, for display.
    pub fn short(&self) -> String {
        let mut s = self.to_hex();
        s.truncate(12);
        s
    }
}

impl fmt::Display for EntryHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for EntryHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EntryHash({})", self.to_hex())
    }
}

impl FromStr for EntryHash {
    type Err = Error;
    /// Parses exactly 64 lowercase hex digits (the canonical id form).
    fn from_str(s: &str) -> Result<Self, Error> {
        // `hex` also reads upper case, which is not an id's form.
        if s.len() != 64 || !s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return Err(Error::field(
                "id",
                format!("`{s}` is not 64 lowercase hex digits"),
            ));
        }
        let mut out = [0u8; 32];
        hex::decode_to_slice(s, &mut out).map_err(|e| Error::field("id", e.to_string()))?;
        Ok(EntryHash(out))
    }
}

impl Serialize for EntryHash {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for EntryHash {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // A visitor rather than `String::deserialize`: the text is parsed
        // where it lies, with no copy, for every reference of every entry.
        struct Hex;
        impl serde::de::Visitor<'_> for Hex {
            type Value = EntryHash;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("64 lowercase hex digits")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<EntryHash, E> {
                s.parse().map_err(E::custom)
            }
        }
        d.deserialize_str(Hex)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for EntryHash {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "EntryId".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[0-9a-f]{64}$",
            "description": "An entry id: the entry's RFC 6962 leaf hash in lowercase hex."
        })
    }
}

/// An entry's position in the ledger, from 0 (the genesis entry).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct Seq(pub u64);

impl Seq {
    /// Big-endian bytes, the sled key order.
    pub fn to_be_bytes(self) -> [u8; 8] {
        self.0.to_be_bytes()
    }

    /// The next position.
    pub fn next(self) -> Seq {
        Seq(self.0 + 1)
    }
}

impl fmt::Display for Seq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// Longest slug accepted, for sources and organisations alike.
const MAX_SLUG_LEN: usize = 64;

/// Checks the slug syntax shared by [`SourceId`] and [`OrgId`]: 1–64
/// characters `a-z`, `0-9` and `-`, not starting with `-`. `what` names
/// the kind of slug in the error (`a source slug`).
fn check_slug(s: &str, field: &str, what: &str) -> Result<(), Error> {
    let ok_chars = s
        .bytes()
        .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'-'));
    if s.is_empty() || s.len() > MAX_SLUG_LEN || !ok_chars || s.starts_with('-') {
        return Err(Error::field(
            field,
            format!("`{s}` is not {what} (1-64 of a-z, 0-9, '-', not starting with '-')"),
        ));
    }
    Ok(())
}

/// A source's stable id: a slug of 1–64 characters `a-z`, `0-9` and `-`,
/// starting with a letter or digit (e.g. `agenzia-nova`).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize)]
#[serde(transparent)]
pub struct SourceId(String);

impl SourceId {
    /// Longest slug accepted.
    pub const MAX_LEN: usize = MAX_SLUG_LEN;

    /// Parses a slug.
    ///
    /// # Errors
    /// [`Error::Field`] naming `field` when the slug is malformed.
    pub fn parse(s: &str, field: &str) -> Result<Self, Error> {
        check_slug(s, field, "a source slug").map(|()| SourceId(s.to_owned()))
    }

    /// The slug.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `pad` honours width and alignment in tables.
        f.pad(&self.0)
    }
}

impl FromStr for SourceId {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        SourceId::parse(s, "source")
    }
}

impl<'de> Deserialize<'de> for SourceId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        SourceId::parse(&s, "source").map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for SourceId {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "SourceId".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[a-z0-9][a-z0-9-]{0,63}$",
            "description": "A source's stable slug id."
        })
    }
}

/// An organisation's stable id (a fact-checking desk or newsroom that
/// holds keys): a slug with exactly the syntax of a [`SourceId`], e.g.
/// `verifica-desk`. The two are separate name spaces: an organisation is
/// named by the `org` of the keys it holds, a source by its `source` entry.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize)]
#[serde(transparent)]
pub struct OrgId(String);

impl OrgId {
    /// Longest slug accepted.
    pub const MAX_LEN: usize = MAX_SLUG_LEN;

    /// Parses a slug.
    ///
    /// # Errors
    /// [`Error::Field`] naming `field` when the slug is malformed.
    pub fn parse(s: &str, field: &str) -> Result<Self, Error> {
        check_slug(s, field, "an organisation slug").map(|()| OrgId(s.to_owned()))
    }

    /// The slug.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OrgId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `pad` honours width and alignment in tables.
        f.pad(&self.0)
    }
}

impl FromStr for OrgId {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        OrgId::parse(s, "org")
    }
}

impl<'de> Deserialize<'de> for OrgId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        OrgId::parse(&s, "org").map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for OrgId {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "OrgId".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[a-z0-9][a-z0-9-]{0,63}$",
            "description": "An organisation's stable slug id (a fact-checking desk or newsroom)."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slug_rules() {
        assert!(SourceId::parse("agenzia-nova", "s").is_ok());
        assert!(SourceId::parse("9news", "s").is_ok());
        for bad in ["", "-x", "Nova", "a b", "a_b", &"a".repeat(65)] {
            assert!(SourceId::parse(bad, "s").is_err(), "{bad}");
        }
    }

    // Organisations share the source slug's syntax, not its name space or
    // its messages.
    #[test]
    fn org_slugs_have_the_source_rules() {
        for good in ["verifica-desk", "9news", "a", &"a".repeat(64)] {
            assert_eq!(good.parse::<OrgId>().unwrap().as_str(), good);
            assert!(SourceId::parse(good, "s").is_ok());
        }
        for bad in ["", "-x", "Desk", "a b", "a_b", &"a".repeat(65)] {
            let e = OrgId::parse(bad, "body.org").unwrap_err();
            assert_eq!(e.field_name(), Some("body.org"), "{bad}");
            assert!(e.to_string().contains("organisation slug"), "{e}");
        }
        let back: OrgId = serde_json::from_str("\"desk-a\"").unwrap();
        assert_eq!(serde_json::to_string(&back).unwrap(), "\"desk-a\"");
        assert!(serde_json::from_str::<OrgId>("\"Desk A\"").is_err());
        assert_eq!(format!("[{:<8}]", back), "[desk-a  ]");
    }

    #[test]
    fn entry_hash_hex_round_trip() {
        let h = EntryHash::of_leaf(b"x");
        assert_eq!(h.to_hex().parse::<EntryHash>().unwrap(), h);
        assert!("ABC".parse::<EntryHash>().is_err());
        assert!(h.to_hex().to_uppercase().parse::<EntryHash>().is_err());
    }

    proptest::proptest! {
        /// Ids round-trip through their hex, as text and as JSON strings,
        /// in the `hex` crate's lower case, and a single wrong character
        /// anywhere (an upper-case digit included) is refused.
        #[test]
        fn entry_hash_hex_agrees_with_the_hex_crate(
            raw in proptest::array::uniform32(proptest::prelude::any::<u8>()),
            at in 0usize..64,
            bad in proptest::sample::select(vec!['g', 'A', 'F', ' ', 'z', '-', 'é']),
        ) {
            let h = EntryHash::from_bytes(raw);
            proptest::prop_assert_eq!(h.to_hex(), hex::encode(raw));
            proptest::prop_assert_eq!(h.to_hex().parse::<EntryHash>().unwrap(), h);
            let json = format!("\"{}\"", h.to_hex());
            proptest::prop_assert_eq!(serde_json::from_str::<EntryHash>(&json).unwrap(), h);
            let mut wrong: Vec<char> = h.to_hex().chars().collect();
            wrong[at] = bad;
            let wrong: String = wrong.into_iter().collect();
            proptest::prop_assert!(wrong.parse::<EntryHash>().is_err());
            let quoted = format!("\"{wrong}\"");
            proptest::prop_assert!(serde_json::from_str::<EntryHash>(&quoted).is_err());
        }
    }
}
