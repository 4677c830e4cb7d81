#!/usr/bin/env python3
"""Structural checks of deploy/Dockerfile and deploy/compose/*.yaml (no Docker engine needed).

    check_container.py dockerfile deploy/Dockerfile
    check_container.py compose deploy/compose/compose.yaml [override.yaml ...]

Dockerfile (hadolint is not available here): it parses into named stages (`FROM ... AS name`),
at least a builder and a runtime; every `COPY --from` names an earlier stage; the final stage
runs as a numeric non-root USER, has an ENTRYPOINT, and builds on a slim or distroless base;
no stage bakes a secret into an ENV or ARG.

Compose: the services are there (Kafka in KRaft mode, the three stages, Prometheus, Grafana);
each stage runs its subcommand, listens for admin on 0.0.0.0:<its port> inside the container
and publishes that port on loopback only; every bind-mounted path exists; Prometheus mounts the
scrape configuration and rules and Grafana the provisioning and dashboards of this repo; no
password is written in the file (secrets come from files). `docker compose config` (when it
runs without an engine) is run separately by scripts/validate_deploy.sh.
"""

import pathlib
import re
import sys

import yaml

STAGE_PORTS = {"ingest": 9464, "extract": 9465, "dedup": 9466}
SECRET_WORDS = re.compile(r"PASSWORD|SECRET|TOKEN", re.I)


def dockerfile(path):
    problems = []
    text = pathlib.Path(path).read_text()
    # Join continuation lines, drop comments and blank lines.
    lines, buf = [], ""
    for raw in text.splitlines():
        s = raw.strip()
        if not s or s.startswith("#"):
            continue
        if s.endswith("\\"):
            buf += s[:-1] + " "
            continue
        lines.append(buf + s)
        buf = ""
    stages, current = [], None
    for line in lines:
        word, _, rest = line.partition(" ")
        word = word.upper()
        if word == "FROM":
            m = re.match(r"(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$", rest.strip(), re.I)
            if not m:
                problems.append(f"unparsable FROM: {line}")
                continue
            current = {"image": m.group(1), "name": m.group(2), "user": None, "entrypoint": False}
            if not current["name"]:
                problems.append(f"stage `FROM {m.group(1)}` has no `AS name`")
            stages.append(current)
        elif current is None:
            if word not in ("ARG",):
                problems.append(f"{word} before the first FROM")
        elif word == "USER":
            current["user"] = rest.strip()
        elif word == "ENTRYPOINT":
            current["entrypoint"] = True
        elif word == "COPY":
            m = re.search(r"--from=(\S+)", rest)
            if m and m.group(1) not in [s["name"] for s in stages[:-1]]:
                problems.append(f"COPY --from={m.group(1)} names no earlier stage")
        if word in ("ENV", "ARG") and SECRET_WORDS.search(rest):
            problems.append(f"{word} looks like it bakes a secret into the image: {line}")
    if len(stages) < 2:
        problems.append(f"{len(stages)} stage(s); want a builder and a runtime stage")
    if stages:
        final = stages[-1]
        user = (final["user"] or "").split(":")[0]
        if not user:
            problems.append("the final stage sets no USER: it would run as root")
        elif user in ("root", "0") or not user.isdigit():
            problems.append(f"the final stage runs as USER {final['user']!r}; want a numeric non-root uid (runAsNonRoot can verify it)")
        if not final["entrypoint"]:
            problems.append("the final stage has no ENTRYPOINT")
        if not re.search(r"slim|distroless|alpine|scratch", final["image"]):
            problems.append(f"the runtime base {final['image']} is not a small image")
    names = ", ".join(f"{s['name']} ({s['image']})" for s in stages)
    print(f"dockerfile: {path}: stages {names}; final USER {stages[-1]['user'] if stages else None}")
    return problems


