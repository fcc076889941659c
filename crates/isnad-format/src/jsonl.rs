//! Export files: one entry per line, each line exactly the entry's leaf
//! bytes. Verifying one needs no database: this module never touches sled.

use std::io::BufRead;

use crate::error::Error;
use crate::limits::MAX_ENTRY_BYTES;
use crate::rules::{self, MemoryView, Position, VerifiedEntry};
use crate::signatures;

/// What a verification found: how many entries, the last one, and how many
/// signed checkpoints were checked with them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VerifyReport {
    /// Entries checked.
    pub entries: u64,
    /// Leaf hash of the last entry, if any.
    pub head: Option<crate::ids::EntryHash>,
    /// Signed checkpoints whose signature and root were checked.
    pub checkpoints: u64,
}

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
    let (n, at) = check_lines(input, progress, &mut |_| Ok(true))?;
    Ok(VerifyReport {
        checkpoints: 0,
        entries: n,
        head: (n > 0).then_some(at.prev),
    })
}

/// Checks an export line by line as [`verify_jsonl`] describes, handing each
/// verified entry to `each` in order until it returns `false`. Lines are
/// parsed and their signatures checked strictly in parallel, a chunk at a
/// time; errors are still reported for the first bad line. Returns the
/// number of entries handed over and the position after the last.
pub fn check_lines(
    input: &mut dyn BufRead,
    progress: &mut dyn FnMut(u64),
    each: &mut dyn FnMut(&VerifiedEntry) -> Result<bool, Error>,
) -> Result<(u64, Position), Error> {
    let mut view = MemoryView::new();
    let mut at = Position::GENESIS;
    let mut n = 0u64;
    let mut lines = Lines::new(input);
    let mut chunk = signatures::Chunks::new();
    let mut batch: Vec<Vec<u8>> = Vec::new();
    loop {
        batch.clear();
        let size = chunk.next_size();
        while batch.len() < size {
            match lines.next_line()? {
                Some(line) => batch.push(line.to_vec()),
                None => break,
            }
        }
        if batch.is_empty() {
            break;
        }
        let refs: Vec<&[u8]> = batch.iter().map(Vec::as_slice).collect();
        let go_on = signatures::check_run(&refs, n + 1, &mut |entry, sig| {
            let v = rules::check_with(entry, at, &view, Some(sig))?;
            if !each(&v)? {
                return Ok(false);
            }
            view.add(&v);
            at = Position::after(&v);
            n += 1;
            Ok(true)
        })?;
        if !go_on {
            return Ok((n, at));
        }
        progress(n);
    }
    progress(n);
    Ok((n, at))
}

/// Reads `\n`-terminated lines with a bound on their length, so a hostile
/// file cannot make us allocate more than the largest entry allows.
pub struct Lines<'a> {
    input: &'a mut dyn BufRead,
    buf: Vec<u8>,
    line: u64,
}

impl<'a> Lines<'a> {
    /// Lines of `input`.
    pub fn new(input: &'a mut dyn BufRead) -> Self {
        Lines {
            input,
            buf: Vec::new(),
            line: 0,
        }
    }

    /// The next line without its `\n`, or `None` at the end.
    ///
    /// # Errors
    /// A read error, or a line longer than the largest entry or not ended
    /// by `\n`, wrapped in [`Error::Line`].
    pub fn next_line(&mut self) -> Result<Option<&[u8]>, Error> {
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
