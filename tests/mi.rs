//! Estimators and their building blocks on the CPU backend, against values computed by hand and
//! against the exact mutual information of correlated Gaussians (method.md §6).

// Test code: a failed unwrap is a failed test, and printing is a test's report.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

use burn::module::Module;
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::tensor::{Device, Tensor, TensorData};
use std::ops::ControlFlow;

use crl_lab::mi::{
    CalibrationConfig, Club, Conditioning, Estimator, EstimatorKind, InfoNce, MiEstimator, NceClub,
    PairBatch, StaircaseConfig, calibrate, club_ideal, diagonal, ideal_estimate, ideal_formula,
    ideal_label, masked_logsumexp, masked_row_mean, roll_rows, staircase,
};
use crl_lab::models::{CriticKind, CriticShape, GaussianCritic, PairCritic};
use crl_lab::scm::{correlated_gaussian_mi, correlation_for_mi};

fn dev() -> Device {
    Device::flex()
}

fn t3(v: Vec<f32>, shape: [usize; 3]) -> Tensor<3> {
    Tensor::from_data(TensorData::new(v, shape), &dev())
}

fn vals<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    t.into_data().try_into_vec_as::<f32>().unwrap()
}

fn close(a: &[f32], b: &[f32], tol: f32) {
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(b) {
        assert!((x - y).abs() < tol, "{a:?} vs {b:?}");
    }
}

#[test]
fn masked_reductions_by_hand() {
    // One member, N = 3.
    let s = t3(
        vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 1000.0],
        [1, 3, 3],
    );
    let eye = Tensor::<2>::eye(3, &dev()).unsqueeze::<3>();
    close(&vals(diagonal(s.clone(), eye)), &[1.0, 5.0, 1000.0], 1e-6);
    let w = t3(vec![1.0, 0.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 1.0], [1, 3, 3]);
    close(
        &vals(masked_row_mean(s.clone(), w.clone())),
        &[2.0, 5.0, 1000.0],
        1e-5,
    );
    let lse = vals(masked_logsumexp(s, w));
    let r0 = (1f32.exp() + 3f32.exp()).ln();
    let r1 = (4f32.exp() + 5f32.exp() + 6f32.exp()).ln();
    close(&lse, &[r0, r1, 1000.0], 1e-4);
}

#[test]
fn roll_moves_rows_cyclically() {
    let x = t3(vec![0.0, 1.0, 2.0, 3.0], [1, 4, 1]);
    assert_eq!(vals(roll_rows(x, 1)), vec![1.0, 2.0, 3.0, 0.0]);
}

#[test]
fn within_class_mask_pairs_rows_of_the_same_label() {
    let z = t3(vec![0.0; 4], [1, 4, 1]);
    let c = t3(vec![0.0; 4], [1, 4, 1]);
    let y = t3(vec![1.0, 0.0, 1.0, 0.0], [1, 4, 1]);
    let b = PairBatch::new(z, c, Some(y), Conditioning::WithinClass, 1);
    assert_eq!(
        vals(b.allowed.clone()),
        vec![
            1., 0., 1., 0., 0., 1., 0., 1., 1., 0., 1., 0., 0., 1., 0., 1.
        ]
    );
    // Row i's sampled negative is row i + 1, never of the same class here.
    assert_eq!(vals(b.rolled_allowed()), vec![0.0; 4]);
}

#[test]
fn within_bins_mask_pairs_rows_of_the_same_quantile_bin() {
    // Ranks of y: 0, 3, 1, 2; two bins of two rows: {0, 2} and {1, 3}.
    let y = t3(vec![0.1, 5.0, 0.3, 4.0], [1, 4, 1]);
    let allowed = Conditioning::WithinBins(2).negatives(Some(y), 4, &dev());
    assert_eq!(
        vals(allowed),
        vec![
            1., 0., 1., 0., 0., 1., 0., 1., 1., 0., 1., 0., 0., 1., 0., 1.
        ]
    );
    // Per member: two members with opposite orders get their own bins.
    let y = t3(vec![1.0, 2.0, 3.0, 4.0, 4.0, 3.0, 2.0, 1.0], [2, 4, 1]);
    let allowed = vals(Conditioning::WithinBins(2).negatives(Some(y), 4, &dev()));
    assert_eq!(&allowed[0..4], &[1., 1., 0., 0.]);
    assert_eq!(&allowed[16..20], &[1., 1., 0., 0.]);
    assert_eq!(&allowed[16 + 8..16 + 12], &[0., 0., 1., 1.]);
    assert_eq!(
        Conditioning::for_outcome(true, false),
        Conditioning::WithinBins(crl_lab::mi::Y_BINS)
    );
    assert_eq!(
        Conditioning::for_outcome(true, true),
        Conditioning::WithinClass
    );
    assert_eq!(Conditioning::for_outcome(false, false), Conditioning::None);
}

