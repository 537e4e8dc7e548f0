//! Whether a lesson step's condition holds: a pure function of [`LessonFacts`], a snapshot of the
//! app's state that the app fills each frame, so the conditions are tested without a window.

use crate::experiment::{RunMode, RunResults, RunState};
use crate::scm::Scenario;
use crate::session::{StepDone, Tab};
use crate::train::ModelKind;

/// What has happened so far, counted frame by frame.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LessonCounts {
    /// Compare runs that finished.
    pub runs: usize,
    /// β sweeps that finished.
    pub sweeps: usize,
    /// Calibrations that finished without an error.
    pub calibrations: usize,
    /// Nodes of the scenario.
    pub nodes: usize,
}

/// The app's state as far as lesson conditions look at it.
#[derive(Clone, Copy, Debug)]
pub struct LessonFacts<'a> {
    /// The counts now.
    pub now: LessonCounts,
    /// The counts when the current step began.
    pub at_step: LessonCounts,
    /// The scenario being edited.
    pub scenario: &'a Scenario,
    /// The plot tab shown.
    pub tab: Tab,
    /// The data view's test shift.
    pub data_shift: f64,
    /// The conditional penalty switch.
    pub conditional: bool,
    /// The training mode.
    pub mode: RunMode,
    /// The current or last run, if any (a `baseline_fails` step reads its [`baseline_drop`]).
    pub run: Option<&'a RunResults>,
}

/// Whether `done` holds for `facts`. Conditions on runs count only runs that ended after the
/// step began.
pub fn step_done(done: &StepDone, facts: &LessonFacts<'_>) -> bool {
    let (now, then) = (&facts.now, &facts.at_step);
    match done {
        StepDone::Read => false,
        StepDone::Preset { name } => facts.scenario.name == *name,
        StepDone::RunFinished => now.runs > then.runs,
        StepDone::SweepFinished => now.sweeps > then.sweeps,
        StepDone::CalibrationFinished => now.calibrations > then.calibrations,
        StepDone::Tab { tab } => facts.tab.key() == tab,
        StepDone::ShiftAtLeast { value } => facts.data_shift >= *value - 1e-9,
        StepDone::Conditional { value } => facts.conditional == *value,
        StepDone::SweepMode => facts.mode == RunMode::BetaSweep,
        StepDone::NodeAdded => now.nodes > then.nodes,
        StepDone::RoleCount { role, at_least } => {
            facts
                .scenario
                .nodes
                .iter()
                .filter(|n| n.role == *role)
                .count()
                >= *at_least
        }
        StepDone::BaselineFails { gap } => {
            facts.run.and_then(baseline_drop).is_some_and(|d| d >= *gap)
        }
    }
}

/// Whether a step whose condition already holds when it begins waits for Next: those about a
/// setting (a preset, a view, a switch, the graph) do, so the student reads them; those about
/// something that happened since the step began, or a result, move on.
pub fn waits_when_held(done: &StepDone) -> bool {
    !matches!(
        done,
        StepDone::RunFinished
            | StepDone::SweepFinished
            | StepDone::CalibrationFinished
            | StepDone::NodeAdded
            | StepDone::BaselineFails { .. }
    )
}

