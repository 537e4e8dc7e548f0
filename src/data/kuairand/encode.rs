//! From parsed KuaiRand rows to model inputs: standardised numbers, hashed one-hot categories,
//! the outcome and the confounder proxy.
//!
//! The engine's encoder is a dense MLP, so categories enter as one-hot blocks of a fixed number
//! of buckets ("one-hot of buckets"). The first encoder layer's weight rows are then exactly an
//! embedding table per bucket: a row's first hidden layer is the sum of its categories'
//! embeddings, as with an embedding bag, without a separate embedding module. A category whose
//! value is a non-negative integer lands in bucket `value mod buckets` (so a field with as many
//! buckets as values is an exact one-hot, and ids spread evenly); any other text lands in bucket
//! `FNV-1a(text) mod buckets`; a missing value sets no bucket.
//!
//! No input may come from the evaluation window's labels: the statistics of users and videos
//! and the popularity proxy are computed from the past rows only (standard-log rows dated
//! before the random-exposure log's first date), and `video_features_statistic_*.csv`, which
//! aggregates over the whole collection period, is an input only when asked for
//! ([`EncodeOptions::use_statistics_file`]).

use super::blocks::{CategoryBlocks, NO_SLOT};
use super::options::{ConfounderProxy, EncodeOptions, Outcome, TAB_CLASSES};
use super::past::{PastStats, popularity_classes};
use super::tables::{KuaiRandData, LogKind};
use crate::data::HostTable;
use crate::error::{Error, Result};

/// Numeric inputs: (name, source, log1p). User columns first, then video statistics, then the
/// row's `duration_ms`, then the statistics of the past (rows dated before the evaluation
/// window). Counts and durations are heavy-tailed, so they enter as log(1 + v).
const NUMERIC: [(&str, NumSource, bool); 25] = [
    ("follow_user_num", NumSource::User(0), true),
    ("fans_user_num", NumSource::User(1), true),
    ("friend_user_num", NumSource::User(2), true),
    ("register_days", NumSource::User(3), true),
    ("is_lowactive_period", NumSource::User(4), false),
    ("is_live_streamer", NumSource::User(5), false),
    ("is_video_author", NumSource::User(6), false),
    ("show_cnt", NumSource::Video(0), true),
    ("play_cnt", NumSource::Video(1), true),
    ("complete_play_cnt", NumSource::Video(2), true),
    ("valid_play_cnt", NumSource::Video(3), true),
    ("long_time_play_cnt", NumSource::Video(4), true),
    ("short_time_play_cnt", NumSource::Video(5), true),
    ("play_progress", NumSource::Video(6), false),
    ("like_cnt", NumSource::Video(7), true),
    ("comment_cnt", NumSource::Video(8), true),
    ("follow_cnt", NumSource::Video(9), true),
    ("share_cnt", NumSource::Video(10), true),
    ("collect_cnt", NumSource::Video(11), true),
    ("duration_ms", NumSource::Row, true),
    ("user_past_impressions", NumSource::Past(0), true),
    ("user_past_click_rate", NumSource::Past(1), false),
    ("video_past_impressions", NumSource::Past(2), true),
    ("video_past_click_rate", NumSource::Past(3), false),
    ("video_past_long_view_rate", NumSource::Past(4), false),
];

#[derive(Clone, Copy)]
enum NumSource {
    User(usize),
    Video(usize),
    Row,
    /// Entry k of [`PastStats::values`].
    Past(usize),
}

/// Model inputs of a set of log rows.
#[derive(Clone, Debug)]
pub struct EncodedRows {
    /// x `[n, features]`, y `[n, 1]` (0/1), c `[n, confounder width]` (one-hot).
    pub table: HostTable,
    /// The user row of each row (for per-user metrics).
    pub users: Vec<u32>,
}

/// The encoding fitted on the training rows: standardisation of the numbers, bucket columns of
/// the categories, and the popularity quantiles.
#[derive(Clone, Debug)]
pub struct Encoder {
    options: EncodeOptions,
    /// The entries of [`NUMERIC`] used, in x order (the statistics file's only if asked for).
    numeric: Vec<usize>,
    feature_names: Vec<String>,
    mean: Vec<f32>,
    sd: Vec<f32>,
    /// `[users, user fields]`: the x column set by each field of each user, or NO_SLOT.
    user_slots: Vec<u32>,
    user_fields: usize,
    /// `[videos, video fields]`, likewise.
    video_slots: Vec<u32>,
    video_fields: usize,
    /// First x column of the hour-of-day block (24 columns).
    hour_offset: usize,
    /// Popularity class of each video (popularity confounder only).
    video_popularity: Vec<u8>,
    /// The past-row quantiles that bound the popularity classes.
    popularity_edges: Vec<u32>,
    /// What the past says of each user and video.
    past: PastStats,
}

