//! Choosing where training runs: burn's wgpu backend when a GPU adapter exists, else burn's CPU
//! backend (flex), saying which.

use std::fmt;
use std::str::FromStr;

use burn::tensor::Device;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// What the user asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum DeviceChoice {
    /// A GPU through wgpu if there is one, else the CPU.
    #[default]
    Auto,
    /// wgpu, whatever adapter it finds (a software one included); an error if none.
    Wgpu,
    /// burn's CPU backend (flex).
    Cpu,
}

impl FromStr for DeviceChoice {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "auto" => Ok(DeviceChoice::Auto),
            "wgpu" | "gpu" => Ok(DeviceChoice::Wgpu),
            "cpu" | "flex" => Ok(DeviceChoice::Cpu),
            other => Err(Error::invalid(format!(
                "unknown device `{other}` (use auto, wgpu or cpu)"
            ))),
        }
    }
}

impl fmt::Display for DeviceChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DeviceChoice::Auto => "auto",
            DeviceChoice::Wgpu => "wgpu",
            DeviceChoice::Cpu => "cpu",
        })
    }
}

/// Which backend a [`ComputeDevice`] runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// burn's wgpu backend.
    Wgpu,
    /// burn's CPU backend (flex).
    Cpu,
}

/// A device ready for training, with a line describing it.
#[derive(Clone, Debug)]
pub struct ComputeDevice {
    /// The plain (non-autodiff) device.
    pub device: Device,
    /// The backend.
    pub backend: Backend,
    /// E.g. `wgpu: NVIDIA H100 (DiscreteGpu, Vulkan)` or `cpu (flex): no GPU adapter found`.
    pub description: String,
}

impl ComputeDevice {
    /// burn's CPU backend.
    pub fn cpu(reason: &str) -> Self {
        let description = if reason.is_empty() {
            "cpu (burn flex)".to_owned()
        } else {
            format!("cpu (burn flex): {reason}")
        };
        ComputeDevice {
            device: Device::flex(),
            backend: Backend::Cpu,
            description,
        }
    }
}

#[cfg(feature = "wgpu")]
impl ComputeDevice {
    /// The wgpu device the probe found, described by its adapter.
    fn wgpu(device: &Device, adapter: &str) -> Self {
        ComputeDevice {
            device: device.clone(),
            backend: Backend::Wgpu,
            description: format!("wgpu: {adapter}"),
        }
    }
}

/// Adapter found by the one wgpu probe this process may make: (device, name, is a GPU).
#[cfg(feature = "wgpu")]
type Probe = std::result::Result<(Device, String, bool), String>;

#[cfg(feature = "wgpu")]
fn probe_wgpu() -> &'static Probe {
    use std::sync::OnceLock;
    static PROBE: OnceLock<Probe> = OnceLock::new();
    PROBE.get_or_init(|| {
        // `init_with_setup` reports a missing adapter as an error instead of panicking later.
        match Device::wgpu_options().init_with_setup() {
            Ok((device, setup)) => {
                let info = setup.adapter.get_info();
                let is_gpu = !matches!(info.device_type, burn::tensor::wgpu::wgpu::DeviceType::Cpu);
                let name = format!("{} ({:?}, {:?})", info.name, info.device_type, info.backend);
                Ok((device, name, is_gpu))
            }
            Err(e) => Err(e.to_string()),
        }
    })
}

/// Picks the device for `choice`. `Auto` falls back to the CPU when wgpu finds no adapter or only
/// a software one, and says so in the description; `Wgpu` fails when there is no adapter.
pub fn select_device(choice: DeviceChoice) -> Result<ComputeDevice> {
    match choice {
        DeviceChoice::Cpu => Ok(ComputeDevice::cpu("")),
        #[cfg(feature = "wgpu")]
        DeviceChoice::Wgpu => match probe_wgpu() {
            Ok((device, name, _)) => Ok(ComputeDevice::wgpu(device, name)),
            Err(e) => Err(Error::Device(format!("no wgpu adapter found ({e})"))),
        },
        #[cfg(feature = "wgpu")]
        DeviceChoice::Auto => match probe_wgpu() {
            Ok((device, name, true)) => Ok(ComputeDevice::wgpu(device, name)),
            Ok((_, name, false)) => Ok(ComputeDevice::cpu(&format!(
                "wgpu found only a software adapter ({name}), the CPU backend is faster"
            ))),
            Err(_) => Ok(ComputeDevice::cpu("no GPU adapter found")),
        },
        #[cfg(not(feature = "wgpu"))]
        DeviceChoice::Wgpu => Err(Error::Device(
            "this build has no wgpu backend (built without the `wgpu` feature)".into(),
        )),
        #[cfg(not(feature = "wgpu"))]
        DeviceChoice::Auto => Ok(ComputeDevice::cpu("built without the `wgpu` feature")),
    }
}

/// Reads `t` back to the host as f32 values; a failed read (the device out of memory, say) is
/// an error naming `what` was being read, never a panic.
pub fn read_back<const D: usize>(t: burn::tensor::Tensor<D>, what: &str) -> Result<Vec<f32>> {
    t.try_into_data()
        .map_err(|e| Error::Device(format!("cannot read {what} back from the device: {e}")))?
        .try_into_vec_as::<f32>()
        .map_err(|e| Error::Device(format!("cannot read {what} back as numbers: {e:?}")))
}
