//! The body of a C2SP tlog-witness `add-checkpoint` request: `old <size>`,
//! up to 63 consistency proof hashes in base64, one a line, an empty line,
//! then the signed checkpoint note.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::error::Error;
use crate::merkle::Hash;

/// The most proof lines a request may carry.
pub const MAX_PROOF_LINES: usize = 63;

/// A parsed `add-checkpoint` request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddCheckpoint {
    /// The size of the checkpoint the proof starts from.
    pub old_size: u64,
    /// The consistency proof from `old_size` to the checkpoint's size.
    pub proof: Vec<Hash>,
    /// The signed checkpoint note, as sent.
    pub note: String,
}

impl AddCheckpoint {
    /// Parses a request body.
    ///
    /// # Errors
    /// [`Error::Field`] naming the `old` line, a `proof` line or the
    /// `checkpoint`.
    pub fn parse(body: &str) -> Result<Self, Error> {
        let (head, note) = body
            .split_once("\n\n")
            .ok_or_else(|| Error::field("checkpoint", "no empty line before the checkpoint"))?;
        let mut lines = head.split('\n');
        let old = lines
            .next()
            .and_then(|l| l.strip_prefix("old "))
            .ok_or_else(|| Error::field("old", "the first line must be `old <size>`"))?;
        let canonical = old == "0" || (!old.starts_with('0') && !old.is_empty());
        let old_size = old
            .parse::<u64>()
            .ok()
            .filter(|_| canonical && old.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(|| Error::field("old", "not a decimal size without leading zeros"))?;
        let mut proof = Vec::new();
        for (i, line) in lines.enumerate() {
            if i == MAX_PROOF_LINES {
                return Err(Error::field(
                    "proof",
                    format!("more than {MAX_PROOF_LINES} lines"),
                ));
            }
            let hash: Hash = STANDARD
                .decode(line)
                .ok()
                .and_then(|h| h.try_into().ok())
                .ok_or_else(|| Error::field(format!("proof[{i}]"), "not a base64 32-byte hash"))?;
            proof.push(hash);
        }
        Ok(AddCheckpoint {
            old_size,
            proof,
            note: note.to_owned(),
        })
    }

    /// The request body.
    pub fn to_body(&self) -> String {
        let mut body = format!("old {}\n", self.old_size);
        for h in &self.proof {
            body.push_str(&STANDARD.encode(h));
            body.push('\n');
        }
        body.push('\n');
        body.push_str(&self.note);
        body
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    // The example request of the C2SP tlog-witness specification.
    const SPEC_BODY: &str = "old 20852014\nPlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\njrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=\n5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=\n/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=\n\nexample.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n\u{2014} example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n";

    #[test]
    fn spec_example_round_trips() {
        let r = AddCheckpoint::parse(SPEC_BODY).unwrap();
        assert_eq!(r.old_size, 20_852_014);
        assert_eq!(r.proof.len(), 4);
        assert_eq!(hex::encode(&r.proof[0][..4]), "3e544d0a");
        assert!(
            r.note
                .starts_with("example.com/behind-the-sofa\n20852163\n")
        );
        assert_eq!(r.to_body(), SPEC_BODY);
    }

    #[test]
    fn old_size_zero_has_no_proof_lines() {
        let r = AddCheckpoint::parse("old 0\n\no\n1\nroot\n\n\u{2014} o x\n").unwrap();
        assert_eq!((r.old_size, r.proof.len()), (0, 0));
    }

    #[test]
    fn malformed_bodies_name_the_line() {
        let field = |body: &str| match AddCheckpoint::parse(body) {
            Err(Error::Field { field, .. }) => field,
            r => panic!("{body:?}: {r:?}"),
        };
        assert_eq!(field("old 01\n\nx"), "old");
        assert_eq!(field("old +1\n\nx"), "old");
        assert_eq!(field("new 1\n\nx"), "old");
        assert_eq!(field("old 1\nnot-base64!\n\nx"), "proof[0]");
        assert_eq!(field("old 1\nAAAA\n\nx"), "proof[0]");
        assert_eq!(field("old 1\n"), "checkpoint");
        let many = format!(
            "old 1\n{}\nx",
            "PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n".repeat(64)
        );
        assert_eq!(field(&many), "proof");
    }
}
