//! What a grid axis can vary, by name: a training setting (a field of the workspace's
//! `train.config`, or `mode`, `sweep_betas`, `shift_grid`), the `scenario`, or one numeric
//! parameter of a node written `node.parameter` (see `param`). A value is spelled as in a
//! workspace file.

use std::path::Path;

use serde_json::Value;

use super::param::ParamPath;
use crate::error::{Error, Result};
use crate::experiment::{RunMode, TrainSettings, parse_betas, parse_grid};
use crate::scm::{Scenario, preset};
use crate::session::Workspace;
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
            return ParamPath::parse(name).map(Setting::Param);
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
            Setting::Param(p) => p.check_value(v),
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
                let is_json = Path::new(name)
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("json"));
                ws.scenario = if is_json {
                    Scenario::load(&base_dir.join(name))?
                } else {
                    preset(name)?
                };
                // The base's node positions belong to its own scenario; the app lays the new
                // one out itself.
                ws.layout.clear();
                Ok(())
            }
            Setting::Param(p) => p.set(&mut ws.scenario, v),
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
            Setting::Param(p) => p.get(&ws.scenario),
        }
    }
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
            let text = list_text(
                "sweep_betas",
                v,
                "a list of numbers, or text like \"0, 5, 20\"",
            )?;
            parse_betas(&text).map_err(|e| Error::invalid(format!("`sweep_betas`: {e}")))?;
            t.sweep_betas = text;
        }
        _ => {
            let text = list_text("shift_grid", v, "a list of shifts, or text like \"0:1:11\"")?;
            parse_grid(&text).map_err(|e| Error::invalid(format!("`shift_grid`: {e}")))?;
            t.shift_grid = text;
        }
    }
    Ok(())
}

/// `v` as the text of the list setting `field`: text as it is, a list of numbers joined with
/// ", "; anything else is refused, saying what `field` takes (`takes`).
fn list_text(field: &str, v: &Value, takes: &str) -> Result<String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Array(a) if a.iter().all(Value::is_number) => {
            Ok(a.iter().map(value_label).collect::<Vec<_>>().join(", "))
        }
        other => Err(Error::invalid(format!(
            "`{field}` cannot be {other} ({takes})"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grid::scenario_parameters;
    use crate::scm::Param;
    use serde_json::json;

    /// Parses `name` and applies `v` to `ws` (file paths relative to the working directory).
    fn apply(ws: &mut Workspace, name: &str, v: &Value) -> Result<()> {
        Setting::parse(name).unwrap().apply(ws, v, Path::new("."))
    }

    /// The message of applying `v` to `name` in `ws`, which must fail.
    fn apply_error(ws: &mut Workspace, name: &str, v: &Value) -> String {
        apply(ws, name, v).unwrap_err().to_string()
    }

    #[test]
    fn names_parse_into_settings() {
        assert_eq!(
            Setting::parse("beta").unwrap(),
            Setting::Train("beta".into())
        );
        assert_eq!(Setting::parse("scenario").unwrap(), Setting::Scenario);
        assert!(matches!(
            Setting::parse("x_s.weights[c][0][0].test").unwrap(),
            Setting::Param(_)
        ));
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
        apply(&mut ws, "beta", &json!(3.5)).unwrap();
        assert_eq!(ws.train.config.beta, 3.5);
        apply(&mut ws, "c.noise.prob.test", &json!(0.5)).unwrap();
        let c = &ws.scenario.nodes[ws.scenario.id("c").unwrap().0];
        assert_eq!(
            c.noise.param().unwrap().1,
            Param::Shifting {
                train: 0.1,
                test: 0.5
            }
        );
        apply(
            &mut ws,
            "x_s.weights[c]",
            &json!({"train": 2.0, "test": -1.0}),
        )
        .unwrap();
        let e = apply_error(&mut ws, "y.weights[x_c]", &json!(1.0));
        assert!(e.contains("1×4; name one entry"), "{e}");
        let e = apply_error(&mut ws, "c.noise.sd", &json!(1.0));
        assert!(e.contains("`noise.prob`, not `noise.sd`"), "{e}");
        let e = apply_error(&mut ws, "nope.threshold", &json!(1.0));
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
        for p in scenario_parameters(&ws.scenario) {
            let s = Setting::parse(&p).unwrap();
            assert!(s.current(&ws).is_some(), "{p} has no current value");
        }
    }
}
