//! Speaking other tools' formats: schema.org ClaimReview (what
//! fact-checkers publish and aggregators read) and W3C PROV (what
//! provenance tools and archives read).
//!
//! Each direction is lossy in its own way; `docs/INTEROP.md` maps every
//! field and says what is lost and why.

pub mod claimreview;
pub mod import;
mod jsonld;
pub mod prov;
pub mod rating;
pub mod read;
