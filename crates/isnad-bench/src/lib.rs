//! isnad's benchmark suite.
//!
//! - [`gen`]: a seeded, deterministic generator of realistic ledgers,
//!   written as an export that `isnad import jsonl` reads;
//! - [`limits`]: what this machine allows (signing, verification, hashing,
//!   sled inserts), measured in the same run as the results;
//! - [`run`]: the measurements of `isnad bench`, as one report.

#![forbid(unsafe_code)]

pub mod gen;
pub mod limits;
pub mod run;
