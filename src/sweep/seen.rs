//! Where each certificate of a sweep was found, by the SHA-256 of its DER:
//! its first place (where it is audited) and every place (for its row).
//!
//! Nearly every certificate of an inventory is found once, so its one
//! place is kept inline; the entries sit in one vector, and the map from
//! SHA-256 holds only their positions. At 1,000,000 leaves that is about
//! 130 MB, against 250 MB for a map of growable place lists.

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use super::rows::Place;

/// One certificate's places.
pub(super) struct Seen {
    /// Its first place: (job, position among the file's certificates).
    pub(super) first: (usize, usize),
    place: Place,
    /// Places after the first (a CA bundled in many files, a duplicate).
    /// Boxed: a pointer in the million entries that have none, and a list
    /// that still grows in amortised time for a CA found a million times.
    #[allow(clippy::box_collection)]
    more: Option<Box<Vec<Place>>>,
}

impl Seen {
    /// Every place, the first one first.
    pub(super) fn places(&self) -> Vec<Place> {
        let more = self.more.as_deref().map_or(&[][..], Vec::as_slice);
        let mut all = Vec::with_capacity(1 + more.len());
        all.push(self.place.clone());
        all.extend(more.iter().cloned());
        all
    }
}

#[derive(Default)]
pub(super) struct SeenIndex {
    by_key: HashMap<[u8; 32], usize>,
    entries: Vec<Seen>,
}

impl SeenIndex {
    /// Room for `n` certificates without growing.
    pub(super) fn with_capacity(n: usize) -> Self {
        SeenIndex {
            by_key: HashMap::with_capacity(n),
            entries: Vec::with_capacity(n),
        }
    }

    /// The certificate `key` found at `place`, the `k`th of job `job`.
    pub(super) fn add(&mut self, key: [u8; 32], job: usize, k: usize, place: Place) {
        match self.by_key.entry(key) {
            Entry::Occupied(e) => {
                if let Some(s) = self.entries.get_mut(*e.get()) {
                    s.more.get_or_insert_with(Box::default).push(place);
                }
            }
            Entry::Vacant(v) => {
                v.insert(self.entries.len());
                self.entries.push(Seen {
                    first: (job, k),
                    place,
                    more: None,
                });
            }
        }
    }

    pub(super) fn get(&self, key: &[u8; 32]) -> Option<&Seen> {
        self.entries.get(*self.by_key.get(key)?)
    }

    /// Distinct certificates.
    pub(super) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Every certificate, in the order first found.
    pub(super) fn values(&self) -> impl Iterator<Item = &Seen> {
        self.entries.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_place_is_kept_and_every_place_listed_in_order() {
        let mut seen = SeenIndex::with_capacity(1);
        let a = [1u8; 32];
        let b = [2u8; 32];
        seen.add(a, 0, 0, Place::from("a.pem"));
        seen.add(b, 0, 1, Place::from("a.pem #2"));
        seen.add(b, 3, 0, Place::from("b.pem"));
        seen.add(b, 4, 2, Place::from("c.pem #3"));
        assert_eq!(seen.len(), 2);
        let sa = seen.get(&a).unwrap();
        assert_eq!(sa.first, (0, 0));
        assert_eq!(sa.places(), vec![Place::from("a.pem")]);
        let sb = seen.get(&b).unwrap();
        assert_eq!(sb.first, (0, 1));
        assert_eq!(
            sb.places(),
            ["a.pem #2", "b.pem", "c.pem #3"].map(Place::from).to_vec()
        );
        assert!(seen.get(&[3u8; 32]).is_none());
        let firsts: Vec<_> = seen.values().map(|s| s.first).collect();
        assert_eq!(firsts, vec![(0, 0), (0, 1)]);
    }
}
