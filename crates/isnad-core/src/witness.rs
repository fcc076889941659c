//! A C2SP tlog-witness: a key, the logs it follows, and for each the size,
//! root and note of the last checkpoint it cosigned, in a small sled store
//! of its own.
//!
//! A directory holds `witness.key` (the private key, mode 0600) and
//! `state/` (sled, with the trees `logs` and `evidence`). The invariants:
//! a checkpoint is cosigned only when the log's key signed it and a
//! consistency proof leads to it from the size last cosigned, and that new
//! state is on disk before the cosignature leaves; so across restarts the
//! witness never cosigns two inconsistent trees of one log, nor a smaller
//! tree after a larger. A signed checkpoint that contradicts what it
//! cosigned is kept as evidence of a split view.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::add_checkpoint::AddCheckpoint;
use crate::checkpoint::Checkpoint;
use crate::cosignature::{Cosignature, CosignerKey};
use crate::error::Refusal;
use crate::keyfile::{read_key_file, write_key_file};
use crate::merkle::{self, Hash};
use crate::store::sled_error;
use crate::{Error, ErrorKind, KeyPair, VerifierKey, note};

/// The witness's private key file in its directory.
pub const KEY_FILE: &str = "witness.key";
/// The witness's sled store in its directory.
const STATE_DIR: &str = "state";

/// What the witness knows of one log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogState {
    /// The log's verifier key; its name is the log's origin.
    pub vkey: String,
    /// The size last cosigned (0 before the first).
    pub size: u64,
    /// The root last cosigned, base64 (the empty tree's before the first).
    pub root: String,
    /// The signed note last cosigned, if any.
    pub note: Option<String>,
}

/// A signed checkpoint of a log that contradicts what the witness
/// cosigned: with the log's signature on both, proof that the log showed
/// two histories (or sent a proof that does not hold).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// The log's origin.
    pub origin: String,
    /// Why it was refused.
    pub reason: String,
    /// The signed note the witness was shown.
    pub shown: String,
    /// The old size of the request.
    pub old_size: u64,
    /// The request's proof hashes, base64.
    pub proof: Vec<String>,
    /// The signed note the witness had last cosigned, when it had one.
    pub cosigned: Option<String>,
}

/// An HTTP answer of the witness's `add-checkpoint` endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The `Content-Type`.
    pub content_type: &'static str,
    /// The body.
    pub body: String,
}

/// An open witness.
pub struct Witness {
    dir: PathBuf,
    key: KeyPair,
    db: sled::Db,
    logs: sled::Tree,
    evidence: sled::Tree,
    // Checking the old size and storing the new one must be one step, or
    // two requests could interleave and roll the state back.
    update: Mutex<()>,
}

fn dir_err(dir: &Path, reason: &str) -> Error {
    Error::WitnessDir {
        path: dir.display().to_string(),
        reason: reason.to_owned(),
    }
}

fn refuse(origin: &str, refusal: Refusal) -> Error {
    Error::Witness {
        origin: origin.to_owned(),
        refusal,
    }
}

impl Witness {
    /// Creates a witness named `name` in `dir` (new or empty): a fresh key
    /// and an empty state.
    ///
    /// # Errors
    /// [`Error::WitnessDir`] when `dir` holds files; [`Error::Key`] for a
    /// bad name; storage errors.
    pub fn init(dir: &Path, name: &str) -> Result<Self, Error> {
        let key = KeyPair::generate(name)?;
        if let Ok(mut it) = std::fs::read_dir(dir) {
            if it.next().is_some() {
                return Err(dir_err(dir, "not empty; a witness needs a new directory"));
            }
        }
        write_key_file(&dir.join(KEY_FILE), &key)?;
        Self::open(dir)
    }

