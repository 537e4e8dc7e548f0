//! The fixture's latent world, shared by its side tables and its logs: users with an activity
//! and a preferred topic, videos with a topic, a quality and a clickbait flag, the tabs' effect
//! on clicks and the policy's tab weights, the calendar, and small helpers.

use std::path::Path;

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;

use crate::error::Error;

/// Topics of videos and user preferences (the values of `onehot_feat1`).
pub(super) const TOPICS: usize = 7;

/// The effect of each tab (0..=14) on the click logit.
pub(super) const TAB_EFFECT: [f64; 15] = [
    0.0, 1.6, -0.4, 0.3, -0.2, 0.1, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
];

/// Tabs other than 1, with their weights when the policy does not pick tab 1.
pub(super) const BASE_TAB_WEIGHTS: [f64; 15] = [
    50.0, 0.0, 15.0, 10.0, 8.0, 4.0, 3.0, 2.0, 2.0, 1.5, 1.5, 1.0, 1.0, 0.5, 0.5,
];

/// 2022-04-08 00:00 in Beijing time, in Unix milliseconds.
pub(super) const START_MS: i64 = 1_649_347_200_000;
pub(super) const DAY_MS: i64 = 86_400_000;
/// A user of the fixture.
pub(super) struct User {
    pub(super) activity: f64,
    pub(super) topic: usize,
}

/// A video of the fixture.
pub(super) struct Video {
    pub(super) topic: usize,
    pub(super) quality: f64,
    pub(super) clickbait: bool,
    pub(super) duration_ms: f64,
}

pub(super) fn normal(rng: &mut ChaCha8Rng) -> f64 {
    rng.sample(StandardNormal)
}

pub(super) fn sigmoid(v: f64) -> f64 {
    1.0 / (1.0 + (-v).exp())
}

pub(super) fn io_err(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |e| Error::io("cannot write", path, e)
}

pub(super) fn csv_err(path: &Path) -> impl Fn(csv::Error) -> Error + '_ {
    move |e| Error::io("cannot write", path, std::io::Error::other(e.to_string()))
}
