//! The lesson panel (docked beside the training panel, foldable, never modal): the lesson's
//! title, where the student is, the step's text and Back / Next or Skip / Restart; and the
//! Lessons menu.

use egui::{Button, RichText, Ui};

use crate::session::{Lesson, StepDone, Tab};
use crate::ui::command::Command;
use crate::ui::dialogs::pick_file;
use crate::ui::lessons::Lessons;
use crate::ui::state::LessonProgress;
use crate::ui::theme;

use super::widgets::button_ui;

/// Shows the panel for step `step` of `lesson`.
pub fn lesson_panel_ui(
    ui: &mut Ui,
    lesson: &Lesson,
    step: usize,
    collapsed: bool,
    already_done: bool,
    commands: &mut Vec<Command>,
) {
    let n = lesson.steps.len();
    ui.horizontal(|ui| {
        let fold = if collapsed { "show" } else { "hide" };
        if ui
            .small_button(fold)
            .on_hover_text(if collapsed {
                "Show the lesson"
            } else {
                "Fold the lesson away"
            })
            .clicked()
        {
            commands.push(Command::SetLessonCollapsed(!collapsed));
        }
        ui.strong(&lesson.title);
    });
    ui.weak(format!("step {} of {n}", step + 1));
    if collapsed {
        return;
    }
    ui.add(egui::ProgressBar::new((step as f32) / n as f32).desired_height(4.0));
    ui.add_space(6.0);
    let s = &lesson.steps[step];
    ui.label(RichText::new(&s.text).size(14.5));
    ui.add_space(6.0);
    if already_done {
        ui.colored_label(theme::CRL, "This is already done: press Next.");
    } else if s.done_when != StepDone::Read {
        ui.weak(what_moves_on(&s.done_when));
    }
    ui.add_space(8.0);
    ui.horizontal(|ui| {
        if button_ui(ui, step > 0, "Back", "The previous step") {
            commands.push(Command::LessonBack);
        }
        let (label, tip) = if s.done_when == StepDone::Read || already_done {
            ("Next", "Go on to the next step")
        } else {
            ("Skip", "Go on without doing this step")
        };
        if button_ui(ui, true, label, tip) {
            commands.push(Command::LessonNext);
        }
        if button_ui(ui, true, "Restart", "Start the lesson again") {
            commands.push(Command::LessonRestart);
        }
        if button_ui(
            ui,
            true,
            "End",
            "Leave the lesson (it can be started again from the Lessons menu)",
        ) {
            commands.push(Command::LessonClose);
        }
    });
    ui.add_space(6.0);
    ui.weak(&lesson.summary);
}

/// What the app is waiting for, in words.
fn what_moves_on(done: &StepDone) -> String {
    let s = match done {
        StepDone::Read => return String::new(),
        StepDone::Preset { name } => format!("the preset `{name}` is loaded"),
        StepDone::RunFinished => "a training run finishes".into(),
        StepDone::SweepFinished => "a β sweep finishes".into(),
        StepDone::CalibrationFinished => "a calibration finishes".into(),
        StepDone::Tab { tab } => match Tab::from_key(tab) {
            Some(t) => format!("the {} view is open", t.label()),
            None => format!("the {tab} view is open"),
        },
        StepDone::ShiftAtLeast { value } => format!("the test shift reaches {value}"),
        StepDone::Conditional { value } => {
            format!(
                "the conditional penalty is {}",
                if *value { "on" } else { "off" }
            )
        }
        StepDone::SweepMode => "the mode is β sweep".into(),
        StepDone::NodeAdded => "a node is added".into(),
        StepDone::RoleCount { role, at_least } => {
            format!("the graph has {at_least} {} nodes", role.name())
        }
        StepDone::BaselineFails { gap } => format!(
            "the baseline loses {:.0} points of its score under the largest shift",
            gap * 100.0
        ),
    };
    format!("Moves on when {s}.")
}

/// The Lessons menu: every lesson (✓ once done) and a lesson file to open.
pub fn lessons_menu_ui(
    ui: &mut Ui,
    lessons: &Lessons,
    progress: &LessonProgress,
    commands: &mut Vec<Command>,
) {
    for l in &lessons.all {
        let done = progress.completed.contains(&l.id);
        let label = format!("{}{}", l.title, if done { " (done)" } else { "" });
        if ui.button(label).on_hover_text(&l.summary).clicked() {
            commands.push(Command::StartLesson(l.id.clone()));
            ui.close();
        }
    }
    ui.separator();
    if ui.button("Open lesson file…").clicked() {
        commands.push(Command::OpenLesson(pick_file(
            "Open lesson",
            "crl-lab lesson",
            &["json"],
        )));
        ui.close();
    }
    ui.horizontal(|ui| {
        let mut path = lessons.path.clone();
        let l = ui.label("path");
        if ui
            .add(egui::TextEdit::singleline(&mut path).desired_width(200.0))
            .labelled_by(l.id)
            .changed()
        {
            commands.push(Command::SetLessonPath(path.clone()));
        }
        if ui
            .add_enabled(!path.trim().is_empty(), Button::new("Open"))
            .clicked()
        {
            commands.push(Command::OpenLesson(Some(path.trim().into())));
            ui.close();
        }
    });
}
