//! `search` and `match`: the ledger's search index (`isnad_search`, kept
//! in `<ledger>/search/`) brought up to date with whatever was appended
//! since it last ran, then results as lines or JSON.

use anyhow::{Context, Result};
use isnad_core::SourceId;
use isnad_core::search::catalog::Filters;
use isnad_search::{CaughtUp, Hit, SearchIndex, View};
use serde_json::{Value, json};

use crate::cli::{MatchArgs, SearchArgs};
use crate::commands::Ctx;
use crate::output::{clip, outln, print_json};

/// The index, caught up with the ledger: started again (and said so on
/// standard error) when it was missing, unreadable or another ledger's.
/// The caller closes it ([`SearchIndex::close`]) once it has answered.
fn caught_up(ctx: &Ctx) -> Result<(SearchIndex, View, CaughtUp)> {
    let ledger = ctx.open()?;
    let (mut index, rebuilt) = SearchIndex::open(&ledger)?;
    if let Some(why) = rebuilt {
        eprintln!(
            "building the search index {} from the ledger ({why})",
            index.dir().display()
        );
    }
    let done = index
        .catch_up(&ledger)
        .context("bringing the search index up to date")?;
    let view = index.view();
    Ok((index, view, done))
}

/// `search`.
pub fn search(ctx: &Ctx, a: &SearchArgs) -> Result<()> {
    let filters = Filters {
        lang: a.lang.clone(),
        source: a
            .source
            .as_deref()
            .map(|s| SourceId::parse(s, "--source"))
            .transpose()?,
        rating: a.rating,
        from: a.from.clone(),
        to: a.to.clone(),
    };
    let (index, view, done) = caught_up(ctx)?;
    let hits = view.search(&a.query, &filters, None)?;
    let offset = usize::try_from(a.offset).unwrap_or(usize::MAX);
    let limit = usize::try_from(a.limit).unwrap_or(usize::MAX);
    let page: Vec<&Hit> = hits.iter().skip(offset).take(limit).collect();
    if ctx.json {
        print_json(&json!({
            "query": a.query,
            "total": hits.len(),
            "offset": offset,
            "claims": page.iter().map(|h| row(&view, h)).collect::<Result<Vec<_>>>()?,
            "indexed": indexed(&done),
        }))?;
        return Ok(index.close()?);
    }
    outln!(
        "{} claim{} match{}",
        hits.len(),
        if hits.len() == 1 { "" } else { "s" },
        if page.len() < hits.len() {
            format!(" (showing {}-{})", offset + 1, offset + page.len())
        } else {
            String::new()
        }
    );
    for h in page {
        print_hit(&view, h)?;
    }
    Ok(index.close()?)
}

/// `match`.
pub fn matches(ctx: &Ctx, a: &MatchArgs) -> Result<()> {
    let (index, view, done) = caught_up(ctx)?;
    let limit = usize::try_from(a.limit).unwrap_or(usize::MAX);
    let hits: Vec<Hit> = view
        .resemble(&a.text, None)?
        .into_iter()
        .take(limit)
        .collect();
    if ctx.json {
        print_json(&json!({
            "matches": hits.iter().map(|h| row(&view, h)).collect::<Result<Vec<_>>>()?,
            "indexed": indexed(&done),
        }))?;
        return Ok(index.close()?);
    }
    if hits.is_empty() {
        outln!("no recorded claim resembles it");
    }
    for h in &hits {
        print_hit(&view, h)?;
    }
    Ok(index.close()?)
}

/// How far the index reaches, and what this call folded into it.
fn indexed(done: &CaughtUp) -> Value {
    json!({"entries": done.after, "folded_now": done.after - done.before})
}

fn row(view: &View, h: &Hit) -> Result<Value> {
    let c = view.found(h)?;
    Ok(json!({
        "id": c.id,
        "score": h.score,
        "text": c.text,
        "lang": c.lang,
        "date": c.date,
        "matched": {
            "field": if h.field == 0 { "text" } else { "translation" },
            "lang": c.matched_lang,
            "text": c.matched_text,
        },
    }))
}

fn print_hit(view: &View, h: &Hit) -> Result<()> {
    let c = view.found(h)?;
    outln!(
        "{}  {:.3}  {}  [{}] {}",
        c.id.get(..12).unwrap_or(&c.id),
        h.score,
        c.date,
        c.lang,
        clip(&c.text, 100)
    );
    if h.field > 0 {
        outln!(
            "      matched the {} translation: {}",
            c.matched_lang,
            clip(&c.matched_text, 100)
        );
    }
    Ok(())
}
