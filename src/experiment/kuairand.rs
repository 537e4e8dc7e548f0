//! Baseline and CRL on KuaiRand: both train on the standard (policy-confounded) logs and are
//! evaluated in distribution, on held-out standard rows, and out of distribution, on the
//! random-exposure log.

use std::collections::BTreeMap;

use burn::tensor::{Tensor, TensorData};
use serde::{Deserialize, Serialize};

use super::eval::check_outputs;
use super::settings::{check_seeds, compare_members};
use super::summary::mean_std;
use crate::data::kuairand::{
    EncodeOptions, Encoder, KuaiRandData, LogKind, sample_rows, split_by_date,
};
use crate::data::{HostTable, PreparedTables};
use crate::error::{Error, Result};
use crate::train::{
    ComputeDevice, ModelKind, Observer, RunControl, TrainConfig, Trained, binary_metrics, gauc,
    ndcg_at_k, read_back, train_tables,
};

/// Rows encoded and scored at a time in evaluation (bounds the memory of a large test set).
const EVAL_CHUNK: usize = 32_768;
/// The cut-off of the per-user NDCG.
pub const NDCG_K: usize = 10;

/// Settings of a KuaiRand run besides the training configuration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct KuaiRandSettings {
    /// Outcome, confounder proxy and bucket counts.
    pub encode: EncodeOptions,
    /// Share of the standard-log rows held out as the in-distribution set.
    pub held_out_fraction: f64,
    /// Train for this many passes over the training rows (the steps follow from the rows and
    /// the batch), instead of the configuration's fixed step count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epochs: Option<f64>,
}

impl Default for KuaiRandSettings {
    fn default() -> Self {
        KuaiRandSettings {
            encode: EncodeOptions::default(),
            held_out_fraction: 0.1,
            epochs: None,
        }
    }
}

/// The two evaluation sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvalSet {
    /// Held-out rows of the standard logs: the logging policy's distribution.
    InDistribution,
    /// The random-exposure log: videos shown at random, the out-of-distribution set.
    RandomExposure,
}

impl EvalSet {
    /// The name in CSV files: `in_distribution` or `random_exposure`.
    pub fn name(self) -> &'static str {
        match self {
            EvalSet::InDistribution => "in_distribution",
            EvalSet::RandomExposure => "random_exposure",
        }
    }
}

/// Metrics of one model on one evaluation set.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct RankingMetrics {
    /// ROC AUC over all rows.
    pub auc: f64,
    /// Mean log-loss in nats.
    pub logloss: f64,
    /// Per-user AUC weighted by rows ([`gauc`]).
    pub gauc: f64,
    /// Mean per-user NDCG@10 ([`ndcg_at_k`]).
    pub ndcg10: f64,
}

impl RankingMetrics {
    /// The metrics of `logits` against 0/1 `labels`, users given per row. Fails on a NaN or
    /// infinite logit.
    pub fn of(users: &[u32], logits: &[f32], labels: &[f32]) -> Result<Self> {
        let m = binary_metrics(logits, labels)?;
        Ok(RankingMetrics {
            auc: m.auc,
            logloss: m.logloss,
            gauc: gauc(users, logits, labels)?,
            ndcg10: ndcg_at_k(users, logits, labels, NDCG_K)?,
        })
    }

    fn map(rows: &[&RankingMetrics], f: impl Fn(&[f64]) -> f64) -> Self {
        let pick =
            |g: fn(&RankingMetrics) -> f64| f(&rows.iter().map(|r| g(r)).collect::<Vec<_>>());
        RankingMetrics {
            auc: pick(|m| m.auc),
            logloss: pick(|m| m.logloss),
            gauc: pick(|m| m.gauc),
            ndcg10: pick(|m| m.ndcg10),
        }
    }
}

/// One member's metrics on one set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KuaiRandRow {
    /// Baseline or CRL.
    pub model: ModelKind,
    /// The member's beta.
    pub beta: f64,
    /// The member's seed.
    pub seed: u64,
    /// The evaluation set.
    pub set: EvalSet,
    /// Rows evaluated.
    pub n_rows: usize,
    /// The metrics.
    pub metrics: RankingMetrics,
}