def merge(a, b):
    """Compose-style merge of an override file into the base (maps merge, lists and scalars replace)."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = dict(a)
        for k, v in b.items():
            out[k] = merge(a.get(k), v) if k in a else v
        return out
    return b


def compose(paths):
    problems = []
    base_dir = pathlib.Path(paths[0]).resolve().parent
    doc = {}
    for p in paths:
        part = yaml.safe_load(pathlib.Path(p).read_text())
        doc = merge(doc, {k: v for k, v in part.items() if not k.startswith("x-")})
    services = doc.get("services", {})
    for want in ("kafka", *STAGE_PORTS, "prometheus", "grafana"):
        if want not in services:
            problems.append(f"no `{want}` service")

    def env(svc):
        e = svc.get("environment", {})
        if isinstance(e, list):
            e = dict(item.split("=", 1) if "=" in item else (item, "") for item in e)
        return {k: str(v) for k, v in e.items()}

    kafka = services.get("kafka", {})
    roles = env(kafka).get("KAFKA_PROCESS_ROLES", "")
    if set(roles.split(",")) != {"broker", "controller"} or "KAFKA_CONTROLLER_QUORUM_VOTERS" not in env(kafka):
        problems.append("kafka is not a KRaft broker+controller (KAFKA_PROCESS_ROLES, KAFKA_CONTROLLER_QUORUM_VOTERS)")

    for name, svc in services.items():
        for port in svc.get("ports", []):
            if not str(port).startswith("127.0.0.1:"):
                problems.append(f"{name}: port {port} is published beyond loopback")
        for k, v in env(svc).items():
            if SECRET_WORDS.search(k) and not k.endswith("_FILE") and not v.startswith("${") and "${dir:" not in v and "$${dir:" not in v:
                problems.append(f"{name}: {k} is written in the compose file; read it from a secret file")
        for vol in svc.get("volumes", []):
            src = str(vol).split(":")[0]
            if src.startswith((".", "/")) and not (base_dir / src).exists():
                problems.append(f"{name}: mounted path {src} does not exist")

    for stage, port in STAGE_PORTS.items():
        svc = services.get(stage)
        if not svc:
            continue
        cmd = svc.get("command", [])
        if (cmd[0] if isinstance(cmd, list) and cmd else str(cmd).split(" ")[0]) != stage:
            problems.append(f"{stage}: command {cmd} does not run `dragoman {stage}`")
        listen = env(svc).get("DRAGOMAN__ADMIN__LISTEN")
        if listen != f"0.0.0.0:{port}":
            problems.append(f"{stage}: DRAGOMAN__ADMIN__LISTEN is {listen!r}, want 0.0.0.0:{port} inside the container")
        if f"127.0.0.1:{port}:{port}" not in [str(p) for p in svc.get("ports", [])]:
            problems.append(f"{stage}: admin port {port} not published on 127.0.0.1")
        if not env(svc).get("DRAGOMAN__KAFKA__BROKERS", "").startswith("kafka:"):
            problems.append(f"{stage}: DRAGOMAN__KAFKA__BROKERS does not point at the kafka service")
        if "/ready" not in str(svc.get("healthcheck", {}).get("test", "")):
            problems.append(f"{stage}: healthcheck does not ask /ready")
        if env(svc).get("DRAGOMAN__KAFKA__SECURITY_PROTOCOL", "plaintext").startswith("sasl"):
            secret_file = env(svc).get("DRAGOMAN__KAFKA__SASL_PASSWORD_FILE", "")
            names = [s if isinstance(s, str) else s.get("source") for s in svc.get("secrets", [])]
            if not secret_file.startswith("/run/secrets/") or secret_file.rsplit("/", 1)[1] not in names:
                problems.append(f"{stage}: SASL without a password file from a compose secret")

    mounts = lambda name: " ".join(str(v) for v in services.get(name, {}).get("volumes", []))
    if "../prometheus/prometheus.yml" not in mounts("prometheus") or "../prometheus/rules" not in mounts("prometheus"):
        problems.append("prometheus does not mount deploy/prometheus/prometheus.yml and rules/")
    if "../grafana/provisioning" not in mounts("grafana") or "../grafana/dashboards" not in mounts("grafana"):
        problems.append("grafana does not mount deploy/grafana/provisioning and dashboards/")
    print(f"compose: {' + '.join(paths)}: services {', '.join(services)}")
    return problems


def main(argv):
    if len(argv) >= 2 and argv[0] == "dockerfile":
        problems = dockerfile(argv[1])
    elif len(argv) >= 2 and argv[0] == "compose":
        problems = compose(argv[1:])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    for p in problems:
        print(f"  problem: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
