//! A node's parameter named the way grid axes name it: `c.noise.prob` (the noise's parameter:
//! `sd`, `half_width`, `scale` or `prob`), `y.threshold`, `x_s.bias[0]` (or `x_s.bias` for a
//! one-row bias), `x_s.weights[c][0][0]` (or `x_s.weights[c]` for a one-entry matrix), each
//! optionally ending in `.train` or `.test` to set one end of a shifting parameter.
//!
//! Over 400 lines with its unit tests: the parser, the two setters and their errors are one
//! grammar, tested beside it (the code alone is about 330 lines).

use serde_json::Value;

use crate::error::{Error, Result};
use crate::scm::{Mechanism, Node, Param, Scenario};

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

impl ParamPath {
    /// Parses `node.part[.train|.test]`.
    pub fn parse(name: &str) -> Result<ParamPath> {
        parse_param(name)
    }

    /// Sets this parameter of `scenario` to `v` (a number, or `{"train": …, "test": …}`; a
    /// number only when one end is named).
    pub fn set(&self, scenario: &mut Scenario, v: &Value) -> Result<()> {
        set_param(scenario, self, v)
    }

    /// Checks that `v` can be this parameter's value, whatever the scenario.
    pub fn check_value(&self, v: &Value) -> Result<()> {
        param_value(self, v, Param::Fixed(0.0)).map(|_| ())
    }

    /// This parameter's value in `scenario`, spelled as an axis would give it (`None` when
    /// the scenario has no such parameter).
    pub fn get(&self, scenario: &Scenario) -> Option<Value> {
        let mut scenario = scenario.clone();
        let whole = ParamPath {
            end: None,
            ..self.clone()
        };
        let param = *param_slot(&mut scenario, &whole).ok()?;
        match self.end {
            Some(End::Train) => serde_json::to_value(param.at(0.0)).ok(),
            Some(End::Test) => serde_json::to_value(param.at(1.0)).ok(),
            None => serde_json::to_value(param).ok(),
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
    use crate::scm::preset;
    use serde_json::json;

    /// Why setting `path` of `s` to `v` fails.
    fn set_error(s: &mut Scenario, path: &str, v: &Value) -> String {
        ParamPath::parse(path)
            .unwrap()
            .set(s, v)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn paths_parse_and_name_what_is_wrong() {
        let p = ParamPath::parse("x_s.weights[c][0][0].test").unwrap();
        assert_eq!(p.node, "x_s");
        assert_eq!(p.end, Some(End::Test));
        assert_eq!(
            p.part,
            ParamPart::Weight {
                parent: "c".into(),
                entry: Some((0, 0))
            }
        );
        assert_eq!(
            ParamPath::parse("x_s.bias[2]").unwrap().part,
            ParamPart::Bias(Some(2))
        );
        let e = ParamPath::parse("c.noise").unwrap_err().to_string();
        assert!(e.contains("unknown parameter `noise`"), "{e}");
        let e = ParamPath::parse("c.noise.width").unwrap_err().to_string();
        assert!(e.contains("unknown noise parameter `width`"), "{e}");
        let e = ParamPath::parse("x_s.bias[x]").unwrap_err().to_string();
        assert!(e.contains("`x` is not an index"), "{e}");
    }

    #[test]
    fn parameters_are_set_and_read_in_a_scenario() {
        let mut s = preset("anti-causal").unwrap();
        ParamPath::parse("c.noise.prob.test")
            .unwrap()
            .set(&mut s, &json!(0.5))
            .unwrap();
        let c = &s.nodes[s.id("c").unwrap().0];
        assert_eq!(
            c.noise.param().unwrap().1,
            Param::Shifting {
                train: 0.1,
                test: 0.5
            }
        );
        let e = set_error(&mut s, "y.weights[x_c]", &json!(1.0));
        assert!(e.contains("1×4; name one entry"), "{e}");
        let e = set_error(&mut s, "x_s.weights[y]", &json!(1.0));
        assert!(e.contains("there is no edge y -> x_s"), "{e}");
        let get = |name: &str| ParamPath::parse(name).unwrap().get(&s);
        assert_eq!(
            get("c.noise.prob"),
            Some(json!({"train": 0.1, "test": 0.5}))
        );
        assert_eq!(get("c.noise.prob.train"), Some(json!(0.1)));
        assert_eq!(get("x_s.bias"), Some(json!(-1.0)));
        assert_eq!(get("nope.bias"), None);
        let params = scenario_parameters(&s);
        for p in [
            "c.noise.prob",
            "y.threshold",
            "y.weights[x_c][0][3]",
            "x_s.weights[c]",
        ] {
            assert!(params.iter().any(|q| q == p), "{p} missing from {params:?}");
        }
        for p in &params {
            assert!(
                ParamPath::parse(p).unwrap().get(&s).is_some(),
                "{p} has no value"
            );
        }
    }
}
