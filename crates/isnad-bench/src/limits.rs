//! What this machine allows, measured in the same run as the results, so a
//! result can be read as a fraction of what the hardware could do.
//!
//! Each CPU limit runs on one thread for a short fixed time (after one
//! untimed operation) and is reported twice: per core ([`PerCore`], the
//! number measured) and for the whole machine ([`Limits`], the per-core
//! number times the cores used). Multiplying assumes every core runs as
//! fast as one alone; with SMT siblings or a turbo that drops under load
//! the machine-wide figure is an upper bound, which is what a limit is for.
//!
//! - **sign**: Ed25519 signatures (`ed25519-dalek`, `SigningKey::sign`) of
//!   [`MESSAGE_BYTES`]-byte messages, the size of a signed entry;
//! - **verify**: `verify_strict` of such signatures, the check `verify` and
//!   import make of every entry that is not batched;
//! - **batch verify**: the batch verification `verify` uses
//!   (`signatures::verify_batch`: ed25519-dalek's batch equation with each
//!   signer's terms added up first) over batches of [`BATCH`] signatures by
//!   [`SIGNERS`] keys, counted per signature;
//! - **SHA-256**: bytes per second hashed as RFC 6962 leaf hashes
//!   (`SHA-256(0x00 ‖ leaf)`) of [`MESSAGE_BYTES`]-byte leaves, counting the
//!   leaf's bytes;
//! - **node hash** (per core only): RFC 6962 interior node hashes
//!   (`SHA-256(0x01 ‖ left ‖ right)`, 65 bytes), what a proof verification
//!   does once per level;
//! - **sled insert**: inserts of [`MESSAGE_BYTES`]-byte values under
//!   increasing 8-byte keys into a fresh sled database in the scratch
//!   directory (same settings as a ledger: high-throughput mode, no
//!   periodic flush) with no flush at all, on one thread, not multiplied:
//!   the ledger has one writer.
//! - **sled flush**: the latency of sled's own durable write on the disk
//!   the ledger is on: one insert of a [`MESSAGE_BYTES`]-byte value into
//!   the same database and `flush`, p50 and p99, the floor under a durable
//!   append to any sled store;
//! - **fsync**: the latency of one durable write on the disk the ledger is
//!   on, the physical floor under a durable append: a block of
//!   [`FSYNC_BLOCK`] bytes written over the data of a file in the scratch
//!   directory (allocated and synced first, so that no size or allocation
//!   change has to be made durable) and `File::sync_data` (`fdatasync`),
//!   timed together, at least [`FSYNC_SAMPLES`] times and for at least the
//!   budget; reported as the nearest-rank p50 and p99 of those times, not
//!   multiplied (one disk).
//! - **cores**: [`available_cores`], the number of threads the standard
//!   library says can run in parallel.

use std::fs::OpenOptions;
use std::hint::black_box;
use std::io::{Seek as _, SeekFrom, Write as _};
use std::path::Path;
use std::time::{Duration, Instant};

use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use isnad_core::{merkle, signatures};
use serde::Serialize;

use crate::Error;
use crate::run::percentile;

/// Bytes of each signed message, hashed leaf and inserted value: about the
/// size of one claim entry.
pub const MESSAGE_BYTES: usize = 600;
/// Signatures per `verify_batch` call: as many as `verify` puts in one.
pub const BATCH: usize = isnad_core::signatures::BATCH;
/// Distinct keys among a batch's signatures (a ledger has few signers).
pub const SIGNERS: usize = 4;
/// The directory the sled limit makes (and removes) in its scratch
/// directory.
pub const SCRATCH_DB: &str = "sled-limit";
/// The file the fsync limit makes (and removes) in its scratch directory.
pub const SCRATCH_FSYNC: &str = "fsync-limit";
/// Bytes written before each timed `sync_data`: one page, the smallest
/// write a disk is given.
pub const FSYNC_BLOCK: usize = 4096;
/// Blocks of the fsync limit's file, overwritten in turn.
const FSYNC_BLOCKS: usize = 64;
/// The fewest durable writes timed however short the budget: enough for a
/// p99 that is not the maximum.
pub const FSYNC_SAMPLES: usize = 200;

