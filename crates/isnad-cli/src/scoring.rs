//! The scoring commands (`replay`, `score`, `credibility`, `checkers`) and
//! the scoring lines `trace` and `demo` add. Every number comes from
//! `isnad_core::score`; this module only chooses what to print.

use std::fs::File;
use std::io::BufReader;

use anyhow::{Context as _, Result, anyhow, bail};
use isnad_core::score::{
    self, AsOf, CheckerExplanation, CheckerScore, CheckerShare, ClaimExplanation, ClaimScore,
    ClaimVerdictItem, EvidenceRole, NoShare, OriginItem, Params, Published, ReportItem, Scores,
    SourceExplanation, SourceScore, VerdictStatus, grade_wording,
};
use isnad_core::{EntryHash, Kind, Ledger, SourceId};
use serde_json::{Value, json};

use crate::cli::{CheckersArgs, CredibilityArgs, ReplayArgs, ScoreArgs};
use crate::commands::Ctx;
use crate::output::{outln, print_json, progress};

fn as_of(arg: Option<&str>) -> Result<AsOf> {
    arg.map_or(Ok(AsOf::Head), |s| s.parse().context("--as-of"))
}

/// Replays the ledger with the default model.
pub fn replay_ledger(ledger: &Ledger, as_of: AsOf) -> Result<Scores> {
    Ok(score::replay_ledger(ledger, as_of, &Params::default())?)
}

pub fn replay(ctx: &Ctx, a: &ReplayArgs) -> Result<()> {
    let at = as_of(a.as_of.as_deref())?;
    let scores = match &a.export {
        Some(path) => {
            let f = File::open(path).with_context(|| format!("{}", path.display()))?;
            let total = f.metadata().map(|m| m.len()).unwrap_or(0);
            let bar = progress(total, "replaying");
            let mut input = BufReader::new(bar.wrap_read(f));
            let r = score::replay_jsonl(&mut input, at, &Params::default());
            bar.finish_and_clear();
            r.with_context(|| format!("{}", path.display()))?
        }
        None => replay_ledger(&ctx.open()?, at)?,
    };
    if a.state {
        outln!("{}", scores.state_text().trim_end_matches('\n'));
        return Ok(());
    }
    let last = scores.last_entry();
    let (sources, claims) = (scores.sources().count(), scores.claims().count());
    if ctx.json {
        print_json(&json!({
            "state_root": scores.state_root().to_hex(),
            "entries": last.map_or(0, |(s, _)| s.0 + 1),
            "last_seq": last.map(|(s, _)| s.0),
            "last_time": last.map(|(_, t)| t.to_string()),
            "decay_time": scores.decay_time().map(|t| t.to_string()),
            "sources": sources,
            "claims": claims,
        }))?;
        return Ok(());
    }
    outln!("state root {}", scores.state_root());
    match last {
        Some((seq, time)) => outln!(
            "replayed {} entries, to entry {seq} of {time}; decay measured from {}",
            seq.0 + 1,
            scores
                .decay_time()
                .map_or_else(|| time.to_string(), |t| t.to_string())
        ),
        None => outln!("replayed no entries"),
    }
    outln!("{sources} sources and {claims} claims scored");
    Ok(())
}

pub fn score(ctx: &Ctx, a: &ScoreArgs) -> Result<()> {
    let ledger = ctx.open()?;
    let scores = replay_ledger(&ledger, as_of(a.as_of.as_deref())?)?;
    let picked: Vec<&SourceScore> = match &a.source {
        Some(s) => {
            let id: SourceId = s.parse().context("source")?;
            vec![
                scores
                    .source(&id)
                    .ok_or_else(|| anyhow!("no source `{id}` in the ledger"))?,
            ]
        }
        None => scores.ranked(),
    };
    if ctx.json {
        let items = picked
            .iter()
            .map(|s| source_json(&scores, s, a.explain))
            .collect::<Result<Vec<_>>>()?;
        let out = match a.source {
            Some(_) => items.into_iter().next().unwrap_or(Value::Null),
            None => json!({
                "state_root": scores.state_root().to_hex(),
                "decay_time": scores.decay_time().map(|t| t.to_string()),
                "sources": items,
            }),
        };
        print_json(&out)?;
        return Ok(());
    }
    if let Some(t) = scores.decay_time() {
        outln!("as of {t} (state root {})", short_root(&scores));
    }
    if a.source.is_none() && !a.explain {
        print_ranked(&picked)?;
        return Ok(());
    }
    for (i, s) in picked.iter().enumerate() {
        if i > 0 {
            outln!();
        }
        print_source(s)?;
        if a.explain {
            let ex = scores
                .explain_source(&s.id)
                .ok_or_else(|| anyhow!("no explanation for source `{}`", s.id))?;
            print_source_explanation(&ex)?;
        }
    }
    Ok(())
}

