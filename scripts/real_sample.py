#!/usr/bin/env python3
"""Draws the labelled sets of real text from ../shared/corpus/ by a rule fixed before tuning.

- current-events: every item whose sha256("dragoman/label-sample/v1:" + id) mod 100 < 22
  (about 22% of the 5,416 items, every category in its natural proportion).
- state-department: releases in order of sha256("dragoman/label-sample/v1:" + id), whole,
  skipping those of more than 150 sentences (the longest 8%: full transcripts of press
  briefings, which would outweigh the rest), until 80 releases and at least 400 sentences
  are taken; each release's sentences are the
  ones the coder reads after ingest (`cargo run -p dragoman-pipeline --example sentences`).
- blind part: items (for state-department, whole releases) whose
  sha256("dragoman/blind/v1:" + id) mod 3 == 0. Only its totals are ever looked at.

Usage: scripts/real_sample.py CORPUS_DIR OUT_DIR
"""
import hashlib
import json
import subprocess
import sys
import tempfile

MAX_SENTENCES = 150


def h(tag, ident):
    return int(hashlib.sha256(f"dragoman/{tag}/v1:{ident}".encode()).hexdigest()[:8], 16)


def part(ident):
    return "blind" if h("blind", ident) % 3 == 0 else "studied"


def current_events(corpus, out):
    with open(f"{corpus}/current-events-2025.jsonl") as f, open(
        f"{out}/current-events.items.jsonl", "w"
    ) as w:
        n = 0
        for line in f:
            x = json.loads(line)
            if h("label-sample", x["id"]) % 100 >= 22:
                continue
            keep = {k: x[k] for k in ("id", "date", "category", "text")}
            keep["part"] = part(x["id"])
            w.write(json.dumps(keep, ensure_ascii=False) + "\n")
            n += 1
    print(f"current-events: {n} items", file=sys.stderr)


def state_department(corpus, out):
    releases = [json.loads(l) for l in open(f"{corpus}/state-department-2021-22.jsonl")]
    releases.sort(key=lambda r: h("label-sample", r["id"]))
    taken, sentences = [], []
    for r in releases:
        if len(taken) >= 80 and len(sentences) >= 400:
            break
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl") as t:
            t.write(json.dumps(r) + "\n")
            t.flush()
            dump = subprocess.run(
                ["cargo", "run", "-q", "-p", "dragoman-pipeline", "--example", "sentences", t.name],
                check=True, capture_output=True, text=True,
            ).stdout
        sents = [json.loads(l) for l in dump.splitlines()]
        if not sents or len(sents) > MAX_SENTENCES:
            continue
        taken.append(r)
        for s in sents:
            sentences.append({
                "id": f"{r['id']}#{s['n']}", "release": r["id"], "n": s["n"],
                "published_at": r["published_at"], "text": s["text"], "part": part(r["id"]),
            })
    taken.sort(key=lambda r: r["id"])
    with open(f"{out}/state-department.articles.jsonl", "w") as w:
        for r in taken:
            w.write(json.dumps(r, ensure_ascii=False) + "\n")
    with open(f"{out}/state-department.items.jsonl", "w") as w:
        for s in sorted(sentences, key=lambda s: (s["release"], s["n"])):
            w.write(json.dumps(s, ensure_ascii=False) + "\n")
    print(f"state-department: {len(taken)} releases, {len(sentences)} sentences", file=sys.stderr)


if __name__ == "__main__":
    corpus, out = sys.argv[1], sys.argv[2]
    current_events(corpus, out)
    if "--no-sd" not in sys.argv:
        state_department(corpus, out)
