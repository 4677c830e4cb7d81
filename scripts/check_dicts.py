#!/usr/bin/env python3
"""Validate the actor and agent dictionaries in crates/coder/dict.

Checks that every file parses in the dictionary format (see the header of each
file): a provenance comment on the first line, TAB-separated columns in the right
number, uppercase codes, valid ISO dates with start <= end, known roles, no empty
or padded alternatives, lines sorted by code, and that no name maps to two
different codes at overlapping times (across countries, people, IGOs and groups;
agents are checked among themselves). People's codes must start with a known
country or IGO/NGO/group code and end in known agent codes.

    python3 scripts/check_dicts.py [DICT_DIR]

Prints one line per problem and exits 1 if there was any; prints a summary and
exits 0 otherwise. Needs only the standard library.
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

DEFAULT_DIR = Path(__file__).resolve().parent.parent / "crates" / "coder" / "dict"

ROLES = {"head_of_state", "head_of_government", "foreign_minister", "defense_minister", "other"}
CODE_RE = re.compile(r"^[A-Z]{3,}$")
AGENT_RE = re.compile(r"^[A-Z]{3}$")
# Far past and far future stand in for open-ended ranges.
MIN_DATE, MAX_DATE = date(1, 1, 1), date(9999, 12, 31)

# file -> (columns, index of the code column, indices of name columns)
LAYOUT = {
    "countries.txt": (6, [1, 2, 3, 4, 5]),
    "people.txt": (5, [4]),
    "igos.txt": (2, [1]),
    "groups.txt": (2, [1]),
    "agents.txt": (2, [1]),
}


@dataclass
class Entry:
    file: str
    line: int
    code: str
    start: date
    end: date


class Checker:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.errors: list[str] = []
        self.counts: dict[str, int] = {}
        # normalised name -> entries that use it, for the collision check
        self.actor_names: dict[str, list[Entry]] = defaultdict(list)
        self.agent_names: dict[str, list[Entry]] = defaultdict(list)
        self.country_codes: set[str] = set()
        self.org_codes: set[str] = set()
        self.agent_codes: set[str] = set()
        self.people: list[tuple[int, str]] = []

    def err(self, file: str, line: int, msg: str) -> None:
        self.errors.append(f"{file}:{line}: {msg}")

    @staticmethod
    def norm(name: str) -> str:
        # The engine matches case-insensitively on token boundaries, so do we.
        return " ".join(name.casefold().split())

    def parse_date(self, file: str, line: int, s: str, what: str) -> date | None:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
            self.err(file, line, f"{what} {s!r} is not YYYY-MM-DD")
            return None
        try:
            return date.fromisoformat(s)
        except ValueError as e:
            self.err(file, line, f"{what} {s!r}: {e}")
            return None

    def split_alts(self, file: str, line: int, field: str, col: int, required: bool) -> list[str]:
        if field == "":
            if required:
                self.err(file, line, f"column {col + 1} is empty")
            return []
        alts = field.split("|")
        for a in alts:
            if a == "":
                self.err(file, line, f"column {col + 1} has an empty alternative")
            elif a != a.strip() or "  " in a:
                self.err(file, line, f"column {col + 1} alternative {a!r} has stray spaces")
        return [a for a in alts if a.strip()]

    def rows(self, name: str):
        path = self.root / name
        if not path.exists():
            self.err(name, 0, "missing file")
            return
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as e:
            self.err(name, 0, f"not UTF-8: {e}")
            return
        lines = text.split("\n")
        if not lines or not lines[0].startswith("#") or len(lines[0].strip("# ")) < 20:
            self.err(name, 1, "first line must be a comment giving provenance and licence")
        ncols = LAYOUT[name][0]
        prev = ""
        n = 0
        for i, raw in enumerate(lines, 1):
            if raw.endswith("\r"):
                self.err(name, i, "CRLF line ending")
                raw = raw[:-1]
            if raw.strip() == "" or raw.lstrip().startswith("#"):
                continue
            cols = raw.split("\t")
            if len(cols) != ncols:
                self.err(name, i, f"{len(cols)} columns, expected {ncols}")
                continue
            code = cols[0]
            if code < prev:
                self.err(name, i, f"not sorted by code: {code} after {prev}")
            prev = code
            n += 1
            yield i, cols
        self.counts[name] = n

    def check_countries(self) -> None:
        f = "countries.txt"
        seen = set()
        for i, cols in self.rows(f):
            code = cols[0]
            if not re.fullmatch(r"[A-Z]{3}", code):
                self.err(f, i, f"country code {code!r} must be three uppercase letters")
            if code in seen:
                self.err(f, i, f"duplicate country code {code}")
            seen.add(code)
            self.country_codes.add(code)
            for col in range(1, 6):
                for a in self.split_alts(f, i, cols[col], col, required=(col == 1)):
                    self.add_actor(a, Entry(f, i, code, MIN_DATE, MAX_DATE))

    def check_orgs(self, f: str) -> None:
        # A code may repeat (one organisation per line, several sharing IGOUNO);
        # sorting keeps the repeats together.
        for i, cols in self.rows(f):
            code = cols[0]
            if not CODE_RE.fullmatch(code):
                self.err(f, i, f"code {code!r} must be uppercase letters")
            self.org_codes.add(code)
            for a in self.split_alts(f, i, cols[1], 1, required=True):
                self.add_actor(a, Entry(f, i, code, MIN_DATE, MAX_DATE))

    def check_agents(self) -> None:
        f = "agents.txt"
        seen = set()
        for i, cols in self.rows(f):
            code = cols[0]
            if not AGENT_RE.fullmatch(code):
                self.err(f, i, f"agent code {code!r} must be three uppercase letters")
            if code in seen:
                self.err(f, i, f"duplicate agent {code}: put all its phrases on one line")
            seen.add(code)
            self.agent_codes.add(code)
            for a in self.split_alts(f, i, cols[1], 1, required=True):
                if a != a.lower():
                    self.err(f, i, f"agent phrase {a!r} must be lower case")
                self.agent_names[self.norm(a)].append(Entry(f, i, code, MIN_DATE, MAX_DATE))

    def check_people(self) -> None:
        f = "people.txt"
        for i, cols in self.rows(f):
            code, start_s, end_s, role, names = cols
            if not CODE_RE.fullmatch(code):
                self.err(f, i, f"code {code!r} must be uppercase letters")
            start = self.parse_date(f, i, start_s, "start") if start_s else MIN_DATE
            end = self.parse_date(f, i, end_s, "end") if end_s else MAX_DATE
            if start and end and start > end:
                self.err(f, i, f"start {start_s} after end {end_s}")
            if role not in ROLES:
                self.err(f, i, f"role {role!r} not one of {sorted(ROLES)}")
            self.people.append((i, code))
            for a in self.split_alts(f, i, names, 4, required=True):
                self.add_actor(a, Entry(f, i, code, start or MIN_DATE, end or MAX_DATE))

    def check_people_codes(self) -> None:
        """A person's code is a known country or organisation followed by agent codes."""
        for i, code in self.people:
            base = next((o for o in sorted(self.org_codes, key=len, reverse=True)
                         if code.startswith(o)), None)
            if base is None and code[:3] in self.country_codes:
                base = code[:3]
            if base is None:
                self.err("people.txt", i, f"code {code} starts with no known country or organisation")
                continue
            rest = code[len(base):]
            for k in range(0, len(rest), 3):
                part = rest[k:k + 3]
                if part not in self.agent_codes:
                    self.err("people.txt", i, f"code {code}: {part!r} is not an agent in agents.txt")

    def add_actor(self, name: str, e: Entry) -> None:
        self.actor_names[self.norm(name)].append(e)

    @staticmethod
    def collisions(index: dict[str, list[Entry]]):
        for name, entries in index.items():
            for a_i, a in enumerate(entries):
                for b in entries[a_i + 1:]:
                    if a.code != b.code and a.start <= b.end and b.start <= a.end:
                        yield name, a, b

    def check_verb_alternatives(self) -> None:
        """A pattern's `|` separates single words: `alert level|security level` reads as
        `alert`, `level|security`, `level`. A content word repeated across a pattern's elements
        is that mistake."""
        path = self.root / "verbs.txt"
        if not path.exists():
            return
        function = {"of", "to", "for", "the", "a", "an", "in", "on", "with", "and", "from", "by"}
        for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not raw.startswith("  "):
                continue
            elems = raw.split("#")[0].split()[1:]
            seen: set[str] = set()
            for el in elems:
                words = set(el.split("|")) - {"*", "+", "$"} - function
                if words & seen:
                    self.err("verbs.txt", n, f"{sorted(words & seen)} repeated: `|` separates single words")
                seen |= words
        self.counts["verbs.txt lines"] = n

    def run(self) -> int:
        self.check_verb_alternatives()
        self.check_countries()
        self.check_orgs("igos.txt")
        self.check_orgs("groups.txt")
        self.check_agents()
        self.check_people()
        self.check_people_codes()
        for name, a, b in self.collisions(self.actor_names):
            self.err(b.file, b.line, f"name {name!r} maps to {b.code} here and to {a.code} at {a.file}:{a.line} at overlapping dates")
        for name, a, b in self.collisions(self.agent_names):
            self.err(b.file, b.line, f"phrase {name!r} maps to {b.code} here and to {a.code} at {a.file}:{a.line}")
        for e in self.errors:
            print(e)
        summary = ", ".join(f"{k} {v}" for k, v in sorted(self.counts.items()))
        if self.errors:
            print(f"{len(self.errors)} problem(s); entries: {summary}", file=sys.stderr)
            return 1
        print(f"ok: {summary}")
        return 0


if __name__ == "__main__":
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DIR
    sys.exit(Checker(root).run())
