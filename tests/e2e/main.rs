//! The tests of isnad beyond each crate's own unit tests, in one test
//! binary: the `isnad` binary run as a process (every command, bad input,
//! keys, transparency, tiles, `serve`, concurrency, interoperability), and
//! the library held to known answers, tampering, a model, fuzzing, its
//! limits and its schemas.
//!
//! One module per subject. The tests that need a process of their own are
//! separate binaries: `crash` (kills calibrated against an unloaded machine),
//! `faults` (mounts file systems) and `browser` (drives Chromium).
//!
//! These tests belong to the `isnad-cli` package, so Cargo builds the
//! `isnad` binary before they run (`CARGO_BIN_EXE_isnad`); their files live
//! under the repository's top-level `tests/`.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "test code: a failed expectation is the test failing"
)]

#[path = "../common/mod.rs"]
mod common;

mod bench;
mod claimreview;
mod cli;
mod cli_bad_input;
mod concurrency;
mod fuzz;
mod interop;
mod interop_prov;
mod keys;
mod limits;
mod migrate;
mod model;
mod orgs;
mod readme;
mod schemas;
mod scoring;
mod scoring_v2;
mod search;
mod serve;
mod tamper;
mod tiles;
mod transparency;
mod vectors;
mod witness;
mod witnessed_log;