/// Scores of a critic on a batch, as `[i][j]`.
fn score_matrix(critic: &PairCritic, z: &Tensor<3>, c: &Tensor<3>, n: usize) -> Vec<Vec<f32>> {
    let s = vals(critic.scores(z.clone(), c.clone()));
    (0..n).map(|i| s[i * n..(i + 1) * n].to_vec()).collect()
}

fn batch_of(n: usize, seed: f32) -> (Tensor<3>, Tensor<3>) {
    let z = t3(
        (0..n * 2)
            .map(|i| ((i as f32 + seed) * 0.71).sin())
            .collect(),
        [1, n, 2],
    );
    let c = t3(
        (0..n).map(|i| ((i as f32 + seed) * 1.37).cos()).collect(),
        [1, n, 1],
    );
    (z, c)
}

/// A row alone in its class has no negative: NCE-CLUB must average only the rows that have
/// one, not add the lone row's raw `f(z_i`, `c_i`).
#[test]
fn nce_club_leaves_out_rows_without_a_same_class_partner() {
    let n = 5;
    let (z, c) = batch_of(n, 0.3);
    // Classes: row 0 alone in class 1; rows 1..5 in class 0.
    let y = t3(vec![1.0, 0.0, 0.0, 0.0, 0.0], [1, n, 1]);
    let critic = pair_critic(CriticKind::Separable, &[7], 2, 1, 8);
    let f = score_matrix(&critic, &z, &c, n);
    let est = NceClub { critic };
    let b = PairBatch::new(z, c, Some(y), Conditioning::WithinClass, 1);
    let got = vals(est.estimate(&b))[0];
    // By hand: rows 1..5, each f_ii minus the mean of f_ij over the other rows of class 0.
    let want: f32 = (1..n)
        .map(|i| {
            let neg: f32 = (1..n).filter(|&j| j != i).map(|j| f[i][j]).sum::<f32>() / 3.0;
            f[i][i] - neg
        })
        .sum::<f32>()
        / 4.0;
    assert!((got - want).abs() < 1e-5, "got {got}, by hand {want}");
    // InfoNCE likewise: the lone row (whose term is exactly 0) does not dilute the mean.
    let info = InfoNce {
        critic: pair_critic(CriticKind::Separable, &[7], 2, 1, 8),
    };
    let want_nce: f32 = (1..n)
        .map(|i| {
            let lse = (1..n).map(|j| f[i][j].exp()).sum::<f32>().ln();
            f[i][i] - lse + 4f32.ln()
        })
        .sum::<f32>()
        / 4.0;
    let got_nce = vals(info.estimate(&b))[0];
    assert!(
        (got_nce - want_nce).abs() < 1e-5,
        "got {got_nce}, by hand {want_nce}"
    );
}

/// CLUB-sampled within classes: the positive and the negative term average the same rows (those
/// whose sampled partner is in their class), so unequal classes do not bias the estimate.
#[test]
fn club_sampled_weights_both_terms_alike() {
    let n = 6;
    let (z, c) = batch_of(n, 1.1);
    // Classes 1, 1, 1, 1, 0, 0; roll 1: partners (0,1) (1,2) (2,3) (3,4) (4,5) (5,0).
    let y = t3(vec![1.0, 1.0, 1.0, 1.0, 0.0, 0.0], [1, n, 1]);
    let q = GaussianCritic::init(
        &[3],
        "q",
        CriticShape {
            dz: 2,
            dc: 1,
            hidden: 8,
        },
        &dev(),
    );
    let mu = vals(q.mu.forward(z.clone()));
    let lv: Vec<f32> = vals(q.logvar.forward(z.clone()))
        .into_iter()
        .map(|v| v.clamp(-4.0, 4.0))
        .collect();
    let cv = vals(c.clone());
    let club = Club { q, sampled: true };
    let b = PairBatch::new(z, c, Some(y), Conditioning::WithinClass, 1);
    let got = vals(club.estimate(&b))[0];
    let logq = |i: usize, j: usize| -0.5 * (cv[j] - mu[i]).powi(2) * (-lv[i]).exp();
    // Same-class partners: rows 0, 1, 2 (→ 1, 2, 3) and 4 (→ 5).
    let rows = [0usize, 1, 2, 4];
    let want: f32 = rows
        .iter()
        .map(|&i| logq(i, i) - logq(i, (i + 1) % n))
        .sum::<f32>()
        / rows.len() as f32;
    assert!((got - want).abs() < 1e-5, "got {got}, by hand {want}");
}

