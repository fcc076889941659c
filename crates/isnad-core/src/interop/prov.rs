//! W3C PROV-JSON export of the attribution graph.
