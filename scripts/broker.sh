#!/usr/bin/env bash
# Local Kafka-protocol broker (tansu, in-memory storage) for tests, demos and benchmarks.
#
#   scripts/broker.sh start|stop|status|restart
#
# BROKER_PORT (default 9092) picks the port; BROKER_STATE_DIR (default target/broker/<port>, inside the ignored target dir) holds the
# pid file and the log. `start` is idempotent and returns once the broker accepts connections.
# tansu is installed from crates.io the first time only (10 to 20 minutes of build).
set -euo pipefail

PORT="${BROKER_PORT:-9092}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="${BROKER_STATE_DIR:-$ROOT/target/broker/$PORT}"
PIDFILE="$STATE/tansu.pid"
LOG="$STATE/tansu.log"

find_tansu() {
  if command -v tansu >/dev/null 2>&1; then command -v tansu; return; fi
  if [ -x "$HOME/.cargo/bin/tansu" ]; then echo "$HOME/.cargo/bin/tansu"; return; fi
  return 1
}

install_tansu() {
  echo "broker: installing tansu (first time only; this takes 10 to 20 minutes)" >&2
  # The default features have no storage engine that works here; dynostore brings memory://.
  cargo install tansu --locked --features dynostore >&2
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
      echo "broker: tansu on 127.0.0.1:$PORT (pid $(cat "$PIDFILE"), log $LOG)"
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
  *) echo "usage: $0 start|stop|status|restart" >&2; exit 2 ;;
esac