    /// Opens the witness in `dir`.
    ///
    /// # Errors
    /// [`Error::WitnessDir`] when `dir` holds no witness or another process
    /// has it open; key file and storage errors.
    pub fn open(dir: &Path) -> Result<Self, Error> {
        let key_path = dir.join(KEY_FILE);
        if !key_path.exists() {
            return Err(dir_err(dir, "holds no witness (no witness.key)"));
        }
        let key = read_key_file(&key_path)?;
        let config = sled::Config::new().path(dir.join(STATE_DIR));
        let wait = crate::store::OpenOptions::default().wait;
        let db = match crate::store::open_waiting(&config, std::time::Instant::now(), wait) {
            Ok(db) => db,
            Err(crate::store::OpenFailure::InUse(_)) => {
                return Err(dir_err(dir, "in use by another process"));
            }
            Err(crate::store::OpenFailure::Sled(e)) => return Err(sled_error(e)),
        };
        let logs = db.open_tree("logs").map_err(sled_error)?;
        let evidence = db.open_tree("evidence").map_err(sled_error)?;
        Ok(Witness {
            dir: dir.to_owned(),
            key,
            db,
            logs,
            evidence,
            update: Mutex::new(()),
        })
    }

    /// The witness's verifier key, for logs and readers to list.
    pub fn cosigner_key(&self) -> CosignerKey {
        CosignerKey::of(&self.key)
    }

    /// The witness's directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Follows the log whose checkpoints `vkey` signs; its origin is the
    /// key's name. Adding the same key again changes nothing.
    ///
    /// # Errors
    /// [`Error::LogKey`] when the witness follows that origin with another
    /// key; storage errors.
    pub fn add_log(&self, vkey: &VerifierKey) -> Result<(), Error> {
        let _held = self.lock();
        if let Some(known) = self.log(vkey.name())? {
            if known.vkey == vkey.to_string() {
                return Ok(());
            }
            return Err(Error::LogKey {
                reason: format!(
                    "the witness follows {} with another key already",
                    vkey.name()
                ),
            });
        }
        let fresh = LogState {
            vkey: vkey.to_string(),
            size: 0,
            root: STANDARD.encode(merkle::empty_root()),
            note: None,
        };
        self.store(vkey.name(), &fresh)
    }

    /// Every log followed, by origin.
    ///
    /// # Errors
    /// Storage errors, or [`Error::Corrupt`] for a record that does not read.
    pub fn logs(&self) -> Result<Vec<LogState>, Error> {
        self.logs
            .iter()
            .values()
            .map(|v| decode(&v.map_err(sled_error)?))
            .collect()
    }

    /// The state of the log with this origin, if followed.
    ///
    /// # Errors
    /// As [`Witness::logs`].
    pub fn log(&self, origin: &str) -> Result<Option<LogState>, Error> {
        self.logs
            .get(origin.as_bytes())
            .map_err(sled_error)?
            .map(|v| decode(&v))
            .transpose()
    }

    /// Every piece of evidence kept, oldest first.
    ///
    /// # Errors
    /// As [`Witness::logs`].
    pub fn evidence(&self) -> Result<Vec<Evidence>, Error> {
        let mut all: Vec<(u64, Evidence)> = self
            .evidence
            .iter()
            .values()
            .map(|v| decode::<(u64, Evidence)>(&v.map_err(sled_error)?))
            .collect::<Result<_, _>>()?;
        all.sort_by_key(|(n, _)| *n);
        Ok(all.into_iter().map(|(_, e)| e).collect())
    }

    /// Handles an `add-checkpoint` request at `now` (POSIX seconds): checks
    /// it, stores the new state durably, then cosigns.
    ///
    /// # Errors
    /// [`Error::Witness`] with the [`Refusal`]; [`Error::Note`] for a note
    /// too malformed to name its log; storage errors (nothing cosigned).
    pub fn add_checkpoint(&self, req: &AddCheckpoint, now: u64) -> Result<Cosignature, Error> {
        let (text, _) = note::split(&req.note)?;
        let origin = Checkpoint::parse_text(text)?.origin().to_owned();
        let _held = self.lock();
        let state = self
            .log(&origin)?
            .ok_or_else(|| refuse(&origin, Refusal::UnknownLog))?;
        let vkey: VerifierKey = state.vkey.parse()?;
        let cp = Checkpoint::open(&req.note, &vkey)
            .map_err(|_| refuse(&origin, Refusal::BadSignature))?;
        if req.old_size > cp.size() {
            return Err(refuse(
                &origin,
                Refusal::OldSizeTooLarge {
                    old: req.old_size,
                    size: cp.size(),
                },
            ));
        }
        if req.old_size != state.size {
            return Err(refuse(
                &origin,
                Refusal::StaleOldSize { latest: state.size },
            ));
        }
        let root = decode_root(&state.root)?;
        if cp.size() == state.size && *cp.root() != root {
            let refusal = Refusal::RootMismatch { size: cp.size() };
            self.keep_evidence(&origin, &refusal, req, &state)?;
            return Err(refuse(&origin, refusal));
        }
        if let Err(e) =
            merkle::verify_consistency(state.size, cp.size(), &root, cp.root(), &req.proof)
        {
            let refusal = Refusal::BadProof {
                reason: match e {
                    Error::Proof { reason } => reason,
                    other => other.to_string(),
                },
            };
            self.keep_evidence(&origin, &refusal, req, &state)?;
            return Err(refuse(&origin, refusal));
        }
        let next = LogState {
            vkey: state.vkey,
            size: cp.size(),
            root: STANDARD.encode(cp.root()),
            note: Some(req.note.clone()),
        };
        // On disk before the cosignature exists: a witness killed after
        // answering remembers what it answered.
        self.store(&origin, &next)?;
        Cosignature::sign(text, &self.key, now)
    }

