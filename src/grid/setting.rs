//! What a grid axis can vary, by name: a training setting (a field of the workspace's
//! `train.config`, or `mode`, `sweep_betas`, `shift_grid`), the `scenario`, or one numeric
//! parameter of a node written `node.parameter`:
//!
//! - `c.noise.prob` (the noise's parameter: `sd`, `half_width`, `scale` or `prob`),
//! - `y.threshold`, `x_s.bias[0]` (or `x_s.bias` for a one-row bias),
//! - `x_s.weights[c][0][0]` (or `x_s.weights[c]` for a one-entry matrix),
//!
//! each optionally ending in `.train` or `.test` to set one end of a shifting parameter. A value
//! is spelled as in a workspace file.

use std::path::Path;

use serde_json::Value;

use crate::error::{Error, Result};
use crate::experiment::{RunMode, TrainSettings, parse_betas, parse_grid};
use crate::export::Workspace;
use crate::scm::{Mechanism, Node, Param, Scenario, preset};
use crate::train::TrainConfig;

/// The fields of the engine's configuration an axis may vary.
pub const TRAIN_SETTINGS: [&str; 22] = [
    "n_train",
    "n_val",
    "n_test",
    "steps",
    "batch_size",
    "penalty_batch",
    "lr",
    "critic_lr",
    "hidden",
    "z_dim",
    "critic_hidden",
    "estimator",
    "critic",
    "conditional",
    "critic_steps",
    "beta",
    "beta_warmup_steps",
    "monitor",
    "monitor_steps",
    "oracle",
    "keep_best_val",
    "weight_decay",
];

/// The run settings beside the engine's an axis may vary.
pub const RUN_SETTINGS: [&str; 3] = ["mode", "sweep_betas", "shift_grid"];

/// Which end of a shifting parameter a setting sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    /// The training value (shift 0).
    Train,
    /// The fully shifted value (shift 1).
    Test,
}

/// Which parameter of a node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParamPart {
    /// The noise's one parameter, by its name (`sd`, `half_width`, `scale`, `prob`).
    Noise(String),
    /// A threshold mechanism's cut-off.
    Threshold,
    /// A bias entry (`None`: the only one).
    Bias(Option<usize>),
    /// An entry of the weights from `parent` (`None`: the only one).
    Weight {
        /// The parent node.
        parent: String,
        /// Row and column.
        entry: Option<(usize, usize)>,
    },
}

/// A node parameter an axis varies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamPath {
    /// The node's name.
    pub node: String,
    /// Which of its parameters.
    pub part: ParamPart,
    /// One end only, or (`None`) the whole parameter.
    pub end: Option<End>,
}

/// A setting an axis or `set` names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Setting {
    /// A field of the engine's configuration ([`TRAIN_SETTINGS`]).
    Train(String),
    /// `mode`, `sweep_betas` or `shift_grid`.
    Run(String),
    /// The scenario: a preset's name or a scenario file (relative to the grid file).
    Scenario,
    /// A node's parameter.
    Param(ParamPath),
}

impl Setting {
    /// Parses a setting's name; an unknown one gets a message listing what exists.
    pub fn parse(name: &str) -> Result<Setting> {
        let refused = |why: &str| Err(Error::invalid(format!("`{name}` cannot vary: {why}")));
        match name {
            "seed" | "n_seeds" => {
                return refused("list the seeds in the grid's `seeds` (one cell per seed)");
            }
            "threads" | "device" => {
                return refused(
                    "it is chosen when the cells run (`grid run --jobs`, `--device`), \
                     and does not change their numbers",
                );
            }
            "report_every" => return refused("it follows from `steps`"),
            "scenario" => return Ok(Setting::Scenario),
            _ => {}
        }
        if TRAIN_SETTINGS.contains(&name) {
            return Ok(Setting::Train(name.to_owned()));
        }
        if RUN_SETTINGS.contains(&name) {
            return Ok(Setting::Run(name.to_owned()));
        }
        if name.contains(['.', '[']) {
            return parse_param(name).map(Setting::Param);
        }
        Err(Error::invalid(format!(
            "unknown setting `{name}` (training settings: {}, {}; `scenario`; or a node's \
             parameter such as `c.noise.prob`, `y.threshold`, `x_s.weights[c]`)",
            TRAIN_SETTINGS.join(", "),
            RUN_SETTINGS.join(", ")
        )))
    }

