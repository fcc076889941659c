//! What stands once the fold is over: amendments, retractions, priors and
//! superseded verdicts applied, as `crate::attribution` does for one claim
//! or source.
//!
//! `attribution::ClaimView` and `SourceView` read a claim's referrers from
//! the store, which a single pass over the entries cannot do; this module
//! states the same rules over the folded facts:
//!
//! - an amendment stands unless a standing `retract` amendment targets it
//!   (so retracting a retraction restores its target); retractions always
//!   come after what they retract, so one pass from the last amendment back
//!   to the first decides every amendment;
//! - standing corrections apply in ledger order, the latest winning:
//!   `reattribute` replaces a claim's chain, `correct-claim` its text and
//!   chain, `correct-source` the source (its kind is what scoring reads);
//! - a standing `retract` retracts its target for good;
//! - a source's prior is the latest standing `prior` signed by an editor;
//! - a verdict stops counting when a later verdict by the same signer on
//!   the same claim supersedes it (whether or not that one is retracted
//!   later, as `attribution::ClaimView` reports it), when it is retracted,
//!   when its claim is retracted, or when its signer has no fact-checker
//!   role.

use crate::record::Grade;

use super::facts::{Amend, Facts, Hop, Ix, Node};
use super::normalize::TextKey;
use super::report::VerdictStatus;

pub(crate) struct Standing {
    pub source_retracted: Vec<bool>,
    pub source_anonymous: Vec<bool>,
    pub prior: Vec<Option<Grade>>,
    pub claim_retracted: Vec<bool>,
    /// The amendment whose chain is the claim's current chain.
    claim_chain: Vec<Option<Ix>>,
    /// The `correct-claim` amendment whose text is the claim's current text.
    claim_text: Vec<Option<Ix>>,
    pub verdict_retracted: Vec<bool>,
    pub relation_retracted: Vec<bool>,
}

impl Standing {
    pub fn resolve(f: &Facts) -> Standing {
        let n = f.amendments.len();
        let mut killed = vec![false; n];
        let mut standing = vec![false; n];
        for i in (0..n).rev() {
            standing[i] = !killed[i];
            let a = &f.amendments[i];
            if let (true, Amend::Retract, Node::Amendment(t)) = (standing[i], &a.change, a.target) {
                if (t as usize) < i {
                    killed[t as usize] = true;
                }
            }
        }

        let mut st = Standing {
            source_retracted: vec![false; f.sources.len()],
            source_anonymous: f.sources.iter().map(|s| s.anonymous).collect(),
            prior: vec![None; f.sources.len()],
            claim_retracted: vec![false; f.claims.len()],
            claim_chain: vec![None; f.claims.len()],
            claim_text: vec![None; f.claims.len()],
            verdict_retracted: vec![false; f.verdicts.len()],
            relation_retracted: vec![false; f.relations.len()],
        };
        let mut prior_retracted = vec![false; f.priors.len()];
        for (i, a) in f.amendments.iter().enumerate() {
            if !standing[i] {
                continue;
            }
            let i = i as Ix;
            match (&a.change, a.target) {
                (Amend::Retract, target) => {
                    let flag = match target {
                        Node::Source(x) => &mut st.source_retracted[x as usize],
                        Node::Claim(x) => &mut st.claim_retracted[x as usize],
                        Node::Verdict(x) => &mut st.verdict_retracted[x as usize],
                        Node::Relation(x) => &mut st.relation_retracted[x as usize],
                        Node::Prior(x) => &mut prior_retracted[x as usize],
                        // Decided above.
                        Node::Amendment(_) => continue,
                    };
                    *flag = true;
                }
                (Amend::Reattribute(_), Node::Claim(c)) => st.claim_chain[c as usize] = Some(i),
                (Amend::CorrectClaim(..), Node::Claim(c)) => {
                    st.claim_chain[c as usize] = Some(i);
                    st.claim_text[c as usize] = Some(i);
                }
                (Amend::CorrectSource { anonymous }, Node::Source(s)) => {
                    st.source_anonymous[s as usize] = *anonymous;
                }
                // The fold keeps no other pairing.
                _ => {}
            }
        }
        for (p, fact) in f.priors.iter().enumerate() {
            if fact.by_editor && !prior_retracted[p] {
                st.prior[fact.source as usize] = Some(fact.grade);
            }
        }
        st
    }

    /// The claim's chain as it stands.
    pub fn chain<'a>(&self, f: &'a Facts, c: Ix) -> &'a [Hop] {
        let original = &f.claims[c as usize].chain;
        match self.claim_chain[c as usize].map(|a| &f.amendments[a as usize].change) {
            Some(Amend::Reattribute(chain) | Amend::CorrectClaim(chain, _)) => chain,
            _ => original,
        }
    }

    /// The claim's text key as it stands.
    pub fn text(&self, f: &Facts, c: Ix) -> TextKey {
        match self.claim_text[c as usize].map(|a| &f.amendments[a as usize].change) {
            Some(Amend::CorrectClaim(_, text)) => *text,
            _ => f.claims[c as usize].text,
        }
    }

    /// A hop is anonymous when its relation is `anonymous` or its source,
    /// as it stands, is of kind `anonymous`.
    pub fn anonymous(&self, h: Hop) -> bool {
        h.anonymous || self.source_anonymous[h.source as usize]
    }

    /// Whether verdict `v` counts.
    pub fn verdict_status(&self, f: &Facts, v: Ix) -> VerdictStatus {
        let fact = &f.verdicts[v as usize];
        if !fact.signer.is_some_and(|k| f.keys[k as usize].fact_checker) {
            VerdictStatus::NotFactChecker
        } else if fact
            .signer
            .and_then(|k| f.keys[k as usize].compromised_since)
            .is_some_and(|since| fact.time >= since)
        {
            VerdictStatus::KeyCompromised
        } else if self.verdict_retracted[v as usize] {
            VerdictStatus::Retracted
        } else if let Some(by) = fact.superseded_by {
            VerdictStatus::Superseded {
                by: f.verdicts[by as usize].entry,
            }
        } else if self.claim_retracted[fact.claim as usize] {
            VerdictStatus::ClaimRetracted
        } else {
            VerdictStatus::Counts
        }
    }
}
