//! Writes the seed corpora under `fuzz/corpus/` and the dictionaries under `fuzz/dicts/` from
//! what crl-lab itself ships and generates: the preset scenarios and lessons, workspaces and
//! recovery files, the fixture writers of every log source (made small), the `KuaiRand` cache;
//! command lines in `seeds_cli`, grid files in `seeds_grid`.
//! Run by hand after a format change: `cargo test --test fuzzing -- --ignored write_seed_corpora`.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use crl_lab::data::kuairand::{
    CACHE_FILE_NAME, CachePolicy, FixtureConfig, QuietLoad, Variant, load_kuairand, write_fixture,
};
use crl_lab::data::logs::{
    COAT_FEATURES, COAT_TEST, COAT_TRAIN, Delimiter, LogMapping, LogsFixtureConfig,
    RatingFixtureConfig, SplitColumn, YAHOO_TEST, YAHOO_TRAIN, fixture_mapping, write_coat_fixture,
    write_logs_fixture, write_yahoo_fixture,
};
use crl_lab::scm::preset_names;
use crl_lab::session::{PinnedRun, Recovery, Workspace};
use serde_json::Value;

use crate::corpus::{dict_line, fuzz_dir};
use crate::harness::join;

fn read(path: &Path) -> Vec<u8> {
    fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Replaces the seeds of `target` with `seeds` and its dictionary with `tokens`.
pub(crate) fn write(target: &str, seeds: &[(String, Vec<u8>)], tokens: &BTreeSet<Vec<u8>>) {
    let dir = fuzz_dir().join("corpus").join(target);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("create the corpus folder");
    for (name, bytes) in seeds {
        fs::write(dir.join(name), bytes).expect("write a seed");
    }
    if !tokens.is_empty() {
        let dicts = fuzz_dir().join("dicts");
        fs::create_dir_all(&dicts).expect("create the dictionary folder");
        let mut text = format!(
            "# Tokens of the `{target}` fuzz target, written by \
             `cargo test --test fuzzing -- --ignored write_seed_corpora`.\n"
        );
        for t in tokens {
            text.push_str(&dict_line(t));
            text.push('\n');
        }
        fs::write(dicts.join(format!("{target}.dict")), text).expect("write a dictionary");
    }
}

/// Every object key and short string value of the JSON `texts`, quoted as in the files.
pub(crate) fn json_tokens<'a>(texts: impl IntoIterator<Item = &'a [u8]>) -> BTreeSet<Vec<u8>> {
    fn walk(v: &Value, out: &mut BTreeSet<Vec<u8>>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    out.insert(format!("\"{k}\":").into_bytes());
                    walk(v, out);
                }
            }
            Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
            Value::String(s) if s.len() <= 24 && !s.contains(['"', '\\']) => {
                out.insert(format!("\"{s}\"").into_bytes());
            }
            _ => {}
        }
    }
    // Sizes and counts at the edges: coverage does not lead a fuzzer to large numbers, so the
    // dictionary offers them.
    let edges = [
        "true",
        "false",
        "null",
        "[]",
        "{}",
        "1e308",
        "-0.0",
        "100000000",
        "4294967296",
        "1000000000000",
        "18446744073709551615",
    ];
    let mut out: BTreeSet<Vec<u8>> = edges.iter().map(|t| t.as_bytes().to_vec()).collect();
    for text in texts {
        if let Ok(v) = serde_json::from_slice::<Value>(text) {
            walk(&v, &mut out);
        }
    }
    out
}

/// The header names of CSV `texts` (first lines, split at commas and tabs).
fn header_tokens<'a>(texts: impl IntoIterator<Item = &'a [u8]>) -> BTreeSet<Vec<u8>> {
    let mut out = BTreeSet::new();
    for text in texts {
        let first = text.split(|&b| b == b'\n').next().unwrap_or(b"");
        for name in first.split(|&b| b == b',' || b == b'\t') {
            if !name.is_empty() {
                out.insert(name.to_vec());
            }
        }
    }
    out
}

