//! The command line's grammar (clap).

use std::path::PathBuf;

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand};
use isnad_core::record::{ClaimRelation, Rating, SourceKind};

/// isnad: a ledger of claims, their attribution chains and fact-checkers'
/// verdicts, signed and verifiable.
#[derive(Parser, Debug)]
#[command(name = "isnad", version, about, long_about = None, propagate_version = true)]
#[command(
    after_help = "Exit codes: 0 ok, 1 verification failed, 2 usage or input error, 3 the checkpoint \
                  was signed but fewer of the ledger's witnesses cosigned it than its quorum."
)]
pub struct Cli {
    /// Ledger directory.
    #[arg(
        long,
        global = true,
        env = "ISNAD_LEDGER",
        default_value = "isnad-ledger"
    )]
    pub ledger: PathBuf,
    /// Private key file to sign with.
    #[arg(long, global = true, env = "ISNAD_KEY")]
    pub key: Option<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    /// Write through the `isnad serve` process at this URL instead of
    /// opening the ledger (entries are signed here; keys stay here).
    #[arg(long, global = true, env = "ISNAD_SERVER", value_name = "URL")]
    pub server: Option<String>,
    /// Seconds to wait for another process using the ledger to finish
    /// before giving up (decimals allowed).
    #[arg(long, global = true, value_name = "SECONDS", default_value = "3", value_parser = parse_wait)]
    pub wait: std::time::Duration,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create a ledger: its admin and log keys and the genesis entry.
    Init(InitArgs),
    /// Create, show and enrol signing keys.
    #[command(subcommand)]
    Key(KeyCommand),
    /// Describe sources.
    #[command(subcommand)]
    Source(SourceCommand),
    /// Record claims with their attribution chains.
    #[command(subcommand)]
    Claim(ClaimCommand),
    /// Record fact-checkers' verdicts.
    #[command(subcommand)]
    Verdict(VerdictCommand),
    /// Relate two claims.
    Relate(RelateArgs),
    /// Correct or retract an earlier record.
    Amend(AmendArgs),
    /// Set an editor's Admiralty grade (A-F) for a source.
    Prior(PriorArgs),
    /// Set an admin's prior grade (A-F) for a checker organisation, the
    /// --org of enrolled keys (signed by an admin key; the ledger's own
    /// admin key if --key is not given).
    Trust(TrustArgs),
    /// List entries.
    Log(LogArgs),
    /// Show one entry (a unique id prefix is enough).
    Show(ShowArgs),
    /// Show a claim's attribution chain as a tree, with its verdicts.
    Trace(TraceArgs),
    /// Find claims by their words, in any order, in their text or a
    /// translation (folded, Arabic-aware), best first. Keeps an index in
    /// the ledger's directory (search/), brought up to date with what was
    /// appended since it last ran; it is derived, and safe to delete.
    /// With --json, `indexed` gives the entries it covers and how many
    /// this call folded.
    Search(SearchArgs),
    /// The recorded claims most likely to be the same claim as TEXT, each
    /// with its resemblance (0-1): link one as same-as rather than record
    /// a duplicate.
    Match(MatchArgs),
    /// Re-check every entry, signature and link.
    Verify(VerifyArgs),
    /// Rebuild the store of a ledger of the first store format in the
    /// current one (any command that opens it does this first): every
    /// entry is checked again; entries, checkpoints and keys are kept byte
    /// for byte. A ledger of store format 2 is read and written as it is
    /// and needs nothing.
    Migrate,
    /// Sign (or show) the log's checkpoint of its current size.
    Checkpoint(CheckpointArgs),
    /// Print an inclusion or consistency proof as JSON.
    Prove(ProveArgs),
    /// Check a proof with the log's verifier key alone (no ledger needed).
    VerifyProof(VerifyProofArgs),
    /// Replay the ledger into scores and print the state root.
    Replay(ReplayArgs),
    /// Sources ranked by credibility, or one source's score.
    Score(ScoreArgs),
    /// A claim's credibility: its story's reports, origins and verdicts.
    Credibility(CredibilityArgs),
    /// Fact-checkers (organisations, or lone keys) and the weight of each
    /// one's word, with why.
    Checkers(CheckersArgs),
    /// Write the ledger out.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Read a ledger in.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Follow a published log (tiles over HTTP or in a directory): check
    /// its new checkpoint, tiles and entries, and add them to a local copy.
    Mirror(MirrorArgs),
    /// Build the worked example (an Agenzia Nova article, February 2025).
    Demo(DemoArgs),
    /// Serve the ledger over HTTP: the API for writers and readers, the
    /// signed checkpoint and tiles, and the web explorer.
    Serve(ServeArgs),
    /// Run a C2SP witness: cosign the checkpoints of the logs it follows
    /// when each extends the last it cosigned.
    #[command(subcommand)]
    Witness(WitnessCommand),
    /// The witnesses this ledger asks to cosign its checkpoints, and how
    /// many must (its quorum), kept in <ledger>/witnesses.json.
    /// `checkpoint`, `prove`, `export tiles` and `serve` ask them.
    #[command(subcommand)]
    Witnesses(WitnessesCommand),
    /// Measure import, append, verify, replay, proofs and checkpoints on a
    /// generated ledger, beside the machine's limits and against the
    /// targets (or `bench gen`, `bench plot`, `bench serve`).
    Bench(BenchArgs),
}

