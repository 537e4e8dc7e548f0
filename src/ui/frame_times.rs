//! How long frames take: the last frames' CPU times for the status bar, and, when
//! `CRL_LAB_FRAME_STATS` is set, a line of statistics on stderr every 120 frames and at exit.
//!
//! The log is asked for (`CRL_LAB_FRAME_STATS`) and goes to stderr, where live_bench reads it.
#![allow(clippy::print_stderr)]

use std::collections::VecDeque;

/// Frames whose times the status bar summarises.
const FRAME_WINDOW: usize = 600;

/// The last frames' times.
#[derive(Debug)]
pub struct FrameTimes {
    secs: VecDeque<f32>,
    frames: u64,
    /// `CRL_LAB_FRAME_STATS` is set: print frame-time statistics every 120 frames.
    log: bool,
    /// When the current run was started.
    run_started: Option<std::time::Instant>,
}

impl FrameTimes {
    /// Empty; logging when `CRL_LAB_FRAME_STATS` is set.
    pub fn from_env() -> Self {
        FrameTimes {
            secs: VecDeque::with_capacity(FRAME_WINDOW),
            frames: 0,
            log: std::env::var_os("CRL_LAB_FRAME_STATS").is_some(),
            run_started: None,
        }
    }

    /// Forgets the times so far (a run starts: the status bar then describes its frames, and
    /// the log times the run from now).
    pub fn clear(&mut self) {
        self.secs.clear();
        self.run_started = Some(std::time::Instant::now());
    }

    /// How many frames the statistics cover.
    pub fn n_frames(&self) -> usize {
        self.secs.len()
    }

    /// (median, 95th percentile) over the last frames, in milliseconds.
    pub fn stats_ms(&self) -> Option<(f32, f32)> {
        if self.secs.is_empty() {
            return None;
        }
        let mut v: Vec<f32> = self.secs.iter().copied().collect();
        v.sort_by(f32::total_cmp);
        let at = |q: f32| v[((v.len() - 1) as f32 * q).round() as usize] * 1000.0;
        Some((at(0.5), at(0.95)))
    }

    /// Records one frame of `secs`; `run_state` names what the app was doing, for the log.
    pub fn record(&mut self, secs: f32, run_state: impl FnOnce() -> String) {
        if self.secs.len() == FRAME_WINDOW {
            self.secs.pop_front();
        }
        self.secs.push_back(secs);
        self.frames += 1;
        if self.log
            && self.frames.is_multiple_of(120)
            && let Some((med, p95)) = self.stats_ms()
        {
            eprintln!(
                "frames {}: median {med:.2} ms, p95 {p95:.2} ms over the last {} ({})",
                self.frames,
                self.secs.len(),
                run_state()
            );
        }
    }

    /// Logs (when `CRL_LAB_FRAME_STATS` is set) a moment of a training run: `what` happened so
    /// long after Train (see [`FrameTimes::clear`]), with the frames drawn since and their
    /// statistics.
    pub fn log_run_event(&self, what: &str) {
        if self.log
            && let Some(t0) = self.run_started
        {
            let secs_since_train = t0.elapsed().as_secs_f64();
            let stats = self
                .stats_ms()
                .map(|(med, p95)| format!("; frames: median {med:.2} ms, p95 {p95:.2} ms"))
                .unwrap_or_default();
            eprintln!(
                "{what} {secs_since_train:.2} s after Train, {} frames drawn{stats}",
                self.secs.len()
            );
        }
    }

    /// The exit line of the log.
    pub fn log_summary(&self) {
        if self.log
            && let Some((med, p95)) = self.stats_ms()
        {
            eprintln!(
                "frame time over the last {} frames: median {med:.2} ms, 95th percentile {p95:.2} ms",
                self.secs.len()
            );
        }
    }
}
