//! KuaiRand on the generated fixture: the layout, loading, the split, the encoding, a short
//! training run on the CPU, ranking metrics checked by hand, the error paths and the cache.

// Test code: a failed unwrap is a failed test, and printing is a test's report.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

mod common;

use common::crl;

use std::path::{Path, PathBuf};

use crl_lab::data::kuairand::{
    CACHE_FILE_NAME, CachePolicy, ConfounderProxy, EncodeOptions, Encoder, FixtureConfig,
    KuaiRandData, LOG_COLUMNS, LoadEvent, LogKind, Outcome, SHORTCUT_UPLOAD_TYPE, TAB_CLASSES,
    USER_COLUMNS, VIDEO_BASIC_COLUMNS, VIDEO_STATISTIC_COLUMNS, Variant, load_kuairand,
    split_by_date, write_fixture,
};
use crl_lab::data::logs::{sample_rows, split_standard};
use crl_lab::experiment::{
    BASE_RATE, EvalSet, KuaiRandResult, KuaiRandSettings, LogsTraining, PAST_POPULARITY,
    kuairand_experiment,
};
use crl_lab::train::{
    DeviceChoice, RunControl, Silent, TrainConfig, gauc, ndcg_at_k, select_device,
};

fn small() -> FixtureConfig {
    FixtureConfig {
        users: 120,
        videos: 80,
        standard_rows: 4_000,
        random_rows: 1_500,
        seed: 7,
    }
}

/// One seed of baseline and CRL on `data`, on the CPU, with nobody watching.
fn one_seed(
    data: &KuaiRandData,
    settings: &KuaiRandSettings,
    train: &TrainConfig,
) -> crl_lab::Result<KuaiRandResult> {
    let training = LogsTraining {
        config: train,
        n_seeds: 1,
        device: &select_device(DeviceChoice::Cpu).unwrap(),
        control: &RunControl::default(),
    };
    kuairand_experiment(data, settings, &training, &mut Silent)
}

/// Writes `config`'s fixture into a fresh temporary folder.
fn fixture(config: &FixtureConfig) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path(), config).unwrap();
    dir
}

fn data_dir(root: &Path) -> PathBuf {
    root.join("data")
}

/// Loads `dir`, recording every event.
fn load_recording(
    dir: &Path,
    cache: CachePolicy,
) -> (crl_lab::Result<KuaiRandData>, Vec<LoadEvent>) {
    let mut events = Vec::new();
    let mut record = |e: &LoadEvent| events.push(e.clone());
    let data = load_kuairand(dir, cache, &mut record);
    (data, events)
}

fn load(dir: &Path, cache: CachePolicy) -> KuaiRandData {
    load_recording(dir, cache).0.unwrap()
}

/// Equality that treats NaN as equal to NaN (missing values are NaN).
fn same(a: &KuaiRandData, b: &KuaiRandData) -> bool {
    format!("{a:?}") == format!("{b:?}")
}

fn first_line(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_owned()
}

#[test]
fn the_fixture_has_kuairands_layout_and_columns_and_is_deterministic() {
    let dir = fixture(&small());
    let names = Variant::Pure.file_names();
    for name in &names {
        assert!(data_dir(dir.path()).join(name).is_file(), "{name}");
    }
    let d = data_dir(dir.path());
    for (file, columns) in [
        (&names[0], &LOG_COLUMNS[..]),
        (&names[1], &LOG_COLUMNS[..]),
        (&names[2], &LOG_COLUMNS[..]),
        (&names[3], &USER_COLUMNS[..]),
        (&names[4], &VIDEO_BASIC_COLUMNS[..]),
        (&names[5], &VIDEO_STATISTIC_COLUMNS[..]),
    ] {
        assert_eq!(first_line(&d.join(file)), columns.join(","), "{file}");
    }
    // A list of tags is quoted, as in KuaiRand.
    let basic = std::fs::read_to_string(d.join(&names[4])).unwrap();
    assert!(basic.lines().any(|l| l.ends_with('"') && l.contains(",\"")));
    // The same seed gives the same bytes; another seed other bytes.
    let again = fixture(&small());
    let other = fixture(&FixtureConfig { seed: 8, ..small() });
    let read = |root: &Path, name: &str| std::fs::read(data_dir(root).join(name)).unwrap();
    for name in &names {
        assert_eq!(read(dir.path(), name), read(again.path(), name), "{name}");
    }
    assert_ne!(read(dir.path(), &names[0]), read(other.path(), &names[0]));
}

