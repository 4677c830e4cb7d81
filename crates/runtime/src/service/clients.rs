//! The service's librdkafka clients: the producer (idempotent; transactional under
//! exactly-once) and the group consumer.

use std::sync::Arc;

use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::KafkaError;

use super::delivery::{Prod, ProducerCtx};
use super::processor::Processor;
use super::rebalance::ConsumerCtx;
use super::shared::Shared;
use super::transaction::transactional_id;
use super::ServiceSpec;
use crate::config::{Config, Delivery};
use crate::kafka::{client_config, ServiceContext};

/// The producer of every output, dead letter and changelog record.
pub(crate) fn producer(
    cfg: &Config,
    spec: &ServiceSpec,
    ctx: ProducerCtx,
) -> Result<Prod, KafkaError> {
    let exactly_once = cfg.delivery == Delivery::ExactlyOnce;
    let mut pcfg = client_config(&cfg.kafka);
    pcfg.set(
        "statistics.interval.ms",
        cfg.kafka.statistics_interval_ms.to_string(),
    )
    .set("acks", "all")
    .set("linger.ms", cfg.kafka.linger_ms.to_string())
    .set("enable.idempotence", "true");
    if exactly_once {
        pcfg.set("transactional.id", transactional_id(cfg, spec))
            .set(
                "transaction.timeout.ms",
                cfg.kafka.transaction_timeout_ms.to_string(),
            )
            .set(
                "message.timeout.ms",
                cfg.kafka.transaction_timeout_ms.to_string(),
            );
    } else {
        // Never give up on a record: a broker outage delays it, it does not drop it.
        pcfg.set("message.timeout.ms", "0");
    }
    for (k, v) in &cfg.kafka.properties {
        pcfg.set(k, v);
    }
    pcfg.create_with_context(ctx)
}

/// A new member of the service's consumer group, subscribed to the input.
pub(crate) fn consumer<P: Processor + 'static>(
    shared: &Arc<Shared<P>>,
) -> Result<BaseConsumer<ConsumerCtx<P>>, KafkaError> {
    let cfg = &shared.cfg;
    let mut ccfg = client_config(&cfg.kafka);
    ccfg.set("group.id", &cfg.kafka.group_id)
        .set("enable.auto.commit", "false")
        .set("auto.offset.reset", "earliest")
        .set("isolation.level", "read_committed")
        .set(
            "session.timeout.ms",
            cfg.kafka.session_timeout_ms.to_string(),
        )
        .set("fetch.wait.max.ms", cfg.kafka.fetch_wait_max_ms.to_string())
        .set("fetch.min.bytes", cfg.kafka.fetch_min_bytes.to_string())
        .set(
            "statistics.interval.ms",
            cfg.kafka.statistics_interval_ms.to_string(),
        );
    for (k, v) in &cfg.kafka.properties {
        ccfg.set(k, v);
    }
    let consumer: BaseConsumer<ConsumerCtx<P>> = ccfg.create_with_context(ConsumerCtx {
        svc: ServiceContext::new(shared.metrics.clone(), shared.health.clone()),
        shared: shared.clone(),
    })?;
    consumer.subscribe(&[&shared.spec.input])?;
    Ok(consumer)
}
