//! The data view's samples: while the view is shown, the samples for the scenario, shift and
//! size it shows are asked of the sampling thread once, and kept when they arrive.

use crate::session::Tab;
use crate::ui::app::CrlApp;
use crate::ui::notice::Notice;
use crate::ui::worker::SampleMsg;

impl CrlApp {
    /// Each frame: asks for the data view's samples when it is shown and they are neither kept
    /// nor being drawn.
    pub(crate) fn data_frame(&mut self) {
        if self.state.tab != Tab::Data {
            return;
        }
        let s = &self.state.data;
        let key =
            self.data_samples
                .key_for(&self.state.scenario, self.generation, s.shift, s.n_points);
        if self.data_samples.get(&key).is_some() || self.data_samples.drawing.as_ref() == Some(&key)
        {
            return;
        }
        match self
            .jobs
            .start_sampling(self.state.scenario.clone(), key.clone())
        {
            Ok(()) => self.data_samples.drawing = Some(key),
            Err(e) => {
                self.data_samples
                    .insert(key, Err(format!("cannot start the sampling thread: {e}")));
                self.say(Notice::error(format!(
                    "Cannot start the sampling thread: {e}"
                )));
            }
        }
    }

    /// Keeps samples the sampling thread drew.
    pub(crate) fn samples_arrived(&mut self, (key, samples): SampleMsg) {
        self.data_samples.insert(key, samples);
    }
}