#[test]
// KuaiRand dates are yyyymmdd numbers; grouping their digits in threes would hide the date.
#[allow(clippy::unreadable_literal)]
fn loading_the_fixture_joins_logs_with_users_and_videos() {
    let config = small();
    let dir = fixture(&config);
    // The archive's folder and its data folder both work.
    let (data, events) = load_recording(dir.path(), CachePolicy::Off);
    let data = data.unwrap();
    assert!(same(&data, &load(&data_dir(dir.path()), CachePolicy::Off)));
    assert_eq!(data.variant, Variant::Pure);
    assert_eq!(data.standard.len(), config.standard_rows);
    assert_eq!(data.random.len(), config.random_rows);
    assert_eq!(data.users.len(), config.users);
    assert!(data.videos.len() <= config.videos && data.videos.len() > config.videos / 2);
    assert_eq!(data.users_without_features, 0);
    assert_eq!(data.videos_without_basic, 0);
    assert_eq!(data.videos_without_statistic, 0);
    // Every file was announced and finished.
    for name in Variant::Pure.file_names() {
        let seen: Vec<(u64, u64)> = events
            .iter()
            .filter_map(|e| match e {
                LoadEvent::Reading {
                    file,
                    bytes_done,
                    bytes_total,
                } if *file == name => Some((*bytes_done, *bytes_total)),
                _ => None,
            })
            .collect();
        assert_eq!(seen.first().map(|s| s.0), Some(0), "{name}");
        let (done, total) = *seen.last().unwrap();
        assert!(total > 0 && done == total, "{name}");
    }
    // The first row of the first log, read by hand, against the loaded one.
    let path = data_dir(dir.path()).join(&Variant::Pure.file_names()[0]);
    let text = std::fs::read_to_string(path).unwrap();
    let row: Vec<&str> = text.lines().nth(1).unwrap().split(',').collect();
    let col = |name: &str| row[LOG_COLUMNS.iter().position(|c| *c == name).unwrap()];
    let log = &data.standard;
    assert_eq!(
        data.users.ids[log.user[0] as usize].to_string(),
        col("user_id")
    );
    assert_eq!(
        data.videos.ids[log.video[0] as usize].to_string(),
        col("video_id")
    );
    assert_eq!(log.date[0].to_string(), col("date"));
    assert_eq!((u32::from(log.hour[0]) * 100).to_string(), col("hourmin"));
    assert_eq!(log.tab[0].to_string(), col("tab"));
    assert_eq!(log.is_click[0].to_string(), col("is_click"));
    assert_eq!(log.long_view[0].to_string(), col("long_view"));
    // Side features joined: the video's upload type and the user's activity are there.
    let upload = data
        .videos
        .categorical_names
        .iter()
        .position(|c| c == "upload_type")
        .unwrap();
    assert!(data.videos.category(log.video[0], upload).is_some());
    assert!(!data.users.number(log.user[0], 0).is_nan());
    // Dates: the first log covers 4/08–4/21, the random one 4/22–5/08.
    assert!(
        log.date[..3000]
            .iter()
            .all(|&d| (20220408..=20220421).contains(&d))
    );
    assert!(
        data.random
            .date
            .iter()
            .all(|&d| (20220422..=20220508).contains(&d))
    );
}

/// Click rates of rows whose video has the shortcut upload type, and of the others; and the
/// share of tab 1 among the shortcut rows.
fn shortcut_rates(data: &KuaiRandData, kind: LogKind) -> (f64, f64, f64) {
    let log = data.log(kind);
    let upload = data
        .videos
        .categorical_names
        .iter()
        .position(|c| c == "upload_type")
        .unwrap();
    let (mut s, mut sc, mut s1, mut o, mut oc) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for r in 0..log.len() {
        let click = f64::from(log.is_click[r]);
        if data.videos.category(log.video[r], upload) == Some(SHORTCUT_UPLOAD_TYPE) {
            s += 1.0;
            sc += click;
            s1 += f64::from(u8::from(log.tab[r] == 1));
        } else {
            o += 1.0;
            oc += click;
        }
    }
    (sc / s, oc / o, s1 / s)
}

#[test]
fn the_fixture_is_confounded_by_tab_in_the_standard_logs_only() {
    let dir = fixture(&FixtureConfig::default());
    let data = load(dir.path(), CachePolicy::Off);
    let (short_std, other_std, tab1_std) = shortcut_rates(&data, LogKind::Standard);
    let (short_rnd, other_rnd, tab1_rnd) = shortcut_rates(&data, LogKind::Random);
    eprintln!(
        "standard: {short_std:.3} vs {other_std:.3} (tab 1 {tab1_std:.2}); random: {short_rnd:.3} vs {other_rnd:.3} (tab 1 {tab1_rnd:.2})"
    );
    // Under the logging policy the shortcut videos sit in tab 1 and are clicked far more often.
    assert!(tab1_std > 0.75, "{tab1_std}");
    assert!(short_std - other_std > 0.1, "{short_std} vs {other_std}");
    // Under random exposure the shortcut carries (almost) nothing.
    assert!(tab1_rnd < 0.3, "{tab1_rnd}");
    assert!(
        (short_rnd - other_rnd).abs() < 0.05,
        "{short_rnd} vs {other_rnd}"
    );
}

#[test]
fn the_split_is_deterministic_disjoint_and_near_its_fraction() {
    let s = split_standard(10_000, 0.1, 3).unwrap();
    assert_eq!(s, split_standard(10_000, 0.1, 3).unwrap());
    assert_ne!(s, split_standard(10_000, 0.1, 4).unwrap());
    assert_eq!(s.train.len() + s.held_out.len(), 10_000);
    assert!(
        (900..=1100).contains(&s.held_out.len()),
        "{}",
        s.held_out.len()
    );
    let mut all: Vec<u32> = s.train.iter().chain(&s.held_out).copied().collect();
    all.sort_unstable();
    assert_eq!(all, (0..10_000).collect::<Vec<u32>>());
    assert!(s.train.windows(2).all(|w| w[0] < w[1]));
    // A row's fate does not depend on how many rows follow it.
    let shorter = split_standard(5_000, 0.1, 3).unwrap();
    assert_eq!(
        shorter.held_out,
        s.held_out
            .iter()
            .copied()
            .filter(|&r| r < 5_000)
            .collect::<Vec<_>>()
    );
    for bad in [0.0, 1.0, -0.1, f64::NAN] {
        let e = split_standard(100, bad, 0).unwrap_err().to_string();
        assert!(e.contains("held-out fraction"), "{e}");
    }
    assert!(split_standard(1, 0.5, 0).is_err());
    // Row samples: sorted, distinct, from the rows, reproducible; everything when k is 0.
    let picked = sample_rows(&s.train, 500, 1, "test");
    assert_eq!(picked.len(), 500);
    assert!(picked.windows(2).all(|w| w[0] < w[1]));
    assert!(picked.iter().all(|r| s.train.binary_search(r).is_ok()));
    assert_eq!(picked, sample_rows(&s.train, 500, 1, "test"));
    assert_ne!(picked, sample_rows(&s.train, 500, 2, "test"));
    assert_eq!(sample_rows(&s.train, 0, 1, "test"), s.train);
}

