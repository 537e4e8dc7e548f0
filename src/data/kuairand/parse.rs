//! Parsing a KuaiRand folder from its CSV files: users first, then the logs (which decide the
//! videos kept), then the two video files, each streamed once.

use std::collections::HashMap;
use std::path::Path;

use super::files::KuaiRandFiles;
use super::reader::CsvSource;
use super::tables::{
    EntityTable, KuaiRandData, LogTable, MISSING, USER_CATEGORICAL, USER_NUMERIC,
    VIDEO_CATEGORICAL, VIDEO_NUMERIC,
};
use crate::data::logs::LoadObserver;
use crate::error::{Error, Result};
use crate::limits::{MemoryBudget, thousands};

/// The log columns the loader reads, in the order [`read_log`] uses them.
const LOG_READ: [&str; 8] = [
    "user_id",
    "video_id",
    "date",
    "hourmin",
    "tab",
    "is_click",
    "long_view",
    "duration_ms",
];

/// `id` followed by `rest`.
fn with_id(id: &'static str, rest: &[&'static str]) -> Vec<&'static str> {
    std::iter::once(id).chain(rest.iter().copied()).collect()
}

/// Checks every file's header before any long read, so that a wrong folder fails at once.
fn check_headers(files: &KuaiRandFiles) -> Result<()> {
    for log in [&files.standard[0], &files.standard[1], &files.random] {
        CsvSource::open(log)?.columns(&LOG_READ)?;
    }
    let user_cols = [&USER_NUMERIC[..], &USER_CATEGORICAL[..]].concat();
    CsvSource::open(&files.users)?.columns(&with_id("user_id", &user_cols))?;
    CsvSource::open(&files.videos_basic)?.columns(&with_id("video_id", &VIDEO_CATEGORICAL))?;
    CsvSource::open(&files.videos_statistic)?.columns(&with_id("video_id", &VIDEO_NUMERIC))?;
    Ok(())
}

/// Interns category texts, one map per column.
struct Interner {
    maps: Vec<HashMap<String, u32>>,
}

impl Interner {
    fn new(columns: usize) -> Self {
        Interner {
            maps: vec![HashMap::new(); columns],
        }
    }

    /// The code of `text` in column `col` of `table`; empty text is [`MISSING`].
    fn code(&mut self, table: &mut EntityTable, col: usize, text: &str) -> u32 {
        if text.is_empty() || text.eq_ignore_ascii_case("nan") {
            return MISSING;
        }
        if let Some(&c) = self.maps[col].get(text) {
            return c;
        }
        let c = table.vocab[col].len() as u32;
        table.vocab[col].push(text.to_owned());
        self.maps[col].insert(text.to_owned(), c);
        c
    }
}

/// Parses every file of `files`, reporting progress to `observer`.
pub(super) fn parse(
    files: &KuaiRandFiles,
    observer: &mut dyn LoadObserver,
) -> Result<KuaiRandData> {
    check_headers(files)?;
    let (mut users, mut user_rows) = read_users(files, observer)?;
    let n_known_users = users.len();
    let mut video_rows: HashMap<u64, u32> = HashMap::new();
    let mut video_ids: Vec<u64> = Vec::new();
    let budget = MemoryBudget::process();
    let mut standard = LogTable::default();
    for path in &files.standard {
        read_log(
            path,
            &mut standard,
            (&mut users, &mut user_rows),
            (&mut video_rows, &mut video_ids),
            (budget, 0),
            observer,
        )?;
    }
    let mut random = LogTable::default();
    read_log(
        &files.random,
        &mut random,
        (&mut users, &mut user_rows),
        (&mut video_rows, &mut video_ids),
        (budget, standard.len()),
        observer,
    )?;
    let mut videos = EntityTable::with_columns(&VIDEO_NUMERIC, &VIDEO_CATEGORICAL);
    for &id in &video_ids {
        videos.push_missing(id);
    }
    let (with_basic, with_statistic) =
        read_video_tables(files, &mut videos, &video_rows, observer)?;
    Ok(KuaiRandData {
        variant: files.variant,
        users_without_features: users.len() - n_known_users,
        videos_without_basic: videos.len() - with_basic,
        videos_without_statistic: videos.len() - with_statistic,
        users,
        videos,
        standard,
        random,
    })
}

fn read_users(
    files: &KuaiRandFiles,
    observer: &mut dyn LoadObserver,
) -> Result<(EntityTable, HashMap<u64, u32>)> {
    let mut src = CsvSource::open(&files.users)?;
    let id_col = src.columns(&["user_id"])?[0];
    let num_cols = src.columns(&USER_NUMERIC)?;
    let cat_cols = src.columns(&USER_CATEGORICAL)?;
    let mut table = EntityTable::with_columns(&USER_NUMERIC, &USER_CATEGORICAL);
    let mut interner = Interner::new(cat_cols.len());
    let mut rows = HashMap::new();
    src.start(observer);
    while src.next(observer)? {
        let id = src.id(id_col)?;
        if rows.contains_key(&id) {
            // A repeated user keeps its first row.
            continue;
        }
        rows.insert(id, table.len() as u32);
        table.ids.push(id);
        for &c in &num_cols {
            table.numeric.push(src.number(c)?);
        }
        for (j, &c) in cat_cols.iter().enumerate() {
            let code = interner.code(&mut table, j, src.text(c)?);
            table.categorical.push(code);
        }
    }
    Ok((table, rows))
}