    /// Checks that `v` has the right type for this setting (node parameters are checked
    /// against the scenario when applied).
    pub fn check_value(&self, v: &Value) -> Result<()> {
        match self {
            Setting::Train(field) => {
                let mut config = TrainConfig::default();
                set_train_field(&mut config, field, v)
            }
            Setting::Run(field) => set_run_field(&mut TrainSettings::default(), field, v),
            Setting::Scenario => match v {
                Value::String(_) => Ok(()),
                other => Err(Error::invalid(format!(
                    "{other} is not a preset's name or a scenario file's path"
                ))),
            },
            Setting::Param(p) => param_value(p, v, Param::Fixed(0.0)).map(|_| ()),
        }
    }

    /// Sets this setting of `ws` to `v`; a scenario file's path is relative to `base_dir`.
    pub fn apply(&self, ws: &mut Workspace, v: &Value, base_dir: &Path) -> Result<()> {
        match self {
            Setting::Train(field) => set_train_field(&mut ws.train.config, field, v),
            Setting::Run(field) => set_run_field(&mut ws.train, field, v),
            Setting::Scenario => {
                let Value::String(name) = v else {
                    return self.check_value(v);
                };
                ws.scenario = if name.ends_with(".json") {
                    Scenario::load(&base_dir.join(name))?
                } else {
                    preset(name)?
                };
                // The base's node positions belong to its own scenario; the app lays the new
                // one out itself.
                ws.layout.clear();
                Ok(())
            }
            Setting::Param(p) => set_param(&mut ws.scenario, p, v),
        }
    }
}

impl Setting {
    /// The value this setting has in `ws`, spelled as an axis would give it (`None` when the
    /// scenario has no such parameter).
    pub fn current(&self, ws: &Workspace) -> Option<Value> {
        match self {
            Setting::Train(field) => {
                let c = &ws.train.config;
                let json = serde_json::to_value(c).ok()?;
                json.get(field).cloned().or_else(|| match field.as_str() {
                    // Fields a workspace file leaves out when they have their defaults.
                    "oracle" => Some(Value::Bool(c.oracle)),
                    "keep_best_val" => Some(Value::Bool(c.keep_best_val)),
                    "monitor_steps" => Some(Value::from(c.monitor_steps)),
                    "weight_decay" => Some(Value::from(c.weight_decay)),
                    _ => None,
                })
            }
            Setting::Run(field) => match field.as_str() {
                "mode" => serde_json::to_value(ws.train.mode).ok(),
                "sweep_betas" => Some(Value::String(ws.train.sweep_betas.clone())),
                _ => Some(Value::String(ws.train.shift_grid.clone())),
            },
            Setting::Scenario => Some(Value::String(ws.scenario.name.clone())),
            Setting::Param(p) => {
                let mut scenario = ws.scenario.clone();
                let whole = ParamPath {
                    end: None,
                    ..p.clone()
                };
                let param = *param_slot(&mut scenario, &whole).ok()?;
                match p.end {
                    Some(End::Train) => serde_json::to_value(param.at(0.0)).ok(),
                    Some(End::Test) => serde_json::to_value(param.at(1.0)).ok(),
                    None => serde_json::to_value(param).ok(),
                }
            }
        }
    }
}

