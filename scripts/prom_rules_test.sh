#!/usr/bin/env bash
# Checks the Prometheus side of the deployment with the real promtool:
#   1. `promtool check config` on every scrape configuration in deploy/prometheus/,
#   2. `promtool check rules` on the alert and recording rules,
#   3. `promtool test rules` on the unit tests in deploy/prometheus/tests/,
#   4. every query of the Grafana dashboard against synthetic series of every catalogue metric
#      (deploy/grafana/check_dashboard.py writes that test): each must parse and return data.
# Installs promtool (Debian package `prometheus`) when it is missing; exits non-zero on any
# failure. Usage: scripts/prom_rules_test.sh   (from anywhere; `make rules-test` runs it).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PROM_DIR="$ROOT/deploy/prometheus"

log() { printf 'prom-rules-test: %s\n' "$*"; }
fail() { printf 'prom-rules-test: FAIL: %s\n' "$*" >&2; exit 1; }

ensure_promtool() {
  command -v promtool >/dev/null 2>&1 && return 0
  log "promtool not found; installing the Debian package 'prometheus'"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo="sudo -n"
    else
      fail "promtool is missing and installing it needs root: run 'apt-get install prometheus' (Debian/Ubuntu) or put promtool on PATH, then re-run"
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get -o DPkg::Lock::Timeout=600 update -qq
  $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends prometheus >/dev/null
  # The package starts its own server on :9090 where systemd runs; nothing here needs it.
  if command -v systemctl >/dev/null 2>&1; then $sudo systemctl disable --now prometheus >/dev/null 2>&1 || true; fi
  command -v promtool >/dev/null 2>&1 || fail "promtool still missing after installing 'prometheus'"
}

ensure_promtool
log "using $(promtool --version 2>&1 | head -n1)"

shopt -s nullglob
configs=("$PROM_DIR"/prometheus*.yml)
rules=("$PROM_DIR"/rules/*.yml)
tests=("$PROM_DIR"/tests/*.yml)
[ ${#configs[@]} -gt 0 ] || fail "no scrape configuration in $PROM_DIR"
[ ${#rules[@]} -gt 0 ] || fail "no rule files in $PROM_DIR/rules"
[ ${#tests[@]} -gt 0 ] || fail "no rule tests in $PROM_DIR/tests"

# shellcheck source=checks.sh
. "$ROOT/scripts/checks.sh"

# check config resolves rule_files relative to the config file, so it checks those rules too.
for c in "${configs[@]}"; do
  run "check config ${c#"$ROOT"/}" promtool check config "$c"
done
for r in "${rules[@]}"; do
  run "check rules ${r#"$ROOT"/}" promtool check rules "$r"
done
for t in "${tests[@]}"; do
  run "test rules ${t#"$ROOT"/}" promtool test rules "$t"
done

# Every alert's runbook annotation must lead to a section of docs/operations.md.
check_runbooks() {
  local missing=0 anchor
  for anchor in $(grep -ho 'operations.md#[a-z0-9-]*' "${rules[@]}" | sed 's/.*#//' | sort -u); do
    if ! grep -qi "^### ${anchor}\$" "$ROOT/docs/operations.md"; then
      echo "no section for runbook #$anchor in docs/operations.md"; missing=1
    fi
  done
  return "$missing"
}
run "runbook links resolve in docs/operations.md" check_runbooks

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
if python3 "$ROOT/deploy/grafana/check_dashboard.py" promtool-test "$tmp/dashboard_test.yml" >/dev/null; then
  run "test dashboard queries deploy/grafana/dashboards/dragoman.json" promtool test rules "$tmp/dashboard_test.yml"
else
  failed=$((failed + 1))
  log "FAIL could not generate the dashboard query test"
fi

checks_summary prom-rules-test
