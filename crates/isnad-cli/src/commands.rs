//! One function per command: parse arguments into library calls, print the
//! result. No ledger logic lives here.

use std::fs::File;
use std::io::{BufReader, BufWriter, Write as _};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, anyhow, bail};
use isnad_core::attribution::{ClaimView, SourceView};
use isnad_core::checkpoint;
use isnad_core::cosignature::{CosignerKey, Quorum};
use isnad_core::jsonl::verify_jsonl;
use isnad_core::proof::{ConsistencyProof, InclusionProof};
use isnad_core::record::{
    AmendmentBody, Appearance, Change, ClaimBody, Grade, Hop, HopRelation, KeyBody, PriorBody,
    RelationBody, RevocationBody, RevocationReason, SourceBody, Translation, TrustBody,
    VerdictBody,
};
use isnad_core::store::witnessing::WitnessConfig;
use isnad_core::{
    Entry, KeyPair, Kind, Ledger, OrgId, Record, Role, SourceId, Timestamp, VerifierKey,
};
use serde_json::json;

use crate::VerificationFailed;
use crate::cli::*;
use crate::keyfile;
use crate::output::{clip, outln, print_json, progress};
use crate::scoring;

/// Runs one parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    let ctx = Ctx {
        ledger: cli.ledger,
        key: cli.key,
        json: cli.json,
        wait: cli.wait,
        server: cli.server,
    };
    match cli.command {
        Command::Init(a) => init(&ctx, &a),
        Command::Key(k) => key(&ctx, k),
        Command::Source(SourceCommand::Add(a)) => source_add(&ctx, a),
        Command::Source(SourceCommand::Show { id }) => source_show(&ctx, &id),
        Command::Source(SourceCommand::List) => source_list(&ctx),
        Command::Claim(ClaimCommand::Add(a)) => claim_add(&ctx, a),
        Command::Verdict(VerdictCommand::Add(a)) => verdict_add(&ctx, a),
        Command::Relate(a) => relate(&ctx, a),
        Command::Amend(a) => amend(&ctx, a),
        Command::Prior(a) => prior(&ctx, a),
        Command::Trust(a) => trust(&ctx, a),
        Command::Log(a) => log(&ctx, &a),
        Command::Show(a) => show(&ctx, &a.id, a.leaf),
        Command::Trace(a) => trace(&ctx, &a.claim),
        Command::Search(a) => crate::search::search(&ctx, &a),
        Command::Match(a) => crate::search::matches(&ctx, &a),
        Command::Verify(a) => verify(&ctx, &a),
        Command::Migrate => migrate(&ctx),
        Command::Replay(a) => scoring::replay(&ctx, &a),
        Command::Score(a) => scoring::score(&ctx, &a),
        Command::Credibility(a) => scoring::credibility(&ctx, &a),
        Command::Checkers(a) => scoring::checkers(&ctx, &a),
        Command::Checkpoint(a) => checkpoint(&ctx, &a),
        Command::Prove(a) => prove(&ctx, &a),
        Command::VerifyProof(a) => verify_proof(&ctx, &a),
        Command::Export(ExportCommand::Jsonl { out }) => export_jsonl(&ctx, out.as_deref()),
        Command::Export(ExportCommand::Claimreview(a)) => {
            crate::interop::export_claimreview(&ctx, &a)
        }
        Command::Import(ImportCommand::Claimreview(a)) => {
            crate::interop::import_claimreview(&ctx, &a)
        }
        Command::Export(ExportCommand::Prov { out }) => {
            crate::interop::export_prov(&ctx, out.as_deref())
        }
        Command::Export(ExportCommand::Tiles { dir, log_key }) => {
            crate::tiles::export_tiles(&ctx, &dir, log_key.as_deref())
        }
        Command::Mirror(a) => crate::tiles::mirror(&ctx, &a),
        Command::Import(ImportCommand::Jsonl { file, origin }) => {
            import_jsonl(&ctx, &file, origin.as_deref())
        }
        Command::Demo(a) => demo(&ctx, &a.dir),
        Command::Serve(a) => crate::serve::run(&ctx, &a),
        Command::Witness(w) => crate::witness::run(&ctx, w),
        Command::Witnesses(w) => crate::witnesses::run(&ctx, w),
        Command::Bench(a) => crate::bench::run(&ctx, a),
    }
}

/// What every command gets from the global options.
pub struct Ctx {
    /// `--ledger`.
    pub ledger: PathBuf,
    /// `--key`.
    pub key: Option<PathBuf>,
    /// `--json`.
    pub json: bool,
    /// `--wait`.
    pub wait: std::time::Duration,
    /// `--server`.
    pub server: Option<String>,
}

/// Where a write goes: the local ledger, or the server that owns it.
pub enum Target {
    /// The ledger directory, opened by this process (boxed: a ledger is
    /// large beside a client).
    Local(Box<Ledger>),
    /// `--server URL`.
    Remote(crate::remote::Remote),
}

impl Target {
    /// The entry an id prefix names.
    fn resolve(&self, prefix: &str) -> Result<Entry> {
        match self {
            Target::Local(l) => Ok(l.resolve(prefix)?),
            Target::Remote(r) => r.resolve(prefix),
        }
    }

    /// Signs and appends `record`; the entry and whether it is new.
    fn append(&self, ctx: &Ctx, key: &KeyPair, record: Record) -> Result<(Entry, bool)> {
        match self {
            Target::Local(l) => {
                let a = l.append(key, record, now()).map_err(|e| ctx.storage(e))?;
                Ok((a.entry().entry().clone(), a.is_new()))
            }
            Target::Remote(r) => r.append(key, record, now()),
        }
    }

    /// A claim as it stands after its amendments.
    fn claim_current(&self, claim: &Entry) -> Result<ClaimBody> {
        match self {
            Target::Local(l) => Ok(ClaimView::load(l, claim.clone())?.current),
            Target::Remote(r) => r.claim_current(&claim.hash()),
        }
    }

    /// A source as it stands after corrections.
    fn source_current(&self, id: &SourceId) -> Result<Option<SourceBody>> {
        match self {
            Target::Local(l) => Ok(SourceView::load(l, id)?.map(|v| v.current)),
            Target::Remote(r) => r.source_current(id),
        }
    }
}

impl Ctx {
    /// Where writes go: `--server`, else the local ledger.
    pub fn target(&self) -> Result<Target> {
        match &self.server {
            Some(url) => Ok(Target::Remote(crate::remote::Remote::new(url)?)),
            None => Ok(Target::Local(Box::new(self.open()?))),
        }
    }

    /// Opens the ledger.
    pub fn open(&self) -> Result<Ledger> {
        self.open_caching(isnad_core::store::CACHE_BYTES)
    }

    /// Opens the ledger with a page cache of at most `cache_bytes`.
    pub fn open_caching(&self, cache_bytes: u64) -> Result<Ledger> {
        if self.server.is_some() {
            bail!(
                "--server applies to the commands that write (source add, claim add, verdict add, \
                 relate, amend, prior, trust, key enroll, key revoke); read a served ledger \
                 through its API or web explorer"
            );
        }
        if isnad_core::store::migrate::needs_migration(&self.ledger) {
            // Opening would rebuild the store anyway; say so, with progress.
            eprintln!(
                "isnad: note: {} was made by an earlier isnad; rebuilding its store in the \
                 current format (once; every entry is checked again)",
                self.ledger.display()
            );
            self.migrate()?;
        }
        let options = isnad_core::OpenOptions {
            wait: self.wait,
            cache_bytes,
        };
        match Ledger::open_with(&self.ledger, &options) {
            Ok(l) => Ok(l),
            Err(e) => match crate::exit::hint(&e) {
                Some(hint) => Err(anyhow::anyhow!("{e} ({hint})")),
                None => Err(self.storage(e)),
            },
        }
    }