/// The machine-wide limits, as `isnad bench --json` prints them under
/// `limits`: per-core rates times [`Limits::cores`], except the sled insert
/// rate, which is one thread's, and the fsync latencies, the disk's.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Limits {
    /// Ed25519 signatures per second.
    pub sign_per_s: f64,
    /// Ed25519 strict verifications per second.
    pub verify_per_s: f64,
    /// Signatures per second verified in batches of [`BATCH`].
    pub batch_verify_per_s: f64,
    /// Bytes per second of SHA-256 over leaf-sized inputs.
    pub sha256_bytes_per_s: f64,
    /// sled inserts of entry-sized values per second, not flushed.
    pub sled_insert_per_s: f64,
    /// Cores the CPU limits are multiplied by.
    pub cores: usize,
    /// Median latency of one durable write of [`FSYNC_BLOCK`] bytes
    /// (write and `fdatasync`) on the work directory's disk, µs.
    pub fsync_p50_us: f64,
    /// 99th-percentile latency of the same, µs.
    pub fsync_p99_us: f64,
    /// Median latency of sled's own durable write, on the same disk: one
    /// insert of an entry-sized value and `flush`, µs. What any durable
    /// append to a sled store costs at least.
    pub sled_flush_p50_us: f64,
    /// 99th-percentile latency of the same, µs.
    pub sled_flush_p99_us: f64,
}

/// The CPU limits as measured on one thread.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct PerCore {
    /// Ed25519 signatures per second.
    pub sign_per_s: f64,
    /// Ed25519 strict verifications per second.
    pub verify_per_s: f64,
    /// Signatures per second verified in batches of [`BATCH`].
    pub batch_verify_per_s: f64,
    /// Bytes per second of SHA-256 over leaf-sized inputs.
    pub sha256_bytes_per_s: f64,
    /// RFC 6962 interior node hashes per second.
    pub node_hash_per_s: f64,
}

/// Both views of one measurement.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Measured {
    /// Machine-wide.
    pub limits: Limits,
    /// One thread.
    pub per_core: PerCore,
}

/// The cores the machine offers (`std::thread::available_parallelism`, 1
/// when it cannot tell).
pub fn available_cores() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
}

/// Measures every limit, each for about `budget`, multiplying the CPU
/// limits by `cores` (at least 1). The sled database is made in
/// [`SCRATCH_DB`] and the fsync file in [`SCRATCH_FSYNC`] under `scratch`
/// (replacing any such directory or file) and both are removed afterwards.
///
/// # Errors
/// [`Error::Storage`] or [`Error::Io`] from the scratch database or file;
/// [`Error::Config`] if a signature this module made does not verify
/// (a broken build of the Ed25519 library).
pub fn measure(cores: usize, scratch: &Path, budget: Duration) -> Result<Measured, Error> {
    let cores = cores.max(1);
    let per_core = per_core(budget)?;
    let (sled_insert_per_s, sled_flushes) = sled_inserts(scratch, budget)?;
    let (sled_flush_p50_us, sled_flush_p99_us) = p50_p99(sled_flushes);
    let (fsync_p50_us, fsync_p99_us) = p50_p99(fsync_latencies(scratch, budget)?);
    let times = cores as f64;
    Ok(Measured {
        limits: Limits {
            sign_per_s: per_core.sign_per_s * times,
            verify_per_s: per_core.verify_per_s * times,
            batch_verify_per_s: per_core.batch_verify_per_s * times,
            sha256_bytes_per_s: per_core.sha256_bytes_per_s * times,
            sled_insert_per_s,
            cores,
            fsync_p50_us,
            fsync_p99_us,
            sled_flush_p50_us,
            sled_flush_p99_us,
        },
        per_core,
    })
}

/// The nearest-rank p50 and p99 of `times` (NaN when there are none).
fn p50_p99(mut times: Vec<f64>) -> (f64, f64) {
    times.sort_by(f64::total_cmp);
    let at = |p| percentile(&times, p).unwrap_or(f64::NAN);
    (at(50.0), at(99.0))
}

/// Runs `op` (which returns how many units it did) repeatedly for about
/// `budget` after one untimed call; units per second.
fn rate(budget: Duration, mut op: impl FnMut() -> u64) -> f64 {
    black_box(op());
    let start = Instant::now();
    let mut done = 0u64;
    loop {
        done += op();
        let t = start.elapsed();
        if t >= budget {
            return per_second(done, t);
        }
    }
}

