//! What one trial observed, before anything is checked: the fixture's plan for the language,
//! its component, the calls and properties run on its instance lane, and the texts the
//! snapshot compares. A session observes each (fixture, language) once; the checks of every
//! language of the fixture may read it, so languages are compared with each other before
//! anything is written.

use std::time::{Duration, Instant};

use witness_host::{Host, LoadedComponent};

use crate::builder::GuestBuilder;
use crate::calls::{self, CallsRun};
use crate::component::{self, BuiltComponent};
use crate::error::TrialError;
use crate::lane::InstanceLane;
use crate::language::Lineup;
use crate::outcome;
use crate::paths::ProjectPaths;
use crate::plan::{self, TrialPlan};
use crate::property::{self, PropertyReport, PropertySettings};
use crate::runner::TrialSpec;

/// One trial's observation.
pub struct Observation {
    /// The lineup: the guest's language, or a runner's composed with a provider's.
    pub lineup: Lineup,
    /// The WIT package the fixture builds against, where it was read.
    pub package: Option<String>,
    /// How long building and running took.
    pub duration: Duration,
    /// What ran, or why nothing could.
    pub outcome: Result<Ran, TrialError>,
}

/// A trial that got as far as running.
pub struct Ran {
    /// The plan it ran.
    pub plan: TrialPlan,
    /// Its component, built in this session.
    pub component: BuiltComponent,
    /// What its calls did, and the calls that could not be made.
    pub calls: CallsRun,
    /// What each property found, in the order of [`crate::fixture::FixtureFile::properties`];
    /// `None` where the property could not run (its error is in `property_errors`).
    pub properties: Vec<PropertyReport>,
    /// Why properties could not run (a bad entry, an instance that could not be made).
    pub property_errors: Vec<TrialError>,
    /// The language-specific detail of the calls (traps' backtraces and stderr).
    pub detail: Option<String>,
}

impl Ran {
    /// The outcome text the shared snapshot compares: the calls, then the properties.
    pub fn shared_text(&self) -> String {
        self.text(false)
    }

    /// The outcome text of a language's own snapshot: with the stderr of trapping calls.
    pub fn own_text(&self) -> String {
        self.text(true)
    }

    fn text(&self, with_trap_stderr: bool) -> String {
        let properties: String = self.properties.iter().map(PropertyReport::block).collect();
        outcome::render(&self.calls.reports, with_trap_stderr) + &properties
    }

    /// One block per call made and per property, as the snapshot is cut into blocks.
    pub fn blocks(&self, with_trap_stderr: bool) -> Vec<String> {
        self.calls
            .reports
            .iter()
            .map(|r| outcome::render(std::slice::from_ref(r), with_trap_stderr))
            .chain(self.properties.iter().map(PropertyReport::block))
            .collect()
    }

    /// Each block's function, qualified as `[[known-divergence]]` names it.
    pub fn block_functions(&self) -> Vec<String> {
        self.calls
            .reports
            .iter()
            .zip(&self.calls.indices)
            .map(|(report, &i)| {
                crate::fixture::qualified(report.interface.as_deref(), &self.plan.calls[i].name())
            })
            .chain(self.properties.iter().map(|p| p.function.clone()))
            .collect()
    }

    /// Whether every call could be made and every property run: only then is the outcome
    /// text comparable with a snapshot.
    pub fn complete(&self) -> bool {
        self.calls.errors.is_empty() && self.property_errors.is_empty()
    }

    /// The loaded component.
    pub fn loaded(&self) -> &LoadedComponent {
        &self.component.loaded
    }
}

/// What observing needs from its session.
pub struct Observer<'a> {
    /// The project.
    pub paths: &'a ProjectPaths,
    /// The guest builder.
    pub builder: &'a GuestBuilder,
    /// The host, or why it could not start.
    pub host: Result<&'a Host, TrialError>,
    /// Where generated inputs come from.
    pub properties: &'a PropertySettings,
}

impl Observer<'_> {
    /// Plans, builds and runs `trial`.
    pub fn observe(&self, trial: &TrialSpec) -> Observation {
        let start = Instant::now();
        let mut package = None;
        let outcome = self.run(trial, &mut package);
        Observation {
            lineup: trial.lineup(),
            package,
            duration: start.elapsed(),
            outcome,
        }
    }

    fn run(&self, trial: &TrialSpec, package: &mut Option<String>) -> Result<Ran, TrialError> {
        let plan = plan::plan(&trial.fixture, trial.lineup(), self.paths, package)?;
        let host = self.host.clone()?;
        let component =
            component::build_and_load(self.builder, host, self.paths, &plan, &trial.name())?;
        let (calls, properties, property_errors) = {
            let mut lane = InstanceLane::new(
                host,
                &component.loaded,
                &plan.fixture,
                &plan.file,
                &plan.fixture_file,
                &component.artifact,
            );
            if let Some(provider) = &plan.provider {
                let runner = format!("{} ({})", plan.language, plan.guest.display());
                let provider = format!("{} ({})", provider.language, provider.guest.display());
                lane = lane.composed(runner, provider);
            }
            let calls = calls::run(&plan, &mut lane)?;
            let mut properties = Vec::new();
            let mut property_errors = Vec::new();
            for (kind, index, spec) in plan.file.properties() {
                match property::run(kind, index, spec, self.properties, &mut lane) {
                    Ok(report) => properties.push(report),
                    Err(error) => property_errors.push(error),
                }
            }
            (calls, properties, property_errors)
        };
        let detail = outcome::render_detail(&calls.reports);
        Ok(Ran {
            plan,
            component,
            calls,
            properties,
            property_errors,
            detail: (!detail.is_empty()).then_some(detail),
        })
    }
}
