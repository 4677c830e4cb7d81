#!/usr/bin/env python3
"""Builds deploy/grafana/dashboards/dragoman.json, the dragoman Grafana dashboard.

The dashboard is written as data here rather than edited as JSON by hand so that every panel
gets the same datasource, layout and variable conventions, which the checks rely on:

  - every panel and target uses the datasource variable `${datasource}`;
  - every query filters on `stage=~"$stage"` where the metric has a stage label, and uses
    `$__rate_interval` as its rate window; no other variable appears in an expression, so a test
    can evaluate each query against Prometheus by substituting `$stage` -> `.*` and
    `$__rate_interval` -> `1m` (see docs/dashboard.md);
  - queries use only catalogue metric names and their labels (docs/metrics.md), never `job` or
    a target label, so they work whatever the scrape configuration calls the targets.

    python3 deploy/grafana/build_dashboard.py           # rewrite the JSON
    python3 deploy/grafana/build_dashboard.py --check   # exit 1 if the JSON is out of date
"""

import json
import pathlib
import sys

OUT = pathlib.Path(__file__).resolve().parent / "dashboards" / "dragoman.json"
DS = {"type": "prometheus", "uid": "${datasource}"}
S = 'stage=~"$stage"'
RI = "$__rate_interval"

# Process-collector series carry no `stage` label; keeping only the targets whose
# dragoman_build_info matches the selected stages filters them (and drops any other job that
# exports process_* series, Prometheus itself included). `and` rather than a group_left join
# because one process may run several stages and so carry several build_info series.
BUILD = f"on (job, instance) dragoman_build_info{{{S}}}"


def target(expr, legend="", ref="A", instant=False):
    t = {"datasource": DS, "refId": ref, "expr": expr, "legendFormat": legend or "__auto", "range": not instant}
    if instant:
        t["instant"] = True
        t["format"] = "table"
    return t


def timeseries(title, description, targets, unit="short", stack=False, w=12, h=8, min0=True):
    custom = {"drawStyle": "line", "lineWidth": 1, "fillOpacity": 10 if not stack else 60, "showPoints": "never",
              "spanNulls": False, "stacking": {"mode": "normal" if stack else "none", "group": "A"}}
    defaults = {"unit": unit, "custom": custom}
    if min0:
        defaults["min"] = 0
    return {"type": "timeseries", "title": title, "description": description, "targets": targets,
            "fieldConfig": {"defaults": defaults, "overrides": []},
            "options": {"legend": {"displayMode": "table", "placement": "bottom", "calcs": ["mean", "max", "lastNotNull"], "showLegend": True},
                        "tooltip": {"mode": "multi", "sort": "desc"}},
            "_w": w, "_h": h}


def stat(title, description, expr, unit="short", thresholds=None, w=4, h=4, decimals=None):
    steps = [{"color": "green", "value": None}]
    for value, color in thresholds or []:
        steps.append({"color": color, "value": value})
    defaults = {"unit": unit, "thresholds": {"mode": "absolute", "steps": steps}, "color": {"mode": "thresholds"}}
    if decimals is not None:
        defaults["decimals"] = decimals
    return {"type": "stat", "title": title, "description": description, "targets": [target(expr)],
            "fieldConfig": {"defaults": defaults, "overrides": []},
            "options": {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                        "colorMode": "background", "graphMode": "area", "textMode": "auto", "justifyMode": "auto"},
            "_w": w, "_h": h}


def table(title, description, expr, w=12, h=6):
    return {"type": "table", "title": title, "description": description, "targets": [target(expr, instant=True)],
            "fieldConfig": {"defaults": {}, "overrides": []},
            "options": {"showHeader": True},
            "transformations": [{"id": "organize", "options": {"excludeByName": {"Time": True, "Value": True}}}],
            "_w": w, "_h": h}


def quantiles(metric, by, legend_prefix):
    group = f"{by}, le" if by else "le"
    sel = f"{{{S}}}" if by else ""
    return [target(f"histogram_quantile({q}, sum by ({group}) (rate({metric}_bucket{sel}[{RI}])))",
                   f"{legend_prefix}p{int(q * 100)}", ref)
            for q, ref in ((0.5, "A"), (0.99, "B"))]


