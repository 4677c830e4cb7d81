//! Place names resolved to a country and a point: "talks in Geneva" -> Geneva, CHE,
//! 46.2022, 6.1457.
//!
//! The bundled data (`data/places.tsv`) holds the GeoNames cities of over 15,000 people with
//! their Latin-script alternate names, and every country with its capital's coordinates, so
//! that "clashes in Syria" resolves with country precision. GeoNames is CC BY 4.0: see
//! `data/NOTICE`. `scripts/gen_gazetteer.py` regenerates the file.
//!
//! Lookup is case-insensitive and accent-insensitive: "nice", "NICE" and "Nice" are all the
//! French city. Names that are also ordinary English words were removed from the data when the
//! word is common ("Police", "Mobile", "Most"), but a few cities whose names are words are kept
//! because news writes about them ("Nice", "Reading"), so **callers must only ask about
//! capitalised tokens**, and should prefer those in a location slot ("in", "to", "near" ...).
//!
//! ```
//! use dragoman_gazetteer::Gazetteer;
//! let g = Gazetteer::bundled();
//! let tripoli = g.resolve("Tripoli", &["LBN"]).unwrap();
//! assert_eq!(tripoli.country, "LBN");
//! ```

mod dateline;
mod fold;

use std::borrow::Cow;
use std::sync::OnceLock;

use dragoman_model::{Location, LocationPrecision};
use rustc_hash::FxHashMap;

pub use dateline::{find_dateline, MONTHS};
pub use fold::fold;

/// The bundled gazetteer file, parsed on first use by [`Gazetteer::bundled`].
pub const BUNDLED_TSV: &str = include_str!("../data/places.tsv");

/// Alternates shorter than this many letters are ignored: GeoNames lists codes and
/// abbreviations ("Ea" for Tripoli) that would match ordinary words.
const MIN_ALTERNATE_LETTERS: usize = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlaceKind {
    City,
    Country,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// The place's own name as GeoNames writes it ("Zürich"), whatever name found it.
    pub name: String,
    /// ISO 3166 alpha-3 ("CHE").
    pub country: String,
    pub lat: f64,
    pub lon: f64,
    pub population: u64,
    /// Whether the city is its country's capital (always false for a country).
    pub is_capital: bool,
    pub kind: PlaceKind,
}

impl Place {
    /// The precision an event located here has: a city is a point, a country is not.
    pub fn precision(&self) -> LocationPrecision {
        match self.kind {
            PlaceKind::City => LocationPrecision::City,
            PlaceKind::Country => LocationPrecision::Country,
        }
    }

    /// The place as an event's `location`.
    pub fn to_location(&self) -> Location {
        Location {
            name: self.name.clone(),
            country: self.country.clone(),
            lat: self.lat,
            lon: self.lon,
            precision: self.precision(),
        }
    }
}

/// Why a gazetteer file could not be read. Every variant names its 1-based line.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GazetteerError {
    #[error("line {line}: expected 7 or 8 tab-separated fields, found {found}")]
    FieldCount { line: usize, found: usize },
    #[error("line {line}: bad {field} {value:?}: {reason}")]
    BadField {
        line: usize,
        field: &'static str,
        value: String,
        reason: &'static str,
    },
}

impl GazetteerError {
    /// The 1-based line of the file the error is about.
    pub fn line(&self) -> usize {
        match self {
            GazetteerError::FieldCount { line, .. } | GazetteerError::BadField { line, .. } => {
                *line
            }
        }
    }
}

/// An index from folded names to the places they name.
///
/// `lookup` must hand out a contiguous `&[Place]` per name, sorted by population. Rather than
/// copy every place once per name (about 130,000 names for 34,000 places), places are stored
/// once in file order and a name that only one place carries points at that place's own
/// one-element slice; only names shared by several places ("Tripoli") get a slice of copies,
/// and names shared by the same set of places share that slice.
#[derive(Debug)]
pub struct Gazetteer {
    /// The first `len` entries are the places in file order; after them come the
    /// multi-place slices.
    places: Vec<Place>,
    len: usize,
    index: FxHashMap<Box<str>, (u32, u32)>,
}

