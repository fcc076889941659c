//! Bounds on what an entry may hold. Every bound is checked before anything
//! of the size the input asks for is allocated or stored.

/// Largest entry line (leaf bytes), in bytes.
pub const MAX_ENTRY_BYTES: usize = 1024 * 1024;
/// Longest text field (claim text, quote, translation, rationale, reason).
pub const MAX_TEXT: usize = 64 * 1024;
/// Longest name-like field (names, descriptions, venues, holders).
pub const MAX_NAME: usize = 1024;
/// Longest URL or evidence item.
pub const MAX_URL: usize = 2048;
/// Most hops in an attribution chain.
pub const MAX_CHAIN: usize = 16;
/// Most translations of a claim.
pub const MAX_TRANSLATIONS: usize = 16;
/// Most evidence items in a verdict.
pub const MAX_EVIDENCE: usize = 32;
/// Most affiliations of a source.
pub const MAX_AFFILIATIONS: usize = 32;
/// How far in the future an entry's time may be when it is appended.
pub const MAX_CLOCK_SKEW_SECS: i64 = 300;