/// `score`'s table: sources in ranking order.
fn print_ranked(picked: &[&SourceScore]) -> Result<()> {
    let w = slug_width(picked);
    let texts: Vec<String> = picked.iter().map(|s| s.grade_text()).collect();
    let g = texts
        .iter()
        .map(|t| t.chars().count())
        .max()
        .unwrap_or(0)
        .max("grade".len());
    outln!(
        "{:>4}  {:<w$}  {:<g$} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>9} {:>9}  prior",
        "rank",
        "source",
        "grade",
        "lower",
        "E",
        "b",
        "d",
        "u",
        "a",
        "r",
        "s",
    );
    for (i, (s, text)) in picked.iter().zip(&texts).enumerate() {
        let o = &s.opinion;
        let row = format!(
            "{:>4}  {:<w$}  {:<g$} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>9} {:>9}  {}",
            i + 1,
            s.id.as_str(),
            text,
            short(s.lower),
            short(o.e),
            short(o.b),
            short(o.d),
            short(o.u),
            short(o.a),
            short(s.r),
            short(s.s),
            s.prior.map(|g| format!("{g}")).unwrap_or_default()
        );
        outln!("{}", row.trim_end());
    }
    outln!(
        "ranked by the lower bound (which only evidence raises), then E; grades A and E need two checkers"
    );
    Ok(())
}

/// The width of the source column: the longest slug.
fn slug_width(sources: &[&SourceScore]) -> usize {
    sources
        .iter()
        .map(|s| s.id.as_str().chars().count())
        .max()
        .unwrap_or(0)
        .max("source".len())
}

/// Six decimals, as scored, but without trailing zeros for tables.
fn short(m: score::Micro) -> String {
    let s = m.to_string();
    let s = s.trim_end_matches('0');
    s.strip_suffix('.').unwrap_or(s).to_owned()
}

fn short_root(scores: &Scores) -> String {
    let hex = scores.state_root().to_hex();
    hex[..12.min(hex.len())].to_owned()
}

fn opinion_text(o: &Published) -> String {
    format!("E {} (b {}, d {}, u {}, a {})", o.e, o.b, o.d, o.u, o.a)
}

/// `n thing` or `n things`.
fn count(n: u32, one: &str) -> String {
    count_as(n, one, &format!("{one}s"))
}

/// `n story` or `n stories`: a plural that is not the singular with an s.
fn count_as(n: u32, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The grade as people read it, with the Admiralty wording of the grade
/// the evidence gives: `C, 3 verdicts, 1 checker (fairly reliable)`; for a
/// prior alone, `A, prior only; from evidence alone F (reliability cannot
/// be judged)`.
fn grade_line(s: &SourceScore) -> String {
    let text = s.grade_text();
    if text.split(',').next() == Some(s.grade.as_str()) {
        format!("{text} ({})", grade_wording(s.grade))
    } else {
        format!(
            "{text}; from evidence alone {} ({})",
            s.grade,
            grade_wording(s.grade)
        )
    }
}

fn print_source(s: &SourceScore) -> Result<()> {
    outln!(
        "source {}: grade {}, {}",
        s.id,
        grade_line(s),
        opinion_text(&s.opinion)
    );
    outln!(
        "  ranked by its lower bound {} (the belief b, which only evidence raises)",
        s.lower
    );
    outln!(
        "  evidence r {} s {} from {} by {}{}{}{}",
        s.r,
        s.s,
        count(s.verdicts, "verdict"),
        count(s.checkers, "checker"),
        s.prior
            .map(|g| format!("; editor's prior {g} sets the base rate"))
            .unwrap_or_default(),
        if s.anonymous {
            "; unnamed sources take no evidence"
        } else {
            ""
        },
        if s.retracted {
            "; the source record is retracted"
        } else {
            ""
        }
    );
    Ok(())
}

fn role_text(r: EvidenceRole) -> &'static str {
    match r {
        EvidenceRole::Originator => "as originator",
        EvidenceRole::Relay => "as relay",
        EvidenceRole::VouchesForAnonymous => "vouching for an unnamed origin",
        EvidenceRole::MadeMisattribution => "for making the misattribution",
    }
}