/// Trains `est` on pairs (z, c) for `steps` steps and returns its estimate on fresh pairs.
fn trained_estimate(
    kind: EstimatorKind,
    cond: Conditioning,
    pairs: &dyn Fn(u64) -> (Tensor<3>, Tensor<3>, Tensor<3>),
    steps: usize,
) -> f32 {
    let ad = dev().autodiff();
    let mut est = Some(Estimator::init(
        kind,
        CriticKind::Separable,
        &[5],
        "cond",
        CriticShape {
            dz: 1,
            dc: 1,
            hidden: 32,
        },
        &ad,
    ));
    let mut opt: ModuleOptimizer = AdamConfig::new().init();
    for t in 0..steps {
        let (z, c, y) = pairs(t as u64);
        let b = PairBatch::new(z, c, Some(y), cond, 1 + t % 100);
        let Some(e) = est.take() else { break };
        let loss = e.critic_loss(&b).sum();
        let grads = GradientsParams::from_grads(loss.backward(), &e);
        est = Some(opt.step(3e-3, e, grads));
    }
    let e = est.unwrap().valid();
    let mut total = 0.0;
    for k in 0..4 {
        let (z, c, y) = pairs(10_000 + k);
        total += vals(e.estimate(&PairBatch::new(z, c, Some(y), cond, 1 + k as usize)))[0];
    }
    total / 4.0
}

/// z and c are both noisy copies of a continuous y, so I(z; c) is large but I(z; c | y) is 0.
/// Negatives within quantile bins of y must read near 0 for every estimator, where the
/// unconditional estimate reads well above it.
#[test]
fn conditioning_on_a_continuous_y_removes_what_y_explains() {
    use rand::SeedableRng;
    use rand_distr::{Distribution, StandardNormal};
    let n = 128;
    let pairs = |seed: u64| {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let mut draw = || -> f32 { StandardNormal.sample(&mut rng) };
        let (mut z, mut c, mut y) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..n {
            let yi = draw();
            y.push(yi);
            z.push(yi + 0.3 * draw());
            c.push(yi + 0.3 * draw());
        }
        (t3(z, [1, n, 1]), t3(c, [1, n, 1]), t3(y, [1, n, 1]))
    };
    // I(z; c) for these Gaussians: correlation 1 / 1.09.
    let rho: f64 = 1.0 / 1.09;
    let truth = -0.5 * (1.0 - rho * rho).ln();
    for kind in [
        EstimatorKind::NceClub,
        EstimatorKind::Club,
        EstimatorKind::ClubSample,
        EstimatorKind::Infonce,
    ] {
        let cond = trained_estimate(kind, Conditioning::WithinBins(16), &pairs, 400);
        let plain = trained_estimate(kind, Conditioning::None, &pairs, 400);
        eprintln!("{kind}: conditional {cond:.3}, unconditional {plain:.3}, truth {truth:.3}");
        // The upper bounds keep a little of their bias from y's spread inside a bin (CLUB-sampled
        // the most, with its few same-bin partners), but lose nearly all of the reading.
        assert!(
            cond.abs() < 0.6 && cond.abs() < 0.15 * plain,
            "{kind}: I(z; c | y) read {cond:.3} against {plain:.3} unconditionally, should be near 0"
        );
        assert!(
            plain > 0.5 * truth as f32,
            "{kind}: I(z; c) read {plain:.3}, truth {truth:.3}"
        );
    }
}

