#!/usr/bin/env python3
"""Validates rendered dragoman manifests (the output of `kubectl kustomize`) without a cluster.

    check_manifests.py --kubernetes-version 1.31.0 RENDERED.yaml [...]

1. Every object of a core Kubernetes kind is validated against that version's OpenAPI schema
   with kubernetes-validate, strictly (unknown fields are errors).
2. The custom resources (PodMonitor, PrometheusRule, ScaledObject, TriggerAuthentication) are
   not in those schemas: each is checked against a minimal JSON schema written here from the
   fields dragoman uses (required fields, types, enums). That catches typos and wrong shapes, not
   every rule of the operators' own CRDs.
3. Cross-object checks that no schema can express: every Deployment has /live and /ready
   probes on its admin port, resources, a non-root security context, references only ConfigMaps
   rendered with it, and is covered by a PodDisruptionBudget and by the PodMonitor (when there is
   one); every ScaledObject targets a rendered Deployment, consumes the stage's input topic with
   its group, and has maxReplicaCount <= the partition count in dragoman-env; no password is set
   in a ConfigMap.

Prints what it checked; exits 1 on any problem. Needs kubernetes-validate (and so jsonschema,
PyYAML): scripts/validate_deploy.sh installs them in .tools/venv.
"""

import argparse
import sys

import jsonschema
import kubernetes_validate
import yaml

STAGES = {"ingest": "articles.raw", "extract": "articles.clean", "dedup": "events.extracted"}

_STR = {"type": "string", "minLength": 1}
_LABELS = {"type": "object", "additionalProperties": {"type": "string"}}
_META = {"type": "object", "required": ["name"], "properties": {"name": _STR, "namespace": _STR, "labels": _LABELS}}
_SELECTOR = {"type": "object", "properties": {"matchLabels": _LABELS}, "required": ["matchLabels"]}
_RELABEL = {"type": "object", "additionalProperties": False, "properties": {
    "sourceLabels": {"type": "array", "items": {"type": "string"}}, "targetLabel": _STR,
    "regex": _STR, "replacement": {"type": "string"}, "separator": {"type": "string"},
    "action": {"enum": ["replace", "keep", "drop", "labelmap", "labeldrop", "labelkeep", "hashmod", "lowercase", "uppercase"]}}}
_DURATION = {"type": "string", "pattern": r"^([0-9]+(ms|s|m|h|d|w|y))+$"}
_RULE = {"type": "object", "additionalProperties": False, "properties": {
    "record": _STR, "alert": _STR, "expr": _STR, "for": _DURATION, "labels": _LABELS, "annotations": _LABELS},
    "required": ["expr"], "oneOf": [{"required": ["record"]}, {"required": ["alert"]}]}

CRD_SCHEMAS = {
    ("monitoring.coreos.com/v1", "PodMonitor"): {"type": "object", "required": ["metadata", "spec"], "properties": {
        "metadata": _META, "spec": {"type": "object", "additionalProperties": False, "required": ["selector", "podMetricsEndpoints"], "properties": {
            "jobLabel": _STR, "selector": _SELECTOR,
            "namespaceSelector": {"type": "object"},
            "podMetricsEndpoints": {"type": "array", "minItems": 1, "items": {"type": "object", "additionalProperties": False, "required": ["port"], "properties": {
                "port": _STR, "path": _STR, "interval": _DURATION, "scrapeTimeout": _DURATION, "scheme": {"enum": ["http", "https"]},
                "relabelings": {"type": "array", "items": _RELABEL}, "metricRelabelings": {"type": "array", "items": _RELABEL}}}}}}}},
    ("monitoring.coreos.com/v1", "PrometheusRule"): {"type": "object", "required": ["metadata", "spec"], "properties": {
        "metadata": _META, "spec": {"type": "object", "additionalProperties": False, "required": ["groups"], "properties": {
            "groups": {"type": "array", "minItems": 1, "items": {"type": "object", "additionalProperties": False, "required": ["name", "rules"], "properties": {
                "name": _STR, "interval": _DURATION, "rules": {"type": "array", "minItems": 1, "items": _RULE}}}}}}}},
    ("keda.sh/v1alpha1", "ScaledObject"): {"type": "object", "required": ["metadata", "spec"], "properties": {
        "metadata": _META, "spec": {"type": "object", "additionalProperties": False, "required": ["scaleTargetRef", "triggers"], "properties": {
            "scaleTargetRef": {"type": "object", "required": ["name"], "properties": {"name": _STR, "kind": _STR, "apiVersion": _STR}},
            "minReplicaCount": {"type": "integer", "minimum": 0}, "maxReplicaCount": {"type": "integer", "minimum": 1},
            "pollingInterval": {"type": "integer", "minimum": 1}, "cooldownPeriod": {"type": "integer", "minimum": 0},
            "idleReplicaCount": {"type": "integer", "minimum": 0},
            "advanced": {"type": "object"},
            "triggers": {"type": "array", "minItems": 1, "items": {"type": "object", "required": ["type", "metadata"], "additionalProperties": False, "properties": {
                "type": {"enum": ["kafka", "apache-kafka"]}, "name": _STR, "useCachedMetrics": {"type": "boolean"},
                "metricType": {"enum": ["AverageValue", "Value", "Utilization"]},
                "authenticationRef": {"type": "object", "required": ["name"], "properties": {"name": _STR, "kind": {"enum": ["TriggerAuthentication", "ClusterTriggerAuthentication"]}}},
                # KEDA's trigger metadata is a map of strings: a bare number or boolean is rejected.
                "metadata": {"type": "object", "additionalProperties": {"type": "string"},
                             "required": ["bootstrapServers", "consumerGroup", "topic", "lagThreshold"]}}}}}}}},
    ("keda.sh/v1alpha1", "TriggerAuthentication"): {"type": "object", "required": ["metadata", "spec"], "properties": {
        "metadata": _META, "spec": {"type": "object", "minProperties": 1, "properties": {
            "secretTargetRef": {"type": "array", "items": {"type": "object", "additionalProperties": False, "required": ["parameter", "name", "key"],
                                                            "properties": {"parameter": _STR, "name": _STR, "key": _STR}}}}}}},
}


