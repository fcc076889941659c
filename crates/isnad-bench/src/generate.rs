//! A seeded generator of realistic ledgers, written as an export (one entry
//! per line) that `isnad import jsonl` reads and `verify_jsonl` accepts.
//!
//! # What a ledger holds
//!
//! For `n` entries ([`layout`] gives the exact counts):
//!
//! - **keys** first: the admin's genesis, then [`EDITORS`] editors and
//!   [`CHECKERS`] fact-checkers enrolled by the admin (fewer for tiny `n`);
//! - **sources** next, `clamp(n/100, 20, 5000)` minus the keys: outlets,
//!   people, organisations, governments, social accounts and a few
//!   `anonymous` ones ("Informed sources (unnamed)"); people are affiliated
//!   with earlier institutions, social accounts with earlier people;
//! - then a random interleaving in the proportions of a [`Mix`] (by default
//!   ≈60% claims, ≈30% verdicts, ≈9% relations and amendments, a few priors).
//!
//! **Claims** have 1-4 hops (35/35/20/10%). Each hop's source is drawn from
//! a Zipf distribution (s = 1) over the sources, distinct within the chain:
//! the publisher (`reported`) is not anonymous and rarely a person; later
//! hops are `quoted` or `cited` as their kind suggests, a social account is
//! followed by its owner (`published-on`), and an anonymous source only
//! ever stands at the origin (`anonymous`). The text is Arabic or English
//! (about half each), 80-400 characters, assembled from sentence fragments
//! written for this generator in both languages, so an Arabic claim's
//! English translation (which most carry) says the same thing. `appeared`
//! is a few hours to a few days before the entry.
//!
//! **Verdicts** come from the fact-checker keys, busier ones more often, on
//! recent claims mostly. Each claim has a hidden "truth" drawn from a skewed
//! distribution over all seven ratings (`misattributed` only for chains of
//! two hops or more), and checkers mostly agree with it; confidence is
//! 40-100. A checker who rates a claim again supersedes its own verdict.
//! **Relations** link a recent claim to an earlier one. **Amendments**
//! retract claims or relations, re-attribute claims (an unnamed origin
//! identified, or the chain extended back), correct a claim's figure, date
//! or translation, or correct a source. **Priors** grade popular sources.
//!
//! # Time
//!
//! The genesis is dated [`START`] (2023-01-01). Gaps between entries are
//! drawn from a triangular distribution on `[0, 2m]` with mean
//! `m = clamp(`[`SPAN_SECS`]` / n, 1, `[`MAX_MEAN_GAP_SECS`]`)` seconds, from
//! a random stream of their own: a small ledger is spread over weeks or
//! months (15-minute mean gaps), one of about 93,000 entries or more over
//! 2023-01-01 .. 2025-09-01, so verdict decay over months matters, and the
//! last entry of a 10,000,000-entry ledger is still before 2026-01-01 (the
//! tests run the clock alone for 1 and 10 million entries). Only above
//! 84 million entries (one-second gaps) would the clock pass 2025-09-01.
//!
//! # Determinism
//!
//! The same `(n, seed)` gives the same bytes everywhere: every choice comes
//! from xoshiro256** streams seeded with SplitMix64, written here; weights
//! are integers (the Zipf table holds `⌊2^40 / k⌋` for rank `k`); no float
//! and no libm function decides anything. Keys are derived from the seed
//! with SHA-256 ([`keys`]). Ed25519 signatures are deterministic.
//!
//! # Memory
//!
//! Output is streamed; what is kept is only what later records refer to:
//!
//! - per claim, 37 bytes: its id (32), when it appeared (4), and one byte of
//!   flags (chain length, retracted, amended). Claims are regenerated from
//!   the seed and their index when an amendment needs their body. With
//!   claims ≈61% of entries that is ≈22.5 bytes per entry: ≈225 MB for a
//!   10,000,000-entry ledger;
//! - a fixed amount besides: the sources (at most 5000 bodies, about
//!   1.5 MB), the last [`VERDICT_RING`] verdicts (for `supersedes`) with an
//!   index, and the last [`RELATION_RING`] relation ids (for retractions).

use std::collections::HashMap;
use std::io::{BufWriter, Write};

use sha2::{Digest, Sha256};

use isnad_core::record::{
    AmendmentBody, Appearance, Change, ClaimBody, ClaimRelation, Grade, Hop, HopRelation, KeyBody,
    PriorBody, Rating, RelationBody, SourceBody, SourceKind, Translation, VerdictBody,
};
use isnad_core::{Draft, EntryHash, Error, KeyPair, Record, Role, Seq, SourceId, Timestamp};

// ---------------------------------------------------------------------------
// Public API

/// The keys a generated ledger is signed with, derived from the seed.
pub struct Keys {
    /// The founding admin.
    pub admin: KeyPair,
    /// Editors (sources, claims, relations, amendments, priors).
    pub editors: Vec<KeyPair>,
    /// Fact-checkers (verdicts, some claims and relations).
    pub checkers: Vec<KeyPair>,
}

/// What a generation wrote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Entries written.
    pub entries: u64,
    /// Bytes written.
    pub bytes: u64,
    /// Time of the last entry.
    pub last_time: Option<Timestamp>,
}

/// The proportions of the entries after the keys and sources, as integer
/// weights (per mille in [`Mix::STANDARD`]). When a kind cannot be written
/// yet (a verdict before any claim), a claim is written instead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mix {
    /// Claims.
    pub claims: u32,
    /// Fact-checkers' verdicts.
    pub verdicts: u32,
    /// Relations between claims.
    pub relations: u32,
    /// Amendments (retract, reattribute, correct-claim, correct-source).
    pub amendments: u32,
    /// Editors' priors on sources.
    pub priors: u32,
}

impl Mix {
    /// The mix of issue 5: with keys and sources taking ≈1% of a large
    /// ledger, ≈60% claims, ≈30% verdicts, ≈4.5% relations, ≈4.5%
    /// amendments and ≈0.1% priors of the whole.
    pub const STANDARD: Mix = Mix {
        claims: 606,
        verdicts: 303,
        relations: 45,
        amendments: 45,
        priors: 1,
    };

    fn weights(&self) -> [u32; 5] {
        [
            self.claims,
            self.verdicts,
            self.relations,
            self.amendments,
            self.priors,
        ]
    }
}

impl Default for Mix {
    fn default() -> Self {
        Mix::STANDARD
    }
}

/// How many keys and sources a ledger of `n` entries starts with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    /// Editors enrolled (1 to [`EDITORS`]).
    pub editors: usize,
    /// Fact-checkers enrolled (1 to [`CHECKERS`]).
    pub checkers: usize,
    /// Sources described after the keys.
    pub sources: usize,
}

impl Layout {
    /// Entries before the interleaved mix: the genesis, the enrolments and
    /// the sources.
    pub fn preamble(&self) -> u64 {
        (1 + self.editors + self.checkers + self.sources) as u64
    }
}

/// The layout of a ledger of `n` entries: the full desk (3 editors, 6
/// fact-checkers) from 600 entries on, and `clamp(n/100, 20, 5000)` keys
/// and sources together, but never more sources than a fifth of `n`, so
/// that a small ledger still has claims. The preamble is cut at `n`: a
/// one-entry ledger is the genesis alone.
pub fn layout(n: u64) -> Layout {
    let editors = (n / 200).clamp(1, EDITORS as u64) as usize;
    let checkers = (n / 100).clamp(1, CHECKERS as u64) as usize;
    let keys = (1 + editors + checkers) as u64;
    let target = (n / 100).clamp(20, 5000);
    let sources = target.saturating_sub(keys).min((n / 5).max(1)).max(1);
    Layout {
        editors,
        checkers,
        sources: sources as usize,
    }
}

/// Editors a full ledger enrols.
pub const EDITORS: usize = 3;
/// Fact-checkers a full ledger enrols.
pub const CHECKERS: usize = 6;
/// Time of the genesis entry.
pub const START: &str = "2023-01-01T00:00:00Z";
/// [`START`] in seconds since the Unix epoch.
pub const START_UNIX: i64 = 1_672_531_200;
/// The span a large ledger is spread over: [`START`] to 2025-09-01.
pub const SPAN_SECS: i64 = 1_756_684_800 - START_UNIX;
/// Largest mean gap between entries (15 minutes), for small ledgers.
pub const MAX_MEAN_GAP_SECS: i64 = 900;
/// Verdicts remembered for `supersedes`: a checker revises a recent one.
pub const VERDICT_RING: usize = 4096;
/// Relations remembered for retractions.
pub const RELATION_RING: usize = 1024;

/// The keys of the ledger `seed` generates: `gen-admin`, `gen-editor-1`..3
/// and `gen-checker-1`..6, each seeded with SHA-256 of a label, the seed
/// and the name.
///
/// # Errors
/// Never in practice (the names are valid).
pub fn keys(seed: u64) -> Result<Keys, Error> {
    let k = |name: &str| {
        let mut h = Sha256::new();
        h.update(b"isnad bench gen key v1\n");
        h.update(seed.to_le_bytes());
        h.update(name.as_bytes());
        let s: [u8; 32] = h.finalize().into();
        KeyPair::from_seed(name, &s)
    };
    Ok(Keys {
        admin: k("gen-admin")?,
        editors: (1..=EDITORS)
            .map(|i| k(&format!("gen-editor-{i}")))
            .collect::<Result<_, _>>()?,
        checkers: (1..=CHECKERS)
            .map(|i| k(&format!("gen-checker-{i}")))
            .collect::<Result<_, _>>()?,
    })
}

/// Writes a ledger of `n` entries generated from `seed` to `out`, in the
/// [`Mix::STANDARD`] proportions.
///
/// # Errors
/// I/O errors on `out` ([`Error::Io`]).
pub fn write_export(n: u64, seed: u64, out: &mut dyn Write) -> Result<Stats, Error> {
    write_export_with(n, seed, &Mix::STANDARD, out)
}

/// Writes a ledger of `n` entries generated from `seed` to `out`, in the
/// proportions of `mix`. Output is buffered here; `out` sees large writes.
///
/// # Errors
/// [`Error::Field`] on `mix` when all its weights are zero; I/O errors on
/// `out` ([`Error::Io`]).
pub fn write_export_with(
    n: u64,
    seed: u64,
    mix: &Mix,
    out: &mut dyn Write,
) -> Result<Stats, Error> {
    if mix.weights().iter().all(|&w| w == 0) {
        return Err(Error::field("mix", "at least one weight must be positive"));
    }
    let keys = keys(seed)?;
    let layout = layout(n);
    // Room for the claims expected and 1% more (for claims written when
    // another kind could not be), so the tables never double.
    let total: u64 = mix.weights().iter().map(|&w| u64::from(w)).sum();
    let claims = (u128::from(n) * u128::from(mix.claims) / u128::from(total)) as u64;
    let claims = usize::try_from(claims.saturating_add(n / 100 + 16)).unwrap_or(usize::MAX);
    let mut g = Gen::new(seed, *mix, layout, claims)?;
    let mut clock = Clock::new(n, seed);
    let io = |e: std::io::Error| Error::Io {
        path: "output".into(),
        error: e,
    };
    let mut out = BufWriter::with_capacity(1 << 16, out);
    let mut prev = EntryHash::ZERO;
    let mut stats = Stats::default();
    for seq in 0..n {
        let time = Timestamp::from_unix(clock.tick());
        let step = g.step(seq, time.unix(), &keys);
        let key = match step.who {
            Who::Admin => &keys.admin,
            // In range: `Gen` only picks enrolled keys, at most EDITORS and
            // CHECKERS of them.
            Who::Editor(i) => &keys.editors[i],
            Who::Checker(i) => &keys.checkers[i],
        };
        let e = Draft::new(Seq(seq), prev, time, key.verifier().clone(), step.record).sign(key)?;
        prev = e.hash();
        g.commit(step.effect, prev);
        out.write_all(e.leaf_bytes()).map_err(io)?;
        out.write_all(b"\n").map_err(io)?;
        stats.entries += 1;
        stats.bytes += e.leaf_bytes().len() as u64 + 1;
        stats.last_time = Some(time);
    }
    out.flush().map_err(io)?;
    Ok(stats)
}

