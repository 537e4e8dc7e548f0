//! From logged rows to model inputs: numbers standardised on the training rows, categories
//! hashed into one-hot blocks of buckets (as the KuaiRand encoder does), the outcome, and the
//! confounder proxy as one one-hot class (the combination of the confounder columns' classes
//! and the popularity class).
//!
//! Every statistic (means, spreads, quantile edges, popularity counts, the classes seen) comes
//! from the rows the encoder is fitted on, the training rows, never from the held-out or the
//! test rows.

use std::collections::{BTreeMap, HashMap};

use super::table::{LogColumns, LogsData, MISSING_KEY, NO_CLASS};
use crate::data::HostTable;
use crate::error::{Error, Result};

/// Most classes of the joint confounder proxy (the combinations seen in the training rows).
pub const MAX_CONFOUNDER_CLASSES: usize = 64;
/// Distinct values up to which a confounder column's values are its classes; a numeric column
/// with more is cut at quantiles.
const MAX_VALUE_CLASSES: usize = 32;
/// Pseudo-rows of the overall rate that shrink an item's rate towards it.
pub const ITEM_PRIOR: f64 = 20.0;

/// Which of the two sets of a [`LogsData`] rows come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogSet {
    /// The training log (training and held-out rows).
    Train,
    /// The test log.
    Test,
}

impl LogsData {
    /// The columns of `set`.
    pub fn set(&self, set: LogSet) -> &LogColumns {
        match set {
            LogSet::Train => &self.train,
            LogSet::Test => &self.test,
        }
    }
}

/// How one confounder column's cell becomes a class.
#[derive(Clone, Debug)]
enum ClassRule {
    /// Dictionary entry → class (entries never seen in training: the column's last class).
    Values(Vec<u32>, u32),
    /// Quantile edges of the numbers (k classes).
    Quantiles(Vec<f32>),
}

/// Model inputs of some rows.
#[derive(Clone, Debug)]
pub struct EncodedLogs {
    /// x, y (0/1) and c (one-hot).
    pub table: HostTable,
    /// The user of each row.
    pub users: Vec<u32>,
}

/// The encoding fitted on the training rows.
#[derive(Clone, Debug)]
pub struct LogsEncoder {
    feature_names: Vec<String>,
    mean: Vec<f32>,
    sd: Vec<f32>,
    /// Per categorical column: first x column and buckets.
    blocks: Vec<(usize, u64)>,
    n_features: usize,
    rules: Vec<ClassRule>,
    /// Classes per proxy part (confounder columns, then popularity).
    radix: Vec<u64>,
    /// Popularity: training count per key, and the quantile edges of the per-row counts.
    item_counts: HashMap<u64, u32>,
    item_hits: HashMap<u64, u32>,
    popularity_edges: Vec<u32>,
    /// Joint code → class; codes never seen in training go to the last class.
    classes: BTreeMap<u64, u32>,
    width: usize,
    base_rate: f64,
}

/// The quantile edges (k − 1 of them) of `values`, sorted in place.
fn quantile_edges<T: Copy + PartialOrd>(values: &mut [T], k: usize) -> Vec<T> {
    values.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    if values.is_empty() {
        return Vec::new();
    }
    (1..k).map(|i| values[i * values.len() / k]).collect()
}

impl LogsEncoder {
    /// Fits the encoding on rows `rows` of the training log of `data`.
    pub fn fit(data: &LogsData, rows: &[u32]) -> Result<Self> {
        if rows.is_empty() {
            return Err(Error::invalid(
                "the encoding needs at least one training row",
            ));
        }
        let m = &data.mapping;
        let t = &data.train;
        let (mut feature_names, mean, sd) = standardisation(data, rows);
        let mut blocks = Vec::new();
        let mut at = feature_names.len();
        for name in &m.categorical {
            let b = m.buckets_of(name);
            blocks.push((at, b as u64));
            feature_names.extend((0..b).map(|i| format!("{name}={i}")));
            at += b;
        }
        let k = m.popularity_buckets;
        let (mut rules, mut radix) = (Vec::new(), Vec::new());
        for j in 0..m.confounders.len() {
            let (rule, classes) = class_rule(data, j, rows, k)?;
            rules.push(rule);
            radix.push(classes);
        }
        let (item_counts, item_hits, popularity_edges) = if m.popularity_of.is_some() {
            radix.push(k as u64);
            popularity(t, rows, k)
        } else {
            (HashMap::new(), HashMap::new(), Vec::new())
        };
        let base_rate = rows
            .iter()
            .map(|&r| f64::from(t.outcome[r as usize]))
            .sum::<f64>()
            / rows.len() as f64;
        let mut enc = LogsEncoder {
            n_features: at,
            feature_names,
            mean,
            sd,
            blocks,
            rules,
            radix,
            item_counts,
            item_hits,
            popularity_edges,
            classes: BTreeMap::new(),
            width: 0,
            base_rate,
        };
        enc.fit_joint_classes(data, rows)?;
        Ok(enc)
    }

