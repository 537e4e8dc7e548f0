//! The data view's sampling thread: draws the scenario at the training distribution and at the
//! view's shift, on a thread named `crl-sample`, and sends both back with the key they were drawn
//! for.

use crate::data::{Dataset, Sampler};
use crate::scm::{Scenario, derive_seed};
use crate::ui::data_samples::SampleKey;

use super::channel::Worker;

/// What the sampling thread sends: the key it drew for, and the training (s = 0) and test (s)
/// samples or why the scenario cannot be sampled.
pub type SampleMsg = (SampleKey, Result<(Dataset, Dataset), String>);

/// Samples `scenario` for `key` (its shift and row count) on a thread named `crl-sample`.
pub fn sample_worker(scenario: Scenario, key: SampleKey) -> Worker<SampleMsg> {
    Worker::new("crl-sample", move |out| {
        let draw = || -> crate::Result<(Dataset, Dataset)> {
            scenario.validate()?;
            let seed = derive_seed(0, "data view");
            let train = Sampler::new(&scenario, 0.0)?.sample(key.n_rows, seed)?;
            let test = Sampler::new(&scenario, key.shift())?.sample(key.n_rows, seed)?;
            Ok((train, test))
        };
        let samples = draw().map_err(|e| e.to_string());
        out.send((key, samples));
    })
}
