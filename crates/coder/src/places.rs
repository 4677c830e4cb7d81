//! Event locations: the place named in the sentence ("visit to Moscow", "talks in Geneva",
//! "clashes in Sirte"), resolved to coordinates by a gazetteer; and the place of the article's
//! dateline, for events whose sentence names none (docs/contracts.md#location).

use dragoman_model::{Dateline, Location, LocationPrecision};

use crate::classes::{ClassSet, LOCATIVE_PREP, MOTION, SETTLEMENT};
use crate::text::Token;

/// What the coder needs from a gazetteer. `dragoman-gazetteer` implements it; tests use small
/// fixtures.
pub trait PlaceResolver: Send + Sync {
    /// Whether `name` is a known place name (cheap; called for capitalised words).
    fn is_place_name(&self, name: &str) -> bool;
    /// The place `name` most likely means, given the countries (alpha-3) the article is about:
    /// Tripoli in Libya when the article is about Libya, in Lebanon when it is about Lebanon.
    fn resolve(&self, name: &str, context_countries: &[&str]) -> Option<Location>;
}

/// The project's gazetteer (`dragoman-gazetteer`): GeoNames places with population, so that an
/// ambiguous name goes to the article's country, else to the larger place.
#[derive(Debug, Clone, Copy)]
pub struct GazetteerPlaces(pub &'static dragoman_gazetteer::Gazetteer);

impl GazetteerPlaces {
    pub fn bundled() -> Self {
        GazetteerPlaces(dragoman_gazetteer::Gazetteer::bundled())
    }
}

impl PlaceResolver for GazetteerPlaces {
    fn is_place_name(&self, name: &str) -> bool {
        self.0.is_place_name(name)
    }
    fn resolve(&self, name: &str, context_countries: &[&str]) -> Option<Location> {
        let places = self.0.lookup(name);
        let folded = dragoman_gazetteer::fold(name);
        let cands = places.iter().map(|p| Candidate {
            exact: dragoman_gazetteer::fold(&p.name) == folded,
            country: &p.country,
            population: p.population,
            capital: p.is_capital,
            country_kind: p.kind == dragoman_gazetteer::PlaceKind::Country,
        });
        choose(cands, context_countries).map(|i| places[i].to_location())
    }
}

/// A place a name may mean, as [`choose`] weighs it.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    pub country: &'a str,
    pub population: u64,
    pub capital: bool,
    pub country_kind: bool,
    /// The name asked for is the place's own name, not one of its alternates ("Salisbury"
    /// is the English city, and an old name of Harare).
    pub exact: bool,
}

/// A city this large is known by its name worldwide: it beats a small namesake in the
/// article's countries ("talks in Geneva" is Switzerland even when the speakers are American).
const PROMINENT_POPULATION: u64 = 100_000;

impl Candidate<'_> {
    fn prominent(&self) -> bool {
        self.country_kind || self.capital || self.population >= PROMINENT_POPULATION
    }
    /// Order without context: a country over a city of the same name ("Jordan"), then a
    /// capital, then the more populous.
    fn rank(&self) -> (bool, bool, u64) {
        (self.country_kind, self.capital, self.population)
    }
}

/// Which of the places a name may mean the article means (its index), given the countries
/// (alpha-3, most relevant first) the event's actors and the article are about.
///
/// The context only breaks near-ties: a place in a context country is chosen when it is
/// itself prominent (a country, a capital, a city of 100,000 or more: Tripoli in Lebanon for
/// an article about Lebanon) or when nothing prominent competes with it (two small towns).
/// A capital or a large city elsewhere beats a small namesake in the context countries:
/// "Biden and Putin met in Geneva" is Geneva, Switzerland, not Geneva, Illinois.
pub fn choose<'a>(cands: impl Iterator<Item = Candidate<'a>>, context: &[&str]) -> Option<usize> {
    let mut global: Option<(usize, Candidate)> = None;
    let mut local: Option<(usize, usize, Candidate)> = None;
    for (i, c) in cands.enumerate() {
        if global.as_ref().is_none_or(|(_, g)| c.rank() > g.rank()) {
            global = Some((i, c));
        }
        if let Some(r) = context
            .iter()
            .position(|x| x.eq_ignore_ascii_case(c.country))
        {
            let better = local
                .as_ref()
                .is_none_or(|(lr, _, l)| r < *lr || (r == *lr && c.rank() > l.rank()));
            if better {
                local = Some((r, i, c));
            }
        }
    }
    let (gi, g) = global?;
    match local {
        Some((_, li, l)) if l.prominent() || !g.prominent() || (l.exact && !g.exact) => Some(li),
        _ => Some(gi),
    }
}

