//! Loader for PETRARCH-2 dictionaries (being written).

use std::path::Path;

use super::Dictionaries;
use crate::error::DictError;

pub fn load(dir: &Path) -> Result<Dictionaries, DictError> {
    Err(DictError::Empty { dir: dir.to_path_buf(), expected: "CAMEO.2.0.txt".into() })
}
