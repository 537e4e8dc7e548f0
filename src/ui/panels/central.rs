//! The central area: the tab bar and the tab it selects (the run's plots, the data view,
//! calibration or KuaiRand).

use egui::Ui;

use crate::ui::app_view::AppView;
use crate::ui::command::Command;
use crate::ui::state::Tab;

use super::calibration::calibration_ui;
use super::data::data_ui;
use super::logs::logs_ui;
use super::pinned::{pinned_table_height, pinned_table_ui};
use super::plots::{loss_ui, mi_ui, ood_ui, trade_off_ui};
use super::representation::representation_ui;
use super::widgets::tab_choice_ui;

/// Shows the area.
pub fn central_ui(ui: &mut Ui, app: &AppView<'_>, commands: &mut Vec<Command>) {
    let state = app.state;
    ui.horizontal_wrapped(|ui| tab_choice_ui(ui, state.tab, commands));
    ui.separator();
    let run = app.run;
    let h = ui.available_height();
    match state.tab {
        Tab::Overview => {
            let top = (h * 0.5 - 8.0).max(120.0);
            ui.columns(2, |cols| {
                cols[0].strong("Loss");
                loss_ui(&mut cols[0], run, app.pinned, top - 20.0);
                cols[1].strong("Mutual information");
                mi_ui(&mut cols[1], run, app.pinned, top - 20.0);
            });
            ui.strong("Out of distribution");
            ood_ui(ui, run, app.pinned, ui.available_height() - 4.0);
        }
        Tab::Loss => loss_ui(ui, run, app.pinned, h),
        Tab::Mi => mi_ui(ui, run, app.pinned, h),
        Tab::Ood => {
            let table_h = pinned_table_height(app.pinned);
            ood_ui(ui, run, app.pinned, (h - table_h).max(160.0));
            pinned_table_ui(ui, app.pinned, &app.pin, commands);
        }
        Tab::TradeOff => trade_off_ui(ui, run, h),
        Tab::Representation => representation_ui(ui, run, &state.representation, commands),
        Tab::Data => data_ui(ui, &state.scenario, &state.data, app.data_samples, commands),
        Tab::Calibration => calibration_ui(ui, &state.calibration, app.calibration, commands),
        Tab::KuaiRand => logs_ui(ui, &state.kuairand, app.kuairand, commands),
    }
}
