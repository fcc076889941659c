//! RFC 8785 bytes written straight from serde types, without a
//! `serde_json::Value` tree in between.
//!
//! The generic path ([`super::to_canonical`]) turns a record into a value
//! tree and then buffers and sorts every object's members in allocated
//! vectors: most of a strict entry parse's cost. This writer covers only what
//! entries are made of — structs, sequences, strings, booleans, integers up
//! to 2^53 - 1 and unit enum variants — and refuses everything else (floats,
//! maps, byte strings, data-carrying variants) rather than guess at it.
//! Within that set its output is byte for byte what [`super::to_canonical`]
//! writes; the entry tests compare the two.

use std::cmp::Ordering;
use std::fmt::{self, Write as _};

use serde::Serialize;
use serde::ser::{self, Impossible};

/// The largest integer written: above 2^53 - 1 an RFC 8785 number (an IEEE
/// double printed as ECMAScript does) is no longer the integer's digits.
const MAX_EXACT: u64 = (1 << 53) - 1;

/// Why a value was not written: it holds something entries never contain.
#[derive(Debug)]
pub(crate) struct Unsupported(String);

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Unsupported {}

impl ser::Error for Unsupported {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Unsupported(msg.to_string())
    }
}

fn unsupported<T>(what: &str) -> Result<T, Unsupported> {
    Err(Unsupported(format!(
        "{what} is not written by the canonical entry writer"
    )))
}

/// Writes canonical bytes, keeping its buffers from one value to the next
/// so that a parser checking many entries allocates almost nothing.
#[derive(Debug, Default)]
pub(crate) struct CanonicalWriter {
    out: Vec<u8>,
    /// The members of the objects being written, innermost object's last:
    /// each name with the range of its `"name":value` in `out`. Members are
    /// written in declaration order and put in RFC 8785 order when their
    /// object ends.
    members: Vec<(&'static str, usize, usize)>,
    /// An object's members while they are put in order.
    scratch: Vec<u8>,
    /// Text formatted by `collect_str` before it is escaped.
    text: String,
}

impl CanonicalWriter {
    /// The RFC 8785 bytes of `value`.
    ///
    /// # Errors
    /// [`Unsupported`] if `value` holds anything outside what the writer
    /// covers (see the module documentation).
    pub(crate) fn write<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<&[u8], Unsupported> {
        self.out.clear();
        self.members.clear();
        value.serialize(&mut *self)?;
        Ok(&self.out)
    }
}

/// RFC 8785 member order: by the names' UTF-16 code units.
fn utf16_order(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// Whether any of the eight bytes of `w` is a C0 control, `"` or `\`: the
/// bytes a JSON string escapes. (The bit tricks are exact for "any byte
/// below n" with n up to 128, and for "any zero byte".)
fn any_to_escape(w: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let below = |x: u64, n: u64| x.wrapping_sub(ONES * n) & !x & HIGH != 0;
    below(w, 0x20)
        || below(w ^ (ONES * u64::from(b'"')), 1)
        || below(w ^ (ONES * u64::from(b'\\')), 1)
}

/// Writes `s` as a JSON string with RFC 8785's escaping (section 3.2.2.2):
/// `"` and `\` escaped, the C0 controls as their short forms where JSON has
/// one and `\u00xx` (lowercase hex) otherwise, and every other character,
/// `/` and non-ASCII included, as itself.
fn write_string(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = s.as_bytes();
    out.push(b'"');
    let mut plain = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Most text escapes nothing: skip it eight bytes at a time.
        if let Some(Ok(word)) = bytes.get(i..i + 8).map(<[u8; 8]>::try_from) {
            if !any_to_escape(u64::from_le_bytes(word)) {
                i += 8;
                continue;
            }
        }
        let b = bytes[i];
        i += 1;
        let short: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            0x08 => b"\\b",
            0x09 => b"\\t",
            0x0a => b"\\n",
            0x0c => b"\\f",
            0x0d => b"\\r",
            0x00..=0x1f => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[plain..i - 1]);
        if short.is_empty() {
            let hex = [
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 0xf)],
            ];
            out.extend_from_slice(&hex);
        } else {
            out.extend_from_slice(short);
        }
        plain = i;
    }
    out.extend_from_slice(&bytes[plain..]);
    out.push(b'"');
}

/// Writes an integer of at most [`MAX_EXACT`] in magnitude as its decimal
/// digits, which is how RFC 8785 prints such a number.
fn write_integer(out: &mut Vec<u8>, negative: bool, magnitude: u64) -> Result<(), Unsupported> {
    if magnitude > MAX_EXACT {
        return unsupported("an integer above 2^53 - 1");
    }
    if negative && magnitude != 0 {
        out.push(b'-');
    }
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut n = magnitude;
    loop {
        at -= 1;
        // `n % 10` is a single digit, so the cast keeps it whole.
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
    Ok(())
}

/// An array being written.
pub(crate) struct Array<'a> {
    w: &'a mut CanonicalWriter,
    first: bool,
}

