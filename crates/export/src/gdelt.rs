//! An event as a row of the GDELT 2.0 event table: the 61 columns of GDELT's event codebook,
//! `GLOBALEVENTID` to `SOURCEURL`, so that analysis code written against GDELT's export files
//! reads dragoman's output. Which columns dragoman fills, how, and which it leaves empty (and
//! why) is written in `docs/export.md`; the functions below say it where it is decided.

use std::borrow::Cow;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use dragoman_model::{Actor, Event, Location, LocationPrecision};

use crate::actor;
use crate::countries;

/// The columns, in GDELT's order.
pub const COLUMNS: [&str; 61] = [
    "GLOBALEVENTID",
    "SQLDATE",
    "MonthYear",
    "Year",
    "FractionDate",
    "Actor1Code",
    "Actor1Name",
    "Actor1CountryCode",
    "Actor1KnownGroupCode",
    "Actor1EthnicCode",
    "Actor1Religion1Code",
    "Actor1Religion2Code",
    "Actor1Type1Code",
    "Actor1Type2Code",
    "Actor1Type3Code",
    "Actor2Code",
    "Actor2Name",
    "Actor2CountryCode",
    "Actor2KnownGroupCode",
    "Actor2EthnicCode",
    "Actor2Religion1Code",
    "Actor2Religion2Code",
    "Actor2Type1Code",
    "Actor2Type2Code",
    "Actor2Type3Code",
    "IsRootEvent",
    "EventCode",
    "EventBaseCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
    "Actor1Geo_Type",
    "Actor1Geo_FullName",
    "Actor1Geo_CountryCode",
    "Actor1Geo_ADM1Code",
    "Actor1Geo_ADM2Code",
    "Actor1Geo_Lat",
    "Actor1Geo_Long",
    "Actor1Geo_FeatureID",
    "Actor2Geo_Type",
    "Actor2Geo_FullName",
    "Actor2Geo_CountryCode",
    "Actor2Geo_ADM1Code",
    "Actor2Geo_ADM2Code",
    "Actor2Geo_Lat",
    "Actor2Geo_Long",
    "Actor2Geo_FeatureID",
    "ActionGeo_Type",
    "ActionGeo_FullName",
    "ActionGeo_CountryCode",
    "ActionGeo_ADM1Code",
    "ActionGeo_ADM2Code",
    "ActionGeo_Lat",
    "ActionGeo_Long",
    "ActionGeo_FeatureID",
    "DATEADDED",
    "SOURCEURL",
];

/// The index of a column by its codebook name.
pub fn column(name: &str) -> Option<usize> {
    COLUMNS.iter().position(|c| *c == name)
}

/// GDELT's `GLOBALEVENTID` is a positive 64-bit integer. dragoman's `event_id` is 16 hex
/// digits (a 64-bit hash of what makes two reports the same event): its value with the top bit
/// cleared, so the same event always gets the same id, in every export, and two events share
/// one only if their ids differ in that bit alone. An id of another shape (not dragoman's)
/// is hashed with xxh3 instead.
pub fn global_event_id(event_id: &str) -> u64 {
    let hash = if event_id.len() == 16 {
        u64::from_str_radix(event_id, 16).ok()
    } else {
        None
    };
    hash.unwrap_or_else(|| xxhash_rust::xxh3::xxh3_64(event_id.as_bytes())) & (i64::MAX as u64)
}

/// GDELT's FractionDate: the year plus the share of it gone by, "(MONTH * 30 + DAY) / 365" in
/// the codebook; GDELT's files count the month from zero (2007-07-04 is 2007.5041, that is
/// (6 * 30 + 4) / 365), and so does this.
pub fn fraction_date(date: NaiveDate) -> String {
    let days = (date.month0() * 30 + date.day()) as f64;
    format!("{:.4}", f64::from(date.year()) + days / 365.0)
}

