//! Bounds on the work one article can cause. Without them a page written as one long sentence
//! made the coder quadratic in time and memory (an 80 KB run-on body took 1.4 s and 700 MB:
//! 4,048 candidates each carrying the whole 80 KB "sentence"), and one such record put the
//! extract service in an out-of-memory crash loop. With them, time and memory are linear in
//! the article's size.

/// The bounds. The defaults leave real news untouched: a news sentence runs 20 to 60 tokens,
/// and an article reports tens of events, not hundreds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Longer sentences are coded as consecutive pieces of at most this many tokens.
    pub max_sentence_tokens: usize,
    /// Events kept per sentence (piece), in the order the coder found them.
    pub max_events_per_sentence: usize,
    /// Events kept per article, the earliest in the text first.
    pub max_events_per_article: usize,
    /// An event's `evidence.sentence` is clipped to this many bytes (on a character
    /// boundary); `evidence.span` still gives the whole sentence's byte range.
    pub max_evidence_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_sentence_tokens: 150,
            max_events_per_sentence: 64,
            max_events_per_article: 512,
            max_evidence_bytes: 1024,
        }
    }
}

/// How often each bound cut something, for the stage's metrics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cuts {
    /// Sentences split into pieces by `max_sentence_tokens`.
    pub sentences_split: u64,
    /// Events dropped by `max_events_per_sentence`.
    pub sentence_events_dropped: u64,
    /// Events dropped by `max_events_per_article`.
    pub article_events_dropped: u64,
    /// Evidence sentences clipped by `max_evidence_bytes`.
    pub evidence_clipped: u64,
}

impl Cuts {
    /// Each bound with the number of cuts it made, by the label the metrics use.
    pub fn by_bound(&self) -> [(&'static str, u64); 4] {
        [
            ("sentence_tokens", self.sentences_split),
            ("sentence_events", self.sentence_events_dropped),
            ("article_events", self.article_events_dropped),
            ("evidence_bytes", self.evidence_clipped),
        ]
    }

    pub fn any(&self) -> bool {
        self.by_bound().iter().any(|(_, n)| *n > 0)
    }

    pub fn add(&mut self, other: &Cuts) {
        self.sentences_split += other.sentences_split;
        self.sentence_events_dropped += other.sentence_events_dropped;
        self.article_events_dropped += other.article_events_dropped;
        self.evidence_clipped += other.evidence_clipped;
    }
}