impl Array<'_> {
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unsupported> {
        if !self.first {
            self.w.out.push(b',');
        }
        self.first = false;
        value.serialize(&mut *self.w)
    }

    fn close(self) -> Result<(), Unsupported> {
        self.w.out.push(b']');
        Ok(())
    }
}

impl ser::SerializeSeq for Array<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unsupported> {
        self.element(value)
    }
    fn end(self) -> Result<(), Unsupported> {
        self.close()
    }
}

impl ser::SerializeTuple for Array<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unsupported> {
        self.element(value)
    }
    fn end(self) -> Result<(), Unsupported> {
        self.close()
    }
}

impl ser::SerializeTupleStruct for Array<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unsupported> {
        self.element(value)
    }
    fn end(self) -> Result<(), Unsupported> {
        self.close()
    }
}

/// An object being written: its members go to the writer's buffer as they
/// come and are put in order at the end.
pub(crate) struct Object<'a> {
    w: &'a mut CanonicalWriter,
    /// Where this object's members start in the writer's member list.
    base: usize,
    /// Where this object's first member starts in the output.
    start: usize,
}

impl ser::SerializeStruct for Object<'_> {
    type Ok = ();
    type Error = Unsupported;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Unsupported> {
        let at = self.w.out.len();
        write_string(&mut self.w.out, key);
        self.w.out.push(b':');
        value.serialize(&mut *self.w)?;
        // Any object inside `value` has ended and taken its own members
        // off the list, so this member lands right after its siblings.
        let end = self.w.out.len();
        self.w.members.push((key, at, end));
        Ok(())
    }

    fn end(self) -> Result<(), Unsupported> {
        let w = self.w;
        let members = &mut w.members[self.base..];
        members.sort_unstable_by(|a, b| utf16_order(a.0, b.0));
        if members.windows(2).any(|p| p[0].0 == p[1].0) {
            return unsupported("an object with a repeated member name");
        }
        w.scratch.clear();
        w.scratch.extend_from_slice(&w.out[self.start..]);
        w.out.truncate(self.start);
        for (i, &(_, from, to)) in members.iter().enumerate() {
            if i > 0 {
                w.out.push(b',');
            }
            w.out
                .extend_from_slice(&w.scratch[from - self.start..to - self.start]);
        }
        w.out.push(b'}');
        w.members.truncate(self.base);
        Ok(())
    }
}

impl<'a> ser::Serializer for &'a mut CanonicalWriter {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = Array<'a>;
    type SerializeTuple = Array<'a>;
    type SerializeTupleStruct = Array<'a>;
    type SerializeTupleVariant = Impossible<(), Unsupported>;
    type SerializeMap = Impossible<(), Unsupported>;
    type SerializeStruct = Object<'a>;
    type SerializeStructVariant = Impossible<(), Unsupported>;

    fn serialize_bool(self, v: bool) -> Result<(), Unsupported> {
        self.out
            .extend_from_slice(if v { b"true" } else { b"false" });
        Ok(())
    }

    fn serialize_i8(self, v: i8) -> Result<(), Unsupported> {
        self.serialize_i64(i64::from(v))
    }

    fn serialize_i16(self, v: i16) -> Result<(), Unsupported> {
        self.serialize_i64(i64::from(v))
    }

    fn serialize_i32(self, v: i32) -> Result<(), Unsupported> {
        self.serialize_i64(i64::from(v))
    }

    fn serialize_i64(self, v: i64) -> Result<(), Unsupported> {
        write_integer(&mut self.out, v < 0, v.unsigned_abs())
    }

    fn serialize_u8(self, v: u8) -> Result<(), Unsupported> {
        self.serialize_u64(u64::from(v))
    }

    fn serialize_u16(self, v: u16) -> Result<(), Unsupported> {
        self.serialize_u64(u64::from(v))
    }

    fn serialize_u32(self, v: u32) -> Result<(), Unsupported> {
        self.serialize_u64(u64::from(v))
    }

    fn serialize_u64(self, v: u64) -> Result<(), Unsupported> {
        write_integer(&mut self.out, false, v)
    }

    fn serialize_f32(self, _: f32) -> Result<(), Unsupported> {
        unsupported("a float")
    }

    fn serialize_f64(self, _: f64) -> Result<(), Unsupported> {
        unsupported("a float")
    }