ROWS = [
    ("Overview", [
        stat("Events published /s",
             "Event revisions leaving dedup on the events topic. Is the pipeline delivering?",
             f'sum(rate(dragoman_events_total{{stage="dedup"}}[{RI}]))', unit="ops", decimals=2),
        stat("End-to-end latency p99",
             "From an article's first sight by ingest to its event leaving dedup; objective 60 s.",
             f"histogram_quantile(0.99, sum by (le) (rate(dragoman_event_latency_seconds_bucket[{RI}])))",
             unit="s", thresholds=[(30, "orange"), (60, "red")]),
        stat("Consumer lag",
             "Records waiting in the input topics of the selected stages.",
             f"sum(dragoman_consumer_lag{{{S}}})", thresholds=[(1000, "orange"), (100000, "red")]),
        stat("DLQ ratio",
             "Share of consumed records sent to a dead-letter topic.",
             f"sum(rate(dragoman_dlq_records_total{{{S}}}[{RI}])) / sum(rate(dragoman_records_in_total{{{S}}}[{RI}]))",
             unit="percentunit", thresholds=[(0.01, "orange"), (0.25, "red")], decimals=2),
        stat("Ready instances",
             "Instances whose /ready answers 200, over all selected stages.",
             f"sum(dragoman_ready{{{S}}})", thresholds=None),
        stat("Dedup state fill",
             "Live dedup keys as a share of dedup.max_keys (fullest instance); at 100% keys are evicted early.",
             "max(dragoman_dedup_live_keys / (dragoman_dedup_max_keys > 0))",
             unit="percentunit", thresholds=[(0.8, "orange"), (0.9, "red")], decimals=1),
    ]),
    ("Throughput", [
        timeseries("Records in /s by stage",
                   "Records consumed from each stage's input topic.",
                   [target(f"sum by (stage) (rate(dragoman_records_in_total{{{S}}}[{RI}]))", "{{stage}}")], unit="ops"),
        timeseries("Records out /s by stage",
                   "Records produced and acknowledged on each stage's output topic.",
                   [target(f"sum by (stage) (rate(dragoman_records_out_total{{{S}}}[{RI}]))", "{{stage}}")], unit="ops"),
        timeseries("DLQ records /s by stage and reason",
                   "Records dead-lettered, by the reason in their dragoman.error.reason header.",
                   [target(f"sum by (stage, reason) (rate(dragoman_dlq_records_total{{{S}}}[{RI}]))", "{{stage}} {{reason}}")],
                   unit="ops", stack=True),
        timeseries("Errors /s by stage and kind",
                   "Errors that were retried without losing data: broker, produce, commit, deserialize, state.",
                   [target(f"sum by (stage, kind) (rate(dragoman_errors_total{{{S}}}[{RI}]))", "{{stage}} {{kind}}")],
                   unit="ops", stack=True),
    ]),
    ("Latency", [
        timeseries("End-to-end latency",
                   "From an article's first sight by ingest to its event leaving dedup (p50, p99).",
                   quantiles("dragoman_event_latency_seconds", "", ""), unit="s"),
        timeseries("Processing time per record by stage",
                   "Time one record spends inside a stage, broker time excluded (p50, p99).",
                   quantiles("dragoman_processing_seconds", "stage", "{{stage}} "), unit="s"),
    ]),
    ("Kafka consumer lag", [
        timeseries("Lag by stage and topic",
                   "Records waiting per consumer group and input topic, from librdkafka statistics.",
                   [target(f"sum by (stage, topic) (dragoman_consumer_lag{{{S}}})", "{{stage}} {{topic}}")]),
        timeseries("Lag by partition",
                   "Lag per assigned partition as each service sees it: one hot partition points at a skewed key.",
                   [target(f"max by (stage, topic, partition) (dragoman_consumer_lag{{{S}}})", "{{stage}} {{topic}}[{{partition}}]")]),
        timeseries("Broker connection and readiness",
                   "1 while an instance reaches the broker / answers /ready; a dip is a disconnect or a rebalance.",
                   [target(f"min by (stage, instance) (dragoman_broker_connected{{{S}}})", "connected {{stage}} {{instance}}", "A"),
                    target(f"min by (stage, instance) (dragoman_ready{{{S}}})", "ready {{stage}} {{instance}}", "B")],
                   w=24, h=6),
    ]),
    ("Events", [
        timeseries("Published events /s by quad class",
                   "Event revisions leaving dedup: 1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict.",
                   [target(f'sum by (quad_class) (rate(dragoman_events_total{{stage="dedup"}}[{RI}]))', "Q{{quad_class}}")],
                   unit="ops", stack=True),
        timeseries("Published events /s by CAMEO root code",
                   "Event revisions leaving dedup by root code (01 public statement ... 20 mass violence).",
                   [target(f'sum by (root_code) (rate(dragoman_events_total{{stage="dedup"}}[{RI}]))', "{{root_code}}")],
                   unit="ops", stack=True),
        timeseries("Candidates vs published events /s",
                   "Candidates coded by extract against revisions published by dedup; the gap is what dedup absorbs.",
                   [target(f"sum by (stage) (rate(dragoman_events_total{{{S}}}[{RI}]))", "{{stage}}")], unit="ops", w=24, h=6),
    ]),
    ("Dedup", [
        timeseries("Dedup decisions /s",
                   "What dedup did with each candidate: new event, update of a known one, redelivery, syndicated copy.",
                   [target(f"sum by (decision) (rate(dragoman_dedup_decisions_total[{RI}]))", "{{decision}}")], unit="ops", stack=True),
        timeseries("Dedup ratio",
                   "Share of candidates that were not new events (updates, redeliveries, copies).",
                   [target(f'1 - sum(rate(dragoman_dedup_decisions_total{{decision="new"}}[{RI}])) / sum(rate(dragoman_dedup_decisions_total[{RI}]))', "dedup ratio")],
                   unit="percentunit"),
        timeseries("Dedup live keys and bound",
                   "Events held in dedup state per instance against the configured dedup.max_keys.",
                   [target("sum by (instance) (dragoman_dedup_live_keys)", "live {{instance}}", "A"),
                    target("max by (instance) (dragoman_dedup_max_keys)", "bound {{instance}}", "B")]),
        timeseries("Dedup evictions /s by cause",
                   "Keys leaving state: `window` is normal ageing, `bound` means state is too small and duplicates leak.",
                   [target(f"sum by (cause) (rate(dragoman_dedup_evictions_total[{RI}]))", "{{cause}}")], unit="ops", stack=True),
    ]),
    ("Ingest and extract", [
        timeseries("Articles cleaned /s by language",
                   "Articles ingest passed on, by detected language (en, other, und).",
                   [target(f"sum by (language) (rate(dragoman_articles_total[{RI}]))", "{{language}}")], unit="ops", stack=True, w=8),
        timeseries("Boilerplate paragraphs dropped per article",
                   "Page furniture removed by ingest per cleaned article; a jump means a source changed its layout.",
                   [target(f"sum(rate(dragoman_boilerplate_paragraphs_total[{RI}])) / sum(rate(dragoman_articles_total[{RI}]))", "paragraphs/article")], w=8),
        timeseries("Extract cache hit ratio",
                   "Share of articles extract did not code again because an identical text was already coded.",
                   [target(f'sum(rate(dragoman_extract_cache_hits_total[{RI}])) / sum(rate(dragoman_records_in_total{{stage="extract"}}[{RI}]))', "hit ratio")],
                   unit="percentunit", w=8),
    ]),
    ("Process", [
        timeseries("CPU by instance",
                   "CPU cores used by each dragoman process of the selected stages.",
                   [target(f"sum by (job, instance) (rate(process_cpu_seconds_total[{RI}])) and {BUILD}", "{{instance}}")],
                   unit="short", w=8),
        timeseries("Resident memory by instance",
                   "Resident set size of each dragoman process of the selected stages.",
                   [target(f"max by (job, instance) (process_resident_memory_bytes) and {BUILD}", "{{instance}}")],
                   unit="bytes", w=8),
        table("Versions running",
              "Instances per stage and version: more than one version is a rollout in progress.",
              f"count by (stage, version) (dragoman_build_info{{{S}}})", w=8, h=8),
    ]),
]


