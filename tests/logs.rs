//! Logged interactions from any source: the generic CSV/TSV reader and its mapping, the Yahoo! R3
//! and Coat adapters on fixtures in their exact layouts, the encoder's statistics coming from the
//! training rows alone, short training runs on the CPU judged against the base rate, and every
//! error path with its message.

// Test code: a failed unwrap is a failed test, and printing is a test's report.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

mod common;

use common::crl;

use std::fmt::Write as _;
use std::path::Path;

use crl_lab::data::logs::{
    COAT_FEATURES, COAT_TEST, COAT_TRAIN, ColumnRole, LogFiles, LogMapping, LogSet, LogsData,
    LogsEncoder, LogsFixtureConfig, QuietLoad, RatingFixtureConfig, RatingOptions, ReadLimits,
    SplitColumn, YAHOO_TEST, YAHOO_TRAIN, fixture_mapping, guess_roles, preview, read_coat,
    read_logs, read_yahoo_r3, write_coat_fixture, write_logs_fixture, write_yahoo_fixture,
};
use crl_lab::experiment::{
    BASE_RATE, EvalSet, ITEM_RATE, LogsResult, LogsSettings, LogsTraining, logs_experiment,
};
use crl_lab::train::{DeviceChoice, RunControl, Silent, TrainConfig, select_device};

const ROOMY: ReadLimits = ReadLimits { max_bytes: 1 << 30 };

fn small_logs(dir: &Path) -> (LogFiles, LogMapping) {
    let files = write_logs_fixture(
        dir,
        &LogsFixtureConfig {
            users: 150,
            items: 80,
            train_rows: 5_000,
            test_rows: 1_500,
            seed: 3,
        },
    )
    .unwrap();
    let mapping = LogMapping::load(&files.mapping).unwrap();
    (
        LogFiles {
            train: files.train,
            test: Some(files.test),
        },
        mapping,
    )
}

fn read(files: &LogFiles, mapping: &LogMapping) -> crl_lab::Result<LogsData> {
    read_logs(files, mapping, ROOMY, &mut QuietLoad)
}

/// A short run: one seed, selection on validation, on the CPU.
fn train(data: &LogsData, steps: usize) -> LogsResult {
    let config = TrainConfig {
        steps,
        batch_size: 256,
        report_every: 20,
        n_train: 100_000,
        n_val: 2_000,
        beta: 3.0,
        keep_best_val: true,
        seed: 5,
        threads: 1,
        ..TrainConfig::default()
    };
    let training = LogsTraining {
        config: &config,
        n_seeds: 1,
        device: &select_device(DeviceChoice::Cpu).unwrap(),
        control: &RunControl::default(),
    };
    logs_experiment(data, &LogsSettings::default(), &training, &mut Silent).unwrap()
}

/// Every model's mean log-loss on each set is no worse than the base rate's on that set, and
/// the result says no warning.
fn assert_beats_base_rate(res: &LogsResult) {
    for set in [EvalSet::InDistribution, EvalSet::RandomExposure] {
        let base = res
            .references
            .iter()
            .find(|r| r.name == BASE_RATE && r.set == set)
            .unwrap();
        for r in res.summary.iter().filter(|r| r.set == set) {
            assert!(
                r.mean.logloss <= base.metrics.logloss,
                "{} on {:?}: {} > base rate {}",
                r.model,
                set,
                r.mean.logloss,
                base.metrics.logloss
            );
            assert!(
                r.mean.auc > 0.5,
                "{} on {set:?}: AUC {}",
                r.model,
                r.mean.auc
            );
        }
    }
    assert!(res.warnings().is_empty(), "{:?}", res.warnings());
}