fn status_text(s: VerdictStatus) -> String {
    match s {
        VerdictStatus::Counts => "counts".into(),
        VerdictStatus::NotFactChecker => "not by a fact-checker".into(),
        VerdictStatus::KeyCompromised => "its signer's key was compromised".into(),
        VerdictStatus::Retracted => "retracted".into(),
        VerdictStatus::Superseded { by } => format!("superseded by {}", by.short()),
        VerdictStatus::ClaimRetracted => "its claim is retracted".into(),
    }
}

fn no_share_text(n: NoShare) -> String {
    match n {
        NoShare::Status(s) => status_text(s),
        NoShare::Unverifiable => "unverifiable: no evidence".into(),
        NoShare::Misattribution => "misattributed: the named originator gets nothing".into(),
        NoShare::Anonymous => "unnamed sources take no evidence".into(),
    }
}

fn print_source_explanation(ex: &SourceExplanation) -> Result<()> {
    outln!("verdicts");
    if ex.evidence.is_empty() {
        outln!("  no verdict moved this score");
    }
    for e in &ex.evidence {
        outln!(
            "  verdict {} on claim {}: {} ({}%) by {} for checker {}",
            e.verdict.short(),
            e.claim.short(),
            e.rating.as_str(),
            e.confidence,
            e.signer,
            e.checker
        );
        outln!(
            "      said {}, {} days before the as-of time: decay {} × dispute {} × confidence → weight {}",
            e.said,
            e.age_secs / 86_400,
            e.decay,
            e.dispute,
            e.weight
        );
        outln!(
            "      {} (share {}): r +{} s +{}",
            role_text(e.role),
            e.share,
            e.r,
            e.s
        );
    }
    for u in &ex.unmoved {
        outln!(
            "  verdict {} on claim {}: {}, not counted ({})",
            u.verdict.short(),
            u.claim.short(),
            u.rating.as_str(),
            no_share_text(u.why)
        );
    }
    outln!("checkers (saturation K/(n+K) over each checker's raw evidence n, then its weight)");
    if ex.checkers.is_empty() {
        outln!("  none");
    }
    for c in &ex.checkers {
        outln!("  {}", checker_share_line(c));
    }
    Ok(())
}

/// One checker's part of a source's evidence, on one line.
fn checker_share_line(c: &CheckerShare) -> String {
    format!(
        "checker {}: {}, raw r {} s {}, saturation {}, weight {} → r {} s {}",
        c.checker,
        count(c.verdicts, "verdict"),
        c.raw_r,
        c.raw_s,
        c.saturation,
        c.weight,
        c.r,
        c.s
    )
}

fn source_json(scores: &Scores, s: &SourceScore, explain: bool) -> Result<Value> {
    let mut v = serde_json::to_value(s)?;
    v["grade_wording"] = grade_wording(s.grade).into();
    v["grade_text"] = s.grade_text().into();
    if explain {
        let ex = scores
            .explain_source(&s.id)
            .ok_or_else(|| anyhow!("no explanation for source `{}`", s.id))?;
        v["evidence"] = serde_json::to_value(&ex.evidence)?;
        // `checkers` is the score's count of checkers; their parts are
        // `checker_shares`.
        v["checker_shares"] = serde_json::to_value(&ex.checkers)?;
        v["unmoved"] = serde_json::to_value(&ex.unmoved)?;
    }
    Ok(v)
}

