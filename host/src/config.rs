//! Settings a plugin's user writes in TOML, shared by fixture.toml and the plugin
//! application's config.toml: the `[wasi]` grants and the `[limits]` overrides.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::{Clock, Limits, Random};

/// The `[wasi]` table: what a plugin is granted (in fixture.toml or a plugin's config).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct WasiGrants {
    /// Command-line arguments.
    #[serde(default)]
    pub args: Vec<String>,
    /// Environment variables.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// Text on stdin.
    #[serde(default)]
    pub stdin: Option<String>,
    /// A directory of the fixture, copied into a fresh temporary directory and preopened at
    /// [`GUEST_DIR`].
    #[serde(default)]
    pub dir: Option<String>,
    /// The wall clock: an RFC 3339 instant such as `"2026-01-01T00:00:00Z"` (the host's
    /// default), or `"real"` for the host's clocks.
    #[serde(default, deserialize_with = "clock")]
    pub clock: Option<Clock>,
    /// The seed of the plugin's random numbers (default 0), or `"real"` for the host's
    /// secure random source.
    #[serde(default, deserialize_with = "random_seed")]
    pub random_seed: Option<Random>,
}

/// Where a granted directory appears inside the plugin.
pub const GUEST_DIR: &str = "/data";

/// Whom grants are for, which decides what a `[wasi]` table leaves unsaid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantsFor {
    /// A fixture's trial: its directory is a writable copy, and the clock and random source
    /// are fixed ([`Clock::default`], [`Random::default`]) so that runs repeat.
    Fixture,
    /// An installed plugin doing real work: the user's directory read-only, the host's real
    /// clocks and secure random source (seeded bytes are no secret).
    Plugin,
}

impl WasiGrants {
    /// The host's [`Grants`](crate::Grants) for these settings, with `dir` (where the caller
    /// put the directory `self.dir` names: a fixture's copy, a plugin's host directory)
    /// preopened at [`GUEST_DIR`], and the defaults of `whom` for what the table leaves out.
    pub fn to_grants(&self, dir: Option<std::path::PathBuf>, whom: GrantsFor) -> crate::Grants {
        let (clock, random, writable) = match whom {
            GrantsFor::Fixture => (Clock::default(), Random::default(), true),
            GrantsFor::Plugin => (Clock::Real, Random::Real, false),
        };
        crate::Grants {
            args: self.args.clone(),
            env: self.env.clone(),
            stdin: self.stdin.clone(),
            clock: self.clock.unwrap_or(clock),
            random: self.random_seed.unwrap_or(random),
            dir: dir.map(|host| crate::GrantedDir {
                host,
                guest: GUEST_DIR.to_string(),
                writable,
            }),
        }
    }
}

/// The longest `[limits] time` accepted: a day per call.
pub const MAX_TIME: std::time::Duration = std::time::Duration::from_secs(24 * 60 * 60);

/// The `[limits]` table.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LimitOverrides {
    /// Time per call, such as `"2s"` or `"500ms"`.
    #[serde(default, deserialize_with = "duration")]
    pub time: Option<std::time::Duration>,
    /// Linear memories and tables of the instance together, such as `"64 MiB"`.
    #[serde(default, deserialize_with = "size")]
    pub memory: Option<u64>,
    /// Captured stdout and stderr, each, and the record of host calls, such as `"4 KiB"`.
    #[serde(default, deserialize_with = "size")]
    pub output: Option<u64>,
}

impl LimitOverrides {
    /// The default limits with these overrides applied.
    pub fn apply(&self) -> Limits {
        let mut limits = Limits::default();
        if let Some(time) = self.time {
            limits.time = time;
        }
        if let Some(memory) = self.memory {
            limits.memory = memory;
        }
        if let Some(output) = self.output {
            limits.output = usize::try_from(output).unwrap_or(usize::MAX);
        }
        limits
    }
}

fn duration<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<std::time::Duration>, D::Error> {
    let text = String::deserialize(d)?;
    let time = humantime::parse_duration(&text).map_err(|e| {
        serde::de::Error::custom(format!("`{text}` is not a duration like \"2s\": {e}"))
    })?;
    if time > MAX_TIME {
        return Err(serde::de::Error::custom(format!(
            "`{text}` is longer than the longest time limit, {}",
            humantime::format_duration(MAX_TIME)
        )));
    }
    Ok(Some(time))
}

