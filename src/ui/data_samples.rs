//! The data view's samples, cached per scenario (by its content hash), shift and row count, so
//! the view never samples: the app asks the sampling thread for a key it lacks and the view
//! says "sampling…" until it arrives.

use std::collections::VecDeque;

use crate::data::Dataset;
use crate::hash::fnv1a64_hex;
use crate::scm::Scenario;

/// Samples kept, newest last (moving the shift slider back finds them).
const KEPT: usize = 8;

/// What a pair of samples was drawn for.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SampleKey {
    /// FNV-1a 64 of the scenario's JSON.
    pub scenario_hash: String,
    /// The test shift's bits.
    pub shift_bits: u64,
    /// Rows per sample.
    pub n_rows: usize,
}

impl SampleKey {
    /// The key of `scenario` at `shift` with `n_rows` rows.
    pub fn new(scenario: &Scenario, shift: f64, n_rows: usize) -> Self {
        let json = serde_json::to_string(scenario).unwrap_or_default();
        SampleKey {
            scenario_hash: fnv1a64_hex(json.as_bytes()),
            shift_bits: shift.to_bits(),
            n_rows,
        }
    }

    /// The test shift.
    pub fn shift(&self) -> f64 {
        f64::from_bits(self.shift_bits)
    }
}

/// Training and test samples, or why the scenario cannot be sampled.
pub type Samples = Result<(Dataset, Dataset), String>;

/// Samples the view shows, and the shift they were drawn at.
#[derive(Clone, Copy, Debug)]
pub struct ShownSamples<'a> {
    /// The samples.
    pub samples: &'a Samples,
    /// The test shift they were drawn at.
    pub shift: f64,
    /// Drawn at the shift asked for (else the samples of an earlier shift, while those are drawn).
    pub current: bool,
}

/// The cache.
#[derive(Debug, Default)]
pub struct DataSamples {
    kept: VecDeque<(SampleKey, Samples)>,
    /// The key being drawn, if any.
    pub drawing: Option<SampleKey>,
    /// The scenario generation the hash below is of (the scenario is hashed once per change).
    hashed: Option<(u64, String)>,
}

impl DataSamples {
    /// The samples for `key`, once drawn.
    pub fn get(&self, key: &SampleKey) -> Option<&Samples> {
        self.kept.iter().find(|(k, _)| k == key).map(|(_, s)| s)
    }

    /// What the view shows for `key`: its samples once drawn, else (while they are drawn) the
    /// newest of the same scenario and size at another shift, so the plots stay on screen
    /// instead of blinking out as the shift slider moves.
    pub fn shown(&self, key: &SampleKey) -> Option<ShownSamples<'_>> {
        if let Some(samples) = self.get(key) {
            return Some(ShownSamples {
                samples,
                shift: key.shift(),
                current: true,
            });
        }
        self.kept
            .iter()
            .rev()
            .find(|(k, s)| {
                k.scenario_hash == key.scenario_hash && k.n_rows == key.n_rows && s.is_ok()
            })
            .map(|(k, samples)| ShownSamples {
                samples,
                shift: k.shift(),
                current: false,
            })
    }

    /// Keeps `samples` drawn for `key`.
    pub fn insert(&mut self, key: SampleKey, samples: Samples) {
        if self.drawing.as_ref() == Some(&key) {
            self.drawing = None;
        }
        self.kept.retain(|(k, _)| *k != key);
        self.kept.push_back((key, samples));
        while self.kept.len() > KEPT {
            self.kept.pop_front();
        }
    }

    /// The key the view wants: the scenario of `generation` at `shift` with `n_rows` rows.
    pub fn key_for(
        &mut self,
        scenario: &Scenario,
        generation: u64,
        shift: f64,
        n_rows: usize,
    ) -> SampleKey {
        let hash = match &self.hashed {
            Some((g, h)) if *g == generation => h.clone(),
            _ => {
                let key = SampleKey::new(scenario, shift, n_rows);
                self.hashed = Some((generation, key.scenario_hash.clone()));
                return key;
            }
        };
        SampleKey {
            scenario_hash: hash,
            shift_bits: shift.to_bits(),
            n_rows,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scm::preset;

    #[test]
    fn samples_are_kept_per_scenario_shift_and_size() {
        let scenario = preset("shortcut").expect("preset");
        let mut cache = DataSamples::default();
        let at = |cache: &mut DataSamples, shift: f64| cache.key_for(&scenario, 0, shift, 100);
        let k0 = at(&mut cache, 0.5);
        assert_eq!(k0, SampleKey::new(&scenario, 0.5, 100));
        assert!(cache.get(&k0).is_none());
        cache.drawing = Some(k0.clone());
        cache.insert(k0.clone(), Err("no".into()));
        assert!(cache.drawing.is_none(), "the key drawn has arrived");
        assert!(cache.get(&k0).is_some());
        for i in 0..KEPT {
            let k = at(&mut cache, i as f64);
            cache.insert(k, Err(String::new()));
        }
        assert!(cache.get(&k0).is_none(), "the oldest goes first");
        let other = preset("anti-causal").expect("preset");
        let k1 = cache.key_for(&other, 1, 0.5, 100);
        assert_ne!(
            k1.scenario_hash, k0.scenario_hash,
            "a new scenario, a new key"
        );
    }

    #[test]
    fn while_a_shift_is_drawn_the_last_one_of_the_scenario_is_shown() {
        let scenario = preset("shortcut").expect("preset");
        let mut cache = DataSamples::default();
        let k0 = cache.key_for(&scenario, 0, 0.0, 50);
        assert!(cache.shown(&k0).is_none(), "nothing drawn yet");
        let drawn = |shift| {
            let d = crate::data::sample(&scenario, 50, shift, 1).expect("sample");
            Ok((d.clone(), d))
        };
        cache.insert(k0.clone(), drawn(0.0));
        let k1 = cache.key_for(&scenario, 0, 0.5, 50);
        let shown = cache.shown(&k1).expect("the earlier shift");
        assert!(!shown.current);
        assert_eq!(shown.shift, 0.0);
        cache.insert(k1.clone(), drawn(0.5));
        let shown = cache.shown(&k1).expect("its own");
        assert!(shown.current);
        assert_eq!(shown.shift, 0.5);
        // Another size or scenario shows nothing of these.
        let other_size = cache.key_for(&scenario, 0, 0.5, 60);
        assert!(cache.shown(&other_size).is_none());
        let other = preset("anti-causal").expect("preset");
        let other_key = cache.key_for(&other, 1, 0.5, 50);
        assert!(cache.shown(&other_key).is_none());
    }
}