#[test]
fn the_fixture_csv_reads_back_with_its_mapping() {
    let dir = tempfile::tempdir().unwrap();
    let (files, mapping) = small_logs(dir.path());
    assert_eq!(mapping, fixture_mapping());
    let data = read(&files, &mapping).unwrap();
    assert_eq!((data.train.n, data.test.n), (5_000, 1_500));
    assert_eq!(data.train.numeric.len(), 1);
    assert_eq!(data.train.categorical.len(), 5);
    assert_eq!(
        data.confounder_values,
        vec![vec!["feed".to_string(), "top".to_string()]]
    );
    assert!(data.n_users <= 150 && data.n_users > 100);
    assert_eq!(data.train.time.len(), 5_000);
    // The same seed gives the same files, so the same data.
    let other = tempfile::tempdir().unwrap();
    let (files2, _) = small_logs(other.path());
    // (Debug text: the confounder's number column is NaN for text, and NaN != NaN.)
    let again = read(&files2, &mapping).unwrap();
    assert!(
        format!("{:?}", again.train) == format!("{:?}", data.train),
        "the same seed, other rows"
    );
    // The logging policy puts badged items on top: the slot is confounded with the badge in
    // training and not in the test.
    // P(top | badged) and P(top | not badged), per set.
    let top = data.confounder_values[0]
        .iter()
        .position(|v| v == "top")
        .unwrap() as u32;
    let yes = crl_lab::data::logs::category_key("yes");
    let top_given = |cols: &crl_lab::data::logs::LogColumns, badged: bool| {
        let rows: Vec<usize> = (0..cols.n)
            .filter(|&r| (cols.categorical[4][r] == yes) == badged)
            .collect();
        rows.iter()
            .filter(|&&r| cols.confounder_class[0][r] == top)
            .count() as f64
            / rows.len() as f64
    };
    let (train_yes, train_no) = (top_given(&data.train, true), top_given(&data.train, false));
    assert!(
        (train_yes - 0.85).abs() < 0.04 && (train_no - 0.15).abs() < 0.03,
        "{train_yes} {train_no}"
    );
    let (test_yes, test_no) = (top_given(&data.test, true), top_given(&data.test, false));
    assert!(
        (test_yes - 0.3).abs() < 0.06 && (test_no - 0.3).abs() < 0.04,
        "{test_yes} {test_no}"
    );
}

#[test]
fn training_on_the_fixture_csv_beats_the_base_rate() {
    let dir = tempfile::tempdir().unwrap();
    let (files, mapping) = small_logs(dir.path());
    let data = read(&files, &mapping).unwrap();
    let res = train(&data, 150);
    assert_beats_base_rate(&res);
    // The hold-out is by time: the latest tenth of the training log.
    let c = &res.counts;
    assert!(c.held_out_from.is_some());
    assert_eq!(c.train_split + c.held_out + c.validation_used, 5_000);
    assert_eq!(c.test, 1_500);
    // No item column, so only the base-rate reference.
    assert!(res.references.iter().all(|r| r.name == BASE_RATE));
    assert_eq!(res.rows.len(), 4);
}

#[test]
fn yahoo_r3_in_its_layout_trains_and_beats_the_base_rate() {
    let dir = tempfile::tempdir().unwrap();
    let config = RatingFixtureConfig {
        users: 300,
        items: 120,
        train_per_user: 20,
        test_per_user: 10,
        seed: 1,
    };
    write_yahoo_fixture(dir.path(), &config).unwrap();
    let first = std::fs::read_to_string(dir.path().join(YAHOO_TRAIN)).unwrap();
    let fields: Vec<&str> = first.lines().next().unwrap().split('\t').collect();
    assert_eq!(fields.len(), 3, "user, song, rating separated by tabs");
    assert!(fields[2].parse::<u8>().is_ok_and(|r| (1..=5).contains(&r)));
    assert!(dir.path().join(YAHOO_TEST).is_file());
    let data = read_yahoo_r3(dir.path(), &RatingOptions::default(), ROOMY, &mut QuietLoad).unwrap();
    assert_eq!((data.train.n, data.test.n), (6_000, 3_000));
    assert_eq!(data.n_users, 300);
    // Self-selection: users rate what they like, so training ratings are higher than random ones.
    let rate = |c: &crl_lab::data::logs::LogColumns| c.positives() as f64 / c.n as f64;
    assert!(
        rate(&data.train) > rate(&data.test) + 0.05,
        "{} vs {}",
        rate(&data.train),
        rate(&data.test)
    );
    let res = train(&data, 150);
    assert_beats_base_rate(&res);
    assert!(res.references.iter().any(|r| r.name == ITEM_RATE));
}

#[test]
fn coat_in_its_layout_trains_and_beats_the_base_rate() {
    let dir = tempfile::tempdir().unwrap();
    let config = RatingFixtureConfig {
        users: 290,
        items: 300,
        train_per_user: 24,
        test_per_user: 16,
        seed: 2,
    };
    write_coat_fixture(dir.path(), &config).unwrap();
    let train_text = std::fs::read_to_string(dir.path().join(COAT_TRAIN)).unwrap();
    assert_eq!(train_text.lines().count(), 290);
    let row: Vec<&str> = train_text.lines().next().unwrap().split(' ').collect();
    assert_eq!(row.len(), 300);
    assert_eq!(row.iter().filter(|v| **v != "0").count(), 24);
    let user_features =
        std::fs::read_to_string(dir.path().join(COAT_FEATURES).join("user_features.ascii"))
            .unwrap();
    assert_eq!(user_features.lines().next().unwrap().split(' ').count(), 14);
    assert!(dir.path().join(COAT_TEST).is_file());
    let data = read_coat(dir.path(), &RatingOptions::default(), ROOMY, &mut QuietLoad).unwrap();
    assert_eq!((data.train.n, data.test.n), (290 * 24, 290 * 16));
    assert_eq!(data.train.numeric.len(), 14 + 33);
    let res = train(&data, 150);
    assert_beats_base_rate(&res);
}