fn clock<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Clock>, D::Error> {
    let text = String::deserialize(d)?;
    if text == "real" {
        return Ok(Some(Clock::Real));
    }
    let instant = humantime::parse_rfc3339(&text).map_err(|e| {
        serde::de::Error::custom(format!(
            "`{text}` is neither \"real\" nor an instant like \"2026-01-01T00:00:00Z\": {e}"
        ))
    })?;
    let since_epoch = instant
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|_| serde::de::Error::custom(format!("`{text}` is before 1970")))?;
    Ok(Some(Clock::Fixed(since_epoch)))
}

/// A seed (a non-negative integer) or the word `real`.
#[derive(Deserialize)]
#[serde(untagged)]
enum SeedOrReal {
    Seed(u64),
    Word(String),
}

fn random_seed<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Random>, D::Error> {
    match SeedOrReal::deserialize(d) {
        Ok(SeedOrReal::Seed(seed)) => Ok(Some(Random::Seeded(seed))),
        Ok(SeedOrReal::Word(word)) if word == "real" => Ok(Some(Random::Real)),
        Ok(SeedOrReal::Word(word)) => Err(serde::de::Error::custom(format!(
            "`{word}` is neither \"real\" nor a seed (a number from 0 to 2^64 - 1)"
        ))),
        Err(_) => Err(serde::de::Error::custom(
            "random-seed is either \"real\" or a seed (a number from 0 to 2^64 - 1)",
        )),
    }
}

fn size<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    let text = String::deserialize(d)?;
    text.parse::<bytesize::ByteSize>()
        .map(|size| Some(size.as_u64()))
        .map_err(|e| {
            serde::de::Error::custom(format!("`{text}` is not a size like \"64 MiB\": {e}"))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct File {
        limits: LimitOverrides,
    }

    fn limits(text: &str) -> Result<LimitOverrides, String> {
        toml::from_str::<File>(text)
            .map(|f| f.limits)
            .map_err(|e| e.to_string())
    }

    #[derive(Debug, Deserialize)]
    struct Wasi {
        wasi: WasiGrants,
    }

    fn wasi(text: &str) -> Result<crate::Grants, String> {
        toml::from_str::<Wasi>(text)
            .map(|f| f.wasi.to_grants(None, GrantsFor::Fixture))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn clocks_and_random_seeds_are_fixed_unless_asked_for_real() {
        let default = wasi("[wasi]\n").unwrap();
        assert_eq!(default.clock, Clock::Fixed(crate::DEFAULT_CLOCK));
        assert_eq!(default.random, Random::Seeded(0));
        let set = wasi("[wasi]\nclock = \"2000-01-01T00:00:00Z\"\nrandom-seed = 7\n").unwrap();
        assert_eq!(
            set.clock,
            Clock::Fixed(std::time::Duration::from_secs(946_684_800))
        );
        assert_eq!(set.random, Random::Seeded(7));
        let real = wasi("[wasi]\nclock = \"real\"\nrandom-seed = \"real\"\n").unwrap();
        assert_eq!((real.clock, real.random), (Clock::Real, Random::Real));
        let err = wasi("[wasi]\nclock = \"tomorrow\"\n").unwrap_err();
        assert!(
            err.contains("line 2") && err.contains("`tomorrow` is neither"),
            "{err}"
        );
        let err = wasi("[wasi]\nrandom-seed = -1\n").unwrap_err();
        assert!(
            err.contains("line 2") && err.contains("random-seed is either"),
            "{err}"
        );
        let err = wasi("[wasi]\nrandom-seed = \"lucky\"\n").unwrap_err();
        assert!(err.contains("`lucky` is neither"), "{err}");
    }

    #[test]
    fn a_time_limit_past_a_day_is_refused_with_its_line() {
        let err = limits("[limits]\ntime = \"100000000 years\"\n").unwrap_err();
        assert!(err.contains("line 2"), "{err}");
        assert!(
            err.contains("longer than the longest time limit, 1day"),
            "{err}"
        );
        let ok = limits("[limits]\ntime = \"24h\"\nmemory = \"1 GiB\"\n").unwrap();
        assert_eq!(ok.time, Some(MAX_TIME));
        assert_eq!(ok.memory, Some(1 << 30));
    }
}
