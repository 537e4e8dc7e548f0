//! The KuaiRand thread: opens a downloaded KuaiRand-Pure or KuaiRand-1K folder (reporting how
//! far it has read), then trains the baseline and the CRL model on the policy's logs and
//! evaluates them on the random-exposure log. Its own [`RunControl`] stops or pauses it.

use std::path::PathBuf;
use std::sync::Arc;

use crate::data::kuairand::{CachePolicy, LoadEvent, load_kuairand};
use crate::experiment::{
    KuaiRandCounts, KuaiRandSettings, KuaiRandSummaryRow, kuairand_experiment,
};
use crate::train::{DeviceChoice, Report, RunControl, RunInfo, TrainConfig, select_device};

use super::channel::{Job, Outbox, TrainEvents, Waker, spawn_worker};

/// What the KuaiRand thread reports.
#[derive(Clone, Debug)]
pub enum KuaiRandMsg {
    /// Reading a file: name and fraction done.
    Loading(String, f32),
    /// Training started.
    Started(RunInfo),
    /// A training report.
    Report(Report),
    /// Finished: the table and the row counts.
    Done(Vec<KuaiRandSummaryRow>, KuaiRandCounts),
    /// Failed; the message names why.
    Failed(String),
}

impl TrainEvents for KuaiRandMsg {
    fn started(info: RunInfo) -> Self {
        KuaiRandMsg::Started(info)
    }
    fn report(report: Report) -> Self {
        KuaiRandMsg::Report(report)
    }
}

/// Loads `dir` and runs the experiment on a thread named `crl-kuairand`.
pub fn spawn_kuairand(
    dir: PathBuf,
    config: TrainConfig,
    n_seeds: usize,
    device: DeviceChoice,
    control: Arc<RunControl>,
    wake: Waker,
) -> std::io::Result<Job<KuaiRandMsg>> {
    spawn_worker("crl-kuairand", move |tx| {
        let mut fwd = Outbox::new(tx, wake, control);
        let result = (|| -> crate::Result<()> {
            let device = select_device(device)?;
            let mut last = (String::new(), -1.0_f32);
            let mut on_load = |e: &LoadEvent| {
                if let LoadEvent::Reading {
                    file,
                    bytes_done,
                    bytes_total,
                } = e
                {
                    let frac = *bytes_done as f32 / (*bytes_total).max(1) as f32;
                    if *file != last.0 || frac - last.1 >= 0.02 {
                        last = (file.clone(), frac);
                        fwd.send(KuaiRandMsg::Loading(file.clone(), frac));
                    }
                }
            };
            let data = load_kuairand(&dir, CachePolicy::Use, &mut on_load)?;
            let control = Arc::clone(&fwd.control);
            let result = kuairand_experiment(
                &data,
                &KuaiRandSettings::default(),
                &config,
                n_seeds,
                &device,
                &mut fwd,
                &control,
            )?;
            fwd.send(KuaiRandMsg::Done(result.summary, result.counts));
            Ok(())
        })();
        if let Err(e) = result {
            fwd.send(KuaiRandMsg::Failed(e.to_string()));
        }
    })
}
