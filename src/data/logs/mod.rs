//! Logged interactions from any source (method.md §11): a mapping from a file's columns to the
//! outcome, the inputs, the confounder proxy, the user and the time; a streaming CSV/TSV reader
//! for the user's own logs; the Yahoo! R3 and Coat adapters; the encoder into model inputs;
//! and synthetic fixtures in each source's exact layout.

mod builder;
mod coat;
mod delimiter;
mod encode;
mod fixture;
mod guess;
mod hash;
mod mapping;
mod preview;
mod progress;
mod ratings;
mod read;
mod role;
mod split;
mod table;
mod yahoo;

pub use builder::{ColumnIndex, LogsBuilder, MAX_CONFOUNDER_VALUES, Part, ReadLimits};
pub use coat::{COAT_FEATURES, COAT_TEST, COAT_TRAIN, read_coat, write_coat_fixture};
pub use delimiter::Delimiter;
pub use encode::{EncodedLogs, ITEM_PRIOR, LogSet, LogsEncoder, MAX_CONFOUNDER_CLASSES};
pub use fixture::{
    LogsFixtureConfig, LogsFixtureFiles, RatingFixtureConfig, fixture_mapping, write_logs_fixture,
};
pub use guess::guess_roles;
pub use hash::{bucket_of, category_key};
pub use mapping::{
    DEFAULT_BUCKETS, LogMapping, MAPPING_FORMAT, MAX_BUCKETS, MAX_FEATURES, SplitColumn,
};
pub use preview::{Preview, preview};
pub use progress::{LoadEvent, LoadObserver, QuietLoad};
pub use ratings::RatingOptions;
pub use read::{LogFiles, read_logs};
pub use role::ColumnRole;
pub use split::{Split, TimeSplit, sample_rows, split_by_time, split_rows, split_standard};
pub use table::{LogColumns, LogsData, MISSING_KEY, NO_CLASS};
pub use yahoo::{YAHOO_TEST, YAHOO_TRAIN, locate_yahoo_r3, read_yahoo_r3, write_yahoo_fixture};
