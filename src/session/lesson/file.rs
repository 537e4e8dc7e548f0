//! Guided lessons: a versioned data file (like the scenarios) of steps, each with a short text,
//! an optional widget to highlight and a condition on the app's state that says the step was
//! done. The built-in lessons under `assets/lessons/` are read through the same path as a
//! teacher's own lesson file, so a new lesson needs no recompiling.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::scm::Role;
use crate::session::Tab;

/// What the `format` field of a lesson file says.
pub const LESSON_FORMAT: &str = "crl-lab-lesson";
/// The lesson format's version this build reads.
pub const LESSON_VERSION: u32 = 1;

/// What shows that a step was done. Conditions on runs count only runs that ended after the
/// step began.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum StepDone {
    /// The student presses Next (a step that only explains).
    Read,
    /// The preset of this name is loaded.
    Preset {
        /// The preset's name.
        name: String,
    },
    /// A training run (compare mode) finished.
    RunFinished,
    /// A β sweep finished.
    SweepFinished,
    /// A calibration finished.
    CalibrationFinished,
    /// This plot tab is shown.
    Tab {
        /// The tab's workspace name (`Ood`, `TradeOff`, `Calibration`, …).
        tab: String,
    },
    /// The data view's test shift is at least this.
    ShiftAtLeast {
        /// The shift.
        value: f64,
    },
    /// The conditional penalty switch is in this position.
    Conditional {
        /// On or off.
        value: bool,
    },
    /// The training mode is the β sweep.
    SweepMode,
    /// A node was added since the step began.
    NodeAdded,
    /// The scenario has at least `at_least` nodes of this role.
    RoleCount {
        /// The role (`confounder`, `feature`, …).
        role: Role,
        /// How many.
        at_least: usize,
    },
    /// The last run's baseline loses at least `gap` of its score (accuracy, or R² for a
    /// continuous outcome) from shift 0 to the largest shift (the student's scenario makes it
    /// fail).
    BaselineFails {
        /// The drop in score (0 to 1).
        gap: f64,
    },
}

/// The kinds of step, as a file spells them.
pub const STEP_KINDS: [&str; 12] = [
    "read",
    "preset",
    "run_finished",
    "sweep_finished",
    "calibration_finished",
    "tab",
    "shift_at_least",
    "conditional",
    "sweep_mode",
    "node_added",
    "role_count",
    "baseline_fails",
];

/// One step of a lesson.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LessonStep {
    /// What to do, what to look for, and why (a few sentences).
    pub text: String,
    /// The widget the step is about, outlined while the step is current (see the app's
    /// highlight keys: `train_button`, `conditional`, `shift`, `beta`, `mode`, `presets`,
    /// `tab:Ood`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub highlight: Option<String>,
    /// What shows the step was done.
    pub done_when: StepDone,
}

/// A lesson: its name, a line on what it teaches, and its steps.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Lesson {
    /// A stable id (progress is kept under it).
    pub id: String,
    /// The title in the Lessons menu.
    pub title: String,
    /// One line on what the student will see.
    pub summary: String,
    /// The steps, in order.
    pub steps: Vec<LessonStep>,
}