/// `n` per `t`, with `t` taken as at least a nanosecond so that a rate is
/// always finite.
pub(crate) fn per_second(n: u64, t: Duration) -> f64 {
    n as f64 / t.as_secs_f64().max(1e-9)
}

/// A deterministic message of [`MESSAGE_BYTES`] bytes, distinct per `i`.
fn message(i: usize) -> Vec<u8> {
    (0..MESSAGE_BYTES)
        .map(|j| (j.wrapping_mul(31).wrapping_add(i.wrapping_mul(7)) % 251) as u8)
        .collect()
}

fn per_core(budget: Duration) -> Result<PerCore, Error> {
    let keys: Vec<SigningKey> = (0..SIGNERS)
        .map(|i| SigningKey::from_bytes(&[i as u8 + 1; 32]))
        .collect();
    let messages: Vec<Vec<u8>> = (0..BATCH).map(message).collect();
    let signers: Vec<VerifyingKey> = (0..BATCH)
        .map(|i| keys[i % SIGNERS].verifying_key())
        .collect();
    let signatures: Vec<Signature> = messages
        .iter()
        .enumerate()
        .map(|(i, m)| keys[i % SIGNERS].sign(m))
        .collect();
    let refs: Vec<&[u8]> = messages.iter().map(Vec::as_slice).collect();
    let signature_bytes: Vec<[u8; 64]> = signatures.iter().map(Signature::to_bytes).collect();
    // Timing a verification that fails would measure the wrong path.
    let all_verify = (0..BATCH).all(|i| signers[i].verify_strict(refs[i], &signatures[i]).is_ok());
    if !all_verify || !signatures::verify_batch(&refs, &signature_bytes, &signers) {
        return Err(Error::Config {
            what: "limits",
            reason: "a signature made for the measurement does not verify".into(),
        });
    }

    let mut i = 0usize;
    let sign_per_s = rate(budget, || {
        i = (i + 1) % BATCH;
        black_box(keys[i % SIGNERS].sign(black_box(&messages[i])));
        1
    });
    let verify_per_s = rate(budget, || {
        i = (i + 1) % BATCH;
        let ok = signers[i].verify_strict(black_box(refs[i]), &signatures[i]);
        black_box(ok.is_ok());
        1
    });
    let batch_verify_per_s = rate(budget, || {
        let ok = signatures::verify_batch(black_box(&refs), &signature_bytes, &signers);
        black_box(ok);
        BATCH as u64
    });
    let sha256_bytes_per_s = rate(budget, || {
        i = (i + 1) % BATCH;
        black_box(merkle::leaf_hash(black_box(&messages[i])));
        MESSAGE_BYTES as u64
    });
    let right = [2u8; 32];
    let mut h = [1u8; 32];
    let node_hash_per_s = rate(budget, || {
        h = merkle::node_hash(black_box(&h), &right);
        1
    });
    black_box(h);
    Ok(PerCore {
        sign_per_s,
        verify_per_s,
        batch_verify_per_s,
        sha256_bytes_per_s,
        node_hash_per_s,
    })
}