/// Mean and standard deviation over seeds of one model on one set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KuaiRandSummaryRow {
    /// Baseline or CRL.
    pub model: ModelKind,
    /// Its beta.
    pub beta: f64,
    /// The evaluation set.
    pub set: EvalSet,
    /// Number of seeds.
    pub n_seeds: usize,
    /// Means.
    pub mean: RankingMetrics,
    /// Sample standard deviations (0 with one seed).
    pub std: RankingMetrics,
}

/// Row counts of a KuaiRand run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KuaiRandCounts {
    /// Standard-log rows dated before the evaluation window: the statistics and the popularity
    /// proxy come from them alone.
    #[serde(default)]
    pub past: usize,
    /// The first date of the evaluation window (the random-exposure log's first date).
    #[serde(default)]
    pub window_start: u32,
    /// Standard-log rows of the evaluation window in the training split.
    pub train_split: usize,
    /// Of those, the rows the models trained on (at most `n_train`).
    pub train_used: usize,
    /// Held-out standard rows scored as the in-distribution set (the validation rows left out).
    pub held_out: usize,
    /// Held-out rows the engine reports validation figures on, and model selection uses (at
    /// most `n_val` and half the held-out rows; not scored as the in-distribution set).
    pub validation_used: usize,
    /// Random-exposure rows (the out-of-distribution set).
    pub random: usize,
    /// Columns of x.
    pub n_features: usize,
    /// Columns of c.
    pub confounder_width: usize,
}

/// A predictor without training that the trained models must beat, scored on one set: the
/// base rate (every row gets the training rows' rate of the outcome) or the past popularity
/// (every row gets its video's rate among the past rows, shrunk towards the overall rate).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KuaiRandReference {
    /// [`BASE_RATE`] or [`PAST_POPULARITY`].
    pub name: String,
    /// The evaluation set.
    pub set: EvalSet,
    /// Rows evaluated.
    pub n_rows: usize,
    /// The metrics.
    pub metrics: RankingMetrics,
}

/// The name of the base-rate reference.
pub const BASE_RATE: &str = "base rate";
/// The name of the past-popularity reference.
pub const PAST_POPULARITY: &str = "past popularity";

/// log(p / (1 − p)), with p kept off 0 and 1.
pub(super) fn logit(p: f64) -> f32 {
    let p = p.clamp(1e-6, 1.0 - 1e-6);
    (p / (1.0 - p)).ln() as f32
}

/// A KuaiRand run's results.
#[derive(Debug)]
pub struct KuaiRandResult {
    /// The trained ensemble (a baseline and a CRL model per seed).
    pub trained: Trained,
    /// The fitted encoding.
    pub encoder: Encoder,
    /// Per member and set.
    pub rows: Vec<KuaiRandRow>,
    /// Per model and set.
    pub summary: Vec<KuaiRandSummaryRow>,
    /// Row counts.
    pub counts: KuaiRandCounts,
    /// The base-rate and past-popularity references on each set.
    pub references: Vec<KuaiRandReference>,
    /// The configuration the models trained with (the steps from the epochs, if given).
    pub config: TrainConfig,
}

impl KuaiRandResult {
    /// One line per model and set whose mean log-loss is worse than the base rate's on that
    /// set: such a model has learned less than the rate alone says (over- or under-fitted).
    pub fn warnings(&self) -> Vec<String> {
        base_rate_warnings(&self.summary, &self.references, "click rate")
    }
}

