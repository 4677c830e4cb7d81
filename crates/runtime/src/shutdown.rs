//! Shutdown: one flag every part of a service watches.
//!
//! The Kafka loop is synchronous (librdkafka polls block), so the flag is a condition variable
//! rather than a tokio channel: the loop checks it between polls and waits on it while backing
//! off, and a signal handler on the tokio side trips it.

use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

#[derive(Clone, Default)]
pub struct Shutdown {
    inner: Arc<(Mutex<Option<Instant>>, Condvar)>,
}

impl Shutdown {
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks every holder to stop. Idempotent: the first request's time is kept.
    pub fn trigger(&self) {
        let (lock, cvar) = &*self.inner;
        let mut at = lock.lock().unwrap_or_else(|e| e.into_inner());
        if at.is_none() {
            *at = Some(Instant::now());
        }
        cvar.notify_all();
    }

    pub fn is_triggered(&self) -> bool {
        self.requested_at().is_some()
    }

    /// When shutdown was requested: the grace period counts from here.
    pub fn requested_at(&self) -> Option<Instant> {
        *self.inner.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Sleeps up to `timeout`; returns `true` early if shutdown is (or gets) requested.
    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        let (lock, cvar) = &*self.inner;
        let guard = lock.lock().unwrap_or_else(|e| e.into_inner());
        let (guard, _) = cvar
            .wait_timeout_while(guard, timeout, |at| at.is_none())
            .unwrap_or_else(|e| e.into_inner());
        guard.is_some()
    }

    /// Exits the process `grace` (plus half a second) after shutdown is requested, clean
    /// close or not: the grace period is a promise to the orchestrator, kept even if a flush
    /// hangs.
    pub fn exit_after_grace(&self, grace: Duration) -> std::io::Result<()> {
        let shutdown = self.clone();
        std::thread::Builder::new()
            .name("dragoman-watchdog".into())
            .spawn(move || {
                while !shutdown.wait_timeout(Duration::from_secs(3600)) {}
                std::thread::sleep(grace + Duration::from_millis(500));
                tracing::error!("grace period exceeded: exiting without a clean close");
                std::process::exit(1);
            })?;
        Ok(())
    }

    /// Trips this flag on SIGTERM or SIGINT. A second signal exits at once (code 130), for the
    /// operator who really means it.
    pub fn listen_for_signals(&self, rt: &tokio::runtime::Handle) {
        let this = self.clone();
        rt.spawn(async move {
            use tokio::signal::unix::{signal, SignalKind};
            let (Ok(mut term), Ok(mut int)) = (
                signal(SignalKind::terminate()),
                signal(SignalKind::interrupt()),
            ) else {
                tracing::error!("cannot install signal handlers");
                return;
            };
            tokio::select! { _ = term.recv() => {}, _ = int.recv() => {} }
            tracing::info!("shutdown requested: draining in-flight records");
            this.trigger();
            tokio::select! { _ = term.recv() => {}, _ = int.recv() => {} }
            tracing::warn!("second signal: exiting now");
            std::process::exit(130);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wait_returns_early_when_triggered() {
        let s = Shutdown::new();
        assert!(!s.wait_timeout(Duration::from_millis(1)));
        let s2 = s.clone();
        let t = std::thread::spawn(move || s2.wait_timeout(Duration::from_secs(30)));
        std::thread::sleep(Duration::from_millis(20));
        s.trigger();
        assert!(t.join().unwrap());
        let first = s.requested_at().unwrap();
        s.trigger();
        assert_eq!(s.requested_at(), Some(first));
    }
}
