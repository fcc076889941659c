//! Export files: one entry per line, each line exactly the entry's leaf
//! bytes. Verifying one needs no database: this module never touches sled.

use std::io::BufRead;

use crate::entry::Parser;
use crate::error::Error;
use crate::limits::MAX_ENTRY_BYTES;
use crate::rules::{self, MemoryView, Position};
use crate::store::VerifyReport;

/// Verifies an export with no database: every line parsed, canonical, in
/// sequence, linked, signed by an enrolled key allowed to write it, and its
/// references resolved to earlier lines.
///
/// # Errors
/// The first bad line and what is wrong with it.
pub fn verify_jsonl(
    input: &mut dyn BufRead,
    progress: &mut dyn FnMut(u64),
) -> Result<VerifyReport, Error> {
    let mut view = MemoryView::new();
    let mut at = Position::GENESIS;
    let mut n = 0u64;
    let mut lines = Lines::new(input);
    let mut parser = Parser::new();
    while let Some(line) = lines.next_line()? {
        n += 1;
        let wrap = |e: Error| Error::Line {
            line: n,
            error: Box::new(e),
        };
        let entry = parser.parse(line).map_err(wrap)?;
        let v = rules::check(entry, at, &view).map_err(wrap)?;
        view.add(&v);
        at = Position::after(&v);
        if n % 1024 == 0 {
            progress(n);
        }
    }
    progress(n);
    Ok(VerifyReport {
        checkpoints: 0,
        entries: n,
        head: (n > 0).then_some(at.prev),
    })
}

/// Reads `\n`-terminated lines with a bound on their length, so a hostile
/// file cannot make us allocate more than the largest entry allows.
pub(crate) struct Lines<'a> {
    input: &'a mut dyn BufRead,
    buf: Vec<u8>,
    line: u64,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(input: &'a mut dyn BufRead) -> Self {
        Lines {
            input,
            buf: Vec::new(),
            line: 0,
        }
    }

    pub(crate) fn next_line(&mut self) -> Result<Option<&[u8]>, Error> {
        use std::io::Read as _;
        self.buf.clear();
        self.line += 1;
        let limit = MAX_ENTRY_BYTES as u64 + 2;
        let n = (&mut self.input)
            .take(limit)
            .read_until(b'\n', &mut self.buf)
            .map_err(|error| Error::Io {
                path: "input".to_owned(),
                error,
            })?;
        if n == 0 {
            return Ok(None);
        }
        if self.buf.last() != Some(&b'\n') {
            if n as u64 >= limit {
                return Err(Error::Line {
                    line: self.line,
                    error: Box::new(Error::field(
                        "entry",
                        format!("line is longer than the {MAX_ENTRY_BYTES}-byte limit"),
                    )),
                });
            }
            return Err(Error::Line {
                line: self.line,
                error: Box::new(Error::field("entry", "the last line has no newline")),
            });
        }
        self.buf.pop();
        Ok(Some(&self.buf))
    }
}