#[test]
fn concat_critic_equals_an_mlp_on_concatenated_pairs() {
    let seeds = [3u64, 4];
    let critic = pair_critic(CriticKind::Concat, &seeds, 2, 3, 8);
    let z = t3(
        (0..2 * 4 * 2).map(|i| (i as f32 * 0.37).sin()).collect(),
        [2, 4, 2],
    );
    let c = t3(
        (0..4 * 3).map(|i| (i as f32 * 0.91).cos()).collect(),
        [1, 4, 3],
    );
    let scores = vals(critic.scores(z.clone(), c.clone()));
    let PairCritic::Concat(cc) = &critic else {
        panic!()
    };
    // Explicit: for each pair, first layer on [z_i, c_j] = z_i Wz + c_j Wc + b.
    let wz = vals(cc.first_z.weight.val());
    let bz = vals(cc.first_z.bias.val());
    let wc = vals(cc.first_c.weight.val());
    let zv = vals(z);
    let cv = vals(c);
    let (h, n) = (8, 4);
    for m in 0..2 {
        for i in 0..n {
            for j in 0..n {
                let mut hidden = vec![0f32; h];
                for (k, hk) in hidden.iter_mut().enumerate() {
                    let mut a = bz[m * h + k];
                    for d in 0..2 {
                        a += zv[m * n * 2 + i * 2 + d] * wz[m * 2 * h + d * h + k];
                    }
                    for d in 0..3 {
                        a += cv[j * 3 + d] * wc[m * 3 * h + d * h + k];
                    }
                    *hk = a.max(0.0);
                }
                let x = t3(hidden, [1, 1, h]);
                let rest = cc.rest.forward(x.repeat_dim(0, 2));
                let want = vals(rest)[m];
                let got = scores[m * n * n + i * n + j];
                assert!(
                    (want - got).abs() < 1e-4,
                    "m {m} i {i} j {j}: {want} vs {got}"
                );
            }
        }
    }
}

#[test]
fn separable_critic_is_a_scaled_dot_product() {
    let critic = pair_critic(CriticKind::Separable, &[9], 3, 2, 8);
    let z = t3((0..5 * 3).map(|i| (i as f32).sin()).collect(), [1, 5, 3]);
    let c = t3((0..5 * 2).map(|i| (i as f32).cos()).collect(), [1, 5, 2]);
    let scores = vals(critic.scores(z.clone(), c.clone()));
    let PairCritic::Separable(sc) = &critic else {
        panic!()
    };
    let g = vals(sc.g.forward(z));
    let h = vals(sc.h.forward(c));
    let e = 4;
    for i in 0..5 {
        for j in 0..5 {
            let dot: f32 =
                (0..e).map(|k| g[i * e + k] * h[j * e + k]).sum::<f32>() / (e as f32).sqrt();
            assert!((dot - scores[i * 5 + j]).abs() < 1e-5);
        }
    }
}

fn calib(kind: EstimatorKind, rho: f64) -> crl_lab::mi::Calibration {
    let config = CalibrationConfig {
        estimator: kind,
        rho,
        dim: 5,
        steps: 800,
        seed: 1,
        ..CalibrationConfig::default()
    };
    calibrate(&config, &dev()).unwrap()
}

/// CLUB and NCE-CLUB land at or above the truth minus a tolerance (upper bounds), and no higher
/// than what their ideal critic gives.
#[test]
fn upper_bounds_land_above_the_truth() {
    for rho in [0.5, 0.8] {
        for kind in [EstimatorKind::Club, EstimatorKind::NceClub] {
            let c = calib(kind, rho);
            let tol = 0.1 + 0.1 * c.truth;
            assert!(
                c.estimate >= c.truth - tol,
                "{kind} rho {rho}: {:.3} < truth {:.3} - {tol:.3}",
                c.estimate,
                c.truth
            );
            // With the ideal critic both contrasts equal I + KL(p(z)p(c) || p(z,c)), which for
            // these Gaussians is d ρ² / (1 − ρ²): the estimate must not overshoot that.
            let ideal = c.ideal.expect("the CLUB family has an ideal");
            assert!((ideal - 5.0 * rho * rho / (1.0 - rho * rho)).abs() < 1e-12);
            assert!(
                c.estimate <= ideal * 1.15 + 0.1,
                "{kind} rho {rho}: {:.3} above the ideal contrast {ideal:.3}",
                c.estimate
            );
            assert!(c.upper_bound);
            assert!(c.history.len() >= 10);
        }
    }
}

/// `InfoNCE` lands at or below min(truth, log N) plus a tolerance, and learns something.
#[test]
fn infonce_stays_below_the_truth_and_log_n() {
    for rho in [0.5, 0.8] {
        let c = calib(EstimatorKind::Infonce, rho);
        let cap = c.truth.min(c.log_n);
        assert!(
            c.estimate <= cap + 0.05,
            "rho {rho}: {:.3} > {cap:.3}",
            c.estimate
        );
        assert!(
            c.estimate > 0.5 * c.truth,
            "rho {rho}: {:.3} learned too little of {:.3}",
            c.estimate,
            c.truth
        );
        assert!(!c.upper_bound);
    }
}