/// Bytes one parsed log row takes (user and video rows, date, hour, tab, two labels, duration),
/// with room for the vectors' growth.
const LOG_ROW_BYTES: u64 = 2 * (4 + 4 + 4 + 1 + 1 + 1 + 1 + 4);

/// Reads one log file into `log`, adding the users and videos it names; stops with a message
/// before the rows (with `rows_before` read from earlier logs) would pass `budget`.
fn read_log(
    path: &std::path::Path,
    log: &mut LogTable,
    (users, user_rows): (&mut EntityTable, &mut HashMap<u64, u32>),
    (video_rows, video_ids): (&mut HashMap<u64, u32>, &mut Vec<u64>),
    (budget, rows_before): (MemoryBudget, usize),
    observer: &mut dyn LoadObserver,
) -> Result<()> {
    let mut src = CsvSource::open(path)?;
    let cols = src.columns(&LOG_READ)?;
    let &[user, video, date, hourmin, tab, click, long_view, duration] = cols.as_slice() else {
        return Err(Error::invalid("internal: a log column went missing"));
    };
    src.start(observer);
    while src.next(observer)? {
        let rows = (rows_before + log.len()) as u64 + 1;
        if rows * LOG_ROW_BYTES > budget.max_bytes {
            budget.check(
                format_args!(
                    "reading {} (stopped at data row {}: {} log rows in all)",
                    src.path().display(),
                    src.row(),
                    thousands(rows as usize)
                ),
                rows * LOG_ROW_BYTES,
            )?;
        }
        let user_id = src.id(user)?;
        let user_row = if let Some(&r) = user_rows.get(&user_id) {
            r
        } else {
            let r = users.push_missing(user_id);
            user_rows.insert(user_id, r);
            r
        };
        let video_id = src.id(video)?;
        let video_row = *video_rows.entry(video_id).or_insert_with(|| {
            video_ids.push(video_id);
            (video_ids.len() - 1) as u32
        });
        log.user.push(user_row);
        log.video.push(video_row);
        log.date
            .push(src.int_in(date, 0, i64::from(u32::MAX), "a date (YYYYMMDD)")? as u32);
        log.hour
            .push((src.int_in(hourmin, 0, 2359, "a time of day (HHMM)")? / 100) as u8);
        log.tab
            .push(src.int_in(tab, 0, 255, "a tab number (0 to 255)")? as u8);
        log.is_click.push(src.int_in(click, 0, 1, "0 or 1")? as u8);
        log.long_view
            .push(src.int_in(long_view, 0, 1, "0 or 1")? as u8);
        log.duration_ms.push(src.number(duration)?);
    }
    Ok(())
}

/// Fills the categories (the basic file) and the statistics (the statistic file) of the kept
/// videos; returns how many had a row in each.
fn read_video_tables(
    files: &KuaiRandFiles,
    videos: &mut EntityTable,
    video_rows: &HashMap<u64, u32>,
    observer: &mut dyn LoadObserver,
) -> Result<(usize, usize)> {
    let kept = KeptVideos {
        n_videos: videos.len(),
        video_rows,
    };
    let tag_index = VIDEO_CATEGORICAL.iter().position(|c| *c == "tag");
    let k = VIDEO_CATEGORICAL.len();
    let mut interner = Interner::new(k);
    let with_basic = kept.for_each(
        &files.videos_basic,
        &VIDEO_CATEGORICAL,
        observer,
        |src, cols, row| {
            for (j, &c) in cols.iter().enumerate() {
                let mut text = src.text(c)?;
                if Some(j) == tag_index {
                    // `tag` lists a video's categories, e.g. "12,65": the first is its main one.
                    text = text.split(',').next().unwrap_or("").trim();
                }
                let code = interner.code(videos, j, text);
                videos.categorical[row * k + j] = code;
            }
            Ok(())
        },
    )?;
    let k = VIDEO_NUMERIC.len();
    let with_statistic = kept.for_each(
        &files.videos_statistic,
        &VIDEO_NUMERIC,
        observer,
        |src, cols, row| {
            for (j, &c) in cols.iter().enumerate() {
                videos.numeric[row * k + j] = src.number(c)?;
            }
            Ok(())
        },
    )?;
    Ok((with_basic, with_statistic))
}

/// The videos the logs kept: `video_rows` maps an id to its row of the `n_videos` table.
struct KeptVideos<'a> {
    n_videos: usize,
    video_rows: &'a HashMap<u64, u32>,
}

impl KeptVideos<'_> {
    /// Streams the per-video file at `path` (ids in its `video_id` column) and calls
    /// `fill(src, cols, row)` on the first line of each kept video, `cols` being the positions
    /// of `columns`; returns how many of them had a line.
    fn for_each(
        &self,
        path: &Path,
        columns: &[&str],
        observer: &mut dyn LoadObserver,
        mut fill: impl FnMut(&CsvSource, &[usize], usize) -> Result<()>,
    ) -> Result<usize> {
        let mut src = CsvSource::open(path)?;
        let id_col = src.columns(&["video_id"])?[0];
        let cols = src.columns(columns)?;
        let mut seen = vec![false; self.n_videos];
        src.start(observer);
        while src.next(observer)? {
            let id = src.id(id_col)?;
            let Some(&row) = self.video_rows.get(&id) else {
                continue;
            };
            if std::mem::replace(&mut seen[row as usize], true) {
                continue;
            }
            fill(&src, &cols, row as usize)?;
        }
        Ok(seen.iter().filter(|s| **s).count())
    }
}
