//! The fixture's three interaction logs: the policy's two standard logs, which favour clickbait
//! and serve it mostly in the high-click tab, and the random-exposure log, where videos and tabs
//! are drawn independently (see [`super::fixture`] for the generator's structure).

use std::path::Path;

use rand::distr::Distribution;
use rand::distr::weighted::WeightedIndex;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::files::LOG_COLUMNS;
use super::fixture_model::{
    BASE_TAB_WEIGHTS, DAY_MS, START_MS, TAB_EFFECT, TOPICS, User, Video, io_err, normal, sigmoid,
};
use crate::error::{Error, Result};
use crate::fs::write_atomically;
use crate::scm::derive_seed;

/// `date` of day `d` after 2022-04-08 (d < 31).
fn date_of(day: i64) -> i64 {
    let d = 8 + day;
    if d <= 30 {
        20_220_400 + d
    } else {
        20_220_500 + d - 30
    }
}

pub(super) fn write_log(
    path: &Path,
    users: &[User],
    videos: &[Video],
    rows: usize,
    days: std::ops::Range<i64>,
    random: bool,
    seed: u64,
) -> Result<()> {
    let label = format!(
        "fixture log {}",
        path.file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default()
    );
    let mut rng = ChaCha8Rng::seed_from_u64(derive_seed(seed, &label));
    let policy = Policy::new(users, videos)?;
    write_atomically(path, |w| {
        let err = io_err(path);
        writeln!(w, "{}", LOG_COLUMNS.join(",")).map_err(&err)?;
        for _ in 0..rows {
            write_row(w, &mut rng, &policy, users, videos, days.clone(), random).map_err(&err)?;
        }
        Ok(())
    })
}

/// How rows are drawn: users by activity; videos by the policy (quality and, above all,
/// clickbait), half the time among the user's topic; tabs by their base weights.
struct Policy {
    pick_user: WeightedIndex<f64>,
    pick_video: WeightedIndex<f64>,
    by_topic: Vec<(Vec<usize>, Option<WeightedIndex<f64>>)>,
    base_tab: WeightedIndex<f64>,
}

impl Policy {
    fn new(users: &[User], videos: &[Video]) -> Result<Self> {
        let pick_user = WeightedIndex::new(users.iter().map(|u| (0.5 * u.activity).exp()))
            .map_err(|e| Error::invalid(format!("fixture users: {e}")))?;
        // The policy favours quality and, above all, clickbait.
        let policy_weight =
            |v: &Video| (0.7 * v.quality + 1.2 * f64::from(u8::from(v.clickbait))).exp();
        let pick_video = WeightedIndex::new(videos.iter().map(policy_weight))
            .map_err(|e| Error::invalid(format!("fixture videos: {e}")))?;
        let by_topic: Vec<(Vec<usize>, Option<WeightedIndex<f64>>)> = (0..TOPICS)
            .map(|t| {
                let ids: Vec<usize> = (0..videos.len())
                    .filter(|&i| videos[i].topic == t)
                    .collect();
                let pick = WeightedIndex::new(ids.iter().map(|&i| policy_weight(&videos[i]))).ok();
                (ids, pick)
            })
            .collect();
        let base_tab = WeightedIndex::new(BASE_TAB_WEIGHTS)
            .map_err(|e| Error::invalid(format!("fixture tabs: {e}")))?;
        Ok(Policy {
            pick_user,
            pick_video,
            by_topic,
            base_tab,
        })
    }
}

/// Draws one row of a log and writes it as a CSV line.
fn write_row(
    w: &mut dyn std::io::Write,
    rng: &mut ChaCha8Rng,
    policy: &Policy,
    users: &[User],
    videos: &[Video],
    days: std::ops::Range<i64>,
    random: bool,
) -> std::io::Result<()> {
    let Policy {
        pick_user,
        pick_video,
        by_topic,
        base_tab,
    } = policy;
    let rng = &mut *rng;
    let u = pick_user.sample(rng);
    let user = &users[u];
    let v = if random {
        rng.random_range(0..videos.len())
    } else {
        match &by_topic[user.topic] {
            (ids, Some(pick)) if rng.random_bool(0.5) => ids[pick.sample(rng)],
            _ => pick_video.sample(rng),
        }
    };
    let video = &videos[v];
    let featured = if random {
        0.2
    } else if video.clickbait {
        0.85
    } else {
        0.05
    };
    let tab = if rng.random_bool(featured) {
        1
    } else {
        base_tab.sample(rng)
    };
    let matched = f64::from(u8::from(user.topic == video.topic));
    let logit = -1.2 + 0.6 * user.activity + 1.4 * matched + 0.8 * video.quality + TAB_EFFECT[tab];
    let click = rng.random_bool(sigmoid(logit));
    let duration = video.duration_ms;
    let play = if click {
        (sigmoid(0.8 * video.quality + matched + normal(rng)) * 1.5 * duration).round()
    } else {
        (rng.random::<f64>() * duration.min(3_000.0)).round()
    };
    let long_view = if duration <= 18_000.0 {
        play >= duration
    } else {
        play >= 18_000.0
    };
    let like = click && rng.random_bool(sigmoid(video.quality - 2.5));
    let follow = click && rng.random_bool(0.01);
    let comment = click && rng.random_bool(0.01);
    let forward = click && rng.random_bool(0.005);
    let hate = !click && rng.random_bool(0.002);
    let profile = rng.random_bool(0.02);
    let day = rng.random_range(days);
    let hour = rng.random_range(0..24i64);
    let time_ms = START_MS + day * DAY_MS + hour * 3_600_000 + rng.random_range(0..3_600_000);
    let b = |v: bool| u8::from(v);
    writeln!(
        w,
        "{u},{v},{},{},{time_ms},{},{},{},{},{},{},{},{play},{duration},{},{},{},{},{tab}",
        date_of(day),
        hour * 100,
        b(click),
        b(like),
        b(follow),
        b(comment),
        b(forward),
        b(hate),
        b(long_view),
        if profile {
            rng.random_range(1_000..60_000)
        } else {
            0
        },
        if comment {
            rng.random_range(1_000..60_000)
        } else {
            0
        },
        b(profile),
        b(random),
    )
}
