//! The metrics and models a grid's figures pick by name.

use crate::error::{Error, Result};
use crate::scm::OutcomeKind;
use crate::train::{Metrics, ModelKind};

/// A metric of the evaluation rows, by its name in files and tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metric {
    /// Accuracy for a binary outcome, R² for a continuous one.
    Headline,
    /// Share of correct predictions.
    Accuracy,
    /// ROC AUC.
    Auc,
    /// Mean log-loss in nats.
    Logloss,
    /// Mean squared error.
    Mse,
    /// Coefficient of determination.
    R2,
}

impl Metric {
    /// The metrics the tables carry, in column order.
    pub const COLUMNS: [Metric; 5] = [
        Metric::Accuracy,
        Metric::Auc,
        Metric::Logloss,
        Metric::Mse,
        Metric::R2,
    ];

    /// The name in files and column headers.
    pub fn name(self) -> &'static str {
        match self {
            Metric::Headline => "headline",
            Metric::Accuracy => "accuracy",
            Metric::Auc => "auc",
            Metric::Logloss => "logloss",
            Metric::Mse => "mse",
            Metric::R2 => "r2",
        }
    }

    /// Parses a name, listing the choices when it is unknown.
    pub fn parse(name: &str) -> Result<Metric> {
        [
            Metric::Headline,
            Metric::Accuracy,
            Metric::Auc,
            Metric::Logloss,
            Metric::Mse,
            Metric::R2,
        ]
        .into_iter()
        .find(|m| m.name() == name)
        .ok_or_else(|| {
            Error::invalid(format!(
                "unknown metric `{name}` (use headline, accuracy, auc, logloss, mse or r2)"
            ))
        })
    }

    /// This metric of `m` (the headline: accuracy, or R² when there is no accuracy).
    pub fn of(self, m: &Metrics) -> f64 {
        match self {
            Metric::Headline => m.headline(),
            Metric::Accuracy => m.accuracy,
            Metric::Auc => m.auc,
            Metric::Logloss => m.logloss,
            Metric::Mse => m.mse,
            Metric::R2 => m.r2,
        }
    }

    /// The values the metric can take: `[0, 1]` for accuracy and AUC, `[0, ∞)` for log-loss
    /// and MSE, `(−∞, 1]` for R² (and the headline: unbounded until resolved).
    pub fn range(self) -> (f64, f64) {
        match self {
            Metric::Accuracy | Metric::Auc => (0.0, 1.0),
            Metric::Logloss | Metric::Mse => (0.0, f64::INFINITY),
            Metric::R2 => (f64::NEG_INFINITY, 1.0),
            Metric::Headline => (f64::NEG_INFINITY, f64::INFINITY),
        }
    }

    /// The axis label: the headline resolved for `outcome`.
    pub fn label(self, outcome: OutcomeKind) -> &'static str {
        match self {
            Metric::Headline => outcome.metric_name(),
            Metric::Accuracy => "accuracy",
            Metric::Auc => "ROC AUC",
            Metric::Logloss => "log-loss (nats)",
            Metric::Mse => "MSE",
            Metric::R2 => "R²",
        }
    }
}

/// A model kind by its table name (`baseline`, `crl` or `oracle`).
pub fn parse_model(name: &str) -> Result<ModelKind> {
    [ModelKind::Baseline, ModelKind::Crl, ModelKind::Oracle]
        .into_iter()
        .find(|k| k.name() == name)
        .ok_or_else(|| {
            Error::invalid(format!(
                "unknown model `{name}` (use baseline, crl or oracle)"
            ))
        })
}