#[test]
fn the_encoding_standardises_on_training_rows_and_one_hots_categories() {
    let dir = fixture(&small());
    let data = load(dir.path(), CachePolicy::Off);
    let window = data.random.date.iter().copied().min().unwrap();
    let split = split_by_date(&data.standard.date, window, 0.2, 0).unwrap();
    let options = EncodeOptions::default();
    let enc = Encoder::fit(&data, &split.train, &split.past, &options).unwrap();
    let rows = enc.encode(&data, LogKind::Standard, &split.train);
    let t = &rows.table;
    let (n, dx) = (t.n, enc.n_features());
    assert_eq!(n, split.train.len());
    assert_eq!(t.x.len(), n * dx);
    assert_eq!(enc.feature_names().len(), dx);
    // Numbers: mean 0 and sd 1 over the training rows.
    for j in 0..enc.n_numeric() {
        let col: Vec<f64> = (0..n).map(|i| f64::from(t.x[i * dx + j])).collect();
        let mean = col.iter().sum::<f64>() / n as f64;
        let sd = (col.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n as f64).sqrt();
        assert!(mean.abs() < 1e-3, "{}: mean {mean}", enc.feature_names()[j]);
        assert!(
            (sd - 1.0).abs() < 1e-3,
            "{}: sd {sd}",
            enc.feature_names()[j]
        );
    }
    // Categories: each block `field#bucket` has exactly one 1 per row (no value is missing in
    // the fixture's kept columns, except music_type, which is sometimes empty).
    let names = enc.feature_names();
    let mut blocks: Vec<(String, Vec<usize>)> = Vec::new();
    for (j, name) in names.iter().enumerate().skip(enc.n_numeric()) {
        let field = name.split('#').next().unwrap().to_owned();
        match blocks.last_mut() {
            Some((f, cols)) if *f == field => cols.push(j),
            _ => blocks.push((field, vec![j])),
        }
    }
    assert_eq!(blocks[0].0, "user_id");
    assert_eq!(blocks[0].1.len(), options.id_buckets);
    assert_eq!(blocks.last().unwrap().0, "hour");
    for (field, cols) in &blocks {
        for i in 0..n {
            let ones: f32 = cols.iter().map(|&j| t.x[i * dx + j]).sum();
            let ok = if field == "music_type" {
                ones == 0.0 || ones == 1.0
            } else {
                ones == 1.0
            };
            assert!(ok, "{field}: row {i} has {ones}");
        }
    }
    // user_id lands in bucket id mod 16.
    let r0 = split.train[0] as usize;
    let user_id = data.users.ids[data.standard.user[r0] as usize];
    let slot = blocks[0].1[(user_id % 16) as usize];
    assert_eq!(t.x[slot], 1.0);
    // y is the chosen outcome; c the tab, one-hot.
    assert_eq!(enc.confounder_width(), TAB_CLASSES);
    for (i, &r) in split.train.iter().enumerate() {
        assert_eq!(t.y[i], f32::from(data.standard.is_click[r as usize]));
        let c = &t.c[i * TAB_CLASSES..(i + 1) * TAB_CLASSES];
        assert_eq!(c.iter().sum::<f32>(), 1.0);
        assert_eq!(c[usize::from(data.standard.tab[r as usize])], 1.0);
        assert_eq!(rows.users[i], data.standard.user[r as usize]);
    }
    // Held-out and random rows are encoded with the training statistics.
    let held = enc.encode(&data, LogKind::Random, &[0, 1, 2]);
    assert_eq!(held.table.n, 3);
    assert!(held.table.x.iter().all(|v| v.is_finite()));

    // long_view and the popularity confounder.
    let lv = Encoder::fit(
        &data,
        &split.train,
        &split.past,
        &EncodeOptions {
            outcome: Outcome::LongView,
            confounder: ConfounderProxy::Popularity,
            ..EncodeOptions::default()
        },
    )
    .unwrap();
    assert_eq!(lv.confounder_width(), 5);
    let t = lv.encode(&data, LogKind::Standard, &split.train).table;
    let mut per_class = [0usize; 5];
    for (i, &r) in split.train.iter().enumerate() {
        assert_eq!(t.y[i], f32::from(data.standard.long_view[r as usize]));
        let c = &t.c[i * 5..(i + 1) * 5];
        assert_eq!(c.iter().sum::<f32>(), 1.0);
        per_class[c.iter().position(|&v| v == 1.0).unwrap()] += 1;
    }
    // Quantile classes: popular videos in the top class, none holding most rows.
    assert!(per_class.iter().all(|&k| k < t.n * 6 / 10), "{per_class:?}");
    assert!(lv.popularity_edges().windows(2).all(|w| w[0] <= w[1]));
    // Settings that cannot encode are refused by name.
    let e = Encoder::fit(
        &data,
        &split.train,
        &split.past,
        &EncodeOptions {
            id_buckets: 0,
            ..EncodeOptions::default()
        },
    )
    .unwrap_err();
    assert!(e.to_string().contains("id_buckets"), "{e}");
    let e = Encoder::fit(&data, &split.train, &[], &options).unwrap_err();
    assert!(
        e.to_string().contains("before the evaluation window"),
        "{e}"
    );
    assert!("clicks".parse::<Outcome>().is_err());
    assert_eq!("long_view".parse::<Outcome>().unwrap(), Outcome::LongView);
    assert_eq!(
        "popularity".parse::<ConfounderProxy>().unwrap(),
        ConfounderProxy::Popularity
    );
}

