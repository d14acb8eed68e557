//! Which versions of the guest toolchains a session builds with, and which it used.
//!
//! By default every build uses the toolchains witness pins (wit-bindgen in the Rust guest
//! template, componentize-js and jco in `guests-js/package.json`, componentize-py in
//! `guests-python/requirements.txt`). `WITNESS_TOOLCHAINS=latest` builds with the newest
//! ones instead, resolved by cargo, npm and pip when they are installed: each language then
//! installs into directories and a build cache of its own, so pinned and newest builds never
//! mix. The versions a session used ([`Toolchains`]) are printed and written into every
//! report.

use std::fmt;

use crate::language::Language;

/// Where a session's toolchain versions come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Channel {
    /// The versions witness pins (the default).
    #[default]
    Pinned,
    /// The newest versions, resolved when the toolchain is installed.
    Latest,
}

impl Channel {
    /// The channel `WITNESS_TOOLCHAINS` names: unset, empty or `pinned` is
    /// [`Channel::Pinned`], `latest` is [`Channel::Latest`]; anything else is an error that
    /// says what is accepted.
    pub fn from_env() -> Result<Self, String> {
        match std::env::var("WITNESS_TOOLCHAINS") {
            Err(_) => Ok(Channel::Pinned),
            Ok(value) => value.parse(),
        }
    }

    /// `pinned` or `latest`, as `WITNESS_TOOLCHAINS` names it.
    pub fn name(self) -> &'static str {
        match self {
            Channel::Pinned => "pinned",
            Channel::Latest => "latest",
        }
    }
}

impl std::str::FromStr for Channel {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim() {
            "" | "pinned" => Ok(Channel::Pinned),
            "latest" => Ok(Channel::Latest),
            other => Err(format!(
                "WITNESS_TOOLCHAINS={other} is not a toolchain channel (use pinned, the default, \
                 or latest)"
            )),
        }
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One tool of a guest toolchain and the version a build uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolVersion {
    /// The tool, such as `componentize-js`.
    pub tool: String,
    /// Its version, such as `0.23.0`.
    pub version: String,
}

impl ToolVersion {
    /// `tool` at `version`.
    pub fn new(tool: impl Into<String>, version: impl Into<String>) -> Self {
        ToolVersion {
            tool: tool.into(),
            version: version.into(),
        }
    }
}

impl fmt::Display for ToolVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.tool, self.version)
    }
}

/// `componentize-js 0.23.0, jco 1.35.0`: a language's tools, for messages and labels.
pub fn label(tools: &[ToolVersion]) -> String {
    tools
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The toolchains a session built with: the channel, and each language's tools with the
/// versions it used, in the order of [`Language::ALL`]. Languages no trial built are left
/// out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Toolchains {
    /// Pinned or newest.
    pub channel: Channel,
    /// Each language that built, with its tools.
    pub languages: Vec<(Language, Vec<ToolVersion>)>,
}

impl Toolchains {
    /// The tools `language` built with, if it built.
    pub fn of(&self, language: Language) -> Option<&[ToolVersion]> {
        self.languages
            .iter()
            .find(|(l, _)| *l == language)
            .map(|(_, tools)| tools.as_slice())
    }

    /// Whether no language built.
    pub fn is_empty(&self) -> bool {
        self.languages.is_empty()
    }

    /// One line for the matrix and stderr: `toolchains (pinned): rust wit-bindgen 0.61.1;
    /// js componentize-js 0.23.0, jco 1.35.0`; `None` when no language built.
    pub fn line(&self) -> Option<String> {
        if self.is_empty() {
            return None;
        }
        let parts: Vec<String> = self
            .languages
            .iter()
            .map(|(language, tools)| format!("{language} {}", label(tools)))
            .collect();
        Some(format!(
            "toolchains ({}): {}",
            self.channel,
            parts.join("; ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_parse_from_their_names_and_refuse_others() {
        assert_eq!("".parse(), Ok(Channel::Pinned));
        assert_eq!("pinned".parse(), Ok(Channel::Pinned));
        assert_eq!(" latest ".parse(), Ok(Channel::Latest));
        let err = "newest".parse::<Channel>().unwrap_err();
        assert!(
            err.contains("WITNESS_TOOLCHAINS=newest") && err.contains("latest"),
            "{err}"
        );
    }

    #[test]
    fn the_line_names_the_channel_and_each_language_that_built() {
        assert_eq!(Toolchains::default().line(), None);
        let toolchains = Toolchains {
            channel: Channel::Latest,
            languages: vec![
                (
                    Language::Rust,
                    vec![ToolVersion::new("wit-bindgen", "0.62.0")],
                ),
                (
                    Language::Js,
                    vec![
                        ToolVersion::new("componentize-js", "0.24.0"),
                        ToolVersion::new("jco", "1.36.0"),
                    ],
                ),
            ],
        };
        assert_eq!(
            toolchains.line().unwrap(),
            "toolchains (latest): rust wit-bindgen 0.62.0; js componentize-js 0.24.0, jco 1.36.0"
        );
        assert_eq!(toolchains.of(Language::Python), None);
        assert_eq!(
            toolchains.of(Language::Rust).map(label).unwrap(),
            "wit-bindgen 0.62.0"
        );
    }
}
