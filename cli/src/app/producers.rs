//! Which language a component was written in, read from the `producers` custom sections its
//! toolchain wrote (the component's own and its core modules').

use wasmparser::{KnownCustom, Parser, Payload};

/// The `language` and `processed-by` entries of every producers section in `bytes`.
pub fn producers(bytes: &[u8]) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for payload in Parser::new(0).parse_all(bytes) {
        let Ok(Payload::CustomSection(section)) = payload else {
            continue;
        };
        let KnownCustom::Producers(reader) = section.as_known() else {
            continue;
        };
        for field in reader.into_iter().flatten() {
            if field.name != "language" && field.name != "processed-by" {
                continue;
            }
            for value in field.values.into_iter().flatten() {
                found.push((field.name.to_string(), value.name.to_string()));
            }
        }
    }
    found
}

/// The plugin's language as witness names it (`rust`, `js`, `python`), or `unknown`.
pub fn language(bytes: &[u8]) -> String {
    let entries = producers(bytes);
    let has = |field: &str, needle: &str| {
        entries
            .iter()
            .any(|(f, v)| f == field && v.to_ascii_lowercase().contains(needle))
    };
    // Every toolchain embeds runtimes written in other languages (StarlingMonkey is C++ and
    // Rust; componentize-py's runtime is Rust), so the most specific marks are checked first.
    if has("language", "javascript") || has("processed-by", "componentizejs") {
        "js"
    } else if has("language", "python")
        || has("processed-by", "componentize-py")
        // componentize-py 0.25 writes no Python entry; its pre-initialiser is its mark.
        || has("processed-by", "component-init-transform")
    {
        "python"
    } else if has("processed-by", "wit-bindgen-rust") || has("language", "rust") {
        "rust"
    } else {
        "unknown"
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Real components of each language are checked end to end: tests/plugin_cli.rs installs
    // the example plugin built from Rust, JS and Python and expects each language by name.

    #[test]
    fn a_component_without_producers_is_unknown() {
        assert_eq!(language(b"\0asm\x0d\0\x01\0"), "unknown");
    }
}
