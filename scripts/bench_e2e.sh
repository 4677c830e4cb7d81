#!/usr/bin/env bash
# End-to-end benchmark on the local broker (make bench-e2e).
#
#  1. throughput: N loadgen articles pre-loaded, then drained by
#       a. the pass-through baseline (consume and produce the same records, no work), and
#       b. the three stages ingest -> extract -> dedup running together,
#     each measured from its first consumed record to the last one processed at the end of
#     the chain, in articles per second;
#  2. latency: the three stages at a fixed rate (RATE articles/s for LAT_COUNT articles),
#     from the produce time of each article to the arrival of its first event (Kafka record
#     timestamps of articles.raw and events), p50 and p99.
#
# Env: N (20000), RATE (200), LAT_COUNT (3000), BENCH_BROKER_PORT (19192), PROFILE (release).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${N:-20000}"
RATE="${RATE:-200}"
LAT_COUNT="${LAT_COUNT:-3000}"
PORT="${BENCH_BROKER_PORT:-19192}"
PROFILE="${PROFILE:-release}"
WORK="${CARGO_TARGET_DIR:-$ROOT/target}/bench-e2e"
mkdir -p "$WORK"

cd "$ROOT"
if [ "$PROFILE" = release ]; then
  cargo build --release -q -p dragoman
else
  cargo build -q -p dragoman
fi
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/$PROFILE/dragoman"

export BROKER_PORT="$PORT" BROKER_STATE_DIR="$WORK/broker"
bash scripts/broker.sh stop >/dev/null 2>&1 || true
bash scripts/broker.sh start
PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  bash "$ROOT/scripts/broker.sh" stop >/dev/null 2>&1 || true
}
trap cleanup EXIT

export DRAGOMAN__KAFKA__BROKERS="127.0.0.1:$PORT"
export DRAGOMAN__LOG__LEVEL=warn
export DRAGOMAN__KAFKA__STATISTICS_INTERVAL_MS=1000

# metric URL SAMPLE -> value (0 when absent)
metric() {
  curl -s "http://$1/metrics" | awk -v s="$2" 'index($0, s" ") == 1 { print $2; found=1 } END { if (!found) print 0 }'
}
wait_ready() {
  for _ in $(seq 1 600); do
    curl -sf "http://$1/ready" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "bench: service on $1 never became ready" >&2
  return 1
}
now() { date +%s.%N; }

# start_service NAME PREFIX ADMIN ARGS... (topics of the run under PREFIX)
start_service() {
  local stage="$1" prefix="$2" admin="$3"
  shift 3
  DRAGOMAN__TOPICS__ARTICLES_RAW="$prefix.articles.raw" \
  DRAGOMAN__TOPICS__ARTICLES_CLEAN="$prefix.articles.clean" \
  DRAGOMAN__TOPICS__EVENTS_EXTRACTED="$prefix.events.extracted" \
  DRAGOMAN__TOPICS__EVENTS="$prefix.events" \
  DRAGOMAN__TOPICS__DEDUP_CHANGELOG="$prefix.dedup.changelog" \
  DRAGOMAN__KAFKA__GROUP_ID="$prefix-$stage" \
  DRAGOMAN__ADMIN__LISTEN="$admin" \
    "$BIN" "$stage" "$@" >"$WORK/$prefix-$stage.log" 2>&1 &
  PIDS+=($!)
}

# --- 1a. pass-through baseline ---------------------------------------------------------
echo "bench: loading $N articles (pass-through run)"
"$BIN" loadgen --count "$N" --seed 1 --topic pt.articles.raw 2>/dev/null
A_PT=127.0.0.1:19501
start_service passthrough pt "$A_PT" --input pt.articles.raw --output pt.articles.copy
wait_ready "$A_PT"
t0=""
while :; do
  in=$(metric "$A_PT" 'dragoman_records_in_total{stage="passthrough"}')
  [ -z "$t0" ] && [ "${in%.*}" -gt 0 ] && t0=$(now)
  out=$(metric "$A_PT" 'dragoman_records_out_total{stage="passthrough"}')
  [ "${out%.*}" -ge "$N" ] && break
  sleep 0.05
done
t1=$(now)
kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true
PT_RATE=$(python3 -c "print(f'{$N/($t1-$t0):.0f}')")

