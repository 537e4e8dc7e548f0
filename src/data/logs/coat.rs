//! Coat (Schnabel et al., "Recommendations as treatments", ICML 2016): 290 users each rated 24
//! coats they chose from 300 (`train.ascii`, self-selected) and 16 coats drawn at random
//! (`test.ascii`). Both are dense 290 × 300 matrices of ratings 1 to 5, one user per line,
//! space-separated, 0 where the user gave none. `user_item_features/user_features.ascii` and
//! `item_features.ascii` hold one row of 0/1 features per user and per item; they are read
//! when present and enter as numeric inputs. The data are published by Cornell
//! (www.cs.cornell.edu/~schnabts/mnar/) and not shipped with crl-lab.

use std::path::{Path, PathBuf};

use super::builder::{LogsBuilder, Part, ReadLimits};
use super::fixture::{RatingFixtureConfig, draw_ratings};
use super::progress::{LoadObserver, QuietLoad};
use super::ratings::{RatingOptions, find_file, for_each_line};
use super::table::LogsData;
use crate::error::{Error, Result};
use crate::fs::write_atomically;

/// The training matrix's name.
pub const COAT_TRAIN: &str = "train.ascii";
/// The test matrix's name.
pub const COAT_TEST: &str = "test.ascii";
/// The feature folder's name.
pub const COAT_FEATURES: &str = "user_item_features";

/// A whitespace-separated matrix of numbers, each row as wide as the first.
fn read_matrix(path: &Path, observer: &mut dyn LoadObserver) -> Result<Vec<Vec<f32>>> {
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let mut rows: Vec<Vec<f32>> = Vec::new();
    for_each_line(path, observer, |line, fields| {
        let row = fields
            .iter()
            .enumerate()
            .map(|(j, f)| {
                f.parse::<f32>()
                    .ok()
                    .filter(|v| v.is_finite())
                    .ok_or_else(|| {
                        Error::invalid(format!(
                            "{name}, line {line}, column {}: `{f}` is not a number",
                            j + 1
                        ))
                    })
            })
            .collect::<Result<Vec<f32>>>()?;
        if let Some(first) = rows.first()
            && first.len() != row.len()
        {
            return Err(Error::invalid(format!(
                "{name}, line {line}: {} values, but the first line has {}",
                row.len(),
                first.len()
            )));
        }
        rows.push(row);
        Ok(())
    })?;
    if rows.is_empty() {
        return Err(Error::invalid(format!("{name} is empty")));
    }
    Ok(rows)
}

/// The files of a Coat folder: the two matrices, and the feature files if present.
/// The training and test matrices, and the user and item feature files if present.
type CoatFiles = (PathBuf, PathBuf, Option<(PathBuf, PathBuf)>);

fn locate(dir: &Path) -> Result<CoatFiles> {
    if !dir.is_dir() {
        return Err(Error::invalid(format!(
            "{} is not a folder (give the Coat folder holding {COAT_TRAIN})",
            dir.display()
        )));
    }
    let (Some(train), Some(test)) = (find_file(dir, &[COAT_TRAIN]), find_file(dir, &[COAT_TEST]))
    else {
        return Err(Error::invalid(format!(
            "{} holds no {COAT_TRAIN} and {COAT_TEST} (Coat's rating matrices; download the \
             data set from www.cs.cornell.edu/~schnabts/mnar/)",
            dir.display()
        )));
    };
    let base = train.parent().unwrap_or(dir).to_path_buf();
    let feature = |n: &str| {
        [base.join(COAT_FEATURES).join(n), base.join(n)]
            .into_iter()
            .find(|p| p.is_file())
    };
    let features = feature("user_features.ascii").zip(feature("item_features.ascii"));
    Ok((train, test, features))
}

