//! The log's side of C2SP tlog-witness: the witnesses a ledger asks to
//! cosign its checkpoints, and one round of asking them.
//!
//! The witnesses and the quorum are a [`WitnessConfig`], kept in
//! `witnesses.json` in the ledger's directory, beside the store rather than
//! in it: an operator can change it while `isnad serve` holds the store,
//! and the server reads it again before each round. It is configuration,
//! not ledger data: nothing in it is signed or exported.
//!
//! [`Ledger::cosign_latest`] asks every listed witness whose cosignature
//! the latest checkpoint lacks, all at once: each gets an `add-checkpoint`
//! request with the size it last cosigned (remembered per witness in the
//! store's `meta` tree, 0 at first) and the consistency proof from there.
//! A witness that answers 409 with its own size is asked once more from
//! that size, as the protocol says. Every cosignature that comes back is
//! verified against the witness's key before it is kept; the kept ones are
//! added to the checkpoint's own row in the `checkpoints` tree, so that
//! every reader of the checkpoint (the server's `/checkpoint`, `export
//! tiles`, proof documents) gets the cosigned note. A witness that is
//! unreachable, refuses or answers nonsense is reported in the
//! [`WitnessRound`] and changes nothing; nothing here touches the entries.
//!
//! The library does no networking: a [`WitnessClient`] sends the requests
//! (the command line brings an HTTP client with a timeout).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::add_checkpoint::AddCheckpoint;
use crate::checkpoint::{Checkpoint, SignedCheckpoint};
use crate::cosignature::{self, Cosignature, CosignerKey, Quorum, Witnessed};
use crate::error::Error;
use crate::note;
use crate::store::sled_error;

use super::Ledger;

/// The witness configuration file, in the ledger's directory.
pub const WITNESSES_FILE: &str = "witnesses.json";

/// Prefix of the `meta` keys holding, per witness verifier key, the size
/// of the checkpoint it last cosigned for this log.
const WITNESSED_PREFIX: &str = "witnessed:";

/// A witness the log asks: where its `add-checkpoint` endpoint is, and the
/// key its cosignatures must verify with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogWitness {
    url: String,
    key: CosignerKey,
}

impl LogWitness {
    /// The witness at the URL prefix `url` (its endpoint is
    /// `url/add-checkpoint`) with the verifier key `key`.
    ///
    /// # Errors
    /// [`Error::Field`] on `url` unless it is an http(s) URL with a host
    /// and no credentials, query or fragment.
    pub fn new(url: &str, key: CosignerKey) -> Result<Self, Error> {
        Ok(LogWitness {
            url: check_url(url)?,
            key,
        })
    }

    /// The URL prefix, without a final slash.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The witness's verifier key.
    pub fn key(&self) -> &CosignerKey {
        &self.key
    }

    /// The witness's name (its key's).
    pub fn name(&self) -> &str {
        self.key.name()
    }

    /// The URL of its `add-checkpoint` endpoint.
    pub fn endpoint(&self) -> String {
        format!("{}/add-checkpoint", self.url)
    }
}

