//! `--server URL`: writing to a ledger that an `isnad serve` process owns.
//!
//! The key never leaves this machine: the entry is signed here at the
//! server's next position (`GET /v1/head`) and posted whole
//! (`POST /v1/entries`); the server checks it exactly as a local append
//! would. When another writer takes the position first (409), the entry is
//! signed again at the new head, a few times before giving up. Entries the
//! server returns are parsed and their signatures checked here too.

use std::time::Duration;

use anyhow::{Context as _, Result, anyhow, bail};
use isnad_core::record::{ClaimBody, Record, SourceBody};
use isnad_core::rules::Position;
use isnad_core::{Draft, Entry, EntryHash, KeyPair, Seq, SourceId, Timestamp};
use serde_json::Value;

/// How many times an append is signed again after losing its position.
const RETRIES: u32 = 64;

/// A server at a base URL.
pub struct Remote {
    base: String,
    agent: ureq::Agent,
    /// Appends signed again because another writer took the position.
    conflicts: std::sync::atomic::AtomicU64,
}

impl Remote {
    /// A client for the server at `url` (`http://host:port`).
    pub fn new(url: &str) -> Result<Remote> {
        let base = url.trim_end_matches('/').to_owned();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            bail!("--server `{url}`: not an http(s) URL");
        }
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        Ok(Remote {
            base,
            agent,
            conflicts: std::sync::atomic::AtomicU64::new(0),
        })
    }

    /// How many times an append was signed again after a 409.
    pub fn conflicts(&self) -> u64 {
        self.conflicts.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// A JSON answer, or the server's problem as an error.
    fn read(
        &self,
        what: &str,
        resp: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<(u16, Value)> {
        let mut resp = resp.map_err(|e| anyhow!("server {}: {what}: {e}", self.base))?;
        let status = resp.status().as_u16();
        let text = resp
            .body_mut()
            .with_config()
            .limit(64 * 1024 * 1024)
            .read_to_string()
            .map_err(|e| anyhow!("server {}: {what}: {e}", self.base))?;
        let v: Value = serde_json::from_str(&text).map_err(|_| {
            anyhow!(
                "server {}: {what}: answered {status} with something that is not JSON",
                self.base
            )
        })?;
        Ok((status, v))
    }

    fn get(&self, path: &str) -> Result<Value> {
        let (status, v) =
            self.read(path, self.agent.get(&format!("{}{path}", self.base)).call())?;
        if status != 200 {
            return Err(problem(&self.base, status, &v));
        }
        Ok(v)
    }

    /// The entry `prefix` names, checked.
    pub fn resolve(&self, prefix: &str) -> Result<Entry> {
        let v = self.get(&format!("/v1/entries/{}", encode(prefix)))?;
        entry_of(&v)
    }

    /// A claim as it stands after its amendments.
    pub fn claim_current(&self, id: &EntryHash) -> Result<ClaimBody> {
        let v = self.get(&format!("/v1/claims/{}", id.to_hex()))?;
        serde_json::from_value(v["claim"].clone()).context("the server's claim")
    }

    /// A source as it stands after corrections.
    pub fn source_current(&self, id: &SourceId) -> Result<Option<SourceBody>> {
        let (status, v) = self.read(
            "source",
            self.agent
                .get(&format!("{}/v1/sources/{}", self.base, id.as_str()))
                .call(),
        )?;
        match status {
            200 => Ok(Some(
                serde_json::from_value(v["source"].clone()).context("the server's source")?,
            )),
            404 => Ok(None),
            _ => Err(problem(&self.base, status, &v)),
        }
    }

    /// Signs `record` with `key` at the server's next position and posts
    /// it; returns the entry and whether it is new.
    pub fn append(&self, key: &KeyPair, record: Record, now: Timestamp) -> Result<(Entry, bool)> {
        for attempt in 0..RETRIES {
            let head = self.get("/v1/head")?;
            let size = head["size"]
                .as_u64()
                .ok_or_else(|| anyhow!("server: /v1/head has no size"))?;
            let prev = match head["head"].as_str() {
                Some(h) => h.parse::<EntryHash>()?,
                None => EntryHash::ZERO,
            };
            let prev_time = head["time"].as_str().map(Timestamp::parse).transpose()?;
            let at = Position {
                seq: Seq(size),
                prev,
                prev_time,
            };
            let time = prev_time.map_or(now, |t| t.max(now));
            let entry = Draft::new(
                at.seq,
                at.prev,
                time,
                key.verifier().clone(),
                record.clone(),
            )
            .sign(key)?;
            let resp = self
                .agent
                .post(&format!("{}/v1/entries", self.base))
                .header("content-type", "application/json")
                .send(entry.leaf_bytes());
            let (status, v) = self.read("POST /v1/entries", resp)?;
            match status {
                201 => return Ok((entry, true)),
                200 => {
                    let id = v["id"].as_str().ok_or_else(|| anyhow!("server: no id"))?;
                    return Ok((self.resolve(id)?, false));
                }
                // Another writer took the position: sign again, after a
                // short random pause that grows with each attempt, so
                // that writers racing for the head spread out.
                409 => {
                    self.conflicts
                        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    std::thread::sleep(backoff(attempt));
                }
                _ => return Err(problem(&self.base, status, &v)),
            }
        }
        bail!(
            "server {}: the ledger kept moving; gave up after {RETRIES} attempts",
            self.base
        )
    }
}

/// A random pause of up to 2 ms times the attempt number.
fn backoff(attempt: u32) -> Duration {
    use std::hash::{BuildHasher as _, RandomState};
    let random = RandomState::new().hash_one(std::time::Instant::now());
    let cap = 2_000 * u64::from(attempt + 1);
    Duration::from_micros(random % cap)
}

/// An entry from the API's JSON, parsed and its signature checked.
fn entry_of(v: &Value) -> Result<Entry> {
    let leaf = v["leaf"]
        .as_str()
        .ok_or_else(|| anyhow!("server: the entry has no leaf"))?;
    let e = Entry::parse(leaf.as_bytes()).context("the server's entry")?;
    e.check_signature().context("the server's entry")?;
    Ok(e)
}

/// An RFC 9457 problem as one error line.
fn problem(base: &str, status: u16, v: &Value) -> anyhow::Error {
    let detail = v["detail"].as_str().unwrap_or("no detail");
    anyhow!("server {base} answered {status}: {detail}")
}

/// A path segment, percent-encoded where it must be.
fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