/// Every parameter of `scenario`'s nodes an axis can name, in node order: `node.noise.sd`,
/// `node.threshold`, `node.bias` or `node.bias[i]`, `node.weights[parent]` or
/// `node.weights[parent][r][c]`.
pub fn scenario_parameters(scenario: &Scenario) -> Vec<String> {
    let mut out = Vec::new();
    for n in &scenario.nodes {
        let name = &n.name;
        if let Some((p, _)) = n.noise.param() {
            out.push(format!("{name}.noise.{p}"));
        }
        if matches!(n.mechanism, Mechanism::Threshold { .. }) {
            out.push(format!("{name}.threshold"));
        }
        let rows = n.mechanism.pre_rows(n.dim);
        if rows == 1 {
            out.push(format!("{name}.bias"));
        } else {
            out.extend((0..rows).map(|i| format!("{name}.bias[{i}]")));
        }
        for e in &n.parents {
            let cols = e.weights.first().map_or(0, Vec::len);
            if e.weights.len() == 1 && cols == 1 {
                out.push(format!("{name}.weights[{}]", e.from));
            } else {
                for r in 0..e.weights.len() {
                    for c in 0..cols {
                        out.push(format!("{name}.weights[{}][{r}][{c}]", e.from));
                    }
                }
            }
        }
    }
    out
}

/// The value of a setting as a table cell or a legend shows it: numbers short, names bare, a
/// shifting pair `train→test`.
pub fn value_label(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.as_f64().map_or_else(|| n.to_string(), short_number),
        Value::Bool(b) => b.to_string(),
        Value::Object(o) => match (
            o.get("train").and_then(Value::as_f64),
            o.get("test").and_then(Value::as_f64),
        ) {
            (Some(a), Some(b)) if o.len() == 2 => {
                format!("{}→{}", short_number(a), short_number(b))
            }
            _ => v.to_string(),
        },
        Value::Array(a) => a.iter().map(value_label).collect::<Vec<_>>().join(" "),
        Value::Null => "null".into(),
    }
}

/// The shortest text that reads back as `x`.
fn short_number(x: f64) -> String {
    format!("{x}")
}

fn set_train_field(config: &mut TrainConfig, field: &str, v: &Value) -> Result<()> {
    let mut json = serde_json::to_value(&*config)
        .map_err(|e| Error::invalid(format!("cannot encode the settings: {e}")))?;
    if let Some(obj) = json.as_object_mut() {
        obj.insert(field.to_owned(), v.clone());
    }
    *config = serde_json::from_value(json)
        .map_err(|e| Error::invalid(format!("`{field}` cannot be {v}: {e}")))?;
    Ok(())
}

fn set_run_field(t: &mut TrainSettings, field: &str, v: &Value) -> Result<()> {
    match field {
        "mode" => {
            t.mode = serde_json::from_value::<RunMode>(v.clone()).map_err(|_| {
                Error::invalid(format!(
                    "`mode` cannot be {v} (use \"Compare\" or \"BetaSweep\")"
                ))
            })?;
        }
        "sweep_betas" => {
            let text = match v {
                Value::String(s) => s.clone(),
                Value::Array(a) if a.iter().all(Value::is_number) => {
                    a.iter().map(value_label).collect::<Vec<_>>().join(", ")
                }
                other => {
                    return Err(Error::invalid(format!(
                        "`sweep_betas` cannot be {other} (a list of numbers, or text like \"0, 5, 20\")"
                    )));
                }
            };
            parse_betas(&text).map_err(|e| Error::invalid(format!("`sweep_betas`: {e}")))?;
            t.sweep_betas = text;
        }
        _ => {
            let text = match v {
                Value::String(s) => s.clone(),
                Value::Array(a) if a.iter().all(Value::is_number) => {
                    a.iter().map(value_label).collect::<Vec<_>>().join(", ")
                }
                other => {
                    return Err(Error::invalid(format!(
                        "`shift_grid` cannot be {other} (a list of shifts, or text like \"0:1:11\")"
                    )));
                }
            };
            parse_grid(&text).map_err(|e| Error::invalid(format!("`shift_grid`: {e}")))?;
            t.shift_grid = text;
        }
    }
    Ok(())
}