/// The 61 fields of an event's row, unescaped (see [`write_tsv`] and `crate::csv`).
pub fn fields(e: &Event) -> Vec<Cow<'_, str>> {
    let mut f: Vec<Cow<'_, str>> = Vec::with_capacity(COLUMNS.len());
    let date = e.event_date;
    f.push(global_event_id(&e.event_id).to_string().into());
    f.push(date.format("%Y%m%d").to_string().into());
    f.push(date.format("%Y%m").to_string().into());
    f.push(date.format("%Y").to_string().into());
    f.push(fraction_date(date).into());
    actor_fields(&mut f, e.source.as_ref());
    actor_fields(&mut f, e.target.as_ref());
    // GDELT marks the events of an article's lead paragraph; the event knows its sentence,
    // not its paragraph, so the lead sentence stands for it.
    f.push(
        if e.evidence.sentence_index == 0 {
            "1"
        } else {
            "0"
        }
        .into(),
    );
    f.push(Cow::Borrowed(&e.code));
    f.push(Cow::Borrowed(&e.base_code));
    f.push(Cow::Borrowed(&e.root_code));
    f.push(e.quad_class.to_string().into());
    f.push(format!("{:.1}", e.goldstein).into());
    f.push(e.mentions.num_mentions.to_string().into());
    f.push(e.mentions.num_sources.to_string().into());
    f.push(e.mentions.num_articles.to_string().into());
    // AvgTone: dragoman measures no tone.
    f.push("".into());
    // The actors' own places: the coder places the event, not each actor.
    geo_fields(&mut f, None);
    geo_fields(&mut f, None);
    geo_fields(&mut f, e.location.as_ref());
    f.push(date_added(e.mentions.first_seen).into());
    f.push(source_url(e).into());
    debug_assert_eq!(f.len(), COLUMNS.len());
    f
}

fn actor_fields<'e>(f: &mut Vec<Cow<'e, str>>, actor: Option<&'e Actor>) {
    let Some(a) = actor else {
        f.extend(std::iter::repeat_n(Cow::Borrowed(""), 10));
        return;
    };
    let cols = actor::split(&a.code);
    let opt = |s: Option<&'e str>| Cow::Borrowed(s.unwrap_or(""));
    f.push(Cow::Borrowed(&a.code));
    // GDELT writes names in capitals: "UNITED NATIONS", "POLICE OFFICER".
    f.push(a.name.to_uppercase().into());
    f.push(opt(cols.country));
    f.push(opt(cols.known_group));
    f.push(opt(cols.ethnic));
    f.extend(cols.religion.map(opt));
    f.extend(cols.types.map(opt));
}

/// GDELT's geography types.
const GEO_NONE: &str = "0";
const GEO_COUNTRY: &str = "1";
const GEO_US_STATE: &str = "2";
const GEO_US_CITY: &str = "3";
const GEO_WORLD_CITY: &str = "4";
const GEO_WORLD_STATE: &str = "5";

/// Type, FullName, CountryCode, ADM1Code, ADM2Code, Lat, Long, FeatureID.
fn geo_fields<'e>(f: &mut Vec<Cow<'e, str>>, place: Option<&'e Location>) {
    let Some(l) = place else {
        f.push(GEO_NONE.into());
        f.extend(std::iter::repeat_n(Cow::Borrowed(""), 7));
        return;
    };
    let country = countries::by_iso3(&l.country);
    let fips = fips_of(l);
    let us = l.country == "USA";
    let country_name = country.map_or(l.name.as_str(), |c| c.name);
    let (kind, full_name): (&str, Cow<'e, str>) = match l.precision {
        LocationPrecision::Country => (GEO_COUNTRY, Cow::Borrowed(country_name)),
        LocationPrecision::Region => (
            if us { GEO_US_STATE } else { GEO_WORLD_STATE },
            format!("{}, {country_name}", l.name).into(),
        ),
        // "City, State, Country" in GDELT; the gazetteer knows no state, so "City, Country".
        // A dateline names the city the story was filed from.
        LocationPrecision::City | LocationPrecision::Dateline => (
            if us { GEO_US_CITY } else { GEO_WORLD_CITY },
            format!("{}, {country_name}", l.name).into(),
        ),
    };
    let country_level = l.precision == LocationPrecision::Country;
    f.push(kind.into());
    f.push(full_name);
    f.push(fips.unwrap_or("").into());
    // For a country GDELT writes its FIPS code as ADM1Code and FeatureID. Below the country
    // the ADM1 code, the GAUL ADM2 code and the GNS feature id are codes of gazetteers
    // dragoman does not carry (its places are GeoNames'): left empty rather than guessed.
    let country_code = if country_level {
        fips.unwrap_or("")
    } else {
        ""
    };
    f.push(country_code.into());
    f.push("".into());
    f.push(coordinate(l.lat).into());
    f.push(coordinate(l.lon).into());
    f.push(country_code.into());
}

