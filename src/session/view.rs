//! What the plot area shows: the selected view (the app's tab) and the settings of the data and
//! calibration views, as a workspace file stores them.

use serde::{Deserialize, Deserializer, Serialize};

use crate::experiment::CalibrationSettings;

/// The views the plot area can show (the app's tabs). Stored in workspace files by variant
/// name (`"Overview"`, `"TradeOff"`, ...); a name this build does not know opens the overview.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Tab {
    /// Loss, MI and OOD side by side.
    #[default]
    Overview,
    /// Loss curves.
    Loss,
    /// MI over steps.
    Mi,
    /// OOD metric against shift.
    Ood,
    /// OOD metric and I(z;c) against beta (beta-sweep runs).
    TradeOff,
    /// The models' representations, projected to two dimensions.
    Representation,
    /// Scatter of the data at training and test shift.
    Data,
    /// An estimator against the true MI of correlated Gaussians.
    Calibration,
    /// Baseline and CRL on real logs (KuaiRand, your own, Yahoo! R3, Coat).
    KuaiRand,
}

impl Tab {
    /// In menu and tab-bar order.
    pub const ALL: [Tab; 9] = [
        Tab::Overview,
        Tab::Loss,
        Tab::Mi,
        Tab::Ood,
        Tab::TradeOff,
        Tab::Representation,
        Tab::Data,
        Tab::Calibration,
        Tab::KuaiRand,
    ];

    /// The tab's label.
    pub fn label(self) -> &'static str {
        match self {
            Tab::Overview => "Overview",
            Tab::Loss => "Loss",
            Tab::Mi => "MI",
            Tab::Ood => "OOD vs shift",
            Tab::TradeOff => "β trade-off",
            Tab::Representation => "Representation",
            Tab::Data => "Data",
            Tab::Calibration => "Calibration",
            Tab::KuaiRand => "Real logs",
        }
    }

    /// The name a workspace file stores (the variant's name).
    pub fn key(self) -> &'static str {
        match self {
            Tab::Overview => "Overview",
            Tab::Loss => "Loss",
            Tab::Mi => "Mi",
            Tab::Ood => "Ood",
            Tab::TradeOff => "TradeOff",
            Tab::Representation => "Representation",
            Tab::Data => "Data",
            Tab::Calibration => "Calibration",
            Tab::KuaiRand => "KuaiRand",
        }
    }

    /// The tab stored as `key`, if this build knows it.
    pub fn from_key(key: &str) -> Option<Tab> {
        Tab::ALL.into_iter().find(|t| t.key() == key)
    }
}

// Written as its name, a plain string, in every format (JSON workspaces and the app's RON
// storage alike), so that the reader below, which takes a string, reads back what was written.
impl Serialize for Tab {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.key())
    }
}

impl<'de> Deserialize<'de> for Tab {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let key = String::deserialize(d)?;
        Ok(Tab::from_key(&key).unwrap_or_default())
    }
}

/// What the plot area shows and how.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PlotSettings {
    /// The selected view (the app's tab).
    pub view: Tab,
    /// The data view's settings.
    pub data: DataSettings,
    /// The calibration view's settings.
    pub calibration: CalibrationSettings,
    /// The representation view's colouring and shift (not written when default, so older
    /// files save back unchanged).
    #[serde(skip_serializing_if = "RepresentationView::is_default")]
    pub representation: RepresentationView,
}

impl Default for PlotSettings {
    fn default() -> Self {
        PlotSettings {
            view: Tab::Overview,
            data: DataSettings::default(),
            calibration: CalibrationSettings::default(),
            representation: RepresentationView::default(),
        }
    }
}

/// What the representation view colours its points by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ColourBy {
    /// The confounder c.
    #[default]
    Confounder,
    /// The outcome y.
    Outcome,
}

/// The representation view's settings (the view and its figure).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RepresentationView {
    /// Points coloured by c or by y.
    pub colour: ColourBy,
    /// The shift of the right-hand panels (the nearest in the run's grid).
    pub shift: f64,
}

impl Default for RepresentationView {
    fn default() -> Self {
        RepresentationView {
            colour: ColourBy::Confounder,
            shift: 1.0,
        }
    }
}

impl RepresentationView {
    /// Whether these are the default settings.
    pub fn is_default(&self) -> bool {
        *self == RepresentationView::default()
    }
}

/// Settings of the data view.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DataSettings {
    /// The test-environment shift s shown beside the training distribution.
    pub shift: f64,
    /// Column on the x axis (empty: the first feature).
    pub x_column: String,
    /// Column on the y axis (empty: the second feature or the confounder).
    pub y_column: String,
    /// Rows drawn per scatter.
    pub n_points: usize,
}

impl Default for DataSettings {
    fn default() -> Self {
        DataSettings {
            shift: 1.0,
            x_column: String::new(),
            y_column: String::new(),
            n_points: 1500,
        }
    }
}