/// The claim `prefix` names, which must be a claim with a score.
fn claim_of<'a>(ledger: &Ledger, scores: &'a Scores, prefix: &str) -> Result<&'a ClaimScore> {
    let e = ledger.resolve(prefix)?;
    if e.kind() != Kind::Claim {
        bail!("{} is a {} entry, not a claim", e.hash().short(), e.kind());
    }
    let id = e.hash();
    if scores.is_retracted(&id) {
        bail!("claim {} is retracted: it has no credibility", id.short());
    }
    scores.claim(&id).ok_or_else(|| {
        anyhow!(
            "claim {} is after the --as-of bound: it has no score there",
            id.short()
        )
    })
}

pub fn credibility(ctx: &Ctx, a: &CredibilityArgs) -> Result<()> {
    let ledger = ctx.open()?;
    let scores = replay_ledger(&ledger, as_of(a.as_of.as_deref())?)?;
    let c = claim_of(&ledger, &scores, &a.claim)?;
    let ex = scores
        .explain_claim(&c.claim)
        .ok_or_else(|| anyhow!("no explanation for claim {}", c.claim.short()))?;
    if ctx.json {
        let mut v = claim_json(c, &ex)?;
        if a.explain {
            let mut reports = serde_json::to_value(&ex.reports)?;
            if let Some(items) = reports.as_array_mut() {
                for (item, r) in items.iter_mut().zip(&ex.reports) {
                    item["pair"] = report_pair(r, c).into();
                }
            }
            v["reports"] = reports;
            v["origins"] = serde_json::to_value(&ex.origins)?;
            v["verdicts"] = serde_json::to_value(&ex.verdicts)?;
            v["verdict_opinion"] = serde_json::to_value(ex.verdict_opinion)?;
        }
        print_json(&v)?;
        return Ok(());
    }
    for line in summary_lines(c, &ex) {
        outln!("{line}");
    }
    if a.explain {
        print_claim_explanation(c, &ex)?;
    }
    Ok(())
}

fn claim_json(c: &ClaimScore, ex: &ClaimExplanation) -> Result<Value> {
    let mut v = serde_json::to_value(c)?;
    v["pair"] = c.pair().into();
    v["credibility_wording"] = c.credibility.wording().into();
    v["letter_wording"] = grade_wording(c.letter).into();
    v["origin_sources"] = ex
        .origins
        .iter()
        .map(|o| Value::from(o.source.as_str()))
        .collect();
    Ok(v)
}

/// A report's Admiralty pair: its origin's letter and the story's digit.
fn report_pair(r: &ReportItem, c: &ClaimScore) -> String {
    format!("{}{}", r.letter.as_str(), c.credibility.digit())
}

/// What `credibility` and `trace` print about a claim's score.
fn summary_lines(c: &ClaimScore, ex: &ClaimExplanation) -> Vec<String> {
    let origins: Vec<&str> = ex.origins.iter().map(|o| o.source.as_str()).collect();
    let mut out = vec![
        format!(
            "credibility {}: origin {} {:?} ({}), information {} ({})",
            c.pair(),
            c.origin.as_ref().map_or("unknown", SourceId::as_str),
            c.letter,
            grade_wording(c.letter),
            c.credibility.digit(),
            c.credibility.wording()
        ),
        format!(
            "  fused from the reports and the verdicts: {}",
            opinion_text(&c.opinion)
        ),
        match &c.truth {
            Some(t) => format!(
                "  truth, from the verdicts alone (no decay): {}",
                opinion_text(t)
            ),
            None => "  truth, from the verdicts alone: no checker gave a value rating".to_owned(),
        },
        format!(
            "  story of {}, {}{}; {}, {}",
            count(c.reports, "report"),
            count(c.origins, "independent origin"),
            if origins.is_empty() {
                String::new()
            } else {
                format!(" ({})", origins.join(", "))
            },
            count(c.confirmations, "confirmation"),
            count(c.checkers, "checker"),
        ),
    ];
    if c.disputed {
        out.push(format!("  disputed (conflict {})", c.conflict));
    } else if c.conflict.0 > 0 {
        out.push(format!("  conflict {} (not disputed)", c.conflict));
    }
    if let Some(m) = &c.misattributed {
        out.push(format!("  attributed to {m}, who did not say it"));
    }
    if c.circular {
        let shared: Vec<&OriginItem> = ex.origins.iter().filter(|o| o.reports > 1).collect();
        if shared.is_empty() {
            out.push("  circular reporting: reports trace back to one named origin".to_owned());
        }
        for o in shared {
            out.push(format!(
                "  circular reporting: {} reports trace back to {}",
                o.reports, o.source
            ));
        }
    }
    if c.independence_unknown {
        out.push(format!(
            "  independence unknown: {} of unknown origin",
            count(c.unknown, "report")
        ));
    }
    out
}

