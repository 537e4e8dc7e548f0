//! Workspace files, figures and the CSV behind them (issue 5).

use std::path::{Path, PathBuf};
use std::process::Command;

use crl_lab::Error;
use crl_lab::experiment::SilentJob;
use crl_lab::export::{
    FigureFormat, FigureSpec, FigureWidth, Needs, PlotData, PlotKind, Workspace, plot_csv,
    recompute, render_figure,
};
use crl_lab::train::DeviceChoice;

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
            &mut |_, _| {},
        )
        .unwrap();
        assert!(done.training && !done.calibration);
        let data = PlotData {
            run: ws.results.as_ref(),
            calibration: &ws.calibration_points,
            calibration_estimator: ws.plots.calibration.estimator,
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