    /// Rebuilds the ledger's store in the current format, if it is older.
    fn migrate(&self) -> Result<isnad_core::store::migrate::MigrateReport> {
        let bar = progress(0, "migrating");
        let report = isnad_core::store::migrate::migrate(&self.ledger, &mut |n| {
            bar.set_position(n);
        });
        bar.finish_and_clear();
        report.map_err(|e| match crate::exit::hint(&e) {
            Some(hint) => anyhow::anyhow!("{e} ({hint})"),
            None => self.storage(e),
        })
    }

    /// A library error, naming the ledger when the storage under it failed
    /// (a read-only or full file system, a damaged database): sled's own
    /// message does not say which directory it was working in.
    pub fn storage(&self, e: isnad_core::Error) -> anyhow::Error {
        match e {
            e @ (isnad_core::Error::Storage(_) | isnad_core::Error::Corrupt { .. }) => {
                anyhow::Error::new(e).context(format!("ledger {}", self.ledger.display()))
            }
            e => e.into(),
        }
    }

    /// The `--key` key pair.
    pub fn signing_key(&self) -> Result<KeyPair> {
        match &self.key {
            Some(p) => keyfile::read(p),
            None => bail!("no signing key: pass --key FILE or set ISNAD_KEY"),
        }
    }
}

/// The clock, as an entry time.
pub(crate) fn now() -> Timestamp {
    Timestamp::from_datetime(chrono::Utc::now())
}

pub(crate) fn keys_dir(ledger: &Path) -> PathBuf {
    ledger.join("keys")
}

/// Where a ledger keeps its log key unless told otherwise.
pub(crate) fn log_key_path(ledger: &Path, given: Option<&Path>) -> PathBuf {
    given.map_or_else(|| keys_dir(ledger).join("log.key"), Path::to_path_buf)
}

/// A new log key named for the origin (given, or a fresh random one).
fn new_log_key(origin: Option<&str>) -> Result<KeyPair> {
    let origin = match origin {
        Some(o) => o.to_owned(),
        None => checkpoint::default_origin()?,
    };
    checkpoint::check_origin(&origin).context("--origin")?;
    KeyPair::generate(&origin).context("--origin")
}

/// Prints what an append did: the id, and whether it was already there.
fn report_append(ctx: &Ctx, appended: &isnad_core::Appended) -> Result<()> {
    report_entry(ctx, appended.entry().entry(), appended.is_new())
}

/// Prints what a write did: the id, and whether it was already there.
fn report_entry(ctx: &Ctx, e: &Entry, new: bool) -> Result<()> {
    if ctx.json {
        print_json(&json!({
            "id": e.hash().to_hex(),
            "seq": e.seq().0,
            "kind": e.kind().as_str(),
            "new": new,
        }))?;
    } else if new {
        outln!("{} {} {}", e.kind(), e.seq(), e.hash());
    } else {
        outln!(
            "{} {} {} (already recorded; nothing added)",
            e.kind(),
            e.seq(),
            e.hash()
        );
    }
    Ok(())
}

fn append(ctx: &Ctx, key: &KeyPair, record: Record) -> Result<()> {
    let target = ctx.target()?;
    let (entry, new) = target.append(ctx, key, record)?;
    report_entry(ctx, &entry, new)
}

fn init(ctx: &Ctx, a: &InitArgs) -> Result<()> {
    let dir = &ctx.ledger;
    let admin = KeyPair::generate(&a.admin_name)?;
    let log = new_log_key(a.origin.as_deref())?;
    // The key files are written with the ledger, in its staging directory:
    // a kill leaves no ledger, or one with both of them.
    let (ledger, ()) = isnad_core::init_with(dir, &admin, now(), |ledger, staging| {
        ledger.set_log_key(log.verifier())?;
        let kd = keys_dir(staging);
        keyfile::write_new(&kd.join("admin.key"), &admin)?;
        keyfile::write_new(&kd.join("log.key"), &log)?;
        Ok::<(), anyhow::Error>(())
    })?;
    let kd = keys_dir(dir);
    let genesis = ledger
        .entry(isnad_core::Seq(0))?
        .ok_or_else(|| anyhow!("genesis entry missing after init"))?;
    if ctx.json {
        print_json(&json!({
            "ledger": dir.display().to_string(),
            "admin_key": admin.verifier().to_string(),
            "admin_key_file": kd.join("admin.key").display().to_string(),
            "origin": log.name(),
            "log_key": log.verifier().to_string(),
            "genesis": genesis.hash().to_hex(),
        }))?;
    } else {
        outln!("created ledger {}", dir.display());
        outln!("admin key  {}", admin.verifier());
        outln!(
            "           private key in {} (mode 0600)",
            kd.join("admin.key").display()
        );
        outln!("origin     {}", log.name());
        outln!("log key    {}", log.verifier());
        outln!("genesis    {}", genesis.hash());
    }
    Ok(())
}

fn key(ctx: &Ctx, cmd: KeyCommand) -> Result<()> {
    match cmd {
        KeyCommand::New { name, out } => {
            let kp = KeyPair::generate(&name)?;
            let path = out.unwrap_or_else(|| PathBuf::from(format!("{name}.key")));
            keyfile::write_new(&path, &kp)?;
            if ctx.json {
                print_json(
                    &json!({"key": kp.verifier().to_string(), "file": path.display().to_string()}),
                )?;
            } else {
                outln!("{}", kp.verifier());
                eprintln!("private key written to {} (mode 0600)", path.display());
            }
            Ok(())
        }
        KeyCommand::Show { file } => {
            let kp = match file {
                Some(f) => keyfile::read(&f)?,
                None => ctx.signing_key()?,
            };
            if ctx.json {
                print_json(&json!({"key": kp.verifier().to_string(), "name": kp.name()}))?;
            } else {
                outln!("{}", kp.verifier());
            }
            Ok(())
        }
        KeyCommand::Enroll {
            vkey: key,
            roles,
            holder,
            org,
        } => {
            let vkey = verifier_arg(&key, "key to enrol")?;
            let mut roles = roles
                .iter()
                .map(|r| r.parse::<Role>())
                .collect::<Result<Vec<_>, _>>()?;
            roles.sort();
            roles.dedup();
            let org = org_arg(org.as_deref())?;
            let signer = admin_or_key(ctx)?;
            append(
                ctx,
                &signer,
                Record::Key(KeyBody {
                    key: vkey.to_string(),
                    roles,
                    holder: holder.map(|h| isnad_core::canon::nfc(&h)),
                    replaces: None,
                    org,
                }),
            )
        }
        KeyCommand::Rotate {
            name,
            out,
            holder,
            org,
        } => key_rotate(ctx, &name, out, holder, org.as_deref()),
        KeyCommand::Revoke {
            vkey,
            reason,
            since,
        } => {
            let vkey = verifier_arg(&vkey, "key to revoke")?;
            let reason: RevocationReason = reason.parse()?;
            let since = since
                .map(|t| Timestamp::parse(&t).map(|t| t.to_string()))
                .transpose()
                .context("--since")?;
            let signer = admin_or_key(ctx)?;
            append(
                ctx,
                &signer,
                Record::Revocation(RevocationBody {
                    key: vkey.to_string(),
                    reason,
                    since,
                }),
            )
        }
    }
}

/// `--org`, when given: an organisation slug.
fn org_arg(org: Option<&str>) -> Result<Option<OrgId>> {
    Ok(org.map(|o| OrgId::parse(o, "org")).transpose()?)
}

/// A verifier key given as its string or as a private key file.
fn verifier_arg(text: &str, what: &'static str) -> Result<VerifierKey> {
    match text.parse::<VerifierKey>() {
        Ok(v) => Ok(v),
        Err(parse_err) => {
            let p = Path::new(text);
            if p.is_file() {
                Ok(keyfile::read(p)?.verifier().clone())
            } else {
                Err(parse_err).context(what)
            }
        }
    }
}