/// `witnesses …`.
#[derive(Subcommand, Debug)]
pub enum WitnessesCommand {
    /// Ask one more witness: the URL prefix under which its
    /// `add-checkpoint` endpoint is, and its verifier key. The witness is
    /// not contacted now (it must follow this log: `isnad witness
    /// add-log`).
    Add {
        /// The witness's URL prefix, such as `https://witness.example/`.
        #[arg(value_name = "URL")]
        url: String,
        /// The witness's verifier key (the string, or a file holding it),
        /// as `isnad witness init` prints it.
        #[arg(long, value_name = "VKEY")]
        vkey: String,
    },
    /// Stop asking a witness.
    Remove {
        /// The witness's name, verifier key or URL.
        #[arg(value_name = "WITNESS")]
        witness: String,
    },
    /// Print the quorum and each witness: name, URL, verifier key.
    List,
    /// How many of the witnesses must cosign each checkpoint: a number,
    /// or `all` (the default).
    Quorum {
        /// The number, or `all`.
        #[arg(value_name = "K|all")]
        quorum: String,
    },
}

/// `witness …`.
#[derive(Subcommand, Debug)]
pub enum WitnessCommand {
    /// Create a witness in DIR (new or empty): its key (DIR/witness.key,
    /// mode 0600) and its state. Prints its verifier key.
    Init {
        /// The witness's directory.
        #[arg(value_name = "DIR")]
        dir: PathBuf,
        /// The witness's name, such as `witness.example/w1`.
        #[arg(long)]
        name: String,
    },
    /// Follow a log: its checkpoints signed by LOGKEY (whose name is the
    /// log's origin) will be cosigned.
    AddLog {
        /// The witness's directory.
        #[arg(value_name = "DIR")]
        dir: PathBuf,
        /// The log's verifier key (`isnad checkpoint --vkey`).
        #[arg(long, value_name = "LOGKEY")]
        vkey: String,
    },
    /// Print the witness's verifier key and each log's last cosigned size.
    Show {
        /// The witness's directory.
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
    /// Print, one JSON object a line, the signed checkpoints the witness
    /// refused because they contradict what it cosigned.
    Evidence {
        /// The witness's directory.
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
    /// Serve the C2SP tlog-witness `add-checkpoint` endpoint.
    Serve {
        /// The witness's directory.
        #[arg(value_name = "DIR")]
        dir: PathBuf,
        /// Address to listen on (`HOST:PORT`; a bare host listens on port 8350).
        #[arg(long, default_value = "127.0.0.1:8350", value_name = "ADDR")]
        listen: String,
    },
}

/// `init`.
#[derive(Args, Debug)]
pub struct InitArgs {
    /// Name of the founding admin key.
    #[arg(long, default_value = "admin")]
    pub admin_name: String,
    /// The log's origin, also the name of its log key: a unique name such as
    /// `news.example/isnad`, no spaces or '+' [default: isnad/<random hex>].
    #[arg(long)]
    pub origin: Option<String>,
}

/// `key …`.
#[derive(Subcommand, Debug)]
pub enum KeyCommand {
    /// Generate a key pair; writes the private key file (mode 0600) and
    /// prints the verifier key.
    New {
        /// Key name (no spaces, no '+').
        name: String,
        /// Where to write the private key [default: NAME.key].
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Print the verifier key of a private key file (the --key one by default).
    Show {
        /// Private key file.
        file: Option<PathBuf>,
    },
    /// Enrol a key with roles (signed by an admin key; the ledger's own admin
    /// key if --key is not given).
    Enroll {
        /// Verifier key string (name+id+key) or a private key file.
        #[arg(value_name = "KEY")]
        vkey: String,
        /// Role to grant (repeatable): admin, editor, fact-checker, auditor.
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        /// Who holds the key.
        #[arg(long)]
        holder: Option<String>,
        /// The organisation (a fact-checking desk or newsroom) that holds
        /// the key, as a slug (a-z, 0-9, '-'); `trust` grades it.
        #[arg(long, value_name = "ORG")]
        org: Option<String>,
    },
    /// Replace the --key key with a new one: the old key signs the
    /// handover, the new key gets its roles, and the old key signs nothing
    /// more. Writes the new private key file (mode 0600).
    Rotate {
        /// The new key's name (no spaces, no '+').
        name: String,
        /// Where to write the new private key [default: NAME.key].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Who holds the new key.
        #[arg(long)]
        holder: Option<String>,
        /// The new key's organisation: it keeps the old key's, which it
        /// inherits when this is left out; naming another is refused.
        #[arg(long, value_name = "ORG")]
        org: Option<String>,
    },
    /// Revoke a key: it signs nothing more (signed by an admin key, the
    /// ledger's own if --key is not given, or by the key itself).
    Revoke {
        /// Verifier key string (name+id+key) or a private key file.
        #[arg(value_name = "KEY")]
        vkey: String,
        /// superseded (retired in the ordinary way) or compromised (its
        /// verdicts from --since on stop counting).
        #[arg(long)]
        reason: String,
        /// For a compromised key: from when its signatures are not to be
        /// trusted (YYYY-MM-DDTHH:MM:SSZ) [default: now].
        #[arg(long)]
        since: Option<String>,
    },
}

/// `source …`.
#[derive(Subcommand, Debug)]
pub enum SourceCommand {
    /// Describe a new source.
    Add(SourceAddArgs),
    /// Show a source and the entries that mention it.
    Show {
        /// Source id.
        id: String,
    },
    /// List sources.
    List,
}

/// `source add`.
#[derive(Args, Debug)]
pub struct SourceAddArgs {
    /// Stable slug id (a-z, 0-9, '-').
    pub id: String,
    /// Display name.
    #[arg(long)]
    pub name: String,
    /// What it is.
    #[arg(long, value_parser = wire_names(&SourceKind::ALL, SourceKind::as_str, source_kind_help))]
    pub kind: SourceKind,
    /// Home page or profile URL.
    #[arg(long)]
    pub url: Option<String>,
    /// Main language (BCP-47).
    #[arg(long)]
    pub language: Option<String>,
    /// Source it belongs to (repeatable).
    #[arg(long = "affiliation")]
    pub affiliations: Vec<String>,
    /// Short description.
    #[arg(long)]
    pub description: Option<String>,
}

/// `claim …`.
#[derive(Subcommand, Debug)]
pub enum ClaimCommand {
    /// Record a claim.
    Add(ClaimAddArgs),
}

/// The attribution chain, publisher first.
#[derive(Args, Debug, Clone)]
pub struct ChainArgs {
    /// The publishing source.
    #[arg(long)]
    pub publisher: Option<String>,
    /// Next hop back toward the origin, as SOURCE[:RELATION] with RELATION one
    /// of cited (default), quoted, published-on, anonymous (repeatable, in order).
    #[arg(long = "via")]
    pub via: Vec<String>,
}

/// `claim add`.
#[derive(Args, Debug)]
pub struct ClaimAddArgs {
    /// The statement in its original language.
    #[arg(long, conflicts_with = "text_file")]
    pub text: Option<String>,
    /// Read the statement from a file (UTF-8).
    #[arg(long)]
    pub text_file: Option<PathBuf>,
    /// Language of the text (BCP-47).
    #[arg(long)]
    pub lang: String,
    /// Verbatim quote.
    #[arg(long)]
    pub quote: Option<String>,
    /// A translation as LANG=TEXT (repeatable).
    #[arg(long = "translation")]
    pub translations: Vec<String>,
    /// The chain.
    #[command(flatten)]
    pub chain: ChainArgs,
    /// Publication date (YYYY-MM-DD) or time (YYYY-MM-DDTHH:MM:SSZ).
    #[arg(long)]
    pub date: String,
    /// Publication URL.
    #[arg(long)]
    pub url: Option<String>,
    /// Where it appeared, in words.
    #[arg(long)]
    pub venue: Option<String>,
}

/// `verdict …`.
#[derive(Subcommand, Debug)]
pub enum VerdictCommand {
    /// Rate a claim.
    Add(VerdictAddArgs),
}

/// `verdict add`.
#[derive(Args, Debug)]
pub struct VerdictAddArgs {
    /// The claim's id (prefix).
    pub claim: String,
    /// The rating.
    #[arg(long, value_parser = wire_names(&Rating::ALL, Rating::as_str, rating_help))]
    pub rating: Rating,
    /// Confidence, 0-100.
    #[arg(long)]
    pub confidence: u8,
    /// Why.
    #[arg(long)]
    pub rationale: String,
    /// Supporting URL or citation (repeatable).
    #[arg(long = "evidence")]
    pub evidence: Vec<String>,
    /// Earlier verdict of yours on this claim that this one replaces.
    #[arg(long)]
    pub supersedes: Option<String>,
}

/// `relate`.
#[derive(Args, Debug)]
pub struct RelateArgs {
    /// The claim the relation is stated for.
    pub from: String,
    /// How it stands to the other.
    #[arg(value_parser = wire_names(&ClaimRelation::ALL, ClaimRelation::as_str, relation_help))]
    pub relation: ClaimRelation,
    /// The other claim.
    pub to: String,
    /// Why.
    #[arg(long)]
    pub note: Option<String>,
}

/// `amend`.
#[derive(Args, Debug)]
pub struct AmendArgs {
    /// The entry to amend (id prefix).
    pub target: String,
    /// Why.
    #[arg(long)]
    pub reason: String,
    /// Retract the target.
    #[arg(long, conflicts_with_all = ["publisher", "via", "text", "lang", "name", "description", "url"])]
    pub retract: bool,
    /// Re-attribution: the corrected chain (with --via).
    #[command(flatten)]
    pub chain: ChainArgs,
    /// Corrected claim text.
    #[arg(long)]
    pub text: Option<String>,
    /// Corrected claim language.
    #[arg(long)]
    pub lang: Option<String>,
    /// Corrected source name.
    #[arg(long)]
    pub name: Option<String>,
    /// Corrected source description.
    #[arg(long)]
    pub description: Option<String>,
    /// Corrected source URL.
    #[arg(long)]
    pub url: Option<String>,
    /// Corrected source affiliations (replaces the list; repeatable).
    #[arg(long = "affiliation")]
    pub affiliations: Vec<String>,
}

/// `prior`.
#[derive(Args, Debug)]
pub struct PriorArgs {
    /// The source.
    pub source: String,
    /// Admiralty grade A-F.
    pub grade: String,
    /// Why.
    #[arg(long)]
    pub reason: String,
}

/// `trust`.
#[derive(Args, Debug)]
pub struct TrustArgs {
    /// The checker organisation: the --org of a key enrolled earlier.
    #[arg(value_name = "ORG")]
    pub org: String,
    /// Admiralty-style grade A-F.
    pub grade: String,
    /// Why.
    #[arg(long)]
    pub reason: String,
}

/// `log`.
#[derive(Args, Debug)]
pub struct LogArgs {
    /// Only entries of this kind.
    #[arg(long)]
    pub kind: Option<String>,
    /// At most this many entries (the latest).
    #[arg(long)]
    pub limit: Option<usize>,
}

/// `show`.
#[derive(Args, Debug)]
pub struct ShowArgs {
    /// Entry id or unique prefix (at least 4 hex digits).
    pub id: String,
    /// Print the entry's leaf bytes exactly (its line of the export), for
    /// example for `verify-proof --entry`.
    #[arg(long, conflicts_with = "json")]
    pub leaf: bool,
}

/// `trace`.
#[derive(Args, Debug)]
pub struct TraceArgs {
    /// Claim id or unique prefix.
    pub claim: String,
}

/// `verify`.
#[derive(Args, Debug)]
pub struct VerifyArgs {
    /// Verify an export file instead of the ledger (no database needed).
    #[arg(long, conflicts_with = "since")]
    pub export: Option<PathBuf>,
    /// Also check that the ledger extends this signed checkpoint, saved
    /// earlier (for example from `isnad checkpoint`).
    #[arg(long, value_name = "CHECKPOINT_FILE")]
    pub since: Option<PathBuf>,
    /// Witnesses whose cosignatures the `--since` checkpoint needs.
    #[command(flatten)]
    pub quorum: QuorumArgs,
}

/// `replay`.
#[derive(Args, Debug)]
pub struct ReplayArgs {
    /// Stop at this entry (a sequence number) or time (YYYY-MM-DDTHH:MM:SSZ);
    /// decay is measured from there [default: the last entry].
    #[arg(long, value_name = "SEQ|TIME")]
    pub as_of: Option<String>,
    /// Verify and replay an export file instead of the ledger (no database).
    #[arg(long, value_name = "FILE")]
    pub export: Option<PathBuf>,
    /// Print the state text whose SHA-256 is the state root.
    #[arg(long, conflicts_with = "json")]
    pub state: bool,
}

/// `score`.
#[derive(Args, Debug)]
pub struct ScoreArgs {
    /// One source (its slug); all of them, ranked, when absent.
    pub source: Option<String>,
    /// As of this entry or time (see `replay --as-of`).
    #[arg(long, value_name = "SEQ|TIME")]
    pub as_of: Option<String>,
    /// List every verdict that moved the score (its checker, the
    /// statement's date and age, decay, dispute factor, weight and the
    /// source's share as originator or relay), then each checker's part
    /// with its saturation and weight.
    #[arg(long)]
    pub explain: bool,
}

/// `checkers`.
#[derive(Args, Debug)]
pub struct CheckersArgs {
    /// One checker: its id as `isnad checkers` lists it (an organisation
    /// id or `name+keyid`), or the name of one of its keys; all of them
    /// when absent. No such checker is an input error (exit 2).
    pub id: Option<String>,
    /// As of this entry or time (see `replay --as-of`).
    #[arg(long, value_name = "SEQ|TIME")]
    pub as_of: Option<String>,
    /// List every story the checker shares with other checkers: its
    /// rating there, the others, and how far it agreed.
    #[arg(long)]
    pub explain: bool,
}

/// `credibility`.
#[derive(Args, Debug)]
pub struct CredibilityArgs {
    /// Claim id or unique prefix.
    pub claim: String,
    /// As of this entry or time (see `replay --as-of`).
    #[arg(long, value_name = "SEQ|TIME")]
    pub as_of: Option<String>,
    /// List every report with its chain, trust and Admiralty pair, the
    /// origins, and the verdicts with their checkers, whether each is its
    /// checker's voice, and the checker's weight.
    #[arg(long)]
    pub explain: bool,
}

/// `checkpoint`.
#[derive(Args, Debug)]
pub struct CheckpointArgs {
    /// Print the log's verifier key (name+id+key) instead.
    #[arg(long)]
    pub vkey: bool,
    /// The log's private key [default: <ledger>/keys/log.key].
    #[arg(long, value_name = "FILE")]
    pub log_key: Option<PathBuf>,
    /// Seconds each witness may take to answer (decimals allowed).
    #[arg(long, value_name = "SECONDS", default_value = "5", value_parser = parse_wait)]
    pub witness_timeout: std::time::Duration,
}

/// `prove`.
#[derive(Args, Debug)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["record", "consistency"])))]
pub struct ProveArgs {
    /// The entry to prove (id or unique prefix).
    pub record: Option<String>,
    /// Prove that the tree of this many entries is a prefix of the tree of
    /// `--size` entries.
    #[arg(long, value_name = "OLD")]
    pub consistency: Option<u64>,
    /// Tree size of a checkpoint the log signed [default: the current size,
    /// signing its checkpoint if needed].
    #[arg(long)]
    pub size: Option<u64>,
    /// The log's private key, to sign the current checkpoint
    /// [default: <ledger>/keys/log.key].
    #[arg(long, value_name = "FILE")]
    pub log_key: Option<PathBuf>,
}

/// `verify-proof`.
#[derive(Args, Debug)]
pub struct VerifyProofArgs {
    /// The proof, as printed by `isnad prove`.
    pub proof: PathBuf,
    /// The log's verifier key: the key string itself, or a file holding it.
    #[arg(long)]
    pub vkey: String,
    /// For an inclusion proof: the entry's exported line, to check that it
    /// is the proven leaf.
    #[arg(long, value_name = "FILE")]
    pub entry: Option<PathBuf>,
    /// For a consistency proof: the old signed checkpoint, to check that the
    /// proof starts from it.
    #[arg(long, value_name = "CHECKPOINT_FILE")]
    pub old: Option<PathBuf>,
    /// Witnesses whose cosignatures the checkpoint needs.
    #[command(flatten)]
    pub quorum: QuorumArgs,
}

/// `--witness` and `--quorum`, for the commands that check a checkpoint.
#[derive(Args, Debug)]
pub struct QuorumArgs {
    /// A witness's verifier key (the string, or a file holding it) whose
    /// cosignature of the checkpoint counts; repeatable.
    #[arg(long = "witness", value_name = "VKEY")]
    pub witnesses: Vec<String>,
    /// How many distinct listed witnesses must have cosigned the
    /// checkpoint [default: all those listed].
    #[arg(long, value_name = "K", requires = "witnesses")]
    pub quorum: Option<usize>,
}

/// `export …`.
#[derive(Subcommand, Debug)]
pub enum ExportCommand {
    /// One entry per line, each line exactly the entry's leaf bytes.
    Jsonl {
        /// Output file [default: standard output].
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
    /// One schema.org ClaimReview (JSON-LD) per verdict that stands, as a
    /// JSON array.
    Claimreview(ClaimReviewExportArgs),
    /// The attribution graph as W3C PROV-JSON.
    Prov {
        /// Output file [default: standard output].
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
    /// The transparency log as C2SP tlog-tiles static files: the signed
    /// checkpoint of the current size, every hash tile and entry bundle.
    /// Upload DIR to any static host; exporting again after the ledger
    /// grows writes only what changed.
    Tiles {
        /// Directory to write (new, empty, or an earlier export of this log).
        dir: PathBuf,
        /// The log's private key, to sign the current checkpoint if it is
        /// not signed yet [default: <ledger>/keys/log.key].
        #[arg(long, value_name = "FILE")]
        log_key: Option<PathBuf>,
    },
}

/// `mirror`.
#[derive(Args, Debug)]
pub struct MirrorArgs {
    /// Where the log is published: an http:// or https:// URL prefix (the
    /// one under which `checkpoint` and `tile/…` are found), or a directory
    /// written by `export tiles`.
    #[arg(value_name = "URL")]
    pub url: String,
    /// The mirror: created on the first run. It holds `ledger/`, an
    /// ordinary ledger (`isnad --ledger DIR/ledger verify`, `trace`, …),
    /// and `checkpoint`, the last checkpoint verified.
    pub dir: PathBuf,
    /// The log's verifier key (`isnad checkpoint --vkey` prints it): the
    /// key string itself, or a file holding it.
    #[arg(long)]
    pub vkey: String,
    /// Witnesses whose cosignatures each new checkpoint needs.
    #[command(flatten)]
    pub quorum: QuorumArgs,
}

/// `export claimreview`.
#[derive(Args, Debug)]
pub struct ClaimReviewExportArgs {
    /// Output file [default: standard output].
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Where the ledger's entries are published: each review's url is this
    /// followed by /VERDICT-ID [default: reviews have no url].
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// The fact-checking organisation to name as every review's author
    /// [default: the signing key's holder].
    #[arg(long, value_name = "NAME")]
    pub org: Option<String>,
    /// The organisation's home page.
    #[arg(long, value_name = "URL", requires = "org")]
    pub org_url: Option<String>,
}

/// `import claimreview`.
#[derive(Args, Debug)]
pub struct ClaimReviewImportArgs {
    /// ClaimReview JSON-LD (an object, an array, an @graph, JSON Lines),
    /// an HTML page with JSON-LD in it, or a Fact Check Tools
    /// `claims:search` response.
    pub file: PathBuf,
    /// Import the reviews that can be imported and count the rest
    /// [default: import nothing unless all can be].
    #[arg(long)]
    pub skip_invalid: bool,
    /// Confidence (0-100) of every verdict imported.
    #[arg(long, default_value_t = 80, value_parser = clap::value_parser!(u8).range(0..=100))]
    pub confidence: u8,
    /// Language (BCP-47) of claims whose markup does not say.
    #[arg(long, default_value = "und")]
    pub lang: String,
    /// The page the markup came from, to resolve relative URLs against.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Refuse a file larger than this many bytes before reading it.
    #[arg(long, value_name = "BYTES", default_value_t = isnad_core::interop::stream::MAX_INPUT)]
    pub max_bytes: u64,
}

/// `import …`.
#[derive(Subcommand, Debug)]
pub enum ImportCommand {
    /// Import an export into an empty ledger or one it extends (all or nothing).
    Jsonl {
        /// The export file.
        file: PathBuf,
        /// Origin (log key name) when the import creates a new ledger
        /// [default: isnad/<random hex>].
        #[arg(long)]
        origin: Option<String>,
    },
    /// Import fact-checks published as schema.org ClaimReview: sources,
    /// claims and verdicts signed with --key (a fact-checker's).
    Claimreview(ClaimReviewImportArgs),
}

/// `serve`.
#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on (`HOST:PORT`; a bare host listens on port 8350).
    #[arg(long, default_value = "127.0.0.1:8350", value_name = "ADDR")]
    pub listen: String,
    /// The log key that signs checkpoints [default: <ledger>/keys/log.key,
    /// when readable; without one the server serves the checkpoints kept].
    #[arg(long, value_name = "FILE")]
    pub log_key: Option<PathBuf>,
    /// Seconds a client may take to send a request's headers before its
    /// connection is closed.
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = parse_wait)]
    pub header_timeout: std::time::Duration,
    /// Seconds a connection may stay without a byte read or written before
    /// it is closed.
    #[arg(long, value_name = "SECONDS", default_value = "60", value_parser = parse_wait)]
    pub idle_timeout: std::time::Duration,
    /// Most connections served at once; more wait to be accepted.
    #[arg(long, value_name = "N", default_value_t = 512,
          value_parser = clap::value_parser!(u32).range(1..=65_536).map(|n| n as usize))]
    pub max_connections: usize,
    /// No request log (otherwise one JSON line per request on standard
    /// error: method, path, status, milliseconds).
    #[arg(long)]
    pub quiet: bool,
    /// Seconds each witness may take to answer when the server asks the
    /// ledger's witnesses (`isnad witnesses`) to cosign a new checkpoint.
    #[arg(long, value_name = "SECONDS", default_value = "5", value_parser = parse_wait)]
    pub witness_timeout: std::time::Duration,
}