fn check_url(raw: &str) -> Result<String, Error> {
    let bad = |reason: &str| Error::field("url", format!("`{raw}`: {reason}"));
    let parsed = url::Url::parse(raw).map_err(|e| bad(&e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(bad("not an http:// or https:// URL"));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(bad("no host"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(bad("a witness URL holds no user name or password"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(bad(
            "a witness URL is a prefix, without `?query` or `#fragment`",
        ));
    }
    Ok(raw.trim_end_matches('/').to_owned())
}

/// The witnesses a ledger asks and how many of them must cosign each
/// checkpoint ([`WITNESSES_FILE`] in the ledger's directory). Every
/// witness has a distinct name and key; the quorum is never more than the
/// witnesses listed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WitnessConfig {
    witnesses: Vec<LogWitness>,
    quorum: Option<usize>,
}

/// The file's JSON.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    quorum: Option<usize>,
    witnesses: Vec<WitnessLine>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct WitnessLine {
    url: String,
    vkey: String,
}

impl WitnessConfig {
    /// Where the configuration of the ledger in `dir` is kept.
    pub fn path(dir: &Path) -> PathBuf {
        dir.join(WITNESSES_FILE)
    }

    /// The configuration of the ledger in `dir`: empty when it has none.
    ///
    /// # Errors
    /// [`Error::NotALedger`] when `dir` is not a ledger's directory;
    /// [`Error::WitnessConfig`] naming what in the file is unusable.
    pub fn load(dir: &Path) -> Result<Self, Error> {
        check_ledger_dir(dir)?;
        let path = Self::path(dir);
        let shown = path.display().to_string();
        let bad = |field: &str, reason: String| Error::WitnessConfig {
            path: shown.clone(),
            field: field.to_owned(),
            reason,
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(e) => return Err(bad("the file", e.to_string())),
        };
        let file: ConfigFile =
            serde_json::from_str(&text).map_err(|e| bad("the file", e.to_string()))?;
        let mut config = WitnessConfig::default();
        for (i, w) in file.witnesses.iter().enumerate() {
            let key: CosignerKey = w
                .vkey
                .parse()
                .map_err(|e: Error| bad(&format!("witnesses[{i}].vkey"), e.to_string()))?;
            let witness = LogWitness::new(&w.url, key)
                .map_err(|e| bad(&format!("witnesses[{i}].url"), e.to_string()))?;
            config
                .add(witness)
                .map_err(|e| bad(&format!("witnesses[{i}]"), e.to_string()))?;
        }
        config
            .set_quorum(file.quorum)
            .map_err(|e| bad("quorum", e.to_string()))?;
        Ok(config)
    }

    /// Writes the configuration for the ledger in `dir`, replacing the
    /// file whole (through a synced temporary file and a rename).
    ///
    /// # Errors
    /// [`Error::NotALedger`] when `dir` is not a ledger's directory;
    /// [`Error::Io`] when the file cannot be written.
    pub fn save(&self, dir: &Path) -> Result<(), Error> {
        check_ledger_dir(dir)?;
        let file = ConfigFile {
            quorum: self.quorum,
            witnesses: self
                .witnesses
                .iter()
                .map(|w| WitnessLine {
                    url: w.url.clone(),
                    vkey: w.key.to_string(),
                })
                .collect(),
        };
        let mut json = serde_json::to_string_pretty(&file).map_err(|e| Error::Canonical {
            reason: e.to_string(),
        })?;
        json.push('\n');
        super::tiles::write_atomic(&Self::path(dir), json.as_bytes())
    }

    /// The witnesses, in the order they were added.
    pub fn witnesses(&self) -> &[LogWitness] {
        &self.witnesses
    }

    /// Whether no witness is listed.
    pub fn is_empty(&self) -> bool {
        self.witnesses.is_empty()
    }

    /// The quorum as set, `None` meaning all the witnesses listed.
    pub fn quorum_setting(&self) -> Option<usize> {
        self.quorum
    }

    /// How many witnesses must cosign.
    pub fn needed(&self) -> usize {
        self.quorum.unwrap_or(self.witnesses.len())
    }

    /// The quorum as a reader checks it: these witnesses' keys and
    /// [`WitnessConfig::needed`] of them.
    ///
    /// # Errors
    /// None in practice: the quorum is never more than the witnesses.
    pub fn reader_quorum(&self) -> Result<Quorum, Error> {
        let keys: Vec<CosignerKey> = self.witnesses.iter().map(|w| w.key.clone()).collect();
        Quorum::new(&keys, Some(self.needed()))
    }

    /// Lists one more witness.
    ///
    /// # Errors
    /// [`Error::Field`] on `vkey` when a witness of that name or key is
    /// listed already (a reader tells cosignatures apart by name and key).
    pub fn add(&mut self, witness: LogWitness) -> Result<(), Error> {
        if let Some(same) = self
            .witnesses
            .iter()
            .find(|w| w.key == witness.key || w.name() == witness.name())
        {
            return Err(Error::field(
                "vkey",
                format!(
                    "a witness named {} is listed already, at {}",
                    same.name(),
                    same.url
                ),
            ));
        }
        self.witnesses.push(witness);
        Ok(())
    }

    /// Removes the witness named by `which`: its name, its verifier key or
    /// its URL. Returns it.
    ///
    /// # Errors
    /// [`Error::Field`] on `witness` when none matches; on `quorum` when
    /// the witnesses left would be fewer than the quorum set (lower it
    /// first).
    pub fn remove(&mut self, which: &str) -> Result<LogWitness, Error> {
        let which = which.trim();
        let at = self
            .witnesses
            .iter()
            .position(|w| {
                w.name() == which
                    || w.key.to_string() == which
                    || w.url == which.trim_end_matches('/')
            })
            .ok_or_else(|| {
                Error::field(
                    "witness",
                    format!("no listed witness has the name, key or URL `{which}`"),
                )
            })?;
        if self.quorum.is_some_and(|q| q > self.witnesses.len() - 1) {
            return Err(Error::field(
                "quorum",
                format!(
                    "the quorum is {}, more than the {} witnesses that would be left; lower it first",
                    self.needed(),
                    self.witnesses.len() - 1
                ),
            ));
        }
        Ok(self.witnesses.remove(at))
    }

    /// Sets how many witnesses must cosign; `None` for all of them.
    ///
    /// # Errors
    /// [`Error::Field`] on `quorum` when it is more than the witnesses
    /// listed.
    pub fn set_quorum(&mut self, quorum: Option<usize>) -> Result<(), Error> {
        if let Some(q) = quorum {
            if q > self.witnesses.len() {
                return Err(Error::field(
                    "quorum",
                    format!(
                        "{q} needed, but only {} witnesses are listed",
                        self.witnesses.len()
                    ),
                ));
            }
        }
        self.quorum = quorum;
        Ok(())
    }
}

/// A ledger's directory holds its marker file; the configuration goes
/// nowhere else.
fn check_ledger_dir(dir: &Path) -> Result<(), Error> {
    if dir.join(super::MARKER_FILE).is_file() {
        return Ok(());
    }
    Err(Error::NotALedger {
        path: dir.display().to_string(),
        reason: "no isnad.ledger file in it".into(),
    })
}

/// A witness's answer to an `add-checkpoint` request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    status: u16,
    body: String,
}

impl Reply {
    /// An answer with HTTP status `status` and body `body`.
    pub fn new(status: u16, body: String) -> Self {
        Reply { status, body }
    }
}

/// How the log reaches its witnesses: the command line implements it over
/// HTTP. Requests to several witnesses are sent from several threads at
/// once.
pub trait WitnessClient: Sync {
    /// POSTs `body` to `witness`'s `add-checkpoint` endpoint and returns
    /// its answer, whatever its status.
    ///
    /// # Errors
    /// [`Error::Fetch`] when no whole answer came: unreachable, timed out,
    /// or too large.
    fn add_checkpoint(&self, witness: &LogWitness, body: &str) -> Result<Reply, Error>;
}

/// Why a witness did not cosign.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Failure {
    /// No answer: unreachable, too slow, or cut off.
    Unreachable(String),
    /// It refused, with this HTTP status and the first line of its answer.
    /// A 409 that gives no size is the witness's report of another tree
    /// cosigned at the same size: a split view, if the witness is honest.
    Refused {
        /// The HTTP status.
        status: u16,
        /// The first line of its answer.
        message: String,
    },
    /// It has cosigned a larger tree of this log than the checkpoint: the
    /// ledger was rolled back, or someone showed the witness another
    /// history.
    Ahead {
        /// The size it says it cosigned.
        size: u64,
    },
    /// It answered 200 without a cosignature by its key that verifies.
    BadAnswer(String),
    /// The request could not be made here (the ledger failed to give the
    /// consistency proof).
    Local(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Unreachable(why) => write!(f, "unreachable: {why}"),
            Failure::Refused {
                status: 409,
                message,
            } => write!(
                f,
                "refused with 409 (it cosigned another tree of that size: a split view?): {message}"
            ),
            Failure::Refused { status, message } => write!(f, "refused with {status}: {message}"),
            Failure::Ahead { size } => write!(
                f,
                "it cosigned a tree of {size} entries, larger than this checkpoint: the ledger \
                 was rolled back or the witness was shown another history"
            ),
            Failure::BadAnswer(why) => write!(f, "answered without a valid cosignature: {why}"),
            Failure::Local(why) => write!(f, "no request made: {why}"),
        }
    }
}

/// What became of one witness in a round.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Asked {
    /// Its valid cosignature was on the checkpoint already; not asked.
    Had,
    /// It cosigned now; the cosignature's time (POSIX seconds).
    Cosigned(u64),
    /// It did not cosign.
    Failed(Failure),
}