// ---------------------------------------------------------------------------
// Randomness: SplitMix64 to seed, xoshiro256** to draw. Integer only.

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A seed for stream `domain`, item `index`, of the ledger `seed`: claims
/// and truths are regenerated from their index alone.
fn derive(seed: u64, domain: u64, index: u64) -> u64 {
    let mut s = seed;
    let a = splitmix64(&mut s) ^ domain.wrapping_mul(0xD6E8_FEB8_6659_FD93);
    let mut t = a ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    splitmix64(&mut t)
}

const MAIN: u64 = 1;
const CLOCK: u64 = 2;
const SOURCES: u64 = 3;
const CLAIM: u64 = 4;
const TRUTH: u64 = 5;

#[derive(Clone, Debug)]
struct Rng {
    s: [u64; 4],
}

impl Rng {
    fn new(seed: u64) -> Rng {
        let mut sm = seed;
        Rng {
            s: [
                splitmix64(&mut sm),
                splitmix64(&mut sm),
                splitmix64(&mut sm),
                splitmix64(&mut sm),
            ],
        }
    }

    fn next(&mut self) -> u64 {
        let s = &mut self.s;
        let out = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        out
    }

    /// Uniform in `0..n` (0 when `n` is 0), by a 128-bit multiply: the bias
    /// is below 2^-40 for every `n` used here.
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }

    fn index(&mut self, n: usize) -> usize {
        self.below(n as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `num / den`.
    fn chance(&mut self, num: u64, den: u64) -> bool {
        self.below(den) < num
    }

    /// An index drawn with the given integer weights (not all zero).
    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
        let mut r = self.below(total);
        for (i, &w) in weights.iter().enumerate() {
            if r < u64::from(w) {
                return i;
            }
            r -= u64::from(w);
        }
        weights.len() - 1
    }

    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.index(xs.len())]
    }
}

/// Zipf with s = 1 over ranks `0..n`: rank k (from 1) weighs ⌊2^40 / k⌋,
/// exact integers, so the table is the same everywhere.
struct Zipf {
    cum: Vec<u64>,
}

impl Zipf {
    fn new(n: usize) -> Zipf {
        let mut acc = 0u64;
        let cum = (1..=n as u64)
            .map(|k| {
                acc += (1u64 << 40) / k;
                acc
            })
            .collect();
        Zipf { cum }
    }

    fn sample(&self, rng: &mut Rng) -> usize {
        let total = self.cum.last().copied().unwrap_or(0);
        let r = rng.below(total);
        self.cum.partition_point(|&c| c <= r)
    }
}

/// Entry times: its own stream, so the tests can run it alone for millions
/// of entries.
struct Clock {
    rng: Rng,
    now: i64,
    mean: i64,
    started: bool,
}

impl Clock {
    fn new(n: u64, seed: u64) -> Clock {
        let n = i64::try_from(n.max(1)).unwrap_or(i64::MAX);
        Clock {
            rng: Rng::new(derive(seed, CLOCK, 0)),
            now: START_UNIX,
            mean: (SPAN_SECS / n).clamp(1, MAX_MEAN_GAP_SECS),
            started: false,
        }
    }

    /// The next entry's time: the genesis at [`START`], then a gap of
    /// `[0, m] + [0, m]` seconds (triangular, mean `m`).
    fn tick(&mut self) -> i64 {
        if self.started {
            let m = self.mean as u64 + 1;
            self.now += (self.rng.below(m) + self.rng.below(m)) as i64;
        }
        self.started = true;
        self.now
    }
}

// ---------------------------------------------------------------------------
// Dates without chrono: days since the epoch to the civil calendar
// (H. Hinnant's algorithm, integers only).

