//! The latest revision of each event: the `events` topic and `dragoman run` publish every
//! revision of an event as an upsert under its `event_id`; a table of events wants one row each.

use std::collections::HashMap;

use dragoman_model::Event;

/// Events by `event_id`, each the highest revision seen (the later one on a tie), in the order
/// their ids were first seen.
#[derive(Debug, Default)]
pub struct Latest {
    slots: Vec<Option<Event>>,
    index: HashMap<String, usize>,
    superseded: u64,
}

impl Latest {
    pub fn new() -> Latest {
        Latest::default()
    }

    /// Keeps `event` if it is the newest revision of its id so far.
    pub fn insert(&mut self, event: Event) {
        match self.index.get(&event.event_id) {
            Some(&i) => {
                self.superseded += 1;
                let slot = &mut self.slots[i];
                if slot
                    .as_ref()
                    .is_none_or(|old| event.revision >= old.revision)
                {
                    *slot = Some(event);
                }
            }
            None => {
                self.index.insert(event.event_id.clone(), self.slots.len());
                self.slots.push(Some(event));
            }
        }
    }

    /// Forgets an event (a tombstone on a compacted topic: the key with no value).
    pub fn remove(&mut self, event_id: &str) {
        if let Some(i) = self.index.remove(event_id) {
            self.slots[i] = None;
        }
    }

    /// Events kept.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// Revisions replaced by a later one, or older than one already kept.
    pub fn superseded(&self) -> u64 {
        self.superseded
    }

    /// The kept events, in the order their ids were first seen.
    pub fn into_events(self) -> impl Iterator<Item = Event> {
        self.slots.into_iter().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gdelt::tests::sample_event;

    fn event(id: &str, revision: u32, mentions: u32) -> Event {
        let mut e = sample_event();
        e.event_id = id.into();
        e.revision = revision;
        e.mentions.num_mentions = mentions;
        e
    }

    #[test]
    fn keeps_the_highest_revision_in_first_seen_order() {
        let mut l = Latest::new();
        l.insert(event("b", 1, 1));
        l.insert(event("a", 1, 1));
        l.insert(event("b", 3, 3));
        // A redelivered older revision does not win.
        l.insert(event("b", 2, 2));
        l.insert(event("a", 2, 2));
        assert_eq!(l.len(), 2);
        assert_eq!(l.superseded(), 3);
        let got: Vec<(String, u32)> = l.into_events().map(|e| (e.event_id, e.revision)).collect();
        assert_eq!(got, [("b".to_string(), 3), ("a".to_string(), 2)]);
    }

    #[test]
    fn a_tombstone_forgets_the_event() {
        let mut l = Latest::new();
        l.insert(event("a", 1, 1));
        l.insert(event("b", 1, 1));
        l.remove("a");
        l.remove("never-seen");
        assert_eq!(l.len(), 1);
        let ids: Vec<String> = l.into_events().map(|e| e.event_id).collect();
        assert_eq!(ids, ["b"]);
    }
}
