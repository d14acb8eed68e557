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
}
