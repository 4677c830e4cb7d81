#!/usr/bin/env python3
"""Checks deploy/grafana/dashboards/dragoman.json without a Grafana.

    check_dashboard.py structure
        Structural checks: the `datasource` and `stage` variables exist; every panel and every
        target selects its datasource through `${datasource}`; every target has an `expr` that
        uses only the variables a test can substitute, and only metrics of docs/metrics.md;
        every row of the dashboard is described in docs/dashboard.md; the JSON is what
        build_dashboard.py generates.

    check_dashboard.py promtool-test FILE
        Writes a `promtool test rules` file that feeds synthetic series for every catalogue
        metric (names, types and labels parsed from docs/metrics.md) and asserts that each
        dashboard query, with `$stage` -> `.*` and `$__rate_interval` -> `1m`, parses and returns
        data. The real-Prometheus test (tests/, against the running pipeline) is the stronger
        check; this one runs in a second and catches broken PromQL and wrong names or labels.

Exit status 1 with one line per problem on failure.
"""

import json
import pathlib
import re
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
DASHBOARD = HERE / "dashboards" / "dragoman.json"
CATALOGUE = ROOT / "docs" / "metrics.md"
DASHBOARD_DOC = ROOT / "docs" / "dashboard.md"

# The only template variables a query may use, and what a test substitutes for them.
SUBSTITUTIONS = {"$__rate_interval": "1m", "$stage": ".*"}
DS_REF = "${datasource}"


def substitute(expr):
    for var, value in SUBSTITUTIONS.items():
        expr = expr.replace(var, value)
    return expr


def load():
    return json.loads(DASHBOARD.read_text())


def targets(dash):
    """(panel, target) for every query of the dashboard, rows' nested panels included."""
    for panel in dash.get("panels", []):
        for p in [panel] + panel.get("panels", []):
            for t in p.get("targets", []):
                yield p, t


def catalogue():
    """name -> (type, [labels]) from the table of docs/metrics.md."""
    metrics = {}
    for line in CATALOGUE.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 4 or not cells[0].startswith("`dragoman_"):
            continue
        name = cells[0].strip("`")
        labels = re.findall(r"`([a-z_]+)`", cells[3])
        metrics[name] = (cells[1], labels)
    # The process collector row of the catalogue lists these by example; the dashboard uses two.
    metrics["process_cpu_seconds_total"] = ("counter", [])
    metrics["process_resident_memory_bytes"] = ("gauge", [])
    return metrics


METRIC_RE = re.compile(r"\b((?:dragoman|process)_[a-z0-9_]+)\b")


def metric_names(expr):
    names = set()
    for name in METRIC_RE.findall(expr):
        for suffix in ("_bucket", "_sum", "_count"):
            if name.endswith(suffix) and not name.endswith("_total"):
                name = name[: -len(suffix)]
        names.add(name)
    return names


def check_structure():
    problems = []
    dash = load()
    variables = {v.get("name"): v for v in dash.get("templating", {}).get("list", [])}
    ds = variables.get("datasource")
    if not ds or ds.get("type") != "datasource" or ds.get("query") != "prometheus":
        problems.append("no `datasource` variable of type datasource/prometheus")
    stage = variables.get("stage")
    if not stage:
        problems.append("no `stage` variable")
    else:
        if stage.get("datasource", {}).get("uid") != DS_REF:
            problems.append("the `stage` variable does not query ${datasource}")
        if not stage.get("includeAll") or stage.get("allValue") != ".*":
            problems.append("the `stage` variable needs includeAll with allValue '.*' (queries use =~)")

    known = catalogue()
    ids, rows, n_targets = set(), [], 0
    all_panels = []
    for panel in dash.get("panels", []):
        all_panels.append(panel)
        all_panels.extend(panel.get("panels", []))
    for p in all_panels:
        title = p.get("title", "?")
        if p.get("id") in ids:
            problems.append(f"panel {title!r}: duplicate id {p.get('id')}")
        ids.add(p.get("id"))
        g = p.get("gridPos", {})
        if not all(k in g for k in ("x", "y", "w", "h")) or g["x"] + g["w"] > 24:
            problems.append(f"panel {title!r}: bad gridPos {g}")
        if p.get("type") == "row":
            rows.append(title)
            continue
        if p.get("datasource", {}).get("uid") != DS_REF:
            problems.append(f"panel {title!r}: datasource is not {DS_REF}")
        if not p.get("description"):
            problems.append(f"panel {title!r}: no description (the operator question it answers)")
        if not p.get("targets"):
            problems.append(f"panel {title!r}: no targets")
        refs = set()
        for t in p.get("targets", []):
            n_targets += 1
            ref = t.get("refId")
            if not ref or ref in refs:
                problems.append(f"panel {title!r}: missing or duplicate refId {ref!r}")
            refs.add(ref)
            if t.get("datasource", {}).get("uid") != DS_REF:
                problems.append(f"panel {title!r} target {ref}: datasource is not {DS_REF}")
            expr = t.get("expr", "")
            if not expr.strip():
                problems.append(f"panel {title!r} target {ref}: no expr")
                continue
            leftover = re.findall(r"\$\{?\w+", substitute(expr))
            if leftover:
                problems.append(f"panel {title!r} target {ref}: variables a test cannot substitute: {leftover}")
            for name in metric_names(expr):
                if name not in known:
                    problems.append(f"panel {title!r} target {ref}: {name} is not in docs/metrics.md")
            if "$stage" in expr.replace('stage=~"$stage"', ""):
                problems.append(f"panel {title!r} target {ref}: use stage=~\"$stage\" (multi-value variable)")

    if not DASHBOARD_DOC.exists():
        problems.append("docs/dashboard.md is missing")
    else:
        doc = DASHBOARD_DOC.read_text()
        headings = {h.strip().lower() for h in re.findall(r"^#+\s+(.*)$", doc, re.M)}
        for row in rows:
            if row.lower() not in headings:
                problems.append(f"row {row!r} has no heading in docs/dashboard.md")

    gen = subprocess.run([sys.executable, str(HERE / "build_dashboard.py"), "--check"], capture_output=True, text=True)
    if gen.returncode != 0:
        problems.append(gen.stderr.strip() or "dashboard JSON differs from build_dashboard.py output")

    for p in problems:
        print(f"dashboard: {p}", file=sys.stderr)
    print(f"dashboard: {len(all_panels) - len(rows)} panels in {len(rows)} rows, {n_targets} queries checked")
    return 1 if problems else 0