impl Asked {
    /// Whether the checkpoint now carries this witness's cosignature.
    pub fn cosigned(&self) -> bool {
        matches!(self, Asked::Had | Asked::Cosigned(_))
    }
}

/// One round of asking the witnesses about the latest checkpoint.
#[derive(Clone, Debug)]
pub struct WitnessRound {
    checkpoint: SignedCheckpoint,
    results: Vec<(LogWitness, Asked)>,
    needed: usize,
}

impl WitnessRound {
    /// The checkpoint with every cosignature it now carries.
    pub fn checkpoint(&self) -> &SignedCheckpoint {
        &self.checkpoint
    }

    /// Each listed witness and what became of it, in the listed order.
    pub fn results(&self) -> &[(LogWitness, Asked)] {
        &self.results
    }

    /// How many listed witnesses' cosignatures the checkpoint carries.
    pub fn cosigned(&self) -> usize {
        self.results.iter().filter(|(_, a)| a.cosigned()).count()
    }

    /// How many the ledger's quorum needs.
    pub fn needed(&self) -> usize {
        self.needed
    }

    /// Whether the quorum is met.
    pub fn met(&self) -> bool {
        self.cosigned() >= self.needed
    }

    /// The witnesses that did not cosign, and why.
    pub fn failures(&self) -> impl Iterator<Item = (&LogWitness, &Failure)> {
        self.results.iter().filter_map(|(w, a)| match a {
            Asked::Failed(f) => Some((w, f)),
            _ => None,
        })
    }
}