fn civil(unix: i64) -> (i64, u32, u32) {
    let z = unix.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn date(unix: i64) -> String {
    let (y, m, d) = civil(unix);
    format!("{y:04}-{m:02}-{d:02}")
}

// ---------------------------------------------------------------------------
// The generator's state.

/// Who signs an entry.
#[derive(Clone, Copy, Debug)]
enum Who {
    Admin,
    Editor(usize),
    Checker(usize),
}

/// What to remember once the entry is signed and its id known.
enum Effect {
    None,
    Source,
    Claim {
        appeared: u32,
        flags: u8,
    },
    Verdict {
        claim: usize,
        checker: usize,
        replaces: Option<usize>,
    },
    Relation,
}

struct Step {
    who: Who,
    record: Record,
    effect: Effect,
}

/// Claim flags: the low three bits hold the chain length as recorded.
const HOPS: u8 = 0b0111;
const RETRACTED: u8 = 0b1000;
/// Re-attributed or corrected: one content amendment per claim, so a
/// correction regenerated from the seed never undoes an earlier one.
const AMENDED: u8 = 0b1_0000;

/// `appeared` is stored as seconds since this (a claim appears at most four
/// days before its entry, and the first entry is at [`START_UNIX`]).
const APPEARED_BASE: i64 = START_UNIX - 8 * 86_400;

const MIN_CHARS: usize = 80;
const MAX_CHARS: usize = 400;
/// Draws before giving up on a constrained choice (a distinct hop, an
/// unretracted claim); giving up always has a valid fallback.
const TRIES: usize = 48;

struct Source {
    /// As last corrected.
    body: SourceBody,
    /// The home page as first recorded, which claims link to.
    first_url: Option<String>,
    kind: SourceKind,
    /// For a social account, the person it belongs to.
    owner: Option<usize>,
}

#[derive(Clone, Copy)]
struct VerdictSlot {
    id: EntryHash,
    claim: usize,
    checker: usize,
    live: bool,
}

struct Gen {
    seed: u64,
    mix: Mix,
    layout: Layout,
    rng: Rng,
    sources: Vec<Source>,
    /// Zipf rank → source index.
    by_rank: Vec<usize>,
    anonymous: Vec<usize>,
    zipf: Zipf,
    source_ids: Vec<EntryHash>,
    claim_ids: Vec<EntryHash>,
    claim_appeared: Vec<u32>,
    claim_flags: Vec<u8>,
    verdicts: Vec<VerdictSlot>,
    verdict_next: usize,
    /// (claim, checker) → slot of that checker's latest verdict on it.
    verdict_index: HashMap<u64, usize>,
    relations: Vec<EntryHash>,
    relation_next: usize,
}

fn verdict_key(claim: usize, checker: usize) -> u64 {
    ((claim as u64) << 3) | checker as u64
}

impl Gen {
    fn new(seed: u64, mix: Mix, layout: Layout, claims: usize) -> Result<Gen, Error> {
        let sources = make_sources(seed, layout.sources)?;
        let mut rank_rng = Rng::new(derive(seed, SOURCES, u64::MAX));
        let mut by_rank: Vec<usize> = (0..sources.len()).collect();
        for i in (1..by_rank.len()).rev() {
            let j = rank_rng.index(i + 1);
            by_rank.swap(i, j);
        }
        // The desk's favourite unnamed sources sit near the head, as
        // "informed sources" do in real coverage.
        if let Some(r) = by_rank
            .iter()
            .position(|&s| sources[s].kind == SourceKind::Anonymous)
        {
            if r > 3 && by_rank.len() > 4 {
                by_rank.swap(r, 3);
            }
        }
        let anonymous = (0..sources.len())
            .filter(|&i| sources[i].kind == SourceKind::Anonymous)
            .collect();
        let mut g = Gen {
            seed,
            mix,
            layout,
            rng: Rng::new(derive(seed, MAIN, 0)),
            zipf: Zipf::new(sources.len()),
            by_rank,
            anonymous,
            source_ids: Vec::with_capacity(sources.len()),
            sources,
            claim_ids: Vec::new(),
            claim_appeared: Vec::new(),
            claim_flags: Vec::new(),
            verdicts: Vec::new(),
            verdict_next: 0,
            verdict_index: HashMap::new(),
            relations: Vec::new(),
            relation_next: 0,
        };
        // Reserving is only an optimisation: for an absurd `n` the tables
        // grow as needed instead (until memory runs out).
        let _ = g.claim_ids.try_reserve_exact(claims);
        let _ = g.claim_appeared.try_reserve_exact(claims);
        let _ = g.claim_flags.try_reserve_exact(claims);
        Ok(g)
    }

    fn commit(&mut self, effect: Effect, id: EntryHash) {
        match effect {
            Effect::None => {}
            Effect::Source => self.source_ids.push(id),
            Effect::Claim { appeared, flags } => {
                self.claim_ids.push(id);
                self.claim_appeared.push(appeared);
                self.claim_flags.push(flags);
            }
            Effect::Verdict {
                claim,
                checker,
                replaces,
            } => {
                if let Some(old) = replaces {
                    self.verdicts[old].live = false;
                }
                let slot = VerdictSlot {
                    id,
                    claim,
                    checker,
                    live: true,
                };
                let at = if self.verdicts.len() < VERDICT_RING {
                    self.verdicts.push(slot);
                    self.verdicts.len() - 1
                } else {
                    let at = self.verdict_next;
                    let old = self.verdicts[at];
                    let k = verdict_key(old.claim, old.checker);
                    if self.verdict_index.get(&k) == Some(&at) {
                        self.verdict_index.remove(&k);
                    }
                    self.verdicts[at] = slot;
                    self.verdict_next = (at + 1) % VERDICT_RING;
                    at
                };
                self.verdict_index.insert(verdict_key(claim, checker), at);
            }
            Effect::Relation => {
                if self.relations.len() < RELATION_RING {
                    self.relations.push(id);
                } else {
                    self.relations[self.relation_next] = id;
                    self.relation_next = (self.relation_next + 1) % RELATION_RING;
                }
            }
        }
    }

    fn step(&mut self, seq: u64, time: i64, keys: &Keys) -> Step {
        let l = self.layout;
        let (e, c) = (l.editors as u64, l.checkers as u64);
        let key = |k: &KeyPair, role: Role, holder: String| Step {
            who: Who::Admin,
            record: Record::Key(KeyBody {
                key: k.verifier().to_string(),
                roles: vec![role],
                holder: Some(holder),
                replaces: None,
                org: None,
            }),
            effect: Effect::None,
        };
        match seq {
            0 => key(
                &keys.admin,
                Role::Admin,
                "Generated ledger admin (fictional)".into(),
            ),
            s if s <= e => {
                let i = (s - 1) as usize;
                key(
                    &keys.editors[i],
                    Role::Editor,
                    format!("Generated desk editor {} (fictional)", i + 1),
                )
            }
            s if s <= e + c => {
                let i = (s - 1 - e) as usize;
                key(
                    &keys.checkers[i],
                    Role::FactChecker,
                    format!("Generated fact-checker {} (fictional)", i + 1),
                )
            }
            s if s < l.preamble() => {
                let i = (s - 1 - e - c) as usize;
                Step {
                    who: Who::Editor(self.editor()),
                    record: Record::Source(self.sources[i].body.clone()),
                    effect: Effect::Source,
                }
            }
            _ => self.mixed(time),
        }
    }

    fn mixed(&mut self, time: i64) -> Step {
        let step = match self.rng.weighted(&self.mix.weights()) {
            1 => self.verdict(),
            2 => self.relation(),
            3 => self.amendment(),
            4 => self.prior(),
            _ => None,
        };
        match step {
            Some(s) => s,
            None => self.claim(time),
        }
    }

    /// Editors by activity: the first writes half the desk's entries.
    fn editor(&mut self) -> usize {
        self.rng.weighted(&[5, 3, 2][..self.layout.editors])
    }

    fn checker(&mut self) -> usize {
        self.rng
            .weighted(&[6, 5, 4, 3, 2, 1][..self.layout.checkers])
    }

    // -- claims ------------------------------------------------------------

    fn claim(&mut self, time: i64) -> Step {
        let index = self.claim_ids.len();
        // Most claims are recorded within hours; some days later.
        let lag = match self.rng.weighted(&[60, 30, 10]) {
            0 => self.rng.below(6 * 3600),
            1 => self.rng.range(6 * 3600, 48 * 3600),
            _ => self.rng.range(48 * 3600, 4 * 86_400),
        };
        let appeared = (time - lag as i64).max(APPEARED_BASE);
        let plan = self.plan(index, appeared);
        let flags = plan.chain.len() as u8 & HOPS;
        let body = self.render(&plan);
        let who = if self.rng.chance(1, 20) {
            Who::Checker(self.checker())
        } else {
            Who::Editor(self.editor())
        };
        Step {
            who,
            record: Record::Claim(body),
            effect: Effect::Claim {
                // Fits: APPEARED_BASE + u32::MAX is in the 22nd century.
                appeared: u32::try_from(appeared - APPEARED_BASE).unwrap_or(u32::MAX),
                flags,
            },
        }
    }

    fn source(&self, rank: usize) -> usize {
        self.by_rank[rank]
    }

    fn kind(&self, s: usize) -> SourceKind {
        self.sources[s].kind
    }

    fn id(&self, s: usize) -> SourceId {
        self.sources[s].body.id.clone()
    }

    /// A named source drawn by Zipf, not among `used`; `None` after
    /// [`TRIES`] draws.
    fn named(&self, rng: &mut Rng, used: &[usize]) -> Option<usize> {
        (0..TRIES).find_map(|_| {
            let s = self.source(self.zipf.sample(rng));
            (self.kind(s) != SourceKind::Anonymous && !used.contains(&s)).then_some(s)
        })
    }

    fn relation_for(&self, rng: &mut Rng, s: usize) -> HopRelation {
        match self.kind(s) {
            SourceKind::Anonymous => HopRelation::Anonymous,
            SourceKind::Outlet => HopRelation::Cited,
            SourceKind::Person if rng.chance(3, 4) => HopRelation::Quoted,
            SourceKind::Organization | SourceKind::Government if rng.chance(9, 20) => {
                HopRelation::Quoted
            }
            SourceKind::SocialAccount if rng.chance(1, 2) => HopRelation::Quoted,
            _ => HopRelation::Cited,
        }
    }

    /// A chain and the indices of its sources.
    fn chain(&self, rng: &mut Rng) -> (Vec<Hop>, Vec<usize>) {
        let len = 1 + rng.weighted(&[35, 35, 20, 10]);
        // The publisher: not unnamed, rarely a person. Source 0 is always
        // an outlet, the fallback.
        let publisher = (0..TRIES)
            .find_map(|_| {
                let s = self.source(self.zipf.sample(rng));
                match self.kind(s) {
                    SourceKind::Anonymous => None,
                    SourceKind::Person if !rng.chance(1, 8) => None,
                    _ => Some(s),
                }
            })
            .unwrap_or(0);
        let mut used = vec![publisher];
        let mut hops = vec![Hop {
            source: self.id(publisher),
            relation: HopRelation::Reported,
        }];
        while hops.len() < len {
            let last = hops.len() + 1 == len;
            let prev = used[used.len() - 1];
            // A social account's words are its owner's, published on it.
            if let Some(owner) = self.sources[prev].owner {
                if !used.contains(&owner) && rng.chance(4, 5) {
                    used.push(owner);
                    hops.push(Hop {
                        source: self.id(owner),
                        relation: HopRelation::PublishedOn,
                    });
                    continue;
                }
            }
            // Unnamed sources stand only at the origin; a tenth of the
            // longer chains end in one.
            let pick = if last && !self.anonymous.is_empty() && rng.chance(1, 10) {
                Some(self.anonymous[rng.index(self.anonymous.len())]).filter(|s| !used.contains(s))
            } else {
                (0..TRIES).find_map(|_| {
                    let s = self.source(self.zipf.sample(rng));
                    let ok = !used.contains(&s) && (last || self.kind(s) != SourceKind::Anonymous);
                    ok.then_some(s)
                })
            };
            let Some(s) = pick else { break };
            used.push(s);
            hops.push(Hop {
                source: self.id(s),
                relation: self.relation_for(rng, s),
            });
        }
        (hops, used)
    }

    /// Everything about claim `index` that its text is built from, drawn
    /// from a stream of its own so that amendments can rebuild it.
    fn plan(&self, index: usize, appeared: i64) -> ClaimPlan {
        let mut rng = Rng::new(derive(self.seed, CLAIM, index as u64));
        let (chain, used) = self.chain(&mut rng);
        let arabic = rng.chance(52, 100);
        let translated = if arabic {
            rng.chance(7, 10)
        } else {
            rng.chance(1, 10)
        };
        let main = main_part(&mut rng);
        let figure = EVENTS[main.event].hi > 0;
        let mut events = vec![main.event];
        let mut tails = Vec::new();
        // No sentence twice, and no "the figure" without one.
        let mut tail = |rng: &mut Rng| {
            let t = fresh(rng, TAILS.len(), &tails, |t| {
                figure || !FIGURE_TAILS.contains(&t)
            })?;
            tails.push(t);
            Some(Part::Tail(t))
        };
        let mut parts = vec![Part::Main(main)];
        let quoting = matches!(
            chain.last().map(|h| h.relation),
            Some(HopRelation::Quoted | HopRelation::PublishedOn)
        );
        if quoting && rng.chance(1, 2) {
            parts.push(Part::Quote(rng.index(QUOTES.len())));
        }
        for _ in 0..rng.weighted(&[30, 45, 25]) {
            let part = if rng.chance(7, 10) {
                tail(&mut rng)
            } else {
                fresh(&mut rng, EVENTS.len(), &events, |_| true).map(|e| {
                    events.push(e);
                    Part::Also(event_part(&mut rng, e))
                })
            };
            parts.extend(part);
        }
        // Short texts get a closing sentence (sentences are 40-200
        // characters, so a few always reach the minimum).
        while chars(&join(&parts, arabic)) < MIN_CHARS {
            let Some(part) = tail(&mut rng) else { break };
            parts.push(part);
        }
        // `used[0]` is the publisher: a chain has at least one hop. Posts
        // have status URLs, articles dated ones.
        // The draws do not depend on the home page, and it is the one first
        // recorded: a later correct-source must not change a rebuilt claim.
        let publisher = &self.sources[used[0]];
        let social = publisher.kind == SourceKind::SocialAccount;
        let linked = rng.chance(3, 5);
        let n = if social {
            rng.range(1 << 59, 1 << 60)
        } else {
            rng.range(100_000, 999_999)
        };
        let url = publisher
            .first_url
            .clone()
            .filter(|_| linked)
            .map(|u| (u, n, social));
        ClaimPlan {
            chain,
            used,
            arabic,
            translated,
            parts,
            appeared,
            appeared_time: rng.chance(1, 4),
            url,
            venue: rng.chance(1, 5).then(|| rng.index(VENUES.len())),
        }
    }

    fn render(&self, p: &ClaimPlan) -> ClaimBody {
        // Parts that fit in MAX_CHARS of the original; the translation has
        // the same ones.
        let mut text = String::new();
        let mut kept = Vec::with_capacity(p.parts.len());
        for part in &p.parts {
            let s = part.text(p.arabic);
            if text.is_empty() || chars(&text) + 1 + chars(&s) <= MAX_CHARS {
                if !text.is_empty() {
                    text.push(' ');
                }
                text.push_str(&s);
                kept.push(part.clone());
            }
        }
        let quote = kept.iter().find_map(|part| match part {
            Part::Quote(q) => Some(if p.arabic { QUOTES[*q].1 } else { QUOTES[*q].0 }.to_owned()),
            _ => None,
        });
        let translations = if p.translated {
            vec![Translation {
                lang: if p.arabic { "en" } else { "ar" }.into(),
                text: join(&kept, !p.arabic),
            }]
        } else {
            vec![]
        };
        let date_text = if p.appeared_time {
            Timestamp::from_unix(p.appeared).to_string()
        } else {
            date(p.appeared)
        };
        let url = p.url.as_ref().map(|(base, n, social)| {
            if *social {
                format!("{base}/status/{n}")
            } else {
                let (y, m, d) = civil(p.appeared);
                format!("{base}/{y}/{m:02}/{d:02}/{n}")
            }
        });
        ClaimBody {
            text,
            lang: if p.arabic { "ar" } else { "en" }.into(),
            quote,
            translations,
            chain: p.chain.clone(),
            appeared: Appearance {
                date: date_text,
                url,
                venue: p.venue.map(|v| VENUES[v].to_owned()),
            },
        }
    }

    /// A claim index for an editor or checker to act on: `recent` in 100
    /// among the last `window`, the rest from the whole ledger.
    fn pick_claim(&mut self, window: usize, recent: u64) -> usize {
        let n = self.claim_ids.len();
        if self.rng.chance(recent, 100) {
            n - 1 - self.rng.index(n.min(window))
        } else {
            self.rng.index(n)
        }
    }

    /// A claim none of `avoid` flags is set on, or `None`.
    fn pick_claim_without(&mut self, avoid: u8, window: usize) -> Option<usize> {
        (0..TRIES / 4).find_map(|_| {
            let c = self.pick_claim(window, 80);
            (self.claim_flags[c] & avoid == 0).then_some(c)
        })
    }

    // -- verdicts ----------------------------------------------------------

    /// The claim's hidden rating, which checkers mostly find.
    fn truth(&self, claim: usize) -> usize {
        let mut rng = Rng::new(derive(self.seed, TRUTH, claim as u64));
        let t = rng.weighted(&[16, 18, 20, 15, 18, 8, 5]);
        if t == MISATTRIBUTED && self.claim_flags[claim] & HOPS < 2 {
            FALSE
        } else {
            t
        }
    }

    fn verdict(&mut self) -> Option<Step> {
        if self.claim_ids.is_empty() {
            return None;
        }
        // A checker revising one of its recent verdicts, or a new check,
        // which supersedes the checker's earlier verdict on that claim.
        let revision = if !self.verdicts.is_empty() && self.rng.chance(1, 20) {
            (0..TRIES / 4).find_map(|_| {
                let i = self.rng.index(self.verdicts.len());
                self.verdicts[i].live.then_some(i)
            })
        } else {
            None
        };
        let (claim, checker, replaces) = match revision {
            Some(i) => (self.verdicts[i].claim, self.verdicts[i].checker, Some(i)),
            None => {
                let claim = self
                    .pick_claim_without(RETRACTED, 500)
                    .unwrap_or_else(|| self.claim_ids.len() - 1);
                let checker = self.checker();
                let replaces = self
                    .verdict_index
                    .get(&verdict_key(claim, checker))
                    .copied()
                    .filter(|&i| self.verdicts[i].live);
                (claim, checker, replaces)
            }
        };
        let truth = self.truth(claim);
        let agree = if replaces.is_some() { 17 } else { 14 };
        let r = if self.rng.chance(agree, 20) {
            truth
        } else {
            self.neighbour(truth)
        };
        let confidence = match (r, replaces) {
            (UNVERIFIABLE, _) => self.rng.range(40, 70),
            (_, Some(_)) => self.rng.range(70, 100),
            _ => self.rng.range(50, 100),
        } as u8;
        let arabic = checker % 3 == 0 && self.rng.chance(4, 5);
        let mut rationale = String::new();
        if replaces.is_some() {
            rationale.push_str(if arabic {
                "مراجعة بعد ظهور أدلة جديدة: "
            } else {
                "Revised after new evidence: "
            });
        }
        rationale.push_str(in_lang(RATIONALES[r][self.rng.index(2)], arabic));
        if self.rng.chance(1, 2) {
            let (en, ar) = self.rng.pick(DOCUMENTS);
            rationale.push_str(&if arabic {
                format!(" تمت المراجعة بالاستناد إلى {ar}.")
            } else {
                format!(" Checked against {en}.")
            });
        }
        let evidence = (0..self.rng.weighted(&[40, 35, 18, 7]))
            .map(|_| {
                let n = self.rng.range(100_000, 9_999_999);
                match self.rng.index(4) {
                    0 => format!("https://archive.example.org/web/{n}"),
                    1 => format!("https://data.example.gov/datasets/{n}"),
                    2 => format!("https://factcheck.example.net/checks/{n}"),
                    _ => format!("https://imagery.example.com/scenes/{n}"),
                }
            })
            .collect();
        Some(Step {
            who: Who::Checker(checker),
            record: Record::Verdict(VerdictBody {
                claim: self.claim_ids[claim],
                rating: Rating::ALL[r],
                confidence,
                rationale,
                evidence,
                supersedes: replaces.map(|i| self.verdicts[i].id),
                review: None,
            }),
            effect: Effect::Verdict {
                claim,
                checker,
                replaces,
            },
        })
    }

    /// A rating next to `r`: one step along the value scale, or a guess.
    fn neighbour(&mut self, r: usize) -> usize {
        match r {
            0 => 1,
            1..=3 => {
                if self.rng.chance(1, 2) {
                    r - 1
                } else {
                    r + 1
                }
            }
            4 => 3,
            UNVERIFIABLE => self.rng.range(1, 3) as usize,
            _ => FALSE,
        }
    }

    // -- relations, priors ---------------------------------------------------

    fn relation(&mut self) -> Option<Step> {
        let n = self.claim_ids.len();
        if n < 2 {
            return None;
        }
        // From a recent claim to an earlier one, often of the same days.
        let from = n - 1 - self.rng.index(n.min(300));
        if from == 0 {
            return None;
        }
        let to = if self.rng.chance(1, 2) {
            from - 1 - self.rng.index(from.min(2000))
        } else {
            self.rng.index(from)
        };
        let r = self.rng.weighted(&[30, 30, 25, 15]);
        let (relation, note) = [
            (
                ClaimRelation::SameAs,
                "Both report the same event, from the same dispatch.",
            ),
            (
                ClaimRelation::Corroborates,
                "An independent report with its own witnesses.",
            ),
            (
                ClaimRelation::DerivedFrom,
                "Repeats the earlier report almost word for word.",
            ),
            (
                ClaimRelation::Contradicts,
                "Gives a different account of the same event.",
            ),
        ][r];
        let who = if self.rng.chance(3, 10) {
            Who::Checker(self.checker())
        } else {
            Who::Editor(self.editor())
        };
        Some(Step {
            who,
            record: Record::Relation(RelationBody {
                from: self.claim_ids[from],
                relation,
                to: self.claim_ids[to],
                note: self.rng.chance(1, 2).then(|| note.to_owned()),
            }),
            effect: Effect::Relation,
        })
    }

    fn prior(&mut self) -> Option<Step> {
        let mut rng = self.rng.clone();
        let s = self.named(&mut rng, &[]);
        self.rng = rng;
        let s = s?;
        let g = self.rng.weighted(&[10, 30, 30, 15, 5, 10]);
        let (grade, reason) = [
            (
                Grade::A,
                "Consistently accurate over the desk's record; errors are rare and corrected.",
            ),
            (
                Grade::B,
                "Usually reliable; occasional errors, corrected promptly.",
            ),
            (Grade::C, "Fairly reliable; a mixed record on figures."),
            (
                Grade::D,
                "Frequently relays unverified material without attribution.",
            ),
            (Grade::E, "Has repeatedly published fabricated material."),
            (Grade::F, "Too little record to judge."),
        ][g];
        Some(Step {
            who: Who::Editor(self.editor()),
            record: Record::Prior(PriorBody {
                source: self.id(s),
                grade,
                reason: reason.into(),
            }),
            effect: Effect::None,
        })
    }

    // -- amendments ----------------------------------------------------------

    fn amendment(&mut self) -> Option<Step> {
        if self.claim_ids.is_empty() {
            return None;
        }
        let body = match self.rng.weighted(&[30, 25, 35, 10]) {
            1 => self.reattribute(),
            2 => self.correct_claim(),
            3 => self.correct_source(),
            _ => self.retract(),
        };
        // Every branch may find nothing to act on; a retraction of some
        // live claim is the fallback, and a claim the last resort.
        let body = match body {
            Some(b) => Some(b),
            None => self.retract(),
        };
        let b = body?;
        Some(Step {
            who: Who::Editor(self.editor()),
            record: Record::Amendment(b),
            effect: Effect::None,
        })
    }

    fn retract(&mut self) -> Option<AmendmentBody> {
        if !self.relations.is_empty() && self.rng.chance(3, 20) {
            let target = self.relations[self.rng.index(self.relations.len())];
            return Some(AmendmentBody {
                target,
                change: Change::Retract,
                reason: "The two claims turned out to concern different events.".into(),
            });
        }
        let c = self.pick_claim_without(RETRACTED, 1000)?;
        self.claim_flags[c] |= RETRACTED;
        let reason = self.rng.pick(&[
            "Recorded twice; this entry is withdrawn in favour of the earlier one.",
            "The publication was withdrawn by its publisher.",
            "Entered against the wrong article.",
            "The claim was misread from the original; withdrawn.",
        ]);
        Some(AmendmentBody {
            target: self.claim_ids[c],
            change: Change::Retract,
            reason: reason.into(),
        })
    }

    fn regenerate(&self, c: usize) -> ClaimPlan {
        let appeared = APPEARED_BASE + i64::from(self.claim_appeared[c]);
        self.plan(c, appeared)
    }

    fn reattribute(&mut self) -> Option<AmendmentBody> {
        let c = self.pick_claim_without(RETRACTED | AMENDED, 1000)?;
        let ClaimPlan {
            mut chain, used, ..
        } = self.regenerate(c);
        let mut rng = self.rng.clone();
        let found = self.named(&mut rng, &used);
        self.rng = rng;
        let s = found?;
        let name = self.sources[s].body.name.clone();
        let unnamed_origin = chain
            .last()
            .is_some_and(|h| h.relation == HopRelation::Anonymous);
        let reason = if unnamed_origin || chain.len() == 4 {
            // The origin is identified: it takes the last hop's place.
            chain.pop();
            format!("The origin was later identified as {name}; the chain is corrected.")
        } else {
            format!(
                "The statement was first published by {name}; the chain is extended to its origin."
            )
        };
        let relation = if chain.is_empty() {
            HopRelation::Reported
        } else {
            let mut rng = self.rng.clone();
            let r = self.relation_for(&mut rng, s);
            self.rng = rng;
            r
        };
        chain.push(Hop {
            source: self.id(s),
            relation,
        });
        self.claim_flags[c] = (self.claim_flags[c] & !HOPS) | (chain.len() as u8 & HOPS) | AMENDED;
        Some(AmendmentBody {
            target: self.claim_ids[c],
            change: Change::Reattribute { chain },
            reason,
        })
    }

    fn correct_claim(&mut self) -> Option<AmendmentBody> {
        let c = self.pick_claim_without(RETRACTED | AMENDED, 1000)?;
        let mut plan = self.regenerate(c);
        let figure = match plan.parts.first() {
            Some(Part::Main(m)) if EVENTS[m.event].hi > EVENTS[m.event].lo => Some(m.clone()),
            _ => None,
        };
        let reason = match figure {
            Some(m) if self.rng.chance(3, 5) || (plan.translated || !plan.arabic) => {
                let ev = &EVENTS[m.event];
                let span = ev.hi - ev.lo + 1;
                let shift = self.rng.range(1, span - 1);
                let fixed = ev.lo + (m.figure - ev.lo + shift) % span;
                plan.parts[0] = Part::Main(EventPart { figure: fixed, ..m });
                "The figure was misreported; corrected from the original publication."
            }
            _ if plan.arabic && !plan.translated => {
                plan.translated = true;
                "An English translation is added for the English desk."
            }
            _ => {
                plan.appeared -= 86_400;
                "The publication date was recorded a day late."
            }
        };
        self.claim_flags[c] |= AMENDED;
        Some(AmendmentBody {
            target: self.claim_ids[c],
            change: Change::CorrectClaim {
                claim: self.render(&plan),
            },
            reason: reason.into(),
        })
    }

    fn correct_source(&mut self) -> Option<AmendmentBody> {
        let mut rng = self.rng.clone();
        let s = self.named(&mut rng, &[]);
        self.rng = rng;
        let s = s?;
        let institutions: Vec<usize> = (0..s)
            .filter(|&i| {
                matches!(
                    self.kind(i),
                    SourceKind::Outlet | SourceKind::Organization | SourceKind::Government
                )
            })
            .collect();
        let mut body = self.sources[s].body.clone();
        let reason = match body.kind {
            SourceKind::Person if !institutions.is_empty() => {
                let ai = self.rng.pick(&institutions);
                let kind = self.kind(ai);
                let role = role_at(&mut self.rng, kind);
                let inst = &self.sources[ai].body.name;
                body.description = Some(format!("{role} at {inst}"));
                body.affiliations = vec![self.id(ai)];
                "The person has taken a new post; description and affiliation updated."
            }
            SourceKind::Outlet | SourceKind::Organization => {
                let list = if body.kind == SourceKind::Outlet {
                    OUTLET_DESCRIPTIONS
                } else {
                    ORG_DESCRIPTIONS
                };
                let old = body.description.clone();
                let d = fresh(&mut self.rng, list.len(), &[], |i| {
                    old.as_deref() != Some(list[i])
                })?;
                body.description = Some(list[d].to_owned());
                "The description was inaccurate and is revised."
            }
            _ if body.url.is_none() => {
                body.url = Some(format!("https://www.{}.example", body.id));
                "The source's home page is added."
            }
            _ => {
                let old = body.language.clone();
                let l = fresh(&mut self.rng, LANGUAGES.len(), &[], |i| {
                    old.as_deref() != Some(LANGUAGES[i])
                })?;
                body.language = Some(LANGUAGES[l].to_owned());
                "The source's main language was recorded wrongly."
            }
        };
        let target = *self.source_ids.get(s)?;
        // Later corrections start from this one.
        self.sources[s].body = body.clone();
        Some(AmendmentBody {
            target,
            change: Change::CorrectSource { source: body },
            reason: reason.into(),
        })
    }
}

// ---------------------------------------------------------------------------
// Claim texts

// Positions in `Rating::ALL`: the weights of `truth` and the rationales
// are in its order too.
const FALSE: usize = 4;
const UNVERIFIABLE: usize = 5;
const MISATTRIBUTED: usize = 6;

struct ClaimPlan {
    chain: Vec<Hop>,
    /// The chain's sources, by index.
    used: Vec<usize>,
    arabic: bool,
    translated: bool,
    parts: Vec<Part>,
    appeared: i64,
    appeared_time: bool,
    /// The publisher's home page, an article number, and whether it is a
    /// post on a social account.
    url: Option<(String, u64, bool)>,
    venue: Option<usize>,
}

#[derive(Clone, Debug)]
struct EventPart {
    lead: Option<usize>,
    event: usize,
    figure: u64,
    place: Option<usize>,
    when: Option<usize>,
}

#[derive(Clone, Debug)]
enum Part {
    Main(EventPart),
    Quote(usize),
    Tail(usize),
    Also(EventPart),
}

/// A draw from `0..n` that is not `taken` and passes `ok`, or `None` after
/// [`TRIES`] draws.
fn fresh(rng: &mut Rng, n: usize, taken: &[usize], ok: impl Fn(usize) -> bool) -> Option<usize> {
    (0..TRIES).find_map(|_| {
        let i = rng.index(n);
        (!taken.contains(&i) && ok(i)).then_some(i)
    })
}

fn event_part(rng: &mut Rng, event: usize) -> EventPart {
    let ev = &EVENTS[event];
    EventPart {
        lead: None,
        event,
        figure: rng.range(ev.lo, ev.hi),
        place: (ev.place && rng.chance(7, 10)).then(|| rng.index(PLACES.len())),
        when: None,
    }
}

fn main_part(rng: &mut Rng) -> EventPart {
    let event = rng.index(EVENTS.len());
    let mut p = event_part(rng, event);
    p.lead = rng.chance(3, 5).then(|| rng.index(LEADS.len()));
    p.when = rng.chance(3, 5).then(|| rng.index(WHENS.len()));
    p
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The English or the Arabic of a pair.
fn in_lang(pair: (&'static str, &'static str), arabic: bool) -> &'static str {
    if arabic { pair.1 } else { pair.0 }
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

impl EventPart {
    fn text(&self, arabic: bool, prefix: Option<(&'static str, &'static str)>) -> String {
        let ev = &EVENTS[self.event];
        let lead = prefix.or(self.lead.map(|l| LEADS[l]));
        let mut s = String::new();
        if let Some(l) = lead {
            s.push_str(in_lang(l, arabic));
            s.push(' ');
        }
        let body = in_lang((ev.en, ev.ar), arabic).replace("{n}", &self.figure.to_string());
        if lead.is_none() && !arabic {
            s.push_str(&capitalised(&body));
        } else {
            s.push_str(&body);
        }
        for p in [self.place.map(|i| PLACES[i]), self.when.map(|i| WHENS[i])]
            .into_iter()
            .flatten()
        {
            s.push(' ');
            s.push_str(in_lang(p, arabic));
        }
        s.push('.');
        s
    }
}

impl Part {
    fn text(&self, arabic: bool) -> String {
        match self {
            Part::Main(m) => m.text(arabic, None),
            Part::Also(m) => m.text(arabic, Some(("Meanwhile,", "وفي هذه الأثناء،"))),
            Part::Tail(t) => (if arabic { TAILS[*t].1 } else { TAILS[*t].0 }).to_owned(),
            Part::Quote(q) => {
                let (en, ar) = QUOTES[*q];
                if arabic {
                    format!("ونقل عن المصدر قوله: “{ar}”.")
                } else {
                    format!("“{}”, the source was quoted as saying.", capitalised(en))
                }
            }
        }
    }
}

fn join(parts: &[Part], arabic: bool) -> String {
    let texts: Vec<String> = parts.iter().map(|p| p.text(arabic)).collect();
    texts.join(" ")
}

/// A news event, in English and Arabic; `{n}` is a figure in `lo..=hi`
/// (0..=0 when there is none), chosen so the Arabic counted noun agrees.
struct Event {
    en: &'static str,
    ar: &'static str,
    lo: u64,
    hi: u64,
    /// Whether a place may follow (events that name their own do not).
    place: bool,
}

const fn ev(en: &'static str, ar: &'static str, lo: u64, hi: u64, place: bool) -> Event {
    Event {
        en,
        ar,
        lo,
        hi,
        place,
    }
}

const EVENTS: &[Event] = &[
    ev(
        "the central bank raised its main interest rate by {n} basis points",
        "رفع البنك المركزي سعر الفائدة الرئيسي بمقدار {n} نقطة أساس",
        25,
        300,
        false,
    ),
    ev(
        "the number of people detained on suspicion of smuggling fuel across the border reached {n}",
        "بلغ عدد المحتجزين للاشتباه في تهريب الوقود عبر الحدود {n} شخصاً",
        11,
        95,
        false,
    ),
    ev(
        "oil production fell to {n} thousand barrels a day",
        "انخفض إنتاج النفط إلى {n} ألف برميل يومياً",
        300,
        1300,
        true,
    ),
    ev(
        "a delegation of officers travelled abroad for {n} weeks of training on new fighter aircraft",
        "سافر وفد من الضباط إلى الخارج لتلقي تدريب على مقاتلات جديدة لمدة {n} أسابيع",
        3,
        10,
        false,
    ),
    ev(
        "the ministry of health recorded {n} new cases of cholera in the southern districts",
        "سجلت وزارة الصحة {n} حالة إصابة جديدة بالكوليرا في المناطق الجنوبية",
        11,
        99,
        false,
    ),
    ev(
        "the electoral commission postponed the municipal elections by {n} months",
        "أجلت المفوضية الانتخابية الانتخابات البلدية لمدة {n} أشهر",
        3,
        10,
        true,
    ),
    ev(
        "the price of bread rose by {n} percent in a single month",
        "ارتفع سعر الخبز بنسبة {n} في المئة خلال شهر واحد",
        5,
        60,
        true,
    ),
    ev(
        "the government signed a contract worth {n} million dollars to rebuild the port",
        "وقعت الحكومة عقداً بقيمة {n} مليون دولار لإعادة بناء الميناء",
        20,
        900,
        true,
    ),
    ev(
        "armed groups withdrew from {n} checkpoints around the capital",
        "انسحبت جماعات مسلحة من {n} نقاط تفتيش حول العاصمة",
        3,
        10,
        false,
    ),
    ev(
        "the main power station stopped working for lack of fuel, cutting electricity to {n} thousand homes",
        "توقفت محطة الكهرباء الرئيسية عن العمل بسبب نقص الوقود، ما أدى إلى انقطاع التيار عن {n} ألف منزل",
        11,
        400,
        true,
    ),
    ev(
        "a foreign navy asked for access to another port for its warships",
        "طلبت قوة بحرية أجنبية السماح لسفنها الحربية باستخدام ميناء آخر",
        0,
        0,
        true,
    ),
    ev(
        "parliament approved a budget {n} percent larger than last year's",
        "أقر البرلمان ميزانية تزيد بنسبة {n} في المئة على ميزانية العام الماضي",
        3,
        40,
        false,
    ),
    ev(
        "floods displaced {n} families in the coastal towns",
        "أدت الفيضانات إلى نزوح {n} عائلة في المدن الساحلية",
        11,
        99,
        false,
    ),
    ev(
        "the two rival governments agreed to unify the customs authority within {n} days",
        "اتفقت الحكومتان المتنافستان على توحيد مصلحة الجمارك في غضون {n} يوماً",
        11,
        90,
        false,
    ),
    ev(
        "a shipment of {n} tonnes of wheat reached the port",
        "وصلت إلى الميناء شحنة من القمح تزن {n} طن",
        12_000,
        90_000,
        true,
    ),
    ev(
        "the football federation suspended the league for {n} weeks after violence in the stands",
        "علق اتحاد كرة القدم الدوري لمدة {n} أسابيع بعد أعمال عنف في المدرجات",
        3,
        10,
        false,
    ),
    ev(
        "unemployment among young people reached {n} percent",
        "بلغت نسبة البطالة بين الشباب {n} في المئة",
        12,
        48,
        true,
    ),
    ev(
        "the army moved heavy equipment to an air base in the south",
        "نقل الجيش معدات ثقيلة إلى قاعدة جوية في الجنوب",
        0,
        0,
        false,
    ),
    ev(
        "a court sentenced a former minister to {n} years in prison for corruption",
        "قضت محكمة بسجن وزير سابق لمدة {n} سنوات بتهمة الفساد",
        3,
        10,
        true,
    ),
    ev(
        "the national oil company announced a new gas field with reserves estimated at {n} billion cubic metres",
        "أعلنت المؤسسة الوطنية للنفط اكتشاف حقل غاز جديد باحتياطيات تقدر بنحو {n} مليار متر مكعب",
        2,
        90,
        false,
    ),
    ev(
        "{n} migrants were rescued off the coast in a single night",
        "تم إنقاذ {n} مهاجراً قبالة السواحل في ليلة واحدة",
        11,
        99,
        false,
    ),
    ev(
        "the local currency fell to {n} to the dollar on the parallel market",
        "تراجعت العملة المحلية إلى {n} مقابل الدولار في السوق الموازية",
        5,
        12,
        false,
    ),
    ev(
        "the ministry of education cancelled exams in {n} schools",
        "ألغت وزارة التعليم الامتحانات في {n} مدرسة",
        11,
        99,
        true,
    ),
    ev(
        "a drone strike hit a weapons depot near the airport",
        "استهدفت غارة بطائرة مسيرة مستودعاً للأسلحة قرب المطار",
        0,
        0,
        true,
    ),
    ev(
        "the authorities reopened the border crossing after {n} days of closure",
        "أعادت السلطات فتح المعبر الحدودي بعد إغلاق دام {n} يوماً",
        11,
        60,
        false,
    ),
    ev(
        "a fire destroyed {n} hectares of forest in the mountains",
        "أتى حريق على {n} هكتار من الغابات في المناطق الجبلية",
        110,
        900,
        false,
    ),
    ev(
        "the foreign minister met his counterpart to discuss security on the southern border",
        "التقى وزير الخارجية نظيره لبحث الأمن على الحدود الجنوبية",
        0,
        0,
        false,
    ),
    ev(
        "a convoy of {n} trucks carrying humanitarian aid crossed into the city",
        "عبرت قافلة من {n} شاحنة محملة بالمساعدات الإنسانية إلى المدينة",
        11,
        99,
        false,
    ),
];

const PLACES: &[(&str, &str)] = &[
    ("in Tripoli", "في طرابلس"),
    ("in Benghazi", "في بنغازي"),
    ("in Misrata", "في مصراتة"),
    ("in Sabha", "في سبها"),
    ("in the Fezzan region", "في منطقة فزان"),
    ("in eastern Libya", "في شرق ليبيا"),
    ("in Tunis", "في تونس"),
    ("in Cairo", "في القاهرة"),
    ("in Khartoum", "في الخرطوم"),
    ("in Algiers", "في الجزائر العاصمة"),
    ("in Sirte", "في سرت"),
    ("in Derna", "في درنة"),
    ("near the Tunisian border", "قرب الحدود التونسية"),
    ("in the south of the country", "في جنوب البلاد"),
];

const WHENS: &[(&str, &str)] = &[
    ("on Monday", "يوم الاثنين"),
    ("on Tuesday", "يوم الثلاثاء"),
    ("on Wednesday", "يوم الأربعاء"),
    ("on Thursday", "يوم الخميس"),
    ("on Friday", "يوم الجمعة"),
    ("on Saturday", "يوم السبت"),
    ("on Sunday", "يوم الأحد"),
    ("last week", "الأسبوع الماضي"),
    ("earlier this month", "في وقت سابق من هذا الشهر"),
    ("yesterday", "أمس"),
];

// Arabic leads are prepositional phrases followed by the verb-first event
// clause, which needs no agreement with the lead.
const LEADS: &[(&str, &str)] = &[
    ("According to local media,", "بحسب وسائل إعلام محلية،"),
    ("According to officials,", "بحسب مسؤولين،"),
    (
        "According to a statement by the ministry,",
        "بحسب بيان صادر عن الوزارة،",
    ),
    ("According to witnesses,", "بحسب شهود عيان،"),
    (
        "According to a government spokesman,",
        "بحسب متحدث باسم الحكومة،",
    ),
    ("According to diplomatic sources,", "بحسب مصادر دبلوماسية،"),
    (
        "According to a report by a research centre,",
        "بحسب تقرير لمركز أبحاث،",
    ),
    (
        "As reported by a local news site,",
        "وفق ما ذكره موقع إخباري محلي،",
    ),
];

const TAILS: &[(&str, &str)] = &[
    (
        "The decision drew criticism from opposition figures, who called it rushed.",
        "وأثار القرار انتقادات من شخصيات معارضة وصفته بالمتسرع.",
    ),
    (
        "No independent confirmation was available at the time of publication.",
        "ولم يتسن الحصول على تأكيد مستقل حتى وقت النشر.",
    ),
    (
        "Officials did not respond to requests for comment.",
        "ولم يرد المسؤولون على طلبات التعليق.",
    ),
    (
        "The figure could not be verified.",
        "ولم يتسن التحقق من هذا الرقم.",
    ),
    (
        "The move comes amid rising tension between the rival authorities in the east and the west.",
        "وتأتي هذه الخطوة في ظل تصاعد التوتر بين السلطات المتنافسة في الشرق والغرب.",
    ),
    (
        "Residents described long queues at petrol stations.",
        "ووصف السكان طوابير طويلة أمام محطات الوقود.",
    ),
    (
        "Analysts say the step is meant to reassure foreign partners.",
        "ويرى محللون أن هذه الخطوة تهدف إلى طمأنة الشركاء الأجانب.",
    ),
    (
        "A similar announcement last year was later withdrawn.",
        "وكان إعلان مماثل قد سحب في العام الماضي.",
    ),
    (
        "The United Nations mission called on all parties to exercise restraint.",
        "ودعت بعثة الأمم المتحدة جميع الأطراف إلى ضبط النفس.",
    ),
    (
        "Images shared on social media appeared to show the scene.",
        "وأظهرت صور متداولة على مواقع التواصل الاجتماعي ما بدا أنه موقع الحادث.",
    ),
    (
        "The ministry said further details would be announced in the coming days.",
        "وقالت الوزارة إنها ستعلن مزيداً من التفاصيل خلال الأيام المقبلة.",
    ),
    (
        "Earlier statements had put the number much lower.",
        "وكانت تصريحات سابقة قد قدرت العدد بأقل من ذلك بكثير.",
    ),
];

/// Tails that speak of "the figure" or "the number": only after an event
/// that has one.
const FIGURE_TAILS: [usize; 2] = [3, 11];

const QUOTES: &[(&str, &str)] = &[
    (
        "we will not accept any foreign interference in our affairs",
        "لن نقبل أي تدخل أجنبي في شؤوننا",
    ),
    ("the situation is under control", "الوضع تحت السيطرة"),
    (
        "this is a grave mistake that everyone will pay for",
        "هذا خطأ فادح سيدفع الجميع ثمنه",
    ),
    (
        "we are ready to provide all possible support",
        "نحن مستعدون لتقديم كل الدعم الممكن",
    ),
    ("the numbers speak for themselves", "الأرقام تتحدث عن نفسها"),
    ("there is no truth to these reports", "لا صحة لهذه التقارير"),
    (
        "the door to dialogue remains open",
        "باب الحوار لا يزال مفتوحاً",
    ),
    (
        "prices will return to normal within weeks",
        "ستعود الأسعار إلى طبيعتها خلال أسابيع",
    ),
];

const VENUES: &[&str] = &[
    "print edition",
    "evening bulletin",
    "live blog",
    "weekly podcast",
    "front page",
    "Arabic service",
];

/// Per rating (in [`Rating::ALL`] order), two rationales in English and Arabic.
const RATIONALES: [[(&str, &str); 2]; 7] = [
    [
        (
            "Official records confirm the statement as reported.",
            "تؤكد السجلات الرسمية صحة التصريح كما ورد.",
        ),
        (
            "Two independent sources confirm the account and its figures.",
            "يؤكد مصدران مستقلان الرواية والأرقام الواردة فيها.",
        ),
    ],
    [
        (
            "The substance holds, but the figure is rounded up.",
            "جوهر الادعاء صحيح لكن الرقم مقرب إلى الأعلى.",
        ),
        (
            "Accurate overall; the date given is off by a few days.",
            "الادعاء دقيق في مجمله لكن التاريخ المذكور غير دقيق ببضعة أيام.",
        ),
    ],
    [
        (
            "The event took place, but the numbers and the place are wrong.",
            "الحدث وقع فعلاً لكن الأرقام والمكان غير صحيحة.",
        ),
        (
            "Part of the claim is supported; the rest rests on a single unnamed source.",
            "جزء من الادعاء مدعوم بالأدلة والباقي يستند إلى مصدر واحد مجهول.",
        ),
    ],
    [
        (
            "Only a small part of the claim is supported by the available evidence.",
            "لا تدعم الأدلة المتاحة سوى جزء صغير من الادعاء.",
        ),
        (
            "The figure is several times higher than the official data.",
            "الرقم المذكور يفوق البيانات الرسمية بعدة أضعاف.",
        ),
    ],
    [
        (
            "The official data contradict the claim.",
            "تناقض البيانات الرسمية هذا الادعاء.",
        ),
        (
            "The images used date from an earlier, unrelated event.",
            "الصور المستخدمة تعود إلى حدث سابق لا علاقة له بالموضوع.",
        ),
    ],
    [
        (
            "No public record allows the claim to be checked.",
            "لا يوجد سجل عام يسمح بالتحقق من الادعاء.",
        ),
        (
            "The only source is unnamed and no document could be obtained.",
            "المصدر الوحيد مجهول ولم يتسن الحصول على أي وثيقة.",
        ),
    ],
    [
        (
            "The words were said, but by someone else.",
            "التصريح حقيقي لكنه صدر عن شخص آخر.",
        ),
        (
            "The quote comes from an older interview with a different official.",
            "الاقتباس مأخوذ من مقابلة سابقة مع مسؤول آخر.",
        ),
    ],
];

const DOCUMENTS: &[(&str, &str)] = &[
    (
        "the central bank's monthly bulletin",
        "النشرة الشهرية للبنك المركزي",
    ),
    (
        "the ministry's published statistics",
        "الإحصاءات المنشورة للوزارة",
    ),
    ("satellite imagery", "صور الأقمار الصناعية"),
    ("the court's published ruling", "نص الحكم المنشور للمحكمة"),
    (
        "archived copies of the original post",
        "نسخ مؤرشفة من المنشور الأصلي",
    ),
    ("shipping records", "سجلات الشحن"),
    ("the original video", "المقطع المصور الأصلي"),
    ("interviews with residents", "مقابلات مع السكان"),
];

// ---------------------------------------------------------------------------
// Sources

const OUTLET_A: &[&str] = &[
    "Sahel",
    "Nile",
    "Maghreb",
    "Levant",
    "Gulf",
    "Atlas",
    "Sirte",
    "Carthage",
    "Delta",
    "Mediterranean",
    "Desert",
    "Tripoli",
    "Benghazi",
    "Fezzan",
    "Barqa",
    "Oasis",
    "Crescent",
    "Jufra",
];
const OUTLET_B: &[&str] = &[
    "Daily", "Post", "Times", "Observer", "Monitor", "News", "Herald", "Voice", "Today", "Wire",
    "Radio", "TV", "Gazette", "Network", "Review",
];
const OUTLET_DESCRIPTIONS: &[&str] = &[
    "Libyan news website",
    "Pan-Arab satellite channel",
    "Regional daily newspaper",
    "International wire service with an Arabic desk",
    "Local radio station",
    "Online outlet covering North Africa",
    "Weekly magazine",
];
const FIRST_NAMES: &[&str] = &[
    "Ahmed", "Mohamed", "Fatima", "Aisha", "Omar", "Khaled", "Salma", "Youssef", "Leila", "Hassan",
    "Mariam", "Tarek", "Nour", "Ibrahim", "Huda", "Karim", "Rania", "Sami", "Amal", "Walid",
    "Sarah", "John", "Elena", "Marco", "Anna", "David", "Olga", "Pierre", "Claire", "James",
];
const LAST_NAMES: &[&str] = &[
    "al-Mansouri",
    "Ben Ali",
    "Haddad",
    "al-Obeidi",
    "Zuwai",
    "Gaddour",
    "el-Sharif",
    "Bashir",
    "Khalifa",
    "Nasser",
    "Saleh",
    "Darwish",
    "Mahmoud",
    "Rossi",
    "Dupont",
    "Petrov",
    "Smith",
    "Keller",
    "Yilmaz",
    "Hamdi",
    "Trabelsi",
    "Fathi",
    "Gheriani",
    "Suleiman",
];
/// A person's title at an institution of this kind.
fn role_at(rng: &mut Rng, kind: SourceKind) -> &'static str {
    rng.pick(match kind {
        SourceKind::Outlet => &[
            "Journalist",
            "Correspondent",
            "Editor-in-chief",
            "Columnist",
        ][..],
        SourceKind::Government => &[
            "Spokesperson",
            "Minister",
            "Ambassador",
            "Commander",
            "Member of parliament",
            "Mayor",
            "Adviser",
        ][..],
        _ => &[
            "Analyst",
            "Researcher",
            "Economist",
            "Professor",
            "Activist",
            "Director",
        ][..],
    })
}
const INDEPENDENT_ROLES: &[&str] = &[
    "analyst",
    "journalist",
    "activist",
    "economist",
    "researcher",
];
const ORG_REGION: &[&str] = &[
    "Maghreb",
    "Sahel",
    "Mediterranean",
    "Libyan",
    "North African",
    "Arab",
    "Euro-Mediterranean",
];
const ORG_TOPIC: &[&str] = &[
    "Energy",
    "Migration",
    "Human Rights",
    "Security",
    "Economic",
    "Public Health",
    "Media",
    "Strategic",
];
const ORG_TYPE: &[&str] = &[
    "Institute",
    "Centre",
    "Observatory",
    "Foundation",
    "Council",
    "Network",
    "Forum",
];
const ORG_DESCRIPTIONS: &[&str] = &[
    "Think tank",
    "Non-governmental organisation",
    "State-owned company",
    "Trade union",
    "Monitoring group",
    "Research institute",
];
const BODIES: &[&str] = &[
    "Ministry of Interior",
    "Ministry of Health",
    "Ministry of Finance",
    "Ministry of Foreign Affairs",
    "Ministry of Defence",
    "Ministry of Oil and Gas",
    "Ministry of Education",
    "Central Bank",
    "Electoral Commission",
    "Presidential Council",
    "House of Representatives",
    "Coast Guard",
];
/// Countries with the language their bodies speak.
const COUNTRIES: &[(&str, &str)] = &[
    ("Libya", "ar"),
    ("Tunisia", "ar"),
    ("Egypt", "ar"),
    ("Algeria", "ar"),
    ("Sudan", "ar"),
    ("Chad", "fr"),
    ("Niger", "fr"),
    ("Italy", "it"),
    ("Turkey", "tr"),
    ("Malta", "en"),
];
const LANGUAGES: &[&str] = &["ar", "ar", "ar", "ar", "en", "en", "fr", "it", "ru", "tr"];
/// Unnamed sources, with the Arabic phrase that credits them.
const UNNAMED: &[(&str, &str)] = &[
    ("Several sources (unnamed)", "عدة مصادر"),
    ("Informed sources (unnamed)", "مصادر مطلعة"),
    ("Security sources (unnamed)", "مصادر أمنية"),
    ("Diplomatic sources (unnamed)", "مصادر دبلوماسية"),
    ("A senior official (unnamed)", "مسؤول رفيع طلب عدم ذكر اسمه"),
    ("Local residents (unnamed)", "سكان محليون"),
    ("Military sources (unnamed)", "مصادر عسكرية"),
    (
        "Sources close to the government (unnamed)",
        "مصادر مقربة من الحكومة",
    ),
];

/// A slug of `name` with `-i` appended, which makes it unique.
fn slug(name: &str, i: usize) -> String {
    let suffix = format!("-{i}");
    let mut s = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c.to_ascii_lowercase());
        } else if !s.is_empty() && !s.ends_with('-') {
            s.push('-');
        }
    }
    while s.ends_with('-') {
        s.pop();
    }
    s.truncate(SourceId::MAX_LEN - suffix.len());
    while s.ends_with('-') {
        s.pop();
    }
    if s.is_empty() {
        s.push_str("source");
    }
    s + &suffix
}