impl Gazetteer {
    /// The gazetteer built from the bundled GeoNames file, parsed once on first use.
    pub fn bundled() -> &'static Gazetteer {
        static BUNDLED: OnceLock<Gazetteer> = OnceLock::new();
        BUNDLED.get_or_init(|| {
            // The file ships in the binary and is covered by tests: a failure here is a build
            // defect, not a runtime condition a caller could handle.
            Gazetteer::from_tsv(BUNDLED_TSV).expect("the bundled gazetteer file is valid")
        })
    }

    /// Parses a gazetteer file. Lines starting with `#` and blank lines are skipped; every
    /// other line is `kind name country lat lon population capital [alternates]`, tab-separated,
    /// with `kind` `city` or `country`, `capital` `0` or `1`, and alternates `|`-separated.
    /// A name starting with `!` is displayed but not indexed (a city whose name is a common
    /// word, still reachable by its alternates).
    pub fn from_tsv(text: &str) -> Result<Gazetteer, GazetteerError> {
        let mut places = Vec::new();
        // Folded name -> indices of the places that carry it. Most names belong to one
        // place, so that case takes no allocation of its own.
        let mut names: FxHashMap<Box<str>, Carriers> =
            FxHashMap::with_capacity_and_hasher(text.len() / 16, Default::default());
        let mut key_buf = fold::stack_buf();

        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            if raw.is_empty() || raw.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = raw.split('\t').collect();
            if fields.len() != 7 && fields.len() != 8 {
                return Err(GazetteerError::FieldCount {
                    line,
                    found: fields.len(),
                });
            }
            let bad =
                |field: &'static str, value: &str, reason: &'static str| GazetteerError::BadField {
                    line,
                    field,
                    value: value.to_owned(),
                    reason,
                };
            let kind = match fields[0] {
                "city" => PlaceKind::City,
                "country" => PlaceKind::Country,
                other => return Err(bad("kind", other, "expected city or country")),
            };
            let (indexed, name) = match fields[1].strip_prefix('!') {
                Some(rest) => (false, rest),
                None => (true, fields[1]),
            };
            if name.trim().is_empty() {
                return Err(bad("name", fields[1], "empty"));
            }
            let country = fields[2];
            if country.len() != 3 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
                return Err(bad("country", country, "expected an ISO alpha-3 code"));
            }
            let lat = parse_coord(fields[3], 90.0)
                .ok_or_else(|| bad("latitude", fields[3], "expected a number in -90..=90"))?;
            let lon = parse_coord(fields[4], 180.0)
                .ok_or_else(|| bad("longitude", fields[4], "expected a number in -180..=180"))?;
            let population: u64 = fields[5]
                .parse()
                .map_err(|_| bad("population", fields[5], "expected a whole number"))?;
            let is_capital = match fields[6] {
                "0" => false,
                "1" => true,
                other => return Err(bad("capital", other, "expected 0 or 1")),
            };

            let id = u32::try_from(places.len())
                .map_err(|_| bad("line", "", "too many places for one gazetteer"))?;
            let mut add = |n: &str, is_alternate: bool| {
                if is_alternate
                    && n.chars().filter(|c| c.is_alphabetic()).count() < MIN_ALTERNATE_LETTERS
                {
                    return;
                }
                let key: Cow<str> = match fold::fold_ascii_into(n, &mut key_buf) {
                    Some(k) => Cow::Borrowed(k),
                    None => Cow::Owned(fold(n)),
                };
                if key.is_empty() {
                    return;
                }
                match names.get_mut(key.as_ref()) {
                    // Alternates often fold onto the name or each other: keep one entry.
                    Some(carriers) => carriers.add(id),
                    None => {
                        names.insert(key.into_owned().into_boxed_str(), Carriers::One(id));
                    }
                }
            };
            if indexed {
                add(name, false);
            }
            if let Some(alternates) = fields.get(7) {
                for alt in alternates.split('|').filter(|a| !a.is_empty()) {
                    add(alt, true);
                }
            }
            places.push(Place {
                name: name.to_owned(),
                country: country.to_owned(),
                lat,
                lon,
                population,
                is_capital,
                kind,
            });
        }

        let len = places.len();
        let mut shared: FxHashMap<Vec<u32>, (u32, u32)> = FxHashMap::default();
        let mut index = FxHashMap::with_capacity_and_hasher(names.len(), Default::default());
        for (key, carriers) in names {
            let range = match carriers {
                Carriers::One(only) => (only, 1),
                Carriers::Many(mut ids) => {
                    ids.sort_unstable_by(|&a, &b| {
                        by_population(&places[a as usize], &places[b as usize])
                    });
                    ids.dedup();
                    match shared.get(&ids) {
                        Some(&range) => range,
                        None => {
                            // Indices fit in u32: checked per place above, and the copies are
                            // bounded by the number of names times places per name.
                            let start = places.len() as u32;
                            for &id in &ids {
                                places.push(places[id as usize].clone());
                            }
                            let range = (start, ids.len() as u32);
                            shared.insert(ids, range);
                            range
                        }
                    }
                }
            };
            index.insert(key, range);
        }
        places.shrink_to_fit();
        Ok(Gazetteer { places, len, index })
    }

    /// The places that `name` names, most populous first; empty when it names none.
    /// Matching is exact on the whole name, after case and accent folding.
    pub fn lookup(&self, name: &str) -> &[Place] {
        let mut buf = fold::stack_buf();
        let key: Cow<str> = match fold::fold_ascii_into(name, &mut buf) {
            Some(k) => Cow::Borrowed(k),
            None => Cow::Owned(fold(name)),
        };
        match self.index.get(key.as_ref()) {
            Some(&(start, n)) => &self.places[start as usize..(start + n) as usize],
            None => &[],
        }
    }

    /// The place `name` most likely means in an article about `context_countries`
    /// (alpha-3 codes, most relevant first): a place in a context country first (the earlier
    /// in the list the better), then a country over a city of the same name ("Jordan"), then
    /// a capital, then the most populous.
    pub fn resolve(&self, name: &str, context_countries: &[&str]) -> Option<&Place> {
        let context_rank = |p: &Place| {
            context_countries
                .iter()
                .position(|c| c.eq_ignore_ascii_case(&p.country))
                .unwrap_or(usize::MAX)
        };
        // `lookup` is sorted by population, and min_by_key keeps the first of equals.
        self.lookup(name)
            .iter()
            .min_by_key(|p| (context_rank(p), p.kind != PlaceKind::Country, !p.is_capital))
    }

    /// Whether `name` names any place (same matching as [`Gazetteer::lookup`]).
    pub fn is_place_name(&self, name: &str) -> bool {
        !self.lookup(name).is_empty()
    }

    /// The number of places (cities and countries), not of names.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The number of distinct folded names.
    pub fn name_count(&self) -> usize {
        self.index.len()
    }

    /// Every indexed name in folded form (see [`fold`]), in no particular order: for callers
    /// that build an automaton to find place names in running text.
    pub fn folded_names(&self) -> impl Iterator<Item = &str> {
        self.index.keys().map(|k| k.as_ref())
    }

    /// An estimate of the heap and inline bytes the gazetteer holds, for capacity planning.
    pub fn approx_memory_bytes(&self) -> usize {
        let places = self.places.capacity() * std::mem::size_of::<Place>()
            + self
                .places
                .iter()
                .map(|p| p.name.capacity() + p.country.capacity())
                .sum::<usize>();
        // A hashbrown table stores (key, value) pairs plus one control byte per bucket.
        let entry = std::mem::size_of::<(Box<str>, (u32, u32))>() + 1;
        let index =
            self.index.capacity() * entry + self.index.keys().map(|k| k.len()).sum::<usize>();
        std::mem::size_of::<Self>() + places + index
    }
}

