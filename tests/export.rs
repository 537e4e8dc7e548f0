//! Workspace files, figures and the CSV behind them (issue 5).

// Test code: a failed unwrap is a failed test, and printing is a test's report.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::path::{Path, PathBuf};
use std::process::Command;

use crl_lab::Error;
use crl_lab::experiment::SilentJob;
use crl_lab::export::{
    FigureFormat, FigureSpec, FigureWidth, Needs, PlotData, PlotKind, plot_csv, recompute,
    render_figure,
};
use crl_lab::session::{RepresentationView, Workspace};
use crl_lab::train::{DeviceChoice, RunControl};

fn small() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/small_workspace.json")
}

fn bad_file(text: &str) -> String {
    match Workspace::from_json(text, "ws.json") {
        Err(Error::BadFile { path, detail }) => {
            assert_eq!(path, "ws.json");
            detail
        }
        other => panic!("expected BadFile, got {other:?}"),
    }
}

fn with_field(key: &str, value: serde_json::Value) -> String {
    let text = std::fs::read_to_string(small()).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v[key] = value;
    serde_json::to_string(&v).unwrap()
}

#[test]
fn round_trip_gives_identical_bytes() {
    let original = std::fs::read(small()).unwrap();
    let ws = Workspace::load(&small()).unwrap();
    assert!(ws.results.is_some() && !ws.calibration_points.is_empty());
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.json");
    ws.save(&a).unwrap();
    assert_eq!(std::fs::read(&a).unwrap(), original);
    let again = Workspace::load(&a).unwrap();
    let b = dir.path().join("b.json");
    again.save(&b).unwrap();
    assert_eq!(std::fs::read(&b).unwrap(), original);
    assert_eq!(ws.hash().unwrap(), again.hash().unwrap());
    assert_eq!(ws.hash().unwrap().len(), 16);

    // A fresh workspace round-trips too, and ends with a newline.
    let fresh = Workspace::from_preset("shortcut").unwrap();
    let text = fresh.to_json().unwrap();
    assert!(text.ends_with("}\n"));
    let back = Workspace::from_json(&text, "fresh").unwrap();
    assert_eq!(back.to_json().unwrap(), text);
    assert_eq!(back, fresh);
}

#[test]
fn a_newer_version_is_refused_by_name() {
    let d = bad_file(&with_field("version", 2.into()));
    assert!(
        d.contains("version 2 is newer than this crl-lab understands (1)"),
        "{d}"
    );
}

#[test]
fn an_older_version_is_refused_by_name() {
    let d = bad_file(&with_field("version", 0.into()));
    assert!(
        d.contains("version 0 is older than this crl-lab understands (1)"),
        "{d}"
    );
}

#[test]
fn a_wrong_format_is_refused() {
    let d = bad_file(&with_field("format", "crl-lab-run".into()));
    assert!(d.contains("not a crl-lab workspace"), "{d}");
    assert!(d.contains("crl-lab-run"), "{d}");
    let d = bad_file("[1, 2, 3]");
    assert!(d.contains("not a crl-lab workspace"), "{d}");
}

#[test]
fn damaged_json_is_refused_without_panicking() {
    let text = std::fs::read_to_string(small()).unwrap();
    let d = bad_file(&text[..text.len() / 2]);
    assert!(d.contains("not a valid JSON file"), "{d}");
    // Valid JSON, right header, wrong content.
    let d = bad_file(&with_field("train", "fast".into()));
    assert!(d.contains("damaged workspace"), "{d}");
    // Through load, the error names the path.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("broken.json");
    std::fs::write(&p, "{\"format\": \"crl-lab-workspace\", \"version\": 1,").unwrap();
    let e = Workspace::load(&p).unwrap_err().to_string();
    assert!(e.contains("broken.json"), "{e}");
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(&bytes[12..16], b"IHDR");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (be(&bytes[16..20]), be(&bytes[20..24]))
}

