//! Raw bytes to a validated [`Article`]: size, encoding, JSON shape and field types.
//!
//! The checks run cheapest first, so a 50 MiB blob is refused before it is decoded.

use dragoman_model::Article;
use serde_json::{Map, Value};

use crate::error::{IngestError, JsonKind};

/// Parses one input record (docs/contracts.md#article-input) and checks its field types.
///
/// Semantic checks on the text (empty once cleaned) and the date happen later in
/// [`crate::clean`]; this only answers "is this an article at all".
pub fn parse_article(bytes: &[u8], max_bytes: usize) -> Result<Article, IngestError> {
    if bytes.len() > max_bytes {
        return Err(IngestError::TooLarge {
            size: bytes.len(),
            limit: max_bytes,
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| IngestError::NotUtf8 {
        valid_up_to: e.valid_up_to(),
    })?;
    // A UTF-8 byte order mark is legal in a file but not in JSON; editors add it, so accept it.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let value: Value = serde_json::from_str(text).map_err(|e| IngestError::InvalidJson {
        message: json_message(&e),
        line: e.line(),
        column: e.column(),
    })?;
    let Value::Object(mut map) = value else {
        return Err(IngestError::NotAnObject {
            found: JsonKind::of(&value),
        });
    };

    let body = match map.remove("body") {
        None | Some(Value::Null) => return Err(IngestError::MissingBody),
        Some(Value::String(s)) => s,
        Some(other) => {
            return Err(IngestError::FieldType {
                field: "body",
                expected: "a string",
                found: JsonKind::of(&other),
            })
        }
    };

    Ok(Article {
        id: take_string(&mut map, "id")?,
        url: take_string(&mut map, "url")?,
        source: take_string(&mut map, "source")?,
        published_at: take_string(&mut map, "published_at")?,
        title: take_string(&mut map, "title")?,
        body,
        language: take_string(&mut map, "language")?,
        content_type: take_string(&mut map, "content_type")?,
        extra: map,
    })
}

/// Removes an optional string field; `null` counts as absent, any other type is an error.
fn take_string(
    map: &mut Map<String, Value>,
    field: &'static str,
) -> Result<Option<String>, IngestError> {
    match map.remove(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(IngestError::FieldType {
            field,
            expected: "a string",
            found: JsonKind::of(&other),
        }),
    }
}

/// serde_json appends " at line L column C" to its messages; we report those separately.
fn json_message(e: &serde_json::Error) -> String {
    let full = e.to_string();
    match full.rfind(" at line ") {
        Some(i) => full[..i].to_owned(),
        None => full,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIB: usize = 1 << 20;

    fn reason(bytes: &[u8]) -> &'static str {
        parse_article(bytes, MIB).unwrap_err().reason()
    }

    #[test]
    fn valid_article_keeps_unknown_fields() {
        let a = parse_article(
            br#"{"id":"x1","body":"Text.","title":null,"section":"world","rank":3}"#,
            MIB,
        )
        .unwrap();
        assert_eq!(a.id.as_deref(), Some("x1"));
        assert_eq!(a.title, None);
        assert_eq!(a.body, "Text.");
        assert_eq!(a.extra.get("section"), Some(&Value::from("world")));
        assert_eq!(a.extra.get("rank"), Some(&Value::from(3)));
    }

    #[test]
    fn too_large_is_checked_on_raw_bytes() {
        let err = parse_article(&[b' '; 101], 100).unwrap_err();
        assert_eq!(err.reason(), "too_large");
        assert_eq!(
            err.to_string(),
            "article is 101 bytes, over the limit of 100 bytes"
        );
        assert!(parse_article(br#"{"body":"ok"}"#, 13).is_ok());
    }

    #[test]
    fn not_utf8_names_the_offset() {
        let err = parse_article(b"{\"body\":\"caf\xe9\"}", MIB).unwrap_err();
        assert_eq!(err.reason(), "not_utf8");
        assert!(err.to_string().contains("byte 12"), "{err}");
    }

    #[test]
    fn invalid_json_reports_position() {
        let err = parse_article(b"{\"body\": \"unterminated", MIB).unwrap_err();
        assert_eq!(err.reason(), "invalid_json");
        assert!(err.to_string().contains("line 1"), "{err}");
        assert_eq!(reason(b""), "invalid_json");
        assert_eq!(reason(b"{\"body\":\"a\"} trailing"), "invalid_json");
    }

    #[test]
    fn byte_order_mark_is_accepted() {
        assert!(parse_article(b"\xef\xbb\xbf{\"body\":\"a\"}", MIB).is_ok());
    }

    #[test]
    fn arrays_and_scalars_are_not_objects() {
        let err = parse_article(br#"[{"body":"a"}]"#, MIB).unwrap_err();
        assert_eq!(err.reason(), "not_an_object");
        assert_eq!(
            err.to_string(),
            "article must be a JSON object, got an array"
        );
        assert_eq!(reason(b"42"), "not_an_object");
        assert_eq!(reason(b"\"body\""), "not_an_object");
        assert_eq!(reason(b"null"), "not_an_object");
    }

    #[test]
    fn missing_or_null_body() {
        assert_eq!(reason(br#"{"title":"t"}"#), "missing_body");
        assert_eq!(reason(br#"{"body":null}"#), "missing_body");
    }

    #[test]
    fn wrong_field_types_name_the_field() {
        let err = parse_article(br#"{"body":42}"#, MIB).unwrap_err();
        assert_eq!(err.reason(), "invalid_field");
        assert_eq!(
            err.to_string(),
            "field `body` must be a string, got a number"
        );
        let err = parse_article(br#"{"body":"b","title":["x"]}"#, MIB).unwrap_err();
        assert_eq!(
            err.to_string(),
            "field `title` must be a string, got an array"
        );
        assert_eq!(
            reason(br#"{"body":"b","published_at":20190325}"#),
            "invalid_field"
        );
        assert_eq!(reason(br#"{"body":"b","id":7}"#), "invalid_field");
    }
}