fn print_claim_explanation(c: &ClaimScore, ex: &ClaimExplanation) -> Result<()> {
    outln!("reports");
    for r in &ex.reports {
        let chain: Vec<&str> = r.chain.iter().map(SourceId::as_str).collect();
        outln!(
            "  {}  {}  {}",
            r.claim.short(),
            report_pair(r, c),
            chain.join(" → ")
        );
        outln!(
            "      origin {}{}{}; relays' trust {}; {}",
            r.origin.as_ref().map_or("unknown", SourceId::as_str),
            r.derived_from
                .map(|d| format!(" (derived from {})", d.short()))
                .unwrap_or_default(),
            if r.misattributed {
                " (misattributed: the named originator did not say it)"
            } else {
                ""
            },
            r.trust,
            opinion_text(&r.opinion)
        );
    }
    outln!("origins");
    if ex.origins.is_empty() {
        outln!("  none named");
    }
    for o in &ex.origins {
        outln!(
            "  {} — {}, fused as dependent: {}",
            o.source,
            count(o.reports, "report"),
            opinion_text(&o.opinion)
        );
    }
    outln!("verdicts");
    if ex.verdicts.is_empty() {
        outln!("  none");
    }
    for v in &ex.verdicts {
        outln!(
            "  {} on {}: {} ({}%) by {}{}",
            v.verdict.short(),
            v.claim.short(),
            v.rating.as_str(),
            v.confidence,
            v.signer.as_deref().unwrap_or("an unknown key"),
            v.checker
                .as_deref()
                .map(|c| format!(" for checker {c}"))
                .unwrap_or_default(),
        );
        outln!(
            "      {}; {}; checker weight {}: r +{} s +{}{}",
            status_text(v.status),
            voice_text(v),
            v.weight,
            v.r,
            v.s,
            if v.confirms { "; confirms" } else { "" }
        );
    }
    if let Some(o) = &ex.verdict_opinion {
        outln!("  the verdicts' opinion: {}", opinion_text(o));
    }
    Ok(())
}

/// Whether a verdict is its checker's voice on the story, and if not why.
fn voice_text(v: &ClaimVerdictItem) -> &'static str {
    match (v.voice, v.status, &v.checker) {
        (true, _, _) => "its checker's voice",
        (false, _, None) => "no voice (not a checker's)",
        (false, VerdictStatus::Counts, Some(_)) => {
            "not a voice: its checker's later verdict on the story speaks"
        }
        (false, _, Some(_)) => "not a voice",
    }
}

/// A claim's score and explanation as `trace` shows them (`None` when the
/// claim is retracted), from one replay.
pub struct TraceScore(Option<(ClaimScore, ClaimExplanation)>);

impl TraceScore {
    /// Replays `ledger` to its head for `claim`.
    pub fn of(ledger: &Ledger, claim: &EntryHash) -> Result<TraceScore> {
        let scores = replay_ledger(ledger, AsOf::Head)?;
        Ok(TraceScore(
            match (scores.claim(claim), scores.explain_claim(claim)) {
                (Some(c), Some(ex)) => Some((c.clone(), ex)),
                _ => None,
            },
        ))
    }

    /// The chain's named originator, when a counting verdict says it did
    /// not say the claim.
    pub fn misattributed(&self) -> Option<&SourceId> {
        self.0.as_ref().and_then(|(c, _)| c.misattributed.as_ref())
    }