fn scenarios() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/scenarios");
    let seeds: Vec<(String, Vec<u8>)> = preset_names()
        .iter()
        .map(|n| (format!("{n}.json"), read(&dir.join(format!("{n}.json")))))
        .collect();
    let tokens = json_tokens(seeds.iter().map(|(_, b)| b.as_slice()));
    write("scenario", &seeds, &tokens);
}

fn lessons() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/lessons");
    let mut seeds: Vec<(String, Vec<u8>)> = fs::read_dir(&dir)
        .expect("the lessons folder")
        .map(|e| {
            let p = e.expect("a lesson").path();
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                read(&p),
            )
        })
        .collect();
    seeds.sort();
    let tokens = json_tokens(seeds.iter().map(|(_, b)| b.as_slice()));
    write("lesson", &seeds, &tokens);
}

fn workspaces() {
    let mut seeds: Vec<(String, Vec<u8>)> = preset_names()
        .iter()
        .map(|n| {
            let ws = Workspace::from_preset(n).expect("a preset's workspace");
            (format!("{n}.json"), ws.to_json().unwrap().into_bytes())
        })
        .collect();
    // A workspace with results, calibration points and a pinned run: the test workspace with
    // its long lists cut to a few entries (a fuzzer's inputs stay a few KB).
    let text = read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/small_workspace.json"));
    let mut v: Value = serde_json::from_slice(&text).expect("the test workspace is JSON");
    let cut = |v: &mut Value, n: usize| {
        if let Value::Array(a) = v {
            a.truncate(n);
        }
    };
    cut(&mut v["results"]["reports"], 2);
    cut(&mut v["results"]["eval"], 4);
    cut(&mut v["calibration_points"], 1);
    let mut ws = Workspace::from_json(&v.to_string(), "cut").expect("the cut workspace loads");
    let results = ws.results.clone().expect("the test workspace has results");
    ws.pinned = vec![PinnedRun::new(&ws.scenario, &ws.train, results, &[])];
    seeds.push((
        "with-results.json".into(),
        ws.to_json().unwrap().into_bytes(),
    ));
    let tokens = json_tokens(seeds.iter().map(|(_, b)| b.as_slice()));
    write("workspace", &seeds, &tokens);
    // Recovery files: a fresh session, and the one with results opened from a file (a fixed
    // process and time, so that the seeds are the same on every run).
    let fresh = Workspace::from_preset("anti-causal").expect("a preset's workspace");
    let recoveries = [
        ("fresh.json", fresh, None),
        (
            "with-results.json",
            ws,
            Some(PathBuf::from("/home/user/papers/session.json")),
        ),
    ]
    .map(|(name, workspace, file)| {
        let r = Recovery {
            pid: 4242,
            saved_unix_secs: 1_764_720_000,
            file,
            workspace,
        };
        (name.to_owned(), r.to_json().unwrap().into_bytes())
    });
    let tokens = json_tokens(recoveries.iter().map(|(_, b)| b.as_slice()));
    write("recovery", &recoveries, &tokens);
}

fn kuairand() {
    let dir = tempfile::tempdir().unwrap();
    let config = FixtureConfig {
        users: 6,
        videos: 8,
        standard_rows: 40,
        random_rows: 12,
        seed: 3,
    };
    let files = write_fixture(dir.path(), &config).expect("the KuaiRand fixture");
    let bytes: Vec<Vec<u8>> = files.all().iter().map(|p| read(p)).collect();
    let parts: Vec<&[u8]> = bytes.iter().map(Vec::as_slice).collect();
    let tokens = header_tokens(parts.iter().copied());
    write(
        "kuairand_csv",
        &[("pure-small".into(), join(&parts))],
        &tokens,
    );
    // Writing the cache is what a first load does.
    load_kuairand(dir.path(), CachePolicy::Rebuild, &mut QuietLoad).expect("the fixture loads");
    let cache = read(&files.dir.join(CACHE_FILE_NAME));
    let whole: Vec<u8> = std::iter::once(0).chain(cache.iter().copied()).collect();
    let body: Vec<u8> = std::iter::once(1)
        .chain(cache[28..].iter().copied())
        .collect();
    assert_eq!(Variant::Pure.file_names().len(), 6);
    write(
        "kuairand_cache",
        &[("whole-file".into(), whole), ("body".into(), body)],
        &BTreeSet::new(),
    );
}

