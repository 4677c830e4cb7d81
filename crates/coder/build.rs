//! Bundles the dictionaries in `dict/` into the library. A file that does not exist yet is
//! bundled as empty text, so the crate builds while the dictionaries are being written;
//! `Coder::bundled` then simply knows fewer actors.

use std::env;
use std::fs;
use std::path::PathBuf;

const FILES: &[(&str, &str)] = &[
    ("COUNTRIES", "countries.txt"),
    ("PEOPLE", "people.txt"),
    ("IGOS", "igos.txt"),
    ("GROUPS", "groups.txt"),
    ("AGENTS", "agents.txt"),
    ("VERBS", "verbs.txt"),
];

fn main() {
    let dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap()).join("dict");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut out = String::new();
    for (name, file) in FILES {
        let path = dir.join(file);
        println!("cargo:rerun-if-changed={}", path.display());
        if path.exists() {
            out.push_str(&format!(
                "pub const {name}: &str = include_str!({:?});\n",
                path.display().to_string()
            ));
        } else {
            out.push_str(&format!("pub const {name}: &str = \"\";\n"));
        }
    }
    let dest = PathBuf::from(env::var("OUT_DIR").unwrap()).join("bundled.rs");
    fs::write(dest, out).unwrap();
}
