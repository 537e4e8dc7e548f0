//! The real-logs view's inputs, per source: KuaiRand (its folder, and the leaky statistics
//! file), your own logs (files, a column table with a role per column, a preview of the first
//! rows, the mapping file), and Yahoo! R3 and Coat (a folder and the rating threshold).

use egui::{ComboBox, DragValue, ScrollArea, Ui};

use crate::data::kuairand::LEAKAGE_WARNING;
use crate::data::logs::{ColumnRole, Preview};
use crate::ui::command::{Command, LogPath};
use crate::ui::dialogs::{pick_file, pick_folder};
use crate::ui::results::LogsView;
use crate::ui::state::{LogSourceKind, LogsForm};
use crate::ui::theme;

use super::widgets::{button_ui, labelled_ui};

/// A labelled path field with a Browse… button whose dialog's answer `browse` turns into a
/// command; returns whether the text changed.
fn path_row(
    ui: &mut Ui,
    label: &str,
    hint: &str,
    text: &mut String,
    browse: impl FnOnce() -> Command,
    commands: &mut Vec<Command>,
) -> bool {
    let mut changed = false;
    ui.horizontal(|ui| {
        let l = ui.label(label);
        changed = ui
            .add(
                egui::TextEdit::singleline(text)
                    .desired_width((ui.available_width() - 90.0).clamp(160.0, 420.0))
                    .hint_text(hint),
            )
            .labelled_by(l.id)
            .changed();
        if button_ui(
            ui,
            true,
            "Browse…",
            "Pick it in a dialog (or type the path)",
        ) {
            // Without a desktop portal (Xvfb, CI) the dialog returns None at once: the typed
            // path stays the way in.
            commands.push(browse());
        }
    });
    changed
}

/// Your logs: the files, the mapping file and the column table. Returns whether `s` changed.
pub fn files_ui(
    ui: &mut Ui,
    s: &mut LogsForm,
    view: &LogsView,
    commands: &mut Vec<Command>,
) -> bool {
    ui.label(
        "Train on your own logged interactions: a CSV or TSV training log with a header line \
         (what a logging policy chose to show) and a test log with the same columns (ideally \
         randomly exposed), or one file with a split column. Pick each column's role below.",
    );
    let csv = ["csv", "tsv", "txt"];
    let mut changed = path_row(
        ui,
        "training log",
        "/path/to/train.csv",
        &mut s.train_file,
        || {
            Command::SetLogPath(
                LogPath::Train,
                pick_file("Training log", "CSV or TSV", &csv),
            )
        },
        commands,
    );
    changed |= path_row(
        ui,
        "test log",
        "/path/to/test.csv (empty with a split column)",
        &mut s.test_file,
        || Command::SetLogPath(LogPath::Test, pick_file("Test log", "CSV or TSV", &csv)),
        commands,
    );
    changed |= path_row(
        ui,
        "mapping file",
        "mapping.json beside the training log",
        &mut s.map_file,
        || {
            Command::SetLogPath(
                LogPath::Mapping,
                pick_file("Mapping file", "JSON", &["json"]),
            )
        },
        commands,
    );
    ui.horizontal(|ui| {
        if button_ui(
            ui,
            !s.train_file.trim().is_empty(),
            "Load columns",
            "Read the training log's header and first rows into the table",
        ) {
            commands.push(Command::LoadLogColumns);
        }
        if button_ui(
            ui,
            true,
            "Load mapping",
            "Set the roles from the mapping file",
        ) {
            commands.push(Command::LoadLogMapping);
        }
        if button_ui(
            ui,
            !s.roles.is_empty(),
            "Save mapping",
            "Write the table's roles to the mapping file, to keep beside the data",
        ) {
            commands.push(Command::SaveLogMapping);
        }
        // A label, not a spinner: a spinner repaints every frame, and the preview thread wakes
        // the UI itself when the rows are in.
        if view.previewing {
            ui.weak("reading the first rows…");
        }
    });
    if s.roles.is_empty() {
        return changed;
    }
    changed |= roles_ui(ui, s, view);
    changed
}

/// The column table: name, role drop-down, first values. Returns whether a role changed.
fn roles_ui(ui: &mut Ui, s: &mut LogsForm, view: &LogsView) -> bool {
    let mut changed = false;
    let preview = view.preview.as_ref();
    ui.add_space(4.0);
    egui::Grid::new("log-columns")
        .striped(true)
        .spacing([14.0, 3.0])
        .show(ui, |ui| {
            ui.strong("column");
            ui.strong("role");
            ui.strong("first values");
            ui.end_row();
            for (j, (name, role)) in s.roles.iter_mut().enumerate() {
                let l = ui.label(name.as_str());
                let combo = ComboBox::from_id_salt(("log-role", j))
                    .selected_text(role.label())
                    .width(170.0)
                    .show_ui(ui, |ui| {
                        for r in ColumnRole::ALL {
                            changed |= ui.selectable_value(role, r, r.label()).changed();
                        }
                    });
                combo.response.labelled_by(l.id);
                let values: Vec<&str> = preview
                    .map(|p| {
                        p.rows
                            .iter()
                            .take(4)
                            .filter_map(|r| r.get(j).map(String::as_str))
                            .collect()
                    })
                    .unwrap_or_default();
                ui.weak(values.join(", "));
                ui.end_row();
            }
        });
    changed |= mapping_settings_ui(ui, s);
    let has = |r: ColumnRole| s.roles.iter().any(|(_, x)| *x == r);
    if !has(ColumnRole::Outcome) {
        ui.weak("Give one column the role outcome.");
    } else if !has(ColumnRole::Confounder) && !has(ColumnRole::Item) {
        ui.weak("Give a column the role confounder proxy, or item (its popularity is the proxy).");
    }
    if let Some(p) = preview {
        preview_ui(ui, p);
    }
    changed
}