/// `search`.
#[derive(Args, Debug)]
pub struct SearchArgs {
    /// The words to find.
    pub query: String,
    /// Only claims in this language.
    #[arg(long)]
    pub lang: Option<String>,
    /// Only claims with this source in their chain.
    #[arg(long, value_name = "SLUG")]
    pub source: Option<String>,
    /// Only claims with a standing verdict of this rating.
    #[arg(long, value_parser = wire_names(&Rating::ALL, Rating::as_str, rating_help))]
    pub rating: Option<Rating>,
    /// Only claims that appeared on or after this date.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
    pub from: Option<String>,
    /// Only claims that appeared on or before this date.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
    pub to: Option<String>,
    /// Results to show.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=1000))]
    pub limit: u64,
    /// Results to skip first.
    #[arg(long, default_value_t = 0)]
    pub offset: u64,
}

/// `match`.
#[derive(Args, Debug)]
pub struct MatchArgs {
    /// The new claim's text.
    pub text: String,
    /// Matches to show.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=100))]
    pub limit: u64,
}

/// `YYYY-MM-DD`.
fn parse_day(text: &str) -> Result<String, String> {
    let ok = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if ok {
        Ok(text.to_owned())
    } else {
        Err(format!("`{text}` is not a date (YYYY-MM-DD)"))
    }
}

