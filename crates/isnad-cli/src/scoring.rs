//! The scoring commands (`replay`, `score`, `credibility`) and the scoring
//! lines `trace` and `demo` add. Every number comes from
//! `isnad_core::score`; this module only chooses what to print.

use std::fs::File;
use std::io::BufReader;

use anyhow::{Context as _, Result, anyhow, bail};
use isnad_core::score::{
    self, AsOf, ClaimExplanation, ClaimScore, EvidenceRole, NoShare, Params, Published, Scores,
    SourceExplanation, SourceScore, VerdictStatus, grade_wording,
};
use isnad_core::{EntryHash, Kind, Ledger, SourceId};
use serde_json::{Value, json};

use crate::cli::{CredibilityArgs, ReplayArgs, ScoreArgs};
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
        let w = slug_width(&picked);
        outln!(
            "{:>4}  {:<w$} {:<5} {:>8} {:>8} {:>8} {:>8} {:>8} {:>9} {:>9} {:>8}  prior",
            "rank",
            "source",
            "grade",
            "E",
            "b",
            "d",
            "u",
            "a",
            "r",
            "s",
            "verdicts"
        );
        for (i, s) in picked.iter().enumerate() {
            let o = &s.opinion;
            let row = format!(
                "{:>4}  {:<w$} {:<5} {:>8} {:>8} {:>8} {:>8} {:>8} {:>9} {:>9} {:>8}  {}",
                i + 1,
                s.id.as_str(),
                format!("{:?}", s.grade),
                short(o.e),
                short(o.b),
                short(o.d),
                short(o.u),
                short(o.a),
                short(s.r),
                short(s.s),
                s.verdicts,
                s.prior.map(|g| format!("{g:?}")).unwrap_or_default()
            );
            outln!("{}", row.trim_end());
        }
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

