//! `export claimreview`, `import claimreview` and `export prov`: reading
//! and writing other tools' formats through `isnad_core::interop`.

use std::fs::File;
use std::io::Write as _;
use std::path::Path;

use anyhow::{Context as _, Result};
use isnad_core::interop::prov;

use crate::commands::Ctx;

/// `export prov`: the attribution graph as pretty-printed PROV-JSON, to
/// `out` or standard output.
pub fn export_prov(ctx: &Ctx, out: Option<&Path>) -> Result<()> {
    let ledger = ctx.open()?;
    let doc = prov::export(&ledger).map_err(|e| ctx.storage(e))?;
    // The whole document is in memory already; its text goes out in one
    // write, whose I/O error (a closed pipe) reaches main as itself.
    let mut text = serde_json::to_string_pretty(&doc)?;
    text.push('\n');
    match out {
        Some(p) => {
            let mut f = File::create(p).with_context(|| format!("{}", p.display()))?;
            f.write_all(text.as_bytes())
                .and_then(|()| f.sync_all())
                .with_context(|| format!("{}", p.display()))?;
            eprintln!(
                "exported {} agents, {} entities",
                doc.agent.len(),
                doc.entity.len()
            );
        }
        None => {
            let mut w = std::io::stdout().lock();
            w.write_all(text.as_bytes())?;
            w.flush()?;
        }
    }
    Ok(())
}
