//! Reading a service's admin port: `GET /metrics` and `GET /ready`, over plain HTTP/1.1 with
//! short timeouts, so that a service that is down or stuck costs one frame a fraction of a
//! second and never hangs the view.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use super::prom::{self, Sample};

const CONNECT_TIMEOUT: Duration = Duration::from_millis(300);
const IO_TIMEOUT: Duration = Duration::from_millis(700);
/// A `/metrics` body larger than this is cut (a service exposes a few hundred samples).
const MAX_BODY: u64 = 8 << 20;

/// A service to watch: its admin address, and the stage it was configured as, if known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub addr: String,
    pub stage: Option<String>,
}

/// One reading of a target.
#[derive(Debug, Clone)]
pub struct Scrape {
    pub at: Instant,
    /// The samples, or why they could not be read.
    pub metrics: Result<Vec<Sample>, String>,
    /// `/ready`: the status and the reason a service gives for not being ready.
    pub ready: Option<(u16, String)>,
}

pub fn scrape(target: &Target) -> Scrape {
    let metrics = get(&target.addr, "/metrics").and_then(|(status, body)| match status {
        200 => Ok(prom::parse(&body)),
        s => Err(format!("/metrics answered {s}")),
    });
    let ready = match &metrics {
        Ok(_) => get(&target.addr, "/ready").ok().map(|(status, body)| {
            // "not ready\n<why>\n": the reason is what follows the first line.
            let why = body.split_once('\n').map_or("", |(_, why)| why.trim());
            (status, why.replace('\n', "; "))
        }),
        Err(_) => None,
    };
    Scrape {
        at: Instant::now(),
        metrics,
        ready,
    }
}

/// `GET path` on `addr`: the status and the body.
pub fn get(addr: &str, path: &str) -> Result<(u16, String), String> {
    let sock = addr
        .to_socket_addrs()
        .map_err(|e| format!("{addr}: {e}"))?
        .next()
        .ok_or_else(|| format!("{addr}: no address"))?;
    let mut s = TcpStream::connect_timeout(&sock, CONNECT_TIMEOUT).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(IO_TIMEOUT))
        .map_err(|e| e.to_string())?;
    s.set_write_timeout(Some(IO_TIMEOUT))
        .map_err(|e| e.to_string())?;
    // One write: a server that reads one segment and closes must still see the request whole.
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nUser-Agent: dragoman-top\r\nConnection: close\r\n\r\n"
    );
    s.write_all(request.as_bytes()).map_err(|e| e.to_string())?;
    let mut raw = Vec::new();
    s.take(MAX_BODY)
        .read_to_end(&mut raw)
        .map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| "not an HTTP answer".to_owned())?;
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| "not an HTTP answer".to_owned())?;
    Ok((status, body.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    /// A one-shot server answering each connection with `answer(path)`.
    fn serve(answer: fn(&str) -> String) -> String {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = l.local_addr().unwrap().to_string();
        std::thread::spawn(move || {
            for conn in l.incoming().take(4) {
                let mut c = conn.unwrap();
                let mut req = String::new();
                let mut buf = [0u8; 1024];
                while !req.contains("\r\n\r\n") {
                    let n = c.read(&mut buf).unwrap();
                    if n == 0 {
                        break;
                    }
                    req.push_str(&String::from_utf8_lossy(&buf[..n]));
                }
                let path = req.split_whitespace().nth(1).unwrap_or("/").to_owned();
                let _ = c.write_all(answer(&path).as_bytes());
            }
        });
        addr
    }

    #[test]
    fn reads_metrics_and_the_reason_for_not_ready() {
        let addr = serve(|path| match path {
            "/metrics" => "HTTP/1.1 200 OK\r\n\r\n\
                           dragoman_ready{stage=\"dedup\"} 0\n"
                .to_owned(),
            _ => "HTTP/1.1 503 Service Unavailable\r\n\r\nnot ready\nprocessor: restoring state\n"
                .to_owned(),
        });
        let s = scrape(&Target { addr, stage: None });
        let m = s.metrics.unwrap();
        assert_eq!(m[0].name, "dragoman_ready");
        assert_eq!(
            s.ready,
            Some((503, "processor: restoring state".to_owned()))
        );
    }

    #[test]
    fn a_service_that_is_down_is_an_error_not_a_hang() {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let started = Instant::now();
        let s = scrape(&Target {
            addr: format!("127.0.0.1:{port}"),
            stage: Some("ingest".into()),
        });
        assert!(s.metrics.is_err());
        assert!(s.ready.is_none());
        assert!(started.elapsed() < Duration::from_secs(2));
    }
}
