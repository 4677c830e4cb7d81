//! Countries by ISO 3166 alpha-3: their FIPS 10-4 code and name (`data/countries.tsv`, from
//! GeoNames by `scripts/gen_fips.py`). GDELT's geography columns use FIPS codes ("RS", "UK");
//! dragoman's events, like CAMEO's actor codes, use alpha-3 ("RUS", "GBR").

use std::collections::HashMap;
use std::sync::OnceLock;

const COUNTRIES_TSV: &str = include_str!("../data/countries.tsv");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Country {
    pub iso3: &'static str,
    /// FIPS 10-4; `None` where GeoNames gives none (Aland Islands, Bonaire, ...).
    pub fips: Option<&'static str>,
    pub name: &'static str,
}

fn table() -> &'static HashMap<&'static str, Country> {
    static TABLE: OnceLock<HashMap<&'static str, Country>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t: HashMap<&'static str, Country> = COUNTRIES_TSV
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|l| {
                let mut f = l.split('\t');
                let (iso3, fips, name) = (f.next()?, f.next()?, f.next()?);
                let fips = (!fips.is_empty()).then_some(fips);
                Some((iso3, Country { iso3, fips, name }))
            })
            .collect();
        // CAMEO writes Kosovo KSV; GeoNames (and so the gazetteer) XKX.
        if let Some(kosovo) = t.get("XKX").copied() {
            t.insert(
                "KSV",
                Country {
                    iso3: "KSV",
                    ..kosovo
                },
            );
        }
        t
    })
}

pub fn by_iso3(iso3: &str) -> Option<&'static Country> {
    table().get(iso3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fips_codes_differ_from_iso_where_gdelt_expects() {
        let fips = |c| by_iso3(c).and_then(|c| c.fips);
        assert_eq!(fips("RUS"), Some("RS"));
        assert_eq!(fips("GBR"), Some("UK"));
        assert_eq!(fips("DEU"), Some("GM"));
        assert_eq!(fips("CHN"), Some("CH"));
        assert_eq!(fips("IRQ"), Some("IZ"));
        assert_eq!(fips("USA"), Some("US"));
        assert_eq!(fips("KSV"), Some("KV"));
        assert_eq!(fips("XKX"), Some("KV"));
        assert_eq!(fips("ALA"), None);
        assert_eq!(by_iso3("RUS").unwrap().name, "Russia");
        assert!(by_iso3("EUR").is_none());
        assert!(table().len() > 250);
    }
}
