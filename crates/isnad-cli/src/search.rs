//! `search` and `match`: the ledger's claims folded into the search
//! catalog (`isnad_core::search`), then results as lines or JSON.

use anyhow::Result;
use isnad_core::SourceId;
use isnad_core::search::Hit;
use isnad_core::search::catalog::{Catalog, Claim, Filters};
use serde_json::{Value, json};

use crate::cli::{MatchArgs, SearchArgs};
use crate::commands::Ctx;
use crate::output::{clip, outln, print_json};

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
    let catalog = Catalog::load(&ctx.open()?)?;
    let hits = catalog.search(&a.query, &filters);
    let offset = usize::try_from(a.offset).unwrap_or(usize::MAX);
    let limit = usize::try_from(a.limit).unwrap_or(usize::MAX);
    let page: Vec<&Hit> = hits.iter().skip(offset).take(limit).collect();
    if ctx.json {
        print_json(&json!({
            "query": a.query,
            "total": hits.len(),
            "offset": offset,
            "claims": page.iter().map(|h| row(&catalog, h)).collect::<Vec<_>>(),
        }))?;
        return Ok(());
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
        print_hit(&catalog, h)?;
    }
    Ok(())
}

/// `match`.
pub fn matches(ctx: &Ctx, a: &MatchArgs) -> Result<()> {
    let catalog = Catalog::load(&ctx.open()?)?;
    let limit = usize::try_from(a.limit).unwrap_or(usize::MAX);
    let hits: Vec<Hit> = catalog.resemble(&a.text).into_iter().take(limit).collect();
    if ctx.json {
        print_json(&json!({
            "matches": hits.iter().map(|h| row(&catalog, h)).collect::<Vec<_>>(),
        }))?;
        return Ok(());
    }
    if hits.is_empty() {
        outln!("no recorded claim resembles it");
    }
    for h in &hits {
        print_hit(&catalog, h)?;
    }
    Ok(())
}

fn claim_of<'a>(catalog: &'a Catalog, h: &Hit) -> &'a Claim {
    // Hits name places in the catalog that made them.
    &catalog.claims()[h.claim as usize]
}

fn row(catalog: &Catalog, h: &Hit) -> Value {
    let c = claim_of(catalog, h);
    let (lang, text) = c.text(h.field);
    json!({
        "id": c.id.to_hex(),
        "score": h.score,
        "text": c.current.text,
        "lang": c.current.lang,
        "date": c.current.appeared.date,
        "matched": {
            "field": if h.field == 0 { "text" } else { "translation" },
            "lang": lang,
            "text": text,
        },
    })
}

fn print_hit(catalog: &Catalog, h: &Hit) -> Result<()> {
    let c = claim_of(catalog, h);
    outln!(
        "{}  {:.3}  {}  [{}] {}",
        c.id.short(),
        h.score,
        c.current.appeared.date,
        c.current.lang,
        clip(&c.current.text, 100)
    );
    if h.field > 0 {
        let (lang, text) = c.text(h.field);
        outln!("      matched the {lang} translation: {}", clip(text, 100));
    }
    Ok(())
}
