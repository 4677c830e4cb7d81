//! dragoman-ingest (being written).