# Label values used for the synthetic series: one or two per label, from the catalogue's enums.
LABEL_VALUES = {
    "stage": ["ingest", "extract", "dedup"],
    "reason": ["invalid_json"],
    "kind": ["broker"],
    "decision": ["new", "update"],
    "cause": ["window", "bound"],
    "language": ["en"],
    "root_code": ["05", "19"],
    "quad_class": ["1", "4"],
    "topic": ["articles.raw"],
    "partition": ["0", "1"],
    "version": ["0.1.0"],
}
STAGE_PORT = {"ingest": 9464, "extract": 9465, "dedup": 9466}
GAUGE_VALUES = {"dragoman_dedup_max_keys": "1000", "dragoman_dedup_live_keys": "500",
                "process_resident_memory_bytes": "50000000"}
BUCKETS = ["0.01", "0.1", "1", "10", "+Inf"]


def label_sets(labels):
    sets = [{}]
    for label in labels:
        values = LABEL_VALUES.get(label, ["x"])
        sets = [dict(s, **{label: v}) for s in sets for v in values]
    return sets


def fmt(name, labels):
    return name + "{" + ", ".join(f'{k}="{v}"' for k, v in labels.items()) + "}"


def series_for(name, kind, labels):
    out = []
    for ls in label_sets(labels):
        # The stage picks the target; metrics without a stage label live on the dedup target,
        # process metrics on every target (each process exports its own).
        stages = [ls["stage"]] if "stage" in ls else (list(STAGE_PORT) if name.startswith("process_") or name == "dragoman_build_info" else ["dedup"])
        for st in stages:
            base = dict(ls, job="dragoman", instance=f"{st}:{STAGE_PORT[st]}")
            if name == "dragoman_build_info":
                base["stage"] = st
            if kind == "histogram":
                for i, le in enumerate(BUCKETS):
                    out.append((fmt(name + "_bucket", dict(base, le=le)), f"0+{10 * (i + 1)}x80"))
                out.append((fmt(name + "_sum", base), "0+5x80"))
                out.append((fmt(name + "_count", base), f"0+{10 * len(BUCKETS)}x80"))
            elif kind == "counter":
                out.append((fmt(name, base), "0+10x80"))
            else:
                out.append((fmt(name, base), f"{GAUGE_VALUES.get(name, '1')}x80"))
    return out


def yaml_str(s):
    return "'" + s.replace("'", "''") + "'"


def write_promtool_test(path):
    dash = load()
    lines = ["# Generated by deploy/grafana/check_dashboard.py: every dashboard query returns data.",
             "rule_files: []", "evaluation_interval: 15s", "tests:", "  - interval: 15s", "    input_series:"]
    for name, (kind, labels) in sorted(catalogue().items()):
        for series, values in series_for(name, kind, labels):
            lines += [f"      - series: {yaml_str(series)}", f"        values: {yaml_str(values)}"]
    lines.append("    promql_expr_test:")
    n = 0
    for p, t in targets(dash):
        expr = substitute(t["expr"]).replace("\n", " ")
        # `count(...) > bool 0` is 1 exactly when the query returns at least one series.
        lines += [f"      # {p['title']} / {t['refId']}",
                  f"      - expr: {yaml_str(f'count(({expr})) > bool 0')}",
                  "        eval_time: 15m",
                  "        exp_samples:",
                  "          - labels: '{}'",
                  "            value: 1"]
        n += 1
    pathlib.Path(path).write_text("\n".join(lines) + "\n")
    print(f"dashboard: wrote a promtool test of {n} queries to {path}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "structure":
        sys.exit(check_structure())
    if len(sys.argv) >= 3 and sys.argv[1] == "promtool-test":
        sys.exit(write_promtool_test(sys.argv[2]))
    print(__doc__, file=sys.stderr)
    sys.exit(2)