#[test]
fn the_encoder_learns_nothing_from_the_test_log() {
    let dir = tempfile::tempdir().unwrap();
    let (files, mapping) = small_logs(dir.path());
    let data = read(&files, &mapping).unwrap();
    let mut flipped = data.clone();
    for y in &mut flipped.test.outcome {
        *y = 1.0 - *y;
    }
    for col in &mut flipped.test.numeric {
        for v in col.iter_mut() {
            *v += 1000.0;
        }
    }
    let rows: Vec<u32> = (0..4_000).collect();
    let a = LogsEncoder::fit(&data, &rows).unwrap();
    let b = LogsEncoder::fit(&flipped, &rows).unwrap();
    let enc_a = a.encode(&data, LogSet::Train, &rows);
    let enc_b = b.encode(&flipped, LogSet::Train, &rows);
    assert_eq!(enc_a.table.x, enc_b.table.x);
    assert_eq!(enc_a.table.c, enc_b.table.c);
    assert_eq!(a.base_rate(), b.base_rate());
    // The statistics come from the rows it is fitted on: other rows, other standardisation.
    let later: Vec<u32> = (1_000..5_000).collect();
    let c = LogsEncoder::fit(&data, &later).unwrap();
    assert_ne!(c.encode(&data, LogSet::Train, &rows).table.x, enc_a.table.x);
    // Widths: 1 number, 5 categorical columns of 64 buckets; the slot's 2 classes and "other".
    assert_eq!(a.n_features(), 1 + 5 * 64);
    assert_eq!(a.confounder_width(), 3);
    let c0: Vec<f32> = enc_a.table.c.chunks(3).map(|r| r.iter().sum()).collect();
    assert!(c0.iter().all(|&s| s == 1.0), "one class per row");
}

#[test]
fn one_file_with_a_split_column_and_tsv_work() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("all.tsv");
    let mut text = String::from("user\titem\tscore\tset\tslot\n");
    for r in 0..400 {
        let set = if r % 4 == 0 { "test" } else { "train" };
        let y = u8::from(r % 3 == 0);
        let _ = writeln!(text, "u{}\t{}\t{y}\t{set}\t{}", r % 20, r % 7, r % 2);
    }
    std::fs::write(&path, text).unwrap();
    let mapping = LogMapping {
        outcome: "score".into(),
        categorical: vec!["user".into(), "item".into()],
        confounders: vec!["slot".into()],
        user: Some("user".into()),
        split: Some(SplitColumn {
            column: "set".into(),
            test_value: "test".into(),
        }),
        ..LogMapping::default()
    };
    let files = LogFiles {
        train: path.clone(),
        test: None,
    };
    let data = read(&files, &mapping).unwrap();
    assert_eq!((data.train.n, data.test.n), (300, 100));
    assert_eq!(data.n_users, 20);
    let p = preview(&path, &mapping, 5).unwrap();
    assert_eq!(p.columns, ["user", "item", "score", "set", "slot"]);
    assert_eq!(p.rows.len(), 5);
    assert_eq!(p.delimiter, b'\t');
    let roles = guess_roles(&p);
    assert_eq!(roles[0], ColumnRole::User);
    assert_eq!(roles[1], ColumnRole::Item);
    assert_eq!(roles[4], ColumnRole::Numeric);
}

/// Writes `train.csv` and `test.csv` into `dir` and reads them with `mapping`.
fn read_texts(dir: &Path, train: &str, test: &str, mapping: &LogMapping) -> String {
    std::fs::write(dir.join("train.csv"), train).unwrap();
    std::fs::write(dir.join("test.csv"), test).unwrap();
    let files = LogFiles {
        train: dir.join("train.csv"),
        test: Some(dir.join("test.csv")),
    };
    read(&files, mapping).unwrap_err().to_string()
}