fn tiny_config(steps: usize) -> TrainConfig {
    TrainConfig {
        steps,
        n_train: 3_000,
        n_val: 300,
        report_every: 20,
        hidden: vec![32],
        z_dim: 8,
        critic_hidden: 16,
        batch_size: 128,
        penalty_batch: 64,
        lr: 3e-3,
        beta_warmup_steps: 20,
        ..TrainConfig::default()
    }
}

#[test]
// KuaiRand dates are yyyymmdd numbers; grouping their digits in threes would hide the date.
#[allow(clippy::unreadable_literal)]
fn a_short_run_trains_both_models_and_reports_every_metric() {
    // Four fifths of the standard rows are the past (4/08–4/21), so the models' window needs
    // more rows than `small` has.
    let config = FixtureConfig {
        standard_rows: 15_000,
        ..small()
    };
    let dir = fixture(&config);
    let data = load(dir.path(), CachePolicy::Off);
    let settings = KuaiRandSettings::default();
    let train = tiny_config(200);
    let run = || one_seed(&data, &settings, &train).unwrap();
    let res = run();
    assert_eq!(res.trained.steps_done, 200);
    // Every 20 steps, and an early report at step 10.
    assert_eq!(res.trained.history.len(), 11);
    assert_eq!(res.trained.history[0].step, 10);
    assert_eq!(res.rows.len(), 4);
    assert_eq!(res.summary.len(), 4);
    let c = &res.counts;
    // The early standard log is the past; the models train and are held out on the rest.
    assert!(c.past > 0);
    assert_eq!(c.window_start, 20220422);
    // Held-out rows are either validation rows (at most half) or scored in distribution.
    assert_eq!(
        c.past + c.train_split + c.held_out + c.validation_used,
        config.standard_rows
    );
    assert_eq!(c.train_used, 3_000.min(c.train_split));
    assert_eq!(
        c.validation_used,
        300.min(usize::midpoint(c.held_out, c.validation_used))
    );
    assert_eq!(c.random, config.random_rows);
    for r in &res.rows {
        let m = &r.metrics;
        eprintln!("{} {:?}: {m:?}", r.model, r.set);
        for v in [m.auc, m.gauc, m.ndcg10] {
            assert!((0.0..=1.0).contains(&v), "{r:?}");
        }
        assert!(m.logloss.is_finite() && m.logloss > 0.0, "{r:?}");
        let expected = match r.set {
            EvalSet::InDistribution => c.held_out,
            EvalSet::RandomExposure => c.random,
        };
        assert_eq!(r.n_rows, expected);
    }
    // Both models rank clicks better than chance in distribution. (Without the statistics file,
    // which leaks the test period and is no longer an input by default, the videos' quality
    // reaches the models only through their ids, so 200 steps on this small fixture get less
    // far than they did.)
    for r in res.rows.iter().filter(|r| r.set == EvalSet::InDistribution) {
        let floor = if r.model.is_baseline() { 0.6 } else { 0.55 };
        assert!(r.metrics.auc > floor, "{r:?}");
    }
    // The references a reader compares with: the base rate ranks nothing (AUC 0.5) and its
    // log-loss is the cross-entropy of the rate; the video's past rate ranks clicks.
    assert_eq!(res.references.len(), 4);
    for r in &res.references {
        let m = &r.metrics;
        assert!(m.logloss.is_finite() && m.logloss > 0.0, "{r:?}");
        if r.name == BASE_RATE {
            assert!((m.auc - 0.5).abs() < 1e-9, "{r:?}");
        } else {
            assert_eq!(r.name, PAST_POPULARITY);
            assert!(m.auc > 0.5, "{r:?}");
        }
    }
    // A warning names every model whose mean log-loss is worse than the base rate's.
    let warned = res.warnings();
    for s in &res.summary {
        let base = res
            .references
            .iter()
            .find(|r| r.name == BASE_RATE && r.set == s.set)
            .unwrap();
        let worse = s.mean.logloss > base.metrics.logloss;
        let named = warned
            .iter()
            .any(|w| w.contains(&format!("the {} model's {}", s.model, s.set.name())));
        assert_eq!(worse, named, "{s:?} {warned:?}");
    }
    // The same seed gives the same numbers.
    let again = run();
    assert_eq!(res.rows, again.rows);
    // Selected at their best validation step, as the CLI and the app select them, no model is
    // worse than the base rate on either set.
    let best = TrainConfig {
        keep_best_val: true,
        ..train.clone()
    };
    let selected = one_seed(&data, &settings, &best).unwrap();
    assert!(selected.warnings().is_empty(), "{:?}", selected.warnings());
    // With epochs, the steps follow from the training rows and the batch.
    let mut by_epochs = settings.clone();
    by_epochs.epochs = Some(2.0);
    let res = one_seed(&data, &by_epochs, &train).unwrap();
    let want = (2 * res.counts.train_used).div_ceil(train.batch_size);
    assert_eq!(res.trained.steps_done, want);
    assert_eq!(res.config.steps, want);
    by_epochs.epochs = Some(0.0);
    let e = one_seed(&data, &by_epochs, &train).unwrap_err();
    assert!(e.to_string().contains("epochs"), "{e}");
}

