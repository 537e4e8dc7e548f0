//! Synthetic logged interactions with a real confounding structure, deterministic from a seed:
//! a CSV pair with its mapping file (the "your own logs" fixture), and the latent users and
//! items the Yahoo! R3 and Coat fixtures draw their ratings from.
//!
//! A click depends on the user's activity (`user_age` shows it, noisily), on whether the item's
//! genre matches the user's favourite, on the item's latent quality, and on the slot the
//! logging policy showed it in (`top` raises clicks). In the training log the policy shows
//! "badged" items more often and mostly in the top slot, so the badge predicts clicks only
//! through the slot, a confounder the models never see. In the test log items are drawn
//! uniformly and the slot independently of the item: the shortcut breaks, the causal features
//! keep their effect.

use std::path::{Path, PathBuf};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;

use super::mapping::LogMapping;
use crate::error::{Error, Result};
use crate::fs::write_atomically;
use crate::scm::derive_seed;

/// Genres of items and users' favourites.
pub(super) const GENRES: usize = 6;

/// Sizes and seed of the generic fixture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogsFixtureConfig {
    /// Users.
    pub users: usize,
    /// Items.
    pub items: usize,
    /// Rows of the training log.
    pub train_rows: usize,
    /// Rows of the test log.
    pub test_rows: usize,
    /// Seed of every draw.
    pub seed: u64,
}

impl Default for LogsFixtureConfig {
    fn default() -> Self {
        LogsFixtureConfig {
            users: 500,
            items: 300,
            train_rows: 20_000,
            test_rows: 5_000,
            seed: 0,
        }
    }
}

/// The files the generic fixture writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogsFixtureFiles {
    /// `train.csv`.
    pub train: PathBuf,
    /// `test.csv`.
    pub test: PathBuf,
    /// `mapping.json`.
    pub mapping: PathBuf,
}

/// Latent users and items.
pub(super) struct World {
    pub activity: Vec<f64>,
    pub favourite: Vec<usize>,
    pub genre: Vec<usize>,
    pub quality: Vec<f64>,
    pub badge: Vec<bool>,
    /// The logging policy's weight of each item (a few items are shown far more).
    pub exposure: Vec<f64>,
}

impl World {
    pub fn draw(users: usize, items: usize, rng: &mut ChaCha8Rng) -> Self {
        let normal = |rng: &mut ChaCha8Rng| rng.sample::<f64, _>(StandardNormal);
        let activity = (0..users).map(|_| normal(rng)).collect();
        let favourite = (0..users).map(|_| rng.random_range(0..GENRES)).collect();
        let genre = (0..items).map(|_| rng.random_range(0..GENRES)).collect();
        let quality = (0..items).map(|_| normal(rng)).collect();
        let badge: Vec<bool> = (0..items).map(|_| rng.random_bool(0.25)).collect();
        let exposure = (0..items)
            .map(|i| (1.2 * normal(rng) + if badge[i] { 1.0 } else { 0.0 }).exp())
            .collect();
        World {
            activity,
            favourite,
            genre,
            quality,
            badge,
            exposure,
        }
    }

    /// An item drawn by the policy's exposure weights (cumulative `cdf`), or uniformly.
    pub fn pick_item(&self, cdf: Option<&[f64]>, rng: &mut ChaCha8Rng) -> usize {
        match cdf {
            Some(cdf) => {
                let u = rng.random::<f64>() * cdf.last().copied().unwrap_or(1.0);
                cdf.partition_point(|&c| c < u).min(cdf.len() - 1)
            }
            None => rng.random_range(0..self.quality.len()),
        }
    }

    /// The cumulative exposure weights.
    pub fn exposure_cdf(&self) -> Vec<f64> {
        self.exposure
            .iter()
            .scan(0.0, |s, &w| {
                *s += w;
                Some(*s)
            })
            .collect()
    }

    /// How much user `u` likes item `i`, before noise and the slot.
    pub fn affinity(&self, u: usize, i: usize) -> f64 {
        0.5 * self.activity[u]
            + 1.2 * f64::from(u8::from(self.favourite[u] == self.genre[i]))
            + 0.8 * self.quality[i]
    }
}

/// The mapping of the generic fixture's files.
pub fn fixture_mapping() -> LogMapping {
    LogMapping {
        outcome: "click".into(),
        numeric: vec!["user_age".into()],
        categorical: vec![
            "user_id".into(),
            "item_id".into(),
            "favourite_genre".into(),
            "item_genre".into(),
            "badge".into(),
        ],
        confounders: vec!["slot".into()],
        user: Some("user_id".into()),
        time: Some("ts".into()),
        ..LogMapping::default()
    }
}

const HEADER: &str = "user_id,item_id,user_age,favourite_genre,item_genre,badge,slot,ts,click";

