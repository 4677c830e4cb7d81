//! Event locations: the place named in the sentence ("visit to Moscow", "talks in Geneva",
//! "clashes in Sirte"), resolved to coordinates by a gazetteer.

use dragoman_model::{Location, LocationPrecision};

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
        self.0
            .resolve(name, context_countries)
            .map(|p| p.to_location())
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

/// Prepositions that introduce where something happened.
const PLACE_PREPS: &[&str] = &[
    "in", "at", "to", "near", "outside", "from", "inside", "into",
];

/// The location of an event: the first place after a locative preposition, preferring one
/// after the trigger. `capital_spans` are actor groups that are capitals or seats (they are
/// places too); other candidates are runs of capitalised words the resolver knows.
pub fn find_location(
    resolver: &dyn PlaceResolver,
    text: &str,
    lower: &str,
    tokens: &[Token],
    range: (usize, usize),
    trigger: usize,
    context: &[&str],
) -> Option<Location> {
    let mut best: Option<(usize, Location)> = None;
    let mut i = range.0;
    while i + 1 < range.1 {
        if PLACE_PREPS.contains(&&lower[tokens[i].range()]) && tokens[i + 1].cap {
            // The longest run of capitalised words (up to 3) the resolver knows.
            let mut found = None;
            for len in (1..=3).rev() {
                let end = i + 1 + len;
                if end > range.1 || !tokens[i + 1..end].iter().all(|t| t.cap) {
                    continue;
                }
                let name = &text[tokens[i + 1].start as usize..tokens[end - 1].end as usize];
                if resolver.is_place_name(name) {
                    if let Some(loc) = resolver.resolve(name, context) {
                        found = Some((end, loc));
                        break;
                    }
                }
            }
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
        let cands = self.places.iter().filter(|p| p.0 == name);
        let best = cands.max_by_key(|p| (context.contains(&p.1.as_str()), p.4))?;
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
        let loc = find_location(&places, text, &lower, &t, (0, t.len()), 0, &["LBN"]).unwrap();
        assert_eq!(loc.country, "LBN");
        let loc = find_location(&places, text, &lower, &t, (0, t.len()), 0, &[]).unwrap();
        assert_eq!(loc.country, "LBY");
    }
}
