//! The fuzz targets and their committed seed corpora and dictionaries, as files under `fuzz/`.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use crate::harness;

/// A harness: true when the input was accepted as a whole.
pub type Harness = fn(&[u8]) -> bool;

/// Every fuzz target, by the name of its binary and corpus folder.
pub const TARGETS: [(&str, Harness); 12] = [
    ("scenario", harness::scenario),
    ("workspace", harness::workspace),
    ("lesson", harness::lesson),
    ("kuairand_csv", harness::kuairand_csv),
    ("kuairand_cache", harness::kuairand_cache),
    ("logs_mapping", harness::logs_mapping),
    ("logs_csv", harness::logs_csv),
    ("ratings", harness::ratings),
    ("cli_args", harness::cli_args),
    ("cli_values", harness::cli_values),
    ("grid", harness::grid),
    ("recovery", harness::recovery),
];

/// The harness of `target`.
pub fn harness(target: &str) -> Harness {
    TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .map_or_else(|| panic!("no fuzz target `{target}`"), |(_, h)| *h)
}

/// `fuzz/` in the repository.
pub fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

/// The committed seeds of `target` (name, bytes), sorted by name.
pub fn seeds(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = fuzz_dir().join("corpus").join(target);
    let mut out: Vec<(String, Vec<u8>)> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| {
            let path = e.expect("a corpus entry").path();
            let bytes =
                fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            (
                path.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                bytes,
            )
        })
        .collect();
    out.sort();
    out
}

/// The tokens of `fuzz/dicts/<target>.dict` (libFuzzer's format: one `"token"` a line, with
/// `\"`, `\\` and `\xNN` escapes); none when there is no dictionary.
pub fn dictionary(target: &str) -> Vec<Vec<u8>> {
    let path = fuzz_dir().join("dicts").join(format!("{target}.dict"));
    let Ok(text) = fs::read_to_string(&path) else {
        return Vec::new();
    };
    text.lines()
        .filter_map(|l| {
            let l = l.trim();
            let start = l.find('"')?;
            let end = l.rfind('"')?;
            (end > start && !l.starts_with('#')).then(|| unescape(&l[start + 1..end]))
        })
        .collect()
}

fn unescape(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && i + 1 < b.len() {
            if b[i + 1] == b'x'
                && i + 3 < b.len()
                && let Ok(v) = u8::from_str_radix(&s[i + 2..i + 4], 16)
            {
                out.push(v);
                i += 4;
                continue;
            }
            out.push(b[i + 1]);
            i += 2;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

/// A token as a line of a libFuzzer dictionary.
pub fn dict_line(token: &[u8]) -> String {
    let mut s = String::from("\"");
    for &b in token {
        match b {
            b'"' => s.push_str("\\\""),
            b'\\' => s.push_str("\\\\"),
            0x20..=0x7e => s.push(b as char),
            _ => {
                let _ = write!(s, "\\x{b:02X}");
            }
        }
    }
    s.push('"');
    s
}

#[test]
fn the_dictionary_escapes_round_trip() {
    let token = b"a\"b\\c\x1e\xff\n".to_vec();
    let line = dict_line(&token);
    assert_eq!(line, "\"a\\\"b\\\\c\\x1E\\xFF\\x0A\"");
    assert_eq!(unescape(&line[1..line.len() - 1]), token);
}
