//! End-to-end tests of `isnad` live in `tests/`; this crate has no library code.
