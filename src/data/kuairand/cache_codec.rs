//! The cache's little-endian codec: the primitives, and the tables column by column.

use super::fingerprint::Fingerprint;
use super::tables::{EntityTable, LogTable};

/// Little-endian encoder.
pub(super) struct Enc(pub(super) Vec<u8>);

impl Enc {
    pub(super) fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    pub(super) fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    pub(super) fn str(&mut self, s: &str) {
        self.u64(s.len() as u64);
        self.0.extend_from_slice(s.as_bytes());
    }
    pub(super) fn strings(&mut self, v: &[String]) {
        self.u64(v.len() as u64);
        for s in v {
            self.str(s);
        }
    }
    pub(super) fn bytes(&mut self, v: &[u8]) {
        self.u64(v.len() as u64);
        self.0.extend_from_slice(v);
    }
    pub(super) fn u32s(&mut self, v: &[u32]) {
        self.u64(v.len() as u64);
        self.0.reserve(v.len() * 4);
        for x in v {
            self.0.extend_from_slice(&x.to_le_bytes());
        }
    }
    pub(super) fn u64s(&mut self, v: &[u64]) {
        self.u64(v.len() as u64);
        self.0.reserve(v.len() * 8);
        for x in v {
            self.0.extend_from_slice(&x.to_le_bytes());
        }
    }
    pub(super) fn f32s(&mut self, v: &[f32]) {
        self.u64(v.len() as u64);
        self.0.reserve(v.len() * 4);
        for x in v {
            self.0.extend_from_slice(&x.to_le_bytes());
        }
    }
    pub(super) fn fingerprint(&mut self, f: &Fingerprint) {
        self.u64(f.0.len() as u64);
        for (name, len, mtime, hash) in &f.0 {
            self.str(name);
            self.u64(*len);
            self.u64(*mtime);
            self.u64(*hash);
        }
    }
    pub(super) fn entity(&mut self, t: &EntityTable) {
        self.u64s(&t.ids);
        self.strings(&t.numeric_names);
        self.f32s(&t.numeric);
        self.strings(&t.categorical_names);
        self.u32s(&t.categorical);
        self.u64(t.vocab.len() as u64);
        for v in &t.vocab {
            self.strings(v);
        }
    }
    pub(super) fn log(&mut self, t: &LogTable) {
        self.u32s(&t.user);
        self.u32s(&t.video);
        self.u32s(&t.date);
        self.bytes(&t.hour);
        self.bytes(&t.tab);
        self.bytes(&t.is_click);
        self.bytes(&t.long_view);
        self.f32s(&t.duration_ms);
    }
}

/// Little-endian decoder; every failure is a reason to reject the cache.
pub(super) struct Dec<'a> {
    pub(super) buf: &'a [u8],
    pub(super) at: usize,
}

pub(super) type Reason<T> = std::result::Result<T, String>;

