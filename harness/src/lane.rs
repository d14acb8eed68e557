//! The instance lane: the one instance a trial's calls and properties run on, made on first
//! use and again after each trap (a trap ends its instance). Each instance gets its own
//! scratch directory (a granted directory is copied into it), which lives as long as the lane.

use std::path::Path;

use wasmtime::component::Val;
use wasmtime::component::types::ComponentFunc;
use witness_host::{CallOutcome, CallRecord, Host, LoadedComponent, PluginInstance, ScriptError};

use crate::compose::ComposeError;
use crate::error::{FixtureFileError, TrialError};
use crate::fixture::{Fixture, FixtureFile};
use crate::property;

/// A component's instances for one trial (or one check of a trial), one at a time.
pub struct InstanceLane<'a> {
    host: &'a Host,
    component: &'a LoadedComponent,
    fixture: &'a Fixture,
    file: &'a FixtureFile,
    fixture_file: &'a Path,
    artifact: &'a Path,
    scratches: Vec<tempfile::TempDir>,
    /// The live instance; `None` before the first and after a trap.
    current: Option<PluginInstance>,
    /// For a composed component: its runner and provider, named for messages.
    composition: Option<(String, String)>,
}

impl<'a> InstanceLane<'a> {
    /// A lane over `component` (built at `artifact`) with the settings of `fixture`.
    pub fn new(
        host: &'a Host,
        component: &'a LoadedComponent,
        fixture: &'a Fixture,
        file: &'a FixtureFile,
        fixture_file: &'a Path,
        artifact: &'a Path,
    ) -> Self {
        InstanceLane {
            host,
            component,
            fixture,
            file,
            fixture_file,
            artifact,
            scratches: Vec::new(),
            current: None,
            composition: None,
        }
    }

    /// The same lane over a composition of `runner` and `provider` (each named as
    /// `<language> (<path>)`): an import of the composition that nothing answers is named as
    /// the runner's import the provider does not export.
    pub fn composed(mut self, runner: String, provider: String) -> Self {
        self.composition = Some((runner, provider));
        self
    }

    /// Whether an instance is live (none before the first call and after a trap).
    pub fn is_live(&self) -> bool {
        self.current.is_some()
    }

    /// The live instance, if there is one, without making one.
    pub fn live(&self) -> Option<&PluginInstance> {
        self.current.as_ref()
    }

    /// The live instance, made now if there is none.
    pub fn instance(&mut self) -> Result<&mut PluginInstance, TrialError> {
        if self.current.is_none() {
            let scratch = tempfile::tempdir()
                .map_err(|e| TrialError::host("failed to create a scratch directory", e.into()))?;
            let mut settings = self
                .fixture
                .settings(self.file, scratch.path())
                .map_err(|e| FixtureFileError {
                    file: self.fixture_file.to_path_buf(),
                    line: None,
                    message: format!("{e:#}"),
                })?;
            self.scratches.push(scratch);
            // Only the entries for what this component imports (a toolchain leaves out the
            // imports its guest never calls).
            let script = crate::imports::for_component(
                &self.file.imports,
                self.component.scripted_imports(),
            );
            settings.imports = script.imports.clone();
            let instance = self
                .host
                .instantiate(self.component, &settings)
                .map_err(|e| {
                    match (e.downcast_ref::<ScriptError>(), &self.composition) {
                        // What the runner imports and neither the provider nor the fixture
                        // answers.
                        (
                            Some(ScriptError::Unanswered { import, signature }),
                            Some((runner, provider)),
                        ) => TrialError::Compose(ComposeError::Unplugged {
                            runner: runner.clone(),
                            provider: provider.clone(),
                            imports: vec![format!("{import}: {signature}")],
                        }),
                        // The fixture's [[import]] tables do not fit the component's imports.
                        (Some(error), _) => {
                            let (error, position) = script.renumber(error);
                            TrialError::BadFixture(FixtureFileError {
                                file: self.fixture_file.to_path_buf(),
                                line: position
                                    .and_then(|index| self.fixture.entry_line("import", index)),
                                message: error.to_string(),
                            })
                        }
                        (None, _) => {
                            let step = format!("failed to instantiate {}", self.artifact.display());
                            TrialError::host(step, e)
                        }
                    }
                })?;
            self.current = Some(instance);
        }
        // Made above if it was missing.
        self.current
            .as_mut()
            .ok_or_else(|| TrialError::Panicked("no instance after instantiating".into()))
    }

    /// Ends the instance if `record` trapped.
    pub fn after(&mut self, record: &CallRecord) {
        if matches!(record.outcome, CallOutcome::Trapped { .. }) {
            self.end();
        }
    }

    /// Ends the instance; the next call makes a new one. Its scratch directory goes with it.
    pub fn end(&mut self) {
        self.current = None;
        self.scratches.clear();
    }
}

impl property::Lane for InstanceLane<'_> {
    fn fixture_file(&self) -> &Path {
        self.fixture_file
    }

    fn entry_line(&self, table: &str, index: usize) -> Option<usize> {
        self.fixture.entry_line(table, index)
    }

    fn renew(&mut self) {
        self.end();
    }

    fn function_type(
        &mut self,
        name: &str,
        interface: Option<&str>,
    ) -> Result<Result<ComponentFunc, witness_host::CallError>, TrialError> {
        Ok(self.instance()?.function_type(name, interface))
    }

    fn call(
        &mut self,
        name: &str,
        interface: Option<&str>,
        args: &[Val],
    ) -> Result<CallRecord, TrialError> {
        let record = self
            .instance()?
            .call_values(name, interface, args)
            .map_err(|e| TrialError::host(format!("failed to call `{name}`"), e.into()))?;
        self.after(&record);
        Ok(record)
    }
}
