//! The compact entry table of a [`Crl`](super::Crl): 16 bytes a record, the
//! serials in one arena, an O(1) index by keyed hash.

use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, Hasher};

use chrono::{DateTime, Utc};

use super::{to_utc, Reason, Revoked};

/// `Table`'s issuer index for entries of the CRL issuer's own certificates
/// (other issuers of an indirect CRL are `0..other_issuers.len()`).
pub(super) const CRL_ISSUER: u32 = u32::MAX;

/// One revoked entry: 16 bytes. The serial's magnitude (`serial_key`) is
/// `serial_len` bytes at `serial_at` in `Table::serials`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Record {
    /// revocationDate, Unix seconds.
    pub(super) time: i64,
    pub(super) serial_at: u32,
    /// `u16::MAX`: the length is in `Table::long_serials`.
    pub(super) serial_len: u16,
    /// The reasonCode, if `HAS_REASON`.
    pub(super) reason: u8,
    pub(super) flags: u8,
}

const _: () = assert!(std::mem::size_of::<Record>() == 16);

const HAS_REASON: u8 = 1;
/// The invalidityDate is in `Table::invalidity`.
const HAS_INVALIDITY: u8 = 2;

/// A 64-bit keyed hash of (issuer index, serial magnitude), stored as two
/// u32 so an index slot (`Key`, u32) takes 12 bytes instead of 16.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Key([u32; 2]);

impl Key {
    fn new(hash: u64) -> Key {
        Key([(hash >> 32) as u32, hash as u32])
    }
}

impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64((u64::from(self.0[0]) << 32) | u64::from(self.0[1]));
    }
}

/// The hasher of the index: its keys are already keyed hashes, so it
/// passes them through.
#[derive(Clone, Copy, Default)]
pub(super) struct PreHashed;

pub(super) struct PreHashedHasher(u64);

impl BuildHasher for PreHashed {
    type Hasher = PreHashedHasher;
    fn build_hasher(&self) -> PreHashedHasher {
        PreHashedHasher(0)
    }
}

impl Hasher for PreHashedHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
    /// Not reached (`Key` writes one u64); mixes anyway rather than panic.
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(*b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
}

/// How index keys are computed: SipHash with keys random per CRL (per
/// process and per `RandomState`), so a CRL's author cannot choose serials
/// that collide and turn lookups into scans.
#[derive(Clone)]
pub(super) enum Keys {
    Random(RandomState),
    /// Tests: every serial gets the same key, so every entry after the
    /// first goes through the collision path.
    #[cfg(test)]
    Constant,
}

impl Keys {
    pub(super) fn random() -> Keys {
        Keys::Random(RandomState::new())
    }

    pub(super) fn key(&self, issuer: u32, serial: &[u8]) -> Key {
        match self {
            Keys::Random(state) => Key::new(state.hash_one((issuer, serial))),
            #[cfg(test)]
            Keys::Constant => Key::new(0x5eed),
        }
    }
}

/// A CRL's entries, compact: a 16-byte [`Record`] each, the serials back
/// to back in one arena, and an O(1) index from the keyed 64-bit hash of
/// (issuer, serial) to the record. Keys that collide (different entries,
/// same 64-bit hash) are told apart by comparing the serials; all but the
/// first are listed in `overflow`.
#[derive(Clone)]
pub(super) struct Table {
    pub(super) records: Vec<Record>,
    /// Issuer index of each record; empty while all are `CRL_ISSUER`'s (a
    /// CRL that is not indirect never has any other).
    pub(super) issuers: Vec<u32>,
    /// The records' serials (`serial_key`s), in record order.
    pub(super) serials: Vec<u8>,
    /// Serial lengths of `u16::MAX` octets or more, by record.
    pub(super) long_serials: HashMap<u32, u32>,
    /// invalidityDate by record (rare).
    pub(super) invalidity: HashMap<u32, DateTime<Utc>>,
    pub(super) index: HashMap<Key, u32, PreHashed>,
    /// Further records whose key is in `index` for another entry (a 64-bit
    /// collision).
    pub(super) overflow: HashMap<Key, Vec<u32>, PreHashed>,
    pub(super) keys: Keys,
    /// Distinct (indexed) entries of `CRL_ISSUER`.
    pub(super) direct: usize,
}

impl Table {
    pub(super) fn new(keys: Keys) -> Table {
        Table {
            records: Vec::new(),
            issuers: Vec::new(),
            serials: Vec::new(),
            long_serials: HashMap::new(),
            invalidity: HashMap::new(),
            index: HashMap::with_hasher(PreHashed),
            overflow: HashMap::with_hasher(PreHashed),
            keys,
            direct: 0,
        }
    }

    /// Room for `entries` more records with `serial_bytes` of serials.
    pub(super) fn reserve(&mut self, entries: usize, serial_bytes: usize) {
        self.records.reserve_exact(entries);
        self.serials.reserve_exact(serial_bytes);
    }

