//! One node's column: its parameters resolved at one shift (`Compiled`), its mechanism applied
//! to its parents' values with noise drawn from the node's own stream (`compute`), and the first
//! value that is not a finite f32.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;

use crate::scm::{Activation, derive_seed, sigmoid, splitmix64};

/// A node with all parameters resolved at one shift value.
#[derive(Clone, Debug)]
pub(super) struct Compiled {
    pub(super) dim: usize,
    pub(super) rows: usize,
    pub(super) bias: Vec<f64>,
    /// (parent index, parent dim, weights row-major [rows, parent dim]).
    pub(super) parents: Vec<(usize, usize, Vec<f64>)>,
    pub(super) mech: Mech,
    pub(super) noise: CNoise,
}

#[derive(Clone, Copy, Debug)]
pub(super) enum Mech {
    Linear,
    Nonlinear(Activation),
    Logistic,
    Threshold(f64),
    Categorical(usize),
}

#[derive(Clone, Copy, Debug)]
pub(super) enum CNoise {
    None,
    Gaussian(f64),
    Uniform(f64),
    Laplace(f64),
    Flip(f64),
}

/// A random stream for one node in one chunk.
pub(super) fn stream(seed: u64, chunk: u64, name: &str) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(derive_seed(
        splitmix64(seed ^ chunk.wrapping_mul(0x9e37_79b9_7f4a_7c15)),
        name,
    ))
}

/// A value that is NaN, infinite or beyond the range of f32, where [`compute`] found it.
#[derive(Clone, Copy, Debug)]
pub(super) struct NonFinite {
    /// Position in the node's column-major values (`dim * n + row`).
    pub(super) index: usize,
    /// The value, as the dataset would store it (f32, so an overflow reads `inf`).
    pub(super) value: f32,
    /// Found in the mechanism's input (before a discrete mechanism could hide it) rather
    /// than in the node's value.
    pub(super) input: bool,
}

/// The first value of `xs` that is not finite: in f64 for a mechanism's `input` (it is never
/// stored), once stored as f32 for a node's value.
pub(super) fn first_non_finite(xs: &[f64], input: bool) -> Option<NonFinite> {
    let bad = |x: f64| {
        if input {
            !x.is_finite()
        } else {
            !(x as f32).is_finite()
        }
    };
    xs.iter().position(|&x| bad(x)).map(|index| NonFinite {
        index,
        value: xs[index] as f32,
        input,
    })
}

/// Computes one node's column(s) for `n` rows, given its parents' values. Fails at the first
/// value that is not a finite f32: in the mechanism's input (a threshold or a sigmoid would
/// turn NaN or inf into a plausible 0 or 1) or in the result.
pub(super) fn compute(
    node: &Compiled,
    vals: &[Vec<f64>],
    n: usize,
    rng: &mut ChaCha8Rng,
) -> std::result::Result<Vec<f64>, NonFinite> {
    let rows = node.rows;
    let mut pre = vec![0.0f64; rows * n];
    for (i, &b) in node.bias.iter().enumerate() {
        if b != 0.0 {
            pre[i * n..(i + 1) * n].fill(b);
        }
    }
    for (p, pdim, w) in &node.parents {
        let src_all = &vals[*p];
        for i in 0..rows {
            let dst = &mut pre[i * n..(i + 1) * n];
            for j in 0..*pdim {
                let wij = w[i * pdim + j];
                if wij == 0.0 {
                    continue;
                }
                let src = &src_all[j * n..(j + 1) * n];
                for (d, s) in dst.iter_mut().zip(src) {
                    *d += wij * s;
                }
            }
        }
    }
    if !matches!(node.noise, CNoise::Flip(_)) {
        add_noise(&mut pre, node.noise, rng);
    }
    if let Some(bad) = first_non_finite(&pre, true) {
        return Err(bad);
    }
    let mut out = match node.mech {
        Mech::Linear => pre,
        Mech::Nonlinear(act) => {
            for x in &mut pre {
                *x = act.apply(*x);
            }
            pre
        }
        Mech::Logistic => {
            for x in &mut pre {
                let u: f64 = rng.random();
                *x = if u < sigmoid(*x) { 1.0 } else { 0.0 };
            }
            pre
        }
        Mech::Threshold(t) => {
            for x in &mut pre {
                *x = if *x > t { 1.0 } else { 0.0 };
            }
            pre
        }
        Mech::Categorical(k) => {
            let mut out = vec![0.0f64; n];
            let mut logits = vec![0.0f64; k];
            for (r, o) in out.iter_mut().enumerate() {
                let mut max = f64::NEG_INFINITY;
                for (c, l) in logits.iter_mut().enumerate() {
                    *l = pre[c * n + r];
                    max = max.max(*l);
                }
                let mut total = 0.0;
                for l in &mut logits {
                    *l = (*l - max).exp();
                    total += *l;
                }
                let mut u = rng.random::<f64>() * total;
                let mut class = k - 1;
                for (c, l) in logits.iter().enumerate() {
                    if u < *l {
                        class = c;
                        break;
                    }
                    u -= l;
                }
                *o = class as f64;
            }
            out
        }
    };
    if let CNoise::Flip(p) = node.noise
        && p > 0.0
    {
        match node.mech {
            Mech::Categorical(k) => {
                for x in &mut out {
                    if rng.random::<f64>() < p {
                        // A uniformly drawn class other than the current one.
                        let shift = rng.random_range(1..k) as f64;
                        *x = (*x + shift) % k as f64;
                    }
                }
            }
            _ => {
                for x in &mut out {
                    if rng.random::<f64>() < p {
                        *x = 1.0 - *x;
                    }
                }
            }
        }
    }
    match first_non_finite(&out, false) {
        Some(bad) => Err(bad),
        None => Ok(out),
    }
}

pub(super) fn add_noise(xs: &mut [f64], noise: CNoise, rng: &mut ChaCha8Rng) {
    match noise {
        CNoise::None | CNoise::Flip(_) => {}
        CNoise::Gaussian(sd) => {
            if sd > 0.0 {
                for x in xs {
                    let z: f64 = rng.sample(StandardNormal);
                    *x += sd * z;
                }
            }
        }
        CNoise::Uniform(h) => {
            if h > 0.0 {
                for x in xs {
                    *x += h * (2.0 * rng.random::<f64>() - 1.0);
                }
            }
        }
        CNoise::Laplace(b) => {
            if b > 0.0 {
                for x in xs {
                    // Inverse CDF with u uniform on (-1/2, 1/2).
                    let u = rng.random::<f64>() - 0.5;
                    let m = (1.0 - 2.0 * u.abs()).max(f64::MIN_POSITIVE);
                    *x -= b * u.signum() * m.ln();
                }
            }
        }
    }
}
