//! Per-user ranking metrics for recommendation logs (method.md §7), computed on the host.
//!
//! Both take one entry per logged impression: the user it was shown to, the model's score
//! (any monotone scale: logits or probabilities) and the 0/1 label. The three slices should be
//! of the same length; entries beyond the shortest are ignored.

use std::ops::Range;

use super::metrics::{check_scores, roc_auc};
use crate::error::Result;

/// Positions of the rows sorted by user (rows of one user keep their input order), and the
/// range of each user's rows in that order.
fn by_user(users: &[u32]) -> (Vec<usize>, Vec<Range<usize>>) {
    let mut order: Vec<usize> = (0..users.len()).collect();
    order.sort_by_key(|&i| users[i]);
    let mut groups = Vec::new();
    let mut start = 0;
    for i in 1..=order.len() {
        if i == order.len() || users[order[i]] != users[order[start]] {
            groups.push(start..i);
            start = i;
        }
    }
    (order, groups)
}

/// Group AUC (Zhou et al., "Deep Interest Network", 2018): the ROC AUC of each user's rows,
/// averaged over the users who have both a positive and a negative row, each weighted by their
/// number of rows. Tied scores count half, as in [`roc_auc`]. NaN when no user qualifies; an
/// error when a score is NaN or infinite.
///
/// ```
/// use crl_lab::train::gauc;
/// // User 0: AUC 1 over 2 rows; user 1: AUC 0.5 over 4 rows; user 2: positives only, skipped.
/// let users = [0, 0, 1, 1, 1, 1, 2];
/// let scores = [0.9, 0.1, 0.8, 0.7, 0.3, 0.2, 0.5];
/// let labels = [1.0, 0.0, 1.0, 0.0, 0.0, 1.0, 1.0];
/// let g = gauc(&users, &scores, &labels).unwrap();
/// assert!((g - (2.0 * 1.0 + 4.0 * 0.5) / 6.0).abs() < 1e-12);
/// ```
pub fn gauc(users: &[u32], scores: &[f32], labels: &[f32]) -> Result<f64> {
    let n = users.len().min(scores.len()).min(labels.len());
    check_scores(&scores[..n], "group AUC")?;
    let (order, groups) = by_user(&users[..n]);
    let (mut weighted, mut weight) = (0.0, 0.0);
    let (mut s, mut l) = (Vec::new(), Vec::new());
    for g in groups {
        s.clear();
        l.clear();
        for &i in &order[g] {
            s.push(scores[i]);
            l.push(labels[i]);
        }
        let auc = roc_auc(&s, &l)?;
        if !auc.is_nan() {
            weighted += auc * s.len() as f64;
            weight += s.len() as f64;
        }
    }
    Ok(if weight > 0.0 {
        weighted / weight
    } else {
        f64::NAN
    })
}

/// Mean NDCG@k over the users with at least one positive row. Each user's rows are ranked by
/// score, highest first (equal scores keep their input order);
/// DCG@k = Σ_{i=1..min(k, rows)} label_i / log2(i + 1), divided by the DCG@k of the best
/// possible order (all positives first). NaN when no user has a positive row or `k` is 0; an
/// error when a score is NaN or infinite.
///
/// ```
/// use crl_lab::train::ndcg_at_k;
/// // One user, positives ranked 1st and 3rd: (1 + 1/log2(4)) / (1 + 1/log2(3)).
/// let v = ndcg_at_k(&[7, 7, 7], &[0.9, 0.5, 0.1], &[1.0, 0.0, 1.0], 10).unwrap();
/// assert!((v - 1.5 / (1.0 + 1.0 / 3f64.log2())).abs() < 1e-12);
/// ```
pub fn ndcg_at_k(users: &[u32], scores: &[f32], labels: &[f32], k: usize) -> Result<f64> {
    let n = users.len().min(scores.len()).min(labels.len());
    check_scores(&scores[..n], "NDCG")?;
    if k == 0 {
        return Ok(f64::NAN);
    }
    let (order, groups) = by_user(&users[..n]);
    let (mut total, mut n_users) = (0.0, 0usize);
    let mut rows = Vec::new();
    for g in groups {
        rows.clear();
        rows.extend_from_slice(&order[g]);
        let positives = rows.iter().filter(|&&i| labels[i] > 0.5).count();
        if positives == 0 {
            continue;
        }
        // A stable sort: equal scores keep their input order.
        rows.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
        let gain = |rank: usize| 1.0 / ((rank + 2) as f64).log2();
        let dcg: f64 = rows
            .iter()
            .take(k)
            .enumerate()
            .filter(|(_, i)| labels[**i] > 0.5)
            .map(|(rank, _)| gain(rank))
            .sum();
        let ideal: f64 = (0..positives.min(k)).map(gain).sum();
        total += dcg / ideal;
        n_users += 1;
    }
    Ok(if n_users > 0 {
        total / n_users as f64
    } else {
        f64::NAN
    })
}