impl Encoder {
    /// Fits the encoding on `train_rows` of the standard log of `data`, with the statistics of
    /// the past and the popularity proxy computed from `past_rows` only (rows dated before the
    /// evaluation window; see [`split_by_date`](super::split_by_date)).
    pub fn fit(
        data: &KuaiRandData,
        train_rows: &[u32],
        past_rows: &[u32],
        options: &EncodeOptions,
    ) -> Result<Self> {
        check_fit(train_rows, past_rows, options)?;
        let numeric: Vec<usize> = NUMERIC
            .iter()
            .enumerate()
            .filter(|(_, (_, source, _))| {
                options.use_statistics_file || !matches!(source, NumSource::Video(_))
            })
            .map(|(j, _)| j)
            .collect();
        let mut names: Vec<String> = numeric.iter().map(|&j| NUMERIC[j].0.to_owned()).collect();
        let blocks = CategoryBlocks::lay_out(data, options.id_buckets, &mut names);
        let past = PastStats::of(data, past_rows);
        let (mean, sd) = standardisation(data, &past, &numeric, train_rows);
        let (video_popularity, popularity_edges) = match options.confounder {
            ConfounderProxy::Tab => (Vec::new(), Vec::new()),
            ConfounderProxy::Popularity => {
                popularity_classes(data, past_rows, options.popularity_buckets)
            }
        };
        Ok(Encoder {
            options: options.clone(),
            numeric,
            feature_names: names,
            mean,
            sd,
            user_slots: blocks.user_slots,
            user_fields: blocks.user_fields,
            video_slots: blocks.video_slots,
            video_fields: blocks.video_fields,
            hour_offset: blocks.hour_offset,
            video_popularity,
            popularity_edges,
            past,
        })
    }

    /// The options it was fitted with.
    pub fn options(&self) -> &EncodeOptions {
        &self.options
    }

    /// Columns of x.
    pub fn n_features(&self) -> usize {
        self.feature_names.len()
    }

    /// Names of the columns of x: the numeric features, then `field#bucket` per category.
    pub fn feature_names(&self) -> &[String] {
        &self.feature_names
    }

    /// Number of numeric (standardised) columns at the start of x.
    pub fn n_numeric(&self) -> usize {
        self.numeric.len()
    }

    /// The standardisation: per numeric column, (mean, sd) over the training rows.
    pub fn standardisation(&self) -> Vec<(f32, f32)> {
        self.mean
            .iter()
            .copied()
            .zip(self.sd.iter().copied())
            .collect()
    }

    /// Columns of c.
    pub fn confounder_width(&self) -> usize {
        match self.options.confounder {
            ConfounderProxy::Tab => TAB_CLASSES,
            ConfounderProxy::Popularity => self.options.popularity_buckets,
        }
    }

    /// What the past says of video row `v`: its rate of the outcome among the past rows,
    /// shrunk towards the past's overall rate (the score of the past-popularity reference).
    pub fn past_video_rate(&self, v: u32) -> f32 {
        let k = match self.options.outcome {
            Outcome::IsClick => 3,
            Outcome::LongView => 4,
        };
        self.past.video_value(k, v)
    }

    /// The impression counts that bound the popularity classes (empty for `tab`).
    pub fn popularity_edges(&self) -> &[u32] {
        &self.popularity_edges
    }