impl Ledger {
    /// Asks the witnesses of `config` to cosign the latest checkpoint (see
    /// the module documentation), through `client`, and keeps the
    /// cosignatures that verify on the checkpoint's row. Witnesses whose
    /// cosignature the checkpoint carries already are not asked again.
    ///
    /// # Errors
    /// [`Error::NoCheckpoint`] when the log has signed none;
    /// [`Error::LogKey`] without a log key; storage errors. A witness's
    /// failure is no error: it is in the round's results.
    pub fn cosign_latest(
        &self,
        config: &WitnessConfig,
        client: &dyn WitnessClient,
    ) -> Result<WitnessRound, Error> {
        let log_key = self.require_log_key()?;
        let latest = self
            .latest_checkpoint()?
            .ok_or(Error::NoCheckpoint { size: self.len()? })?;
        let keys: Vec<CosignerKey> = config.witnesses.iter().map(|w| w.key.clone()).collect();
        let held = cosignature::witnessed(latest.note(), &keys)?;
        // What the witnesses are shown: the log's own signature alone.
        let shown = note::signed_by_only(latest.note(), &log_key)?;
        let (text, _) = note::split(&shown)?;
        let mut last = Vec::with_capacity(keys.len());
        for key in &keys {
            last.push(self.witnessed_size(key)?);
        }
        let cp = latest.checkpoint().clone();
        let cp = &cp;
        // Each witness not yet on the note is asked from a thread of its
        // own, so that a slow one delays the round by its timeout at most.
        let asked: Vec<Option<Result<Cosignature, Failure>>> = std::thread::scope(|scope| {
            let handles: Vec<_> = config
                .witnesses
                .iter()
                .zip(&held)
                .zip(&last)
                .map(|((w, held), &old)| {
                    let shown = &shown;
                    (!matches!(held, Witnessed::Cosigned(_)))
                        .then(|| scope.spawn(move || self.ask(client, w, cp, text, shown, old)))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.map(|h| {
                        h.join().unwrap_or_else(|_| {
                            Err(Failure::Local("the request's thread panicked".into()))
                        })
                    })
                })
                .collect()
        });
        let mut results = Vec::with_capacity(keys.len());
        let mut new = Vec::new();
        for (w, answer) in config.witnesses.iter().zip(asked) {
            let outcome = match answer {
                None => Asked::Had,
                Some(Ok(c)) => {
                    let at = c.timestamp();
                    new.push((w, c));
                    Asked::Cosigned(at)
                }
                Some(Err(f)) => Asked::Failed(f),
            };
            results.push((w.clone(), outcome));
        }
        let checkpoint = if new.is_empty() {
            latest
        } else {
            self.keep_cosignatures(&log_key, cp.size(), &new)?
        };
        Ok(WitnessRound {
            checkpoint,
            results,
            needed: config.needed(),
        })
    }

    /// The newest checkpoint the log signed that `quorum` accepts: with
    /// valid cosignatures from at least as many of its witnesses as it
    /// needs. Only checkpoints larger than `above` are looked at (all of
    /// them for `None`), newest first, so a caller that knows the newest
    /// accepted up to some size need not look again below it.
    ///
    /// # Errors
    /// As [`Ledger::checkpoints`].
    pub fn newest_checkpoint_meeting(
        &self,
        quorum: &Quorum,
        above: Option<u64>,
    ) -> Result<Option<SignedCheckpoint>, Error> {
        let from = match above {
            None => 0,
            Some(u64::MAX) => return Ok(None),
            Some(n) => n + 1,
        };
        let mut rows = self
            .checkpoints
            .range(from.to_be_bytes()..)
            .rev()
            .peekable();
        if rows.peek().is_none() {
            return Ok(None);
        }
        let key = self.require_log_key()?;
        for kv in rows {
            let (k, v) = kv.map_err(sled_error)?;
            let cp = super::log::open_stored(&key, &k, &v)?;
            if quorum.check(cp.note()).is_ok() {
                return Ok(Some(cp));
            }
        }
        Ok(None)
    }