/// No gazetteer: events carry no location.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoPlaces;

impl PlaceResolver for NoPlaces {
    fn is_place_name(&self, _: &str) -> bool {
        false
    }
    fn resolve(&self, _: &str, _: &[&str]) -> Option<Location> {
        None
    }
}

/// The location of an event: the place in the sentence after a locative preposition ("in",
/// "at", "near", "into") or after a motion word and "to" ("visit to Moscow"), preferring the
/// one nearest after the trigger; ambiguous names are resolved by `choose` with `context`.
/// `classes` are the word classes of the tokens (`locative-prep`, `motion`, `settlement`).
#[allow(clippy::too_many_arguments)]
pub fn find_location(
    resolver: &dyn PlaceResolver,
    text: &str,
    lower: &str,
    tokens: &[Token],
    classes: &[ClassSet],
    range: (usize, usize),
    trigger: usize,
    context: &[&str],
) -> Option<Location> {
    let mut best: Option<(usize, Location)> = None;
    let mut i = range.0;
    while i + 1 < range.1 {
        let w = &lower[tokens[i].range()];
        let is = |k: usize, c| classes.get(k).is_some_and(|s: &ClassSet| s.has(c));
        let locative = is(i, LOCATIVE_PREP) || (w == "to" && i > range.0 && is(i - 1, MOTION));
        // "in the Ukrainian city of Kharkiv", "at the port of Hodeidah": skip to the name
        // (but "in the Gulf of Oman" is not Oman).
        let mut name_at = i + 1;
        if locative && !tokens[name_at].cap && &lower[tokens[name_at].range()] == "the" {
            let mut j = name_at + 1;
            let mut kind = false;
            while j + 1 < range.1 && j < name_at + 5 && &lower[tokens[j].range()] != "of" {
                kind |= is(j, SETTLEMENT);
                j += 1;
            }
            if kind && j + 1 < range.1 && &lower[tokens[j].range()] == "of" && tokens[j + 1].cap {
                name_at = j + 1;
            }
        }
        if locative && tokens[name_at].cap {
            let found = match place_at(resolver, text, tokens, name_at, range.1, context) {
                Some(found) => Some(qualified(resolver, text, tokens, found, range.1)),
                None => qualified_place(resolver, text, tokens, name_at, range.1, context),
            };
            if let Some((end, loc)) = found {
                let dist = (i as isize - trigger as isize).unsigned_abs();
                // After the trigger is where the event's place usually is.
                let score = if i > trigger { dist } else { dist + 20 };
                if best.as_ref().is_none_or(|(s, _)| score < *s) {
                    best = Some((score, loc));
                }
                i = end;
                continue;
            }
        }
        i += 1;
    }
    best.map(|(_, l)| l)
}

/// The longest run of capitalised words (up to 3) from `at` that the resolver knows, and the
/// token after it.
fn place_at(
    resolver: &dyn PlaceResolver,
    text: &str,
    tokens: &[Token],
    at: usize,
    limit: usize,
    context: &[&str],
) -> Option<(usize, Location)> {
    for len in (1..=3).rev() {
        let end = at + len;
        if end > limit || !tokens[at..end].iter().all(|t| t.cap) {
            continue;
        }
        let name = &text[tokens[at].start as usize..tokens[end - 1].end as usize];
        if resolver.is_place_name(name) {
            if let Some(loc) = resolver.resolve(name, context) {
                return Some((end, loc));
            }
        }
    }
    None
}

