//! A parsed, verified CRL as the disk cache keeps it, so a warm run
//! neither re-reads nor re-indexes the entries (docs/revocation.md, "The
//! parsed-CRL format").
//!
//! ```text
//! magic "PKIACRLT" | format version u32 | body | SHA-256 of all before it
//! body: key (URL) | SHA-256 of the CRL's DER | the CRL without its entries
//!   (DER, re-read by x509-parser) | entries u64 | unsupported notes |
//!   other issuers (DER names) | SPKI SHA-256s whose signature over that
//!   DER verified | records (16 bytes each) | record issuers | serial arena
//!   | long serial lengths | invalidity dates
//! ```
//!
//! Little-endian integers; a byte string or list is a u32 count first.
//! Every count is checked against the bytes left before anything is
//! allocated for it, so a corrupt length cannot make a large allocation;
//! the checksum, the version, the key and the DER's hash are checked before
//! the body is used, and the table's own consistency after. Anything wrong
//! is an `Err`: the caller reads the CRL again from its DER or fetches it.
//! The index is not stored: its hash keys are random per process (see
//! `table::Keys`), so it is rebuilt on load.

use std::sync::Arc;

use x509_parser::prelude::FromDer;
use x509_parser::revocation_list::CertificateRevocationList;

use super::table::{Keys, Record, Table, CRL_ISSUER};
use super::Crl;

/// The first bytes of a stored table.
pub const MAGIC: &[u8; 8] = b"PKIACRLT";
/// Bumped whenever the layout or the meaning of a field changes: an entry
/// of another version is read again from the DER.
pub const FORMAT_VERSION: u32 = 1;

const DIGEST: usize = 32;

/// What a stored table says besides the CRL.
#[derive(Debug, Clone)]
pub struct StoredCrl {
    pub crl: Crl,
    /// SHA-256 (lower hex) of the public keys (SPKI) whose signature over
    /// the CRL's DER verified when it was stored.
    pub verified: Vec<String>,
}

#[cfg(test)]
impl PartialEq for Crl {
    /// Same fields and same entries (for tests of the stored form).
    fn eq(&self, other: &Crl) -> bool {
        let (a, b) = (&self.table, &other.table);
        self.source == other.source
            && self.issuer_raw == other.issuer_raw
            && self.issuer_text == other.issuer_text
            && self.this_update == other.this_update
            && self.next_update == other.next_update
            && self.crl_number == other.crl_number
            && self.delta_of == other.delta_of
            && self.freshest == other.freshest
            && self.scope == other.scope
            && self.authority_key_id == other.authority_key_id
            && self.signature_oid == other.signature_oid
            && self.entries == other.entries
            && self.unsupported == other.unsupported
            && self.crl_number_raw == other.crl_number_raw
            && self.delta_of_raw == other.delta_of_raw
            && self.other_issuers == other.other_issuers
            && a.records.len() == b.records.len()
            && a.direct == b.direct
            && (0..a.records.len() as u32).all(|i| {
                a.issuer_of(i) == b.issuer_of(i)
                    && a.serial(i) == b.serial(i)
                    && a.revoked(i) == b.revoked(i)
            })
    }
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    out.extend_from_slice(bytes);
}

fn put_count(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(&(n as u32).to_le_bytes());
}

