//! Estimators and their building blocks on the CPU backend, against values computed by hand and
//! against the exact mutual information of correlated Gaussians (method.md §6).

use burn::tensor::{Device, Tensor, TensorData};
use crl_lab::mi::{
    CalibrationConfig, Conditioning, EstimatorKind, PairBatch, calibrate, diagonal,
    masked_logsumexp, masked_row_mean, roll_rows,
};
use crl_lab::models::{CriticKind, PairCritic};

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
fn concat_conditioning_appends_y_to_both_inputs() {
    let z = t3(vec![1.0, 2.0], [1, 2, 1]);
    let c = t3(vec![3.0, 4.0], [1, 2, 1]);
    let y = t3(vec![5.0, 6.0], [1, 2, 1]);
    let b = PairBatch::new(z, c, Some(y), Conditioning::Concat, 1);
    assert_eq!(b.z.dims(), [1, 2, 2]);
    assert_eq!(vals(b.c.clone()), vec![3.0, 5.0, 4.0, 6.0]);
}

#[test]
fn concat_critic_equals_an_mlp_on_concatenated_pairs() {
    let seeds = [3u64, 4];
    let critic = PairCritic::init(CriticKind::Concat, &seeds, "t", 2, 3, 8, &dev());
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
    let critic = PairCritic::init(CriticKind::Separable, &[9], "t", 3, 2, 8, &dev());
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
            let ideal = 5.0 * rho * rho / (1.0 - rho * rho);
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

/// InfoNCE lands at or below min(truth, log N) plus a tolerance, and learns something.
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