def layout():
    panels, next_id, y = [], 1, 0
    for title, row_panels in ROWS:
        panels.append({"type": "row", "title": title, "collapsed": False, "id": next_id, "panels": [],
                       "gridPos": {"h": 1, "w": 24, "x": 0, "y": y}})
        next_id += 1
        y += 1
        x, row_h = 0, 0
        for p in row_panels:
            w, h = p.pop("_w"), p.pop("_h")
            if x + w > 24:
                x, y = 0, y + row_h
                row_h = 0
            p["id"] = next_id
            next_id += 1
            p["datasource"] = DS
            p["gridPos"] = {"h": h, "w": w, "x": x, "y": y}
            panels.append(p)
            x += w
            row_h = max(row_h, h)
        y += row_h
    return panels


def dashboard():
    return {
        "uid": "dragoman-pipeline",
        "title": "dragoman pipeline",
        "description": "Throughput, latency, lag, dead letters, dedup and events of the dragoman stages. See docs/dashboard.md.",
        "tags": ["dragoman", "kafka", "events"],
        "timezone": "utc",
        "editable": True,
        "graphTooltip": 1,
        "refresh": "30s",
        "schemaVersion": 39,
        "version": 1,
        "time": {"from": "now-3h", "to": "now"},
        "timepicker": {},
        "links": [],
        "annotations": {"list": [{
            "builtIn": 1, "datasource": {"type": "grafana", "uid": "-- Grafana --"}, "enable": True, "hide": True,
            "iconColor": "rgba(0, 211, 255, 1)", "name": "Annotations & Alerts", "type": "dashboard"}]},
        "templating": {"list": [
            {"name": "datasource", "label": "Data source", "type": "datasource", "query": "prometheus",
             "current": {}, "hide": 0, "includeAll": False, "multi": False, "options": [], "refresh": 1, "regex": ""},
            {"name": "stage", "label": "Stage", "type": "query", "datasource": DS,
             "definition": "label_values(dragoman_build_info, stage)",
             "query": {"query": "label_values(dragoman_build_info, stage)", "refId": "StageVariableQuery"},
             "current": {"selected": True, "text": ["All"], "value": ["$__all"]},
             "includeAll": True, "allValue": ".*", "multi": True, "options": [], "refresh": 2,
             "regex": "", "sort": 1, "hide": 0},
        ]},
        "panels": layout(),
    }


def render():
    return json.dumps(dashboard(), indent=2, sort_keys=False) + "\n"


def main(argv):
    text = render()
    if "--check" in argv:
        if not OUT.exists() or OUT.read_text() != text:
            print(f"{OUT} is out of date: run python3 deploy/grafana/build_dashboard.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text)
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