/// A place checked against the country that qualifies it: "in Killa Abdullah District,
/// Balochistan, Pakistan" is no Colombian city that GeoNames lists "Killa" for. When the names
/// after it ("X, Region, Country") lead to a country other than the place's, the place is
/// looked up again in that country, and failing that the country stands for it.
fn qualified(
    resolver: &dyn PlaceResolver,
    text: &str,
    tokens: &[Token],
    (end, loc): (usize, Location),
    limit: usize,
) -> (usize, Location) {
    // The last country of the chain: "near Savannah, Georgia, United States" is American.
    let mut last = None;
    let mut k = end - 1;
    for _ in 0..3 {
        let run = k;
        while k < limit && k < run + 4 && tokens[k].cap {
            k += 1;
        }
        if k == run || k + 1 >= limit || &text[tokens[k].range()] != "," || !tokens[k + 1].cap {
            break;
        }
        k += 1;
        if let Some((_, q)) = place_at(resolver, text, tokens, k, limit, &[]) {
            if q.precision == LocationPrecision::Country {
                last = Some(q);
            }
        }
    }
    match last {
        Some(country) if country.country != loc.country => (end, country),
        _ => (end, loc),
    }
}

/// A place the gazetteer does not know, placed by the region or country after it: "in
/// Nushki, Balochistan, Pakistan", "in Dobropillia, Donetsk Oblast, Ukraine". The first
/// known name of up to three comma-separated runs of capitalised words after the unknown one.
fn qualified_place(
    resolver: &dyn PlaceResolver,
    text: &str,
    tokens: &[Token],
    at: usize,
    limit: usize,
    context: &[&str],
) -> Option<(usize, Location)> {
    let mut k = at;
    for _ in 0..3 {
        let run = k;
        while k < limit && k < run + 4 && tokens[k].cap {
            k += 1;
        }
        if k == run || k + 1 >= limit || &text[tokens[k].range()] != "," || !tokens[k + 1].cap {
            return None;
        }
        k += 1;
        if let Some(found) = place_at(resolver, text, tokens, k, limit, context) {
            return Some(found);
        }
    }
    None
}

/// The place of an article's dateline ("CAIRO", "Kyiv, Ukraine"), with precision
/// `dateline`: where the story was filed from. A qualifier that is a country ("Ukraine")
/// resolves the name in it.
pub fn dateline_location(resolver: &dyn PlaceResolver, dateline: &Dateline) -> Option<Location> {
    let mut parts = dateline.place.split(", ");
    let name = parts.next()?;
    let qualifier = parts
        .filter_map(|q| resolver.resolve(q, &[]))
        .find(|l| l.precision == LocationPrecision::Country);
    let context: Vec<&str> = qualifier.iter().map(|l| l.country.as_str()).collect();
    if !resolver.is_place_name(name) {
        return None;
    }
    let mut loc = resolver.resolve(name, &context)?;
    loc.precision = LocationPrecision::Dateline;
    Some(loc)
}

/// A resolver over a fixed list of places, for tests and for users without a gazetteer.
#[derive(Debug, Default, Clone)]
pub struct StaticPlaces {
    /// (name, country, lat, lon, population)
    pub places: Vec<(String, String, f64, f64, u64)>,
}

