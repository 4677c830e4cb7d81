//! Bad records: each made from a real-looking article, broken in exactly one way, so that a
//! dead-letter reason can be checked against the kind that produced it.

use dragoman_model::Article;
use rand::Rng;
use serde_json::Value;

use crate::world::FILLERS;
use crate::BadKind;

pub fn make(rng: &mut impl Rng, kind: BadKind, mut article: Article, too_large: usize) -> Vec<u8> {
    match kind {
        BadKind::InvalidJson => {
            if rng.gen_bool(0.8) {
                // A message cut short: any strict prefix of a JSON object is invalid.
                let mut full = to_vec(&article);
                let cut = rng.gen_range(1..full.len() - 1);
                // Cut on a character boundary, so the record is bad JSON, not bad UTF-8.
                let cut = (1..=cut)
                    .rev()
                    .find(|&i| std::str::from_utf8(&full[..i]).is_ok())
                    .unwrap_or(1);
                full.truncate(cut);
                full
            } else {
                format!("{}\n\n{}", article.title.unwrap_or_default(), article.body).into_bytes()
            }
        }
        BadKind::NotUtf8 => {
            let full = to_vec(&article);
            // Put the bytes inside the body's string, where a broken transcoder would.
            let at = find(&full, b"\"body\":\"").map_or(full.len() / 2, |i| i + 8);
            let mut out = Vec::with_capacity(full.len() + 4);
            out.extend_from_slice(&full[..at]);
            out.extend_from_slice(&[0xC3, 0x28, 0xFF, 0xFE]);
            out.extend_from_slice(&full[at..]);
            out
        }
        BadKind::JsonArray => {
            let one = to_vec(&article);
            let mut out = Vec::with_capacity(one.len() + 2);
            out.push(b'[');
            out.extend_from_slice(&one);
            out.push(b']');
            out
        }
        BadKind::MissingBody => {
            let mut v = to_value(&article);
            if let Value::Object(map) = &mut v {
                map.remove("body");
                // Some producers put the text under another name.
                if rng.gen_bool(0.5) {
                    map.insert("text".into(), Value::String(article.body));
                }
            }
            serde_json::to_vec(&v).unwrap_or_default()
        }
        BadKind::EmptyBody => {
            article.body = if rng.gen_bool(0.5) {
                String::new()
            } else {
                " \n\t \n".to_owned()
            };
            to_vec(&article)
        }
        BadKind::WrongType => {
            let mut v = to_value(&article);
            if let Value::Object(map) = &mut v {
                let (field, value) = match rng.gen_range(0..4) {
                    0 => ("body", Value::from(rng.gen_range(1..1000u32))),
                    1 => ("published_at", Value::from(1_709_532_000u64)),
                    2 => (
                        "title",
                        Value::Array(vec![Value::String(article.title.unwrap_or_default())]),
                    ),
                    _ => ("body", Value::Array(vec![Value::String(article.body)])),
                };
                map.insert(field.into(), value);
            }
            serde_json::to_vec(&v).unwrap_or_default()
        }
        BadKind::TooLarge => {
            // A runaway scrape: the page text repeated past the limit.
            let target = too_large + rng.gen_range(1..(too_large / 16).max(2));
            let mut body = String::with_capacity(target + 256);
            body.push_str(&article.body);
            while body.len() <= target {
                body.push(' ');
                body.push_str(FILLERS[rng.gen_range(0..FILLERS.len())]);
            }
            article.body = body;
            to_vec(&article)
        }
        BadKind::DateOutOfRange => {
            const PLACEHOLDERS: [&str; 3] = [
                "0001-01-01T00:00:00Z",
                "0000-01-01T00:00:00Z",
                "9999-12-31T23:00:00-05:00",
            ];
            article.published_at =
                Some(PLACEHOLDERS[rng.gen_range(0..PLACEHOLDERS.len())].to_owned());
            to_vec(&article)
        }
    }
}

fn to_vec(article: &Article) -> Vec<u8> {
    // Serialising our own struct cannot fail.
    serde_json::to_vec(article).unwrap_or_default()
}

fn to_value(article: &Article) -> Value {
    serde_json::to_value(article).unwrap_or(Value::Null)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
