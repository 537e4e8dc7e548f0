//! Logged interactions: the mapping file, the generic CSV/TSV reader, and the Yahoo! R3 and
//! Coat layouts.

use crl_lab::data::logs::{
    COAT_FEATURES, COAT_TEST, COAT_TRAIN, LogFiles, LogMapping, LogSet, LogsData, LogsEncoder,
    QuietLoad, RatingOptions, ReadLimits, YAHOO_TEST, YAHOO_TRAIN, guess_roles, preview, read_coat,
    read_logs, read_yahoo_r3, split_by_time, split_standard,
};

use super::{parts, with_files};

/// The memory a fuzzed source may take once parsed: small, so that the limit is reached too.
const LIMITS: ReadLimits = ReadLimits { max_bytes: 1 << 20 };
/// Rows of each set encoded after a load.
const ENCODE_ROWS: usize = 16;

/// A mapping file: parse and validate; a valid one saves to text that reloads to the same
/// mapping, and survives the app's column table (roles out, roles back in). True when it
/// loads.
pub fn logs_mapping(data: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(data) else {
        return false;
    };
    let Ok(m) = LogMapping::from_json(text, "mapping.json") else {
        return false;
    };
    let saved = m
        .to_json()
        .unwrap_or_else(|e| panic!("a loaded mapping cannot be saved: {e}"));
    let again = LogMapping::from_json(&saved, "saved")
        .unwrap_or_else(|e| panic!("a loaded mapping saves to a file that does not load: {e}"));
    assert_eq!(again, m, "saving and reloading changed the mapping");
    let roles: Vec<_> = m
        .columns()
        .iter()
        .map(|c| (c.to_string(), m.role_of(c)))
        .collect();
    let _ = m.with_roles(&roles).validate();
    true
}

/// A mapping file, a training log and a test log, separated by [`super::SEP`] (an empty test
/// log means one file with the mapping's split column), written to `train.csv` and
/// `test.csv`. The training log is previewed (and its columns' roles guessed) as the app does,
/// then both are read within a small memory limit; what loads goes through a run's
/// preparation on a few rows. True when the logs load.
pub fn logs_csv(data: &[u8]) -> bool {
    let [mapping, train, test] = parts::<3>(data);
    let Ok(mapping) = std::str::from_utf8(mapping) else {
        return false;
    };
    let Ok(m) = LogMapping::from_json(mapping, "mapping.json") else {
        return false;
    };
    let mut files = vec![("train.csv", train)];
    if !test.is_empty() {
        files.push(("test.csv", test));
    }
    with_files(&files, |dir| {
        let train = dir.join("train.csv");
        if let Ok(p) = preview(&train, &m, 8) {
            let roles: Vec<_> = p.columns.iter().cloned().zip(guess_roles(&p)).collect();
            let _ = m.with_roles(&roles).validate();
        }
        let files = LogFiles {
            train,
            test: (!test.is_empty()).then(|| dir.join("test.csv")),
        };
        let Ok(d) = read_logs(&files, &m, LIMITS, &mut QuietLoad) else {
            return false;
        };
        prepare(&d);
        true
    })
}

/// Yahoo! R3 (first byte even: the training and test files) or Coat (odd: the two matrices
/// and, when present, the user and item feature files), separated by [`super::SEP`] and
/// written to a folder in the data set's layout. The first byte also sets the rating
/// threshold and the buckets. True when the data load.
pub fn ratings(data: &[u8]) -> bool {
    let Some((&mode, rest)) = data.split_first() else {
        return false;
    };
    let options = RatingOptions {
        threshold: f64::from((mode >> 1) % 6),
        user_buckets: 1 + usize::from((mode >> 4) % 4) * 7,
        item_buckets: 1 + usize::from(mode >> 6) * 9,
        popularity_buckets: 2 + usize::from(mode >> 5),
    };
    let user_features = format!("{COAT_FEATURES}/user_features.ascii");
    let item_features = format!("{COAT_FEATURES}/item_features.ascii");
    let files: Vec<(&str, &[u8])> = if mode % 2 == 0 {
        let [train, test] = parts::<2>(rest);
        vec![(YAHOO_TRAIN, train), (YAHOO_TEST, test)]
    } else {
        let [train, test, users, items] = parts::<4>(rest);
        let mut files = vec![(COAT_TRAIN, train), (COAT_TEST, test)];
        if !users.is_empty() || !items.is_empty() {
            files.push((&user_features, users));
            files.push((&item_features, items));
        }
        files
    };
    with_files(&files, |dir| {
        let loaded = if mode % 2 == 0 {
            read_yahoo_r3(dir, &options, LIMITS, &mut QuietLoad)
        } else {
            read_coat(dir, &options, LIMITS, &mut QuietLoad)
        };
        let Ok(d) = loaded else {
            return false;
        };
        prepare(&d);
        true
    })
}

/// What `crl-lab logs` does with loaded data before it trains, on a few rows.
fn prepare(d: &LogsData) {
    let split = if d.train.time.len() == d.train.n {
        split_by_time(&d.train.time, 0.3).map(|s| (s.train, s.held_out))
    } else {
        split_standard(d.train.n, 0.3, 1).map(|s| (s.train, s.held_out))
    };
    let Ok((train, held_out)) = split else {
        return;
    };
    let Ok(encoder) = LogsEncoder::fit(d, &train) else {
        return;
    };
    let some = |rows: &[u32]| rows[..rows.len().min(ENCODE_ROWS)].to_vec();
    encoder.encode(d, LogSet::Train, &some(&train));
    encoder.encode(d, LogSet::Train, &some(&held_out));
    let test: Vec<u32> = (0..d.test.n.min(ENCODE_ROWS) as u32).collect();
    encoder.encode(d, LogSet::Test, &test);
    if encoder.has_items() {
        for &r in &test {
            let _ = encoder.item_rate(&d.test, r as usize);
        }
    }
}