#[test]
fn calibration_rejects_bad_settings() {
    let bad = CalibrationConfig {
        rho: 1.0,
        ..CalibrationConfig::default()
    };
    assert!(
        calibrate(&bad, &dev())
            .unwrap_err()
            .to_string()
            .contains("rho")
    );
    let cat = CalibrationConfig {
        estimator: EstimatorKind::ClubCategorical,
        ..CalibrationConfig::default()
    };
    assert!(calibrate(&cat, &dev()).is_err());
    assert!(
        "nope"
            .parse::<EstimatorKind>()
            .unwrap_err()
            .to_string()
            .contains("nce-club")
    );
}

/// The ideal of each estimator (method.md §10) against values worked by hand.
#[test]
fn ideal_formula_by_hand() {
    // d = 5, ρ = 0.9: 5 · 0.81 / 0.19 = 21.3158; the truth is −2.5 · ln 0.19 = 4.1518.
    assert!((club_ideal(0.9, 5) - 21.315_789).abs() < 1e-5);
    assert!((correlated_gaussian_mi(0.9, 5) - 4.151_828).abs() < 1e-5);
    for kind in [
        EstimatorKind::NceClub,
        EstimatorKind::Club,
        EstimatorKind::ClubSample,
    ] {
        let v = ideal_estimate(kind, 0.9, 5, 128).expect("an ideal");
        assert!((v - 21.32).abs() < 0.005, "{kind}: {v}");
        assert_eq!(ideal_formula(kind), Some("d·ρ²/(1−ρ²)"));
    }
    // ρ = 0.5, d = 2: 2 · 0.25 / 0.75 = 2/3.
    assert!((club_ideal(0.5, 2) - 2.0 / 3.0).abs() < 1e-12);
    // InfoNCE: the truth below log N, log N above it.
    let truth = correlated_gaussian_mi(0.5, 5);
    let v = ideal_estimate(EstimatorKind::Infonce, 0.5, 5, 128).expect("an ideal");
    assert!((v - truth).abs() < 1e-12);
    let capped = ideal_estimate(EstimatorKind::Infonce, 0.9, 5, 16).expect("an ideal");
    assert!((capped - 16f64.ln()).abs() < 1e-12);
    assert_eq!(ideal_formula(EstimatorKind::Infonce), Some("min(I, log N)"));
    assert_eq!(
        ideal_label(EstimatorKind::NceClub).as_deref(),
        Some("ideal of nce-club: d·ρ²/(1−ρ²)")
    );
    // No Gaussian calibration for a categorical estimator.
    assert_eq!(
        ideal_estimate(EstimatorKind::ClubCategorical, 0.9, 5, 128),
        None
    );
    assert_eq!(ideal_label(EstimatorKind::ClubCategorical), None);
    // The staircase's correlations invert the truth.
    for (mi, d) in [(2.0, 20), (10.0, 20), (4.15, 5)] {
        let rho = correlation_for_mi(mi, d);
        assert!(
            (correlated_gaussian_mi(rho, d) - mi).abs() < 1e-9,
            "{mi} {d}"
        );
    }
    assert!(correlation_for_mi(-1.0, 5).is_nan());
}

fn calib_at(kind: EstimatorKind, rho: f64, batch: usize) -> crl_lab::mi::Calibration {
    let config = CalibrationConfig {
        estimator: kind,
        rho,
        dim: 5,
        steps: 600,
        batch,
        seed: 1,
        ..CalibrationConfig::default()
    };
    calibrate(&config, &dev()).unwrap()
}

