//! Who said what, through whom: a claim or source as it stands after every
//! amendment, with the verdicts and relations that refer to it.
//!
//! Amendments never change stored entries; these views apply them in ledger
//! order (the latest correction wins; a retraction is final).

use crate::entry::Entry;
use crate::error::Error;
use crate::ids::{EntryHash, SourceId};
use crate::record::{Change, ClaimBody, Grade, Record, SourceBody};
use crate::store::Ledger;

/// A verdict on a claim and whether it still counts.
#[derive(Clone, Debug)]
pub struct VerdictView {
    /// The verdict entry.
    pub entry: Entry,
    /// The later verdict that superseded it, if any.
    pub superseded_by: Option<EntryHash>,
    /// The amendment that retracted it, if any.
    pub retracted_by: Option<EntryHash>,
}

impl VerdictView {
    /// True when neither superseded nor retracted.
    pub fn is_current(&self) -> bool {
        self.superseded_by.is_none() && self.retracted_by.is_none()
    }
}

/// A claim as it stands.
#[derive(Clone, Debug)]
pub struct ClaimView {
    /// The claim entry as first recorded.
    pub entry: Entry,
    /// The claim after corrections and re-attributions.
    pub current: ClaimBody,
    /// Amendments to it, in order.
    pub amendments: Vec<Entry>,
    /// The amendment that retracted it, if any.
    pub retracted_by: Option<EntryHash>,
    /// Verdicts on it, in order.
    pub verdicts: Vec<VerdictView>,
    /// Relations from or to it, in order.
    pub relations: Vec<Entry>,
}

impl ClaimView {
    /// Loads the claim `entry` from `ledger` with everything that refers to it.
    ///
    /// # Errors
    /// [`Error::Field`] if `entry` is not a claim; storage errors.
    pub fn load(ledger: &Ledger, entry: Entry) -> Result<ClaimView, Error> {
        let Record::Claim(original) = entry.record() else {
            return Err(Error::field(
                "claim",
                format!(
                    "{} is a {} entry, not a claim",
                    entry.hash().short(),
                    entry.kind()
                ),
            ));
        };
        let mut view = ClaimView {
            current: original.clone(),
            entry: entry.clone(),
            amendments: Vec::new(),
            retracted_by: None,
            verdicts: Vec::new(),
            relations: Vec::new(),
        };
        for r in ledger.referrers(&entry.hash())? {
            match r.record() {
                Record::Amendment(a) => {
                    match &a.change {
                        Change::Retract => view.retracted_by = view.retracted_by.or(Some(r.hash())),
                        Change::Reattribute { chain } => view.current.chain = chain.clone(),
                        Change::CorrectClaim { claim } => view.current = claim.clone(),
                        Change::CorrectSource { .. } => {}
                    }
                    view.amendments.push(r);
                }
                Record::Verdict(_) => {
                    let mut retracted_by = None;
                    let mut superseded_by = None;
                    for rr in ledger.referrers(&r.hash())? {
                        match rr.record() {
                            Record::Amendment(a) if a.change == Change::Retract => {
                                retracted_by = retracted_by.or(Some(rr.hash()));
                            }
                            Record::Verdict(v) if v.supersedes == Some(r.hash()) => {
                                superseded_by = superseded_by.or(Some(rr.hash()));
                            }
                            _ => {}
                        }
                    }
                    view.verdicts.push(VerdictView {
                        entry: r,
                        superseded_by,
                        retracted_by,
                    });
                }
                Record::Relation(_) => view.relations.push(r),
                _ => {}
            }
        }
        Ok(view)
    }
}

/// A source as it stands.
#[derive(Clone, Debug)]
pub struct SourceView {
    /// The `source` entry as first recorded.
    pub entry: Entry,
    /// The source after corrections.
    pub current: SourceBody,
    /// Corrections and retractions, in order.
    pub amendments: Vec<Entry>,
    /// The amendment that retracted it, if any.
    pub retracted_by: Option<EntryHash>,
    /// The latest editor's prior grade, if any.
    pub prior: Option<Grade>,
}

impl SourceView {
    /// Loads source `id`, or `None` if the ledger has no such source.
    ///
    /// # Errors
    /// Storage errors.
    pub fn load(ledger: &Ledger, id: &SourceId) -> Result<Option<SourceView>, Error> {
        let Some(entry) = ledger.source_entry(id)? else {
            return Ok(None);
        };
        let Record::Source(original) = entry.record() else {
            return Err(Error::Corrupt {
                reason: format!("source index for `{id}` names a {} entry", entry.kind()),
            });
        };
        let mut view = SourceView {
            current: original.clone(),
            entry: entry.clone(),
            amendments: Vec::new(),
            retracted_by: None,
            prior: None,
        };
        for r in ledger.referrers(&entry.hash())? {
            if let Record::Amendment(a) = r.record() {
                match &a.change {
                    Change::CorrectSource { source } => view.current = source.clone(),
                    Change::Retract => view.retracted_by = view.retracted_by.or(Some(r.hash())),
                    _ => {}
                }
                view.amendments.push(r);
            }
        }
        for m in ledger.mentions(id)? {
            if let Record::Prior(p) = m.record() {
                if p.source == *id {
                    view.prior = Some(p.grade);
                }
            }
        }
        Ok(Some(view))
    }
}
