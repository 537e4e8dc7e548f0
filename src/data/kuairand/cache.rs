//! A compact binary copy of the parsed data, kept next to the CSV files so a second load skips
//! parsing.
//!
//! Layout (little-endian): the magic bytes `CRLKRAND`, the format version (u32), the body's
//! length (u64) and its FNV-1a checksum (u64), then the body: a fingerprint of the six source
//! files (name, size, modification time, a hash of their first and last 64 KiB), then the
//! tables column by column. A cache whose version, checksum or fingerprint does not match is
//! rejected and rebuilt; it is written atomically, so a crash never leaves half a file.

use crate::data::logs::{FNV_START, fnv1a};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::time::UNIX_EPOCH;

use super::files::{KuaiRandFiles, Variant};
use super::tables::{
    EntityTable, KuaiRandData, LogTable, USER_CATEGORICAL, USER_NUMERIC, VIDEO_CATEGORICAL,
    VIDEO_NUMERIC,
};
use crate::error::{Error, Result};
use crate::fs::write_atomically;

/// The cache's file name, in the folder that holds the CSV files.
pub const CACHE_FILE_NAME: &str = "crl-lab-kuairand.cache";
/// The cache format's version; bump it whenever the body changes.
pub const CACHE_VERSION: u32 = 1;
const MAGIC: &[u8; 8] = b"CRLKRAND";
/// Bytes hashed at each end of a source file for its fingerprint.
const SAMPLE_BYTES: u64 = 64 * 1024;

/// What identifies the source files: name, size, modification time and sampled content hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Fingerprint(Vec<(String, u64, u64, u64)>);

impl Fingerprint {
    /// The fingerprint of the six files as they are now.
    pub(super) fn of(files: &KuaiRandFiles) -> Result<Self> {
        let mut entries = Vec::new();
        for path in files.all() {
            let meta = std::fs::metadata(path).map_err(|e| Error::io("cannot read", path, e))?;
            let mtime_ns = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos() as u64);
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            entries.push((name, meta.len(), mtime_ns, sample_hash(path, meta.len())?));
        }
        Ok(Fingerprint(entries))
    }
}

/// FNV-1a of a file's first and last [`SAMPLE_BYTES`].
fn sample_hash(path: &Path, len: u64) -> Result<u64> {
    let io = |e| Error::io("cannot read", path, e);
    let mut f = File::open(path).map_err(io)?;
    let mut buf = vec![0u8; SAMPLE_BYTES.min(len) as usize];
    f.read_exact(&mut buf).map_err(io)?;
    let mut h = fnv1a(&buf, FNV_START);
    if len > SAMPLE_BYTES {
        f.seek(SeekFrom::Start(len - SAMPLE_BYTES)).map_err(io)?;
        f.read_exact(&mut buf).map_err(io)?;
        h = fnv1a(&buf, h);
    }
    Ok(h)
}

/// Writes `data` with `fingerprint` to `path` atomically; returns the bytes written.
pub(super) fn write_cache(
    path: &Path,
    fingerprint: &Fingerprint,
    data: &KuaiRandData,
) -> Result<u64> {
    let mut body = Enc(Vec::new());
    body.fingerprint(fingerprint);
    body.u8(match data.variant {
        Variant::Pure => 0,
        Variant::OneK => 1,
    });
    body.entity(&data.users);
    body.entity(&data.videos);
    body.log(&data.standard);
    body.log(&data.random);
    for n in [
        data.users_without_features,
        data.videos_without_basic,
        data.videos_without_statistic,
    ] {
        body.u64(n as u64);
    }
    let body = body.0;
    let mut head = Vec::with_capacity(28);
    head.extend_from_slice(MAGIC);
    head.extend_from_slice(&CACHE_VERSION.to_le_bytes());
    head.extend_from_slice(&(body.len() as u64).to_le_bytes());
    head.extend_from_slice(&fnv1a(&body, FNV_START).to_le_bytes());
    write_atomically(path, |w| {
        w.write_all(&head)
            .and_then(|()| w.write_all(&body))
            .map_err(|e| Error::io("cannot write", path, e))
    })?;
    Ok((head.len() + body.len()) as u64)
}

/// Reads the cache at `path` if it is intact and matches `fingerprint`; otherwise says why not.
pub(super) fn read_cache(
    path: &Path,
    fingerprint: &Fingerprint,
) -> std::result::Result<KuaiRandData, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read it: {e}"))?;
    decode(&bytes, Some(fingerprint))
}

/// Decodes the bytes of a KuaiRand cache file, checking its header, checksum and tables but not
/// whether it matches any files (what the loader does after reading the cache file; for tests
/// and fuzzing). An `Err` says why the cache would be rejected and rebuilt.
pub fn decode_kuairand_cache(bytes: &[u8]) -> std::result::Result<KuaiRandData, String> {
    decode(bytes, None)
}

