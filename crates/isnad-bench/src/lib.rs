//! isnad's benchmark suite.
//!
//! - [`generate`]: a seeded, deterministic generator of realistic ledgers,
//!   written as an export that `isnad import jsonl` reads;
//! - [`limits`]: what this machine allows (signing, verification, hashing,
//!   sled inserts), measured in the same run as the results;
//! - [`run`]: the measurements of `isnad bench`, as one report.

#![forbid(unsafe_code)]

pub mod generate;
pub mod limits;
pub mod run;