impl Crl {
    /// The stored form of this CRL (indexed, not [`super::Read::ForLookups`])
    /// under `key`, read from DER whose SHA-256 is `der_sha256`, verified
    /// by the keys `verified` (SPKI SHA-256s). `None` for a CRL read for
    /// lookups (never cached) or too large for the format's u32 counts.
    pub fn to_stored(&self, key: &str, der_sha256: &[u8], verified: &[String]) -> Option<Vec<u8>> {
        if self.lazy.is_some() || der_sha256.len() != DIGEST {
            return None;
        }
        let t = &self.table;
        let fits = |n: usize| u32::try_from(n).is_ok();
        if ![
            key.len(),
            self.header_der.len(),
            t.records.len(),
            t.serials.len(),
        ]
        .into_iter()
        .all(fits)
        {
            return None;
        }
        let mut out = Vec::with_capacity(64 + t.records.len() * 16 + t.serials.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        put_bytes(&mut out, key.as_bytes());
        out.extend_from_slice(der_sha256);
        put_bytes(&mut out, &self.header_der);
        out.extend_from_slice(&(self.entries as u64).to_le_bytes());
        put_count(&mut out, self.unsupported.len());
        for note in &self.unsupported {
            put_bytes(&mut out, note.as_bytes());
        }
        put_count(&mut out, self.other_issuers.len());
        for name in &self.other_issuers {
            put_bytes(&mut out, name);
        }
        put_count(&mut out, verified.len());
        for spki in verified {
            put_bytes(&mut out, spki.as_bytes());
        }
        put_count(&mut out, t.records.len());
        for r in &t.records {
            out.extend_from_slice(&r.time.to_le_bytes());
            out.extend_from_slice(&r.serial_at.to_le_bytes());
            out.extend_from_slice(&r.serial_len.to_le_bytes());
            out.push(r.reason);
            out.push(r.flags);
        }
        put_count(&mut out, t.issuers.len());
        for i in &t.issuers {
            out.extend_from_slice(&i.to_le_bytes());
        }
        put_bytes(&mut out, &t.serials);
        let mut long: Vec<_> = t.long_serials.iter().collect();
        long.sort();
        put_count(&mut out, long.len());
        for (i, len) in long {
            out.extend_from_slice(&i.to_le_bytes());
            out.extend_from_slice(&len.to_le_bytes());
        }
        let mut invalidity: Vec<_> = t.invalidity.iter().collect();
        invalidity.sort();
        put_count(&mut out, invalidity.len());
        for (i, at) in invalidity {
            out.extend_from_slice(&i.to_le_bytes());
            out.extend_from_slice(&at.timestamp().to_le_bytes());
        }
        let sum = ring::digest::digest(&ring::digest::SHA256, &out);
        out.extend_from_slice(sum.as_ref());
        Some(out)
    }

    /// The CRL stored by [`Crl::to_stored`] under `key` for the DER whose
    /// SHA-256 is `der_sha256`, named `source`. `Err` says what is wrong
    /// (bad checksum, another format version, another key or DER, a table
    /// that does not hold together); nothing of such an entry is used.
    pub fn from_stored(
        bytes: &[u8],
        key: &str,
        der_sha256: &[u8],
        source: &str,
    ) -> Result<StoredCrl, String> {
        let body_end = bytes
            .len()
            .checked_sub(DIGEST)
            .filter(|n| *n >= MAGIC.len() + 4)
            .ok_or("truncated")?;
        let (body, sum) = bytes.split_at(body_end);
        let mut r = Cursor(body);
        if r.take(MAGIC.len())? != MAGIC {
            return Err("not a stored CRL table".into());
        }
        let version = r.u32()?;
        if version != FORMAT_VERSION {
            return Err(format!(
                "format version {version}, this pkiaudit reads {FORMAT_VERSION}"
            ));
        }
        if ring::digest::digest(&ring::digest::SHA256, body).as_ref() != sum {
            return Err("checksum mismatch".into());
        }
        if r.bytes()? != key.as_bytes() {
            return Err("stored for another key".into());
        }
        if r.take(DIGEST)? != der_sha256 {
            return Err("stored for another CRL (DER hash differs)".into());
        }
        let header_der = r.bytes()?.to_vec();
        let entries = usize::try_from(r.u64()?).map_err(|_| "entry count out of range")?;
        let unsupported = r.list(4, |r| {
            String::from_utf8(r.bytes()?.to_vec()).map_err(|_| "note not UTF-8".to_string())
        })?;
        let other_issuers = r.list(4, |r| Ok(r.bytes()?.to_vec()))?;
        let verified = r.list(4, |r| {
            String::from_utf8(r.bytes()?.to_vec()).map_err(|_| "key hash not UTF-8".to_string())
        })?;
        let records = r.list(16, |r| {
            Ok(Record {
                time: r.i64()?,
                serial_at: r.u32()?,
                serial_len: r.u16()?,
                reason: r.u8()?,
                flags: r.u8()?,
            })
        })?;
        let issuers = r.list(4, |r| r.u32())?;
        let serials = r.bytes()?.to_vec();
        let long_serials = r.list(8, |r| Ok((r.u32()?, r.u32()?)))?;
        let invalidity = r.list(12, |r| Ok((r.u32()?, r.i64()?)))?;
        if !r.0.is_empty() {
            return Err("trailing bytes".into());
        }

        let (rest, header) = CertificateRevocationList::from_der(&header_der)
            .map_err(|e| format!("stored CRL header: {e}"))?;
        if !rest.is_empty() || !header.tbs_cert_list.revoked_certificates.is_empty() {
            return Err("stored CRL header is not a CRL without entries".into());
        }
        let mut crl = Crl::from_header(&header, source, Keys::random());
        crl.header_der = Arc::new(header_der);
        crl.der_sha256 = Some(crate::model::hex_lower(der_sha256));
        crl.entries = entries;
        crl.unsupported = unsupported;
        crl.other_issuers = other_issuers;
        let mut table = Table::new(Keys::random());
        table.records = records;
        table.issuers = issuers;
        table.serials = serials;
        table.long_serials = long_serials.into_iter().collect();
        for (i, at) in invalidity {
            table.invalidity.insert(i, super::to_utc(at));
        }
        check_table(&table, crl.other_issuers.len(), entries)?;
        table.index();
        crl.table = table;
        Ok(StoredCrl { crl, verified })
    }
}

/// What [`Table`] relies on: one issuer per record (or none stored),
/// issuers that exist, every serial inside the arena, one record per
/// entry, and extra data only for records that exist.
fn check_table(t: &Table, other_issuers: usize, entries: usize) -> Result<(), String> {
    let n = t.records.len();
    if n != entries {
        return Err("entry count differs from the records".into());
    }
    if !t.issuers.is_empty() && t.issuers.len() != n {
        return Err("record issuers do not match the records".into());
    }
    if t.issuers
        .iter()
        .any(|&i| i != CRL_ISSUER && i as usize >= other_issuers)
    {
        return Err("a record names an issuer that is not listed".into());
    }
    let exists = |i: &u32| (*i as usize) < n;
    if !t.long_serials.keys().all(exists) || !t.invalidity.keys().all(exists) {
        return Err("extra data for a record that does not exist".into());
    }
    for (i, record) in t.records.iter().enumerate() {
        let i = i as u32;
        if record.serial_len == u16::MAX && !t.long_serials.contains_key(&i) {
            return Err("a long serial without its length".into());
        }
        if t.serial(i).is_none() {
            return Err("a serial outside the arena".into());
        }
    }
    Ok(())
}

/// Reads the stored form front to back, every length bounds-checked.
struct Cursor<'a>(&'a [u8]);

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        if n > self.0.len() {
            return Err("truncated".into());
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], String> {
        self.take(N)?
            .try_into()
            .map_err(|_| "truncated".to_string())
    }

    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.array::<1>()?[0])
    }

    fn u16(&mut self) -> Result<u16, String> {
        Ok(u16::from_le_bytes(self.array()?))
    }

    fn u32(&mut self) -> Result<u32, String> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    fn u64(&mut self) -> Result<u64, String> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    fn i64(&mut self) -> Result<i64, String> {
        Ok(i64::from_le_bytes(self.array()?))
    }

    fn bytes(&mut self) -> Result<&'a [u8], String> {
        let n = self.u32()? as usize;
        self.take(n)
    }

    /// A u32 count, then that many items of at least `min_size` bytes
    /// each: the count is checked against the bytes left before the list
    /// is allocated.
    fn list<T>(
        &mut self,
        min_size: usize,
        mut item: impl FnMut(&mut Self) -> Result<T, String>,
    ) -> Result<Vec<T>, String> {
        let n = self.u32()? as usize;
        if n.saturating_mul(min_size) > self.0.len() {
            return Err("a count larger than what follows".into());
        }
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push(item(self)?);
        }
        Ok(out)
    }
}
