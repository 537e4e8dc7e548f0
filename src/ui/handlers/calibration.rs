//! The estimator calibration: starting it, and taking in the points and the staircase readings
//! its thread reports.

use crate::mi::Staircase;
use crate::ui::app::CrlApp;
use crate::ui::notice::Notice;
use crate::ui::results::CalibrationResults;
use crate::ui::worker::CalibrationMsg;

impl CrlApp {
    pub(crate) fn start_calibration(&mut self) {
        if self.calibration.running {
            return;
        }
        let configs = self.state.calibration.configs();
        let staircase = self.state.calibration.staircase_config();
        let invalid = configs
            .iter()
            .find_map(|c| c.validate().err())
            .or_else(|| staircase.validate().err());
        if let Some(e) = invalid {
            return self.say(Notice::error(format!("Cannot calibrate: {e}")));
        }
        let empty = Staircase::empty(
            staircase.dim,
            staircase.batch,
            staircase.estimator.is_upper_bound(),
        );
        match self
            .jobs
            .start_calibration(configs, staircase, self.state.train.device)
        {
            Ok(()) => {
                self.calibration = CalibrationResults {
                    estimator: Some(self.state.calibration.estimator),
                    points: Vec::new(),
                    staircase: Some(empty),
                    running: true,
                    error: None,
                };
            }
            Err(e) => self.say(Notice::error(format!(
                "Cannot start the calibration thread: {e}"
            ))),
        }
    }

    pub(crate) fn apply_calibration_msg(&mut self, m: CalibrationMsg) {
        match m {
            CalibrationMsg::Point(p) => self.calibration.points.push(p),
            CalibrationMsg::Staircase(p) => {
                if let Some(s) = &mut self.calibration.staircase {
                    s.record(p);
                }
            }
            CalibrationMsg::Finished => self.calibration.running = false,
            CalibrationMsg::Failed(e) => {
                self.calibration.running = false;
                self.calibration.error = Some(e);
            }
        }
    }

    /// The calibration thread has gone.
    pub(crate) fn calibration_ended(&mut self) {
        self.calibration.running = false;
    }
}
