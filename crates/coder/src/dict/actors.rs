//! The actor dictionaries in the project's own format: TSV, `#` comments, `|` between
//! alternatives (see the crate README for the five files and their columns).

use chrono::NaiveDate;

use super::lines::Line;
use crate::error::DictError;

/// How a phrase names an actor; decides how it composes with its neighbours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActorKind {
    /// "Libya": the country.
    Country,
    /// "Libyan": premodifies an agent ("Libyan rebels") or stands for the country.
    Adjective,
    /// "Libyans": the people of the country.
    Demonym,
    /// "Moscow": the capital acting for its country, and a place.
    Capital,
    /// "Kremlin", "White House": a seat of government, the government (`RUSGOV`).
    Metonym,
    /// A person in a dated office: `RUSGOV` while in office.
    Person,
    /// An international body: `IGOUNO`.
    Igo,
    /// A non-state group, party, NGO or outlet.
    Group,
    /// A role or institution: `GOV`, `MIL`, `LEG`, `HLH`.
    Agent,
}

/// One dictionary entry; several phrases may point to it.
#[derive(Debug, Clone, PartialEq)]
pub struct ActorEntry {
    pub kind: ActorKind,
    /// The CAMEO code: country (`RUS`), full actor (`RUSGOV`, `IGOUNO`) or agent (`GOV`).
    pub code: Box<str>,
    /// A readable name: the first name listed.
    pub name: Box<str>,
    /// Office dates of a person; `None` means open.
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
}

impl ActorEntry {
    /// Whether a dated entry holds on `date`.
    pub fn valid_on(&self, date: NaiveDate) -> bool {
        self.start.is_none_or(|s| s <= date) && self.end.is_none_or(|e| date <= e)
    }
}

/// Entries and the phrases that name them, before compilation into an automaton.
#[derive(Debug, Default, Clone)]
pub struct ActorDict {
    pub entries: Vec<ActorEntry>,
    /// (phrase as written, entry index).
    pub phrases: Vec<(Box<str>, u32)>,
}

impl ActorDict {
    pub fn add(&mut self, entry: ActorEntry, phrases: impl IntoIterator<Item = impl AsRef<str>>) {
        let id = self.entries.len() as u32;
        self.entries.push(entry);
        for p in phrases {
            let p = p.as_ref().trim();
            if !p.is_empty() {
                self.phrases.push((p.into(), id));
            }
        }
    }

    pub fn extend(&mut self, other: ActorDict) {
        let base = self.entries.len() as u32;
        self.entries.extend(other.entries);
        self.phrases
            .extend(other.phrases.into_iter().map(|(p, i)| (p, i + base)));
    }
}

/// The entry lines of a TSV file: (file, line, columns), comments and blank lines left out.
fn rows<'a>(lines: &'a [Line<'a>]) -> impl Iterator<Item = (&'a str, usize, Vec<&'a str>)> {
    lines.iter().filter_map(|l| {
        let t = l.text;
        if t.trim().is_empty() || t.trim_start().starts_with('#') {
            None
        } else {
            Some((l.file, l.line, t.split('\t').collect()))
        }
    })
}

fn alternatives(field: &str) -> impl Iterator<Item = &str> {
    field.split('|').map(str::trim).filter(|s| !s.is_empty())
}

fn check_code(file: &str, line: usize, code: &str, what: &str) -> Result<(), DictError> {
    let ok = !code.is_empty()
        && code.len() <= 15
        && code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(DictError::parse(
            file,
            line,
            format!("{what} code {code:?} must be upper-case letters or digits"),
        ))
    }
}

/// `code<TAB>names<TAB>adjectives<TAB>demonyms<TAB>capitals<TAB>metonyms`.
pub fn parse_countries(lines: &[Line], dict: &mut ActorDict) -> Result<(), DictError> {
    for (file, n, f) in rows(lines) {
        if f.len() < 2 {
            return Err(DictError::parse(
                file,
                n,
                "expected at least code and names",
            ));
        }
        let code = f[0].trim();
        check_code(file, n, code, "country")?;
        let name = alternatives(f[1])
            .next()
            .ok_or_else(|| DictError::parse(file, n, "a country needs a name"))?;
        let entry = |kind, code: &str| ActorEntry {
            kind,
            code: code.into(),
            name: name.into(),
            start: None,
            end: None,
        };
        dict.add(entry(ActorKind::Country, code), alternatives(f[1]));
        let field = |i: usize| f.get(i).copied().unwrap_or("");
        dict.add(entry(ActorKind::Adjective, code), alternatives(field(2)));
        dict.add(entry(ActorKind::Demonym, code), alternatives(field(3)));
        dict.add(entry(ActorKind::Capital, code), alternatives(field(4)));
        let gov = format!("{code}GOV");
        dict.add(entry(ActorKind::Metonym, &gov), alternatives(field(5)));
    }
    Ok(())
}