/// A finished run's baseline score at its smallest shift minus at its largest (means over
/// seeds; accuracy, or R² for a continuous outcome), what the `baseline_fails` step measures.
/// `None` for a run not done or with a single shift.
pub fn baseline_drop(run: &RunResults) -> Option<f64> {
    if run.state != RunState::Done {
        return None;
    }
    let base: Vec<_> = run
        .eval
        .iter()
        .filter(|r| r.model == ModelKind::Baseline)
        .collect();
    let lo = base.iter().map(|r| r.shift).reduce(f64::min)?;
    let hi = base.iter().map(|r| r.shift).reduce(f64::max)?;
    let mean_at = |s: f64| {
        let v: Vec<f64> = base
            .iter()
            .filter(|r| r.shift == s)
            .map(|r| r.metrics.headline())
            .collect();
        v.iter().sum::<f64>() / v.len().max(1) as f64
    };
    (hi > lo).then(|| mean_at(lo) - mean_at(hi))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scm::{Role, preset};
    use crate::session::Workspace;

    fn facts(scenario: &Scenario) -> LessonFacts<'_> {
        LessonFacts {
            now: LessonCounts::default(),
            at_step: LessonCounts::default(),
            scenario,
            tab: Tab::Overview,
            data_shift: 0.0,
            conditional: false,
            mode: RunMode::Compare,
            run: None,
        }
    }

    #[test]
    fn settings_conditions_follow_the_snapshot() {
        let scenario = preset("shortcut").expect("preset");
        let mut f = facts(&scenario);
        assert!(!step_done(&StepDone::Read, &f));
        let preset_step = |name: &str| StepDone::Preset { name: name.into() };
        assert!(step_done(&preset_step("shortcut"), &f));
        assert!(!step_done(&preset_step("anti-causal"), &f));
        let ood = StepDone::Tab { tab: "Ood".into() };
        assert!(!step_done(&ood, &f));
        f.tab = Tab::Ood;
        assert!(step_done(&ood, &f));
        let shift = StepDone::ShiftAtLeast { value: 0.8 };
        assert!(!step_done(&shift, &f));
        // A slider's 0.8 may be a hair under.
        f.data_shift = 0.8 - 1e-12;
        assert!(step_done(&shift, &f));
        assert!(step_done(&StepDone::Conditional { value: false }, &f));
        f.conditional = true;
        assert!(step_done(&StepDone::Conditional { value: true }, &f));
        assert!(!step_done(&StepDone::SweepMode, &f));
        f.mode = RunMode::BetaSweep;
        assert!(step_done(&StepDone::SweepMode, &f));
        let confounders = |at_least| StepDone::RoleCount {
            role: Role::Confounder,
            at_least,
        };
        let n = scenario
            .nodes
            .iter()
            .filter(|n| n.role == Role::Confounder)
            .count();
        assert!(step_done(&confounders(n), &f));
        assert!(!step_done(&confounders(n + 1), &f));
    }

    #[test]
    fn event_conditions_count_only_what_happened_since_the_step_began() {
        let scenario = preset("shortcut").expect("preset");
        let mut f = facts(&scenario);
        f.now = LessonCounts {
            runs: 2,
            sweeps: 1,
            calibrations: 1,
            nodes: 4,
        };
        f.at_step = f.now;
        for done in [
            StepDone::RunFinished,
            StepDone::SweepFinished,
            StepDone::CalibrationFinished,
            StepDone::NodeAdded,
        ] {
            assert!(!step_done(&done, &f), "{done:?} before");
            assert!(!waits_when_held(&done), "{done:?} moves on");
        }
        f.now.runs += 1;
        assert!(step_done(&StepDone::RunFinished, &f));
        assert!(!step_done(&StepDone::SweepFinished, &f));
        f.now.sweeps += 1;
        f.now.calibrations += 1;
        f.now.nodes += 1;
        assert!(step_done(&StepDone::SweepFinished, &f));
        assert!(step_done(&StepDone::CalibrationFinished, &f));
        assert!(step_done(&StepDone::NodeAdded, &f));
        assert!(waits_when_held(&StepDone::Read));
        assert!(waits_when_held(&StepDone::SweepMode));
    }

    #[test]
    fn the_baseline_fails_by_its_drop_from_the_smallest_to_the_largest_shift() {
        let text = include_str!("../../../tests/data/small_workspace.json");
        let ws = Workspace::from_json(text, "small").expect("workspace");
        let mut run = ws.results.expect("results");
        let drop = baseline_drop(&run).expect("a finished run with two shifts");
        assert!(drop.is_finite());
        let scenario = ws.scenario;
        let mut f = facts(&scenario);
        f.run = Some(&run);
        assert!(step_done(&StepDone::BaselineFails { gap: drop }, &f));
        assert!(!step_done(
            &StepDone::BaselineFails { gap: drop + 0.01 },
            &f
        ));
        f.run = None;
        assert!(!step_done(&StepDone::BaselineFails { gap: -1.0 }, &f));
        run.state = RunState::Training;
        assert_eq!(baseline_drop(&run), None, "only a finished run counts");
        let f = LessonFacts {
            run: Some(&run),
            ..facts(&scenario)
        };
        assert!(!step_done(&StepDone::BaselineFails { gap: -1.0 }, &f));
    }
}
