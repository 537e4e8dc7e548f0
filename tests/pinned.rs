//! Pinned runs (issue 14): named by what differs, compared in a table, overlaid in the loss, MI
//! and OOD figures and CSVs, stored in the workspace file; and the representation figure.

// Test code: a failed unwrap is a failed test, and printing is a test's report.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::path::{Path, PathBuf};

use crl_lab::experiment::SilentJob;
use crl_lab::export::{
    FigureFormat, FigureSpec, FigureWidth, Needs, PlotKind, available_kinds, export_bundle,
    pinned_csv, plot_csv, plot_data, recompute, render_figure,
};
use crl_lab::scm::preset;
use crl_lab::session::{ColourBy, PinnedRun, RepresentationView, Workspace, differences};
use crl_lab::train::{DeviceChoice, ModelKind, RunControl, Z_ROWS};

fn small() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/small_workspace.json")
}

/// The small workspace with `change` applied to its settings, trained again on the CPU (one
/// seed, 60 steps, three shifts).
fn trained(change: impl FnOnce(&mut Workspace)) -> Workspace {
    let mut ws = Workspace::load(&small()).unwrap();
    ws.results = None;
    ws.train.n_seeds = 1;
    ws.train.config.n_train = 4_000;
    ws.train.config.n_test = 1_000;
    change(&mut ws);
    let needs = Needs {
        training: true,
        calibration: false,
    };
    recompute(
        &mut ws,
        needs,
        false,
        Some(DeviceChoice::Cpu),
        &mut SilentJob,
        &mut |_| {},
        &RunControl::default(),
    )
    .unwrap();
    ws
}

fn svg(kind: PlotKind, ws: &Workspace) -> String {
    let spec = FigureSpec {
        kind,
        format: FigureFormat::Svg,
        width: FigureWidth::Double,
        hash: None,
    };
    let bytes = render_figure(&spec, &plot_data(ws)).unwrap_or_else(|e| panic!("{kind}: {e}"));
    let text = String::from_utf8(bytes).unwrap();
    roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{kind}: {e}"));
    text
}

