//! Pinned runs: finished runs kept beside the current one with the scenario and settings they
//! were trained with, so the plots can overlay them and a table can compare them. Each is named
//! by what sets it apart ("β 3", "conditional off", "club, 4,000 steps"); a workspace file
//! stores them, and figures and CSVs draw and list them.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::experiment::{Group, RunMode, RunResults, TrainSettings, thousands, trim};
use crate::scm::Scenario;
use crate::train::ModelKind;

/// At most this many settings make a name; the rest are counted ("+2 more").
const NAME_PARTS: usize = 3;

/// A finished run kept for comparison.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PinnedRun {
    /// What the legend and the table call it (named by what differs; the user may rename it).
    pub name: String,
    /// Drawn on the plots (hidden runs stay in the table).
    pub shown: bool,
    /// The scenario it was trained on.
    pub scenario: Scenario,
    /// The settings it was trained with.
    pub train: TrainSettings,
    /// Its results (without the projected representations, which only the current run shows).
    pub results: RunResults,
}

impl PinnedRun {
    /// `results`, trained on `scenario` with `train`, pinned beside `pinned`: named by what
    /// differs from the first pinned run (from the scenario's recommended settings when it is the
    /// first), with a number added when the name is taken.
    pub fn new(
        scenario: &Scenario,
        train: &TrainSettings,
        mut results: RunResults,
        pinned: &[PinnedRun],
    ) -> Self {
        results.representation = None;
        let name = match pinned.first() {
            None => {
                let recommended = TrainSettings::for_scenario(scenario);
                name_from(
                    &differences((scenario, train), (scenario, &recommended)),
                    "defaults",
                )
            }
            Some(first) => name_from(
                &differences((scenario, train), (&first.scenario, &first.train)),
                &first.name,
            ),
        };
        PinnedRun {
            name: unique_name(
                &name,
                &pinned.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
            ),
            shown: true,
            scenario: scenario.clone(),
            train: train.clone(),
            results,
        }
    }

    /// One row per model (baseline, CRL, reference; each β of a sweep): the headline metric at
    /// the training distribution and at the largest shift, and the gap between them.
    pub fn summary(&self) -> Vec<PinnedRow> {
        pinned_rows(&self.results)
    }
}

/// A pinned run's model, compared.
#[derive(Clone, Debug, PartialEq)]
pub struct PinnedRow {
    /// The model's group name ("baseline", "CRL (β=3)", "β=10", ...).
    pub model: String,
    /// Baseline, CRL or the reference.
    pub kind: ModelKind,
    /// The metric's name (accuracy, or R² for a continuous outcome).
    pub metric: &'static str,
    /// The smallest shift evaluated (0 on the usual grid): in distribution.
    pub id_shift: f64,
    /// Mean over seeds of the metric there.
    pub id: f64,
    /// The largest shift evaluated.
    pub ood_shift: f64,
    /// Mean over seeds of the metric there.
    pub ood: f64,
    /// `id − ood`: what the shift costs the model.
    pub gap: f64,
}

/// One curve of a pinned run, as a plot draws it.
#[derive(Clone, Debug)]
pub struct PinnedCurve<'a> {
    /// The run's index among the pinned runs (its marker).
    pub index: usize,
    /// The run.
    pub pin: &'a PinnedRun,
    /// The group's index in the run (its colour in a β sweep).
    pub group_index: usize,
    /// The model.
    pub group: &'a Group,
    /// The points.
    pub points: Vec<[f64; 2]>,
}

/// The curves of the shown pinned runs worth drawing: per run and group, the points `curve`
/// gives (`None` or empty: nothing to draw), leaving out a curve identical to one of `current`
/// or of an earlier pinned run. The baseline does not depend on β or on the penalty's form, so
/// pinning β 3 beside β 14 would otherwise draw (and list) the same baseline twice.
pub fn pinned_curves<'a>(
    pinned: &'a [PinnedRun],
    current: Option<&RunResults>,
    curve: impl Fn(&RunResults, &Group) -> Option<Vec<[f64; 2]>>,
) -> Vec<PinnedCurve<'a>> {
    let bits = |v: &[[f64; 2]]| -> Vec<[u64; 2]> {
        v.iter().map(|[x, y]| [x.to_bits(), y.to_bits()]).collect()
    };
    let mut seen: Vec<(ModelKind, Vec<[u64; 2]>)> = current
        .into_iter()
        .flat_map(|run| {
            run.groups
                .iter()
                .filter_map(|g| curve(run, g).map(|pts| (g.kind, bits(&pts))))
                .collect::<Vec<_>>()
        })
        .collect();
    let mut out = Vec::new();
    for (index, pin) in pinned.iter().enumerate().filter(|(_, p)| p.shown) {
        for (group_index, group) in pin.results.groups.iter().enumerate() {
            let Some(points) = curve(&pin.results, group).filter(|p| !p.is_empty()) else {
                continue;
            };
            let key = (group.kind, bits(&points));
            if seen.contains(&key) {
                continue;
            }
            seen.push(key);
            out.push(PinnedCurve {
                index,
                pin,
                group_index,
                group,
                points,
            });
        }
    }
    out
}

