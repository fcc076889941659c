//! ClaimReview in, a piece at a time: a dump of a million reviews is read
//! one top-level element at a time, so that memory holds one element's
//! reviews, not the file.
//!
//! [`each`] reads JSON from a reader:
//! - a top-level array: element by element (`$[0]`, `$[1]` …);
//! - one document after another (JSON Lines, or concatenated JSON):
//!   document by document (`document 1: $` …);
//! - anything else (one object, an HTML page): whole, as [`read::read`]
//!   does, which is right for a page or a Fact Check Tools response.
//!
//! Each element is read as [`read::read_document`] reads a document:
//! `@id` references resolve within it. A dump whose reviews point at
//! nodes in other elements belongs in one `@graph` object, which is read
//! whole.

use std::cell::RefCell;
use std::fmt;
use std::io::{BufRead, Read};

use serde::de::{DeserializeSeed, Deserializer as _, SeqAccess, Visitor};
use serde_json::Value;

use crate::error::Error;
use crate::interop::read::{self, ReadOptions, Reading};

/// The largest input `import claimreview` reads unless told otherwise
/// (4 GiB): a dump of a million reviews is well under a gigabyte, and a
/// file larger than this is more likely a mistake than a dump.
pub const MAX_INPUT: u64 = 4 << 30;

/// Calls `f` with the reviews and problems of each piece of `input`, in
/// order.
///
/// # Errors
/// [`Error::Json`] when the input is not JSON (nor an HTML page), or breaks
/// off; I/O errors; and the first error `f` returns, which stops the read.
pub fn each(
    input: &mut dyn BufRead,
    options: &ReadOptions,
    f: &mut dyn FnMut(Reading) -> Result<(), Error>,
) -> Result<(), Error> {
    let first = first_byte(input)?;
    match first {
        None => Err(Error::Json {
            what: "ClaimReview input",
            reason: "the file is empty".into(),
        }),
        Some(b'[') => array(input, options, f),
        Some(b'{') => documents(input, options, f),
        Some(_) => {
            // A page (or not JSON at all): read whole.
            let mut text = String::new();
            input.read_to_string(&mut text).map_err(|e| Error::Json {
                what: "ClaimReview input",
                reason: format!("not UTF-8 text: {e}"),
            })?;
            f(read::read(&text, options)?)
        }
    }
}

/// Skips a byte-order mark and white space; the next byte, left unread.
fn first_byte(input: &mut dyn BufRead) -> Result<Option<u8>, Error> {
    let io = |e: std::io::Error| Error::Json {
        what: "ClaimReview input",
        reason: e.to_string(),
    };
    loop {
        let buf = input.fill_buf().map_err(io)?;
        let Some(&b) = buf.first() else {
            return Ok(None);
        };
        if buf.starts_with("\u{feff}".as_bytes()) {
            input.consume(3);
        } else if b.is_ascii_whitespace() {
            input.consume(1);
        } else {
            return Ok(Some(b));
        }
    }
}