/// `demo`.
#[derive(Args, Debug)]
pub struct DemoArgs {
    /// Where to build the demo ledger.
    #[arg(default_value = "isnad-demo")]
    pub dir: PathBuf,
}

/// `bench`: a run of the benchmark, or `bench gen`, `plot` or `serve`.
#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct BenchArgs {
    /// `gen`, `plot` or `serve`; a benchmark run when absent.
    #[command(subcommand)]
    pub command: Option<BenchCommand>,
    /// The run's options.
    #[command(flatten)]
    pub run: BenchRunArgs,
}

/// `bench [--entries N] [--seed S] [--dir DIR] [--keep]`.
#[derive(Args, Debug)]
pub struct BenchRunArgs {
    /// Entries in the generated ledger.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 100_000,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub entries: u64,
    /// The generator's seed.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Work directory, empty or new [default: a fresh directory under the
    /// system's temporary directory].
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Keep the work directory (export, ledger, key file) afterwards.
    #[arg(long)]
    pub keep: bool,
}

/// `bench …` subcommands.
#[derive(Subcommand, Debug)]
pub enum BenchCommand {
    /// Write a generated ledger of N entries to standard output, as an
    /// export that `isnad import jsonl` reads (the same for the same seed).
    Gen {
        /// Entries.
        #[arg(value_name = "N")]
        entries: u64,
        /// The generator's seed.
        #[arg(long, value_name = "S", default_value_t = 1)]
        seed: u64,
    },
    /// Write to standard output an SVG of how each cost grows with the
    /// ledger's size, from reports of `isnad bench --json` (runs at
    /// several sizes): one panel per target, the size on a log scale, the
    /// target dashed.
    Plot {
        /// Reports of `isnad bench --json`, one JSON object per file.
        #[arg(value_name = "FILE", required = true)]
        files: Vec<PathBuf>,
    },
    /// A loopback load test of `isnad serve`: CLIENTS writers each sign
    /// and post their share of APPENDS claims at once, while READERS read;
    /// reports appends per second and latency percentiles.
    Serve {
        /// Concurrent writers.
        #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=256))]
        clients: u32,
        /// Appends in all (bounded: the test ends when they are done).
        #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
        appends: u32,
        /// Concurrent readers (claim searches and checkpoints).
        #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(0..=64))]
        readers: u32,
        /// Measure reads instead, on a generated ledger of N entries: every
        /// read route warm, the first read after a write, and concurrent
        /// home-page loads.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
        entries: Option<u64>,
        /// The generator's seed, with --entries.
        #[arg(long, value_name = "S", default_value_t = 1, requires = "entries")]
        seed: u64,
        /// Home pages loaded at once, with --entries.
        #[arg(long, value_name = "N", default_value_t = 200, requires = "entries",
              value_parser = clap::value_parser!(u32).range(1..=1000))]
        pages: u32,
    },
}