/// The rows of [`PinnedRun::summary`] for `run` (empty before its first evaluation).
pub fn pinned_rows(run: &RunResults) -> Vec<PinnedRow> {
    let metric = run.outcome_kind().metric_name();
    run.groups
        .iter()
        .filter_map(|g| {
            let rows = run.group_summary(g);
            let lo = rows.iter().min_by(|a, b| a.shift.total_cmp(&b.shift))?;
            let hi = rows.iter().max_by(|a, b| a.shift.total_cmp(&b.shift))?;
            let (id, ood) = (lo.mean.headline(), hi.mean.headline());
            Some(PinnedRow {
                model: g.name.clone(),
                kind: g.kind,
                metric,
                id_shift: lo.shift,
                id,
                ood_shift: hi.shift,
                ood,
                gap: id - ood,
            })
        })
        .collect()
}

/// `parts` joined as a name, at most [`NAME_PARTS`] of them; `empty` when there are none.
fn name_from(parts: &[String], empty: &str) -> String {
    if parts.is_empty() {
        return empty.to_owned();
    }
    let mut name = parts[..parts.len().min(NAME_PARTS)].join(", ");
    if parts.len() > NAME_PARTS {
        let _ = write!(name, " +{} more", parts.len() - NAME_PARTS);
    }
    name
}

/// `name`, or `name (2)`, `name (3)`, ... when one of `names` is it.
pub fn unique_name(name: &str, names: &[&str]) -> String {
    let taken = |n: &str| names.contains(&n);
    if !taken(name) {
        return name.to_owned();
    }
    // `names` can take at most `names.len()` of these candidates, so one is free.
    (2..=names.len() + 2)
        .map(|i| format!("{name} ({i})"))
        .find(|n| !taken(n))
        .unwrap_or_else(|| name.to_owned())
}

/// What sets the run `(scenario, settings)` apart from `reference`, in words, most telling
/// first: the scenario, the mode, β, the penalty's form and estimator, then the other training
/// settings. Settings that do not change the numbers (device, threads) are left out.
pub fn differences(
    (scenario, train): (&Scenario, &TrainSettings),
    (ref_scenario, reference): (&Scenario, &TrainSettings),
) -> Vec<String> {
    let mut out = Vec::new();
    if scenario.name != ref_scenario.name {
        out.push(scenario.title.clone());
    } else if scenario != ref_scenario {
        out.push("graph edited".to_owned());
    }
    let (a, b) = (&train.config, &reference.config);
    if train.mode != reference.mode {
        out.push(
            match train.mode {
                RunMode::Compare => "compare",
                RunMode::BetaSweep => "β sweep",
            }
            .to_owned(),
        );
    }
    match train.mode {
        RunMode::Compare if a.beta != b.beta => out.push(format!("β {}", trim(a.beta))),
        RunMode::BetaSweep if train.sweep_betas != reference.sweep_betas => {
            out.push(format!("β {}", train.sweep_betas.trim()));
        }
        _ => {}
    }
    if a.conditional != b.conditional {
        let on = if a.conditional { "on" } else { "off" };
        out.push(format!("conditional {on}"));
    }
    if a.estimator != b.estimator {
        out.push(a.estimator.name().to_owned());
    }
    if a.steps != b.steps {
        out.push(format!("{} steps", thousands(a.steps)));
    }
    if train.n_seeds != reference.n_seeds {
        let s = if train.n_seeds == 1 { "" } else { "s" };
        out.push(format!("{} seed{s}", train.n_seeds));
    }
    if a.seed != b.seed {
        out.push(format!("seed {}", a.seed));
    }
    if a.n_train != b.n_train {
        out.push(format!("{} training rows", thousands(a.n_train)));
    }
    if a.hidden != b.hidden {
        let widths: Vec<String> = a.hidden.iter().map(usize::to_string).collect();
        out.push(format!("hidden {}", widths.join("×")));
    }
    if a.z_dim != b.z_dim {
        out.push(format!("z dim {}", a.z_dim));
    }
    if a.lr != b.lr {
        out.push(format!("lr {}", a.lr));
    }
    if train.shift_grid != reference.shift_grid {
        out.push(format!("shifts {}", train.shift_grid.trim()));
    }
    out.extend(other_differences(train, reference));
    out
}

/// Settings the named comparisons above do not cover, as `key value` (the JSON key and the
/// run's value), so a setting added later still names the run.
fn other_differences(train: &TrainSettings, reference: &TrainSettings) -> Vec<String> {
    const NAMED: [&str; 16] = [
        "mode",
        "sweep_betas",
        "n_seeds",
        "shift_grid",
        "device",
        "config.beta",
        "config.conditional",
        "config.estimator",
        "config.steps",
        "config.seed",
        "config.n_train",
        "config.hidden",
        "config.z_dim",
        "config.lr",
        "config.threads",
        // Derived from the steps when a run starts.
        "config.report_every",
    ];
    let (Ok(a), Ok(b)) = (serde_json::to_value(train), serde_json::to_value(reference)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut leaves_a = Vec::new();
    flatten("", &a, &mut leaves_a);
    let mut leaves_b = Vec::new();
    flatten("", &b, &mut leaves_b);
    for (key, value) in &leaves_a {
        if NAMED.contains(&key.as_str()) {
            continue;
        }
        let other = leaves_b.iter().find(|(k, _)| k == key).map(|(_, v)| v);
        if other != Some(value) {
            let short = key.rsplit('.').next().unwrap_or(key).replace('_', " ");
            let shown = match value {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.as_f64().map_or_else(|| n.to_string(), trim),
                other => other.to_string(),
            };
            out.push(format!("{short} {shown}"));
        }
    }
    out
}

/// The leaves of `v` as `(dotted key, value)` pairs; arrays are leaves.
fn flatten(prefix: &str, v: &Value, out: &mut Vec<(String, Value)>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, child, out);
            }
        }
        leaf => out.push((prefix.to_owned(), leaf.clone())),
    }
}
