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
        let mut layout = Layout {
            offset: names.len(),
            names,
        };
        let (user_slots, user_fields) =
            layout.entity(&data.users, "user_id", id_buckets, user_buckets);
        let (video_slots, video_fields) =
            layout.entity(&data.videos, "video_id", id_buckets, video_buckets);
        let hour_offset = layout.block("hour", 24);
        CategoryBlocks {
            user_slots,
            user_fields,
            video_slots,
            video_fields,
            hour_offset,
        }
    }
}

/// The columns laid out so far: their names, and where the next block starts.
struct Layout<'a> {
    names: &'a mut Vec<String>,
    offset: usize,
}

impl Layout<'_> {
    /// Adds a block of `buckets` columns named `field#0`, `field#1`, …; returns its first column.
    fn block(&mut self, field: &str, buckets: usize) -> usize {
        self.names
            .extend((0..buckets).map(|b| format!("{field}#{b}")));
        let start = self.offset;
        self.offset += buckets;
        start
    }

    /// Adds the blocks of an entity's fields: its id (`id_field`, `id_buckets` buckets), then
    /// each of `table`'s categories (`buckets(col, id_buckets)` buckets). Returns, per row of
    /// `table` and per field, the x column it sets, and the number of fields.
    fn entity(
        &mut self,
        table: &EntityTable,
        id_field: &str,
        id_buckets: usize,
        buckets: fn(usize, usize) -> usize,
    ) -> (Vec<u32>, usize) {
        let mut starts = vec![self.block(id_field, id_buckets)];
        let mut sizes = vec![id_buckets];
        for (c, name) in table.categorical_names.iter().enumerate() {
            let b = buckets(c, id_buckets);
            starts.push(self.block(name, b));
            sizes.push(b);
        }
        (
            slots(table, &starts, &sizes),
            1 + table.categorical_names.len(),
        )
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
