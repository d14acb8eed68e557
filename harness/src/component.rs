//! A trial's component: its guest built through the build cache (at the stable artifact
//! path, `target/witness/<fixture>/<language>.wasm`) and loaded by the host, compiled or
//! from the compiled-code cache.

use std::path::PathBuf;
use std::sync::Arc;

use witness_host::{Host, LoadedComponent, NotTheExpectedBytes};

use crate::builder::{GuestBuilder, Placement};
use crate::error::TrialError;
use crate::paths::ProjectPaths;
use crate::plan::TrialPlan;
use crate::toolchain::BuildRequest;

/// A built and loaded component.
pub struct BuiltComponent {
    /// Where the build put it.
    pub artifact: PathBuf,
    /// The component, ready to instantiate.
    pub loaded: Arc<LoadedComponent>,
}

/// Builds the guest of `plan` (named `trial` in progress lines) and loads it. A build that
/// fails removes the artifact an earlier build left, so nothing points at a component that
/// is not this guest's.
pub fn build_and_load(
    builder: &GuestBuilder,
    host: &Host,
    paths: &ProjectPaths,
    plan: &TrialPlan,
    trial: &str,
) -> Result<BuiltComponent, TrialError> {
    let artifact = paths.artifact(&plan.fixture.name, plan.language);
    let request = BuildRequest {
        fixture: &plan.fixture.name,
        guest: &plan.guest,
        wit: &plan.wit,
        world: &plan.file.world,
        output: &artifact,
    };
    let build = || {
        builder
            .build(trial, plan.language, &request, Placement::Link, &|sha256| {
                host.needs_bytes(sha256)
            })
            .inspect_err(|_| {
                let _ = std::fs::remove_file(&artifact);
            })
    };
    let loading = || format!("failed to load {}", artifact.display());
    let sha256 = build()?;
    let loaded = match host.load_known(&artifact, &sha256) {
        Err(err) if err.is::<NotTheExpectedBytes>() => {
            // The compiled entry and the build entry were both damaged: build afresh.
            builder.forget(plan.language, &request);
            let sha256 = build()?;
            host.load_known(&artifact, &sha256)
                .map_err(|e| TrialError::host(loading(), e))?
        }
        loaded => loaded.map_err(|e| TrialError::host(loading(), e))?,
    };
    Ok(BuiltComponent { artifact, loaded })
}
