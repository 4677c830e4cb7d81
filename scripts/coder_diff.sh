#!/usr/bin/env bash
# The coder's behaviour before and after a change, byte for byte.
#
#   scripts/coder_diff.sh baseline DIR   # build, assemble the inputs, save the outputs in DIR
#   scripts/coder_diff.sh check DIR      # build again, code the same inputs, diff against DIR
#
# Inputs (assembled once, by `baseline`, in DIR/inputs, so that both runs read the same bytes):
# the coder's labelled sets (tests/data/*.tsv, one article per sentence; articles.jsonl; the
# real sets under tests/data/real: current-events items and State Department sentences as
# articles, state-department.articles.jsonl), both corpora under ../shared/corpus (current-events
# items as articles {id, body: text, published_at: date}) and 20,000 generated articles
# (`dragoman loadgen --count 20000 --seed 0`, deterministic).
#
# Two levels are compared for each input:
# - candidates: every event the coder emits, before dedup (dedup can merge a difference away),
#   from the articles as ingest cleaned them at baseline time (DIR/clean), so that changes to
#   ingest made meanwhile do not show here. This is the coder's own behaviour.
# - events: `dragoman run` on the raw input, sorted, with the wall-clock fields (mentions'
#   first_seen and last_seen, and the event date of undated articles) removed. This level also
#   moves with changes to ingest, dedup and the pipeline.
#
# A file is "identical", or "identical but for coder.dictionaries" (the field that names what
# was loaded: its counts change with the bundled dictionaries), or "identical but for rule
# names" (evidence.rule lists the rewrite rules that changed an event after its pattern, as
# "attack > rule-name"), or it DIFFERS.
# DICT=DIR codes with that dictionary directory laid over the bundled one (`code_corpus ...
# DIR`, and DRAGOMAN__CODER__DICTIONARIES for `dragoman run`). EVENTS=0 skips the `dragoman
# run` level.
set -euo pipefail

mode=${1:-}
dir=${2:-}
if [[ -z $mode || -z $dir || ! $mode =~ ^(baseline|check)$ ]]; then
    sed -n '2,6p' "$0" >&2
    exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED_DIR:-$root/../shared}
data=$root/crates/coder/tests/data
target=${CARGO_TARGET_DIR:-$root/target}
events=${EVENTS:-1}

cd "$root"
if [[ $events == 1 ]]; then
    cargo build --quiet --release -p dragoman
fi
cargo build --quiet --release -p dragoman-coder --example code_corpus
bin=$target/release/dragoman
ex=$target/release/examples/code_corpus

sentences_tsv() { # TSV with a header: code source target published sentence
    jq -Rnc --arg set "$2" '[inputs] | .[1:] | to_entries[] | (.value | split("\t")) as $f
        | {id: "\($set)-\(.key + 1)", published_at: "\($f[3])T12:00:00Z", body: $f[4]}' "$1"
}
items() { # JSONL items {id, date|published_at, text}
    jq -c '{id, body: .text, published_at: (.published_at // "\(.date)T12:00:00Z")}' "$1"
}

mkdir -p "$dir"
if [[ $mode == baseline ]]; then
    in=$dir/inputs
    mkdir -p "$in" "$dir/clean"
    for s in sentences codebook codebook2 codebook3; do
        sentences_tsv "$data/$s.tsv" "$s" >"$in/$s.jsonl"
    done
    jq -c '.article' "$data/articles.jsonl" >"$in/articles.jsonl"
    items "$data/real/current-events.items.jsonl" >"$in/real-current-events.jsonl"
    items "$data/real/state-department.items.jsonl" >"$in/real-state-department-sentences.jsonl"
    cp "$data/real/state-department.articles.jsonl" "$in/real-state-department-articles.jsonl"
    items "$shared/corpus/current-events-2025.jsonl" >"$in/corpus-current-events-2025.jsonl"
    cp "$shared/corpus/state-department-2021-22.jsonl" "$in/corpus-state-department-2021-22.jsonl"
    "$bin" loadgen --count 20000 --seed 0 --output "$in/loadgen-20000.jsonl" 2>/dev/null
    for f in "$in"/*.jsonl; do
        "$ex" clean "$f" "$dir/clean/$(basename "$f")" 2>/dev/null
    done
    out=$dir/base
else
    out=$dir/new
fi
rm -rf "$out"
mkdir -p "$out"

normalise() { # the events of `dragoman run`, without wall-clock fields, sorted
    jq -c 'del(.mentions.first_seen, .mentions.last_seen)
        | if .date_precision == "first_seen" then del(.event_date) else . end' | LC_ALL=C sort
}

export DRAGOMAN__CODER__DICTIONARIES=${DICT:-}
[[ -n ${DICT:-} ]] || unset DRAGOMAN__CODER__DICTIONARIES
for f in "$dir"/inputs/*.jsonl; do
    name=$(basename "$f" .jsonl)
    "$ex" code "$dir/clean/$name.jsonl" "$out/$name.candidates.jsonl" ${DICT:+"$DICT"} 2>/dev/null
    if [[ $events == 1 ]]; then
        "$bin" run --input "$f" --output - 2>/dev/null | normalise >"$out/$name.events.jsonl"
    fi
done

if [[ $mode == baseline ]]; then
    for f in "$out"/*.jsonl; do
        printf '%-52s %7d lines\n' "$(basename "$f")" "$(wc -l <"$f")"
    done
    echo "baseline saved in $out"
    exit 0
fi

status=0
unlabelled() { jq -c 'del(.coder.dictionaries)' "$1"; }
# The names of the rewrite rules an event's evidence.rule lists after its pattern (" > name").
unnamed() { jq -c 'del(.coder.dictionaries) | .evidence.rule |= sub(" > .*$"; "")' "$1"; }
for f in "$out"/*.jsonl; do
    name=$(basename "$f")
    base=$dir/base/$name
    if [[ ! -f $base ]]; then
        echo "$name: no baseline"
        status=1
    elif [[ -z ${DICT:-} ]] && cmp -s "$base" "$f"; then
        printf '%-52s identical (%d lines)\n' "$name" "$(wc -l <"$f")"
    elif cmp -s <(unlabelled "$base") <(unlabelled "$f"); then
        # coder.dictionaries names what was loaded: it differs with DICT, or when the bundled
        # dictionaries changed.
        printf '%-52s identical but for coder.dictionaries (%d lines)\n' "$name" "$(wc -l <"$f")"
    elif cmp -s <(unnamed "$base") <(unnamed "$f"); then
        n=$(diff <(unlabelled "$base") <(unlabelled "$f") | grep -c '^>' || true)
        printf '%-52s identical but for rule names in evidence.rule (%d of %d lines)\n' \
            "$name" "$n" "$(wc -l <"$f")"
    else
        n=$(diff <(unnamed "$base") <(unnamed "$f") | grep -c '^[<>]' || true)
        printf '%-52s DIFFERS (%d lines changed)\n' "$name" "$n"
        diff <(unnamed "$base") <(unnamed "$f") | head -6 | cut -c1-300
        status=1
    fi
done
exit $status