fn logs() {
    let dir = tempfile::tempdir().unwrap();
    let config = LogsFixtureConfig {
        users: 6,
        items: 5,
        train_rows: 40,
        test_rows: 16,
        seed: 2,
    };
    let files = write_logs_fixture(dir.path(), &config).expect("the logs fixture");
    let (train, test, mapping) = (read(&files.train), read(&files.test), read(&files.mapping));
    // One file with a split column, semicolon-separated, the outcome a number cut at 0.5.
    let text = String::from_utf8(train.clone()).unwrap();
    let test_text = String::from_utf8(test.clone()).unwrap();
    let mut single: Vec<String> = Vec::new();
    for (i, line) in text.lines().chain(test_text.lines().skip(1)).enumerate() {
        let set = match i {
            0 => "set",
            _ if i < text.lines().count() => "train",
            _ => "test",
        };
        single.push(format!("{};{set}", line.replace(',', ";")));
    }
    let split_mapping = LogMapping {
        delimiter: Delimiter::Semicolon,
        outcome_threshold: Some(0.5),
        split: Some(SplitColumn {
            column: "set".into(),
            test_value: "test".into(),
        }),
        popularity_of: Some("item_id".into()),
        column_buckets: [("item_id".to_owned(), 7)].into(),
        ..fixture_mapping()
    };
    let split_json = split_mapping.to_json().unwrap().into_bytes();
    let single = (single.join("\n") + "\n").into_bytes();
    let seeds = vec![
        ("two-files".to_owned(), join(&[&mapping, &train, &test])),
        (
            "split-column".to_owned(),
            join(&[&split_json, &single, b""]),
        ),
    ];
    let mut tokens = json_tokens([mapping.as_slice(), split_json.as_slice()]);
    tokens.extend(header_tokens([train.as_slice()]));
    write("logs_csv", &seeds, &tokens);
    write(
        "logs_mapping",
        &[
            ("fixture.json".to_owned(), mapping),
            ("split.json".to_owned(), split_json),
        ],
        &tokens,
    );
}

fn ratings() {
    let config = RatingFixtureConfig {
        users: 6,
        items: 7,
        train_per_user: 3,
        test_per_user: 2,
        seed: 1,
    };
    let yahoo = tempfile::tempdir().unwrap();
    write_yahoo_fixture(yahoo.path(), &config).expect("the Yahoo! R3 fixture");
    let coat = tempfile::tempdir().unwrap();
    write_coat_fixture(coat.path(), &config).expect("the Coat fixture");
    let y = |n: &str| read(&yahoo.path().join(n));
    let c = |n: &str| read(&coat.path().join(n));
    let f = |n: &str| read(&coat.path().join(COAT_FEATURES).join(n));
    // The first byte: even Yahoo! R3, odd Coat; threshold 4 for both (bits 1 to 3).
    let mode = |coat: bool| vec![u8::from(coat) | (4 << 1)];
    let seeds = vec![
        (
            "yahoo-r3".to_owned(),
            [mode(false), join(&[&y(YAHOO_TRAIN), &y(YAHOO_TEST)])].concat(),
        ),
        (
            "coat".to_owned(),
            [
                mode(true),
                join(&[
                    &c(COAT_TRAIN),
                    &c(COAT_TEST),
                    &f("user_features.ascii"),
                    &f("item_features.ascii"),
                ]),
            ]
            .concat(),
        ),
        (
            "coat-no-features".to_owned(),
            [mode(true), join(&[&c(COAT_TRAIN), &c(COAT_TEST)])].concat(),
        ),
    ];
    write("ratings", &seeds, &BTreeSet::new());
}

#[test]
#[ignore = "writes fuzz/corpus and fuzz/dicts; run by hand after a format change"]
fn write_seed_corpora() {
    scenarios();
    lessons();
    workspaces();
    kuairand();
    logs();
    ratings();
    crate::seeds_cli::command_lines();
    crate::seeds_grid::grids();
}