    /// The protocol's answer to an `add-checkpoint` request body at `now`
    /// (POSIX seconds): the cosignature line, or the status the protocol
    /// gives the refusal (409 with the size last cosigned, as
    /// `text/x.tlog.size`, when the old size is stale).
    pub fn answer(&self, body: &str, now: u64) -> Answer {
        let text = |status: u16, body: String| Answer {
            status,
            content_type: "text/plain; charset=utf-8",
            body,
        };
        let req = match AddCheckpoint::parse(body) {
            Ok(r) => r,
            Err(e) => return text(400, format!("{e}\n")),
        };
        match self.add_checkpoint(&req, now) {
            Ok(cosignature) => text(200, cosignature.line()),
            Err(Error::Witness {
                refusal: Refusal::StaleOldSize { latest },
                ..
            }) => Answer {
                status: 409,
                content_type: "text/x.tlog.size",
                body: format!("{latest}\n"),
            },
            Err(e) => {
                let status = match &e {
                    Error::Witness { refusal, .. } => refusal.http_status(),
                    // A note too malformed to name its log.
                    _ if matches!(e.kind(), ErrorKind::Input | ErrorKind::Integrity) => 400,
                    _ => 500,
                };
                text(status, format!("{e}\n"))
            }
        }
    }

    fn keep_evidence(
        &self,
        origin: &str,
        refusal: &Refusal,
        req: &AddCheckpoint,
        state: &LogState,
    ) -> Result<(), Error> {
        // One record per note shown, however often it is sent again.
        let id = Sha256::digest(req.note.as_bytes());
        if self.evidence.contains_key(id).map_err(sled_error)? {
            return Ok(());
        }
        let seq = self.db.generate_id().map_err(sled_error)?;
        let record = Evidence {
            origin: origin.to_owned(),
            reason: refusal.to_string(),
            shown: req.note.clone(),
            old_size: req.old_size,
            proof: req.proof.iter().map(|h| STANDARD.encode(h)).collect(),
            cosigned: state.note.clone(),
        };
        self.evidence
            .insert(id.as_slice(), encode(&(seq, record))?)
            .map_err(sled_error)?;
        self.db.flush().map_err(sled_error)?;
        Ok(())
    }

    fn store(&self, origin: &str, state: &LogState) -> Result<(), Error> {
        self.logs
            .insert(origin.as_bytes(), encode(state)?)
            .map_err(sled_error)?;
        self.db.flush().map_err(sled_error)?;
        Ok(())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ()> {
        // A panic while holding the lock left no half-written state (each
        // update is one sled insert), so a poisoned lock is still usable.
        self.update
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, Error> {
    serde_json::to_vec(value).map_err(|e| Error::Canonical {
        reason: e.to_string(),
    })
}

fn decode<T: for<'a> Deserialize<'a>>(bytes: &[u8]) -> Result<T, Error> {
    serde_json::from_slice(bytes).map_err(|e| Error::Corrupt {
        reason: format!("a witness record does not read back: {e}"),
    })
}

fn decode_root(b64: &str) -> Result<Hash, Error> {
    STANDARD
        .decode(b64)
        .ok()
        .and_then(|r| r.try_into().ok())
        .ok_or_else(|| Error::Corrupt {
            reason: "a witness record holds a bad root".into(),
        })
}

#[cfg(test)]
mod tests;
