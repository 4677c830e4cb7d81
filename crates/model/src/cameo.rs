//! The CAMEO event code table: the project's own copy of the codebook's codes with their
//! Goldstein weights, quad classes and PLOVER types (`data/cameo-codes.tsv`, source line at its top).

use std::collections::HashMap;
use std::sync::OnceLock;

const CODES_TSV: &str = include_str!("../data/cameo-codes.tsv");

/// The four ICEWS/Phoenix quad classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum QuadClass {
    VerbalCooperation = 1,
    MaterialCooperation = 2,
    VerbalConflict = 3,
    MaterialConflict = 4,
}

impl QuadClass {
    pub fn from_number(n: u8) -> Option<Self> {
        match n {
            1 => Some(Self::VerbalCooperation),
            2 => Some(Self::MaterialCooperation),
            3 => Some(Self::VerbalConflict),
            4 => Some(Self::MaterialConflict),
            _ => None,
        }
    }

    pub fn number(self) -> u8 {
        self as u8
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::VerbalCooperation => "verbal_cooperation",
            Self::MaterialCooperation => "material_cooperation",
            Self::VerbalConflict => "verbal_conflict",
            Self::MaterialConflict => "material_conflict",
        }
    }
}

/// One CAMEO event code.
#[derive(Debug, Clone, PartialEq)]
pub struct CameoCode {
    /// The code with its leading zero: "057", "0874".
    pub code: &'static str,
    pub root_code: &'static str,
    pub name: &'static str,
    pub goldstein: f32,
    pub quad_class: QuadClass,
    /// PLOVER event type; `None` for roots 01 and 02, which PLOVER drops.
    pub plover: Option<&'static str>,
}

impl CameoCode {
    /// The three-digit base code ("0874" -> "087"; "05" -> "05").
    pub fn base_code(&self) -> &'static str {
        &self.code[..self.code.len().min(3)]
    }
}

/// All CAMEO codes, indexed by code string.
#[derive(Debug)]
pub struct CameoTable {
    codes: Vec<CameoCode>,
    index: HashMap<&'static str, usize>,
}

impl CameoTable {
    /// The table compiled into the binary, parsed once.
    pub fn global() -> &'static CameoTable {
        static TABLE: OnceLock<CameoTable> = OnceLock::new();
        TABLE.get_or_init(|| CameoTable::parse(CODES_TSV).expect("bundled CAMEO table is valid"))
    }

    fn parse(tsv: &'static str) -> Result<Self, String> {
        let mut codes = Vec::new();
        for (n, line) in tsv.lines().enumerate() {
            if line.starts_with('#') || line.starts_with("code\t") || line.trim().is_empty() {
                continue;
            }
            let f: Vec<&'static str> = line.split('\t').collect();
            if f.len() < 6 {
                return Err(format!(
                    "cameo-codes.tsv line {}: expected 6 columns",
                    n + 1
                ));
            }
            let goldstein = f[3]
                .parse()
                .map_err(|_| format!("cameo-codes.tsv line {}: bad goldstein", n + 1))?;
            let quad_class = f[4]
                .parse::<u8>()
                .ok()
                .and_then(QuadClass::from_number)
                .ok_or_else(|| format!("cameo-codes.tsv line {}: bad quad class", n + 1))?;
            codes.push(CameoCode {
                code: f[0],
                root_code: f[1],
                name: f[2],
                goldstein,
                quad_class,
                plover: (!f[5].is_empty()).then_some(f[5]),
            });
        }
        let index = codes.iter().enumerate().map(|(i, c)| (c.code, i)).collect();
        Ok(Self { codes, index })
    }

    pub fn get(&self, code: &str) -> Option<&CameoCode> {
        self.index.get(code).map(|&i| &self.codes[i])
    }

    pub fn contains(&self, code: &str) -> bool {
        self.index.contains_key(code)
    }

    pub fn iter(&self) -> impl Iterator<Item = &CameoCode> {
        self.codes.iter()
    }

    pub fn len(&self) -> usize {
        self.codes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// The 20 root codes, "01" to "20".
    pub fn roots(&self) -> impl Iterator<Item = &CameoCode> {
        self.codes.iter().filter(|c| c.code.len() == 2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_has_every_root_and_keeps_leading_zeros() {
        let t = CameoTable::global();
        assert_eq!(t.roots().count(), 20);
        assert_eq!(t.len(), 312);
        let c = t.get("057").expect("057 exists");
        assert_eq!(c.root_code, "05");
        assert_eq!(c.quad_class, QuadClass::VerbalCooperation);
        assert_eq!(c.plover, Some("SUPPORT"));
        assert!((c.goldstein - 8.0).abs() < 1e-6);
        assert!(t.get("57").is_none());
    }

    #[test]
    fn base_code_of_four_digit_code() {
        let t = CameoTable::global();
        assert_eq!(t.get("0874").unwrap().base_code(), "087");
        assert_eq!(t.get("19").unwrap().base_code(), "19");
        assert!(t.get("010").unwrap().plover.is_none());
    }
}
