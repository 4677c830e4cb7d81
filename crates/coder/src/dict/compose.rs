//! The control-verb composition table (`dict/compose.txt`): the code of an action under a
//! control verb, "plans to visit" 042 -> 036.
//!
//! ```text
//! intent 04* 036        # FAMILY CODE RESULT: CODE a code or a prefix, RESULT a code,
//! intent 01* =          # `=` the action's own code, `-` none,
//! appeal 03* parallel   # `parallel` the 02x/10x/12x code parallel to an intention 03x
//! ```
//!
//! The first line of the family whose code matches decides; no line, no code.

use dragoman_model::CameoTable;

use super::lines::{fields, Line};
use super::rules::CodePat;
use super::verbs::Family;
use crate::error::DictError;

/// What a line makes of the action's code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Result {
    Code(&'static str),
    Same,
    None,
    Parallel,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComposeLine {
    pub family: Family,
    pub code: CodePat,
    pub result: Result,
}

/// The table, in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ComposeTable {
    pub lines: Vec<ComposeLine>,
}

impl ComposeTable {
    /// The code of `code` under a control verb of family `f`, `None` when CAMEO has none.
    pub fn compose(&self, f: Family, code: &'static str) -> Option<&'static str> {
        let line = self
            .lines
            .iter()
            .find(|l| l.family == f && l.code.matches(code))?;
        match line.result {
            Result::Code(c) => Some(c),
            Result::Same => Some(code),
            Result::None => None,
            Result::Parallel => Some(parallel_of_intent(f, code)),
        }
    }
}

pub fn parse_compose(lines: &[Line]) -> std::result::Result<ComposeTable, DictError> {
    let table = CameoTable::global();
    let mut out = ComposeTable::default();
    for l in lines {
        let Some((_, words)) = fields(l.text) else {
            continue;
        };
        let [family, code, result] = words[..] else {
            return Err(l.error("expected FAMILY CODE RESULT"));
        };
        let family =
            Family::parse(family).ok_or_else(|| l.error(format!("unknown family {family:?}")))?;
        let code = CodePat::parse(code).map_err(|m| l.error(m))?;
        let result = match result {
            "=" => Result::Same,
            "-" => Result::None,
            "parallel" => Result::Parallel,
            c => Result::Code(
                table
                    .get(c)
                    .map(|c| c.code)
                    .ok_or_else(|| l.error(format!("{c:?} is not a CAMEO event code")))?,
            ),
        };
        out.lines.push(ComposeLine {
            family,
            code,
            result,
        });
    }
    Ok(out)
}

/// The appeal (02x), demand (10x) or rejection (12x) that parallels an intent code (03x).
fn parallel_of_intent(f: Family, code: &'static str) -> &'static str {
    let table = CameoTable::global();
    let known = |c: &str| table.get(c).map(|c| c.code);
    let tail = &code[2..];
    match f {
        Family::Reject => {
            // 121 material cooperation, 122 aid, 123 reform, 124 yield, 125 meet,
            // 126 mediation, 127 settlement.
            let (base, keep_sub) = match tail.as_bytes().first() {
                Some(b'1') => ("121", true),
                Some(b'3') => ("122", true),
                Some(b'4') => ("123", true),
                Some(b'5') => ("124", true),
                Some(b'6') => ("125", false),
                Some(b'7') => ("127", false),
                Some(b'8') => ("126", false),
                _ => ("120", false),
            };
            if keep_sub && tail.len() == 2 {
                if let Some(c) = known(&format!("{base}{}", &tail[1..])) {
                    return c;
                }
            }
            base
        }
        _ => {
            let prefix = if f == Family::Demand { "10" } else { "02" };
            known(&format!("{prefix}{tail}"))
                .or_else(|| known(&format!("{prefix}{}", &tail[..1])))
                .unwrap_or(if f == Family::Demand { "100" } else { "020" })
        }
    }
}

/// The bundled table, for [`crate::compose_code`].
pub fn bundled() -> &'static ComposeTable {
    static TABLE: std::sync::OnceLock<ComposeTable> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let name = super::FILES[super::F::Compose as usize];
        parse_compose(&super::lines::lines_of(name, super::bundled_text(name)))
            .expect("bundled compose.txt parses")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compose_code(f: Family, code: &'static str) -> Option<&'static str> {
        bundled().compose(f, code)
    }

    #[test]
    fn intentions_under_control_verbs_take_the_parallel_code() {
        assert_eq!(compose_code(Family::Appeal, "037"), Some("027"));
        assert_eq!(compose_code(Family::Appeal, "0311"), Some("0211"));
        assert_eq!(compose_code(Family::Demand, "038"), Some("108"));
        assert_eq!(compose_code(Family::Reject, "0331"), Some("1221"));
        assert_eq!(compose_code(Family::Reject, "036"), Some("125"));
    }

    #[test]
    fn control_verbs_compose_codes() {
        assert_eq!(compose_code(Family::Intent, "042"), Some("036"));
        assert_eq!(compose_code(Family::Intent, "046"), Some("036"));
        assert_eq!(compose_code(Family::Intent, "0841"), Some("0353"));
        assert_eq!(compose_code(Family::Appeal, "0841"), Some("0253"));
        assert_eq!(compose_code(Family::Demand, "0874"), Some("1056"));
        assert_eq!(compose_code(Family::Reject, "0874"), Some("1246"));
        assert_eq!(compose_code(Family::Threaten, "190"), Some("1384"));
        assert_eq!(compose_code(Family::Threaten, "163"), Some("1312"));
        assert_eq!(compose_code(Family::Intent, "073"), Some("0333"));
        assert_eq!(compose_code(Family::Intent, "111"), Some("111"));
        assert_eq!(compose_code(Family::Appeal, "190"), None);
    }
}