fn json_error(e: &serde_json::Error) -> Error {
    Error::Json {
        what: "ClaimReview input",
        reason: e
            .to_string()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// One document after another.
fn documents(
    input: &mut dyn BufRead,
    options: &ReadOptions,
    f: &mut dyn FnMut(Reading) -> Result<(), Error>,
) -> Result<(), Error> {
    let mut docs = serde_json::Deserializer::from_reader(input).into_iter::<Value>();
    let Some(first) = docs.next() else {
        return Ok(());
    };
    let first = first.map_err(|e| json_error(&e))?;
    let mut pending = Some(first);
    let mut n = 0usize;
    while let Some(doc) = pending.take() {
        n += 1;
        let next = docs.next().transpose().map_err(|e| json_error(&e))?;
        // A single document keeps its plain positions (`$.claims[0]`).
        let prefix = if n == 1 && next.is_none() {
            String::new()
        } else {
            format!("document {n}: ")
        };
        let mut reading = Reading::default();
        read::read_document(&prefix, &doc, options, &mut reading);
        drop(doc);
        f(reading)?;
        pending = next;
    }
    Ok(())
}

/// A top-level array, element by element.
fn array(
    input: &mut dyn BufRead,
    options: &ReadOptions,
    f: &mut dyn FnMut(Reading) -> Result<(), Error>,
) -> Result<(), Error> {
    let stopped: RefCell<Option<Error>> = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_reader(input);
    let seed = Elements {
        options,
        f: RefCell::new(f),
        stopped: &stopped,
    };
    let result = (&mut de).deserialize_seq(seed).and_then(|()| de.end());
    if let Some(e) = stopped.into_inner() {
        return Err(e);
    }
    result.map_err(|e| json_error(&e))
}

/// Reads a top-level array's elements as they come.
struct Elements<'a, 'f> {
    options: &'a ReadOptions,
    f: RefCell<&'a mut (dyn FnMut(Reading) -> Result<(), Error> + 'f)>,
    /// The error `f` returned, which serde can only carry as text.
    stopped: &'a RefCell<Option<Error>>,
}

impl<'de> Visitor<'de> for Elements<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of ClaimReview markup")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0usize;
        while let Some(element) = seq.next_element::<Value>()? {
            let mut reading = Reading::default();
            read::read_element(&format!("$[{i}]"), &element, self.options, &mut reading);
            drop(element);
            if let Err(e) = (self.f.borrow_mut())(reading) {
                *self.stopped.borrow_mut() = Some(e);
                return Err(serde::de::Error::custom("stopped"));
            }
            i += 1;
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for Elements<'_, '_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

/// A reader that counts what passes through it, for a cap on input read
/// piece by piece.
pub struct Capped<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Capped<R> {
    /// `inner`, of which at most `cap` bytes may be read; more is an error.
    pub fn new(inner: R, cap: u64) -> Self {
        Capped { inner, left: cap }
    }
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.left = self.left.checked_sub(n as u64).ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "the input is over the size cap",
            )
        })?;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(input: &str) -> Result<Vec<Reading>, Error> {
        let mut out = Vec::new();
        each(&mut input.as_bytes(), &ReadOptions::default(), &mut |r| {
            out.push(r);
            Ok(())
        })?;
        Ok(out)
    }

    const REVIEW: &str = r#"{"@type":"ClaimReview","url":"https://f.example/1","claimReviewed":"A","datePublished":"2025-01-02","reviewRating":{"alternateName":"False"}}"#;

    #[test]
    fn arrays_come_element_by_element() {
        let input = format!("\u{feff} [{REVIEW}, {REVIEW}, 3]");
        let pieces = collect(&input).unwrap();
        assert_eq!(pieces.len(), 3);
        assert_eq!(pieces[1].reviews[0].at, "$[1]");
        assert_eq!(pieces[2].problems[0].at, "$[2]");
    }

    #[test]
    fn documents_come_one_by_one() {
        let pieces = collect(&format!("{REVIEW}\n{REVIEW}\n")).unwrap();
        assert_eq!(pieces.len(), 2);
        assert_eq!(pieces[1].reviews[0].at, "document 2: $");
        let one = collect(REVIEW).unwrap();
        assert_eq!(one[0].reviews[0].at, "$");
    }

    #[test]
    fn a_broken_array_is_an_error_and_an_error_of_f_stops_it() {
        assert!(collect(&format!("[{REVIEW}, {{")).is_err());
        let mut seen = 0;
        let r = each(
            &mut format!("[{REVIEW}, {REVIEW}]").as_bytes(),
            &ReadOptions::default(),
            &mut |_| {
                seen += 1;
                Err(Error::field("test", "stop"))
            },
        );
        assert!(matches!(r, Err(Error::Field { .. })), "{r:?}");
        assert_eq!(seen, 1);
    }

    #[test]
    fn the_cap_holds() {
        let mut r = Capped::new("0123456789".as_bytes(), 4);
        let mut s = String::new();
        assert!(r.read_to_string(&mut s).is_err());
    }
}
