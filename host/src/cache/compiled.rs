//! Precompiled components: the compiler's output (Cranelift's or Winch's) for a component,
//! stored with `Engine::precompile_component` and loaded with `Component::deserialize_file`,
//! keyed by the component's SHA-256, the engine's `precompile_compatibility_hash`, the
//! compiler's name and the engine's kind (plain or async) so that an artifact of another
//! wasmtime version, engine configuration, compiler or engine is never looked up. Each entry carries its own BLAKE3 checksum, checked on every
//! load, because deserializing trusts its input.
#![allow(unsafe_code)]

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Result;
use wasmtime::Engine;
use wasmtime::component::Component;

use super::hash::{Sha256Hasher, checksum, file_checksum};
use super::{warn_once, write_atomically};

/// The compiled-code cache of one engine.
#[derive(Debug, Clone)]
pub struct CompiledCache {
    dir: PathBuf,
    engine_hash: String,
}

/// How a component was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provenance {
    /// Loaded from the cache.
    Cached,
    /// Compiled now (and stored, if the cache is writable).
    Compiled,
}

impl CompiledCache {
    /// The cache in `dir` for components of `engine`, which is the host's engine of `kind`
    /// (`plain` or `async`). The compiler and the kind are part of every key: a Cranelift
    /// artifact is never loaded as a Winch one, nor one the host compiled for async
    /// components as a plain one.
    pub fn new(dir: PathBuf, engine: &Engine, compiler: crate::Compiler, kind: &str) -> Self {
        let engine_hash = Sha256Hasher::hex_of(&engine.precompile_compatibility_hash());
        CompiledCache {
            dir,
            engine_hash: format!("{}-{compiler}-{kind}", &engine_hash[..16]),
        }
    }

    fn entry(&self, component_hash: &str) -> (PathBuf, PathBuf) {
        let stem = format!("{component_hash}-{}", self.engine_hash);
        (
            self.dir.join(format!("{stem}.cwasm")),
            self.dir.join(format!("{stem}.blake3")),
        )
    }

    /// Whether an entry for the component with SHA-256 `bytes_hash` exists (not whether it
    /// is intact: [`CompiledCache::get`] checks that).
    pub fn contains(&self, bytes_hash: &str) -> bool {
        self.entry(bytes_hash).0.is_file()
    }

    /// The cached compilation of the component with SHA-256 `bytes_hash`, when an intact
    /// entry of this engine exists.
    pub fn get(&self, engine: &Engine, bytes_hash: &str) -> Option<Component> {
        let (cwasm, sum) = self.entry(bytes_hash);
        let component = self.load_entry(engine, &cwasm, &sum)?;
        super::mark_used(&sum);
        Some(component)
    }

    /// Compiles `bytes` (whose SHA-256 is `bytes_hash`) and stores the result. `label` names
    /// the component in the progress line.
    pub fn compile(
        &self,
        engine: &Engine,
        bytes: &[u8],
        bytes_hash: &str,
        label: &str,
    ) -> Result<Component> {
        let (cwasm, sum) = self.entry(bytes_hash);
        let start = Instant::now();
        let serialized = engine.precompile_component(bytes)?;
        eprintln!(
            "witness: compiled {label} in {:.1}s",
            start.elapsed().as_secs_f64()
        );
        let stored = write_atomically(&cwasm, &serialized)
            .and_then(|()| write_atomically(&sum, checksum(&serialized).as_bytes()));
        if let Err(err) = stored {
            warn_once(
                "compiled-cache-unwritable",
                &format!("cannot write the compiled-code cache ({err:#}); compiling without it"),
            );
        }
        // SAFETY: `serialized` was produced just now by `precompile_component` of this
        // engine, which is what `deserialize` requires.
        let component = unsafe { Component::deserialize(engine, &serialized)? };
        Ok(component)
    }

    fn load_entry(&self, engine: &Engine, cwasm: &PathBuf, sum: &PathBuf) -> Option<Component> {
        let expected = std::fs::read_to_string(sum).ok()?;
        if file_checksum(cwasm).ok()? != expected.trim() {
            warn_once(
                "compiled-cache-damaged",
                &format!(
                    "the compiled-code cache entry {} does not match its checksum; recompiling",
                    cwasm.display()
                ),
            );
            return None;
        }
        // SAFETY: the file is byte for byte what this cache wrote after
        // `precompile_component` (its checksum matches the one stored beside it), and
        // wasmtime checks that it was produced by a compatible engine before using it.
        match unsafe { Component::deserialize_file(engine, cwasm) } {
            Ok(component) => Some(component),
            Err(err) => {
                warn_once(
                    "compiled-cache-incompatible",
                    &format!(
                        "the compiled-code cache entry {} cannot be used ({err}); recompiling",
                        cwasm.display()
                    ),
                );
                None
            }
        }
    }
}
