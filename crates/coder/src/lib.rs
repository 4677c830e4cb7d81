//! dragoman-coder (being written).
