#!/usr/bin/env bash
# End-to-end benchmark on the local broker (make bench-e2e).
#
#  1. throughput: N loadgen articles loaded while the services are paused, then drained by
#       a. the pass-through baseline (consume and produce the same records, no work), and
#       b. the three stages ingest -> extract -> dedup running together,
#     each measured from the resume to the last record produced at the end of the chain, in
#     articles per second (both warmed up first, see below);
#  2. latency: the three stages at a fixed rate (RATE articles/s for LAT_COUNT articles),
#     from the produce time of each article to the arrival of its first event (Kafka record
#     timestamps of articles.raw and events), p50 and p99;
#  3. the ratios of issue 12: the services' CPU (broker included) against the embedded
#     pipeline's on the same N articles (and the services' processors alone, one thread, no
#     broker: crates/dragoman/examples/service_cpu.rs), and, on REAL_N articles built from
#     real news sentences (scripts/real_corpus.py), `dragoman run`'s sentences per CPU-second
#     against the coder alone's on the same text (crates/pipeline/examples/stage_cpu.rs),
#     medians of REPS runs.
#
# Env: N (20000), REAL_N (5000), REPS (5), WARM (300), SAMPLE (0.5, seconds between samples of the services' metrics),
# RATE (200), LAT_COUNT (3000), BENCH_BROKER_PORT (19192), PROFILE (release), BENCH_CONFIG
# (a --config file for every service, e.g. to compare Kafka client settings), PERF_DIR
# (profile each pipeline service with perf over the measured run: perf report -i
# DIR/STAGE.data), PERF_ARGS (more perf record options, e.g. "--call-graph dwarf").
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${N:-20000}"
REAL_N="${REAL_N:-5000}"
REPS="${REPS:-5}"
WARM="${WARM:-300}"
SAMPLE="${SAMPLE:-0.5}"
RATE="${RATE:-200}"
LAT_COUNT="${LAT_COUNT:-3000}"
PORT="${BENCH_BROKER_PORT:-19192}"
PROFILE="${PROFILE:-release}"
WORK="${CARGO_TARGET_DIR:-$ROOT/target}/bench-e2e"
mkdir -p "$WORK"

cd "$ROOT"
if [ "$PROFILE" = release ]; then
  cargo build --release -q -p dragoman
  cargo build --release -q -p dragoman-pipeline --example stage_cpu
  cargo build --release -q -p dragoman --example service_cpu
else
  cargo build -q -p dragoman
  cargo build -q -p dragoman-pipeline --example stage_cpu
  cargo build -q -p dragoman --example service_cpu
fi
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/$PROFILE/dragoman"
STAGE_CPU="${CARGO_TARGET_DIR:-$ROOT/target}/$PROFILE/examples/stage_cpu"
SERVICE_CPU="${CARGO_TARGET_DIR:-$ROOT/target}/$PROFILE/examples/service_cpu"

