#!/usr/bin/env bash
# Installs the system packages the build and the tests need, only where they are missing:
# a C toolchain, pkg-config and OpenSSL headers (rdkafka-sys builds librdkafka from source,
# with TLS), promtool and prometheus (alert rule tests and the observability test), kubectl
# (renders the kustomize manifests), tmux (the terminal tests of `dragoman top` and the progress
# line read its screen). Debian package names.
set -euo pipefail

need=()
command -v cc >/dev/null 2>&1 || need+=(gcc)
command -v c++ >/dev/null 2>&1 || need+=(g++)
command -v make >/dev/null 2>&1 || need+=(make)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
dpkg -s libssl-dev >/dev/null 2>&1 || need+=(libssl-dev)
if [ "${1:-}" != "--build" ]; then
  command -v promtool >/dev/null 2>&1 || need+=(prometheus)
  command -v prometheus >/dev/null 2>&1 || need+=(prometheus)
  command -v kubectl >/dev/null 2>&1 || need+=(kubernetes-client)
  command -v tmux >/dev/null 2>&1 || need+=(tmux)
  command -v python3 >/dev/null 2>&1 || need+=(python3)
  python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || need+=(python3-venv)
fi

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u)
echo "ensure-deps: installing ${need[*]}"
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "ensure-deps: need root to install ${need[*]} (Debian packages); install them and re-run" >&2
    exit 1
  fi
else
  SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# The Debian prometheus package starts a system service on :9090; our tests run their own.
if command -v systemctl >/dev/null 2>&1; then $SUDO systemctl disable --now prometheus >/dev/null 2>&1 || true; fi
pkill -x prometheus >/dev/null 2>&1 || true
echo "ensure-deps: done"