/// The places a name belongs to, while the index is being built.
enum Carriers {
    One(u32),
    Many(Vec<u32>),
}

impl Carriers {
    /// Adds place `id`; places arrive in file order, so a repeat is always the last one.
    fn add(&mut self, id: u32) {
        match self {
            Carriers::One(first) if *first == id => {}
            Carriers::One(first) => *self = Carriers::Many(vec![*first, id]),
            Carriers::Many(ids) if ids.last() == Some(&id) => {}
            Carriers::Many(ids) => ids.push(id),
        }
    }
}

/// Population descending; ties broken by country then name so that order is stable.
fn by_population(a: &Place, b: &Place) -> std::cmp::Ordering {
    b.population
        .cmp(&a.population)
        .then_with(|| a.country.cmp(&b.country))
        .then_with(|| a.name.cmp(&b.name))
}

fn parse_coord(s: &str, limit: f64) -> Option<f64> {
    let v: f64 = s.parse().ok()?;
    (v.is_finite() && v.abs() <= limit).then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g() -> &'static Gazetteer {
        Gazetteer::bundled()
    }

    #[test]
    fn bundled_file_loads() {
        let g = g();
        assert!(g.len() > 30_000, "only {} places", g.len());
        assert!(g.name_count() > g.len());
        assert!(g.lookup("Moscow").iter().any(|p| p.kind == PlaceKind::City));
    }

    #[test]
    fn tripoli_by_context_then_population() {
        let g = g();
        assert_eq!(g.resolve("Tripoli", &["LBY"]).unwrap().country, "LBY");
        assert_eq!(g.resolve("Tripoli", &["LBN"]).unwrap().country, "LBN");
        let none = g.resolve("Tripoli", &[]).unwrap();
        assert_eq!(none.country, "LBY");
        assert!(none.is_capital);
        // The first context country wins when the name is in several of them.
        assert_eq!(
            g.resolve("Tripoli", &["LBN", "LBY"]).unwrap().country,
            "LBN"
        );
        // Context codes are matched case-insensitively.
        assert_eq!(g.resolve("Tripoli", &["lbn"]).unwrap().country, "LBN");
    }

    #[test]
    fn lookup_is_sorted_by_population() {
        let found = g().lookup("tripoli");
        assert!(found.len() >= 2);
        assert!(found.windows(2).all(|w| w[0].population >= w[1].population));
    }

    #[test]
    fn well_known_cities() {
        let g = g();
        for (name, country) in [
            ("Moscow", "RUS"),
            ("Geneva", "CHE"),
            ("Sirte", "LBY"),
            ("Benghazi", "LBY"),
            ("Damascus", "SYR"),
            ("Paris", "FRA"),
            ("Kyiv", "UKR"),
            ("Kiev", "UKR"),
            ("Frankfurt", "DEU"),
            ("Cologne", "DEU"),
            ("Hodeidah", "YEM"),
        ] {
            let p = g
                .resolve(name, &[])
                .unwrap_or_else(|| panic!("{name} not found"));
            assert_eq!(p.country, country, "{name}");
            assert_eq!(p.kind, PlaceKind::City, "{name}");
        }
        let moscow = g.resolve("Moscow", &[]).unwrap();
        assert!((moscow.lat - 55.75).abs() < 0.1 && (moscow.lon - 37.62).abs() < 0.1);
        // Context can move a name to a smaller namesake: Moscow, Idaho.
        assert_eq!(g.resolve("Moscow", &["USA"]).unwrap().country, "USA");
    }

    #[test]
    fn accents_and_case_do_not_matter() {
        let g = g();
        let a = g.resolve("Zürich", &[]).unwrap();
        let b = g.resolve("Zurich", &[]).unwrap();
        let c = g.resolve("ZURICH", &[]).unwrap();
        assert_eq!(a, b);
        assert_eq!(b, c);
        assert_eq!(a.name, "Zürich");
        assert_eq!(a.country, "CHE");
        assert_eq!(g.resolve("Sanaa", &[]).unwrap().country, "YEM");
        assert_eq!(
            g.resolve("Ṣan‘ā’", &[]).map(|p| p.country.as_str()),
            Some("YEM")
        );
    }

    #[test]
    fn country_names_resolve_as_countries() {
        let g = g();
        let syria = g.resolve("Syria", &[]).unwrap();
        assert_eq!(
            (syria.kind, syria.country.as_str()),
            (PlaceKind::Country, "SYR")
        );
        assert_eq!(syria.to_location().precision, LocationPrecision::Country);
        // A country beats a city of the same name without context.
        let jordan = g.resolve("Jordan", &[]).unwrap();
        assert_eq!(
            (jordan.kind, jordan.country.as_str()),
            (PlaceKind::Country, "JOR")
        );
        for (name, code) in [
            ("Britain", "GBR"),
            ("Russia", "RUS"),
            ("Ivory Coast", "CIV"),
            ("Côte d'Ivoire", "CIV"),
            ("Burma", "MMR"),
            ("United States", "USA"),
        ] {
            assert_eq!(
                g.resolve(name, &[]).map(|p| p.country.as_str()),
                Some(code),
                "{name}"
            );
        }
        // "Mexico" is the country, not Mexico City's alternate.
        assert_eq!(g.resolve("Mexico", &[]).unwrap().kind, PlaceKind::Country);
    }

    #[test]
    fn common_words_and_people_are_not_places() {
        let g = g();
        for word in [
            "Police",
            "Mobile",
            "Of",
            "But",
            "She",
            "Most",
            "Time",
            "Obama",
            "Jackson",
            "David",
            "Union",
            "Federal",
            "Said",
            "President",
            "Army",
            "From",
            "Can",
            "One",
            "Sale",
            "Us",
            "Hamas",
            "Google",
        ] {
            assert!(!g.is_place_name(word), "{word} should not be a place");
        }
        // Cities named by words that news does write about are kept; the caller requires
        // a capitalised token.
        assert!(g.is_place_name("Nice"));
        assert!(g.is_place_name("Reading"));
    }

    #[test]
    fn bad_lines_name_their_line_number() {
        let head = "# comment\ncountry\tLibya\tLBY\t32.9\t13.2\t6678567\t0\t\n";
        let cases = [
            ("city\tX\tLBY\t1\t2\n", 3),
            ("town\tX\tLBY\t1\t2\t3\t0\t\n", 3),
            ("city\tX\tLY\t1\t2\t3\t0\t\n", 3),
            ("city\tX\tLBY\t91\t2\t3\t0\t\n", 3),
            ("city\tX\tLBY\t1\tnorth\t3\t0\t\n", 3),
            ("city\tX\tLBY\t1\t2\t-3\t0\t\n", 3),
            ("city\tX\tLBY\t1\t2\t3\tyes\t\n", 3),
            ("\ncity\t\tLBY\t1\t2\t3\t0\t\n", 4),
        ];
        for (tail, line) in cases {
            let err = Gazetteer::from_tsv(&format!("{head}{tail}")).unwrap_err();
            assert_eq!(err.line(), line, "{tail:?}: {err}");
            assert!(
                err.to_string().starts_with(&format!("line {line}:")),
                "{err}"
            );
        }
    }

    #[test]
    fn from_tsv_indexes_alternates_and_honours_unindexed_names() {
        let g = Gazetteer::from_tsv(
            "city\tAlpha\tAAA\t1\t2\t500\t1\tAlfa|Ab|Alpha City\n\
             city\t!Police\tBBB\t3\t4\t900\t0\tPolizia\n\
             city\tAlpha\tBBB\t3\t4\t900\t0\n",
        )
        .unwrap();
        assert_eq!(g.len(), 3);
        assert_eq!(g.lookup("alfa").len(), 1);
        assert_eq!(g.lookup("Alpha City")[0].country, "AAA");
        assert!(
            g.lookup("Ab").is_empty(),
            "alternates under 3 letters are ignored"
        );
        assert!(g.lookup("Police").is_empty());
        assert_eq!(g.lookup("Polizia")[0].name, "Police");
        let both = g.lookup("ALPHA");
        assert_eq!(both.len(), 2);
        assert_eq!(both[0].country, "BBB", "more populous first");
        assert_eq!(
            g.resolve("Alpha", &[]).unwrap().country,
            "AAA",
            "capital first"
        );
        assert_eq!(g.resolve("Alpha", &["BBB"]).unwrap().country, "BBB");
    }

    #[test]
    fn memory_is_modest() {
        let bytes = g().approx_memory_bytes();
        assert!(bytes < 32 << 20, "{bytes} bytes");
    }
}
