#!/usr/bin/env bash
# Validates the deployment files without Docker or a Kubernetes cluster (neither runs here):
#   1. renders deploy/k8s/base and every overlay with `kubectl kustomize`, and validates each
#      object: core kinds against the Kubernetes $K8S_VERSION schemas (kubernetes-validate,
#      strict), CRDs (PodMonitor, PrometheusRule, ScaledObject, TriggerAuthentication) against
#      minimal schemas, plus cross-object checks (deploy/k8s/check_manifests.py);
#   2. checks the PrometheusRule is the rules file promtool tests (no drift);
#   3. checks the Grafana dashboard's structure (deploy/grafana/check_dashboard.py structure);
#   4. checks the compose files: `docker compose config` / `docker-compose config` where it runs
#      without an engine, and structural checks (deploy/check_container.py compose);
#   5. checks the Dockerfile's structure (deploy/check_container.py dockerfile).
# Installs what is missing: kubectl (Debian `kubernetes-client`, needs kustomize >= v4 for
# components), docker-compose (Debian), and a venv at .tools/venv with kubernetes-validate.
# Exits non-zero when anything fails. `make deploy-check` runs it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
K8S_VERSION="${K8S_VERSION:-1.31.0}"
KUBERNETES_VALIDATE_VERSION="1.37.0"
VENV="$ROOT/.tools/venv"
OUT="$ROOT/.tools/rendered"

log() { printf 'validate-deploy: %s\n' "$*"; }
die() { printf 'validate-deploy: FAIL: %s\n' "$*" >&2; exit 1; }

SUDO=""
can_install() {
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; return 0; fi
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; return 0; fi
  return 1
}
apt_install() {
  can_install || return 1
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
  $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "$@" >/dev/null
}

kustomize_major() {
  kubectl version --client 2>/dev/null | sed -n 's/^Kustomize Version: v\([0-9]*\).*/\1/p'
}

# --- tools ---------------------------------------------------------------------------------
if ! command -v kubectl >/dev/null 2>&1; then
  log "kubectl not found; installing the Debian package kubernetes-client"
  apt_install kubernetes-client || die "kubectl is missing and installing it needs root: install kubectl (with kustomize >= v4) and re-run"
fi
major="$(kustomize_major)"
if [ -z "$major" ] || [ "$major" -lt 4 ]; then
  die "kubectl's built-in kustomize is ${major:+v}${major:-unknown}; the manifests use kustomize components (>= v4, kubectl >= 1.21). Install a newer kubectl and re-run"
fi
log "using kubectl $(kubectl version --client 2>/dev/null | sed -n 's/^Client Version: //p') (kustomize v$(kubectl version --client 2>/dev/null | sed -n 's/^Kustomize Version: v//p'))"

if ! "$VENV/bin/python" -c 'import kubernetes_validate, jsonschema, yaml' >/dev/null 2>&1; then
  log "creating $VENV with kubernetes-validate==$KUBERNETES_VALIDATE_VERSION"
  python3 -m venv "$VENV" 2>/dev/null || { apt_install python3-venv && python3 -m venv "$VENV"; } \
    || die "cannot create a Python venv (Debian: apt-get install python3-venv)"
  "$VENV/bin/pip" install -q --disable-pip-version-check "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION" \
    || die "cannot install kubernetes-validate from PyPI"
fi
PY="$VENV/bin/python"

compose_cmd=()
if docker compose version >/dev/null 2>&1; then
  compose_cmd=(docker compose)
elif command -v docker-compose >/dev/null 2>&1 || { log "installing the Debian package docker-compose (for 'config' only)"; apt_install docker-compose; }; then
  command -v docker-compose >/dev/null 2>&1 && compose_cmd=(docker-compose)
fi

# --- checks --------------------------------------------------------------------------------
CHECKS_SHOW_OK=1
# shellcheck source=checks.sh
. "$ROOT/scripts/checks.sh"

rm -rf "$OUT" && mkdir -p "$OUT"
rendered=()
for dir in deploy/k8s/base deploy/k8s/overlays/*/; do
  dir="${dir%/}"
  name="$(basename "$dir")"
  file="$OUT/$name.yaml"
  if run "kubectl kustomize $dir" bash -c "kubectl kustomize '$dir' > '$file' && echo \"\$(grep -c '^kind:' '$file') objects -> ${file#"$ROOT"/}\""; then
    rendered+=("$file")
  fi
done
[ ${#rendered[@]} -gt 0 ] && run "validate rendered manifests (Kubernetes $K8S_VERSION)" \
  "$PY" deploy/k8s/check_manifests.py --kubernetes-version "$K8S_VERSION" "${rendered[@]}"
run "PrometheusRule matches deploy/prometheus/rules" "$PY" deploy/k8s/components/monitoring/sync_rules.py --check
run "dashboard structure" "$PY" deploy/grafana/check_dashboard.py structure

if [ ${#compose_cmd[@]} -gt 0 ]; then
  run "${compose_cmd[*]} config (compose.yaml)" "${compose_cmd[@]}" -f deploy/compose/compose.yaml config -q
  run "${compose_cmd[*]} config (compose.yaml + compose.sasl.yaml)" \
    "${compose_cmd[@]}" -f deploy/compose/compose.yaml -f deploy/compose/compose.sasl.yaml config -q
else
  log "skip docker compose config: neither 'docker compose' nor 'docker-compose' is available"
fi
run "compose structure (compose.yaml)" "$PY" deploy/check_container.py compose deploy/compose/compose.yaml
run "compose structure (compose.yaml + compose.sasl.yaml)" \
  "$PY" deploy/check_container.py compose deploy/compose/compose.yaml deploy/compose/compose.sasl.yaml
run "Dockerfile structure" "$PY" deploy/check_container.py dockerfile deploy/Dockerfile

checks_summary validate-deploy