#[test]
fn bad_logs_fail_naming_the_file_the_line_and_the_column() {
    let dir = tempfile::tempdir().unwrap();
    let m = LogMapping {
        outcome: "y".into(),
        numeric: vec!["age".into()],
        categorical: vec!["item".into()],
        confounders: vec!["slot".into()],
        ..LogMapping::default()
    };
    let good = "y,age,item,slot\n1,30,a,top\n0,40,b,feed\n";
    let cases = [
        (
            "y,item,slot\n1,a,top\n",
            good,
            "train.csv has no column `age` (mapped as a numeric input); its columns are `y`, `item`, `slot`",
        ),
        (
            "y,age,item,slot\n1,30,a,top\n0,forty,b,feed\n",
            good,
            "train.csv, line 3, column `age`: `forty` is not a number",
        ),
        (
            good,
            "y,age,item,slot\n1,30,a,top\n2,30,a,top\n",
            "test.csv, line 3, column `y`: the outcome is 2, but a binary outcome is 0 or 1",
        ),
        (
            "y,age,item,slot\n1,30,a,top\n1,40,b,feed\n",
            good,
            "the outcome `y` has one class in the training set: all 2 rows are 1",
        ),
        (good, "y,age,item,slot\n", "the test set is empty"),
        (
            good,
            "y,age,item,slot\n1,30,a\n",
            "test.csv, line 2: 3 fields, but the header has 4",
        ),
        (
            "y,age,item,slot\n,30,a,top\n",
            good,
            "train.csv, line 2, column `y`: the outcome is empty",
        ),
    ];
    for (train, test, want) in cases {
        let e = read_texts(dir.path(), train, test, &m);
        assert!(e.contains(want), "wanted `{want}` in `{e}`");
    }
    // A missing file names the path.
    let files = LogFiles {
        train: dir.path().join("nope.csv"),
        test: Some(dir.path().join("test.csv")),
    };
    let e = read(&files, &m).unwrap_err().to_string();
    assert!(e.contains("nope.csv"), "{e}");
}

#[test]
fn a_source_over_the_memory_limit_is_refused_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let (files, mapping) = small_logs(dir.path());
    let tight = ReadLimits { max_bytes: 200_000 };
    let e = read_logs(&files, &mapping, tight, &mut QuietLoad)
        .unwrap_err()
        .to_string();
    assert!(e.contains("stopped reading train.csv at line"), "{e}");
    assert!(e.contains("the limit is 0.2 MB"), "{e}");
    let e = read_yahoo_r3(dir.path(), &RatingOptions::default(), ROOMY, &mut QuietLoad)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("holds no ydata-ymusic-rating-study-v1_0-train.txt"),
        "{e}"
    );
    let e = read_coat(dir.path(), &RatingOptions::default(), ROOMY, &mut QuietLoad)
        .unwrap_err()
        .to_string();
    assert!(e.contains("holds no train.ascii and test.ascii"), "{e}");
}

#[test]
fn malformed_rating_files_name_the_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(YAHOO_TRAIN), "1\t2\t5\n1\t3\n").unwrap();
    std::fs::write(dir.path().join(YAHOO_TEST), "1\t2\t5\n").unwrap();
    let e = read_yahoo_r3(dir.path(), &RatingOptions::default(), ROOMY, &mut QuietLoad)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains(
            "ydata-ymusic-rating-study-v1_0-train.txt, line 2: expected a user, a song and a rating"
        ),
        "{e}"
    );
    let coat = tempfile::tempdir().unwrap();
    std::fs::write(coat.path().join(COAT_TRAIN), "0 5 1\n4 0 0\n").unwrap();
    std::fs::write(coat.path().join(COAT_TEST), "0 5\n4 0\n").unwrap();
    let e = read_coat(
        coat.path(),
        &RatingOptions::default(),
        ROOMY,
        &mut QuietLoad,
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("test.ascii is 2 × 2, but train.ascii is 2 × 3"),
        "{e}"
    );
    std::fs::write(coat.path().join(COAT_TEST), "0 5 x\n4 0 0\n").unwrap();
    let e = read_coat(
        coat.path(),
        &RatingOptions::default(),
        ROOMY,
        &mut QuietLoad,
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("test.ascii, line 1, column 3: `x` is not a number"),
        "{e}"
    );
}

const SHORT: [&str; 10] = [
    "--steps",
    "60",
    "--seeds",
    "1",
    "--device",
    "cpu",
    "--batch",
    "256",
    "--threads",
    "1",
];