/// The FIPS code of a place's country. The Palestinian territories are two FIPS countries:
/// the Gaza Strip (GZ) lies wholly west of 34.6 E, the West Bank (WE) east of 34.8 E.
fn fips_of(l: &Location) -> Option<&'static str> {
    if l.country == "PSE" && l.precision != LocationPrecision::Country && l.lon < 34.7 {
        return Some("GZ");
    }
    countries::by_iso3(&l.country).and_then(|c| c.fips)
}

fn coordinate(x: f64) -> String {
    if x.is_finite() {
        // Four decimals (11 m), as GDELT's own, without trailing zeros.
        let s = format!("{x:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        String::new()
    }
}

/// GDELT's DATEADDED, `YYYYMMDDHHMMSS` in UTC: when the pipeline first saw the event. GDELT
/// rounds it to its 15-minute update; a stream has no updates, so the second is kept.
pub fn date_added(at: DateTime<Utc>) -> String {
    at.format("%Y%m%d%H%M%S").to_string()
}

/// GDELT's SOURCEURL is "the URL or citation of the first news report". A dragoman event
/// (schema dragoman.event/v1) carries its articles' ids, not their URLs: the id of the first
/// report is the citation.
fn source_url(e: &Event) -> &str {
    e.mentions
        .article_ids
        .first()
        .unwrap_or(&e.evidence.article_id)
}

/// Writes fields as one tab-separated line. GDELT's files have no quoting: a tab, a line
/// break or a carriage return inside a field (a name, a place) becomes a space.
pub fn write_tsv<W: std::io::Write>(out: &mut W, fields: &[Cow<'_, str>]) -> std::io::Result<()> {
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.write_all(b"\t")?;
        }
        if field.contains(['\t', '\n', '\r']) {
            out.write_all(field.replace(['\t', '\n', '\r'], " ").as_bytes())?;
        } else {
            out.write_all(field.as_bytes())?;
        }
    }
    out.write_all(b"\n")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// An event as dragoman publishes it (the example of docs/contracts.md#event-output).
    pub fn sample_event() -> Event {
        serde_json::from_value(serde_json::json!({
            "schema": "dragoman.event/v1",
            "event_id": "9f2c4b1e7a0d3c55",
            "revision": 1,
            "event_date": "2019-03-22",
            "date_precision": "day",
            "code": "057", "base_code": "057", "root_code": "05",
            "quad_class": 1, "goldstein": 8.0, "plover": "AGREE",
            "source": {"code": "RUS", "country": "RUS", "agents": [], "name": "Russia", "text": "Russia"},
            "target": {"code": "LBYHLH", "country": "LBY", "agents": ["HLH"],
                       "name": "Libya's Ministry of Health", "text": "Libyan Health Ministry"},
            "location": {"name": "Moscow", "country": "RUS", "lat": 55.7558, "lon": 37.6173,
                         "precision": "city"},
            "evidence": {"article_id": "lo-20190325-0042", "sentence_index": 0,
                         "sentence": "Cooperation agreements between Libya and Russia have been signed.",
                         "span": [0, 63], "rule": "sign + &AGREEMENT"},
            "confidence": 0.86, "negated": false,
            "mentions": {"num_mentions": 3, "num_articles": 2, "num_sources": 2,
                         "num_independent": 1,
                         "article_ids": ["lo-20190325-0042", "other-1"],
                         "sources": ["example-news.ly", "other.example"],
                         "first_seen": "2019-03-25T09:31:02Z", "last_seen": "2019-03-25T10:00:00Z"},
            "coder": {"version": "0.1.0", "dictionaries": "2026.11"}
        }))
        .expect("a valid event")
    }

    fn row(e: &Event) -> Vec<String> {
        fields(e).into_iter().map(Cow::into_owned).collect()
    }

    fn get<'r>(row: &'r [String], name: &str) -> &'r str {
        &row[column(name).unwrap_or_else(|| panic!("no column {name}"))]
    }

    #[test]
    fn sixty_one_columns_in_codebook_order() {
        assert_eq!(COLUMNS.len(), 61);
        assert_eq!(COLUMNS[0], "GLOBALEVENTID");
        assert_eq!(COLUMNS[26], "EventCode");
        assert_eq!(COLUMNS[51], "ActionGeo_Type");
        assert_eq!(COLUMNS[60], "SOURCEURL");
        assert_eq!(row(&sample_event()).len(), 61);
    }

    #[test]
    fn dates_codes_and_counts_in_gdelt_formats() {
        let r = row(&sample_event());
        assert_eq!(
            get(&r, "GLOBALEVENTID"),
            (0x1f2c4b1e7a0d3c55u64).to_string()
        );
        assert_eq!(get(&r, "SQLDATE"), "20190322");
        assert_eq!(get(&r, "MonthYear"), "201903");
        assert_eq!(get(&r, "Year"), "2019");
        // (2 * 30 + 22) / 365 = 0.2247
        assert_eq!(get(&r, "FractionDate"), "2019.2247");
        assert_eq!(get(&r, "EventCode"), "057");
        assert_eq!(get(&r, "EventBaseCode"), "057");
        assert_eq!(get(&r, "EventRootCode"), "05");
        assert_eq!(get(&r, "QuadClass"), "1");
        assert_eq!(get(&r, "GoldsteinScale"), "8.0");
        assert_eq!(get(&r, "NumMentions"), "3");
        assert_eq!(get(&r, "NumSources"), "2");
        assert_eq!(get(&r, "NumArticles"), "2");
        assert_eq!(get(&r, "AvgTone"), "");
        assert_eq!(get(&r, "IsRootEvent"), "1");
        assert_eq!(get(&r, "DATEADDED"), "20190325093102");
        assert_eq!(get(&r, "SOURCEURL"), "lo-20190325-0042");
    }

    #[test]
    fn fraction_date_matches_gdelt_files() {
        // Values from GDELT's own event files.
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(fraction_date(d(2007, 7, 4)), "2007.5041");
        assert_eq!(fraction_date(d(2016, 7, 1)), "2016.4959");
        assert_eq!(fraction_date(d(2019, 1, 1)), "2019.0027");
    }

    #[test]
    fn actors_are_split_and_named_in_capitals() {
        let r = row(&sample_event());
        assert_eq!(get(&r, "Actor1Code"), "RUS");
        assert_eq!(get(&r, "Actor1Name"), "RUSSIA");
        assert_eq!(get(&r, "Actor1CountryCode"), "RUS");
        assert_eq!(get(&r, "Actor1Type1Code"), "");
        assert_eq!(get(&r, "Actor2Code"), "LBYHLH");
        assert_eq!(get(&r, "Actor2Name"), "LIBYA'S MINISTRY OF HEALTH");
        assert_eq!(get(&r, "Actor2CountryCode"), "LBY");
        assert_eq!(get(&r, "Actor2Type1Code"), "HLH");
        let mut e = sample_event();
        e.target = None;
        let r = row(&e);
        for c in &COLUMNS[15..25] {
            assert_eq!(get(&r, c), "", "{c} of a missing actor");
        }
    }

    #[test]
    fn action_geography_uses_fips_codes() {
        let r = row(&sample_event());
        assert_eq!(get(&r, "ActionGeo_Type"), "4");
        assert_eq!(get(&r, "ActionGeo_FullName"), "Moscow, Russia");
        assert_eq!(get(&r, "ActionGeo_CountryCode"), "RS");
        assert_eq!(get(&r, "ActionGeo_ADM1Code"), "");
        assert_eq!(get(&r, "ActionGeo_Lat"), "55.7558");
        assert_eq!(get(&r, "ActionGeo_Long"), "37.6173");
        assert_eq!(get(&r, "ActionGeo_FeatureID"), "");
        assert_eq!(get(&r, "Actor1Geo_Type"), "0");
        assert_eq!(get(&r, "Actor2Geo_Type"), "0");

        let mut e = sample_event();
        e.location = Some(Location {
            name: "Syria".into(),
            country: "SYR".into(),
            lat: 33.5102,
            lon: 36.2913,
            precision: LocationPrecision::Country,
        });
        let r = row(&e);
        // As GDELT writes a country: type 1, its name, FIPS as country, ADM1 and feature.
        assert_eq!(get(&r, "ActionGeo_Type"), "1");
        assert_eq!(get(&r, "ActionGeo_FullName"), "Syria");
        assert_eq!(get(&r, "ActionGeo_CountryCode"), "SY");
        assert_eq!(get(&r, "ActionGeo_ADM1Code"), "SY");
        assert_eq!(get(&r, "ActionGeo_FeatureID"), "SY");

        e.location = Some(Location {
            name: "Houston".into(),
            country: "USA".into(),
            lat: 29.7633,
            lon: -95.3633,
            precision: LocationPrecision::City,
        });
        assert_eq!(get(&row(&e), "ActionGeo_Type"), "3");

        // A dateline's place is the city the story was filed from.
        e.location = Some(Location {
            name: "Cairo".into(),
            country: "EGY".into(),
            lat: 30.0626,
            lon: 31.2497,
            precision: LocationPrecision::Dateline,
        });
        let r = row(&e);
        assert_eq!(get(&r, "ActionGeo_Type"), "4");
        assert_eq!(get(&r, "ActionGeo_FullName"), "Cairo, Egypt");

        e.location = None;
        let r = row(&e);
        assert_eq!(get(&r, "ActionGeo_Type"), "0");
        assert!(COLUMNS[52..59].iter().all(|c| get(&r, c).is_empty()));
    }

    #[test]
    fn gaza_and_the_west_bank_are_two_fips_countries() {
        let place = |name: &str, lat, lon| Location {
            name: name.into(),
            country: "PSE".into(),
            lat,
            lon,
            precision: LocationPrecision::City,
        };
        assert_eq!(fips_of(&place("Gaza", 31.5017, 34.4668)), Some("GZ"));
        assert_eq!(fips_of(&place("Ramallah", 31.8996, 35.2042)), Some("WE"));
    }

    #[test]
    fn global_event_id_is_stable_positive_and_from_the_event_id() {
        assert_eq!(global_event_id("0000000000000001"), 1);
        assert_eq!(global_event_id("ffffffffffffffff"), i64::MAX as u64);
        assert_eq!(global_event_id("not-hex"), global_event_id("not-hex"));
        assert!(global_event_id("not-hex") <= i64::MAX as u64);
        assert_ne!(
            global_event_id("9f2c4b1e7a0d3c55"),
            global_event_id("9f2c4b1e7a0d3c56")
        );
    }

    #[test]
    fn tsv_lines_have_no_stray_tabs_or_breaks() {
        let mut e = sample_event();
        if let Some(a) = e.source.as_mut() {
            a.name = "Bad\tname\nhere".into();
        }
        let mut out = Vec::new();
        write_tsv(&mut out, &fields(&e)).unwrap();
        let line = String::from_utf8(out).unwrap();
        assert!(line.ends_with('\n'));
        assert_eq!(line.trim_end_matches('\n').split('\t').count(), 61);
        assert!(line.contains("BAD NAME HERE"));
    }
}
