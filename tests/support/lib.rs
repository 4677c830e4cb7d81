//! Harness for the end-to-end tests: broker, services as processes, produce and consume.
//!
//! - The broker: `scripts/broker.sh` on a free port, one per test binary, stopped when the
//!   last test of the binary drops its handle; or the broker on `BROKER_PORT` when one is
//!   already running there (`make broker`), which is then left alone.
//! - The binary: `DRAGOMAN_BIN` if set, else `cargo build -p dragoman` once per test binary
//!   (`CARGO_BIN_EXE_*` does not cross packages), then `<target>/debug/dragoman`.
//! - Isolation: every test gets its own topic prefix and consumer groups (through
//!   `DRAGOMAN__…` variables), and its services listen for admin on free ports.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::{Duration, Instant};

use dragoman_runtime::config::{Config, KafkaConfig, Stage};
pub use dragoman_runtime::tools::Record;
use dragoman_runtime::tools::{read_topic, SimpleProducer};

mod schema;
pub use schema::{assert_valid_events, event_schema_errors};

pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `dragoman` binary, built once per test process.
pub fn dragoman_bin() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Ok(bin) = std::env::var("DRAGOMAN_BIN") {
            return PathBuf::from(bin);
        }
        let root = workspace_root();
        let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["build", "-q", "-p", "dragoman"])
            .current_dir(&root)
            .status()
            .expect("running cargo build -p dragoman");
        assert!(status.success(), "cargo build -p dragoman failed");
        let target = std::env::var("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|_| root.join("target"));
        let bin = target.join("debug").join("dragoman");
        assert!(bin.exists(), "{} missing after the build", bin.display());
        bin
    })
    .clone()
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn accepts(port: u16) -> bool {
    TcpStream::connect_timeout(
        &format!("127.0.0.1:{port}").parse().unwrap(),
        Duration::from_millis(200),
    )
    .is_ok()
}

/// A broker for the tests of this process.
pub struct Broker {
    pub port: u16,
    state: Option<tempfile::TempDir>,
}

impl Broker {
    /// The shared broker: started on first use, stopped when the last holder drops it.
    pub fn shared() -> Arc<Broker> {
        static SHARED: Mutex<Weak<Broker>> = Mutex::new(Weak::new());
        let mut slot = SHARED.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(b) = slot.upgrade() {
            return b;
        }
        let b = Arc::new(
            match std::env::var("BROKER_PORT")
                .ok()
                .and_then(|p| p.parse().ok())
            {
                Some(port) if accepts(port) => Broker { port, state: None },
                _ => Broker::start_on(free_port()),
            },
        );
        *slot = Arc::downgrade(&b);
        b
    }

    /// A broker of its own on `port`, through scripts/broker.sh.
    pub fn start_on(port: u16) -> Broker {
        let state = tempfile::tempdir().expect("tempdir");
        broker_script("start", port, state.path());
        Broker {
            port,
            state: Some(state),
        }
    }

    pub fn brokers(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        if let Some(state) = &self.state {
            broker_script("stop", self.port, state.path());
        }
    }
}

