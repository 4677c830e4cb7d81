//! dragoman-runtime (being written).
