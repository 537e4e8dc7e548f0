//! Where a KuaiRand download keeps its files, and the columns each file holds (method.md §8).

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Which KuaiRand release a folder holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Variant {
    /// KuaiRand-Pure: 27,285 users, 1.44 M standard and 1.19 M random-exposure rows.
    Pure,
    /// KuaiRand-1K: 1,000 users, 11.7 M standard and 43 k random-exposure rows.
    OneK,
}

impl Variant {
    /// Both releases, in the order a folder is checked for them.
    pub const ALL: [Variant; 2] = [Variant::Pure, Variant::OneK];

    /// The suffix of every file name: `pure` or `1k`.
    pub fn suffix(self) -> &'static str {
        match self {
            Variant::Pure => "pure",
            Variant::OneK => "1k",
        }
    }

    /// The six file names of this release, in [`KuaiRandFiles`] order.
    pub fn file_names(self) -> [String; 6] {
        let s = self.suffix();
        [
            format!("log_standard_4_08_to_4_21_{s}.csv"),
            format!("log_standard_4_22_to_5_08_{s}.csv"),
            format!("log_random_4_22_to_5_08_{s}.csv"),
            format!("user_features_{s}.csv"),
            format!("video_features_basic_{s}.csv"),
            format!("video_features_statistic_{s}.csv"),
        ]
    }
}

impl fmt::Display for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Variant::Pure => "KuaiRand-Pure",
            Variant::OneK => "KuaiRand-1K",
        })
    }
}

/// Every column of a log file (`log_standard_*`, `log_random_*`), in file order.
pub const LOG_COLUMNS: [&str; 19] = [
    "user_id",
    "video_id",
    "date",
    "hourmin",
    "time_ms",
    "is_click",
    "is_like",
    "is_follow",
    "is_comment",
    "is_forward",
    "is_hate",
    "long_view",
    "play_time_ms",
    "duration_ms",
    "profile_stay_time",
    "comment_stay_time",
    "is_profile_enter",
    "is_rand",
    "tab",
];

/// The anonymised one-hot user features of `user_features_*.csv`, in file order (they end it).
pub const USER_ONEHOT: [&str; 18] = [
    "onehot_feat0",
    "onehot_feat1",
    "onehot_feat2",
    "onehot_feat3",
    "onehot_feat4",
    "onehot_feat5",
    "onehot_feat6",
    "onehot_feat7",
    "onehot_feat8",
    "onehot_feat9",
    "onehot_feat10",
    "onehot_feat11",
    "onehot_feat12",
    "onehot_feat13",
    "onehot_feat14",
    "onehot_feat15",
    "onehot_feat16",
    "onehot_feat17",
];

/// Every column of `user_features_*.csv`, in file order.
pub const USER_COLUMNS: [&str; 31] = concat(
    [
        "user_id",
        "user_active_degree",
        "is_lowactive_period",
        "is_live_streamer",
        "is_video_author",
        "follow_user_num",
        "follow_user_num_range",
        "fans_user_num",
        "fans_user_num_range",
        "friend_user_num",
        "friend_user_num_range",
        "register_days",
        "register_days_range",
    ],
    USER_ONEHOT,
);

