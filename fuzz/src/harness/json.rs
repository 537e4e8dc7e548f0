//! The JSON files a user opens: scenarios, workspaces and lessons, and the app's recovery files.

use crl_lab::data::Sampler;
use crl_lab::export::{
    FigureFormat, FigureSpec, FigureWidth, available_kinds, pinned_csv, plot_csv, plot_data,
    render_figure,
};
use crl_lab::scm::Scenario;
use crl_lab::session::{Lesson, Recovery, Workspace};

/// Rows drawn from a scenario that parsed: enough to run every mechanism, few enough to stay
/// fast.
const SAMPLE_ROWS: usize = 8;

/// A scenario file: parse and validate; a valid one saves and reloads unchanged, and a few
/// rows are drawn from it at both ends of the shift and in the middle. True when it loads.
pub fn scenario(data: &[u8]) -> bool {
    // The app and the CLI read files as UTF-8 text and refuse anything else first.
    let Ok(text) = std::str::from_utf8(data) else {
        return false;
    };
    let Ok(s) = Scenario::from_json(text, "fuzz.json") else {
        return false;
    };
    let again = Scenario::from_json(&s.to_json(), "saved")
        .unwrap_or_else(|e| panic!("a loaded scenario saves to a file that does not load: {e}"));
    assert_eq!(
        again.to_json(),
        s.to_json(),
        "saving and reloading changed the scenario"
    );
    let _ = s.outcome_kind();
    let _ = s.causal_features();
    for shift in [0.0, 0.5, 1.0] {
        if let Ok(sampler) = Sampler::new(&s, shift) {
            let _ = sampler.sample(SAMPLE_ROWS, 7);
        }
    }
    true
}

/// A workspace file: parse; a workspace that loads saves to the same text it reloads from, its
/// settings plan a run (shift grid, β list, training configuration), and every plot its stored
/// results can draw is drawn (SVG) with the CSV behind it, as the app and `crl-lab figure` do.
/// True when it loads.
pub fn workspace(data: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(data) else {
        return false;
    };
    let Ok(ws) = Workspace::from_json(text, "fuzz.json") else {
        return false;
    };
    let saved = ws
        .to_json()
        .unwrap_or_else(|e| panic!("a loaded workspace cannot be saved: {e}"));
    let again = Workspace::from_json(&saved, "saved")
        .unwrap_or_else(|e| panic!("a loaded workspace saves to a file that does not load: {e}"));
    let resaved = again
        .to_json()
        .unwrap_or_else(|e| panic!("a reloaded workspace cannot be saved: {e}"));
    assert_eq!(resaved, saved, "saving and reloading changed the workspace");
    let _ = ws.hash();
    let _ = ws.scenario.validate();
    let _ = ws.train.plan();
    let data = plot_data(&ws);
    for kind in available_kinds(&data) {
        let _ = plot_csv(kind, &data);
        let spec = FigureSpec {
            kind,
            format: FigureFormat::Svg,
            width: FigureWidth::Single,
            hash: None,
        };
        let _ = render_figure(&spec, &data);
    }
    let _ = pinned_csv(&ws.pinned);
    true
}

/// A lesson file: parse. True when it loads.
pub fn lesson(data: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(data) else {
        return false;
    };
    Lesson::from_json(text, "fuzz.json").is_ok()
}

/// A recovery file (what the app autosaves and offers back after an unclean exit): parse; one
/// that loads saves to a text that reloads to the same session, byte for byte, with the same
/// process, time and file. True when it loads.
pub fn recovery(data: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(data) else {
        return false;
    };
    let Ok(r) = Recovery::from_json(text, "fuzz.json") else {
        return false;
    };
    let saved = r
        .to_json()
        .unwrap_or_else(|e| panic!("a loaded recovery file cannot be saved: {e}"));
    let again = Recovery::from_json(&saved, "saved").unwrap_or_else(|e| {
        panic!("a loaded recovery file saves to a file that does not load: {e}")
    });
    assert_eq!(
        (again.pid, again.saved_unix_secs, &again.file),
        (r.pid, r.saved_unix_secs, &r.file),
        "saving and reloading changed the recovery file's header"
    );
    let resaved = again
        .to_json()
        .unwrap_or_else(|e| panic!("a reloaded recovery file cannot be saved: {e}"));
    assert_eq!(resaved, saved, "saving and reloading changed the session");
    // The app writes it through `to_json_with` and the workspace's own text.
    let ws = r
        .workspace
        .to_json()
        .unwrap_or_else(|e| panic!("a recovered workspace cannot be saved: {e}"));
    assert_eq!(r.to_json_with(&ws).ok().as_deref(), Some(saved.as_str()));
    true
}