    /// The joint classes the training rows hold, in code order, and one for the others.
    fn fit_joint_classes(&mut self, data: &LogsData, rows: &[u32]) -> Result<()> {
        let mut codes: Vec<u64> = rows
            .iter()
            .map(|&r| self.code(&data.train, r as usize))
            .collect();
        codes.sort_unstable();
        codes.dedup();
        if codes.len() > MAX_CONFOUNDER_CLASSES {
            return Err(Error::invalid(format!(
                "the confounder proxy has {} classes in the training rows (the combinations of \
                 {}), more than {MAX_CONFOUNDER_CLASSES}: map fewer confounder columns, or \
                 lower `popularity_buckets`",
                codes.len(),
                enc_parts(data).join(", ")
            )));
        }
        self.classes = codes
            .iter()
            .enumerate()
            .map(|(i, &c)| (c, i as u32))
            .collect();
        self.width = codes.len() + 1;
        Ok(())
    }

    /// The joint confounder code of row `r` of `cols` (mixed radix over the parts).
    fn code(&self, cols: &LogColumns, r: usize) -> u64 {
        let mut code = 0u64;
        for (j, rule) in self.rules.iter().enumerate() {
            let class = match rule {
                ClassRule::Values(map, other) => {
                    let e = cols.confounder_class[j][r];
                    if e == NO_CLASS {
                        *other
                    } else {
                        map.get(e as usize).copied().unwrap_or(*other)
                    }
                }
                ClassRule::Quantiles(edges) => {
                    let v = cols.confounder_number[j][r];
                    if v.is_nan() {
                        edges.len() as u32 + 1
                    } else {
                        edges.partition_point(|&e| e <= v) as u32
                    }
                }
            };
            code = code * self.radix[j] + u64::from(class);
        }
        if self.has_items() {
            let n = self
                .item_counts
                .get(&cols.popularity[r])
                .copied()
                .unwrap_or(0);
            let class = self.popularity_edges.partition_point(|&e| e <= n) as u64;
            code = code * self.radix[self.rules.len()] + class;
        }
        code
    }

    /// Columns of x.
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// The name of each x column.
    pub fn feature_names(&self) -> &[String] {
        &self.feature_names
    }

    /// Columns of c (the classes seen in training, and one for any other).
    pub fn confounder_width(&self) -> usize {
        self.width
    }

    /// The training rows' rate of the outcome.
    pub fn base_rate(&self) -> f64 {
        self.base_rate
    }

    /// Whether the mapping has a popularity column (and so an item-rate reference).
    pub fn has_items(&self) -> bool {
        self.radix.len() > self.rules.len()
    }

    /// The outcome rate of row `r`'s item among the training rows, shrunk towards the base rate
    /// by [`ITEM_PRIOR`] pseudo-rows (the base rate for an unseen item).
    pub fn item_rate(&self, cols: &LogColumns, r: usize) -> f64 {
        let key = cols.popularity.get(r).copied().unwrap_or(MISSING_KEY);
        let n = f64::from(self.item_counts.get(&key).copied().unwrap_or(0));
        let hits = f64::from(self.item_hits.get(&key).copied().unwrap_or(0));
        (hits + ITEM_PRIOR * self.base_rate) / (n + ITEM_PRIOR)
    }

    /// Encodes rows `rows` of `set` of `data`.
    pub fn encode(&self, data: &LogsData, set: LogSet, rows: &[u32]) -> EncodedLogs {
        let cols = data.set(set);
        let (dx, dc, n) = (self.n_features, self.width, rows.len());
        let mut x = vec![0f32; n * dx];
        let mut c = vec![0f32; n * dc];
        let mut y = Vec::with_capacity(n);
        let mut users = Vec::with_capacity(n);
        for (i, &r) in rows.iter().enumerate() {
            let r = r as usize;
            let xi = &mut x[i * dx..(i + 1) * dx];
            for (j, col) in cols.numeric.iter().enumerate() {
                let v = col[r];
                xi[j] = if v.is_nan() {
                    0.0
                } else {
                    (v - self.mean[j]) / self.sd[j]
                };
            }
            for (col, &(start, b)) in cols.categorical.iter().zip(&self.blocks) {
                let key = col[r];
                if key != MISSING_KEY {
                    xi[start + (key % b) as usize] = 1.0;
                }
            }
            let class = self
                .classes
                .get(&self.code(cols, r))
                .map_or(dc - 1, |&k| k as usize);
            c[i * dc + class] = 1.0;
            y.push(cols.outcome[r]);
            users.push(cols.user[r]);
        }
        EncodedLogs {
            table: HostTable { n, x, y, c },
            users,
        }
    }
}