/// `a` followed by `b`, as a constant (`N` must be `A + B`).
pub const fn concat<const A: usize, const B: usize, const N: usize>(
    a: [&'static str; A],
    b: [&'static str; B],
) -> [&'static str; N] {
    assert!(A + B == N, "concat: N must be A + B");
    let mut out = [""; N];
    let mut i = 0;
    while i < A {
        out[i] = a[i];
        i += 1;
    }
    let mut j = 0;
    while j < B {
        out[A + j] = b[j];
        j += 1;
    }
    out
}

/// Every column of `video_features_basic_*.csv`, in file order.
pub const VIDEO_BASIC_COLUMNS: [&str; 12] = [
    "video_id",
    "author_id",
    "video_type",
    "upload_dt",
    "upload_type",
    "visible_status",
    "video_duration",
    "server_width",
    "server_height",
    "music_id",
    "music_type",
    "tag",
];

/// Every column of `video_features_statistic_*.csv`, in file order (KuaiRand's README).
pub const VIDEO_STATISTIC_COLUMNS: [&str; 52] = [
    "video_id",
    "counts",
    "show_cnt",
    "show_user_num",
    "play_cnt",
    "play_user_num",
    "play_duration",
    "complete_play_cnt",
    "complete_play_user_num",
    "valid_play_cnt",
    "valid_play_user_num",
    "long_time_play_cnt",
    "long_time_play_user_num",
    "short_time_play_cnt",
    "short_time_play_user_num",
    "play_progress",
    "comment_stay_duration",
    "like_cnt",
    "like_user_num",
    "click_like_cnt",
    "double_click_cnt",
    "cancel_like_cnt",
    "cancel_like_user_num",
    "comment_cnt",
    "comment_user_num",
    "direct_comment_cnt",
    "reply_comment_cnt",
    "delete_comment_cnt",
    "delete_comment_user_num",
    "comment_like_cnt",
    "comment_like_user_num",
    "follow_cnt",
    "follow_user_num",
    "cancel_follow_cnt",
    "cancel_follow_user_num",
    "share_cnt",
    "share_user_num",
    "download_cnt",
    "download_user_num",
    "report_cnt",
    "report_user_num",
    "reduce_similar_cnt",
    "reduce_similar_user_num",
    "collect_cnt",
    "collect_user_num",
    "cancel_collect_cnt",
    "cancel_collect_user_num",
    "direct_comment_user_num",
    "reply_comment_user_num",
    "share_all_cnt",
    "share_all_user_num",
    "outsite_share_all_cnt",
];

/// The six files of a KuaiRand folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KuaiRandFiles {
    /// Which release.
    pub variant: Variant,
    /// The folder that holds the CSV files (and the loader's cache).
    pub dir: PathBuf,
    /// `log_standard_4_08_to_4_21_*.csv` and `log_standard_4_22_to_5_08_*.csv`.
    pub standard: [PathBuf; 2],
    /// `log_random_4_22_to_5_08_*.csv`.
    pub random: PathBuf,
    /// `user_features_*.csv`.
    pub users: PathBuf,
    /// `video_features_basic_*.csv`.
    pub videos_basic: PathBuf,
    /// `video_features_statistic_*.csv`.
    pub videos_statistic: PathBuf,
}

impl KuaiRandFiles {
    /// The files of the release in `dir` or in `dir/data` (the layout of the downloaded
    /// archive). The release is recognised by its first standard log; an error names the first
    /// missing file, or says that neither release's log is there.
    pub fn locate(dir: &Path) -> Result<Self> {
        if !dir.is_dir() {
            return Err(Error::io(
                "cannot read the KuaiRand folder",
                dir,
                std::io::Error::new(std::io::ErrorKind::NotFound, "no such folder"),
            ));
        }
        let candidates = [dir.to_path_buf(), dir.join("data")];
        for folder in &candidates {
            for variant in Variant::ALL {
                let names = variant.file_names();
                if !folder.join(&names[0]).is_file() {
                    continue;
                }
                if let Some(missing) = names.iter().find(|n| !folder.join(n).is_file()) {
                    return Err(Error::BadFile {
                        path: folder.join(missing).display().to_string(),
                        detail: format!(
                            "file missing: a {variant} folder holds {}",
                            names.join(", ")
                        ),
                    });
                }
                let [s0, s1, r, u, vb, vs] = names.map(|n| folder.join(n));
                return Ok(KuaiRandFiles {
                    variant,
                    dir: folder.clone(),
                    standard: [s0, s1],
                    random: r,
                    users: u,
                    videos_basic: vb,
                    videos_statistic: vs,
                });
            }
        }
        Err(Error::BadFile {
            path: dir.display().to_string(),
            detail: format!(
                "not a KuaiRand folder: found neither {} (KuaiRand-Pure) nor {} (KuaiRand-1K) \
                 here or in its `data` folder (KuaiRand-27K's split files are not supported)",
                Variant::Pure.file_names()[0],
                Variant::OneK.file_names()[0]
            ),
        })
    }

    /// The six files in a fixed order: standard logs, random log, users, video basics, video
    /// statistics.
    pub fn all(&self) -> [&Path; 6] {
        [
            &self.standard[0],
            &self.standard[1],
            &self.random,
            &self.users,
            &self.videos_basic,
            &self.videos_statistic,
        ]
    }
}
