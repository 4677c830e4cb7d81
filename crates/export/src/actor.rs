//! A CAMEO actor code split into GDELT's actor columns: country, known group, ethnic group,
//! two religions and three types (roles).
//!
//! A CAMEO actor code is a run of three-letter parts: `RUSGOV` is Russia + government,
//! `PSEREBHMS` Palestine + rebels + Hamas, `IGOEUREEC` an IGO + Europe + the European Union,
//! `IMGMUSALQ` an international militarized group + Muslim + al-Qaeda. GDELT gives each part
//! its column by the CAMEO table it belongs to; so does [`split`], with the tables below:
//! the country codes (ISO 3166 alpha-3 as CAMEO writes them, its region codes and the few
//! codes of its own), the religion codes and the type codes of the CAMEO codebook, and the
//! ethnic codes dragoman's dictionaries use. A part in none of them is a known group (`HMS`,
//! `EEC`, `UNO`, `ALQ`): known groups are the organisations CAMEO gives a code of their own,
//! and the list is long and grows with the dictionaries, so it is what is left rather than
//! a table to keep in step.

use crate::countries;

/// CAMEO's region codes, written in the country column as GDELT does (`IGOEUREEC` has the
/// country code `EUR`).
const REGIONS: &[&str] = &[
    "AFR", "ASA", "BLK", "CAS", "CAU", "CEU", "CFR", "CRB", "EAF", "EEU", "EIN", "EUR", "LAM",
    "MDT", "MEA", "NAF", "NMR", "PGS", "SAF", "SAM", "SAS", "SCN", "SEA", "WAF", "WEU", "WST",
];

/// Country codes CAMEO has that ISO 3166 alpha-3 does not (Kosovo) or no longer has.
const CAMEO_COUNTRIES: &[&str] = &["KSV", "DDR", "TMP", "YUG"];

/// CAMEO religion codes; `MUS` and `REL` (religious, unspecified) as dragoman's and the
/// Phoenix dictionaries write them.
const RELIGIONS: &[&str] = &[
    "ADR", "ALE", "ATH", "BAH", "BUD", "CHR", "CON", "CPT", "CTH", "DOX", "DRZ", "HIN", "HSD",
    "ITR", "JAN", "JEW", "JHW", "LDS", "MOS", "MRN", "MUS", "NRM", "PAG", "PRO", "REL", "SFI",
    "SHI", "SHN", "SIK", "SUN", "TAO", "UDX", "ZRO",
];

/// CAMEO type (role) codes: the state's agents, the sectors of society, and the kinds of
/// international and transnational actor.
const TYPES: &[&str] = &[
    "COP", "GOV", "INS", "JUD", "MIL", "OPP", "PTY", "REB", "SEP", "SPY", "UAF", "AGR", "BUS",
    "CRM", "CVL", "DEV", "EDU", "ELI", "ENV", "HLH", "HRI", "LAB", "LEG", "MED", "REF", "MOD",
    "RAD", "SET", "UIS", "IGO", "IMG", "INT", "MNC", "NGM", "NGO",
];

/// CAMEO ethnic codes that dragoman's dictionaries use.
const ETHNIC: &[&str] = &["ARB", "KUR", "TAM", "TIB", "UIG"];

/// The columns of one actor, as GDELT's Actor1*/Actor2* columns hold them (empty when absent).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActorColumns<'a> {
    pub country: Option<&'a str>,
    pub known_group: Option<&'a str>,
    pub ethnic: Option<&'a str>,
    pub religion: [Option<&'a str>; 2],
    pub types: [Option<&'a str>; 3],
}

/// What kind of part a three-letter code is, by the table it is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Country,
    Religion,
    Type,
    Ethnic,
    KnownGroup,
}

/// The table a part belongs to. Religions and types win over countries: `SUN` is Sunni, not
/// the Soviet Union's old ISO code, and `BAH` is Bahá'í.
pub fn classify(part: &str) -> Part {
    if RELIGIONS.contains(&part) {
        Part::Religion
    } else if TYPES.contains(&part) {
        Part::Type
    } else if ETHNIC.contains(&part) {
        Part::Ethnic
    } else if is_country(part) {
        Part::Country
    } else {
        Part::KnownGroup
    }
}