fn source_id(name: &str, i: usize) -> Result<SourceId, Error> {
    // A slug of ASCII letters, digits and single hyphens, at most 64 long,
    // never starting with '-': the parse cannot fail.
    SourceId::parse(&slug(name, i), "source")
}

/// The sources of the ledger `seed`, in the order they are recorded.
fn make_sources(seed: u64, count: usize) -> Result<Vec<Source>, Error> {
    let mut rng = Rng::new(derive(seed, SOURCES, 0));
    let mut out: Vec<Source> = Vec::with_capacity(count);
    let mut institutions: Vec<usize> = Vec::new();
    let mut people: Vec<usize> = Vec::new();
    for i in 0..count {
        // Source 0 is an outlet: every chain needs a publisher.
        let kind = if i == 0 {
            SourceKind::Outlet
        } else {
            [
                SourceKind::Outlet,
                SourceKind::Person,
                SourceKind::Organization,
                SourceKind::Government,
                SourceKind::SocialAccount,
                SourceKind::Anonymous,
            ][rng.weighted(&[26, 32, 12, 14, 10, 6])]
        };
        let mut affiliations = Vec::new();
        let mut owner = None;
        let (name, url, language, description) = match kind {
            SourceKind::Outlet => {
                let (a, b) = (rng.pick(OUTLET_A), rng.pick(OUTLET_B));
                let site = format!("https://www.{}{}.example", a, b).to_ascii_lowercase();
                (
                    format!("{a} {b}"),
                    rng.chance(3, 4).then_some(site),
                    Some(rng.pick(LANGUAGES)),
                    Some(rng.pick(OUTLET_DESCRIPTIONS).to_owned()),
                )
            }
            SourceKind::Person => {
                let name = format!("{} {}", rng.pick(FIRST_NAMES), rng.pick(LAST_NAMES));
                let description = if !institutions.is_empty() && rng.chance(7, 10) {
                    let a = rng.pick(&institutions);
                    let role = role_at(&mut rng, out[a].kind);
                    affiliations.push(a);
                    if rng.chance(1, 7) {
                        let b = rng.pick(&institutions);
                        if b != a {
                            affiliations.push(b);
                        }
                    }
                    let inst: &Source = &out[a];
                    format!("{role} at {}", inst.body.name)
                } else {
                    format!("Independent {}", rng.pick(INDEPENDENT_ROLES))
                };
                (name, None, Some(rng.pick(LANGUAGES)), Some(description))
            }
            SourceKind::Organization => (
                format!(
                    "{} {} {}",
                    rng.pick(ORG_REGION),
                    rng.pick(ORG_TOPIC),
                    rng.pick(ORG_TYPE)
                ),
                None,
                Some(if rng.chance(1, 2) { "en" } else { "ar" }),
                Some(rng.pick(ORG_DESCRIPTIONS).to_owned()),
            ),
            SourceKind::Government => {
                let (country, lang) = rng.pick(COUNTRIES);
                (
                    format!("{} ({country})", rng.pick(BODIES)),
                    None,
                    Some(lang),
                    Some(format!("Official body of {country}")),
                )
            }
            SourceKind::SocialAccount => {
                let handle = format!("{}{}", rng.pick(OUTLET_A), rng.range(1, 999));
                if !people.is_empty() && rng.chance(4, 5) {
                    let p = rng.pick(&people);
                    owner = Some(p);
                    affiliations.push(p);
                    let person = &out[p].body.name;
                    (
                        format!("{person} on X"),
                        Some(format!("https://x.com/{handle}")),
                        out[p].body.language.as_deref(),
                        Some(format!("{person}'s posts on X")),
                    )
                } else {
                    (
                        format!("{} Telegram channel", rng.pick(OUTLET_A)),
                        Some(format!("https://t.me/{handle}")),
                        Some("ar"),
                        Some("Anonymous channel relaying local news".to_owned()),
                    )
                }
            }
            SourceKind::Anonymous => {
                let (en, ar) = rng.pick(UNNAMED);
                (
                    en.to_owned(),
                    None,
                    None,
                    Some(format!(
                        "Unnamed sources credited by the publisher (“{ar}”)"
                    )),
                )
            }
        };
        let language = language.map(str::to_owned);
        let mut affiliations: Vec<SourceId> = affiliations
            .into_iter()
            .map(|a| out[a].body.id.clone())
            .collect();
        affiliations.sort();
        affiliations.dedup();
        match kind {
            SourceKind::Outlet | SourceKind::Organization | SourceKind::Government => {
                institutions.push(i)
            }
            SourceKind::Person => people.push(i),
            _ => {}
        }
        out.push(Source {
            first_url: url.clone(),
            body: SourceBody {
                id: source_id(&name, i)?,
                name,
                kind,
                url,
                language,
                affiliations,
                description,
            },
            kind,
            owner,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use isnad_core::{Entry, Kind, Ledger};
    use std::collections::BTreeMap;

    #[test]
    fn rating_positions_name_their_ratings() {
        assert_eq!(Rating::ALL[FALSE], Rating::False);
        assert_eq!(Rating::ALL[UNVERIFIABLE], Rating::Unverifiable);
        assert_eq!(Rating::ALL[MISATTRIBUTED], Rating::Misattributed);
    }

    fn export(n: u64, seed: u64) -> Vec<u8> {
        let mut out = Vec::new();
        let stats = write_export(n, seed, &mut out).unwrap();
        assert_eq!(stats.entries, n);
        assert_eq!(stats.bytes, out.len() as u64);
        out
    }

    fn entries(bytes: &[u8]) -> Vec<Entry> {
        bytes
            .split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .map(|l| Entry::parse(l).unwrap())
            .collect()
    }

    #[test]
    fn verifies_and_imports() {
        let now = Timestamp::parse("2026-01-01T00:00:00Z").unwrap();
        for (n, seed) in [
            (1, 1),
            (2, 1),
            (3, 9),
            (5, 2),
            (10, 3),
            (37, 4),
            (500, 5),
            (5000, 6),
        ] {
            let bytes = export(n, seed);
            let report =
                isnad_core::jsonl::verify_jsonl(&mut bytes.as_slice(), &mut |_| {}).unwrap();
            assert_eq!(report.entries, n, "n={n}");
            let dir = tempfile::tempdir().unwrap();
            let ledger = Ledger::create(&dir.path().join("l")).unwrap();
            let r = ledger
                .import_jsonl(&mut bytes.as_slice(), now, &mut |_| {})
                .unwrap();
            assert_eq!(r.added, n, "n={n}");
            assert_eq!(ledger.verify(&mut |_| {}).unwrap().entries, n);
        }
    }

    #[test]
    fn other_mixes_degrade_to_claims() {
        let zero = Mix {
            claims: 0,
            verdicts: 0,
            relations: 0,
            amendments: 0,
            priors: 0,
        };
        assert!(write_export_with(10, 1, &zero, &mut Vec::new()).is_err());
        // Amendments only: claims appear where there is nothing to amend.
        let mix = Mix {
            amendments: 1,
            ..zero
        };
        let mut out = Vec::new();
        write_export_with(400, 2, &mix, &mut out).unwrap();
        let r = isnad_core::jsonl::verify_jsonl(&mut out.as_slice(), &mut |_| {}).unwrap();
        assert_eq!(r.entries, 400);
        let e = entries(&out);
        assert!(e.iter().any(|e| e.kind() == Kind::Amendment));
        assert!(e.iter().any(|e| e.kind() == Kind::Claim));
    }

    #[test]
    fn one_entry_is_the_genesis() {
        let e = entries(&export(1, 3));
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].kind(), Kind::Key);
        assert_eq!(e[0].time().to_string(), START);
        let e = entries(&export(6, 3));
        let kinds: Vec<Kind> = e.iter().map(|e| e.kind()).collect();
        assert_eq!(
            kinds[..5],
            [Kind::Key, Kind::Key, Kind::Key, Kind::Source, Kind::Claim]
        );
    }

    #[test]
    fn composition_of_a_large_ledger() {
        let n = 20_000;
        let bytes = export(n, 11);
        let report = isnad_core::jsonl::verify_jsonl(&mut bytes.as_slice(), &mut |_| {}).unwrap();
        assert_eq!(report.entries, n);
        let e = entries(&bytes);
        let mut kinds: BTreeMap<Kind, u64> = BTreeMap::new();
        let mut chain_lengths = [0u64; 5];
        let mut hops: BTreeMap<String, u64> = BTreeMap::new();
        let mut langs: BTreeMap<String, u64> = BTreeMap::new();
        let mut changes: BTreeMap<&str, u64> = BTreeMap::new();
        let mut supersedes = 0;
        let mut ratings: BTreeMap<&str, u64> = BTreeMap::new();
        let mut signers: BTreeMap<String, u64> = BTreeMap::new();
        let mut translated = 0;
        let mut anonymous_origin = 0;
        let mut published_on = 0;
        let mut affiliated = 0;
        let mut claims: HashMap<EntryHash, &ClaimBody> = HashMap::new();
        for (i, x) in e.iter().enumerate() {
            *kinds.entry(x.kind()).or_default() += 1;
            if i > 0 {
                assert!(x.time() >= e[i - 1].time());
            }
            match x.record() {
                Record::Claim(c) => {
                    claims.insert(x.hash(), c);
                    chain_lengths[c.chain.len()] += 1;
                    for h in &c.chain {
                        *hops.entry(h.source.to_string()).or_default() += 1;
                    }
                    *langs.entry(c.lang.clone()).or_default() += 1;
                    translated += u64::from(!c.translations.is_empty());
                    let len = c.text.chars().count();
                    assert!((MIN_CHARS..=MAX_CHARS).contains(&len), "{len}: {}", c.text);
                    for (j, h) in c.chain.iter().enumerate() {
                        if h.relation == HopRelation::Anonymous {
                            assert_eq!(j, c.chain.len() - 1, "unnamed only at the origin");
                            anonymous_origin += 1;
                        }
                        published_on += u64::from(h.relation == HopRelation::PublishedOn);
                    }
                    // Appeared before it was recorded, within days.
                    let d = &c.appeared.date[..10];
                    assert!(d <= &x.time().to_string()[..10]);
                }
                Record::Verdict(v) => {
                    supersedes += u64::from(v.supersedes.is_some());
                    *ratings.entry(v.rating.as_str()).or_default() += 1;
                    assert!((40..=100).contains(&v.confidence));
                    *signers.entry(x.signer().to_string()).or_default() += 1;
                }
                Record::Amendment(a) => {
                    *changes.entry(a.change.as_str()).or_default() += 1;
                    // A rebuilt claim differs from the original only where
                    // the amendment says.
                    match &a.change {
                        Change::CorrectClaim { claim } => {
                            let old = claims[&a.target];
                            assert_eq!((&old.chain, &old.lang), (&claim.chain, &claim.lang));
                            let diffs = [
                                old.text != claim.text,
                                old.translations != claim.translations,
                                old.appeared.date != claim.appeared.date,
                            ];
                            assert!(diffs.iter().any(|&d| d), "{}", a.reason);
                            assert_eq!(old.appeared.venue, claim.appeared.venue);
                        }
                        Change::Reattribute { chain } => {
                            let old = &claims[&a.target].chain;
                            assert_eq!(chain[0], old[0]);
                            assert!(chain.len() >= old.len());
                        }
                        _ => {}
                    }
                }
                Record::Source(s) => affiliated += u64::from(!s.affiliations.is_empty()),
                _ => {}
            }
        }
        let pct = |k: Kind| kinds.get(&k).copied().unwrap_or(0) as f64 * 100.0 / n as f64;
        let l = layout(n);
        assert_eq!(kinds[&Kind::Key], 10);
        assert_eq!(kinds[&Kind::Source], l.sources as u64);
        assert_eq!(kinds[&Kind::Key] + kinds[&Kind::Source], 200);
        assert!((58.0..62.0).contains(&pct(Kind::Claim)), "{kinds:?}");
        assert!((28.0..32.0).contains(&pct(Kind::Verdict)), "{kinds:?}");
        let ra = pct(Kind::Relation) + pct(Kind::Amendment);
        assert!((7.5..10.5).contains(&ra), "{kinds:?}");
        assert!(
            kinds.get(&Kind::Prior).copied().unwrap_or(0) > 0,
            "{kinds:?}"
        );
        // Every change type, chain length, rating and checker occurs.
        for c in ["retract", "reattribute", "correct-claim", "correct-source"] {
            assert!(changes.get(c).copied().unwrap_or(0) > 0, "{changes:?}");
        }
        assert!(
            chain_lengths[1..].iter().all(|&c| c > 0),
            "{chain_lengths:?}"
        );
        assert_eq!(chain_lengths[0], 0);
        assert_eq!(ratings.len(), 7, "{ratings:?}");
        assert_eq!(signers.len(), CHECKERS, "{signers:?}");
        assert!(supersedes > 0);
        assert!(anonymous_origin > 0 && published_on > 0 && affiliated > 0);
        // Zipf head: the commonest source far above the median one.
        let mut counts: Vec<u64> = hops.values().copied().collect();
        counts.sort_unstable();
        let top = counts[counts.len() - 1];
        let median = counts[counts.len() / 2];
        assert!(top > 20 * median.max(1), "top {top}, median {median}");
        // Both languages, about half each; most Arabic claims translated.
        let (ar, en) = (langs["ar"], langs["en"]);
        assert!(
            ar * 10 > (ar + en) * 4 && en * 10 > (ar + en) * 4,
            "{langs:?}"
        );
        assert!(translated * 10 > ar * 3, "{translated} of {ar}");
        println!("{kinds:?}\n{chain_lengths:?}\n{changes:?}\n{ratings:?}\n{langs:?}");
    }

    #[test]
    fn deterministic_and_seeded() {
        assert_eq!(export(300, 5), export(300, 5));
        assert_ne!(export(300, 5), export(300, 6));
        // A prefix of a longer ledger is not required (gaps scale with n),
        // but the keys are the seed's alone.
        let (a, b) = (keys(5).unwrap(), keys(5).unwrap());
        assert_eq!(a.admin.verifier(), b.admin.verifier());
        assert_ne!(
            keys(5).unwrap().admin.verifier(),
            keys(6).unwrap().admin.verifier()
        );
    }

    // The known answer: SHA-256 of the export for (n = 2000, seed = 7),
    // the bytes `isnad bench gen 2000 --seed 7` writes. Computed once with
    // this generator (`cargo test -p isnad-bench known_answer --
    // --nocapture` prints it; debug and release builds agree). Any change
    // to what is generated changes it: update it only on purpose, and say
    // so in the commit.
    #[test]
    fn known_answer() {
        let bytes = export(2000, 7);
        let hex: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        println!("sha256(n=2000, seed=7) = {hex}");
        assert_eq!(
            hex,
            "37f8f82353ce462046efe21f24b6de66b3918accc25c82793aa9ae61059aae27"
        );
    }

    #[test]
    fn clock_stays_in_the_past() {
        let limit = Timestamp::parse("2026-01-01T00:00:00Z").unwrap().unix();
        for n in [1_000_000u64, 10_000_000] {
            let mut c = Clock::new(n, 1);
            let mut last = 0;
            for _ in 0..n {
                let t = c.tick();
                assert!(t >= last);
                last = t;
            }
            assert!(last < limit, "n={n}: {}", Timestamp::from_unix(last));
            assert!(last > limit - 200 * 86_400, "n={n}: spread over the span");
        }
        // A small ledger's gaps average 15 minutes.
        let mut c = Clock::new(20_000, 1);
        let mut last = 0;
        for _ in 0..20_000 {
            last = c.tick();
        }
        let mean = (last - START_UNIX) / 20_000;
        assert!((850..950).contains(&mean), "{mean}");
    }

    #[test]
    fn civil_dates_match_timestamps() {
        for t in [
            START_UNIX - 86_400 * 3,
            START_UNIX,
            1_709_164_800, // 2024-02-29
            1_767_225_599,
            0,
        ] {
            assert_eq!(date(t), Timestamp::from_unix(t).to_string()[..10]);
        }
    }

    #[test]
    fn zipf_is_integer_and_skewed() {
        let z = Zipf::new(5000);
        assert_eq!(z.cum[0], 1 << 40);
        let mut rng = Rng::new(1);
        let mut hits = vec![0u32; 5000];
        for _ in 0..100_000 {
            hits[z.sample(&mut rng)] += 1;
        }
        // Rank 1 takes 1/H(5000) ≈ 11% of draws; rank 2 half of that.
        assert!((10_000..12_000).contains(&hits[0]), "{}", hits[0]);
        assert!((5_000..6_000).contains(&hits[1]), "{}", hits[1]);
    }

    #[test]
    fn figure_tails_speak_of_a_figure() {
        for (t, (en, _)) in TAILS.iter().enumerate() {
            let en = en.to_lowercase();
            let speaks = en.contains("the figure") || en.contains("the number");
            assert_eq!(speaks, FIGURE_TAILS.contains(&t), "{en}");
        }
    }

    #[test]
    fn slugs_are_valid_ids() {
        assert_eq!(slug("Ahmed al-Mansouri", 7), "ahmed-al-mansouri-7");
        assert_eq!(
            slug("Ministry of Health (Libya)", 12),
            "ministry-of-health-libya-12"
        );
        assert_eq!(slug("“”", 3), "source-3");
        let long = "x".repeat(100);
        assert!(SourceId::parse(&slug(&long, 4999), "s").is_ok());
    }

    // Generation speed: run with
    // `cargo test -p isnad-bench --release -- --ignored --nocapture rate`;
    // `ISNAD_GEN_N` sets the size (100,000 by default).
    #[test]
    #[ignore]
    fn rate() {
        let n = std::env::var("ISNAD_GEN_N")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(100_000);
        let t = std::time::Instant::now();
        let mut sink = std::io::sink();
        let stats = write_export(n, 1, &mut sink).unwrap();
        let s = t.elapsed().as_secs_f64();
        println!(
            "{n} entries, {} bytes in {s:.2} s: {:.0} entries/s, {:.1} MB/s",
            stats.bytes,
            n as f64 / s,
            stats.bytes as f64 / s / 1e6
        );
    }
}
