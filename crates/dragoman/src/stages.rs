//! The wiring of the stages: which sections the one configuration has, which stage runs as
//! which service, and the benchmark's pass-through. Each stage's section, metrics and processor
//! live in its crate (`service` modules of dragoman-ingest, dragoman-pipeline and
//! dragoman-dedup); the runtime knows none of them.

use std::path::Path;
use std::sync::Arc;

use dragoman_dedup::service::{DedupMetrics, DedupProcessor};
use dragoman_dedup::DedupSection;
use dragoman_ingest::service::{IngestMetrics, IngestProcessor};
use dragoman_ingest::IngestOptions;
use dragoman_pipeline::service::{ExtractMetrics, ExtractProcessor};
use dragoman_pipeline::{CoderSection, ExtractSection};
use dragoman_runtime::config::{Config, Loader, Stage};
use dragoman_runtime::{
    run_service, ConfigError, InputRecord, OutputRecord, Processor, ServiceSpec, Shutdown, Verdict,
};

pub use dragoman_dedup::service::STAGE as DEDUP;
pub use dragoman_ingest::service::STAGE as INGEST;
pub use dragoman_pipeline::service::STAGE as EXTRACT;

/// The benchmark baseline's service.
pub const PASSTHROUGH: Stage = Stage::Service {
    name: "passthrough",
    admin: "127.0.0.1:9467",
};

/// The configuration of any dragoman program: the runtime's sections and every stage's,
/// checked whichever of them the program runs (one file serves every service).
pub fn config(stage: Stage, file: Option<&Path>) -> Result<Config, ConfigError> {
    Loader::new(stage)
        .file(file)
        .section::<IngestOptions>()
        .section::<ExtractSection>()
        .section::<CoderSection>()
        .section::<DedupSection>()
        .load()
}

/// Runs `stage` as a Kafka service on `spec` until `shutdown`.
pub fn run(stage: Stage, cfg: Config, spec: ServiceSpec, shutdown: Shutdown) -> anyhow::Result<()> {
    let c = cfg.clone();
    let failed = |e: &dyn std::fmt::Display| format!("registering the stage's metrics: {e}");
    if stage == INGEST {
        let processor = move |m: &Arc<_>| {
            IngestProcessor::new(&c, IngestMetrics::register(m).map_err(|e| failed(&e))?)
        };
        run_service(cfg, spec, processor, shutdown)?;
    } else if stage == EXTRACT {
        let processor = move |m: &Arc<_>| {
            let coder = crate::cmd_dict::coder(&c).map_err(|e| format!("{e:#}"))?;
            let metrics = ExtractMetrics::register(m).map_err(|e| failed(&e))?;
            ExtractProcessor::new(&c, Arc::new(coder), metrics)
        };
        run_service(cfg, spec, processor, shutdown)?;
    } else if stage == DEDUP {
        let processor = move |m: &Arc<_>| {
            let metrics = DedupMetrics::register(m).map_err(|e| failed(&e))?;
            DedupProcessor::new(&c, Arc::new(metrics))
        };
        run_service(cfg, spec, processor, shutdown)?;
    } else {
        let output = spec.outputs[0].clone();
        run_service(
            cfg,
            spec,
            move |_| Ok(PassthroughProcessor::new(&output)),
            shutdown,
        )?;
    }
    Ok(())
}

/// The benchmark baseline: the same records out as in, no work.
pub struct PassthroughProcessor {
    output: Arc<str>,
}

impl PassthroughProcessor {
    pub fn new(output: &str) -> Self {
        PassthroughProcessor {
            output: Arc::from(output),
        }
    }
}

impl Processor for PassthroughProcessor {
    fn process(&mut self, rec: &InputRecord<'_>) -> Verdict {
        Verdict::Produce(vec![OutputRecord {
            topic: self.output.clone(),
            key: rec.key.map(<[u8]>::to_vec),
            payload: rec.payload.map(<[u8]>::to_vec),
            partition: None,
            headers: Vec::new(),
        }])
    }
}

#[cfg(test)]
mod tests;
