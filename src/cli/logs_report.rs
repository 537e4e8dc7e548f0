//! What a run on logs writes to config.json and prints besides the metrics files, per source:
//! KuaiRand's past window and release, or the mapped logs' source and outcome column. The
//! formats are those of the commands before they shared one path, kept as they were.

use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::experiment::{
    EvalSet, KuaiRandResult, KuaiRandSettings, LoadedLogs, LogSource, LogsJob, LogsOutput,
    LogsReference, LogsResult, LogsSummaryRow, SourceResult,
};
use crate::fs::write_string;
use crate::train::{MemberSpec, TrainConfig};

/// config.json of a run on logs: the fields every source writes, in this order, with the
/// source's own fields (`S`) in their place after `device`.
#[derive(Serialize)]
struct ConfigFile<'a, S, Settings, Counts> {
    format: &'static str,
    version: u32,
    crl_lab_version: &'static str,
    command: &'static str,
    device: &'a str,
    #[serde(flatten)]
    source: S,
    members: &'a [MemberSpec],
    train: &'a TrainConfig,
    settings: &'a Settings,
    counts: &'a Counts,
    features: &'a [String],
    /// How each model's evaluated step was chosen, the same rule for every model.
    model_selection: &'static str,
    /// Per member, the step its evaluated model is of.
    selected_steps: &'a [usize],
}

/// KuaiRand's own fields in config.json: the folder read and its release.
#[derive(Serialize)]
struct KuaiRandConfig<'a> {
    dir: &'a Path,
    release: String,
}

/// The mapped logs' own field in config.json: their source.
#[derive(Serialize)]
struct LogsConfig<'a> {
    source: &'a LogSource,
}

/// The second set's name in KuaiRand's table.
fn kuairand_set(set: EvalSet) -> &'static str {
    match set {
        EvalSet::InDistribution => "in distribution",
        EvalSet::RandomExposure => "random exposure",
    }
}

/// The second set's name in the mapped logs' table.
fn test_set(set: EvalSet) -> &'static str {
    match set {
        EvalSet::InDistribution => "in distribution",
        EvalSet::RandomExposure => "test log",
    }
}

/// Writes config.json into `out` (`model_selection` says how each model's step was chosen),
/// then prints the row counts, the metrics table and the warnings.
pub(super) fn report(
    job: &LogsJob,
    output: &LogsOutput,
    out: &Path,
    model_selection: &'static str,
) -> Result<()> {
    match (&job.source, &output.data, &output.result) {
        (
            LogSource::KuaiRand { dir, encode, .. },
            LoadedLogs::KuaiRand(data),
            SourceResult::KuaiRand(res),
        ) => {
            let settings = KuaiRandSettings {
                encode: encode.clone(),
                held_out_fraction: job.settings.held_out_fraction,
                epochs: job.settings.epochs,
            };
            let file = ConfigFile {
                format: "crl-lab-kuairand-run",
                version: 1,
                crl_lab_version: env!("CARGO_PKG_VERSION"),
                command: "kuairand",
                device: &output.device,
                source: KuaiRandConfig {
                    dir,
                    release: data.variant.to_string(),
                },
                members: &res.trained.members,
                train: &res.config,
                settings: &settings,
                counts: &res.counts,
                features: res.encoder.feature_names(),
                model_selection,
                selected_steps: &res.trained.selected_steps,
            };
            write_string(&out.join("config.json"), &config_json(&file)?)?;
            kuairand_lines(&settings, res, job.n_seeds);
        }
        (source, LoadedLogs::Mapped(data), SourceResult::Mapped(res)) => {
            let file = ConfigFile {
                format: "crl-lab-logs-run",
                version: 1,
                crl_lab_version: env!("CARGO_PKG_VERSION"),
                command: source.command(),
                device: &output.device,
                source: LogsConfig { source },
                members: &res.trained.members,
                train: &res.config,
                settings: &job.settings,
                counts: &res.counts,
                features: res.encoder.feature_names(),
                model_selection,
                selected_steps: &res.trained.selected_steps,
            };
            write_string(&out.join("config.json"), &config_json(&file)?)?;
            mapped_lines(&data.mapping.outcome, res, job.n_seeds);
        }
        _ => return Err(Error::invalid("the run's results do not match its source")),
    }
    for w in output.result.warnings() {
        eprintln!("{w}");
    }
    Ok(())
}