/// With a trained critic, CLUB and NCE-CLUB land on their ideal d·ρ²/(1 − ρ²), far above the
/// truth, and `InfoNCE` on min(I, log N): within 10% at ρ ≤ 0.8 (600 steps, about 0.3 s each).
#[test]
fn estimates_land_within_ten_percent_of_their_ideal() {
    let within = |kind: EstimatorKind, rho: f64, batch: usize| {
        let c = calib_at(kind, rho, batch);
        let ideal = c.ideal.expect("an ideal");
        let rel = (c.estimate - ideal) / ideal;
        assert!(
            rel.abs() <= 0.10,
            "{kind} rho {rho} N {batch}: estimate {:.3} vs ideal {ideal:.3} ({:+.1}%), truth {:.3}",
            c.estimate,
            100.0 * rel,
            c.truth
        );
        c
    };
    for rho in [0.5, 0.7, 0.8] {
        for kind in [EstimatorKind::NceClub, EstimatorKind::Club] {
            let c = within(kind, rho, 128);
            // The ideal of an upper bound sits well above the truth: about 2.3 to 3.5 times here.
            assert!(c.ideal.unwrap() > 2.0 * c.truth);
        }
    }
    for rho in [0.5, 0.7] {
        let c = within(EstimatorKind::Infonce, rho, 128);
        assert!((c.ideal.unwrap() - c.truth.min(c.log_n)).abs() < 1e-12);
    }
    // At ρ = 0.8 (I = 2.55) the InfoNCE bound is about 10% loose with N = 128 even though
    // log N = 4.85 is well above I; with N = 256 it comes within 7%.
    within(EstimatorKind::Infonce, 0.8, 256);
}

/// One critic up a staircase of true MI: the truth steps up level by level, each reading carries
/// its level's truth and ideal, and the estimate follows the steps.
#[test]
fn the_staircase_steps_up_the_truth_and_the_estimate_follows() {
    let config = StaircaseConfig {
        estimator: EstimatorKind::NceClub,
        levels_nats: vec![1.0, 2.0, 3.0],
        dim: 5,
        steps_per_level: 200,
        report_every: 10,
        seed: 3,
        ..StaircaseConfig::default()
    };
    let mut seen = 0;
    let s = staircase(&config, &dev(), &mut |_| {
        seen += 1;
        ControlFlow::Continue(())
    })
    .unwrap();
    assert_eq!(s.levels.len(), 3);
    assert_eq!(s.history.len(), 3 * 200 / 10);
    assert_eq!(seen, s.history.len());
    assert!(s.upper_bound);
    for w in s.history.windows(2) {
        assert!(w[0].step < w[1].step, "steps increase");
        assert!(w[0].truth <= w[1].truth, "the truth never steps down");
        assert!(w[0].level <= w[1].level);
    }
    for (l, want) in s.levels.iter().zip([1.0, 2.0, 3.0]) {
        assert!((l.truth - want).abs() < 1e-9, "{l:?}");
        assert!((l.ideal.unwrap() - club_ideal(l.rho, 5)).abs() < 1e-12);
        assert_eq!(l.last_step - l.first_step + 1, 200);
        // The critic, warm-started, reaches the new level's ideal within 15% by its second half.
        let ideal = l.ideal.unwrap();
        assert!(
            (l.mean - ideal).abs() <= 0.15 * ideal,
            "level {want}: mean {:.3} vs ideal {ideal:.3}",
            l.mean
        );
        assert!(l.sd.is_finite() && l.sd > 0.0);
    }
    let means: Vec<f64> = s.levels.iter().map(|l| l.mean).collect();
    assert!(means.windows(2).all(|w| w[0] < w[1]), "{means:?}");
    // The staircases drawn: two points per level, starting at step 0.
    let truth = s.truth_steps();
    assert_eq!(truth.len(), 6);
    assert_eq!(truth[0], (0.0, s.levels[0].truth));
    assert_eq!(truth[5].0, 600.0);
    assert_eq!(s.ideal_steps().len(), 6);

    // A Break stops it at once, keeping what is done.
    let mut n = 0;
    let part = staircase(&config, &dev(), &mut |_| {
        n += 1;
        if n == 25 {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })
    .unwrap();
    assert_eq!(part.history.len(), 25);
    assert_eq!(part.levels.len(), 2, "stopped in the second level");
    // Bad settings are refused by name.
    let bad = StaircaseConfig {
        levels_nats: vec![2.0, f64::NAN],
        ..config.clone()
    };
    let e = staircase(&bad, &dev(), &mut |_| ControlFlow::Continue(())).unwrap_err();
    assert!(e.to_string().contains("level"), "{e}");
    let cat = StaircaseConfig {
        estimator: EstimatorKind::ClubCategorical,
        ..config
    };
    assert!(staircase(&cat, &dev(), &mut |_| ControlFlow::Continue(())).is_err());
}

/// A pair critic named `t` for z of width `dz` and c of width `dc`, on the test device.
fn pair_critic(kind: CriticKind, seeds: &[u64], dz: usize, dc: usize, hidden: usize) -> PairCritic {
    PairCritic::init(kind, seeds, "t", CriticShape { dz, dc, hidden }, &dev())
}