/// Reads a Coat folder: each non-zero cell of the two matrices is a rating.
pub fn read_coat(
    dir: &Path,
    options: &RatingOptions,
    limits: ReadLimits,
    observer: &mut dyn LoadObserver,
) -> Result<LogsData> {
    let (train_path, test_path, feature_paths) = locate(dir)?;
    let train = read_matrix(&train_path, observer)?;
    let test = read_matrix(&test_path, observer)?;
    let (users, items) = (train.len(), train[0].len());
    if test.len() != users || test[0].len() != items {
        return Err(Error::invalid(format!(
            "{COAT_TEST} is {} × {}, but {COAT_TRAIN} is {users} × {items}",
            test.len(),
            test[0].len()
        )));
    }
    let (user_f, item_f) = match &feature_paths {
        Some((u, i)) => {
            let (uf, itf) = (
                read_matrix(u, &mut QuietLoad)?,
                read_matrix(i, &mut QuietLoad)?,
            );
            if uf.len() != users || itf.len() != items {
                return Err(Error::invalid(format!(
                    "the feature files have {} users and {} items, the matrices {users} and \
                     {items}",
                    uf.len(),
                    itf.len()
                )));
            }
            (uf, itf)
        }
        None => (vec![Vec::new(); users], vec![Vec::new(); items]),
    };
    let names: Vec<String> = (0..user_f[0].len())
        .map(|j| format!("user_feature_{j}"))
        .chain((0..item_f[0].len()).map(|j| format!("item_feature_{j}")))
        .collect();
    let mapping = options.mapping(names.clone())?;
    let mut b = LogsBuilder::new(&mapping, limits)?;
    let header: Vec<String> = ["user", "item", "rating"]
        .map(String::from)
        .into_iter()
        .chain(names)
        .collect();
    for (matrix, part, name) in [
        (&train, Part::Train, COAT_TRAIN),
        (&test, Part::Test, COAT_TEST),
    ] {
        let ix = b.index(&header, name)?;
        for (u, row) in matrix.iter().enumerate() {
            for (i, &r) in row.iter().enumerate() {
                if r == 0.0 {
                    continue;
                }
                let cells: Vec<String> = [u.to_string(), i.to_string(), r.to_string()]
                    .into_iter()
                    .chain(user_f[u].iter().chain(&item_f[i]).map(f32::to_string))
                    .collect();
                let refs: Vec<&str> = cells.iter().map(String::as_str).collect();
                b.push(&ix, part, &refs, u as u64 + 1)?;
            }
        }
    }
    b.finish(format!("Coat in {}", dir.display()))
}

/// Writes a synthetic Coat folder (the two matrices and the feature files, exact layout) into
/// `dir`: users get 14 one-hot features (Coat's gender, age, location and fashion interest
/// blocks), items 33.
pub fn write_coat_fixture(dir: &Path, config: &RatingFixtureConfig) -> Result<()> {
    let (train, test) = draw_ratings(config)?;
    let feat_dir = dir.join(COAT_FEATURES);
    std::fs::create_dir_all(&feat_dir).map_err(|e| Error::io("cannot create", &feat_dir, e))?;
    let (users, items) = (config.users, config.items);
    for (name, rows) in [(COAT_TRAIN, &train), (COAT_TEST, &test)] {
        let mut m = vec![0u8; users * items];
        for &(u, i, r) in rows {
            m[u * items + i] = r;
        }
        let path = dir.join(name);
        write_matrix(&path, users, items, |u, i| m[u * items + i])?;
    }
    // One-hot blocks, from the ids (the fixture's ratings do not depend on them).
    let user_blocks = [2usize, 6, 3, 3];
    let item_blocks = [2usize, 16, 13, 2];
    for (name, n, blocks) in [
        ("user_features.ascii", users, &user_blocks[..]),
        ("item_features.ascii", items, &item_blocks[..]),
    ] {
        let width: usize = blocks.iter().sum();
        write_matrix(&feat_dir.join(name), n, width, |row, col| {
            let mut start = 0;
            for (k, &b) in blocks.iter().enumerate() {
                if col < start + b {
                    return u8::from(col - start == (row * (k + 3) + k) % b);
                }
                start += b;
            }
            0
        })?;
    }
    Ok(())
}

fn write_matrix(
    path: &Path,
    rows: usize,
    cols: usize,
    at: impl Fn(usize, usize) -> u8,
) -> Result<()> {
    write_atomically(path, |w| {
        for r in 0..rows {
            let line: Vec<String> = (0..cols).map(|c| at(r, c).to_string()).collect();
            writeln!(w, "{}", line.join(" ")).map_err(|e| Error::io("cannot write", path, e))?;
        }
        Ok(())
    })
}
