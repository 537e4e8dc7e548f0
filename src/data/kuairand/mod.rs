//! KuaiRand (Gao et al., CIKM 2022), real short-video recommendation logs that a user downloads
//! (method.md §8): locating a KuaiRand-Pure or KuaiRand-1K folder, streaming its CSV files into
//! compact columns with a binary cache next to them, the held-out split, the encoding into
//! model inputs, and a generator of a synthetic folder in the same format.

mod blocks;
mod cache;
mod cache_codec;
mod encode;
mod files;
mod fingerprint;
mod fixture;
mod fixture_log;
mod fixture_model;
mod load;
mod options;
mod parse;
mod past;
mod reader;
mod split;
mod tables;

pub use crate::data::logs::{LoadEvent, LoadObserver, QuietLoad, bucket_of};
pub use cache::{CACHE_FILE_NAME, CACHE_VERSION, decode_kuairand_cache};
pub use encode::{EncodedRows, Encoder};
pub use files::{
    KuaiRandFiles, LOG_COLUMNS, USER_COLUMNS, VIDEO_BASIC_COLUMNS, VIDEO_STATISTIC_COLUMNS, Variant,
};
pub use fixture::{FixtureConfig, SHORTCUT_UPLOAD_TYPE, write_fixture};
pub use load::{CachePolicy, load_kuairand};
pub use options::{ConfounderProxy, EncodeOptions, LEAKAGE_WARNING, Outcome, TAB_CLASSES};
pub use split::split_by_date;
pub use tables::{
    EntityTable, KuaiRandData, LogKind, LogTable, MISSING, USER_CATEGORICAL, USER_NUMERIC,
    VIDEO_CATEGORICAL, VIDEO_NUMERIC,
};