    fn serialize_char(self, v: char) -> Result<(), Unsupported> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }

    fn serialize_str(self, v: &str) -> Result<(), Unsupported> {
        write_string(&mut self.out, v);
        Ok(())
    }

    fn collect_str<T: fmt::Display + ?Sized>(self, value: &T) -> Result<(), Unsupported> {
        // Formatted into a kept buffer rather than a fresh `String`.
        let mut text = std::mem::take(&mut self.text);
        text.clear();
        let written = write!(text, "{value}");
        write_string(&mut self.out, &text);
        self.text = text;
        written.map_err(|_| Unsupported("a value whose Display failed".into()))
    }

    fn serialize_bytes(self, _: &[u8]) -> Result<(), Unsupported> {
        unsupported("a byte string")
    }

    fn serialize_none(self) -> Result<(), Unsupported> {
        self.serialize_unit()
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Unsupported> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), Unsupported> {
        self.out.extend_from_slice(b"null");
        Ok(())
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Unsupported> {
        self.serialize_unit()
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Unsupported> {
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Unsupported> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Unsupported> {
        unsupported("an externally tagged enum variant with data")
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Array<'a>, Unsupported> {
        self.out.push(b'[');
        Ok(Array {
            w: self,
            first: true,
        })
    }

    fn serialize_tuple(self, len: usize) -> Result<Array<'a>, Unsupported> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Array<'a>, Unsupported> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Unsupported> {
        unsupported("an externally tagged enum variant with data")
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Unsupported> {
        unsupported("a map")
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Object<'a>, Unsupported> {
        self.out.push(b'{');
        Ok(Object {
            base: self.members.len(),
            start: self.out.len(),
            w: self,
        })
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Unsupported> {
        unsupported("an externally tagged enum variant with data")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::canon::to_canonical;

    #[derive(Serialize)]
    struct Inner {
        zeta: u8,
        alpha: Vec<&'static str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        gone: Option<u8>,
    }

    #[derive(Serialize)]
    #[serde(rename_all = "kebab-case")]
    enum Colour {
        DarkRed,
    }

    #[derive(Serialize)]
    #[serde(tag = "type", rename_all = "kebab-case")]
    enum Tagged {
        Plain,
        WithData { b: u64, a: Inner },
    }

    #[derive(Serialize)]
    struct Outer {
        text: String,
        #[serde(rename = "\u{20ac}")]
        euro: u32,
        #[serde(rename = "\u{1f600}")]
        emoji: u32,
        #[serde(rename = "\u{fb33}")]
        hebrew: u32,
        inner: Inner,
        colour: Colour,
        tags: Vec<Tagged>,
        flag: bool,
        none: Option<u8>,
        negative: i64,
        pair: (u8, &'static str),
    }

    // Mixed nesting, escapes, names whose UTF-16 and UTF-8 orders differ,
    // tagged enums and the integer edges: the same bytes as the generic path.
    #[test]
    fn agrees_with_the_generic_path() {
        let text: String = (0u8..0x20)
            .map(char::from)
            .chain("\"\\/\u{7f}\u{2028}é\u{1f600}e\u{301}".chars())
            .collect();
        let value = Outer {
            text,
            euro: 1,
            emoji: 2,
            hebrew: 3,
            inner: Inner {
                zeta: 255,
                alpha: vec!["b", "a"],
                gone: None,
            },
            colour: Colour::DarkRed,
            tags: vec![
                Tagged::Plain,
                Tagged::WithData {
                    b: MAX_EXACT,
                    a: Inner {
                        zeta: 0,
                        alpha: vec![],
                        gone: Some(1),
                    },
                },
            ],
            flag: true,
            none: None,
            negative: -(1 << 40),
            pair: (7, "x"),
        };
        let mut w = CanonicalWriter::default();
        let direct = w.write(&value).unwrap().to_vec();
        assert_eq!(direct, to_canonical(&value).unwrap());
        // The buffers kept from the first value leave no trace in the next.
        assert_eq!(w.write(&value).unwrap(), direct);
        assert_eq!(w.write(&0u8).unwrap(), b"0");
    }

    // Every byte that is escaped, and a few that are not, at every offset
    // of a text longer than two words: as serde_json escapes it (which the
    // generic path uses).
    #[test]
    fn strings_escape_as_serde_json_does() {
        let specials = (0u8..0x20)
            .map(char::from)
            .chain("\"\\/\u{7f}\u{80}\u{e9}\u{2028}\u{1f600}".chars());
        for c in specials {
            for at in 0..20 {
                let mut text: String = "abcdefghijklmnopqrs".into();
                text.insert(at, c);
                let mut out = Vec::new();
                write_string(&mut out, &text);
                assert_eq!(out, serde_json::to_vec(&text).unwrap(), "{c:?} at {at}");
            }
        }
    }

    #[test]
    fn refuses_what_entries_never_hold() {
        let mut w = CanonicalWriter::default();
        assert!(w.write(&1.5f64).is_err());
        assert!(w.write(&(MAX_EXACT + 1)).is_err());
        assert!(w.write(&i64::MIN).is_err());
        let map: std::collections::BTreeMap<String, u8> = [("a".into(), 1)].into();
        assert!(w.write(&map).is_err());
        assert!(
            w.write(&std::collections::HashMap::<String, u8>::new())
                .is_err()
        );
    }
}