impl PlaceResolver for StaticPlaces {
    fn is_place_name(&self, name: &str) -> bool {
        self.places.iter().any(|p| p.0 == name)
    }
    fn resolve(&self, name: &str, context: &[&str]) -> Option<Location> {
        let cands: Vec<_> = self.places.iter().filter(|p| p.0 == name).collect();
        let i = choose(
            cands.iter().map(|p| Candidate {
                country: &p.1,
                population: p.4,
                capital: false,
                country_kind: false,
                exact: true,
            }),
            context,
        )?;
        let best = cands[i];
        Some(Location {
            name: best.0.clone(),
            country: best.1.clone(),
            lat: best.2,
            lon: best.3,
            precision: LocationPrecision::City,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokenize;

    #[test]
    fn ambiguous_names_follow_the_article_context() {
        let places = StaticPlaces {
            places: vec![
                ("Tripoli".into(), "LBY".into(), 32.9, 13.2, 1_150_000),
                ("Tripoli".into(), "LBN".into(), 34.4, 35.8, 230_000),
            ],
        };
        let text = "Clashes broke out in Tripoli on Monday.";
        let lower = text.to_ascii_lowercase();
        let mut t = Vec::new();
        tokenize(text, &mut t);
        let c = crate::classes::bundled().of_text(&lower, &t);
        let all = (0, t.len());
        let loc = find_location(&places, text, &lower, &t, &c, all, 0, &["LBN"]).unwrap();
        assert_eq!(loc.country, "LBN");
        let loc = find_location(&places, text, &lower, &t, &c, all, 0, &[]).unwrap();
        assert_eq!(loc.country, "LBY");
    }

    #[test]
    fn an_unknown_town_is_placed_by_the_country_after_it() {
        let g = GazetteerPlaces::bundled();
        let text = "Clashes broke out in Qzzvillebad, Kurram District, Pakistan, on Monday.";
        let lower = text.to_ascii_lowercase();
        let mut t = Vec::new();
        tokenize(text, &mut t);
        let c = crate::classes::bundled().of_text(&lower, &t);
        let loc = find_location(&g, text, &lower, &t, &c, (0, t.len()), 0, &[]).unwrap();
        assert_eq!(
            (loc.country.as_str(), loc.precision),
            ("PAK", LocationPrecision::Country)
        );
        // A name GeoNames lists elsewhere ("Killa", an alternate of a Colombian city) is
        // placed by its qualifier; a region named like a country ("Georgia") is not one.
        let at = |text: &str| {
            let lower = text.to_ascii_lowercase();
            let mut t = Vec::new();
            tokenize(text, &mut t);
            let c = crate::classes::bundled().of_text(&lower, &t);
            find_location(&g, text, &lower, &t, &c, (0, t.len()), 0, &[]).map(|l| l.country)
        };
        assert_eq!(
            at("Clashes broke out in Killa Abdullah District, Balochistan, Pakistan."),
            Some("PAK".into())
        );
        assert_eq!(
            at("Shots were fired near Savannah, Georgia, United States."),
            Some("USA".into())
        );
        // Without a known qualifier, no place.
        let text = "Clashes broke out in Qzzvillebad on Monday.";
        let lower = text.to_ascii_lowercase();
        t.clear();
        tokenize(text, &mut t);
        let c = crate::classes::bundled().of_text(&lower, &t);
        assert!(find_location(&g, text, &lower, &t, &c, (0, t.len()), 0, &[]).is_none());
    }

    #[test]
    fn a_dateline_resolves_with_its_own_precision_and_qualifier() {
        let g = GazetteerPlaces::bundled();
        let at = |place: &str| {
            let d = Dateline {
                place: place.into(),
                end: 0,
            };
            dateline_location(&g, &d).map(|l| (l.name, l.country, l.precision))
        };
        let dateline = LocationPrecision::Dateline;
        assert_eq!(at("CAIRO"), Some(("Cairo".into(), "EGY".into(), dateline)));
        assert_eq!(at("Kyiv, Ukraine").unwrap().1, "UKR");
        // The qualifier picks the namesake: Tripoli in Lebanon.
        assert_eq!(at("TRIPOLI").unwrap().1, "LBY");
        assert_eq!(at("TRIPOLI, Lebanon").unwrap().1, "LBN");
        assert_eq!(at("UNITED NATIONS"), None);
    }

    #[test]
    fn a_large_city_abroad_beats_a_small_namesake_at_home() {
        let g = GazetteerPlaces::bundled();
        let geneva = g.resolve("Geneva", &["USA", "RUS"]).unwrap();
        assert_eq!(geneva.country, "CHE");
        let dhaka = g.resolve("Dhaka", &["IND", "BGD"]).unwrap();
        assert_eq!(dhaka.country, "BGD");
        assert_eq!(g.resolve("Tripoli", &["LBN"]).unwrap().country, "LBN");
        assert_eq!(g.resolve("Tripoli", &["LBY"]).unwrap().country, "LBY");
        assert_eq!(g.resolve("Tripoli", &[]).unwrap().country, "LBY");
        // An old name of Harare, but the English city for an article about Britain.
        assert_eq!(g.resolve("Salisbury", &["GBR"]).unwrap().country, "GBR");
    }
}