/// Inserts per second into a fresh sled database under `scratch`, then the
/// times, in µs, of at least [`FSYNC_SAMPLES`] durable inserts (insert and
/// `flush`) into it, for at least `budget`.
fn sled_inserts(scratch: &Path, budget: Duration) -> Result<(f64, Vec<f64>), Error> {
    let dir = scratch.join(SCRATCH_DB);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    }
    let result = (|| -> Result<(f64, Vec<f64>), Error> {
        let db = sled::Config::new()
            .path(&dir)
            .mode(sled::Mode::HighThroughput)
            .flush_every_ms(None)
            .open()?;
        let tree = db.open_tree("entries")?;
        let value = message(0);
        let mut key = 0u64;
        // An error cannot leave `rate`'s closure; keep the first one.
        let mut failed = None;
        let r = rate(budget, || {
            key += 1;
            if let Err(e) = tree.insert(key.to_be_bytes(), value.as_slice()) {
                failed.get_or_insert(e);
            }
            1
        });
        if let Some(e) = failed {
            return Err(e.into());
        }
        db.flush()?;
        let mut times = Vec::with_capacity(FSYNC_SAMPLES);
        let start = Instant::now();
        while times.len() < FSYNC_SAMPLES || start.elapsed() < budget {
            key += 1;
            let t = Instant::now();
            tree.insert(key.to_be_bytes(), value.as_slice())?;
            db.flush()?;
            times.push(t.elapsed().as_secs_f64() * 1e6);
        }
        Ok((r, times))
    })();
    // sled's own files, whatever happened above; the times are the answer.
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// The times, in µs, of at least [`FSYNC_SAMPLES`] durable writes of one
/// block over the data of a file under `scratch`, for at least `budget`.
fn fsync_latencies(scratch: &Path, budget: Duration) -> Result<Vec<f64>, Error> {
    let path = scratch.join(SCRATCH_FSYNC);
    let result = (|| -> Result<Vec<f64>, std::io::Error> {
        let mut file = OpenOptions::new()
            .create(true)
            .truncate(true)
            .write(true)
            .open(&path)?;
        // Written and synced whole first: each timed write then lands on
        // allocated data blocks of a file whose size does not change, so
        // `sync_data` has the block and the disk's cache to flush, nothing
        // of the file system's own.
        file.write_all(&vec![0u8; FSYNC_BLOCK * FSYNC_BLOCKS])?;
        file.sync_all()?;
        let mut block = message(1);
        block.resize(FSYNC_BLOCK, 0x5a);
        let mut times = Vec::with_capacity(FSYNC_SAMPLES);
        let start = Instant::now();
        let mut i = 0usize;
        while times.len() < FSYNC_SAMPLES || start.elapsed() < budget {
            // A different block each time, so that no write is a no-op.
            block[..8].copy_from_slice(&(i as u64).to_le_bytes());
            let offset = (i % FSYNC_BLOCKS * FSYNC_BLOCK) as u64;
            file.seek(SeekFrom::Start(offset))?;
            let t = Instant::now();
            file.write_all(&block)?;
            file.sync_data()?;
            times.push(t.elapsed().as_secs_f64() * 1e6);
            i += 1;
        }
        Ok(times)
    })();
    // Whatever happened above; the times are the answer.
    let _ = std::fs::remove_file(&path);
    result.map_err(|e| Error::io(&path, e))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;

    #[test]
    fn limits_are_per_core_times_cores_and_positive() {
        let dir = tempfile::tempdir().unwrap();
        let m = measure(3, dir.path(), Duration::from_millis(5)).unwrap();
        let (l, p) = (m.limits, m.per_core);
        assert_eq!(l.cores, 3);
        assert_eq!(l.sign_per_s, p.sign_per_s * 3.0);
        assert_eq!(l.verify_per_s, p.verify_per_s * 3.0);
        assert_eq!(l.batch_verify_per_s, p.batch_verify_per_s * 3.0);
        assert_eq!(l.sha256_bytes_per_s, p.sha256_bytes_per_s * 3.0);
        for r in [
            l.sign_per_s,
            l.verify_per_s,
            l.batch_verify_per_s,
            l.sha256_bytes_per_s,
            l.sled_insert_per_s,
            p.node_hash_per_s,
            l.fsync_p50_us,
            l.fsync_p99_us,
            l.sled_flush_p50_us,
            l.sled_flush_p99_us,
        ] {
            assert!(r.is_finite() && r > 0.0, "{r}");
        }
        assert!(l.fsync_p50_us <= l.fsync_p99_us);
        assert!(l.sled_flush_p50_us <= l.sled_flush_p99_us);
        // The scratch database and file are gone.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn fsync_latencies_take_at_least_the_minimum_samples_and_leave_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let times = fsync_latencies(dir.path(), Duration::ZERO).unwrap();
        assert_eq!(times.len(), FSYNC_SAMPLES);
        assert!(times.iter().all(|t| t.is_finite() && *t >= 0.0));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        // A scratch directory that is not there is an error naming the file.
        let gone = dir.path().join("absent");
        let e = fsync_latencies(&gone, Duration::ZERO).unwrap_err();
        assert!(e.to_string().contains(SCRATCH_FSYNC), "{e}");
    }

    #[test]
    fn zero_cores_count_as_one() {
        let dir = tempfile::tempdir().unwrap();
        let m = measure(0, dir.path(), Duration::from_millis(1)).unwrap();
        assert_eq!(m.limits.cores, 1);
    }
}