#[test]
fn three_pinned_runs_are_named_compared_overlaid_and_stored() {
    let base = trained(|_| {});
    let beta = trained(|ws| ws.train.config.beta = 3.0);
    let uncond = trained(|ws| ws.train.config.conditional = false);
    let mut pinned: Vec<PinnedRun> = Vec::new();
    for ws in [&base, &beta, &uncond] {
        let run = ws.results.clone().unwrap();
        assert!(run.representation.is_some(), "a run keeps its projections");
        let pin = PinnedRun::new(&ws.scenario, &ws.train, run, &pinned);
        assert!(pin.results.representation.is_none(), "a pin does not");
        pinned.push(pin);
    }
    // The first is named against the preset's recommended settings, the others against it.
    let names: Vec<&str> = pinned.iter().map(|p| p.name.as_str()).collect();
    assert!(names[0].starts_with("60 steps, 1 seed,"), "{names:?}");
    assert_eq!(names[1..], ["β 3", "conditional off"]);
    // The same settings again get a number.
    let again = PinnedRun::new(
        &base.scenario,
        &base.train,
        base.results.clone().unwrap(),
        &pinned,
    );
    assert_eq!(again.name, format!("{} (2)", names[0]));

    // The table: per run and model, the metric at s = 0, at s = 1 and the gap, equal to the
    // run's own summary.
    for p in &pinned {
        let rows = p.summary();
        let kinds: Vec<ModelKind> = rows.iter().map(|r| r.kind).collect();
        assert_eq!(
            kinds,
            [ModelKind::Baseline, ModelKind::Crl, ModelKind::Oracle]
        );
        for (r, g) in rows.iter().zip(&p.results.groups) {
            let summary = p.results.group_summary(g);
            assert_eq!(summary.len(), 3);
            assert_eq!((r.id_shift, r.ood_shift), (0.0, 1.0));
            assert_eq!(r.id, summary[0].mean.accuracy);
            assert_eq!(r.ood, summary[2].mean.accuracy);
            assert!((r.gap - (r.id - r.ood)).abs() < 1e-12);
            assert!((0.0..=1.0).contains(&r.id) && (0.0..=1.0).contains(&r.ood));
        }
    }
    let csv = pinned_csv(&pinned);
    assert_eq!(csv.lines().count(), 1 + 3 * 3, "{csv}");
    assert!(csv.starts_with("run,shown,model,metric,id_shift,id,ood_shift,ood,gap,"));
    assert!(csv.contains("\nβ 3,true,CRL"), "{csv}");
    // The baseline does not depend on β: its numbers are the same in both runs.
    let base_rows: Vec<&str> = csv
        .lines()
        .filter(|l| l.contains(",baseline,accuracy,"))
        .collect();
    assert_eq!(base_rows.len(), 3);

    // Figures and CSVs: the current run with the shown pinned runs, named.
    let mut ws = base.clone();
    ws.pinned = pinned.clone();
    ws.pinned[0].shown = false;
    for kind in [PlotKind::Loss, PlotKind::Mi, PlotKind::Ood] {
        let text = svg(kind, &ws);
        assert!(text.contains("β 3: CRL"), "{kind}");
        assert!(text.contains("conditional off: CRL"), "{kind}");
        assert!(
            !text.contains(&format!("{}: CRL", names[0])),
            "{kind}: hidden"
        );
        let csv = plot_csv(kind, &plot_data(&ws)).unwrap();
        assert!(csv.starts_with("run,group,"), "{kind}");
        let runs: std::collections::BTreeSet<&str> = csv
            .lines()
            .skip(1)
            .map(|l| l.split(',').next().unwrap())
            .collect();
        assert_eq!(
            runs.into_iter().collect::<Vec<_>>(),
            ["conditional off", "current", "β 3"],
            "{kind}"
        );
    }
    let ood = plot_csv(PlotKind::Ood, &plot_data(&ws)).unwrap();
    assert_eq!(
        ood.lines().count(),
        1 + 3 * 3 * 3,
        "three runs, three models, three shifts"
    );

    // The workspace stores them and reads back the same, byte for byte.
    let text = ws.to_json().unwrap();
    let back = Workspace::from_json(&text, "pinned").unwrap();
    // (Compared as text: a baseline's "not estimated" penalty is NaN, which is not equal to
    // itself.)
    assert_eq!(back.to_json().unwrap(), text);
    let names_back: Vec<&str> = back.pinned.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names_back, names);
    assert_eq!(
        back.results.as_ref().unwrap().representation,
        ws.results.as_ref().unwrap().representation,
        "the projections round-trip bit for bit"
    );
    // A pinned run does not carry its projections, and the current run's are compact: one
    // line of `x,y` pairs per model and shift (three models, three shifts, Z_ROWS points).
    assert_eq!(text.matches("\"representation\": {").count(), 1);
    let rep = ws
        .results
        .as_ref()
        .unwrap()
        .representation
        .as_ref()
        .unwrap();
    let rep_text = serde_json::to_string_pretty(rep).unwrap();
    assert!(
        rep_text.len() < 30 * 3 * 3 * Z_ROWS,
        "{} bytes",
        rep_text.len()
    );
    assert!(
        rep_text.lines().count() < 60,
        "{} lines",
        rep_text.lines().count()
    );

    // The bundle writes the table and the representation figure.
    let dir = tempfile::tempdir().unwrap();
    let files = export_bundle(&ws, dir.path(), &[FigureWidth::Single]).unwrap();
    for f in [
        "pinned.csv",
        "representation.svg",
        "representation.png",
        "representation.csv",
    ] {
        assert!(files.iter().any(|n| n == f), "{f} in {files:?}");
    }
    let written = std::fs::read_to_string(dir.path().join("pinned.csv")).unwrap();
    assert_eq!(written, pinned_csv(&ws.pinned));
}