impl Lesson {
    /// Parses a lesson file's text; `source` names it in errors. A bad format or version, or a
    /// step of an unknown kind or with bad fields, is refused with the step named.
    pub fn from_json(text: &str, source: &str) -> Result<Self> {
        let bad = |what: String| Error::invalid(format!("the lesson {source}: {what}"));
        let v: Value = serde_json::from_str(text).map_err(|e| bad(format!("not JSON: {e}")))?;
        let format = v.get("format").and_then(Value::as_str);
        if format != Some(LESSON_FORMAT) {
            return Err(bad(format!(
                "its format is {}, not `{LESSON_FORMAT}`",
                format.map_or_else(|| "missing".to_owned(), |f| format!("`{f}`"))
            )));
        }
        match v.get("version").and_then(Value::as_u64) {
            Some(n) if n == u64::from(LESSON_VERSION) => {}
            other => {
                return Err(bad(format!(
                    "version {} is not one this build reads ({LESSON_VERSION})",
                    other.map_or_else(|| "missing".to_owned(), |n| n.to_string())
                )));
            }
        }
        let field = |name: &str| -> Result<String> {
            v.get(name)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| bad(format!("it has no `{name}`")))
        };
        let steps = v
            .get("steps")
            .and_then(Value::as_array)
            .ok_or_else(|| bad("it has no `steps` list".into()))?;
        if steps.is_empty() {
            return Err(bad("it has no steps".into()));
        }
        let mut out = Vec::with_capacity(steps.len());
        for (i, s) in steps.iter().enumerate() {
            let at = |what: String| bad(format!("step {}: {what}", i + 1));
            let kind = s
                .get("done_when")
                .and_then(|d| d.get("kind"))
                .and_then(Value::as_str)
                .ok_or_else(|| at("it has no `done_when` with a `kind`".into()))?;
            if !STEP_KINDS.contains(&kind) {
                return Err(at(format!(
                    "unknown step kind `{kind}` (known: {})",
                    STEP_KINDS.join(", ")
                )));
            }
            let step: LessonStep =
                serde_json::from_value(s.clone()).map_err(|e| at(e.to_string()))?;
            if let StepDone::Tab { tab } = &step.done_when
                && Tab::from_key(tab).is_none()
            {
                return Err(at(format!("unknown tab `{tab}`")));
            }
            out.push(step);
        }
        Ok(Lesson {
            id: field("id")?,
            title: field("title")?,
            summary: field("summary")?,
            steps: out,
        })
    }
}

/// The lessons that ship with crl-lab, in menu order.
pub fn builtin_lessons() -> Vec<Lesson> {
    const FILES: [(&str, &str); 6] = [
        (
            "1-shortcut.json",
            include_str!("../../../assets/lessons/1-shortcut.json"),
        ),
        (
            "2-conditional.json",
            include_str!("../../../assets/lessons/2-conditional.json"),
        ),
        (
            "3-exposure.json",
            include_str!("../../../assets/lessons/3-exposure.json"),
        ),
        (
            "4-estimators.json",
            include_str!("../../../assets/lessons/4-estimators.json"),
        ),
        (
            "5-beta.json",
            include_str!("../../../assets/lessons/5-beta.json"),
        ),
        (
            "6-build.json",
            include_str!("../../../assets/lessons/6-build.json"),
        ),
    ];
    FILES
        .iter()
        .filter_map(|(name, text)| Lesson::from_json(text, name).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Why `text` (named `label`) is refused as a lesson.
    fn refusal(text: &str, label: &str) -> String {
        Lesson::from_json(text, label).unwrap_err().to_string()
    }

    #[test]
    fn every_builtin_lesson_parses() {
        assert_eq!(builtin_lessons().len(), 6);
    }

    #[test]
    fn bad_lessons_are_refused_naming_the_step() {
        let ok = r#"{"format":"crl-lab-lesson","version":1,"id":"x","title":"X","summary":"s",
            "steps":[{"text":"a","done_when":{"kind":"read"}},{"text":"b","done_when":{"kind":"KIND"}}]}"#;
        let e = refusal(&ok.replace("KIND", "teleport"), "mine.json");
        assert!(
            e.contains("the lesson mine.json: step 2: unknown step kind `teleport`"),
            "{e}"
        );
        assert!(Lesson::from_json(&ok.replace("KIND", "read"), "mine.json").is_ok());
        let e = refusal(&ok.replace("\"version\":1", "\"version\":9"), "m");
        assert!(
            e.contains("version 9 is not one this build reads (1)"),
            "{e}"
        );
        let e = refusal(&ok.replace("crl-lab-lesson", "nope"), "m");
        assert!(e.contains("its format is `nope`"), "{e}");
        let e = refusal(
            &ok.replace(r#"{"kind":"KIND"}"#, r#"{"kind":"tab","tab":"Nowhere"}"#),
            "m",
        );
        assert!(e.contains("step 2: unknown tab `Nowhere`"), "{e}");
        let e = refusal(
            &ok.replace(r#"{"kind":"KIND"}"#, r#"{"kind":"shift_at_least"}"#),
            "m",
        );
        assert!(e.contains("step 2: missing field `value`"), "{e}");
    }
}
