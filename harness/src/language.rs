//! The guest languages witness builds plugins from.

use std::fmt;
use std::str::FromStr;

use serde::Deserialize;

/// A guest language, named as in trial names (`<fixture>::<language>`) and `--lang`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// Rust, built for `wasm32-wasip2`.
    Rust,
    /// JavaScript, built with componentize-js.
    Js,
    /// Python, built with componentize-py.
    Python,
}

impl Language {
    /// Every language, in the order the matrix shows them.
    pub const ALL: [Language; 3] = [Language::Rust, Language::Js, Language::Python];

    /// The language's name: `rust`, `js` or `python`.
    pub fn name(self) -> &'static str {
        match self {
            Language::Rust => "rust",
            Language::Js => "js",
            Language::Python => "python",
        }
    }

    /// The guest source file of a fixture in this language.
    pub fn guest_file(self) -> &'static str {
        match self {
            Language::Rust => "guest.rs",
            Language::Js => "guest.js",
            Language::Python => "guest.py",
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Language {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Language::ALL
            .into_iter()
            .find(|l| l.name() == s.trim())
            .ok_or_else(|| format!("unknown language `{s}` (expected rust, js or python)"))
    }
}

/// The guests a trial runs: one language's, or for a composition fixture a runner in one
/// language composed with a provider in another. Named as trial names name it: `js`, or
/// `python+rust` (the runner, then the provider).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Lineup {
    /// The language of the guest the calls go to.
    pub runner: Language,
    /// The language of the guest composed into it, for a composition fixture.
    pub provider: Option<Language>,
}

impl Lineup {
    /// The languages of the lineup: the runner, then the provider if there is one.
    pub fn languages(self) -> impl Iterator<Item = Language> {
        std::iter::once(self.runner).chain(self.provider)
    }

    /// Whether `language` is one of the lineup's.
    pub fn has(self, language: Language) -> bool {
        self.languages().any(|l| l == language)
    }
}

impl From<Language> for Lineup {
    fn from(runner: Language) -> Self {
        Lineup {
            runner,
            provider: None,
        }
    }
}

impl fmt::Display for Lineup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.provider {
            Some(provider) => write!(f, "{}+{provider}", self.runner),
            None => write!(f, "{}", self.runner),
        }
    }
}

impl FromStr for Lineup {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.split_once('+') {
            Some((runner, provider)) => Ok(Lineup {
                runner: runner.parse()?,
                provider: Some(provider.parse()?),
            }),
            None => Ok(Lineup::from(s.parse::<Language>()?)),
        }
    }
}

/// Parses a comma-separated language list such as `rust,python`.
pub fn parse_list(list: &str) -> Result<Vec<Language>, String> {
    list.split(',')
        .filter(|s| !s.trim().is_empty())
        .map(str::parse)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_lists_parse_and_reject_unknown_names() {
        assert_eq!(
            parse_list("rust, python").unwrap(),
            vec![Language::Rust, Language::Python]
        );
        assert!(parse_list("rust,go").unwrap_err().contains("`go`"));
    }

    #[test]
    fn lineups_are_written_runner_then_provider() {
        let pair: Lineup = "python+rust".parse().unwrap();
        assert_eq!(
            (pair.runner, pair.provider),
            (Language::Python, Some(Language::Rust))
        );
        assert_eq!(pair.to_string(), "python+rust");
        assert_eq!("js".parse::<Lineup>().unwrap(), Lineup::from(Language::Js));
        assert!(pair.has(Language::Rust) && !pair.has(Language::Js));
        assert!("rust+go".parse::<Lineup>().unwrap_err().contains("`go`"));
    }
}