fn broker_script(action: &str, port: u16, state: &Path) {
    let out = Command::new("bash")
        .arg(workspace_root().join("scripts/broker.sh"))
        .arg(action)
        .env("BROKER_PORT", port.to_string())
        .env("BROKER_STATE_DIR", state)
        .output()
        .expect("running scripts/broker.sh");
    assert!(
        out.status.success(),
        "broker.sh {action}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Topic names and groups unique to one test, as the services' environment.
#[derive(Clone)]
pub struct Env {
    pub prefix: String,
    pub brokers: String,
    pub vars: BTreeMap<String, String>,
}

impl Env {
    /// Runs `dragoman ARGS` with this environment's variables: its standard output, or a panic
    /// with its standard error when it fails.
    pub fn dragoman(&self, args: &[&str]) -> String {
        let out = Command::new(dragoman_bin())
            .args(args)
            .envs(&self.vars)
            .output()
            .unwrap_or_else(|e| panic!("dragoman {args:?}: {e}"));
        assert!(
            out.status.success(),
            "dragoman {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("dragoman writes UTF-8")
    }

    pub fn new(test: &str, brokers: &str) -> Env {
        static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or_default();
        let prefix = format!("{test}-{}-{n}-{nanos}", std::process::id());
        let mut vars = BTreeMap::new();
        let mut set = |k: &str, v: String| {
            vars.insert(k.to_owned(), v);
        };
        set("DRAGOMAN__KAFKA__BROKERS", brokers.to_owned());
        set(
            "DRAGOMAN__TOPICS__ARTICLES_RAW",
            format!("{prefix}.articles.raw"),
        );
        set(
            "DRAGOMAN__TOPICS__ARTICLES_CLEAN",
            format!("{prefix}.articles.clean"),
        );
        set(
            "DRAGOMAN__TOPICS__EVENTS_EXTRACTED",
            format!("{prefix}.events.extracted"),
        );
        set("DRAGOMAN__TOPICS__EVENTS", format!("{prefix}.events"));
        set(
            "DRAGOMAN__TOPICS__DEDUP_CHANGELOG",
            format!("{prefix}.dedup.changelog"),
        );
        set("DRAGOMAN__SHUTDOWN__GRACE_SECONDS", "10".to_owned());
        set("DRAGOMAN__KAFKA__STATISTICS_INTERVAL_MS", "500".to_owned());
        set("DRAGOMAN__KAFKA__SESSION_TIMEOUT_MS", "6000".to_owned());
        set("DRAGOMAN__KAFKA__COMMIT_INTERVAL_MS", "200".to_owned());
        // tansu's coordinator can leave a killed member owning partitions for good: the
        // services rejoin the group when that happens (docs/operations.md, stall watchdog).
        set("DRAGOMAN__KAFKA__STALL_WATCHDOG", "true".to_owned());
        Env {
            prefix,
            brokers: brokers.to_owned(),
            vars,
        }
    }

    pub fn set(&mut self, key: &str, value: impl Into<String>) -> &mut Self {
        self.vars.insert(key.to_owned(), value.into());
        self
    }

    pub fn topic(&self, name: &str) -> String {
        format!("{}.{name}", self.prefix)
    }

    /// The configuration the services see (for the test's own clients).
    pub fn config(&self) -> Config {
        let env = self.vars.clone().into_iter().collect();
        Config::load_with_env(Stage::Run, None, Some(env)).expect("test configuration")
    }

    pub fn kafka(&self) -> KafkaConfig {
        self.config().kafka
    }

    pub fn produce(&self, topic: &str, records: &[(Option<&str>, Vec<u8>)]) {
        let p = SimpleProducer::new(&self.kafka()).expect("producer");
        for (key, payload) in records {
            p.send(topic, key.map(str::as_bytes), payload, &[])
                .expect("send");
        }
        p.flush(Duration::from_secs(60)).expect("flush");
    }

    pub fn read(&self, topic: &str) -> Vec<Record> {
        read_topic(&self.kafka(), topic, Duration::from_secs(60)).expect("read topic")
    }

    /// Reads `topic` until `done` holds of its records, or panics after `timeout`.
    pub fn read_until(
        &self,
        topic: &str,
        timeout: Duration,
        done: impl Fn(&[Record]) -> bool,
    ) -> Vec<Record> {
        let deadline = Instant::now() + timeout;
        loop {
            let records = match read_topic(&self.kafka(), topic, Duration::from_secs(30)) {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("reading {topic}: {e}");
                    Vec::new()
                }
            };
            if done(&records) {
                return records;
            }
            assert!(
                Instant::now() < deadline,
                "{topic}: condition not met after {timeout:?} ({} records)",
                records.len()
            );
            std::thread::sleep(Duration::from_millis(500));
        }
    }

    /// Starts `dragoman <stage>` with this environment plus `extra`.
    pub fn start(&self, stage: &str, extra: &[(&str, &str)]) -> Service {
        Service::start(stage, self, extra)
    }

    /// Starts the three stages together and waits until each is ready: `[ingest, extract,
    /// dedup]`.
    pub fn start_pipeline(&self, timeout: Duration) -> [Service; 3] {
        let mut services = ["ingest", "extract", "dedup"].map(|stage| self.start(stage, &[]));
        for s in &mut services {
            s.wait_ready(timeout);
        }
        services
    }
}

/// A `dragoman` service running as a child process.
pub struct Service {
    pub stage: String,
    pub admin: String,
    child: Option<Child>,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Service {
    pub fn start(stage: &str, env: &Env, extra: &[(&str, &str)]) -> Service {
        Service::start_with_args(stage, &[], env, extra)
    }

    /// `dragoman <stage> <args>`, e.g. `--config FILE` for librdkafka properties, whose dotted
    /// names no `DRAGOMAN__...` variable can spell.
    pub fn start_with_args(
        stage: &str,
        args: &[&std::ffi::OsStr],
        env: &Env,
        extra: &[(&str, &str)],
    ) -> Service {
        let dir = tempfile::tempdir().expect("tempdir");
        let log = dir.path().join(format!("{stage}.log"));
        let admin = format!("127.0.0.1:{}", free_port());
        let mut cmd = Command::new(dragoman_bin());
        cmd.arg(stage)
            .args(args)
            .envs(&env.vars)
            .env("DRAGOMAN__ADMIN__LISTEN", &admin)
            .env(
                "DRAGOMAN__KAFKA__GROUP_ID",
                format!("{}-{stage}", env.prefix),
            )
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&log).expect("log file"))
            .stderr(std::fs::File::create(dir.path().join("stderr")).expect("log file"));
        for (k, v) in extra {
            cmd.env(k, v);
        }
        // stderr carries the logs: send both to one file.
        let err = std::fs::OpenOptions::new()
            .append(true)
            .open(&log)
            .expect("log file");
        cmd.stderr(err);
        let child = cmd.spawn().expect("spawning dragoman");
        Service {
            stage: stage.to_owned(),
            admin,
            child: Some(child),
            log,
            _dir: dir,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("running").id()
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// GET `path` on the admin port: (status, body).
    pub fn get(&self, path: &str) -> Option<(u16, String)> {
        let mut s = TcpStream::connect(&self.admin).ok()?;
        s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
        write!(s, "GET {path} HTTP/1.1\r\nHost: t\r\n\r\n").ok()?;
        let mut out = String::new();
        s.read_to_string(&mut out).ok()?;
        let status = out.get(9..12)?.parse().ok()?;
        Some((status, out.split_once("\r\n\r\n")?.1.to_owned()))
    }

    /// Waits for `/ready` to answer 200.
    pub fn wait_ready(&mut self, timeout: Duration) -> &mut Self {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some((200, _)) = self.get("/ready") {
                return self;
            }
            if let Some(status) = self
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten())
            {
                panic!(
                    "{} exited with {status} before ready:\n{}",
                    self.stage,
                    self.log()
                );
            }
            assert!(
                Instant::now() < deadline,
                "{} not ready after {timeout:?}: {:?}\n{}",
                self.stage,
                self.get("/ready"),
                self.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The value of one metric sample, e.g. `dragoman_records_in_total{stage="ingest"}`.
    pub fn metric(&self, sample: &str) -> f64 {
        let (_, body) = self.get("/metrics").unwrap_or_default();
        body.lines()
            .find_map(|l| l.strip_prefix(sample).and_then(|v| v.trim().parse().ok()))
            .unwrap_or(0.0)
    }

    /// Waits until `metric(sample) >= at_least`.
    pub fn wait_metric(&self, sample: &str, at_least: f64, timeout: Duration) -> f64 {
        let deadline = Instant::now() + timeout;
        loop {
            let v = self.metric(sample);
            if v >= at_least {
                return v;
            }
            assert!(
                Instant::now() < deadline,
                "{}: {sample} = {v} < {at_least} after {timeout:?}\n{}",
                self.stage,
                self.log()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// SIGTERM, then waits for the exit: (status, time it took).
    pub fn terminate(&mut self, timeout: Duration) -> (ExitStatus, Duration) {
        let started = Instant::now();
        let child = self.child.as_mut().expect("running");
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        loop {
            if let Some(status) = child.try_wait().expect("wait") {
                self.child = None;
                return (status, started.elapsed());
            }
            assert!(
                started.elapsed() < timeout,
                "{} did not exit {timeout:?} after SIGTERM",
                self.stage
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// SIGKILL: no chance to flush or commit.
    pub fn kill9(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// The exit status, if the process has exited on its own.
    pub fn try_exit(&mut self) -> Option<ExitStatus> {
        let status = self.child.as_mut()?.try_wait().expect("wait")?;
        self.child = None;
        Some(status)
    }

    /// Waits for the process to exit on its own.
    pub fn wait_exit(&mut self, timeout: Duration) -> ExitStatus {
        let started = Instant::now();
        let child = self.child.as_mut().expect("running");
        loop {
            if let Some(status) = child.try_wait().expect("wait") {
                self.child = None;
                return status;
            }
            assert!(started.elapsed() < timeout, "{} still running", self.stage);
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("---- log of {} ----\n{}", self.stage, self.log());
        }
        self.kill9();
    }
}

/// A hand-written article as JSON bytes.
pub fn article(id: &str, source: &str, published_at: &str, body: &str) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "id": id,
        "url": format!("https://{source}/{id}"),
        "source": source,
        "published_at": published_at,
        "title": format!("Report {id}"),
        "body": body,
        "language": "en",
    }))
    .unwrap()
}

/// The value of a record as JSON, whichever encoding it was written in (the internal topics
/// carry MessagePack by default: `topics.internal_encoding`).
pub fn json(r: &Record) -> serde_json::Value {
    dragoman_model::wire::decode(r.payload.as_deref().unwrap_or_default())
        .unwrap_or(serde_json::Value::Null)
}

/// The latest revision of every event of `records` (the `events` topic), by `event_id`.
/// Every record must be a valid event (docs/event.schema.json).
pub fn latest_events(records: &[Record]) -> BTreeMap<String, serde_json::Value> {
    assert_valid_events(records);
    let mut out: BTreeMap<String, serde_json::Value> = BTreeMap::new();
    for r in records {
        let e = json(r);
        let id = e["event_id"].as_str().unwrap_or_default().to_owned();
        let newer = out
            .get(&id)
            .is_none_or(|old| old["revision"].as_u64() < e["revision"].as_u64());
        if newer {
            out.insert(id, e);
        }
    }
    out
}

/// (event_id, revision) pairs published more than once. Every record must be a valid event
/// (docs/event.schema.json).
pub fn duplicate_revisions(records: &[Record]) -> Vec<(String, u64)> {
    assert_valid_events(records);
    let mut seen = std::collections::HashMap::new();
    for r in records {
        let e = json(r);
        *seen
            .entry((
                e["event_id"].as_str().unwrap_or_default().to_owned(),
                e["revision"].as_u64().unwrap_or_default(),
            ))
            .or_insert(0u32) += 1;
    }
    let mut d: Vec<_> = seen
        .into_iter()
        .filter(|(_, n)| *n > 1)
        .map(|(k, _)| k)
        .collect();
    d.sort();
    d
}

impl Broker {
    /// The broker's process id, when this harness started it.
    pub fn pid(&self) -> Option<u32> {
        let state = self.state.as_ref()?;
        std::fs::read_to_string(state.path().join("tansu.pid"))
            .ok()?
            .trim()
            .parse()
            .ok()
    }

    /// Freezes (SIGSTOP) or resumes (SIGCONT) the broker: an outage that keeps its data.
    pub fn signal(&self, signal: &str) {
        let pid = self.pid().expect("a broker this harness started");
        let ok = Command::new("kill")
            .args([signal, &pid.to_string()])
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "kill {signal} {pid}");
    }
}
