#!/usr/bin/env bash
# Local Kafka-protocol broker (tansu, in-memory storage) for tests, demos and benchmarks.
#
#   scripts/broker.sh start|stop|status|restart|install
#
# BROKER_PORT (default 9092) picks the port; BROKER_STATE_DIR (default target/broker/<port>, inside the ignored target dir) holds the
# pid file and the log. `start` is idempotent and returns once the broker accepts connections.
#
# The broker is tansu 0.6.0 with patches of ours (scripts/tansu/, each says what and why): the
# released tansu skips the rest of a record batch when a consumer fetches from inside it, and
# leaves a consumer killed with SIGKILL owning its partitions for good; both lose or stall
# records after a kill (the chaos test finds them). So a `tansu` on PATH is never used: the
# patched one is built the first time only (20 to 40 minutes) into TANSU_ROOT, default
# $CARGO_HOME/dragoman-tansu/0.6.0-<hash of the patches>, outside the clone so that clean clones
# on the same machine share it; changed patches get a new directory. TANSU_ROOT builds elsewhere.
set -euo pipefail

PORT="${BROKER_PORT:-9092}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="${BROKER_STATE_DIR:-$ROOT/target/broker/$PORT}"
PIDFILE="$STATE/tansu.pid"
LOG="$STATE/tansu.log"

TANSU_VERSION=0.6.0
# The crates we patch: name, sha256 of the registry's .crate (the checksum in its index; the
# patch is applied to exactly that source), our patch in scripts/tansu/, and a name only the
# patched source has (a tracing field of the patch): proof that the build used it.
PATCHED=(
  "tansu-storage 720d2ed8e6010c70f7f06e5af5a7274ebbf6e42fdcd9e46de542b10dc4d2f35d fetch-inside-batch.patch first_batch_inside"
  "tansu-broker 93c1e91b40c2a706dfdbe9a795c08c70918c874ad23f6e0e87564cc0a180e720 formed-group-dead-member.patch formed_group_member_expired"
)
CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
TANSU_ROOT="${TANSU_ROOT:-$CARGO_HOME/dragoman-tansu/$TANSU_VERSION-$(cat "$ROOT"/scripts/tansu/*.patch | sha256sum | cut -c1-12)}"

find_tansu() {
  [ -x "$TANSU_ROOT/bin/tansu" ] && echo "$TANSU_ROOT/bin/tansu"
}

cached_crate() {
  ls "$CARGO_HOME"/registry/cache/*/"$1-$TANSU_VERSION.crate" 2>/dev/null | head -n 1 || true
}

# The pristine crate $1, checked against its sha256 $2, unpacked into $3: from cargo's download
# cache, where `cargo info` puts it (and only it) on a clean machine.
unpack_crate() {
  local name="$1" sha="$2" build="$3"
  if [ -z "$(cached_crate "$name")" ]; then
    # From / : outside the clone's workspace, whose lock has no tansu.
    (cd / && cargo info --quiet "$name@$TANSU_VERSION" >/dev/null)
  fi
  cp "$(cached_crate "$name")" "$build/$name.crate"
  echo "$sha  $build/$name.crate" | sha256sum --check --status || {
    echo "broker: $name-$TANSU_VERSION.crate does not match its pinned sha256" >&2
    return 1
  }
  rm -rf "${build:?}/$name-$TANSU_VERSION"
  tar -xzf "$build/$name.crate" -C "$build"
}

build_tansu() {
  local build="$ROOT/target/tansu-build" entry name sha patch mark
  local config=()
  echo "broker: building patched tansu $TANSU_VERSION into $TANSU_ROOT (first time only; 20 to 40 minutes on 2 cores)" >&2
  mkdir -p "$build"
  rm -rf "$build/stage"
  for entry in "${PATCHED[@]}"; do
    read -r name sha patch mark <<<"$entry"
    unpack_crate "$name" "$sha" "$build"
    # The ceiling keeps git from taking the clone around target/ for the repository to patch.
    (cd "$build/$name-$TANSU_VERSION" &&
      GIT_CEILING_DIRECTORIES="$build" git apply "$ROOT/scripts/tansu/$patch")
    config+=(--config "patch.crates-io.$name.path=\"$build/$name-$TANSU_VERSION\"")
  done
  # tansu's own Cargo.lock (--locked) with our crates from the patched sources. The default
  # features have no storage engine that works here; dynostore brings memory://. The target dir
  # in target/ lets an interrupted build resume.
  nice cargo install tansu --version "$TANSU_VERSION" --locked --features dynostore "${config[@]}" \
    --target-dir "$build/target" --root "$build/stage" --no-track >&2
  for entry in "${PATCHED[@]}"; do
    read -r name sha patch mark <<<"$entry"
    if ! grep -q -a "$mark" "$build/stage/bin/tansu"; then
      echo "broker: the built tansu lacks $patch (no '$mark' in it)" >&2
      return 1
    fi
  done
  mkdir -p "$TANSU_ROOT/bin"
  mv "$build/stage/bin/tansu" "$TANSU_ROOT/bin/tansu.new"
  mv "$TANSU_ROOT/bin/tansu.new" "$TANSU_ROOT/bin/tansu"
}

install_tansu() {
  mkdir -p "$(dirname "$TANSU_ROOT")"
  # Tests start brokers in parallel: one builds, the others wait for it.
  (
    flock 9
    find_tansu >/dev/null || build_tansu
  ) 9>"$TANSU_ROOT.lock"
}

running() {
  [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null
}

accepts() {
  # A TCP connect is enough: tansu accepts only once its listener is up and serving.
  (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null
}

start() {
  if running; then
    echo "broker: already running on 127.0.0.1:$PORT (pid $(cat "$PIDFILE"))"
    return 0
  fi
  if accepts; then
    echo "broker: port $PORT is taken by another process" >&2
    return 1
  fi
  local bin
  bin="$(find_tansu)" || { install_tansu; bin="$(find_tansu)"; }
  mkdir -p "$STATE"
  # setsid: the broker must outlive the make/test process that started it.
  setsid "$bin" broker \
    --listener-url "tcp://127.0.0.1:$PORT" \
    --advertised-listener-url "tcp://127.0.0.1:$PORT" \
    --storage-engine "memory://tansu/" \
    >"$LOG" 2>&1 </dev/null &
  echo $! >"$PIDFILE"
  for _ in $(seq 1 150); do
    if accepts; then
      echo "broker: $bin on 127.0.0.1:$PORT (pid $(cat "$PIDFILE"), log $LOG)"
      return 0
    fi
    if ! running; then
      echo "broker: tansu exited at start; its log:" >&2
      tail -n 30 "$LOG" >&2
      return 1
    fi
    sleep 0.1
  done
  echo "broker: not accepting connections after 15 s; log: $LOG" >&2
  return 1
}

stop() {
  if ! running; then
    rm -f "$PIDFILE"
    echo "broker: not running on port $PORT"
    return 0
  fi
  local pid
  pid="$(cat "$PIDFILE")"
  kill "$pid"
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  rm -f "$PIDFILE"
  echo "broker: stopped (port $PORT)"
}

status() {
  if running && accepts; then
    echo "broker: running on 127.0.0.1:$PORT (pid $(cat "$PIDFILE"))"
  else
    echo "broker: not running on port $PORT"
    return 1
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  restart) stop; start ;;
  install) find_tansu >/dev/null || install_tansu; find_tansu ;;
  *) echo "usage: $0 start|stop|status|restart|install" >&2; exit 2 ;;
esac
