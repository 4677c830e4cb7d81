//! dragoman-loadgen (being written).