/// Parses `node.part[.train|.test]`.
fn parse_param(name: &str) -> Result<ParamPath> {
    let bad = |why: String| Error::invalid(format!("`{name}`: {why}"));
    let Some((node, rest)) = name.split_once('.') else {
        return Err(bad(
            "a node's parameter is written `node.parameter`, e.g. `c.noise.prob`".into(),
        ));
    };
    if node.is_empty() {
        return Err(bad("the node's name is missing".into()));
    }
    let (rest, end) = if let Some(r) = rest.strip_suffix(".train") {
        (r, Some(End::Train))
    } else if let Some(r) = rest.strip_suffix(".test") {
        (r, Some(End::Test))
    } else {
        (rest, None)
    };
    let part = if let Some(n) = rest.strip_prefix("noise.") {
        if !["sd", "half_width", "scale", "prob"].contains(&n) {
            return Err(bad(format!(
                "unknown noise parameter `{n}` (sd, half_width, scale or prob)"
            )));
        }
        ParamPart::Noise(n.to_owned())
    } else if rest == "threshold" {
        ParamPart::Threshold
    } else if rest == "bias" {
        ParamPart::Bias(None)
    } else if let Some(ix) = rest.strip_prefix("bias") {
        let [i] = indices(ix).map_err(bad)?[..] else {
            return Err(bad("a bias entry is written `bias[i]`".into()));
        };
        ParamPart::Bias(Some(i))
    } else if let Some(w) = rest.strip_prefix("weights[") {
        let (parent, ix) = w
            .split_once(']')
            .ok_or_else(|| bad("write `weights[parent]` or `weights[parent][row][col]`".into()))?;
        let entry = match indices(ix).map_err(bad)?[..] {
            [] => None,
            [r, c] => Some((r, c)),
            _ => {
                return Err(bad(
                    "write `weights[parent]` or `weights[parent][row][col]`".into(),
                ));
            }
        };
        ParamPart::Weight {
            parent: parent.to_owned(),
            entry,
        }
    } else {
        return Err(bad(format!(
            "unknown parameter `{rest}` (use noise.sd, noise.prob, noise.half_width, \
             noise.scale, threshold, bias, bias[i], weights[parent] or \
             weights[parent][row][col], optionally ending in .train or .test)"
        )));
    };
    Ok(ParamPath {
        node: node.to_owned(),
        part,
        end,
    })
}

/// `[1][2]` → `[1, 2]`; `` → `[]`.
fn indices(text: &str) -> std::result::Result<Vec<usize>, String> {
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let inner = rest
            .strip_prefix('[')
            .and_then(|r| r.split_once(']'))
            .ok_or_else(|| format!("`{text}` is not a list of [index]"))?;
        out.push(
            inner
                .0
                .trim()
                .parse()
                .map_err(|_| format!("`{}` is not an index (0, 1, …)", inner.0))?,
        );
        rest = inner.1;
    }
    Ok(out)
}

/// The parameter `v` makes of `old`: a number is a fixed value (or one end, with `.train` /
/// `.test`), `{"train": a, "test": b}` a shifting one.
fn param_value(p: &ParamPath, v: &Value, old: Param) -> Result<Param> {
    if let Some(end) = p.end {
        let x = v.as_f64().ok_or_else(|| {
            Error::invalid(format!("{v} is not a number (one end of a parameter)"))
        })?;
        let (train, test) = (old.at(0.0), old.at(1.0));
        return Ok(match end {
            End::Train => Param::Shifting { train: x, test },
            End::Test => Param::Shifting { train, test: x },
        });
    }
    serde_json::from_value::<Param>(v.clone()).map_err(|_| {
        Error::invalid(format!(
            "{v} is not a parameter (a number, or {{\"train\": …, \"test\": …}})"
        ))
    })
}

