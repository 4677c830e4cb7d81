//! dragoman-dedup (being written).