/// Whether `code` is a CAMEO country or region code.
pub fn is_country(code: &str) -> bool {
    REGIONS.contains(&code) || CAMEO_COUNTRIES.contains(&code) || countries::by_iso3(code).is_some()
}

/// Splits an actor code into GDELT's columns. Each column takes the first parts of its kind
/// (religion two, types three); a country after the first, or a known group after the first,
/// has no column of its own and stays only in the full code, as in GDELT. A trailing part
/// shorter than three letters is ignored.
pub fn split(code: &str) -> ActorColumns<'_> {
    let mut cols = ActorColumns::default();
    let parts = (0..code.len() / 3).filter_map(|i| code.get(i * 3..i * 3 + 3));
    for part in parts {
        let slot = match classify(part) {
            Part::Country => &mut cols.country,
            Part::KnownGroup => &mut cols.known_group,
            Part::Ethnic => &mut cols.ethnic,
            Part::Religion => first_empty(&mut cols.religion),
            Part::Type => first_empty(&mut cols.types),
        };
        if slot.is_none() {
            *slot = Some(part);
        }
    }
    cols
}

/// The first empty slot, or the last (already filled, so left alone) when all are taken.
fn first_empty<'s, 'a, const N: usize>(
    slots: &'s mut [Option<&'a str>; N],
) -> &'s mut Option<&'a str> {
    let i = slots.iter().position(Option::is_none).unwrap_or(N - 1);
    &mut slots[i]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_country_with_agents_fills_country_and_types() {
        let c = split("RUSGOV");
        assert_eq!(c.country, Some("RUS"));
        assert_eq!(c.types, [Some("GOV"), None, None]);
        assert_eq!(c.known_group, None);
        let c = split("USAGOVMILLEG");
        assert_eq!(c.types, [Some("GOV"), Some("MIL"), Some("LEG")]);
    }

    #[test]
    fn agents_alone_have_no_country_as_in_gdelt() {
        // GDELT rows: "GOVMED" -> Type1 GOV, Type2 MED, no country.
        let c = split("GOVMED");
        assert_eq!(c.country, None);
        assert_eq!(c.types, [Some("GOV"), Some("MED"), None]);
    }

    #[test]
    fn international_bodies_give_region_known_group_and_type() {
        let un = split("IGOUNO");
        assert_eq!(un.country, None);
        assert_eq!(un.known_group, Some("UNO"));
        assert_eq!(un.types[0], Some("IGO"));
        let eu = split("IGOEUREEC");
        assert_eq!(eu.country, Some("EUR"));
        assert_eq!(eu.known_group, Some("EEC"));
        let adb = split("IGOAFRDEVAFB");
        assert_eq!(adb.country, Some("AFR"));
        assert_eq!(adb.types, [Some("IGO"), Some("DEV"), None]);
        assert_eq!(adb.known_group, Some("AFB"));
    }

    #[test]
    fn groups_religions_and_ethnic_codes_find_their_columns() {
        let hamas = split("PSEREBHMS");
        assert_eq!(hamas.country, Some("PSE"));
        assert_eq!(hamas.types[0], Some("REB"));
        assert_eq!(hamas.known_group, Some("HMS"));
        let alq = split("IMGMUSALQ");
        assert_eq!(alq.types[0], Some("IMG"));
        assert_eq!(alq.religion, [Some("MUS"), None]);
        assert_eq!(alq.known_group, Some("ALQ"));
        let kurds = split("IRQKURREB");
        assert_eq!(kurds.ethnic, Some("KUR"));
        assert_eq!(split("CHRCTH").religion, [Some("CHR"), Some("CTH")]);
        assert_eq!(split("KSV").country, Some("KSV"));
    }

    #[test]
    fn odd_lengths_and_empty_codes_do_not_panic() {
        assert_eq!(split(""), ActorColumns::default());
        let c = split("NGOEEURENV");
        assert_eq!(c.types[0], Some("NGO"));
        assert_eq!(split("é").country, None);
    }
}
