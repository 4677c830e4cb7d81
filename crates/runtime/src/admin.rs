//! Health state and the admin HTTP server: `GET /metrics`, `/live`, `/ready`.
//!
//! The server is deliberately tiny (one request per connection, GET only, bounded request size):
//! it serves three fixed paths to Prometheus and to an orchestrator's probes, and a full HTTP
//! stack would be most of the binary's build time for that.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::metrics::Metrics;

/// A condition `/ready` waits for. Each has one owner that sets and clears it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Condition {
    /// The broker answers (cleared while every broker is down).
    Broker,
    /// The consumer joined its group and got its (possibly empty) assignment.
    Group,
    /// The stage's processor is loaded (dictionaries, state restored).
    Processor,
    /// Not shutting down.
    Running,
    /// Records move when there is a backlog, and the member holds partitions when the group
    /// has records nobody consumes.
    Progress,
}

impl Condition {
    fn bit(self) -> u8 {
        1 << self as u8
    }

    fn as_str(self) -> &'static str {
        match self {
            Condition::Broker => "broker",
            Condition::Group => "group",
            Condition::Processor => "processor",
            Condition::Running => "running",
            Condition::Progress => "progress",
        }
    }
}

/// Liveness and readiness of a service, shared by the Kafka loop and the admin server.
pub struct Health {
    metrics: Arc<Metrics>,
    live: AtomicBool,
    /// Unmet conditions with the reason shown on `/ready`.
    unmet: Mutex<BTreeMap<Condition, String>>,
    /// The keys of `unmet` as bits, for `is_met` without the lock: it is asked on every
    /// acknowledged record.
    unmet_bits: AtomicU8,
}

impl Health {
    /// Starts not ready: broker, group and processor all pending.
    pub fn new(metrics: Arc<Metrics>) -> Arc<Health> {
        let mut unmet = BTreeMap::new();
        unmet.insert(Condition::Broker, "connecting to the broker".to_owned());
        unmet.insert(Condition::Group, "joining the consumer group".to_owned());
        unmet.insert(Condition::Processor, "loading".to_owned());
        metrics.ready.set(0);
        let bits = unmet.keys().fold(0, |b, c| b | c.bit());
        Arc::new(Health {
            metrics,
            live: AtomicBool::new(true),
            unmet: Mutex::new(unmet),
            unmet_bits: AtomicU8::new(bits),
        })
    }

    pub fn set(&self, condition: Condition, met: bool, reason: impl Into<String>) {
        let mut unmet = self.unmet.lock().unwrap_or_else(|e| e.into_inner());
        if met {
            unmet.remove(&condition);
            self.unmet_bits
                .fetch_and(!condition.bit(), Ordering::Release);
        } else {
            unmet.insert(condition, reason.into());
            self.unmet_bits.fetch_or(condition.bit(), Ordering::Release);
        }
        self.metrics.ready.set(i64::from(unmet.is_empty()));
    }

    pub fn ready(&self) -> Result<(), String> {
        let unmet = self.unmet.lock().unwrap_or_else(|e| e.into_inner());
        if unmet.is_empty() {
            return Ok(());
        }
        Err(unmet
            .iter()
            .map(|(c, r)| format!("{}: {r}", c.as_str()))
            .collect::<Vec<_>>()
            .join("\n"))
    }

    pub fn is_met(&self, condition: Condition) -> bool {
        self.unmet_bits.load(Ordering::Acquire) & condition.bit() == 0
    }

    /// Marks the process not live: the loop is wedged and only a restart helps.
    pub fn set_dead(&self) {
        self.live.store(false, Ordering::Relaxed);
    }

    pub fn live(&self) -> bool {
        self.live.load(Ordering::Relaxed)
    }
}

