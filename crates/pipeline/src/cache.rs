//! A bounded LRU keyed by content hash, so that the extract stage codes a text once however
//! many outlets carry it (`dragoman_extract_cache_hits_total`).

use hashbrown::HashTable;

const NIL: usize = usize::MAX;

/// The table hash of a key: XXH3, not SipHash (the keys are digests and dates, nobody's
/// choice to collide).
fn key_hash(key: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(key.as_bytes())
}

struct Node<V> {
    key: Box<str>,
    value: V,
    prev: usize,
    next: usize,
}

/// A least-recently-used cache of at most `capacity` entries: `get` and `insert` are O(1),
/// and inserting into a full cache drops the entry unused for longest. Values are cloned out,
/// so cheap-to-clone values (`Arc<[CandidateEvent]>`) are the intended use.
pub struct ContentCache<V> {
    /// Node numbers, hashed by [`key_hash`] of the node's key (kept once, in the node).
    map: HashTable<usize>,
    nodes: Vec<Node<V>>,
    /// Most recently used.
    head: usize,
    /// Least recently used: the next to go.
    tail: usize,
    capacity: usize,
    hits: u64,
    misses: u64,
}

impl<V: Clone> ContentCache<V> {
    /// A cache of at most `capacity` entries (at least one).
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        Self {
            map: HashTable::with_capacity(capacity.min(1 << 16)),
            nodes: Vec::with_capacity(capacity.min(1 << 16)),
            head: NIL,
            tail: NIL,
            capacity,
            hits: 0,
            misses: 0,
        }
    }

    /// The value stored for `content_hash`, which becomes the most recently used.
    pub fn get(&mut self, content_hash: &str) -> Option<V> {
        match self.find(content_hash) {
            Some(i) => {
                self.hits += 1;
                self.touch(i);
                Some(self.nodes[i].value.clone())
            }
            None => {
                self.misses += 1;
                None
            }
        }
    }

    /// Stores `v` for `content_hash` (replacing any older value), evicting the least
    /// recently used entry when the cache is full.
    pub fn insert(&mut self, content_hash: String, v: V) {
        let hash = key_hash(&content_hash);
        if let Some(&i) = self.find_hashed(hash, &content_hash) {
            self.nodes[i].value = v;
            self.touch(i);
            return;
        }
        let key: Box<str> = content_hash.into_boxed_str();
        let i = if self.nodes.len() < self.capacity {
            self.nodes.push(Node {
                key,
                value: v,
                prev: NIL,
                next: NIL,
            });
            self.nodes.len() - 1
        } else {
            // Reuse the least recently used node in place.
            let i = self.tail;
            self.unlink(i);
            let old_hash = key_hash(&self.nodes[i].key);
            if let Ok(entry) = self.map.find_entry(old_hash, |&j| j == i) {
                entry.remove();
            }
            self.nodes[i].key = key;
            self.nodes[i].value = v;
            i
        };
        let nodes = &self.nodes;
        self.map
            .insert_unique(hash, i, |&j| key_hash(&nodes[j].key));
        self.push_front(i);
    }

    fn find(&self, key: &str) -> Option<usize> {
        self.find_hashed(key_hash(key), key).copied()
    }

    fn find_hashed(&self, hash: u64, key: &str) -> Option<&usize> {
        let nodes = &self.nodes;
        self.map.find(hash, |&j| &*nodes[j].key == key)
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// `(hits, misses)` of `get` since the cache was made.
    pub fn hit_stats(&self) -> (u64, u64) {
        (self.hits, self.misses)
    }

    fn touch(&mut self, i: usize) {
        if self.head != i {
            self.unlink(i);
            self.push_front(i);
        }
    }

    fn unlink(&mut self, i: usize) {
        let (prev, next) = (self.nodes[i].prev, self.nodes[i].next);
        if prev == NIL {
            self.head = next;
        } else {
            self.nodes[prev].next = next;
        }
        if next == NIL {
            self.tail = prev;
        } else {
            self.nodes[next].prev = prev;
        }
        self.nodes[i].prev = NIL;
        self.nodes[i].next = NIL;
    }

    fn push_front(&mut self, i: usize) {
        self.nodes[i].prev = NIL;
        self.nodes[i].next = self.head;
        if self.head != NIL {
            self.nodes[self.head].prev = i;
        }
        self.head = i;
        if self.tail == NIL {
            self.tail = i;
        }
    }
}

impl<V> std::fmt::Debug for ContentCache<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ContentCache")
            .field("len", &self.map.len())
            .field("capacity", &self.capacity)
            .field("hits", &self.hits)
            .field("misses", &self.misses)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn hit_returns_the_stored_value() {
        let mut c = ContentCache::new(4);
        assert_eq!(c.get("aa"), None);
        c.insert("aa".into(), Arc::<[u32]>::from(vec![1, 2]));
        assert_eq!(c.get("aa").as_deref(), Some(&[1, 2][..]));
        assert_eq!(c.hit_stats(), (1, 1));
    }

    #[test]
    fn full_cache_evicts_the_least_recently_used() {
        let mut c = ContentCache::new(2);
        c.insert("a".into(), 1);
        c.insert("b".into(), 2);
        // Reading "a" makes "b" the oldest.
        assert_eq!(c.get("a"), Some(1));
        c.insert("c".into(), 3);
        assert_eq!(c.len(), 2);
        assert_eq!(c.get("b"), None);
        assert_eq!(c.get("a"), Some(1));
        assert_eq!(c.get("c"), Some(3));
    }

    #[test]
    fn reinserting_replaces_without_growing() {
        let mut c = ContentCache::new(2);
        c.insert("a".into(), 1);
        c.insert("a".into(), 10);
        assert_eq!(c.len(), 1);
        assert_eq!(c.get("a"), Some(10));
        c.insert("b".into(), 2);
        c.insert("c".into(), 3);
        assert_eq!(c.get("a"), None);
    }

    #[test]
    fn capacity_one_and_zero_work() {
        for cap in [0, 1] {
            let mut c = ContentCache::new(cap);
            c.insert("a".into(), 1);
            c.insert("b".into(), 2);
            assert_eq!(c.len(), 1);
            assert_eq!(c.get("a"), None);
            assert_eq!(c.get("b"), Some(2));
        }
    }

    #[test]
    fn keys_with_the_same_table_hash_stay_apart() {
        // "10" and "0x10" both parse to 16; keys are still compared as text.
        let mut c = ContentCache::new(2);
        c.insert("10".into(), 1);
        c.insert("0x10".into(), 2);
        assert_eq!((c.get("10"), c.get("0x10")), (Some(1), Some(2)));
        c.insert("not hex".into(), 3);
        assert_eq!(c.get("10"), None, "the least recently used went");
        assert_eq!((c.get("0x10"), c.get("not hex")), (Some(2), Some(3)));
        assert_eq!(c.len(), 2);
    }

    #[test]
    fn long_sequences_keep_exactly_the_most_recent() {
        let mut c = ContentCache::new(16);
        for i in 0..1000u32 {
            c.insert(format!("{i:x}"), i);
            if i % 3 == 0 {
                // Keep touching an early key so it never goes.
                c.insert("keep".into(), 0);
            }
        }
        assert_eq!(c.len(), 16);
        assert_eq!(c.get("keep"), Some(0));
        for i in 985..1000u32 {
            assert_eq!(c.get(&format!("{i:x}")), Some(i), "{i}");
        }
        assert_eq!(c.get("0"), None);
    }
}
