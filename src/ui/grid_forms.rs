//! The grid windows' state: the Export grid form (the axes the user picks, typed as text) and
//! the grid results being shown. Runtime only, not persisted. The form turns into a grid file
//! through the core's reader, so the app writes only what `crl-lab grid plan` accepts.

use std::path::PathBuf;

use serde_json::Value;

use crate::error::{Error, Result};
use crate::grid::{
    FigureIndex, GridAxis, GridBase, GridFile, RUN_SETTINGS, Setting, TRAIN_SETTINGS,
    scenario_parameters, value_label,
};
use crate::scm::Scenario;
use crate::session::Workspace;

/// One axis of the form: a setting and its values as typed (`1, 5, 20`).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct AxisDraft {
    /// The setting's name.
    pub setting: String,
    /// Its values, comma-separated; each a number, `true`/`false`, a name or a JSON object.
    pub values: String,
}

/// The Export grid form.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct GridDraft {
    /// The window is open.
    pub open: bool,
    /// The grid's name.
    pub name: String,
    /// The axes.
    pub axes: Vec<AxisDraft>,
    /// The seeds, comma-separated.
    pub seeds: String,
    /// Where to write the grid file (typed; the dialog fills it too).
    pub path: String,
}

/// Splits `text` at the commas outside braces and brackets, trimmed, empty parts dropped.
pub fn split_values(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let (mut depth, mut cur) = (0_i32, String::new());
    for c in text.chars() {
        match c {
            '{' | '[' => depth += 1,
            '}' | ']' => depth -= 1,
            ',' if depth == 0 => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    out.push(cur);
    out.into_iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

/// A typed value: JSON when it reads as JSON (a number, `true`, an object), else a name.
pub fn parse_value(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned()))
}

/// Every setting an axis can vary on `scenario`: the training settings, the run settings,
/// `scenario`, and each parameter of the scenario's nodes.
pub fn setting_choices(scenario: &Scenario) -> Vec<String> {
    TRAIN_SETTINGS
        .iter()
        .chain(&RUN_SETTINGS)
        .map(|s| (*s).to_owned())
        .chain(std::iter::once("scenario".to_owned()))
        .chain(scenario_parameters(scenario))
        .collect()
}

/// `setting`'s value in `ws` as the form shows it (empty when it has none).
pub fn current_text(ws: &Workspace, setting: &str) -> String {
    let Ok(s) = Setting::parse(setting) else {
        return String::new();
    };
    match s.current(ws) {
        Some(Value::String(t)) => t,
        Some(v @ (Value::Object(_) | Value::Array(_))) => v.to_string(),
        Some(v) => value_label(&v),
        None => String::new(),
    }
}

impl GridDraft {
    /// A form for the session `ws`: β varied around its value, its seeds, a path beside
    /// `folder` (or in the working folder).
    pub fn for_session(ws: &Workspace, folder: Option<PathBuf>) -> Self {
        let beta = ws.train.config.beta;
        let betas: Vec<String> = [0.0, beta / 4.0, beta, beta * 4.0]
            .iter()
            .map(|b| value_label(&serde_json::json!(b)))
            .collect::<Vec<_>>();
        let mut betas_dedup: Vec<String> = Vec::new();
        for b in betas {
            if !betas_dedup.contains(&b) {
                betas_dedup.push(b);
            }
        }
        let first = ws.train.config.seed;
        let seeds: Vec<String> = (0..ws.train.n_seeds.max(1) as u64)
            .map(|i| first.wrapping_add(i).to_string())
            .collect();
        let name = format!("{}-grid", ws.scenario.name);
        let path = folder
            .unwrap_or_default()
            .join(format!("{name}.json"))
            .display()
            .to_string();
        GridDraft {
            open: false,
            name,
            axes: vec![AxisDraft {
                setting: "beta".into(),
                values: betas_dedup.join(", "),
            }],
            seeds: seeds.join(", "),
            path,
        }
    }

    /// The grid file this form and the session `ws` describe: `ws` (without its results) as the
    /// inline base, the form's axes and seeds. Checked by the same reader as a file, so an
    /// unknown setting or a bad value is refused here, naming the axis.
    pub fn to_grid(&self, ws: &Workspace) -> Result<GridFile> {
        let mut base = ws.clone();
        base.results = None;
        base.pinned.clear();
        base.calibration_points.clear();
        base.calibration_staircase = None;
        let base = serde_json::to_value(&base)
            .map_err(|e| Error::invalid(format!("cannot encode the session: {e}")))?;
        let mut grid = GridFile::new(
            self.name.trim(),
            GridBase {
                preset: None,
                workspace: Some(base),
            },
        );
        for (i, a) in self.axes.iter().enumerate() {
            let values: Vec<Value> = split_values(&a.values)
                .iter()
                .map(|t| parse_value(t))
                .collect();
            if a.setting.trim().is_empty() {
                return Err(Error::invalid(format!("axis {}: pick a setting", i + 1)));
            }
            grid.axes.push(GridAxis {
                setting: a.setting.trim().to_owned(),
                values,
            });
        }
        for t in split_values(&self.seeds) {
            let seed = t
                .parse::<u64>()
                .map_err(|_| Error::invalid(format!("seeds: `{t}` is not a seed (0, 1, 2, …)")))?;
            grid.seeds.push(seed);
        }
        let text = grid.to_json()?;
        GridFile::from_json(&text, "the grid")
    }
}

/// A collected grid's figures, read for the Grid results window.
#[derive(Clone, Debug)]
pub struct GridShown {
    /// The folder the figures are in.
    pub folder: PathBuf,
    /// Its `figures.json`.
    pub index: FigureIndex,
    /// Each figure's PNG, decoded, or why it could not be.
    pub images: Vec<std::result::Result<egui::ColorImage, String>>,
}

/// The Grid results window.
#[derive(Clone, Debug, Default)]
pub struct GridResultsView {
    /// The window is open.
    pub open: bool,
    /// The folder typed (or picked).
    pub path: String,
    /// What is shown.
    pub shown: Option<GridShown>,
}

/// The grid windows.
#[derive(Clone, Debug, Default)]
pub struct GridUi {
    /// Export grid.
    pub export: GridDraft,
    /// Grid results.
    pub results: GridResultsView,
}

/// Decodes an 8-bit RGB or RGBA PNG into an image egui can show.
pub fn decode_png(bytes: &[u8]) -> std::result::Result<egui::ColorImage, String> {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().map_err(|e| e.to_string())?;
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| "the image is too large".to_owned())?;
    let mut buf = vec![0; size];
    let info = reader.next_frame(&mut buf).map_err(|e| e.to_string())?;
    let (w, h) = (info.width as usize, info.height as usize);
    let data = &buf[..info.buffer_size()];
    match (info.color_type, info.bit_depth) {
        (png::ColorType::Rgb, png::BitDepth::Eight) => Ok(egui::ColorImage::from_rgb([w, h], data)),
        (png::ColorType::Rgba, png::BitDepth::Eight) => {
            Ok(egui::ColorImage::from_rgba_unmultiplied([w, h], data))
        }
        (c, d) => Err(format!("unsupported PNG ({c:?}, {d:?})")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_values_split_outside_braces_and_parse() {
        assert_eq!(
            split_values(r#"1, 5 ,{"train": 0.1, "test": 0.9}, club,"#),
            ["1", "5", r#"{"train": 0.1, "test": 0.9}"#, "club"]
        );
        assert_eq!(parse_value("5"), serde_json::json!(5));
        assert_eq!(parse_value("true"), serde_json::json!(true));
        assert_eq!(parse_value("nce-club"), serde_json::json!("nce-club"));
    }

    #[test]
    fn the_form_becomes_a_grid_file_the_reader_accepts() {
        let ws = Workspace::from_preset("anti-causal").unwrap();
        let mut d = GridDraft::for_session(&ws, None);
        assert_eq!(d.axes[0].values, "0, 5, 20, 80");
        d.axes.push(AxisDraft {
            setting: "c.noise.prob".into(),
            values: r#"{"train": 0.1, "test": 0.95}, {"train": 0.2, "test": 0.95}"#.into(),
        });
        let g = d.to_grid(&ws).unwrap();
        assert_eq!(g.cell_count(), 4 * 2 * 3);
        d.axes[1].setting = "c.noise.nope".into();
        let e = d.to_grid(&ws).unwrap_err().to_string();
        assert!(e.contains("axes[1] (`c.noise.nope`)"), "{e}");
        assert_eq!(current_text(&ws, "estimator"), "nce-club");
        assert!(setting_choices(&ws.scenario).contains(&"x_s.weights[c]".to_owned()));
    }
}
