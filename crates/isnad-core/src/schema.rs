//! JSON Schemas generated from the record types (placeholder).
