//! The real Prometheus scrapes the three services while the pipeline runs on the local broker
//! under load, and every query of the Grafana dashboard is evaluated through Prometheus's HTTP
//! API: each must return data. A panel whose query returns nothing is a broken panel.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use dragoman_e2e::{dragoman_bin, free_port, workspace_root, Broker, Env};

const READY: Duration = Duration::from_secs(90);

/// Every `expr` of the dashboard, with the Grafana variables replaced as a user selecting
/// "All" stages would have them (the dashboard's documented substitution).
fn dashboard_queries() -> Vec<(String, String)> {
    let path = workspace_root().join("deploy/grafana/dashboards/dragoman.json");
    let text = std::fs::read_to_string(&path).expect("dashboard JSON");
    let dashboard: serde_json::Value = serde_json::from_str(&text).expect("dashboard parses");
    let mut out = Vec::new();
    fn walk(panels: &serde_json::Value, out: &mut Vec<(String, String)>) {
        for panel in panels.as_array().into_iter().flatten() {
            let title = panel["title"].as_str().unwrap_or("?").to_owned();
            for target in panel["targets"].as_array().into_iter().flatten() {
                if let Some(expr) = target["expr"].as_str() {
                    let expr = expr
                        .replace("$__rate_interval", "1m")
                        .replace("${stage:regex}", ".*")
                        .replace("$stage", ".*");
                    out.push((title.clone(), expr));
                }
            }
            walk(&panel["panels"], out);
        }
    }
    walk(&dashboard["panels"], &mut out);
    out
}

fn prometheus_bin() -> PathBuf {
    for dir in std::env::var("PATH").unwrap_or_default().split(':') {
        let p = PathBuf::from(dir).join("prometheus");
        if p.is_file() {
            return p;
        }
    }
    panic!("prometheus is not installed: `make deps` installs Debian's prometheus package");
}

struct Prometheus {
    child: Child,
    addr: String,
    _dir: tempfile::TempDir,
}

impl Prometheus {
    fn start(targets: &[(&str, &str)]) -> Prometheus {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut scrape = String::from(
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n",
        );
        // The same job and labels as deploy/prometheus/prometheus.yml gives the services.
        scrape.push_str("  - job_name: dragoman\n    static_configs:\n");
        for (stage, addr) in targets {
            scrape.push_str(&format!(
                "      - targets: ['{addr}']\n        labels: {{service: {stage}}}\n"
            ));
        }
        let config = dir.path().join("prometheus.yml");
        std::fs::write(&config, scrape).expect("write prometheus.yml");
        let addr = format!("127.0.0.1:{}", free_port());
        let log = std::fs::File::create(dir.path().join("prometheus.log")).expect("log");
        let child = Command::new(prometheus_bin())
            .arg(format!("--config.file={}", config.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.path().join("data").display()
            ))
            .arg(format!("--web.listen-address={addr}"))
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn()
            .expect("starting prometheus");
        let p = Prometheus {
            child,
            addr,
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while http_get(&p.addr, "/-/ready").map(|(s, _)| s) != Some(200) {
            assert!(
                Instant::now() < deadline,
                "prometheus not ready: {}",
                p.log()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        p
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self._dir.path().join("prometheus.log")).unwrap_or_default()
    }

    /// The instant vector or scalar a query returns: the number of series, or an error.
    fn query(&self, expr: &str) -> Result<usize, String> {
        let path = format!("/api/v1/query?query={}", url_encode(expr));
        let (status, body) = http_get(&self.addr, &path).ok_or("no answer")?;
        let v: serde_json::Value =
            serde_json::from_str(&body).map_err(|e| format!("HTTP {status}: {e}: {body}"))?;
        if v["status"] != "success" {
            return Err(format!("HTTP {status}: {}", v["error"]));
        }
        let result = &v["data"]["result"];
        Ok(match v["data"]["resultType"].as_str() {
            Some("scalar") => 1,
            _ => result
                .as_array()
                .map(|series| {
                    // NaN (0/0 before any traffic) is no data for a panel either.
                    series
                        .iter()
                        .filter(|s| s["value"][1].as_str().is_some_and(|x| x != "NaN"))
                        .count()
                })
                .unwrap_or(0),
        })
    }
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn http_get(addr: &str, path: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    let status = out.get(9..12)?.parse().ok()?;
    Some((status, out.split_once("\r\n\r\n")?.1.to_owned()))
}

#[test]
fn every_dashboard_query_returns_data_from_the_running_pipeline() {
    let queries = dashboard_queries();
    assert!(
        queries.len() >= 20,
        "the dashboard has {} queries",
        queries.len()
    );

    let broker = Broker::shared();
    let mut env = Env::new("observability", &broker.brokers());
    // Over-sized records then fit in a Kafka record and reach the DLQ as `too_large`.
    env.set("DRAGOMAN__INGEST__MAX_BYTES", "65536");
    let services = env.start_pipeline(READY);
    let prometheus = Prometheus::start(
        &services
            .iter()
            .map(|s| (s.stage.as_str(), s.admin.as_str()))
            .collect::<Vec<_>>(),
    );

    // Steady load for the whole test: articles with boilerplate, syndicated copies (dedup
    // updates and copies, extract cache hits), and bad records (DLQ rates).
    let loadgen_log = tempfile::NamedTempFile::new().expect("loadgen log");
    let mut loadgen = Command::new(dragoman_bin())
        .args(["loadgen", "--count", "20000", "--rate", "80"])
        .args([
            "--copy-fraction",
            "0.25",
            "--bad-fraction",
            "0.03",
            "--seed",
            "7",
        ])
        .envs(&env.vars)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(loadgen_log.reopen().expect("loadgen log"))
        .spawn()
        .expect("starting loadgen");

    // Queries over rates need two scrapes with traffic in the window; give every panel up to
    // two minutes, and report all the broken ones at once.
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut failing: Vec<(String, String, String)>;
    loop {
        std::thread::sleep(Duration::from_secs(5));
        failing = queries
            .iter()
            .filter_map(|(title, expr)| match prometheus.query(expr) {
                Ok(n) if n > 0 => None,
                Ok(_) => Some((title.clone(), expr.clone(), "no data".to_owned())),
                Err(e) => Some((title.clone(), expr.clone(), e)),
            })
            .collect();
        if failing.is_empty() || Instant::now() > deadline {
            break;
        }
    }
    let _ = loadgen.kill();
    let _ = loadgen.wait();

    let report: String = failing
        .iter()
        .map(|(title, expr, why)| format!("\n  panel {title:?}: {why}\n    {expr}"))
        .collect();
    let service_logs: String = services
        .iter()
        .map(|s| format!("\n--- {} log (tail):\n{}", s.stage, tail(&s.log(), 30)))
        .collect();
    assert!(
        failing.is_empty(),
        "{} of {} dashboard queries return nothing:{report}\n--- loadgen:\n{}{service_logs}\n\
         --- prometheus log (tail):\n{}",
        failing.len(),
        queries.len(),
        tail(
            &std::fs::read_to_string(loadgen_log.path()).unwrap_or_default(),
            20
        ),
        tail(&prometheus.log(), 20),
    );
}
