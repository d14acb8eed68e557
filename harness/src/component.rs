//! A trial's component: its guest built through the build cache (at the stable artifact
//! path, `target/witness/<fixture>/<language>.wasm`) and loaded by the host, compiled or
//! from the compiled-code cache. For a composition fixture, the runner and the provider are
//! each built so, then composed ([`crate::compose`]) into
//! `target/witness/<fixture>/<runner>+<provider>.wasm`, which is what the host loads.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use witness_host::{Host, LoadedComponent, NotTheExpectedBytes};

use crate::builder::{GuestBuilder, Placement};
use crate::compose::{self, Sides};
use crate::cores::Cores;
use crate::error::TrialError;
use crate::fixture::Side;
use crate::language::Language;
use crate::paths::ProjectPaths;
use crate::plan::TrialPlan;
use crate::toolchain::BuildRequest;

/// A built and loaded component.
pub struct BuiltComponent {
    /// Where it is: the guest's artifact, or the composition's.
    pub artifact: PathBuf,
    /// The component, ready to instantiate.
    pub loaded: Arc<LoadedComponent>,
}

/// Builds what `plan` runs (named `trial` in progress lines) and loads it, holding one of
/// the machine's [`Cores`] meanwhile (and only meanwhile: the calls run without it). A build
/// that fails removes the artifact an earlier build left, so nothing points at a component
/// that is not this guest's.
pub fn build_and_load(
    builder: &GuestBuilder,
    host: &Host,
    paths: &ProjectPaths,
    plan: &TrialPlan,
    trial: &str,
) -> Result<BuiltComponent, TrialError> {
    let _core = Cores::of_this_machine().hold();
    let name = &plan.fixture.name;
    let runner = Guest {
        side: Side::Runner,
        language: plan.language,
        source: &plan.guest,
        world: &plan.file.world,
        artifact: paths.artifact(name, plan.language),
    };
    let Some(provider) = &plan.provider else {
        let loaded = runner.build_and_load(builder, host, plan, trial)?;
        return Ok(BuiltComponent {
            artifact: runner.artifact,
            loaded,
        });
    };
    let provider = Guest {
        side: Side::Provider,
        language: provider.language,
        source: &provider.guest,
        world: &provider.world,
        artifact: paths.provider_artifact(name, provider.language),
    };
    runner.build(builder, host, plan, trial)?;
    provider.build(builder, host, plan, &format!("{trial} (provider)"))?;
    let artifact = paths.lineup_artifact(name, plan.lineup());
    let _ = std::fs::remove_file(&artifact);
    let read = |path: &Path| {
        std::fs::read(path)
            .map_err(|e| TrialError::host(format!("failed to read {}", path.display()), e.into()))
    };
    let (runner_bytes, provider_bytes) = (read(&runner.artifact)?, read(&provider.artifact)?);
    let named = |guest: &Guest<'_>| format!("{} ({})", guest.language, guest.artifact.display());
    let (runner_name, provider_name) = (named(&runner), named(&provider));
    let sides = Sides {
        runner: (&runner_name, &runner_bytes),
        provider: (&provider_name, &provider_bytes),
    };
    let exports = plan.provider.as_ref().map_or(&[][..], |p| &p.exports[..]);
    let composed = compose::compose(&sides, exports)?;
    std::fs::write(&artifact, &composed).map_err(|e| {
        TrialError::host(format!("failed to write {}", artifact.display()), e.into())
    })?;
    let loaded = host
        .load_bytes(&artifact, composed)
        .map_err(|e| TrialError::host(format!("failed to load {}", artifact.display()), e))?;
    Ok(BuiltComponent { artifact, loaded })
}

/// One guest of a trial: the fixture's own, or a composition fixture's provider.
struct Guest<'a> {
    side: Side,
    language: Language,
    source: &'a Path,
    world: &'a str,
    artifact: PathBuf,
}

impl Guest<'_> {
    fn request<'r>(&'r self, plan: &'r TrialPlan) -> BuildRequest<'r> {
        BuildRequest {
            fixture: &plan.fixture.name,
            side: self.side,
            guest: self.source,
            wit: &plan.wit,
            world: self.world,
            output: &self.artifact,
        }
    }

    /// Builds the guest to its artifact; returns its SHA-256.
    fn build(
        &self,
        builder: &GuestBuilder,
        host: &Host,
        plan: &TrialPlan,
        trial: &str,
    ) -> Result<String, TrialError> {
        let request = self.request(plan);
        let built = builder
            .build(trial, self.language, &request, Placement::Link, &|sha256| {
                host.needs_bytes(sha256)
            })
            .inspect_err(|_| {
                let _ = std::fs::remove_file(&self.artifact);
            })?;
        Ok(built)
    }

    /// Builds the guest and loads it; a build whose compiled and cached bytes both turned
    /// out damaged is built afresh.
    fn build_and_load(
        &self,
        builder: &GuestBuilder,
        host: &Host,
        plan: &TrialPlan,
        trial: &str,
    ) -> Result<Arc<LoadedComponent>, TrialError> {
        let loading = || format!("failed to load {}", self.artifact.display());
        let sha256 = self.build(builder, host, plan, trial)?;
        match host.load_known(&self.artifact, &sha256) {
            Err(err) if err.is::<NotTheExpectedBytes>() => {
                builder.forget(self.language, &self.request(plan));
                let sha256 = self.build(builder, host, plan, trial)?;
                host.load_known(&self.artifact, &sha256)
                    .map_err(|e| TrialError::host(loading(), e))
            }
            loaded => loaded.map_err(|e| TrialError::host(loading(), e)),
        }
    }
}
