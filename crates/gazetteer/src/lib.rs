//! dragoman-gazetteer (being written).