/// Decodes a cache; with `fingerprint`, one written for other files is rejected before its
/// tables are read.
fn decode(
    bytes: &[u8],
    fingerprint: Option<&Fingerprint>,
) -> std::result::Result<KuaiRandData, String> {
    if bytes.len() < 28 || &bytes[..8] != MAGIC {
        return Err("not a crl-lab KuaiRand cache".into());
    }
    let word = |at: usize| {
        let mut b = [0u8; 8];
        b.copy_from_slice(&bytes[at..at + 8]);
        u64::from_le_bytes(b)
    };
    let version = u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]);
    if version != CACHE_VERSION {
        return Err(format!(
            "written in format version {version}, this build reads version {CACHE_VERSION}"
        ));
    }
    let (len, checksum) = (word(12), word(20));
    let body = &bytes[28..];
    if body.len() as u64 != len {
        return Err(format!(
            "damaged: {} body bytes instead of {len}",
            body.len()
        ));
    }
    if fnv1a(body, FNV_START) != checksum {
        return Err("damaged: the checksum does not match".into());
    }
    let mut d = Dec { buf: body, at: 0 };
    let found = d.fingerprint()?;
    if fingerprint.is_some_and(|f| *f != found) {
        return Err("the KuaiRand files changed since it was written".into());
    }
    let variant = match d.u8()? {
        0 => Variant::Pure,
        1 => Variant::OneK,
        v => return Err(format!("damaged: unknown release {v}")),
    };
    let users = d.entity(&USER_NUMERIC, &USER_CATEGORICAL)?;
    let videos = d.entity(&VIDEO_NUMERIC, &VIDEO_CATEGORICAL)?;
    let standard = d.log(users.len(), videos.len())?;
    let random = d.log(users.len(), videos.len())?;
    let mut count = || d.u64().map(|v| v as usize);
    let (a, b, c) = (count()?, count()?, count()?);
    Ok(KuaiRandData {
        variant,
        users,
        videos,
        standard,
        random,
        users_without_features: a,
        videos_without_basic: b,
        videos_without_statistic: c,
    })
}

/// Little-endian encoder.
struct Enc(Vec<u8>);

impl Enc {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn str(&mut self, s: &str) {
        self.u64(s.len() as u64);
        self.0.extend_from_slice(s.as_bytes());
    }
    fn strings(&mut self, v: &[String]) {
        self.u64(v.len() as u64);
        for s in v {
            self.str(s);
        }
    }
    fn bytes(&mut self, v: &[u8]) {
        self.u64(v.len() as u64);
        self.0.extend_from_slice(v);
    }
    fn u32s(&mut self, v: &[u32]) {
        self.u64(v.len() as u64);
        self.0.reserve(v.len() * 4);
        for x in v {
            self.0.extend_from_slice(&x.to_le_bytes());
        }
    }
    fn u64s(&mut self, v: &[u64]) {
        self.u64(v.len() as u64);
        self.0.reserve(v.len() * 8);
        for x in v {
            self.0.extend_from_slice(&x.to_le_bytes());
        }
    }
    fn f32s(&mut self, v: &[f32]) {
        self.u64(v.len() as u64);
        self.0.reserve(v.len() * 4);
        for x in v {
            self.0.extend_from_slice(&x.to_le_bytes());
        }
    }
    fn fingerprint(&mut self, f: &Fingerprint) {
        self.u64(f.0.len() as u64);
        for (name, len, mtime, hash) in &f.0 {
            self.str(name);
            self.u64(*len);
            self.u64(*mtime);
            self.u64(*hash);
        }
    }
    fn entity(&mut self, t: &EntityTable) {
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
    fn log(&mut self, t: &LogTable) {
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
struct Dec<'a> {
    buf: &'a [u8],
    at: usize,
}

type Reason<T> = std::result::Result<T, String>;

impl Dec<'_> {
    fn take(&mut self, n: usize) -> Reason<&[u8]> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&e| e <= self.buf.len())
            .ok_or("damaged: it ends early")?;
        let s = &self.buf[self.at..end];
        self.at = end;
        Ok(s)
    }
    fn u8(&mut self) -> Reason<u8> {
        Ok(self.take(1)?[0])
    }
    fn u64(&mut self) -> Reason<u64> {
        let mut b = [0u8; 8];
        b.copy_from_slice(self.take(8)?);
        Ok(u64::from_le_bytes(b))
    }
    fn len(&mut self, item_bytes: usize) -> Reason<usize> {
        let n = self.u64()? as usize;
        if n.saturating_mul(item_bytes) > self.buf.len() - self.at {
            return Err("damaged: a length runs past the end".into());
        }
        Ok(n)
    }
    fn str(&mut self) -> Reason<String> {
        let n = self.len(1)?;
        String::from_utf8(self.take(n)?.to_vec()).map_err(|_| "damaged: bad text".to_owned())
    }
    fn strings(&mut self) -> Reason<Vec<String>> {
        let n = self.len(8)?;
        (0..n).map(|_| self.str()).collect()
    }
    fn bytes(&mut self) -> Reason<Vec<u8>> {
        let n = self.len(1)?;
        Ok(self.take(n)?.to_vec())
    }
    fn u32s(&mut self) -> Reason<Vec<u32>> {
        self.words(u32::from_le_bytes)
    }
    fn u64s(&mut self) -> Reason<Vec<u64>> {
        self.words(u64::from_le_bytes)
    }
    fn f32s(&mut self) -> Reason<Vec<f32>> {
        self.words(f32::from_le_bytes)
    }
    /// A length-prefixed array of `N`-byte little-endian words.
    fn words<const N: usize, T>(&mut self, from_le: fn([u8; N]) -> T) -> Reason<Vec<T>> {
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
    fn fingerprint(&mut self) -> Reason<Fingerprint> {
        let n = self.len(32)?;
        let mut v = Vec::with_capacity(n);
        for _ in 0..n {
            v.push((self.str()?, self.u64()?, self.u64()?, self.u64()?));
        }
        Ok(Fingerprint(v))
    }
    /// An entity table, checked against the columns this build expects.
    fn entity(&mut self, numeric: &[&str], categorical: &[&str]) -> Reason<EntityTable> {
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
    fn log(&mut self, n_users: usize, n_videos: usize) -> Reason<LogTable> {
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
