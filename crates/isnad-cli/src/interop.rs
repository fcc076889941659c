//! `export claimreview`, `import claimreview` and `export prov`: reading
//! and writing other tools' formats through `isnad_core::interop`.

use std::path::Path;

use anyhow::{Result, bail};

use crate::commands::Ctx;

/// `export prov`.
pub fn export_prov(_ctx: &Ctx, _out: Option<&Path>) -> Result<()> {
    bail!("export prov is not written yet")
}