    /// The size of the checkpoint the witness with `key` last cosigned for
    /// this log, as the log remembers it; 0 if none.
    ///
    /// # Errors
    /// Storage errors; [`Error::Corrupt`] for a malformed record.
    pub fn witnessed_size(&self, key: &CosignerKey) -> Result<u64, Error> {
        let row = self
            .meta
            .get(format!("{WITNESSED_PREFIX}{key}"))
            .map_err(sled_error)?;
        match row {
            None => Ok(0),
            Some(v) => v
                .as_ref()
                .try_into()
                .map(u64::from_be_bytes)
                .map_err(|_| Error::Corrupt {
                    reason: format!("the size last cosigned by {} is not 8 bytes", key.name()),
                }),
        }
    }

    /// One witness's request, retried once from the size it gives in a
    /// 409; its cosignature once it verifies.
    fn ask(
        &self,
        client: &dyn WitnessClient,
        witness: &LogWitness,
        cp: &Checkpoint,
        text: &str,
        shown: &str,
        mut old: u64,
    ) -> Result<Cosignature, Failure> {
        for attempt in 0..2 {
            if old > cp.size() {
                return Err(Failure::Ahead { size: old });
            }
            let proof = if old == 0 || old == cp.size() {
                Vec::new()
            } else {
                self.consistency_proof(old, cp.size())
                    .map_err(|e| Failure::Local(e.to_string()))?
            };
            let body = AddCheckpoint {
                old_size: old,
                proof,
                note: shown.to_owned(),
            }
            .to_body();
            let reply = client
                .add_checkpoint(witness, &body)
                .map_err(|e| Failure::Unreachable(e.to_string()))?;
            match reply.status {
                200 => return cosignature_in(&reply.body, text, witness),
                409 if attempt == 0 => match parse_size(&reply.body) {
                    Some(size) => old = size,
                    None => return Err(refused(&reply)),
                },
                _ => return Err(refused(&reply)),
            }
        }
        Err(Failure::Refused {
            status: 409,
            message: format!("the size it last cosigned moved again, to {old}"),
        })
    }

    /// Adds verified cosignatures to the row of the checkpoint of `size`
    /// and remembers that each witness cosigned that size.
    fn keep_cosignatures(
        &self,
        log_key: &crate::VerifierKey,
        size: u64,
        new: &[(&LogWitness, Cosignature)],
    ) -> Result<SignedCheckpoint, Error> {
        // The writer lock keeps two rounds from adding to the row at once.
        let _w = self.lock_writer();
        let stored = self
            .checkpoint_at(size)?
            .ok_or(Error::NoCheckpoint { size })?;
        let mut note = stored.note().to_owned();
        for (w, c) in new {
            note = cosignature::add_cosignature(&note, c)?;
            self.meta
                .insert(
                    format!("{WITNESSED_PREFIX}{}", w.key),
                    &size.to_be_bytes()[..],
                )
                .map_err(sled_error)?;
        }
        let signed = SignedCheckpoint::open(&note, log_key)?;
        self.checkpoints
            .insert(size.to_be_bytes(), note.as_bytes())
            .map_err(sled_error)?;
        self.db.flush().map_err(sled_error)?;
        Ok(signed)
    }
}

/// The size of a 409 answer: one decimal line.
fn parse_size(body: &str) -> Option<u64> {
    let line = body.strip_suffix('\n').unwrap_or(body);
    let canonical = line == "0" || (!line.starts_with('0') && !line.is_empty());
    (canonical && line.bytes().all(|b| b.is_ascii_digit()))
        .then(|| line.parse().ok())
        .flatten()
}

fn refused(reply: &Reply) -> Failure {
    let first = reply.body.lines().next().unwrap_or_default();
    let message: String = first
        .chars()
        .filter(|c| !c.is_control())
        .take(300)
        .collect();
    Failure::Refused {
        status: reply.status,
        message: if message.is_empty() {
            "no reason given".into()
        } else {
            message
        },
    }
}

/// The witness's cosignature of `text` among the lines of a 200 answer.
fn cosignature_in(body: &str, text: &str, witness: &LogWitness) -> Result<Cosignature, Failure> {
    let mut why = format!("no line by {}", witness.name());
    for line in body.lines() {
        let Ok(c) = Cosignature::parse_line(line) else {
            continue;
        };
        if !c.is_by(&witness.key) {
            continue;
        }
        match c.verify(text, &witness.key) {
            Ok(()) => return Ok(c),
            Err(e) => why = e.to_string(),
        }
    }
    Err(Failure::BadAnswer(why))
}

#[cfg(test)]
mod tests;
