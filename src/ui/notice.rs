//! Messages for the user: what happened, in the status bar, and over the canvas when an edit of
//! the graph was refused.

/// A message for the user: in the status bar, and over the canvas when it is about the graph.
/// Built by [`Notice::info`], [`Notice::error`] or [`Notice::graph_error`].
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    /// What to say.
    pub text: String,
    /// An error (red) or information.
    pub error: bool,
    /// About the graph: also shown over the canvas, and cleared by the next accepted edit.
    pub graph: bool,
    /// What the user can do about it, offered as a button beside it.
    pub action: Option<NoticeAction>,
}

/// A way out that a notice offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoticeAction {
    /// The GPU failed during a run: train the same run on the CPU.
    TrainOnCpu,
}

impl NoticeAction {
    /// The button's text.
    pub fn label(self) -> &'static str {
        match self {
            NoticeAction::TrainOnCpu => "Train on the CPU instead",
        }
    }
}

impl Notice {
    /// Something that happened as asked (saved, opened, undone), or why nothing happened.
    pub fn info(text: impl Into<String>) -> Self {
        Notice {
            text: text.into(),
            error: false,
            graph: false,
            action: None,
        }
    }

    /// Something that failed, shown in red.
    pub fn error(text: impl Into<String>) -> Self {
        Notice {
            error: true,
            ..Notice::info(text)
        }
    }

    /// An edit of the graph the core refused (a cycle, a duplicate name): red, and over the
    /// canvas, where the user is looking.
    pub fn graph_error(text: impl Into<String>) -> Self {
        Notice {
            graph: true,
            ..Notice::error(text)
        }
    }
}