export BROKER_PORT="$PORT" BROKER_STATE_DIR="$WORK/broker"
bash scripts/broker.sh stop >/dev/null 2>&1 || true
bash scripts/broker.sh start
PIDS=()
cleanup() {
  # (CONT first: a service still paused would hold SIGTERM until resumed)
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && { kill -CONT "$p"; kill "$p"; } 2>/dev/null || true; done
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
# inout URL STAGE -> "records_in records_out", from one scrape (the polling loops below share
# the two cores with the services: one scrape per service and sample keeps their cost low)
inout() {
  curl -s "http://$1/metrics" | awk -v i="dragoman_records_in_total{stage=\"$2\"}" \
    -v o="dragoman_records_out_total{stage=\"$2\"}" \
    '$1 == i { vi = $2 } $1 == o { vo = $2 } END { printf "%d %d\n", vi + 0, vo + 0 }'
}
# span_from T0 TOPIC -> seconds from T0 (epoch seconds) to the last record of TOPIC by its Kafka
# timestamp (set by the producing stage when it produced it): the run's duration, independent
# of how often the loops below manage to poll.
span_from() {
  local b
  b=$("$BIN" consume --topic "$2" --meta 2>/dev/null | python3 -c 'import json,sys; print(max(json.loads(l)["timestamp_ms"] for l in sys.stdin))')
  python3 -c "print($b / 1000 - $1)"
}
# proc_seconds -> the three stages' dragoman_processing_seconds_sum, space separated
proc_seconds() {
  echo "$(metric "$A_IN" 'dragoman_processing_seconds_sum{stage="ingest"}') $(metric "$A_EX" 'dragoman_processing_seconds_sum{stage="extract"}') $(metric "$A_DD" 'dragoman_processing_seconds_sum{stage="dedup"}')"
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
# cpu PID -> utime+stime of the process in clock ticks (0 when gone)
cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
TANSU_PID="$(cat "$WORK/broker/tansu.pid" 2>/dev/null || echo 0)"
HZ="$(getconf CLK_TCK)"

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
    "$BIN" "$stage" ${BENCH_CONFIG:+--config "$BENCH_CONFIG"} "$@" >"$WORK/$prefix-$stage.log" 2>&1 &
  PIDS+=($!)
}

# Both runs measure the steady state: the services start and a warm-up batch of WARM articles
# goes through them first (a new idempotent producer needs about a second to get its producer id
# from tansu, and that second would otherwise be most of a short pass-through run). Then the
# services are paused (SIGSTOP), the N articles are loaded, and the clock starts when they are
# resumed (SIGCONT), with every article already waiting in the input topic.
pause() { for p in "$@"; do kill -STOP "$p"; done; }
resume() { for p in "$@"; do kill -CONT "$p"; done; }

# --- 1a. pass-through baseline ---------------------------------------------------------
A_PT=127.0.0.1:19501
start_service passthrough pt "$A_PT" --input pt.articles.raw --output pt.articles.copy
wait_ready "$A_PT"
PT_PID="${PIDS[-1]}"
"$BIN" loadgen --count "$WARM" --seed 7 --topic pt.articles.raw 2>/dev/null
until read -r in out < <(inout "$A_PT" passthrough) && [ "${out%.*}" -ge "$WARM" ]; do sleep 0.05; done
pause "$PT_PID"
echo "bench: loading $N articles (pass-through run)"
"$BIN" loadgen --count "$N" --seed 1 --topic pt.articles.raw 2>/dev/null
c0_b=$(cpu "$TANSU_PID"); c0_p=$(cpu "$PT_PID")
t0=$(now)
resume "$PT_PID"
while :; do
  read -r in out < <(inout "$A_PT" passthrough)
  [ "${out%.*}" -ge $((WARM + N)) ] && break
  sleep "$SAMPLE"
done
PT_C1="$(cpu "$TANSU_PID") $(cpu "$PT_PID")"
kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true
PT_SPAN=$(span_from "$t0" pt.articles.copy)
PT_CPU=$(python3 -c "
b, p = map(int, '$PT_C1'.split())
print(f'tansu {(b - $c0_b) / $HZ:.2f}s, passthrough {(p - $c0_p) / $HZ:.2f}s over {$PT_SPAN:.2f}s')")
PT_RATE=$(python3 -c "print(f'{$N/$PT_SPAN:.0f}')")

# --- 1b. the three stages --------------------------------------------------------------
A_IN=127.0.0.1:19511 A_EX=127.0.0.1:19512 A_DD=127.0.0.1:19513
start_service dedup pl "$A_DD"; DD_PID="${PIDS[-1]}"
start_service extract pl "$A_EX"; EX_PID="${PIDS[-1]}"
start_service ingest pl "$A_IN"; IN_PID="${PIDS[-1]}"
wait_ready "$A_DD"; wait_ready "$A_EX"; wait_ready "$A_IN"
# CPU seconds (utime+stime) of every process from the resume to the end.
pl_cpu() { echo "$(cpu "$TANSU_PID") $(cpu "$IN_PID") $(cpu "$EX_PID") $(cpu "$DD_PID")"; }
# pl_settle TOTAL: sample until ingest has consumed TOTAL records, every stage has consumed all
# its predecessor produced, and nothing has moved for two seconds. PL_C1 is the CPU at the last
# movement, so the quiet wait is not counted.
pl_settle() {
  local last="" state
  t_last=$(now)
  while :; do
    read -r i_in i_out < <(inout "$A_IN" ingest)
    read -r e_in e_out < <(inout "$A_EX" extract)
    read -r d_in d_out < <(inout "$A_DD" dedup)
    state="$i_in $i_out $e_in $e_out $d_in $d_out"
    echo "$(now) $state" >>"$WORK/pl.timeline"
    if [ "$state" != "$last" ]; then
      last="$state"
      t_last=$(now)
      PL_C1=$(pl_cpu)
    elif [ "${i_in%.*}" -ge "$1" ] && [ "${e_in%.*}" -ge "${i_out%.*}" ] && [ "${d_in%.*}" -ge "${e_out%.*}" ] \
         && python3 -c "import sys; sys.exit(0 if $(now) - $t_last > 2 else 1)"; then
      break
    fi
    sleep "$SAMPLE"
  done
}
: >"$WORK/pl.timeline"  # time and the six counters at every sample, for a look at the flow
"$BIN" loadgen --count "$WARM" --seed 7 --topic pl.articles.raw 2>/dev/null
pl_settle "$WARM"
# (a paused service does not answer /metrics: read them first)
D_OUT0=$(metric "$A_DD" 'dragoman_records_out_total{stage="dedup"}')
PL_PROC0=$(proc_seconds)
pause "$IN_PID" "$EX_PID" "$DD_PID"
echo "bench: loading $N articles (pipeline run)"
"$BIN" loadgen --count "$N" --seed 1 --topic pl.articles.raw 2>/dev/null
PL_C0=$(pl_cpu)
t0=$(now)
echo "$t0 resume" >>"$WORK/pl.timeline"
PERFS=()
if [ -n "${PERF_DIR:-}" ]; then
  for s in ingest:$IN_PID extract:$EX_PID dedup:$DD_PID; do
    perf record -q -F 999 ${PERF_ARGS:-} -p "${s#*:}" -o "$PERF_DIR/${s%%:*}.data" 2>/dev/null &
    PERFS+=($!)
  done
  sleep 0.5  # perf attaches
fi
resume "$IN_PID" "$EX_PID" "$DD_PID"
pl_settle $((WARM + N))
for p in "${PERFS[@]:-}"; do [ -n "$p" ] && kill -INT "$p" && wait "$p" 2>/dev/null || true; done
PL_SPAN=$(span_from "$t0" pl.events)
PL_RATE=$(python3 -c "print(f'{$N/$PL_SPAN:.0f}')")
D_OUT=$(python3 -c "print(int($(metric "$A_DD" 'dragoman_records_out_total{stage="dedup"}') - $D_OUT0))")
# Time inside the processors (the rest of a stage's CPU is the runtime and librdkafka).
PL_PROC=$(python3 -c "
a = '$PL_PROC0'.split(); b = '$(proc_seconds)'.split()
print(', '.join(f'{n} {float(y) - float(x):.2f}s' for n, x, y in zip(['ingest', 'extract', 'dedup'], a, b)))")
PL_CPU=$(python3 - "$PL_C0" "$PL_C1" "$HZ" "$PL_SPAN" <<'EOF'
import sys
a = [int(x) for x in sys.argv[1].split()]; b = [int(x) for x in sys.argv[2].split()]
hz = float(sys.argv[3]); wall = float(sys.argv[4])
names = ["tansu", "ingest", "extract", "dedup"]
print(", ".join(f"{n} {(y - x) / hz:.2f}s" for n, x, y in zip(names, a, b)) + f" over {wall:.2f}s")
EOF
)

# --- 1c. the same articles through the embedded pipeline (one thread, no broker) -----------
# The stages' own work, without Kafka: what the two cores must fit beside the broker.
"$BIN" loadgen --count "$N" --seed 1 --output "$WORK/corpus.jsonl" 2>/dev/null
# (less a run on one article: loading the dictionaries and the gazetteer is not per-article work)
head -n 1 "$WORK/corpus.jsonl" >"$WORK/corpus1.jsonl"
embedded() {
  TIMEFORMAT='%R %U %S'
  { time "$BIN" run --input "$1" --output /dev/null 2>/dev/null; } 2>&1 | tail -1
}
EMB=$(embedded "$WORK/corpus.jsonl")
EMB0=$(embedded "$WORK/corpus1.jsonl")
EMB_LINE=$(python3 -c "
w, u, s = map(float, '$EMB'.split())
w0, u0, s0 = map(float, '$EMB0'.split())
print(f'{$N / (w - w0):.0f} articles/s, {u + s - u0 - s0:.2f} CPU-s for the {$N} articles (start-up of {u0 + s0:.2f} s left out)')")
# The services' CPU (broker and the three stages, resume to last movement) over the embedded
# run's on the same articles.
SVC_RATIO=$(python3 -c "
a = [int(x) for x in '$PL_C0'.split()]; b = [int(x) for x in '$PL_C1'.split()]
svc = sum(y - x for x, y in zip(a, b)) / $HZ
u, s = map(float, '$EMB'.split()[1:]); u0, s0 = map(float, '$EMB0'.split()[1:])
emb = u + s - u0 - s0
print(f'{svc:.2f} CPU-s / {emb:.2f} CPU-s = {svc / emb:.2f} (goal <= 1.40)')")

# The services' processors on the same articles, one thread, no broker: the services' CPU
# above less this is what the Kafka hops cost (crates/dragoman/examples/service_cpu.rs).
ALONE=$("$SERVICE_CPU" "$WORK/corpus.jsonl")

# --- 1d. real news sentences: dragoman run against the coder alone (medians of REPS runs) ---
python3 scripts/real_corpus.py "$REAL_N" 1 >"$WORK/real.jsonl"
cpu_of() { python3 -c "import sys; _, u, s = map(float, sys.argv[1].split()); print(u + s)" "$1"; }
median() { python3 -c "import statistics, sys; print(statistics.median(map(float, sys.argv[1:])))" "$@"; }
RUN_CPU=() ONE_CPU=() CODER_CPU=() STAGES=""
for _ in $(seq 1 "$REPS"); do
  RUN_CPU+=("$(cpu_of "$(embedded "$WORK/real.jsonl")")")
  ONE_CPU+=("$(cpu_of "$(embedded "$WORK/corpus1.jsonl")")")
  STAGES=$("$STAGE_CPU" "$WORK/real.jsonl")
  CODER_CPU+=("$(echo "$STAGES" | awk '/^coder alone/ { print $3 }')")
done
SENTENCES=$(echo "$STAGES" | awk 'NR == 1 { print $3 }')
REAL_LINE=$(python3 -c "
run, one, coder = $(median "${RUN_CPU[@]}"), $(median "${ONE_CPU[@]}"), $(median "${CODER_CPU[@]}")
n = $SENTENCES
e2e, alone = n / (run - one), n / coder
print(f'dragoman run {e2e:,.0f} sentences/CPU-s ({run - one:.2f} CPU-s, start-up left out), '
      f'coder alone {alone:,.0f} ({coder:.2f} CPU-s): {e2e / alone:.2f} of the coder alone '
      f'(goal >= 50,000 sentences/CPU-s)')")

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
# From the resume to the Kafka timestamp of the last record the last stage produced (set when it
# produced it; its acknowledgement follows within milliseconds). The loops above sample the
# services only every SAMPLE seconds, to know when a run is over, so that the sampling (curl,
# awk) takes next to no CPU from the services it measures.
printf '%-34s %12s\n' "run" "articles/s"
printf '%-34s %12s\n' "pass-through (consume+produce)" "$PT_RATE"
printf '%-34s %12s\n' "ingest -> extract -> dedup" "$PL_RATE"
python3 -c "print(f'ratio pipeline / pass-through: {$PL_RATE/$PT_RATE:.2f} (goal >= 0.50)')"
echo "events published in the throughput run: ${D_OUT%.*}"
echo "embedded pipeline (dragoman run, one thread, no broker): $EMB_LINE"
echo "ratio services' CPU / embedded CPU per $N articles: $SVC_RATIO"
echo "real news sentences ($REAL_N articles, $SENTENCES sentences, medians of $REPS runs): $REAL_LINE"
echo "where the embedded CPU goes on them (stage_cpu, last run):"
echo "$STAGES" | sed 1d | sed 's/^/  /'
echo "CPU (user+sys) pass-through run: $PT_CPU"
echo "CPU (user+sys) pipeline run: $PL_CPU"
echo "$ALONE"
echo "time inside the processors (pipeline run): $PL_PROC"
echo "latency at $RATE articles/s (produce -> first event): $LAT"
