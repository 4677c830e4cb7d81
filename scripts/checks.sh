# Shared by the check scripts (sourced): `run WHAT CMD...` runs one check, counts it in
# `passed` or `failed`, and shows its output indented (on stderr when it failed; on success
# only when CHECKS_SHOW_OK=1). `checks_summary NAME` prints the totals and fails if any failed.
# The sourcing script defines `log`.
passed=0
failed=0
run() {
  local what="$1"; shift
  local out
  if out="$("$@" 2>&1)"; then
    passed=$((passed + 1))
    log "ok   $what"
    if [ "${CHECKS_SHOW_OK:-0}" = 1 ] && [ -n "$out" ]; then printf '%s\n' "$out" | sed 's/^/    /'; fi
  else
    failed=$((failed + 1))
    log "FAIL $what"
    printf '%s\n' "$out" | sed 's/^/    /' >&2
  fi
}
checks_summary() {
  echo "$1: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