/// Writes `train.csv`, `test.csv` and `mapping.json` into `dir` (created if missing).
pub fn write_logs_fixture(dir: &Path, config: &LogsFixtureConfig) -> Result<LogsFixtureFiles> {
    if config.users == 0 || config.items == 0 || config.train_rows == 0 || config.test_rows == 0 {
        return Err(Error::invalid(
            "the fixture needs at least one user, item, training row and test row",
        ));
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::io("cannot create", dir, e))?;
    let mut rng = ChaCha8Rng::seed_from_u64(derive_seed(config.seed, "logs fixture world"));
    let world = World::draw(config.users, config.items, &mut rng);
    let cdf = world.exposure_cdf();
    let files = LogsFixtureFiles {
        train: dir.join("train.csv"),
        test: dir.join("test.csv"),
        mapping: dir.join("mapping.json"),
    };
    for (path, rows, policy, label) in [
        (&files.train, config.train_rows, true, "logs fixture train"),
        (&files.test, config.test_rows, false, "logs fixture test"),
    ] {
        let mut rng = ChaCha8Rng::seed_from_u64(derive_seed(config.seed, label));
        write_atomically(path, |w| {
            let io = |e| Error::io("cannot write", path.as_path(), e);
            writeln!(w, "{HEADER}").map_err(io)?;
            for row in 0..rows {
                let u = rng.random_range(0..config.users);
                let i = world.pick_item(policy.then_some(cdf.as_slice()), &mut rng);
                let top = if policy {
                    rng.random_bool(if world.badge[i] { 0.85 } else { 0.15 })
                } else {
                    rng.random_bool(0.3)
                };
                let logit = -1.0 + world.affinity(u, i) + if top { 1.5 } else { 0.0 };
                let click = rng.random_bool(1.0 / (1.0 + (-logit).exp()));
                let age =
                    30.0 + 8.0 * world.activity[u] + 4.0 * rng.sample::<f64, _>(StandardNormal);
                // The favourite genre is shown right four times in five.
                let shown = if rng.random_bool(0.8) {
                    world.favourite[u]
                } else {
                    rng.random_range(0..GENRES)
                };
                writeln!(
                    w,
                    "u{u},{i},{age:.1},g{shown},g{},{},{},{},{}",
                    world.genre[i],
                    if world.badge[i] { "yes" } else { "no" },
                    if top { "top" } else { "feed" },
                    1_650_000_000 + 60 * row as u64,
                    u8::from(click)
                )
                .map_err(io)?;
            }
            Ok(())
        })?;
    }
    fixture_mapping().save(&files.mapping)?;
    Ok(files)
}

/// Sizes and seed of a ratings fixture (Yahoo! R3's or Coat's layout).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RatingFixtureConfig {
    /// Users.
    pub users: usize,
    /// Items.
    pub items: usize,
    /// Ratings each user chose to give (the self-selected training set).
    pub train_per_user: usize,
    /// Ratings of randomly assigned items per user (the test set).
    pub test_per_user: usize,
    /// Seed of every draw.
    pub seed: u64,
}

/// A user's rating of an item, 1 to 5.
pub(super) type Rating = (usize, usize, u8);

/// Draws self-selected training ratings and randomly assigned test ratings. A rating is the
/// user's affinity for the item plus noise, cut into 1..=5. In training each user rates items
/// the policy exposed (popular ones far more) and, among them, those they like (missing not at
/// random: a 5 is about 5 times as likely to be given as a 1); in the test each user rates
/// `test_per_user` distinct items drawn uniformly.
pub(super) fn draw_ratings(config: &RatingFixtureConfig) -> Result<(Vec<Rating>, Vec<Rating>)> {
    let c = config;
    if c.users == 0 || c.items == 0 || c.train_per_user == 0 || c.test_per_user == 0 {
        return Err(Error::invalid(
            "the fixture needs at least one user, item, training and test rating per user",
        ));
    }
    if c.test_per_user > c.items || c.train_per_user > c.items {
        return Err(Error::invalid(format!(
            "a user cannot rate more than the {} items",
            c.items
        )));
    }
    let mut rng = ChaCha8Rng::seed_from_u64(derive_seed(c.seed, "rating fixture world"));
    let world = World::draw(c.users, c.items, &mut rng);
    let mut noise = ChaCha8Rng::seed_from_u64(derive_seed(c.seed, "rating fixture noise"));
    let ratings: Vec<u8> = (0..c.users * c.items)
        .map(|k| {
            let (u, i) = (k / c.items, k % c.items);
            let v = world.affinity(u, i) + 0.7 * noise.sample::<f64, _>(StandardNormal);
            [-0.6, 0.2, 0.9, 1.6].iter().filter(|&&cut| v > cut).count() as u8 + 1
        })
        .collect();
    let mut pick = ChaCha8Rng::seed_from_u64(derive_seed(c.seed, "rating fixture selection"));
    let (mut train, mut test) = (Vec::new(), Vec::new());
    let mut taken = vec![false; c.items];
    for u in 0..c.users {
        taken.fill(false);
        let weight =
            |i: usize| world.exposure[i] * (0.4 * f64::from(ratings[u * c.items + i])).exp();
        let cdf: Vec<f64> = (0..c.items)
            .scan(0.0, |s, i| {
                *s += weight(i);
                Some(*s)
            })
            .collect();
        let mut n = 0;
        while n < c.train_per_user {
            let i = world.pick_item(Some(&cdf), &mut pick);
            if !taken[i] {
                taken[i] = true;
                train.push((u, i, ratings[u * c.items + i]));
                n += 1;
            }
        }
        let mut n = 0;
        let mut shown = vec![false; c.items];
        while n < c.test_per_user {
            let i = pick.random_range(0..c.items);
            if !shown[i] {
                shown[i] = true;
                test.push((u, i, ratings[u * c.items + i]));
                n += 1;
            }
        }
    }
    Ok((train, test))
}
