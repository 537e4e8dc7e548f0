//! Where KuaiRand's categories land in x: one one-hot block of buckets per field (the user id
//! and the user's categories, the video id and the video's, the hour of day), and per user and
//! per video the x column each field sets.

use super::tables::{EntityTable, KuaiRandData};
use crate::data::logs::bucket_of;

/// A field with no value sets no column.
pub(super) const NO_SLOT: u32 = u32::MAX;

/// Value ranges of the user's `onehot_feat0..17` (KuaiRand's README).
const ONEHOT_RANGES: [usize; 18] = [
    2, 7, 50, 1471, 15, 34, 3, 118, 454, 7, 5, 5, 2, 2, 2, 2, 2, 2,
];

/// Buckets of the user's categorical column `col` (in [`USER_CATEGORICAL`] order).
///
/// [`USER_CATEGORICAL`]: super::tables::USER_CATEGORICAL
fn user_buckets(col: usize, id_buckets: usize) -> usize {
    match col {
        // user_active_degree: four texts, no two in one of 8 buckets.
        0 => 8,
        c => ONEHOT_RANGES[c - 1].min(id_buckets),
    }
}

/// Buckets of the video's categorical column `col` (in [`VIDEO_CATEGORICAL`] order).
///
/// [`VIDEO_CATEGORICAL`]: super::tables::VIDEO_CATEGORICAL
fn video_buckets(col: usize, id_buckets: usize) -> usize {
    match col {
        // author_id, tag
        0 | 4 => id_buckets,
        // video_type: NORMAL or AD.
        1 => 4,
        // upload_type, music_type
        _ => 16,
    }
}

/// Where the one-hot blocks of the categories sit in x: per user and per video, the x column
/// each field sets (or [`NO_SLOT`]), and the hour-of-day block's first column.
pub(super) struct CategoryBlocks {
    pub(super) user_slots: Vec<u32>,
    pub(super) user_fields: usize,
    pub(super) video_slots: Vec<u32>,
    pub(super) video_fields: usize,
    pub(super) hour_offset: usize,
}

impl CategoryBlocks {
    /// Lays the blocks out after the `names` already there (the numbers), in order: user id
    /// and the user's categories, video id and the video's, hour; their column names are added
    /// to `names`.
    pub(super) fn lay_out(data: &KuaiRandData, id_buckets: usize, names: &mut Vec<String>) -> Self {
        let mut offset = names.len();
        let mut block = |names: &mut Vec<String>, field: &str, buckets: usize| {
            names.extend((0..buckets).map(|b| format!("{field}#{b}")));
            let start = offset;
            offset += buckets;
            start
        };
        let user_fields = 1 + data.users.categorical_names.len();
        let mut user_starts = vec![block(names, "user_id", id_buckets)];
        let mut user_sizes = vec![id_buckets];
        for (c, name) in data.users.categorical_names.iter().enumerate() {
            let b = user_buckets(c, id_buckets);
            user_starts.push(block(names, name, b));
            user_sizes.push(b);
        }
        let video_fields = 1 + data.videos.categorical_names.len();
        let mut video_starts = vec![block(names, "video_id", id_buckets)];
        let mut video_sizes = vec![id_buckets];
        for (c, name) in data.videos.categorical_names.iter().enumerate() {
            let b = video_buckets(c, id_buckets);
            video_starts.push(block(names, name, b));
            video_sizes.push(b);
        }
        let hour_offset = block(names, "hour", 24);
        CategoryBlocks {
            user_slots: slots(&data.users, &user_starts, &user_sizes),
            user_fields,
            video_slots: slots(&data.videos, &video_starts, &video_sizes),
            video_fields,
            hour_offset,
        }
    }
}

/// Per row of `table` and per field (the id, then each category), the x column it sets.
fn slots(table: &EntityTable, starts: &[usize], sizes: &[usize]) -> Vec<u32> {
    let mut out = Vec::with_capacity(table.len() * starts.len());
    for row in 0..table.len() as u32 {
        out.push((starts[0] + (table.ids[row as usize] % sizes[0] as u64) as usize) as u32);
        for c in 0..table.categorical_names.len() {
            out.push(match table.category(row, c) {
                Some(text) => (starts[c + 1] + bucket_of(text, sizes[c + 1])) as u32,
                None => NO_SLOT,
            });
        }
    }
    out
}
