#!/usr/bin/env python3
"""Writes prometheusrule.yaml from deploy/prometheus/rules/dragoman.rules.yml.

The rules have one source, the file promtool tests; this wraps its groups in a PrometheusRule
for the Prometheus Operator. `--check` exits 1 when the committed PrometheusRule differs
(scripts/validate_deploy.sh runs it).
"""

import pathlib
import sys

import yaml

HERE = pathlib.Path(__file__).resolve().parent
SOURCE = HERE.parents[2] / "prometheus" / "rules" / "dragoman.rules.yml"
OUT = HERE / "prometheusrule.yaml"


class Dumper(yaml.SafeDumper):
    pass


def _str(dumper, value):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


Dumper.add_representer(str, _str)


def render():
    groups = yaml.safe_load(SOURCE.read_text())["groups"]
    doc = {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {"name": "dragoman"},
        "spec": {"groups": groups},
    }
    header = ("# Generated from deploy/prometheus/rules/dragoman.rules.yml by sync_rules.py: edit that file\n"
              "# (and its promtool tests), then run `python3 deploy/k8s/components/monitoring/sync_rules.py`.\n")
    return header + yaml.dump(doc, Dumper=Dumper, sort_keys=False, width=120, allow_unicode=True)


def main(argv):
    text = render()
    if "--check" in argv:
        if not OUT.exists() or OUT.read_text() != text:
            print(f"{OUT} differs from {SOURCE}: run python3 {pathlib.Path(__file__).name}", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text)
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
