//! Who said what, through whom: a claim or source as it stands after every
//! amendment, with the verdicts and relations that refer to it.
//!
//! Amendments never change stored entries; these views apply them in ledger
//! order (the latest correction wins; a retraction is final).

use crate::entry::Entry;
use crate::error::Error;
use crate::ids::{EntryHash, SourceId};
use crate::record::{Change, ClaimBody, Grade, Kind, Record, SourceBody};
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
            // A retracted amendment or relation no longer stands.
            if matches!(r.kind(), Kind::Amendment | Kind::Relation)
                && retraction_of(ledger, &r.hash())?.is_some()
            {
                continue;
            }
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
                    let retracted_by = retraction_of(ledger, &r.hash())?;
                    let mut superseded_by = None;
                    for rr in ledger.referrers(&r.hash())? {
                        if let Record::Verdict(v) = rr.record() {
                            if v.supersedes == Some(r.hash()) {
                                superseded_by = superseded_by.or(Some(rr.hash()));
                            }
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
            if retraction_of(ledger, &r.hash())?.is_some() {
                continue;
            }
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
                if p.source == *id && retraction_of(ledger, &m.hash())?.is_none() {
                    view.prior = Some(p.grade);
                }
            }
        }
        Ok(Some(view))
    }
}

/// The standing retraction of entry `id`, if any: a `retract` amendment that
/// is not itself retracted (a retraction can be withdrawn by retracting it).
///
/// # Errors
/// Storage errors.
pub fn retraction_of(ledger: &Ledger, id: &EntryHash) -> Result<Option<EntryHash>, Error> {
    for r in ledger.referrers(id)? {
        if let Record::Amendment(a) = r.record() {
            if a.change == Change::Retract
                && a.target == *id
                && retraction_of(ledger, &r.hash())?.is_none()
            {
                return Ok(Some(r.hash()));
            }
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::*;
    use crate::{KeyPair, Role, Timestamp};

    // Regression: a retracted amendment still applied its correction, and a
    // retracted prior still showed as the source's grade.
    #[test]
    fn retracted_amendments_and_priors_no_longer_apply() {
        let dir = tempfile::tempdir().unwrap();
        let t = Timestamp::parse("2025-02-18T08:00:00Z").unwrap();
        let admin = KeyPair::from_seed("admin", &[1; 32]).unwrap();
        let ed = KeyPair::from_seed("ed", &[2; 32]).unwrap();
        let l = crate::init(dir.path(), &admin, t).unwrap();
        let key = Record::Key(KeyBody {
            key: ed.verifier().to_string(),
            roles: vec![Role::Editor],
            holder: None,
            replaces: None,
            org: None,
        });
        l.append(&admin, key, t).unwrap();
        let src = SourceBody {
            id: "joe-wilson".parse().unwrap(),
            name: "Joe Wilson".into(),
            kind: SourceKind::Person,
            url: None,
            language: None,
            affiliations: vec![],
            description: Some("senator".into()),
        };
        let s = l.append(&ed, Record::Source(src.clone()), t).unwrap();
        let fixed = SourceBody {
            description: Some("House member".into()),
            ..src
        };
        let retract = |target: EntryHash| {
            Record::Amendment(AmendmentBody {
                target,
                change: Change::Retract,
                reason: "withdrawn".into(),
            })
        };
        let fix = l
            .append(
                &ed,
                Record::Amendment(AmendmentBody {
                    target: s.entry().hash(),
                    change: Change::CorrectSource { source: fixed },
                    reason: "he sits in the House".into(),
                }),
                t,
            )
            .unwrap();
        let prior = l
            .append(
                &ed,
                Record::Prior(PriorBody {
                    source: "joe-wilson".parse().unwrap(),
                    grade: Grade::B,
                    reason: "r".into(),
                }),
                t,
            )
            .unwrap();
        let id: SourceId = "joe-wilson".parse().unwrap();
        let v = SourceView::load(&l, &id).unwrap().unwrap();
        assert_eq!(v.current.description.as_deref(), Some("House member"));
        assert_eq!(v.prior, Some(Grade::B));

        l.append(&ed, retract(fix.entry().hash()), t).unwrap();
        let undo_prior = l.append(&ed, retract(prior.entry().hash()), t).unwrap();
        let v = SourceView::load(&l, &id).unwrap().unwrap();
        assert_eq!(v.current.description.as_deref(), Some("senator"));
        assert_eq!(v.prior, None);
        assert_eq!(v.retracted_by, None);

        // Retracting the retraction restores the prior.
        l.append(&ed, retract(undo_prior.entry().hash()), t)
            .unwrap();
        assert_eq!(
            SourceView::load(&l, &id).unwrap().unwrap().prior,
            Some(Grade::B)
        );
    }
}
