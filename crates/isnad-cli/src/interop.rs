//! `export claimreview`, `import claimreview` and `export prov`: reading
//! and writing other tools' formats through `isnad_core::interop`.

use std::fs::File;
use std::io::Write as _;
use std::path::Path;

use anyhow::{Context as _, Result, anyhow, bail};
use isnad_core::interop::claimreview::{self, ExportOptions, Organization};
use isnad_core::interop::import::{self, ImportOptions};
use isnad_core::interop::prov;
use isnad_core::interop::read::{self, ReadOptions};
use isnad_core::interop::stream;
use serde_json::json;

use crate::cli::{ClaimReviewExportArgs, ClaimReviewImportArgs};
use crate::commands::{Ctx, now};
use crate::output::{outln, print_json};

/// `export prov`: the attribution graph as pretty-printed PROV-JSON, to
/// `out` or standard output.
pub fn export_prov(ctx: &Ctx, out: Option<&Path>) -> Result<()> {
    let ledger = ctx.open()?;
    let doc = prov::export(&ledger).map_err(|e| ctx.storage(e))?;
    write_json(&doc, out)?;
    if out.is_some() {
        eprintln!(
            "exported {} agents, {} entities",
            doc.agent.len(),
            doc.entity.len()
        );
    }
    Ok(())
}

/// Writes `value` as pretty JSON to `out` (synced), or standard output.
/// The text is made first and written in one go, so that an I/O error (a
/// closed pipe under `| head`) reaches `main` as itself.
fn write_json<T: serde::Serialize>(value: &T, out: Option<&Path>) -> Result<()> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    match out {
        Some(p) => {
            let mut f = File::create(p).with_context(|| format!("{}", p.display()))?;
            f.write_all(text.as_bytes())
                .and_then(|()| f.sync_all())
                .with_context(|| format!("{}", p.display()))?;
        }
        None => {
            let mut w = std::io::stdout().lock();
            w.write_all(text.as_bytes())?;
            w.flush()?;
        }
    }
    Ok(())
}

/// An absolute http(s) URL given on the command line.
fn url_arg(flag: &str, raw: &str) -> Result<url::Url> {
    let u = url::Url::parse(raw).map_err(|e| anyhow!("{flag} `{raw}`: {e}"))?;
    if !matches!(u.scheme(), "http" | "https") {
        bail!("{flag} `{raw}`: not an http(s) URL");
    }
    Ok(u)
}

/// `export claimreview`.
pub fn export_claimreview(ctx: &Ctx, a: &ClaimReviewExportArgs) -> Result<()> {
    if let Some(b) = &a.base_url {
        url_arg("--base-url", b)?;
    }
    if let Some(u) = &a.org_url {
        url_arg("--org-url", u)?;
    }
    let options = ExportOptions {
        base_url: a.base_url.clone(),
        organization: a.org.as_ref().map(|name| Organization {
            name: name.clone(),
            url: a.org_url.clone(),
        }),
    };
    let ledger = ctx.open()?;
    let reviews = claimreview::export(&ledger, &options).map_err(|e| ctx.storage(e))?;
    write_json(&reviews, a.out.as_deref())?;
    let missing = reviews.iter().filter(|r| r.url.is_none()).count();
    if missing > 0 {
        eprintln!(
            "isnad: note: {missing} of {} reviews have no url, which Google's Fact Check \
             Tools require; --base-url gives every review one",
            reviews.len()
        );
    }
    if a.out.is_some() {
        eprintln!("exported {} reviews", reviews.len());
    }
    Ok(())
}

/// `import claimreview`: two passes over the file, a piece at a time
/// (`isnad_core::interop::stream`). The first reads and checks every
/// review and lists what cannot be imported; the second, when that allows,
/// appends the rest in one batch. Neither holds the file in memory.
pub fn import_claimreview(ctx: &Ctx, a: &ClaimReviewImportArgs) -> Result<()> {
    let key = ctx.signing_key()?;
    isnad_core::record::check_lang("--lang", &a.lang)?;
    let base_url = match &a.base_url {
        Some(b) => Some(url_arg("--base-url", b)?),
        None => None,
    };
    let file = a.file.display().to_string();
    let size = std::fs::metadata(&a.file)
        .with_context(|| file.clone())?
        .len();
    if size > a.max_bytes {
        bail!(
            "{file}: {size} bytes, over the import cap of {} bytes; nothing was read \
             (--max-bytes raises the cap)",
            a.max_bytes
        );
    }
    let read_options = ReadOptions {
        base_url,
        lang: a.lang.clone(),
    };
    let options = ImportOptions {
        confidence: a.confidence,
    };
    // Pass 1: what can be imported, and what cannot.
    let mut fit = 0usize;
    let mut unfit = 0usize;
    pieces(&a.file, a.max_bytes, &read_options, &mut |reading| {
        let (prepared, bad) = import::prepare(&reading.reviews, &options);
        fit += prepared.len();
        for p in reading.problems.iter().chain(&bad) {
            eprintln!("isnad: {file}: {p}");
            unfit += 1;
        }
        Ok(())
    })
    .with_context(|| file.clone())?;
    let total = fit + unfit;
    if unfit > 0 && !a.skip_invalid {
        bail!(
            "{unfit} of {total} reviews in {file} cannot be imported (listed above); nothing was \
             written (--skip-invalid imports the other {fit})"
        );
    }
    if fit == 0 {
        bail!("{file}: no review can be imported; nothing was written");
    }
    // Pass 2: the same pieces again, appended.
    let ledger = ctx.open_caching(crate::commands::IMPORT_CACHE_BYTES)?;
    let now = now();
    let mut importer = import::Importer::new(&ledger, &key, now).map_err(|e| ctx.storage(e))?;
    pieces(&a.file, a.max_bytes, &read_options, &mut |reading| {
        let (prepared, _) = import::prepare(&reading.reviews, &options);
        for p in &prepared {
            importer.add(p)?;
        }
        Ok(())
    })
    .map_err(|e| match e.downcast::<isnad_core::Error>() {
        Ok(e) => ctx.storage(e),
        Err(e) => e.context(file.clone()),
    })?;
    let report = importer.finish().map_err(|e| ctx.storage(e))?;
    if ctx.json {
        print_json(&json!({
            "reviews": report.reviews,
            "skipped": unfit,
            "added": report.added(),
            "sources": report.sources,
            "claims": report.claims,
            "verdicts": report.verdicts,
            "updated": report.updated,
            "unchanged": report.unchanged,
        }))?;
    } else {
        outln!(
            "imported {} reviews: {} new entries ({} sources, {} claims, {} verdicts, {} of them \
             updates), {} already present{}",
            report.reviews,
            report.added(),
            report.sources,
            report.claims,
            report.verdicts,
            report.updated,
            report.unchanged,
            if unfit == 0 {
                String::new()
            } else {
                format!("; {unfit} invalid reviews skipped")
            }
        );
    }
    Ok(())
}

/// Reads `path` a piece at a time, at most `cap` bytes of it.
fn pieces(
    path: &Path,
    cap: u64,
    options: &ReadOptions,
    f: &mut dyn FnMut(read::Reading) -> Result<(), isnad_core::Error>,
) -> Result<()> {
    let file = File::open(path)?;
    let mut input = std::io::BufReader::with_capacity(1 << 16, stream::Capped::new(file, cap));
    stream::each(&mut input, options, f)?;
    Ok(())
}