fn date(file: &str, line: usize, s: &str) -> Result<Option<NaiveDate>, DictError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| DictError::parse(file, line, format!("bad date {s:?}, expected YYYY-MM-DD")))
}

/// `code<TAB>start<TAB>end<TAB>role<TAB>names`.
pub fn parse_people(lines: &[Line], dict: &mut ActorDict) -> Result<(), DictError> {
    const ROLES: &[&str] = &[
        "head_of_state",
        "head_of_government",
        "foreign_minister",
        "defense_minister",
        "other",
    ];
    for (file, n, f) in rows(lines) {
        if f.len() < 5 {
            return Err(DictError::parse(
                file,
                n,
                "expected code, start, end, role, names",
            ));
        }
        let code = f[0].trim();
        check_code(file, n, code, "actor")?;
        let (start, end) = (date(file, n, f[1])?, date(file, n, f[2])?);
        if let (Some(s), Some(e)) = (start, end) {
            if e < s {
                return Err(DictError::parse(file, n, "end date before start date"));
            }
        }
        if !ROLES.contains(&f[3].trim()) {
            return Err(DictError::parse(
                file,
                n,
                format!(
                    "unknown role {:?}, expected one of {}",
                    f[3],
                    ROLES.join(", ")
                ),
            ));
        }
        let name = alternatives(f[4])
            .next()
            .ok_or_else(|| DictError::parse(file, n, "a person needs a name"))?;
        dict.add(
            ActorEntry {
                kind: ActorKind::Person,
                code: code.into(),
                name: name.into(),
                start,
                end,
            },
            alternatives(f[4]),
        );
    }
    Ok(())
}

/// `code<TAB>names` (IGOs and groups), or `agent<TAB>phrases` (agents).
pub fn parse_coded_names(
    lines: &[Line],
    kind: ActorKind,
    dict: &mut ActorDict,
) -> Result<(), DictError> {
    for (file, n, f) in rows(lines) {
        if f.len() < 2 {
            return Err(DictError::parse(file, n, "expected code<TAB>names"));
        }
        let code = f[0].trim();
        check_code(file, n, code, "actor")?;
        if kind == ActorKind::Agent && code.len() != 3 {
            return Err(DictError::parse(
                file,
                n,
                format!("agent code {code:?} must have 3 letters"),
            ));
        }
        let name = alternatives(f[1])
            .next()
            .ok_or_else(|| DictError::parse(file, n, "no names"))?;
        dict.add(
            ActorEntry {
                kind,
                code: code.into(),
                name: name.into(),
                start: None,
                end: None,
            },
            alternatives(f[1]),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dict::lines::lines_of;

    #[test]
    fn countries_give_names_adjectives_capitals_and_seats() {
        let mut d = ActorDict::default();
        parse_countries(
            &lines_of(
                "countries.txt",
                "# c\nRUS\tRussia|Russian Federation\tRussian\tRussians\tMoscow\tKremlin\n",
            ),
            &mut d,
        )
        .unwrap();
        let find = |p: &str| {
            let (_, i) = d.phrases.iter().find(|(q, _)| &**q == p).unwrap();
            &d.entries[*i as usize]
        };
        assert_eq!(find("Russian Federation").kind, ActorKind::Country);
        assert_eq!(find("Moscow").kind, ActorKind::Capital);
        assert_eq!(&*find("Kremlin").code, "RUSGOV");
        assert_eq!(&*find("Russians").name, "Russia");
    }

    #[test]
    fn errors_name_file_and_line() {
        let mut d = ActorDict::default();
        let e = parse_people(
            &lines_of(
                "people.txt",
                "# x\n\nRUSGOV\t2004-13-09\t\tforeign_minister\tLavrov\n",
            ),
            &mut d,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "people.txt:3: bad date \"2004-13-09\", expected YYYY-MM-DD"
        );
        let e = parse_coded_names(
            &lines_of("agents.txt", "GOVERNMENT\tgov\n"),
            ActorKind::Agent,
            &mut d,
        )
        .unwrap_err();
        assert!(e.to_string().starts_with("agents.txt:1:"), "{e}");
    }

    #[test]
    fn people_are_valid_within_their_dates() {
        let mut d = ActorDict::default();
        parse_people(
            &lines_of(
                "p",
                "RUSGOV\t2004-03-09\t\tforeign_minister\tSergei Lavrov|Lavrov\n",
            ),
            &mut d,
        )
        .unwrap();
        let e = &d.entries[0];
        assert!(e.valid_on(NaiveDate::from_ymd_opt(2019, 3, 25).unwrap()));
        assert!(!e.valid_on(NaiveDate::from_ymd_opt(2003, 1, 1).unwrap()));
        assert_eq!(d.phrases.len(), 2);
    }
}