    /// `trace`'s scoring lines, or why there are none.
    pub fn lines(&self) -> Vec<String> {
        match &self.0 {
            Some((c, ex)) => summary_lines(c, ex),
            None => vec!["no credibility: the claim is retracted".into()],
        }
    }

    /// `trace --json`'s scoring object (null when there is none).
    pub fn json(&self) -> Result<Value> {
        match &self.0 {
            Some((c, ex)) => claim_json(c, ex),
            None => Ok(Value::Null),
        }
    }
}

/// The demo's scores: sources ranked, each claim's Admiralty pair, the
/// state root.
pub fn demo_lines(ledger: &Ledger) -> Result<(Vec<String>, String)> {
    let scores = replay_ledger(ledger, AsOf::Head)?;
    let mut out = vec!["Source credibility (from the illustrative verdicts)".to_owned()];
    let ranked = scores.ranked();
    let w = slug_width(&ranked);
    let lines: Vec<String> = ranked.iter().map(|s| s.grade_text()).collect();
    let g = lines.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    for (s, line) in ranked.iter().zip(&lines) {
        out.push(format!(
            "  {:<w$} {:<g$}  E {}  r {} s {}{}",
            s.id.as_str(),
            line,
            s.opinion.e,
            short(s.r),
            short(s.s),
            s.prior.map(|g| format!("  prior {g}")).unwrap_or_default()
        ));
    }
    out.push(String::new());
    out.push(
        "Claim credibility (Admiralty pair: origin's letter, information's digit; reports, independent origins)"
            .to_owned(),
    );
    for c in scores.claims() {
        let mut flags = Vec::new();
        if c.disputed {
            flags.push("disputed".to_owned());
        }
        if let Some(m) = &c.misattributed {
            flags.push(format!("misattributed to {m}"));
        }
        if c.circular {
            flags.push("CIRCULAR".to_owned());
        }
        if c.independence_unknown {
            flags.push("independence unknown".to_owned());
        }
        out.push(format!(
            "  {}  {} {:<25} E {}  {}, {}{}",
            c.claim.short(),
            c.pair(),
            c.credibility.wording(),
            c.opinion.e,
            count(c.reports, "report"),
            count(c.origins, "origin"),
            if flags.is_empty() {
                String::new()
            } else {
                format!("  {}", flags.join(", "))
            }
        ));
    }
    Ok((out, scores.state_root().to_hex()))
}

/// `checkers`: every checker and its weight, or one explained.
pub fn checkers(ctx: &Ctx, a: &CheckersArgs) -> Result<()> {
    let ledger = ctx.open()?;
    let scores = replay_ledger(&ledger, as_of(a.as_of.as_deref())?)?;
    let params = scores.params();
    let picked: Vec<&CheckerScore> = match &a.id {
        Some(id) => vec![find_checker(&scores, id)?],
        None => scores.checkers().collect(),
    };
    let explain = |c: &CheckerScore| {
        scores
            .explain_checker(&c.id)
            .ok_or_else(|| anyhow!("no explanation for checker `{}`", c.id))
    };
    if ctx.json {
        let mut items = Vec::with_capacity(picked.len());
        for c in &picked {
            let mut v = serde_json::to_value(c)?;
            if a.explain {
                v["stories"] = serde_json::to_value(explain(c)?.stories)?;
            }
            items.push(v);
        }
        let out = match a.id {
            Some(_) => {
                let mut v = items.into_iter().next().unwrap_or(Value::Null);
                v["checker_prior_weight"] = serde_json::to_value(params.checker_prior_weight)?;
                v
            }
            None => json!({
                "state_root": scores.state_root().to_hex(),
                "decay_time": scores.decay_time().map(|t| t.to_string()),
                "checker_prior_weight": params.checker_prior_weight,
                "checker_default_trust": params.checker_default_trust,
                "checkers": items,
            }),
        };
        print_json(&out)?;
        return Ok(());
    }
    if let Some(t) = scores.decay_time() {
        outln!("as of {t} (state root {})", short_root(&scores));
    }
    if picked.is_empty() {
        outln!("no fact-checker in the ledger");
        return Ok(());
    }
    if a.id.is_none() && !a.explain {
        print_checker_table(&picked)?;
        outln!(
            "weight = (α + P·p) / (α + δ + P), P = {}: p is the prior (an admin's trust grade, or the default {}); each shared story adds the others' consensus strength to α as far as the checker sides with it, the rest to δ",
            short(params.checker_prior_weight),
            short(params.checker_default_trust)
        );
        return Ok(());
    }
    for (i, c) in picked.iter().enumerate() {
        if i > 0 {
            outln!();
        }
        print_checker(c, params.checker_prior_weight)?;
        if a.explain {
            print_checker_stories(&explain(c)?)?;
        }
    }
    Ok(())
}

