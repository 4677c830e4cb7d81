# dragoman: the two set-up commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
CARGO ?= cargo
BROKER_PORT ?= 9092
export BROKER_PORT

.PHONY: run test test-unit test-e2e lint fmt build release bench bench-e2e broker broker-stop \
        deps rules-test deploy-check clean-broker

## The embedded pipeline on the sample articles: no broker, events as JSONL on stdout.
run:
	$(CARGO) run --quiet -p dragoman -- run --input examples/articles.jsonl

## Every test: unit, evaluation, end-to-end on the real broker, alert rules, deploy manifests.
test: deps
	$(CARGO) build --workspace --all-targets
	$(MAKE) broker
	$(CARGO) test --workspace --no-fail-fast
	$(MAKE) rules-test
	$(MAKE) deploy-check

## Build-time system packages (cmake for librdkafka, promtool, kubectl); no-op when present.
deps:
	@bash scripts/ensure-deps.sh

lint:
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

bench-e2e: release broker
	@bash scripts/bench_e2e.sh

# --- operations ---
rules-test:
	@bash scripts/prom_rules_test.sh

deploy-check:
	@bash scripts/validate_deploy.sh