#[test]
fn gauc_and_ndcg_by_hand() {
    // Rows of three users, interleaved. User 3 has no positive: both metrics skip it.
    //   user 1: scores 0.9 (0), 0.3 (1), 0.5 (1): AUC 0 (both positives below the negative);
    //           ranked 0.9, 0.5, 0.3 -> DCG 1/log2(3) + 1/log2(4), ideal 1 + 1/log2(3).
    //   user 2: scores 0.9 (1), 0.8 (0), 0.8 (1), 0.1 (0): pairs 1 + 1 + 0.5 (tie) + 1 -> 0.875;
    //           ranked 0.9, 0.8 (the negative, first in the input), 0.8, 0.1 -> DCG 1 + 1/2.
    let users = [1, 2, 3, 1, 2, 2, 1, 3, 2];
    let scores = [0.9, 0.9, 0.4, 0.3, 0.8, 0.8, 0.5, 0.6, 0.1];
    let labels = [0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 0.0];
    let g = gauc(&users, &scores, &labels).unwrap();
    assert!((g - (3.0 * 0.0 + 4.0 * 0.875) / 7.0).abs() < 1e-12, "{g}");
    let ideal = 1.0 + 1.0 / 3f64.log2();
    let user1 = (1.0 / 3f64.log2() + 0.5) / ideal;
    let user2 = 1.5 / ideal;
    let n = ndcg_at_k(&users, &scores, &labels, 10).unwrap();
    assert!((n - f64::midpoint(user1, user2)).abs() < 1e-12, "{n}");
    // At k = 1 only the top row counts: user 1's is a negative, user 2's a positive.
    assert_eq!(ndcg_at_k(&users, &scores, &labels, 1).unwrap(), 0.5);
    // A perfect ranking scores 1; no positives or no negatives anywhere give NaN.
    assert_eq!(
        ndcg_at_k(&[0, 0], &[2.0, 1.0], &[1.0, 0.0], 10).unwrap(),
        1.0
    );
    assert_eq!(gauc(&[0, 0], &[2.0, 1.0], &[1.0, 0.0]).unwrap(), 1.0);
    assert!(
        ndcg_at_k(&[0, 1], &[2.0, 1.0], &[0.0, 0.0], 10)
            .unwrap()
            .is_nan()
    );
    assert!(ndcg_at_k(&users, &scores, &labels, 0).unwrap().is_nan());
    // Entries beyond the shortest slice are ignored.
    assert_eq!(
        gauc(&[0, 0, 0], &[2.0, 1.0], &[1.0, 0.0, 1.0]).unwrap(),
        1.0
    );
    assert!(gauc(&[0, 1], &[2.0, 1.0], &[1.0, 0.0]).unwrap().is_nan());
}

fn error_of(dir: &Path) -> String {
    load_kuairand(dir, CachePolicy::Off, &mut |_: &LoadEvent| {})
        .unwrap_err()
        .to_string()
}

#[test]
fn a_folder_that_is_not_kuairand_is_refused_with_the_missing_file() {
    let empty = tempfile::tempdir().unwrap();
    let e = error_of(empty.path());
    assert!(e.contains("not a KuaiRand folder"), "{e}");
    assert!(e.contains("log_standard_4_08_to_4_21_pure.csv"), "{e}");
    let e = error_of(&empty.path().join("nowhere"));
    assert!(e.contains("nowhere"), "{e}");

    let dir = fixture(&small());
    std::fs::remove_file(data_dir(dir.path()).join("user_features_pure.csv")).unwrap();
    let e = error_of(dir.path());
    assert!(
        e.contains("user_features_pure.csv") && e.contains("missing"),
        "{e}"
    );
}

#[test]
fn a_folder_with_kuairand_1k_names_is_read_as_1k() {
    let dir = fixture(&small());
    let d = data_dir(dir.path());
    for (pure, one_k) in Variant::Pure
        .file_names()
        .iter()
        .zip(Variant::OneK.file_names())
    {
        std::fs::rename(d.join(pure), d.join(one_k)).unwrap();
    }
    let data = load(&d, CachePolicy::Off);
    assert_eq!(data.variant, Variant::OneK);
    assert_eq!(data.standard.len(), small().standard_rows);
}

/// Rewrites `file` of the fixture in `root` through `edit`.
fn edit(root: &Path, file: &str, edit: impl FnOnce(String) -> String) {
    let path = data_dir(root).join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, edit(text)).unwrap();
}

#[test]
fn a_missing_column_is_named_with_its_file() {
    let dir = fixture(&small());
    edit(dir.path(), "log_random_4_22_to_5_08_pure.csv", |t| {
        t.replacen(",tab\n", ",scenario\n", 1)
    });
    let e = error_of(dir.path());
    assert!(e.contains("log_random_4_22_to_5_08_pure.csv"), "{e}");
    assert!(e.contains("missing column `tab`"), "{e}");

    let dir = fixture(&small());
    edit(dir.path(), "video_features_statistic_pure.csv", |t| {
        t.replacen("like_cnt", "likes", 1)
    });
    let e = error_of(dir.path());
    assert!(e.contains("video_features_statistic_pure.csv"), "{e}");
    assert!(e.contains("`like_cnt`"), "{e}");
}