/// The mapping's own settings under the table: the outcome's threshold, the buckets, and the
/// split column's test value. Returns whether one changed.
fn mapping_settings_ui(ui: &mut Ui, s: &mut LogsForm) -> bool {
    let mut changed = false;
    let has = |roles: &[(String, ColumnRole)], r: ColumnRole| roles.iter().any(|(_, x)| *x == r);
    ui.horizontal(|ui| {
        let mut thresholded = s.mapping.outcome_threshold.is_some();
        if ui
            .checkbox(&mut thresholded, "outcome ≥ threshold")
            .on_hover_text("A rating or a time becomes 1 at or above the threshold; off: the outcome must be 0 or 1")
            .changed()
        {
            s.mapping.outcome_threshold = thresholded.then_some(4.0);
            changed = true;
        }
        if let Some(t) = &mut s.mapping.outcome_threshold {
            changed |= ui.add(DragValue::new(t).speed(0.1)).changed();
        }
        changed |= labelled_ui(
            ui,
            "buckets",
            "One-hot buckets of each categorical column (ids hash into them)",
            DragValue::new(&mut s.mapping.buckets).range(1..=4096),
        )
        .changed();
        if has(&s.roles, ColumnRole::Split) {
            let test = s.mapping.split.get_or_insert_with(|| crate::data::logs::SplitColumn {
                column: String::new(),
                test_value: "test".into(),
            });
            let l = ui.label("test rows are marked");
            changed |= ui
                .add(egui::TextEdit::singleline(&mut test.test_value).desired_width(80.0))
                .labelled_by(l.id)
                .changed();
        }
    });
    changed
}

/// The training log's first rows, folded.
fn preview_ui(ui: &mut Ui, p: &Preview) {
    ui.collapsing(format!("first {} rows", p.rows.len()), |ui| {
        ScrollArea::horizontal().show(ui, |ui| {
            egui::Grid::new("log-preview").striped(true).show(ui, |ui| {
                for c in &p.columns {
                    ui.strong(c);
                }
                ui.end_row();
                for r in &p.rows {
                    for v in r {
                        ui.label(v);
                    }
                    ui.end_row();
                }
            });
        });
    });
}

/// Yahoo! R3 or Coat: the folder and the threshold. Returns whether `s` changed.
pub fn ratings_ui(ui: &mut Ui, s: &mut LogsForm, commands: &mut Vec<Command>) -> bool {
    ui.label(match s.kind {
        LogSourceKind::YahooR3 => {
            "Yahoo! R3: song ratings users chose to give (training) and ratings of ten songs \
             drawn at random per user (test). Request the data set from Yahoo! Webscope \
             (R3) and pick the folder with ydata-ymusic-rating-study-v1_0-train.txt."
        }
        _ => {
            "Coat: 290 users rated 24 coats they chose (training) and 16 drawn at random \
             (test). Download it from www.cs.cornell.edu/~schnabts/mnar/ and pick the folder \
             with train.ascii and test.ascii."
        }
    });
    let mut changed = path_row(
        ui,
        "folder",
        "/path/to/the/data set",
        &mut s.ratings_dir,
        || Command::SetLogPath(LogPath::RatingsDir, pick_folder("Data set folder")),
        commands,
    );
    ui.horizontal(|ui| {
        changed |= labelled_ui(
            ui,
            "positive at rating ≥",
            "A rating at or above this is the positive outcome (ratings run 1 to 5)",
            DragValue::new(&mut s.rating_threshold)
                .range(1.0..=5.0)
                .speed(0.1),
        )
        .changed();
        ui.weak("confounder proxy: the item's popularity in the training set");
    });
    changed
}

/// The KuaiRand source: its folder, and whether to feed the leaky statistics file. Returns
/// whether `s` changed.
pub fn kuairand_folder_ui(ui: &mut Ui, s: &mut LogsForm, commands: &mut Vec<Command>) -> bool {
    ui.label(
        "Train on a recommender's own logs (policy-confounded) and test on KuaiRand's \
         random-exposure log. Download KuaiRand-Pure or KuaiRand-1K from kuairand.com and pick \
         the folder with its CSV files.",
    );
    let mut changed = path_row(
        ui,
        "folder",
        "/path/to/KuaiRand-Pure",
        &mut s.dir,
        || Command::SetKuaiRandFolder(pick_folder("KuaiRand folder")),
        commands,
    );
    changed |= ui
        .checkbox(
            &mut s.use_statistics_file,
            "also use video_features_statistic (leaks the test period)",
        )
        .on_hover_text(LEAKAGE_WARNING)
        .changed();
    if s.use_statistics_file {
        ui.colored_label(
            theme::ERROR,
            "The statistics file aggregates over the random log's dates and sums the outcome: \
             the held-out and random-exposure numbers will not be trustworthy.",
        );
    }
    changed
}