/// The parts of the confounder proxy, for messages.
fn enc_parts(data: &LogsData) -> Vec<String> {
    let m = &data.mapping;
    m.confounders
        .iter()
        .map(|c| format!("`{c}`"))
        .chain(
            m.popularity_of
                .iter()
                .map(|p| format!("the popularity of `{p}`")),
        )
        .collect()
}

/// The numeric inputs' names, means and standard deviations over the training `rows`, missing
/// values left out.
fn standardisation(data: &LogsData, rows: &[u32]) -> (Vec<String>, Vec<f32>, Vec<f32>) {
    let (mut names, mut mean, mut sd) = (Vec::new(), Vec::new(), Vec::new());
    for (name, col) in data.mapping.numeric.iter().zip(&data.train.numeric) {
        let vals: Vec<f64> = rows
            .iter()
            .map(|&r| f64::from(col[r as usize]))
            .filter(|v| !v.is_nan())
            .collect();
        let n = vals.len().max(1) as f64;
        let mu = vals.iter().sum::<f64>() / n;
        let var = vals.iter().map(|v| (v - mu).powi(2)).sum::<f64>() / n;
        mean.push(mu as f32);
        sd.push(if var > 1e-12 { var.sqrt() as f32 } else { 1.0 });
        names.push(name.clone());
    }
    (names, mean, sd)
}

/// The class rule of confounder column `j` and its number of classes (with the one for a
/// missing value): its values when the training rows hold few, otherwise `k` quantile classes
/// of its numbers.
fn class_rule(data: &LogsData, j: usize, rows: &[u32], k: usize) -> Result<(ClassRule, u64)> {
    let t = &data.train;
    let name = &data.mapping.confounders[j];
    let classes = &t.confounder_class[j];
    let mut seen: Vec<u32> = rows
        .iter()
        .map(|&r| classes[r as usize])
        .filter(|&c| c != NO_CLASS)
        .collect();
    seen.sort_unstable();
    seen.dedup();
    if !data.confounder_overflow[j] && seen.len() <= MAX_VALUE_CLASSES {
        let mut map = vec![seen.len() as u32; data.confounder_values[j].len()];
        for (class, &entry) in seen.iter().enumerate() {
            map[entry as usize] = class as u32;
        }
        return Ok((
            ClassRule::Values(map, seen.len() as u32),
            seen.len() as u64 + 1,
        ));
    }
    let nums = &t.confounder_number[j];
    let mut vals: Vec<f32> = Vec::with_capacity(rows.len());
    for &r in rows {
        let v = nums[r as usize];
        if v.is_nan() && classes[r as usize] != NO_CLASS {
            return Err(Error::invalid(format!(
                "confounder column `{name}` has more than {MAX_VALUE_CLASSES} \
                 distinct values and not all are numbers: a confounder proxy needs \
                 few classes (map the column as a categorical input, or bin it)"
            )));
        }
        if !v.is_nan() {
            vals.push(v);
        }
    }
    Ok((
        ClassRule::Quantiles(quantile_edges(&mut vals, k)),
        k as u64 + 1,
    ))
}

/// The popularity proxy: each item's impressions and positives among the training `rows`, and
/// the `k`-quantile edges of the rows' item impressions.
fn popularity(
    t: &LogColumns,
    rows: &[u32],
    k: usize,
) -> (HashMap<u64, u32>, HashMap<u64, u32>, Vec<u32>) {
    let mut item_counts: HashMap<u64, u32> = HashMap::new();
    let mut item_hits: HashMap<u64, u32> = HashMap::new();
    for &r in rows {
        let key = t.popularity[r as usize];
        if key != MISSING_KEY {
            *item_counts.entry(key).or_default() += 1;
            *item_hits.entry(key).or_default() += u32::from(t.outcome[r as usize] > 0.5);
        }
    }
    let mut per_row: Vec<u32> = rows
        .iter()
        .map(|&r| {
            item_counts
                .get(&t.popularity[r as usize])
                .copied()
                .unwrap_or(0)
        })
        .collect();
    let edges = quantile_edges(&mut per_row, k);
    (item_counts, item_hits, edges)
}