/// Trains a baseline and a CRL model for each of `n_seeds` seeds (from `config.seed`) on the
/// standard-log rows of `data` inside the evaluation window (the random-exposure log's dates),
/// with statistics and the popularity proxy from the rows before it, and evaluates them on the
/// held-out standard rows of the window and on the random-exposure log.
///
/// The held-out split, the encoding and the row samples come from `config.seed`; the models
/// train on at most `config.n_train` training rows and report validation figures on at most
/// `config.n_val` held-out rows (and at most half of them; with `config.keep_best_val` those
/// also pick each model's step), while the evaluation uses every other held-out row and every
/// random-exposure row.
pub fn kuairand_experiment(
    data: &KuaiRandData,
    settings: &KuaiRandSettings,
    config: &TrainConfig,
    n_seeds: usize,
    device: &ComputeDevice,
    observer: &mut dyn Observer,
    control: &RunControl,
) -> Result<KuaiRandResult> {
    if n_seeds == 0 {
        return Err(Error::invalid("a KuaiRand run needs at least one seed"));
    }
    check_seeds(n_seeds)?;
    if data.random.is_empty() {
        return Err(Error::invalid("the random-exposure log has no rows"));
    }
    config.validate()?;
    // The evaluation window is the random-exposure log's dates: rows before it are the past
    // that statistics and the popularity proxy come from; the models train and are held out on
    // the standard rows of the window itself.
    let window_start = data.random.date.iter().copied().min().unwrap_or(0);
    let split = split_by_date(
        &data.standard.date,
        window_start,
        settings.held_out_fraction,
        config.seed,
    )?;
    let encoder = Encoder::fit(data, &split.train, &split.past, &settings.encode)?;
    let train_rows = sample_rows(&split.train, config.n_train, config.seed, "kuairand train");
    // The validation rows (what model selection looks at) are held-out rows that are not then
    // scored as the in-distribution set: at most `n_val`, and at most half of them.
    let val_rows = sample_rows(
        &split.held_out,
        config.n_val.min(split.held_out.len() / 2).max(1),
        config.seed,
        "kuairand validation",
    );
    let in_distribution: Vec<u32> = split
        .held_out
        .iter()
        .copied()
        .filter(|r| val_rows.binary_search(r).is_err())
        .collect();
    let config = &with_epochs(config, settings.epochs, train_rows.len())?;
    let tables = PreparedTables {
        train: encoder.encode(data, LogKind::Standard, &train_rows).table,
        val: encoder.encode(data, LogKind::Standard, &val_rows).table,
        n_features: encoder.n_features(),
        confounder_width: encoder.confounder_width(),
        binary: true,
    };
    let members = compare_members(config.seed, n_seeds, config.beta, false);
    let trained = train_tables(&tables, &members, config, device, observer, control)?;
    let base_rate =
        tables.train.y.iter().map(|&v| f64::from(v)).sum::<f64>() / tables.train.n.max(1) as f64;
    drop(tables);
    let mut references = Vec::new();
    let all_random: Vec<u32> = (0..data.random.len() as u32).collect();
    let mut rows = Vec::new();
    for (set, kind, set_rows) in [
        (EvalSet::InDistribution, LogKind::Standard, &in_distribution),
        (EvalSet::RandomExposure, LogKind::Random, &all_random),
    ] {
        let scored = score(&trained, encoder.n_features(), set_rows, |chunk| {
            let enc = encoder.encode(data, kind, chunk);
            (enc.table, enc.users)
        })?;
        let videos = &data.log(kind).video;
        let past: Vec<f32> = set_rows
            .iter()
            .map(|&r| logit(f64::from(encoder.past_video_rate(videos[r as usize]))))
            .collect();
        let base = vec![logit(base_rate); set_rows.len()];
        for (name, logits) in [(BASE_RATE, &base), (PAST_POPULARITY, &past)] {
            references.push(KuaiRandReference {
                name: name.to_owned(),
                set,
                n_rows: set_rows.len(),
                metrics: RankingMetrics::of(&scored.users, logits, &scored.labels)?,
            });
        }
        member_rows(&trained, &scored, set, &mut rows)?;
    }
    let summary = summarize_kuairand(&rows);
    let counts = KuaiRandCounts {
        past: split.past.len(),
        window_start,
        train_split: split.train.len(),
        train_used: train_rows.len(),
        held_out: in_distribution.len(),
        validation_used: val_rows.len(),
        random: data.random.len(),
        n_features: encoder.n_features(),
        confounder_width: encoder.confounder_width(),
    };
    Ok(KuaiRandResult {
        trained,
        encoder,
        rows,
        summary,
        counts,
        references,
        config: config.clone(),
    })
}

