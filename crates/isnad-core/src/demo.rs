//! The worked example (placeholder until the fixture lands).