/// The command succeeded, printed the table with both models on both sets, and wrote its files.
fn assert_ran(o: &std::process::Output, out: &Path, rows_file: &str) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    let table = String::from_utf8_lossy(&o.stdout);
    for needle in [
        "AUC",
        "log-loss",
        "GAUC",
        "NDCG@10",
        "baseline",
        "crl",
        "base rate",
    ] {
        assert!(table.contains(needle), "`{needle}` not in\n{table}");
    }
    for f in [
        rows_file,
        "summary.csv",
        "references.csv",
        "metrics.csv",
        "config.json",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let config = std::fs::read_to_string(out.join("config.json")).unwrap();
    assert!(config.contains("\"model_selection\": \"the report with the lowest validation loss\""));
}

#[test]
fn the_cli_trains_on_each_fixture() {
    let dir = tempfile::tempdir().unwrap();
    let d = |p: &str| dir.path().join(p).display().to_string();
    let o = crl(&[
        "logs-fixture",
        "--out",
        &d("mine"),
        "--train-rows",
        "3000",
        "--test-rows",
        "800",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (train, test, map) = (
        d("mine/train.csv"),
        d("mine/test.csv"),
        d("mine/mapping.json"),
    );
    let mut args = vec![
        "logs", "--train", &train, "--test", &test, "--map", &map, "--out",
    ];
    let out1 = d("run1");
    args.push(&out1);
    args.extend(SHORT);
    assert_ran(&crl(&args), &dir.path().join("run1"), "logs.csv");
    // The same data mapped by flags alone, the mapping saved beside it.
    let out2 = d("run2");
    let saved = d("mine/saved.json");
    let mut args = vec![
        "logs",
        "--train",
        &train,
        "--test",
        &test,
        "--outcome",
        "click",
        "--numeric",
        "user_age",
        "--categorical",
        "user_id,item_id,item_genre,badge",
        "--confounder",
        "slot",
        "--user",
        "user_id",
        "--save-map",
        &saved,
        "--out",
        &out2,
    ];
    args.extend(SHORT);
    assert_ran(&crl(&args), &dir.path().join("run2"), "logs.csv");
    let m = LogMapping::load(Path::new(&saved)).unwrap();
    assert_eq!(m.categorical.len(), 4);
    assert_eq!(m.confounders, ["slot"]);

    for (name, fixture, rows) in [
        ("yahoo-r3", "yahoo-r3-fixture", "yahoo-r3.csv"),
        ("coat", "coat-fixture", "coat.csv"),
    ] {
        let data = d(name);
        let o = crl(&[fixture, "--out", &data, "--users", "200"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let out = d(&format!("{name}-run"));
        let mut args = vec![name, "--dir", &data, "--out", &out];
        args.extend(SHORT);
        assert_ran(&crl(&args), Path::new(&out), rows);
    }
}

#[test]
fn cli_errors_are_one_line_naming_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let d = |p: &str| dir.path().join(p).display().to_string();
    std::fs::write(dir.path().join("t.csv"), "y,a,c\n1,2,x\n0,3,y\n").unwrap();
    let cases: [(Vec<String>, &str); 4] = [
        (
            vec![
                "logs".into(),
                "--train".into(),
                d("t.csv"),
                "--outcome".into(),
                "y".into(),
                "--numeric".into(),
                "a".into(),
                "--confounder".into(),
                "c".into(),
                "--out".into(),
                d("o"),
            ],
            "give a test log (--test FILE), or --split-column",
        ),
        (
            vec![
                "logs".into(),
                "--train".into(),
                d("t.csv"),
                "--test".into(),
                d("t.csv"),
                "--outcome".into(),
                "y".into(),
                "--numeric".into(),
                "b".into(),
                "--confounder".into(),
                "c".into(),
                "--out".into(),
                d("o"),
            ],
            "t.csv has no column `b` (mapped as a numeric input)",
        ),
        (
            vec![
                "logs".into(),
                "--train".into(),
                d("t.csv"),
                "--test".into(),
                d("t.csv"),
                "--map".into(),
                d("missing.json"),
                "--out".into(),
                d("o"),
            ],
            "missing.json",
        ),
        (
            vec![
                "yahoo-r3".into(),
                "--dir".into(),
                d(""),
                "--out".into(),
                d("o"),
            ],
            "holds no ydata-ymusic-rating-study-v1_0-train.txt",
        ),
    ];
    for (args, needle) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = crl(&args);
        assert!(!o.status.success());
        let err = String::from_utf8_lossy(&o.stderr);
        let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(lines.len(), 1, "one line expected: {err}");
        assert!(lines[0].contains(needle), "`{needle}` not in {err}");
    }
}