/// The --key key, or the ledger's own admin key.
fn admin_or_key(ctx: &Ctx) -> Result<KeyPair> {
    match &ctx.key {
        Some(p) => keyfile::read(p),
        None => keyfile::read(&keys_dir(&ctx.ledger).join("admin.key"))
            .context("no --key given and the ledger's admin key is not readable"),
    }
}

/// `key rotate`: the new key file is written first (refusing to overwrite
/// one), so an enrolled key never lacks its private half; it is removed
/// again if the ledger refuses the handover.
fn key_rotate(
    ctx: &Ctx,
    name: &str,
    out: Option<PathBuf>,
    holder: Option<String>,
    org: Option<&str>,
) -> Result<()> {
    let org = org_arg(org)?;
    let old = ctx.signing_key()?;
    let ledger = ctx.open()?;
    let roles = isnad_core::rules::View::key(&ledger, &old.verifier().to_string())?
        .map(|f| f.roles)
        .ok_or_else(|| anyhow!("the --key key {} is not enrolled", old.verifier()))?;
    let new = KeyPair::generate(name)?;
    let path = out.unwrap_or_else(|| PathBuf::from(format!("{name}.key")));
    keyfile::write_new(&path, &new)?;
    let record = Record::Key(KeyBody {
        key: new.verifier().to_string(),
        roles,
        holder: holder.map(|h| isnad_core::canon::nfc(&h)),
        replaces: Some(old.verifier().to_string()),
        org,
    });
    match ledger.append(&old, record, now()) {
        Ok(appended) => {
            report_append(ctx, &appended)?;
            eprintln!("new private key written to {} (mode 0600)", path.display());
            Ok(())
        }
        Err(e) => {
            // Nothing refers to the new key: do not leave it behind.
            let _ = std::fs::remove_file(&path);
            Err(e.into())
        }
    }
}

fn slug(s: &str, field: &str) -> Result<SourceId> {
    Ok(SourceId::parse(s, field)?)
}

fn slugs(list: &[String], field: &str) -> Result<Vec<SourceId>> {
    let mut out = list
        .iter()
        .map(|s| slug(s, field))
        .collect::<Result<Vec<_>>>()?;
    out.sort();
    out.dedup();
    Ok(out)
}

fn nfc_opt(s: Option<String>) -> Option<String> {
    s.map(|s| isnad_core::canon::nfc(&s))
}

fn source_add(ctx: &Ctx, a: SourceAddArgs) -> Result<()> {
    let key = ctx.signing_key()?;
    let body = SourceBody {
        id: slug(&a.id, "id")?,
        name: isnad_core::canon::nfc(&a.name),
        kind: a.kind,
        url: a.url,
        language: a.language,
        affiliations: slugs(&a.affiliations, "affiliation")?,
        description: nfc_opt(a.description),
    };
    append(ctx, &key, Record::Source(body))
}

fn parse_chain(c: &ChainArgs) -> Result<Option<Vec<Hop>>> {
    let Some(publisher) = &c.publisher else {
        if c.via.is_empty() {
            return Ok(None);
        }
        bail!("--via needs --publisher (the chain starts with the publishing source)");
    };
    let mut chain = vec![Hop {
        source: slug(publisher, "publisher")?,
        relation: HopRelation::Reported,
    }];
    for v in &c.via {
        let (src, rel) = v.split_once(':').unwrap_or((v.as_str(), "cited"));
        let relation = match rel {
            "cited" => HopRelation::Cited,
            "quoted" => HopRelation::Quoted,
            "published-on" => HopRelation::PublishedOn,
            "anonymous" => HopRelation::Anonymous,
            other => bail!(
                "--via {v}: `{other}` is not a hop relation (cited, quoted, published-on, anonymous)"
            ),
        };
        chain.push(Hop {
            source: slug(src, "via")?,
            relation,
        });
    }
    Ok(Some(chain))
}

/// Largest `--text-file` read. NFC may shrink a text up to threefold and
/// trailing newlines are dropped, so a file may be somewhat larger than the
/// longest text; anything past this could never make one.
const MAX_TEXT_FILE: u64 = 4 * isnad_core::limits::MAX_TEXT as u64;

fn read_text_file(path: &Path) -> Result<String> {
    use std::io::Read as _;
    let mut bytes = Vec::new();
    File::open(path)
        .and_then(|f| f.take(MAX_TEXT_FILE + 1).read_to_end(&mut bytes))
        .with_context(|| format!("{}", path.display()))?;
    if bytes.len() as u64 > MAX_TEXT_FILE {
        bail!(
            "{}: larger than {MAX_TEXT_FILE} bytes, more than a text of at most {} bytes can come from",
            path.display(),
            isnad_core::limits::MAX_TEXT
        );
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        anyhow!(
            "{}: invalid UTF-8 at byte {}",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })?;
    Ok(text.trim_end_matches('\n').to_owned())
}

