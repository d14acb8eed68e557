//! Composing a composition fixture's runner with its provider, in-process with wac-graph:
//! the provider component is instantiated and each of its exports that the runner imports is
//! plugged into the runner; the rest of both components' imports (WASI, the fixture's scripted
//! imports) stay imports of the composition, which the host answers as for any component.
//! An import of the runner that the provider's world exports but that is left unplugged is
//! an error naming it, never a host import nobody answers.

use wac_graph::types::Package;
use wac_graph::{CompositionGraph, EncodeOptions, PlugError};

/// Why a runner and a provider could not be composed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ComposeError {
    /// The composition library refused them.
    #[error("failed to compose the {runner} runner with the {provider} provider: {message}")]
    Failed {
        /// The runner, as `<language> (<path>)`.
        runner: String,
        /// The provider, as `<language> (<path>)`.
        provider: String,
        /// The library's message, with its causes.
        message: String,
    },
    /// The runner imports something of the provider's world that the provider component
    /// does not export (or exports with another type).
    #[error(
        "the {runner} runner imports {}, which the {provider} provider does not export (or \
         exports with another type) and no [[import]] answers: export it from the provider's \
         world, or answer it with an [[import]] entry",
        imports.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", ")
    )]
    Unplugged {
        /// The runner, as `<language> (<path>)`.
        runner: String,
        /// The provider, as `<language> (<path>)`.
        provider: String,
        /// The runner's imports left unplugged.
        imports: Vec<String>,
    },
}

/// The two components of a composition, each named for messages (`rust (target/…/rust.wasm)`).
pub struct Sides<'a> {
    /// The runner's name and bytes.
    pub runner: (&'a str, &'a [u8]),
    /// The provider's name and bytes.
    pub provider: (&'a str, &'a [u8]),
}

/// The component of `sides.runner` with `sides.provider` plugged into its imports.
/// `provided` are the names the provider's world exports (`witness:compose/values@0.1.0`, or
/// a function's name): each one the runner imports must be plugged.
pub fn compose(sides: &Sides<'_>, provided: &[String]) -> Result<Vec<u8>, ComposeError> {
    let (runner_name, runner_bytes) = sides.runner;
    let (provider_name, provider_bytes) = sides.provider;
    let failed = |message: String| ComposeError::Failed {
        runner: runner_name.to_string(),
        provider: provider_name.to_string(),
        message,
    };
    let mut graph = CompositionGraph::new();
    let mut register = |package: &str, bytes: &[u8]| {
        let package = Package::from_bytes(package, None, bytes.to_vec(), graph.types_mut())
            .map_err(|e| failed(format!("{e:#}")))?;
        graph
            .register_package(package)
            .map_err(|e| failed(format!("{:#}", anyhow::Error::from(e))))
    };
    let runner = register("witness:runner", runner_bytes)?;
    let provider = register("witness:provider", provider_bytes)?;
    let imported: Vec<String> = graph.types()[graph[runner].ty()]
        .imports
        .keys()
        .filter(|name| provided.iter().any(|p| same_item(p, name)))
        .cloned()
        .collect();
    let unplugged = |graph: &CompositionGraph| -> Vec<String> {
        graph
            .imports()
            .map(|(name, _, _)| name.to_string())
            .filter(|name| imported.contains(name))
            .collect()
    };
    match wac_graph::plug(&mut graph, vec![provider], runner) {
        Ok(()) => {}
        Err(PlugError::NoPlugHappened) if !imported.is_empty() => {
            return Err(ComposeError::Unplugged {
                runner: runner_name.to_string(),
                provider: provider_name.to_string(),
                imports: imported,
            });
        }
        Err(PlugError::NoPlugHappened) => {
            return Err(failed(
                "the runner imports nothing the provider's world exports, so there is \
                 nothing to compose (a Rust guest leaves out an import it never calls)"
                    .into(),
            ));
        }
        Err(e) => return Err(failed(format!("{:#}", anyhow::Error::from(e)))),
    }
    let left = unplugged(&graph);
    if !left.is_empty() {
        return Err(ComposeError::Unplugged {
            runner: runner_name.to_string(),
            provider: provider_name.to_string(),
            imports: left,
        });
    }
    graph
        .encode(EncodeOptions::default())
        .map_err(|e| failed(format!("{:#}", anyhow::Error::from(e))))
}

/// Whether two import or export names are the same item: equal, or the same interface at
/// versions the component model's semver rule matches (`a:b/c@0.1.0` and `a:b/c@0.1.2`).
fn same_item(a: &str, b: &str) -> bool {
    let (a_name, a_version) = a.split_once('@').unwrap_or((a, ""));
    let (b_name, b_version) = b.split_once('@').unwrap_or((b, ""));
    a_name == b_name && (a_version == b_version || compatible(a_version, b_version))
}

/// Semver compatibility as the component model reads it: the same major version, and for
/// 0.x the same minor one.
fn compatible(a: &str, b: &str) -> bool {
    let parse = |v: &str| semver::Version::parse(v).ok();
    match (parse(a), parse(b)) {
        (Some(a), Some(b)) if a.major == 0 && b.major == 0 => a.minor == b.minor && a.minor > 0,
        (Some(a), Some(b)) => a.major == b.major,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_exactly_or_by_compatible_version() {
        assert!(same_item("a:b/c@0.1.0", "a:b/c@0.1.0"));
        assert!(same_item("a:b/c@0.1.0", "a:b/c@0.1.3"));
        assert!(!same_item("a:b/c@0.1.0", "a:b/c@0.2.0"));
        assert!(same_item("a:b/c@1.0.0", "a:b/c@1.4.0"));
        assert!(!same_item("a:b/c@0.1.0", "a:b/d@0.1.0"));
        assert!(same_item("f", "f") && !same_item("f", "g"));
    }

    #[test]
    fn what_is_not_a_component_is_a_failure_naming_both_sides() {
        let sides = Sides {
            runner: ("rust (r.wasm)", b"not wasm"),
            provider: ("js (p.wasm)", b"\0asm\x0d\0\x01\0"),
        };
        let err = compose(&sides, &["a:b/c@0.1.0".to_string()]).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("the rust (r.wasm) runner") && text.contains("the js (p.wasm) provider"),
            "{text}"
        );
    }
}