/// The checker `id` names: its id exactly, else the one checker holding a
/// key of that name.
fn find_checker<'a>(scores: &'a Scores, id: &str) -> Result<&'a CheckerScore> {
    if let Some(c) = scores.checker(id) {
        return Ok(c);
    }
    let holding: Vec<&CheckerScore> = scores
        .checkers()
        .filter(|c| c.keys.iter().any(|k| k == id))
        .collect();
    match holding.as_slice() {
        [one] => Ok(one),
        [] => bail!("no checker `{id}` in the ledger (`isnad checkers` lists them)"),
        many => bail!(
            "`{id}` is a key of {} checkers ({}): give the checker's id",
            many.len(),
            many.iter()
                .map(|c| c.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn checker_kind(c: &CheckerScore) -> &'static str {
    if c.organisation {
        "organisation"
    } else {
        "key"
    }
}

fn prior_text(c: &CheckerScore) -> String {
    match c.prior {
        Some(g) => format!("trust {g}"),
        None => "default".to_owned(),
    }
}

fn print_checker_table(picked: &[&CheckerScore]) -> Result<()> {
    let w = picked
        .iter()
        .map(|c| c.id.chars().count())
        .max()
        .unwrap_or(0)
        .max("checker".len());
    outln!(
        "{:<w$}  {:<12} {:>8}  {:<8} {:>8} {:>7} {:>8} {:>8} {:>7}",
        "checker",
        "kind",
        "weight",
        "prior",
        "p",
        "shared",
        "α",
        "δ",
        "voices"
    );
    for c in picked {
        outln!(
            "{:<w$}  {:<12} {:>8}  {:<8} {:>8} {:>7} {:>8} {:>8} {:>7}",
            c.id,
            checker_kind(c),
            short(c.weight),
            prior_text(c),
            short(c.prior_weight),
            c.shared,
            short(c.agree),
            short(c.disagree),
            c.voices
        );
    }
    Ok(())
}

fn print_checker(c: &CheckerScore, big_p: score::Micro) -> Result<()> {
    outln!(
        "checker {} ({}; {} {})",
        c.id,
        if c.organisation {
            "an organisation"
        } else {
            "a key no organisation holds"
        },
        if c.keys.len() == 1 { "key" } else { "keys" },
        c.keys.join(", ")
    );
    outln!(
        "  weight {} = (α {} + P {} × p {}) / (α {} + δ {} + P {})",
        c.weight,
        c.agree,
        big_p,
        c.prior_weight,
        c.agree,
        c.disagree,
        big_p
    );
    outln!(
        "  prior p {}: {}",
        c.prior_weight,
        match c.prior {
            Some(g) => format!("the admin's trust grade {g}"),
            None => "the default (no trust grade)".to_owned(),
        }
    );
    outln!(
        "  shares {} with other checkers: agreement α {}, disagreement δ {}",
        count_as(c.shared, "story", "stories"),
        c.agree,
        c.disagree
    );
    outln!(
        "  {} (its latest counting verdict per claim)",
        count(c.voices, "voice")
    );
    Ok(())
}

fn print_checker_stories(ex: &CheckerExplanation) -> Result<()> {
    outln!("  stories shared");
    if ex.stories.is_empty() {
        outln!("    none: no other checker rated the same stories");
    }
    for s in &ex.stories {
        outln!(
            "    story {}: its verdict {} rated {}; others {}; α +{} δ +{}",
            s.story.short(),
            s.verdict.short(),
            s.rating.as_str(),
            s.others.join(", "),
            s.agree,
            s.disagree
        );
    }
    Ok(())
}
