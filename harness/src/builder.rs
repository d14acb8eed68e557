//! Turning guest sources into components: the toolchain of each language (probed on first
//! use, prepared once) and the build cache in front of them. The runner builds every trial's
//! guest through one [`GuestBuilder`]; `witness plugin build` uses one for a single plugin.
//! The builder builds with the pinned toolchains or, with `WITNESS_TOOLCHAINS=latest`, the
//! newest ones ([`crate::toolchain::channel`]), and says which versions it used.

use std::collections::BTreeMap;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use witness_host::cache::hash::Fingerprint;

use crate::build_cache::BuildCache;
use crate::error::{BuildError, SharedError};
use crate::language::Language;
use crate::paths::ProjectPaths;
use crate::toolchain::channel::{self, Channel, Toolchains};
use crate::toolchain::{self, BuildRequest, Toolchain, install_artifact, link_artifact};

struct LanguageSlot {
    toolchain: Box<dyn Toolchain>,
    probe: OnceLock<Result<(), String>>,
    fingerprint: OnceLock<Result<Fingerprint, SharedError>>,
    prepared: OnceLock<Result<(), SharedError>>,
}

impl LanguageSlot {
    /// Whether the toolchain is there, looked at once and only for a language in use (a
    /// probe spawns `npm --version` and the like).
    fn probed(&self) -> &Result<(), String> {
        self.probe.get_or_init(|| self.toolchain.probe())
    }
}

/// How a built component is put at its output path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// A hard link to the cache entry, whose bytes are checked only when `needs_bytes` says
    /// they will be compiled (the runner: a compiled copy carries its own checksum).
    Link,
    /// A checked copy (a user's file, such as `witness plugin build`'s output, which a later
    /// edit in place must not carry into the cache).
    Copy,
}

/// The toolchains of every language and the build cache in front of them.
pub struct GuestBuilder {
    languages: BTreeMap<Language, LanguageSlot>,
    required: Vec<Language>,
    cache: BuildCache,
    build_times: Mutex<Vec<(String, Language, Duration)>>,
    /// The channel `WITNESS_TOOLCHAINS` names, or why it names none.
    channel: Result<Channel, String>,
}

impl GuestBuilder {
    /// A builder for the project at `paths` with the toolchains `WITNESS_TOOLCHAINS` asks for
    /// (a value it does not know fails every build, naming it); a missing toolchain of a
    /// language in `required` is an error instead of a reason to skip.
    pub fn new(paths: &ProjectPaths, required: Vec<Language>) -> Self {
        Self::with_channel(paths, required, Channel::from_env())
    }

    /// [`GuestBuilder::new`] with the toolchain channel given.
    pub fn with_channel(
        paths: &ProjectPaths,
        required: Vec<Language>,
        channel: Result<Channel, String>,
    ) -> Self {
        let chosen = channel.clone().unwrap_or_default();
        let languages = Language::ALL
            .into_iter()
            .map(|language| {
                let slot = LanguageSlot {
                    toolchain: toolchain::for_language(language, paths, chosen),
                    probe: OnceLock::new(),
                    fingerprint: OnceLock::new(),
                    prepared: OnceLock::new(),
                };
                (language, slot)
            })
            .collect();
        GuestBuilder {
            languages,
            required,
            cache: BuildCache::new(paths.cache.join("build")),
            build_times: Mutex::default(),
            channel,
        }
    }

    /// The toolchains this builder's builds used so far: the channel, and for each language
    /// that built a guest (or found one in the build cache) its tools and their versions.
    pub fn toolchains(&self) -> Toolchains {
        Toolchains {
            channel: self.channel.clone().unwrap_or_default(),
            languages: self
                .languages
                .iter()
                .filter(|(_, slot)| matches!(slot.fingerprint.get(), Some(Ok(_))))
                .map(|(language, slot)| (*language, slot.toolchain.versions()))
                .collect(),
        }
    }

    /// Why `language`'s guests are not built, if they are not: its toolchain is missing and
    /// the language is not required.
    pub fn skip_reason(&self, language: Language) -> Option<String> {
        match self.languages[&language].probed() {
            Err(reason) if !self.required.contains(&language) => Some(format!(
                "{language} toolchain missing: {reason} (set WITNESS_REQUIRE={language} or CI=true \
                 to make this a failure)"
            )),
            _ => None,
        }
    }

    /// Each build so far (cache hits are not builds): its name, language and duration.
    pub fn build_times(&self) -> Vec<(String, Language, Duration)> {
        self.build_times
            .lock()
            .map(|t| t.clone())
            .unwrap_or_default()
    }