/// A parser of the core enum whose values are `all`: `--help` lists their
/// wire names in that order, each with its `help`, and clap refuses any
/// other name as it refuses any other invalid value.
fn wire_names<T>(
    all: &'static [T],
    name: fn(T) -> &'static str,
    help: fn(T) -> &'static str,
) -> impl TypedValueParser<Value = T>
where
    T: Copy + Send + Sync + 'static + std::str::FromStr<Err = isnad_core::Error>,
{
    PossibleValuesParser::new(
        all.iter()
            .map(move |&v| PossibleValue::new(name(v)).help(help(v))),
    )
    // Only the names listed get here, and each is the wire name `FromStr`
    // reads: the parse cannot fail.
    .try_map(|s| s.parse::<T>())
}

/// What a kind of source is, in `--help`.
fn source_kind_help(k: SourceKind) -> &'static str {
    match k {
        SourceKind::Outlet => "A news outlet or agency",
        SourceKind::Person => "A named person",
        SourceKind::Organization => "An organisation",
        SourceKind::Government => "A government or official body",
        SourceKind::SocialAccount => "An account on a platform",
        SourceKind::Anonymous => "Unnamed sources",
    }
}

/// What a rating says, in `--help`.
fn rating_help(r: Rating) -> &'static str {
    match r {
        Rating::True => "Accurate",
        Rating::MostlyTrue => "Accurate with minor caveats",
        Rating::Mixed => "Partly accurate",
        Rating::MostlyFalse => "Mostly inaccurate",
        Rating::False => "Inaccurate",
        Rating::Unverifiable => "Cannot be checked",
        Rating::Misattributed => "Real statement, wrong source",
    }
}

/// What a relation between claims says, in `--help`.
fn relation_help(r: ClaimRelation) -> &'static str {
    match r {
        ClaimRelation::Corroborates => "Independent support",
        ClaimRelation::Contradicts => "Contradiction",
        ClaimRelation::DerivedFrom => "Derived from (shares the origin)",
        ClaimRelation::SameAs => "The same story",
    }
}

/// The longest `--wait`: a day.
const MAX_WAIT_SECS: f64 = 86_400.0;

/// `--wait`: seconds, decimals allowed, from 0 to a day.
fn parse_wait(text: &str) -> Result<std::time::Duration, String> {
    let secs: f64 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a number of seconds"))?;
    if !(0.0..=MAX_WAIT_SECS).contains(&secs) {
        return Err(format!(
            "{text} is not between 0 and {MAX_WAIT_SECS} seconds"
        ));
    }
    Ok(std::time::Duration::from_secs_f64(secs))
}
