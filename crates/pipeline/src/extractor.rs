use std::sync::Arc;

use dragoman_coder::{Coder, Cuts};
use dragoman_model::{CandidateEvent, CleanArticle};

use crate::ContentCache;

/// What extraction gave for one article.
#[derive(Debug)]
pub struct ExtractOutcome {
    /// Shared with the cache when the text was coded here: a text coded once is kept, not
    /// copied (a deep copy of every candidate was a tenth of the embedded pipeline's CPU).
    pub candidates: Arc<[CandidateEvent]>,
    /// True when the article's text had been coded before and the cached result was reused.
    pub cache_hit: bool,
    /// What the coder's bounds cut in this article (nothing on a cache hit).
    pub cuts: Cuts,
}

/// The coder with a bounded cache keyed by the cleaned text's hash and publication day.
///
/// The publication day is part of the key because relative dates ("on Monday") are resolved
/// against it: the same text published on another day can mean other dates.
pub struct Extractor {
    coder: Arc<Coder>,
    cache: ContentCache<Arc<[CandidateEvent]>>,
}

impl Extractor {
    pub fn new(coder: Arc<Coder>, cache_size: usize) -> Self {
        Self {
            coder,
            cache: ContentCache::new(cache_size.max(1)),
        }
    }

    pub fn coder(&self) -> &Coder {
        &self.coder
    }

    pub fn extract(&mut self, article: &CleanArticle) -> ExtractOutcome {
        let key = format!(
            "{}:{}",
            article.content_hash,
            article.published_at.date_naive()
        );
        if let Some(cached) = self.cache.get(&key) {
            let article_ref = article.article_ref();
            let candidates = cached
                .iter()
                .map(|c| {
                    let mut c = c.clone();
                    c.evidence.article_id.clone_from(&article.id);
                    c.article = article_ref.clone();
                    c
                })
                .collect::<Vec<_>>()
                .into();
            return ExtractOutcome {
                candidates,
                cache_hit: true,
                cuts: Cuts::default(),
            };
        }
        let mut cuts = Cuts::default();
        let candidates: Arc<[CandidateEvent]> =
            self.coder.code_article_counted(article, &mut cuts).into();
        self.cache.insert(key, candidates.clone());
        ExtractOutcome {
            candidates,
            cache_hit: false,
            cuts,
        }
    }
}