    /// Encodes `rows` of the log `kind` of `data` (the data the encoder was fitted on).
    pub fn encode(&self, data: &KuaiRandData, kind: LogKind, rows: &[u32]) -> EncodedRows {
        let log = data.log(kind);
        let (dx, dc) = (self.n_features(), self.confounder_width());
        let n = rows.len();
        let mut x = vec![0f32; n * dx];
        let mut y = Vec::with_capacity(n);
        let mut c = vec![0f32; n * dc];
        let mut users = Vec::with_capacity(n);
        let mut raw = [0f32; NUMERIC.len()];
        for (i, &r) in rows.iter().enumerate() {
            let r = r as usize;
            let xi = &mut x[i * dx..(i + 1) * dx];
            raw_numbers(data, &self.past, log, r, &mut raw);
            for (jj, &j) in self.numeric.iter().enumerate() {
                // A missing number becomes the training mean, 0 after standardisation.
                xi[jj] = if raw[j].is_nan() {
                    0.0
                } else {
                    (raw[j] - self.mean[jj]) / self.sd[jj]
                };
            }
            let (u, v) = (log.user[r] as usize, log.video[r] as usize);
            let user_slots = &self.user_slots[u * self.user_fields..(u + 1) * self.user_fields];
            let video_slots = &self.video_slots[v * self.video_fields..(v + 1) * self.video_fields];
            for &s in user_slots.iter().chain(video_slots) {
                if s != NO_SLOT {
                    xi[s as usize] = 1.0;
                }
            }
            xi[self.hour_offset + usize::from(log.hour[r]).min(23)] = 1.0;
            y.push(f32::from(match self.options.outcome {
                Outcome::IsClick => log.is_click[r],
                Outcome::LongView => log.long_view[r],
            }));
            let class = match self.options.confounder {
                ConfounderProxy::Tab => usize::from(log.tab[r]).min(TAB_CLASSES - 1),
                ConfounderProxy::Popularity => usize::from(self.video_popularity[v]),
            };
            c[i * dc + class] = 1.0;
            users.push(log.user[r]);
        }
        EncodedRows {
            table: HostTable { n, x, y, c },
            users,
        }
    }
}

/// The raw numeric inputs of row `r` (NaN where missing).
fn raw_numbers(
    data: &KuaiRandData,
    past: &PastStats,
    log: &super::tables::LogTable,
    r: usize,
    out: &mut [f32],
) {
    let (u, v) = (log.user[r], log.video[r]);
    for (j, (_, source, log1p)) in NUMERIC.iter().enumerate() {
        let value = match source {
            NumSource::User(c) => data.users.number(u, *c),
            NumSource::Video(c) => data.videos.number(v, *c),
            NumSource::Row => log.duration_ms[r],
            NumSource::Past(k) => past.value(*k, u, v),
        };
        out[j] = if *log1p && !value.is_nan() {
            value.max(0.0).ln_1p()
        } else {
            value
        };
    }
}

/// Rejects an encoding that cannot be fitted: no training or past rows, or bucket counts out
/// of range.
fn check_fit(train_rows: &[u32], past_rows: &[u32], options: &EncodeOptions) -> Result<()> {
    if train_rows.is_empty() {
        return Err(Error::invalid(
            "the encoding needs at least one training row",
        ));
    }
    if past_rows.is_empty() {
        return Err(Error::invalid(
            "the encoding needs rows from before the evaluation window for its statistics",
        ));
    }
    if options.id_buckets == 0 {
        return Err(Error::invalid("`id_buckets` must be at least 1"));
    }
    if !(1..=64).contains(&options.popularity_buckets) {
        return Err(Error::invalid(format!(
            "`popularity_buckets` must lie in 1..=64, not {}",
            options.popularity_buckets
        )));
    }
    Ok(())
}

/// Mean and standard deviation of each `numeric` input over the training rows, missing values
/// left out (mean 0 and sd 1 for an input with no value or no spread).
fn standardisation(
    data: &KuaiRandData,
    past: &PastStats,
    numeric: &[usize],
    train_rows: &[u32],
) -> (Vec<f32>, Vec<f32>) {
    let log = &data.standard;
    let k = numeric.len();
    let (mut sum, mut sum_sq, mut count) = (vec![0f64; k], vec![0f64; k], vec![0u64; k]);
    let mut raw = [0f32; NUMERIC.len()];
    for &r in train_rows {
        raw_numbers(data, past, log, r as usize, &mut raw);
        for (jj, &j) in numeric.iter().enumerate() {
            let v = raw[j];
            if !v.is_nan() {
                sum[jj] += f64::from(v);
                sum_sq[jj] += f64::from(v) * f64::from(v);
                count[jj] += 1;
            }
        }
    }
    let mut mean = vec![0f32; k];
    let mut sd = vec![1f32; k];
    for j in 0..k {
        if count[j] > 0 {
            let n = count[j] as f64;
            let m = sum[j] / n;
            let var = (sum_sq[j] / n - m * m).max(0.0);
            mean[j] = m as f32;
            sd[j] = if var > 1e-12 { var.sqrt() as f32 } else { 1.0 };
        }
    }
    (mean, sd)
}
