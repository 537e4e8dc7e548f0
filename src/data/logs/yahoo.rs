//! Yahoo! R3 (Webscope dataset R3, "Yahoo! Music ratings for user selected and randomly
//! selected songs", Marlin and Zemel 2009): 15,400 users rated songs they chose (the training
//! file, about 311,700 ratings) and, in a survey, ten songs drawn at random (the test file,
//! 54,000 ratings). Both files hold one rating per line, `user<TAB>song<TAB>rating`, ids from 1,
//! ratings 1 to 5, no header. The data are licensed by Yahoo! and cannot ship with crl-lab.

use std::path::{Path, PathBuf};

use super::builder::{LogsBuilder, Part, ReadLimits};
use super::fixture::{RatingFixtureConfig, draw_ratings};
use super::progress::LoadObserver;
use super::ratings::{RatingOptions, find_file, for_each_line};
use super::table::LogsData;
use crate::error::{Error, Result};
use crate::fs::write_atomically;

/// The training file's name.
pub const YAHOO_TRAIN: &str = "ydata-ymusic-rating-study-v1_0-train.txt";
/// The test file's name.
pub const YAHOO_TEST: &str = "ydata-ymusic-rating-study-v1_0-test.txt";

/// The two files of a Yahoo! R3 folder (`dir`, or a folder directly below it).
pub fn locate_yahoo_r3(dir: &Path) -> Result<(PathBuf, PathBuf)> {
    if !dir.is_dir() {
        return Err(Error::invalid(format!(
            "{} is not a folder (give the Yahoo! R3 folder holding {YAHOO_TRAIN})",
            dir.display()
        )));
    }
    match (
        find_file(dir, &[YAHOO_TRAIN]),
        find_file(dir, &[YAHOO_TEST]),
    ) {
        (Some(train), Some(test)) => Ok((train, test)),
        (train, _) => Err(Error::invalid(format!(
            "{} holds no {} (Yahoo! R3's {} file; download the data set from Yahoo! Webscope, \
             dataset R3)",
            dir.display(),
            if train.is_none() {
                YAHOO_TRAIN
            } else {
                YAHOO_TEST
            },
            if train.is_none() { "training" } else { "test" }
        ))),
    }
}

/// Reads a Yahoo! R3 folder.
pub fn read_yahoo_r3(
    dir: &Path,
    options: &RatingOptions,
    limits: ReadLimits,
    observer: &mut dyn LoadObserver,
) -> Result<LogsData> {
    let (train, test) = locate_yahoo_r3(dir)?;
    let mapping = options.mapping(Vec::new())?;
    let mut b = LogsBuilder::new(&mapping, limits)?;
    let header: Vec<String> = ["user", "item", "rating"].map(String::from).into();
    for (path, part) in [(&train, Part::Train), (&test, Part::Test)] {
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let ix = b.index(&header, &name)?;
        for_each_line(path, observer, |line, fields| {
            if fields.len() != 3 {
                return Err(Error::invalid(format!(
                    "{name}, line {line}: expected a user, a song and a rating separated by \
                     tabs, found {} fields",
                    fields.len()
                )));
            }
            b.push(&ix, part, fields, line)
        })?;
    }
    b.finish(format!("Yahoo! R3 in {}", dir.display()))
}

/// Writes a synthetic Yahoo! R3 folder (the two files, exact layout) into `dir`.
pub fn write_yahoo_fixture(dir: &Path, config: &RatingFixtureConfig) -> Result<()> {
    let (train, test) = draw_ratings(config)?;
    std::fs::create_dir_all(dir).map_err(|e| Error::io("cannot create", dir, e))?;
    for (name, rows) in [(YAHOO_TRAIN, &train), (YAHOO_TEST, &test)] {
        let path = dir.join(name);
        write_atomically(&path, |w| {
            for &(u, i, r) in rows {
                writeln!(w, "{}\t{}\t{r}", u + 1, i + 1)
                    .map_err(|e| Error::io("cannot write", &path, e))?;
            }
            Ok(())
        })?;
    }
    Ok(())
}
