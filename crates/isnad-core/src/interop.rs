//! Speaking other tools' formats: schema.org ClaimReview (what
//! fact-checkers publish and aggregators read) and W3C PROV (what
//! provenance tools and archives read).
//!
//! - out: [`claimreview::export`] (one review per verdict that stands) and
//!   [`prov::export`] (the attribution graph);
//! - in: [`read::read`] finds the reviews in published markup,
//!   [`import::prepare`] builds and checks their records, and
//!   [`import::apply`] appends them, all or none, signed by the importing
//!   fact-checker's key.
//!
//! Each direction is lossy in its own way; `docs/INTEROP.md` maps every
//! field and says what is lost and why.
//!
//! ```
//! use isnad_core::interop::{import, read};
//! use isnad_core::record::{KeyBody, Rating, Role};
//! use isnad_core::{KeyPair, Record, Timestamp};
//!
//! # fn main() -> Result<(), isnad_core::Error> {
//! // A review as a fact-checker's page publishes it: no @context, the
//! // rating in Spanish, an entity in the text.
//! let markup = r#"{
//!   "@type": "ClaimReview",
//!   "url": "https://checks.example/2025/officers",
//!   "claimReviewed": "Haftar&#39;s officers train in Russia",
//!   "datePublished": "2025-02-20",
//!   "author": {"@type": "Organization", "name": "Checks"},
//!   "reviewRating": {"@type": "Rating", "alternateName": "Engañoso"},
//!   "itemReviewed": {"@type": "Claim",
//!     "author": {"@type": "NewsMediaOrganization", "name": "Fawasel Media"}}
//! }"#;
//! let reading = read::read(markup, &read::ReadOptions::default())?;
//! assert!(reading.problems.is_empty());
//! let review = &reading.reviews[0];
//! assert_eq!(review.claims, ["Haftar's officers train in Russia"]);
//! assert_eq!(review.rating.rating, Rating::MostlyFalse);
//!
//! // Into a ledger, signed by an enrolled fact-checker.
//! let dir = tempfile::tempdir().expect("a temporary directory");
//! let now = Timestamp::parse("2025-03-01T00:00:00Z")?;
//! let admin = KeyPair::from_seed("admin", &[1; 32])?;
//! let checker = KeyPair::from_seed("checker", &[2; 32])?;
//! let ledger = isnad_core::init(dir.path(), &admin, now)?;
//! let enrol = KeyBody {
//!     key: checker.verifier().to_string(),
//!     roles: vec![Role::FactChecker],
//!     holder: Some("Import desk".into()),
//!     replaces: None,
//!     org: None,
//! };
//! ledger.append(&admin, Record::Key(enrol), now)?;
//! let (prepared, unfit) = import::prepare(&reading.reviews, &import::ImportOptions::default());
//! assert!(unfit.is_empty());
//! let report = import::apply(&ledger, &checker, &prepared, now)?;
//! assert_eq!((report.sources, report.claims, report.verdicts), (1, 1, 1));
//! // The same again adds nothing.
//! assert_eq!(import::apply(&ledger, &checker, &prepared, now)?.added(), 0);
//!
//! // And out again, as the review isnad publishes.
//! let out = isnad_core::interop::claimreview::export(&ledger, &Default::default())?;
//! assert_eq!(out[0].review_rating.alternate_name, "Mostly false");
//! assert_eq!(out[0].item_reviewed.author.name, "Fawasel Media");
//! # Ok(())
//! # }
//! ```

pub mod claimreview;
pub mod import;
mod jsonld;
pub mod prov;
pub mod rating;
pub mod read;
pub mod stream;