/// `config` with its steps set to `epochs` passes over `rows` training rows (and its reports
/// spaced for them), or unchanged without `epochs`.
pub(super) fn with_epochs(
    config: &TrainConfig,
    epochs: Option<f64>,
    rows: usize,
) -> Result<TrainConfig> {
    let mut c = config.clone();
    if let Some(e) = epochs {
        if !(e.is_finite() && e > 0.0) {
            return Err(Error::invalid(format!(
                "the epochs must be a positive number, not {e}"
            )));
        }
        c.steps = ((e * rows as f64) / c.batch_size.max(1) as f64)
            .ceil()
            .max(1.0) as usize;
        c.report_every = super::settings::report_every(c.steps);
    }
    Ok(c)
}

/// Every member's logits on a set of rows, with the rows' users and labels.
pub(super) struct Scored {
    pub logits: Vec<Vec<f32>>,
    pub users: Vec<u32>,
    pub labels: Vec<f32>,
}

/// Scores `rows` chunk by chunk (`encode` turns a chunk into its inputs and users), so that
/// only one chunk's inputs exist at a time.
pub(super) fn score(
    trained: &Trained,
    n_features: usize,
    rows: &[u32],
    encode: impl Fn(&[u32]) -> (HostTable, Vec<u32>),
) -> Result<Scored> {
    let m = trained.members.len();
    let dx = n_features;
    let mut out = Scored {
        logits: vec![Vec::with_capacity(rows.len()); m],
        users: Vec::with_capacity(rows.len()),
        labels: Vec::with_capacity(rows.len()),
    };
    for chunk in rows.chunks(EVAL_CHUNK) {
        let (table, users) = encode(chunk);
        let n = table.n;
        // [1, n, dx] -> [M, n, 1]
        let x =
            Tensor::<3>::from_data(TensorData::new(table.x, [1, n, dx]), &trained.device.device);
        let values = read_back(trained.predict(x), "predictions")?;
        for (i, member) in values.chunks(n).enumerate().take(m) {
            out.logits[i].extend_from_slice(member);
        }
        out.users.extend_from_slice(&users);
        out.labels.extend_from_slice(&table.y);
    }
    Ok(out)
}

/// Every member's metrics on one scored set, checked for non-finite outputs.
pub(super) fn member_rows(
    trained: &Trained,
    scored: &Scored,
    set: EvalSet,
    out: &mut Vec<KuaiRandRow>,
) -> Result<()> {
    let on = format!("the {} set", set.name());
    for (member, logits) in trained.members.iter().zip(&scored.logits) {
        check_outputs(member, logits, &on)?;
        out.push(KuaiRandRow {
            model: member.kind,
            beta: member.beta,
            seed: member.seed,
            set,
            n_rows: scored.labels.len(),
            metrics: RankingMetrics::of(&scored.users, logits, &scored.labels)?,
        });
    }
    Ok(())
}

/// One line per model and set whose mean log-loss is worse than the base rate's on that set.
pub(super) fn base_rate_warnings(
    summary: &[KuaiRandSummaryRow],
    references: &[KuaiRandReference],
    rate: &str,
) -> Vec<String> {
    let mut out = Vec::new();
    for r in summary {
        let base = references
            .iter()
            .find(|x| x.name == BASE_RATE && x.set == r.set);
        if let Some(base) = base
            && r.mean.logloss > base.metrics.logloss
        {
            out.push(format!(
                "warning: the {} model's {} log-loss, {:.4}, is worse than the base rate's, \
                 {:.4}: it has learned less than the {rate} alone says (train fewer steps, \
                 or on more rows)",
                r.model,
                r.set.name(),
                r.mean.logloss,
                base.metrics.logloss
            ));
        }
    }
    out
}

/// Mean and standard deviation per (model, beta, set), in that order.
pub fn summarize_kuairand(rows: &[KuaiRandRow]) -> Vec<KuaiRandSummaryRow> {
    let mut groups: BTreeMap<(ModelKind, u64, EvalSet), Vec<&RankingMetrics>> = BTreeMap::new();
    for r in rows {
        groups
            .entry((r.model, r.beta.to_bits(), r.set))
            .or_default()
            .push(&r.metrics);
    }
    groups
        .into_iter()
        .map(|((model, beta, set), ms)| KuaiRandSummaryRow {
            model,
            beta: f64::from_bits(beta),
            set,
            n_seeds: ms.len(),
            mean: RankingMetrics::map(&ms, |v| mean_std(v).0),
            std: RankingMetrics::map(&ms, |v| mean_std(v).1),
        })
        .collect()
}
