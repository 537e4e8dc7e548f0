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
}
