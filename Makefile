# dragoman: the two set-up commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
CARGO ?= cargo
BROKER_PORT ?= 9092
export BROKER_PORT

.PHONY: chaos run test lint fmt build release bench bench-e2e broker broker-stop deps deps-build \
        rules-test deploy-check

## The embedded pipeline on the sample articles: no broker, one line per event on stdout
## (`dragoman run --format jsonl` for the JSON, `--format gdelt` for GDELT's event table).
run: deps-build
	@$(CARGO) run --quiet -p dragoman -- run --input examples/articles.jsonl --format table

## Every test: formatting and clippy first (a lint failure is found in a minute, not after the
## suite), then unit, evaluation, end-to-end on the real broker and on librdkafka's mock
## cluster, alert rules, deploy manifests. The tests get a broker of their own on a free port
## (started with `make broker`, stopped at the end), so they never touch a broker someone runs
## on 9092.
test: deps
	@$(MAKE) --no-print-directory lint
	$(CARGO) build --workspace --all-targets
	@port=$$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'); \
	  $(MAKE) --no-print-directory broker BROKER_PORT=$$port || exit 1; \
	  BROKER_PORT=$$port $(CARGO) test --workspace --no-fail-fast; rc=$$?; \
	  $(MAKE) --no-print-directory broker-stop BROKER_PORT=$$port; exit $$rc
	$(MAKE) rules-test
	$(MAKE) deploy-check

## The chaos test alone, on its own broker: 20,000 mixed records, ten kill -9 and a broker pause
## (DRAGOMAN_CHAOS_SEED replays a schedule; DRAGOMAN_CHAOS_RECORDS, DRAGOMAN_CHAOS_KILLS). It is
## part of `make test` too; both need the patched tansu that scripts/broker.sh builds.
chaos: deps
	$(CARGO) test --test chaos -- --nocapture

## System packages for building and testing (C toolchain, OpenSSL headers, promtool,
## kubectl); a no-op when present. `deps-build` is the subset `make run` needs.
deps:
	@bash scripts/ensure-deps.sh

deps-build:
	@bash scripts/ensure-deps.sh --build

## `cargo fmt --check` and clippy with warnings as errors, on every crate and target.
lint:
	@$(CARGO) fmt --version >/dev/null 2>&1 && $(CARGO) clippy --version >/dev/null 2>&1 || \
	  { echo "make lint: needs the rustfmt and clippy components of the toolchain" >&2; exit 1; }
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

fmt:
	$(CARGO) fmt --all

build:
	$(CARGO) build --workspace

release:
	$(CARGO) build --release -p dragoman

## Library benchmarks: coder (sentences/s, MB/s, load time, memory), ingest, dedup.
bench:
	$(CARGO) bench -p dragoman-coder -p dragoman-ingest -p dragoman-dedup

# --- backbone ---
broker:
	@bash scripts/broker.sh start

broker-stop:
	@bash scripts/broker.sh stop

bench-e2e: release
	@bash scripts/bench_e2e.sh

# --- operations ---
rules-test:
	@bash scripts/prom_rules_test.sh

deploy-check:
	@bash scripts/validate_deploy.sh
