//! Every claim as it stands, folded from the ledger one entry at a time,
//! with the ratings of its standing verdicts (for the rating filter): what
//! a server lists and shows beside search hits.
//!
//! A claim is taken as recorded when its entry is folded; whatever amends
//! it comes later and is folded then (the claim is read again through
//! [`ClaimView`], so corrections, re-attributions and retractions, and the
//! retraction of any of them, count as the views count them).

use std::collections::HashMap;

use crate::attribution::ClaimView;
use crate::entry::Entry;
use crate::error::Error;
use crate::ids::{EntryHash, SourceId};
use crate::record::{Change, ClaimBody, Rating, Record};
use crate::store::Ledger;
use crate::time::Timestamp;

/// A claim's number in a catalog: its place in [`Catalog::claims`].
pub type ClaimIx = u32;

/// A claim as it stands.
#[derive(Clone, Debug)]
pub struct Claim {
    /// The claim's entry.
    pub id: EntryHash,
    /// Its position.
    pub seq: u64,
    /// When it was recorded.
    pub time: Timestamp,
    /// Its record after standing corrections and re-attributions.
    pub current: ClaimBody,
    /// Whether a standing retraction withdrew it.
    pub retracted: bool,
    /// Its verdicts' ratings, with whether each still stands (neither
    /// superseded nor retracted).
    pub verdicts: Vec<(EntryHash, Rating, bool)>,
}

impl Claim {
    /// Whether a standing verdict gives it `rating`.
    pub fn rated(&self, rating: Rating) -> bool {
        self.verdicts.iter().any(|&(_, r, s)| s && r == rating)
    }

    /// Whether `source` is a hop of its chain.
    pub fn cites(&self, source: &SourceId) -> bool {
        self.current.chain.iter().any(|h| h.source == *source)
    }

    /// Its text (`field` 0) or its `field`-th translation, with the
    /// language: what a hit's field names.
    pub fn text(&self, field: u16) -> (&str, &str) {
        match (field as usize)
            .checked_sub(1)
            .and_then(|i| self.current.translations.get(i))
        {
            Some(t) => (&t.lang, &t.text),
            None => (&self.current.lang, &self.current.text),
        }
    }
}

/// What narrows a search (every given condition must hold).
#[derive(Clone, Debug, Default)]
pub struct Filters {
    /// The claim's language.
    pub lang: Option<String>,
    /// A source anywhere in its chain.
    pub source: Option<SourceId>,
    /// A standing verdict's rating.
    pub rating: Option<Rating>,
    /// Appeared on or after this date (`YYYY-MM-DD`).
    pub from: Option<String>,
    /// Appeared on or before this date (`YYYY-MM-DD`).
    pub to: Option<String>,
}

impl Filters {
    /// Whether `c` passes (retracted claims never do).
    pub fn pass(&self, c: &Claim) -> bool {
        let date = c
            .current
            .appeared
            .date
            .get(..10)
            .unwrap_or(&c.current.appeared.date);
        !c.retracted
            && self.lang.as_ref().is_none_or(|l| c.current.lang == *l)
            && self.source.as_ref().is_none_or(|s| c.cites(s))
            && self.rating.is_none_or(|r| c.rated(r))
            && self.from.as_deref().is_none_or(|f| date >= f)
            && self.to.as_deref().is_none_or(|t| date <= t)
    }
}

/// Claims as they stand.
#[derive(Clone, Debug, Default)]
pub struct Catalog {
    claims: Vec<Claim>,
    /// Claim entries, and the amendments of them, to their claim.
    claim_of: HashMap<EntryHash, ClaimIx>,
    /// Verdicts, and the amendments of them, to their claim and place.
    verdict_of: HashMap<EntryHash, (ClaimIx, usize)>,
    folded: u64,
}

impl Catalog {
    /// Nothing folded yet.
    pub fn new() -> Catalog {
        Catalog::default()
    }

    /// Folds every entry of `ledger`.
    ///
    /// # Errors
    /// Storage errors.
    pub fn load(ledger: &Ledger) -> Result<Catalog, Error> {
        let mut c = Catalog::new();
        c.catch_up(ledger, ledger.len()?)?;
        Ok(c)
    }

    /// Folds the entries from [`Catalog::folded`] up to `len`.
    ///
    /// # Errors
    /// Storage errors.
    pub fn catch_up(&mut self, ledger: &Ledger, len: u64) -> Result<(), Error> {
        while self.folded < len {
            let seq = crate::ids::Seq(self.folded);
            let e = ledger.entry(seq)?.ok_or_else(|| Error::Corrupt {
                reason: format!("entry {seq} is missing below the head"),
            })?;
            self.fold(ledger, &e)?;
        }
        Ok(())
    }

    /// Entries folded.
    pub fn folded(&self) -> u64 {
        self.folded
    }

    /// Every claim, in ledger order.
    pub fn claims(&self) -> &[Claim] {
        &self.claims
    }

    /// The claim recorded as `id`, as it stands.
    pub fn claim(&self, id: &EntryHash) -> Option<&Claim> {
        let ix = *self.claim_of.get(id)?;
        self.claims.get(ix as usize).filter(|c| c.id == *id)
    }

    /// Folds `entry`, the next entry of `ledger`.
    ///
    /// # Errors
    /// Storage errors, reading an amended claim again.
    pub fn fold(&mut self, ledger: &Ledger, entry: &Entry) -> Result<(), Error> {
        match entry.record() {
            Record::Claim(c) => {
                let ix = ClaimIx::try_from(self.claims.len()).unwrap_or(ClaimIx::MAX);
                self.claim_of.insert(entry.hash(), ix);
                self.claims.push(Claim {
                    id: entry.hash(),
                    seq: entry.seq().0,
                    time: entry.time(),
                    current: c.clone(),
                    retracted: false,
                    verdicts: Vec::new(),
                });
            }
            Record::Verdict(v) => {
                if let Some(&ix) = self.claim_of.get(&v.claim) {
                    let claim = &mut self.claims[ix as usize];
                    if let Some(old) = v.supersedes {
                        if let Some(&(_, slot)) = self.verdict_of.get(&old) {
                            if let Some(o) = claim.verdicts.get_mut(slot) {
                                o.2 = false;
                            }
                        }
                    }
                    self.verdict_of
                        .insert(entry.hash(), (ix, claim.verdicts.len()));
                    claim.verdicts.push((entry.hash(), v.rating, true));
                }
            }
            Record::Amendment(a) => {
                if let Some(&ix) = self.claim_of.get(&a.target) {
                    self.claim_of.insert(entry.hash(), ix);
                    let id = self.claims[ix as usize].id;
                    if let Some(e) = ledger.entry_by_hash(&id)? {
                        let view = ClaimView::load(ledger, e)?;
                        let claim = &mut self.claims[ix as usize];
                        claim.current = view.current;
                        claim.retracted = view.retracted_by.is_some();
                    }
                } else if let Some(&(ix, slot)) = self.verdict_of.get(&a.target) {
                    if matches!(a.change, Change::Retract) {
                        if let Some(v) = self.claims[ix as usize].verdicts.get_mut(slot) {
                            v.2 = false;
                        }
                    }
                }
            }
            _ => {}
        }
        self.folded = entry.seq().0 + 1;
        Ok(())
    }
}