/// KuaiRand's row counts (the past window, the evaluation window) and its table.
fn kuairand_lines(settings: &KuaiRandSettings, res: &KuaiRandResult, n_seeds: usize) {
    let c = &res.counts;
    eprintln!(
        "outcome {}, confounder {} ({} classes), {} inputs; statistics and popularity from the \
         {} standard rows dated before {} (the random log's first date); trained on {} of {} \
         training rows from {} on, evaluated on {} held-out and {} random-exposure rows",
        settings.encode.outcome,
        settings.encode.confounder,
        c.confounder_width,
        c.n_features,
        c.past,
        c.window_start,
        c.train_used,
        c.train_split,
        c.window_start,
        c.held_out,
        c.random
    );
    print!(
        "{}",
        summary_table(kuairand_set, &res.summary, &res.references, n_seeds)
    );
}

/// The mapped logs' row counts (the hold-out by time, if any) and their table.
fn mapped_lines(outcome: &str, res: &LogsResult, n_seeds: usize) {
    let c = &res.counts;
    eprintln!(
        "outcome `{}`, confounder proxy of {} classes, {} inputs; trained on {} of {} training \
         rows, evaluated on {} held-out rows{} and {} test rows",
        outcome,
        c.confounder_width,
        c.n_features,
        c.train_used,
        c.train_split,
        c.held_out,
        c.held_out_from
            .map_or_else(String::new, |t| format!(" (dated {t} or later)")),
        c.test
    );
    print!(
        "{}",
        summary_table(test_set, &res.summary, &res.references, n_seeds)
    );
}

/// The table a run on logs prints: one line per set and model, mean ± std over seeds.
fn summary_table(
    set_label: fn(EvalSet) -> &'static str,
    rows: &[LogsSummaryRow],
    references: &[LogsReference],
    n_seeds: usize,
) -> String {
    let mut s = format!(
        "{:<16} {:<15} {:>16} {:>16} {:>16} {:>16}   (mean ± std over {n_seeds} seed{})\n",
        "set",
        "model",
        "AUC",
        "log-loss",
        "GAUC",
        "NDCG@10",
        if n_seeds == 1 { "" } else { "s" }
    );
    let cell = |m: f64, d: f64| format!("{m:.4} ± {d:.4}");
    for set in [EvalSet::InDistribution, EvalSet::RandomExposure] {
        for r in rows.iter().filter(|r| r.set == set) {
            let _ = writeln!(
                s,
                "{:<16} {:<15} {:>16} {:>16} {:>16} {:>16}",
                set_label(set),
                r.model,
                cell(r.mean.auc, r.std.auc),
                cell(r.mean.logloss, r.std.logloss),
                cell(r.mean.gauc, r.std.gauc),
                cell(r.mean.ndcg10, r.std.ndcg10)
            );
        }
        // What "better" means: predictors without training, on the same rows.
        for r in references.iter().filter(|r| r.set == set) {
            let plain = |m: f64| format!("{m:.4}         ");
            let _ = writeln!(
                s,
                "{:<16} {:<15} {:>16} {:>16} {:>16} {:>16}",
                set_label(set),
                r.name,
                plain(r.metrics.auc),
                plain(r.metrics.logloss),
                plain(r.metrics.gauc),
                plain(r.metrics.ndcg10)
            );
        }
    }
    s
}

/// config.json's text.
fn config_json(value: &impl serde::Serialize) -> Result<String> {
    serde_json::to_string_pretty(value)
        .map_err(|e| Error::invalid(format!("cannot encode config.json: {e}")))
}
