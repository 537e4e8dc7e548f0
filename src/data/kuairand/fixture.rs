//! A synthetic dataset in exactly KuaiRand-Pure's layout (`data/` with the six files and every
//! column), deterministic from a seed, for tests, demos and load benchmarks.
//!
//! The generator has a real confounding structure. A click depends on the user's activity, on
//! whether the video's topic (`tag`) matches the user's preferred topic (shown, noisily, by the
//! user's `onehot_feat1`), on the video's latent quality (shown, noisily, by its statistics),
//! and on the tab the video is served in (tab 1, a featured page, raises clicks). In the
//! standard logs the policy serves "clickbait" videos (`upload_type` [`SHORTCUT_UPLOAD_TYPE`])
//! more often and mostly in tab 1, so that upload type predicts clicks only through the tab, a
//! confounder the models never see as an input. In the random-exposure log videos are drawn
//! uniformly and tabs independently of the video, so the shortcut breaks while the causal
//! features keep their effect.

use std::path::Path;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::files::{
    KuaiRandFiles, USER_COLUMNS, VIDEO_BASIC_COLUMNS, VIDEO_STATISTIC_COLUMNS, Variant,
};
use super::fixture_log::write_log;
use super::fixture_model::{TOPICS, User, Video, csv_err, io_err, normal, sigmoid};
use crate::error::{Error, Result};
use crate::fs::write_atomically;
use crate::scm::derive_seed;

/// The `upload_type` of the fixture's clickbait videos: in the standard logs they are served
/// mostly in the high-click tab 1, in the random log they are not.
pub const SHORTCUT_UPLOAD_TYPE: &str = "ShortCamera";

/// Other upload types of the fixture's videos.
const OTHER_UPLOAD_TYPES: [&str; 5] = ["ShortImport", "LongImport", "Web", "Kmovie", "LongPicture"];

/// Share of the standard rows in the first period (KuaiRand-Pure: about 1.14 M of 1.44 M).
const EARLY_SHARE: f64 = 0.79;

/// Sizes and seed of a generated dataset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FixtureConfig {
    /// Users.
    pub users: usize,
    /// Videos.
    pub videos: usize,
    /// Rows of the two standard logs together.
    pub standard_rows: usize,
    /// Rows of the random-exposure log.
    pub random_rows: usize,
    /// Seed of every draw.
    pub seed: u64,
}

impl Default for FixtureConfig {
    fn default() -> Self {
        FixtureConfig {
            users: 400,
            videos: 300,
            standard_rows: 30_000,
            random_rows: 10_000,
            seed: 0,
        }
    }
}

impl FixtureConfig {
    /// KuaiRand-Pure's size: 27,285 users, 7,583 videos, 1,436,609 standard and 1,186,059
    /// random-exposure rows.
    pub fn pure_scale(seed: u64) -> Self {
        FixtureConfig {
            users: 27_285,
            videos: 7_583,
            standard_rows: 1_436_609,
            random_rows: 1_186_059,
            seed,
        }
    }

    fn validate(&self) -> Result<()> {
        for (name, v) in [
            ("users", self.users),
            ("videos", self.videos),
            ("standard_rows", self.standard_rows),
            ("random_rows", self.random_rows),
        ] {
            if v == 0 {
                return Err(Error::invalid(format!(
                    "the fixture's `{name}` must be at least 1"
                )));
            }
        }
        Ok(())
    }
}

/// Writes a KuaiRand-Pure-shaped dataset into `root/data` (created if missing) and returns its
/// files. Every value is drawn from streams seeded by `config.seed`.
pub fn write_fixture(root: &Path, config: &FixtureConfig) -> Result<KuaiRandFiles> {
    config.validate()?;
    let dir = root.join("data");
    std::fs::create_dir_all(&dir).map_err(|e| Error::io("cannot create", &dir, e))?;
    let names = Variant::Pure.file_names();
    let users = write_users(&dir.join(&names[3]), config)?;
    let videos = write_videos(&dir.join(&names[4]), &dir.join(&names[5]), config)?;
    let early = ((config.standard_rows as f64 * EARLY_SHARE).round() as usize)
        .clamp(1, config.standard_rows);
    let logs = [
        (&names[0], early, 0..14, false),
        (&names[1], config.standard_rows - early, 14..31, false),
        (&names[2], config.random_rows, 14..31, true),
    ];
    for (name, rows, days, random) in logs {
        write_log(
            &dir.join(name),
            &users,
            &videos,
            rows,
            days,
            random,
            config.seed,
        )?;
    }
    KuaiRandFiles::locate(&dir)
}