#[test]
fn figure_command_writes_a_valid_svg_with_the_hash_and_a_png_of_print_size() {
    let ws = Workspace::load(&small()).unwrap();
    let hash = ws.hash().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_crl-lab");
    let svg = dir.path().join("ood.svg");
    let out = Command::new(bin)
        .args(["figure", small().to_str().unwrap(), "--plot", "ood"])
        .args(["--format", "svg", "--out", svg.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&svg).unwrap();
    let doc = roxmltree::Document::parse(&text).expect("the SVG parses as XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(root.attribute("width"), Some("3.5in"));
    let meta = root
        .children()
        .find(|n| n.tag_name().name() == "metadata")
        .and_then(|n| n.text())
        .unwrap_or_default();
    assert!(meta.contains(&format!("fnv1a64:{hash}")), "{meta}");
    // The legend names both models.
    assert!(text.contains("baseline") && text.contains("CRL"));

    for (width, px) in [("single", 1050), ("double", 2100)] {
        let png = dir.path().join(format!("mi-{width}.png"));
        let out = Command::new(bin)
            .args(["figure", small().to_str().unwrap(), "--plot", "mi"])
            .args([
                "--format",
                "png",
                "--width",
                width,
                "--out",
                png.to_str().unwrap(),
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let w = if width == "single" {
            FigureWidth::Single
        } else {
            FigureWidth::Double
        };
        let (pw, ph) = png_size(&std::fs::read(&png).unwrap());
        assert_eq!(pw, px);
        assert_eq!((pw, ph), w.pixels(PlotKind::Mi));
        // 300 dpi is at least 1.5 in high in either preset.
        assert!(ph >= 450, "{ph}");
    }
}

#[test]
fn every_plot_kind_renders_as_parseable_svg() {
    let ws = Workspace::load(&small()).unwrap();
    let data = PlotData {
        run: ws.results.as_ref(),
        calibration: &ws.calibration_points,
        calibration_estimator: ws.plots.calibration.estimator,
        staircase: ws.calibration_staircase.as_ref(),
        pinned: &[],
        representation: RepresentationView::default(),
    };
    for kind in [
        PlotKind::Loss,
        PlotKind::Mi,
        PlotKind::Ood,
        PlotKind::Calibration,
    ] {
        let spec = FigureSpec {
            kind,
            format: FigureFormat::Svg,
            width: FigureWidth::Double,
            hash: Some("0123456789abcdef".into()),
        };
        let bytes = render_figure(&spec, &data).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert!(text.contains("fnv1a64:0123456789abcdef"));
        let csv = plot_csv(kind, &data).unwrap();
        assert!(csv.lines().count() > 2, "{kind}: {csv}");
    }
    let mi = plot_csv(PlotKind::Mi, &data).unwrap();
    assert!(mi.lines().next().unwrap().contains("mi_zc_monitor"));
    // A compare run has no trade-off to draw: a clear error, not an empty figure.
    let spec = FigureSpec {
        kind: PlotKind::TradeOff,
        format: FigureFormat::Png,
        width: FigureWidth::Single,
        hash: None,
    };
    let e = render_figure(&spec, &data).unwrap_err().to_string();
    assert!(e.contains("β-sweep"), "{e}");
}

#[test]
fn rerunning_with_the_same_seed_gives_the_same_csv_numbers_on_the_cpu() {
    let csvs = || {
        let mut ws = Workspace::load(&small()).unwrap();
        ws.results = None;
        let needs = Needs {
            training: true,
            calibration: false,
        };
        let done = recompute(
            &mut ws,
            needs,
            false,
            Some(DeviceChoice::Cpu),
            &mut SilentJob,
            &mut |_| {},
            &RunControl::default(),
        )
        .unwrap();
        assert!(done.training && !done.calibration);
        let data = PlotData {
            run: ws.results.as_ref(),
            calibration: &ws.calibration_points,
            calibration_estimator: ws.plots.calibration.estimator,
            staircase: ws.calibration_staircase.as_ref(),
            pinned: &[],
            representation: RepresentationView::default(),
        };
        [PlotKind::Loss, PlotKind::Mi, PlotKind::Ood].map(|k| plot_csv(k, &data).unwrap())
    };
    let (a, b) = (csvs(), csvs());
    assert_eq!(a, b);
    // 60 steps reported every step for three groups (baseline, CRL, oracle), plus the header.
    assert_eq!(a[0].lines().count(), 1 + 3 * 60);
    // Three shifts for three groups.
    assert_eq!(a[2].lines().count(), 1 + 3 * 3);
}

#[test]
fn a_bad_workspace_fails_with_one_error_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("new.json");
    std::fs::write(&p, with_field("version", 7.into())).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_crl-lab"))
        .args(["figure", p.to_str().unwrap(), "--plot", "loss", "--out"])
        .arg(dir.path().join("x.svg"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("error: ") && err.contains("version 7 is newer"),
        "{err}"
    );
    assert!(!dir.path().join("x.svg").exists());
}

/// Calibration points and a staircase of `estimator`, computed quickly on the CPU.
fn fresh_calibration(
    estimator: crl_lab::mi::EstimatorKind,
) -> (Vec<crl_lab::mi::Calibration>, crl_lab::mi::Staircase) {
    use crl_lab::experiment::{CalibrationSettings, StaircaseSettings};
    use crl_lab::mi::{calibrate, staircase};
    let settings = CalibrationSettings {
        estimator,
        steps: 100,
        staircase: StaircaseSettings {
            steps_per_level: 40,
            ..StaircaseSettings::default()
        },
        ..CalibrationSettings::default()
    };
    let dev = burn::tensor::Device::flex();
    let points = settings
        .configs()
        .iter()
        .map(|c| calibrate(c, &dev).unwrap())
        .collect();
    let stairs = staircase(&settings.staircase_config(), &dev, &mut |_| {
        std::ops::ControlFlow::Continue(())
    })
    .unwrap();
    (points, stairs)
}

/// Issue 11: the calibration figure draws the estimator's ideal beside the truth, labelled, and
/// the staircase as a second panel; its CSV has the ideal column and the staircase's readings.
#[test]
fn the_calibration_figure_and_csv_carry_the_ideal_and_the_staircase() {
    use crl_lab::mi::EstimatorKind;
    for estimator in [EstimatorKind::NceClub, EstimatorKind::Infonce] {
        let (points, stairs) = fresh_calibration(estimator);
        let data = PlotData {
            run: None,
            calibration: &points,
            calibration_estimator: estimator,
            staircase: Some(&stairs),
            pinned: &[],
            representation: RepresentationView::default(),
        };
        let spec = FigureSpec {
            kind: PlotKind::Calibration,
            format: FigureFormat::Svg,
            width: FigureWidth::Double,
            hash: None,
        };
        let text = String::from_utf8(render_figure(&spec, &data).unwrap()).unwrap();
        roxmltree::Document::parse(&text).expect("the SVG parses");
        let want = if estimator == EstimatorKind::Infonce {
            "ideal of infonce: min(I, log N)"
        } else {
            "ideal of nce-club: d·ρ²/(1−ρ²)"
        };
        assert!(
            text.contains(want),
            "{estimator}: no `{want}` in the legend"
        );
        assert!(
            text.contains("true MI"),
            "{estimator}: the truth is labelled"
        );
        assert!(
            text.contains(", d = 20"),
            "{estimator}: the staircase panel"
        );
        // The same figure as a PNG.
        let png = FigureSpec {
            format: FigureFormat::Png,
            width: FigureWidth::Single,
            ..spec
        };
        let (w, h) = png_size(&render_figure(&png, &data).unwrap());
        assert_eq!((w, h), FigureWidth::Single.pixels(PlotKind::Calibration));

        let csv = plot_csv(PlotKind::Calibration, &data).unwrap();
        let mut lines = csv.lines();
        assert_eq!(
            lines.next(),
            Some("series,step,rho,truth,ideal,estimate,estimator,upper_bound,log_n")
        );
        let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
        let grid: Vec<&Vec<&str>> = rows.iter().filter(|r| r[0] == "grid").collect();
        let stair: Vec<&Vec<&str>> = rows.iter().filter(|r| r[0] == "staircase").collect();
        assert_eq!(grid.len(), 6);
        assert_eq!(stair.len(), stairs.history.len());
        assert_eq!(grid.len() + stair.len(), rows.len());
        let num = |s: &str| s.parse::<f64>().unwrap();
        // ρ = 0.9, d = 5: the CLUB family's ideal is 21.315789; InfoNCE's is the truth 4.151828.
        let top = grid.last().unwrap();
        assert_eq!(top[2], "0.9");
        let ideal = if estimator == EstimatorKind::Infonce {
            4.151_828
        } else {
            21.315_789
        };
        assert!((num(top[4]) - ideal).abs() < 1e-5, "{top:?}");
        // The staircase's steps increase and its truth never steps down.
        for w in stair.windows(2) {
            assert!(num(w[0][1]) < num(w[1][1]));
            assert!(num(w[0][3]) <= num(w[1][3]) + 1e-9);
        }
    }
}

/// A workspace with a staircase round-trips; one written before the ideal and the staircase
/// existed still opens and draws its calibration figure (one panel, no ideal), and
/// `crl-lab figure` computes only the staircase it lacks.
#[test]
fn older_calibrations_still_draw_and_a_staircase_round_trips() {
    use crl_lab::mi::EstimatorKind;
    let old = Workspace::load(&small()).unwrap();
    assert!(old.calibration_points.iter().all(|c| c.ideal.is_none()));
    assert!(old.calibration_staircase.is_none());
    let data = PlotData {
        run: None,
        calibration: &old.calibration_points,
        calibration_estimator: old.plots.calibration.estimator,
        staircase: None,
        pinned: &[],
        representation: RepresentationView::default(),
    };
    let spec = FigureSpec {
        kind: PlotKind::Calibration,
        format: FigureFormat::Svg,
        width: FigureWidth::Single,
        hash: None,
    };
    let text = String::from_utf8(render_figure(&spec, &data).unwrap()).unwrap();
    assert!(!text.contains("ideal of") && !text.contains(", d = 20"));
    let csv = plot_csv(PlotKind::Calibration, &data).unwrap();
    assert!(
        csv.lines().skip(1).all(|l| l.starts_with("grid,,")),
        "{csv}"
    );

    let (points, stairs) = fresh_calibration(EstimatorKind::Club);
    let mut ws = Workspace::from_preset("shortcut").unwrap();
    ws.calibration_points = points;
    ws.calibration_staircase = Some(stairs);
    let text = ws.to_json().unwrap();
    let back = Workspace::from_json(&text, "ws").unwrap();
    assert_eq!(back, ws);
    assert_eq!(back.to_json().unwrap(), text);

    // The old file has every correlation but no staircase: only the staircase runs.
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("ws.json");
    let svg = dir.path().join("calibration.svg");
    let out = Command::new(env!("CARGO_BIN_EXE_crl-lab"))
        .args(["figure", small().to_str().unwrap(), "--plot", "calibration"])
        .args(["--device", "cpu", "--out", svg.to_str().unwrap()])
        .arg("--save")
        .arg(&saved)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("calibration: staircase"), "{err}");
    assert!(!err.contains("correlation"), "{err}");
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(
        text.contains("step ×1000, d = 20"),
        "the staircase panel is drawn"
    );
    let ws = Workspace::load(&saved).unwrap();
    assert_eq!(ws.calibration_points, old.calibration_points, "points kept");
    assert_eq!(ws.calibration_staircase.map(|s| s.levels.len()), Some(5));
}
