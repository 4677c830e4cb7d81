//! The values of the internal topics (`articles.clean`, `events.extracted`): MessagePack maps
//! by default, JSON on request (`topics.internal_encoding`). A reader takes either, told apart by
//! the first byte (a JSON object opens with `{` or white space, a MessagePack map with a map
//! marker), so a topic written by an older version or by hand still reads, and
//! `dragoman consume` shows every record as JSON. MessagePack keeps the field names: a record
//! stays readable by a version that added fields, as JSON does, at about half the bytes to
//! write and read. The `events` topic users read is always JSON (docs/contracts.md).

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// How an internal topic's values are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    #[default]
    Msgpack,
    Json,
}

#[derive(Debug, thiserror::Error)]
pub enum WireError {
    #[error("not UTF-8: {0}")]
    Utf8(String),
    #[error("not JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("not MessagePack: {0}")]
    MsgpackRead(#[from] rmp_serde::decode::Error),
    #[error("cannot write MessagePack: {0}")]
    MsgpackWrite(#[from] rmp_serde::encode::Error),
}

/// Whether `bytes` open as a MessagePack map (fixmap, map 16, map 32). No JSON text does: its
/// bytes below 0x80 are ASCII and a value never starts with a continuation byte.
pub fn is_msgpack(bytes: &[u8]) -> bool {
    matches!(bytes.first(), Some(0x80..=0x8f | 0xde | 0xdf))
}

/// Appends `value` to `out` in `encoding`.
pub fn encode<T: Serialize>(
    value: &T,
    encoding: Encoding,
    out: &mut Vec<u8>,
) -> Result<(), WireError> {
    match encoding {
        Encoding::Json => serde_json::to_writer(out, value)?,
        Encoding::Msgpack => {
            value.serialize(&mut rmp_serde::Serializer::new(out).with_struct_map())?
        }
    }
    Ok(())
}

/// Reads a value written by [`encode`] in either encoding. JSON is checked as UTF-8 once and
/// parsed from `&str`: `from_slice` checks every string again on its own, a third slower.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, WireError> {
    if is_msgpack(bytes) {
        Ok(rmp_serde::from_slice(bytes)?)
    } else {
        let text = std::str::from_utf8(bytes).map_err(|e| WireError::Utf8(e.to_string()))?;
        Ok(serde_json::from_str(text)?)
    }
}

/// A record's value (`None`: a record with no value) read by [`decode`], the error as text for
/// a dead letter.
pub fn decode_record<T: DeserializeOwned>(value: Option<&[u8]>) -> Result<T, String> {
    let bytes = value.ok_or("record has no value")?;
    decode(bytes).map_err(|e| e.to_string())
}

/// A MessagePack record's value as JSON text; `None` for anything else (JSON, or bytes that are
/// neither), which a reader shows as it is.
pub fn to_json(bytes: &[u8]) -> Option<Vec<u8>> {
    if !is_msgpack(bytes) {
        return None;
    }
    let value: serde_json::Value = rmp_serde::from_slice(bytes).ok()?;
    serde_json::to_vec(&value).ok()
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::{CleanArticle, Dateline};

    fn article() -> CleanArticle {
        let t = Utc.with_ymd_and_hms(2025, 6, 4, 9, 30, 0).unwrap();
        let mut a = CleanArticle::from_text("a1", "CAIRO - Egypt and \"Sudan\" signed.", t);
        a.dateline = Some(Dateline {
            place: "CAIRO".into(),
            end: 8,
        });
        a
    }

    #[test]
    fn a_value_reads_back_from_either_encoding() {
        let a = article();
        for encoding in [Encoding::Msgpack, Encoding::Json] {
            let mut bytes = Vec::new();
            encode(&a, encoding, &mut bytes).unwrap();
            assert_eq!(is_msgpack(&bytes), encoding == Encoding::Msgpack);
            assert_eq!(decode::<CleanArticle>(&bytes).unwrap(), a);
        }
    }

    #[test]
    fn msgpack_shows_as_the_json_of_the_same_value() {
        let a = article();
        let mut bytes = Vec::new();
        encode(&a, Encoding::Msgpack, &mut bytes).unwrap();
        let shown: serde_json::Value = serde_json::from_slice(&to_json(&bytes).unwrap()).unwrap();
        assert_eq!(shown, serde_json::to_value(&a).unwrap());
        assert_eq!(to_json(br#"{"id":"a1"}"#), None);
    }

    #[test]
    fn a_record_is_decoded_or_says_why_not() {
        assert_eq!(decode_record::<Vec<u8>>(Some(b"[1,2]")), Ok(vec![1, 2]));
        assert!(decode_record::<Vec<u8>>(None)
            .unwrap_err()
            .contains("no value"));
        assert!(decode_record::<Vec<u8>>(Some(b"[\xff]"))
            .unwrap_err()
            .contains("UTF-8"));
        assert!(decode_record::<CleanArticle>(Some(b"{}")).is_err());
    }

    #[test]
    fn json_with_leading_white_space_is_not_taken_for_msgpack() {
        let json = serde_json::to_vec(&article()).unwrap();
        let spaced = [b" \n".as_slice(), &json].concat();
        assert_eq!(decode::<CleanArticle>(&spaced).unwrap(), article());
        assert!(decode::<CleanArticle>(&[0x81, 0xa1]).is_err());
    }
}