fn print_source(s: &SourceScore) -> Result<()> {
    outln!(
        "source {}: grade {:?} ({}), {}",
        s.id,
        s.grade,
        grade_wording(s.grade),
        opinion_text(&s.opinion)
    );
    outln!(
        "  evidence r {} s {} from {} verdict{}{}{}{}",
        s.r,
        s.s,
        s.verdicts,
        if s.verdicts == 1 { "" } else { "s" },
        s.prior
            .map(|g| format!("; editor's prior {g:?} sets the base rate"))
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
    if ex.evidence.is_empty() {
        outln!("  no verdict moved this score");
    }
    for e in &ex.evidence {
        outln!(
            "  verdict {} on claim {}: {} ({}%) by {}, {} days old",
            e.verdict.short(),
            e.claim.short(),
            e.rating.as_str(),
            e.confidence,
            e.signer,
            e.age_secs / 86_400
        );
        outln!(
            "      decay {} → weight {}; {} (share {}): r +{} s +{}",
            e.decay,
            e.weight,
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
    Ok(())
}

fn source_json(scores: &Scores, s: &SourceScore, explain: bool) -> Result<Value> {
    let mut v = serde_json::to_value(s)?;
    v["grade_wording"] = grade_wording(s.grade).into();
    if explain {
        let ex = scores
            .explain_source(&s.id)
            .ok_or_else(|| anyhow!("no explanation for source `{}`", s.id))?;
        v["evidence"] = serde_json::to_value(&ex.evidence)?;
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
            v["reports"] = serde_json::to_value(&ex.reports)?;
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
        print_claim_explanation(&ex)?;
    }
    Ok(())
}

fn claim_json(c: &ClaimScore, ex: &ClaimExplanation) -> Result<Value> {
    let mut v = serde_json::to_value(c)?;
    v["credibility_wording"] = c.credibility.wording().into();
    v["origin_sources"] = ex
        .origins
        .iter()
        .map(|o| Value::from(o.source.as_str()))
        .collect();
    Ok(v)
}

/// What `credibility` and `trace` print about a claim's score.
fn summary_lines(c: &ClaimScore, ex: &ClaimExplanation) -> Vec<String> {
    let origins: Vec<&str> = ex.origins.iter().map(|o| o.source.as_str()).collect();
    let mut out = vec![
        format!(
            "credibility {} ({}): {}",
            c.credibility.digit(),
            c.credibility.wording(),
            opinion_text(&c.opinion)
        ),
        format!(
            "  story of {} report{}, {} independent origin{}{}; {} confirmation{}",
            c.reports,
            if c.reports == 1 { "" } else { "s" },
            c.origins,
            if c.origins == 1 { "" } else { "s" },
            if origins.is_empty() {
                String::new()
            } else {
                format!(" ({})", origins.join(", "))
            },
            c.confirmations,
            if c.confirmations == 1 { "" } else { "s" },
        ),
    ];
    if c.circular {
        out.push(format!(
            "  CIRCULAR REPORTING: {} reports trace back to {} named origin{}",
            c.reports,
            c.origins,
            if c.origins == 1 { "" } else { "s" }
        ));
    }
    out
}

fn print_claim_explanation(ex: &ClaimExplanation) -> Result<()> {
    outln!("reports");
    for r in &ex.reports {
        let chain: Vec<&str> = r.chain.iter().map(SourceId::as_str).collect();
        outln!("  {}  {}", r.claim.short(), chain.join(" → "));
        outln!(
            "      origin {}{}{}; relays' trust {}; {}",
            r.origin.as_ref().map_or("unnamed", SourceId::as_str),
            r.derived_from
                .map(|d| format!(" (derived from {})", d.short()))
                .unwrap_or_default(),
            if r.misattributed {
                " (misattributed)"
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
            "  {} — {} report{}, fused as dependent: {}",
            o.source,
            o.reports,
            if o.reports == 1 { "" } else { "s" },
            opinion_text(&o.opinion)
        );
    }
    outln!("verdicts");
    if ex.verdicts.is_empty() {
        outln!("  none");
    }
    for v in &ex.verdicts {
        outln!(
            "  {} on {}: {} ({}%) by {}: {}, weight {}, r +{} s +{}{}",
            v.verdict.short(),
            v.claim.short(),
            v.rating.as_str(),
            v.confidence,
            v.signer.as_deref().unwrap_or("an unknown key"),
            status_text(v.status),
            v.weight,
            v.r,
            v.s,
            if v.confirms { ", confirms" } else { "" }
        );
    }
    if let Some(o) = &ex.verdict_opinion {
        outln!("  the verdicts' opinion: {}", opinion_text(o));
    }
    Ok(())
}

/// `trace`'s scoring lines for a claim, or why it has none.
pub fn trace_lines(ledger: &Ledger, claim: &EntryHash) -> Result<Vec<String>> {
    let scores = replay_ledger(ledger, AsOf::Head)?;
    Ok(match scores.claim(claim) {
        Some(c) => {
            let ex = scores
                .explain_claim(claim)
                .ok_or_else(|| anyhow!("no explanation for claim {}", claim.short()))?;
            summary_lines(c, &ex)
        }
        None => vec!["no credibility: the claim is retracted".into()],
    })
}

/// `trace --json`'s scoring object.
pub fn trace_json(ledger: &Ledger, claim: &EntryHash) -> Result<Value> {
    let scores = replay_ledger(ledger, AsOf::Head)?;
    match (scores.claim(claim), scores.explain_claim(claim)) {
        (Some(c), Some(ex)) => claim_json(c, &ex),
        _ => Ok(Value::Null),
    }
}

/// The demo's scores: sources ranked, each claim's digit, the state root.
pub fn demo_lines(ledger: &Ledger) -> Result<(Vec<String>, String)> {
    let scores = replay_ledger(ledger, AsOf::Head)?;
    let mut out = vec!["Source credibility (from the illustrative verdicts)".to_owned()];
    let ranked = scores.ranked();
    let w = slug_width(&ranked);
    for s in ranked {
        out.push(format!(
            "  {:<w$} {:?} {:<29} E {}  r {} s {}{}",
            s.id.as_str(),
            s.grade,
            grade_wording(s.grade),
            s.opinion.e,
            short(s.r),
            short(s.s),
            s.prior
                .map(|g| format!("  prior {g:?}"))
                .unwrap_or_default()
        ));
    }
    out.push(String::new());
    out.push("Claim credibility (Admiralty digit, reports, independent origins)".to_owned());
    for c in scores.claims() {
        out.push(format!(
            "  {}  {} {:<25} E {}  {} report{}, {} origin{}{}",
            c.claim.short(),
            c.credibility.digit(),
            c.credibility.wording(),
            c.opinion.e,
            c.reports,
            if c.reports == 1 { "" } else { "s" },
            c.origins,
            if c.origins == 1 { "" } else { "s" },
            if c.circular { "  CIRCULAR" } else { "" }
        ));
    }
    Ok((out, scores.state_root().to_hex()))
}
