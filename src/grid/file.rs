//! The grid file: a versioned JSON file naming a base (a preset or a workspace), settings fixed
//! for every cell, the axes to vary, the seeds, and what to collect. Reading checks the format
//! and version first, then every field, and each error names the file and the place in it
//! (`axes[1]`, `collect.figures[0].x`).

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::setting::Setting;
use crate::error::{Error, Result};
use crate::fs::{VersionedJson, read_string};
use crate::hash::fnv1a64_hex;

/// The `format` field of every grid file.
pub const GRID_FORMAT: &str = "crl-lab-grid";
/// The grid format's version this build writes and reads.
pub const GRID_VERSION: u32 = 1;

/// Where the cells start from: a preset, or a workspace (a path relative to the grid file, or
/// the workspace itself inline). Exactly one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct GridBase {
    /// A preset's name (see `crl-lab presets`), with the settings the app starts it with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    /// A workspace file's path (a string, relative to the grid file) or a workspace (an object).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace: Option<Value>,
}

/// One axis: a setting and the values it takes, in order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GridAxis {
    /// What varies: a training setting (`beta`, `estimator`, `conditional`, …), `scenario`, or a
    /// scenario parameter written `node.parameter` (`c.noise.prob`, `x_s.weights[c]`).
    pub setting: String,
    /// The values, each as the workspace file spells it (a number, a name, `true`, a
    /// `{"train": …, "test": …}` pair for a shifting parameter).
    pub values: Vec<Value>,
}

/// One figure `grid collect` draws: the summary's `metric` against the axis `x`, one line per
/// value of `lines` (an axis, or `model`), at one shift. Other axes with several values give
/// one figure per combination of their values.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GridFigure {
    /// The x axis: an axis with numeric values, or `shift`.
    pub x: String,
    /// One line per value of this axis, or per model (`model`, the default).
    #[serde(default = "model_name")]
    pub lines: String,
    /// `accuracy`, `auc`, `logloss`, `mse`, `r2` or `headline` (accuracy for a binary outcome,
    /// R² for a continuous one; the default).
    #[serde(default = "headline_name")]
    pub metric: String,
    /// The shift the metric is read at (the grid's nearest); default the largest (the most
    /// shifted). Not used when `x` is `shift`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shift: Option<f64>,
    /// Only this model (`baseline`, `crl` or `oracle`); default every model when `lines` is
    /// `model`, else `crl`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
}

fn model_name() -> String {
    "model".into()
}

fn headline_name() -> String {
    "headline".into()
}

/// What `grid collect` writes beside its tables.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct GridCollect {
    /// The figures; none: the headline metric at the largest shift against every numeric axis,
    /// one line per model.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub figures: Vec<GridFigure>,
}

/// A grid file's content.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GridFile {
    /// Always [`GRID_FORMAT`].
    pub format: String,
    /// Always [`GRID_VERSION`] once read.
    pub version: u32,
    /// A short name (figures and the Slurm job are named after it).
    #[serde(default)]
    pub name: String,
    /// Where every cell starts from.
    pub base: GridBase,
    /// Settings given the same value in every cell, by setting name (as on an axis).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub set: BTreeMap<String, Value>,
    /// The axes, slowest first: the cells are every combination of their values.
    pub axes: Vec<GridAxis>,
    /// Every cell is run once per seed (data, initialisation and batching all follow it, so
    /// cells that differ only in β train on the same rows); empty: the base's seed only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seeds: Vec<u64>,
    /// What to collect.
    #[serde(default)]
    pub collect: GridCollect,
}

impl GridFile {
    /// An empty grid on `base` (no axes, the base's seed).
    pub fn new(name: &str, base: GridBase) -> Self {
        GridFile {
            format: GRID_FORMAT.into(),
            version: GRID_VERSION,
            name: name.into(),
            base,
            set: BTreeMap::new(),
            axes: Vec::new(),
            seeds: Vec::new(),
            collect: GridCollect::default(),
        }
    }

    /// Parses and checks a grid file's text; `label` (usually the path) names it in errors. The
    /// format and version are checked before anything else, then the fields, then each axis,
    /// fixed setting and figure (node parameters are checked against the scenario when the
    /// grid is planned).
    pub fn from_json(text: &str, label: &str) -> Result<Self> {
        let grid: GridFile = VersionedJson {
            format: GRID_FORMAT,
            version: GRID_VERSION,
            noun: "grid",
            invalid_hint: "",
            newer_verb: "read",
            older_note: "",
        }
        .parse(text, label)?;
        grid.check().map_err(|e| Error::BadFile {
            path: label.to_owned(),
            detail: e.to_string(),
        })?;
        Ok(grid)
    }

    /// Reads and checks the grid file at `path`.
    pub fn load(path: &Path) -> Result<Self> {
        let text = read_string(path)?;
        GridFile::from_json(&text, &path.display().to_string())
    }