fn claim_add(ctx: &Ctx, a: ClaimAddArgs) -> Result<()> {
    let key = ctx.signing_key()?;
    let text = match (&a.text, &a.text_file) {
        (Some(t), None) => t.clone(),
        (None, Some(f)) => read_text_file(f)?,
        _ => bail!("give the claim's text with --text or --text-file"),
    };
    let chain = parse_chain(&a.chain)?
        .ok_or_else(|| anyhow!("a claim needs --publisher (and --via for each further hop)"))?;
    let translations = a
        .translations
        .iter()
        .map(|t| {
            let (lang, text) = t
                .split_once('=')
                .ok_or_else(|| anyhow!("--translation {t}: expected LANG=TEXT"))?;
            Ok(Translation {
                lang: lang.to_owned(),
                text: isnad_core::canon::nfc(text),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let body = ClaimBody {
        text: isnad_core::canon::nfc(&text),
        lang: a.lang,
        quote: nfc_opt(a.quote),
        translations,
        chain,
        appeared: Appearance {
            date: a.date,
            url: a.url,
            venue: nfc_opt(a.venue),
        },
    };
    append(ctx, &key, Record::Claim(body))
}

fn verdict_add(ctx: &Ctx, a: VerdictAddArgs) -> Result<()> {
    let key = ctx.signing_key()?;
    let target = ctx.target()?;
    let claim = target.resolve(&a.claim).context("claim")?.hash();
    let supersedes = match &a.supersedes {
        Some(p) => Some(target.resolve(p).context("--supersedes")?.hash()),
        None => None,
    };
    let body = VerdictBody {
        claim,
        rating: a.rating,
        confidence: a.confidence,
        rationale: isnad_core::canon::nfc(&a.rationale),
        evidence: a
            .evidence
            .iter()
            .map(|e| isnad_core::canon::nfc(e))
            .collect(),
        supersedes,
        review: None,
    };
    let (entry, new) = target.append(ctx, &key, Record::Verdict(body))?;
    report_entry(ctx, &entry, new)
}

fn relate(ctx: &Ctx, a: RelateArgs) -> Result<()> {
    let key = ctx.signing_key()?;
    let target = ctx.target()?;
    let from = target.resolve(&a.from).context("from")?.hash();
    let to = target.resolve(&a.to).context("to")?.hash();
    let body = RelationBody {
        from,
        relation: a.relation,
        to,
        note: nfc_opt(a.note),
    };
    let (entry, new) = target.append(ctx, &key, Record::Relation(body))?;
    report_entry(ctx, &entry, new)
}

fn amend(ctx: &Ctx, a: AmendArgs) -> Result<()> {
    let key = ctx.signing_key()?;
    let target_ledger = ctx.target()?;
    let target = target_ledger.resolve(&a.target).context("target")?;
    let chain = parse_chain(&a.chain)?;
    let source_fix = a.name.is_some()
        || a.description.is_some()
        || a.url.is_some()
        || !a.affiliations.is_empty();
    let claim_fix = a.text.is_some() || a.lang.is_some();
    let change = if a.retract {
        Change::Retract
    } else {
        match target.record() {
            Record::Claim(_) if source_fix => bail!(
                "--name, --description, --url and --affiliation correct a source, and the target is a claim"
            ),
            Record::Claim(_) if claim_fix => {
                let mut claim = target_ledger.claim_current(&target)?;
                if let Some(t) = &a.text {
                    claim.text = isnad_core::canon::nfc(t);
                }
                if let Some(l) = &a.lang {
                    claim.lang = l.clone();
                }
                if let Some(c) = chain {
                    claim.chain = c;
                }
                Change::CorrectClaim { claim }
            }
            Record::Claim(_) => match chain {
                Some(chain) => Change::Reattribute { chain },
                None => bail!(
                    "say what to amend: --retract, a new chain (--publisher/--via), or --text/--lang"
                ),
            },
            Record::Source(s) => {
                if claim_fix || chain.is_some() {
                    bail!(
                        "the target is a source: correct it with --name, --description, --url or --affiliation"
                    );
                }
                if !source_fix {
                    bail!(
                        "say what to amend: --retract, or --name/--description/--url/--affiliation"
                    );
                }
                let mut source = target_ledger
                    .source_current(&s.id)?
                    .unwrap_or_else(|| s.clone());
                if let Some(n) = &a.name {
                    source.name = isnad_core::canon::nfc(n);
                }
                if let Some(d) = &a.description {
                    source.description = Some(isnad_core::canon::nfc(d));
                }
                if let Some(u) = &a.url {
                    source.url = Some(u.clone());
                }
                if !a.affiliations.is_empty() {
                    source.affiliations = slugs(&a.affiliations, "affiliation")?;
                }
                Change::CorrectSource { source }
            }
            other => bail!("a {} entry can only be retracted (--retract)", other.kind()),
        }
    };
    let body = AmendmentBody {
        target: target.hash(),
        change,
        reason: isnad_core::canon::nfc(&a.reason),
    };
    let (entry, new) = target_ledger.append(ctx, &key, Record::Amendment(body))?;
    report_entry(ctx, &entry, new)
}

fn prior(ctx: &Ctx, a: PriorArgs) -> Result<()> {
    let key = ctx.signing_key()?;
    let grade: Grade = a.grade.parse()?;
    let body = PriorBody {
        source: slug(&a.source, "source")?,
        grade,
        reason: isnad_core::canon::nfc(&a.reason),
    };
    append(ctx, &key, Record::Prior(body))
}

/// `trust`: signed by an admin, like `key enroll`.
fn trust(ctx: &Ctx, a: TrustArgs) -> Result<()> {
    let grade: Grade = a.grade.parse()?;
    let body = TrustBody {
        checker: OrgId::parse(&a.org, "org")?,
        grade,
        reason: isnad_core::canon::nfc(&a.reason),
    };
    let key = admin_or_key(ctx)?;
    append(ctx, &key, Record::Trust(body))
}

/// A one-line summary of an entry for `log`.
fn summary(e: &Entry) -> String {
    match e.record() {
        Record::Key(k) => {
            let roles: Vec<&str> = k.roles.iter().map(|r| r.as_str()).collect();
            let name = k.key.split('+').next().unwrap_or("");
            let org = k
                .org
                .as_ref()
                .map(|o| format!(" (org {o})"))
                .unwrap_or_default();
            match &k.replaces {
                Some(old) => format!(
                    "rotate {} to {name} as {}{org}",
                    old.split('+').next().unwrap_or(""),
                    roles.join(", ")
                ),
                None => format!("enrol {name} as {}{org}", roles.join(", ")),
            }
        }
        Record::Revocation(r) => format!(
            "revoke {} ({}{})",
            r.key.split('+').next().unwrap_or(""),
            r.reason.as_str(),
            r.since
                .as_deref()
                .map(|t| format!(" since {t}"))
                .unwrap_or_default()
        ),
        Record::Source(s) => format!("{} \"{}\" ({})", s.id, clip(&s.name, 40), s.kind.as_str()),
        Record::Claim(c) => {
            let chain: Vec<&str> = c.chain.iter().map(|h| h.source.as_str()).collect();
            format!("[{}] {} — {}", c.lang, clip(&c.text, 50), chain.join(" → "))
        }
        Record::Verdict(v) => format!(
            "{} ({}%) on {}",
            v.rating.as_str(),
            v.confidence,
            v.claim.short()
        ),
        Record::Relation(r) => format!(
            "{} {} {}",
            r.from.short(),
            r.relation.as_str(),
            r.to.short()
        ),
        Record::Amendment(a) => format!(
            "{} {}: {}",
            a.change.as_str(),
            a.target.short(),
            clip(&a.reason, 40)
        ),
        Record::Prior(p) => format!("{} grade {}", p.source, p.grade.as_str()),
        Record::Trust(t) => format!("checker {} grade {}", t.checker, t.grade.as_str()),
    }
}

fn entry_json(e: &Entry) -> Result<serde_json::Value> {
    let v: serde_json::Value = serde_json::from_slice(e.leaf_bytes())?;
    Ok(json!({"id": e.hash().to_hex(), "entry": v}))
}

fn signer_name(e: &Entry) -> &str {
    e.signer().name()
}

fn log(ctx: &Ctx, a: &LogArgs) -> Result<()> {
    let ledger = ctx.open()?;
    let kind = match &a.kind {
        Some(k) => Some(
            Kind::ALL
                .into_iter()
                .find(|x| x.as_str() == k)
                .ok_or_else(|| {
                    let names: Vec<&str> = Kind::ALL.iter().map(|x| x.as_str()).collect();
                    anyhow!("--kind {k}: not a kind ({})", names.join(", "))
                })?,
        ),
        None => None,
    };
    let mut rows = Vec::new();
    for e in ledger.iter() {
        let e = e?;
        if kind.is_none_or(|k| e.kind() == k) {
            rows.push(e);
        }
    }
    if let Some(n) = a.limit {
        let skip = rows.len().saturating_sub(n);
        rows.drain(..skip);
    }
    if ctx.json {
        let list = rows.iter().map(entry_json).collect::<Result<Vec<_>>>()?;
        print_json(&serde_json::Value::Array(list))?;
        return Ok(());
    }
    for e in &rows {
        outln!(
            "{:>5}  {}  {}  {:<10} {:<18} {}",
            e.seq().0,
            e.hash().short(),
            e.time(),
            e.kind().as_str(),
            clip(signer_name(e), 18),
            summary(e)
        );
    }
    Ok(())
}

fn show(ctx: &Ctx, id: &str, leaf: bool) -> Result<()> {
    let ledger = ctx.open()?;
    let e = ledger.resolve(id)?;
    if leaf {
        let mut out = std::io::stdout().lock();
        out.write_all(e.leaf_bytes())?;
        out.write_all(b"\n")?;
        return Ok(());
    }
    if ctx.json {
        print_json(&entry_json(&e)?)?;
        return Ok(());
    }
    outln!("id      {}", e.hash());
    outln!("seq     {}", e.seq().0);
    outln!("kind    {}", e.kind());
    outln!("time    {}", e.time());
    outln!("signer  {}", e.signer());
    outln!("prev    {}", e.prev());
    let v: serde_json::Value = serde_json::from_slice(e.leaf_bytes())?;
    let body = serde_json::to_string_pretty(&v["body"])?;
    outln!("body    {}", body.replace('\n', "\n        "));
    Ok(())
}

fn source_label(ledger: &Ledger, id: &SourceId) -> Result<String> {
    Ok(match SourceView::load(ledger, id)? {
        Some(v) => format!("{} ({}, {})", v.current.name, id, v.current.kind.as_str()),
        None => id.to_string(),
    })
}

fn hop_word(r: HopRelation) -> &'static str {
    match r {
        HopRelation::Reported => "reported by",
        HopRelation::Quoted => "quoting",
        HopRelation::Cited => "citing",
        HopRelation::PublishedOn => "published on by",
        HopRelation::Anonymous => "citing unnamed",
    }
}

fn trace(ctx: &Ctx, id: &str) -> Result<()> {
    let ledger = ctx.open()?;
    let e = ledger.resolve(id)?;
    let view = ClaimView::load(&ledger, e)?;
    let scored = scoring::TraceScore::of(&ledger, &view.entry.hash())?;
    if ctx.json {
        let chain = view
            .current
            .chain
            .iter()
            .map(|h| {
                let sv = SourceView::load(&ledger, &h.source)?;
                Ok(json!({
                    "source": h.source.as_str(),
                    "relation": serde_json::to_value(h.relation)?,
                    "name": sv.as_ref().map(|v| v.current.name.clone()),
                    "kind": sv.as_ref().map(|v| v.current.kind.as_str()),
                    "affiliations": sv.as_ref().map(|v| v.current.affiliations.iter().map(|a| a.to_string()).collect::<Vec<_>>()),
                }))
            })
            .collect::<Result<Vec<_>>>()?;
        let verdicts = view
            .verdicts
            .iter()
            .map(|v| {
                let Record::Verdict(b) = v.entry.record() else {
                    return json!(null);
                };
                json!({
                    "id": v.entry.hash().to_hex(),
                    "signer": v.entry.signer().to_string(),
                    "rating": b.rating.as_str(),
                    "confidence": b.confidence,
                    "current": v.is_current(),
                })
            })
            .collect::<Vec<_>>();
        print_json(&json!({
            "id": view.entry.hash().to_hex(),
            "text": view.current.text,
            "lang": view.current.lang,
            "chain": chain,
            "retracted": view.retracted_by.map(|h| h.to_hex()),
            "amendments": view.amendments.iter().map(|a| a.hash().to_hex()).collect::<Vec<_>>(),
            "verdicts": verdicts,
            "relations": view.relations.iter().map(|r| r.hash().to_hex()).collect::<Vec<_>>(),
            "credibility": scored.json()?,
        }))?;
        return Ok(());
    }
    outln!("claim {}", view.entry.hash());
    outln!(
        "  \"{}\" [{}]",
        clip(&view.current.text, 100),
        view.current.lang
    );
    for t in &view.current.translations {
        outln!("  \"{}\" [{}]", clip(&t.text, 100), t.lang);
    }
    if let Some(r) = view.retracted_by {
        outln!("  RETRACTED by {}", r.short());
    }
    for (i, hop) in view.current.chain.iter().enumerate() {
        let indent = "    ".repeat(i);
        let last = i + 1 == view.current.chain.len();
        let role = match scored.misattributed() {
            Some(m) if last && *m == hop.source => {
                format!("  [attributed to {m}, who did not say it]")
            }
            _ if last => "  [origin]".to_owned(),
            _ => String::new(),
        };
        outln!(
            "  {indent}└─ {} {}{role}",
            hop_word(hop.relation),
            source_label(&ledger, &hop.source)?
        );
        if let Some(sv) = SourceView::load(&ledger, &hop.source)? {
            for a in &sv.current.affiliations {
                outln!(
                    "  {indent}      affiliated with {}",
                    source_label(&ledger, a)?
                );
            }
        }
    }
    for a in &view.amendments {
        outln!(
            "  amended {} by {}: {}",
            a.hash().short(),
            a.signer().name(),
            summary(a)
        );
    }
    for v in &view.verdicts {
        let state = if v.retracted_by.is_some() {
            " (retracted)"
        } else if v.superseded_by.is_some() {
            " (superseded)"
        } else {
            ""
        };
        outln!(
            "  verdict {} by {}: {}{state}",
            v.entry.hash().short(),
            v.entry.signer().name(),
            summary(&v.entry)
        );
    }
    for r in &view.relations {
        outln!("  relation {}: {}", r.hash().short(), summary(r));
    }
    for line in scored.lines() {
        outln!("  {line}");
    }
    Ok(())
}

fn source_show(ctx: &Ctx, id: &str) -> Result<()> {
    let ledger = ctx.open()?;
    let id = slug(id, "source")?;
    let view = SourceView::load(&ledger, &id)?.ok_or_else(|| anyhow!("unknown source `{id}`"))?;
    let mentions = ledger.mentions(&id)?;
    if ctx.json {
        print_json(&json!({
            "id": id.as_str(),
            "entry": view.entry.hash().to_hex(),
            "current": serde_json::to_value(&view.current)?,
            "prior": view.prior.map(|g| format!("{g}")),
            "retracted": view.retracted_by.map(|h| h.to_hex()),
            "mentions": mentions.iter().map(|m| m.hash().to_hex()).collect::<Vec<_>>(),
        }))?;
        return Ok(());
    }
    outln!(
        "{} ({}, {})",
        view.current.name,
        id,
        view.current.kind.as_str()
    );
    if let Some(d) = &view.current.description {
        outln!("  {d}");
    }
    if let Some(u) = &view.current.url {
        outln!("  {u}");
    }
    for a in &view.current.affiliations {
        outln!("  affiliated with {}", source_label(&ledger, a)?);
    }
    if let Some(g) = view.prior {
        outln!("  editor's prior grade {g}");
    }
    for m in &mentions {
        outln!(
            "  {} {:<10} {}",
            m.hash().short(),
            m.kind().as_str(),
            summary(m)
        );
    }
    Ok(())
}

fn source_list(ctx: &Ctx) -> Result<()> {
    let ledger = ctx.open()?;
    let mut list = Vec::new();
    for e in ledger.iter() {
        let e = e?;
        if let Record::Source(s) = e.record() {
            if let Some(v) = SourceView::load(&ledger, &s.id)? {
                list.push(v);
            }
        }
    }
    if ctx.json {
        let arr = list
            .iter()
            .map(|v| serde_json::to_value(&v.current))
            .collect::<Result<Vec<_>, _>>()?;
        print_json(&serde_json::Value::Array(arr))?;
        return Ok(());
    }
    for v in &list {
        outln!(
            "{:<28} {:<15} {}",
            v.current.id,
            v.current.kind.as_str(),
            v.current.name
        );
    }
    Ok(())
}

/// sled's page cache for `verify`, which reads each stored row once.
const VERIFY_CACHE_BYTES: u64 = 32 << 20;

/// sled's page cache for an import, which writes far more than it reads
/// back: measured on 100,000 ClaimReviews, as fast as with the default
/// 128 MiB and 90 MiB smaller at its peak (docs/PERFORMANCE.md).
pub const IMPORT_CACHE_BYTES: u64 = 32 << 20;

/// `migrate`.
fn migrate(ctx: &Ctx) -> Result<()> {
    let r = ctx.migrate()?;
    let dir = ctx.ledger.display();
    if ctx.json {
        print_json(&json!({
            "ledger": dir.to_string(),
            "from_format": r.from,
            "format": if r.from == 1 { 3 } else { r.from },
            "entries": r.entries,
            "checkpoints": r.checkpoints,
            "migrated": r.from == 1,
        }))?;
    } else if r.from == 3 {
        outln!(
            "{dir} is already in store format 3 ({} entries); nothing to do",
            r.entries
        );
    } else if r.from == 2 {
        outln!(
            "{dir} is in store format 2 ({} entries), which this isnad reads and writes as it \
             is; nothing to do",
            r.entries
        );
    } else {
        outln!(
            "migrated {dir} from store format {} to 3: {} entries checked again, {} signed \
             checkpoints kept",
            r.from,
            r.entries,
            r.checkpoints
        );
    }
    Ok(())
}

fn verify(ctx: &Ctx, a: &crate::cli::VerifyArgs) -> Result<()> {
    let (export, since) = (a.export.as_deref(), a.since.as_deref());
    let quorum = read_quorum(&a.quorum)?;
    if since.is_none() && !quorum.witnesses().is_empty() {
        bail!("--witness applies with --since: it is the saved checkpoint that needs cosignatures");
    }
    // Read the saved checkpoint first: a missing file is a usage error.
    let since = since
        .map(|p| read_small(p, MAX_NOTE_FILE).map(|t| (p, t)))
        .transpose()?;
    let mut ledger = None;
    let result = match export {
        Some(path) => {
            let f = File::open(path).with_context(|| format!("{}", path.display()))?;
            let total = f.metadata().map(|m| m.len()).unwrap_or(0);
            let bar = progress(total, "verifying");
            let mut input = BufReader::new(bar.wrap_read(f));
            let r = verify_jsonl(&mut input, &mut |_| {});
            bar.finish_and_clear();
            r
        }
        None => {
            // One pass over the store: a small cache serves it as well.
            let l = match ctx.open_caching(VERIFY_CACHE_BYTES) {
                Ok(l) => l,
                // A store found damaged when opened (cut short, unreadable)
                // fails the check like a damaged entry would.
                Err(e)
                    if e.downcast_ref::<isnad_core::Error>().is_some_and(|c| {
                        crate::exit::fails_verification(c, crate::exit::Checking::Data)
                    }) =>
                {
                    return Err(check_failed(ctx, e));
                }
                Err(e) => return Err(e),
            };
            let bar = progress(l.len()?, "verifying");
            let r = l.verify(&mut |n| bar.set_position(n));
            bar.finish_and_clear();
            ledger = Some(l);
            r
        }
    };
    let report = match result {
        Ok(report) => report,
        Err(e) if crate::exit::fails_verification(&e, crate::exit::Checking::Data) => {
            return verification_failed(ctx, e);
        }
        Err(e) => return Err(e.into()),
    };
    let extends = match (&ledger, &since) {
        (Some(l), Some((path, note))) => match l.check_extends(note) {
            Ok((cp, _)) => Some((cp, path, note)),
            Err(e) if !crate::exit::fails_verification(&e, crate::exit::Checking::Data) => {
                return Err(ctx.storage(e));
            }
            Err(e) => return Err(saved_checkpoint_failed(ctx, path, e)),
        },
        _ => None,
    };
    // A quorum of the listed witnesses must have cosigned the saved
    // checkpoint: otherwise it may be one history of a split view.
    let cosigned_by = match &extends {
        Some((_, path, note)) if !quorum.witnesses().is_empty() => match quorum.check(note) {
            Ok(n) => Some(n),
            Err(e) => return Err(saved_checkpoint_failed(ctx, path, e)),
        },
        _ => None,
    };
    let extends = extends.map(|(cp, _, _)| cp);
    if ctx.json {
        print_json(&json!({
            "ok": true,
            "entries": report.entries,
            "head": report.head.map(|h| h.to_hex()),
            "checkpoints": report.checkpoints,
            "extends": extends.as_ref().map(|c| json!({
                "origin": c.origin(),
                "size": c.size(),
                "root_hash": b64(c.root()),
            })),
            "cosigned_by": cosigned_by,
        }))?;
    } else {
        outln!(
            "ok: {} entries verified{}",
            report.entries,
            report
                .head
                .map(|h| format!(", head {h}"))
                .unwrap_or_default()
        );
        if let Some(l) = &ledger {
            let root = l.tree_root(report.entries)?;
            outln!(
                "merkle root {} matches the stored tree and {} signed checkpoint{}",
                b64(&root),
                report.checkpoints,
                if report.checkpoints == 1 { "" } else { "s" }
            );
        }
        if let Some(c) = &extends {
            outln!(
                "extends the checkpoint of {} at size {} (consistency proof verified)",
                c.origin(),
                c.size()
            );
        }
        if let Some(n) = cosigned_by {
            outln!(
                "ok: {n} of the {} listed witnesses cosigned that checkpoint ({} needed)",
                quorum.witnesses().len(),
                quorum.needed()
            );
        }
    }
    Ok(())
}

/// The checkpoint saved in `path` failed its check (the ledger does not
/// extend it, or too few witnesses cosigned it): verification failed.
fn saved_checkpoint_failed(ctx: &Ctx, path: &Path, e: isnad_core::Error) -> anyhow::Error {
    check_failed(
        ctx,
        anyhow::Error::from(e).context(format!("{}", path.display())),
    )
}

/// `e` failed the check (exit 1); with `--json`, said on stdout too.
fn check_failed(ctx: &Ctx, e: anyhow::Error) -> anyhow::Error {
    if ctx.json {
        if let Err(printing) = print_json(&json!({"ok": false, "error": format!("{e:#}")})) {
            return printing.into();
        }
    }
    VerificationFailed(e).into()
}

fn verification_failed(ctx: &Ctx, e: isnad_core::Error) -> Result<()> {
    if ctx.json {
        print_json(&json!({
            "ok": false,
            "seq": e.seq().map(|s| s.0),
            "line": e.line(),
            "error": e.to_string(),
        }))?;
    }
    Err(VerificationFailed(e.into()).into())
}

/// Largest signed checkpoint file read (a note is at most a few KiB).
const MAX_NOTE_FILE: u64 = 64 * 1024;
/// Largest proof file read: the hashes of a proof fit in a few KiB.
const MAX_PROOF_FILE: u64 = 1024 * 1024;
/// Largest entry line read for `verify-proof --entry`.
const MAX_ENTRY_FILE: u64 = 4 * 1024 * 1024;

/// Reads a small text file whole, refusing files larger than `limit`
/// before reading them.
pub(crate) fn read_small(path: &Path, limit: u64) -> Result<String> {
    use std::io::Read as _;
    let f = File::open(path).with_context(|| format!("{}", path.display()))?;
    let mut text = String::new();
    f.take(limit + 1)
        .read_to_string(&mut text)
        .with_context(|| format!("{}: not UTF-8 text", path.display()))?;
    if text.len() as u64 > limit {
        bail!("{}: larger than {limit} bytes", path.display());
    }
    Ok(text)
}

pub(crate) fn b64(h: &[u8; 32]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(h)
}

fn checkpoint(ctx: &Ctx, a: &CheckpointArgs) -> Result<()> {
    if a.vkey {
        let key = log_verifier(ctx, a.log_key.as_deref())?;
        if ctx.json {
            print_json(&json!({"origin": key.name(), "vkey": key.to_string()}))?;
        } else {
            outln!("{key}");
        }
        return Ok(());
    }
    let ledger = ctx.open()?;
    // Read the witnesses before signing: an unusable list signs nothing.
    let witnesses = WitnessConfig::load(&ctx.ledger)?;
    let signed = sign_current(ctx, &ledger, a.log_key.as_deref())?;
    let round = crate::witnesses::cosign(&ledger, &witnesses, a.witness_timeout)?;
    let signed = round.as_ref().map_or(signed, |r| r.checkpoint().clone());
    if ctx.json {
        let cp = signed.checkpoint();
        let mut out = json!({
            "origin": cp.origin(),
            "size": cp.size(),
            "root_hash": b64(cp.root()),
            "checkpoint": signed.note(),
        });
        if let Some(r) = &round {
            out["witnessed"] = crate::witnesses::round_json(r);
        }
        print_json(&out)?;
    } else {
        // The note itself, byte for byte, so that `> file` saves it.
        let mut out = std::io::stdout().lock();
        out.write_all(signed.note().as_bytes())?;
        out.flush()?;
    }
    match &round {
        Some(r) if r.met() => crate::witnesses::report(r),
        Some(r) => crate::witnesses::check_quorum(r)?,
        None => {}
    }
    Ok(())
}

/// The log's verifier key: from the log key file when there is one, which
/// needs no access to the ledger (so it works while `isnad serve` holds
/// it), else as the ledger records it.
fn log_verifier(ctx: &Ctx, log_key: Option<&Path>) -> Result<VerifierKey> {
    let path = log_key_path(&ctx.ledger, log_key);
    if log_key.is_some() || path.exists() {
        return Ok(keyfile::read(&path)?.verifier().clone());
    }
    ctx.open()?
        .log_key()?
        .ok_or_else(|| anyhow!("this ledger has no log key"))
}

/// The checkpoint of the ledger's current size: the stored one, or a new
/// one signed with the log key.
fn sign_current(
    ctx: &Ctx,
    ledger: &Ledger,
    log_key: Option<&Path>,
) -> Result<checkpoint::SignedCheckpoint> {
    if let Some(cp) = ledger.checkpoint_at(ledger.len()?)? {
        return Ok(cp);
    }
    let key = keyfile::read(&log_key_path(&ctx.ledger, log_key))
        .context("signing a checkpoint needs the log key (see --log-key)")?;
    Ok(ledger.sign_checkpoint(&key)?)
}

fn prove(ctx: &Ctx, a: &ProveArgs) -> Result<()> {
    let ledger = ctx.open()?;
    // Resolve the record before signing anything.
    let record = a.record.as_deref().map(|r| ledger.resolve(r)).transpose()?;
    let size = match a.size {
        Some(n) => n,
        None => {
            let witnesses = WitnessConfig::load(&ctx.ledger)?;
            let size = sign_current(ctx, &ledger, a.log_key.as_deref())?.size();
            let round =
                crate::witnesses::cosign(&ledger, &witnesses, crate::witnesses::DEFAULT_TIMEOUT)?;
            if let Some(r) = &round {
                crate::witnesses::report(r);
            }
            size
        }
    };
    let json = match (record, a.consistency) {
        (Some(e), _) => serde_json::to_string_pretty(&ledger.prove_inclusion(e.seq(), size)?)?,
        (None, Some(old)) => serde_json::to_string_pretty(&ledger.prove_consistency(old, size)?)?,
        (None, None) => bail!("give a RECORD or --consistency OLD"),
    };
    outln!("{json}");
    Ok(())
}

/// A verifier key given on the command line: the string itself or a file
/// holding it.
pub(crate) fn read_vkey(arg: &str) -> Result<VerifierKey> {
    let text = if Path::new(arg).is_file() {
        read_small(Path::new(arg), MAX_NOTE_FILE)?
    } else {
        arg.to_owned()
    };
    let text = text.trim();
    if text.starts_with("PRIVATE+KEY+") {
        bail!(
            "--vkey: that is a private key; give the log's verifier key (isnad checkpoint --vkey)"
        );
    }
    text.parse::<VerifierKey>().context("--vkey")
}

/// The `--witness` keys and `--quorum` of a command that checks a
/// checkpoint.
pub(crate) fn read_quorum(a: &QuorumArgs) -> Result<Quorum> {
    let mut keys: Vec<CosignerKey> = Vec::new();
    for arg in &a.witnesses {
        keys.push(read_cosigner_key(arg, "--witness")?);
    }
    Quorum::new(&keys, a.quorum).context("--quorum")
}

/// A witness's verifier key given as option `flag`: the string itself or
/// a file holding it.
pub(crate) fn read_cosigner_key(arg: &str, flag: &str) -> Result<CosignerKey> {
    let text = if Path::new(arg).is_file() {
        read_small(Path::new(arg), MAX_NOTE_FILE)?
    } else {
        arg.to_owned()
    };
    text.trim().parse().context(flag.to_owned())
}

fn verify_proof(ctx: &Ctx, a: &VerifyProofArgs) -> Result<()> {
    let vkey = read_vkey(&a.vkey)?;
    let quorum = read_quorum(&a.quorum)?;
    let text = read_small(&a.proof, MAX_PROOF_FILE)?;
    let shown = a.proof.display().to_string();
    let value: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{shown}: not JSON"))?;
    let failed = |e: isnad_core::Error| -> anyhow::Error {
        VerificationFailed(anyhow::Error::from(e).context(shown.clone())).into()
    };
    // Run once the proof and its checkpoint's log signature verified.
    let cosigned = || -> Result<Option<usize>> {
        if quorum.witnesses().is_empty() {
            return Ok(None);
        }
        let note = value["checkpoint"].as_str().unwrap_or_default();
        let n = quorum.check(note).map_err(failed)?;
        if !ctx.json {
            outln!(
                "ok: {n} of the {} listed witnesses cosigned the checkpoint ({} needed)",
                quorum.witnesses().len(),
                quorum.needed()
            );
        }
        Ok(Some(n))
    };
    if value.get("index").is_some() {
        if a.old.is_some() {
            bail!("--old applies to consistency proofs; {shown} is an inclusion proof");
        }
        // Parse the text itself, not `value`: a `Value` keeps the last of two
        // repeated members, the typed parse refuses them.
        let proof: InclusionProof = serde_json::from_str(&text)
            .with_context(|| format!("{shown}: not an inclusion proof"))?;
        let (cp, entry) = match &a.entry {
            Some(path) => {
                let line = std::fs::File::open(path)
                    .and_then(|f| {
                        use std::io::Read as _;
                        let mut b = Vec::new();
                        f.take(MAX_ENTRY_FILE).read_to_end(&mut b).map(|_| b)
                    })
                    .with_context(|| format!("{}", path.display()))?;
                let entry = proof.verify_entry(&vkey, &line).map_err(failed)?;
                (proof.verify(&vkey).map_err(failed)?, Some(entry))
            }
            None => (proof.verify(&vkey).map_err(failed)?, None),
        };
        let witnessed = cosigned()?;
        if ctx.json {
            let mut out = json!({
                "ok": true,
                "kind": "inclusion",
                "origin": cp.origin(),
                "index": proof.index(),
                "tree_size": cp.size(),
                "root_hash": b64(cp.root()),
                "entry": entry.as_ref().map(|e| e.hash().to_hex()),
            });
            if let Some(n) = witnessed {
                out["cosigned_by"] = json!(n);
            }
            print_json(&out)?;
        } else {
            outln!(
                "ok: entry {} is in the log {} of {} entries (root {}){}",
                proof.index(),
                cp.origin(),
                cp.size(),
                b64(cp.root()),
                if entry.is_some() {
                    "; the entry's line is that leaf and its signature verifies"
                } else {
                    ""
                }
            );
        }
    } else {
        if a.entry.is_some() {
            bail!("--entry applies to inclusion proofs; {shown} is a consistency proof");
        }
        let proof: ConsistencyProof = serde_json::from_str(&text)
            .with_context(|| format!("{shown}: neither an inclusion nor a consistency proof"))?;
        let cp = match &a.old {
            Some(path) => {
                let old = read_small(path, MAX_NOTE_FILE)?;
                proof.verify_from(&vkey, &old).map_err(failed)?
            }
            None => proof.verify(&vkey).map_err(failed)?,
        };
        let witnessed = cosigned()?;
        if ctx.json {
            let mut out = json!({
                "ok": true,
                "kind": "consistency",
                "origin": cp.origin(),
                "old_size": proof.old_size(),
                "old_root": b64(proof.old_root()),
                "new_size": cp.size(),
                "new_root": b64(cp.root()),
                "old_checkpoint_checked": a.old.is_some(),
            });
            if let Some(n) = witnessed {
                out["cosigned_by"] = json!(n);
            }
            print_json(&out)?;
        } else {
            outln!(
                "ok: the log {} of {} entries (root {}) extends its first {} entries (root {}){}",
                cp.origin(),
                cp.size(),
                b64(cp.root()),
                proof.old_size(),
                b64(proof.old_root()),
                if a.old.is_some() {
                    ", as signed in the old checkpoint"
                } else {
                    ""
                }
            );
        }
    }
    Ok(())
}

fn export_jsonl(ctx: &Ctx, out: Option<&Path>) -> Result<()> {
    let ledger = ctx.open()?;
    let n = match out {
        Some(p) => {
            let f = File::create(p).with_context(|| format!("{}", p.display()))?;
            let mut w = BufWriter::new(f);
            let n = ledger.export_jsonl(&mut w)?;
            w.into_inner()
                .map_err(|e| anyhow!("{}: {}", p.display(), e.error()))?
                .sync_all()
                .with_context(|| format!("{}", p.display()))?;
            n
        }
        None => {
            let stdout = std::io::stdout();
            let mut w = BufWriter::new(stdout.lock());
            ledger.export_jsonl(&mut w)?
        }
    };
    if out.is_some() {
        eprintln!("exported {n} entries");
    }
    Ok(())
}

/// Why an import of an export failed: the ledger refused it (reported
/// with the file's name), or the new ledger's log key file could not be
/// written.
enum ImportError {
    Ledger(isnad_core::Error),
    KeyFile(anyhow::Error),
}

impl From<isnad_core::Error> for ImportError {
    fn from(e: isnad_core::Error) -> Self {
        ImportError::Ledger(e)
    }
}

/// How an import into a new ledger opens it.
fn import_options() -> isnad_core::OpenOptions {
    isnad_core::OpenOptions {
        cache_bytes: IMPORT_CACHE_BYTES,
        ..isnad_core::OpenOptions::default()
    }
}

fn import_jsonl(ctx: &Ctx, file: &Path, origin: Option<&str>) -> Result<()> {
    let f = File::open(file).with_context(|| format!("{}", file.display()))?;
    let total = f.metadata().map(|m| m.len()).unwrap_or(0);
    // A directory that does not exist yet, or is empty, becomes a new ledger
    // with a log of its own.
    let fresh = std::fs::read_dir(&ctx.ledger).map_or(true, |mut d| d.next().is_none());
    let log = if fresh {
        Some(new_log_key(origin)?)
    } else if origin.is_some() {
        bail!("--origin applies only when the import creates a new ledger");
    } else {
        None
    };
    let bar = progress(total, "importing");
    let mut input = BufReader::new(bar.wrap_read(f));
    let result = match &log {
        // A new ledger is built whole, with its log key file, in a staging
        // directory: a failed or killed import leaves the directory absent
        // or empty, as it was.
        Some(log) => Ledger::create_with_options(&ctx.ledger, &import_options(), |l, staging| {
            l.set_log_key(log.verifier())?;
            let report = l.import_jsonl(&mut input, now(), &mut |_| {})?;
            keyfile::write_new(&keys_dir(staging).join("log.key"), log)
                .map_err(ImportError::KeyFile)?;
            Ok::<_, ImportError>(report)
        })
        .map(|(_, report)| report),
        None => ctx
            .open_caching(IMPORT_CACHE_BYTES)?
            .import_jsonl(&mut input, now(), &mut |_| {})
            .map_err(ImportError::Ledger),
    };
    bar.finish_and_clear();
    let report = match result {
        Ok(r) => r,
        Err(ImportError::KeyFile(e)) => return Err(e),
        Err(ImportError::Ledger(e)) => {
            if matches!(e, isnad_core::Error::Storage(_)) {
                return Err(ctx.storage(e));
            }
            return Err(e).with_context(|| format!("{}", file.display()));
        }
    };
    if ctx.json {
        print_json(&json!({
            "lines": report.lines,
            "existing": report.existing,
            "added": report.added,
        }))?;
    } else {
        outln!(
            "imported {} new entries ({} already present, {} lines read)",
            report.added,
            report.existing,
            report.lines
        );
    }
    Ok(())
}

fn demo(ctx: &Ctx, dir: &Path) -> Result<()> {
    let built = isnad_core::demo::build(dir)?;
    let ledger = &built.ledger;
    for kp in &built.keys {
        let path = keys_dir(dir).join(format!("{}.key", kp.name()));
        if !path.exists() {
            keyfile::write_new(&path, kp)?;
        }
    }
    let log_path = keys_dir(dir).join("log.key");
    if !log_path.exists() {
        keyfile::write_new(&log_path, &built.log)?;
    }
    let report = ledger.verify(&mut |_| {})?;
    let mut out = std::io::stdout().lock();
    if ctx.json {
        let sources = ledger
            .iter()
            .filter_map(|e| e.ok())
            .filter_map(|e| match e.record() {
                Record::Source(s) => Some(s.id.clone()),
                _ => None,
            })
            .map(|id| -> Result<serde_json::Value> {
                let v = SourceView::load(ledger, &id)?
                    .ok_or_else(|| anyhow!("source {id} vanished"))?;
                Ok(serde_json::to_value(&v.current)?)
            })
            .collect::<Result<Vec<_>>>()?;
        print_json(&json!({
            "ledger": dir.display().to_string(),
            "entries": report.entries,
            "head": report.head.map(|h| h.to_hex()),
            "origin": built.checkpoint.checkpoint().origin(),
            "state_root": scoring::replay_ledger(ledger, isnad_core::score::AsOf::Head)?.state_root().to_hex(),
            "checkpoint": built.checkpoint.note(),
            "sources": sources,
        }))?;
        return Ok(());
    }
    writeln!(
        out,
        "isnad demo: Agenzia Nova (Arabic service), February 2025 — Haftar, Russia, Belarus"
    )?;
    writeln!(
        out,
        "ledger {} — {} entries, all verified (head {})",
        dir.display(),
        report.entries,
        report.head.map(|h| h.short()).unwrap_or_default()
    )?;
    writeln!(
        out,
        "Verdicts below are ILLUSTRATIVE, signed by a fictional desk; they are not findings about the real outlets."
    )?;
    writeln!(out)?;
    writeln!(out, "Sources")?;
    for e in ledger.iter() {
        let e = e?;
        if let Record::Source(s) = e.record() {
            if let Some(v) = SourceView::load(ledger, &s.id)? {
                let aff: Vec<String> = v
                    .current
                    .affiliations
                    .iter()
                    .map(|a| a.to_string())
                    .collect();
                let aff = if aff.is_empty() {
                    String::new()
                } else {
                    format!(" → {}", aff.join(", "))
                };
                let prior = v.prior.map(|g| format!(" [prior {g}]")).unwrap_or_default();
                writeln!(
                    out,
                    "  {:<30} {:<15} {}{aff}{prior}",
                    v.current.id.as_str(),
                    v.current.kind.as_str(),
                    v.current.name
                )?;
            }
        }
    }
    writeln!(out)?;
    writeln!(out, "Claims (publisher → … → origin)")?;
    for e in ledger.iter() {
        let e = e?;
        if e.kind() != Kind::Claim {
            continue;
        }
        let view = ClaimView::load(ledger, e)?;
        let en = view
            .current
            .translations
            .iter()
            .find(|t| t.lang.starts_with("en"))
            .map_or(view.current.text.as_str(), |t| t.text.as_str());
        writeln!(out, "  {}  {}", view.entry.hash().short(), clip(en, 90))?;
        let chain: Vec<String> = view
            .current
            .chain
            .iter()
            .map(|h| match h.relation {
                HopRelation::Reported => h.source.to_string(),
                r => format!("{} {}", hop_word(r), h.source),
            })
            .collect();
        writeln!(out, "      chain: {}", chain.join(" → "))?;
        for v in view.verdicts.iter().filter(|v| v.is_current()) {
            writeln!(out, "      verdict (illustrative): {}", summary(&v.entry))?;
        }
        for r in &view.relations {
            writeln!(out, "      {}", summary(r))?;
        }
    }
    writeln!(out)?;
    let (lines, state_root) = scoring::demo_lines(ledger)?;
    for line in lines {
        writeln!(out, "{line}")?;
    }
    writeln!(out, "  state root {state_root} (isnad replay)")?;
    writeln!(out)?;
    let cp = built.checkpoint.checkpoint();
    writeln!(out, "Transparency log")?;
    writeln!(
        out,
        "  origin {}, {} entries, root {}",
        cp.origin(),
        cp.size(),
        b64(cp.root())
    )?;
    writeln!(out, "  log key {}", built.log.verifier())?;
    writeln!(out)?;
    writeln!(
        out,
        "Try: isnad --ledger {} log | trace <id> | verify | checkpoint | prove <id>",
        dir.display()
    )?;
    Ok(())
}
