//! Dead-letter records: the input as received, with headers saying why, and a truncated copy
//! when even that cannot be produced.
//!
//! A record just under the broker's 16 MiB limit, dead-lettered whole with its headers, was
//! over the producer's message limit: ingest retried it forever and consumed nothing else. Now
//! a record the producer or the broker refuses for its size is dead-lettered truncated, with
//! headers giving the original size and hash, so that nothing is lost silently and nothing
//! stalls.

use std::sync::Arc;

use crate::service::{InputRecord, OutputRecord};

/// Header names of a dead-letter record (docs/contracts.md), plus where it came from.
pub const HEADER_STAGE: &str = "dragoman.error.stage";
pub const HEADER_REASON: &str = "dragoman.error.reason";
pub const HEADER_MESSAGE: &str = "dragoman.error.message";
pub const HEADER_SOURCE_TOPIC: &str = "dragoman.source.topic";
pub const HEADER_SOURCE_PARTITION: &str = "dragoman.source.partition";
pub const HEADER_SOURCE_OFFSET: &str = "dragoman.source.offset";

/// `true` on a truncated dead letter.
pub const HEADER_TRUNCATED: &str = "dragoman.truncated";
/// The payload's size in bytes before truncation.
pub const HEADER_ORIGINAL_SIZE: &str = "dragoman.original.size";
/// The XXH3-64 hash of the whole original payload, as 16 hex digits.
pub const HEADER_ORIGINAL_XXH3: &str = "dragoman.original.xxh3";

/// What a truncated dead letter keeps of its payload: enough to recognise the record, small
/// enough for any broker's limit.
pub const TRUNCATED_BYTES: usize = 64 * 1024;

/// The dead letter of `input`: its original bytes, as received, and why.
pub fn dead_letter(
    dlq: &Arc<str>,
    stage: &'static str,
    reason: &'static str,
    message: &str,
    input: &InputRecord<'_>,
) -> OutputRecord {
    OutputRecord {
        topic: dlq.clone(),
        key: input.key.map(<[u8]>::to_vec),
        payload: Some(input.payload.unwrap_or_default().to_vec()),
        partition: None,
        headers: vec![
            (HEADER_STAGE, stage.as_bytes().to_vec()),
            (HEADER_REASON, reason.as_bytes().to_vec()),
            (HEADER_MESSAGE, message.as_bytes().to_vec()),
            (HEADER_SOURCE_TOPIC, input.topic.as_bytes().to_vec()),
            (
                HEADER_SOURCE_PARTITION,
                input.partition.to_string().into_bytes(),
            ),
            (HEADER_SOURCE_OFFSET, input.offset.to_string().into_bytes()),
        ],
    }
}

/// `record` with its payload cut to [`TRUNCATED_BYTES`] and headers saying so (a record
/// truncated already keeps the headers of its first cut). Its other headers are kept, clipped
/// to a few hundred bytes each.
pub fn truncated(record: &OutputRecord) -> OutputRecord {
    let payload = record.payload.as_deref().unwrap_or_default();
    let mut headers: Vec<(&'static str, Vec<u8>)> = record
        .headers
        .iter()
        .map(|(k, v)| (*k, v[..v.len().min(512)].to_vec()))
        .collect();
    if !headers.iter().any(|(k, _)| *k == HEADER_TRUNCATED) {
        headers.push((HEADER_TRUNCATED, b"true".to_vec()));
        headers.push((HEADER_ORIGINAL_SIZE, payload.len().to_string().into_bytes()));
        let hash = xxhash_rust::xxh3::xxh3_64(payload);
        headers.push((HEADER_ORIGINAL_XXH3, format!("{hash:016x}").into_bytes()));
    }
    OutputRecord {
        topic: record.topic.clone(),
        key: record.key.as_ref().map(|k| k[..k.len().min(1024)].to_vec()),
        payload: Some(payload[..payload.len().min(TRUNCATED_BYTES)].to_vec()),
        partition: record.partition,
        headers,
    }
}

/// Header value of a record, as text.
pub fn header_str<'a>(
    headers: &'a rdkafka::message::BorrowedHeaders,
    key: &str,
) -> Option<&'a str> {
    use rdkafka::message::Headers;
    headers
        .iter()
        .find(|h| h.key == key)
        .and_then(|h| h.value)
        .and_then(|v| std::str::from_utf8(v).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(payload: &[u8]) -> InputRecord<'_> {
        InputRecord {
            topic: "articles.raw",
            partition: 2,
            offset: 41,
            key: Some(b"k"),
            payload: Some(payload),
            timestamp_ms: None,
        }
    }

    fn header<'a>(r: &'a OutputRecord, key: &str) -> Option<&'a [u8]> {
        r.headers
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_slice())
    }

    #[test]
    fn a_record_too_large_to_dead_letter_whole_is_dead_lettered_truncated_with_its_size_and_hash() {
        let body = vec![b'x'; 16 * 1024 * 1024 - 120];
        let dlq: Arc<str> = Arc::from("articles.raw.dlq");
        let whole = dead_letter(&dlq, "ingest", "too_large", "over 1 MiB", &input(&body));
        let cut = truncated(&whole);
        assert_eq!(cut.payload.as_ref().unwrap().len(), TRUNCATED_BYTES);
        assert_eq!(header(&cut, HEADER_TRUNCATED), Some(&b"true"[..]));
        let size = body.len().to_string();
        assert_eq!(header(&cut, HEADER_ORIGINAL_SIZE), Some(size.as_bytes()));
        let hash = format!("{:016x}", xxhash_rust::xxh3::xxh3_64(&body));
        assert_eq!(header(&cut, HEADER_ORIGINAL_XXH3), Some(hash.as_bytes()));
        assert_eq!(header(&cut, HEADER_REASON), Some(&b"too_large"[..]));
        assert_eq!(header(&cut, HEADER_SOURCE_OFFSET), Some(&b"41"[..]));
        assert_eq!(&*cut.topic, "articles.raw.dlq");
    }

    #[test]
    fn truncating_twice_keeps_the_first_original_size() {
        let body = vec![b'y'; 100_000];
        let dlq: Arc<str> = Arc::from("d");
        let once = truncated(&dead_letter(&dlq, "ingest", "too_large", "", &input(&body)));
        let twice = truncated(&once);
        let sizes: Vec<&[u8]> = twice
            .headers
            .iter()
            .filter(|(k, _)| *k == HEADER_ORIGINAL_SIZE)
            .map(|(_, v)| v.as_slice())
            .collect();
        assert_eq!(sizes, vec![&b"100000"[..]]);
        assert_eq!(twice.payload.as_ref().unwrap().len(), TRUNCATED_BYTES);
    }
}
