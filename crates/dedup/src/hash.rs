//! Hashing helpers: every identity dedup keeps is a 64-bit XXH3 hash, so state stays small
//! and lookups need no strings.

use xxhash_rust::xxh3::{xxh3_64, Xxh3};

/// Parts of a hashed identity are separated by this byte so that `"AB","C"` and `"A","BC"`
/// differ. CAMEO codes and dates never contain it.
const SEP: u8 = 0x1f;
const INLINE: usize = 192;

/// Builds the hash of a few short parts without allocating: parts are copied into a stack
/// buffer and hashed in one call (one-shot XXH3 is much faster than its streaming state on
/// short inputs); only unusually long inputs spill to the streaming hasher.
pub(crate) struct HashBuf {
    buf: [u8; INLINE],
    len: usize,
    spill: Option<Box<Xxh3>>,
}

impl HashBuf {
    pub(crate) fn new() -> Self {
        Self {
            buf: [0; INLINE],
            len: 0,
            spill: None,
        }
    }

    fn write(&mut self, bytes: &[u8]) {
        if let Some(h) = self.spill.as_mut() {
            h.update(bytes);
        } else if self.len + bytes.len() <= INLINE {
            self.buf[self.len..self.len + bytes.len()].copy_from_slice(bytes);
            self.len += bytes.len();
        } else {
            let mut h = Box::new(Xxh3::new());
            h.update(&self.buf[..self.len]);
            h.update(bytes);
            self.spill = Some(h);
        }
    }

    pub(crate) fn part(&mut self, bytes: &[u8]) -> &mut Self {
        self.write(bytes);
        self.write(&[SEP]);
        self
    }

    /// A text part compared case-insensitively (ASCII), without allocating a lowercase copy.
    pub(crate) fn part_lower(&mut self, text: &str) -> &mut Self {
        let mut chunk = [0u8; 32];
        for piece in text.trim().as_bytes().chunks(chunk.len()) {
            let c = &mut chunk[..piece.len()];
            c.copy_from_slice(piece);
            c.make_ascii_lowercase();
            self.write(c);
        }
        self.write(&[SEP]);
        self
    }

    pub(crate) fn finish(&self) -> u64 {
        match &self.spill {
            Some(h) => h.digest(),
            None => xxh3_64(&self.buf[..self.len]),
        }
    }
}

pub(crate) fn hash_str(s: &str) -> u64 {
    xxh3_64(s.as_bytes())
}

/// Parses the hex hashes ingest writes (`content_hash`, `simhash`). Anything else is hashed as
/// text so that equal strings still compare equal; the bool says whether the value was hex.
pub(crate) fn parse_hex64(s: &str) -> (u64, bool) {
    let t = s.strip_prefix("0x").unwrap_or(s);
    if t.is_empty() || t.len() > 16 {
        return (hash_str(s), false);
    }
    // Exactly what `u64::from_str_radix(t, 16)` accepts (a leading `+` included), so that
    // stored fingerprints compare as they always did, without its generic loop.
    let digits = t.strip_prefix('+').unwrap_or(t);
    if digits.is_empty() {
        return (hash_str(s), false);
    }
    let mut v = 0u64;
    for &b in digits.as_bytes() {
        let d = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            b'A'..=b'F' => b - b'A' + 10,
            _ => return (hash_str(s), false),
        };
        v = v << 4 | u64::from(d);
    }
    (v, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_separated() {
        let a = HashBuf::new().part(b"AB").part(b"C").finish();
        let b = HashBuf::new().part(b"A").part(b"BC").finish();
        assert_ne!(a, b);
    }

    #[test]
    fn long_inputs_hash_like_the_streaming_hasher_would() {
        let long = "x".repeat(1000);
        let mut h = HashBuf::new();
        h.part(b"RUS").part(long.as_bytes());
        let mut expect = Xxh3::new();
        expect.update(b"RUS\x1f");
        expect.update(long.as_bytes());
        expect.update(b"\x1f");
        assert_eq!(h.finish(), expect.digest());
        let mut short = HashBuf::new();
        short.part(b"RUS").part(b"LBY");
        assert_eq!(short.finish(), xxh3_64(b"RUS\x1fLBY\x1f"));
    }

    #[test]
    fn lowercase_parts_ignore_ascii_case_and_padding() {
        let a = HashBuf::new().part_lower(" Moscow ").finish();
        let b = HashBuf::new().part_lower("MOSCOW").finish();
        assert_eq!(a, b);
        let long_a = HashBuf::new().part_lower(&"Ab".repeat(50)).finish();
        let long_b = HashBuf::new().part_lower(&"aB".repeat(50)).finish();
        assert_eq!(long_a, long_b);
    }

    #[test]
    fn hex_hashes_parse_and_other_text_still_compares() {
        assert_eq!(parse_hex64("00ff"), (255, true));
        assert_eq!(parse_hex64("0x10"), (16, true));
        assert!(!parse_hex64("not-hex").1);
        assert_eq!(parse_hex64("not-hex"), parse_hex64("not-hex"));
        assert!(!parse_hex64("").1);
        assert!(!parse_hex64("11112222333344445").1);
        assert_eq!(parse_hex64("FFffFFffFFffFFff"), (u64::MAX, true));
        for s in [
            "+1",
            "+",
            "-1",
            "0x",
            "0x+f",
            "abcdefABCDEF0123",
            "12 4",
            "é1",
        ] {
            let t = s.strip_prefix("0x").unwrap_or(s);
            let std = match u64::from_str_radix(t, 16) {
                Ok(v) if !t.is_empty() && t.len() <= 16 => (v, true),
                _ => (hash_str(s), false),
            };
            assert_eq!(parse_hex64(s), std, "{s:?}");
        }
    }
}