/// Sets the parameter `p` of `scenario` to `v`.
fn set_param(scenario: &mut Scenario, p: &ParamPath, v: &Value) -> Result<()> {
    let slot = param_slot(scenario, p)?;
    *slot = param_value(p, v, *slot)?;
    Ok(())
}

/// The parameter `p` names in `scenario` (a bias left empty, meaning zeros, is filled in).
fn param_slot<'a>(scenario: &'a mut Scenario, p: &ParamPath) -> Result<&'a mut Param> {
    let id = scenario.id(&p.node)?;
    let node: &mut Node = &mut scenario.nodes[id.0];
    let name = node.name.clone();
    let slot: &mut Param = match &p.part {
        ParamPart::Noise(want) => {
            let have = node.noise.param().map(|(n, _)| n);
            if have != Some(want.as_str()) {
                return Err(Error::shape(
                    &name,
                    match have {
                        Some(h) => format!(
                            "its {} noise has the parameter `noise.{h}`, not `noise.{want}`",
                            node.noise.name()
                        ),
                        None => "it has no noise, so no `noise.` parameter".into(),
                    },
                ));
            }
            noise_param(&mut node.noise)
                .ok_or_else(|| Error::shape(&name, "it has no noise parameter"))?
        }
        ParamPart::Threshold => match &mut node.mechanism {
            Mechanism::Threshold { threshold } => threshold,
            other => {
                return Err(Error::shape(
                    &name,
                    format!("its mechanism is {}, which has no threshold", other.name()),
                ));
            }
        },
        ParamPart::Bias(i) => {
            let rows = node.mechanism.pre_rows(node.dim);
            if node.bias.is_empty() {
                node.bias = vec![Param::Fixed(0.0); rows];
            }
            let i = match i {
                Some(i) => *i,
                None if rows == 1 => 0,
                None => {
                    return Err(Error::shape(
                        &name,
                        format!("its bias has {rows} entries; name one, e.g. `bias[0]`"),
                    ));
                }
            };
            node.bias.get_mut(i).ok_or_else(|| {
                Error::shape(
                    &name,
                    format!("its bias has {rows} entries, so there is no bias[{i}]"),
                )
            })?
        }
        ParamPart::Weight { parent, entry } => {
            let edge = node
                .parents
                .iter_mut()
                .find(|e| &e.from == parent)
                .ok_or_else(|| {
                    Error::shape(&name, format!("there is no edge {parent} -> {name}"))
                })?;
            let rows = edge.weights.len();
            let cols = edge.weights.first().map_or(0, Vec::len);
            let (r, c) = match entry {
                Some(rc) => *rc,
                None if rows == 1 && cols == 1 => (0, 0),
                None => {
                    return Err(Error::shape(
                        &name,
                        format!(
                            "the weights from `{parent}` are {rows}×{cols}; name one entry, \
                             e.g. `weights[{parent}][0][0]`"
                        ),
                    ));
                }
            };
            edge.weights
                .get_mut(r)
                .and_then(|row| row.get_mut(c))
                .ok_or_else(|| {
                    Error::shape(
                        &name,
                        format!(
                            "the weights from `{parent}` are {rows}×{cols}, so there is no \
                             entry [{r}][{c}]"
                        ),
                    )
                })?
        }
    };
    Ok(slot)
}