/// The bound admin server; `addr` is the real address (useful with port 0).
pub struct AdminServer {
    pub addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl AdminServer {
    /// Binds `addr` and serves until [`AdminServer::stop`] or the runtime ends.
    pub async fn bind(
        addr: SocketAddr,
        metrics: Arc<Metrics>,
        health: Arc<Health>,
    ) -> std::io::Result<AdminServer> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let task = tokio::spawn(async move {
            loop {
                let (stream, _) = match listener.accept().await {
                    Ok(conn) => conn,
                    Err(e) => {
                        // EMFILE and the like: back off instead of spinning.
                        tracing::warn!(error = %e, "admin server accept");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                };
                let metrics = metrics.clone();
                let health = health.clone();
                tokio::spawn(async move {
                    let _ = tokio::time::timeout(
                        Duration::from_secs(10),
                        serve(stream, &metrics, &health),
                    )
                    .await;
                });
            }
        });
        Ok(AdminServer { addr, task })
    }

    pub fn stop(self) {
        self.task.abort();
    }
}

const MAX_REQUEST: usize = 8 * 1024;

async fn serve(mut stream: TcpStream, metrics: &Metrics, health: &Health) -> std::io::Result<()> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") && !buf.windows(2).any(|w| w == b"\n\n") {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
        if buf.len() > MAX_REQUEST {
            return respond(&mut stream, 431, "text/plain", "request too large\n").await;
        }
    }
    let head = String::from_utf8_lossy(&buf);
    let mut parts = head.lines().next().unwrap_or("").split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let path = target.split('?').next().unwrap_or("");
    if method != "GET" && method != "HEAD" {
        return respond(&mut stream, 405, "text/plain", "only GET\n").await;
    }
    match path {
        "/metrics" => {
            let body = metrics.render();
            respond(&mut stream, 200, "text/plain; version=0.0.4", &body).await
        }
        "/live" => {
            if health.live() {
                respond(&mut stream, 200, "text/plain", "live\n").await
            } else {
                respond(&mut stream, 503, "text/plain", "not live\n").await
            }
        }
        "/ready" => match health.ready() {
            Ok(()) => respond(&mut stream, 200, "text/plain", "ready\n").await,
            Err(why) => {
                respond(
                    &mut stream,
                    503,
                    "text/plain",
                    &format!("not ready\n{why}\n"),
                )
                .await
            }
        },
        _ => {
            respond(
                &mut stream,
                404,
                "text/plain",
                "not found: try /metrics, /live, /ready\n",
            )
            .await
        }
    }
}

async fn respond(
    stream: &mut TcpStream,
    status: u16,
    content_type: &str,
    body: &str,
) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        _ => "Service Unavailable",
    };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body.as_bytes()).await?;
    stream.shutdown().await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Stage;

    async fn get(addr: SocketAddr, path: &str) -> (u16, String) {
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
            .await
            .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).await.unwrap();
        let status = out[9..12].parse().unwrap();
        let body = out.split("\r\n\r\n").nth(1).unwrap_or("").to_owned();
        (status, body)
    }

    #[tokio::test]
    async fn serves_metrics_live_and_ready() {
        let metrics = Arc::new(Metrics::new(Stage::Service {
            name: "extract",
            admin: "127.0.0.1:0",
        }));
        let health = Health::new(metrics.clone());
        let server = AdminServer::bind(
            "127.0.0.1:0".parse().unwrap(),
            metrics.clone(),
            health.clone(),
        )
        .await
        .unwrap();
        let addr = server.addr;

        let (status, body) = get(addr, "/ready").await;
        assert_eq!(status, 503);
        assert!(body.contains("broker: connecting"), "{body}");
        assert_eq!(get(addr, "/live").await.0, 200);

        health.set(Condition::Broker, true, "");
        health.set(Condition::Group, true, "");
        assert_eq!(get(addr, "/ready").await.0, 503);
        health.set(Condition::Processor, true, "");
        assert_eq!(get(addr, "/ready").await, (200, "ready\n".to_owned()));

        metrics.records_in.inc();
        let (status, body) = get(addr, "/metrics").await;
        assert_eq!(status, 200);
        assert!(body.contains("dragoman_records_in_total{stage=\"extract\"} 1"));
        assert!(body.contains("dragoman_ready{stage=\"extract\"} 1"));

        health.set(Condition::Broker, false, "all brokers down");
        let (status, body) = get(addr, "/ready").await;
        assert_eq!(status, 503);
        assert!(body.contains("all brokers down"));

        assert_eq!(get(addr, "/nope").await.0, 404);
        health.set_dead();
        assert_eq!(get(addr, "/live").await.0, 503);
        server.stop();
    }
}