    /// The canonical text: pretty JSON with a trailing newline.
    pub fn to_json(&self) -> Result<String> {
        let mut text = serde_json::to_string_pretty(self)
            .map_err(|e| Error::invalid(format!("cannot encode the grid: {e}")))?;
        text.push('\n');
        Ok(text)
    }

    /// Checks everything that does not need the scenario; the error names the place.
    pub fn check(&self) -> Result<()> {
        match (&self.base.preset, &self.base.workspace) {
            (Some(_), None) | (None, Some(Value::String(_) | Value::Object(_))) => {}
            (None, Some(_)) => {
                return Err(Error::invalid(
                    "`base.workspace` must be a path (a string) or a workspace (an object)",
                ));
            }
            (Some(_), Some(_)) => {
                return Err(Error::invalid(
                    "`base` names both a preset and a workspace; keep one",
                ));
            }
            (None, None) => {
                return Err(Error::invalid(
                    "`base` names neither a preset nor a workspace (e.g. \"base\": {\"preset\": \"anti-causal\"})",
                ));
            }
        }
        let mut seen: Vec<&str> = Vec::new();
        for (i, axis) in self.axes.iter().enumerate() {
            let at = format!("axes[{i}] (`{}`)", axis.setting);
            let setting = Setting::parse(&axis.setting).map_err(|e| place(&at, e))?;
            if seen.contains(&axis.setting.as_str()) {
                return Err(Error::invalid(format!(
                    "{at}: the setting is already an axis; give all its values on one axis"
                )));
            }
            seen.push(&axis.setting);
            if self.set.contains_key(&axis.setting) {
                return Err(Error::invalid(format!(
                    "{at}: the setting is also fixed in `set`; keep one"
                )));
            }
            if axis.values.is_empty() {
                return Err(Error::invalid(format!("{at}: no values")));
            }
            for (j, v) in axis.values.iter().enumerate() {
                setting
                    .check_value(v)
                    .map_err(|e| place(&format!("{at} value {}", j + 1), e))?;
                if axis.values[..j].contains(v) {
                    return Err(Error::invalid(format!(
                        "{at}: the value {v} is listed twice"
                    )));
                }
            }
        }
        for (name, v) in &self.set {
            let at = format!("set.{name}");
            let setting = Setting::parse(name).map_err(|e| place(&at, e))?;
            setting.check_value(v).map_err(|e| place(&at, e))?;
        }
        for (j, s) in self.seeds.iter().enumerate() {
            if self.seeds[..j].contains(s) {
                return Err(Error::invalid(format!("seeds: seed {s} is listed twice")));
            }
        }
        for (i, f) in self.collect.figures.iter().enumerate() {
            self.check_figure(f)
                .map_err(|e| place(&format!("collect.figures[{i}]"), e))?;
        }
        Ok(())
    }

    fn check_figure(&self, f: &GridFigure) -> Result<()> {
        let axis = |name: &str| self.axes.iter().find(|a| a.setting == name);
        if f.x != "shift" {
            let Some(a) = axis(&f.x) else {
                return Err(Error::invalid(format!(
                    "x: `{}` is not an axis of the grid (axes: {}; or `shift`)",
                    f.x,
                    self.axis_names()
                )));
            };
            if let Some(v) = a.values.iter().find(|v| !v.is_number()) {
                return Err(Error::invalid(format!(
                    "x: the axis `{}` has a value that is not a number ({v}); a figure's x axis \
                     needs numbers",
                    f.x
                )));
            }
        }
        if f.lines != "model" && axis(&f.lines).is_none() {
            return Err(Error::invalid(format!(
                "lines: `{}` is not an axis of the grid (axes: {}; or `model`)",
                f.lines,
                self.axis_names()
            )));
        }
        if f.lines == f.x {
            return Err(Error::invalid("x and lines name the same axis"));
        }
        super::metric::Metric::parse(&f.metric)?;
        if let Some(m) = &f.model {
            super::metric::parse_model(m)?;
        }
        if let Some(s) = f.shift {
            crate::scm::check_shift(s)?;
        }
        Ok(())
    }

    fn axis_names(&self) -> String {
        if self.axes.is_empty() {
            return "none".into();
        }
        self.axes
            .iter()
            .map(|a| format!("`{}`", a.setting))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// How many cells the grid has: the product of the axes' lengths times the seeds;
    /// `usize::MAX` when that does not fit (64 axes of two values already make 2^64).
    pub fn cell_count(&self) -> usize {
        self.axes
            .iter()
            .map(|a| a.values.len())
            .chain([self.seeds.len().max(1)])
            .try_fold(1_usize, usize::checked_mul)
            .unwrap_or(usize::MAX)
    }
}

/// `at: error` as an invalid-argument error.
pub(super) fn place(at: &str, e: Error) -> Error {
    let detail = match e {
        Error::InvalidArgument(d) => d,
        other => other.to_string(),
    };
    Error::invalid(format!("{at}: {detail}"))
}

/// The grid file's hash: FNV-1a 64 of its bytes, as every collected figure records it.
pub fn grid_hash(text: &str) -> String {
    fnv1a64_hex(text.as_bytes())
}
