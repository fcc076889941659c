//! `export tiles` and `mirror`: the transparency log as C2SP tlog-tiles
//! static files, and following a published one. The checks are in
//! `isnad_core::mirror`; this module brings the HTTP client and the text.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context as _, Result, anyhow, bail};
use isnad_core::Error;
use isnad_core::mirror::{DirSource, Fetch};
use isnad_core::store::witnessing::WitnessConfig;
use serde_json::json;

use crate::VerificationFailed;
use crate::cli::MirrorArgs;
use crate::commands::{Ctx, b64, log_key_path, now, read_quorum, read_vkey};
use crate::exit::{Checking, fails_verification, hint};
use crate::keyfile;
use crate::output::{outln, print_json};
use crate::witnesses::HttpWitnesses;

/// How long one request may take, connection and body included.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// `export tiles DIR [--log-key FILE]`.
pub fn export_tiles(ctx: &Ctx, dir: &Path, log_key: Option<&Path>) -> Result<()> {
    let ledger = ctx.open()?;
    // Read the key first (a missing key is an input error before any
    // work), but sign only once the tiles are written.
    let key = match ledger.checkpoint_at(ledger.len()?)? {
        Some(_) => None,
        None => Some(
            keyfile::read(&log_key_path(&ctx.ledger, log_key))
                .context("signing a checkpoint needs the log key (see --log-key)")?,
        ),
    };
    let witnesses = WitnessConfig::load(&ctx.ledger)?;
    let client = HttpWitnesses::new(crate::witnesses::DEFAULT_TIMEOUT);
    let mut round = None;
    let report = ledger
        .export_tiles(dir, &mut |size| {
            let signed = match ledger.checkpoint_at(size)? {
                Some(cp) => cp,
                None => match &key {
                    Some(k) => ledger.sign_checkpoint(k)?,
                    None => return Err(Error::NoCheckpoint { size }),
                },
            };
            if witnesses.is_empty() {
                return Ok(signed);
            }
            // The checkpoint published carries the cosignatures.
            let r = ledger.cosign_latest(&witnesses, &client)?;
            let cosigned = r.checkpoint().clone();
            round = Some(r);
            Ok(cosigned)
        })
        .map_err(|e| ctx.storage(e))?;
    if let Some(r) = &round {
        crate::witnesses::report(r);
    }
    let root = ledger.tree_root(report.size)?;
    if ctx.json {
        print_json(&json!({
            "dir": dir.display().to_string(),
            "size": report.size,
            "root_hash": b64(&root),
            "previous": report.previous,
            "written": report.written,
            "unchanged": report.unchanged,
            "removed": report.removed,
            "abandoned": report.abandoned,
        }))?;
    } else {
        let removed = match report.removed {
            0 => String::new(),
            1 => ", 1 stale partial tile removed".into(),
            n => format!(", {n} stale partial tiles removed"),
        };
        let abandoned = match report.abandoned {
            0 => String::new(),
            1 => ", 1 temporary file of a killed export removed".into(),
            n => format!(", {n} temporary files of a killed export removed"),
        };
        outln!(
            "tiles of {} entries in {}: {} file{} written, {} unchanged{removed}{abandoned}",
            report.size,
            dir.display(),
            report.written,
            if report.written == 1 { "" } else { "s" },
            report.unchanged
        );
    }
    Ok(())
}

/// A log published over HTTP(S), under a URL prefix.
struct HttpSource {
    agent: ureq::Agent,
    prefix: String,
}

impl HttpSource {
    fn new(url: &str) -> Result<HttpSource> {
        let parsed = url::Url::parse(url).with_context(|| format!("{url}: not a URL"))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
            bail!("{url}: not an http:// or https:// URL");
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            bail!("{url}: a log's URL prefix has no query or fragment");
        }
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(REQUEST_TIMEOUT))
            .build();
        Ok(HttpSource {
            agent: ureq::Agent::new_with_config(config),
            prefix: parsed.as_str().trim_end_matches('/').to_owned(),
        })
    }
}

impl Fetch for HttpSource {
    fn fetch(&mut self, path: &str, max: usize) -> Result<Vec<u8>, Error> {
        let url = format!("{}/{path}", self.prefix);
        let failed = |reason: String| Error::Fetch {
            path: path.to_owned(),
            reason,
        };
        let mut response = match self.agent.get(&url).call() {
            Ok(r) => r,
            Err(ureq::Error::StatusCode(code)) => {
                return Err(failed(format!("{url} answered HTTP {code}")));
            }
            Err(e) => return Err(failed(format!("{url}: {e}"))),
        };
        response
            .body_mut()
            .with_config()
            .limit(max as u64)
            .read_to_vec()
            .map_err(|e| match e {
                ureq::Error::BodyExceedsLimit(_) => failed(format!("larger than {max} bytes")),
                e => failed(format!("{url}: {e}")),
            })
    }
}

/// `mirror URL DIR --vkey KEY|FILE`.
pub fn mirror(ctx: &Ctx, a: &MirrorArgs) -> Result<()> {
    let vkey = read_vkey(&a.vkey)?;
    let quorum = read_quorum(&a.quorum)?;
    let mut source: Box<dyn Fetch> =
        if a.url.starts_with("http://") || a.url.starts_with("https://") {
            Box::new(HttpSource::new(&a.url)?)
        } else if Path::new(&a.url).is_dir() {
            Box::new(DirSource::new(Path::new(&a.url)))
        } else {
            bail!(
                "{}: neither an http:// or https:// URL nor a directory",
                a.url
            );
        };
    let options = isnad_core::OpenOptions {
        wait: ctx.wait,
        ..Default::default()
    };
    let report = match isnad_core::mirror::mirror_with_quorum(
        &a.dir,
        source.as_mut(),
        &vkey,
        &quorum,
        now(),
        &options,
    ) {
        Ok(r) => r,
        Err(e) if fails_verification(&e, Checking::Publication) => {
            return Err(
                VerificationFailed(anyhow!(e).context(format!("mirror of {}", a.url))).into(),
            );
        }
        Err(e) => {
            return Err(match hint(&e) {
                Some(hint) => anyhow!("{e} ({hint})"),
                None => anyhow!(e).context(format!("mirror of {}", a.url)),
            });
        }
    };
    let cp = report.checkpoint.checkpoint();
    if ctx.json {
        print_json(&json!({
            "origin": cp.origin(),
            "size": report.size,
            "before": report.before,
            "added": report.added(),
            "root_hash": b64(cp.root()),
            "created": report.created,
            "fetched": report.fetched,
            "ledger": a.dir.join(isnad_core::mirror::LEDGER_DIR).display().to_string(),
        }))?;
    } else if report.added() == 0 {
        outln!(
            "up to date: {} entries, checkpoint verified ({})",
            report.size,
            cp.origin()
        );
    } else {
        outln!(
            "mirrored {} new entr{}; now {}, checkpoint verified ({})",
            report.added(),
            if report.added() == 1 { "y" } else { "ies" },
            report.size,
            cp.origin()
        );
    }
    Ok(())
}