#[test]
fn a_malformed_value_is_named_with_file_row_and_column() {
    let dir = fixture(&small());
    let click = LOG_COLUMNS.iter().position(|c| *c == "is_click").unwrap();
    edit(dir.path(), "log_standard_4_22_to_5_08_pure.csv", |t| {
        let mut lines: Vec<String> = t.lines().map(str::to_owned).collect();
        let mut fields: Vec<String> = lines[5].split(',').map(str::to_owned).collect();
        fields[click] = "yes".into();
        lines[5] = fields.join(",");
        lines.join("\n") + "\n"
    });
    let e = error_of(dir.path());
    assert!(e.contains("log_standard_4_22_to_5_08_pure.csv"), "{e}");
    assert!(e.contains("data row 5 (line 6)"), "{e}");
    assert!(e.contains("column `is_click`"), "{e}");
    assert!(e.contains("`yes` is not 0 or 1"), "{e}");

    let dir = fixture(&small());
    edit(dir.path(), "user_features_pure.csv", |t| {
        let mut lines: Vec<String> = t.lines().map(str::to_owned).collect();
        let mut fields: Vec<String> = lines[2].split(',').map(str::to_owned).collect();
        fields[5] = "many".into(); // follow_user_num
        lines[2] = fields.join(",");
        lines.join("\n") + "\n"
    });
    let e = error_of(dir.path());
    assert!(
        e.contains("user_features_pure.csv")
            && e.contains("data row 2")
            && e.contains("follow_user_num"),
        "{e}"
    );
    // A row with a field too few is refused with its row too.
    let dir = fixture(&small());
    edit(dir.path(), "log_random_4_22_to_5_08_pure.csv", |t| {
        let mut lines: Vec<String> = t.lines().map(str::to_owned).collect();
        let cut = lines[3].rfind(',').unwrap();
        lines[3].truncate(cut);
        lines.join("\n") + "\n"
    });
    let e = error_of(dir.path());
    assert!(
        e.contains("log_random_4_22_to_5_08_pure.csv") && e.contains("data row 3"),
        "{e}"
    );
}

fn cache_events(events: &[LoadEvent]) -> Vec<&'static str> {
    events
        .iter()
        .filter_map(|e| match e {
            LoadEvent::Reading { .. } => None,
            LoadEvent::CacheUsed { .. } => Some("used"),
            LoadEvent::CacheRejected { .. } => Some("rejected"),
            LoadEvent::CacheWritten { .. } => Some("written"),
            LoadEvent::CacheNotWritten { .. } => Some("not written"),
        })
        .collect()
}

fn rejection(events: &[LoadEvent]) -> String {
    events
        .iter()
        .find_map(|e| match e {
            LoadEvent::CacheRejected { reason, .. } => Some(reason.clone()),
            _ => None,
        })
        .unwrap_or_default()
}

#[test]
fn a_second_load_reuses_the_cache() {
    let dir = fixture(&small());
    let cache = data_dir(dir.path()).join(CACHE_FILE_NAME);
    let (first, events) = load_recording(dir.path(), CachePolicy::Use);
    let first = first.unwrap();
    assert_eq!(cache_events(&events), ["written"]);
    assert!(cache.is_file());
    let (second, events) = load_recording(dir.path(), CachePolicy::Use);
    assert_eq!(cache_events(&events), ["used"]);
    // No CSV was read the second time.
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, LoadEvent::Reading { .. }))
    );
    assert!(same(&first, &second.unwrap()));
    // `off` neither reads nor writes it; `rebuild` rewrites it.
    std::fs::remove_file(&cache).unwrap();
    let (_, events) = load_recording(dir.path(), CachePolicy::Off);
    assert!(cache_events(&events).is_empty());
    assert!(!cache.exists());
    let (_, events) = load_recording(dir.path(), CachePolicy::Rebuild);
    assert_eq!(cache_events(&events), ["written"]);
    let (_, events) = load_recording(dir.path(), CachePolicy::Rebuild);
    assert_eq!(cache_events(&events), ["written"]);
}

#[test]
fn a_stale_or_damaged_cache_is_detected_and_rebuilt() {
    let dir = fixture(&small());
    let cache = data_dir(dir.path()).join(CACHE_FILE_NAME);
    let original = load(dir.path(), CachePolicy::Use);

    // A changed source file: one more random-exposure row.
    edit(dir.path(), "log_random_4_22_to_5_08_pure.csv", |t| {
        let last = t.lines().last().unwrap().to_owned();
        t + &last + "\n"
    });
    let (data, events) = load_recording(dir.path(), CachePolicy::Use);
    assert_eq!(cache_events(&events), ["rejected", "written"]);
    assert!(rejection(&events).contains("changed"), "{events:?}");
    let data = data.unwrap();
    assert_eq!(data.random.len(), original.random.len() + 1);
    let (_, events) = load_recording(dir.path(), CachePolicy::Use);
    assert_eq!(cache_events(&events), ["used"]);

    // A flipped byte in the body.
    let mut bytes = std::fs::read(&cache).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x5a;
    std::fs::write(&cache, &bytes).unwrap();
    let (again, events) = load_recording(dir.path(), CachePolicy::Use);
    assert_eq!(cache_events(&events), ["rejected", "written"]);
    assert!(rejection(&events).contains("damaged"), "{events:?}");
    assert!(same(&again.unwrap(), &data));

    // A truncated file, another format version, and something that is no cache at all.
    let good = std::fs::read(&cache).unwrap();
    std::fs::write(&cache, &good[..good.len() - 100]).unwrap();
    let (_, events) = load_recording(dir.path(), CachePolicy::Use);
    assert!(rejection(&events).contains("damaged"), "{events:?}");
    let mut other = good.clone();
    other[8..12].copy_from_slice(&99u32.to_le_bytes());
    std::fs::write(&cache, &other).unwrap();
    let (_, events) = load_recording(dir.path(), CachePolicy::Use);
    assert!(rejection(&events).contains("version 99"), "{events:?}");
    std::fs::write(&cache, b"hello").unwrap();
    let (loaded, events) = load_recording(dir.path(), CachePolicy::Use);
    assert!(rejection(&events).contains("not a crl-lab"), "{events:?}");
    assert!(same(&loaded.unwrap(), &data));
    // After each rejection the cache was rewritten and is good again.
    assert_eq!(std::fs::read(&cache).unwrap(), good);
}