impl Dec<'_> {
    pub(super) fn take(&mut self, n: usize) -> Reason<&[u8]> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&e| e <= self.buf.len())
            .ok_or("damaged: it ends early")?;
        let s = &self.buf[self.at..end];
        self.at = end;
        Ok(s)
    }
    pub(super) fn u8(&mut self) -> Reason<u8> {
        Ok(self.take(1)?[0])
    }
    pub(super) fn u64(&mut self) -> Reason<u64> {
        let mut b = [0u8; 8];
        b.copy_from_slice(self.take(8)?);
        Ok(u64::from_le_bytes(b))
    }
    pub(super) fn len(&mut self, item_bytes: usize) -> Reason<usize> {
        let n = self.u64()? as usize;
        if n.saturating_mul(item_bytes) > self.buf.len() - self.at {
            return Err("damaged: a length runs past the end".into());
        }
        Ok(n)
    }
    pub(super) fn str(&mut self) -> Reason<String> {
        let n = self.len(1)?;
        String::from_utf8(self.take(n)?.to_vec()).map_err(|_| "damaged: bad text".to_owned())
    }
    pub(super) fn strings(&mut self) -> Reason<Vec<String>> {
        let n = self.len(8)?;
        (0..n).map(|_| self.str()).collect()
    }
    pub(super) fn bytes(&mut self) -> Reason<Vec<u8>> {
        let n = self.len(1)?;
        Ok(self.take(n)?.to_vec())
    }
    pub(super) fn u32s(&mut self) -> Reason<Vec<u32>> {
        self.words(u32::from_le_bytes)
    }
    pub(super) fn u64s(&mut self) -> Reason<Vec<u64>> {
        self.words(u64::from_le_bytes)
    }
    pub(super) fn f32s(&mut self) -> Reason<Vec<f32>> {
        self.words(f32::from_le_bytes)
    }
    /// A length-prefixed array of `N`-byte little-endian words.
    pub(super) fn words<const N: usize, T>(&mut self, from_le: fn([u8; N]) -> T) -> Reason<Vec<T>> {
        let n = self.len(N)?;
        Ok(self
            .take(n * N)?
            .chunks_exact(N)
            .map(|c| {
                let mut b = [0u8; N];
                b.copy_from_slice(c);
                from_le(b)
            })
            .collect())
    }
    pub(super) fn fingerprint(&mut self) -> Reason<Fingerprint> {
        let n = self.len(32)?;
        let mut v = Vec::with_capacity(n);
        for _ in 0..n {
            v.push((self.str()?, self.u64()?, self.u64()?, self.u64()?));
        }
        Ok(Fingerprint(v))
    }
    /// An entity table, checked against the columns this build expects.
    pub(super) fn entity(&mut self, numeric: &[&str], categorical: &[&str]) -> Reason<EntityTable> {
        let ids = self.u64s()?;
        let numeric_names = self.strings()?;
        let values = self.f32s()?;
        let categorical_names = self.strings()?;
        let codes = self.u32s()?;
        let n_vocab = self.len(8)?;
        let vocab = (0..n_vocab)
            .map(|_| self.strings())
            .collect::<Reason<Vec<_>>>()?;
        if numeric_names != numeric || categorical_names != categorical {
            return Err("written with other feature columns".into());
        }
        let n = ids.len();
        let fits = values.len() == n * numeric.len()
            && codes.len() == n * categorical.len()
            && vocab.len() == categorical.len()
            && codes.chunks(categorical.len().max(1)).all(|row| {
                row.iter()
                    .zip(&vocab)
                    .all(|(&c, v)| c == super::tables::MISSING || (c as usize) < v.len())
            });
        if !fits {
            return Err("damaged: a side table's sizes disagree".into());
        }
        Ok(EntityTable {
            ids,
            numeric_names,
            numeric: values,
            categorical_names,
            categorical: codes,
            vocab,
        })
    }
    /// A log table whose user and video rows must lie below `n_users` and `n_videos`.
    pub(super) fn log(&mut self, n_users: usize, n_videos: usize) -> Reason<LogTable> {
        let t = LogTable {
            user: self.u32s()?,
            video: self.u32s()?,
            date: self.u32s()?,
            hour: self.bytes()?,
            tab: self.bytes()?,
            is_click: self.bytes()?,
            long_view: self.bytes()?,
            duration_ms: self.f32s()?,
        };
        let n = t.user.len();
        let fits = [
            t.video.len(),
            t.date.len(),
            t.hour.len(),
            t.tab.len(),
            t.is_click.len(),
            t.long_view.len(),
            t.duration_ms.len(),
        ]
        .iter()
        .all(|&l| l == n)
            && t.user.iter().all(|&u| (u as usize) < n_users)
            && t.video.iter().all(|&v| (v as usize) < n_videos);
        if !fits {
            return Err("damaged: a log's columns disagree".into());
        }
        Ok(t)
    }
}