class Checker:
    def __init__(self, version):
        self.version = version
        self.problems = []
        self.checked = 0

    def fail(self, where, msg):
        self.problems.append(f"{where}: {msg}")

    def schema(self, obj, where):
        key = (obj.get("apiVersion"), obj.get("kind"))
        self.checked += 1
        if key in CRD_SCHEMAS:
            for err in jsonschema.Draft7Validator(CRD_SCHEMAS[key]).iter_errors(obj):
                path = "/".join(str(p) for p in err.absolute_path)
                self.fail(where, f"{path}: {err.message}")
            return
        try:
            kubernetes_validate.validate(obj, self.version, strict=True)
        except kubernetes_validate.ValidationError as err:
            path = "/".join(str(p) for p in err.path)
            self.fail(where, f"{path}: {err.message}")
        except kubernetes_validate.SchemaNotFoundError:
            self.fail(where, f"no schema for {key[0]} {key[1]} in Kubernetes {self.version} and no CRD schema here")

    def semantics(self, objs, where):
        by_kind = {}
        for o in objs:
            by_kind.setdefault(o["kind"], []).append(o)
        configmaps = {o["metadata"]["name"]: o for o in by_kind.get("ConfigMap", [])}
        deployments = {o["metadata"]["name"]: o for o in by_kind.get("Deployment", [])}
        trigger_auths = {o["metadata"]["name"] for o in by_kind.get("TriggerAuthentication", [])}

        env = next((cm.get("data", {}) for n, cm in configmaps.items() if n.startswith("dragoman-env")), {})
        for cm_name, cm in configmaps.items():
            for k, v in cm.get("data", {}).items():
                if any(s in k.upper() for s in ("PASSWORD", "SECRET")) and not k.upper().endswith("_FILE") and v:
                    self.fail(where, f"ConfigMap {cm_name} sets {k}: secrets belong in a Secret, read from a file")

        stages_seen = set()
        for name, d in deployments.items():
            w = f"{where} Deployment {name}"
            pod = d["spec"]["template"]
            labels = pod["metadata"].get("labels", {})
            stage = labels.get("app.kubernetes.io/component")
            if stage not in STAGES:
                self.fail(w, f"app.kubernetes.io/component is {stage!r}, not a stage")
                continue
            stages_seen.add(stage)
            spec = pod["spec"]
            if not spec.get("securityContext", {}).get("runAsNonRoot"):
                self.fail(w, "pod securityContext.runAsNonRoot is not true")
            for c in spec["containers"]:
                ports = {p.get("name"): p["containerPort"] for p in c.get("ports", [])}
                if "admin" not in ports:
                    self.fail(w, "no container port named admin")
                if c.get("args", [None])[0] != stage:
                    self.fail(w, f"container args {c.get('args')} do not run `dragoman {stage}`")
                listen = next((e.get("value") for e in c.get("env", []) if e["name"] == "DRAGOMAN__ADMIN__LISTEN"), None)
                if not listen or not listen.startswith("0.0.0.0:") or int(listen.rsplit(":", 1)[1]) != ports.get("admin"):
                    self.fail(w, f"DRAGOMAN__ADMIN__LISTEN {listen!r} does not serve the admin port {ports.get('admin')}")
                for probe, path in (("livenessProbe", "/live"), ("readinessProbe", "/ready"), ("startupProbe", "/live")):
                    get = c.get(probe, {}).get("httpGet", {})
                    if get.get("path") != path or get.get("port") not in ("admin", ports.get("admin")):
                        self.fail(w, f"{probe} is not GET {path} on the admin port")
                res = c.get("resources", {})
                for kind in ("requests", "limits"):
                    for r in ("cpu", "memory"):
                        if r not in res.get(kind, {}):
                            self.fail(w, f"no resources.{kind}.{r}")
                sc = c.get("securityContext", {})
                if sc.get("allowPrivilegeEscalation") is not False or not sc.get("readOnlyRootFilesystem"):
                    self.fail(w, "container may escalate privileges or write its root filesystem")
                for ef in c.get("envFrom", []):
                    ref = ef.get("configMapRef", {}).get("name")
                    if ref and ref not in configmaps:
                        self.fail(w, f"envFrom ConfigMap {ref} is not rendered with it")
            for v in spec.get("volumes", []):
                ref = v.get("configMap", {}).get("name")
                if ref and ref not in configmaps:
                    self.fail(w, f"volume ConfigMap {ref} is not rendered with it")
            pdbs = [p for p in by_kind.get("PodDisruptionBudget", [])
                    if all(labels.get(k) == v for k, v in p["spec"]["selector"]["matchLabels"].items())]
            if len(pdbs) != 1:
                self.fail(w, f"covered by {len(pdbs)} PodDisruptionBudgets, want 1")
            for pm in by_kind.get("PodMonitor", []):
                if not all(labels.get(k) == v for k, v in pm["spec"]["selector"]["matchLabels"].items()):
                    self.fail(w, f"PodMonitor {pm['metadata']['name']} does not select its pods")
        if stages_seen != set(STAGES):
            self.fail(where, f"Deployments for {sorted(stages_seen)}, want {sorted(STAGES)}")

        try:
            partitions = int(env.get("DRAGOMAN__TOPICS__PARTITIONS", "4"))
        except ValueError:
            partitions = 0
            self.fail(where, "DRAGOMAN__TOPICS__PARTITIONS is not an integer")
        for so in by_kind.get("ScaledObject", []):
            w = f"{where} ScaledObject {so['metadata']['name']}"
            target = so["spec"]["scaleTargetRef"]["name"]
            if target not in deployments:
                self.fail(w, f"targets Deployment {target}, which is not rendered")
                continue
            if "replicas" in deployments[target]["spec"]:
                self.fail(w, f"Deployment {target} sets replicas, which fights the autoscaler on every apply")
            stage = deployments[target]["spec"]["template"]["metadata"]["labels"].get("app.kubernetes.io/component")
            lo, hi = so["spec"].get("minReplicaCount", 0), so["spec"].get("maxReplicaCount", 100)
            if hi > partitions:
                self.fail(w, f"maxReplicaCount {hi} exceeds the {partitions} partitions of its input topic")
            if lo > hi:
                self.fail(w, f"minReplicaCount {lo} > maxReplicaCount {hi}")
            for t in so["spec"]["triggers"]:
                md = t["metadata"]
                if md.get("topic") != STAGES.get(stage) or md.get("consumerGroup") != f"dragoman-{stage}":
                    self.fail(w, f"scales on {md.get('consumerGroup')}/{md.get('topic')}, want dragoman-{stage}/{STAGES.get(stage)}")
                if md.get("bootstrapServers") != env.get("DRAGOMAN__KAFKA__BROKERS"):
                    self.fail(w, "bootstrapServers differ from DRAGOMAN__KAFKA__BROKERS of the services")
                if env.get("DRAGOMAN__KAFKA__SECURITY_PROTOCOL", "plaintext").startswith("sasl") and "authenticationRef" not in t:
                    self.fail(w, "the services use SASL but the trigger has no authenticationRef")
                ref = t.get("authenticationRef", {}).get("name")
                if ref and ref not in trigger_auths:
                    self.fail(w, f"authenticationRef {ref} is not rendered")

    def run(self, path):
        with open(path) as f:
            objs = [o for o in yaml.safe_load_all(f) if o]
        kinds = {}
        for o in objs:
            self.schema(o, f"{path} {o.get('kind')} {o.get('metadata', {}).get('name')}")
            kinds[o["kind"]] = kinds.get(o["kind"], 0) + 1
        self.semantics(objs, path)
        summary = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
        print(f"manifests: {path}: {len(objs)} objects ({summary})")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kubernetes-version", required=True)
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    c = Checker(args.kubernetes_version)
    for f in args.files:
        c.run(f)
    for p in c.problems:
        print(f"manifests: {p}", file=sys.stderr)
    print(f"manifests: {c.checked} objects validated against Kubernetes {args.kubernetes_version} "
          f"(core kinds strictly, CRDs with the minimal schemas), {len(c.problems)} problems")
    return 1 if c.problems else 0


if __name__ == "__main__":
    sys.exit(main())