fn noise_param(noise: &mut crate::scm::Noise) -> Option<&mut Param> {
    use crate::scm::Noise;
    match noise {
        Noise::None => None,
        Noise::Gaussian { sd } => Some(sd),
        Noise::Uniform { half_width } => Some(half_width),
        Noise::Laplace { scale } => Some(scale),
        Noise::LabelFlip { prob } => Some(prob),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_parse_into_settings() {
        assert_eq!(
            Setting::parse("beta").unwrap(),
            Setting::Train("beta".into())
        );
        assert_eq!(Setting::parse("scenario").unwrap(), Setting::Scenario);
        let Setting::Param(p) = Setting::parse("x_s.weights[c][0][0].test").unwrap() else {
            panic!("a parameter")
        };
        assert_eq!(p.node, "x_s");
        assert_eq!(p.end, Some(End::Test));
        assert_eq!(
            p.part,
            ParamPart::Weight {
                parent: "c".into(),
                entry: Some((0, 0))
            }
        );
        let e = Setting::parse("betaa").unwrap_err().to_string();
        assert!(e.contains("unknown setting `betaa`"), "{e}");
        let e = Setting::parse("seed").unwrap_err().to_string();
        assert!(e.contains("`seeds`"), "{e}");
        let e = Setting::parse("c.noise").unwrap_err().to_string();
        assert!(e.contains("unknown parameter `noise`"), "{e}");
    }

    #[test]
    fn values_apply_to_a_workspace_and_bad_ones_are_named() {
        let mut ws = Workspace::from_preset("anti-causal").unwrap();
        let dir = Path::new(".");
        Setting::parse("beta")
            .unwrap()
            .apply(&mut ws, &json!(3.5), dir)
            .unwrap();
        assert_eq!(ws.train.config.beta, 3.5);
        Setting::parse("c.noise.prob.test")
            .unwrap()
            .apply(&mut ws, &json!(0.5), dir)
            .unwrap();
        let c = &ws.scenario.nodes[ws.scenario.id("c").unwrap().0];
        assert_eq!(
            c.noise.param().unwrap().1,
            Param::Shifting {
                train: 0.1,
                test: 0.5
            }
        );
        Setting::parse("x_s.weights[c]")
            .unwrap()
            .apply(&mut ws, &json!({"train": 2.0, "test": -1.0}), dir)
            .unwrap();
        let e = Setting::parse("y.weights[x_c]")
            .unwrap()
            .apply(&mut ws, &json!(1.0), dir)
            .unwrap_err()
            .to_string();
        assert!(e.contains("1×4; name one entry"), "{e}");
        let e = Setting::parse("c.noise.sd")
            .unwrap()
            .apply(&mut ws, &json!(1.0), dir)
            .unwrap_err()
            .to_string();
        assert!(e.contains("`noise.prob`, not `noise.sd`"), "{e}");
        let e = Setting::parse("nope.threshold")
            .unwrap()
            .apply(&mut ws, &json!(1.0), dir)
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown node `nope`"), "{e}");
        let e = Setting::parse("estimator")
            .unwrap()
            .check_value(&json!("clubb"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("`estimator` cannot be \"clubb\""), "{e}");
        assert_eq!(
            value_label(&json!({"train": 0.1, "test": 0.95})),
            "0.1→0.95"
        );
        assert_eq!(value_label(&json!(20.0)), "20");
        let ws = Workspace::from_preset("anti-causal").unwrap();
        let cur = |name: &str| Setting::parse(name).unwrap().current(&ws);
        assert_eq!(cur("beta"), Some(json!(20.0)));
        assert_eq!(
            cur("oracle"),
            Some(json!(true)),
            "a default left out of the file"
        );
        for name in TRAIN_SETTINGS {
            assert!(cur(name).is_some(), "{name} has no current value");
        }
        assert_eq!(
            cur("c.noise.prob"),
            Some(json!({"train": 0.1, "test": 0.95}))
        );
        assert_eq!(cur("c.noise.prob.test"), Some(json!(0.95)));
        assert_eq!(cur("x_s.bias"), Some(json!(-1.0)));
        assert_eq!(cur("nope.bias"), None);
        let params = scenario_parameters(&ws.scenario);
        for p in [
            "c.noise.prob",
            "y.threshold",
            "y.weights[x_c][0][3]",
            "x_s.weights[c]",
        ] {
            assert!(params.iter().any(|q| q == p), "{p} missing from {params:?}");
        }
        for p in &params {
            let s = Setting::parse(p).unwrap();
            assert!(s.current(&ws).is_some(), "{p} has no current value");
        }
        assert_eq!(value_label(&json!(20.0)), "20");
    }
}
