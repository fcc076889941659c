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
//!   a checker's prior is the latest standing `trust` signed by an admin;
//! - entries void under [`Compromise`] are not there at all: a void
//!   amendment retracts and corrects nothing, a void claim, source or
//!   relation counts as retracted, a void prior or trust sets nothing;
//! - one voice: of one checker's verdicts on one claim, only the latest
//!   that is not retracted (nor void) counts; the earlier ones are
//!   superseded by it, whether or not they name it in `supersedes`. A
//!   verdict also stops counting when its claim is retracted, or when its
//!   signer has no fact-checker role.

use std::collections::BTreeMap;

use crate::record::Grade;
use crate::time::Timestamp;

use super::checkers::CheckerIds;
use super::compromise::Compromise;
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
    /// Each verdict's status: one voice per checker per claim applied.
    status: Vec<VerdictStatus>,
    /// The checker each verdict speaks for (its signer's), if any.
    pub voice_of: Vec<Option<Ix>>,
    /// Each checker organisation's admin grade (latest standing `trust`).
    pub trust: BTreeMap<Box<str>, Grade>,
}

impl Standing {
    pub fn resolve(f: &Facts, comp: &Compromise, ids: &CheckerIds) -> Standing {
        let n = f.amendments.len();
        let mut killed = vec![false; n];
        let mut standing = vec![false; n];
        for i in (0..n).rev() {
            standing[i] = !killed[i] && !comp.void(f.amendments[i].sig);
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
            status: Vec::new(),
            voice_of: Vec::new(),
            trust: BTreeMap::new(),
        };
        let mut prior_retracted = vec![false; f.priors.len()];
        let mut trust_retracted = vec![false; f.trusts.len()];
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
                        Node::Trust(x) => &mut trust_retracted[x as usize],
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
        // What a stolen key wrote is not there.
        for (i, x) in f.sources.iter().enumerate() {
            st.source_retracted[i] |= comp.void(x.sig);
        }
        for (i, x) in f.claims.iter().enumerate() {
            st.claim_retracted[i] |= comp.void(x.sig);
        }
        for (i, x) in f.relations.iter().enumerate() {
            st.relation_retracted[i] |= comp.void(x.sig);
        }
        let signed_as = |sig: super::facts::Sig, role: fn(&super::facts::KeyFact) -> bool| {
            !comp.void(sig) && sig.signer.is_some_and(|k| role(&f.keys[k as usize]))
        };
        for (p, fact) in f.priors.iter().enumerate() {
            if !prior_retracted[p] && signed_as(fact.sig, |k| k.editor) {
                st.prior[fact.source as usize] = Some(fact.grade);
            }
        }
        for (t, fact) in f.trusts.iter().enumerate() {
            if !trust_retracted[t] && signed_as(fact.sig, |k| k.admin) {
                st.trust.insert(fact.org.clone(), fact.grade);
            }
        }
        st.voices(f, comp, ids);
        st
    }

    /// Decides every verdict's status, one voice per checker per claim.
    fn voices(&mut self, f: &Facts, comp: &Compromise, ids: &CheckerIds) {
        let n = f.verdicts.len();
        let mut status = Vec::with_capacity(n);
        let mut voice_of = Vec::with_capacity(n);
        for (v, fact) in f.verdicts.iter().enumerate() {
            let checker = fact
                .sig
                .signer
                .filter(|&k| f.keys[k as usize].fact_checker)
                .map(|k| ids.of_verdict(k, fact.reviewed_by.as_deref()));
            voice_of.push(checker);
            let s = if checker.is_none() {
                VerdictStatus::NotFactChecker
            } else if comp.void(fact.sig) {
                VerdictStatus::KeyCompromised
            } else if self.verdict_retracted[v] {
                VerdictStatus::Retracted
            } else if self.claim_retracted[fact.claim as usize] {
                VerdictStatus::ClaimRetracted
            } else {
                VerdictStatus::Counts
            };
            status.push(s);
        }
        // The latest counting verdict of each (claim, checker) is its voice:
        // sorted by (claim, checker, position), the last of each run.
        let mut counting: Vec<(Ix, Ix, Ix)> = (0..n)
            .filter(|&v| status[v] == VerdictStatus::Counts)
            .filter_map(|v| Some((f.verdicts[v].claim, voice_of[v]?, v as Ix)))
            .collect();
        counting.sort_unstable();
        for run in counting.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)) {
            if let Some((last, earlier)) = run.split_last() {
                let by = f.verdicts[last.2 as usize].entry;
                for e in earlier {
                    status[e.2 as usize] = VerdictStatus::Superseded { by };
                }
            }
        }
        self.status = status;
        self.voice_of = voice_of;
    }

    /// The claim's chain as it stands.
    pub fn chain<'a>(&self, f: &'a Facts, c: Ix) -> &'a [Hop] {
        let original = &f.claims[c as usize].chain;
        match self.claim_chain[c as usize].map(|a| &f.amendments[a as usize].change) {
            Some(Amend::Reattribute(chain) | Amend::CorrectClaim(chain, ..)) => chain,
            _ => original,
        }
    }

    /// The claim's text key as it stands.
    pub fn text(&self, f: &Facts, c: Ix) -> TextKey {
        match self.claim_text[c as usize].map(|a| &f.amendments[a as usize].change) {
            Some(Amend::CorrectClaim(_, text, _)) => *text,
            _ => f.claims[c as usize].text,
        }
    }

    /// A hop is anonymous when its relation is `anonymous` or its source,
    /// as it stands, is of kind `anonymous`.
    pub fn anonymous(&self, h: Hop) -> bool {
        h.anonymous || self.source_anonymous[h.source as usize]
    }

    /// Whether verdict `v` counts.
    pub fn verdict_status(&self, v: Ix) -> VerdictStatus {
        self.status[v as usize]
    }

    /// The time a statement was made, as claim `c` stands.
    pub fn said(&self, f: &Facts, c: Ix) -> Timestamp {
        match self.claim_text[c as usize].map(|a| &f.amendments[a as usize].change) {
            Some(Amend::CorrectClaim(_, _, said)) => *said,
            _ => f.claims[c as usize].said,
        }
    }
}