    /// Records the entry for `serial` (a `serial_key`) issued by `issuer`.
    /// Not found by [`Table::get`] until [`Table::index`].
    pub(super) fn push(&mut self, issuer: u32, serial: &[u8], revoked: &Revoked) {
        let at = self.records.len() as u32;
        let serial_at = self.serials.len() as u32;
        self.serials.extend_from_slice(serial);
        let serial_len = match u16::try_from(serial.len()) {
            Ok(len) if len < u16::MAX => len,
            _ => {
                self.long_serials.insert(at, serial.len() as u32);
                u16::MAX
            }
        };
        let mut flags = 0;
        if let Some(t) = revoked.invalidity {
            flags |= HAS_INVALIDITY;
            self.invalidity.insert(at, t);
        }
        let reason = match revoked.reason {
            Some(reason) => {
                flags |= HAS_REASON;
                reason_code(reason)
            }
            None => 0,
        };
        self.records.push(Record {
            time: revoked.time.timestamp(),
            serial_at,
            serial_len,
            reason,
            flags,
        });
        if issuer != CRL_ISSUER || !self.issuers.is_empty() {
            self.issuers.resize(at as usize, CRL_ISSUER);
            self.issuers.push(issuer);
        }
    }

    /// Indexes the entries pushed so far. A serial of an issuer listed
    /// twice: the first entry wins, the later ones stay unindexed.
    pub(super) fn index(&mut self) {
        self.records.shrink_to_fit();
        self.issuers.shrink_to_fit();
        self.serials.shrink_to_fit();
        let mut index = HashMap::with_capacity_and_hasher(self.records.len(), PreHashed);
        let mut overflow: HashMap<Key, Vec<u32>, PreHashed> = HashMap::with_hasher(PreHashed);
        let mut direct = 0;
        for i in 0..self.records.len() as u32 {
            let issuer = self.issuer_of(i);
            // Always there: `push` stored it.
            let Some(serial) = self.serial(i) else {
                continue;
            };
            let key = self.keys.key(issuer, serial);
            match index.get(&key) {
                None => {
                    index.insert(key, i);
                }
                Some(&first) => {
                    let chained = overflow.get(&key).map(Vec::as_slice);
                    let listed = std::iter::once(first)
                        .chain(chained.unwrap_or_default().iter().copied())
                        .any(|j| self.is(j, issuer, serial));
                    if listed {
                        continue;
                    }
                    overflow.entry(key).or_default().push(i);
                }
            }
            if issuer == CRL_ISSUER {
                direct += 1;
            }
        }
        self.index = index;
        self.overflow = overflow;
        self.direct = direct;
    }

    pub(super) fn get(&self, issuer: u32, serial: &[u8]) -> Option<Revoked> {
        let key = self.keys.key(issuer, serial);
        let first = *self.index.get(&key)?;
        if self.is(first, issuer, serial) {
            return Some(self.revoked(first));
        }
        let found = self
            .overflow
            .get(&key)?
            .iter()
            .copied()
            .find(|&i| self.is(i, issuer, serial))?;
        Some(self.revoked(found))
    }

    /// Whether record `i` is the entry for `serial` of `issuer`.
    pub(super) fn is(&self, i: u32, issuer: u32, serial: &[u8]) -> bool {
        self.issuer_of(i) == issuer && self.serial(i) == Some(serial)
    }

    pub(super) fn issuer_of(&self, i: u32) -> u32 {
        self.issuers.get(i as usize).copied().unwrap_or(CRL_ISSUER)
    }

    /// Record `i`'s serial (a `serial_key`).
    pub(super) fn serial(&self, i: u32) -> Option<&[u8]> {
        let record = self.records.get(i as usize)?;
        let len = match record.serial_len {
            u16::MAX => *self.long_serials.get(&i)? as usize,
            len => len as usize,
        };
        let at = record.serial_at as usize;
        self.serials.get(at..at.checked_add(len)?)
    }

    pub(super) fn revoked(&self, i: u32) -> Revoked {
        let record = self.records[i as usize];
        Revoked {
            time: to_utc(record.time),
            reason: (record.flags & HAS_REASON != 0).then(|| Reason::from_code(record.reason)),
            invalidity: if record.flags & HAS_INVALIDITY != 0 {
                self.invalidity.get(&i).copied()
            } else {
                None
            },
        }
    }
}

/// The code [`Reason::from_code`] maps to `reason`.
pub(super) fn reason_code(reason: Reason) -> u8 {
    match reason {
        Reason::Unspecified => 0,
        Reason::KeyCompromise => 1,
        Reason::CaCompromise => 2,
        Reason::AffiliationChanged => 3,
        Reason::Superseded => 4,
        Reason::CessationOfOperation => 5,
        Reason::CertificateHold => 6,
        Reason::RemoveFromCrl => 8,
        Reason::PrivilegeWithdrawn => 9,
        Reason::AaCompromise => 10,
        Reason::Other(code) => code,
    }
}

/// A serial INTEGER's content octets in their minimal (DER) form, so
/// that equal integers have equal keys and different ones different keys
/// (RFC 5280 §4.1.2.2: serials are INTEGERs, and may be negative in the
/// wild): a leading 0x00 before an octet below 0x80, and a leading 0xFF
/// before an octet of 0x80 or more, are redundant and dropped; the sign
/// stays, so 00 FF (+255) and FF (−1) differ.
pub(crate) fn serial_key(raw: &[u8]) -> &[u8] {
    let mut key = raw;
    while let [first, next, ..] = key {
        let redundant = (*first == 0x00 && *next < 0x80) || (*first == 0xFF && *next >= 0x80);
        if !redundant {
            break;
        }
        key = key.get(1..).unwrap_or_default();
    }
    key
}
