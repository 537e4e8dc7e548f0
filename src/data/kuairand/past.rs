//! What the past says: statistics of users and videos, and the videos' popularity classes,
//! computed from the standard-log rows dated before the evaluation window only (never from the
//! rows the models train or are tested on).

use super::tables::KuaiRandData;

/// Pseudo-impressions at the past's overall rate that every user's and video's past rate is
/// shrunk with, so that a video seen twice does not read as a 0 % or 100 % click rate.
const PAST_PRIOR: f64 = 20.0;

/// What the past (standard-log rows dated before the evaluation window) says of each user and
/// video: impressions, and click and long-view rates shrunk towards the past's overall rates.
/// Nothing in it comes from the rows models train or are tested on.
#[derive(Clone, Debug, Default)]
pub(super) struct PastStats {
    /// Per user: impressions, clicks.
    user: Vec<[u32; 2]>,
    /// Per video: impressions, clicks, long views.
    video: Vec<[u32; 3]>,
    /// The past's click and long-view rates.
    rates: [f64; 2],
}

impl PastStats {
    pub(super) fn of(data: &KuaiRandData, past_rows: &[u32]) -> Self {
        let log = &data.standard;
        let mut user = vec![[0u32; 2]; data.users.len()];
        let mut video = vec![[0u32; 3]; data.videos.len()];
        let (mut clicks, mut long) = (0u64, 0u64);
        for &r in past_rows {
            let r = r as usize;
            let (u, v) = (log.user[r] as usize, log.video[r] as usize);
            let (c, l) = (u32::from(log.is_click[r]), u32::from(log.long_view[r]));
            user[u][0] += 1;
            user[u][1] += c;
            video[v][0] += 1;
            video[v][1] += c;
            video[v][2] += l;
            clicks += u64::from(c);
            long += u64::from(l);
        }
        let n = past_rows.len().max(1) as f64;
        PastStats {
            user,
            video,
            rates: [clicks as f64 / n, long as f64 / n],
        }
    }

    /// Entry `k` (the `Past` inputs of `encode`'s `NUMERIC`) for user row `u` and video row
    /// `v` (NaN for a row out of range): 0 and 1 are the user's, 2 to 4 the video's.
    pub(super) fn value(&self, k: usize, u: u32, v: u32) -> f32 {
        match k {
            0 | 1 => self.user.get(u as usize).map_or(f32::NAN, |us| match k {
                0 => us[0] as f32,
                _ => self.shrunk(us[1], us[0], 0),
            }),
            _ => self.video_value(k, v),
        }
    }

    /// Entry `k` (2 to 4) for video row `v`: impressions, click rate, long-view rate.
    pub(super) fn video_value(&self, k: usize, v: u32) -> f32 {
        self.video.get(v as usize).map_or(f32::NAN, |vs| match k {
            2 => vs[0] as f32,
            3 => self.shrunk(vs[1], vs[0], 0),
            _ => self.shrunk(vs[2], vs[0], 1),
        })
    }

    /// `hits` of `n` impressions shrunk towards the past's overall rate `rates[rate]`.
    fn shrunk(&self, hits: u32, n: u32, rate: usize) -> f32 {
        ((f64::from(hits) + PAST_PRIOR * self.rates[rate]) / (f64::from(n) + PAST_PRIOR)) as f32
    }
}

/// Each video's popularity class: its impressions among the past rows, cut at the quantiles of
/// that count over the past rows (so each class holds about the same number of past rows; a
/// video the past never showed is in the lowest).
pub(super) fn popularity_classes(
    data: &KuaiRandData,
    past_rows: &[u32],
    k: usize,
) -> (Vec<u8>, Vec<u32>) {
    let mut count = vec![0u32; data.videos.len()];
    for &r in past_rows {
        count[data.standard.video[r as usize] as usize] += 1;
    }
    let mut per_row: Vec<u32> = past_rows
        .iter()
        .map(|&r| count[data.standard.video[r as usize] as usize])
        .collect();
    per_row.sort_unstable();
    let edges: Vec<u32> = (1..k).map(|i| per_row[i * per_row.len() / k]).collect();
    let classes = count
        .iter()
        .map(|&c| edges.partition_point(|&e| e <= c) as u8)
        .collect();
    (classes, edges)
}
