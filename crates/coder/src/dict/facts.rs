//! Facts the engine reasons with (`dict/facts.txt`): which agents are armed or without a
//! state, where groups that cross borders fight, which codes are mutual or need a partner.
//!
//! ```text
//! agents non-state REB UAF SEP RAD     # agent codes grouped by what they are
//! non-state-prefix IMG                 # code prefixes of armed bodies without a country
//! theatre IRQREB SYR AFG LBY           # coded by the country the sentence places it in
//! roams UGAREB COD CAF SSD SDN         # coded by the country of its violence
//! force 15* 17* 18* 19* 20*           # a roaming group's events of force take the theatre
//! symmetric 040 041 044 046            # "X met Y" is also "Y met X"
//! partnered 04* 05* 06* 07* !055       # need a source and a target
//! apart 01* 02* 11*                    # "X, Y and Z condemned": together, not each other
//! ```

use super::lines::{fields, Line};
use super::rules::CodePat;
use crate::error::DictError;

/// A group and the countries it is coded by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theatres {
    pub group: Box<str>,
    pub countries: Vec<Box<str>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    /// Named groups of agent codes (`non-state`, `armed`).
    pub agents: Vec<(Box<str>, Vec<Box<str>>)>,
    pub non_state_prefixes: Vec<Box<str>>,
    /// Groups coded by the country the sentence places them in.
    pub theatres: Vec<Theatres>,
    /// Groups coded by the country the sentence places their violence in.
    pub roams: Vec<Theatres>,
    pub symmetric: Vec<CodePat>,
    /// Codes of force: a roaming group's events of these codes take the theatre.
    pub force: Vec<CodePat>,
    /// Codes that need a partner, and exceptions (`!055`).
    pub partnered: Vec<(CodePat, bool)>,
    /// Codes that three or more coordinated sources with no target do together: "France,
    /// Germany and Italy condemned the coup" is no condemnation of each other.
    pub apart: Vec<CodePat>,
}

impl Facts {
    /// The agent codes of a named group, empty when there is no such group.
    pub fn agents(&self, group: &str) -> &[Box<str>] {
        self.agents
            .iter()
            .find(|(g, _)| &**g == group)
            .map_or(&[], |(_, a)| a)
    }

    pub fn is_symmetric(&self, code: &str) -> bool {
        self.symmetric.iter().any(|p| p.matches(code))
    }

    pub fn is_apart(&self, code: &str) -> bool {
        self.apart.iter().any(|p| p.matches(code))
    }

    /// Whether an event of this code needs both a source and a target.
    pub fn needs_partner(&self, code: &str) -> bool {
        self.partnered
            .iter()
            .any(|(p, yes)| *yes && p.matches(code))
            && !self
                .partnered
                .iter()
                .any(|(p, yes)| !*yes && p.matches(code))
    }
}

fn upper(l: &Line, w: &str) -> Result<Box<str>, DictError> {
    if !w.is_empty()
        && w.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    {
        Ok(w.into())
    } else {
        Err(l.error(format!("{w:?}: codes are upper-case letters or digits")))
    }
}

/// Parses facts; a later `theatre`/`roams` line for a group, or `agents` line for a group
/// name, replaces an earlier one (a user's directory over the bundled one).
pub fn parse_facts(lines: &[Line]) -> Result<Facts, DictError> {
    let mut f = Facts::default();
    for l in lines {
        let Some((_, words)) = fields(l.text) else {
            continue;
        };
        let codes = |ws: &[&str]| -> Result<Vec<Box<str>>, DictError> {
            ws.iter().map(|w| upper(l, w)).collect()
        };
        match words[..] {
            ["agents", name, ref rest @ ..] if !rest.is_empty() => {
                let a = codes(rest)?;
                f.agents.retain(|(g, _)| &**g != name);
                f.agents.push((name.into(), a));
            }
            ["non-state-prefix", ref rest @ ..] => f.non_state_prefixes.extend(codes(rest)?),
            [kind @ ("theatre" | "roams"), group, ref rest @ ..] if !rest.is_empty() => {
                let t = Theatres {
                    group: upper(l, group)?,
                    countries: codes(rest)?,
                };
                let list = if kind == "theatre" {
                    &mut f.theatres
                } else {
                    &mut f.roams
                };
                list.retain(|x| x.group != t.group);
                list.push(t);
            }
            [kind @ ("symmetric" | "force" | "apart"), ref rest @ ..] => {
                let list = match kind {
                    "force" => &mut f.force,
                    "apart" => &mut f.apart,
                    _ => &mut f.symmetric,
                };
                for w in rest {
                    list.push(CodePat::parse(w).map_err(|m| l.error(m))?);
                }
            }
            ["partnered", ref rest @ ..] => {
                for w in rest {
                    let (yes, w) = match w.strip_prefix('!') {
                        Some(x) => (false, x),
                        None => (true, *w),
                    };
                    f.partnered
                        .push((CodePat::parse(w).map_err(|m| l.error(m))?, yes));
                }
            }
            _ => return Err(l.error(
                "expected agents, non-state-prefix, theatre, roams, force, symmetric, partnered or apart",
            )),
        }
    }
    Ok(f)
}