    /// Builds one guest (named `name` in progress lines) through the build cache, puts it
    /// at `request.output` and returns its SHA-256. A cache hit skips the toolchain. With
    /// [`Placement::Link`], `needs_bytes(sha256)` says whether the bytes are about to be
    /// compiled, and so must be checked against their recorded hash first.
    pub fn build(
        &self,
        name: &str,
        language: Language,
        request: &BuildRequest<'_>,
        placement: Placement,
        needs_bytes: &dyn Fn(&str) -> bool,
    ) -> Result<String, BuildError> {
        let key = self.key(language, request)?;
        if let Some(cached) = self.cache.get(&key) {
            let trusted = placement == Placement::Link && !needs_bytes(&cached.sha256);
            if trusted || self.cache.verify(&cached) {
                let placed = match placement {
                    Placement::Link => link_artifact(&cached.path, request.output),
                    Placement::Copy => install_artifact(&cached.path, request.output),
                };
                // An entry another process removed since (the cache's size limit) is a miss:
                // the guest is built again below.
                if placed.is_ok() {
                    return Ok(cached.sha256);
                }
            }
        }
        let toolchain = self.prepare(language)?;
        let start = Instant::now();
        eprintln!("witness: building {name} ...");
        toolchain.build(request).map_err(|e| {
            // The newest toolchain is named: an upgrade that breaks the build shows as such.
            let e = match self.channel {
                Ok(Channel::Latest) => e.context(format!(
                    "with the newest {language} toolchain ({})",
                    channel::label(&toolchain.versions())
                )),
                _ => e,
            };
            BuildError::Failed {
                guest: request.guest.to_path_buf(),
                error: e.into(),
            }
        })?;
        let took = start.elapsed();
        eprintln!("witness: built {name} in {:.1}s", took.as_secs_f64());
        if let Ok(mut times) = self.build_times.lock() {
            times.push((name.to_string(), language, took));
        }
        self.cache
            .put(&key, request.output)
            .map_err(|e| BuildError::Io(e.into()))
    }

    /// Drops the cached build of `request`, so the next [`GuestBuilder::build`] runs the
    /// toolchain (the cached bytes turned out damaged).
    pub fn forget(&self, language: Language, request: &BuildRequest<'_>) {
        if let Ok(key) = self.key(language, request) {
            self.cache.forget(&key);
        }
    }

    fn toolchain_ready(&self, language: Language) -> Result<&LanguageSlot, BuildError> {
        let slot = &self.languages[&language];
        match slot.probed() {
            Err(reason) => Err(BuildError::ToolchainMissing {
                language,
                reason: match self.required.contains(&language) {
                    true => format!("{reason} ({language} is required)"),
                    false => reason.clone(),
                },
            }),
            Ok(()) => Ok(slot),
        }
    }

    fn prepare(&self, language: Language) -> Result<&dyn Toolchain, BuildError> {
        let slot = self.toolchain_ready(language)?;
        slot.prepared
            .get_or_init(|| slot.toolchain.prepare().map_err(SharedError::from))
            .clone()
            .map_err(|error| BuildError::ToolchainSetup { language, error })?;
        Ok(slot.toolchain.as_ref())
    }

    /// The build-cache key of one guest: its source, the WIT package, the world, and the
    /// toolchain's own fingerprint. The newest toolchain is installed first: its versions,
    /// resolved when it is installed, are part of the key.
    fn key(&self, language: Language, request: &BuildRequest<'_>) -> Result<String, BuildError> {
        let channel = self
            .channel
            .clone()
            .map_err(|reason| BuildError::ToolchainSetup {
                language,
                error: anyhow::Error::msg(reason).into(),
            })?;
        if channel == Channel::Latest {
            self.prepare(language)?;
        }
        let slot = self.toolchain_ready(language)?;
        let toolchain_key = slot
            .fingerprint
            .get_or_init(|| {
                let mut key = Fingerprint::new();
                slot.toolchain
                    .fingerprint(&mut key)
                    .map(|_| key)
                    .map_err(|e| {
                        e.context(format!("failed to fingerprint the {language} toolchain"))
                            .into()
                    })
            })
            .clone()
            .map_err(|error| BuildError::ToolchainSetup { language, error })?;
        let mut key = toolchain_key;
        key.text("language", language.name())
            .text("world", request.world);
        let hashed = key
            .file(request.guest)
            // Bounded as the WIT parser's input is (`plugin build` hashes it unparsed).
            .and_then(|key| key.dir(request.wit, crate::wit::LIMITS))
            .map_err(|e| BuildError::Io(e.into()))?;
        Ok(hashed.finish())
    }
}