#[test]
fn the_commands_write_a_fixture_then_print_and_write_both_sets() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("KuaiRand-Pure");
    let out = root.path().join("run");
    let o = crl(&[
        "kuairand-fixture",
        "--out",
        data.to_str().unwrap(),
        "--users",
        "100",
        "--videos",
        "60",
        "--rows",
        "3000",
        "--seed",
        "2",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(data.join("data/log_random_4_22_to_5_08_pure.csv").is_file());
    let o = crl(&[
        "kuairand",
        "--dir",
        data.to_str().unwrap(),
        "--steps",
        "40",
        "--seeds",
        "1",
        "--batch",
        "128",
        "--device",
        "cpu",
        "--confounder",
        "popularity",
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    let stdout = String::from_utf8(o.stdout).unwrap();
    for needle in [
        "in distribution",
        "random exposure",
        "baseline",
        "crl",
        "NDCG@10",
        "GAUC",
    ] {
        assert!(stdout.contains(needle), "`{needle}` not in {stdout}");
    }
    // A header, then per set the two models and the two references without training.
    assert_eq!(stdout.lines().count(), 9, "{stdout}");
    assert!(stdout.contains("base rate") && stdout.contains("past popularity"));
    let refs = std::fs::read_to_string(out.join("references.csv")).unwrap();
    assert!(refs.starts_with("reference,set,n_rows,auc,logloss,gauc,ndcg10\n"));
    assert_eq!(refs.lines().count(), 5, "{refs}");
    let rows = std::fs::read_to_string(out.join("kuairand.csv")).unwrap();
    assert_eq!(rows.lines().count(), 5, "{rows}");
    assert!(rows.starts_with("model,beta,seed,set,n_rows,auc,logloss,gauc,ndcg10\n"));
    assert!(rows.contains(",random_exposure,") && rows.contains(",in_distribution,"));
    for file in ["summary.csv", "metrics.csv", "config.json"] {
        assert!(out.join(file).is_file(), "{file}");
    }
    assert!(stderr.contains("wrote the cache"), "{stderr}");
    // By default the statistics file is no input, and config.json says so.
    let recorded = |out: &Path| -> serde_json::Value {
        let text = std::fs::read_to_string(out.join("config.json")).unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        v["settings"]["encode"]["use_statistics_file"].clone()
    };
    assert_eq!(recorded(&out), serde_json::Value::Bool(false));
    assert!(
        !stderr.contains("warning: the inputs include video_features_statistic"),
        "{stderr}"
    );
    // Every model is evaluated at its best validation step, and config.json says which.
    let text = std::fs::read_to_string(out.join("config.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        v["model_selection"],
        "the report with the lowest validation loss"
    );
    assert_eq!(v["train"]["keep_best_val"], true);
    assert_eq!(v["selected_steps"].as_array().map(Vec::len), Some(2));
    // The second run finds the cache; asked to use the statistics file, it warns of the leak
    // and records it.
    let o = crl(&[
        "kuairand",
        "--dir",
        data.to_str().unwrap(),
        "--steps",
        "20",
        "--seeds",
        "1",
        "--batch",
        "128",
        "--device",
        "cpu",
        "--use-statistics-file",
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(stderr.contains("using the cache"), "{stderr}");
    assert!(
        stderr.contains("warning: the inputs include video_features_statistic"),
        "{stderr}"
    );
    assert_eq!(recorded(&out), serde_json::Value::Bool(true));

    // A folder that is not KuaiRand: one error line naming the file it looked for.
    let o = crl(&[
        "kuairand",
        "--dir",
        root.path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(
        lines[0].starts_with("error:") && lines[0].contains("log_standard_4_08_to_4_21_pure.csv")
    );
}

/// Rewrites the fixture's statistics file so that every count column of video v carries the
/// random-exposure log's click rate of v: a file that, like KuaiRand's, aggregates over the
/// test period and sums the outcome.
fn leak_random_labels_into_statistics(root: &Path) {
    let data = data_dir(root);
    let mut clicks: std::collections::HashMap<String, (f64, f64)> =
        std::collections::HashMap::default();
    let mut logs = csv::Reader::from_path(data.join("log_random_4_22_to_5_08_pure.csv")).unwrap();
    let head = logs.headers().unwrap().clone();
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    let (video, click) = (col("video_id"), col("is_click"));
    for rec in logs.records() {
        let rec = rec.unwrap();
        let e = clicks.entry(rec[video].to_owned()).or_default();
        e.0 += rec[click].parse::<f64>().unwrap();
        e.1 += 1.0;
    }
    let path = data.join("video_features_statistic_pure.csv");
    let mut stats = csv::Reader::from_path(&path).unwrap();
    let header = stats.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = stats.records().map(Result::unwrap).collect();
    let mut out = csv::Writer::from_path(&path).unwrap();
    out.write_record(&header).unwrap();
    for rec in rows {
        let rate = clicks
            .get(&rec[0])
            .map_or(0.0, |(c, n)| if *n > 0.0 { c / n } else { 0.0 });
        let mut new: Vec<String> = vec![rec[0].to_owned(), rec[1].to_owned()];
        new.extend((2..rec.len()).map(|_| format!("{:.3}", 1000.0 * rate)));
        out.write_record(&new).unwrap();
    }
    out.flush().unwrap();
}

/// Issue 13: `video_features_statistic` aggregates over the random-exposure log's dates. By
/// default it is not an input, so a statistics file holding the test labels changes nothing;
/// only the explicit flag feeds it to the models, and then they gain from the leak.
#[test]
fn the_statistics_file_leaks_only_when_asked_for() {
    let config = small();
    let (clean, leaky) = (fixture(&config), fixture(&config));
    leak_random_labels_into_statistics(leaky.path());
    let train = tiny_config(200);
    let run = |dir: &Path, use_statistics_file: bool| {
        let data = load(dir, CachePolicy::Off);
        let mut settings = KuaiRandSettings::default();
        settings.encode.use_statistics_file = use_statistics_file;
        one_seed(&data, &settings, &train).unwrap()
    };
    let random_auc = |res: &KuaiRandResult| -> f64 {
        let v: Vec<f64> = res
            .rows
            .iter()
            .filter(|r| r.set == EvalSet::RandomExposure)
            .map(|r| r.metrics.auc)
            .collect();
        v.iter().sum::<f64>() / v.len() as f64
    };
    let (a, b) = (run(clean.path(), false), run(leaky.path(), false));
    let names = a.encoder.feature_names();
    for stat in [
        "show_cnt",
        "play_cnt",
        "long_time_play_cnt",
        "play_progress",
        "collect_cnt",
    ] {
        assert!(
            !names.iter().any(|n| n == stat),
            "{stat} is an input by default"
        );
    }
    assert!(names.iter().any(|n| n == "duration_ms"));
    assert_eq!(format!("{:?}", a.rows), format!("{:?}", b.rows));
    let flagged = run(leaky.path(), true);
    assert!(
        flagged
            .encoder
            .feature_names()
            .iter()
            .any(|n| n == "long_time_play_cnt")
    );
    let (honest, leaked) = (random_auc(&b), random_auc(&flagged));
    assert!(
        leaked > honest + 0.03,
        "the leak should pay on the random log: {leaked:.3} with it, {honest:.3} without"
    );
}

/// Issue 13: the temporal split. Rows dated before the random-exposure log's first date are
/// the past, never trained or evaluated on; the past-only statistics are what the past says of
/// each video (a click rate shrunk towards the past's overall rate).
#[test]
// KuaiRand dates are yyyymmdd numbers; grouping their digits in threes would hide the date.
#[allow(clippy::unreadable_literal)]
fn the_past_is_the_rows_before_the_evaluation_window_and_feeds_the_statistics() {
    let config = small();
    let dir = fixture(&config);
    let data = load(dir.path(), CachePolicy::Off);
    let window = data.random.date.iter().copied().min().unwrap();
    assert_eq!(
        window, 20220422,
        "the fixture's random log starts on 4/22 as KuaiRand's does"
    );
    let split = split_by_date(&data.standard.date, window, 0.1, 0).unwrap();
    assert!(
        split
            .past
            .iter()
            .all(|&r| data.standard.date[r as usize] < window)
    );
    assert!(
        split
            .train
            .iter()
            .chain(&split.held_out)
            .all(|&r| data.standard.date[r as usize] >= window)
    );
    assert_eq!(
        split.past.len() + split.train.len() + split.held_out.len(),
        data.standard.len()
    );
    assert!(!split.past.is_empty() && !split.train.is_empty());
    assert_eq!(
        split,
        split_by_date(&data.standard.date, window, 0.1, 0).unwrap()
    );
    // No past at all is refused, naming the file the past comes from.
    let e = split_by_date(&data.standard.date, 0, 0.1, 0).unwrap_err();
    assert!(e.to_string().contains("log_standard_4_08_to_4_21"), "{e}");

    // The past click rate of a video, by hand, against the encoded (standardised) column.
    let enc = Encoder::fit(&data, &split.train, &split.past, &EncodeOptions::default()).unwrap();
    let names = enc.feature_names();
    let col = names
        .iter()
        .position(|n| n == "video_past_click_rate")
        .unwrap();
    let (mean, sd) = enc.standardisation()[col];
    let past_rate = {
        let clicks: f64 = split
            .past
            .iter()
            .map(|&r| f64::from(data.standard.is_click[r as usize]))
            .sum();
        clicks / split.past.len() as f64
    };
    let r = split.train[0] as usize;
    let v = data.standard.video[r];
    let (n, k) = split
        .past
        .iter()
        .filter(|&&p| data.standard.video[p as usize] == v)
        .fold((0.0, 0.0), |(n, k), &p| {
            (n + 1.0, k + f64::from(data.standard.is_click[p as usize]))
        });
    let want = (k + 20.0 * past_rate) / (n + 20.0);
    let x = enc.encode(&data, LogKind::Standard, &[r as u32]).table.x;
    let got = f64::from(x[col] * sd + mean);
    assert!((got - want).abs() < 1e-4, "{got} vs {want}");
}