#[test]
fn the_representation_figure_shows_both_models_at_two_shifts() {
    let mut ws = trained(|ws| ws.train.shift_grid = "0, 0.5, 1".into());
    let run = ws.results.as_ref().unwrap();
    let rep = run.representation.as_ref().unwrap();
    assert_eq!(rep.shifts, [0.0, 0.5, 1.0]);
    // One seed: baseline, CRL and the reference are each projected.
    assert!(rep.members.iter().all(Option::is_some));
    assert!(available_kinds(&plot_data(&ws)).contains(&PlotKind::Representation));
    ws.plots.representation = RepresentationView {
        colour: ColourBy::Outcome,
        shift: 0.6,
    };
    let text = svg(PlotKind::Representation, &ws);
    // Titles per panel: each model at s = 0 and at the grid's shift nearest 0.6.
    for title in ["baseline, s = 0", "baseline, s = 0.5", "s = 0.5"] {
        assert!(text.contains(title), "{title}");
    }
    assert!(
        !text.contains("s = 1<"),
        "the chosen shift is the nearest, 0.5"
    );
    assert!(text.contains("y = 0") && text.contains("y = 1"));
    assert!(text.contains(&format!("{Z_ROWS} held-out rows per shift")));
    let csv = plot_csv(PlotKind::Representation, &plot_data(&ws)).unwrap();
    assert!(csv.starts_with("model,shift,row,pc1,pc2,confounder,outcome\n"));
    // Baseline and CRL, three shifts, Z_ROWS rows each.
    assert_eq!(csv.lines().count(), 1 + 2 * 3 * Z_ROWS);
    let spec = FigureSpec {
        kind: PlotKind::Representation,
        format: FigureFormat::Png,
        width: FigureWidth::Single,
        hash: None,
    };
    let png = render_figure(&spec, &plot_data(&ws)).unwrap();
    assert_eq!(&png[1..4], b"PNG");
    // Without projections (a file written before they were stored) the figure says why.
    ws.results.as_mut().unwrap().representation = None;
    assert!(!available_kinds(&plot_data(&ws)).contains(&PlotKind::Representation));
    let err = render_figure(&spec, &plot_data(&ws))
        .unwrap_err()
        .to_string();
    assert!(err.contains("needs the projected representations"), "{err}");
}

#[test]
fn names_say_what_differs_in_words() {
    let scenario = preset("shortcut").unwrap();
    let base = crl_lab::experiment::TrainSettings::for_scenario(&scenario);
    let mut t = base.clone();
    assert!(differences((&scenario, &t), (&scenario, &base)).is_empty());
    t.device = DeviceChoice::Cpu;
    t.config.threads = 2;
    assert!(
        differences((&scenario, &t), (&scenario, &base)).is_empty(),
        "the device and threads do not change the numbers"
    );
    t.config.estimator = crl_lab::mi::EstimatorKind::Club;
    t.config.steps = 4_000;
    t.config.critic_lr = 0.01;
    assert_eq!(
        differences((&scenario, &t), (&scenario, &base)),
        ["club", "4,000 steps", "critic lr 0.01"]
    );
    let other = preset("anti-causal").unwrap();
    let d = differences((&other, &base), (&scenario, &base));
    assert_eq!(d, [other.title.as_str()]);
    let mut edited = scenario.clone();
    edited.nodes.pop();
    assert_eq!(
        differences((&edited, &base), (&scenario, &base)),
        ["graph edited"]
    );
}

/// A workspace saved before projections were stored trains again for the representation
/// figure, and `--save` keeps the projections.
#[test]
fn the_figure_command_draws_the_representation_of_an_older_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::load(&small()).unwrap();
    ws.train.n_seeds = 1;
    ws.train.config.n_train = 2_000;
    ws.train.config.n_test = 500;
    let old = dir.path().join("old.json");
    ws.save(&old).unwrap();
    assert!(ws.results.as_ref().unwrap().representation.is_none());
    let svg = dir.path().join("rep.svg");
    let saved = dir.path().join("saved.json");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_crl-lab"))
        .args(["figure", old.to_str().unwrap(), "--plot", "representation"])
        .args(["--device", "cpu", "--save", saved.to_str().unwrap()])
        .args(["--out", svg.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&svg).unwrap();
    // The shortcut preset's c is binary, standardised: two groups, low and high.
    assert!(
        text.contains("baseline, s = 0") && text.contains("c high"),
        "{text}"
    );
    let back = Workspace::load(&saved).unwrap();
    assert!(back.results.unwrap().representation.is_some());
}
