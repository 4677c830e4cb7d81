//! The sections of the configuration that belong to extract: `[extract]` and `[coder]`
//! (`config/default.toml` documents each key; their defaults are these).

use serde::Deserialize;

/// `[extract]`: the content cache of the extract stage.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExtractSection {
    /// Articles whose identical cleaned text was already coded reuse the result (LRU entries).
    pub cache_size: usize,
}

impl Default for ExtractSection {
    fn default() -> Self {
        ExtractSection { cache_size: 10_000 }
    }
}

/// `[coder]`: which dictionaries the coder loads (extract, `dragoman run`, `dragoman code`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CoderSection {
    /// A dictionary directory laid over the bundled dictionaries (or a PETRARCH-2 directory);
    /// empty means the bundled ones alone.
    pub dictionaries: String,
}
