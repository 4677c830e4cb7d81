//! Content fingerprints: exact (`content_hash`), near-duplicate (`simhash`), and article ids.

use xxhash_rust::xxh3::{xxh3_64, Xxh3};

/// Formats a 64-bit hash as 16 lowercase hex digits, the form used on the wire.
pub fn hex64(h: u64) -> String {
    format!("{h:016x}")
}

/// Hash of the cleaned body: equal bodies, equal hashes.
pub fn content_hash(body: &str) -> u64 {
    xxh3_64(body.as_bytes())
}

/// 64-bit SimHash over word 3-shingles of `text`.
///
/// Words are lowercased runs of letters and digits, so punctuation and case edits do not
/// count. Each shingle votes on every bit; a syndicated copy that shares most shingles with
/// the original ends up a few bits away, an unrelated text about 32 bits away. Texts of one
/// or two words hash those words as a single shingle; an empty text hashes to 0.
pub fn simhash(text: &str) -> u64 {
    let mut acc = Shingles::default();
    if text.is_ascii() {
        // Byte by byte: most bodies are ASCII, and splitting on `char` predicates was most
        // of this function's time.
        let mut word: Vec<u8> = Vec::with_capacity(32);
        for &b in text.as_bytes() {
            if b.is_ascii_alphanumeric() {
                word.push(b.to_ascii_lowercase());
            } else if !word.is_empty() {
                acc.word(&word);
                word.clear();
            }
        }
        if !word.is_empty() {
            acc.word(&word);
        }
        return acc.finish();
    }
    simhash_general(text, acc)
}

fn simhash_general(text: &str, mut acc: Shingles) -> u64 {
    let mut word: Vec<u8> = Vec::with_capacity(32);
    for raw in text.split(|c: char| !c.is_alphanumeric()) {
        if raw.is_empty() {
            continue;
        }
        word.clear();
        if raw.is_ascii() {
            word.extend(raw.bytes().map(|b| b.to_ascii_lowercase()));
        } else {
            let mut utf8 = [0u8; 4];
            for c in raw.chars().flat_map(char::to_lowercase) {
                word.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
            }
        }
        acc.word(&word);
    }
    acc.finish()
}

/// SimHash state: the last three word hashes and the votes of the shingles so far.
struct Shingles {
    votes: [i32; 64],
    window: [u64; 3],
    seen: usize,
}

impl Default for Shingles {
    fn default() -> Self {
        Shingles {
            votes: [0; 64],
            window: [0; 3],
            seen: 0,
        }
    }
}

impl Shingles {
    fn word(&mut self, word: &[u8]) {
        self.window.rotate_left(1);
        self.window[2] = xxh3_64(word);
        self.seen += 1;
        if self.seen >= 3 {
            vote(&mut self.votes, shingle(&self.window));
        }
    }

    fn finish(mut self) -> u64 {
        match self.seen {
            0 => return 0,
            1 | 2 => {
                let h = shingle(&self.window[3 - self.seen..]);
                vote(&mut self.votes, h);
            }
            _ => {}
        }
        self.votes.iter().enumerate().fold(
            0u64,
            |acc, (bit, &v)| if v > 0 { acc | (1 << bit) } else { acc },
        )
    }
}

/// One hash for up to three word hashes, from a stack buffer (no hasher state to set up).
fn shingle(words: &[u64]) -> u64 {
    let mut buf = [0u8; 24];
    for (chunk, w) in buf.chunks_exact_mut(8).zip(words) {
        chunk.copy_from_slice(&w.to_le_bytes());
    }
    xxh3_64(&buf[..words.len() * 8])
}

fn vote(votes: &mut [i32; 64], h: u64) {
    for (bit, v) in votes.iter_mut().enumerate() {
        // +1 for a set bit, -1 for a clear one, without a branch.
        *v += ((h >> bit & 1) as i32) * 2 - 1;
    }
}

/// Bits that differ between two hex simhashes; `None` if either is not 1 to 16 hex digits.
pub fn hamming(a: &str, b: &str) -> Option<u32> {
    Some((parse_hex64(a)? ^ parse_hex64(b)?).count_ones())
}

fn parse_hex64(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 16 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u64::from_str_radix(s, 16).ok()
}

/// Id from a URL: `u-` and the hash of the URL without its fragment, with scheme and host
/// lowercased (they are case-insensitive; the path is not).
pub fn id_from_url(url: &str) -> String {
    let url = url.trim();
    let url = url.split_once('#').map_or(url, |(u, _)| u);
    let scheme_host_len = url.find("://").map_or(0, |p| {
        let after = p + 3;
        url[after..].find('/').map_or(url.len(), |q| after + q)
    });
    let mut h = Xxh3::new();
    h.update(url[..scheme_host_len].to_ascii_lowercase().as_bytes());
    h.update(&url.as_bytes()[scheme_host_len..]);
    format!("u-{:016x}", h.digest())
}

/// Id from the content: `h-` and the hash of the cleaned title and body.
pub fn id_from_content(title: Option<&str>, body: &str) -> String {
    let mut h = Xxh3::new();
    h.update(title.unwrap_or("").as_bytes());
    h.update(b"\n\n");
    h.update(body.as_bytes());
    format!("h-{:016x}", h.digest())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ascii_path_hashes_as_the_general_one() {
        for text in [
            "Russia and Libya signed an agreement in Moscow on Monday, officials said.",
            "  two words ",
            "one",
            "",
            "--- ,,, ...",
            "MIXED case, digits 1990s and don't-split_here\nnew line",
        ] {
            assert_eq!(
                simhash(text),
                simhash_general(text, Shingles::default()),
                "{text:?}"
            );
        }
    }

    #[test]
    fn hamming_parses_hex() {
        assert_eq!(hamming("0", "0"), Some(0));
        assert_eq!(hamming("ffffffffffffffff", "0000000000000000"), Some(64));
        assert_eq!(hamming("00000000000000ff", "0f"), Some(4));
        assert_eq!(hamming("", "0"), None);
        assert_eq!(hamming("xyz", "0"), None);
        assert_eq!(hamming("10000000000000000", "0"), None);
        assert_eq!(hamming("+1", "1"), None);
    }

    #[test]
    fn simhash_ignores_case_and_punctuation() {
        assert_eq!(
            simhash("Egypt and Sudan resumed talks."),
            simhash("egypt, and SUDAN resumed -- talks")
        );
        assert_eq!(simhash(""), 0);
        assert_eq!(simhash("  ...  "), 0);
        assert_ne!(simhash("Egypt"), simhash("Sudan"));
        assert_ne!(simhash("Egypt Sudan"), 0);
    }

    #[test]
    fn url_ids_ignore_fragment_and_host_case() {
        let a = id_from_url("https://Example.com/World/Story-1#comments");
        assert_eq!(a, id_from_url(" https://example.com/World/Story-1 "));
        assert_ne!(a, id_from_url("https://example.com/world/story-1"));
        assert!(a.starts_with("u-") && a.len() == 18);
    }

    #[test]
    fn content_ids() {
        let a = id_from_content(Some("T"), "Body.");
        assert_eq!(a, id_from_content(Some("T"), "Body."));
        assert_ne!(a, id_from_content(None, "Body."));
        assert!(a.starts_with("h-") && a.len() == 18);
    }
}
