#!/usr/bin/env python3
"""Articles built from real news sentences, for `make bench-e2e` (the embedded pipeline's
sentences per CPU-second against the coder alone's on the same text).

usage: real_corpus.py COUNT SEED > articles.jsonl

Each article is 4 to 20 sentences drawn (with a seeded generator, so the corpus is the same at
every run) from the real-text sets of crates/coder/tests/data/real/ (Wikipedia's 2025 current
events and State Department releases), published on the first sentence's date, as plain text in
paragraphs of two or three sentences. The draws make every body different, so the extract
cache does not hide the coder's work; the same sentences recur across articles, as the same
story does across outlets, and dedup merges their events.
"""
import json
import random
import sys
from pathlib import Path

REAL = Path(__file__).resolve().parent.parent / "crates/coder/tests/data/real"


def sentences():
    out = []
    for name in ("current-events.items.jsonl", "state-department.items.jsonl"):
        for line in open(REAL / name, encoding="utf-8"):
            item = json.loads(line)
            date = item.get("date") or item["published_at"][:10]
            out.append((item["text"].strip(), date))
    return out


def main():
    count, seed = int(sys.argv[1]), int(sys.argv[2])
    pool = sentences()
    rng = random.Random(seed)
    outlets = ["wire.example", "daily.example", "post.example", "herald.example"]
    for i in range(count):
        drawn = rng.sample(pool, rng.randint(4, 20))
        paragraphs, k = [], 0
        while k < len(drawn):
            n = rng.randint(2, 3)
            paragraphs.append(" ".join(s for s, _ in drawn[k : k + n]))
            k += n
        print(json.dumps({
            "id": f"real-{seed}-{i}",
            "source": outlets[i % len(outlets)],
            "published_at": f"{drawn[0][1]}T12:00:00Z",
            "title": drawn[0][0][:80],
            "body": "\n\n".join(paragraphs),
            "language": "en",
        }, ensure_ascii=False))


if __name__ == "__main__":
    main()