/// The bucket labels of the users' counts: (upper bound, label); past the last, the label
/// given where they are used.
const FOLLOW_RANGES: [(u64, &str); 7] = [
    (0, "0"),
    (10, "(0,10]"),
    (50, "(10,50]"),
    (100, "(50,100]"),
    (150, "(100,150]"),
    (250, "(150,250]"),
    (500, "(250,500]"),
];
const FANS_RANGES: [(u64, &str); 6] = [
    (0, "0"),
    (9, "[1,10)"),
    (99, "[10,100)"),
    (999, "[100,1k)"),
    (4999, "[1k,5k)"),
    (9999, "[5k,1w)"),
];
const FRIEND_RANGES: [(u64, &str); 6] = [
    (0, "0"),
    (4, "[1,5)"),
    (29, "[5,30)"),
    (59, "[30,60)"),
    (119, "[60,120)"),
    (249, "[120,250)"),
];
const REGISTER_RANGES: [(u64, &str); 6] = [
    (30, "15-30"),
    (60, "31-60"),
    (90, "61-90"),
    (180, "91-180"),
    (365, "181-365"),
    (730, "366-730"),
];

fn range_label(v: u64, edges: &[(u64, &'static str)], last: &'static str) -> &'static str {
    edges
        .iter()
        .find(|(hi, _)| v <= *hi)
        .map_or(last, |(_, l)| l)
}

fn write_users(path: &Path, config: &FixtureConfig) -> Result<Vec<User>> {
    let mut rng = ChaCha8Rng::seed_from_u64(derive_seed(config.seed, "fixture users"));
    let mut users = Vec::with_capacity(config.users);
    write_atomically(path, |w| {
        let mut out = csv::Writer::from_writer(w);
        out.write_record(USER_COLUMNS).map_err(csv_err(path))?;
        for id in 0..config.users {
            let activity = normal(&mut rng);
            let topic = rng.random_range(0..TOPICS);
            let degree = match activity {
                a if a > 1.0 => "full_active",
                a if a > 0.0 => "high_active",
                a if a > -1.0 => "middle_active",
                _ => "UNKNOWN",
            };
            let follow = (2.0 + 0.8 * activity + normal(&mut rng)).exp().floor() as u64;
            let fans = (1.0 + 1.5 * normal(&mut rng)).exp().floor() as u64;
            let friends = ((0.5 * activity + normal(&mut rng)).exp() - 1.0).max(0.0) as u64;
            let register = 15 + (6.0 + normal(&mut rng)).exp().min(4000.0) as u64;
            let follow_range = range_label(follow, &FOLLOW_RANGES, "500+");
            let fans_range = range_label(fans, &FANS_RANGES, "[1w,10w)");
            let friend_range = range_label(friends, &FRIEND_RANGES, "250+");
            let register_range = range_label(register, &REGISTER_RANGES, "730+");
            let mut rec: Vec<String> = vec![
                id.to_string(),
                degree.into(),
                u8::from(rng.random_bool(0.05)).to_string(),
                u8::from(rng.random_bool(0.03)).to_string(),
                u8::from(rng.random_bool(0.3)).to_string(),
                follow.to_string(),
                follow_range.into(),
                fans.to_string(),
                fans_range.into(),
                friends.to_string(),
                friend_range.into(),
                register.to_string(),
                register_range.into(),
            ];
            for (k, range) in [
                2u64, 7, 50, 1471, 15, 34, 3, 118, 454, 7, 5, 5, 2, 2, 2, 2, 2, 2,
            ]
            .into_iter()
            .enumerate()
            {
                // onehot_feat1 shows the preferred topic, with noise.
                let v = if k == 1 && rng.random_bool(0.8) {
                    topic as u64
                } else {
                    rng.random_range(0..range)
                };
                rec.push(v.to_string());
            }
            out.write_record(&rec).map_err(csv_err(path))?;
            users.push(User { activity, topic });
        }
        out.flush().map_err(io_err(path))
    })?;
    Ok(users)
}

fn write_videos(basic: &Path, statistic: &Path, config: &FixtureConfig) -> Result<Vec<Video>> {
    let mut rng = ChaCha8Rng::seed_from_u64(derive_seed(config.seed, "fixture videos"));
    let n_authors = (config.videos / 3).max(1) as u64;
    let mut videos = Vec::with_capacity(config.videos);
    write_atomically(basic, |w| {
        let mut out = csv::Writer::from_writer(w);
        out.write_record(VIDEO_BASIC_COLUMNS)
            .map_err(csv_err(basic))?;
        for id in 0..config.videos {
            let topic = rng.random_range(0..TOPICS);
            let quality = normal(&mut rng);
            let clickbait = rng.random_bool(0.3);
            let duration_ms = (10.3 + 0.8 * normal(&mut rng))
                .exp()
                .clamp(2_000.0, 600_000.0)
                .round();
            let upload_type = if clickbait {
                SHORTCUT_UPLOAD_TYPE
            } else {
                OTHER_UPLOAD_TYPES[rng.random_range(0..OTHER_UPLOAD_TYPES.len())]
            };
            let tag = if rng.random_bool(0.3) {
                format!("{topic},{}", rng.random_range(10..70))
            } else {
                topic.to_string()
            };
            let (width, height) = if rng.random_bool(0.8) {
                (720, 1280)
            } else {
                (1080, 1920)
            };
            let day = rng.random_range(1..=28);
            let rec = [
                id.to_string(),
                (rng.random_range(0..n_authors) * 7 + 11).to_string(),
                (if rng.random_bool(0.05) {
                    "AD"
                } else {
                    "NORMAL"
                })
                .to_owned(),
                format!("2022-03-{day:02}"),
                upload_type.to_owned(),
                "1".to_owned(),
                (if rng.random_bool(0.02) {
                    String::new()
                } else {
                    format!("{duration_ms:.1}")
                }),
                width.to_string(),
                height.to_string(),
                rng.random_range(1_000_000u64..999_999_999).to_string(),
                (if rng.random_bool(0.1) {
                    String::new()
                } else {
                    rng.random_range(0..12).to_string()
                }),
                tag,
            ];
            out.write_record(&rec).map_err(csv_err(basic))?;
            videos.push(Video {
                topic,
                quality,
                clickbait,
                duration_ms,
            });
        }
        out.flush().map_err(io_err(basic))
    })?;
    write_atomically(statistic, |w| {
        let mut out = csv::Writer::from_writer(w);
        out.write_record(VIDEO_STATISTIC_COLUMNS)
            .map_err(csv_err(statistic))?;
        for (id, v) in videos.iter().enumerate() {
            // Daily averages: exposure follows the policy's preference, rates follow quality.
            let show = (3.0
                + 0.7 * v.quality
                + 1.2 * f64::from(u8::from(v.clickbait))
                + 0.5 * normal(&mut rng))
            .exp();
            let q = v.quality + 0.5 * normal(&mut rng);
            let play = show * sigmoid(q - 0.5);
            let mut rec = vec![id.to_string(), rng.random_range(5..60).to_string()];
            for name in &VIDEO_STATISTIC_COLUMNS[2..] {
                let value = match *name {
                    "show_cnt" => show,
                    "show_user_num" => show * 0.9,
                    "play_cnt" => play,
                    "play_user_num" => play * 0.9,
                    "play_duration" => play * v.duration_ms * sigmoid(q),
                    "complete_play_cnt" | "complete_play_user_num" => play * sigmoid(q - 1.5),
                    "valid_play_cnt" | "valid_play_user_num" => play * sigmoid(q),
                    "long_time_play_cnt" | "long_time_play_user_num" => play * sigmoid(q - 0.5),
                    "short_time_play_cnt" | "short_time_play_user_num" => play * sigmoid(-q),
                    "play_progress" => sigmoid(q - 0.5),
                    "like_cnt" | "like_user_num" => play * sigmoid(q - 3.0),
                    _ => show * 0.002 * rng.random::<f64>(),
                };
                rec.push(format!("{value:.3}"));
            }
            out.write_record(&rec).map_err(csv_err(statistic))?;
        }
        out.flush().map_err(io_err(statistic))
    })?;
    Ok(videos)
}
