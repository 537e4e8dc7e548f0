//! Pinned runs: keeping the last finished run beside the next ones (named by what differs),
//! renaming, hiding and removing them. The plots overlay the shown ones; the workspace file
//! stores them all.

use crate::session::{PinnedRun, unique_name};
use crate::ui::app::CrlApp;
use crate::ui::notice::Notice;

impl CrlApp {
    /// Why the current run cannot be pinned, or `Ok` when it can.
    pub fn pin_status(&self) -> Result<(), String> {
        let Some(run) = &self.run else {
            return Err("Train first: a finished run can be pinned".into());
        };
        if run.state.is_active() {
            return Err("The run is going: pin it once it has finished".into());
        }
        if run.eval.is_empty() {
            return Err("The run has no evaluation across shifts to compare".into());
        }
        if self.run_origin.is_none() {
            return Err("Only runs on a scenario can be pinned (this one is on real logs)".into());
        }
        if self.run_pinned {
            return Err("This run is pinned already".into());
        }
        Ok(())
    }

    /// Pins the current run, named by what sets it apart from the first pinned run.
    pub(crate) fn pin_run(&mut self) {
        if let Err(why) = self.pin_status() {
            return self.say(Notice::info(why));
        }
        let (Some(run), Some((scenario, train))) = (&self.run, &self.run_origin) else {
            return;
        };
        let pin = PinnedRun::new(scenario, train, run.clone(), &self.pinned);
        let name = pin.name.clone();
        self.pinned.push(pin);
        self.run_pinned = true;
        self.say(Notice::info(format!(
            "Pinned the run as “{name}”: change a setting and train again to compare"
        )));
    }

    /// Removes the `i`-th pinned run.
    pub(crate) fn unpin(&mut self, i: usize) {
        if i < self.pinned.len() {
            self.pinned.remove(i);
        }
    }

    /// Renames the `i`-th pinned run (the legend needs names apart, so one another run has
    /// gets a number).
    pub(crate) fn rename_pinned(&mut self, i: usize, name: &str) {
        if i >= self.pinned.len() {
            return;
        }
        let others: Vec<&str> = (self.pinned.iter().enumerate())
            .filter(|(j, _)| *j != i)
            .map(|(_, p)| p.name.as_str())
            .collect();
        let name = unique_name(name, &others);
        self.pinned[i].name = name;
    }

    /// Shows or hides the `i`-th pinned run on the plots.
    pub(crate) fn show_pinned(&mut self, i: usize, shown: bool) {
        if let Some(p) = self.pinned.get_mut(i) {
            p.shown = shown;
        }
    }
}
