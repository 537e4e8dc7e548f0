//! One KuaiRand job from folder to metrics, the way the app's worker and `crl-lab kuairand` both
//! run it: read the folder (through the cache), choose the device, then train and evaluate
//! baseline and CRL (see [`kuairand_experiment`]).

use std::path::PathBuf;

use super::kuairand::{KuaiRandResult, KuaiRandSettings, kuairand_experiment};
use crate::data::kuairand::{CachePolicy, KuaiRandData, LoadEvent, LoadObserver, load_kuairand};
use crate::error::Result;
use crate::train::{DeviceChoice, Observer, RunControl, TrainConfig, select_device};

/// A KuaiRand job: everything it needs, owned (so it can move to a worker thread).
#[derive(Clone, Debug)]
pub struct KuaiRandJob {
    /// The KuaiRand-Pure or KuaiRand-1K folder.
    pub dir: PathBuf,
    /// Whether to use, rebuild or skip the parsed-data cache beside the CSV files.
    pub cache: CachePolicy,
    /// Outcome, confounder proxy, buckets and held-out fraction.
    pub settings: KuaiRandSettings,
    /// The engine's configuration. Its `n_train` is replaced by the number of training rows
    /// when `all_training_rows` is set.
    pub config: TrainConfig,
    /// Train on every standard-log row of the training split.
    pub all_training_rows: bool,
    /// Seeds per model.
    pub n_seeds: usize,
    /// Where to train.
    pub device: DeviceChoice,
}

/// Watches a KuaiRand job: the folder's loading, then training (through [`Observer`]). Every
/// method has a default that ignores the event.
pub trait KuaiRandObserver: Observer {
    /// A loading event (a file opened, bytes read, the cache used or written).
    fn on_load(&mut self, _event: &LoadEvent) {}
    /// The logs are in memory; training starts next.
    fn on_loaded(&mut self, _data: &KuaiRandData) {}
}

/// What a finished KuaiRand job hands back.
#[derive(Debug)]
pub struct KuaiRandOutput {
    /// The logs that were read.
    pub data: KuaiRandData,
    /// Metrics, the trained ensemble and the fitted encoding.
    pub result: KuaiRandResult,
    /// The configuration the models trained with (`n_train` and the steps resolved).
    pub config: TrainConfig,
    /// The device line (backend and adapter).
    pub device: String,
}

/// Forwards the loader's events to a [`KuaiRandObserver`].
struct LoadEvents<'a>(&'a mut dyn KuaiRandObserver, &'a RunControl);

impl LoadObserver for LoadEvents<'_> {
    fn on_event(&mut self, event: &LoadEvent) {
        self.0.on_load(event);
    }

    fn stop_requested(&self) -> bool {
        self.1.is_cancelled()
    }
}

/// Runs `job`: validates its configuration, loads the folder, selects the device, and trains
/// and evaluates, reporting to `observer` and steered by `control` (a cancelled run returns
/// what the engine had; its metrics are those of the models at the step it stopped).
pub fn run_kuairand_job(
    job: &KuaiRandJob,
    observer: &mut dyn KuaiRandObserver,
    control: &RunControl,
) -> Result<KuaiRandOutput> {
    job.config.validate()?;
    let data = load_kuairand(&job.dir, job.cache, &mut LoadEvents(observer, control))?;
    observer.on_loaded(&data);
    let mut config = job.config.clone();
    if job.all_training_rows {
        config.n_train = data.standard.len().max(1);
    }
    let device = select_device(job.device)?;
    let result = kuairand_experiment(
        &data,
        &job.settings,
        &config,
        job.n_seeds,
        &device,
        as_observer(observer),
        control,
    )?;
    Ok(KuaiRandOutput {
        data,
        config: result.config.clone(),
        result,
        device: device.description,
    })
}

fn as_observer(o: &mut dyn KuaiRandObserver) -> &mut dyn Observer {
    o
}