# --- 1b. the three stages --------------------------------------------------------------
echo "bench: loading $N articles (pipeline run)"
"$BIN" loadgen --count "$N" --seed 1 --topic pl.articles.raw 2>/dev/null
A_IN=127.0.0.1:19511 A_EX=127.0.0.1:19512 A_DD=127.0.0.1:19513
start_service dedup pl "$A_DD"
start_service extract pl "$A_EX"
wait_ready "$A_DD"; wait_ready "$A_EX"
start_service ingest pl "$A_IN"
wait_ready "$A_IN"
# Done when every stage has consumed all its predecessor produced and nothing has moved for
# two seconds; the run ends at the last movement, so the quiet wait is not counted.
t0=""
last=""
t_last=""
while :; do
  i_in=$(metric "$A_IN" 'dragoman_records_in_total{stage="ingest"}')
  [ -z "$t0" ] && [ "${i_in%.*}" -gt 0 ] && t0=$(now)
  i_out=$(metric "$A_IN" 'dragoman_records_out_total{stage="ingest"}')
  e_in=$(metric "$A_EX" 'dragoman_records_in_total{stage="extract"}')
  e_out=$(metric "$A_EX" 'dragoman_records_out_total{stage="extract"}')
  d_in=$(metric "$A_DD" 'dragoman_records_in_total{stage="dedup"}')
  d_out=$(metric "$A_DD" 'dragoman_records_out_total{stage="dedup"}')
  state="$i_in $i_out $e_in $e_out $d_in $d_out"
  if [ "$state" != "$last" ]; then
    last="$state"
    t_last=$(now)
  elif [ "${i_in%.*}" -ge "$N" ] && [ "${e_in%.*}" -ge "${i_out%.*}" ] && [ "${d_in%.*}" -ge "${e_out%.*}" ] \
       && python3 -c "import sys; sys.exit(0 if $(now) - $t_last > 2 else 1)"; then
    break
  fi
  sleep 0.05
done
t1="$t_last"
PL_RATE=$(python3 -c "print(f'{$N/($t1-$t0):.0f}')")
D_OUT=$(metric "$A_DD" 'dragoman_records_out_total{stage="dedup"}')

# --- 2. latency at a fixed rate ----------------------------------------------------------
# The same three services, fed by the loadgen at RATE articles/s on fresh topics.
for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
wait 2>/dev/null || true
PIDS=()
start_service dedup lat "$A_DD"
start_service extract lat "$A_EX"
start_service ingest lat "$A_IN"
wait_ready "$A_DD"; wait_ready "$A_EX"; wait_ready "$A_IN"
echo "bench: latency run, $LAT_COUNT articles at $RATE/s"
"$BIN" loadgen --count "$LAT_COUNT" --rate "$RATE" --seed 2 --topic lat.articles.raw 2>/dev/null
sleep 5
"$BIN" consume --topic lat.articles.raw --meta >"$WORK/lat.raw.jsonl" 2>/dev/null
"$BIN" consume --topic lat.events --meta >"$WORK/lat.events.jsonl" 2>/dev/null
LAT=$(python3 - "$WORK/lat.raw.jsonl" "$WORK/lat.events.jsonl" <<'EOF'
import json, sys
sent = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["key"] is not None:
        sent[r["key"]] = r["timestamp_ms"]
first = {}
for line in open(sys.argv[2]):
    r = json.loads(line)
    e = json.loads(r["value"])
    a = e["evidence"]["article_id"]
    if a in sent:
        first[a] = min(first.get(a, r["timestamp_ms"]), r["timestamp_ms"])
lat = sorted(first[a] - sent[a] for a in first)
if not lat:
    print("n=0")
else:
    q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))]
    print(f"n={len(lat)} p50={q(0.50)}ms p99={q(0.99)}ms max={lat[-1]}ms")
EOF
)

echo
echo "== bench-e2e ($PROFILE build, tansu memory broker, $(nproc) cores) =="
printf '%-34s %10s\n' "run" "articles/s"
printf '%-34s %10s\n' "pass-through (consume+produce)" "$PT_RATE"
printf '%-34s %10s\n' "ingest -> extract -> dedup" "$PL_RATE"
python3 -c "print(f'ratio pipeline / pass-through: {$PL_RATE/$PT_RATE:.2f} (goal >= 0.50)')"
echo "events published in the throughput run: ${D_OUT%.*}"
echo "latency at $RATE articles/s (produce -> first event): $LAT"
